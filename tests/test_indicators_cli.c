/* Indicators through the binary and in projects: `jindu import` and `jindu check` (a bad
 * table exits 1 and writes nothing), the filters a template uses on the sample project, and
 * a project binding indicators: its [indicators] rules, and builds that expand only the
 * outputs whose template reads the indicators when the table changes. */
#include <glib/gstdio.h>
#include <string.h>

#include "jd_project.h"
#include "testutil.h"

static char *indicators_fixture(const char *name)
{
    char *rel = g_build_filename("indicators", name, NULL);
    char *path = jt_fixture(rel);
    g_free(rel);
    return path;
}

START_TEST(import_and_check_a_bad_table_write_nothing)
{
    char *bad = indicators_fixture("errors.csv");
    char *tmp = jt_tmpdir();
    char *out_path = g_build_filename(tmp, "indicators.json", NULL);
    char *out, *err;
    /* nothing written */
    ck_assert_int_eq(jt_cli(&out, &err, "import '%s' -o '%s'", bad, out_path), 1);
    ck_assert_str_eq(out, "");
    ck_assert_int_eq(jt_count(err, ": error: "), 8);
    ck_assert(strstr(err, "errors.csv:3:23: error: 上半年 '5%': a percent, but '专精特新企业' is measured in 家"));
    ck_assert(!jt_exists(out_path));
    g_free(out);
    g_free(err);
    /* an earlier output stays as it was */
    jt_write(out_path, "earlier\n");
    ck_assert_int_eq(jt_cli(&out, &err, "import '%s' -o '%s'", bad, out_path), 1);
    char *kept = jt_read(out_path);
    ck_assert_str_eq(kept, "earlier\n");
    g_free(kept);
    g_free(out);
    g_free(err);
    ck_assert_int_eq(jt_cli(&out, &err, "check '%s'", bad), 1);
    char *line = g_strdup_printf("%s: 8 errors\n", bad);
    ck_assert_str_eq(out, line);
    ck_assert_int_eq(jt_count(err, ": error: "), 8);
    g_free(line);
    g_free(out);
    g_free(err);
    char *folder = g_build_filename(tmp, "forms", NULL);
    g_mkdir(folder, 0755);
    char *inside = g_build_filename(folder, "a.csv", NULL);
    char *good = indicators_fixture("table.csv");
    char *table = jt_read(good);
    jt_write(inside, table);
    /* a folder is progress data: an indicator table in it is said to be one */
    ck_assert_int_eq(jt_cli(&out, &err, "check '%s'", folder), 1);
    char *message = g_strdup_printf("%s: error: indicators, not progress data (the folder is read as progress data)\n",
                                    inside);
    ck_assert_str_eq(err, message);
    g_free(message);
    g_free(out);
    g_free(err);
    g_free(table);
    g_free(good);
    g_free(inside);
    g_free(folder);
    jt_rmrf(tmp);
    g_free(out_path);
    g_free(tmp);
    g_free(bad);
}
END_TEST

