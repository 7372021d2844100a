/* The meeting summary (templates/meeting-summary.xml, a 通报 in the GB/T 9704 format) on the
 * sample project: the sentences and counts it writes for 2023Q2 (task_counts: 已完成 15,
 * 序时推进 79, 滞后 18, 未启动 1, 未报送 10), for the full year (no progress reports: every
 * task 未报送) and without indicators; the indicator table read back cell by cell from the
 * PDF with each indicator's state; from the layout dump, its text pages on the 22 × 28 grid,
 * its page numbers where the standard puts them, and its charts' geometry; both backends'
 * text per page, embedded subset fonts and repeatable bytes; bad input (a missing or
 * malformed period, a malformed indicator table) refused with its position and no output
 * written or damaged; and a project build and watch that rebuild it when the indicators
 * change. */
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <stdarg.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jd_import.h"
#include "sample_indicators.h"
#include "test_gongwen_lines.h"
#include "test_haru_pdf.h"
#include "test_render_sheet.h"
#include "testutil.h"

static char *tmp;
static char *template_path, *data_args;

/* the 2023Q2 circular's signature, as the sample project gives it */
#define PARAMS "-D date=2023-07-10 -D office=西青区人民政府督查室 -D number=西青督〔2023〕5号"

static void setup(void)
{
    tmp = jt_tmpdir();
    template_path = jt_src("templates/meeting-summary.xml");
    char *tasks = jt_src("samples/xiqing-2023/tasks.tsv"), *progress = jt_src("samples/xiqing-2023/progress"),
         *indicators = jt_src("samples/xiqing-2023/indicators.csv");
    data_args = g_strdup_printf("--data '%s' --data '%s' --data '%s'", tasks, progress, indicators);
    g_free(tasks), g_free(progress), g_free(indicators);
}

static void teardown(void)
{
    jt_rmrf(tmp);
    g_free(tmp);
    g_free(template_path);
    g_free(data_args);
}

/* ---- the document tree: sentences ------------------------------------------------------ */

/* The text of every paragraph and heading of a `jindu expand` dump, in order (a line break
 * as \n). */
static GPtrArray *paragraphs(const char *dump)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    GString *cur = NULL;
    long cur_indent = 0;
    char **lines = g_strsplit(dump, "\n", -1);
    for (char **l = lines; *l; l++) {
        long indent = (long)strspn(*l, " ");
        const char *node = *l + indent;
        if (cur && indent <= cur_indent) {
            g_ptr_array_add(out, g_string_free(cur, FALSE));
            cur = NULL;
        }
        if (g_str_has_prefix(node, "paragraph") || g_str_has_prefix(node, "heading ")) {
            cur = g_string_new(NULL);
            cur_indent = indent;
        } else if (cur && g_str_has_prefix(node, "text \"")) {
            for (const char *p = node + 6; *p && *p != '"'; p++) {
                if (*p == '\\' && p[1]) {
                    p++;
                    g_string_append_c(cur, *p == 'n' ? '\n' : *p == 't' ? '\t' : *p);
                } else {
                    g_string_append_c(cur, *p);
                }
            }
        } else if (cur && strcmp(node, "br") == 0) {
            g_string_append_c(cur, '\n');
        }
    }
    if (cur) g_ptr_array_add(out, g_string_free(cur, FALSE));
    g_strfreev(lines);
    return out;
}

/* `jindu expand` of the summary for `period` with the sample data and `extra` arguments. */
static char *expand(const char *period, const char *data, const char *extra)
{
    char *out = NULL, *err = NULL;
    int rc = jt_cli(&out, &err, "expand '%s' %s -D period=%s " PARAMS " %s", template_path, data, period, extra);
    ck_assert_msg(rc == 0, "expand failed: %s", err);
    g_free(err);
    return out;
}

/* The index of the paragraph that is exactly `text`, or -1. */
static int find_paragraph(GPtrArray *ps, const char *text)
{
    for (guint i = 0; i < ps->len; i++)
        if (strcmp(g_ptr_array_index(ps, i), text) == 0) return (int)i;
    return -1;
}

#define assert_paragraph(ps, text)                                                                                  \
    ck_assert_msg(find_paragraph(ps, text) >= 0, "no paragraph\n  %s", text)

/* A table row of the dump: the paragraph that is exactly `first` (a cell's text), then the
 * next ones, as the NULL-terminated list that follows. */
static void assert_row(GPtrArray *ps, const char *first, ...)
{
    int at = find_paragraph(ps, first);
    ck_assert_msg(at >= 0, "no cell\n  %s", first);
    va_list ap;
    va_start(ap, first);
    int i = at + 1;
    for (const char *want = va_arg(ap, const char *); want; want = va_arg(ap, const char *), i++) {
        ck_assert_msg(i < (int)ps->len, "row %s ends before %s", first, want);
        ck_assert_msg(strcmp(g_ptr_array_index(ps, i), want) == 0, "row %s: cell %d is\n  %s\nnot\n  %s", first,
                      i - at, (const char *)g_ptr_array_index(ps, i), want);
    }
    va_end(ap);
}

/* The paragraphs starting with `prefix`. */
static GPtrArray *starting_with(GPtrArray *ps, const char *prefix)
{
    GPtrArray *out = g_ptr_array_new();
    for (guint i = 0; i < ps->len; i++)
        if (g_str_has_prefix(g_ptr_array_index(ps, i), prefix)) g_ptr_array_add(out, g_ptr_array_index(ps, i));
    return out;
}

