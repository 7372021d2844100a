/* The ledger (台账): `jindu export` and jd_ledger_xlsx. Every sheet is read back with
 * jindu's own workbook reader and must give exactly the reports it was made from; the
 * workbook's XML is checked for what a reader does not see (filters, frozen panes, text
 * formats, colours, printing); an edit made in LibreOffice reads back; formula-like text
 * stays text. */
#include <string.h>

#include "test_progress_util.h"

/* ---- helpers ------------------------------------------------------------------------------ */

static jd_value *sample_progress(void)
{
    char *dir = jt_src("samples/xiqing-2023/progress");
    jd_value *progress = jd_import_file(dir, JD_FORMAT_AUTO, NULL, NULL);
    ck_assert_ptr_nonnull(progress);
    g_free(dir);
    return progress;
}

/* The sample list with its two quarters of progress merged on. */
static jd_value *sample_merged(jd_value **progress_out)
{
    jd_value *list = jtp_seed_list(), *progress = sample_progress();
    jd_value *merged = jd_progress_merge(list, progress, NULL, NULL);
    ck_assert_ptr_nonnull(merged);
    jd_value_unref(list);
    if (progress_out)
        *progress_out = progress;
    else
        jd_value_unref(progress);
    return merged;
}

/* g_ptr_array_sort passes pointers to the elements */
static gint compare_lines(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The canonical reports of `progress` for `period` (all when NULL), one JSON object a line,
 * sorted: the same reports in any order give the same text. */
static char *sorted_reports(const jd_value *progress, const char *period)
{
    jd_value *canonical = jd_progress_canonical(progress);
    const jd_value *reports = jd_object_get(canonical, "reports");
    GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);
    for (size_t i = 0; i < jd_array_length(reports); i++) {
        const jd_value *r = jd_array_get(reports, i);
        if (!period || g_strcmp0(jd_object_get_string(r, "period"), period) == 0)
            g_ptr_array_add(lines, jti_json(r));
    }
    g_ptr_array_sort(lines, compare_lines);
    g_ptr_array_add(lines, NULL);
    char *text = g_strjoinv("\n", (char **)lines->pdata);
    g_ptr_array_free(lines, TRUE);
    jd_value_unref(canonical);
    return text;
}

/* Reads sheet `sheet` of the workbook bytes as data named `name`; *messages gets every
 * message. */
static jd_value *read_sheet(const char *bytes, size_t len, const char *name, const char *sheet,
                            const char *const *states, char **messages)
{
    jd_import_options options = {JD_FORMAT_AUTO, NULL, states, sheet, NULL};
    jd_import_info info;
    jd_diags *diags = jd_diags_new();
    jd_value *v = jd_import_data_with(bytes, len, name, &options, &info, diags);
    ck_assert_int_eq(v == NULL, jd_diags_has_errors(diags));
    if (v) ck_assert_int_eq(info.kind, JD_DATA_PROGRESS);
    *messages = jti_diags_text(diags);
    jd_diags_free(diags);
    return v;
}

/* Row `r` of the records, its fields joined by '|', line breaks as \n. */
static char *row_text(const jd_records *records, size_t r)
{
    GString *out = g_string_new(NULL);
    for (size_t f = 0; f < jd_records_width(records, r); f++) {
        if (f) g_string_append_c(out, '|');
        for (const char *p = jd_records_field(records, r, f); *p; p++)
            if (*p == '\n')
                g_string_append(out, "\\n");
            else
                g_string_append_c(out, *p);
    }
    return g_string_free(out, FALSE);
}


static char *ledger_of(const jd_value *merged, const char *const *periods, const char *name,
                       size_t *len, size_t *rows, char **messages)
{
    jd_period list[8];
    size_t n = 0;
    for (; periods[n]; n++)
        list[n] = jtp_period(periods[n]);
    jd_diags *diags = jd_diags_new();
    char *bytes = jd_ledger_xlsx(merged, list, n, NULL, name, len, rows, diags);
    ck_assert_int_eq(bytes == NULL, jd_diags_has_errors(diags));
    /* success does not depend on whether messages are collected */
    size_t len2 = 0;
    char *again = jd_ledger_xlsx(merged, list, n, NULL, name, &len2, NULL, NULL);
    ck_assert_int_eq(again == NULL, bytes == NULL);
    if (bytes) ck_assert(len2 == *len && memcmp(bytes, again, *len) == 0);
    g_free(again);
    *messages = jti_diags_text(diags);
    jd_diags_free(diags);
    return bytes;
}

/* ---- the sample's ledger -------------------------------------------------------------------- */

