/* Regression tests for the defects a hostile-input probe found (issue 12): each test is
 * named after what the probe found, runs the `jindu` command on the input that crashed,
 * overwrote, escaped or took super-linear time, and checks the message and exit code it
 * gives now. Timings are not asserted here (bench/linear.sh and tests/pathological/ measure
 * them); what is asserted would have failed before the fix. */
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jd_import_layers.h"
#include "testutil.h"

/* A scratch directory per test. */
typedef struct {
    char *dir;
} scratch;

static scratch scratch_new(void)
{
    return (scratch){jt_tmpdir()};
}

static void scratch_free(scratch *s)
{
    jt_rmrf(s->dir);
    g_free(s->dir);
}

/* Writes `text` to `name` in the scratch directory; returns the path (newly allocated). */
static char *put(const scratch *s, const char *name, const char *text)
{
    char *path = g_build_filename(s->dir, name, NULL);
    jt_write(path, text);
    return path;
}

/* Writes a file without the fsync of jt_write (g_file_set_contents): for thousands of files. */
static void put_quick(const scratch *s, const char *name, const char *text)
{
    char *path = g_build_filename(s->dir, name, NULL);
    FILE *f = fopen(path, "w");
    ck_assert_msg(f && fputs(text, f) >= 0 && fclose(f) == 0, "cannot write %s", path);
    g_free(path);
}

/* `n` copies of `piece` between `head` and `tail`. Newly allocated. */
static char *repeated(const char *head, const char *piece, size_t n, const char *tail)
{
    GString *s = g_string_new(head);
    for (size_t i = 0; i < n; i++)
        g_string_append(s, piece);
    g_string_append(s, tail);
    return g_string_free(s, FALSE);
}

/* Runs jindu; asserts the exit code and that stderr holds `expected`; returns stderr. */
static char *expect_failure(int want_rc, const char *expected, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);
static char *expect_failure(int want_rc, const char *expected, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *args = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    char *out = NULL, *err = NULL;
    int rc = jt_cli(&out, &err, "%s", args);
    ck_assert_msg(rc == want_rc, "jindu %.200s: exit %d, expected %d; stderr: %.2000s", args, rc,
                  want_rc, err);
    ck_assert_msg(strstr(err, expected), "jindu %.200s: stderr lacks '%s':\n%.2000s", args,
                  expected, err);
    g_free(args);
    g_free(out);
    return err;
}

