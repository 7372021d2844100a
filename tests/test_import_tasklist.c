/* The task-list rules on small hand-written fixtures, every kind of bad input, and the
 * JSON schema validation. */
#include <string.h>

#include "test_import_util.h"

/* Checks an imported tree's compact JSON and its messages exactly ("" for a tree expected
 * to be rejected: then only the messages count). Takes `list` and `messages` over. */
static void assert_result(jd_value *list, char *messages, const char *expected_json,
                          const char *expected_messages)
{
    ck_assert_str_eq(messages, expected_messages);
    if (*expected_json) {
        ck_assert_ptr_nonnull(list);
        char *json = jti_json(list);
        ck_assert_str_eq(json, expected_json);
        g_free(json);
    } else {
        ck_assert_ptr_null(list);
    }
    g_free(messages);
    jd_value_unref(list);
}

/* The result of importing a fixture. */
static void assert_fixture(const char *name, const char *expected_json,
                           const char *expected_messages)
{
    jd_diags *diags = jd_diags_new();
    jd_value *list = jti_import_fixture(name, JD_FORMAT_AUTO, NULL, diags);
    assert_result(list, jti_diags_text(diags), expected_json, expected_messages);
    jd_diags_free(diags);
}

/* The same for text written in the test. */
static void assert_tsv(const char *tsv, const char *expected_json, const char *expected_messages)
{
    char *messages;
    jd_value *list = jti_import_bytes(tsv, strlen(tsv), "in.tsv", JD_FORMAT_TSV, NULL, &messages);
    assert_result(list, messages, expected_json, expected_messages);
}

#define HEADER "序号\t目标任务\t责任单位\t第一季度\t第二季度\t第三季度\t第四季度\t责任区领导\n"

/* ---- rules ----------------------------------------------------------------------------- */

START_TEST(title_headers_continuations_and_page_break_merge)
{
    /* an attachment label and a title above the table; headers spelled three ways
     * ("责任 区领导", synonyms 重点任务/牵头单位/牵头领导/一季度, "责任区领导"); continuation
     * rows; task 2 split by a page break and merged; names split and joined */
    assert_fixture(
        "sections.tsv",
        "{\"title\":\"某区2023年重点工作任务清单\",\"tasks\":["
        "{\"id\":1,\"title\":\"任务甲\",\"leaders\":[\"梁军\",\"庞铁强\"],\"units\":["
        "{\"names\":[\"区政府办公室\",\"司法局\"],\"plan\":[{\"from\":1,\"to\":1,\"text\":\"甲一\"}"
        ","
        "{\"from\":2,\"to\":2,\"text\":\"甲二\"},{\"from\":3,\"to\":3,\"text\":\"甲三\"},"
        "{\"from\":4,\"to\":4,\"text\":\"甲四\"}]},"
        "{\"names\":[\"审计局\"],\"plan\":[{\"from\":1,\"to\":4,\"text\":\"审计全年\"}]}]},"
        "{\"id\":2,\"title\":\"任务乙\",\"leaders\":[\"鲍杰\",\"梁军\"],\"units\":["
        "{\"names\":[\"商务局\"],\"plan\":[{\"from\":1,\"to\":4,\"text\":\"乙一\"}]},"
        "{\"names\":[\"财政局\",\"税务局\"],\"plan\":[{\"from\":1,\"to\":1,\"text\":\"乙财一\"},"
        "{\"from\":2,\"to\":4,\"text\":\"乙财二\"}]},"
        "{\"names\":[\"发展改革委\",\"各街镇\",\"经开集团\"],\"plan\":[{\"from\":2,\"to\":4,"
        "\"text\":\"乙发二\"}]}]},"
        "{\"id\":3,\"title\":\"任务丙\",\"leaders\":[\"区委分管领导\"],\"units\":["
        "{\"names\":[\"教育局\"],\"plan\":[{\"from\":1,\"to\":1,\"text\":\"丙一\"},"
        "{\"from\":2,\"to\":2,\"text\":\"丙二\"},{\"from\":3,\"to\":3,\"text\":\"丙三\"},"
        "{\"from\":4,\"to\":4,\"text\":\"丙四\"}]}]}]}",
        "");
}
END_TEST