START_TEST(the_second_quarter_in_sentences)
{
    char *dump = expand("2023Q2", data_args, "");
    GPtrArray *ps = paragraphs(dump);
    /* the title from the period, 主送 */
    assert_paragraph(ps, "关于2023年第二季度全区重点工作任务\n落实情况的通报");
    assert_paragraph(ps, "各责任单位：");
    /* the opening: task_counts for 2023Q2 */
    assert_paragraph(ps, "为推动全区重点工作任务落到实处，西青区人民政府督查室对照《西青区政府工作报告2023年重点工作任务清单》，"
                         "对全区123项重点工作任务2023年第二季度落实情况进行了督查。从督查情况看，已完成15项、序时推进79项、"
                         "滞后18项、未启动1项；另有10项任务因有责任单位未报送进展情况，进度暂无法确定。现将有关情况通报如下：");
    /* 一、总体情况: the counts with their shares (each rounded on its own, as the ring's legend) */
    assert_paragraph(ps, "一、总体情况");
    assert_paragraph(ps, "从任务进展看，已完成15项，占12.2%；序时推进79项，占64.2%；滞后18项，占14.6%；未启动1项，占0.8%；"
                         "未报送10项，占8.1%。");
    ck_assert_ptr_nonnull(strstr(dump, "labels=[\"已完成\", \"序时推进\", \"滞后\", \"未启动\", \"未报送\"] unit=\"项\""));
    ck_assert_ptr_nonnull(strstr(dump, "series values=[15, 79, 18, 1, 10]"));
    /* who did not report, by unit, with their tasks (jindu check lists the same) */
    assert_paragraph(ps, "从报送情况看，赛达办（第58项）、城管委（第64、71、72、73、74、75、83、119项）、网格中心（第115项）"
                         "未按时报送进展情况，相关任务按未报送统计。");
    /* 二、主要经济指标完成情况: indicator_counts for 上半年 */
    assert_paragraph(ps, "二、主要经济指标完成情况");
    assert_paragraph(ps, "纳入监测的34项主要经济指标中，上半年已完成全年目标2项、达到序时进度14项、滞后序时进度15项、无法量化3项。"
                         "滞后序时进度的指标是：地区生产总值、新增承接项目投资额、技术合同交易额、重点支持“项目+团队”、"
                         "选拔运河技术能手、技能标兵、技能精英、选拔专业技术拔尖人才、学科带头人及优秀青年技术骨干、"
                         "区域产业基金、新增各类充电设施、改造农村公路、提升改造老旧小区、老旧小区改造面积、"
                         "新建电动自行车充电车棚、新建“口袋”公园和街景绿地、道路沿线绿化景观提升、新建养老服务设施。"
                         "各项指标完成情况见表1、图2。");
    assert_paragraph(ps, "表1　2023年主要经济指标上半年完成情况");
    /* 图2 has the 14 measured against the year's amount; the 15th, named under it */
    assert_paragraph(ps, "图2　滞后序时进度的指标上半年完成进度");
    assert_paragraph(ps, "注：地区生产总值为增速指标，以百分点计，其完成情况见表1。");
    /* 三、滞后任务: the 18 lagging tasks in list order, each unit that lags once */
    assert_paragraph(ps, "三、滞后任务");
    assert_paragraph(ps, "2023年第二季度，18项任务进度滞后，滞后单位及存在的问题如下：");
    static const int lagging[] = {2, 3, 7, 12, 14, 31, 36, 37, 44, 46, 56, 62, 78, 86, 96, 108, 113, 117};
    int found = 0;
    for (guint i = 0; i < ps->len; i++) {
        const char *p = g_ptr_array_index(ps, i), *at = strstr(p, "（第");
        char *prefix = g_strdup_printf("%d.", found + 1);
        if (g_str_has_prefix(p, prefix) && at && strstr(p, "项，责任区领导：")) {
            ck_assert_int_lt(found, (int)G_N_ELEMENTS(lagging));
            ck_assert_int_eq(atoi(at + strlen("（第")), lagging[found]);
            found++;
        }
        g_free(prefix);
    }
    ck_assert_int_eq(found, (int)G_N_ELEMENTS(lagging));
    /* three units lag on task 14; on task 117 经开集团 lags in all six rows, and is named once */
    assert_paragraph(ps, "5.推动光启商业综合体等项目开工建设，确保枫雅商务大厦等项目建成投用（第14项，责任区领导：梁军）。"
                         "协同办：项目资金尚未全部到位。南站公司：前期手续办理时间较长，影响整体进度。"
                         "张家窝镇：项目资金尚未全部到位。");
    GPtrArray *t117 = starting_with(ps, "18.狠抓");
    ck_assert_int_eq(t117->len, 1);
    const char *p117 = g_ptr_array_index(t117, 0);
    ck_assert_int_eq(jt_count(p117, "经开集团："), 1);
    ck_assert(g_str_has_suffix(p117, "（第117项，责任区领导：梁军、陈力予、庞铁强）。经开集团：前期手续办理时间较长，影响整体进度。"));
    g_ptr_array_unref(t117);
    /* the task nobody has started; its problem's own full stop is not doubled */
    assert_paragraph(ps, "另有1项任务尚未启动：持续提升基本养老保险、基本医疗保险覆盖率（第111项，人社局：相关工作尚处前期准备阶段）。");
    /* 四、下步工作要求 from the figures (no notice file) */
    assert_paragraph(ps, "四、下步工作要求");
    assert_paragraph(ps, "一是加快推进滞后任务。对本通报所列18项滞后任务，各责任单位要认真分析原因，逐项制定整改措施，"
                         "明确完成时限，确保尽快赶上序时进度。");
    assert_paragraph(ps, "二是紧盯主要经济指标。对15项滞后序时进度的指标，牵头单位要会同配合单位加强调度分析，找准制约因素，"
                         "推动指标稳步向好。");
    assert_paragraph(ps, "三是按时报送进展情况。对未按时报送进展情况的单位，督查室将专门督办；各责任单位要按照时间节点如实报送任务进展，"
                         "确保数据真实准确。");
    /* 附件说明, signature, 成文日期 */
    assert_paragraph(ps, "附件：2023年第二季度各责任区领导牵头重点工作任务推进情况表");
    assert_paragraph(ps, "西青区人民政府督查室");
    assert_paragraph(ps, "2023年7月10日");
    /* the attachment: one row per leader — the tasks, how many are in each state (已完成,
     * 序时推进, 滞后, 未启动, 未报送; a task with two leaders counts for both), the numbers of
     * those that lag, have not started or were not reported */
    assert_row(ps, "殷学武", "6", "1", "2", "3", "0", "0", "滞后：2、3、7", "鲍杰", NULL);
    assert_row(ps, "梁军", "40", "3", "30", "5", "0", "2", "滞后：14、46、62、96、117", "未报送：58、83", NULL);
    assert_row(ps, "柴树芳", "22", "3", "15", "3", "1", "0", "滞后：31、108、113", "未启动：111", NULL);
    assert_row(ps, "区委分管领导", "1", "0", "0", "0", "0", "1", "未报送：115", NULL);
    ck_assert_int_lt(find_paragraph(ps, "二、各项任务推进情况"), 0);
    g_ptr_array_unref(ps);
    g_free(dump);
    /* attachment=tasks: then every leader's tasks, under a heading each */
    dump = expand("2023Q2", data_args, "-D attachment=tasks");
    ps = paragraphs(dump);
    assert_row(ps, "梁军", "40", "3", "30", "5", "0", "2", "滞后：14、46、62、96、117", "未报送：58、83", NULL);
    assert_paragraph(ps, "二、各项任务推进情况");
    assert_paragraph(ps, "（一）殷学武（6项：已完成1项，序时推进2项，滞后3项）");
    assert_paragraph(ps, "（三）梁军（40项：已完成3项，序时推进30项，滞后5项，未报送2项）");
    assert_paragraph(ps, "（九）区委分管领导（1项：未报送1项）");
    g_ptr_array_unref(ps);
    g_free(dump);
    /* attachment=none: no 附件说明 and no attachment */
    dump = expand("2023Q2", data_args, "-D attachment=none");
    ps = paragraphs(dump);
    GPtrArray *attached = starting_with(ps, "附件");
    ck_assert_int_eq(attached->len, 0);
    g_ptr_array_unref(attached);
    ck_assert_int_lt(find_paragraph(ps, "殷学武"), 0);
    assert_paragraph(ps, "2023年7月10日");
    g_ptr_array_unref(ps);
    g_free(dump);
}
END_TEST

START_TEST(the_office_words_its_own_requirements)
{
    char *notice = g_build_filename(tmp, "notice.json", NULL);
    jt_write(notice, "{\"requirements\": [\"一是聚焦滞后任务抓整改。\", \"二是压实责任抓报送。\"]}");
    char *data = g_strdup_printf("%s --data notice='%s'", data_args, notice);
    char *dump = expand("2023Q2", data, "");
    GPtrArray *ps = paragraphs(dump);
    int at = find_paragraph(ps, "四、下步工作要求");
    ck_assert_int_ge(at, 0);
    ck_assert_str_eq(g_ptr_array_index(ps, at + 1), "一是聚焦滞后任务抓整改。");
    ck_assert_str_eq(g_ptr_array_index(ps, at + 2), "二是压实责任抓报送。");
    ck_assert_str_eq(g_ptr_array_index(ps, at + 3), "附件：2023年第二季度各责任区领导牵头重点工作任务推进情况表");
    ck_assert_int_lt(find_paragraph(ps, "二是紧盯主要经济指标。对15项滞后序时进度的指标，牵头单位要会同配合单位加强调度分析，"
                                        "找准制约因素，推动指标稳步向好。"), 0);
    g_ptr_array_unref(ps);
    g_free(dump), g_free(data), g_free(notice);
}
END_TEST

