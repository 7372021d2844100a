/* The documents of scenarios.h. */
#include "scenarios.h"

#include "docbuild.h"

const char *const sc_sentence =
    "严格落实重大行政决策程序，加强重大行政决策目录管理，推进科学决策、民主决策、依法决策。";

char *sc_long_text(int sentences)
{
    GString *s = g_string_new(NULL);
    for (int i = 0; i < sentences; i++)
        g_string_append(s, sc_sentence);
    return g_string_free(s, FALSE);
}

static void bold(jd_style *s)
{
    s->font_weight = 700;
}

static void header_row(jd_doc *doc, jd_node *t, const char *const *titles, int n, bool bold_header)
{
    jd_node *r = db_row(doc, t);
    for (int i = 0; i < n; i++) {
        jd_node *c = db_cell(doc, r, titles[i], 1, 1);
        if (bold_header)
            db_restyle(doc, c, bold);
    }
}

static const char *const task_titles[] = {"序号", "目标任务", "进度"};

jd_doc *sc_long_table(bool bold_header)
{
    jd_doc *doc = db_doc(A5_W, A5_H, MARGIN, 9, true);
    double w[3] = {30, 200, 0};
    jd_node *t = db_table(doc, 1, 3, w);
    header_row(doc, t, task_titles, 3, bold_header);
    for (int i = 1; i <= 40; i++) {
        jd_node *r = db_row(doc, t);
        char id[8];
        g_snprintf(id, sizeof id, "%d", i);
        db_cell(doc, r, id, 1, 1);
        db_cell(doc, r, "推进科学决策、民主决策、依法决策", 1, 1);
        db_cell(doc, r, "第二季度完成", 1, 1);
    }
    return doc;
}

jd_doc *sc_split_row(bool bold_header)
{
    jd_doc *doc = db_doc(A5_W, A5_H, MARGIN, 9, false);
    double w[3] = {30, 200, 0};
    jd_node *t = db_table(doc, 1, 3, w);
    header_row(doc, t, task_titles, 3, bold_header);
    for (int i = 1; i <= 15; i++) {
        jd_node *r = db_row(doc, t);
        db_cell(doc, r, "1", 1, 1);
        db_cell(doc, r, "短行", 1, 1);
        db_cell(doc, r, "短行", 1, 1);
    }
    char *text = sc_long_text(6);
    jd_node *r = db_row(doc, t);
    db_cell(doc, r, "16", 1, 1);
    db_cell(doc, r, "长行", 1, 1);
    db_cell(doc, r, text, 1, 1);
    g_free(text);
    return doc;
}

jd_doc *sc_tall_cell(bool bold_header)
{
    jd_doc *doc = db_doc(A5_W, A5_H, MARGIN, 9, false);
    double w[2] = {60, 0};
    jd_node *t = db_table(doc, 1, 2, w);
    const char *titles[] = {"单位", "计划"};
    header_row(doc, t, titles, 2, bold_header);
    char *text = sc_long_text(100);
    jd_node *r = db_row(doc, t);
    db_cell(doc, r, "商务局", 1, 1);
    db_cell(doc, r, text, 1, 1);
    g_free(text);
    return doc;
}

jd_doc *sc_rowspan_break(bool bold_header)
{
    jd_doc *doc = db_doc(A5_W, A5_H, MARGIN, 9, false);
    double w[4] = {30, 120, 60, 0};
    jd_node *t = db_table(doc, 1, 4, w);
    /* the unit column is repeated too when a break cuts a unit's row */
    jd_node_set_int(jd_node_next(jd_node_next(jd_node_first_child(t))), JD_ATTR_REPEAT_ON_BREAK, 1);
    const char *titles[] = {"序号", "目标任务", "责任单位", "计划"};
    header_row(doc, t, titles, 4, bold_header);
    for (int i = 0; i < 9; i++) {
        jd_node *r = db_row(doc, t);
        db_cell(doc, r, "1", 1, 1);
        db_cell(doc, r, "短任务", 1, 1);
        db_cell(doc, r, "甲局", 1, 1);
        db_cell(doc, r, "按期推进", 1, 1);
    }
    char *plan = sc_long_text(2);
    const char *units[] = {"商务局", "张家窝镇", "中北镇", "杨柳青镇", "精武镇"};
    for (int u = 0; u < 5; u++) {
        jd_node *r = db_row(doc, t);
        if (u == 0) {
            db_cell(doc, r, "20", 5, 1);
            db_cell(doc, r, "加快融入“双中心”城市布局，推动商业综合体建设", 5, 1);
        }
        db_cell(doc, r, units[u], 1, 1);
        db_cell(doc, r, plan, 1, 1);
    }
    g_free(plan);
    return doc;
}

jd_doc *sc_colspan_header(void)
{
    jd_doc *doc = db_doc(A5_W, A5_H, MARGIN, 9, false);
    double w[6] = {30, 90, 0, 0, 0, 0};
    jd_node *t = db_table(doc, 2, 6, w);
    jd_node *h1 = db_row(doc, t), *h2 = db_row(doc, t);
    db_cell(doc, h1, "序号", 2, 1);
    db_cell(doc, h1, "责任单位", 2, 1);
    db_cell(doc, h1, "进度安排", 1, 4);
    const char *q[] = {"第一季度", "第二季度", "第三季度", "第四季度"};
    for (int i = 0; i < 4; i++)
        db_cell(doc, h2, q[i], 1, 1);
    for (int i = 0; i < 40; i++) {
        jd_node *r = db_row(doc, t);
        db_cell(doc, r, "1", 1, 1);
        db_cell(doc, r, "区政府办公室", 1, 1);
        if (i % 2 == 0) {
            db_cell(doc, r, "全年计划：持续推进重大行政决策目录编制公布备案工作", 1, 4);
        } else {
            db_cell(doc, r, "一季度计划", 1, 1);
            db_cell(doc, r, "二至四季度计划", 1, 3);
        }
    }
    return doc;
}
