/* Expressions and filters of the template language: each operator and filter by the
 * document it produces, and each error by its exact message and position. */
#include <string.h>

#include "test_template_util.h"

/* Asserts that {{ EXPR }} prints `text` (a C string literal). */
#define EXPECT(expr, text)                                                                         \
    do {                                                                                           \
        char *dump_ = tt_expr(expr);                                                               \
        ck_assert_str_eq(dump_, TT_TEXT(text));                                                    \
        g_free(dump_);                                                                             \
    } while (0)

/* Asserts that {{ EXPR }} prints nothing (null, or an empty string). */
#define EXPECT_EMPTY(expr)                                                                         \
    do {                                                                                           \
        char *dump_ = tt_expr(expr);                                                               \
        ck_assert_str_eq(dump_, "document\n  paragraph\n");                                        \
        g_free(dump_);                                                                             \
    } while (0)

/* The template line every tt_expr error points into, and the column EXPR starts at. */
#define LINE_OF(expr) "<document><p><![CDATA[{{ " expr " }}]]></p></document>"
enum { EXPR_COL = 26 };

/* Asserts the first message of {{ EXPR }}: "t.xml:1:COL: error: MESSAGE". */
static void expect_error(const char *expr, int col, const char *message)
{
    char *errors = tt_expr_errors(expr);
    char *expected = g_strdup_printf("t.xml:1:%d: error: %s\n", col, message);
    ck_assert_msg(g_str_has_prefix(errors, expected), "for {{ %s }}\nexpected: %sgot:      %s",
                  expr, expected, errors);
    g_free(expected);
    g_free(errors);
}

/* Expands {{ EXPR }} with extra globals; returns the dump. */
static char *expr_with(const char *expr, const char *extra_json)
{
    jd_value *globals = tt_globals(extra_json);
    char *text = g_strdup_printf("<document><p><![CDATA[{{ %s }}]]></p></document>", expr);
    char *errors = NULL;
    char *dump = tt_expand(text, globals, &errors);
    ck_assert_msg(dump != NULL, "{{ %s }} failed:\n%s", expr, errors);
    g_free(errors);
    g_free(text);
    jd_value_unref(globals);
    return dump;
}

#define EXPECT_WITH(expr, extra, text)                                                             \
    do {                                                                                           \
        char *dump_ = expr_with(expr, extra);                                                      \
        ck_assert_str_eq(dump_, TT_TEXT(text));                                                    \
        g_free(dump_);                                                                             \
    } while (0)

static const char *const rows =
    "{\"rows\": [{\"k\": \"b\", \"v\": 2}, {\"k\": \"a\", \"v\": 1}, {\"k\": \"b\", \"v\": 3}],"
    " \"padded\": \"\\u3000 西青 \\t\"}";

/* ---- operators --------------------------------------------------------------------- */

START_TEST(arithmetic)
{
    EXPECT("1 + 2 * 3", "7");
    EXPECT("(1 + 2) * 3", "9");
    EXPECT("10 - 2 - 3", "5");
    EXPECT("7 / 2", "3.5");
    EXPECT("6 / 2", "3");
    EXPECT("7 % 3", "1");
    EXPECT("-2 + 5", "3");
    EXPECT("1.5 + 1", "2.5");
    EXPECT("'第' + 3 + '项'", "第3项");
    EXPECT("9223372036854775807 + 1", "9.223372036854776e+18"); /* overflow goes to double */
}
END_TEST

START_TEST(literals)
{
    EXPECT("true", "true");
    EXPECT("'it\\'s'", "it's");
    EXPECT("\"tab\\there\"", "tab\\there");
    EXPECT("[1, 'a', [2]] | length", "3");
    EXPECT_EMPTY("null");
    EXPECT_EMPTY("''");
}
END_TEST