START_TEST(continuation_after_page_break_and_filled_merged_cells)
{
    /* a page break that does not repeat the task: the continuation row below the repeated
     * header still belongs to it; an export that fills merged cells repeats 序号 and
     * 目标任务 (or only 目标任务) on every row */
    assert_tsv(
        HEADER "1\t任务甲\t商务局\t甲一\t\t\t\t陈力予\n\n" HEADER "\t\t工信局\t甲工\t\t\t\n"
               "2\t任务乙\t财政局\t乙一\t\t\t\t梁军\n"
               "2\t任务乙\t税务局\t乙税\t\t\t\t梁军\n"
               "\t任务乙\t审计局\t乙审\t\t\t\t梁军\n",
        "{\"title\":\"\",\"tasks\":[{\"id\":1,\"title\":\"任务甲\",\"leaders\":[\"陈力予\"],"
        "\"units\":[{\"names\":[\"商务局\"],\"plan\":[{\"from\":1,\"to\":4,\"text\":\"甲一\"}]},"
        "{\"names\":[\"工信局\"],\"plan\":[{\"from\":1,\"to\":4,\"text\":\"甲工\"}]}]},"
        "{\"id\":2,\"title\":\"任务乙\",\"leaders\":[\"梁军\"],\"units\":["
        "{\"names\":[\"财政局\"],\"plan\":[{\"from\":1,\"to\":4,\"text\":\"乙一\"}]},"
        "{\"names\":[\"税务局\"],\"plan\":[{\"from\":1,\"to\":4,\"text\":\"乙税\"}]},"
        "{\"names\":[\"审计局\"],\"plan\":[{\"from\":1,\"to\":4,\"text\":\"乙审\"}]}]}]}",
        "");
}
END_TEST

START_TEST(merged_quarter_cells)
{
    /* first of four → 1–4; first two → 1–1, 2–4; a gap → the filled cell covers it;
     * leading empty quarters have no plan; a unit with no plan at all has none */
    assert_tsv(
        HEADER "1\t甲\t商务局\t全年\t\t\t\t陈力予\n"
               "\t\t工信局\t一\t二至四\t\t\t\n"
               "\t\t财政局\t一二\t\t三四\t\t\n"
               "\t\t税务局\t\t\t三\t四\t\n"
               "\t\t审计局\t\t\t\t\t\n",
        "{\"title\":\"\",\"tasks\":[{\"id\":1,\"title\":\"甲\",\"leaders\":[\"陈力予\"],"
        "\"units\":[{\"names\":[\"商务局\"],\"plan\":[{\"from\":1,\"to\":4,\"text\":\"全年\"}]},"
        "{\"names\":[\"工信局\"],\"plan\":[{\"from\":1,\"to\":1,\"text\":\"一\"},"
        "{\"from\":2,\"to\":4,\"text\":\"二至四\"}]},"
        "{\"names\":[\"财政局\"],\"plan\":[{\"from\":1,\"to\":2,\"text\":\"一二\"},"
        "{\"from\":3,\"to\":4,\"text\":\"三四\"}]},"
        "{\"names\":[\"税务局\"],\"plan\":[{\"from\":3,\"to\":3,\"text\":\"三\"},"
        "{\"from\":4,\"to\":4,\"text\":\"四\"}]},"
        "{\"names\":[\"审计局\"],\"plan\":[]}]}]}",
        "");
}
END_TEST

