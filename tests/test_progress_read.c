/* Progress data in: periods, dates and states as people write them; progress exports and
 * JSON read into the canonical tree, with every bad row reported; folders of files. */
#include <glib/gstdio.h>
#include <string.h>

#include "test_progress_util.h"

/* ---- periods, dates, states --------------------------------------------------------------- */

START_TEST(periods_in_every_accepted_form)
{
    static const struct {
        const char *text, *canonical;
        int quarter;
    } cases[] = {
        {"2023Q2", "2023Q2", 2},         {"2023 q2", "2023Q2", 2},
        {"2023年第二季度", "2023Q2", 2}, {"2023年二季度", "2023Q2", 2},
        {"2023年第2季度", "2023Q2", 2},  {"２０２３年 第四季度", "2023Q4", 4},
        {"2023年Q3", "2023Q3", 3},       {"2023-05", "2023-05", 2},
        {"2023.05", "2023-05", 2},       {"2023/5", "2023-05", 2},
        {"2023年5月", "2023-05", 2},     {"2023年五月", "2023-05", 2},
        {"2023年十二月", "2023-12", 4},  {"2023-01", "2023-01", 1},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        jd_period period = jtp_period(cases[i].text);
        char *canonical = jd_period_format(&period);
        ck_assert_msg(strcmp(canonical, cases[i].canonical) == 0, "'%s' gave %s", cases[i].text,
                      canonical);
        ck_assert_int_eq(period.quarter, cases[i].quarter);
        ck_assert_int_eq(jd_period_quarter(cases[i].text), cases[i].quarter);
        g_free(canonical);
    }
}
END_TEST

/* jd_period_format writes the usual periods itself: the same text as "%04dQ%d" and
 * "%04d-%02d", in and out of the years and months it writes itself. */
START_TEST(period_text_as_printf_writes_it)
{
    static const int years[] = {-1, 0, 7, 99, 999, 1900, 2023, 9999, 10000, 123456};
    for (size_t y = 0; y < G_N_ELEMENTS(years); y++)
        for (int month = 0; month <= 13; month++)
            for (int quarter = 0; quarter <= 10; quarter++) {
                jd_period p = {years[y], quarter, month};
                char *text = jd_period_format(&p);
                char *expected = month ? g_strdup_printf("%04d-%02d", years[y], month)
                                       : g_strdup_printf("%04dQ%d", years[y], quarter);
                ck_assert_str_eq(text, expected);
                g_free(text);
                g_free(expected);
            }
}
END_TEST

START_TEST(periods_rejected)
{
    static const char *const bad[] = {"",           "2023",    "2023Q5",         "2023Q0",
                                      "2023-13",    "2023-00", "23Q2",           "20233Q2",
                                      "Q2 2023",    "2023Q2x", "2023年第五季度", "2023年第5月",
                                      "2023年13月", "1899Q1",  "2023-5-1",       "第二季度"};
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        jd_period period;
        ck_assert_msg(!jd_period_parse(bad[i], &period), "'%s' was accepted", bad[i]);
        ck_assert_int_eq(jd_period_quarter(bad[i]), 0);
    }
}
END_TEST

START_TEST(period_names_and_order)
{
    jd_period q2 = jtp_period("2023Q2"), may = jtp_period("2023-05");
    char *name = jd_period_name(&q2);
    ck_assert_str_eq(name, "2023年第二季度");
    g_free(name);
    name = jd_period_name(&may);
    ck_assert_str_eq(name, "2023年5月");
    g_free(name);
    /* chronological by the last month; the month that ends a quarter before the quarter */
    static const char *const ordered[] = {"2022Q4",  "2023-01", "2023-03", "2023Q1",
                                          "2023-05", "2023-06", "2023Q2",  "2023-07"};
    for (size_t i = 0; i < G_N_ELEMENTS(ordered); i++) {
        for (size_t k = 0; k < G_N_ELEMENTS(ordered); k++) {
            jd_period a = jtp_period(ordered[i]), b = jtp_period(ordered[k]);
            int expected = i < k ? -1 : i > k ? 1 : 0;
            ck_assert_msg(jd_period_compare(&a, &b) == expected, "%s vs %s", ordered[i],
                          ordered[k]);
        }
    }
}
END_TEST

START_TEST(dates_accepted_and_rejected)
{
    static const char *const good[] = {"2023-06-25",    "2023/6/25",           "2023.6.25",
                                       "2023年6月25日", "2023-06-25 00:00:00", "2023/6/25 0:00",
                                       " 2023-6-25 ",   "２０２３年６月２５日"};
    for (size_t i = 0; i < G_N_ELEMENTS(good); i++) {
        char *iso = NULL;
        ck_assert_msg(jd_date_parse(good[i], &iso), "'%s' was rejected", good[i]);
        ck_assert_str_eq(iso, "2023-06-25");
        g_free(iso);
    }
    static const char *const bad[] = {
        "2023-02-30", "2023/6", "6/25/2023",   "2023-06/25", "2023-06-25 25:00", "2023-06-25 noon",
        "tomorrow",   "",       "2023年6月25", "23-06-25",   "2023-006-25"};
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        char *iso = NULL;
        ck_assert_msg(!jd_date_parse(bad[i], &iso), "'%s' was accepted", bad[i]);
        ck_assert_ptr_null(iso);
    }
    char *leap = NULL;
    ck_assert(jd_date_parse("2024/2/29", &leap));
    ck_assert_str_eq(leap, "2024-02-29");
    g_free(leap);
}
END_TEST

