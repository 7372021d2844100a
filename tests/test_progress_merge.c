/* Progress merged onto the task list: reports on their unit rows in order, every error at
 * its file, line and column, the input left as it was, and what has not been reported. */
#include <string.h>

#include "test_progress_util.h"

/* One line per unit row: "task/names: unit period state, ..." — the reports as merged. */
static char *outline(const jd_value *merged)
{
    GString *out = g_string_new(NULL);
    const jd_value *tasks = jd_object_get(merged, "tasks");
    for (size_t t = 0; t < jd_array_length(tasks); t++) {
        const jd_value *task = jd_array_get(tasks, t);
        const jd_value *units = jd_object_get(task, "units");
        for (size_t u = 0; u < jd_array_length(units); u++) {
            const jd_value *unit = jd_array_get(units, u);
            char *names = jti_json(jd_object_get(unit, "names"));
            g_string_append_printf(out, "%" G_GINT64_FORMAT "%s:", jd_object_get_int(task, "id", 0),
                                   names);
            const jd_value *reports = jd_object_get(unit, "reports");
            for (size_t r = 0; r < jd_array_length(reports); r++) {
                const jd_value *report = jd_array_get(reports, r);
                g_string_append_printf(
                    out, "%s %s %s %s", r ? "," : "", jd_object_get_string(report, "unit"),
                    jd_object_get_string(report, "period"), jd_object_get_string(report, "state"));
            }
            g_string_append_c(out, '\n');
            g_free(names);
        }
    }
    return g_string_free(out, FALSE);
}

/* Merges and returns the messages in *messages; checks NULL exactly on errors. */
static jd_value *merge(const jd_value *list, const jd_value *progress, const char *const *states,
                       char **messages)
{
    jd_diags *diags = jd_diags_new();
    jd_value *merged = jd_progress_merge(list, progress, states, diags);
    ck_assert_int_eq(merged == NULL, jd_diags_has_errors(diags));
    jti_assert_same_without_diags(merged, jd_progress_merge(list, progress, states, NULL));
    *messages = jti_diags_text(diags);
    jd_diags_free(diags);
    return merged;
}

START_TEST(reports_land_on_their_rows)
{
    jd_value *list = jtp_list();
    char *before = jti_json(list);
    char *messages;
    jd_value *progress = jtp_import("basic.csv", NULL, NULL, &messages);
    g_free(messages);
    jd_value *merged = merge(list, progress, NULL, &messages);
    ck_assert_str_eq(messages, "");
    char *text = outline(merged);
    /* 各街镇 is in both rows of task 2: its report is in each; 经开集团 left its row blank */
    ck_assert_str_eq(text,
                     "1[\"商务局\"]: 商务局 2023Q2 序时推进\n"
                     "1[\"财政局\",\"税务局\"]: 财政局 2023Q2 序时推进, 税务局 2023Q2 序时推进\n"
                     "2[\"各街镇\",\"经开集团\"]: 各街镇 2023-05 已完成\n"
                     "2[\"各街镇\"]: 各街镇 2023-05 已完成\n"
                     "3[\"文旅局\"]: 文旅局 2023Q2 未启动\n");
    g_free(text);

    /* each report in canonical form (no "source"), the rest of the list as it was */
    const jd_value *task1 = jti_task(merged, 1);
    const jd_value *unit = jd_array_get(jd_object_get(task1, "units"), 0);
    char *json = jti_json(jd_array_get(jd_object_get(unit, "reports"), 0));
    ck_assert_str_eq(json, "{\"task\":1,\"unit\":\"商务局\",\"period\":\"2023Q2\",\"state\":"
                           "\"序时推进\",\"done\":\"甲完成了一半\",\"problems\":\"\",\"next\":"
                           "\"继续推进\",\"reporter\":\"王磊\",\"date\":\"2023-06-25\"}");
    g_free(json);
    json = jti_json(unit);
    ck_assert(g_str_has_prefix(json, "{\"names\":[\"商务局\"],\"plan\":[{\"from\":1,\"to\":1,"
                                     "\"text\":\"甲一\"},"));
    g_free(json);

    /* the input list is unchanged and its unchanged parts are shared, not copied */
    char *after = jti_json(list);
    ck_assert_str_eq(after, before);
    const jd_value *list_unit = jd_array_get(jd_object_get(jti_task(list, 1), "units"), 0);
    ck_assert_ptr_null(jd_object_get(list_unit, "reports"));
    ck_assert_ptr_eq(jd_object_get(unit, "plan"), jd_object_get(list_unit, "plan"));
    ck_assert_ptr_eq(jd_object_get(task1, "leaders"), jd_object_get(jti_task(list, 1), "leaders"));
    ck_assert_ptr_eq(jd_object_get(merged, "title"), jd_object_get(list, "title"));
    g_free(after);
    g_free(before);
    jd_value_unref(merged);
    jd_value_unref(progress);
    jd_value_unref(list);
    g_free(messages);
}
END_TEST

