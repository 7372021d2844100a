/* Workbooks: .xlsx (and .xls) read into the same records as delimited text, with cells for
 * positions and merged cells as the list's structure. Fixtures made by LibreOffice
 * (tests/fixtures/xlsx/make-fixtures.py) and crafted part by part (make-crafted.py). */
#include <string.h>

#include "test_import_util.h"

/* Asserts that the messages are `expected`, freeing them. */
static void assert_messages(jd_diags *diags, const char *expected)
{
    char *text = jti_diags_text(diags);
    ck_assert_str_eq(text, expected);
    g_free(text);
}

/* Every message, one per line, each line ended. */
static char *messages_text(jd_diags *diags)
{
    char *text = jti_diags_text(diags);
    if (!*text) return text;
    char *ended = g_strconcat(text, "\n", NULL);
    g_free(text);
    return ended;
}


/* Imports tests/fixtures/xlsx/<name> (a sheet may follow after '#'), naming it <name>. */
static jd_value *import_xlsx(const char *name, jd_import_info *info, char **messages)
{
    char *file = g_strdup(name), *hash = strchr(file, '#');
    if (hash) *hash = '\0';
    char *path = jti_xlsx_fixture(file);
    size_t len = 0;
    jd_diags *diags = jd_diags_new();
    char *data = jd_read_file(path, &len, diags);
    ck_assert_ptr_nonnull(data);
    jd_import_options options = {JD_FORMAT_AUTO, NULL, NULL, hash ? hash + 1 : NULL, NULL};
    jd_value *result = jd_import_data_with(data, len, file, &options, info, diags);
    ck_assert_int_eq(result == NULL, jd_diags_has_errors(diags));
    *messages = messages_text(diags);
    jd_diags_free(diags);
    g_free(data);
    g_free(path);
    g_free(file);
    return result;
}

/* The canonical JSON `jindu import -o` writes. */
static char *canonical(const jd_value *v, jd_data_kind kind)
{
    if (kind != JD_DATA_PROGRESS) return jd_value_to_json(v, true);
    jd_value *c = jd_progress_canonical(v);
    char *json = jd_value_to_json(c, true);
    jd_value_unref(c);
    return json;
}

static char *canonical_of_file(const char *path, jd_data_kind *kind)
{
    jd_diags *diags = jd_diags_new();
    jd_import_info info;
    jd_value *v = jd_import_file(path, JD_FORMAT_AUTO, &info, diags);
    ck_assert_msg(v != NULL, "%s: %s", path, jti_diags_text(diags));
    char *json = canonical(v, info.kind);
    if (kind) *kind = info.kind;
    jd_value_unref(v);
    jd_diags_free(diags);
    return json;
}

/* "C12=text" for every cell with text, "D3<D2" for a cell merged into D2, one per line. */
static char *records_dump(const jd_records *records)
{
    GString *out = g_string_new(NULL);
    for (size_t r = 0; r < jd_records_count(records); r++) {
        for (size_t f = 0; f < jd_records_width(records, r); f++) {
            int line = jd_records_field_line(records, r, f), col = jd_records_field_col(records, r, f);
            char *ref = jd_cell_ref(line, col);
            size_t first_row, first_field;
            const char *text = jd_records_field(records, r, f);
            if (jd_records_merged_into(records, r, f, &first_row, &first_field)) {
                char *first = jd_cell_ref(jd_records_field_line(records, first_row, first_field),
                                          jd_records_field_col(records, first_row, first_field));
                g_string_append_printf(out, "%s<%s\n", ref, first);
                g_free(first);
            } else if (*text) {
                char **lines = g_strsplit(text, "\n", -1);
                char *escaped = g_strjoinv("\\n", lines);
                g_string_append_printf(out, "%s=%s\n", ref, escaped);
                g_free(escaped);
                g_strfreev(lines);
            }
            g_free(ref);
        }
    }
    return g_string_free(out, FALSE);
}

static jd_records *read_records(const char *name, const char *sheet, char **messages,
                                char **source)
{
    char *path = jti_xlsx_fixture(name);
    size_t len = 0;
    jd_diags *diags = jd_diags_new();
    char *data = jd_read_file(path, &len, diags);
    jd_records *records = jd_xlsx_read(data, len, name, sheet, source, diags);
    *messages = messages_text(diags);
    jd_diags_free(diags);
    g_free(data);
    g_free(path);
    return records;
}

/* ---- the same tree from every format ------------------------------------------------------ */

START_TEST(seed_same_tree_from_tsv_csv_xlsx_xls)
{
    char *tsv = jt_src("samples/xiqing-2023/tasks.tsv");
    char *expected = canonical_of_file(tsv, NULL);
    static const char *const others[] = {"seed.csv", "seed-merged.xlsx", "seed-merged.xls"};
    for (size_t i = 0; i < G_N_ELEMENTS(others); i++) {
        char *path = jti_xlsx_fixture(others[i]);
        char *json = canonical_of_file(path, NULL);
        ck_assert_msg(strcmp(json, expected) == 0, "%s gives another tree", others[i]);
        g_free(json);
        g_free(path);
    }
    g_free(expected);
    g_free(tsv);
}
END_TEST