START_TEST(states_and_their_variants)
{
    const char *const *defaults = jd_progress_default_states();
    ck_assert_str_eq(defaults[0], "已完成");
    ck_assert_str_eq(defaults[1], "序时推进");
    ck_assert_str_eq(defaults[2], "滞后");
    ck_assert_str_eq(defaults[3], "未启动");
    ck_assert_ptr_null(defaults[4]);
    static const char *const variants[][2] = {
        {"已完成", "已完成"},        {"完成", "已完成"},         {"序时推进", "序时推进"},
        {"正常推进", "序时推进"},    {"按序时推进", "序时推进"}, {"序时", "序时推进"},
        {" 序时 推进 ", "序时推进"}, {"滞后", "滞后"},           {"滞后序时", "滞后"},
        {"滞后于序时", "滞后"},      {"未开始", "未启动"},       {"未启动", "未启动"}};
    for (size_t i = 0; i < G_N_ELEMENTS(variants); i++)
        ck_assert_str_eq(jd_progress_state(variants[i][0], NULL), variants[i][1]);
    ck_assert_ptr_null(jd_progress_state("进行中", NULL));
    ck_assert_ptr_null(jd_progress_state("", NULL));

    /* an office that calls it 正常推进: the variants follow */
    static const char *const own[] = {"已完成", "正常推进", "滞后", "未启动", "暂缓", NULL};
    ck_assert_str_eq(jd_progress_state("序时推进", own), "正常推进");
    ck_assert_str_eq(jd_progress_state("序时", own), "正常推进");
    ck_assert_str_eq(jd_progress_state("暂缓", own), "暂缓");
    ck_assert_ptr_null(jd_progress_state("暂缓", NULL));
    char *text = jd_progress_states_text(own);
    ck_assert_str_eq(text, "已完成, 正常推进, 滞后, 未启动 or 暂缓");
    g_free(text);
}
END_TEST

/* ---- delimited progress files ---------------------------------------------------------- */

START_TEST(reads_a_progress_export)
{
    /* a title line; header words with spaces and synonyms (填报期间, 状态, 进展情况, 问题,
     * 下一步工作, 联系人, 日期) and an unknown column; a continuation row naming two units;
     * state variants; dates written four ways; HTML; a quoted cell with quotes and a line
     * break; a blank row and a row left empty by a unit that did not report */
    jd_import_info info;
    char *messages;
    jd_value *progress = jtp_import("basic.csv", NULL, &info, &messages);
    ck_assert_str_eq(messages, "basic.csv:2:45: warning: column '备注' is not a progress column; "
                               "its cells are ignored");
    ck_assert_int_eq(info.kind, JD_DATA_PROGRESS);
    ck_assert_int_eq(info.format, JD_FORMAT_CSV);
    ck_assert_int_eq(info.encoding, JD_ENCODING_UTF8_BOM);
    ck_assert_uint_eq(info.warnings, 1);
    ck_assert_uint_eq(info.files, 1);
    jd_value *canonical = jd_progress_canonical(progress);
    char *json = jti_json(canonical);
    ck_assert_str_eq(
        json,
        "{\"title\":\"某区2023年重点工作任务清单 2023年第二季度推进情况\",\"reports\":["
        "{\"task\":1,\"unit\":\"商务局\",\"period\":\"2023Q2\",\"state\":\"序时推进\","
        "\"done\":\"甲完成了一半\",\"problems\":\"\",\"next\":\"继续推进\",\"reporter\":\"王磊\","
        "\"date\":\"2023-06-25\"},"
        "{\"task\":1,\"unit\":\"财政局\",\"period\":\"2023Q2\",\"state\":\"序时推进\","
        "\"done\":\"财政：已拨付\\n第二笔\",\"problems\":\"\",\"next\":\"\",\"reporter\":\"李静\","
        "\"date\":\"2023-06-24\"},"
        "{\"task\":1,\"unit\":\"税务局\",\"period\":\"2023Q2\",\"state\":\"序时推进\","
        "\"done\":\"财政：已拨付\\n第二笔\",\"problems\":\"\",\"next\":\"\",\"reporter\":\"李静\","
        "\"date\":\"2023-06-24\"},"
        "{\"task\":2,\"unit\":\"各街镇\",\"period\":\"2023-05\",\"state\":\"已完成\","
        "\"done\":\"五月完成\",\"problems\":\"\",\"next\":\"\",\"reporter\":\"\","
        "\"date\":\"2023-05-31\"},"
        "{\"task\":3,\"unit\":\"文旅局\",\"period\":\"2023Q2\",\"state\":\"未启动\","
        "\"done\":\"\",\"problems\":\"尚未启动，原因：\\\"资金\\\"\\n待拨付\",\"next\":"
        "\"尽快启动\","
        "\"reporter\":\"\",\"date\":\"2023-06-20\"}]}");
    g_free(json);

    /* each report knows its file and the 目标任务 beside it, and its cells' positions */
    const jd_value *reports = jd_object_get(progress, "reports");
    const jd_value *first = jd_array_get(reports, 0), *second = jd_array_get(reports, 1);
    json = jti_json(jd_object_get(first, "source"));
    ck_assert_str_eq(json, "{\"file\":\"basic.csv\",\"title\":\"任务甲\"}");
    g_free(json);
    json = jti_json(jd_object_get(second, "source"));
    ck_assert_str_eq(json, "{\"file\":\"basic.csv\"}");
    g_free(json);
    const jd_value *state = jd_object_get(first, "state");
    ck_assert_int_eq(jd_value_line(state), 3);
    ck_assert_int_eq(jd_value_col(state), 21);
    const jd_value *unit = jd_object_get(jd_array_get(reports, 2), "unit");
    ck_assert_int_eq(jd_value_line(unit), 4);
    ck_assert_int_eq(jd_value_col(unit), 3);
    ck_assert_int_eq(jd_value_line(jd_object_get(jd_array_get(reports, 4), "problems")), 8);
    jd_value_unref(canonical);
    jd_value_unref(progress);
    g_free(messages);
}
END_TEST