START_TEST(periods_of_the_progress_in_time_order)
{
    jd_value *progress = sample_progress();
    size_t n = 0;
    jd_period *periods = jd_progress_periods(progress, &n);
    ck_assert_uint_eq(n, 2);
    char *a = jd_period_format(&periods[0]), *b = jd_period_format(&periods[1]);
    ck_assert_str_eq(a, "2023Q1");
    ck_assert_str_eq(b, "2023Q2");
    g_free(a);
    g_free(b);
    g_free(periods);
    jd_value_unref(progress);
    /* months and quarters, out of order and repeated */
    char *messages;
    progress = jtp_import_text("序号,责任单位,报告期,进展状态\n1,商务局,2023Q2,滞后\n"
                               "1,商务局,2023-05,滞后\n2,商务局,2023Q2,滞后\n"
                               "1,商务局,2023年第一季度,滞后\n1,商务局,2023-06,滞后\n",
                               "p.csv", NULL, &messages);
    ck_assert_str_eq(messages, "");
    periods = jd_progress_periods(progress, &n);
    GString *order = g_string_new(NULL);
    for (size_t i = 0; i < n; i++) {
        char *text = jd_period_format(&periods[i]);
        g_string_append_printf(order, "%s ", text);
        g_free(text);
    }
    ck_assert_str_eq(order->str, "2023Q1 2023-05 2023-06 2023Q2 ");
    g_string_free(order, TRUE);
    g_free(periods);
    g_free(messages);
    jd_value_unref(progress);
}
END_TEST

START_TEST(sample_ledger_reads_back_as_its_progress)
{
    jd_value *progress;
    jd_value *merged = sample_merged(&progress);
    static const char *const periods[] = {"2023Q1", "2023Q2", NULL};
    size_t len = 0, rows = 0;
    char *messages;
    char *bytes = ledger_of(merged, periods, "台账.xlsx", &len, &rows, &messages);
    ck_assert_str_eq(messages, "");
    g_free(messages);
    ck_assert_uint_eq(rows, 2 * 232); /* every task × unit name, in each period */
    static const char *const sheets[] = {"2023年第一季度", "2023年第二季度"};
    for (size_t i = 0; i < 2; i++) {
        jd_value *back = read_sheet(bytes, len, "台账.xlsx", sheets[i], NULL, &messages);
        /* 责任区领导 is a list column the reader knows, and 未报送 rows are no reports */
        ck_assert_str_eq(messages, "");
        char *expected = sorted_reports(progress, periods[i]);
        char *actual = sorted_reports(back, NULL);
        ck_assert_str_eq(actual, expected);
        ck_assert_int_eq(jt_count(actual, "\n") + 1, (i == 0 ? 232 : 222));
        g_free(actual);
        g_free(expected);
        g_free(messages);
        jd_value_unref(back);
    }
    g_free(bytes);
    jd_value_unref(progress);
    jd_value_unref(merged);
}
END_TEST

