/* Progress through the binary: `jindu forms`, `jindu import` and `jindu check` with progress
 * data; and the sample progress, which its generator must reproduce byte for byte. */
#include <string.h>

#include "test_progress_util.h"

static const char seed[] = "samples/xiqing-2023/tasks.tsv";
static const char sample_q1[] = "samples/xiqing-2023/progress/2023Q1.csv";
static const char sample_q2[] = "samples/xiqing-2023/progress/2023Q2.csv";

START_TEST(forms_writes_one_form_per_unit)
{
    char *list = jt_src(seed);
    char *tmp = jt_tmpdir();
    char *dir = g_build_filename(tmp, "forms", NULL);
    char *out, *err;
    ck_assert_int_eq(
        jt_cli(&out, &err, "forms --period 2023年第二季度 --data '%s' -o '%s'", list, dir), 0);
    char *expected =
        g_strdup_printf("2023年第二季度 (2023Q2): 53 forms, 232 task rows, written to %s\n", dir);
    ck_assert_str_eq(out, expected);
    /* the task list's own warnings, and nothing else */
    ck_assert_int_eq(jt_count(err, ": warning: "), 12);
    ck_assert_int_eq(jt_count(err, "\n"), 12);
    char *path = g_build_filename(dir, "商务局.csv", NULL);
    char *form = jt_read(path);
    ck_assert(g_str_has_prefix(form, "\xEF\xBB\xBF西青区政府工作报告2023年重点工作任务清单 "
                                     "2023年第二季度推进情况表（责任单位：商务局）\r\n"));
    ck_assert_int_eq(jt_count(form, ",商务局,2023年第二季度,"), 12);
    g_free(form);
    g_free(path);
    g_free(expected);
    g_free(out);
    g_free(err);

    /* a month */
    ck_assert_int_eq(jt_cli(&out, &err, "forms -p 2023-05 -d '%s' -o '%s'", list, dir), 0);
    expected =
        g_strdup_printf("2023年5月 (2023-05): 53 forms, 232 task rows, written to %s\n", dir);
    ck_assert_str_eq(out, expected);
    g_free(expected);
    g_free(out);
    g_free(err);
    jt_rmrf(tmp);
    g_free(dir);
    g_free(tmp);
    g_free(list);
}
END_TEST


START_TEST(forms_as_workbooks_by_their_name)
{
    char *list = jt_src(seed);
    char *tmp = jt_tmpdir();
    char *pattern = g_build_filename(tmp, "forms", "{period}", "{unit}.xlsx", NULL);
    char *out, *err;
    /* the name's extension chooses .xlsx; the states as a Chinese list */
    ck_assert_int_eq(jt_cli(&out, &err, "forms -p 2023Q2 -d '%s' -o '%s' --states '已完成，序时推进、滞后'",
                            list, pattern),
                     0);
    char *expected = g_strdup_printf(
        "2023年第二季度 (2023Q2): 53 forms, 232 task rows, written as %s\n", pattern);
    ck_assert_str_eq(out, expected);
    g_free(expected);
    g_free(out);
    g_free(err);
    char *dir = g_build_filename(tmp, "forms", "2023Q2", NULL);
    char *listing = jt_dir_listing(dir);
    ck_assert_int_eq(jt_count(listing, ".xlsx"), 53);
    ck_assert_int_eq(jt_count(listing, ".csv"), 0);
    ck_assert_ptr_nonnull(strstr(listing, "商务局.xlsx"));
    char *form = g_build_filename(dir, "商务局.xlsx", NULL);
    char *bytes = NULL;
    gsize len = 0;
    ck_assert(g_file_get_contents(form, &bytes, &len, NULL));
    char *sheet = jti_workbook_part(bytes, len, "xl/worksheets/sheet1.xml");
    g_free(bytes);
    ck_assert_ptr_nonnull(strstr(sheet, "<formula1>\"已完成,序时推进,滞后\"</formula1>"));
    g_free(sheet);
    /* the blank forms read back as progress with no report */
    ck_assert_int_eq(jt_cli(&out, &err, "import '%s'", dir), 0);
    ck_assert_ptr_nonnull(strstr(out, "  reports: 0"));
    g_free(out);
    g_free(err);
    /* --format xlsx and a folder give the same forms */
    char *folder = g_build_filename(tmp, "folder", NULL);
    ck_assert_int_eq(jt_cli(&out, &err, "forms -p 2023Q2 -d '%s' -o '%s' -f xlsx --states '已完成,序时推进,滞后'",
                            list, folder),
                     0);
    char *other = g_build_filename(folder, "商务局.xlsx", NULL);
    char *a = NULL, *b = NULL;
    gsize a_len = 0, b_len = 0;
    ck_assert(g_file_get_contents(form, &a, &a_len, NULL));
    ck_assert(g_file_get_contents(other, &b, &b_len, NULL));
    ck_assert(a_len == b_len && memcmp(a, b, a_len) == 0);
    g_free(a);
    g_free(b);
    g_free(other);
    g_free(folder);
    g_free(out);
    g_free(err);
    /* an unknown {…} is bad input, and nothing is written */
    char *bad = g_build_filename(tmp, "bad", "{unit}-{year}.csv", NULL);
    ck_assert_int_eq(jt_cli(&out, &err, "forms -p 2023Q2 -d '%s' -o '%s'", list, bad), 1);
    expected = g_strdup_printf("%s: error: {year} in the forms' file name: only {unit} and "
                               "{period} are filled in\n",
                               bad);
    ck_assert_ptr_nonnull(strstr(err, expected));
    char *bad_dir = g_build_filename(tmp, "bad", NULL);
    ck_assert(!jt_exists(bad_dir));
    g_free(bad_dir);
    g_free(expected);
    g_free(bad);
    g_free(out);
    g_free(err);
    g_free(form);
    g_free(listing);
    g_free(dir);
    jt_rmrf(tmp);
    g_free(pattern);
    g_free(tmp);
    g_free(list);
}
END_TEST

