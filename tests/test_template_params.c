/* Template parameters: a template declares what it reads (<param>); a missing or malformed
 * value is one message naming the parameter, the template and an example, checked before
 * anything is expanded; `jindu params` and `jindu render TEMPLATE --help` list them; the
 * bundled sheets take a period and derive its year. */
#include <string.h>

#include "jd_template.h"
#include "test_template_util.h"

static jd_template *load(const char *text, char **errors)
{
    jd_diags *d = jd_diags_new();
    jd_template *tpl = jd_template_load_memory(text, strlen(text), "t.xml", NULL, NULL, d);
    GString *s = g_string_new(NULL);
    for (size_t i = 0; i < jd_diags_count(d); i++) {
        char *line = jd_diag_format(jd_diags_get(d, i));
        g_string_append_printf(s, "%s\n", line);
        g_free(line);
    }
    *errors = g_string_free(s, FALSE);
    jd_diags_free(d);
    return tpl;
}

static jd_value *json(const char *text)
{
    jd_value *v = jd_value_from_json(text, strlen(text), "test", NULL);
    ck_assert_ptr_nonnull(v);
    return v;
}

/* The checked parameters as JSON, or the messages. */
static char *check(const jd_template *tpl, const char *params, const jd_params_source *source)
{
    jd_value *given = json(params);
    jd_diags *d = jd_diags_new();
    jd_value *out = jd_template_check_params(tpl, given, source, d);
    ck_assert_int_eq(out == NULL, jd_diags_has_errors(d));
    /* and the same without anyone collecting the messages */
    jd_value *quiet = jd_template_check_params(tpl, given, source, NULL);
    ck_assert_int_eq(out == NULL, quiet == NULL);
    jd_value_unref(quiet);
    char *text;
    if (out) {
        text = jd_value_to_json(out, false);
    } else {
        GString *s = g_string_new(NULL);
        for (size_t i = 0; i < jd_diags_count(d); i++) {
            char *line = jd_diag_format(jd_diags_get(d, i));
            g_string_append_printf(s, "%s%s", i ? "\n" : "", line);
            g_free(line);
        }
        text = g_string_free(s, FALSE);
    }
    jd_value_unref(out);
    jd_value_unref(given);
    jd_diags_free(d);
    return text;
}

static const char declared[] =
    "<document>\n"
    "  <param name=\"period\" type=\"period\" example=\"2023Q2\">the reporting\n   period</param>\n"
    "  <param name=\"copies\" type=\"integer\" default=\"2\"/>\n"
    "  <param name=\"note\" type=\"text\" required=\"false\"/>\n"
    "  <param name=\"due\" type=\"date\"/>\n"
    "  <p>{{ params.period }} {{ params.copies }} {{ params.due }}</p>\n"
    "</document>\n";

START_TEST(declarations_are_read)
{
    char *errors;
    jd_template *tpl = load(declared, &errors);
    ck_assert_msg(tpl != NULL, "%s", errors);
    ck_assert_uint_eq(jd_template_param_count(tpl), 4);
    const jd_template_param *p = jd_template_param_at(tpl, 0);
    ck_assert_str_eq(jd_template_param_name(p), "period");
    ck_assert_str_eq(jd_template_param_type(p), "period");
    ck_assert_str_eq(jd_template_param_description(p), "the reporting period");
    ck_assert(jd_template_param_required(p));
    char *s = jd_template_param_example(p);
    ck_assert_str_eq(s, "2023Q2");
    g_free(s);
    p = jd_template_param_at(tpl, 1);
    ck_assert(!jd_template_param_required(p));
    s = jd_template_param_default(p);
    ck_assert_str_eq(s, "2");
    g_free(s);
    p = jd_template_param_at(tpl, 2);
    ck_assert(!jd_template_param_required(p));
    ck_assert_ptr_null(jd_template_param_default(p));
    p = jd_template_param_at(tpl, 3);
    ck_assert(jd_template_param_required(p));
    s = jd_template_param_example(p);
    ck_assert_str_eq(s, "2023-06-30"); /* the type's own example */
    g_free(s);
    ck_assert_ptr_null(jd_template_param_at(tpl, 4));
    g_free(errors);
    jd_template_free(tpl);
}
END_TEST