START_TEST(import_and_check_the_sample)
{
    char *sample = jt_src("samples/xiqing-2023/indicators.csv");
    char *tmp = jt_tmpdir();
    char *out_path = g_build_filename(tmp, "indicators.json", NULL);
    char *out, *err;
    ck_assert_int_eq(jt_cli(&out, &err, "import '%s' -o '%s'", sample, out_path), 0);
    char *expected = g_strdup_printf(
        "%s: indicators (CSV, UTF-8 with BOM)\n"
        "  title: 西青区2023年主要指标完成情况（目标摘自2023年国民经济和社会发展计划报告，基期值为其所载2022年完成情况；"
        "一季度至前三季度数据及牵头、配合单位为示例数据（虚构，仅供演示））\n"
        "  indicators: 34   year: 2023\n"
        "  measures: growth 3, level 29, stock 2, share 0; targets in words 2\n"
        "  figures: 一季度 32, 上半年 34, 前三季度 34, 全年 12\n"
        "  warnings: 0\n"
        "  written: %s\n",
        sample, out_path);
    ck_assert_str_eq(out, expected);
    ck_assert_str_eq(err, "");
    g_free(expected);
    g_free(out);
    g_free(err);
    /* the JSON written reads back to the same bytes */
    char *again = g_build_filename(tmp, "again.json", NULL);
    ck_assert_int_eq(jt_cli(&out, &err, "import '%s' -o '%s'", out_path, again), 0);
    char *a = jt_read(out_path), *b = jt_read(again);
    ck_assert_str_eq(a, b);
    g_free(a);
    g_free(b);
    g_free(out);
    g_free(err);
    ck_assert_int_eq(jt_cli(&out, &err, "check '%s'", sample), 0);
    expected = g_strdup_printf("%s: ok (indicators, 34 indicators, 0 warnings)\n", sample);
    ck_assert_str_eq(out, expected);
    g_free(expected);
    g_free(out);
    g_free(err);
    jt_rmrf(tmp);
    g_free(again);
    g_free(out_path);
    g_free(tmp);
    g_free(sample);
}
END_TEST

/* Expands `template` (text) with the sample project's data and -D period=PERIOD; returns
 * the exit status, the texts of the document in *out (one per line) and stderr. */
static int expand_sample(const char *template, const char *period, char **out, char **err)
{
    char *tmp = jt_tmpdir();
    char *path = g_build_filename(tmp, "t.xml", NULL);
    jt_write(path, template);
    char *tasks = jt_src("samples/xiqing-2023/tasks.tsv"), *progress = jt_src("samples/xiqing-2023/progress"),
         *indicators = jt_src("samples/xiqing-2023/indicators.csv");
    char *dump = NULL;
    int rc = jt_cli(&dump, err, "expand '%s' --data '%s' --data '%s' --data '%s' -D period=%s", path, tasks, progress,
                    indicators, period);
    /* the text lines of the dump, unquoted */
    GString *texts = g_string_new(NULL);
    char **lines = g_strsplit(dump, "\n", -1);
    for (char **l = lines; *l; l++) {
        const char *t = strstr(*l, "text \"");
        if (t) g_string_append_printf(texts, "%.*s\n", (int)(strlen(t) - 7), t + 6);
    }
    g_strfreev(lines);
    *out = g_string_free(texts, FALSE);
    g_free(dump);
    g_free(indicators);
    g_free(progress);
    g_free(tasks);
    jt_rmrf(tmp);
    g_free(path);
    g_free(tmp);
    return rc;
}