START_TEST(seed_xlsx_summary_and_merges)
{
    jd_import_info info;
    char *messages;
    jd_value *list = import_xlsx("seed-merged.xlsx", &info, &messages);
    char *summary = jd_tasklist_summary(list, &info);
    ck_assert_str_eq(summary,
                     "task list (XLSX, sheet 清单)\n"
                     "  title: 西青区政府工作报告2023年重点工作任务清单\n"
                     "  tasks: 123   unit rows: 197   distinct units: 53   leaders: 9\n"
                     "  plans: 41 whole-year, 156 by quarter, 0 partial (some quarters without "
                     "plan)\n"
                     "  leaders: 梁军 40, 庞铁强 29, 陈力予 24, 张建凤 24, 柴树芳 22, 鲍杰 7, "
                     "殷学武 6, 梁军强 2, 区委分管领导 1\n"
                     "  warnings: 3\n");
    /* messages name cells of the sheet */
    ck_assert_str_eq(messages,
                     "seed-merged.xlsx[清单]!H65: warning: dropped empty field 8 inside the "
                     "quarter cells: the row has 9 fields but the header has 8 (an export "
                     "artifact after a merged cell)\n"
                     "seed-merged.xlsx[清单]!G144: warning: dropped empty field 7 inside the "
                     "quarter cells: the row has 9 fields but the header has 8 (an export "
                     "artifact after a merged cell)\n"
                     "seed-merged.xlsx[清单]!H152: warning: leader '梁军强' (2 tasks) looks "
                     "like '梁军' (40 tasks) with one extra character; check the source\n");
    /* the values point at their cells: task 10's title is B20 */
    const jd_value *task = jti_task(list, 10);
    const jd_value *title = jd_object_get(task, "title");
    char *ref = jd_cell_ref(jd_value_line(title), jd_value_col(title));
    ck_assert_str_eq(ref, "B20");
    g_free(ref);
    g_free(messages);
    /* the fixture really has its structure as merged cells: 序号 merged down, plans across */
    char *source;
    jd_records *records = read_records("seed-merged.xlsx", NULL, &messages, &source);
    char *dump = records_dump(records);
    ck_assert_int_eq(jt_count(dump, "<"), 763);
    ck_assert_ptr_nonnull(strstr(dump, "\nA21<A20\n"));
    ck_assert_ptr_nonnull(strstr(dump, "\nE20<D20\nF20<D20\nG20<D20\n"));
    ck_assert_str_eq(source, "seed-merged.xlsx[清单]");
    g_free(dump);
    g_free(source);
    g_free(messages);
    jd_records_free(records);
    g_free(summary);
    jd_value_unref(list);
}
END_TEST

START_TEST(progress_same_tree_from_csv_and_xlsx)
{
    char *csv = jt_src("samples/xiqing-2023/progress/2023Q2.csv");
    jd_data_kind kind;
    char *expected = canonical_of_file(csv, &kind);
    ck_assert_int_eq(kind, JD_DATA_PROGRESS);
    char *path = jti_xlsx_fixture("progress-2023Q2.xlsx");
    char *json = canonical_of_file(path, &kind);
    ck_assert_int_eq(kind, JD_DATA_PROGRESS);
    ck_assert_str_eq(json, expected);
    g_free(json);
    g_free(path);
    g_free(expected);
    g_free(csv);
}
END_TEST

/* ---- merged cells are the structure -------------------------------------------------------- */

/* A sheet's records from rows of cells ("" empty) and merged ranges (r1 c1 r2 c2, 1-based). */
static jd_records *sheet_records(const char *const rows[][8], size_t n, const int merges[][4],
                                 size_t m)
{
    jd_records *records = jd_records_new_sheet(true);
    for (size_t r = 0; r < n; r++) {
        size_t row = jd_records_add_sheet_row(records, (int)r + 1, 8);
        for (size_t c = 0; c < 8; c++)
            if (rows[r][c] && *rows[r][c]) jd_records_set_text(records, row, c, g_strdup(rows[r][c]));
    }
    for (size_t k = 0; k < m; k++)
        for (int r = merges[k][0]; r <= merges[k][2]; r++)
            for (int c = merges[k][1]; c <= merges[k][3]; c++)
                ck_assert(jd_records_set_merged(records, (size_t)r - 1, (size_t)c - 1,
                                                (size_t)merges[k][0] - 1, (size_t)merges[k][1] - 1));
    return records;
}

START_TEST(indicators_same_tree_from_tsv_csv_json_xlsx)
{
    /* an office's table: LibreOffice kept the plain figures as numbers, merged the title */
    static const char *const table[] = {"indicators/table.csv", "indicators/table.tsv",
                                        "indicators/table.json", "xlsx/indicators-table.xlsx"};
    /* the sample project's table, saved as a workbook */
    static const char *const sample[] = {"samples/xiqing-2023/indicators.csv",
                                         "xlsx/indicators-sample.xlsx"};
    const struct {
        const char *const *files;
        size_t n;
        bool in_source;
    } groups[] = {{table, G_N_ELEMENTS(table), false}, {sample, G_N_ELEMENTS(sample), true}};
    for (size_t g = 0; g < G_N_ELEMENTS(groups); g++) {
        char *expected = NULL;
        for (size_t i = 0; i < groups[g].n; i++) {
            const char *name = groups[g].files[i];
            char *path = i == 0 && groups[g].in_source ? jt_src(name) : jt_fixture(name);
            jd_data_kind kind;
            char *json = canonical_of_file(path, &kind);
            ck_assert_int_eq(kind, JD_DATA_INDICATORS);
            if (!expected)
                expected = json;
            else {
                ck_assert_msg(strcmp(json, expected) == 0, "%s gives another tree", name);
                g_free(json);
            }
            g_free(path);
        }
        g_free(expected);
    }
    /* the workbook really holds numbers and a merged title; the summary names the sheet */
    char *path = jti_xlsx_fixture("indicators-table.xlsx");
    gsize len = 0;
    char *bytes = NULL;
    ck_assert(g_file_get_contents(path, &bytes, &len, NULL));
    char *sheet = jti_workbook_part(bytes, len, "xl/worksheets/sheet1.xml");
    ck_assert_ptr_nonnull(strstr(sheet, "<mergeCell ref=\"A1:O1\"/>"));
    static const char *const numbers[] = {"F4", "I4", "J4", "K4", "J3"};
    for (size_t i = 0; i < G_N_ELEMENTS(numbers); i++) {
        char *open = g_strdup_printf("<c r=\"%s\" ", numbers[i]);
        const char *cell = strstr(sheet, open);
        ck_assert_msg(cell && strstr(cell, " t=\"n\"") < strchr(cell, '>') &&
                          strstr(cell, " t=\"n\""),
                      "%s is not a number cell", numbers[i]);
        g_free(open);
    }
    jd_import_info info;
    jd_diags *diags = jd_diags_new();
    jd_value *indicators = jd_import_file(path, JD_FORMAT_AUTO, &info, diags);
    assert_messages(diags, "");
    ck_assert_int_eq(info.kind, JD_DATA_INDICATORS);
    char *summary = jd_indicators_summary(indicators, &info);
    ck_assert(g_str_has_prefix(summary, "indicators (XLSX, sheet 指标)\n  title: 示例指标表\n"));
    g_free(summary);
    jd_value_unref(indicators);
    jd_diags_free(diags);
    g_free(sheet);
    g_free(bytes);
    g_free(path);
}
END_TEST