START_TEST(values_are_checked_and_normalised)
{
    char *errors;
    jd_template *tpl = load(declared, &errors);
    ck_assert_ptr_nonnull(tpl);
    g_free(errors);
    /* a period and a date as people write them; the default filled in; others kept */
    char *out = check(tpl, "{\"period\": \"2023年第二季度\", \"due\": \"2023/6/5\", \"other\": 1}", NULL);
    ck_assert_str_eq(out, "{\"other\":1,\"period\":\"2023Q2\",\"copies\":2,\"due\":\"2023-06-05\"}");
    g_free(out);
    /* every problem at once, each naming the parameter, the template and an example */
    out = check(tpl, "{\"period\": \"2023Q5\", \"copies\": \"two\"}", NULL);
    ck_assert_str_eq(out,
                     "error: t.xml: parameter 'period': '2023Q5' is not a period (a quarter: 2023Q2 or "
                     "2023年第二季度; a month: 2023-05), e.g. -D period=2023Q2\n"
                     "error: t.xml: parameter 'copies': 'two' is not a whole number, e.g. -D copies=2\n"
                     "error: t.xml needs parameter 'due', e.g. -D due=2023-06-30");
    g_free(out);
    /* where the values come from, as the caller writes them */
    jd_params_source cli = {.set_before = "-D ", .only_declared = true};
    out = check(tpl, "{\"perod\": \"2023Q2\", \"period\": \"2023Q2\", \"due\": \"2023-06-05\"}", &cli);
    ck_assert_str_eq(out, "error: t.xml has no parameter 'perod': did you mean 'period'? (its parameters: "
                          "period, copies, note, due)");
    g_free(out);
    jd_params_source ini = {.file = "jindu.ini", .line = 12, .context = "[output 督查表]: ",
                            .set_before = "", .set_after = " in [params]"};
    out = check(tpl, "{\"due\": \"2023-06-05\"}", &ini);
    ck_assert_str_eq(out, "jindu.ini:12:1: error: [output 督查表]: t.xml needs parameter 'period', e.g. "
                          "period=2023Q2 in [params]");
    g_free(out);
    jd_template_free(tpl);
    /* a template that declares nothing accepts anything */
    tpl = load("<document><p>x</p></document>", &errors);
    out = check(tpl, "{\"a\": 1}", &cli);
    ck_assert_str_eq(out, "{\"a\":1}");
    g_free(out);
    g_free(errors);
    jd_template_free(tpl);
}
END_TEST

/* choices="…": a value of the type that must also be one of the words; the default too. */
START_TEST(choices_limit_the_values)
{
    char *errors;
    jd_template *tpl = load("<document>\n"
                            "  <param name=\"attachment\" choices=\"leaders tasks none\" default=\"leaders\">what to attach</param>\n"
                            "  <param name=\"q\" type=\"quarter\" choices=\"2 4\" required=\"false\"/>\n"
                            "</document>\n",
                            &errors);
    ck_assert_ptr_nonnull(tpl);
    ck_assert_str_eq(errors, "");
    g_free(errors);
    const char *const *choices = jd_template_param_choices(jd_template_param_at(tpl, 0));
    ck_assert_ptr_nonnull(choices);
    ck_assert_str_eq(choices[0], "leaders");
    ck_assert_str_eq(choices[2], "none");
    ck_assert_ptr_null(choices[3]);
    ck_assert_ptr_nonnull(jd_template_param_choices(jd_template_param_at(tpl, 1)));
    char *out = check(tpl, "{}", NULL);
    ck_assert_str_eq(out, "{\"attachment\":\"leaders\"}");
    g_free(out);
    out = check(tpl, "{\"attachment\": \"tasks\", \"q\": \"4\"}", NULL);
    ck_assert_str_eq(out, "{\"attachment\":\"tasks\",\"q\":4}");
    g_free(out);
    out = check(tpl, "{\"attachment\": \"Tasks\", \"q\": \"3\"}", NULL);
    ck_assert_str_eq(out, "error: t.xml: parameter 'attachment': 'Tasks' is not one of leaders, tasks, none, "
                          "e.g. -D attachment=leaders\n"
                          "error: t.xml: parameter 'q': '3' is not one of 2, 4, e.g. -D q=2");
    g_free(out);
    jd_template_free(tpl);
    /* a default outside the choices, no choices, a choice written twice */
    tpl = load("<document>\n"
               "  <param name=\"a\" choices=\"x y\" default=\"z\"/>\n"
               "  <param name=\"b\" choices=\"  \"/>\n"
               "  <param name=\"c\" choices=\"x y x\"/>\n"
               "</document>\n",
               &errors);
    ck_assert_ptr_null(tpl);
    tt_assert_text(errors,
                   "t.xml:2:42: error: bad default for parameter 'a': 'z' is not one of x, y\n"
                   "      <param name=\"a\" choices=\"x y\" default=\"z\"/>\n"
                   "                                             ^\n"
                   "t.xml:3:28: error: bad choices for parameter 'b': no values are given (write them separated by spaces)\n"
                   "      <param name=\"b\" choices=\"  \"/>\n"
                   "                               ^~\n"
                   "t.xml:4:28: error: bad choices for parameter 'c': 'x' is written twice\n"
                   "      <param name=\"c\" choices=\"x y x\"/>\n"
                   "                               ^~~~~\n");
    g_free(errors);
}
END_TEST