START_TEST(sample_ledger_rows_are_exact)
{
    jd_value *merged = sample_merged(NULL);
    static const char *const periods[] = {"2023Q2", NULL};
    size_t len = 0;
    char *messages;
    char *bytes = ledger_of(merged, periods, "台账.xlsx", &len, NULL, &messages);
    g_free(messages);
    jd_diags *diags = jd_diags_new();
    char *source = NULL;
    jd_records *records = jd_xlsx_read(bytes, len, "台账.xlsx", NULL, &source, diags);
    ck_assert_str_eq(source, "台账.xlsx[2023年第二季度]");
    ck_assert_uint_eq(jd_records_count(records), 2 + 232);
    static const char *const expected[][2] = {
        /* the title merged across the table */
        {"0", "西青区政府工作报告2023年重点工作任务清单 2023年第二季度工作台账|||||||||||"},
        {"1", "序号|目标任务|责任单位|责任区领导|报告期|本期计划|进展状态|完成情况|存在问题|"
              "下步措施|填报人|填报日期"},
        /* a task of two units: both rows carry the task, each its own report */
        {"3", "2|严格落实重大行政决策程序，加强重大行政决策目录管理，推进科学决策、民主决策、依法"
              "决策|区政府办公室|殷学武、鲍杰|2023年第二季度|2023年4月底前完成西青区人民"
              "政府2023年度重大行政决策目录编制公布备案工作|序时推进|本期计划各项工作，按计划有序推进。||"
              "按计划推进下一阶段工作。|赵敏|2023-06-22"},
        {"4", "2|严格落实重大行政决策程序，加强重大行政决策目录管理，推进科学决策、民主决策、依法"
              "决策|司法局|殷学武、鲍杰|2023年第二季度|2023年4月底前完成西青区人民政府"
              "2023年度重大行政决策目录编制公布备案工作|滞后|本期计划各项工作，已启动，进度慢于序时。|"
              "项目资金尚未全部到位|积极争取资金支持，加快推进|孙浩|2023-06-20"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(expected); i++) {
        char *text = row_text(records, (size_t)atoi(expected[i][0]));
        ck_assert_str_eq(text, expected[i][1]);
        g_free(text);
    }
    /* the first unit that did not report, as jd_progress_missing finds it */
    jd_period q2 = jtp_period("2023Q2");
    jd_value *missing = jd_progress_missing(merged, &q2);
    ck_assert_uint_eq(jd_array_length(missing), 232 - 222);
    const jd_value *first = jd_array_get(missing, 0);
    ck_assert_int_eq(jd_object_get_int(first, "task", 0), 58);
    ck_assert_str_eq(jd_object_get_string(first, "unit"), "赛达办");
    size_t not_reported = 0, at = 0;
    for (size_t r = 2; r < jd_records_count(records); r++)
        if (strcmp(jd_records_field(records, r, 6), "未报送") == 0 && !not_reported++) at = r;
    ck_assert_uint_eq(not_reported, 10);
    char *text = row_text(records, at);
    ck_assert_str_eq(text, "58|加快赛达新城产城融合发展，深化西青辅城建设，谋划实施一批重大基础设施"
                           "项目，积极推进“两城”建设融入天津“双城”发展格局|赛达办|梁军、庞铁强|"
                           "2023年第二季度|持续统筹赛达新城总体规划与西青开发区、相关街镇基础设施"
                           "规划的协同对接。持续统筹区域范围内基础设施整合连接、土地征转过程中的重大"
                           "问题，加强联系沟通，强化信息共享，发挥协调作用，促进联动发展。持续负责对"
                           "赛达新城规划范围内的重点项目督导、重点课题调研、重要信息收集整理|未报送");
    g_free(text);
    char *read_messages = jti_diags_text(diags);
    ck_assert_str_eq(read_messages, "");
    g_free(read_messages);
    jd_value_unref(missing);
    jd_records_free(records);
    jd_diags_free(diags);
    g_free(source);
    g_free(bytes);
    jd_value_unref(merged);
}
END_TEST

/* ---- what a reader does not see ------------------------------------------------------------ */

/* Whether each cell style of styles.xml (its cellXfs, in order) has the number format Text:
 * the built-in 49, or a custom format "@". */
static GArray *text_styles(const char *styles)
{
    GHashTable *text_formats = g_hash_table_new(g_direct_hash, g_direct_equal);
    g_hash_table_add(text_formats, GINT_TO_POINTER(49));
    for (const char *p = strstr(styles, "<numFmt "); p; p = strstr(p + 1, "<numFmt ")) {
        const char *id = strstr(p, "numFmtId=\"");
        if (g_str_has_prefix(strstr(p, "formatCode=\""), "formatCode=\"@\""))
            g_hash_table_add(text_formats, GINT_TO_POINTER(atoi(id + 10)));
    }
    GArray *text = g_array_new(FALSE, FALSE, sizeof(bool));
    const char *xfs = strstr(styles, "<cellXfs");
    ck_assert_ptr_nonnull(xfs);
    const char *end = strstr(xfs, "</cellXfs>");
    for (const char *p = strstr(xfs, "<xf "); p && p < end; p = strstr(p + 1, "<xf ")) {
        const char *id = strstr(p, "numFmtId=\"");
        bool is_text = id && id < strchr(p, '>') &&
                       g_hash_table_contains(text_formats, GINT_TO_POINTER(atoi(id + 10)));
        g_array_append_val(text, is_text);
    }
    g_hash_table_destroy(text_formats);
    return text;
}

START_TEST(ledger_workbook_structure)
{
    jd_value *merged = sample_merged(NULL);
    static const char *const periods[] = {"2023Q1", "2023Q2", NULL};
    size_t len = 0;
    char *messages;
    char *bytes = ledger_of(merged, periods, "台账.xlsx", &len, NULL, &messages);
    g_free(messages);
    char *workbook = jti_workbook_part(bytes, len, "xl/workbook.xml");
    /* one sheet per period; it opens on the latest; the header row prints on every page */
    ck_assert_ptr_nonnull(strstr(workbook, "<sheet name=\"2023年第一季度\" sheetId=\"1\""));
    ck_assert_ptr_nonnull(strstr(workbook, "<sheet name=\"2023年第二季度\" sheetId=\"2\""));
    ck_assert_ptr_nonnull(strstr(workbook, "activeTab=\"1\""));
    ck_assert_ptr_nonnull(strstr(workbook, "<definedName name=\"_xlnm.Print_Titles\" "
                                           "localSheetId=\"1\">'2023年第二季度'!$2:$2"));
    ck_assert_ptr_nonnull(strstr(workbook, "<definedName name=\"_xlnm._FilterDatabase\" "
                                           "localSheetId=\"1\" hidden=\"1\">'2023年第二季度'!"
                                           "$A$2:$L$234</definedName>"));
    char *sheet = jti_workbook_part(bytes, len, "xl/worksheets/sheet2.xml");
    /* filters on the header, the header and 序号, 目标任务 frozen */
    ck_assert_ptr_nonnull(strstr(sheet, "<autoFilter ref=\"A2:L234\"/>"));
    ck_assert_ptr_nonnull(strstr(sheet, "<pane xSplit=\"2\" ySplit=\"2\" topLeftCell=\"C3\" "
                                        "activePane=\"bottomRight\" state=\"frozen\"/>"));
    /* states offered with 未报送, dates checked, states coloured */
    ck_assert_ptr_nonnull(strstr(sheet, "sqref=\"G3:G234\"><formula1>\"已完成,序时推进,滞后,"
                                        "未启动,未报送\"</formula1>"));
    ck_assert_ptr_nonnull(strstr(sheet, "type=\"date\""));
    ck_assert_ptr_nonnull(strstr(sheet, "<conditionalFormatting sqref=\"G3:G234\">"));
    ck_assert_int_eq(jt_count(sheet, "<cfRule type=\"cellIs\""), 4);
    ck_assert_ptr_nonnull(strstr(sheet, "<formula>\"滞后\"</formula>"));
    ck_assert_ptr_nonnull(strstr(sheet, "<formula>\"未报送\"</formula>"));
    /* A4 landscape, one page wide, page numbers at the foot, the period on top */
    ck_assert_ptr_nonnull(strstr(sheet, "<pageSetup paperSize=\"9\" fitToHeight=\"0\" "
                                        "orientation=\"landscape\""));
    ck_assert_ptr_nonnull(strstr(sheet, "<oddHeader>&amp;C&amp;A</oddHeader>"));
    ck_assert_ptr_nonnull(strstr(sheet, "<oddFooter>&amp;C第 &amp;P 页 共 &amp;N 页</oddFooter>"));
    /* widths, and rows tall enough for their wrapped text */
    ck_assert_ptr_nonnull(strstr(sheet, "<col min=\"8\" max=\"8\" width=\"36.7109375\" "
                                        "customWidth=\"1\"/>"));
    ck_assert_ptr_nonnull(strstr(sheet, "<row r=\"3\" spans=\"1:12\" ht=\"246.5\" customHeight"));
    /* never a formula; every text cell a shared string in the Text format (numFmt 49) */
    ck_assert_ptr_null(strstr(sheet, "<f>"));
    ck_assert_ptr_null(strstr(sheet, "t=\"str\""));
    char *styles = jti_workbook_part(bytes, len, "xl/styles.xml");
    GArray *formats = text_styles(styles);
    int text_cells = 0;
    for (const char *c = strstr(sheet, "<c r=\""); c; c = strstr(c + 1, "<c r=\"")) {
        int row = atoi(c + 7 + strspn(c + 7, "ABCDEFGHIJKL"));
        const char *close = strchr(c, '>');
        const char *s = strstr(c, " s=\"");
        bool shared = strstr(c, " t=\"s\"") && strstr(c, " t=\"s\"") < close;
        if (row < 3 || !shared) continue;
        ck_assert_ptr_nonnull(s);
        ck_assert_msg(g_array_index(formats, bool, atoi(s + 4)), "cell %.12s is not Text", c);
        text_cells++;
    }
    ck_assert_int_gt(text_cells, 232 * 6);
    g_array_free(formats, TRUE);
    g_free(styles);
    /* a fixed time, and the mark that tells a later export this is a ledger jindu wrote */
    char *core = jti_workbook_part(bytes, len, "docProps/core.xml");
    ck_assert_ptr_nonnull(strstr(core, "<dcterms:modified xsi:type=\"dcterms:W3CDTF\">"
                                       "2000-01-01T00:00:00Z</dcterms:modified>"));
    char *custom = jti_workbook_part(bytes, len, "docProps/custom.xml");
    ck_assert_ptr_nonnull(strstr(custom, "name=\"jindu\"><vt:lpwstr>ledger</vt:lpwstr>"));
    g_free(custom);
    g_free(core);
    g_free(sheet);
    g_free(workbook);
    g_free(bytes);
    jd_value_unref(merged);
}
END_TEST

/* ---- text that looks like a formula ------------------------------------------------------------ */

START_TEST(formula_like_text_stays_text)
{
    char *messages;
    jd_import_info info;
    static const char list_text[] =
        "序号\t目标任务\t责任单位\t第一季度\t第二季度\t第三季度\t第四季度\t责任区领导\n"
        "1\t=HYPERLINK(\"http://example.com\",\"点击\")\t+商务局\t@SUM(1,2)\t\t\t\t张三\n"
        "2\t-2个项目\t=财政局\t全年\t\t\t\t张三\n";
    jd_value *list = jti_import_bytes(list_text, strlen(list_text), "l.tsv", JD_FORMAT_AUTO, &info,
                                      &messages);
    ck_assert_str_eq(messages, "");
    g_free(messages);
    jd_value *progress = jtp_import_text(
        "序号,责任单位,报告期,进展状态,完成情况,存在问题,下步措施,填报人,填报日期\n"
        "1,+商务局,2023Q2,滞后,-3个项目未开工,@SUM(1+1),=1+1,'王磊,2023-06-25\n"
        "2,=财政局,2023Q2,已完成,\"=cmd|' /C calc'!A0\",+86 22 1234,,\t李,2023-06-26\n",
        "p.csv", NULL, &messages);
    ck_assert_str_eq(messages, "");
    g_free(messages);
    jd_value *merged = jd_progress_merge(list, progress, NULL, NULL);
    ck_assert_ptr_nonnull(merged);
    static const char *const periods[] = {"2023Q2", NULL};
    size_t len = 0;
    char *bytes = ledger_of(merged, periods, "台账.xlsx", &len, NULL, &messages);
    ck_assert_str_eq(messages, "");
    g_free(messages);
    /* every text read back as it was written */
    jd_value *back = read_sheet(bytes, len, "台账.xlsx", NULL, NULL, &messages);
    ck_assert_str_eq(messages, "");
    char *expected = sorted_reports(progress, NULL), *actual = sorted_reports(back, NULL);
    ck_assert_str_eq(actual, expected);
    jd_diags *diags = jd_diags_new();
    char *source;
    jd_records *records = jd_xlsx_read(bytes, len, "台账.xlsx", NULL, &source, diags);
    g_free(source);
    char *row = row_text(records, 2);
    ck_assert_str_eq(row, "1|=HYPERLINK(\"http://example.com\",\"点击\")|+商务局|张三|2023年第二季度|"
                          "@SUM(1,2)|滞后|-3个项目未开工|@SUM(1+1)|=1+1|'王磊|2023-06-25");
    g_free(row);
    row = row_text(records, 3);
    ck_assert_str_eq(row, "2|-2个项目|=财政局|张三|2023年第二季度|全年|已完成|=cmd|' /C calc'!A0|"
                          "+86 22 1234||李|2023-06-26");
    g_free(row);
    /* and in the file they are strings, not formulas */
    char *sheet = jti_workbook_part(bytes, len, "xl/worksheets/sheet1.xml");
    ck_assert_ptr_null(strstr(sheet, "<f>"));
    ck_assert_int_eq(jt_count(sheet, "t=\"s\""), 2 + 12 + 2 * 9);
    char *strings = jti_workbook_part(bytes, len, "xl/sharedStrings.xml");
    ck_assert_ptr_nonnull(strstr(strings, "<t>=HYPERLINK(\"http://example.com\",\"点击\")</t>"));
    g_free(strings);
    g_free(sheet);
    jd_records_free(records);
    jd_diags_free(diags);
    g_free(actual);
    g_free(expected);
    g_free(messages);
    jd_value_unref(back);
    g_free(bytes);
    jd_value_unref(merged);
    jd_value_unref(progress);
    jd_value_unref(list);
}
END_TEST

/* ---- 未报送 read back -------------------------------------------------------------------------- */

START_TEST(not_reported_rows_are_no_reports)
{
    static const char text[] = "序号,目标任务,责任单位,报告期,进展状态,完成情况,填报人\n"
                               "1,任务一,商务局,2023Q2,未报送,,\n"
                               "2,任务二,商务局,2023Q2, 未 报 送 ,,王磊\n"
                               "3,任务三,商务局,2023Q2,滞后,开工,王磊\n";
    char *messages;
    jd_value *progress = jtp_import_text(text, "p.csv", NULL, &messages);
    ck_assert_str_eq(messages, "");
    g_free(messages);
    ck_assert_uint_eq(jd_array_length(jd_object_get(progress, "reports")), 1);
    jd_value_unref(progress);
    /* 未报送 beside a text is not a state */
    progress = jtp_import_text("序号,责任单位,报告期,进展状态,完成情况\n"
                               "1,商务局,2023Q2,未报送,已开工\n",
                               "p.csv", NULL, &messages);
    ck_assert_ptr_null(progress);
    ck_assert_str_eq(messages, "p.csv:2:14: error: 进展状态 '未报送' is not a state: use 已完成, "
                               "序时推进, 滞后 or 未启动");
    g_free(messages);
    /* unless 未报送 is one of the configured states */
    static const char *const states[] = {"已完成", "未报送", NULL};
    jd_import_options options = {JD_FORMAT_AUTO, NULL, states, NULL, NULL};
    progress = jtp_import_text("序号,责任单位,报告期,进展状态\n1,商务局,2023Q2,未报送\n", "p.csv",
                               &options, &messages);
    ck_assert_str_eq(messages, "");
    ck_assert_uint_eq(jd_array_length(jd_object_get(progress, "reports")), 1);
    g_free(messages);
    jd_value_unref(progress);
    ck_assert(jd_progress_not_reported("未报送"));
    ck_assert(jd_progress_not_reported(" 未 报 送 "));
    ck_assert(!jd_progress_not_reported("未启动"));
    ck_assert(!jd_progress_not_reported(""));
}
END_TEST

/* ---- errors ------------------------------------------------------------------------------------ */

START_TEST(ledger_errors)
{
    jd_value *list = jtp_list();
    char *messages;
    /* no period */
    jd_diags *diags = jd_diags_new();
    size_t len = 0;
    ck_assert_ptr_null(jd_ledger_xlsx(list, NULL, 0, NULL, "台账.xlsx", &len, NULL, diags));
    messages = jti_diags_text(diags);
    ck_assert_str_eq(messages, "台账.xlsx: error: no period: the progress data has no reports; "
                               "name the periods");
    g_free(messages);
    jd_diags_free(diags);
    /* a period twice, written two ways */
    static const char *const twice[] = {"2023Q2", "2023年第二季度", NULL};
    ck_assert_ptr_null(ledger_of(list, twice, "台账.xlsx", &len, NULL, &messages));
    ck_assert_str_eq(messages, "台账.xlsx: error: the period 2023年第二季度 is asked for twice");
    g_free(messages);
    /* a text longer than a cell holds: an error at its cell, no workbook */
    GString *text = g_string_new("序号,责任单位,报告期,进展状态,完成情况\n1,商务局,2023Q2,滞后,");
    for (int i = 0; i < 40000; i++)
        g_string_append(text, "字");
    g_string_append_c(text, '\n');
    jd_value *progress = jtp_import_text(text->str, "p.csv", NULL, &messages);
    ck_assert_str_eq(messages, "");
    g_free(messages);
    jd_value *merged = jd_progress_merge(list, progress, NULL, NULL);
    ck_assert_ptr_nonnull(merged);
    static const char *const q2[] = {"2023Q2", NULL};
    ck_assert_ptr_null(ledger_of(merged, q2, "台账.xlsx", &len, NULL, &messages));
    ck_assert_str_eq(messages, "台账.xlsx[2023年第二季度]!H3: error: 完成情况 of task 1 (商务局) "
                               "has 40000 characters, more than a cell of a workbook holds (32767)");
    g_free(messages);
    g_string_free(text, TRUE);
    jd_value_unref(merged);
    jd_value_unref(progress);
    jd_value_unref(list);
}
END_TEST

/* ---- an edited ledger ------------------------------------------------------------------------ */


START_TEST(ledger_edited_in_libreoffice_reads_back)
{
    /* made by tests/fixtures/xlsx/edit-ledger.py from the sample's 2023Q2 ledger */
    char *path = jti_xlsx_fixture("ledger-edited.xlsx");
    gsize len = 0;
    char *bytes = NULL;
    ck_assert(g_file_get_contents(path, &bytes, &len, NULL));
    char *messages;
    jd_value *back = read_sheet(bytes, len, "ledger-edited.xlsx", NULL, NULL, &messages);
    ck_assert_str_eq(messages, "");
    g_free(messages);
    char *actual = sorted_reports(back, NULL);
    /* the sample's reports, with the two edits */
    jd_value *progress = sample_progress();
    char *before = sorted_reports(progress, "2023Q2");
    char *changed_from = "{\"task\":2,\"unit\":\"司法局\",\"period\":\"2023Q2\",\"state\":\"滞后\","
                         "\"done\":\"本期计划各项工作，已启动，进度慢于序时。\",\"problems\":"
                         "\"项目资金尚未全部到位\",";
    char *changed_to = "{\"task\":2,\"unit\":\"司法局\",\"period\":\"2023Q2\",\"state\":\"序时推进\","
                       "\"done\":\"本期计划各项工作，已启动，进度慢于序时。\",\"problems\":"
                       "\"项目资金尚未全部到位\\n经会议协调，资金已落实\",";
    ck_assert_ptr_nonnull(strstr(before, changed_from));
    GString *expected = g_string_new(NULL);
    char **lines = g_strsplit(before, "\n", -1);
    const char *late = "{\"task\":58,\"unit\":\"赛达办\",\"period\":\"2023Q2\",\"state\":\"序时推进\","
                       "\"done\":\"会后补报：已完成前期调研。\",\"problems\":\"\",\"next\":\"\","
                       "\"reporter\":\"周强\",\"date\":\"2023-07-05\"}";
    bool placed = false;
    for (char **l = lines; *l; l++) {
        if (!placed && strcmp(*l, late) > 0) {
            g_string_append_printf(expected, "%s\n", late);
            placed = true;
        }
        if (g_str_has_prefix(*l, changed_from))
            g_string_append_printf(expected, "%s%s\n", changed_to, *l + strlen(changed_from));
        else
            g_string_append_printf(expected, "%s\n", *l);
    }
    g_string_truncate(expected, expected->len - 1);
    ck_assert_str_eq(actual, expected->str);
    g_string_free(expected, TRUE);
    g_strfreev(lines);
    g_free(before);
    g_free(actual);
    jd_value_unref(progress);
    jd_value_unref(back);
    g_free(bytes);
    g_free(path);
}
END_TEST

START_TEST(edited_ledgers_are_not_overwritten)
{
    jd_value *merged = sample_merged(NULL);
    jd_period q2 = jtp_period("2023Q2");
    char *dir = jt_tmpdir();
    char *path = g_build_filename(dir, "台账.xlsx", NULL);
    jd_ledger_options options = {NULL, false};
    size_t rows = 0;
    ck_assert(jd_ledger_write(merged, &q2, 1, &options, path, &rows, NULL));
    ck_assert_uint_eq(rows, 232);
    /* a ledger jindu wrote, not saved since: replaced */
    ck_assert(jd_ledger_write(merged, &q2, 1, &options, path, NULL, NULL));
    /* one LibreOffice saved (it may hold edits), or a file that is no ledger: kept */
    char *edited = jti_xlsx_fixture("ledger-edited.xlsx");
    char *tasks = jt_src("samples/xiqing-2023/tasks.tsv");
    const char *const others[] = {edited, tasks};
    for (size_t i = 0; i < G_N_ELEMENTS(others); i++) {
        gchar *data = NULL;
        gsize len = 0;
        ck_assert(g_file_get_contents(others[i], &data, &len, NULL));
        ck_assert(g_file_set_contents(path, data, (gssize)len, NULL));
        jd_diags *diags = jd_diags_new();
        ck_assert(!jd_ledger_write(merged, &q2, 1, &options, path, NULL, diags));
        char *messages = jti_diags_text(diags);
        char *expected = g_strdup_printf("%s: error: is not a ledger jindu wrote and no one saved "
                                         "since (it may hold edits made after the meeting): not "
                                         "overwritten; move it away, or give --force",
                                         path);
        ck_assert_str_eq(messages, expected);
        gchar *kept = NULL;
        gsize kept_len = 0;
        ck_assert(g_file_get_contents(path, &kept, &kept_len, NULL));
        ck_assert(kept_len == len && memcmp(kept, data, len) == 0);
        char *listing = jt_dir_listing(dir);
        ck_assert_str_eq(listing, "台账.xlsx"); /* no temporary file left either */
        g_free(listing);
        g_free(kept);
        g_free(expected);
        g_free(messages);
        jd_diags_free(diags);
        g_free(data);
    }
    options.force = true;
    ck_assert(jd_ledger_write(merged, &q2, 1, &options, path, NULL, NULL));
    gchar *data = NULL;
    gsize len = 0;
    ck_assert(g_file_get_contents(path, &data, &len, NULL));
    char *messages;
    jd_value *back = read_sheet(data, len, "台账.xlsx", NULL, NULL, &messages);
    ck_assert_uint_eq(jd_array_length(jd_object_get(back, "reports")), 222);
    jd_value_unref(back);
    g_free(messages);
    g_free(data);
    g_free(tasks);
    g_free(edited);
    jt_rmrf(dir);
    g_free(path);
    g_free(dir);
    jd_value_unref(merged);
}
END_TEST

/* ---- jindu export ------------------------------------------------------------------------------ */

/* Runs `jindu export ARGS -o PATH` and asserts success and the line "PATH: SAID". */
static void assert_export(const char *args, const char *path, const char *said)
{
    char *out, *err;
    ck_assert_int_eq(jt_cli(&out, &err, "export %s -o '%s'", args, path), 0);
    char *expected = g_strdup_printf("%s: %s\n", path, said);
    ck_assert_str_eq(out, expected);
    g_free(expected);
    g_free(out);
    g_free(err);
}

/* Asserts that `jindu import PATH#SHEET` prints `line`. */
static void assert_import_prints(const char *path, const char *sheet, const char *line)
{
    char *out, *err;
    ck_assert_int_eq(jt_cli(&out, &err, "import '%s#%s'", path, sheet), 0);
    ck_assert_msg(strstr(out, line) != NULL, "no '%s' in:\n%s", line, out);
    g_free(out);
    g_free(err);
}

START_TEST(export_writes_the_ledger)
{
    char *tmp = jt_tmpdir();
    char *path = g_build_filename(tmp, "台账.xlsx", NULL);
    char *list = jt_src("samples/xiqing-2023/tasks.tsv");
    char *progress = jt_src("samples/xiqing-2023/progress");
    char *data = g_strdup_printf("--data '%s' --data '%s'", list, progress);
    assert_export(data, path, "2 sheets (2023年第一季度, 2023年第二季度), 464 task rows");
    /* a sheet read back by the command line */
    assert_import_prints(path, "2023年第一季度", "  reports: 232   units: 53");
    assert_import_prints(path, "2023年第一季度", "  warnings: 0\n");
    /* periods asked for, one with no report yet: every unit 未报送 */
    char *args = g_strdup_printf("%s -p 2023Q3,2023年第二季度", data);
    assert_export(args, path, "2 sheets (2023年第三季度, 2023年第二季度), 464 task rows");
    assert_import_prints(path, "2023年第三季度", "  reports: 0");
    g_free(args);
    /* a list alone gives a ledger of the periods asked for */
    args = g_strdup_printf("-d '%s' -p 2023-05", list);
    assert_export(args, path, "1 sheet (2023年5月), 232 task rows");
    g_free(args);
    g_free(data);
    g_free(progress);
    g_free(list);
    jt_rmrf(tmp);
    g_free(path);
    g_free(tmp);
}
END_TEST

START_TEST(export_usage_and_bad_input)
{
    char *out, *err;
    ck_assert_int_eq(jt_cli(&out, &err, "export --help"), 0);
    ck_assert_ptr_nonnull(strstr(out, "jindu import 台账.xlsx#2023年第二季度"));
    g_free(out);
    g_free(err);
    static const struct {
        const char *args, *message;
    } usage[] = {
        {"-o a.xlsx", "--data and -o are required"},
        {"-d t.tsv", "--data and -o are required"},
        {"-d t.tsv -o a.pdf", "-o: the ledger is a workbook: name it .xlsx, not 'a.pdf'"},
        {"-d t.tsv -o a.xlsx -p 2023Q5", "--period: '2023Q5' is not a period (2023Q2, "
                                         "2023年第二季度, 2023-05, 2023年5月)"},
        {"-d t.tsv -o a.xlsx extra", "unexpected argument 'extra'"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(usage); i++)
        jt_assert_usage_error("export", usage[i].args, usage[i].message);
    char *tmp = jt_tmpdir();
    char *path = g_build_filename(tmp, "台账.xlsx", NULL);
    char *list = jt_src("samples/xiqing-2023/tasks.tsv");
    char *progress = jt_src("samples/xiqing-2023/progress");
    /* no progress and no period */
    ck_assert_int_eq(jt_cli(&out, &err, "export -d '%s' -o '%s'", list, path), 1);
    ck_assert_ptr_nonnull(strstr(err, "error: no progress data: name the periods of the ledger "
                                      "(--period 2023Q2)\n"));
    g_free(out);
    g_free(err);
    /* progress without its list */
    ck_assert_int_eq(jt_cli(&out, &err, "export -d '%s' -o '%s'", progress, path), 1);
    ck_assert_str_eq(err, "error: no task list among the data: the ledger lists its tasks "
                          "(--data tasks.tsv)\n");
    g_free(out);
    g_free(err);
    char *listing = jt_dir_listing(tmp);
    ck_assert_str_eq(listing, ""); /* nothing written */
    g_free(listing);
    g_free(progress);
    g_free(list);
    jt_rmrf(tmp);
    g_free(path);
    g_free(tmp);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ledger");
    TCase *tc = tcase_create("ledger");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, periods_of_the_progress_in_time_order);
    tcase_add_test(tc, sample_ledger_reads_back_as_its_progress);
    tcase_add_test(tc, sample_ledger_rows_are_exact);
    tcase_add_test(tc, ledger_workbook_structure);
    tcase_add_test(tc, formula_like_text_stays_text);
    tcase_add_test(tc, not_reported_rows_are_no_reports);
    tcase_add_test(tc, ledger_errors);
    tcase_add_test(tc, ledger_edited_in_libreoffice_reads_back);
    tcase_add_test(tc, edited_ledgers_are_not_overwritten);
    tcase_add_test(tc, export_writes_the_ledger);
    tcase_add_test(tc, export_usage_and_bad_input);
    suite_add_tcase(s, tc);
    return jt_main(s);
}