START_TEST(every_bad_row_is_reported)
{
    char *messages;
    jd_value *progress = jtp_import("bad.csv", NULL, NULL, &messages);
    ck_assert_ptr_null(progress);
    ck_assert_str_eq(
        messages,
        "bad.csv:2:1: error: row has no 序号 and no task above it\n"
        "bad.csv:3:1: error: 序号 '一' is not a task number\n"
        "bad.csv:5:7: error: row has no 责任单位\n"
        "bad.csv:6:11: error: 报告期 '2023Q5' is not a period (write 2023Q2 or 2023年第二季度, or "
        "a month: 2023-05 or 2023年5月)\n"
        "bad.csv:6:18: error: 进展状态 '进行中' is not a state: use 已完成, 序时推进, 滞后 or "
        "未启动\n"
        "bad.csv:6:27: error: 填报日期 '2023/2/30' is not a date (write 2023-06-25, 2023/6/25 or "
        "2023年6月25日)\n"
        "bad.csv:7:18: error: 进展状态 is empty: use 已完成, 序时推进, 滞后 or 未启动\n"
        "bad.csv:8:2: error: row has a 目标任务 but no 序号\n"
        "bad.csv:10:7: error: duplicate report: task 2, 商务局, 2023Q2 is already reported at "
        "line 9");
    g_free(messages);
}
END_TEST

START_TEST(period_column_or_default_period)
{
    char *messages;
    jd_value *progress = jtp_import("no-period.tsv", NULL, NULL, &messages);
    ck_assert_ptr_null(progress);
    ck_assert_str_eq(messages, "no-period.tsv:1:1: error: the header has no column for 报告期 "
                               "(without a 报告期 column, give the period: --period 2023Q2)");
    g_free(messages);

    jd_import_options options = {JD_FORMAT_AUTO, "2023年第二季度", NULL, NULL, NULL};
    progress = jtp_import("no-period.tsv", &options, NULL, &messages);
    ck_assert_str_eq(messages, "");
    const jd_value *report = jd_array_get(jd_object_get(progress, "reports"), 0);
    ck_assert_str_eq(jd_object_get_string(report, "period"), "2023Q2");
    ck_assert_str_eq(jd_object_get_string(report, "state"), "滞后");
    jd_value_unref(progress);
    g_free(messages);

    /* an empty 报告期 cell takes the default too; without one it is an error */
    const char *csv = "序号,责任单位,报告期,进展状态\n1,商务局,,完成\n";
    progress = jtp_import_text(csv, "p.csv", &options, &messages);
    ck_assert_str_eq(messages, "");
    ck_assert_str_eq(
        jd_object_get_string(jd_array_get(jd_object_get(progress, "reports"), 0), "period"),
        "2023Q2");
    jd_value_unref(progress);
    g_free(messages);
    progress = jtp_import_text(csv, "p.csv", NULL, &messages);
    ck_assert_ptr_null(progress);
    ck_assert_str_eq(messages, "p.csv:2:7: error: 报告期 is empty");
    g_free(messages);

    options.period = "2023Q9";
    progress = jtp_import_text(csv, "p.csv", &options, &messages);
    ck_assert_ptr_null(progress);
    ck_assert_str_eq(messages, "p.csv: error: the default period '2023Q9' is not a period\n"
                               "p.csv:2:7: error: 报告期 is empty");
    g_free(messages);
}
END_TEST

START_TEST(configured_states)
{
    static const char *const own[] = {"已完成", "正常推进", "滞后", "未启动", "暂缓", NULL};
    jd_import_options options = {JD_FORMAT_AUTO, NULL, own, NULL, NULL};
    const char *csv = "序号,责任单位,报告期,进展状态\n1,商务局,2023Q2,暂缓\n2,商务局,2023Q2,序时\n";
    char *messages;
    jd_value *progress = jtp_import_text(csv, "p.csv", &options, &messages);
    ck_assert_str_eq(messages, "");
    const jd_value *reports = jd_object_get(progress, "reports");
    ck_assert_str_eq(jd_object_get_string(jd_array_get(reports, 0), "state"), "暂缓");
    ck_assert_str_eq(jd_object_get_string(jd_array_get(reports, 1), "state"), "正常推进");
    jd_value_unref(progress);
    g_free(messages);
    progress = jtp_import_text(csv, "p.csv", NULL, &messages);
    ck_assert_ptr_null(progress);
    ck_assert_str_eq(
        messages, "p.csv:2:14: error: 进展状态 '暂缓' is not a state: use 已完成, 序时推进, 滞后 "
                  "or 未启动");
    g_free(messages);
}
END_TEST