START_TEST(expansion_checks_them_first)
{
    /* the missing parameter is the only message: nothing below it is expanded */
    char *errors;
    jd_template *tpl = load("<document title=\"{{ params.period | period_name }}\">\n"
                            "  <param name=\"period\" type=\"period\"/>\n"
                            "  <p>{{ params.period | quarter_of }}</p>\n"
                            "</document>\n",
                            &errors);
    ck_assert_ptr_nonnull(tpl);
    g_free(errors);
    jd_value *globals = json("{\"params\": {}}");
    jd_diags *d = jd_diags_new();
    ck_assert_ptr_null(jd_template_expand(tpl, globals, d));
    ck_assert_uint_eq(jd_diags_count(d), 1);
    ck_assert_str_eq(jd_diag_message(jd_diags_get(d, 0)), "t.xml needs parameter 'period', e.g. -D period=2023Q2");
    jd_diags_free(d);
    jd_value_unref(globals);
    /* and the template sees the normalised value */
    globals = json("{\"params\": {\"period\": \"2024年第一季度\"}}");
    jd_doc *doc = jd_template_expand(tpl, globals, NULL);
    ck_assert_ptr_nonnull(doc);
    char *dump = jd_doc_dump(doc);
    ck_assert_ptr_nonnull(strstr(dump, "title=\"2024年第一季度\""));
    ck_assert_ptr_nonnull(strstr(dump, "text \"1\""));
    g_free(dump);
    jd_doc_free(doc);
    jd_value_unref(globals);
    jd_template_free(tpl);
}
END_TEST

START_TEST(bad_declarations)
{
    char *errors;
    jd_template *tpl = load("<document>\n"
                            "  <param name=\"a\" type=\"colour\"/>\n"
                            "  <param name=\"b\" type=\"quarter\" default=\"5\"/>\n"
                            "  <param name=\"b\"/>\n"
                            "  <param name=\"c\" default=\"1\" required=\"true\"/>\n"
                            "  <param type=\"text\"/>\n"
                            "  <param name=\"d\">{{ x }}</param>\n"
                            "  <for each=\"x in [1]\"><param name=\"e\"/></for>\n"
                            "  <p><param name=\"f\"/></p>\n"
                            "</document>\n",
                            &errors);
    ck_assert_ptr_null(tpl);
    tt_assert_text(errors,
                     "t.xml:2:25: error: bad value 'colour' for type: use text, number, integer, period, quarter, year or date\n"
                     "      <param name=\"a\" type=\"colour\"/>\n"
                     "                            ^~~~~~\n"
                     "t.xml:3:43: error: bad default for parameter 'b': '5' is not a quarter: 1, 2, 3 or 4\n"
                     "      <param name=\"b\" type=\"quarter\" default=\"5\"/>\n"
                     "                                              ^\n"
                     "t.xml:4:16: error: parameter 'b' is declared twice\n"
                     "      <param name=\"b\"/>\n"
                     "                   ^\n"
                     "t.xml:5:41: error: parameter 'c' has a default, so it cannot be required\n"
                     "      <param name=\"c\" default=\"1\" required=\"true\"/>\n"
                     "                                            ^~~~\n"
                     "t.xml:6:4: error: <param> needs a 'name' attribute\n"
                     "      <param type=\"text\"/>\n"
                     "       ^~~~~\n"
                     "t.xml:7:19: error: a <param>'s content is its description: plain text, without elements or {{ }}\n"
                     "      <param name=\"d\">{{ x }}</param>\n"
                     "                      ^\n"
                     "t.xml:8:25: error: <param> cannot be inside <for>, <if> or <group>: it belongs at the top level of the template's own <document>\n"
                     "      <for each=\"x in [1]\"><param name=\"e\"/></for>\n"
                     "                            ^~~~~\n"
                     "t.xml:9:7: error: <param> cannot be inside <p>: it belongs at the top level of the template's own <document>\n"
                     "      <p><param name=\"f\"/></p>\n"
                     "          ^~~~~\n");
    g_free(errors);
}
END_TEST

/* ---- the command line and the bundled sheets -------------------------------------- */