START_TEST(extra_empty_fields_are_dropped_with_warnings)
{
    /* trailing empty fields (the 9th column of some page sections), and the shifted rows
     * of the seed's lines 65 and 144 */
    assert_fixture(
        "extra-fields.tsv",
        "{\"title\":\"\",\"tasks\":["
        "{\"id\":1,\"title\":\"任务甲\",\"leaders\":[\"陈力予\"],\"units\":[{\"names\":[\"商务局\"]"
        ","
        "\"plan\":[{\"from\":1,\"to\":1,\"text\":\"甲一\"},{\"from\":2,\"to\":2,\"text\":\"甲二\"},"
        "{\"from\":3,\"to\":3,\"text\":\"甲三\"},{\"from\":4,\"to\":4,\"text\":\"甲四\"}]}]},"
        "{\"id\":2,\"title\":\"任务乙\",\"leaders\":[\"陈力予\"],\"units\":[{\"names\":[\"商务局\"]"
        ","
        "\"plan\":[{\"from\":1,\"to\":1,\"text\":\"乙一\"},{\"from\":2,\"to\":4,\"text\":\"乙二\"}]"
        "}]},"
        "{\"id\":3,\"title\":\"任务丙\",\"leaders\":[\"梁军\",\"庞铁强\"],\"units\":["
        "{\"names\":[\"政务服务办\"],\"plan\":[{\"from\":1,\"to\":3,\"text\":\"丙一\"},"
        "{\"from\":4,\"to\":4,\"text\":\"丙四\"}]},"
        "{\"names\":[\"住建委\"],\"plan\":[{\"from\":1,\"to\":4,\"text\":\"配合推进\"}]}]}]}",
        "extra-fields.tsv:3:27: warning: dropped 1 empty field after the last column (the header "
        "has 8 columns)\n"
        "extra-fields.tsv:4:19: warning: dropped empty field 8 inside the quarter cells: the row "
        "has 9 fields but the header has 8 (an export artifact after a merged cell)\n"
        "extra-fields.tsv:5:18: warning: dropped empty field 7 inside the quarter cells: the row "
        "has 9 fields but the header has 8 (an export artifact after a merged cell)\n"
        "extra-fields.tsv:6:16: warning: dropped 1 empty field after the last column (the header "
        "has 8 columns)");
}
END_TEST

START_TEST(html_and_paragraph_cells)
{
    assert_fixture(
        "html.tsv",
        "{\"title\":\"\",\"tasks\":[{\"id\":1,\"title\":\"加强工作\",\"leaders\":[\"柴树芳\"],"
        "\"units\":[{\"names\":[\"教育局\"],\"plan\":["
        "{\"from\":1,\"to\":1,\"text\":\"1. 第一段。\\n2. 第二段\"},"
        "{\"from\":2,\"to\":2,\"text\":\"1. 甲。\\n2. 乙\"},"
        "{\"from\":3,\"to\":3,\"text\":\"比例<5%，A&B。粗体\\n下一行\"},"
        "{\"from\":4,\"to\":4,\"text\":\"降至<5%以下\"}]},"
        "{\"names\":[\"工信局\",\"科技局\"],\"plan\":[{\"from\":1,\"to\":4,"
        "\"text\":\"建设完成。\\n进行结算。\\n1. 做好\\n2. 完成\"}]}]}]}",
        "");
}
END_TEST

