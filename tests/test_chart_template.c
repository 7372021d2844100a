/* <chart> and <series> in templates: what they expand to (the CHART node of the document
 * dump), every way of giving data, and every error — at load time, before any data, and at
 * expansion, where bad data is named by its item and points at the attribute that read it. */
#include <string.h>

#include "test_template_util.h"

/* Data every test can chart. */
static const char *const DATA =
    "{\"rows\": [{\"name\": \"地区生产总值\", \"target\": 6.5, \"actual\": 5.2},"
    "            {\"name\": \"一般公共预算收入\", \"target\": 5, \"actual\": 7.1},"
    "            {\"name\": \"固定资产投资\", \"target\": 8, \"actual\": null}],"
    " \"states\": {\"已完成\": 12, \"序时推进\": 80, \"滞后\": 7, \"未报送\": 24},"
    " \"bad\": [{\"name\": \"A\", \"v\": 1}, {\"name\": \"B\", \"v\": \"abc\"}, {\"name\": \"C\", "
    "\"v\": [1]}],"
    " \"minus\": {\"甲\": 3, \"乙\": -1},"
    " \"holes\": {\"甲\": 3, \"乙\": null},"
    " \"empty\": [],"
    " \"nine\": {\"a\": 1, \"b\": 1, \"c\": 1, \"d\": 1, \"e\": 1, \"f\": 1, \"g\": 1, \"h\": 1, "
    "\"i\": 1}}";

static char *expand_ok(const char *tpl)
{
    jd_value *g = tt_globals(DATA);
    char *errors = NULL;
    char *dump = tt_expand(tpl, g, &errors);
    ck_assert_msg(dump != NULL, "expansion failed:\n%s", errors ? errors : "");
    g_free(errors);
    jd_value_unref(g);
    return dump;
}

/* The "file:line:col: error: message" lines of a failed expansion (no excerpts). */
static char *expand_errors(const char *tpl)
{
    jd_value *g = tt_globals(DATA);
    char *errors = NULL;
    char *dump = tt_expand(tpl, g, &errors);
    ck_assert_msg(dump == NULL, "expected errors, got:\n%s", dump ? dump : "");
    jd_value_unref(g);
    GString *heads = g_string_new(NULL);
    char **lines = g_strsplit(errors, "\n", -1);
    for (char **l = lines; *l; l++)
        if (strstr(*l, ": error: ")) g_string_append_printf(heads, "%s\n", *l);
    g_strfreev(lines);
    g_free(errors);
    return g_string_free(heads, FALSE);
}

#define EXPECT_ERRORS(tpl, expected)                                                               \
    do {                                                                                           \
        char *heads_ = expand_errors(tpl);                                                         \
        tt_assert_text(heads_, expected);                                                          \
        g_free(heads_);                                                                            \
    } while (0)

START_TEST(bars_from_a_list_of_objects)
{
    char *dump = expand_ok("<document>\n"
                           "<chart kind=\"bar\" data=\"{{ rows }}\" label=\"{{ item.name }}\" "
                           "title=\"目标与完成\" unit=\"%\"\n"
                           "       width=\"80%\" height=\"60mm\" legend=\"top\" decimals=\"1\" "
                           "palette=\"color\" missing=\"未报\">\n"
                           "  <series name=\"目标\" value=\"{{ item.target }}\"/>\n"
                           "  <series name=\"{{ '实' + '际' }}\" value=\"{{ item.actual }}\"/>\n"
                           "</chart></document>");
    tt_assert_text(dump, "document\n"
                         "  chart title=\"目标与完成\" width=80% height=170.08pt kind=\"bar\" "
                         "labels=[\"地区生产总值\", "
                         "\"一般公共预算收入\", \"固定资产投资\"] legend=\"top\" unit=\"%\" "
                         "decimals=1 palette=\"color\" "
                         "missing-label=\"未报\"\n"
                         "    series name=\"目标\" values=[6.5, 5, 8]\n"
                         "    series name=\"实际\" values=[5.2, 7.1, null]\n");
    g_free(dump);
}
END_TEST

