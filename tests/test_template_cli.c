/* `jindu expand`: the document tree on standard output, data bindings, -D parameters,
 * messages and exit codes. */
#include <string.h>

#include "testutil.h"

static char *tasks_json(void)
{
    return jt_fixture("template/tasks.json");
}

static char *write_template(const char *dir, const char *text)
{
    char *path = g_build_filename(dir, "t.xml", NULL);
    jt_write(path, text);
    return path;
}

START_TEST(expand_prints_the_document_tree)
{
    char *tpl = jt_src("templates/task-list.xml");
    char *data = tasks_json();
    char *out = NULL, *err = NULL;
    /* a task list is bound by its kind, as `list` */
    int rc = jt_cli(&out, &err, "expand '%s' --data '%s'", tpl, data);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
    ck_assert_str_eq(err, "");
    jt_golden(out, "template/task-list.dump");
    g_free(out);
    g_free(err);
    /* or by name */
    rc = jt_cli(&out, &err, "expand '%s' --data 'list=%s'", tpl, data);
    ck_assert_int_eq(rc, 0);
    jt_golden(out, "template/task-list.dump");
    g_free(out);
    g_free(err);
    g_free(data);
    g_free(tpl);
}
END_TEST

START_TEST(defines_and_named_data)
{
    char *dir = jt_tmpdir();
    char *tpl = write_template(dir, "<document><p>{{ params.quarter + 1 }} "
                                    "{{ params.quarter | quarter_name }} {{ params.name }} "
                                    "{{ params.ratio * 2 }} {{ params.code }} {{ meta.office }}"
                                    "</p></document>");
    char *meta = g_build_filename(dir, "meta.json", NULL);
    jt_write(meta, "{\"office\": \"督查室\"}");
    char *out = NULL, *err = NULL;
    int rc = jt_cli(&out, &err,
                    "expand '%s' -D quarter=2 -D name=abc --define ratio=0.25 "
                    "-D code=-07 --data 'meta=%s'",
                    tpl, meta);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
    ck_assert_str_eq(out, "document\n  paragraph\n    text \"3 第二季度 abc 0.5 -7 督查室\"\n");
    g_free(out);
    g_free(err);
    g_free(meta);
    g_free(tpl);
    jt_rmrf(dir);
    g_free(dir);
}
END_TEST

START_TEST(the_seed_list_expands)
{
    char *tpl = jt_src("templates/task-list.xml");
    char *seed = jt_src("samples/xiqing-2023/tasks.tsv"); /* the real exported list */
    char *out = NULL, *err = NULL;
    int rc = jt_cli(&out, &err, "expand '%s' --data '%s'", tpl, seed);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
    /* 2 header rows and one row per unit (197, as `jindu import` counts them); each of the
     * 41 whole-year plans is one cell over the four quarters */
    ck_assert_int_eq(jt_count(out, "\n    row"), 199);
    ck_assert_int_eq(jt_count(out, "\n    row bookmark="), 123); /* one per task */
    ck_assert_int_eq(jt_count(out, "      cell colspan=4 {"), 41);
    /* the document title, the heading's bookmark and its text */
    ck_assert_int_eq(jt_count(out, "\"西青区政府工作报告2023年重点工作任务清单\""), 3);
    g_free(out);
    g_free(err);
    g_free(seed);
    g_free(tpl);
}
END_TEST

START_TEST(template_errors_exit_1)
{
    char *dir = jt_tmpdir();
    char *tpl = write_template(dir, "<document>\n  <p>{{ list.title | shout }}</p>\n  <bogus/>\n"
                                    "</document>\n");
    char *data = tasks_json();
    char *out = NULL, *err = NULL;
    int rc = jt_cli(&out, &err, "expand '%s' --data '%s'", tpl, data);
    ck_assert_int_eq(rc, 1);
    ck_assert_str_eq(out, "");
    char *expected = g_strdup_printf("%s:2:22: error: unknown filter 'shout'\n"
                                     "      <p>{{ list.title | shout }}</p>\n"
                                     "                         ^~~~~\n"
                                     "%s:3:4: error: unknown element <bogus>\n"
                                     "      <bogus/>\n"
                                     "       ^~~~~\n",
                                     tpl, tpl);
    ck_assert_str_eq(err, expected);
    g_free(expected);
    g_free(out);
    g_free(err);
    /* an expansion error: nothing on standard output either */
    jt_write(tpl, "<document><p>{{ list.nope }}</p></document>");
    rc = jt_cli(&out, &err, "expand '%s' --data '%s'", tpl, data);
    ck_assert_int_eq(rc, 1);
    ck_assert_str_eq(out, "");
    ck_assert_int_eq(jt_count(err, "error: 'list' has no member 'nope'"), 1);
    g_free(out);
    g_free(err);
    /* libxml2 never prints anything itself, not even for an encoding it cannot convert */
    jt_write(tpl, "<?xml version=\"1.0\" encoding=\"ISO-2022-JP\"?><document><p>重</p></document>");
    rc = jt_cli(&out, &err, "expand '%s'", tpl);
    ck_assert_int_eq(rc, 0);
    ck_assert_str_eq(err, "");
    ck_assert_str_eq(out, "document\n  paragraph\n    text \"重\"\n");
    g_free(out);
    g_free(err);
    g_free(data);
    g_free(tpl);
    jt_rmrf(dir);
    g_free(dir);
}
END_TEST