START_TEST(merges_give_exact_plans)
{
    static const char *const rows[][8] = {
        {"序号", "目标任务", "责任单位", "第一季度", "第二季度", "第三季度", "第四季度", "责任区领导"},
        {"1", "任务甲", "商务局", "一二", "", "三", "", "梁 军"},
        {"", "", "财政局", "只有一季度", "", "", "", ""},
        {"", "", "税务局", "", "", "", "", ""},
        {"2", "任务乙", "文旅局", "全年", "", "", "", "鲍杰"},
    };
    /* task 1 (序号, 目标任务, leaders) merged down rows 2–4; Q1–Q2 and Q3–Q4 of row 2 merged
     * across; rows 3–4 share one Q1 cell (merged down), their other quarters empty and not
     * merged: a plan for the first quarter only */
    static const int merges[][4] = {{2, 1, 4, 1}, {2, 2, 4, 2}, {2, 4, 2, 5}, {2, 6, 2, 7},
                                    {3, 4, 4, 4}, {5, 4, 5, 7}, {2, 8, 4, 8}};
    jd_records *records = sheet_records(rows, G_N_ELEMENTS(rows), merges, G_N_ELEMENTS(merges));
    jd_diags *diags = jd_diags_new();
    jd_value *list = jd_tasklist_from_records(records, "t.xlsx[清单]", diags);
    assert_messages(diags, "");
    char *json = jti_json(jd_object_get(list, "tasks"));
    ck_assert_str_eq(
        json,
        "[{\"id\":1,\"title\":\"任务甲\",\"leaders\":[\"梁军\"],\"units\":["
        "{\"names\":[\"商务局\"],\"plan\":[{\"from\":1,\"to\":2,\"text\":\"一二\"},"
        "{\"from\":3,\"to\":4,\"text\":\"三\"}]},"
        "{\"names\":[\"财政局\"],\"plan\":[{\"from\":1,\"to\":1,\"text\":\"只有一季度\"}]},"
        "{\"names\":[\"税务局\"],\"plan\":[{\"from\":1,\"to\":1,\"text\":\"只有一季度\"}]}]},"
        "{\"id\":2,\"title\":\"任务乙\",\"leaders\":[\"鲍杰\"],\"units\":["
        "{\"names\":[\"文旅局\"],\"plan\":[{\"from\":1,\"to\":4,\"text\":\"全年\"}]}]}]");
    g_free(json);
    jd_value_unref(list);
    jd_records_free(records);
    /* the same cells without their merges are guessed as an export: 只有一季度 covers 1–4,
     * and 税务局 has no plan */
    records = sheet_records(rows, G_N_ELEMENTS(rows), NULL, 0);
    list = jd_tasklist_from_records(records, "t.xlsx[清单]", diags);
    assert_messages(diags, "");
    json = jti_json(jd_array_get(jd_object_get(list, "tasks"), 0));
    ck_assert_str_eq(json,
                     "{\"id\":1,\"title\":\"任务甲\",\"leaders\":[\"梁军\"],\"units\":["
                     "{\"names\":[\"商务局\"],\"plan\":[{\"from\":1,\"to\":2,\"text\":\"一二\"},"
                     "{\"from\":3,\"to\":4,\"text\":\"三\"}]},"
                     "{\"names\":[\"财政局\"],\"plan\":[{\"from\":1,\"to\":4,\"text\":"
                     "\"只有一季度\"}]},{\"names\":[\"税务局\"],\"plan\":[]}]}");
    g_free(json);
    jd_value_unref(list);
    jd_records_free(records);
    jd_diags_free(diags);
}
END_TEST