START_TEST(reports_sorted_by_period_then_name)
{
    jd_value *list = jtp_list();
    const char *json =
        "{\"title\": \"\", \"reports\": ["
        "{\"task\": 1, \"unit\": \"税务局\", \"period\": \"2023Q2\", \"state\": \"滞后\"},"
        "{\"task\": 1, \"unit\": \"财政局\", \"period\": \"2023Q2\", \"state\": \"完成\"},"
        "{\"task\": 1, \"unit\": \"税务局\", \"period\": \"2023Q1\", \"state\": \"序时\"},"
        "{\"task\": 1, \"unit\": \"财政局\", \"period\": \"2023-06\", \"state\": \"滞后\"},"
        "{\"task\": 1, \"unit\": \"商务局\", \"period\": \"2023Q3\", \"state\": \"完成\"},"
        "{\"task\": 1, \"unit\": \"商务局\", \"period\": \"2022Q4\", \"state\": \"完成\"}]}";
    char *messages;
    jd_value *progress = jtp_import_text(json, "p.json", NULL, &messages);
    ck_assert_str_eq(messages, "");
    g_free(messages);
    jd_value *merged = merge(list, progress, NULL, &messages);
    ck_assert_str_eq(messages, "");
    char *text = outline(merged);
    ck_assert(g_str_has_prefix(
        text, "1[\"商务局\"]: 商务局 2022Q4 已完成, 商务局 2023Q3 已完成\n"
              "1[\"财政局\",\"税务局\"]: 税务局 2023Q1 序时推进, 财政局 2023-06 滞后, "
              "财政局 2023Q2 已完成, 税务局 2023Q2 滞后\n"
              "2[\"各街镇\",\"经开集团\"]:\n"));
    g_free(text);
    jd_value_unref(merged);
    jd_value_unref(progress);
    jd_value_unref(list);
    g_free(messages);
}
END_TEST

START_TEST(every_merge_error_with_its_position)
{
    jd_value *list = jtp_list();
    char *messages;
    jd_value *progress = jtp_import("merge-bad.csv", NULL, NULL, &messages);
    ck_assert_str_eq(messages, "");
    g_free(messages);
    jd_value *merged = merge(list, progress, NULL, &messages);
    ck_assert_ptr_null(merged);
    ck_assert_str_eq(messages,
                     "merge-bad.csv:2:1: error: task 9 is not in the task list\n"
                     "merge-bad.csv:3:7: error: 文旅局 is not responsible for task 1 (its units: "
                     "商务局, 财政局, 税务局)\n"
                     "merge-bad.csv:4:3: warning: 目标任务 differs from task 3 in the list "
                     "('任务丙'): is this row for another task?");
    jd_value_unref(progress);
    jd_value_unref(list);
    g_free(messages);
}
END_TEST

/* A report as another program might build it, with a position and a source file. */
static jd_value *report(int line, int64_t task, const char *unit, const char *period,
                        const char *state)
{
    jd_value *r = jd_value_new_object();
    jd_value_set_pos(r, line, 1);
    jd_value *fields[] = {jd_value_new_int(task), jd_value_new_string(unit),
                          jd_value_new_string(period), jd_value_new_string(state)};
    const char *keys[] = {"task", "unit", "period", "state"};
    for (size_t i = 0; i < G_N_ELEMENTS(fields); i++) {
        jd_value_set_pos(fields[i], line, 1 + 10 * (int)i);
        jd_object_set(r, keys[i], fields[i]);
    }
    jd_value *source = jd_value_new_object();
    jd_object_set(source, "file", jd_value_new_string("hand.json"));
    jd_object_set(r, "source", source);
    return r;
}

