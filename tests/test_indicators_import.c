/* Indicator tables in: CSV, TSV and JSON giving the same tree in every encoding, the
 * canonical JSON read back byte for byte, headers as offices write them, every error at its
 * file:line:column; and the sample project's indicators with their state for 2023Q2 and for
 * the full year. */
#include <string.h>

#include "sample_indicators.h"
#include "test_import_util.h"

static char *fixture_path(const char *name)
{
    char *rel = g_build_filename("indicators", name, NULL);
    char *path = jt_fixture(rel);
    g_free(rel);
    return path;
}

/* Imports tests/fixtures/indicators/<name> (named <name> in messages); *messages gets every
 * message. */
static jd_value *import_fixture(const char *name, jd_import_info *info, char **messages)
{
    char *path = fixture_path(name);
    char *data = jt_read(path);
    jd_value *tree = jti_import_bytes(data, strlen(data), name, JD_FORMAT_AUTO, info, messages);
    g_free(data);
    g_free(path);
    return tree;
}

static jd_value *import_text(const char *text, const char *name, char **messages)
{
    return jti_import_bytes(text, strlen(text), name, JD_FORMAT_AUTO, NULL, messages);
}

/* ---- one tree from every format and encoding ----------------------------------------------- */

START_TEST(csv_tsv_and_json_give_the_same_tree)
{
    char *messages;
    jd_import_info info;
    jd_value *csv = import_fixture("table.csv", &info, &messages);
    ck_assert_str_eq(messages, "");
    ck_assert_int_eq(info.kind, JD_DATA_INDICATORS);
    ck_assert_int_eq(info.format, JD_FORMAT_CSV);
    g_free(messages);
    jd_value *tsv = import_fixture("table.tsv", &info, &messages);
    ck_assert_str_eq(messages, "");
    ck_assert_int_eq(info.format, JD_FORMAT_TSV);
    g_free(messages);
    jd_value *json = import_fixture("table.json", &info, &messages);
    ck_assert_str_eq(messages, "");
    ck_assert_int_eq(info.kind, JD_DATA_INDICATORS);
    g_free(messages);
    ck_assert(jd_value_equal(csv, tsv));
    ck_assert(jd_value_equal(csv, json));
    char *text = jd_value_to_json(csv, true);
    jt_golden(text, "indicators-table.json");
    /* the canonical JSON reads back to the same tree and the same bytes */
    jd_value *back = import_text(text, "table-canonical.json", &messages);
    ck_assert_str_eq(messages, "");
    char *again = jd_value_to_json(back, true);
    ck_assert_str_eq(again, text);
    ck_assert(jd_value_equal(back, csv));
    g_free(again);
    g_free(messages);
    g_free(text);
    jd_value_unref(back);
    jd_value_unref(json);
    jd_value_unref(tsv);
    jd_value_unref(csv);
}
END_TEST

START_TEST(every_encoding_gives_the_same_tree)
{
    char *messages;
    jd_value *utf8 = import_fixture("table.csv", NULL, &messages);
    g_free(messages);
    char *path = fixture_path("table.csv");
    char *text = jt_read(path);
    /* what Excel and WPS save: GB18030 with CRLF, UTF-8 with a BOM, UTF-16 with its mark */
    char **lines = g_strsplit(text, "\n", -1);
    char *crlf = g_strjoinv("\r\n", lines);
    gsize len = 0;
    char *gb = g_convert(crlf, -1, "GB18030", "UTF-8", NULL, &len, NULL);
    char *bom = g_strconcat("\xEF\xBB\xBF", crlf, NULL);
    gsize len16 = 0;
    char *u16 = g_convert(crlf, -1, "UTF-16LE", "UTF-8", NULL, &len16, NULL);
    char *u16bom = g_malloc(len16 + 2);
    memcpy(u16bom, "\xFF\xFE", 2);
    memcpy(u16bom + 2, u16, len16);
    static const jd_encoding expected[] = {JD_ENCODING_GB18030, JD_ENCODING_UTF8_BOM, JD_ENCODING_UTF16LE};
    const char *data[] = {gb, bom, u16bom};
    size_t sizes[] = {len, strlen(bom), len16 + 2};
    for (size_t i = 0; i < G_N_ELEMENTS(data); i++) {
        jd_import_info info;
        jd_value *tree = jti_import_bytes(data[i], sizes[i], "table.csv", JD_FORMAT_AUTO, &info, &messages);
        ck_assert_str_eq(messages, "");
        ck_assert_int_eq(info.encoding, expected[i]);
        ck_assert(jd_value_equal(tree, utf8));
        jd_value_unref(tree);
        g_free(messages);
    }
    g_free(u16bom);
    g_free(u16);
    g_free(bom);
    g_free(gb);
    g_free(crlf);
    g_strfreev(lines);
    g_free(text);
    g_free(path);
    jd_value_unref(utf8);
}
END_TEST