START_TEST(a_period_nobody_reported_for_still_renders)
{
    /* the full year: indicators have figures (seed 001), tasks have no reports */
    char *dump = expand("2023Q4", data_args, "");
    GPtrArray *ps = paragraphs(dump);
    assert_paragraph(ps, "关于2023年第四季度全区重点工作任务\n落实情况的通报");
    assert_paragraph(ps, "为推动全区重点工作任务落到实处，西青区人民政府督查室对照《西青区政府工作报告2023年重点工作任务清单》，"
                         "对全区123项重点工作任务2023年第四季度落实情况进行了督查。截至目前，各责任单位均未报送2023年第四季度"
                         "进展情况，123项任务进度暂无法掌握。现将有关情况通报如下：");
    assert_paragraph(ps, "截至目前，全区123项重点工作任务的责任单位均未报送2023年第四季度进展情况，本期任务均按未报送统计。");
    ck_assert_ptr_nonnull(strstr(dump, "series values=[0, 0, 0, 0, 123]"));
    /* no list of units that did not report: all of them did not */
    ck_assert_int_eq(starting_with(ps, "从报送情况看")->len, 0);
    assert_paragraph(ps, "纳入监测的34项主要经济指标中，全年已完成全年目标8项、滞后序时进度2项、无法量化2项、未报送22项。"
                         "滞后序时进度的指标是：地区生产总值、一般公共预算收入。未报送全年数据的指标是：固定资产投资、"
                         "新增承接项目投资额、车联网应用场景、新建5G网络基站、“专精特新”企业、科技型企业、新增市级技术转移机构、"
                         "重点支持“项目+团队”、选拔运河技术能手、技能标兵、技能精英、选拔专业技术拔尖人才、学科带头人及优秀青年"
                         "技术骨干、引进重点项目、区域产业基金、新增各类充电设施、粮食播种面积、新建电动自行车充电车棚、"
                         "建设可再生资源回收网点、生活垃圾分类示范街镇创建、新建“口袋”公园和街景绿地、道路沿线绿化景观提升、"
                         "新建养老服务设施、新增托位、培养特色文化队伍。各项指标完成情况见表1。");
    /* the two lagging indicators are growth rates (points, not a share of the year): no 图2 */
    ck_assert_ptr_null(strstr(dump, "图2"));
    assert_paragraph(ps, "因各责任单位均未报送进展情况，本期滞后任务情况暂无法掌握。");
    assert_paragraph(ps, "一是加快推进滞后任务。对进度偏慢的任务，各责任单位要认真分析原因，逐项制定整改措施，明确完成时限，"
                         "确保尽快赶上序时进度。");
    assert_row(ps, "殷学武", "6", "0", "0", "0", "0", "6", "未报送：1、2、3、4、5、7", "鲍杰", NULL);
    g_ptr_array_unref(ps);
    g_free(dump);
}
END_TEST

START_TEST(without_indicators_the_sections_close_up)
{
    char *tasks = jt_src("samples/xiqing-2023/tasks.tsv"), *progress = jt_src("samples/xiqing-2023/progress");
    char *data = g_strdup_printf("--data '%s' --data '%s'", tasks, progress);
    char *dump = expand("2023Q1", data, "-D to=各街镇 -D scope=全区");
    GPtrArray *ps = paragraphs(dump);
    /* 2023Q1: every unit reported */
    assert_paragraph(ps, "为推动全区重点工作任务落到实处，西青区人民政府督查室对照《西青区政府工作报告2023年重点工作任务清单》，"
                         "对全区123项重点工作任务2023年第一季度落实情况进行了督查。从督查情况看，已完成5项、序时推进86项、"
                         "滞后21项、未启动11项。现将有关情况通报如下：");
    assert_paragraph(ps, "各街镇：");
    assert_paragraph(ps, "一、总体情况");
    assert_paragraph(ps, "二、滞后任务");
    assert_paragraph(ps, "三、下步工作要求");
    ck_assert_int_lt(find_paragraph(ps, "二、主要经济指标完成情况"), 0);
    ck_assert_int_eq(starting_with(ps, "二是紧盯")->len, 0);
    ck_assert_int_eq(starting_with(ps, "二是按时报送进展情况。各责任单位要按照时间节点")->len, 1);
    g_ptr_array_unref(ps);
    g_free(dump), g_free(data), g_free(tasks), g_free(progress);
}
END_TEST

/* ---- rendering ------------------------------------------------------------------------ */

/* Renders the summary for `period` into tmp/NAME with `backend`; its path. */
static char *render(const char *period, const char *backend, const char *name)
{
    char *out = g_build_filename(tmp, name, NULL), *err = NULL;
    int rc = jt_cli(NULL, &err, "render '%s' %s -D period=%s " PARAMS " --backend %s -o '%s'", template_path,
                    data_args, period, backend, out);
    ck_assert_msg(rc == 0, "render failed: %s", err);
    g_free(err);
    return out;
}

/* `extra`: more arguments, e.g. "-D attachment=tasks" */
static char *layout_dump(const char *period, const char *extra)
{
    char *out = NULL, *err = NULL;
    int rc = jt_cli(&out, &err, "layout '%s' %s -D period=%s " PARAMS " %s --dump", template_path, data_args, period,
                    extra);
    ck_assert_msg(rc == 0, "layout failed: %s", err);
    g_free(err);
    return out;
}

/* ---- the indicator table, read back from the PDF ------------------------------------- */

/* The run of `page` whose text starts with `prefix`, or NULL. */
static rs_run *run_starting(const rs_dump_page *page, const char *prefix)
{
    for (guint i = 0; i < page->runs->len; i++) {
        rs_run *r = g_ptr_array_index(page->runs, i);
        if (g_str_has_prefix(r->text, prefix)) return r;
    }
    return NULL;
}

/* Whether `page` has a drawn line of `size` starting with `prefix`; its baseline in *y. */
static bool line_starting(const rs_dump_page *page, double size, const char *prefix, double *y)
{
    GPtrArray *lines = lines_of(page, NULL, size);
    bool found = false;
    for (guint i = 0; i < lines->len && !found; i++)
        if (g_str_has_prefix(line_at(lines, i)->text, prefix)) found = true, *y = line_at(lines, i)->y;
    g_ptr_array_unref(lines);
    return found;
}