START_TEST(comparisons_and_logic)
{
    EXPECT("1 < 2 and not (2 < 1)", "true");
    EXPECT("'b' > 'a'", "true");
    EXPECT("1 == 1.0", "true");
    EXPECT("1 != 2", "true");
    EXPECT("2 >= 2", "true");
    EXPECT("2 <= 1", "false");
    EXPECT("2 in [1, 2]", "true");
    EXPECT("3 not in [1, 2]", "true");
    EXPECT("'重点' in list.title", "true");
    EXPECT("'title' in list", "true");
    EXPECT("'nope' in list", "false");
    /* the right side is not evaluated when the left decides */
    EXPECT("true or list.nope", "true");
    EXPECT("false and list.nope", "false");
}
END_TEST

START_TEST(paths)
{
    EXPECT("list.tasks[1].units[0].names[1]", "司法局");
    EXPECT("list.tasks[-1].id", "3");
    EXPECT("list['title']", "西青区2023年重点工作任务清单");
    EXPECT("list.tasks[2].title", "推进<数字&政府>建设");
    EXPECT("params.quarter + 1", "3");
}
END_TEST

/* ---- filters ----------------------------------------------------------------------- */

START_TEST(filter_length)
{
    EXPECT("list.title | length", "16");
    EXPECT("list.tasks | length", "3");
    EXPECT("list | length", "2");
    EXPECT("null | length", "0");
    /* filters bind tighter than comparisons */
    EXPECT("list.tasks[1].units | length > 1", "true");
}
END_TEST

START_TEST(filter_join)
{
    EXPECT("list.tasks[1].leaders | join('、')", "殷学武、鲍杰");
    EXPECT("list.tasks[1].leaders | join('\\n')", "殷学武\\n鲍杰");
    EXPECT("[1, 2.5, 'x', true] | join", "12.5xtrue");
    EXPECT_EMPTY("[] | join(',')");
}
END_TEST

START_TEST(filter_default)
{
    /* default accepts a missing value even in strict mode */
    EXPECT("list.nope | default('无')", "无");
    EXPECT("list.tasks[0].nope.deeper | default('-')", "-");
    EXPECT("list.tasks[9] | default('none')", "none");
    EXPECT("'' | default('x')", "x");
    EXPECT("null | default(0)", "0");
    EXPECT("'a' | default('x')", "a");
    EXPECT("0 | default(5)", "0");
}
END_TEST

START_TEST(filter_text)
{
    EXPECT("'Ab中' | upper", "AB中");
    EXPECT("'ABC' | lower", "abc");
    EXPECT_WITH("padded | trim", rows, "西青");
    EXPECT("list.title | replace('2023', '二〇二三')", "西青区二〇二三年重点工作任务清单");
    EXPECT("'a-b-c' | replace('-', '')", "abc");
    EXPECT_EMPTY("null | upper");
    /* trim(chars): the characters listed, at both ends only */
    EXPECT("'。资金未到位，影响进度。；' | trim('。；')", "资金未到位，影响进度");
    EXPECT("'资金未到位' | trim('。')", "资金未到位");
    EXPECT_EMPTY("'。。' | trim('。')");
}
END_TEST

START_TEST(filter_number_percent)
{
    EXPECT("3.14159 | number(2)", "3.14");
    EXPECT("2 | number(1)", "2.0");
    EXPECT("'12.4' | number", "12");
    EXPECT("-0.001 | number(2)", "0.00");
    EXPECT("1234567 | number", "1234567");
    EXPECT("0.256 | percent(1)", "25.6%");
    EXPECT("1 | percent", "100%");
    EXPECT_EMPTY("null | number(2)");
}
END_TEST

START_TEST(filter_date)
{
    EXPECT("'2023-01-17' | date('2023年1月17日')", "2023年1月17日");
    EXPECT("'2023-03-05' | date('2023年1月17日')", "2023年3月5日");
    EXPECT("'2023-03-05' | date('2023-01-17')", "2023-03-05");
    EXPECT("'2023-03-05' | date('1/17')", "3/5");
    EXPECT("'2023-03-05T08:00:00+08:00' | date('%Y/%m/%d')", "2023/03/05");
    EXPECT("'2023-03-05' | date('%-m月%-d日 %%')", "3月5日 %");
    EXPECT("'2023-01-17' | cn_date", "2023年1月17日");
    EXPECT("'2024-11-09' | cn_date", "2024年11月9日");
}
END_TEST