START_TEST(csv_quoting_and_crlf)
{
    jd_diags *diags = jd_diags_new();
    jd_import_info info;
    jd_value *list = jti_import_fixture("quoted.csv", JD_FORMAT_AUTO, &info, diags);
    ck_assert_int_eq(info.format, JD_FORMAT_CSV);
    ck_assert_int_eq(info.encoding, JD_ENCODING_UTF8);
    ck_assert_int_eq(info.kind, JD_DATA_TASK_LIST);
    ck_assert_uint_eq(info.warnings, 0);
    char *json = jti_json(list);
    ck_assert_str_eq(json,
                     "{\"title\":\"某区清单\",\"tasks\":[{\"id\":1,\"title\":\"任务甲，含逗号\","
                     "\"leaders\":[\"陈力予\"],\"units\":[{\"names\":[\"商务局\"],\"plan\":["
                     "{\"from\":1,\"to\":1,\"text\":\"第一段\\n第二段\"},"
                     "{\"from\":2,\"to\":4,\"text\":\"他说\\\"好\\\"\"}]}]},"
                     "{\"id\":2,\"title\":\"任务乙\",\"leaders\":[\"庞铁强\"],\"units\":["
                     "{\"names\":[\"工信局\"],\"plan\":[{\"from\":1,\"to\":4,"
                     "\"text\":\"a \\\"quoted\\\" word\"}]}]}]}");
    /* values remember their place: task 2 starts on line 6, after a field spanning 4–5 */
    const jd_value *task2 = jti_task(list, 2);
    ck_assert_int_eq(jd_value_line(task2), 6);
    ck_assert_int_eq(jd_value_col(task2), 1);
    const jd_value *leader = jd_array_get(jd_object_get(task2, "leaders"), 0);
    ck_assert_int_eq(jd_value_line(leader), 6);
    ck_assert_int_eq(jd_value_col(leader), 30);
    g_free(json);
    jd_value_unref(list);
    jd_diags_free(diags);
}
END_TEST

START_TEST(ids_accept_full_width_digits_and_marks)
{
    jd_diags *diags = jd_diags_new();
    jd_value *list = jti_import_fixture("ids.tsv", JD_FORMAT_AUTO, NULL, diags);
    const jd_value *tasks = jd_object_get(list, "tasks");
    ck_assert_uint_eq(jd_array_length(tasks), 3);
    ck_assert_int_eq(jd_object_get_int(jd_array_get(tasks, 0), "id", 0), 12);
    ck_assert_int_eq(jd_object_get_int(jd_array_get(tasks, 1), "id", 0), 3);
    ck_assert_int_eq(jd_object_get_int(jd_array_get(tasks, 2), "id", 0), 4);
    ck_assert_uint_eq(jd_diags_count(diags), 0);
    jd_value_unref(list);
    jd_diags_free(diags);
}
END_TEST

START_TEST(unknown_columns_are_ignored_once)
{
    assert_tsv(
        "序号\t目标任务\t责任单位\t第一季度\t第二季度\t第三季度\t第四季度\t责任区领导\t备注\n"
        "1\t甲\t商务局\t全年\t\t\t\t陈力予\t已完成\n"
        "序号\t目标任务\t责任单位\t第一季度\t第二季度\t第三季度\t第四季度\t责任区领导\t备 注\n"
        "2\t乙\t工信局\t全年\t\t\t\t庞铁强\t\n",
        "{\"title\":\"\",\"tasks\":[{\"id\":1,\"title\":\"甲\",\"leaders\":[\"陈力予\"],"
        "\"units\":[{\"names\":[\"商务局\"],\"plan\":[{\"from\":1,\"to\":4,\"text\":\"全年\"}]}]},"
        "{\"id\":2,\"title\":\"乙\",\"leaders\":[\"庞铁强\"],\"units\":[{\"names\":[\"工信局\"],"
        "\"plan\":[{\"from\":1,\"to\":4,\"text\":\"全年\"}]}]}]}",
        "in.tsv:1:40: warning: column '备注' is not a task-list column; its cells are "
        "ignored");
}
END_TEST