static int by_value(gconstpointer a, gconstpointer b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The distinct values of `v` (within 0.5 pt), sorted. */
static GArray *distinct(GArray *v)
{
    g_array_sort(v, by_value);
    GArray *out = g_array_new(FALSE, FALSE, sizeof(double));
    for (guint i = 0; i < v->len; i++) {
        double d = g_array_index(v, double, i);
        if (out->len == 0 || d - g_array_index(out, double, out->len - 1) > 0.5) g_array_append_val(out, d);
    }
    return out;
}

static int slot_of(GArray *borders, double at)
{
    for (guint i = 0; i + 1 < borders->len; i++)
        if (at > g_array_index(borders, double, i) && at < g_array_index(borders, double, i + 1)) return (int)i;
    return -1;
}

/* The rows of the indicator table (表1), cell texts without white space, as pdftotext
 * finds the words of `pdf` inside the cell borders that the layout `dump` drew: header rows
 * (repeated on every page) left out, a row continued on the next page joined to its start.
 * Every row has `columns` cells. */
static GPtrArray *indicator_rows(const char *pdf, const char *dump, int columns)
{
    GPtrArray *pages = rs_dump_parse(dump);
    GPtrArray *words = hp_words(pdf);
    GPtrArray *rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
    int first = -1, last = -1;
    double top = 0, bottom = 0;
    for (guint p = 0; p < pages->len; p++) {
        /* between the caption (四号) and the note under the table (小四) */
        double y;
        if (first < 0 && line_starting(g_ptr_array_index(pages, p), 14, "表1　", &y)) first = (int)p, top = y;
        if (first >= 0 && last < 0 && line_starting(g_ptr_array_index(pages, p), 12, "注：完成进度", &y))
            last = (int)p, bottom = y;
    }
    ck_assert_msg(first >= 0 && last >= first, "no table 1 in the layout");
    for (int p = first; p <= last; p++) {
        rs_dump_page *page = g_ptr_array_index(pages, p);
        double lo = p == first ? top : 0, hi = p == last ? bottom : page->height;
        GArray *xs = g_array_new(FALSE, FALSE, sizeof(double)), *ys = g_array_new(FALSE, FALSE, sizeof(double));
        for (guint i = 0; i < page->rules->len; i++) {
            rs_rule *r = &g_array_index(page->rules, rs_rule, i);
            if (MIN(r->y1, r->y2) < lo || MAX(r->y1, r->y2) > hi) continue;
            if (fabs(r->x1 - r->x2) < 0.01)
                g_array_append_val(xs, r->x1);
            else if (fabs(r->y1 - r->y2) < 0.01)
                g_array_append_val(ys, r->y1);
        }
        GArray *cols = distinct(xs), *bands = distinct(ys);
        ck_assert_int_eq((int)cols->len, columns + 1);
        int nbands = (int)bands->len - 1;
        GString **cells = g_new0(GString *, (size_t)(nbands * columns));
        for (guint w = 0; w < words->len; w++) {
            hp_word *word = g_ptr_array_index(words, w);
            if (word->page != p + 1) continue;
            double cx = (word->x_min + word->x_max) / 2, cy = (word->y_min + word->y_max) / 2;
            int row = slot_of(bands, cy), col = slot_of(cols, cx);
            if (row < 0 || col < 0) continue;
            /* a word belongs to one cell */
            ck_assert_msg(word->x_min > g_array_index(cols, double, col) - 0.5 &&
                              word->x_max < g_array_index(cols, double, col + 1) + 0.5,
                          "'%s' on page %d crosses a column border", word->text, p + 1);
            GString **c = &cells[row * columns + col];
            if (!*c) *c = g_string_new(NULL);
            g_string_append(*c, word->text);
        }
        for (int row = 0; row < nbands; row++) {
            char **texts = g_new0(char *, (size_t)columns + 1);
            for (int col = 0; col < columns; col++) {
                GString *c = cells[row * columns + col];
                texts[col] = c ? rs_squeeze(c->str) : g_strdup("");
                if (c) g_string_free(c, TRUE);
            }
            if (strcmp(texts[0], "序号") == 0) {
                g_strfreev(texts);
            } else if (*texts[0] == '\0') {
                /* the rest of a row the page break split */
                ck_assert_int_gt(rows->len, 0);
                char **prev = g_ptr_array_index(rows, rows->len - 1);
                for (int col = 0; col < columns; col++) {
                    char *joined = g_strconcat(prev[col], texts[col], NULL);
                    g_free(prev[col]);
                    prev[col] = joined;
                }
                g_strfreev(texts);
            } else {
                g_ptr_array_add(rows, texts);
            }
        }
        g_free(cells);
        g_array_free(cols, TRUE), g_array_free(bands, TRUE), g_array_free(xs, TRUE), g_array_free(ys, TRUE);
    }
    g_ptr_array_unref(words);
    g_ptr_array_unref(pages);
    return rows;
}

static const char *figure_text(const jd_value *figure)
{
    const char *t = jd_object_get_string(figure, "text");
    return t && *t ? t : "—";
}

/* Every cell of table 1 for `period` (2023Q2 or 2023Q4) comes back from the PDF: the data's
 * own texts, and jindu's completion, 序时进度 and state for each indicator. */
static void check_indicator_table(const char *period, bool year)
{
    char *pdf = render(period, "cairo", "table.pdf"), *dump = layout_dump(period, "");
    char *csv = jt_src("samples/xiqing-2023/indicators.csv");
    jd_diags *diags = jd_diags_new();
    jd_import_info info;
    jd_value *tree = jd_import_file(csv, JD_FORMAT_AUTO, &info, diags);
    ck_assert_ptr_nonnull(tree);
    const jd_value *list = jd_object_get(tree, "indicators");
    GPtrArray *rows = indicator_rows(pdf, dump, 9);
    ck_assert_int_eq(rows->len, G_N_ELEMENTS(sample));
    const char *elapsed = year ? "100.0%" : "50.0%", *ytd = year ? "2023-01/2023-12" : "2023-01/2023-06";
    for (size_t i = 0; i < G_N_ELEMENTS(sample); i++) {
        const jd_value *ind = jd_array_get(list, i);
        const jd_value *actual = NULL, *actuals = jd_object_get(ind, "actuals");
        for (size_t a = 0; a < jd_array_length(actuals); a++)
            if (strcmp(jd_object_get_string(jd_array_get(actuals, a), "period"), ytd) == 0)
                actual = jd_array_get(actuals, a);
        const char *completion = year ? sample[i].year_completion : sample[i].q2_completion;
        char *number = g_strdup_printf("%zu", i + 1);
        const char *want[9] = {number,
                               jd_object_get_string(ind, "name"),
                               jd_object_get_string(ind, "unit"),
                               figure_text(jd_object_get(ind, "baseline")),
                               figure_text(jd_object_get(ind, "target")),
                               actual ? figure_text(actual) : "—",
                               *completion ? completion : "—",
                               elapsed,
                               year ? sample[i].year : sample[i].q2};
        char **got = g_ptr_array_index(rows, i);
        for (int col = 0; col < 9; col++) {
            char *w = rs_squeeze(want[col]);
            ck_assert_msg(strcmp(got[col], w) == 0, "%s row %zu column %d: '%s', expected '%s'", period, i + 1,
                          col + 1, got[col], w);
            g_free(w);
        }
        g_free(number);
    }
    g_ptr_array_unref(rows);
    jd_value_unref(tree);
    jd_diags_free(diags);
    g_free(csv), g_free(dump), g_free(pdf);
}

START_TEST(every_cell_of_the_indicator_table_is_in_the_pdf_with_its_state)
{
    check_indicator_table("2023Q2", false);
    check_indicator_table("2023Q4", true);
}
END_TEST

/* ---- the layout: grid, page numbers, charts ------------------------------------------- */

START_TEST(text_pages_hold_22_lines_of_28_characters_on_the_grid)
{
    char *dump = layout_dump("2023Q2", "");
    GPtrArray *pages = rs_dump_parse(dump);
    double first_baseline = TOP + (PITCH - 16) / 2 + ASCENT * 16;
    int text_pages = 0, full_pages = 0, full_lines = 0;
    for (guint p = 0; p < pages->len; p++) {
        rs_dump_page *page = g_ptr_array_index(pages, p);
        if (page->width > page->height || page->rules->len > 0) continue; /* tables, rules: not text only */
        bool only_text = true;
        for (guint i = 0; i < page->runs->len; i++) {
            rs_run *r = g_ptr_array_index(page->runs, i);
            only_text = only_text && (fabs(r->size - 16) < 0.01 || fabs(r->size - 14) < 0.01);
        }
        if (!only_text) continue;
        GPtrArray *lines = lines_of(page, NULL, 16);
        text_pages++;
        /* the page of the 附件说明 and the signature has their own indents */
        bool signature = false;
        for (guint i = 0; i < lines->len; i++)
            signature = signature || g_str_has_prefix(line_at(lines, i)->text, "附件：");
        for (guint i = 0; i < lines->len; i++) {
            line *l = line_at(lines, i);
            /* on a grid line: exactly for the body face; a heading in 黑体 (another ascent)
             * is centred in its line like the rest, its baseline a little apart */
            double k = (l->y - first_baseline) / PITCH;
            double off = fabs(k - round(k)) * PITCH;
            ck_assert_msg(k > -0.5 && k < 21.5 && (strcmp(l->family, "FandolFang") == 0 ? off < NEAR : off < 1),
                          "page %u: '%s' off the grid (%.3f)", p + 1, l->text, k);
            /* one line after the other from the top (blank lines only around the signature) */
            ck_assert_msg(signature || (int)round(k) == (int)i, "page %u: '%s' on grid line %d, not %u", p + 1, l->text,
                          (int)round(k) + 1, i + 1);
            /* flush left or indented two characters, never past the right edge */
            ck_assert_msg(signature || fabs(l->x - LEFT) < NEAR || fabs(l->x - (LEFT + 2 * CHAR)) < NEAR,
                          "page %u: '%s' at x=%.2f", p + 1, l->text, l->x);
            ck_assert(l->right < RIGHT + NEAR);
            bool ascii = false;
            for (const char *c = l->text; *c; c++)
                ascii = ascii || (unsigned char)*c < 0x80;
            if (fabs(l->right - RIGHT) < NEAR && fabs(l->x - LEFT) < NEAR && !ascii) {
                /* a full line of hanzi and marks: 28 characters spanning 156 mm — or 27 when
                 * the 28th goes down with the mark after it (no line starts with ，。）…) or
                 * to the paragraph's last line, which would otherwise hold one character */
                long chars = g_utf8_strlen(l->text, -1);
                ck_assert_near(l->right - l->x, 156 * MM);
                if (chars == 27) {
                    ck_assert(i + 1 < lines->len);
                    const char *next = line_at(lines, i + 1)->text;
                    gunichar second = g_utf8_get_char(g_utf8_next_char(next));
                    ck_assert_msg(g_utf8_strchr("，。、；：？！）》”’", -1, second) ||
                                      line_at(lines, i + 1)->right < RIGHT - 20 * CHAR,
                                  "page %u: 27 characters: %s", p + 1, l->text);
                } else {
                    ck_assert_msg(chars == 28, "page %u: %ld characters: %s", p + 1, chars, l->text);
                    full_lines++;
                }
            }
        }
        if (lines->len == 22) full_pages++;
        ck_assert_int_le(lines->len, 22);
        g_ptr_array_unref(lines);
    }
    /* the lagging tasks fill pages of text; a page may leave its last line to keep two
     * lines of a paragraph together on the next, and one of them is full. Full lines of
     * hanzi and marks only are counted (a line with figures is proportional), and a line
     * whose last figure went down with its unit (第44项) ends early */
    ck_assert_int_ge(text_pages, 4);
    ck_assert_int_ge(full_pages, 1);
    ck_assert_int_ge(full_lines, 9);
    g_ptr_array_unref(pages);
    g_free(dump);
}
END_TEST

/* Names stay whole in the body text too: no leader or unit of the list is cut at the end
 * of a line (庞铁/强), in the text of the circular or of its attachment. */
START_TEST(names_are_never_cut_at_a_line_end)
{
    char *list = jt_src("samples/xiqing-2023/tasks.tsv");
    jd_diags *diags = jd_diags_new();
    jd_import_info info;
    jd_value *tree = jd_import_file(list, JD_FORMAT_AUTO, &info, diags);
    ck_assert_ptr_nonnull(tree);
    GHashTable *names = g_hash_table_new(g_str_hash, g_str_equal);
    const jd_value *tasks = jd_object_get(tree, "tasks");
    for (size_t t = 0; t < jd_array_length(tasks); t++) {
        const jd_value *task = jd_array_get(tasks, t), *leaders = jd_object_get(task, "leaders"),
                       *units = jd_object_get(task, "units");
        for (size_t i = 0; i < jd_array_length(leaders); i++)
            g_hash_table_add(names, (gpointer)jd_value_string(jd_array_get(leaders, i)));
        for (size_t u = 0; u < jd_array_length(units); u++) {
            const jd_value *ns = jd_object_get(jd_array_get(units, u), "names");
            for (size_t i = 0; i < jd_array_length(ns); i++)
                g_hash_table_add(names, (gpointer)jd_value_string(jd_array_get(ns, i)));
        }
    }
    /* a name the template itself writes in its prose (督查室) is a word there */
    char *own = jt_read(template_path);
    GHashTableIter it;
    gpointer name;
    g_hash_table_iter_init(&it, names);
    while (g_hash_table_iter_next(&it, &name, NULL))
        if (strstr(own, name))
            g_hash_table_iter_remove(&it);
    g_free(own);
    ck_assert_uint_ge(g_hash_table_size(names), 55);
    const char *extras[] = {"", "-D attachment=tasks"};
    int lines_seen = 0;
    for (size_t e = 0; e < G_N_ELEMENTS(extras); e++) {
        char *dump = layout_dump("2023Q2", extras[e]);
        GPtrArray *pages = rs_dump_parse(dump);
        for (guint p = 0; p < pages->len; p++) {
            GPtrArray *lines = lines_of(g_ptr_array_index(pages, p), NULL, 16);
            for (guint i = 0; i + 1 < lines->len; i++, lines_seen++) {
                const char *end = line_at(lines, i)->text, *next = line_at(lines, i + 1)->text;
                g_hash_table_iter_init(&it, names);
                while (g_hash_table_iter_next(&it, &name, NULL))
                    for (const char *cut = g_utf8_next_char(name); *cut; cut = g_utf8_next_char(cut)) {
                        size_t head = (size_t)(cut - (const char *)name);
                        ck_assert_msg(!(strlen(end) >= head &&
                                        memcmp(end + strlen(end) - head, name, head) == 0 &&
                                        g_str_has_prefix(next, cut)),
                                      "page %u: %s cut: '%s' / '%s'", p + 1, (char *)name, end, next);
                    }
            }
            g_ptr_array_unref(lines);
        }
        g_ptr_array_unref(pages);
        g_free(dump);
    }
    ck_assert_int_gt(lines_seen, 200);
    g_hash_table_destroy(names);
    jd_value_unref(tree);
    jd_diags_free(diags);
    g_free(list);
}
END_TEST

START_TEST(page_numbers_sit_where_the_standard_puts_them)
{
    /* every leader's tasks attached: turned pages of both parities */
    char *dump = layout_dump("2023Q2", "-D attachment=tasks");
    GPtrArray *pages = rs_dump_parse(dump);
    ck_assert_int_eq(pages->len, 34);
    int portrait = 0, turned = 0;
    /* the attachment ends on an odd page (33): a blank page, then the 版记 alone on the last,
     * even, page — neither numbered (GB/T 9704 7.5) */
    rs_dump_page *blank = g_ptr_array_index(pages, pages->len - 2);
    ck_assert_int_eq(blank->runs->len, 0);
    for (guint p = 0; p < pages->len; p++) {
        rs_dump_page *page = g_ptr_array_index(pages, p);
        GPtrArray *keep;
        line *n = page_number(page, &keep);
        if (p >= pages->len - 2) {
            ck_assert_msg(n == NULL, "page %u has a number", p + 1);
            g_ptr_array_unref(keep);
            continue;
        }
        ck_assert_msg(n != NULL, "page %u has no number", p + 1);
        char *want = g_strdup_printf("— %u —", p + 1);
        ck_assert_str_eq(n->text, want);
        g_free(want);
        ck_assert_str_eq(n->family, "AR PL SungtiL GB");
        /* on the sheet: 7 mm below the type area, one character (4号) in from the outer
         * edge — right on odd pages, left on even ones; a turned landscape page keeps it
         * there (its top to the binding edge) */
        double middle = n->turned ? 841.89 - n->y : n->y;
        ck_assert_near(middle - SONG_MIDDLE * 14, BOTTOM + 7 * MM);
        if ((p + 1) % 2)
            ck_assert_near(n->right, RIGHT - 14);
        else
            ck_assert_near(n->x, LEFT + 14);
        if (n->turned) {
            ck_assert_int_eq(n->turned, 90);
            turned++;
        } else {
            portrait++;
        }
        g_ptr_array_unref(keep);
    }
    /* the body and the 版记 portrait, the attachment turned landscape */
    ck_assert_int_ge(portrait, 10);
    ck_assert_int_ge(turned, 10);
    rs_dump_page *last = g_ptr_array_index(pages, pages->len - 1);
    ck_assert_int_eq(pages->len % 2, 0);
    ck_assert(last->width < last->height);
    ck_assert_ptr_nonnull(run_starting(last, "西青区人民政府督查室"));
    g_ptr_array_unref(pages);
    g_free(dump);
}
END_TEST

/* The numbers of a dump line after `key` ("rect 220,309.7 272.6x10.8 …", "path M 1,2 L …"). */
static GArray *numbers_in(const char *text)
{
    GArray *out = g_array_new(FALSE, FALSE, sizeof(double));
    for (const char *p = text; *p;) {
        if (g_ascii_isdigit(*p) || (*p == '-' && g_ascii_isdigit(p[1]))) {
            char *end;
            double d = g_ascii_strtod(p, &end);
            g_array_append_val(out, d);
            p = end;
        } else {
            p++;
        }
    }
    return out;
}

#define NUM(a, i) g_array_index(a, double, i)

START_TEST(the_charts_are_in_the_layout_dump_to_scale)
{
    char *dump = layout_dump("2023Q2", "");
    char **lines = g_strsplit(dump, "\n", -1);
    /* the ring of 图1: five slices, clockwise from 12 o'clock, each starting where the
     * shares before it end: 15, 79, 18, 1 and 10 of 123 */
    static const double counts[] = {15, 79, 18, 1, 10};
    GPtrArray *slices = g_ptr_array_new();
    for (char **l = lines; *l; l++)
        if (g_str_has_prefix(*l, "  path M") && strstr(*l, " C ") && strstr(*l, " Z fill=")) g_ptr_array_add(slices, *l);
    ck_assert_int_eq(slices->len, 5);
    /* clockwise from 12 o'clock: the first slice starts at the top of the outer circle, so
     * the centre is straight below that point, a radius down; the radius from the start
     * point farthest below it (R = (dx² + dy²) / 2dy on a circle through the top) */
    GArray *first = numbers_in(g_ptr_array_index(slices, 0));
    double cx = NUM(first, 0), top = NUM(first, 1), R = 0, far = 0;
    g_array_free(first, TRUE);
    for (guint i = 1; i < slices->len; i++) {
        GArray *n = numbers_in(g_ptr_array_index(slices, i));
        double dx = NUM(n, 0) - cx, dy = NUM(n, 1) - top;
        if (dy > far) far = dy, R = (dx * dx + dy * dy) / (2 * dy);
        g_array_free(n, TRUE);
    }
    ck_assert(R > 20);
    double before = 0;
    for (guint i = 0; i < slices->len; i++) {
        GArray *n = numbers_in(g_ptr_array_index(slices, i));
        double dx = NUM(n, 0) - cx, y = NUM(n, 1);
        g_array_free(n, TRUE);
        /* on the outer circle, at the angle the shares before it end */
        ck_assert_msg(fabs(hypot(dx, top + R - y) - R) < 0.3, "slice %u starts off the circle", i + 1);
        double angle = atan2(dx, top + R - y) * 180 / G_PI, expected = before / 123 * 360;
        if (angle < -0.01) angle += 360;
        ck_assert_msg(fabs(angle - expected) < 0.5, "slice %u starts at %.1f°, expected %.1f°", i + 1, angle, expected);
        before += counts[i];
    }
    g_ptr_array_unref(slices);
    /* the legend: every state with its count and share */
    GPtrArray *pages = rs_dump_parse(dump);
    rs_dump_page *ring_page = NULL;
    for (guint p = 0; p < pages->len && !ring_page; p++)
        if (run_starting(g_ptr_array_index(pages, p), "合计")) ring_page = g_ptr_array_index(pages, p);
    ck_assert_ptr_nonnull(ring_page);
    GPtrArray *legend_lines = lines_of(ring_page, NULL, 10.5);
    static const char *const legend[] = {"已完成 15项（12.2%）", "序时推进 79项（64.2%）", "滞后 18项（14.6%）",
                                         "未启动 1项（0.8%）", "未报送 10项（8.1%）"};
    ck_assert_int_eq(legend_lines->len, G_N_ELEMENTS(legend));
    for (size_t i = 0; i < G_N_ELEMENTS(legend); i++)
        ck_assert_str_eq(line_at(legend_lines, (guint)i)->text, legend[i]);
    g_ptr_array_unref(legend_lines);
    g_ptr_array_unref(pages);

    /* the progress rows of 图2: the 14 indicators measured against the year's amount that lag;
     * each bar's length on its track is its completion, the 序时进度 mark at 50% */
    static const double completion[] = {46.2, 47.9, 40.0, 35.0, 43.0, 33.3333, 48.0,
                                        37.1429, 30.7692, 28.7481, 42.8571, 40.0, 44.4444, 40.0};
    guint row = 0;
    for (char **l = lines; *l; l++) {
        if (!g_str_has_prefix(*l, "  rect ") || !strstr(*l, "fill=#e6e6e6")) continue;
        GArray *track = numbers_in(*l + 7);
        double x0 = NUM(track, 0), width = NUM(track, 2);
        g_array_free(track, TRUE);
        /* the bar: the next filled path from the track's start */
        char **b = l + 1;
        while (*b && !(g_str_has_prefix(*b, "  path M") && strstr(*b, "fill=#4d4d4d"))) b++;
        ck_assert_ptr_nonnull(*b);
        GArray *bar = numbers_in(*b + 8);
        ck_assert_near(NUM(bar, 0), x0);
        double length = NUM(bar, 2) - NUM(bar, 0);
        g_array_free(bar, TRUE);
        ck_assert_int_lt(row, G_N_ELEMENTS(completion));
        ck_assert_msg(fabs(length - completion[row] / 100 * width) < 0.15, "row %u: bar %.1f of %.1f", row + 1, length,
                      width);
        /* the mark's dashed line */
        char **m = b + 1;
        while (*m && !strstr(*m, "dash=")) m++;
        ck_assert_ptr_nonnull(*m);
        GArray *mark = numbers_in(*m + 8);
        ck_assert_msg(fabs(NUM(mark, 0) - (x0 + 0.5 * width)) < 0.1, "row %u: mark at %.1f", row + 1, NUM(mark, 0));
        g_array_free(mark, TRUE);
        row++;
    }
    ck_assert_int_eq(row, G_N_ELEMENTS(completion));
    g_strfreev(lines);
    g_free(dump);
}
END_TEST

START_TEST(without_a_number_the_red_rule_stays_in_its_place)
{
    double y[2] = {0, 0};
    for (int k = 0; k < 2; k++) {
        char *out = NULL, *err = NULL;
        int rc = jt_cli(&out, &err, "layout '%s' %s -D period=2023Q2 -D date=2023-07-10 -D office=西青区人民政府督查室 %s --dump",
                        template_path, data_args, k ? "" : "-D number=西青督〔2023〕5号");
        ck_assert_msg(rc == 0, "%s", err);
        GPtrArray *pages = rs_dump_parse(out);
        rs_dump_page *first = g_ptr_array_index(pages, 0);
        int red = 0;
        for (guint i = 0; i < first->rules->len; i++) {
            rs_rule *r = &g_array_index(first->rules, rs_rule, i);
            if (r->color == 0xff0000) {
                red++;
                y[k] = r->y1;
                ck_assert_near(r->x1, LEFT);
                ck_assert_near(r->x2, RIGHT);
            }
        }
        ck_assert_int_eq(red, 1);
        ck_assert_int_eq(run_starting(first, "西青督") != NULL, k == 0);
        g_ptr_array_unref(pages);
        g_free(out), g_free(err);
    }
    ck_assert_near(y[0], y[1]);
}
END_TEST

/* ---- the PDFs --------------------------------------------------------------------------- */

START_TEST(both_backends_show_the_same_text_with_subset_fonts_and_the_same_bytes_twice)
{
    char *cairo = render("2023Q2", "cairo", "cairo.pdf"), *haru = render("2023Q2", "haru", "haru.pdf");
    /* eleven pages of text, the attachment (one turned page, 12), a blank page and the 版记
     * alone on the last, even, page */
    int n = hp_page_count(cairo);
    ck_assert_int_eq(n, 14);
    ck_assert_int_eq(hp_page_count(haru), n);
    /* the same text on every page, each run of words where the other backend puts it */
    hp_assert_parity_blank(cairo, haru, HP_CAIRO_TOLERANCE, 13);
    char *first = hp_page_text(cairo, 1);
    ck_assert(g_str_has_prefix(first, "西青区人民政府督查室西青督〔2023〕5号关于2023年第二季度全区重点工作任务落实情况的通报"
                                      "各责任单位："));
    g_free(first);
    /* every font embedded and subset, the body's FangSong and the title's face among them */
    static const char *const faces[] = {"FandolFang-Regular", "FandolSong-Bold", "WenQuanYiMicroHei", NULL};
    hp_assert_subset_fonts(cairo, faces);
    hp_assert_subset_fonts(haru, faces);
    char *cairo2 = render("2023Q2", "cairo", "cairo2.pdf"), *haru2 = render("2023Q2", "haru", "haru2.pdf");
    char *cmd = g_strdup_printf("cmp '%s' '%s' && cmp '%s' '%s'", cairo, cairo2, haru, haru2);
    ck_assert_int_eq(jt_run(cmd, NULL, NULL), 0);
    g_free(cmd);
    g_free(cairo), g_free(haru), g_free(cairo2), g_free(haru2);
}
END_TEST

/* ---- bad input ----------------------------------------------------------------------------- */

START_TEST(a_missing_or_malformed_period_is_one_message_and_no_output)
{
    char *out = g_build_filename(tmp, "通报.pdf", NULL);
    char *err = NULL;
    int rc = jt_cli(NULL, &err, "render '%s' %s " PARAMS " -o '%s'", template_path, data_args, out);
    ck_assert_int_eq(rc, 1);
    /* (after the sample list's warnings) */
    ck_assert_int_eq(jt_count(err, "error"), 1);
    ck_assert_msg(g_str_has_suffix(err, "\nerror: meeting-summary.xml needs parameter 'period', e.g. -D period=2023Q2\n"),
                  "%s", err);
    ck_assert(!jt_exists(out));
    g_free(err);
    /* malformed: one message naming the parameter; an earlier output stays as it was */
    jt_write(out, "an earlier circular");
    rc = jt_cli(NULL, &err, "render '%s' %s -D period=2023Q5 " PARAMS " -o '%s'", template_path, data_args, out);
    ck_assert_int_eq(rc, 1);
    ck_assert_int_eq(jt_count(err, "error"), 1);
    ck_assert_msg(g_str_has_suffix(err, "\nerror: meeting-summary.xml: parameter 'period': '2023Q5' is not a period "
                                        "(a quarter: 2023Q2 or 2023年第二季度; a month: 2023-05), e.g. -D period=2023Q2\n"),
                  "%s", err);
    char *kept = jt_read(out);
    ck_assert_str_eq(kept, "an earlier circular");
    g_free(kept), g_free(err);
    /* an attachment the template does not know: the same */
    rc = jt_cli(NULL, &err, "render '%s' %s -D period=2023Q2 -D attachment=全部 " PARAMS " -o '%s'", template_path,
                data_args, out);
    ck_assert_int_eq(rc, 1);
    ck_assert_int_eq(jt_count(err, "error"), 1);
    ck_assert_msg(g_str_has_suffix(err, "\nerror: meeting-summary.xml: parameter 'attachment': '全部' is not one of "
                                        "leaders, tasks, none, e.g. -D attachment=leaders\n"),
                  "%s", err);
    kept = jt_read(out);
    ck_assert_str_eq(kept, "an earlier circular");
    g_free(kept), g_free(err), g_free(out);
}
END_TEST

/* A copy of the sample project (without its outputs) in tmp; its path. */
static char *sample_copy(void)
{
    char *src = jt_src("samples/xiqing-2023"), *dir = g_build_filename(tmp, "xiqing", NULL);
    char *cmd = g_strdup_printf("cp -r '%s' '%s' && rm -rf '%s/out' '%s/.jindu-cache'", src, dir, dir, dir);
    ck_assert_int_eq(jt_run(cmd, NULL, NULL), 0);
    g_free(cmd), g_free(src);
    return dir;
}

#define SUMMARY_FILE "out/通报/关于2023年第二季度全区重点工作任务落实情况的通报.pdf"
#define H1_GDP "增长5.2%,增长4.1%,增长3.6%"

START_TEST(a_malformed_project_leaves_the_earlier_circular_intact)
{
    char *dir = sample_copy(), *out = NULL, *err = NULL;
    char *summary = g_build_filename(dir, SUMMARY_FILE, NULL), *csv = g_build_filename(dir, "indicators.csv", NULL);
    /* from nothing, a malformed indicator table: no circular written */
    jt_replace_in_file(csv, H1_GDP, "增长5.2%,较快增长,增长3.6%");
    ck_assert_int_eq(jt_cli(&out, &err, "build '%s' -j2", dir), 1);
    ck_assert(!jt_exists(summary));
    g_free(out), g_free(err);
    jt_replace_in_file(csv, "增长5.2%,较快增长,增长3.6%", H1_GDP);
    ck_assert_int_eq(jt_cli(&out, &err, "build '%s' -j2", dir), 0);
    g_free(out), g_free(err);
    char *before = jt_read(summary);
    ck_assert(g_str_has_prefix(before, "%PDF-"));
    /* a figure a clerk cannot have meant: its cell, and the earlier circular as it was */
    jt_replace_in_file(csv, H1_GDP, "增长5.2%,较快增长,增长3.6%");
    int rc = jt_cli(&out, &err, "build '%s' -j2", dir);
    ck_assert_int_eq(rc, 1);
    /* line 3 (the first indicator), column 54 (its 上半年 cell) */
    char *where = g_strdup_printf("%s:3:54: error: 上半年 '较快增长': not a number: write it as 5%%, 4.5, 990亿元 or "
                                  "1,200\n", csv);
    ck_assert_msg(strstr(err, where), "%s", err);
    /* the other outputs do not read the indicators: only the circular fails */
    ck_assert_msg(strstr(err, "failed " SUMMARY_FILE ": ") && strstr(out, "0 built, 65 unchanged, 1 failed (66 outputs)"),
                  "%s%s", out, err);
    char *after = jt_read(summary);
    ck_assert(strcmp(before, after) == 0);
    g_free(after), g_free(where), g_free(out), g_free(err);
    jt_replace_in_file(csv, "增长5.2%,较快增长,增长3.6%", H1_GDP);
    /* a malformed period in jindu.ini: the line, the output, the parameter */
    char *ini = g_build_filename(dir, "jindu.ini", NULL);
    jt_replace_in_file(ini, "params=date=2023-07-10;", "params=period=2023Q7;date=2023-07-10;");
    rc = jt_cli(&out, &err, "build '%s' -j2", dir);
    ck_assert_int_eq(rc, 1);
    ck_assert_msg(strstr(err, "jindu.ini:") && strstr(err, ": error: [output 通报]: meeting-summary.xml: parameter "
                                                       "'period': '2023Q7' is not a period"),
                  "%s", err);
    after = jt_read(summary);
    ck_assert(strcmp(before, after) == 0);
    g_free(after), g_free(out), g_free(err);
    g_free(ini), g_free(csv), g_free(before), g_free(summary);
    jt_rmrf(dir);
    g_free(dir);
}
END_TEST

/* ---- the project: build and watch ------------------------------------------------------------ */

START_TEST(an_indicator_edit_rebuilds_the_circular_alone)
{
    char *dir = sample_copy(), *out = NULL, *err = NULL;
    ck_assert_int_eq(jt_cli(&out, &err, "build '%s' -j2", dir), 0);
    ck_assert_msg(g_str_has_prefix(out, "66 built, 0 unchanged, 0 failed (66 outputs)"), "%s", out);
    g_free(out), g_free(err);
    char *csv = g_build_filename(dir, "indicators.csv", NULL);
    jt_replace_in_file(csv, H1_GDP, "增长5.2%,增长5.1%,增长3.6%");
    ck_assert_int_eq(jt_cli(&out, &err, "build '%s' -v -j2", dir), 0);
    ck_assert_msg(strstr(out, "built " SUMMARY_FILE "\n"), "%s", out);
    ck_assert_msg(strstr(out, "1 built, 65 unchanged, 0 failed (66 outputs)"), "%s", out);
    g_free(out), g_free(err);
    /* the edit shows: 地区生产总值 now meets its target rate for 上半年 */
    char *text = hp_run("pdftotext -q '%s/%s' - | tr -d ' \\n'", dir, SUMMARY_FILE);
    ck_assert_ptr_nonnull(strstr(text, "上半年已完成全年目标2项、达到序时进度15项、滞后序时进度14项、无法量化3项。"));
    g_free(text);
    g_free(csv);
    jt_rmrf(dir);
    g_free(dir);
}
END_TEST

START_TEST(watch_rebuilds_the_circular_when_the_indicators_change)
{
    char *dir = sample_copy();
    char *argv[] = {JD_CLI, "watch", dir, "-j2", "-v", NULL};
    int out_fd;
    GPid pid = jt_spawn(argv, &out_fd);
    GString *seen = g_string_new(NULL);
    ck_assert_msg(jt_wait_for(out_fd, seen, "watching", 120), "no first build: %s", seen->str);
    ck_assert_msg(strstr(seen->str, "66 built, 0 unchanged, 0 failed (66 outputs)"), "first build: %s", seen->str);
    g_string_truncate(seen, 0);
    char *csv = g_build_filename(dir, "indicators.csv", NULL);
    jt_replace_in_file(csv, H1_GDP, "增长5.2%,增长5.1%,增长3.6%");
    ck_assert_msg(jt_wait_for(out_fd, seen, "outputs) in", 60), "no rebuild: %s", seen->str);
    ck_assert_msg(strstr(seen->str, "built " SUMMARY_FILE), "%s", seen->str);
    ck_assert_msg(strstr(seen->str, "1 built, 65 unchanged, 0 failed (66 outputs)"), "%s", seen->str);
    jt_stop(pid, out_fd);
    g_string_free(seen, TRUE);
    g_free(csv);
    jt_rmrf(dir);
    g_free(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("meeting summary");
    TCase *tc = tcase_create("sentences");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, the_second_quarter_in_sentences);
    tcase_add_test(tc, the_office_words_its_own_requirements);
    tcase_add_test(tc, a_period_nobody_reported_for_still_renders);
    tcase_add_test(tc, without_indicators_the_sections_close_up);
    suite_add_tcase(s, tc);
    tc = tcase_create("pages");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, every_cell_of_the_indicator_table_is_in_the_pdf_with_its_state);
    tcase_add_test(tc, text_pages_hold_22_lines_of_28_characters_on_the_grid);
    tcase_add_test(tc, names_are_never_cut_at_a_line_end);
    tcase_add_test(tc, page_numbers_sit_where_the_standard_puts_them);
    tcase_add_test(tc, the_charts_are_in_the_layout_dump_to_scale);
    tcase_add_test(tc, without_a_number_the_red_rule_stays_in_its_place);
    tcase_add_test(tc, both_backends_show_the_same_text_with_subset_fonts_and_the_same_bytes_twice);
    suite_add_tcase(s, tc);
    tc = tcase_create("input and projects");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, a_missing_or_malformed_period_is_one_message_and_no_output);
    tcase_add_test(tc, a_malformed_project_leaves_the_earlier_circular_intact);
    tcase_add_test(tc, an_indicator_edit_rebuilds_the_circular_alone);
    tcase_add_test(tc, watch_rebuilds_the_circular_when_the_indicators_change);
    suite_add_tcase(s, tc);
    return jt_main(s);
}