static char *fixture_project(void)
{
    char *dir = jt_tmpdir();
    char *src = jt_fixture("project");
    char *cmd = g_strdup_printf("cp -r '%s'/. '%s'/", src, dir);
    ck_assert_int_eq(jt_run(cmd, NULL, NULL), 0);
    g_free(cmd);
    g_free(src);
    return dir;
}

START_TEST(a_missing_period_is_one_message)
{
    char *dir = fixture_project();
    char *out = NULL, *err = NULL;
    int rc = jt_cli(&out, &err, "render quarterly-sheet.xml --data '%s/tasks.tsv' --data '%s/progress' -o '%s/q.pdf'",
                    dir, dir, dir);
    ck_assert_int_eq(rc, 1);
    ck_assert_str_eq(err, "error: quarterly-sheet.xml needs parameter 'period', e.g. -D period=2023Q2\n");
    char *pdf = g_build_filename(dir, "q.pdf", NULL);
    ck_assert(!jt_exists(pdf));
    g_free(pdf);
    g_free(out), g_free(err);
    /* a year the template does not take (it is the period's): refused, not used */
    rc = jt_cli(&out, &err, "render unit-sheet.xml --data '%s/tasks.tsv' --data '%s/progress' -D period=2023Q2 "
                "-D year=2022 --split unit -o '%s/u/{key}.pdf'",
                dir, dir, dir);
    ck_assert_int_eq(rc, 1);
    ck_assert_str_eq(err, "error: unit-sheet.xml has no parameter 'year' (its parameters: period)\n");
    g_free(out), g_free(err);
    jt_rmrf(dir);
    g_free(dir);
}
END_TEST

/* 2024's first quarter with the README's command (once `-D year=2023` beside it): a unit
 * that reported 已完成 must not print × 未报送. */
START_TEST(the_unit_sheet_takes_its_year_from_the_period)
{
    char *dir = fixture_project();
    char *progress = g_build_filename(dir, "2024.csv", NULL);
    jt_write(progress, "序号,目标任务,责任单位,报告期,进展状态,完成情况,存在问题,下步措施,填报人,填报日期\n"
                       "3,推进产业招商,商务局,2024Q1,已完成,签约项目十个。,,,丁,2024-03-25\n");
    char *out = NULL, *err = NULL;
    int rc = jt_cli(&out, &err, "render unit-sheet.xml --data '%s/tasks.tsv' --data '%s' -D period=2024Q1 "
                    "--split unit -o '%s/u/{key}.pdf'",
                    dir, progress, dir);
    ck_assert_msg(rc == 0, "%s", err);
    char *text = NULL;
    char *cmd = g_strdup_printf("pdftotext -layout '%s/u/商务局.pdf' -", dir);
    ck_assert_int_eq(jt_run(cmd, &text, NULL), 0);
    ck_assert_ptr_nonnull(strstr(text, "已完成"));
    ck_assert_ptr_nonnull(strstr(text, "签约项目十个。"));
    ck_assert_ptr_null(strstr(text, "未报送"));
    g_free(text), g_free(cmd), g_free(out), g_free(err), g_free(progress);
    jt_rmrf(dir);
    g_free(dir);
}
END_TEST

START_TEST(params_are_listed)
{
    char *out = NULL, *err = NULL;
    int rc = jt_cli(&out, &err, "params quarterly-sheet.xml");
    ck_assert_int_eq(rc, 0);
    ck_assert_str_eq(out, "Parameters of quarterly-sheet.xml:\n"
                          "  -D period=2023Q2  (period, required)\n"
                          "      the reporting period: a quarter (2023Q2, 2023年第二季度) or a month (2023-05)\n");
    g_free(out), g_free(err);
    rc = jt_cli(&out, &err, "render unit-sheet.xml --help");
    ck_assert_int_eq(rc, 0);
    ck_assert_ptr_nonnull(strstr(out, "Parameters of unit-sheet.xml:\n  -D period=2023Q2  (period, required)\n"));
    g_free(out), g_free(err);
    rc = jt_cli(&out, &err, "params no-such-template.xml");
    ck_assert_int_eq(rc, 1);
    ck_assert_ptr_nonnull(strstr(err, "no-such-template.xml: error: cannot read: no such file"));
    g_free(out), g_free(err);
}
END_TEST

/* A template of one's own includes the bundled partials; an include found nowhere says
 * where it looked. */