/* An object is a chart of its own: members in order, keys as labels, values as values. */
START_TEST(ring_of_an_object)
{
    char *dump =
        expand_ok("<document><chart kind=\"ring\" data=\"{{ states }}\" unit=\"项\"/></document>");
    tt_assert_text(dump, "document\n"
                         "  chart kind=\"ring\" labels=[\"已完成\", \"序时推进\", \"滞后\", "
                         "\"未报送\"] unit=\"项\"\n"
                         "    series values=[12, 80, 7, 24]\n");
    g_free(dump);
}
END_TEST

/* Whole lists; series made by a loop; a static value; the progress roles. */
START_TEST(lists_loops_and_roles)
{
    char *dump = expand_ok(
        "<document>\n"
        "<chart kind=\"line\" labels=\"{{ ['一季度', '上半年'] }}\" value-labels=\"false\">\n"
        "  <for each=\"y in [2022, 2023]\"><series name=\"{{ y }}年\" values=\"{{ [y - 2018, y - "
        "2019.5] }}\"/></for>\n"
        "</chart>\n"
        "<chart kind=\"progress\" data=\"{{ rows }}\" label=\"{{ item.name }}\" note=\"{{ "
        "item.name | length }}字\">\n"
        "  <series name=\"完成\" value=\"{{ item.target * 10 }}\"/>\n"
        "  <series name=\"目标\" role=\"target\" value=\"100\"/>\n"
        "  <series name=\"序时进度\" role=\"mark\" value=\" 50 \"/>\n"
        "</chart></document>");
    tt_assert_text(dump, "document\n"
                         "  chart kind=\"line\" labels=[\"一季度\", \"上半年\"] value-labels=0\n"
                         "    series name=\"2022年\" values=[4, 2.5]\n"
                         "    series name=\"2023年\" values=[5, 3.5]\n"
                         "  chart kind=\"progress\" labels=[\"地区生产总值\", "
                         "\"一般公共预算收入\", \"固定资产投资\"] "
                         "notes=[\"6字\", \"8字\", \"6字\"]\n"
                         "    series name=\"完成\" values=[65, 50, 80] role=\"value\"\n"
                         "    series name=\"目标\" values=[100, 100, 100] role=\"target\"\n"
                         "    series name=\"序时进度\" values=[50, 50, 50] role=\"mark\"\n");
    g_free(dump);
}
END_TEST

/* A chart value changed in its third decimal changes the document's hash (what a build
 * compares to decide whether to render again). */
START_TEST(every_digit_reaches_the_hash)
{
    char *a = expand_ok("<document><chart kind=\"bar\" labels=\"{{ ['a'] }}\" values=\"{{ [0.123] "
                        "}}\"/></document>");
    char *b = expand_ok("<document><chart kind=\"bar\" labels=\"{{ ['a'] }}\" values=\"{{ [0.124] "
                        "}}\"/></document>");
    ck_assert_ptr_nonnull(strstr(a, "values=[0.123]"));
    ck_assert_str_ne(a, b);
    g_free(a);
    g_free(b);
}
END_TEST

/* The README's recipe for slices in a fixed order, whatever order the states come in. */
START_TEST(slices_in_a_fixed_order)
{
    char *dump = expand_ok(
        "<document><set name=\"c\" value=\"states\"/>\n"
        "<chart kind=\"ring\" labels=\"{{ ['已完成', '序时推进', '滞后', '未启动', '未报送'] }}\"\n"
        "       values=\"{{ [c['已完成'] | default(0), c['序时推进'] | default(0), c['滞后'] | "
        "default(0),\n"
        "                  c['未启动'] | default(0), c['未报送'] | default(0)] }}\"/></document>");
    tt_assert_text(dump,
                   "document\n"
                   "  chart kind=\"ring\" labels=[\"已完成\", \"序时推进\", \"滞后\", \"未启动\", "
                   "\"未报送\"]\n"
                   "    series values=[12, 80, 7, 0, 24]\n");
    g_free(dump);
}
END_TEST