START_TEST(merge_checks_trees_from_elsewhere)
{
    jd_value *list = jtp_list();
    jd_value *progress = jd_value_new_object();
    jd_value *reports = jd_value_new_array();
    jd_array_append(reports, report(2, 1, "商务局", "2023Q7", "序时推进"));
    jd_array_append(reports, report(3, 1, "商务局", "2023Q2", "暂缓"));
    jd_array_append(reports, report(4, 1, "财政局", "2023Q2", "序时推进"));
    jd_array_append(reports, report(5, 1, "财政局", "2023Q2", "滞后"));
    jd_object_set(progress, "reports", reports);
    char *messages;
    jd_value *merged = merge(list, progress, NULL, &messages);
    ck_assert_ptr_null(merged);
    ck_assert_str_eq(messages, "hand.json:2:21: error: period '2023Q7' is not a period\n"
                               "hand.json:3:31: error: state '暂缓' is not a state: use 已完成, "
                               "序时推进, 滞后 or 未启动\n"
                               "hand.json:5:11: error: duplicate report: task 1, 财政局, 2023Q2 "
                               "is already reported at line 4");
    g_free(messages);

    /* with 暂缓 among the states, and 正常推进 for 序时推进, the same states pass and are
     * written as the list of states says */
    static const char *const own[] = {"已完成", "正常推进", "滞后", "未启动", "暂缓", NULL};
    jd_value *good = jd_value_new_object();
    reports = jd_value_new_array();
    jd_array_append(reports, report(2, 1, "商务局", "2023年第二季度", "序时推进"));
    jd_array_append(reports, report(3, 1, "财政局", "2023Q2", "暂缓"));
    jd_object_set(good, "reports", reports);
    merged = merge(list, good, own, &messages);
    ck_assert_str_eq(messages, "");
    char *text = outline(merged);
    ck_assert(g_str_has_prefix(text, "1[\"商务局\"]: 商务局 2023Q2 正常推进\n"
                                     "1[\"财政局\",\"税务局\"]: 财政局 2023Q2 暂缓\n"));
    /* members the tree lacked are empty strings */
    const jd_value *unit = jd_array_get(jd_object_get(jti_task(merged, 1), "units"), 0);
    char *json = jti_json(jd_array_get(jd_object_get(unit, "reports"), 0));
    ck_assert_str_eq(json, "{\"task\":1,\"unit\":\"商务局\",\"period\":\"2023Q2\",\"state\":"
                           "\"正常推进\",\"done\":\"\",\"problems\":\"\",\"next\":\"\","
                           "\"reporter\":\"\",\"date\":\"\"}");
    g_free(json);
    g_free(text);
    g_free(messages);
    jd_value_unref(merged);
    jd_value_unref(good);
    jd_value_unref(progress);
    jd_value_unref(list);
}
END_TEST

START_TEST(missing_reports_per_period)
{
    jd_value *list = jtp_list();
    char *messages;
    jd_value *progress = jtp_import("basic.csv", NULL, NULL, &messages);
    g_free(messages);
    jd_value *merged = merge(list, progress, NULL, &messages);
    jd_period q2 = jtp_period("2023Q2"), may = jtp_period("2023-05"), q3 = jtp_period("2023Q3");
    jd_value *missing = jd_progress_missing(merged, &q2);
    char *json = jti_json(missing);
    /* 各街镇 reported for May, not for the quarter; 经开集团 left its row blank */
    ck_assert_str_eq(json, "[{\"task\":2,\"unit\":\"各街镇\"},{\"task\":2,\"unit\":\"经开集团\"}]");
    g_free(json);
    jd_value_unref(missing);
    missing = jd_progress_missing(merged, &may);
    json = jti_json(missing);
    ck_assert_str_eq(json, "[{\"task\":1,\"unit\":\"商务局\"},{\"task\":1,\"unit\":\"财政局\"},"
                           "{\"task\":1,\"unit\":\"税务局\"},{\"task\":2,\"unit\":\"经开集团\"},"
                           "{\"task\":3,\"unit\":\"文旅局\"}]");
    g_free(json);
    jd_value_unref(missing);
    /* a period nobody reported for: every (task, unit) pair, each unit once per task */
    missing = jd_progress_missing(merged, &q3);
    ck_assert_uint_eq(jd_array_length(missing), 6);
    jd_value_unref(missing);
    jd_value_unref(merged);
    jd_value_unref(progress);
    jd_value_unref(list);
    g_free(messages);
}
END_TEST