START_TEST(filter_cn_number)
{
    EXPECT("0 | cn_number", "零");
    EXPECT("7 | cn_number", "七");
    EXPECT("10 | cn_number", "十");
    EXPECT("11 | cn_number", "十一");
    EXPECT("20 | cn_number", "二十");
    EXPECT("105 | cn_number", "一百零五");
    EXPECT("110 | cn_number", "一百一十");
    EXPECT("1001 | cn_number", "一千零一");
    EXPECT("1020 | cn_number", "一千零二十");
    EXPECT("9999 | cn_number", "九千九百九十九");
    EXPECT("'12' | cn_number", "十二");
    EXPECT("(2 + 1) | cn_number", "三");
}
END_TEST

START_TEST(filter_quarter_name)
{
    EXPECT("1 | quarter_name", "第一季度");
    EXPECT("params.quarter | quarter_name", "第二季度");
    EXPECT("4 | quarter_name", "第四季度");
}
END_TEST

START_TEST(filter_aggregates)
{
    EXPECT("[1, 2, 3.5] | sum", "6.5");
    EXPECT("[1, 2] | sum", "3");
    EXPECT("[] | sum", "0");
    EXPECT_WITH("rows | sum('v')", rows, "6");
    EXPECT("[3, 1, 2] | min", "1");
    EXPECT("['b', 'a'] | max", "b");
    EXPECT_WITH("rows | max('v')", rows, "3");
    EXPECT_EMPTY("[] | min");
    EXPECT("list.tasks | count", "3");
    EXPECT_WITH("rows | count('k', 'b')", rows, "2");
    EXPECT_WITH("rows | count('v')", rows, "3");
}
END_TEST

START_TEST(filter_lists)
{
    EXPECT("[3, 1, 2] | sort | join(',')", "1,2,3");
    /* stable, ascending and descending */
    EXPECT_WITH("rows | sort('k') | map('v') | join(',')", rows, "1,2,3");
    EXPECT_WITH("rows | sort('-k') | map('v') | join(',')", rows, "2,3,1");
    EXPECT("list.tasks | map('leaders') | flatten | unique | join('、')", "殷学武、鲍杰");
    EXPECT("[1, 2, 1.0, '1'] | unique | length", "3");
    EXPECT("(list.tasks | first).id", "1");
    EXPECT("(list.tasks | last).id", "3");
    EXPECT_EMPTY("[] | first");
    EXPECT("[[1, 2], [3], 4] | flatten | join(',')", "1,2,3,4");
    EXPECT("list.tasks | map('id') | join(',')", "1,2,3");
    EXPECT("list.tasks | select('id', 2) | map('title') | join", "严格落实重大行政决策程序");
    EXPECT_WITH("rows | select('k', 'b') | length", rows, "2");
    /* reject: what select drops */
    EXPECT_WITH("rows | reject('k', 'b') | map('v') | join(',')", rows, "1");
    /* batch: lists of at most n items */
    EXPECT("[1, 2, 3, 4, 5] | batch(2)", "[[1,2],[3,4],[5]]");
    EXPECT("[1, 2] | batch(5)", "[[1,2]]");
    EXPECT("[] | batch(3) | length", "0");
}
END_TEST

/* counts by state, as task_counts gives them */
static const char *const counts =
    "{\"counts\": {\"已完成\": 15, \"序时推进\": 79, \"滞后\": 18, \"未启动\": 1, \"未报送\": 10},"
    " \"none\": {\"已完成\": 0, \"滞后\": 0}}";

