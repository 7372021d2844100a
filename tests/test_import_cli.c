/* `jindu import` and `jindu check` through the binary: summary, exit codes, output files. */
#include <glib/gstdio.h>
#include <string.h>

#include "test_import_util.h"

static const char seed_summary_tail[] =
    ": task list (TSV, UTF-8)\n"
    "  title: 西青区政府工作报告2023年重点工作任务清单\n"
    "  tasks: 123   unit rows: 197   distinct units: 53   leaders: 9\n"
    "  plans: 41 whole-year, 156 by quarter, 0 partial (some quarters without plan)\n"
    "  leaders: 梁军 40, 庞铁强 29, 陈力予 24, 张建凤 24, 柴树芳 22, 鲍杰 7, 殷学武 6, 梁军强 2, "
    "区委分管领导 1\n"
    "  warnings: 12\n";

START_TEST(import_prints_summary_after_warnings)
{
    char *seed = jt_src("samples/xiqing-2023/tasks.tsv");
    char *out, *err;
    ck_assert_int_eq(jt_cli(&out, &err, "import '%s'", seed), 0);
    char *expected = g_strconcat(seed, seed_summary_tail, NULL);
    ck_assert_str_eq(out, expected);
    ck_assert_int_eq(jt_count(err, ": warning: "), 12);
    ck_assert_int_eq(jt_count(err, ": error: "), 0);
    char *first = g_strdup_printf("%s:62:129: warning: dropped 1 empty field", seed);
    ck_assert(g_str_has_prefix(err, first));
    g_free(first);
    g_free(expected);
    g_free(out);
    g_free(err);
    g_free(seed);
}
END_TEST

START_TEST(import_writes_canonical_json)
{
    char *seed = jt_src("samples/xiqing-2023/tasks.tsv");
    char *dir = jt_tmpdir();
    char *json_path = g_build_filename(dir, "tasks.json", NULL);
    char *out, *err;
    ck_assert_int_eq(jt_cli(&out, &err, "import '%s' -o '%s'", seed, json_path), 0);
    char *written = g_strdup_printf("  written: %s\n", json_path);
    ck_assert(g_str_has_suffix(out, written));
    /* the file is the canonical JSON of the tree, and nothing else is left behind */
    jd_value *list = jd_import_file(seed, JD_FORMAT_AUTO, NULL, NULL);
    char *expected = jd_value_to_json(list, true);
    char *actual = jt_read(json_path);
    ck_assert_str_eq(actual, expected);
    char *listing = jt_dir_listing(dir);
    ck_assert_str_eq(listing, "tasks.json");
    g_free(listing);

    /* and it reads back: the same summary, as JSON */
    char *out2, *err2;
    ck_assert_int_eq(jt_cli(&out2, &err2, "import '%s'", json_path), 0);
    char *json_summary = g_strdup_printf(
        "%s: task list (JSON, UTF-8)\n"
        "  title: 西青区政府工作报告2023年重点工作任务清单\n"
        "  tasks: 123   unit rows: 197   distinct units: 53   leaders: 9\n"
        "  plans: 41 whole-year, 156 by quarter, 0 partial (some quarters without plan)\n"
        "  leaders: 梁军 40, 庞铁强 29, 陈力予 24, 张建凤 24, 柴树芳 22, 鲍杰 7, 殷学武 6, 梁军强 "
        "2, "
        "区委分管领导 1\n"
        "  warnings: 1\n",
        json_path);
    ck_assert_str_eq(out2, json_summary);
    g_free(json_summary);
    g_free(out2);
    g_free(err2);
    g_free(actual);
    g_free(expected);
    jd_value_unref(list);
    g_free(written);
    g_free(out);
    g_free(err);
    jt_rmrf(dir);
    g_free(json_path);
    g_free(dir);
    g_free(seed);
}
END_TEST