START_TEST(leader_one_character_longer_warns)
{
    assert_tsv(
        HEADER "1\t甲\t商务局\t全年\t\t\t\t梁 军\n"
               "2\t乙\t商务局\t全年\t\t\t\t梁军 庞铁强\n"
               "3\t丙\t商务局\t全年\t\t\t\t梁军强 庞铁强\n"
               "4\t丁\t商务局\t全年\t\t\t\t庞铁\n",
        "{\"title\":\"\",\"tasks\":["
        "{\"id\":1,\"title\":\"甲\",\"leaders\":[\"梁军\"],\"units\":[{\"names\":[\"商务局\"],"
        "\"plan\":[{\"from\":1,\"to\":4,\"text\":\"全年\"}]}]},"
        "{\"id\":2,\"title\":\"乙\",\"leaders\":[\"梁军\",\"庞铁强\"],\"units\":[{\"names\":"
        "[\"商务局\"],\"plan\":[{\"from\":1,\"to\":4,\"text\":\"全年\"}]}]},"
        "{\"id\":3,\"title\":\"丙\",\"leaders\":[\"梁军强\",\"庞铁强\"],\"units\":[{\"names\":"
        "[\"商务局\"],\"plan\":[{\"from\":1,\"to\":4,\"text\":\"全年\"}]}]},"
        "{\"id\":4,\"title\":\"丁\",\"leaders\":[\"庞铁\"],\"units\":[{\"names\":[\"商务局\"],"
        "\"plan\":[{\"from\":1,\"to\":4,\"text\":\"全年\"}]}]}]}",
        "in.tsv:3:15: warning: leader '庞铁强' (2 tasks) looks like '庞铁' (1 task) with one "
        "extra character; check the source\n"
        "in.tsv:4:15: warning: leader '梁军强' (1 task) looks like '梁军' (2 tasks) with one "
        "extra character; check the source");
}
END_TEST

START_TEST(a_unit_written_twice_in_a_cell_is_kept_once)
{
    /* the canonical tree never repeats a name in a row, so its JSON reads back */
    assert_tsv(HEADER "1\t任务甲\t商务局 商务局 工信局\t完成\t\t\t\t梁军\n",
               "{\"title\":\"\",\"tasks\":[{\"id\":1,\"title\":\"任务甲\",\"leaders\":[\"梁军\"],"
               "\"units\":[{\"names\":[\"商务局\",\"工信局\"],\"plan\":[{\"from\":1,\"to\":4,"
               "\"text\":\"完成\"}]}]}]}",
               "in.tsv:2:7: warning: '商务局' is written twice in this cell; kept once");
}
END_TEST

/* ---- bad input ------------------------------------------------------------------------- */

START_TEST(every_bad_row_is_reported)
{
    /* a continuation row before any task; a non-numeric 序号 (its continuation row is
     * skipped quietly); an id used for two different tasks; a 目标任务 without 序号; a new
     * task without 目标任务; a row without 责任单位 */
    assert_fixture(
        "bad-rows.tsv", "",
        "bad-rows.tsv:3:3: error: continuation row (empty 序号 and 目标任务) before any task\n"
        "bad-rows.tsv:4:1: error: 序号 '一' is not a task number\n"
        "bad-rows.tsv:7:1: error: 序号 2 is already used by the task at line 6 ('任务乙'); "
        "this row's 目标任务 is different ('任务丁')\n"
        "bad-rows.tsv:8:2: error: row has a 目标任务 but no 序号\n"
        "bad-rows.tsv:9:3: error: task 3 has no 目标任务\n"
        "bad-rows.tsv:10:7: error: row has no 责任单位");
}
END_TEST

START_TEST(extra_non_empty_field_is_an_error)
{
    assert_fixture("extra-nonempty.tsv", "",
                   "extra-nonempty.tsv:2:27: error: row has 9 fields but the header has 8: extra "
                   "non-empty field 9 ('多余')\n"
                   "extra-nonempty.tsv:3:21: warning: dropped 2 empty fields after the last column "
                   "(the header has 8 columns)");
}
END_TEST

START_TEST(no_header_empty_and_missing_quarters)
{
    assert_fixture("no-header.tsv", "",
                   "no-header.tsv:1:1: error: no header row: expected a row with 序号, 目标任务, "
                   "责任单位 … (the first row is '某区清单')");
    assert_fixture("empty.tsv", "", "empty.tsv:1:1: error: empty file");
    assert_fixture("missing-quarter.tsv", "",
                   "missing-quarter.tsv:1:1: error: the header has no column for 第四季度 (the "
                   "quarters are named in the header or in the row below it: 第一季度 … 第四季度)");
    assert_tsv(HEADER "\n", "", "in.tsv:1:1: error: no task rows below the header");
    assert_tsv("", "", "in.tsv:1:1: error: empty file");
}
END_TEST