START_TEST(filter_items_and_shares)
{
    EXPECT_WITH("counts | items | map('key') | join(',')", counts, "已完成,序时推进,滞后,未启动,未报送");
    EXPECT_WITH("counts | items | map('value') | join(',')", counts, "15,79,18,1,10");
    EXPECT_WITH("none | items | select('value') | length", counts, "0");
    EXPECT("null | items | length", "0");
    /* each share rounded on its own, as the pie chart's legend: 18/123 is 14.63% → 14.6%
     * (the five add up to 99.9%) */
    EXPECT_WITH("counts | shares", counts,
                "{\\\"已完成\\\":\\\"12.2%\\\",\\\"序时推进\\\":\\\"64.2%\\\",\\\"滞后\\\":\\\"14.6%\\\","
                "\\\"未启动\\\":\\\"0.8%\\\",\\\"未报送\\\":\\\"8.1%\\\"}");
    EXPECT_WITH("(counts | shares)['滞后']", counts, "14.6%");
    EXPECT("[1, 1, 1] | shares(0) | join(',')", "33%,33%,33%");
    EXPECT("[1, 7] | shares | join(',')", "12.5%,87.5%");
    EXPECT("[1, 1, 6] | shares(0) | join(',')", "13%,13%,75%");
    EXPECT("[1, 2] | shares(2) | join(',')", "33.33%,66.67%");
    EXPECT("[0, 0] | shares | join(',')", "0.0%,0.0%");
    EXPECT("['3', 1] | shares | join(',')", "75.0%,25.0%");
    expect_error("[1, -1] | shares", 36, "filter 'shares': item 2 must be a number of at least 0, got an int (-1)");
    expect_error("[1, null] | shares", 38, "filter 'shares': item 2 must be a number of at least 0, got null");
    expect_error("[1] | shares(4)", 32,
                 "filter 'shares': the number of decimals must be a whole number from 0 to 3, got an int (4)");
    expect_error("1 | items", 30, "filter 'items' expects an object, got an int (1)");
    expect_error("[1] | batch(0)", 32,
                 "filter 'batch': the size of a batch must be a whole number from 1 to 1000000, got an int (0)");
}
END_TEST

START_TEST(filter_segments_for)
{
    EXPECT("list.tasks[0].units[0] | segments_for(3)", "全年推进");
    EXPECT("list.tasks[1].units[0].plan | segments_for(4)", "督促履行程序\\n做好公开发布");
    EXPECT("list.tasks[1].units[1] | segments_for(params.quarter)", "开展审计");
    EXPECT_EMPTY("list.tasks[1].units[1] | segments_for(1)");
    EXPECT_EMPTY("list.tasks[2].units[0] | segments_for(1)");
}
END_TEST

/* ---- errors ------------------------------------------------------------------------ */

START_TEST(error_format_has_excerpt_and_caret)
{
    char *errors = tt_expr_errors("list.title | shout");
    ck_assert_str_eq(
        errors,
        "t.xml:1:39: error: unknown filter 'shout'\n"
        "    " LINE_OF("list.title | shout") "\n"
                                             "                                          ^~~~~\n");
    g_free(errors);
    errors = tt_expr_errors("list.nope");
    ck_assert_str_eq(errors,
                     "t.xml:1:30: error: 'list' has no member 'nope'\n"
                     "    " LINE_OF("list.nope") "\n"
                                                 "                                 ^~~~~\n");
    g_free(errors);
}
END_TEST

START_TEST(errors_filter_arguments)
{
    expect_error("list.title | upper(1)", 39, "filter 'upper' takes no arguments, got 1");
    expect_error("list.title | replace('a')", 39, "filter 'replace' needs 2 arguments, got 1");
    expect_error("list.title | join(1, 2)", 39, "filter 'join' takes at most 1 argument, got 2");
    expect_error("list.tasks | select()", 39, "filter 'select' needs at least 1 argument, got 0");
    expect_error("3 | number(11)", 30,
                 "filter 'number': the number of decimals must be a whole number from 0 to 10, "
                 "got an int (11)");
    expect_error("list.title | replace('', 'x')", 39,
                 "filter 'replace': the text to replace is empty");
}
END_TEST