START_TEST(filters_on_the_sample)
{
    static const char template[] =
        "<document>\n"
        "  <p>{{ indicators | indicator_counts(params.period) }}</p>\n"
        "  <p>{{ list.tasks | task_counts(params.period) }}</p>\n"
        "  <p>{{ list.tasks | task_states(params.period) | select(\"state\", \"滞后\") | map(\"id\") | join(\",\") }}</p>\n"
        "  <set name=\"rows\" value=\"indicators | indicator_status(params.period)\"/>\n"
        "  <p>{{ rows[0].name }}|{{ rows[0].baseline.text }}|{{ rows[0].target.text }}|{{ rows[0].status.actual_text }}"
        "|{{ rows[0].status.completion_text }}|{{ rows[0].status.elapsed_text }}|{{ rows[0].status.state }}</p>\n"
        "  <p>{{ rows | count(\"status.state\", \"滞后序时进度\") }} {{ rows[0].status.period | cumulative_name }}</p>\n"
        "  <p>{{ (indicators.indicators[10] | indicator_status(params.period, indicators.rules)).state }}</p>\n"
        "</document>\n";
    char *out, *err;
    ck_assert_int_eq(expand_sample(template, "2023Q2", &out, &err), 0);
    ck_assert_str_eq(out, "{\\\"已完成全年目标\\\":2,\\\"达到序时进度\\\":14,\\\"滞后序时进度\\\":15,\\\"无法量化\\\":3,"
                          "\\\"未报送\\\":0}\n"
                          "{\\\"已完成\\\":15,\\\"序时推进\\\":79,\\\"滞后\\\":18,\\\"未启动\\\":1,\\\"未报送\\\":10}\n"
                          "2,3,7,12,14,31,36,37,44,46,56,62,78,86,96,108,113,117\n"
                          "地区生产总值|超过990亿元，同比增长3%|增长5%|增长4.1%|-0.9个百分点|50.0%|滞后序时进度\n"
                          "15 上半年\n"
                          "滞后序时进度\n");
    g_free(out);
    g_free(err);
    ck_assert_int_eq(expand_sample(template, "2023Q4", &out, &err), 0);
    ck_assert(g_str_has_prefix(out, "{\\\"已完成全年目标\\\":8,\\\"达到序时进度\\\":0,\\\"滞后序时进度\\\":2,"
                                    "\\\"无法量化\\\":2,\\\"未报送\\\":22}\n"));
    g_free(out);
    g_free(err);
    /* the first quarter: the tasks by their units' reports */
    ck_assert_int_eq(expand_sample(template, "2023Q1", &out, &err), 0);
    ck_assert(strstr(out, "{\\\"已完成\\\":5,\\\"序时推进\\\":86,\\\"滞后\\\":21,\\\"未启动\\\":11,\\\"未报送\\\":0}\n"));
    g_free(out);
    g_free(err);
    /* another year, and one indicator without the rules */
    ck_assert_int_eq(expand_sample(template, "2024Q2", &out, &err), 1);
    ck_assert(strstr(err, "filter 'indicator_counts': the indicators are for 2023, not for '2024Q2'"));
    g_free(out);
    g_free(err);
    ck_assert_int_eq(expand_sample("<document><p>{{ (indicators.indicators[0] | indicator_status(params.period)).state "
                                   "}}</p></document>",
                                   "2023Q2", &out, &err),
                     1);
    ck_assert(strstr(err, "filter 'indicator_status': give the rules for a single indicator or a list: "
                          "indicator_status(period, indicators.rules)"));
    g_free(out);
    g_free(err);
}
END_TEST

/* An expansion works out a task's state and an indicator tree's statuses once per period
 * (tpl_memo): asked again — for another period, or of the copies task_states makes — the
 * answers are those each question gets on its own (the figures above). */
START_TEST(filters_asked_again)
{
    static const char template[] =
        "<document>\n"
        "  <p>{{ list.tasks | task_counts('2023Q2') }}</p>\n"
        "  <p>{{ list.tasks | task_counts('2023Q1') }}</p>\n"
        "  <p>{{ list.tasks | task_states('2023Q2') | task_counts('2023Q1') }}</p>\n"
        "  <p>{{ list.tasks | task_states('2023Q1') | select(\"state\", \"滞后\") | length }}</p>\n"
        "  <p>{{ indicators | indicator_counts('2023Q2') }}</p>\n"
        "  <p>{{ indicators | indicator_counts('2023Q4') }}</p>\n"
        "  <p>{{ indicators | indicator_status('2023Q2') | count(\"status.state\", \"滞后序时进度\") }}</p>\n"
        "</document>\n";
    char *out, *err;
    ck_assert_int_eq(expand_sample(template, "2023Q2", &out, &err), 0);
    ck_assert_str_eq(out, "{\\\"已完成\\\":15,\\\"序时推进\\\":79,\\\"滞后\\\":18,\\\"未启动\\\":1,\\\"未报送\\\":10}\n"
                          "{\\\"已完成\\\":5,\\\"序时推进\\\":86,\\\"滞后\\\":21,\\\"未启动\\\":11,\\\"未报送\\\":0}\n"
                          "{\\\"已完成\\\":5,\\\"序时推进\\\":86,\\\"滞后\\\":21,\\\"未启动\\\":11,\\\"未报送\\\":0}\n"
                          "21\n"
                          "{\\\"已完成全年目标\\\":2,\\\"达到序时进度\\\":14,\\\"滞后序时进度\\\":15,\\\"无法量化\\\":3,"
                          "\\\"未报送\\\":0}\n"
                          "{\\\"已完成全年目标\\\":8,\\\"达到序时进度\\\":0,\\\"滞后序时进度\\\":2,"
                          "\\\"无法量化\\\":2,\\\"未报送\\\":22}\n"
                          "15\n");
    g_free(out);
    g_free(err);
}
END_TEST