/* A unit typed an ASCII comma in 完成情况 and left 填报人/填报日期 empty: the row has one
 * field more than the header, and its last cells are empty, so nothing but the count shows
 * that 存在问题 now holds half of 完成情况 and 填报人 holds 下步措施. */
START_TEST(rows_wider_or_narrower_than_the_header_are_refused)
{
    const char *header = "序号,目标任务,责任单位,报告期,本期计划,进展状态,完成情况,存在问题,下步措施,填报人,填报日期\n";
    char *csv = g_strconcat(header,
                            "1,任务甲,商务局,2023Q2,甲二,序时推进,完成招商,3个小区已进场施工,,加快推进施工进度,,\n"
                            "2,任务乙,商务局,2023Q2,乙二,已完成,全部完成\n"
                            "3,任务丙,商务局,2023Q2,丙二,已完成,完成,无,继续,王磊,2023-06-30\n",
                            NULL);
    char *messages;
    jd_value *progress = jtp_import_text(csv, "form.csv", NULL, &messages);
    ck_assert_ptr_null(progress);
    ck_assert_str_eq(messages,
                     "form.csv:2:42: error: row has 12 fields but the header has 11: a comma inside a "
                     "cell moved the cells after it into the wrong columns (field 10, '加快推进施工进度', "
                     "would be read as 填报人); put that cell in double quotes or write '，'\n"
                     "form.csv:3:25: error: row has 7 fields but the header has 11: with a field "
                     "missing, its cells cannot be placed in their columns (the last one is '全部完成')");
    g_free(messages);
    g_free(csv);
    /* the same cells quoted are read as they were meant */
    csv = g_strconcat(header, "1,任务甲,商务局,2023Q2,甲二,序时推进,\"完成招商,3个小区已进场施工\",,加快推进施工进度,,\n", NULL);
    progress = jtp_import_text(csv, "form.csv", NULL, &messages);
    ck_assert_str_eq(messages, "");
    const jd_value *report = jd_array_get(jd_object_get(progress, "reports"), 0);
    ck_assert_str_eq(jd_object_get_string(report, "done"), "完成招商,3个小区已进场施工");
    ck_assert_str_eq(jd_object_get_string(report, "problems"), "");
    ck_assert_str_eq(jd_object_get_string(report, "next"), "加快推进施工进度");
    ck_assert_str_eq(jd_object_get_string(report, "reporter"), "");
    jd_value_unref(progress);
    g_free(messages);
    g_free(csv);
    /* a padded export: the header row has the same empty fields at its end */
    csv = "序号,责任单位,报告期,进展状态,,\n1,商务局,2023Q2,已完成,,\n2,商务局,2023Q2,滞后\n";
    progress = jtp_import_text(csv, "padded.csv", NULL, &messages);
    ck_assert_str_eq(messages, "");
    ck_assert_uint_eq(jd_array_length(jd_object_get(progress, "reports")), 2);
    jd_value_unref(progress);
    g_free(messages);
}
END_TEST

START_TEST(blank_rows_are_units_that_did_not_report)
{
    /* a returned form nobody filled in: every row blank but for the pre-filled columns, and
     * a 填报人 written in advance */
    const char *csv = "某表\n序号,目标任务,责任单位,报告期,本期计划,进展状态,完成情况,存在问题,"
                      "下步措施,填报人,填报日期\n"
                      "1,任务甲,商务局,2023Q2,甲二,,,,,王磊,\n"
                      "x,任务乙,商务局,2023Q9,乙二,,,,,,bad\n";
    char *messages;
    jd_value *progress = jtp_import_text(csv, "blank.csv", NULL, &messages);
    ck_assert_str_eq(messages, "");
    char *json = jti_json(progress);
    ck_assert_str_eq(json, "{\"title\":\"某表\",\"reports\":[]}");
    g_free(json);
    jd_value_unref(progress);
    g_free(messages);

    /* but a report below such a row, continuing its task, is not dropped silently */
    progress =
        jtp_import_text("序号,责任单位,报告期,进展状态\nx,商务局,2023Q2,\n,财政局,2023Q2,完成\n",
                        "p.csv", NULL, &messages);
    ck_assert_ptr_null(progress);
    ck_assert_str_eq(messages, "p.csv:3:1: error: row has no 序号 and the task row above it "
                               "(line 2) has no valid one");
    g_free(messages);
}
END_TEST