START_TEST(errors_filter_types)
{
    expect_error("list.tasks | upper", 39, "filter 'upper' expects a string, got a list");
    expect_error("'abc' | number(1)", 34, "filter 'number' expects a number, got a string \"abc\"");
    expect_error("-1 | cn_number", 31,
                 "filter 'cn_number' expects a whole number from 0 to 9999, got an int (-1)");
    expect_error("10000 | cn_number", 34,
                 "filter 'cn_number' expects a whole number from 0 to 9999, got an int (10000)");
    expect_error("2.5 | cn_number", 32,
                 "filter 'cn_number' expects a whole number from 0 to 9999, got a number (2.5)");
    expect_error("5 | quarter_name", 30,
                 "filter 'quarter_name' expects a quarter from 1 to 4, got an int (5)");
    expect_error("'2023-13-01' | date('2023')", 41,
                 "filter 'date' expects a date like 2023-01-17, got a string \"2023-13-01\"");
    expect_error("'2023-01-17' | date('%q')", 41,
                 "filter 'date': unknown directive '%q' in the format");
    expect_error("'2023-01-17' | date('5月')", 41,
                 "filter 'date': '5' in the format is not part of the reference date 2023-01-17 "
                 "(use 2023, 01 or 1, 17, or %Y %m %d)");
    expect_error("[[1]] | join", 34,
                 "filter 'join' expects a list of text or numbers (item 1 is a list)");
    expect_error("['a', 1] | sum", 37,
                 "filter 'sum' expects a list of numbers, item 1 is a string \"a\"");
    expect_error("[1, 'a'] | max", 37, "filter 'max' cannot compare numbers with strings");
    expect_error("list | first", 33, "filter 'first' expects a list, got an object");
    expect_error("1 | length", 30,
                 "filter 'length' expects a list, a string or an object, got an int (1)");
    expect_error("list.tasks[0] | segments_for(1)", 42,
                 "filter 'segments_for' expects a unit with a plan, or a plan list, got an object");
    expect_error("list.tasks[0].units[0] | segments_for(5)", 51,
                 "filter 'segments_for': the quarter must be a whole number from 1 to 4, got an "
                 "int (5)");
}
END_TEST

START_TEST(errors_malformed)
{
    expect_error("1 +", 30, "malformed expression: missing value at the end");
    expect_error("(1 + 2", 33, "malformed expression: expected ')'");
    expect_error("a = 1", 28, "malformed expression: '=' is not an operator (use '==')");
    expect_error("'abc", 26, "malformed expression: unterminated string");
    expect_error("1 2", 28, "malformed expression: unexpected '2'");
    expect_error("list.", 32, "malformed expression: expected a member name after '.'");
    expect_error("#", 26, "malformed expression: unexpected character '#'");
    expect_error("x |", 30, "malformed expression: expected a filter name after '|'");
    expect_error("'\\q'", 27, "malformed expression: unknown escape '\\q' in a string");
    expect_error("99999999999999999999", 26,
                 "malformed expression: number '99999999999999999999' is too large");
    GString *deep = g_string_new(NULL);
    for (int i = 0; i < 100; i++)
        g_string_append_c(deep, '(');
    g_string_append_c(deep, '1');
    for (int i = 0; i < 100; i++)
        g_string_append_c(deep, ')');
    char *errors = tt_expr_errors(deep->str);
    ck_assert_int_eq(jt_count(errors, "malformed expression: nested too deeply"), 1);
    g_free(errors);
    g_string_free(deep, TRUE);
    char *empty = tt_errors("<document><p>{{ }}</p></document>");
    ck_assert(
        g_str_has_prefix(empty, "t.xml:1:16: error: malformed expression: empty expression\n"));
    g_free(empty);
}
END_TEST