/* Runs jindu; asserts success and that stdout is `expected`. */
static void expect_output(const char *expected, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void expect_output(const char *expected, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *args = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    char *out = NULL, *err = NULL;
    int rc = jt_cli(&out, &err, "%s", args);
    ck_assert_msg(rc == 0, "jindu %.200s: exit %d: %.2000s", args, rc, err);
    ck_assert_str_eq(out, expected);
    g_free(args);
    g_free(out);
    g_free(err);
}

/* The tree `jindu expand` prints for one paragraph of `text`. */
#define ONE_PARAGRAPH(text) "document\n  paragraph\n    text \"" text "\"\n"

/* ---- item 2: stack overflows ------------------------------------------------------- */

START_TEST(expression_of_100000_tokens_overflowed_the_stack)
{
    scratch s = scratch_new();
    char *expr = repeated("<document><p>{{ 1", "+1", 99999, " }}</p></document>");
    char *tpl = put(&s, "plus.xml", expr);
    char *err = expect_failure(
        1, "plus.xml:1:17: error: malformed expression: more than 256 operators, filters or members",
        "expand '%s'", tpl);
    /* one message, and its excerpt is cut around the caret, not 200 KB of source */
    ck_assert_int_eq(jt_count(err, "error:"), 1);
    ck_assert_int_lt(strlen(err), 1000);
    g_free(err);
    /* a long chain within the limit still evaluates */
    char *ok = repeated("<document><p>{{ 1", "+1", 200, " }}</p></document>");
    jt_write(tpl, ok);
    expect_output(ONE_PARAGRAPH("201"), "expand '%s'", tpl);
    g_free(ok);
    g_free(expr);
    g_free(tpl);
    scratch_free(&s);
}
END_TEST

START_TEST(filter_chain_of_50000_overflowed_the_stack)
{
    scratch s = scratch_new();
    char *expr = repeated("<document><p>{{ 'a'", " | upper", 50000, " }}</p></document>");
    char *tpl = put(&s, "filters.xml", expr);
    g_free(expect_failure(1, "error: malformed expression: more than 256 operators, filters",
                          "expand '%s'", tpl));
    /* member chains are chains too */
    char *members = repeated("<document><p>{{ params", ".a", 50000, " }}</p></document>");
    jt_write(tpl, members);
    g_free(expect_failure(1, "error: malformed expression: more than 256 operators, filters",
                          "expand '%s'", tpl));
    g_free(members);
    g_free(expr);
    g_free(tpl);
    scratch_free(&s);
}
END_TEST

START_TEST(include_chain_15000_deep_overflowed_the_stack)
{
    scratch s = scratch_new();
    enum { N = 15000 };
    for (int i = 0; i < N; i++) {
        char *name = g_strdup_printf("p%d.xml", i);
        char *text = i + 1 < N ? g_strdup_printf("<partial><include src=\"p%d.xml\"/></partial>", i + 1)
                               : g_strdup("<partial><p>end</p></partial>");
        put_quick(&s, name, text);
        g_free(text);
        g_free(name);
    }
    char *tpl = put(&s, "main.xml", "<document><include src=\"p0.xml\"/></document>");
    char *err = expect_failure(
        1, "p127.xml:1:2: error: elements nested more than 256 deep (counting the files that include this one)",
        "expand '%s'", tpl);
    ck_assert_int_eq(jt_count(err, "error:"), 1);
    g_free(err);
    g_free(tpl);
    scratch_free(&s);
}
END_TEST

START_TEST(partial_loaded_shallow_then_included_deep)
{
    /* the second include of b.xml reuses the file loaded by the first, 120 levels deeper */
    scratch s = scratch_new();
    char *deep = repeated("<p>", "<span>", 200, "x");
    char *b = repeated(deep, "</span>", 200, "</p>");
    g_free(put(&s, "b.xml", b));
    char *open = repeated("<document><include src=\"b.xml\"/>", "<list><item>", 60,
                          "<include src=\"b.xml\"/>");
    char *main_text = repeated(open, "</item></list>", 60, "</document>");
    char *tpl = put(&s, "main.xml", main_text);
    g_free(expect_failure(1, "error: including 'b.xml' here nests elements more than 256 deep",
                          "expand '%s'", tpl));
    g_free(tpl);
    g_free(main_text);
    g_free(open);
    g_free(b);
    g_free(deep);
    scratch_free(&s);
}
END_TEST

START_TEST(elif_chain_of_100000_took_quadratic_time)
{
    /* each <elif> searched the chain for its end; freeing and checking recursed along it */
    scratch s = scratch_new();
    char *text = repeated("<document><if test=\"false\"><p>a</p></if>",
                          "<elif test=\"false\"><p>b</p></elif>", 100000,
                          "<else><p>end</p></else></document>");
    char *tpl = put(&s, "elif.xml", text);
    expect_output(ONE_PARAGRAPH("end"), "expand '%s'", tpl);
    g_free(tpl);
    g_free(text);
    scratch_free(&s);
}
END_TEST

START_TEST(json_nested_100000_deep_overflowed_the_stack)
{
    scratch s = scratch_new();
    char *text = repeated("", "[", 100000, "");
    char *closed = repeated(text, "]", 100000, "");
    char *json = put(&s, "deep.json", closed);
    const char *want = "deep.json:1:257: error: invalid JSON: arrays and objects nested more than 256 deep";
    g_free(expect_failure(1, want, "check '%s'", json));
    g_free(expect_failure(1, want, "import '%s'", json));
    char *tpl = put(&s, "t.xml", "<document><p>x</p></document>");
    g_free(expect_failure(1, want, "expand '%s' --data 'deep=%s'", tpl, json));
    /* 256 deep is still read */
    char *ok_open = repeated("{\"x\": ", "[", 255, "1");
    char *ok = repeated(ok_open, "]", 255, "}");
    jt_write(json, ok);
    jt_write(tpl, "<document><p>{{ deep.x | flatten | length }}</p></document>");
    expect_output(ONE_PARAGRAPH("1"), "expand '%s' --data 'deep=%s'", tpl, json);
    g_free(ok);
    g_free(ok_open);
    g_free(tpl);
    g_free(json);
    g_free(closed);
    g_free(text);
    scratch_free(&s);
}
END_TEST

/* ---- JSON: NUL and duplicate keys -------------------------------------------------- */

START_TEST(json_nul_escape_cut_a_unit_name_short)
{
    scratch s = scratch_new();
    char *json = put(&s, "nul.json",
                     "{\"title\": \"清单\", \"tasks\": [{\"id\": 1, \"title\": \"任务\",\n"
                     " \"units\": [{\"names\": [\"商务局\\u0000/../../evil\"]}]}]}");
    char *err = expect_failure(
        1, "nul.json:2:27: error: invalid JSON: \\u0000 in a string (text cannot hold a NUL character)",
        "check '%s'", json);
    ck_assert_int_eq(jt_count(err, "error:"), 1);
    g_free(err);
    /* \u0001 and an escaped backslash before u0000 are text */
    jt_write(json, "{\"a\": \"x\\u0001\", \"b\": \"\\\\u0000\"}");
    char *tpl = put(&s, "t.xml", "<document><p>{{ d.b }}</p></document>");
    expect_output(ONE_PARAGRAPH("\\\\u0000"), "expand '%s' --data 'd=%s'", tpl, json);
    g_free(tpl);
    g_free(json);
    scratch_free(&s);
}
END_TEST

START_TEST(json_duplicate_keys_kept_the_last_silently)
{
    scratch s = scratch_new();
    char *json = put(&s, "dup.json",
                     "{\"title\": \"清单\",\n"
                     " \"tasks\": [{\"id\": 1, \"title\": \"任务\", \"id\": 2, \"units\": []}],\n"
                     " \"t\\u0069tle\": \"另一个\"}");
    char *err = expect_failure(
        1,
        "dup.json:2:37: error: invalid JSON: key \"id\" written twice in one object (first at "
        "line 2, column 13)",
        "check '%s'", json);
    /* an escaped spelling of the same key is the same key */
    ck_assert_msg(strstr(err, "dup.json:3:2: error: invalid JSON: key \"title\" written twice in "
                              "one object (first at line 1, column 2)"),
                  "%s", err);
    ck_assert_int_eq(jt_count(err, "error:"), 2);
    g_free(err);
    /* the same key in different objects is fine */
    jt_write(json, "{\"a\": {\"k\": 1}, \"b\": {\"k\": 2}, \"c\": [{\"k\": 3}, {\"k\": 4}]}");
    char *tpl = put(&s, "t.xml", "<document><p>{{ d.a.k + d.b.k + d.c[1].k }}</p></document>");
    expect_output(ONE_PARAGRAPH("7"), "expand '%s' --data 'd=%s'", tpl, json);
    g_free(tpl);
    g_free(json);
    scratch_free(&s);
}
END_TEST

/* ---- item 10: minified JSON -------------------------------------------------------- */

/* The one-line list of `n` tasks, the last with a plan ending at quarter 5; *prefix_chars
 * is set to the number of characters before that last task. */
static char *one_line_list(int n, size_t *prefix_chars)
{
    GString *json = g_string_new("{\"title\":\"清单\",\"tasks\":[");
    for (int i = 1; i < n; i++)
        g_string_append_printf(json,
                               "{\"id\":%d,\"title\":\"任务\",\"units\":[{\"names\":[\"商务局\"],"
                               "\"plan\":[]}],\"leaders\":[]},",
                               i);
    *prefix_chars = (size_t)g_utf8_strlen(json->str, -1);
    g_string_append_printf(json,
                           "{\"id\":99999,\"title\":\"任务\",\"units\":[{\"names\":[\"商务局\"],"
                           "\"plan\":[{\"from\":1,\"to\":5,\"text\":\"x\"}]}],\"leaders\":[]}]}");
    return g_string_free(json, FALSE);
}

/* The column in "FILE:1:COL: error: …", or 0. */
static long error_column(const char *err)
{
    const char *p = strstr(err, ":1:");
    return p ? strtol(p + 3, NULL, 10) : 0;
}

START_TEST(one_line_json_counted_each_column_from_the_line_start)
{
    /* 20,000 tasks on one line (1.6 MB) load (it took minutes: every value's column was
     * counted from the start of the line), and the column of the last task's error is
     * exact: as far from the first column as that task is from the start, not stuck at 4095 */
    scratch s = scratch_new();
    size_t short_prefix, long_prefix;
    char *small = one_line_list(1, &short_prefix), *large = one_line_list(20000, &long_prefix);
    char *path = put(&s, "one-line.json", small);
    const char *what = "error: list.tasks[%d].units[0].plan[0].to must be a quarter, 1 to 4, not 5";
    char *want = g_strdup_printf(what, 0);
    char *err = expect_failure(1, want, "check '%s'", path);
    long short_col = error_column(err);
    g_free(err);
    g_free(want);
    jt_write(path, large);
    want = g_strdup_printf(what, 19999);
    err = expect_failure(1, want, "check '%s'", path);
    ck_assert_int_gt(short_col, 0);
    ck_assert_int_eq(error_column(err), short_col + (long)(long_prefix - short_prefix));
    ck_assert_int_gt(error_column(err), 1000000);
    g_free(err);
    g_free(want);
    g_free(path);
    g_free(small);
    g_free(large);
    scratch_free(&s);
}
END_TEST

/* ---- item 3: memory -------------------------------------------------------------- */

START_TEST(file_of_1_gb_took_11_gb_in_check)
{
    /* refused from its size before a byte is read (a sparse file: no disk needed) */
    scratch s = scratch_new();
    char *path = g_build_filename(s.dir, "huge.tsv", NULL);
    FILE *f = fopen(path, "w");
    ck_assert(f && ftruncate(fileno(f), (off_t)1 << 30) == 0 && fclose(f) == 0);
    char *err = expect_failure(1, "huge.tsv: error: too large: 1.0 GiB, and jindu reads data files "
                                  "of at most 128.0 MiB (set JINDU_MAX_INPUT to allow more)",
                               "check '%s'", path);
    g_free(err);
    /* the limit is configurable, for data and (a sixteenth of it) for templates */
    jt_write(path, "序号\t目标任务\n");
    char *out = NULL;
    char *cmd = g_strdup_printf("JINDU_MAX_INPUT=16 '%s' check '%s'", JD_CLI, path);
    ck_assert_int_eq(jt_run(cmd, &out, &err), 1);
    ck_assert_msg(strstr(err, "huge.tsv: error: too large: 20 bytes, and jindu reads data files of "
                              "at most 16 bytes"),
                  "%s", err);
    g_free(cmd);
    g_free(out);
    g_free(err);
    g_free(path);
    path = put(&s, "t.xml", "<document><p>x</p></document>");
    cmd = g_strdup_printf("JINDU_MAX_INPUT=256 '%s' expand '%s'", JD_CLI, path);
    ck_assert_int_eq(jt_run(cmd, &out, &err), 1);
    ck_assert_msg(strstr(err, "t.xml: error: too large: 29 bytes, and jindu reads template files "
                              "of at most 16 bytes"),
                  "%s", err);
    g_free(cmd);
    g_free(out);
    g_free(err);
    /* a malformed limit is a usage error */
    cmd = g_strdup_printf("JINDU_MAX_INPUT=lots '%s' expand '%s'", JD_CLI, path);
    ck_assert_int_eq(jt_run(cmd, &out, &err), 2);
    ck_assert_str_eq(err, "jindu: JINDU_MAX_INPUT='lots' is not a size (bytes, or a number with "
                          "K, M or G)\n");
    g_free(cmd);
    g_free(out);
    g_free(err);
    g_free(path);
    scratch_free(&s);
}
END_TEST

START_TEST(row_of_ten_million_tabs_took_50_bytes_a_byte)
{
    /* every field was an allocation: a row of delimiters is now stopped at 1000 fields */
    scratch s = scratch_new();
    char *text = repeated("序号\t目标任务\t责任单位\n", "\t", 2000000, "\n");
    char *path = put(&s, "tabs.tsv", text);
    char *err = expect_failure(
        1, "tabs.tsv:2:1001: error: a row of more than 1000 fields: not a task list or a progress form",
        "check '%s'", path);
    g_free(err);
    g_free(path);
    g_free(text);
    scratch_free(&s);
}
END_TEST

START_TEST(million_bad_rows_kept_a_million_messages)
{
    /* 300,000 list entries that are not tasks: every one is an error, the first 10,000 are
     * printed and the rest counted */
    scratch s = scratch_new();
    char *text = repeated("{\"title\": \"x\", \"tasks\": [\"\"", ", \"\"", 299999, "]}");
    char *path = put(&s, "strings.json", text);
    char *out = NULL, *err = NULL;
    ck_assert_int_eq(jt_cli(&out, &err, "check '%s'", path), 1);
    ck_assert_int_eq(jt_count(err, ": error: list.tasks["), 10000);
    ck_assert(g_str_has_suffix(
        err, "\nnote: 290000 more messages not shown (only the first 10000 are kept)\n"));
    ck_assert(g_str_has_suffix(out, "strings.json: 300000 errors\n"));
    g_free(out);
    g_free(err);
    g_free(path);
    g_free(text);
    scratch_free(&s);
}
END_TEST

/* ---- item 6: forms overwriting returned forms ---------------------------------------- */

/* A task list whose one unit is `unit` and whose task title is `title`. */
static char *one_task_list(const scratch *s, const char *title, const char *unit)
{
    char *text = g_strdup_printf("某区2023年重点工作任务清单\n"
                                 "序号\t目标任务\t责任单位\t第一季度\t第二季度\t第三季度\t第四季度\t责任区领导\n"
                                 "1\t%s\t%s\t一\t二\t三\t四\t梁军\n",
                                 title, unit);
    char *path = put(s, "list.tsv", text);
    g_free(text);
    return path;
}

START_TEST(forms_blanked_a_form_being_filled_in)
{
    /* a unit types its progress text but has not picked a state yet: the form reads as an
     * error and holds no report, and `jindu forms` wrote a blank form over it */
    scratch s = scratch_new();
    char *list = one_task_list(&s, "任务甲", "商务局");
    char *dir = g_build_filename(s.dir, "forms", NULL);
    char *form = g_build_filename(dir, "商务局.csv", NULL);
    expect_output("2023年第三季度 (2023Q3): 1 forms, 1 task rows, written to forms/\n",
                  "forms --period 2023Q3 --data '%s' -o '%s/forms/' | sed 's|%s/||'", list, s.dir,
                  s.dir);
    /* running it again over its own blank forms, or for another quarter, is fine */
    char *blank = jt_read(form);
    expect_output("2023年第四季度 (2023Q4): 1 forms, 1 task rows, written to forms/\n",
                  "forms --period 2023Q4 --data '%s' -o '%s/forms/' | sed 's|%s/||'", list, s.dir,
                  s.dir);
    /* the unit starts filling it in */
    char *filled = jt_read(form);
    GString *typed = g_string_new(filled);
    g_string_truncate(typed, typed->len - strlen(",,,,,,\r\n"));
    g_string_append(typed, ",,完成了一半的工作,,,,\r\n");
    jt_write(form, typed->str);
    char *err = expect_failure(
        1, "商务局.csv: error: is not a blank form (it is being filled in, or is not a form: it does "
           "not read as one): not overwritten; move it away, or give --force",
        "forms --period 2023Q4 --data '%s' -o '%s'", list, dir);
    g_free(err);
    char *kept = jt_read(form);
    ck_assert_str_eq(kept, typed->str);
    g_free(kept);
    /* a returned form with a report is kept too, and --force replaces both */
    g_string_truncate(typed, typed->len - strlen(",,完成了一半的工作,,,,\r\n"));
    g_string_append(typed, ",序时推进,完成了一半的工作,,,,\r\n");
    jt_write(form, typed->str);
    g_free(expect_failure(1, "商务局.csv: error: holds 1 report (a returned form): not overwritten",
                          "forms --period 2023Q4 --data '%s' -o '%s'", list, dir));
    expect_output("2023年第四季度 (2023Q4): 1 forms, 1 task rows, written to forms/\n",
                  "forms --period 2023Q4 --data '%s' -o '%s/forms/' --force | sed 's|%s/||'", list,
                  s.dir, s.dir);
    kept = jt_read(form);
    ck_assert_str_eq(kept, filled);
    g_free(kept);
    g_string_free(typed, TRUE);
    g_free(filled);
    g_free(blank);
    g_free(form);
    g_free(dir);
    g_free(list);
    scratch_free(&s);
}
END_TEST

/* ---- item 7: formula injection ----------------------------------------------------- */

START_TEST(formulas_went_into_forms_verbatim)
{
    /* a title or a unit a spreadsheet takes for a formula gets a ' in the form (Excel and WPS
     * show the text and run nothing); the file name made from the unit starts with '_' */
    scratch s = scratch_new();
    char *list = one_task_list(&s, "=cmd|' /C calc'!A0", "=1+2单位");
    char *dir = g_build_filename(s.dir, "forms", NULL);
    expect_output("2023年第二季度 (2023Q2): 1 forms, 1 task rows, written to forms/\n",
                  "forms --period 2023Q2 --data '%s' -o '%s/forms/' | sed 's|%s/||'", list, s.dir,
                  s.dir);
    char *form = g_build_filename(dir, "_1+2单位.csv", NULL);
    char *csv = jt_read(form);
    ck_assert_msg(strstr(csv, "\r\n1,'=cmd|' /C calc'!A0,'=1+2单位,2023年第二季度,二,,,,,,\r\n"),
                  "%s", csv);
    /* filled in and read back: the unit is the list's again, and what the unit typed is
     * kept as typed */
    GString *filled = g_string_new(csv);
    g_string_truncate(filled, filled->len - strlen(",,,,,,\r\n"));
    g_string_append(filled, ",已完成,-1 完成,@备注,'=不是公式,,\r\n");
    jt_write(form, filled->str);
    char *tpl = put(&s, "t.xml",
                    "<document><for each=\"r in progress.reports\"><p>{{ r.unit }}|{{ r.done }}|"
                    "{{ r.problems }}|{{ r.next }}</p></for></document>");
    char *out = NULL, *err = NULL;
    int rc = jt_cli(&out, &err, "expand '%s' --data '%s' --data '%s'", tpl, list, dir);
    ck_assert_msg(rc == 0, "%s", err);
    ck_assert_str_eq(out, ONE_PARAGRAPH("=1+2单位|-1 完成|@备注|=不是公式"));
    g_free(out);
    g_free(err);
    g_free(tpl);
    g_string_free(filled, TRUE);
    g_free(csv);
    g_free(form);
    g_free(dir);
    g_free(list);
    scratch_free(&s);
}
END_TEST

START_TEST(formula_guard_reads_back_to_the_same_text)
{
    /* every text through jindu's CSV writer and back through its reader: the same text; and
     * exactly the formula-like ones carry the ' in the file */
    static const struct {
        const char *text, *written;
    } cases[] = {
        {"=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"},
        {"=HYPERLINK(\"http://x\",\"点\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"点\"\")\""},
        {"+1", "'+1"},
        {"-2", "'-2"},
        {"@SUM(A1)", "'@SUM(A1)"},
        {"\tTAB", "'\tTAB"},
        {"\rCR", "\"'\rCR\""},
        {"\n换行", "\"'\n换行\""},
        {"'=quoted", "''=quoted"},
        {"''+twice", "'''+twice"},
        {"'plain", "'plain"},
        {"''plain", "''plain"},
        {"'", "'"},
        {"a=b", "a=b"},
        {"正常 -1", "正常 -1"},
        {"", ""},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        GString *csv = g_string_new(NULL);
        const char *fields[] = {cases[i].text, "x"};
        jd_csv_append_row(csv, fields, 2);
        char *want = g_strdup_printf("%s,x\r\n", cases[i].written);
        ck_assert_msg(strcmp(csv->str, want) == 0, "'%s' written as '%s', not '%s'", cases[i].text,
                      csv->str, want);
        g_free(want);
        /* read as the importer reads, after decoding has made every line end LF */
        char *text = g_strdup(csv->str);
        size_t n = 0;
        for (size_t k = 0; text[k]; k++)
            if (!(text[k] == '\r' && text[k + 1] == '\n')) text[n++] = text[k];
        text[n] = '\0';
        jd_records *records = jd_records_new(text, n, ',', "t.csv", NULL);
        ck_assert_uint_eq(jd_records_count(records), 1);
        ck_assert_str_eq(jd_records_field(records, 0, 1), "x");
        const char *back = jd_records_field(records, 0, 0);
        ck_assert_msg(strcmp(back, cases[i].text) == 0, "'%s' read back as '%s'", cases[i].text,
                      back);
        jd_records_free(records);
        g_free(text);
        g_string_free(csv, TRUE);
    }
}
END_TEST

/* ---- item 9: quoting other files, control characters -------------------------------- */

/* Asserts that `text` holds no line of /etc/passwd's first line and no raw control
 * character but newlines (and tabs). */
static void assert_nothing_leaked(const char *text, const char *what)
{
    ck_assert_msg(!strstr(text, "root:x:0:0"), "%s quotes /etc/passwd:\n%s", what, text);
    for (const char *p = text; *p; p++)
        ck_assert_msg((unsigned char)*p >= 0x20 || *p == '\n' || *p == '\t',
                      "%s prints control character 0x%02x:\n%s", what, (unsigned char)*p, text);
}

START_TEST(template_etc_passwd_printed_its_first_line)
{
    if (!g_file_test("/etc/passwd", G_FILE_TEST_EXISTS)) return;
    scratch s = scratch_new();
    /* as a template, directly and through a link named like a template */
    char *err = expect_failure(1, "/etc/passwd:1:1: error: malformed XML", "expand /etc/passwd");
    assert_nothing_leaked(err, "expand /etc/passwd");
    g_free(err);
    char *link = g_build_filename(s.dir, "t.xml", NULL);
    ck_assert_int_eq(symlink("/etc/passwd", link), 0);
    err = expect_failure(1, "t.xml:1:1: error: malformed XML", "expand '%s'", link);
    assert_nothing_leaked(err, "a template linked to /etc/passwd");
    g_free(err);
    /* as data */
    err = expect_failure(1, "/etc/passwd:1:1: error: no header row: expected a row with 序号, "
                            "目标任务, 责任单位 … (this does not look like a data file: its text "
                            "is not shown)",
                         "check /etc/passwd");
    g_free(err);
    /* a link in a progress folder of a project, and jindu.ini itself a link */
    char *progress = g_build_filename(s.dir, "progress", NULL);
    ck_assert_int_eq(g_mkdir(progress, 0755), 0);
    char *form = g_build_filename(progress, "a.csv", NULL);
    ck_assert_int_eq(symlink("/etc/passwd", form), 0);
    char *list = one_task_list(&s, "任务", "商务局");
    char *ini = put(&s, "jindu.ini",
                    "[project]\ndata=list.tsv;progress\n[output a]\ntemplate=t.xml\nfile=a.pdf\n");
    err = expect_failure(1, "a.csv:1:1: error: no header row", "check '%s'", s.dir);
    assert_nothing_leaked(err, "a progress form linked to /etc/passwd");
    g_free(err);
    ck_assert_int_eq(g_unlink(ini), 0);
    ck_assert_int_eq(symlink("/etc/passwd", ini), 0);
    err = expect_failure(1, "jindu.ini: error: not a valid project file (it does not look like "
                            "one: its text is not shown)",
                         "check '%s'", s.dir);
    g_free(err);
    /* and JSON: a link named data.json */
    char *json = g_build_filename(s.dir, "data.json", NULL);
    ck_assert_int_eq(symlink("/etc/passwd", json), 0);
    err = expect_failure(1, "data.json:1:1: error: invalid JSON: expected a value, found other text",
                         "check '%s'", json);
    g_free(err);
    g_free(json);
    g_free(ini);
    g_free(list);
    g_free(form);
    g_free(progress);
    g_free(link);
    scratch_free(&s);
}
END_TEST

START_TEST(control_characters_reached_the_terminal)
{
    /* ESC and BEL in a list's title, a cell and a template line: `import` printed the
     * title raw (an ESC ] 0 ; sequence retitles the terminal window), messages quoted cells
     * and source lines raw */
    scratch s = scratch_new();
    char *list = put(&s, "esc.tsv",
                     "某区\x1b]0;PWNED\x07清单\n"
                     "序号\t目标任务\t责任单位\t第一季度\t第二季度\t第三季度\t第四季度\t责任区领导\n"
                     "1\t任务\t商务局\t一\t二\t三\t四\t梁\x1b[2J军\n");
    char *out = NULL, *err = NULL;
    ck_assert_int_eq(jt_cli(&out, &err, "import '%s'", list), 0);
    ck_assert_msg(strstr(out, "  title: 某区\\x1b]0;PWNED\\x07清单\n"), "%s", out);
    ck_assert_msg(strstr(out, "  leaders: 梁\\x1b[2J军 1\n"), "%s", out);
    assert_nothing_leaked(out, "jindu import");
    g_free(out);
    g_free(err);
    char *bad = put(&s, "bad.tsv", "x\x1b[2J\x07\n");
    err = expect_failure(1, "(the first row is 'x\\x1b[2J\\x07')", "check '%s'", bad);
    assert_nothing_leaked(err, "a message quoting a cell");
    g_free(err);
    char *tpl = put(&s, "t.xml", "<document><p>\x1b[31m{{ 1 + }}\u202e</p></document>");
    /* (XML itself forbids the ESC; the message quotes the line, escaped, caret included) */
    err = expect_failure(1, "t.xml:1:14: error: malformed XML: PCDATA invalid Char value 27\n"
                            "    <document><p>\\x1b[31m{{ 1 + }}\\u202e</p></document>\n"
                            "                 ^~~~\n",
                         "expand '%s'", tpl);
    assert_nothing_leaked(err, "a template excerpt");
    g_free(err);
    g_free(tpl);
    g_free(bad);
    g_free(list);
    scratch_free(&s);
}
END_TEST

/* ---- items 11 and 12: many paragraphs or units in one cell ---------------------------- */

/* The lines `jindu layout --dump` prints for a one-paragraph template of `text`. */
static char *dumped_lines(const scratch *s, const char *text)
{
    jd_value *v = jd_value_new_object();
    jd_object_set(v, "t", jd_value_new_string(text));
    char *json = jd_value_to_json(v, false);
    jd_value_unref(v);
    char *data = put(s, "text.json", json);
    g_free(json);
    char *tpl = put(s, "p.xml", "<document><p>{{ d.t }}</p></document>");
    char *out = NULL, *err = NULL;
    int rc = jt_cli(&out, &err, "layout '%s' --data 'd=%s' --dump", tpl, data);
    ck_assert_msg(rc == 0, "%s", err);
    g_free(err);
    g_free(tpl);
    g_free(data);
    return out;
}

START_TEST(paragraphs_of_a_cell_are_shaped_as_pango_shapes_them)
{
    /* text without tabs is shaped paragraph by paragraph (a PangoLayout of 40,000 of them
     * took quadratic time); with a tab it still goes through a PangoLayout: both give the
     * same lines */
    scratch s = scratch_new();
    GString *text = g_string_new(NULL);
    const char *paras[] = {"坚持“两个确立”，推进GDP增长5.5%以上（全年），完成《实施方案》的编制、"
                           "审议和印发工作……同时做好 Q2 report 的 follow-up。",
                           "", "甲", "区商务局、区发改委、各街镇（中北镇、杨柳青镇）", "",
                           "1、加快项目建设；2、推动Ⅱ期工程。", "\xe2\x80\x94 ABC def —— 乙"};
    for (size_t i = 0; i < G_N_ELEMENTS(paras); i++)
        g_string_append_printf(text, "%s%s", i ? "\n" : "", paras[i]);
    char *by_paragraph = dumped_lines(&s, text->str);
    g_string_append(text, "\n末\t尾");
    char *by_layout = dumped_lines(&s, text->str);
    /* the tab's paragraph is one more line at the end */
    ck_assert(g_str_has_prefix(by_layout, by_paragraph));
    ck_assert_int_eq(jt_count(by_layout, "\n"), jt_count(by_paragraph, "\n") + 1);
    ck_assert_int_ge(jt_count(by_paragraph, "  text "), 8);
    g_free(by_layout);
    g_free(by_paragraph);
    g_string_free(text, TRUE);
    scratch_free(&s);
}
END_TEST

/* 305 as "三零五": digits in the Han face, so that each line is one text item. */
static char *cjk_digits(int n)
{
    static const char *const digit[] = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
    char *decimal = g_strdup_printf("%d", n);
    GString *out = g_string_new(NULL);
    for (const char *d = decimal; *d; d++)
        g_string_append(out, digit[*d - '0']);
    g_free(decimal);
    return g_string_free(out, FALSE);
}

START_TEST(cell_of_20000_paragraphs_took_quadratic_time)
{
    /* "甲<br>" × 20,000 in a task's title: every paragraph a line of the cell, across pages,
     * in the order written */
    scratch s = scratch_new();
    GString *cell = g_string_new(NULL);
    for (int i = 0; i < 20000; i++) {
        char *n = cjk_digits(i);
        g_string_append_printf(cell, "甲%s<br>", n);
        g_free(n);
    }
    char *list = one_task_list(&s, cell->str, "商务局");
    char *tpl = jt_src("templates/task-list.xml");
    char *out = NULL, *err = NULL;
    int rc = jt_cli(&out, &err, "layout '%s' --data '%s' --dump", tpl, list);
    ck_assert_msg(rc == 0, "%s", err);
    ck_assert_int_eq(jt_count(out, "\"甲"), 20000);
    const char *at = out;
    for (int i = 0; i < 20000; i += 997) {
        char *n = cjk_digits(i);
        char *want = g_strdup_printf("\"甲%s\"", n);
        g_free(n);
        const char *found = strstr(at, want);
        ck_assert_msg(found, "line %s is missing or out of order", want);
        at = found;
        g_free(want);
    }
    g_free(out);
    g_free(err);
    g_free(tpl);
    g_free(list);
    g_string_free(cell, TRUE);
    scratch_free(&s);
}
END_TEST

START_TEST(cell_of_20000_units_took_quadratic_time)
{
    /* 20,000 units in one cell: each checked against the others once, not against all */
    scratch s = scratch_new();
    GString *cell = g_string_new(NULL);
    for (int i = 0; i < 20000; i++)
        g_string_append_printf(cell, "%s单位%d", i ? "、" : "", i % 19999);
    char *list = one_task_list(&s, "任务", cell->str);
    char *out = NULL, *err = NULL;
    int rc = jt_cli(&out, &err, "import '%s'", list);
    ck_assert_msg(rc == 0, "%s", err);
    ck_assert_msg(strstr(out, "distinct units: 19999"), "%s", out);
    /* the one written twice is reported once */
    ck_assert_int_eq(jt_count(err, "'单位0' is written twice in this cell; kept once"), 1);
    g_free(out);
    g_free(err);
    g_free(list);
    g_string_free(cell, TRUE);
    scratch_free(&s);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hardening");
    TCase *deep = tcase_create("stack overflows");
    tcase_add_test(deep, expression_of_100000_tokens_overflowed_the_stack);
    tcase_add_test(deep, filter_chain_of_50000_overflowed_the_stack);
    tcase_add_test(deep, include_chain_15000_deep_overflowed_the_stack);
    tcase_add_test(deep, partial_loaded_shallow_then_included_deep);
    tcase_add_test(deep, elif_chain_of_100000_took_quadratic_time);
    tcase_add_test(deep, json_nested_100000_deep_overflowed_the_stack);
    suite_add_tcase(s, deep);
    TCase *json = tcase_create("json");
    tcase_add_test(json, json_nul_escape_cut_a_unit_name_short);
    tcase_add_test(json, json_duplicate_keys_kept_the_last_silently);
    tcase_add_test(json, one_line_json_counted_each_column_from_the_line_start);
    suite_add_tcase(s, json);
    TCase *memory = tcase_create("memory");
    tcase_add_test(memory, file_of_1_gb_took_11_gb_in_check);
    tcase_add_test(memory, row_of_ten_million_tabs_took_50_bytes_a_byte);
    tcase_add_test(memory, million_bad_rows_kept_a_million_messages);
    suite_add_tcase(s, memory);
    TCase *forms = tcase_create("forms");
    tcase_add_test(forms, forms_blanked_a_form_being_filled_in);
    tcase_add_test(forms, formulas_went_into_forms_verbatim);
    tcase_add_test(forms, formula_guard_reads_back_to_the_same_text);
    suite_add_tcase(s, forms);
    TCase *quoting = tcase_create("quoting");
    tcase_add_test(quoting, template_etc_passwd_printed_its_first_line);
    tcase_add_test(quoting, control_characters_reached_the_terminal);
    suite_add_tcase(s, quoting);
    TCase *cells = tcase_create("large cells");
    tcase_add_test(cells, paragraphs_of_a_cell_are_shaped_as_pango_shapes_them);
    tcase_add_test(cells, cell_of_20000_paragraphs_took_quadratic_time);
    tcase_add_test(cells, cell_of_20000_units_took_quadratic_time);
    suite_add_tcase(s, cells);
    return jt_main(s);
}