START_TEST(merges_fill_progress_down)
{
    static const char *const rows[][8] = {
        {"序号", "目标任务", "责任单位", "报告期", "进展状态", "完成情况", "", ""},
        {"3", "任务丙", "商务局", "2023Q2", "序时推进", "两个单位一起完成", "", ""},
        {"", "", "财政局", "", "", "", "", ""},
    };
    static const int merges[][4] = {{2, 1, 3, 1}, {2, 2, 3, 2}, {2, 4, 3, 4}, {2, 5, 3, 5},
                                    {2, 6, 3, 6}};
    jd_records *records = sheet_records(rows, G_N_ELEMENTS(rows), merges, G_N_ELEMENTS(merges));
    jd_diags *diags = jd_diags_new();
    jd_value *progress = jd_progress_from_records(records, "p.xlsx[表]", NULL, diags);
    assert_messages(diags, "");
    jd_value *c = jd_progress_canonical(progress);
    char *json = jti_json(jd_object_get(c, "reports"));
    ck_assert_str_eq(json,
                     "[{\"task\":3,\"unit\":\"商务局\",\"period\":\"2023Q2\",\"state\":\"序时推进\","
                     "\"done\":\"两个单位一起完成\",\"problems\":\"\",\"next\":\"\",\"reporter\":"
                     "\"\",\"date\":\"\"},"
                     "{\"task\":3,\"unit\":\"财政局\",\"period\":\"2023Q2\",\"state\":\"序时推进\","
                     "\"done\":\"两个单位一起完成\",\"problems\":\"\",\"next\":\"\",\"reporter\":"
                     "\"\",\"date\":\"\"}]");
    /* the second report points at its own row */
    const jd_value *second = jd_array_get(jd_object_get(progress, "reports"), 1);
    ck_assert_int_eq(jd_value_line(jd_object_get(second, "unit")), 3);
    g_free(json);
    jd_value_unref(c);
    jd_value_unref(progress);
    jd_records_free(records);
    jd_diags_free(diags);
}
END_TEST

/* ---- cell values ------------------------------------------------------------------------------ */

static const char cells_expected[] =
    "A1=名称\nB1=值\nC1=隐藏列\n"
    "A2=富文本\nB2=加粗部分与普通部分\\n第二行\n"
    "A3=日期\nB3=2023-06-25\n"
    "A4=日期时间\nB4=2023-06-25 12:00\n"
    "A5=百分比\nB5=5.5%\n"
    "A6=两位小数\nB6=2.68\n"
    "A7=布尔\nB7=TRUE\n"
    "A8=公式\nB8=24\n"
    "A9=文本数字\nB9=0012\n"
    "A10=隐藏行\nB10=看不见\n"
    "A11=整数\nB11=12\n";

START_TEST(cell_values_as_shown)
{
    static const char *const files[] = {"cells.xlsx", "cells-1904.xlsx"};
    for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
        char *messages, *source;
        jd_records *records = read_records(files[i], NULL, &messages, &source);
        ck_assert_ptr_nonnull(records);
        char *dump = records_dump(records);
        ck_assert_msg(strcmp(dump, cells_expected) == 0, "%s:\n%s", files[i], dump);
        char *expected = g_strdup_printf(
            "%s[单元格]!C1: warning: column C is hidden in the workbook; its cells are read like "
            "any other\n"
            "%s[单元格]!A10: warning: row 10 is hidden in the workbook; it is read like any "
            "other row\n",
            files[i], files[i]);
        ck_assert_str_eq(messages, expected);
        g_free(expected);
        g_free(dump);
        g_free(messages);
        g_free(source);
        jd_records_free(records);
    }
}
END_TEST

START_TEST(wps_style_workbook)
{
    jd_import_info info;
    char *messages;
    jd_value *list = import_xlsx("wps-style.xlsx", &info, &messages);
    ck_assert_str_eq(info.sheet, "任务清单"); /* the hidden first sheet is passed over */
    ck_assert_str_eq(messages, "wps-style.xlsx[任务清单]!H2: warning: column '填报日期' is not a "
                               "task-list column; its cells are ignored\n");
    g_free(messages);
    char *json = jti_json(list);
    ck_assert_str_eq(json,
                     "{\"title\":\"西青区2023年重点工作任务清单\",\"tasks\":[{\"id\":1,\"title\":"
                     "\"推进产业升级\",\"leaders\":[],\"units\":[{\"names\":[\"商务局\"],\"plan\":["
                     "{\"from\":1,\"to\":4,\"text\":\"全年推进，\\n按月调度\"}]},{\"names\":["
                     "\"财政局\"],\"plan\":[{\"from\":1,\"to\":1,\"text\":\"一季度\\n完成\"},"
                     "{\"from\":2,\"to\":4,\"text\":\"全年推进，\\n按月调度\"}]}]}]}");
    char *source;
    jd_records *records = read_records("wps-style.xlsx", NULL, &messages, &source);
    char *dump = records_dump(records);
    /* the date in the Chinese format, the formula's saved value */
    ck_assert_ptr_nonnull(strstr(dump, "H3=2023-06-25\n"));
    ck_assert_ptr_nonnull(strstr(dump, "H4=2023-06-26\n"));
    g_free(dump);
    g_free(source);
    jd_records_free(records);
    g_free(json);
    g_free(messages);
    jd_value_unref(list);
}
END_TEST

/* ---- sheets ------------------------------------------------------------------------------------ */