START_TEST(import_error_writes_nothing)
{
    char *bad = jt_fixture("import/bad-rows.tsv");
    char *dir = jt_tmpdir();
    char *fresh = g_build_filename(dir, "new.json", NULL);
    char *existing = g_build_filename(dir, "old.json", NULL);
    jt_write(existing, "{\"previous\": true}\n");
    char *out, *err;
    ck_assert_int_eq(jt_cli(&out, &err, "import '%s' -o '%s'", bad, fresh), 1);
    ck_assert_str_eq(out, "");
    char *expected = g_strdup_printf(
        "%1$s:3:3: error: continuation row (empty 序号 and 目标任务) before any task\n"
        "%1$s:4:1: error: 序号 '一' is not a task number\n"
        "%1$s:7:1: error: 序号 2 is already used by the task at line 6 ('任务乙'); this row's "
        "目标任务 is different ('任务丁')\n"
        "%1$s:8:2: error: row has a 目标任务 but no 序号\n"
        "%1$s:9:3: error: task 3 has no 目标任务\n"
        "%1$s:10:7: error: row has no 责任单位\n",
        bad);
    ck_assert_str_eq(err, expected);
    g_free(out);
    g_free(err);
    ck_assert_int_eq(jt_cli(&out, &err, "import --output='%s' '%s'", existing, bad), 1);
    char *kept = jt_read(existing);
    ck_assert_str_eq(kept, "{\"previous\": true}\n");
    char *listing = jt_dir_listing(dir);
    ck_assert_str_eq(listing, "old.json");
    g_free(listing);
    g_free(kept);
    g_free(expected);
    g_free(out);
    g_free(err);
    jt_rmrf(dir);
    g_free(existing);
    g_free(fresh);
    g_free(dir);
    g_free(bad);
}
END_TEST

START_TEST(import_unwritable_output)
{
    char *fixture = jt_fixture("import/sections.tsv");
    char *out, *err;
    ck_assert_int_eq(jt_cli(&out, &err, "import '%s' -o /nonexistent-jindu-dir/x.json", fixture),
                     1);
    ck_assert_str_eq(err, "/nonexistent-jindu-dir/x.json: error: cannot write: directory "
                          "/nonexistent-jindu-dir does not exist\n");
    /* the input was fine: its summary is still shown, without "written" */
    ck_assert(strstr(out, "  tasks: 3   unit rows: 6   distinct units: 10   leaders: 4\n"));
    ck_assert_ptr_null(strstr(out, "written"));
    g_free(out);
    g_free(err);
    g_free(fixture);
}
END_TEST