/* ---- a project ----------------------------------------------------------------------------- */

static const char table[] = "指标名称,计量单位,2023年目标值,全年,备注\n"
                            "地区生产总值,%,增长5%左右,4.6%,\n";

static void write_project(const char *dir, const char *rules)
{
    char *path = g_build_filename(dir, "jindu.ini", NULL);
    char *ini = g_strdup_printf("[project]\ndata=indicators.csv\nout=out\n\n%s"
                                "[output states]\ntemplate=states.xml\nfile=states.pdf\n\n"
                                "[output plain]\ntemplate=plain.xml\nfile=plain.pdf\n",
                                rules);
    jt_write(path, ini);
    g_free(ini);
    g_free(path);
    path = g_build_filename(dir, "states.xml", NULL);
    jt_write(path, "<document><for each=\"i in indicators | indicator_status(\'2023Q4\')\">"
                   "<p>{{ i.name }} {{ i.status.state }}</p></for></document>\n");
    g_free(path);
    path = g_build_filename(dir, "plain.xml", NULL);
    jt_write(path, "<document><p>不读指标</p></document>\n");
    g_free(path);
    path = g_build_filename(dir, "indicators.csv", NULL);
    jt_write(path, table);
    g_free(path);
}

static jd_build_result build(const char *dir, bool expect_ok, char **messages)
{
    jd_diags *d = jd_diags_new();
    jd_project *p = jd_project_load(dir, d);
    ck_assert_msg(p != NULL, "project did not load");
    jd_build_options o;
    jd_build_options_init(&o);
    o.jobs = 1;
    jd_build_result r;
    ck_assert_int_eq(jd_project_build(p, &o, &r, d), expect_ok);
    GString *text = g_string_new(NULL);
    for (size_t i = 0; i < jd_diags_count(d); i++) {
        char *line = jd_diag_format(jd_diags_get(d, i));
        g_string_append_printf(text, "%s\n", line);
        g_free(line);
    }
    *messages = g_string_free(text, FALSE);
    jd_project_free(p);
    jd_diags_free(d);
    return r;
}

static char *pdf_text(const char *dir, const char *name)
{
    char *out = NULL;
    char *cmd = g_strdup_printf("pdftotext -layout '%s/out/%s' -", dir, name);
    ck_assert_int_eq(jt_run(cmd, &out, NULL), 0);
    g_free(cmd);
    return out;
}