START_TEST(sheet_by_name_or_first_visible)
{
    jd_import_info info;
    char *messages;
    jd_value *list = import_xlsx("sheets.xlsx", &info, &messages);
    ck_assert_ptr_null(list);
    ck_assert_str_eq(messages, "sheets.xlsx[说明]!A1: error: no header row: expected a row with "
                               "序号, 目标任务, 责任单位 … (the first row is '这张表是说明，不是清单')\n");
    g_free(messages);
    list = import_xlsx("sheets.xlsx#清单", &info, &messages);
    ck_assert_ptr_nonnull(list);
    ck_assert_str_eq(info.sheet, "清单");
    ck_assert_uint_eq(jd_array_length(jd_object_get(list, "tasks")), 2);
    jd_value_unref(list);
    g_free(messages);
    list = import_xlsx("sheets.xlsx#无此表", &info, &messages);
    ck_assert_ptr_null(list);
    ck_assert_str_eq(messages, "sheets.xlsx: error: the workbook has no sheet '无此表' (its sheets: "
                               "说明, 清单, 备注)\n");
    g_free(messages);
    /* a path names a sheet after '#' */
    char *path = jti_xlsx_fixture("sheets.xlsx#清单");
    char *file, *sheet;
    ck_assert(jd_data_path_split(path, &file, &sheet));
    ck_assert_str_eq(sheet, "清单");
    ck_assert(g_str_has_suffix(file, "/sheets.xlsx"));
    jd_diags *diags = jd_diags_new();
    list = jd_import_file(path, JD_FORMAT_AUTO, &info, diags);
    ck_assert_ptr_nonnull(list);
    jd_value_unref(list);
    jd_diags_free(diags);
    g_free(file);
    g_free(sheet);
    g_free(path);
}
END_TEST

/* ---- documents given as data ---------------------------------------------------------------------- */

/* A Word document, a presentation, a password-protected workbook, a PDF, a picture, an archive
 * or a web page given as data is named for what it is, with what to send instead — by its
 * bytes, whatever its name says — rather than "no header row" or "damaged". */