/* A typo in the header names the row and the word it could not place, and a column that
 * is missing because of it is an error, not a list without leaders. */
START_TEST(header_typos_name_the_word)
{
    const char *row = "1\t任务\t商务局\t甲\t乙\t丙\t丁\t张三\n";
    char *tsv = g_strconcat("附件1\n某区清单\n\n序号\t目标任务\t责任单住\t第一季度\t第二季度\t第三季度\t第四季度\t责任区领导\n",
                            row, NULL);
    assert_tsv(tsv, "",
               "in.tsv:4:9: error: this row looks like the header but has no 责任单位 column: it names no "
               "column with '责任单住' (did you mean '责任单位'?)");
    g_free(tsv);
    tsv = g_strconcat("序号\t目标任务\t责任单位\t第一季度\t第二季度\t第三季度\t第四季度\t责任区领到\n", row, NULL);
    assert_tsv(tsv, "",
               "in.tsv:1:34: error: column '责任区领到' is not a task-list column: did you mean '责任区领导'? "
               "(the header has no '责任区领导' column: its cells would be dropped)");
    g_free(tsv);
    /* one quarter misspelt in the second header row: that one is named, not all four */
    tsv = g_strconcat("序号\t目标任务\t责任单位\t进度安排\t\t\t\t责任区领导\n\t\t\t第一季度\t第二季度\t第三李度\t第四季度\t\n",
                      row, NULL);
    assert_tsv(tsv, "",
               "in.tsv:2:14: error: column '第三李度' is not a task-list column: did you mean '第三季度'? "
               "(the header has no '第三季度' column: its cells would be dropped)");
    g_free(tsv);
    /* a typo in the first page's header when the header is repeated further down: the
     * first page's tasks are not taken for the title */
    const char *header = "序号\t目标任务\t责任单位\t第一季度\t第二季度\t第三季度\t第四季度\t责任区领导\n";
    const char *row2 = "2\t任务二\t文旅局\t甲\t乙\t丙\t丁\t李四\n";
    tsv = g_strconcat("某区清单\n序号\t目标任务\t责任单住\t第一季度\t第二季度\t第三季度\t第四季度\t责任区领导\n", row,
                      header, row2, NULL);
    assert_tsv(tsv, "",
               "in.tsv:2:9: error: this row looks like the header but has no 责任单位 column: it names no "
               "column with '责任单住' (did you mean '责任单位'?)");
    g_free(tsv);
    /* the same typo in the header repeated at a page break */
    tsv = g_strconcat("某区清单\n", header, row, "序号\t目标任务\t责任单住\t第一季度\t第二季度\t第三季度\t第四季度\t责任区领导\n",
                      row2, NULL);
    assert_tsv(tsv, "",
               "in.tsv:4:9: error: this row looks like the header but has no 责任单位 column: it names no "
               "column with '责任单住' (did you mean '责任单位'?)");
    g_free(tsv);
    /* the first page's header deleted: its tasks are not the title */
    tsv = g_strconcat("某区清单\n", row, header, row2, NULL);
    assert_tsv(tsv, "",
               "in.tsv:2:1: error: a numbered row above the header row (line 3): '1 任务 商务局 甲 乙 丙 丁 张三' — is "
               "this page's header missing?");
    g_free(tsv);
    /* a word close to another name of the leaders' column (责任领导) is that column misspelt */
    tsv = g_strconcat("序号\t目标任务\t责任单位\t第一季度\t第二季度\t第三季度\t第四季度\t责任领导人\n", row, NULL);
    assert_tsv(tsv, "",
               "in.tsv:1:34: error: column '责任领导人' is not a task-list column: did you mean '责任区领导'? "
               "(the header has no '责任区领导' column: its cells would be dropped)");
    g_free(tsv);
}
END_TEST