START_TEST(project_binds_indicators_with_its_rules)
{
    char *dir = jt_tmpdir();
    /* 4.6% against 增长5%左右: behind by the default 0.2 percentage points */
    write_project(dir, "");
    char *messages;
    jd_build_result r = build(dir, true, &messages);
    ck_assert_uint_eq(r.built, 2);
    ck_assert_uint_eq(r.expanded, 2);
    char *text = pdf_text(dir, "states.pdf");
    ck_assert(strstr(text, "地区生产总值 滞后序时进度"));
    g_free(text);
    jd_build_result_clear(&r);
    g_free(messages);
    /* on schedule with the office's 0.5 */
    write_project(dir, "[indicators]\nabout_points=0.5\nelapsed=days\n\n");
    r = build(dir, true, &messages);
    ck_assert_uint_eq(r.built, 1);
    text = pdf_text(dir, "states.pdf");
    ck_assert(strstr(text, "地区生产总值 已完成全年目标"));
    g_free(text);
    jd_build_result_clear(&r);
    g_free(messages);
    /* a bad rule stops the load at its line */
    write_project(dir, "[indicators]\nabout_points=half\n\n");
    jd_diags *d = jd_diags_new();
    ck_assert_ptr_null(jd_project_load(dir, d));
    char *line = jd_diag_format(jd_diags_get(d, 0));
    char *expected = g_strdup_printf("%s/jindu.ini:6:1: error: [indicators]: about_points is a number from 0 to 100, "
                                     "not 'half'",
                                     dir);
    ck_assert_str_eq(line, expected);
    g_free(expected);
    g_free(line);
    jd_diags_free(d);
    jt_rmrf(dir);
    g_free(dir);
}
END_TEST

START_TEST(editing_the_table_expands_only_what_reads_it)
{
    char *dir = jt_tmpdir();
    write_project(dir, "");
    char *messages;
    jd_build_result r = build(dir, true, &messages);
    jd_build_result_clear(&r);
    g_free(messages);
    /* nothing changed: nothing expanded */
    r = build(dir, true, &messages);
    ck_assert_uint_eq(r.expanded, 0);
    ck_assert_uint_eq(r.unchanged, 2);
    jd_build_result_clear(&r);
    g_free(messages);
    /* a figure changes the states document; the plain one never reads the table */
    char *path = g_build_filename(dir, "indicators.csv", NULL);
    jt_write(path, "指标名称,计量单位,2023年目标值,全年,备注\n地区生产总值,%,增长5%左右,5.1%,\n");
    r = build(dir, true, &messages);
    ck_assert_uint_eq(r.expanded, 1);
    ck_assert_uint_eq(r.built, 1);
    ck_assert_str_eq(r.built_paths[0], "out/states.pdf");
    ck_assert_ptr_null(r.built_paths[1]);
    char *text = pdf_text(dir, "states.pdf");
    ck_assert(strstr(text, "地区生产总值 已完成全年目标"));
    g_free(text);
    jd_build_result_clear(&r);
    g_free(messages);
    /* a note the document does not show: expanded again, rendered as it was */
    jt_write(path, "指标名称,计量单位,2023年目标值,全年,备注\n地区生产总值,%,增长5%左右,5.1%,已核实\n");
    r = build(dir, true, &messages);
    ck_assert_uint_eq(r.expanded, 1);
    ck_assert_uint_eq(r.built, 0);
    ck_assert_uint_eq(r.unchanged, 2);
    jd_build_result_clear(&r);
    g_free(messages);
    /* a broken table: the error at its cell, the earlier documents intact */
    char *before = pdf_text(dir, "states.pdf");
    jt_write(path, "指标名称,计量单位,2023年目标值,全年,备注\n地区生产总值,%,增长5%左右,较快,\n");
    r = build(dir, false, &messages);
    ck_assert(strstr(messages, "indicators.csv:2:17: error: 全年 '较快': not a number"));
    char *after = pdf_text(dir, "states.pdf");
    ck_assert_str_eq(after, before);
    g_free(after);
    g_free(before);
    jd_build_result_clear(&r);
    g_free(messages);
    g_free(path);
    jt_rmrf(dir);
    g_free(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("indicators: command line and projects");
    TCase *tc = tcase_create("cli");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, import_and_check_a_bad_table_write_nothing);
    tcase_add_test(tc, import_and_check_the_sample);
    tcase_add_test(tc, filters_on_the_sample);
    tcase_add_test(tc, filters_asked_again);
    suite_add_tcase(s, tc);
    tc = tcase_create("project");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, project_binds_indicators_with_its_rules);
    tcase_add_test(tc, editing_the_table_expands_only_what_reads_it);
    suite_add_tcase(s, tc);
    return jt_main(s);
}