START_TEST(filter_state_counts)
{
    /* every state is counted, 0 included: a template reading counts["滞后"] works in a
     * quarter without 滞后 as in one with it */
    jd_value *globals = tt_globals(
        "{\"sheet\": {\"states\": [\"已完成\", \"正常推进\", \"滞后\", \"暂缓\"], \"tasks\": ["
        "{\"id\": 1, \"units\": [{\"names\": [\"商务局\"], \"reports\": [{\"task\": 1, \"unit\": \"商务局\","
        " \"period\": \"2023Q2\", \"state\": \"暂缓\", \"done\": \"\", \"problems\": \"\", \"next\": \"\","
        " \"reporter\": \"\", \"date\": \"\"}]}, {\"names\": [\"财政局\"], \"reports\": []}]}]}}");
    char *errors = NULL;
    char *dump = tt_expand("<document><p>{{ sheet | state_counts('2023Q2') }}|"
                           "{{ sheet.tasks | state_counts('2023Q2') }}|"
                           "{{ (list.tasks | state_counts('2023Q2'))['滞后'] }}|"
                           "{{ list.tasks | state_counts('2023Q2') }}</p></document>",
                           globals, &errors);
    ck_assert_msg(dump != NULL, "%s", errors);
    tt_assert_text(dump, TT_TEXT("{\\\"已完成\\\":0,\\\"正常推进\\\":0,\\\"滞后\\\":0,\\\"暂缓\\\":1,\\\"未报送\\\":1}|"
                                 "{\\\"已完成\\\":0,\\\"序时推进\\\":0,\\\"滞后\\\":0,\\\"未启动\\\":0,\\\"暂缓\\\":1,\\\"未报送\\\":1}|0|"
                                 "{\\\"已完成\\\":0,\\\"序时推进\\\":0,\\\"滞后\\\":0,\\\"未启动\\\":0,\\\"未报送\\\":4}"));
    g_free(dump);
    g_free(errors);
    jd_value_unref(globals);
}
END_TEST

START_TEST(filter_unit_and_missing_reports)
{
    /* task 1: 商务局 and 财政局 report (财政局 twice: the worse counts), 文旅局 does not;
     * 商务局 is in two rows and counts once */
    jd_value *globals = tt_globals(
        "{\"sheet\": {\"tasks\": [{\"id\": 1, \"units\": ["
        "{\"names\": [\"商务局\", \"财政局\"], \"reports\": ["
        "{\"task\": 1, \"unit\": \"商务局\", \"period\": \"2023Q2\", \"state\": \"序时推进\", \"problems\": \"\"},"
        "{\"task\": 1, \"unit\": \"财政局\", \"period\": \"2023Q2\", \"state\": \"已完成\", \"problems\": \"\"},"
        "{\"task\": 1, \"unit\": \"财政局\", \"period\": \"2023Q2\", \"state\": \"滞后\", \"problems\": \"资金未到位\"},"
        "{\"task\": 1, \"unit\": \"商务局\", \"period\": \"2023Q1\", \"state\": \"滞后\", \"problems\": \"旧\"}]},"
        "{\"names\": [\"商务局\", \"文旅局\"], \"reports\": []}]},"
        "{\"id\": 2, \"units\": [{\"names\": [\"文旅局\"], \"reports\": []}]}]}}");
    char *errors = NULL;
    char *dump = tt_expand(
        "<document><p>{{ sheet.tasks[0] | unit_reports('2023Q2') | map('unit') | join(',') }}|"
        "{{ sheet.tasks[0] | unit_reports('2023Q2') | map('state') | join(',') }}|"
        "{{ sheet.tasks[0] | unit_reports('2023Q2') | select('state', '滞后') | map('problems') | join }}|"
        "{{ sheet.tasks[0] | unit_reports('2023Q1') | map('state') | join(',') }}|"
        "{{ sheet | missing_reports('2023Q2') }}|"
        "{{ sheet.tasks | missing_reports('2023Q2') | length }}|"
        "{{ sheet | missing_reports('2023Q1') | length }}</p></document>",
        globals, &errors);
    ck_assert_msg(dump != NULL, "%s", errors);
    tt_assert_text(dump, TT_TEXT("商务局,财政局,文旅局|序时推进,滞后,未报送|资金未到位|滞后,未报送,未报送|"
                                 "[{\\\"task\\\":1,\\\"unit\\\":\\\"文旅局\\\"},{\\\"task\\\":2,\\\"unit\\\":\\\"文旅局\\\"}]|2|3"));
    g_free(dump);
    g_free(errors);
    jd_value_unref(globals);
    expect_error("list | unit_reports('2023Q2')", 33, "filter 'unit_reports' expects a task (an object with units), got an object");
    expect_error("list.tasks[0] | unit_reports('2023Q5')", 42,
                 "filter 'unit_reports': '2023Q5' is not a reporting period (2023Q2, 2023-05, 2023年第二季度…)");
    expect_error("'x' | missing_reports('2023Q2')", 32, "filter 'missing_reports' expects a list of tasks, got a string \"x\"");
}
END_TEST