START_TEST(bad_ids)
{
    assert_tsv(HEADER "1a\t甲\t商务局\t全年\t\t\t\t陈力予\n"
                      "0\t乙\t商务局\t全年\t\t\t\t陈力予\n"
                      "1234567890\t丙\t商务局\t全年\t\t\t\t陈力予\n",
               "",
               "in.tsv:2:1: error: 序号 '1a' is not a task number\n"
               "in.tsv:3:1: error: 序号 '0' is not a task number\n"
               "in.tsv:4:1: error: 序号 '1234567890' is not a task number");
}
END_TEST

START_TEST(garbage_text_is_rejected_cleanly)
{
    /* text that decodes but is no task list, in every format */
    const char *inputs[] = {"\t\t\"\n\"\"\t,", "{",          "[1, 2",
                            "{\"tasks\": 3}",  "序号\n\n\t", "<html><body>表格</body></html>"};
    const jd_format formats[] = {JD_FORMAT_AUTO, JD_FORMAT_TSV, JD_FORMAT_CSV, JD_FORMAT_JSON};
    for (size_t i = 0; i < G_N_ELEMENTS(inputs); i++) {
        for (size_t f = 0; f < G_N_ELEMENTS(formats); f++) {
            char *messages;
            jd_value *list =
                jti_import_bytes(inputs[i], strlen(inputs[i]), "g", formats[f], NULL, &messages);
            ck_assert_ptr_null(list);
            ck_assert_msg(strstr(messages, "error: ") != NULL, "no error for '%s'", inputs[i]);
            g_free(messages);
        }
    }
}
END_TEST

/* ---- JSON ------------------------------------------------------------------------------ */

START_TEST(json_every_violation_with_position)
{
    assert_fixture(
        "invalid.json", "",
        "invalid.json:7:28: error: list.tasks[0].leaders[1] repeats 'Liang'\n"
        "invalid.json:9:80: error: list.tasks[0].units[0].plan[1]: quarters 2–5 overlap the "
        "segment "
        "before or come before it (it ends in quarter 2)\n"
        "invalid.json:9:89: error: list.tasks[0].units[0].plan[1].to must be a quarter, 1 to 4, "
        "not 5\n"
        "invalid.json:9:100: error: list.tasks[0].units[0].plan[1].text is empty\n"
        "invalid.json:12:12: error: list.tasks[1].id 1 is also the id of the task at line 5\n"
        "invalid.json:12:24: error: list.tasks[1].title is empty\n"
        "invalid.json:12:52: error: list.tasks[1].units is empty: a task has at least one unit\n"
        "invalid.json:13:5: error: list.tasks[2]: missing \"title\" (a string)\n"
        "invalid.json:13:12: error: list.tasks[2].id must be a whole number, not a string\n"
        "invalid.json:13:29: error: list.tasks[2].leaders[0] must be a string, not a whole number\n"
        "invalid.json:13:53: error: list.tasks[2].units[0].names is empty\n"
        "invalid.json:13:75: error: list.tasks[2].units[0].plan[0]: from (3) is after to (2)\n"
        "invalid.json:14:12: error: list.tasks[3].id must be a whole number, not a fractional "
        "number\n"
        "invalid.json:14:73: error: list.tasks[3].units[0].names[1] is empty\n"
        "invalid.json:14:86: error: list.tasks[3].units[0].plan must be a list, not an object\n"
        "invalid.json:15:5: error: list.tasks[4] must be an object, not a string");
}
END_TEST

START_TEST(json_canonical_order_and_unknown_members)
{
    assert_fixture(
        "unordered.json",
        "{\"title\":\"清单\",\"tasks\":[{\"id\":1,\"title\":\"任务甲\",\"leaders\":[\"陈力予\"],"
        "\"units\":[{\"names\":[\"商务局\"],\"plan\":[{\"from\":1,\"to\":4,\"text\":\"全年\"}]}]}]"
        "}",
        "unordered.json:1:96: warning: list.tasks[0].units[0]: unknown member \"lead\" is "
        "ignored\n"
        "unordered.json:2:67: warning: list.tasks[0]: unknown member \"state\" is ignored\n"
        "unordered.json:3:25: warning: list: unknown member \"year\" is ignored");
}
END_TEST