START_TEST(forms_usage_and_bad_input)
{
    char *out, *err;
    ck_assert_int_eq(jt_cli(&out, &err, "forms --help"), 0);
    ck_assert_int_eq(jt_count(out, "--period"), 2);
    ck_assert_int_eq(jt_count(out, "Exit status: 0 ok, 1 bad input"), 1);
    g_free(out);
    g_free(err);
    static const struct {
        const char *args, *message;
    } usage[] = {
        {"", "--period, --data and -o are required"},
        {"--period 2023Q2 --data x.tsv", "--period, --data and -o are required"},
        {"--period 2023Q9 --data x.tsv -o d",
         "--period: '2023Q9' is not a period (2023Q2, 2023年第二季度, 2023-05, 2023年5月)"},
        {"--period 2023Q2 --data x.tsv -o d extra", "unexpected argument 'extra'"},
        {"-p 2023Q2 -d x.tsv -o d --format ods", "--format: 'ods' is not csv or xlsx"},
        {"-p 2023Q2 -d x.tsv -o d/商务局.xlsx",
         "-o 'd/商务局.xlsx' names one file, but every unit gets its own form: put {unit} in the "
         "name (forms/{unit}.xlsx), or give a folder"},
        {"-p 2023Q2 -d x.tsv -o 'd/{unit}.pdf'",
         "-o 'd/{unit}.pdf': a forms' file name has {unit} and ends in .csv or .xlsx"},
        {"-p 2023Q2 -d x.tsv -o 'd/{unit}.xlsx' --format csv",
         "--format csv, but -o names .xlsx files"},
        {"-p 2023Q2 -d x.tsv -o d --states '，、'", "--states: no state given"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(usage); i++)
        jt_assert_usage_error("forms", usage[i].args, usage[i].message);

    /* a list with errors, or progress data given as the list: exit 1, no folder */
    char *tmp = jt_tmpdir();
    char *dir = g_build_filename(tmp, "forms", NULL);
    char *bad = jt_fixture("import/bad-rows.tsv");
    ck_assert_int_eq(jt_cli(&out, &err, "forms --period 2023Q2 --data '%s' -o '%s'", bad, dir), 1);
    ck_assert_str_eq(out, "");
    ck_assert_int_eq(jt_count(err, ": error: "), 6);
    ck_assert(!jt_exists(dir));
    g_free(out);
    g_free(err);
    char *progress = jt_src(sample_q1);
    ck_assert_int_eq(jt_cli(&out, &err, "forms --period 2023Q2 --data '%s' -o '%s'", progress, dir),
                     1);
    char *expected = g_strdup_printf(
        "%s: error: not a task list (forms are made from the task list)\n", progress);
    ck_assert_str_eq(err, expected);
    ck_assert(!jt_exists(dir));
    g_free(expected);
    g_free(out);
    g_free(err);
    g_free(progress);
    g_free(bad);
    jt_rmrf(tmp);
    g_free(dir);
    g_free(tmp);
}
END_TEST

START_TEST(import_summarises_progress)
{
    char *q2 = jt_src(sample_q2);
    char *tmp = jt_tmpdir();
    char *json = g_build_filename(tmp, "q2.json", NULL);
    char *out, *err;
    ck_assert_int_eq(jt_cli(&out, &err, "import '%s' -o '%s'", q2, json), 0);
    char *expected = g_strdup_printf("%s: progress (CSV, UTF-8 with BOM)\n"
                                     "  title: 西青区政府工作报告2023年重点工作任务清单 "
                                     "2023年第二季度推进情况汇总【示例数据（虚构，仅供演示）】\n"
                                     "  reports: 222   units: 50   tasks: 118\n"
                                     "  periods: 2023Q2 222\n"
                                     "  states: 已完成 48, 序时推进 153, 滞后 20, 未启动 1\n"
                                     "  warnings: 0\n"
                                     "  written: %s\n",
                                     q2, json);
    ck_assert_str_eq(out, expected);
    ck_assert_str_eq(err, "");
    g_free(expected);
    g_free(out);
    g_free(err);

    /* the JSON is canonical (no "source") and reads back to the same summary */
    char *text = jt_read(json);
    ck_assert_int_eq(jt_count(text, "\"source\""), 0);
    ck_assert_int_eq(jt_count(text, "\"task\": "), 222);
    ck_assert(g_str_has_prefix(text, "{\n  \"title\": \"西青区"));
    ck_assert_int_eq(jt_cli(&out, &err, "import '%s'", json), 0);
    ck_assert(g_str_has_prefix(out, "/") && jt_count(out, ": progress (JSON, UTF-8)\n") == 1);
    ck_assert_int_eq(jt_count(out, "  states: 已完成 48, 序时推进 153, 滞后 20, 未启动 1\n"), 1);
    g_free(text);
    g_free(out);
    g_free(err);

    /* the sample folder holds both quarters */
    char *folder = jt_src("samples/xiqing-2023/progress");
    ck_assert_int_eq(jt_cli(&out, &err, "import '%s'", folder), 0);
    expected = g_strdup_printf("%s: progress (2 files)\n"
                               "  title: (none)\n"
                               "  reports: 454   units: 53   tasks: 123\n"
                               "  periods: 2023Q1 232, 2023Q2 222\n"
                               "  states: 已完成 63, 序时推进 328, 滞后 46, 未启动 17\n"
                               "  warnings: 0\n",
                               folder);
    ck_assert_str_eq(out, expected);
    g_free(expected);
    g_free(out);
    g_free(err);
    g_free(folder);
    jt_rmrf(tmp);
    g_free(json);
    g_free(tmp);
    g_free(q2);
}
END_TEST

START_TEST(import_with_a_default_period)
{
    char *file = jt_fixture("progress/no-period.tsv");
    char *out, *err;
    ck_assert_int_eq(jt_cli(&out, &err, "import '%s'", file), 1);
    char *expected = g_strdup_printf("%s:1:1: error: the header has no column for 报告期 (without "
                                     "a 报告期 column, give the period: --period 2023Q2)\n",
                                     file);
    ck_assert_str_eq(err, expected);
    g_free(expected);
    g_free(out);
    g_free(err);
    ck_assert_int_eq(jt_cli(&out, &err, "import --period 2023年5月 '%s'", file), 0);
    ck_assert_int_eq(jt_count(out, "  periods: 2023-05 1\n"), 1);
    g_free(out);
    g_free(err);
    ck_assert_int_eq(jt_cli(&out, &err, "check --period 2023Q5 '%s'", file), 2);
    ck_assert_str_eq(err,
                     "jindu check: --period: '2023Q5' is not a period (2023Q2, 2023年第二季度, "
                     "2023-05)\nTry 'jindu check --help'.\n");
    g_free(out);
    g_free(err);
    g_free(file);
}
END_TEST

START_TEST(check_merges_progress_onto_the_list)
{
    char *list = jt_src(seed), *q1 = jt_src(sample_q1), *q2 = jt_src(sample_q2);
    char *out, *err;
    ck_assert_int_eq(jt_cli(&out, &err, "check '%s' '%s' '%s'", list, q1, q2), 0);
    char *expected = g_strdup_printf(
        "%1$s: ok (task list, 123 tasks, 12 warnings)\n"
        "%2$s: ok (progress, 232 reports, 0 warnings)\n"
        "%3$s: ok (progress, 222 reports, 0 warnings)\n"
        "%2$s: merged onto %1$s\n"
        "  2023Q1: 232 reports, 未报送 0\n"
        "%3$s: merged onto %1$s\n"
        "  2023Q2: 222 reports, 未报送 10: 赛达办 (58), 城管委 (64, 71, 72, 73, 74, 75, 83, 119), "
        "网格中心 (115)\n",
        list, q1, q2);
    ck_assert_str_eq(out, expected);
    ck_assert_int_eq(jt_count(err, ": warning: "), 12);
    g_free(expected);
    g_free(out);
    g_free(err);

    char *small = jt_fixture("progress/list.tsv"), *bad = jt_fixture("progress/merge-bad.csv");
    ck_assert_int_eq(jt_cli(&out, &err, "check '%s' '%s'", bad, small), 1);
    expected = g_strdup_printf("%1$s: ok (progress, 3 reports, 0 warnings)\n"
                               "%2$s: ok (task list, 3 tasks, 0 warnings)\n"
                               "%1$s: 2 errors merging onto %2$s\n",
                               bad, small);
    ck_assert_str_eq(out, expected);
    g_free(expected);
    expected = g_strdup_printf("%1$s:2:1: error: task 9 is not in the task list\n"
                               "%1$s:3:7: error: 文旅局 is not responsible for task 1 (its units: "
                               "商务局, 财政局, 税务局)\n"
                               "%1$s:4:3: warning: 目标任务 differs from task 3 in the list "
                               "('任务丙'): is this row for another task?\n",
                               bad);
    ck_assert_str_eq(err, expected);
    g_free(expected);
    g_free(out);
    g_free(err);

    /* without a task list, progress data is only read */
    ck_assert_int_eq(jt_cli(&out, &err, "check '%s'", bad), 0);
    expected = g_strdup_printf("%s: ok (progress, 3 reports, 0 warnings)\n", bad);
    ck_assert_str_eq(out, expected);
    g_free(expected);
    g_free(out);
    g_free(err);
    g_free(bad);
    g_free(small);
    g_free(q2);
    g_free(q1);
    g_free(list);
}
END_TEST

START_TEST(sample_progress_is_what_its_generator_writes)
{
    char *tmp = jt_tmpdir();
    char *list = jt_src(seed);
    char *cmd = g_strdup_printf("'%s' '%s' '%s'", JD_MAKE_SAMPLE_PROGRESS, list, tmp);
    char *out, *err;
    ck_assert_int_eq(jt_run(cmd, &out, &err), 0);
    ck_assert_str_eq(err, "");
    static const char *const files[] = {"2023Q1.csv", "2023Q2.csv"};
    static const char *const periods[] = {"2023年第一季度", "2023年第二季度"};
    for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
        char *made = g_build_filename(tmp, files[i], NULL);
        char *relative = g_build_filename("samples/xiqing-2023/progress", files[i], NULL);
        char *committed = jt_src(relative);
        char *made_text = jt_read(made), *committed_text = jt_read(committed);
        ck_assert_msg(strcmp(made_text, committed_text) == 0,
                      "%s differs from what make-progress writes", committed);
        /* the title says the values are invented */
        char *title = g_strdup_printf("\xEF\xBB\xBF西青区政府工作报告2023年重点工作任务清单 "
                                      "%s推进情况汇总【示例数据（虚构，仅供演示）】\r\n",
                                      periods[i]);
        ck_assert(g_str_has_prefix(committed_text, title));
        g_free(title);
        g_free(committed_text);
        g_free(made_text);
        g_free(committed);
        g_free(relative);
        g_free(made);
    }
    g_free(out);
    g_free(err);
    g_free(cmd);
    g_free(list);
    jt_rmrf(tmp);
    g_free(tmp);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("progress: command line");
    TCase *tc = tcase_create("cli");
    tcase_add_test(tc, forms_writes_one_form_per_unit);
    tcase_add_test(tc, forms_usage_and_bad_input);
    tcase_add_test(tc, forms_as_workbooks_by_their_name);
    tcase_add_test(tc, import_summarises_progress);
    tcase_add_test(tc, import_with_a_default_period);
    tcase_add_test(tc, check_merges_progress_onto_the_list);
    tcase_add_test(tc, sample_progress_is_what_its_generator_writes);
    suite_add_tcase(s, tc);
    return jt_main(s);
}