START_TEST(structure_errors_at_load_time)
{
    EXPECT_ERRORS("<document><chart data=\"{{ rows }}\" label=\"{{ item.name }}\" value=\"{{ "
                  "item.v }}\"/></document>",
                  "t.xml:1:12: error: <chart> needs a 'kind' attribute\n");
    EXPECT_ERRORS(
        "<document><chart kind=\"donut\" labels=\"{{ ['a'] }}\"/></document>",
        "t.xml:1:24: error: bad value 'donut' for kind: use bar, line, pie, ring or progress\n");
    EXPECT_ERRORS(
        "<document><chart kind=\"bar\" data=\"rows\" label=\"x\" value=\"1\"/></document>",
        "t.xml:1:35: error: 'data' needs one {{ expression }} that gives a list or an object, e.g. "
        "data=\"{{ list.tasks | state_counts('2023Q2') }}\"\n");
    EXPECT_ERRORS("<document><chart kind=\"bar\" data=\"{{ rows }}\" labels=\"{{ ['a'] }}\" "
                  "values=\"{{ [1] }}\"/>"
                  "</document>",
                  "t.xml:1:55: error: <chart> takes 'data' or 'labels', not both\n");
    EXPECT_ERRORS("<document><chart kind=\"bar\" labels=\"{{ ['a'] }}\" label=\"{{ item }}\" "
                  "values=\"{{ [1] }}\"/>"
                  "</document>",
                  "t.xml:1:57: error: 'label' is evaluated for each item of 'data', and this chart "
                  "has no 'data'\n");
    EXPECT_ERRORS(
        "<document><chart kind=\"bar\" labels=\"{{ ['a'] }}\" value=\"1\"/></document>",
        "t.xml:1:57: error: 'value' is evaluated for each item of 'data', and this chart has no "
        "'data': give a list as 'values'\n");
    EXPECT_ERRORS(
        "<document><chart kind=\"bar\"/></document>",
        "t.xml:1:12: error: <chart> needs 'data' (a list, or an object of name: value) or 'labels' "
        "(a list of category names)\n"
        "t.xml:1:12: error: <chart> needs a 'value' (one series) or <series> elements\n");
    EXPECT_ERRORS("<document><chart kind=\"line\" orient=\"horizontal\" labels=\"{{ ['a'] }}\" "
                  "values=\"{{ [1] }}\"/>"
                  "</document>",
                  "t.xml:1:38: error: 'orient' is for bar charts, not line charts\n");
    EXPECT_ERRORS(
        "<document><chart kind=\"bar\" labels=\"{{ ['a'] }}\">\n"
        "  <series role=\"target\" values=\"{{ [1] }}\"/>\n"
        "  <series name=\"x\" value=\"{{ 1 }}\" values=\"{{ [1] }}\"/>\n"
        "  text\n"
        "</chart><series name=\"y\" values=\"{{ [1] }}\"/></document>",
        "t.xml:2:4: error: <series> needs a 'name' (the legend shows it)\n"
        "t.xml:2:17: error: 'role' is for progress charts, not bar charts\n"
        "t.xml:3:44: error: <series> takes 'value' or 'values', not both\n"
        "t.xml:4:3: error: text cannot be inside <chart>\n"
        "t.xml:5:10: error: <series> cannot be inside <document>: it belongs in <chart>\n");
    EXPECT_ERRORS("<document><chart kind=\"progress\" labels=\"{{ ['a'] }}\">\n"
                  "  <series name=\"t\" role=\"target\" values=\"{{ [1] }}\"/>\n"
                  "</chart></document>",
                  "t.xml:1:12: error: a progress chart needs exactly one series of role 'value' "
                  "(the bar), and "
                  "this one has 0\n");
    EXPECT_ERRORS("<document><chart kind=\"pie\" labels=\"{{ ['a'] }}\" values=\"{{ [1] }}\">\n"
                  "<series name=\"b\" values=\"{{ [1] }}\"/></chart></document>",
                  "t.xml:1:58: error: <chart> has a 'value' of its own and <series>: give one or "
                  "the other\n");
}
END_TEST