START_TEST(header_repeated_and_missing_columns)
{
    /* a header repeated after a page break is read again; a header without 序号 and 进展状态
     * is not a progress header at all, so the file is read as a task list */
    const char *csv = "序号,责任单位,报告期,进展状态\n1,商务局,2023Q2,完成\n"
                      "序号,报告期,责任单位,进展状态,完成情况\n2,2023Q2,财政局,滞后,慢\n";
    char *messages;
    jd_value *progress = jtp_import_text(csv, "p.csv", NULL, &messages);
    ck_assert_str_eq(messages, "");
    const jd_value *reports = jd_object_get(progress, "reports");
    ck_assert_uint_eq(jd_array_length(reports), 2);
    ck_assert_str_eq(jd_object_get_string(jd_array_get(reports, 1), "unit"), "财政局");
    ck_assert_str_eq(jd_object_get_string(jd_array_get(reports, 1), "done"), "慢");
    jd_value_unref(progress);
    g_free(messages);

    progress = jtp_import_text("序号,责任单位,完成情况\n1,商务局,好\n", "p.csv", NULL, &messages);
    ck_assert_ptr_null(progress);
    ck_assert_str_eq(messages, "p.csv:1:1: error: the header has no column for 进展状态, 报告期 "
                               "(without a 报告期 column, give the period: --period 2023Q2)");
    g_free(messages);

    /* a misspelt column is named with the column it resembles (it was only warned about,
     * beside "the header has no column for 进展状态"), and so is a misspelt optional one:
     * its cells would be dropped */
    progress = jtp_import_text("序号,责任单位,报告斯,进展壮态,完成请况,备注\n1,商务局,2023Q2,滞后,慢,\n", "p.csv", NULL,
                               &messages);
    ck_assert_ptr_null(progress);
    ck_assert_str_eq(messages,
                     "p.csv:1:9: error: column '报告斯' is not a progress column: did you mean '报告期'? (the header "
                     "has no '报告期' column: its cells would be dropped)\n"
                     "p.csv:1:13: error: column '进展壮态' is not a progress column: did you mean '进展状态'? (the "
                     "header has no '进展状态' column: its cells would be dropped)\n"
                     "p.csv:1:18: error: column '完成请况' is not a progress column: did you mean '完成情况'? (the "
                     "header has no '完成情况' column: its cells would be dropped)\n"
                     "p.csv:1:23: warning: column '备注' is not a progress column; its cells are ignored");
    g_free(messages);
}
END_TEST

/* ---- JSON ----------------------------------------------------------------------------------- */

START_TEST(json_progress_is_normalised)
{
    jd_import_info info;
    char *messages;
    jd_value *progress = jtp_import("reports.json", NULL, &info, &messages);
    ck_assert_str_eq(messages,
                     "reports.json:5:96: warning: progress.reports[1]: unknown member \"extra\" "
                     "is ignored");
    ck_assert_int_eq(info.kind, JD_DATA_PROGRESS);
    ck_assert_str_eq(jd_data_kind_binding(info.kind), "progress");
    jd_value *canonical = jd_progress_canonical(progress);
    char *json = jti_json(canonical);
    ck_assert_str_eq(json,
                     "{\"title\":\"某区进展\",\"reports\":["
                     "{\"task\":1,\"unit\":\"商务局\",\"period\":\"2023Q2\",\"state\":\"序时推进\","
                     "\"done\":\"甲\",\"problems\":\"\",\"next\":\"\",\"reporter\":\"\","
                     "\"date\":\"2023-06-25\"},"
                     "{\"task\":2,\"unit\":\"各街镇\",\"period\":\"2023Q1\",\"state\":\"滞后\","
                     "\"done\":\"\",\"problems\":\"慢\",\"next\":\"\",\"reporter\":\"\","
                     "\"date\":\"\"}]}");
    g_free(json);
    ck_assert_str_eq(jd_progress_report_file(jd_array_get(jd_object_get(progress, "reports"), 0)),
                     "reports.json");

    g_free(messages);

    /* the canonical JSON reads back to the same tree */
    char *text = jd_value_to_json(canonical, true);
    jd_value *again = jtp_import_text(text, "again.json", NULL, &messages);
    ck_assert_str_eq(messages, "");
    jd_value *again_canonical = jd_progress_canonical(again);
    ck_assert(jd_value_equal(again_canonical, canonical));
    jd_value_unref(again_canonical);
    jd_value_unref(again);
    g_free(text);
    jd_value_unref(canonical);
    jd_value_unref(progress);
    g_free(messages);
}
END_TEST

START_TEST(json_every_violation_with_position)
{
    char *messages;
    jd_value *progress = jtp_import("invalid.json", NULL, NULL, &messages);
    ck_assert_ptr_null(progress);
    ck_assert_str_eq(
        messages,
        "invalid.json:2:12: error: progress.title must be a string, not int\n"
        "invalid.json:4:14: error: progress.reports[0].task must be a task number (1 or more)\n"
        "invalid.json:4:25: error: progress.reports[0].unit is empty\n"
        "invalid.json:4:39: error: progress.reports[0].period '2023Q9' is not a period (write "
        "2023Q2 or 2023-05)\n"
        "invalid.json:4:58: error: progress.reports[0].state 'x' is not a state: use 已完成, "
        "序时推进, 滞后 or 未启动\n"
        "invalid.json:4:71: error: progress.reports[0].date 'tomorrow' is not a date (write "
        "2023-06-25)\n"
        "invalid.json:5:5: error: progress.reports[1]: missing \"task\" (a whole number)\n"
        "invalid.json:5:5: error: progress.reports[1]: missing \"period\" (a string)\n"
        "invalid.json:5:5: error: progress.reports[1]: missing \"state\" (a string)\n"
        "invalid.json:5:14: error: progress.reports[1].unit must be a string, not int\n"
        "invalid.json:5:25: error: progress.reports[1].done must be a string, not list\n"
        "invalid.json:6:5: error: progress.reports[2] must be an object, not int\n"
        "invalid.json:8:25: error: duplicate report: task 1, 商务局, 2023Q2 is already reported "
        "at line 7");
    g_free(messages);
}
END_TEST