START_TEST(seed_with_the_sample_progress)
{
    jd_value *list = jtp_seed_list();
    char *folder = jt_src("samples/xiqing-2023/progress");
    jd_diags *diags = jd_diags_new();
    jd_import_info info;
    jd_value *progress = jd_import_file(folder, JD_FORMAT_AUTO, &info, diags);
    ck_assert_uint_eq(info.files, 2);
    ck_assert_uint_eq(jd_array_length(jd_object_get(progress, "reports")), 232 + 222);
    jd_value *merged = jd_progress_merge(list, progress, NULL, diags);
    char *messages = jti_diags_text(diags);
    ck_assert_str_eq(messages, "");
    ck_assert_ptr_nonnull(merged);

    /* task 117: 各街镇 is in all six rows, and so is its report of each quarter, after the
     * reports of the names before it in the row */
    const jd_value *units = jd_object_get(jti_task(merged, 117), "units");
    ck_assert_uint_eq(jd_array_length(units), 6);
    for (size_t u = 0; u < jd_array_length(units); u++) {
        const jd_value *reports = jd_object_get(jd_array_get(units, u), "reports");
        const char *first =
            jd_value_string(jd_array_get(jd_object_get(jd_array_get(units, u), "names"), 0));
        ck_assert_uint_eq(jd_array_length(reports), 6);
        static const char *const order[][2] = {{NULL, "2023Q1"},       {"各街镇", "2023Q1"},
                                               {"经开集团", "2023Q1"}, {NULL, "2023Q2"},
                                               {"各街镇", "2023Q2"},   {"经开集团", "2023Q2"}};
        for (size_t r = 0; r < 6; r++) {
            const jd_value *report = jd_array_get(reports, r);
            ck_assert_str_eq(jd_object_get_string(report, "unit"),
                             order[r][0] ? order[r][0] : first);
            ck_assert_str_eq(jd_object_get_string(report, "period"), order[r][1]);
        }
    }

    jd_period q1 = jtp_period("2023Q1"), q2 = jtp_period("2023Q2");
    jd_value *missing = jd_progress_missing(merged, &q1);
    ck_assert_uint_eq(jd_array_length(missing), 0);
    jd_value_unref(missing);
    missing = jd_progress_missing(merged, &q2);
    char *json = jti_json(missing);
    ck_assert_str_eq(json,
                     "[{\"task\":58,\"unit\":\"赛达办\"},{\"task\":64,\"unit\":\"城管委\"},"
                     "{\"task\":71,\"unit\":\"城管委\"},{\"task\":72,\"unit\":\"城管委\"},"
                     "{\"task\":73,\"unit\":\"城管委\"},{\"task\":74,\"unit\":\"城管委\"},"
                     "{\"task\":75,\"unit\":\"城管委\"},{\"task\":83,\"unit\":\"城管委\"},"
                     "{\"task\":115,\"unit\":\"网格中心\"},{\"task\":119,\"unit\":\"城管委\"}]");
    g_free(json);
    jd_value_unref(missing);
    g_free(messages);
    jd_value_unref(merged);
    jd_value_unref(progress);
    jd_diags_free(diags);
    g_free(folder);
    jd_value_unref(list);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("progress: merge");
    TCase *tc = tcase_create("merge");
    tcase_add_test(tc, reports_land_on_their_rows);
    tcase_add_test(tc, reports_sorted_by_period_then_name);
    tcase_add_test(tc, every_merge_error_with_its_position);
    tcase_add_test(tc, merge_checks_trees_from_elsewhere);
    tcase_add_test(tc, missing_reports_per_period);
    tcase_add_test(tc, seed_with_the_sample_progress);
    suite_add_tcase(s, tc);
    return jt_main(s);
}