/* ---- headers ---------------------------------------------------------------------------------- */

START_TEST(headers_as_offices_write_them)
{
    char *messages;
    /* a two-line header under a merged 完成情况 cell; the year from 基期年份; 1-5月; 序号 and
     * a column jindu does not use */
    jd_value *tree = import_text("2023年指标\n"
                                 "序号,指标名称,单位,基期年份,基期值,目标,完成情况,,,审核人\n"
                                 ",,,,,,一季度,1-5月完成,上半年累计,\n"
                                 "1,新增就业,万人,2022,2.3万人,2.3万人,0.58,0.95,1.21,张三\n"
                                 "2,引进人才,人,2022,,5000人,—,2100人,2680人,\n",
                                 "two-lines.csv", &messages);
    ck_assert_str_eq(messages, "two-lines.csv:2:31: warning: column '审核人' is not an indicator column; its "
                               "cells are ignored");
    char *json = jti_json(tree);
    ck_assert_str_eq(json,
                     "{\"title\":\"2023年指标\",\"year\":2023,\"periods\":[\"2023-01/2023-03\",\"2023-01/2023-05\","
                     "\"2023-01/2023-06\"],\"rules\":{\"elapsed\":\"months\",\"about_points\":0.2,\"about_percent\":2},"
                     "\"indicators\":[{\"name\":\"新增就业\",\"unit\":\"万人\",\"measure\":\"level\",\"direction\":"
                     "\"higher\",\"baseline\":{\"year\":2022,\"text\":\"2.3万人\",\"qualifier\":\"\",\"value\":2.3},"
                     "\"target\":{\"text\":\"2.3万人\",\"qualifier\":\"\",\"value\":2.3},\"target_note\":\"\","
                     "\"lead_units\":[],\"co_units\":[],\"actuals\":[{\"period\":\"2023-01/2023-03\",\"text\":"
                     "\"0.58\",\"qualifier\":\"\",\"value\":0.58},{\"period\":\"2023-01/2023-05\",\"text\":\"0.95\","
                     "\"qualifier\":\"\",\"value\":0.95},{\"period\":\"2023-01/2023-06\",\"text\":\"1.21\","
                     "\"qualifier\":\"\",\"value\":1.21}],\"note\":\"\"},{\"name\":\"引进人才\",\"unit\":\"人\","
                     "\"measure\":\"level\",\"direction\":\"higher\",\"baseline\":null,\"target\":{\"text\":"
                     "\"5000人\",\"qualifier\":\"\",\"value\":5000},\"target_note\":\"\",\"lead_units\":[],"
                     "\"co_units\":[],\"actuals\":[{\"period\":\"2023-01/2023-05\",\"text\":\"2100人\","
                     "\"qualifier\":\"\",\"value\":2100},{\"period\":\"2023-01/2023-06\",\"text\":\"2680人\","
                     "\"qualifier\":\"\",\"value\":2680}],\"note\":\"\"}]}");
    g_free(json);
    g_free(messages);
    jd_value_unref(tree);

    /* 2023年完成 in a 2023 table is the full year; the year of the targets from the periods */
    tree = import_text("指标名称\t计量单位\t2022年完成\t目标值\t2023年上半年\t2023年完成\n"
                       "技术合同交易额\t亿元\t88.85亿元\t力争突破100亿元\t47.9亿元\t111.3亿元\n",
                       "years.tsv", &messages);
    ck_assert_str_eq(messages, "");
    ck_assert_int_eq(jd_object_get_int(tree, "year", 0), 2023);
    json = jti_json(jd_object_get(tree, "periods"));
    ck_assert_str_eq(json, "[\"2023-01/2023-06\",\"2023-01/2023-12\"]");
    g_free(json);
    const jd_value *ind = jd_array_get(jd_object_get(tree, "indicators"), 0);
    ck_assert_int_eq(jd_object_get_int(jd_object_get(ind, "baseline"), "year", 0), 2022);
    ck_assert_str_eq(jd_object_get_string(jd_object_get(ind, "target"), "qualifier"), "力争突破");
    g_free(messages);
    jd_value_unref(tree);

    /* a header with 序号 and 责任单位 is still an indicator table when it names 指标名称 and 目标值 */
    jd_import_info info;
    const char *units = "序号,指标名称,计量单位,2023年目标值,责任单位\n1,新增就业,万人,2.3万人,人社局\n";
    tree = jti_import_bytes(units, strlen(units), "units.csv", JD_FORMAT_AUTO, &info, &messages);
    ck_assert_str_eq(messages, "");
    ck_assert_int_eq(info.kind, JD_DATA_INDICATORS);
    ck_assert_str_eq(jd_value_string(jd_array_get(
                         jd_object_get(jd_array_get(jd_object_get(tree, "indicators"), 0), "lead_units"), 0)),
                     "人社局");
    g_free(messages);
    jd_value_unref(tree);
}
END_TEST