START_TEST(import_bad_files)
{
    char *dir = jt_tmpdir();
    char *binary = g_build_filename(dir, "photo.tsv", NULL);
    ck_assert(g_file_set_contents(binary, "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16, NULL));
    char *out, *err;
    ck_assert_int_eq(jt_cli(&out, &err, "import '%s'", binary), 1);
    char *expected = g_strdup_printf("%s: error: a picture (PNG), not data: jindu reads a table's text, not a "
                                     "photo or scan of it; give the workbook (.xlsx) or the text export (.csv) of "
                                     "the table instead\n",
                                     binary);
    ck_assert_str_eq(err, expected);
    ck_assert_str_eq(out, "");
    g_free(expected);
    g_free(out);
    g_free(err);
    /* bytes of no known kind */
    ck_assert(g_file_set_contents(binary, "\x01\x02\n\n\0\0\0", 7, NULL));
    ck_assert_int_eq(jt_cli(&out, &err, "import '%s'", binary), 1);
    expected = g_strdup_printf("%s:3:1: error: binary file, not a text export\n", binary);
    ck_assert_str_eq(err, expected);
    g_free(expected);
    g_free(out);
    g_free(err);

    char *missing = g_build_filename(dir, "missing.tsv", NULL);
    ck_assert_int_eq(jt_cli(&out, &err, "import '%s'", missing), 1);
    expected = g_strdup_printf("%s: error: cannot read: no such file\n", missing);
    ck_assert_str_eq(err, expected);
    g_free(expected);
    g_free(out);
    g_free(err);

    /* a TSV read as JSON because --format says so */
    char *tsv = jt_fixture("import/sections.tsv");
    ck_assert_int_eq(jt_cli(&out, &err, "import --format json '%s'", tsv), 1);
    ck_assert_int_eq(jt_count(err, ": error: invalid JSON"), 1);
    g_free(out);
    g_free(err);
    g_free(tsv);
    g_free(missing);
    jt_rmrf(dir);
    g_free(binary);
    g_free(dir);
}
END_TEST

START_TEST(format_option_overrides_the_name)
{
    char *dir = jt_tmpdir();
    char *csv_in_txt = g_build_filename(dir, "export.txt", NULL);
    jt_write(csv_in_txt, "序号,目标任务,责任单位,第一季度,第二季度,第三季度,第四季度,责任区领导\n"
                         "1,甲,商务局,全年,,,,陈力予\n");
    char *out, *err;
    ck_assert_int_eq(jt_cli(&out, &err, "import --format CSV '%s'", csv_in_txt), 0);
    ck_assert(strstr(out, ": task list (CSV, UTF-8)\n"));
    ck_assert(strstr(out, "  tasks: 1   unit rows: 1   distinct units: 1   leaders: 1\n"));
    g_free(out);
    g_free(err);
    jt_rmrf(dir);
    g_free(csv_in_txt);
    g_free(dir);
}
END_TEST

START_TEST(usage_errors_exit_2)
{
    char *fixture = jt_fixture("import/sections.tsv");
    char *out, *err;
    ck_assert_int_eq(jt_cli(&out, &err, "import"), 2);
    ck_assert_str_eq(err, "jindu import: expected one FILE, got 0\nTry 'jindu import --help'.\n");
    g_free(out);
    g_free(err);
    ck_assert_int_eq(jt_cli(&out, &err, "import '%s' '%s'", fixture, fixture), 2);
    ck_assert_str_eq(err, "jindu import: expected one FILE, got 2\nTry 'jindu import --help'.\n");
    g_free(out);
    g_free(err);
    ck_assert_int_eq(jt_cli(&out, &err, "import --format ods '%s'", fixture), 2);
    ck_assert_str_eq(err, "jindu import: unknown format 'ods' (expected tsv, csv, json, xlsx or "
                          "xls)\n"
                          "Try 'jindu import --help'.\n");
    g_free(out);
    g_free(err);
    ck_assert_int_eq(jt_cli(&out, &err, "import --frobnicate '%s'", fixture), 2);
    ck_assert(g_str_has_prefix(err, "jindu import: Unknown option --frobnicate"));
    g_free(out);
    g_free(err);
    ck_assert_int_eq(jt_cli(&out, &err, "check"), 2);
    ck_assert_str_eq(err,
                     "jindu check: expected at least one FILE, got 0\nTry 'jindu check --help'.\n");
    g_free(out);
    g_free(err);
    g_free(fixture);
}
END_TEST

START_TEST(help_for_both_commands)
{
    char *out, *err;
    ck_assert_int_eq(jt_cli(&out, &err, "import --help"), 0);
    ck_assert(g_str_has_prefix(out, "Usage:\n  jindu import [OPTION…] FILE\n"));
    ck_assert(strstr(out, "-o, --output=OUT.json"));
    ck_assert(strstr(out, "--format=FORMAT"));
    ck_assert(strstr(out, "Exit status: 0 ok, 1 bad input"));
    g_free(out);
    g_free(err);
    ck_assert_int_eq(jt_cli(&out, &err, "check --help"), 0);
    ck_assert(g_str_has_prefix(out, "Usage:\n  jindu check [OPTION…] FILE|DIR...\n"));
    ck_assert(strstr(out, "nothing is written"));
    g_free(out);
    g_free(err);
}
END_TEST

START_TEST(check_reports_every_file)
{
    char *good = jt_fixture("import/extra-fields.tsv");
    char *bad = jt_fixture("import/extra-nonempty.tsv");
    char *json = jt_fixture("import/unordered.json");
    char *out, *err;
    ck_assert_int_eq(jt_cli(&out, &err, "check '%s' '%s' '%s'", good, bad, json), 1);
    char *expected_out = g_strdup_printf("%s: ok (task list, 3 tasks, 4 warnings)\n"
                                         "%s: 1 error\n"
                                         "%s: ok (task list, 1 task, 3 warnings)\n",
                                         good, bad, json);
    ck_assert_str_eq(out, expected_out);
    ck_assert_int_eq(jt_count(err, ": warning: "), 4 + 1 + 3);
    char *error = g_strdup_printf("%s:2:27: error: row has 9 fields but the header has 8: extra "
                                  "non-empty field 9 ('多余')\n",
                                  bad);
    ck_assert(strstr(err, error));
    g_free(error);
    g_free(expected_out);
    g_free(out);
    g_free(err);

    ck_assert_int_eq(jt_cli(&out, &err, "check '%s' '%s'", good, json), 0);
    g_free(out);
    g_free(err);
    g_free(json);
    g_free(bad);
    g_free(good);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("import cli");
    TCase *tc = tcase_create("cli");
    tcase_add_test(tc, import_prints_summary_after_warnings);
    tcase_add_test(tc, import_writes_canonical_json);
    tcase_add_test(tc, import_error_writes_nothing);
    tcase_add_test(tc, import_unwritable_output);
    tcase_add_test(tc, import_bad_files);
    tcase_add_test(tc, format_option_overrides_the_name);
    tcase_add_test(tc, usage_errors_exit_2);
    tcase_add_test(tc, help_for_both_commands);
    tcase_add_test(tc, check_reports_every_file);
    suite_add_tcase(s, tc);
    return jt_main(s);
}