START_TEST(kind_detection)
{
    char *messages;
    jd_import_info info;
    jd_value *list = jtp_import("list.tsv", NULL, &info, &messages);
    ck_assert_int_eq(info.kind, JD_DATA_TASK_LIST);
    ck_assert_str_eq(jd_data_kind_binding(info.kind), "list");
    jd_value_unref(list);
    g_free(messages);
    /* an object with "tasks" is a task list even if it also has "reports" */
    list = jtp_import_text("{\"title\": \"\", \"tasks\": [], \"reports\": []}", "x.json", NULL,
                           &messages);
    ck_assert_str_eq(messages, "x.json:1:39: warning: list: unknown member \"reports\" is ignored");
    jd_value_unref(list);
    g_free(messages);
    ck_assert_ptr_null(jd_data_kind_binding(JD_DATA_UNKNOWN));
}
END_TEST

/* ---- folders --------------------------------------------------------------------------------- */

START_TEST(a_folder_is_read_as_one)
{
    char *dir = jt_tmpdir();
    char *a = g_build_filename(dir, "a.csv", NULL), *b = g_build_filename(dir, "b.tsv", NULL);
    char *hidden = g_build_filename(dir, ".a.csv.X1Y2Z3", NULL);
    char *notes = g_build_filename(dir, "notes.md", NULL);
    char *sub = g_build_filename(dir, "old.csv", NULL);
    jt_write(b, "某表\n序号\t责任单位\t报告期\t进展状态\n2\t财政局\t2023Q2\t滞后\n");
    jt_write(a, "某表\n序号,责任单位,报告期,进展状态\n1,商务局,2023Q2,完成\n");
    jt_write(hidden, "not read");
    jt_write(notes, "not read");
    ck_assert_int_eq(g_mkdir(sub, 0755), 0); /* a folder named like a file is skipped */
    jd_diags *diags = jd_diags_new();
    jd_import_info info;
    jd_value *progress = jd_import_file(dir, JD_FORMAT_AUTO, &info, diags);
    char *messages = jti_diags_text(diags);
    ck_assert_str_eq(messages, "");
    ck_assert_int_eq(info.kind, JD_DATA_PROGRESS);
    ck_assert_uint_eq(info.files, 2);
    jd_value *canonical = jd_progress_canonical(progress);
    char *json = jti_json(canonical);
    ck_assert_str_eq(json, "{\"title\":\"某表\",\"reports\":["
                           "{\"task\":1,\"unit\":\"商务局\",\"period\":\"2023Q2\",\"state\":"
                           "\"已完成\",\"done\":\"\",\"problems\":\"\",\"next\":\"\",\"reporter\":"
                           "\"\",\"date\":\"\"},"
                           "{\"task\":2,\"unit\":\"财政局\",\"period\":\"2023Q2\",\"state\":"
                           "\"滞后\",\"done\":\"\",\"problems\":\"\",\"next\":\"\",\"reporter\":"
                           "\"\",\"date\":\"\"}]}");
    const jd_value *reports = jd_object_get(progress, "reports");
    ck_assert_str_eq(jd_progress_report_file(jd_array_get(reports, 0)), a);
    ck_assert_str_eq(jd_progress_report_file(jd_array_get(reports, 1)), b);
    g_free(json);
    jd_value_unref(canonical);
    jd_value_unref(progress);
    g_free(messages);
    jd_diags_free(diags);

    /* a report repeated in another file is named with that file; a task list in the folder
     * is an error; titles that differ give no title */
    jt_write(b, "另一表\n序号\t责任单位\t报告期\t进展状态\n1\t商务局\t2023年第二季度\t滞后\n");
    diags = jd_diags_new();
    progress = jd_import_file(dir, JD_FORMAT_AUTO, &info, diags);
    ck_assert_ptr_null(progress);
    messages = jti_diags_text(diags);
    char *expected = g_strdup_printf(
        "%s:3:3: error: duplicate report: task 1, 商务局, 2023Q2 is already reported at %s:3", b,
        a);
    ck_assert_str_eq(messages, expected);
    g_free(expected);
    g_free(messages);
    jd_diags_free(diags);

    char *list = jt_fixture("progress/list.tsv");
    char *list_copy = g_build_filename(dir, "c.txt", NULL);
    char *list_text = jt_read(list);
    jt_write(list_copy, list_text);
    jt_write(b, "另一表\n序号\t责任单位\t报告期\t进展状态\n2\t商务局\t2023年第二季度\t滞后\n");
    diags = jd_diags_new();
    progress = jd_import_file(dir, JD_FORMAT_AUTO, &info, diags);
    ck_assert_ptr_null(progress);
    messages = jti_diags_text(diags);
    expected = g_strdup_printf(
        "%s: error: a task list, not progress data (the folder is read as progress data)",
        list_copy);
    ck_assert_str_eq(messages, expected);
    g_free(expected);
    g_free(messages);
    jd_diags_free(diags);
    g_unlink(list_copy);
    progress = jd_import_file(dir, JD_FORMAT_AUTO, &info, NULL);
    ck_assert_str_eq(jd_object_get_string(progress, "title"), "");
    jd_value_unref(progress);

    g_free(list_text);
    g_free(list_copy);
    g_free(list);
    jt_rmrf(dir);
    g_free(sub);
    g_free(notes);
    g_free(hidden);
    g_free(b);
    g_free(a);
    g_free(dir);
}
END_TEST