/* ---- errors ------------------------------------------------------------------------------------ */

START_TEST(every_error_at_its_cell)
{
    static const struct {
        const char *fixture, *messages;
    } cases[] = {
        {"errors.csv",
         "errors.csv:2:30: error: 上半年 '较快增长': not a number: write it as 5%, 4.5, 990亿元 or 1,200\n"
         "errors.csv:3:23: error: 上半年 '5%': a percent, but '专精特新企业' is measured in 家 (its 计量单位); "
         "write the figure in 家\n"
         "errors.csv:4:16: error: 目标值 '100亿元附近': unknown qualifier '附近'\n"
         "errors.csv:5:1: error: indicator '地区生产总值' is already at line 2\n"
         "errors.csv:6:32: error: '620' is in a column without a header: which period is it for? (一季度, 上半年, "
         "前三季度, 全年, 1-5月 …)\n"
         "errors.csv:7:8: error: 指标类型 '快速' is not a kind of indicator: use 增速, 总量, 存量 or 比重\n"
         "errors.csv:8:1: error: row has no 指标名称\n"
         "errors.csv:9:13: error: 目标值 is empty: every indicator needs its target (增长5%, 100亿元, or in words: "
         "实现稳定增长)"},
        {"errors.json",
         "errors.json:4:27: error: indicators.indicators[0].actuals[0].period: 前三季度 is not one of the file's "
         "periods (一季度, 上半年)\n"
         "errors.json:4:63: error: indicators.indicators[0].actuals[1].period '二季度' is not a cumulative period: "
         "the 二 quarter alone is not cumulative; indicator figures are cumulative from January: write 上半年 or "
         "1-6月\n"
         "errors.json:5:80: warning: indicators.indicators[1]: unknown member \"colour\" is ignored\n"
         "errors.json:6:42: error: indicators.indicators[1].actuals[0] (上半年) '5%': a percent, but '专精特新企业' "
         "is measured in 家 (its 计量单位); write the figure in 家\n"
         "errors.json:7:93: error: indicators.indicators[2].target.value is 5, but its text '增长4.5%' says 4.5\n"
         "errors.json:8:47: error: indicators.indicators[3].target '不低于100亿元以内': qualifiers that contradict "
         "each other ('不低于' and '以内')\n"
         "errors.json:9:12: error: indicator '专精特新企业' is already at line 5"},
        {"errors-header.csv",
         "errors-header.csv:1:32: error: the 二 quarter alone is not cumulative; indicator figures are cumulative "
         "from January: write 上半年 or 1-6月\n"
         "errors-header.csv:1:36: error: this column is for 2024, but the targets are for 2023: a file holds one "
         "year"},
        {"no-year.csv",
         "no-year.csv:1:1: error: which year are the targets for? Write it in a header (2023年目标值, 2023年上半年, "
         "2022年完成值) or give every row's 基期年份"},
        {"targets.csv",
         "targets.csv:2:17: error: 目标说明 '增长5%左右' and 目标值 '5' are different targets: write one, or the "
         "same in both\n"
         "targets.csv:3:24: error: 目标值 '控制在39以内' is a ceiling, but 方向 says higher is better"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        char *messages;
        jd_value *tree = import_fixture(cases[i].fixture, NULL, &messages);
        ck_assert_ptr_null(tree);
        ck_assert_str_eq(messages, cases[i].messages);
        g_free(messages);
    }
    /* a misspelt 指标名称 or 目标值 is named as the column it resembles: the file was taken
     * for a task list ("has no 目标任务 column"), or 目标说明 stood in for the targets */
    char *messages;
    ck_assert_ptr_null(import_text("序号,指标明称,计量单位,2023年目标值,一季度,前三季度\n1,新增就业,万人,2.3万人,0.5,1.8\n",
                                   "name.csv", &messages));
    ck_assert_str_eq(messages, "name.csv:1:4: error: column '指标明称' is not an indicator column: did you mean "
                               "'指标名称'? (the header has no '指标名称' column: its cells would be dropped)");
    g_free(messages);
    ck_assert_ptr_null(import_text("指标名称,计量单位,2023年目标直,目标说明\n新增就业,万人,2.3万人,新增2.3万人\n",
                                   "target.csv", &messages));
    ck_assert_str_eq(messages, "target.csv:1:11: error: column '2023年目标直' is not an indicator column: did you "
                               "mean '目标值'? (the header has no '目标值' column: its cells would be dropped)");
    g_free(messages);
    /* a JSON file without the year, or with a period of another year */
    ck_assert_ptr_null(import_text("{\"indicators\": []}", "no-year.json", &messages));
    ck_assert_str_eq(messages, "no-year.json:1:1: error: indicators: missing \"year\" (the year of the targets, "
                               "e.g. 2023)");
    g_free(messages);
    ck_assert_ptr_null(import_text("{\"year\": 2023, \"periods\": [\"2024年上半年\"], \"indicators\": []}",
                                   "other-year.json", &messages));
    ck_assert_str_eq(messages, "other-year.json:1:28: error: indicators.periods[0] is in 2024, not 2023, the year "
                               "of the targets");
    g_free(messages);
    ck_assert_ptr_null(import_text("{\"year\": 2023, \"periods\": [], \"rules\": {\"elapsed\": \"weeks\"}, "
                                   "\"indicators\": []}",
                                   "rules.json", &messages));
    ck_assert_str_eq(messages, "rules.json:1:52: error: indicators.rules.elapsed: elapsed is months or days, not 'weeks'");
    g_free(messages);
}
END_TEST

/* The layers themselves decide success by what they found, not by the messages someone
 * collects: given no diagnostics list, a table with errors still gives NULL. */
START_TEST(errors_fail_without_a_diagnostics_list)
{
    static const char *const fixtures[] = {"errors.csv", "errors-header.csv", "no-year.csv", "targets.csv"};
    for (size_t i = 0; i < G_N_ELEMENTS(fixtures); i++) {
        char *path = fixture_path(fixtures[i]);
        char *data = jt_read(path);
        jd_records *records = jd_records_new(data, strlen(data), ',', fixtures[i], NULL);
        ck_assert_msg(jd_indicators_from_records(records, fixtures[i], NULL) == NULL, "%s", fixtures[i]);
        jd_records_free(records);
        g_free(data);
        g_free(path);
    }
    char *path = fixture_path("errors.json");
    char *data = jt_read(path);
    jd_value *tree = jd_value_from_json(data, strlen(data), "errors.json", NULL);
    ck_assert_ptr_nonnull(tree);
    ck_assert_ptr_null(jd_indicators_from_json(tree, "errors.json", NULL));
    jd_value_unref(tree);
    g_free(data);
    g_free(path);
}
END_TEST

/* ---- the sample project's indicators ------------------------------------------------------------ */

static jd_value *sample_indicators(void)
{
    char *path = jt_src("samples/xiqing-2023/indicators.csv");
    jd_diags *diags = jd_diags_new();
    jd_import_info info;
    jd_value *tree = jd_import_file(path, JD_FORMAT_AUTO, &info, diags);
    ck_assert_msg(tree, "%s", jti_diags_text(diags));
    ck_assert_uint_eq(jd_diags_count(diags), 0);
    ck_assert_int_eq(info.kind, JD_DATA_INDICATORS);
    ck_assert_int_eq(info.encoding, JD_ENCODING_UTF8_BOM);
    jd_diags_free(diags);
    g_free(path);
    return tree;
}

START_TEST(sample_indicators_for_the_second_quarter_and_the_year)
{
    jd_value *tree = sample_indicators();
    const jd_value *list = jd_object_get(tree, "indicators");
    ck_assert_uint_eq(jd_array_length(list), G_N_ELEMENTS(sample));
    jd_indicator_rules rules;
    ck_assert(jd_indicator_rules_from_value(jd_object_get(tree, "rules"), &rules, NULL));
    jd_period q2 = {2023, 2, 0}, q4 = {2023, 4, 0};
    jd_ytd h1 = jd_ytd_of_period(&q2), fy = jd_ytd_of_period(&q4);
    for (size_t i = 0; i < G_N_ELEMENTS(sample); i++) {
        const jd_value *ind = jd_array_get(list, i);
        ck_assert_str_eq(jd_object_get_string(ind, "name"), sample[i].name);
        jd_value *a = jd_indicator_status(ind, &h1, &rules, NULL), *b = jd_indicator_status(ind, &fy, &rules, NULL);
        ck_assert_msg(strcmp(jd_object_get_string(a, "state"), sample[i].q2) == 0 &&
                          strcmp(jd_object_get_string(a, "completion_text"), sample[i].q2_completion) == 0,
                      "%s 2023Q2: %s %s", sample[i].name, jd_object_get_string(a, "state"),
                      jd_object_get_string(a, "completion_text"));
        ck_assert_msg(strcmp(jd_object_get_string(b, "state"), sample[i].year) == 0 &&
                          strcmp(jd_object_get_string(b, "completion_text"), sample[i].year_completion) == 0,
                      "%s 2023: %s %s", sample[i].name, jd_object_get_string(b, "state"),
                      jd_object_get_string(b, "completion_text"));
        jd_value_unref(a);
        jd_value_unref(b);
    }
    jd_value_unref(tree);
}
END_TEST

START_TEST(sample_figures_are_the_seeds_as_printed)
{
    /* the figures the two reports print, read as jindu reads them */
    jd_value *tree = sample_indicators();
    const jd_value *list = jd_object_get(tree, "indicators");
    const jd_value *gdp = jd_array_get(list, 0), *revenue = jd_array_get(list, 1), *talent = jd_array_get(list, 11);
    ck_assert_str_eq(jd_object_get_string(jd_object_get(gdp, "baseline"), "text"), "超过990亿元，同比增长3%");
    ck_assert_int_eq(jd_object_get_int(jd_object_get(gdp, "baseline"), "value", 0), 3);
    const jd_value *gdp_year = jd_array_get(jd_object_get(gdp, "actuals"), 3);
    ck_assert_str_eq(jd_object_get_string(gdp_year, "text"), "同比增长3%左右");
    ck_assert_str_eq(jd_object_get_string(gdp_year, "qualifier"), "左右");
    ck_assert_str_eq(jd_object_get_string(gdp_year, "period"), "2023-01/2023-12");
    ck_assert_str_eq(jd_object_get_string(jd_object_get(revenue, "target"), "text"), "增长4.5%");
    ck_assert(jd_value_is_null(jd_object_get(jd_object_get(revenue, "baseline"), "value"))); /* 67亿元: an amount */
    const jd_value *talent_year = jd_array_get(jd_object_get(talent, "actuals"), 3);
    ck_assert_str_eq(jd_object_get_string(talent_year, "text"), "5300余人");
    ck_assert_str_eq(jd_object_get_string(talent_year, "qualifier"), "余");
    /* the figures per period, and 34 indicators: 3 growth rates, 29 amounts, 2 stocks */
    char *summary = jd_indicators_summary(tree, NULL);
    ck_assert(strstr(summary, "  indicators: 34   year: 2023\n"
                              "  measures: growth 3, level 29, stock 2, share 0; targets in words 2\n"
                              "  figures: 一季度 32, 上半年 34, 前三季度 34, 全年 12\n"));
    g_free(summary);
    jd_value_unref(tree);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("indicator tables");
    TCase *tc = tcase_create("formats");
    tcase_add_test(tc, csv_tsv_and_json_give_the_same_tree);
    tcase_add_test(tc, every_encoding_gives_the_same_tree);
    tcase_add_test(tc, headers_as_offices_write_them);
    suite_add_tcase(s, tc);
    tc = tcase_create("errors");
    tcase_add_test(tc, every_error_at_its_cell);
    tcase_add_test(tc, errors_fail_without_a_diagnostics_list);
    suite_add_tcase(s, tc);
    tc = tcase_create("sample");
    tcase_add_test(tc, sample_indicators_for_the_second_quarter_and_the_year);
    tcase_add_test(tc, sample_figures_are_the_seeds_as_printed);
    suite_add_tcase(s, tc);
    return jt_main(s);
}