START_TEST(bundled_partials_are_found_from_any_template)
{
    char *dir = jt_tmpdir();
    char *tpl = g_build_filename(dir, "mine.xml", NULL);
    jt_write(tpl, "<document>\n  <include src=\"partials/states.xml\"/>\n  <p style=\"note\">x</p>\n</document>\n");
    char *out = NULL, *err = NULL;
    int rc = jt_cli(&out, &err, "expand '%s'", tpl);
    ck_assert_msg(rc == 0, "%s", err);
    ck_assert_ptr_nonnull(strstr(out, "paragraph {color: #555555}"));
    g_free(out), g_free(err);
    jt_write(tpl, "<document>\n  <include src=\"partials/nope.xml\"/>\n</document>\n");
    rc = jt_cli(&out, &err, "expand '%s'", tpl);
    ck_assert_int_eq(rc, 1);
    char *bundled = jt_src("templates");
    char *want = g_strdup_printf("%s:2:17: error: cannot include 'partials/nope.xml': no such file (looked in %s, %s)\n",
                                 tpl, dir, bundled);
    ck_assert_msg(g_str_has_prefix(err, want), "%s", err);
    g_free(want), g_free(bundled), g_free(out), g_free(err), g_free(tpl);
    jt_rmrf(dir);
    g_free(dir);
}
END_TEST

/* What the forms collect (下步措施, 填报人, 填报日期) shows on the unit sheet; the summary counts
 * units, not rows (one row may name two units); one page is "1 page". */
START_TEST(bundled_sheets_show_what_the_forms_collect)
{
    char *dir = fixture_project();
    char *progress = g_build_filename(dir, "2023Q2.csv", NULL);
    jt_write(progress, "序号,目标任务,责任单位,报告期,进展状态,完成情况,存在问题,下步措施,填报人,填报日期\n"
                       "3,推进产业招商,商务局,2023Q2,序时推进,举办招商会两场。,,筹备秋季签约会。,丁一,2023-06-26\n");
    char *out = NULL, *err = NULL;
    int rc = jt_cli(&out, &err, "render unit-sheet.xml --data '%s/tasks.tsv' --data '%s' -D period=2023Q2 "
                    "--split unit -o '%s/u/{key}.pdf'", dir, progress, dir);
    ck_assert_msg(rc == 0, "%s", err);
    g_free(out), g_free(err);
    char *text = NULL;
    char *cmd = g_strdup_printf("pdftotext '%s/u/商务局.pdf' - | tr -d ' \\n'", dir);
    ck_assert_int_eq(jt_run(cmd, &text, NULL), 0);
    ck_assert_ptr_nonnull(strstr(text, "下步措施"));
    ck_assert_ptr_nonnull(strstr(text, "筹备秋季签约会。"));
    ck_assert_ptr_nonnull(strstr(text, "丁一"));
    ck_assert_ptr_nonnull(strstr(text, "2023-06-26"));
    g_free(text), g_free(cmd);
    rc = jt_cli(&out, &err, "render quarterly-sheet.xml --data '%s/tasks.tsv' --data '%s' -D period=2023Q2 -o '%s/q.pdf'",
                dir, progress, dir);
    ck_assert_msg(rc == 0, "%s", err);
    g_free(out), g_free(err);
    cmd = g_strdup_printf("pdftotext '%s/q.pdf' - | tr -d ' \\n'", dir);
    ck_assert_int_eq(jt_run(cmd, &text, NULL), 0);
    /* 4 tasks; 城管委 and 各街镇 share a row: 6 units in 5 rows */
    ck_assert_msg(strstr(text, "共4项任务、6个责任单位，按责任单位逐行统计（5行）") != NULL, "%s", text);
    g_free(text), g_free(cmd);
    rc = jt_cli(&out, &err, "layout quarterly-sheet.xml --data '%s/tasks.tsv' -D period=2023Q2", dir);
    ck_assert_int_eq(rc, 0);
    ck_assert_str_eq(out, "1 page\n");
    g_free(out), g_free(err), g_free(progress);
    jt_rmrf(dir);
    g_free(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("template params");
    TCase *tc = tcase_create("declared");
    tcase_add_test(tc, declarations_are_read);
    tcase_add_test(tc, values_are_checked_and_normalised);
    tcase_add_test(tc, choices_limit_the_values);
    tcase_add_test(tc, expansion_checks_them_first);
    tcase_add_test(tc, bad_declarations);
    suite_add_tcase(s, tc);
    TCase *cli = tcase_create("cli");
    tcase_set_timeout(cli, 120);
    tcase_add_test(cli, a_missing_period_is_one_message);
    tcase_add_test(cli, the_unit_sheet_takes_its_year_from_the_period);
    tcase_add_test(cli, params_are_listed);
    tcase_add_test(cli, bundled_partials_are_found_from_any_template);
    tcase_add_test(cli, bundled_sheets_show_what_the_forms_collect);
    suite_add_tcase(s, cli);
    return jt_main(s);
}