START_TEST(documents_given_as_data_say_what_they_are)
{
    static const struct {
        const char *file, *message;
    } fixtures[] = {
        {"word.doc", "word.doc: error: a Word document (.doc or WPS .wps), not data: jindu reads tables from "
                     "workbooks (.xlsx, .xls) and text exports (.csv, .tsv); copy its table into WPS 表格 or Excel "
                     "and save that as .xlsx\n"},
        {"slides.ppt", "slides.ppt: error: a PowerPoint presentation (.ppt), not data: give the workbook (.xlsx) "
                       "or the text export (.csv) of the table instead\n"},
        {"encrypted.xlsx", "encrypted.xlsx: error: a workbook (or document) protected with a password: jindu "
                           "cannot read it encrypted; save it without a password (as .xlsx)\n"},
        {"document.ofd", "document.ofd: error: an OFD document (版式文件, printed like a PDF), not data: give "
                         "the workbook (.xlsx) or the text export (.csv) of the table instead\n"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(fixtures); i++) {
        char *messages;
        ck_assert_ptr_null(import_xlsx(fixtures[i].file, NULL, &messages));
        ck_assert_str_eq(messages, fixtures[i].message);
        g_free(messages);
    }
#define B(literal) literal, sizeof(literal) - 1 /* bytes with NULs in them */
    static const char send[] = "give the workbook (.xlsx) or the text export (.csv) of the table instead";
    static const struct {
        const char *bytes;
        size_t len;
        const char *name, *message;
    } bytes[] = {
        {B("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj"), "清单.csv", "a PDF, a printed document, not data: %s"},
        {B("\x89PNG\r\n\x1A\n\0\0\0\rIHDR"), "清单.xlsx", "a picture (PNG), not data: jindu reads a table's "
                                                       "text, not a photo or scan of it; %s"},
        {B("\xFF\xD8\xFF\xE0\0\x10JFIF"), "scan.tsv", "a picture (JPEG), not data: jindu reads a table's text, "
                                                     "not a photo or scan of it; %s"},
        {B("{\\rtf1\\ansi 序号"), "清单.doc", "a document in Rich Text Format (.rtf), not data: copy its table "
                                          "into WPS 表格 or Excel and save that as .xlsx"},
        {B("\x1F\x8B\x08\0\0\0\0\0"), "forms.csv", "a gzip archive, not data: unpack it and give the files in it "
                                                 "(a folder of forms is read as one)"},
        {B("\xEF\xBB\xBF<html><body><table><tr><td>序号</td></tr></table>"), "清单.xls",
         "a web page (HTML; systems that export \"Excel\" often write one and name it .xls), not a workbook: "
         "open it in WPS 表格 or Excel and save it as .xlsx"},
        {B("<?xml version=\"1.0\"?>\n<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\">"),
         "清单.xls", "an XML Spreadsheet 2003 file, not an .xlsx workbook: open it in WPS 表格 or Excel and save it "
                   "as .xlsx"},
        {B("MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=x"), "清单.xls",
         "a web archive (.mht, an Excel \"single file web page\"), not a workbook: open it in WPS 表格 or Excel "
         "and save it as .xlsx"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(bytes); i++) {
        char *messages;
        ck_assert_ptr_null(jti_import_bytes(bytes[i].bytes, bytes[i].len, bytes[i].name, JD_FORMAT_AUTO, NULL,
                                            &messages));
        char *why = g_strdup_printf(bytes[i].message, send);
        char *expected = g_strdup_printf("%s: error: %s", bytes[i].name, why);
        ck_assert_str_eq(messages, expected);
        g_free(expected);
        g_free(why);
        g_free(messages);
    }
    /* text that merely starts with a tag is still text: HTML in a title cell */
    char *messages;
    const char *tsv = "<b>某区清单</b>\n序号\t目标任务\t责任单位\t第一季度\t第二季度\t第三季度\t第四季度\n"
                      "1\t任务\t商务局\t甲\t乙\t丙\t丁\n";
    jd_value *list = jti_import_bytes(tsv, strlen(tsv), "in.tsv", JD_FORMAT_AUTO, NULL, &messages);
    ck_assert_ptr_nonnull(list);
    ck_assert_str_eq(messages, "");
    g_free(messages);
    jd_value_unref(list);
}
END_TEST

/* ---- hostile and broken workbooks --------------------------------------------------------------- */

START_TEST(broken_workbooks_are_clear_errors)
{
    static const struct {
        const char *file, *message;
    } cases[] = {
        {"bomb.xlsx", "bomb.xlsx: error: part xl/worksheets/sheet1.xml inflates to 209716312 "
                      "bytes, more than jindu reads from a workbook (128 MB in all): not a real "
                      "workbook, or a zip bomb\n"},
        {"bomb-lying.xlsx", "bomb-lying.xlsx: error: part xl/worksheets/sheet1.xml inflates to "
                            "more than jindu reads from a workbook (128 MB in all): not a real "
                            "workbook, or a zip bomb\n"},
        {"huge-sst.xlsx", "huge-sst.xlsx: error: the shared-string table has more than 262144 "
                          "strings, more than jindu reads from a workbook\n"},
        {"no-workbook.xlsx", "no-workbook.xlsx: error: the workbook has no part xl/workbook.xml: "
                             "the file is damaged\n"},
        {"no-sheet.xlsx", "no-sheet.xlsx: error: the workbook has no part xl/worksheets/sheet1.xml "
                          "for sheet '清单': the file is damaged\n"},
        {"wrong-type.xlsx", "wrong-type.xlsx: error: not a workbook: its main part is "
                            "'text/plain'\n"},
        {"renamed.docx.xlsx", "renamed.docx.xlsx: error: a Word document (.docx), not a workbook: "
                              "copy its table into a spreadsheet and save that as .xlsx\n"},
        {"plain.zip.xlsx", "plain.zip.xlsx: error: a zip archive, but not an Office document (it "
                           "has no [Content_Types].xml)\n"},
        {"ods.xlsx", "ods.xlsx: error: an OpenDocument file (.ods), not an .xlsx workbook: save it "
                     "as .xlsx (Excel 2007-365) and read that\n"},
        {"malformed.xlsx", "malformed.xlsx: error: part xl/worksheets/sheet1.xml is not "
                           "well-formed XML (line 1: AttValue: ' expected)\n"},
        {"formula.xlsx",
         "formula.xlsx[清单]!B1: error: the formula '=SUM(C1:C9)' has no saved value: open the "
         "workbook in Excel, WPS or LibreOffice, save it, and read it again\n"
         "formula.xlsx[清单]!C1: error: the cell refers to shared string '7', which the workbook "
         "does not have (it has 1): the file is damaged\n"
         "formula.xlsx[清单]!D1: warning: the cell shows the error #DIV/0! (of a formula); it is "
         "read as that text\n"},
        {"overlap.xlsx", "overlap.xlsx[清单]!F2: error: merged range F1:F2 overlaps another merged "
                         "range\n"},
        {"wide.xlsx", "wide.xlsx[清单]: error: the cells with values span 3276800 cells (rows × "
                      "columns), more than jindu reads (2097152); delete stray cells far to the "
                      "right or below\n"},
        {"truncated.xlsx", "truncated.xlsx: error: not a readable .xlsx workbook (the zip "
                           "container is damaged: Not a zip archive)\n"},
        {"text.xlsx", "text.xlsx: error: not an .xlsx workbook (a workbook is a zip archive; this "
                      "file is not one): was another file renamed?\n"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        jd_import_info info;
        char *messages;
        jd_value *v = import_xlsx(cases[i].file, &info, &messages);
        ck_assert_ptr_null(v);
        ck_assert_str_eq(messages, cases[i].message);
        g_free(messages);
    }
    /* a DOCTYPE with nested entities stops at once, whatever libxml2 says first */
    jd_import_info info;
    char *messages;
    ck_assert_ptr_null(import_xlsx("doctype.xlsx", &info, &messages));
    ck_assert(g_str_has_prefix(messages, "doctype.xlsx: error: part xl/worksheets/sheet1.xml "));
    ck_assert_int_eq(jt_count(messages, "\n"), 1);
    g_free(messages);
}
END_TEST

/* ---- positions ---------------------------------------------------------------------------------- */

START_TEST(cell_positions_in_messages)
{
    char *text = jd_column_letters(1);
    ck_assert_str_eq(text, "A");
    g_free(text);
    text = jd_column_letters(27);
    ck_assert_str_eq(text, "AA");
    g_free(text);
    text = jd_column_letters(16384);
    ck_assert_str_eq(text, "XFD");
    g_free(text);
    text = jd_place_text("tasks.xlsx[清单]", 12, 3);
    ck_assert_str_eq(text, "tasks.xlsx[清单]!C12");
    g_free(text);
    text = jd_place_text("tasks.xlsx[清单]", 12, 0);
    ck_assert_str_eq(text, "tasks.xlsx[清单] row 12");
    g_free(text);
    text = jd_place_text("tasks.tsv", 12, 3);
    ck_assert_str_eq(text, "tasks.tsv:12:3");
    g_free(text);
    ck_assert_str_eq(jd_line_word("a.xlsx[表]"), "row");
    ck_assert_str_eq(jd_line_word("a.csv"), "line");
}
END_TEST

/* ---- forms as workbooks ------------------------------------------------------------------------ */

static jd_value *sample_list(void)
{
    char *path = jt_src("samples/xiqing-2023/tasks.tsv");
    jd_value *list = jd_import_file(path, JD_FORMAT_AUTO, NULL, NULL);
    ck_assert_ptr_nonnull(list);
    g_free(path);
    return list;
}


START_TEST(xlsx_form_is_locked_validated_and_reads_back)
{
    jd_value *list = sample_list();
    jd_period period;
    ck_assert(jd_period_parse("2023Q2", &period));
    size_t len = 0, rows = 0;
    char *bytes = jd_progress_form_xlsx(list, &period, "商务局", NULL, &len, &rows, NULL);
    ck_assert_ptr_nonnull(bytes);
    ck_assert_uint_eq(rows, 12);
    /* the same list gives the same bytes */
    size_t len2 = 0;
    char *again = jd_progress_form_xlsx(list, &period, "商务局", NULL, &len2, NULL, NULL);
    ck_assert(len == len2 && memcmp(bytes, again, len) == 0);
    char *sheet = jti_workbook_part(bytes, len, "xl/worksheets/sheet1.xml");
    ck_assert_ptr_nonnull(strstr(sheet, "<sheetProtection "));
    ck_assert_ptr_nonnull(strstr(sheet, "<pane ySplit=\"3\" topLeftCell=\"A4\""));
    ck_assert_ptr_nonnull(strstr(sheet, "<formula1>\"已完成,序时推进,滞后,未启动\"</formula1>"));
    ck_assert_ptr_nonnull(strstr(sheet, "type=\"date\""));
    ck_assert_ptr_nonnull(strstr(sheet, "sqref=\"F4:F15\""));
    ck_assert_ptr_null(strstr(sheet, "<f>")); /* never a formula */
    ck_assert_ptr_nonnull(strstr(sheet, "<pageSetup paperSize=\"9\" fitToHeight=\"0\" orientation=\"landscape\""));
    char *workbook = jti_workbook_part(bytes, len, "xl/workbook.xml");
    ck_assert_ptr_nonnull(strstr(workbook, "<sheet name=\"jindu\" sheetId=\"2\" state=\"hidden\""));
    /* read back blank: the title without the instructions, no report */
    jd_diags *diags = jd_diags_new();
    jd_import_info info;
    jd_value *progress = jd_import_data(bytes, len, "商务局.xlsx", JD_FORMAT_AUTO, &info, diags);
    assert_messages(diags, "");
    ck_assert_int_eq(info.kind, JD_DATA_PROGRESS);
    ck_assert_str_eq(jd_object_get_string(progress, "title"),
                     "西青区政府工作报告2023年重点工作任务清单 2023年第二季度推进情况表（责任单位：商务局）");
    ck_assert_uint_eq(jd_array_length(jd_object_get(progress, "reports")), 0);
    /* the states of the drop-down are the configured ones */
    static const char *const states[] = {"完成", "正常推进", "滞后", NULL};
    char *custom = jd_progress_form_xlsx(list, &period, "商务局", states, &len2, NULL, NULL);
    char *custom_sheet = jti_workbook_part(custom, len2, "xl/worksheets/sheet1.xml");
    ck_assert_ptr_nonnull(strstr(custom_sheet, "<formula1>\"完成,正常推进,滞后\"</formula1>"));
    g_free(custom_sheet);
    g_free(custom);
    jd_value_unref(progress);
    jd_diags_free(diags);
    g_free(workbook);
    g_free(sheet);
    g_free(again);
    g_free(bytes);
    jd_value_unref(list);
}
END_TEST

/* The numFmtId of cell style `index` (the s="" of a cell) in styles.xml. */
static int style_number_format(const char *styles, int index)
{
    const char *xf = strstr(strstr(styles, "<cellXfs"), "<xf ");
    for (int i = 0; i < index; i++)
        xf = strstr(xf + 1, "<xf ");
    return atoi(strstr(xf, "numFmtId=\"") + 10);
}

START_TEST(xlsx_form_keeps_formula_like_text)
{
    static const char list_text[] =
        "序号\t目标任务\t责任单位\t第一季度\t第二季度\t第三季度\t第四季度\n"
        "1\t=HYPERLINK(\"http://example.com\",\"点击\")\t商务局\t@SUM(1,2)\t-3个\t\t\n";
    jd_diags *diags = jd_diags_new();
    jd_value *list = jd_import_data(list_text, strlen(list_text), "l.tsv", JD_FORMAT_AUTO, NULL,
                                    diags);
    assert_messages(diags, "");
    jd_period period;
    ck_assert(jd_period_parse("2023Q2", &period));
    size_t len = 0;
    char *bytes = jd_progress_form_xlsx(list, &period, "商务局", NULL, &len, NULL, NULL);
    char *sheet = jti_workbook_part(bytes, len, "xl/worksheets/sheet1.xml");
    ck_assert_ptr_null(strstr(sheet, "<f>"));
    /* the cells to fill are formatted as Text, so what a unit types stays text */
    char *styles = jti_workbook_part(bytes, len, "xl/styles.xml");
    ck_assert_ptr_nonnull(strstr(styles, "<numFmt numFmtId=\"164\" formatCode=\"@\"/>"));
    static const char *const cells[] = {"B4", "C4", "D4", "E4", "F4", "G4", "H4", "I4", "J4"};
    for (size_t i = 0; i < G_N_ELEMENTS(cells); i++) {
        char *open = g_strdup_printf("<c r=\"%s\" s=\"", cells[i]);
        const char *c = strstr(sheet, open);
        ck_assert_msg(c != NULL, "no cell %s", cells[i]);
        ck_assert_int_eq(style_number_format(styles, atoi(c + strlen(open))), 164);
        g_free(open);
    }
    /* read back: a blank form, its locked cells as written */
    jd_import_info info;
    jd_value *progress = jd_import_data(bytes, len, "商务局.xlsx", JD_FORMAT_AUTO, &info, diags);
    assert_messages(diags, "");
    ck_assert_uint_eq(jd_array_length(jd_object_get(progress, "reports")), 0);
    char *source;
    jd_records *records = jd_xlsx_read(bytes, len, "商务局.xlsx", NULL, &source, diags);
    char *dump = records_dump(records);
    ck_assert_ptr_nonnull(strstr(dump, "\nB4==HYPERLINK(\"http://example.com\",\"点击\")\n"));
    ck_assert_ptr_nonnull(strstr(dump, "\nE4=-3个\n"));
    g_free(dump);
    g_free(source);
    jd_records_free(records);
    jd_value_unref(progress);
    jd_diags_free(diags);
    g_free(styles);
    g_free(sheet);
    g_free(bytes);
    jd_value_unref(list);
}
END_TEST

START_TEST(form_filled_by_libreoffice_reads_back_exactly)
{
    jd_import_info info;
    char *messages;
    jd_value *progress = import_xlsx("form-filled.xlsx", &info, &messages);
    ck_assert_str_eq(messages, "");
    jd_value *c = jd_progress_canonical(progress);
    char *json = jti_json(jd_object_get(c, "reports"));
    ck_assert_str_eq(
        json,
        "[{\"task\":20,\"unit\":\"商务局\",\"period\":\"2023Q2\",\"state\":\"序时推进\",\"done\":"
        "\"完成杉杉奥莱二期招商。\\n引进品牌12个\",\"problems\":\"\",\"next\":\"按计划推进\","
        "\"reporter\":\"王磊\",\"date\":\"2023-06-25\"},"
        "{\"task\":21,\"unit\":\"商务局\",\"period\":\"2023Q2\",\"state\":\"已完成\",\"done\":"
        "\"全部完成\",\"problems\":\"资金到位偏慢\",\"next\":\"\",\"reporter\":\"王磊\",\"date\":"
        "\"2023-06-25\"},"
        "{\"task\":23,\"unit\":\"商务局\",\"period\":\"2023Q2\",\"state\":\"滞后\",\"done\":"
        "\"前期手续未完成\",\"problems\":\"审批周期长\",\"next\":\"加快协调\",\"reporter\":\"李娜\","
        "\"date\":\"2023-06-25\"}]");
    g_free(json);
    jd_value_unref(c);
    jd_value_unref(progress);
    g_free(messages);
    /* the locked 目标任务 edited anyway */
    ck_assert_ptr_null(import_xlsx("form-edited.xlsx", &info, &messages));
    ck_assert_str_eq(messages,
                     "form-edited.xlsx[填报表]!B5: error: 目标任务 is a locked column of the form "
                     "jindu wrote, and this cell was changed (it was '加快建设十大精品商圈，以新城市中心商圈为…'): "
                     "fill in only the open columns, or ask for a new form\n");
    g_free(messages);
}
END_TEST

START_TEST(returned_forms_are_not_overwritten)
{
    jd_value *list = sample_list();
    jd_period period;
    ck_assert(jd_period_parse("2023Q2", &period));
    char *dir = jt_tmpdir();
    char *filled = jti_xlsx_fixture("form-filled.xlsx");
    char *target = g_build_filename(dir, "商务局.xlsx", NULL);
    char *data = jt_read(filled);
    gsize len = 0;
    g_free(data);
    ck_assert(g_file_get_contents(filled, &data, &len, NULL));
    ck_assert(g_file_set_contents(target, data, (gssize)len, NULL));
    jd_forms_options options = {JD_FORM_XLSX, NULL, false};
    jd_diags *diags = jd_diags_new();
    size_t forms = 0;
    ck_assert(!jd_progress_write_forms_with(list, &period, dir, &options, &forms, NULL, diags));
    char *expected = g_strdup_printf("%s: error: holds 3 reports (a returned form): not "
                                     "overwritten; move it away, or give --force",
                                     target);
    assert_messages(diags, expected);
    char *listing = jt_dir_listing(dir);
    ck_assert_str_eq(listing, "商务局.xlsx"); /* nothing written */
    g_free(listing);
    options.force = true;
    ck_assert(jd_progress_write_forms_with(list, &period, dir, &options, &forms, NULL, NULL));
    ck_assert_uint_eq(forms, 53);
    g_free(expected);
    jd_diags_free(diags);
    g_free(data);
    g_free(target);
    g_free(filled);
    jt_rmrf(dir);
    g_free(dir);
    jd_value_unref(list);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("xlsx");
    TCase *tc = tcase_create("read");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, seed_same_tree_from_tsv_csv_xlsx_xls);
    tcase_add_test(tc, seed_xlsx_summary_and_merges);
    tcase_add_test(tc, progress_same_tree_from_csv_and_xlsx);
    tcase_add_test(tc, indicators_same_tree_from_tsv_csv_json_xlsx);
    tcase_add_test(tc, merges_give_exact_plans);
    tcase_add_test(tc, merges_fill_progress_down);
    tcase_add_test(tc, cell_values_as_shown);
    tcase_add_test(tc, wps_style_workbook);
    tcase_add_test(tc, sheet_by_name_or_first_visible);
    tcase_add_test(tc, broken_workbooks_are_clear_errors);
    tcase_add_test(tc, cell_positions_in_messages);
    tcase_add_test(tc, xlsx_form_is_locked_validated_and_reads_back);
    tcase_add_test(tc, xlsx_form_keeps_formula_like_text);
    tcase_add_test(tc, form_filled_by_libreoffice_reads_back_exactly);
    tcase_add_test(tc, returned_forms_are_not_overwritten);
    tcase_add_test(tc, documents_given_as_data_say_what_they_are);
    suite_add_tcase(s, tc);
    return jt_main(s);
}