START_TEST(a_folder_of_quarter_folders_is_read)
{
    /* progress/2023Q1/商务局.csv, progress/2023Q2/商务局.csv: the returned forms filed by quarter */
    char *dir = jt_tmpdir();
    char *q1 = g_build_filename(dir, "2023Q1", NULL), *q2 = g_build_filename(dir, "2023Q2", NULL);
    char *deep = g_build_filename(q2, "old", NULL);
    ck_assert_int_eq(g_mkdir(q1, 0755), 0);
    ck_assert_int_eq(g_mkdir(q2, 0755), 0);
    ck_assert_int_eq(g_mkdir(deep, 0755), 0);
    char *a = g_build_filename(q1, "商务局.csv", NULL), *b = g_build_filename(q2, "商务局.csv", NULL);
    char *c = g_build_filename(deep, "商务局.csv", NULL);
    /* a unit's form sent back as a document is named; notes are not */
    char *doc = g_build_filename(q2, "文旅局.docx", NULL), *notes = g_build_filename(dir, "说明.md", NULL);
    jt_write(doc, "PK");
    jt_write(notes, "forms returned by the units");
    jt_write(a, "序号,责任单位,报告期,进展状态\n1,商务局,2023Q1,滞后\n");
    jt_write(b, "序号,责任单位,报告期,进展状态\n1,商务局,2023Q2,完成\n");
    jt_write(c, "序号,责任单位,报告期,进展状态\n1,商务局,2023Q2,滞后\n");
    jd_diags *diags = jd_diags_new();
    jd_import_info info;
    jd_value *progress = jd_import_file(dir, JD_FORMAT_AUTO, &info, diags);
    char *messages = jti_diags_text(diags);
    char *expected = g_strdup_printf("%s: warning: sub-folder skipped: a progress folder is read with the folders "
                                     "directly in it\n"
                                     "%s: warning: skipped: a Word document, not a form jindu reads; if it is a "
                                     "unit's report, ask for it as .xlsx or .csv (until then its reports show as "
                                     "未报送)", deep, doc);
    ck_assert_str_eq(messages, expected);
    ck_assert_uint_eq(info.files, 2);
    const jd_value *reports = jd_object_get(progress, "reports");
    ck_assert_uint_eq(jd_array_length(reports), 2);
    ck_assert_str_eq(jd_object_get_string(jd_array_get(reports, 0), "period"), "2023Q1");
    ck_assert_str_eq(jd_object_get_string(jd_array_get(reports, 1), "period"), "2023Q2");
    ck_assert_str_eq(jd_progress_report_file(jd_array_get(reports, 1)), b);
    jd_value_unref(progress);
    g_free(expected), g_free(messages);
    jd_diags_free(diags);
    g_free(a), g_free(b), g_free(c), g_free(deep), g_free(q1), g_free(q2), g_free(doc), g_free(notes);
    jt_rmrf(dir);
    g_free(dir);
}
END_TEST

/* Read leniently (a project build), a report with an error is left out and described with
 * what it was about, and the rest is kept: rows of a CSV form, reports of a JSON file, a
 * duplicate (both), a file of the folder that cannot be read at all. The errors are still
 * errors, and read strictly the same folder fails. */