START_TEST(bad_data_names_the_item)
{
    EXPECT_ERRORS("<document>\n<chart kind=\"bar\" data=\"{{ bad }}\" label=\"{{ item.name }}\" "
                  "value=\"{{ item.v }}\"/>"
                  "</document>",
                  "t.xml:2:67: error: the value of item 2 (“B”) is a string (abc), not a number\n");
    EXPECT_ERRORS("<document><chart kind=\"bar\" data=\"{{ rows }}\" label=\"{{ item.name }}\" "
                  "value=\"{{ item.name }}%\"/>"
                  "</document>",
                  "t.xml:1:78: error: the value of item 1 (“地区生产总值”) is “地区生产总值%”, not "
                  "a number\n");
    EXPECT_ERRORS("<document><chart kind=\"bar\" labels=\"{{ ['a', 'b'] }}\" values=\"{{ [1, 2, 3] "
                  "}}\"/></document>",
                  "t.xml:1:63: error: 'values' has 3 numbers for the chart's 2 categories\n");
    EXPECT_ERRORS("<document><chart kind=\"bar\" labels=\"{{ ['a', 'b'] }}\"><series name=\"s\" "
                  "values=\"{{ 'ab' }}\"/>"
                  "</chart></document>",
                  "t.xml:1:80: error: 'values' needs a list, got a string (ab)\n");
    EXPECT_ERRORS(
        "<document><chart kind=\"bar\" data=\"{{ empty }}\" label=\"x\" value=\"1\"/></document>",
        "t.xml:1:35: error: the chart's data is empty: there is nothing to draw\n");
    EXPECT_ERRORS(
        "<document><chart kind=\"bar\" data=\"{{ rows }}\"><series name=\"s\" value=\"1\"/></chart>"
        "</document>",
        "t.xml:1:12: error: <chart> needs a 'label' for the items of its data list, e.g. "
        "label=\"{{ item.name }}\"\n");
    EXPECT_ERRORS("<document><chart kind=\"pie\" data=\"{{ minus }}\"/></document>",
                  "t.xml:1:35: error: the value of item 2 (“乙”) is -1: a pie chart cannot show a "
                  "share below zero\n");
    EXPECT_ERRORS("<document><chart kind=\"ring\" data=\"{{ holes }}\"/></document>",
                  "t.xml:1:36: error: the value of item 2 (“乙”) is missing (null): a ring chart "
                  "shows shares of a "
                  "whole\n");
    EXPECT_ERRORS("<document><chart kind=\"ring\" data=\"{{ nine }}\"/></document>",
                  "t.xml:1:36: error: a ring chart of 9 slices: more than 8 cannot be told apart "
                  "in black and white "
                  "(group the smallest into one)\n");
    EXPECT_ERRORS(
        "<document><chart kind=\"bar\" data=\"{{ 5 }}\" label=\"x\" value=\"1\"/></document>",
        "t.xml:1:35: error: 'data' needs a list or an object, got an int (5)\n");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("chart_template");
    TCase *tc = tcase_create("chart");
    tcase_add_test(tc, bars_from_a_list_of_objects);
    tcase_add_test(tc, ring_of_an_object);
    tcase_add_test(tc, lists_loops_and_roles);
    tcase_add_test(tc, every_digit_reaches_the_hash);
    tcase_add_test(tc, slices_in_a_fixed_order);
    tcase_add_test(tc, structure_errors_at_load_time);
    tcase_add_test(tc, bad_data_names_the_item);
    suite_add_tcase(s, tc);
    return jt_main(s);
}