START_TEST(json_not_a_task_list)
{
    const char *inputs[] = {"[1, 2]", "{\"title\": \"x\"}", "{\"title\": 1, \"tasks\": {}}"};
    const char *expected[] = {
        "j.json:1:1: error: not a task list: expected a JSON object with \"title\" and \"tasks\"",
        "j.json:1:1: error: not a task list: expected a JSON object with \"title\" and \"tasks\"",
        "j.json:1:11: error: list.title must be a string, not a whole number\n"
        "j.json:1:23: error: list.tasks must be a list, not an object"};
    for (size_t i = 0; i < G_N_ELEMENTS(inputs); i++) {
        char *messages;
        ck_assert_ptr_null(jti_import_bytes(inputs[i], strlen(inputs[i]), "j.json", JD_FORMAT_AUTO,
                                            NULL, &messages));
        ck_assert_str_eq(messages, expected[i]);
        g_free(messages);
    }
}
END_TEST

START_TEST(json_leader_check_applies_too)
{
    const char *json = "{\"title\": \"\", \"tasks\": [\n"
                       "{\"id\": 1, \"title\": \"a\", \"leaders\": [\"梁军\"], \"units\": "
                       "[{\"names\": [\"u\"], \"plan\": []}]},\n"
                       "{\"id\": 2, \"title\": \"b\", \"leaders\": [\"梁军强\"], \"units\": "
                       "[{\"names\": [\"u\"], \"plan\": []}]}]}";
    jd_import_info info;
    char *messages;
    jd_value *list =
        jti_import_bytes(json, strlen(json), "j.json", JD_FORMAT_AUTO, &info, &messages);
    ck_assert_ptr_nonnull(list);
    ck_assert_uint_eq(info.warnings, 1);
    ck_assert_str_eq(messages, "j.json:3:37: warning: leader '梁军强' (1 task) looks like '梁军' "
                               "(1 task) with one extra character; check the source");
    g_free(messages);
    jd_value_unref(list);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("import task list");
    TCase *tc = tcase_create("rules");
    tcase_add_test(tc, title_headers_continuations_and_page_break_merge);
    tcase_add_test(tc, continuation_after_page_break_and_filled_merged_cells);
    tcase_add_test(tc, merged_quarter_cells);
    tcase_add_test(tc, extra_empty_fields_are_dropped_with_warnings);
    tcase_add_test(tc, html_and_paragraph_cells);
    tcase_add_test(tc, csv_quoting_and_crlf);
    tcase_add_test(tc, ids_accept_full_width_digits_and_marks);
    tcase_add_test(tc, unknown_columns_are_ignored_once);
    tcase_add_test(tc, leader_one_character_longer_warns);
    tcase_add_test(tc, a_unit_written_twice_in_a_cell_is_kept_once);
    suite_add_tcase(s, tc);
    tc = tcase_create("bad input");
    tcase_add_test(tc, every_bad_row_is_reported);
    tcase_add_test(tc, extra_non_empty_field_is_an_error);
    tcase_add_test(tc, no_header_empty_and_missing_quarters);
    tcase_add_test(tc, header_typos_name_the_word);
    tcase_add_test(tc, bad_ids);
    tcase_add_test(tc, garbage_text_is_rejected_cleanly);
    suite_add_tcase(s, tc);
    tc = tcase_create("json");
    tcase_add_test(tc, json_every_violation_with_position);
    tcase_add_test(tc, json_canonical_order_and_unknown_members);
    tcase_add_test(tc, json_not_a_task_list);
    tcase_add_test(tc, json_leader_check_applies_too);
    suite_add_tcase(s, tc);
    return jt_main(s);
}