START_TEST(lenient_reading_leaves_out_only_bad_reports)
{
    char *dir = jt_tmpdir();
    char *a = g_build_filename(dir, "a.csv", NULL), *b = g_build_filename(dir, "b.json", NULL);
    char *c = g_build_filename(dir, "c.csv", NULL);
    jt_write(a, "序号,目标任务,责任单位,报告期,进展状态,完成情况\n"
                "1,任务甲,商务局,2023Q2,滞后,有进展,另一句\n"
                "2,任务乙,文旅局,2023Q2,已完成,完成\n"
                "3,任务丙,教育局,2023Q2,进行中,x\n"
                "4,任务丁,住建委,2023Q2,序时推进,y\n");
    jt_write(b, "{\"title\": \"\", \"reports\": [\n"
                "{\"task\": 5, \"unit\": \"城管委\", \"period\": \"2023Q9\", \"state\": \"滞后\"},\n"
                "{\"task\": 4, \"unit\": \"住建委\", \"period\": \"2023Q2\", \"state\": \"滞后\"},\n"
                "{\"task\": 6, \"unit\": \"审计局\", \"period\": \"2023Q2\", \"state\": \"已完成\"}]}\n");
    jt_write(c, "没有表头\n");
    jd_value *rejects = jd_value_new_array();
    jd_import_options options = {JD_FORMAT_AUTO, NULL, NULL, NULL, rejects};
    jd_diags *diags = jd_diags_new();
    jd_import_info info;
    jd_value *progress = jd_import_file_with(dir, &options, &info, diags);
    ck_assert_ptr_nonnull(progress);
    ck_assert_int_eq(jd_diags_count_severity(diags, JD_ERROR), 5);
    /* kept: 文旅局's and 审计局's reports */
    const jd_value *reports = jd_object_get(progress, "reports");
    ck_assert_uint_eq(jd_array_length(reports), 2);
    ck_assert_str_eq(jd_object_get_string(jd_array_get(reports, 0), "unit"), "文旅局");
    ck_assert_str_eq(jd_object_get_string(jd_array_get(reports, 1), "unit"), "审计局");
    char *got = jd_value_to_json(rejects, false);
    char *want = g_strdup_printf(
        "[{\"file\":\"%s\",\"line\":2,\"col\":25,\"message\":\"row has 7 fields but the header has 6: a comma inside a "
        "cell moved the cells after it into the wrong columns (field 7, '另一句', has no column at all); put that cell "
        "in double quotes or write '，'\",\"task\":1,\"units\":[\"商务局\"],\"period\":\"2023Q2\"},"
        "{\"file\":\"%s\",\"line\":4,\"col\":18,\"message\":\"进展状态 '进行中' is not a state: use 已完成, 序时推进, 滞后 "
        "or 未启动\",\"task\":3,\"units\":[\"教育局\"],\"period\":\"2023Q2\"},"
        "{\"file\":\"%s\",\"line\":2,\"col\":38,\"message\":\"progress.reports[0].period '2023Q9' is not a period (write "
        "2023Q2 or 2023-05)\",\"task\":5,\"units\":[\"城管委\"]},"
        "{\"file\":\"%s\",\"line\":1,\"col\":1,\"message\":\"no header row: expected a row with 序号, 目标任务, 责任单位 … "
        "(the first row is '没有表头')\"},"
        "{\"file\":\"%s\",\"line\":3,\"col\":21,\"message\":\"duplicate report: task 4, 住建委, 2023Q2 is already "
        "reported at %s:5\",\"task\":4,\"units\":[\"住建委\"],\"period\":\"2023Q2\"}]",
        a, a, b, c, b, a);
    ck_assert_str_eq(got, want);
    g_free(got), g_free(want);
    jd_value_unref(progress);
    jd_diags_free(diags);
    /* strictly: nothing */
    options.rejects = NULL;
    ck_assert_ptr_null(jd_import_file_with(dir, &options, NULL, NULL));
    jd_value_unref(rejects);
    g_free(a), g_free(b), g_free(c);
    jt_rmrf(dir);
    g_free(dir);
}
END_TEST

START_TEST(an_empty_folder_is_an_error)
{
    char *dir = jt_tmpdir();
    jd_diags *diags = jd_diags_new();
    jd_import_info info;
    ck_assert_ptr_null(jd_import_file(dir, JD_FORMAT_AUTO, &info, diags));
    ck_assert_int_eq(info.kind, JD_DATA_UNKNOWN);
    char *messages = jti_diags_text(diags);
    char *expected =
        g_strdup_printf("%s: error: no .csv, .tsv, .txt, .json, .xlsx or .xls file in this folder", dir);
    ck_assert_str_eq(messages, expected);
    g_free(expected);
    g_free(messages);
    jd_diags_free(diags);
    jt_rmrf(dir);
    g_free(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("progress: reading");
    TCase *tc = tcase_create("values");
    tcase_add_test(tc, periods_in_every_accepted_form);
    tcase_add_test(tc, period_text_as_printf_writes_it);
    tcase_add_test(tc, periods_rejected);
    tcase_add_test(tc, period_names_and_order);
    tcase_add_test(tc, dates_accepted_and_rejected);
    tcase_add_test(tc, states_and_their_variants);
    suite_add_tcase(s, tc);
    tc = tcase_create("delimited");
    tcase_add_test(tc, reads_a_progress_export);
    tcase_add_test(tc, every_bad_row_is_reported);
    tcase_add_test(tc, period_column_or_default_period);
    tcase_add_test(tc, configured_states);
    tcase_add_test(tc, blank_rows_are_units_that_did_not_report);
    tcase_add_test(tc, rows_wider_or_narrower_than_the_header_are_refused);
    tcase_add_test(tc, header_repeated_and_missing_columns);
    suite_add_tcase(s, tc);
    tc = tcase_create("json and folders");
    tcase_add_test(tc, json_progress_is_normalised);
    tcase_add_test(tc, json_every_violation_with_position);
    tcase_add_test(tc, kind_detection);
    tcase_add_test(tc, a_folder_is_read_as_one);
    tcase_add_test(tc, a_folder_of_quarter_folders_is_read);
    tcase_add_test(tc, an_empty_folder_is_an_error);
    tcase_add_test(tc, lenient_reading_leaves_out_only_bad_reports);
    suite_add_tcase(s, tc);
    return jt_main(s);
}