START_TEST(errors_evaluation)
{
    expect_error("1 / 0", 26, "division by zero");
    expect_error("list.tasks[7]", 36, "index 7 is out of range: 'list.tasks' has 3 items");
    expect_error("nope", 26, "'nope' is not defined");
    /* a misspelt name gets the closest one in scope */
    expect_error("lst.title", 26, "'lst' is not defined — did you mean 'list'?");
    expect_error("list.titel", 30, "'list' has no member 'titel' — did you mean 'title'?");
    expect_error("list.tasks | state_count('2023Q2')", 39, "unknown filter 'state_count' — did you mean 'state_counts'?");
    expect_error("list.tasks | lenght", 39, "unknown filter 'lenght' — did you mean 'length'?");
    expect_error("list.title.x", 36, "cannot take member 'x' of 'list.title' (a string)");
    expect_error("list.tasks['a']", 37, "a list index must be a whole number, got a string");
    expect_error("1 < 'a'", 26, "'<' cannot compare an int with a string");
    expect_error("[1] + 1", 26, "'+' needs numbers, got a list and an int");
    expect_error("-'a'", 26, "'-' needs a number, got a string");
    expect_error("1 in 2", 26, "'in' cannot look for an int in an int");
    expect_error("list.title[0]", 36, "cannot index 'list.title' (a string)");
}
END_TEST

START_TEST(non_strict_missing_values_are_empty)
{
    char *dump = tt_dump("<document strict=\"false\"><p>[{{ list.nope }}][{{ nope.x[3] }}]"
                         "[{{ list.nope | upper }}][{{ list.tasks[9].id }}]</p></document>");
    ck_assert_str_eq(dump, TT_TEXT("[][][][]"));
    g_free(dump);
    /* wrong types are still errors */
    char *errors =
        tt_errors("<document strict=\"false\"><p>{{ list.tasks | upper }}</p></document>");
    ck_assert_str_eq(errors,
                     "t.xml:1:45: error: filter 'upper' expects a string, got a list\n"
                     "    <document strict=\"false\"><p>{{ list.tasks | upper }}</p></document>\n"
                     "                                                ^~~~~\n");
    g_free(errors);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("template-expr");
    TCase *ops = tcase_create("operators");
    tcase_add_test(ops, arithmetic);
    tcase_add_test(ops, literals);
    tcase_add_test(ops, comparisons_and_logic);
    tcase_add_test(ops, paths);
    suite_add_tcase(s, ops);
    TCase *filters = tcase_create("filters");
    tcase_add_test(filters, filter_length);
    tcase_add_test(filters, filter_join);
    tcase_add_test(filters, filter_default);
    tcase_add_test(filters, filter_text);
    tcase_add_test(filters, filter_number_percent);
    tcase_add_test(filters, filter_date);
    tcase_add_test(filters, filter_cn_number);
    tcase_add_test(filters, filter_quarter_name);
    tcase_add_test(filters, filter_aggregates);
    tcase_add_test(filters, filter_lists);
    tcase_add_test(filters, filter_items_and_shares);
    tcase_add_test(filters, filter_segments_for);
    tcase_add_test(filters, filter_state_counts);
    tcase_add_test(filters, filter_unit_and_missing_reports);
    suite_add_tcase(s, filters);
    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, error_format_has_excerpt_and_caret);
    tcase_add_test(errors, errors_filter_arguments);
    tcase_add_test(errors, errors_filter_types);
    tcase_add_test(errors, errors_malformed);
    tcase_add_test(errors, errors_evaluation);
    tcase_add_test(errors, non_strict_missing_values_are_empty);
    suite_add_tcase(s, errors);
    return jt_main(s);
}
