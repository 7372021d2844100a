/* Pre-filled forms: file names, the CSV they hold, writing a folder of them all or nothing,
 * and the round trip: forms written, filled in, read back and merged. */
#include <glib/gstdio.h>
#include <string.h>

#include "test_progress_util.h"

START_TEST(form_file_names_are_safe)
{
    static const char *const cases[][2] = {
        {"商务局", "商务局.csv"},
        {"市规划资源局西青分局", "市规划资源局西青分局.csv"},
        {"a/b\\c:d", "a_b_c_d.csv"},
        {"*?\"<>|", "______.csv"},
        {"..", "__.csv"}, {"-x", "_x.csv"}, {"CON", "CON_.csv"},
        {".hidden", "_hidden.csv"},
        {"a.b", "a.b.csv"},
        {"第一\n第二\t", "第一_第二_.csv"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        char *name = jd_form_file_name(cases[i][0]);
        ck_assert_str_eq(name, cases[i][1]);
        g_free(name);
    }
}
END_TEST

START_TEST(csv_rows_are_quoted_as_rfc4180_says)
{
    GString *out = g_string_new(NULL);
    const char *fields[] = {"a", "b,c", "d\"e", "f\ng", "", NULL, "h\ri", "中文，全角逗号"};
    jd_csv_append_row(out, fields, G_N_ELEMENTS(fields));
    jd_csv_append_row(out, fields, 0);
    ck_assert_str_eq(out->str, "a,\"b,c\",\"d\"\"e\",\"f\ng\",,,\"h\ri\",中文，全角逗号\r\n\r\n");
    g_string_free(out, TRUE);
}
END_TEST

START_TEST(a_unit_form)
{
    jd_value *list = jtp_list();
    jd_period q2 = jtp_period("2023Q2"), may = jtp_period("2023-05");
    size_t rows = 0;
    /* 各街镇 is in two rows of task 2: one line, both rows' plans in force */
    char *form = jd_progress_form(list, &q2, "各街镇", &rows);
    ck_assert_uint_eq(rows, 1);
    ck_assert_str_eq(form,
                     "\xEF\xBB\xBF"
                     "某区2023年重点工作任务清单 2023年第二季度推进情况表（责任单位：各街镇）\r\n"
                     "序号,目标任务,责任单位,报告期,本期计划,进展状态,完成情况,存在问题,"
                     "下步措施,填报人,填报日期\r\n"
                     "2,任务乙,各街镇,2023年第二季度,\"乙全年\n乙街二\",,,,,,\r\n");
    g_free(form);
    /* a month shows its quarter's plan; a unit without a plan that quarter gets "" */
    form = jd_progress_form(list, &may, "文旅局", &rows);
    ck_assert_str_eq(form, "\xEF\xBB\xBF"
                           "某区2023年重点工作任务清单 2023年5月推进情况表（责任单位：文旅局）\r\n"
                           "序号,目标任务,责任单位,报告期,本期计划,进展状态,完成情况,存在问题,"
                           "下步措施,填报人,填报日期\r\n"
                           "3,任务丙,文旅局,2023年5月,,,,,,,\r\n");
    g_free(form);
    jd_period q1 = jtp_period("2023Q1");
    form = jd_progress_form(list, &q1, "税务局", NULL);
    ck_assert(g_str_has_suffix(form, "\r\n1,任务甲,税务局,2023年第一季度,财一,,,,,,\r\n"));
    g_free(form);
    jd_value_unref(list);
}
END_TEST

START_TEST(writes_a_folder_of_forms)
{
    jd_value *list = jtp_list();
    jd_period q2 = jtp_period("2023Q2");
    char *tmp = jt_tmpdir();
    char *dir = g_build_filename(tmp, "new", "forms", NULL);
    jd_diags *diags = jd_diags_new();
    size_t forms = 0, rows = 0;
    ck_assert(jd_progress_write_forms(list, &q2, dir, &forms, &rows, diags));
    ck_assert_uint_eq(jd_diags_count(diags), 0);
    ck_assert_uint_eq(forms, 6);
    ck_assert_uint_eq(rows, 6);
    char *listing = jt_dir_listing(dir);
    ck_assert_str_eq(listing,
                     "各街镇.csv 商务局.csv 文旅局.csv 税务局.csv 经开集团.csv 财政局.csv");
    g_free(listing);
    char *path = g_build_filename(dir, "财政局.csv", NULL);
    char *written = jt_read(path), *expected = jd_progress_form(list, &q2, "财政局", NULL);
    ck_assert_str_eq(written, expected);
    g_free(expected);
    g_free(written);
    g_free(path);

    /* read back untouched, the forms hold no report */
    jd_value *progress = jd_import_file(dir, JD_FORMAT_AUTO, NULL, diags);
    ck_assert_uint_eq(jd_diags_count(diags), 0);
    ck_assert_uint_eq(jd_array_length(jd_object_get(progress, "reports")), 0);
    jd_value_unref(progress);
    jd_diags_free(diags);
    jt_rmrf(tmp);
    g_free(dir);
    g_free(tmp);
    jd_value_unref(list);
}
END_TEST

START_TEST(nothing_is_written_on_error)
{
    jd_period q2 = jtp_period("2023Q2");
    char *tmp = jt_tmpdir();
    char *dir = g_build_filename(tmp, "forms", NULL);

    /* two names that give one file name: the folder is not even created */
    char *messages;
    jd_value *list =
        jtp_import_text("序号\t目标任务\t责任单位\t第一季度\t第二季度\t第三季度\t第四季度\n"
                        "1\t任务\t甲/乙 甲:乙\t全年\t\t\t\n",
                        "l.tsv", NULL, &messages);
    ck_assert_str_eq(messages, "");
    g_free(messages);
    jd_diags *diags = jd_diags_new();
    size_t forms = 99;
    ck_assert(!jd_progress_write_forms(list, &q2, dir, &forms, NULL, diags));
    ck_assert_uint_eq(forms, 0);
    messages = jti_diags_text(diags);
    char *expected = g_strdup_printf(
        "%s/甲_乙.csv: error: units '甲/乙' and '甲:乙' would both have their form in this file",
        dir);
    ck_assert_str_eq(messages, expected);
    ck_assert(!jt_exists(dir));
    g_free(expected);
    g_free(messages);
    jd_diags_free(diags);
    jd_value_unref(list);

    /* one form that cannot be written: none is, and the old forms stay as they were */
    list = jtp_list();
    ck_assert_int_eq(g_mkdir(dir, 0755), 0);
    char *blocked = g_build_filename(dir, "文旅局.csv", NULL);
    char *old = g_build_filename(dir, "商务局.csv", NULL);
    ck_assert_int_eq(g_mkdir(blocked, 0755), 0);
    /* a blank form of another quarter, which may be replaced */
    jd_period q1 = jtp_period("2023Q1");
    char *old_form = jd_progress_form(list, &q1, "商务局", NULL);
    jt_write(old, old_form);
    diags = jd_diags_new();
    ck_assert(!jd_progress_write_forms(list, &q2, dir, NULL, NULL, diags));
    messages = jti_diags_text(diags);
    expected = g_strdup_printf("%s: error: cannot write: it is a directory", blocked);
    ck_assert_str_eq(messages, expected);
    char *listing = jt_dir_listing(dir);
    ck_assert_str_eq(listing, "商务局.csv 文旅局.csv");
    char *kept = jt_read(old);
    ck_assert_str_eq(kept, old_form);
    g_free(old_form);
    g_free(kept);
    g_free(listing);
    g_free(expected);
    g_free(messages);
    jd_diags_free(diags);

    /* a file where the folder should be */
    char *file = g_build_filename(tmp, "file", NULL);
    jt_write(file, "x");
    diags = jd_diags_new();
    ck_assert(!jd_progress_write_forms(list, &q2, file, NULL, NULL, diags));
    messages = jti_diags_text(diags);
    expected = g_strdup_printf("%s: error: cannot create the folder: ", file);
    ck_assert_msg(g_str_has_prefix(messages, expected), "%s", messages);
    g_free(expected);
    g_free(messages);
    jd_diags_free(diags);
    g_free(file);

    g_free(old);
    g_free(blocked);
    jd_value_unref(list);
    jt_rmrf(tmp);
    g_free(dir);
    g_free(tmp);
}
END_TEST

/* ---- the round trip --------------------------------------------------------------------- */

/* What the test writes into a unit's form: the row of `task`, columns 进展状态 … 填报日期. */
typedef struct {
    const char *unit;
    int64_t task;
    const char *state, *done, *problems, *next, *reporter, *date;
} filling;

static const filling fillings[] = {
    {"商务局", 20, "序时推进", "完成了\"一件事\"，还有,逗号\n第二段", "资金, 人员", "继续", "王磊",
     "2023/6/25"},
    {"商务局", 22, "完成", "全部完成", "", "", "王磊", "2023年6月20日"},
    {"各街镇", 117, "滞后", "", "多个街镇进度不一\n需协调", "7月底前完成", "", ""},
    {"文旅局", 107, "未开始", "", "", "", "", ""},
};

/* Fills the rows of `unit`'s form as a person would in Excel; 文旅局's form is saved back
 * in GB18030, as Excel does on a Chinese Windows when told to save "CSV". */
static void fill_form(const char *dir, const char *unit)
{
    char *file = jd_form_file_name(unit);
    char *path = g_build_filename(dir, file, NULL);
    gsize len = 0;
    char *data = NULL;
    ck_assert(g_file_get_contents(path, &data, &len, NULL));
    jd_diags *diags = jd_diags_new();
    size_t text_len = 0;
    char *text = jd_text_decode(data, len, path, NULL, &text_len, diags);
    jd_records *records = jd_records_new(text, text_len, ',', path, diags);
    ck_assert_uint_eq(jd_diags_count(diags), 0);
    GString *out = g_string_new(strcmp(unit, "文旅局") == 0 ? "" : "\xEF\xBB\xBF");
    for (size_t r = 0; r < jd_records_count(records); r++) {
        const char *fields[11] = {NULL};
        size_t width = MIN(jd_records_width(records, r), G_N_ELEMENTS(fields));
        for (size_t i = 0; i < width; i++)
            fields[i] = jd_records_field(records, r, i);
        for (size_t k = 0; k < G_N_ELEMENTS(fillings) && width == 11; k++) {
            const filling *f = &fillings[k];
            char *id = g_strdup_printf("%" G_GINT64_FORMAT, f->task);
            if (strcmp(f->unit, unit) == 0 && strcmp(fields[0], id) == 0) {
                const char *values[] = {f->state, f->done,     f->problems,
                                        f->next,  f->reporter, f->date};
                memcpy(fields + 5, values, sizeof values);
            }
            g_free(id);
        }
        jd_csv_append_row(out, fields, width);
    }
    if (strcmp(unit, "文旅局") == 0) {
        gsize written = 0;
        char *gb = g_convert(out->str, (gssize)out->len, "GB18030", "UTF-8", NULL, &written, NULL);
        ck_assert_ptr_nonnull(gb);
        ck_assert(g_file_set_contents(path, gb, (gssize)written, NULL));
        g_free(gb);
    } else {
        jt_write(path, out->str);
    }
    g_string_free(out, TRUE);
    jd_records_free(records);
    g_free(text);
    jd_diags_free(diags);
    g_free(data);
    g_free(path);
    g_free(file);
}

START_TEST(forms_round_trip)
{
    jd_value *list = jtp_seed_list();
    jd_period q2 = jtp_period("2023Q2");
    char *tmp = jt_tmpdir();
    char *dir = g_build_filename(tmp, "forms", NULL);
    jd_diags *diags = jd_diags_new();
    size_t forms = 0, rows = 0;
    ck_assert(jd_progress_write_forms(list, &q2, dir, &forms, &rows, diags));
    /* one form per unit name, one row per (task, unit) pair */
    ck_assert_uint_eq(forms, 53);
    ck_assert_uint_eq(rows, 232);

    /* 各街镇's line for task 117 shows the plans in force of all six rows it is in */
    char *form = jd_progress_form(list, &q2, "各街镇", NULL);
    GString *plans = g_string_new(NULL);
    const jd_value *units = jd_object_get(jti_task(list, 117), "units");
    for (size_t u = 0; u < jd_array_length(units); u++) {
        const jd_value *seg = jd_array_get(jd_object_get(jd_array_get(units, u), "plan"), 1);
        ck_assert_int_eq(jd_object_get_int(seg, "from", 0), 2);
        g_string_append_printf(plans, "%s%s", u ? "\n" : "", jd_object_get_string(seg, "text"));
    }
    ck_assert_int_eq(jt_count(plans->str, "\n"), 5);
    char *cell = g_strdup_printf(",各街镇,2023年第二季度,\"%s\",,,,,,\r\n", plans->str);
    ck_assert_int_eq(jt_count(form, cell), 1);
    g_free(cell);
    g_string_free(plans, TRUE);
    g_free(form);

    fill_form(dir, "商务局");
    fill_form(dir, "各街镇");
    fill_form(dir, "文旅局");
    jd_import_info info;
    jd_value *progress = jd_import_file(dir, JD_FORMAT_AUTO, &info, diags);
    ck_assert_uint_eq(jd_diags_count(diags), 0);
    ck_assert_uint_eq(info.files, 53);

    /* exactly the filled rows come back, with their texts as written */
    jd_value *canonical = jd_progress_canonical(progress);
    char *json = jti_json(jd_object_get(canonical, "reports"));
    ck_assert_str_eq(
        json,
        "[{\"task\":117,\"unit\":\"各街镇\",\"period\":\"2023Q2\",\"state\":\"滞后\",\"done\":"
        "\"\",\"problems\":\"多个街镇进度不一\\n需协调\",\"next\":\"7月底前完成\",\"reporter\":"
        "\"\",\"date\":\"\"},"
        "{\"task\":20,\"unit\":\"商务局\",\"period\":\"2023Q2\",\"state\":\"序时推进\",\"done\":"
        "\"完成了\\\"一件事\\\"，还有,逗号\\n第二段\",\"problems\":\"资金, 人员\",\"next\":"
        "\"继续\",\"reporter\":\"王磊\",\"date\":\"2023-06-25\"},"
        "{\"task\":22,\"unit\":\"商务局\",\"period\":\"2023Q2\",\"state\":\"已完成\",\"done\":"
        "\"全部完成\",\"problems\":\"\",\"next\":\"\",\"reporter\":\"王磊\",\"date\":"
        "\"2023-06-20\"},"
        "{\"task\":107,\"unit\":\"文旅局\",\"period\":\"2023Q2\",\"state\":\"未启动\",\"done\":"
        "\"\",\"problems\":\"\",\"next\":\"\",\"reporter\":\"\",\"date\":\"\"}]");
    g_free(json);

    /* and merge onto the list without a message: 各街镇's report is in the six rows */
    jd_value *merged = jd_progress_merge(list, progress, NULL, diags);
    ck_assert_uint_eq(jd_diags_count(diags), 0);
    units = jd_object_get(jti_task(merged, 117), "units");
    for (size_t u = 0; u < jd_array_length(units); u++) {
        const jd_value *reports = jd_object_get(jd_array_get(units, u), "reports");
        ck_assert_uint_eq(jd_array_length(reports), 1);
        ck_assert_str_eq(jd_object_get_string(jd_array_get(reports, 0), "problems"),
                         "多个街镇进度不一\n需协调");
    }
    jd_value *missing = jd_progress_missing(merged, &q2);
    ck_assert_uint_eq(jd_array_length(missing), 232 - 4);
    jd_value_unref(missing);
    jd_value_unref(merged);
    jd_value_unref(canonical);
    jd_value_unref(progress);
    jd_diags_free(diags);
    jt_rmrf(tmp);
    g_free(dir);
    g_free(tmp);
    jd_value_unref(list);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("progress: forms");
    TCase *tc = tcase_create("forms");
    tcase_add_test(tc, form_file_names_are_safe);
    tcase_add_test(tc, csv_rows_are_quoted_as_rfc4180_says);
    tcase_add_test(tc, a_unit_form);
    tcase_add_test(tc, writes_a_folder_of_forms);
    tcase_add_test(tc, nothing_is_written_on_error);
    tcase_add_test(tc, forms_round_trip);
    suite_add_tcase(s, tc);
    return jt_main(s);
}