START_TEST(bad_data_and_defines_exit_1)
{
    char *dir = jt_tmpdir();
    char *tpl = write_template(dir, "<document><p>x</p></document>");
    char *settings = g_build_filename(dir, "settings.json", NULL);
    jt_write(settings, "{\"a\": 1}");
    char *out = NULL, *err = NULL;
    int rc = jt_cli(&out, &err, "expand '%s' --data '%s/missing.tsv' -D quarter --data '%s'", tpl,
                    dir, settings);
    ck_assert_int_eq(rc, 1);
    ck_assert_str_eq(out, "");
    ck_assert_int_eq(jt_count(err, "missing.tsv: error: cannot read: no such file\n"), 1);
    ck_assert_int_eq(jt_count(err, "error: a parameter is KEY=VALUE with KEY made of letters, digits "
                                   "and _, not 'quarter'\n"),
                     1);
    ck_assert_int_eq(jt_count(err, "settings.json:1:1: error: not a task list"), 1);
    g_free(out);
    g_free(err);
    rc = jt_cli(&out, &err, "expand '%s' --data 'params=%s'", tpl, settings);
    ck_assert_int_eq(rc, 1);
    char *expected =
        g_strdup_printf("error: --data params=%s: 'params' is reserved for parameters\n", settings);
    ck_assert_str_eq(err, expected);
    g_free(expected);
    g_free(out);
    g_free(err);
    g_free(settings);
    g_free(tpl);
    jt_rmrf(dir);
    g_free(dir);
}
END_TEST

START_TEST(usage_errors_exit_2)
{
    char *out = NULL, *err = NULL;
    ck_assert_int_eq(jt_cli(&out, &err, "expand"), 2);
    ck_assert_str_eq(err,
                     "jindu expand: expected one TEMPLATE, got 0\nTry 'jindu expand --help'.\n");
    g_free(out);
    g_free(err);
    ck_assert_int_eq(jt_cli(&out, &err, "expand a.xml b.xml"), 2);
    g_free(out);
    g_free(err);
    ck_assert_int_eq(jt_cli(&out, &err, "expand --frobnicate a.xml"), 2);
    ck_assert_int_eq(jt_count(err, "Unknown option --frobnicate"), 1);
    g_free(out);
    g_free(err);
    ck_assert_int_eq(jt_cli(&out, &err, "expand --help"), 0);
    ck_assert_int_eq(jt_count(out, "jindu expand [OPTION…] TEMPLATE"), 1);
    g_free(out);
    g_free(err);
}
END_TEST

START_TEST(output_file_is_written_atomically)
{
    char *dir = jt_tmpdir();
    char *tpl = write_template(dir, "<document><p>{{ list.tasks | length }}</p></document>");
    char *data = tasks_json();
    char *target = g_build_filename(dir, "tree.txt", NULL);
    char *out = NULL, *err = NULL;
    int rc = jt_cli(&out, &err, "expand '%s' --data '%s' -o '%s'", tpl, data, target);
    ck_assert_int_eq(rc, 0);
    ck_assert_str_eq(out, "");
    char *written = jt_read(target);
    ck_assert_str_eq(written, "document\n  paragraph\n    text \"3\"\n");
    g_free(written);
    g_free(out);
    g_free(err);
    /* on an error the previous file stays as it was */
    jt_write(tpl, "<document><p>{{ list.nope }}</p></document>");
    rc = jt_cli(&out, &err, "expand '%s' --data '%s' -o '%s'", tpl, data, target);
    ck_assert_int_eq(rc, 1);
    written = jt_read(target);
    ck_assert_str_eq(written, "document\n  paragraph\n    text \"3\"\n");
    g_free(written);
    g_free(out);
    g_free(err);
    /* and none appears where there was none */
    char *fresh = g_build_filename(dir, "fresh.txt", NULL);
    rc = jt_cli(&out, &err, "expand '%s' --data '%s' -o '%s'", tpl, data, fresh);
    ck_assert_int_eq(rc, 1);
    ck_assert(!jt_exists(fresh));
    g_free(fresh);
    g_free(out);
    g_free(err);
    g_free(target);
    g_free(data);
    g_free(tpl);
    jt_rmrf(dir);
    g_free(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("template-cli");
    TCase *tc = tcase_create("expand");
    tcase_add_test(tc, expand_prints_the_document_tree);
    tcase_add_test(tc, defines_and_named_data);
    tcase_add_test(tc, the_seed_list_expands);
    tcase_add_test(tc, template_errors_exit_1);
    tcase_add_test(tc, bad_data_and_defines_exit_1);
    tcase_add_test(tc, usage_errors_exit_2);
    tcase_add_test(tc, output_file_is_written_atomically);
    suite_add_tcase(s, tc);
    return jt_main(s);
}
