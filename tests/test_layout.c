/* Layout: Chinese line breaking, paragraphs, tables across pages. Each table scenario is
 * checked twice: against its golden page dump (tests/golden/layout/), and against
 * invariants that hold whatever the fonts — no text outside the body, none overlapping,
 * every cell's text present in reading order. */
#include <math.h>
#include <string.h>

#include "docbuild.h"
#include "scenarios.h"
#include "jd_backend.h"
#include "jd_layout.h"
#include "layout_private.h"
#include "test_haru_pdf.h"
#include "testutil.h"


static jd_fonts *fonts;
static jd_diags *diags;

static void setup(void)
{
    diags = jd_diags_new();
    fonts = jd_fonts_new(NULL, diags);
    ck_assert_msg(fonts != NULL, "font set failed to load");
}

static void teardown(void)
{
    jd_fonts_free(fonts);
    jd_diags_free(diags);
}

static jd_pages *lay(jd_doc *doc)
{
    jd_pages *pages = jd_layout(doc, fonts, diags);
    if (!pages)
        jd_diags_print(diags, stderr);
    ck_assert_ptr_nonnull(pages);
    return pages;
}

/* All glyph-run text of a page, in item order, concatenated. */
static char *page_text(const jd_page *page)
{
    GString *s = g_string_new(NULL);
    for (size_t i = 0; i < jd_page_item_count(page); i++) {
        const jd_item *it = jd_page_item(page, i);
        if (it->type == JD_ITEM_GLYPHS)
            g_string_append(s, it->u.glyphs.text);
    }
    return g_string_free(s, FALSE);
}

static char *all_text(const jd_pages *pages)
{
    GString *s = g_string_new(NULL);
    for (size_t p = 0; p < jd_pages_count(pages); p++) {
        char *t = page_text(jd_pages_get(pages, p));
        g_string_append(s, t);
        g_free(t);
    }
    return g_string_free(s, FALSE);
}

/* Text of a string with its whitespace removed (line breaks turn spaces into nothing). */
static char *squeeze(const char *s)
{
    GString *o = g_string_new(NULL);
    for (const char *p = s; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (!g_unichar_isspace(c) && c != 0x2028)
            g_string_append_unichar(o, c);
    }
    return g_string_free(o, FALSE);
}

/* Every glyph run lies inside the page body (footers: inside the bottom margin), and no
 * two runs of a page overlap. */
static void check_geometry(const jd_pages *pages)
{
    for (size_t p = 0; p < jd_pages_count(pages); p++) {
        const jd_page *page = jd_pages_get(pages, p);
        GArray *boxes = g_array_new(FALSE, FALSE, sizeof(double) * 4);
        for (size_t i = 0; i < jd_page_item_count(page); i++) {
            const jd_item *it = jd_page_item(page, i);
            if (it->type == JD_ITEM_RULE) {
                ck_assert_msg(it->u.rule.y1 >= MARGIN - 1 && it->u.rule.y2 <= jd_page_height(page) - MARGIN + 1,
                              "page %zu: a rule leaves the body (y %.1f..%.1f)", p + 1, it->u.rule.y1, it->u.rule.y2);
                continue;
            }
            if (it->type != JD_ITEM_GLYPHS)
                continue;
            const jd_glyph_run *r = &it->u.glyphs;
            double box[4] = {r->x, r->y - r->size, r->x + r->width, r->y + r->size * 0.2};
            bool footer = r->y > jd_page_height(page) - MARGIN;
            if (!footer) {
                ck_assert_msg(box[1] >= MARGIN - 0.5, "page %zu: text above the body: %s", p + 1, r->text);
                ck_assert_msg(box[2] <= jd_page_width(page) - MARGIN + 0.5, "page %zu: text right of the body: %s",
                              p + 1, r->text);
            }
            for (guint k = 0; k < boxes->len; k++) {
                const double *o = &g_array_index(boxes, double, k * 4);
                bool overlap = box[0] < o[2] - 0.5 && o[0] < box[2] - 0.5 && box[1] < o[3] - 0.5 &&
                               o[1] < box[3] - 0.5;
                ck_assert_msg(!overlap, "page %zu: text overlaps other text: %s", p + 1, r->text);
            }
            g_array_append_vals(boxes, box, 1);
        }
        g_array_free(boxes, TRUE);
    }
}

/* `s` without any occurrence of `what` (repeated table headers, say). */
static char *without(const char *s, const char *what)
{
    char **parts = g_strsplit(s, what, -1);
    char *joined = g_strjoinv("", parts);
    g_strfreev(parts);
    return joined;
}

/* How many pages carry `needle` */
static int pages_with(const jd_pages *pages, const char *needle)
{
    int n = 0;
    for (size_t p = 0; p < jd_pages_count(pages); p++) {
        char *t = page_text(jd_pages_get(pages, p));
        if (strstr(t, needle))
            n++;
        g_free(t);
    }
    return n;
}

static void header_row(jd_doc *doc, jd_node *t)
{
    jd_node *r = db_row(doc, t);
    db_cell(doc, r, "序号", 1, 1);
    db_cell(doc, r, "目标任务", 1, 1);
    db_cell(doc, r, "进度", 1, 1);
}

/* ---- line breaking ----------------------------------------------------------------- */

static const char *const no_start = "，。、；：？！）》」』”’…";
static const char *const no_end = "（《「『“‘";

static bool starts_with_any(const char *line, const char *set)
{
    return *line && g_utf8_strchr(set, -1, g_utf8_get_char(line)) != NULL;
}

static bool ends_with_any(const char *line, const char *set)
{
    const char *last = g_utf8_find_prev_char(line, line + strlen(line));
    return last && g_utf8_strchr(set, -1, g_utf8_get_char(last)) != NULL;
}

START_TEST(kinsoku_holds_at_every_width)
{
    const char *text = "现将《关于西青区2022年国民经济和社会发展规划执行情况与2023年国民经济和社会发展规划草案的报告》"
                       "印发给你们，请认真贯彻落实。（此件主动公开）地区生产总值完成“十四五”规划目标；一般公共预算收入同比增长5.2%！"
                       "是否达到预期？主要措施：一、稳增长；二、促改革。“双碳”工作、“放管服”改革持续推进……";
    int violations = 0, lines_seen = 0;
    /* widths from 3 to 30 characters of 10pt: pango alone breaks the rules at 3 */
    for (int chars = 3; chars <= 30; chars++) {
        jd_doc *doc = db_doc(chars * 10 + 2 * MARGIN + 0.01, 2000, MARGIN, 10, false);
        db_para(doc, jd_doc_root(doc), text);
        jd_pages *pages = lay(doc);
        for (size_t p = 0; p < jd_pages_count(pages); p++) {
            const jd_page *page = jd_pages_get(pages, p);
            /* a line is the glyph runs on one baseline (the digits are in the Latin face) */
            GString *line = g_string_new(NULL);
            double y = -1, left = 0, right = 0;
            for (size_t i = 0; i <= jd_page_item_count(page); i++) {
                const jd_item *it = i < jd_page_item_count(page) ? jd_page_item(page, i) : NULL;
                if (it && it->type != JD_ITEM_GLYPHS)
                    continue;
                if ((!it || fabs(it->u.glyphs.y - y) > 0.01) && line->len) {
                    lines_seen++;
                    if (starts_with_any(line->str, no_start) || ends_with_any(line->str, no_end)) {
                        violations++;
                        fprintf(stderr, "width %d: line '%s'\n", chars, line->str);
                    }
                    ck_assert_msg(right - left <= chars * 10 + 0.02, "width %d: line '%s' is %.2fpt wide", chars,
                                  line->str, right - left);
                    g_string_truncate(line, 0);
                }
                if (!it)
                    break;
                if (!line->len)
                    left = it->u.glyphs.x;
                y = it->u.glyphs.y;
                right = it->u.glyphs.x + it->u.glyphs.width;
                g_string_append(line, it->u.glyphs.text);
            }
            g_string_free(line, TRUE);
        }
        char *all = all_text(pages), *a = squeeze(all), *b = squeeze(text);
        ck_assert_str_eq(a, b); /* nothing lost, nothing doubled */
        g_free(all), g_free(a), g_free(b);
        jd_pages_free(pages);
        jd_doc_free(doc);
    }
    ck_assert_int_eq(violations, 0);
    ck_assert_int_gt(lines_seen, 300);
}
END_TEST

static void justify(jd_style *s)
{
    s->text_align = JD_ALIGN_JUSTIFY;
    s->text_indent = (jd_length){20, JD_UNIT_PT};
}

START_TEST(justified_lines_fill_the_width_evenly)
{
    jd_doc *doc = db_doc(400, 800, MARGIN, 10, false);
    /* the second line has room to spare: the next one starts with a mark that must not */
    jd_node *p = db_para(doc, jd_doc_root(doc), "坚持把政治建设摆在首位，旗帜鲜明讲政治，以党的政治建设统领区政府各项工作，"
                                               "坚定不移做好“两个确立”的忠诚拥护者、“两个维护”的示范引领者。\n第二段。");
    db_restyle(doc, p, justify);
    jd_pages *pages = lay(doc);
    const jd_page *page = jd_pages_get(pages, 0);
    GPtrArray *lines = g_ptr_array_new();
    for (size_t i = 0; i < jd_page_item_count(page); i++)
        if (jd_page_item(page, i)->type == JD_ITEM_GLYPHS)
            g_ptr_array_add(lines, (gpointer)&jd_page_item(page, i)->u.glyphs);
    size_t runs = lines->len;
    for (guint i = 0; i < lines->len; i++) {
        const jd_glyph_run *r = g_ptr_array_index(lines, i);
        const jd_glyph_run *next = i + 1 < lines->len ? g_ptr_array_index(lines, i + 1) : NULL;
        bool starts_paragraph = i == 0 || g_str_has_prefix(r->text, "第二段");
        bool last_of_para = !next || g_str_has_prefix(next->text, "第二段");
        if (starts_paragraph)
            ck_assert_msg(fabs(r->x - (MARGIN + 20)) < 0.01, "paragraph start is indented: %.2f", r->x);
        else
            ck_assert_msg(fabs(r->x - MARGIN) < 0.01, "continuation line starts at the margin");
        if (last_of_para)
            continue;
        double right = r->x + r->width;
        ck_assert_msg(fabs(right - (400 - MARGIN)) < 0.05, "justified line '%s' ends at %.2f", r->text, right);
        /* the space is spread evenly: every step from one Han character to the next is the
         * same (one font size; marks next to marks are compressed) */
        double step = r->glyphs[1].x - r->glyphs[0].x;
        for (size_t g = 1; g < r->n_glyphs; g++) {
            gunichar a = g_utf8_get_char(r->text + r->glyphs[g - 1].cluster), b = g_utf8_get_char(r->text + r->glyphs[g].cluster);
            if (g_unichar_ispunct(a) || g_unichar_ispunct(b))
                continue;
            ck_assert_msg(fabs((r->glyphs[g].x - r->glyphs[g - 1].x) - step) < 0.02, "uneven gap in '%s' at glyph %zu",
                          r->text, g);
        }
    }
    g_ptr_array_free(lines, TRUE);
    ck_assert_int_ge(runs, 4);
    jd_pages_free(pages);
    jd_doc_free(doc);
}
END_TEST

/* ---- tables ------------------------------------------------------------------------ */

static void finish_table_test(jd_doc *doc, const char *golden, jd_pages **out)
{
    jd_pages *pages = lay(doc);
    /* JD_TEST_OUTPUT=DIR keeps a PDF of each scenario, to look at */
    const char *dir = g_getenv("JD_TEST_OUTPUT");
    if (dir && *dir) {
        char *base = g_path_get_basename(golden);
        char *pdf = g_strdup_printf("%s/%s.pdf", dir, base);
        jd_render_cairo(pages, pdf, NULL, diags);
        g_free(pdf);
        g_free(base);
    }
    check_geometry(pages);
    char *dump = jd_pages_dump(pages);
    jt_golden(dump, golden);
    g_free(dump);
    *out = pages;
}

START_TEST(table_longer_than_a_page_repeats_its_header)
{
    jd_doc *doc = sc_long_table(false);
    jd_pages *pages;
    finish_table_test(doc, "layout/long-table.dump", &pages);
    ck_assert_int_eq(jd_pages_count(pages), 3);
    ck_assert_int_eq(pages_with(pages, "序号"), 3);
    ck_assert_int_eq(pages_with(pages, "第 3 页 共 3 页"), 1);
    /* rows come in order and each exactly once */
    char *all = all_text(pages);
    int found = 0;
    const char *p = all;
    for (int i = 1; i <= 40; i++) {
        char row[64];
        g_snprintf(row, sizeof row, "%d推进科学决策", i);
        const char *hit = strstr(p, row);
        ck_assert_msg(hit != NULL, "row %d missing or out of order", i);
        p = hit + 1;
        found++;
    }
    ck_assert_int_eq(found, 40);
    ck_assert_int_eq(jt_count(all, "推进科学决策"), 40);
    g_free(all);
    jd_pages_free(pages);
    jd_doc_free(doc);
}
END_TEST

/* A long table is laid out a row group at a time: the cells held at once are the header's
 * and one group's, whatever the number of rows (10,000 rows held 35,004 cells and the boxes
 * of every name in the automatic column before). */
START_TEST(a_long_table_holds_one_row_group_of_cells_at_a_time)
{
    jd_doc *doc = db_doc(595, 842, 56, 10.5, false);
    const double widths[] = {40, 0, 0, 60};
    jd_node *table = db_table(doc, 1, 4, widths);
    jd_node *auto_col = jd_node_next(jd_node_next(jd_node_first_child(table)));
    jd_node_set_length(auto_col, JD_ATTR_WIDTH, (jd_length){0, JD_UNIT_AUTO});
    jd_node *head = db_row(doc, table);
    const char *heads[] = {"序号", "目标任务", "责任单位", "进度"};
    for (int i = 0; i < 4; i++)
        db_cell(doc, head, heads[i], 1, 1);
    const char *units[] = {"区商务局", "区发展改革委", "区财政局"};
    enum { GROUPS = 5000 };
    for (int g = 0; g < GROUPS; g++) {
        char id[16], title[64];
        g_snprintf(id, sizeof id, "%d", g + 1);
        g_snprintf(title, sizeof title, "推进第%d项重点工作", g + 1);
        jd_node *a = db_row(doc, table), *b = db_row(doc, table);
        db_cell(doc, a, id, 2, 1);
        db_cell(doc, a, title, 1, 1);
        db_cell(doc, a, units[g % 3], 1, 1);
        db_cell(doc, a, "启动", 1, 1);
        db_cell(doc, b, "推进", 1, 1);
        db_cell(doc, b, units[(g + 1) % 3], 1, 1);
        db_cell(doc, b, "完成", 1, 1);
    }
    size_t peak = 0;
    jd_layout_options opts = {.threads = 2, .cells_peak = &peak};
    jd_pages *pages = jd_layout_with(doc, fonts, &opts, diags);
    ck_assert_ptr_nonnull(pages);
    ck_assert_uint_eq(peak, 4 + 7);
    ck_assert_uint_gt(jd_pages_count(pages), 100);
    char *first = page_text(jd_pages_get(pages, 0));
    char *last = page_text(jd_pages_get(pages, jd_pages_count(pages) - 1));
    ck_assert_ptr_nonnull(strstr(first, "推进第1项重点工作"));
    ck_assert_ptr_nonnull(strstr(last, "推进第5000项重点工作"));
    ck_assert_ptr_nonnull(strstr(last, "序号"));
    g_free(first);
    g_free(last);
    jd_pages_free(pages);
    jd_doc_free(doc);
}
END_TEST

START_TEST(row_taller_than_what_is_left_is_split_between_lines)
{
    jd_doc *doc = sc_split_row(false);
    char *text = sc_long_text(6); /* the long row's text */
    jd_pages *pages;
    finish_table_test(doc, "layout/split-row.dump", &pages);
    ck_assert_int_eq(jd_pages_count(pages), 2);
    /* the long cell starts on page 1 and ends on page 2, its text whole and once */
    char *t1 = page_text(jd_pages_get(pages, 0)), *t2 = page_text(jd_pages_get(pages, 1));
    ck_assert_ptr_nonnull(strstr(t1, "长行"));
    ck_assert_ptr_nonnull(strstr(t1, "严格落实"));
    ck_assert_ptr_nonnull(strstr(t2, "依法决策。"));
    char *all = all_text(pages), *sq = squeeze(all), *body = without(sq, "序号目标任务进度"),
         *want = squeeze(text);
    ck_assert_ptr_nonnull(strstr(body, want));
    ck_assert_int_eq(jt_count(sq, "长行"), 1);
    g_free(t1), g_free(t2), g_free(all), g_free(sq), g_free(body), g_free(want), g_free(text);
    jd_pages_free(pages);
    jd_doc_free(doc);
}
END_TEST

START_TEST(cell_taller_than_a_page_runs_over_several_pages)
{
    jd_doc *doc = sc_tall_cell(false);
    char *text = sc_long_text(100); /* the tall cell's text */
    jd_pages *pages;
    finish_table_test(doc, "layout/tall-cell.dump", &pages);
    ck_assert_int_ge(jd_pages_count(pages), 3);
    ck_assert_int_eq(pages_with(pages, "计划"), (int)jd_pages_count(pages));
    /* the cell's text, read across the pages with the repeated headers taken out */
    char *all = all_text(pages), *sq = squeeze(all), *body = without(sq, "单位计划"), *want = squeeze(text);
    char *expected = g_strconcat("商务局", want, NULL);
    ck_assert_str_eq(body, expected);
    g_free(expected);
    ck_assert_int_eq(jt_count(body, sc_sentence), 100);
    g_free(all), g_free(sq), g_free(body), g_free(want), g_free(text);
    jd_pages_free(pages);
    jd_doc_free(doc);
}
END_TEST

START_TEST(rowspan_group_across_a_break_repeats_its_spanning_cells)
{
    jd_doc *doc = sc_rowspan_break(false);
    char *plan = sc_long_text(2); /* each unit's plan */
    const char *units[] = {"商务局", "张家窝镇", "中北镇", "杨柳青镇", "精武镇"};
    jd_pages *pages;
    finish_table_test(doc, "layout/rowspan-break.dump", &pages);
    ck_assert_int_eq(jd_pages_count(pages), 2);
    /* the task is on both pages; the second time marked as continued */
    ck_assert_int_eq(pages_with(pages, "加快融入"), 2);
    char *t2 = page_text(jd_pages_get(pages, 1));
    ck_assert_ptr_nonnull(strstr(t2, "（续）"));
    /* 序号 and 目标任务 span the rows; 杨柳青镇's row is cut, its unit column repeats */
    ck_assert_int_eq(jt_count(t2, "（续）"), 3);
    ck_assert_ptr_nonnull(strstr(t2, "精武镇"));
    char *all = all_text(pages);
    for (int u = 0; u < 5; u++)
        ck_assert_int_eq(jt_count(all, units[u]), strcmp(units[u], "杨柳青镇") == 0 ? 2 : 1);
    /* four plans are whole on a page; the fifth is cut between the pages */
    char *sq = squeeze(all), *sq_plan = squeeze(plan);
    ck_assert_int_eq(jt_count(sq, sq_plan), 4);
    g_free(sq), g_free(sq_plan);
    g_free(all), g_free(t2), g_free(plan);
    jd_pages_free(pages);
    jd_doc_free(doc);
}
END_TEST

START_TEST(colspans_and_two_header_rows)
{
    jd_doc *doc = sc_colspan_header();
    jd_pages *pages;
    finish_table_test(doc, "layout/colspan-header.dump", &pages);
    size_t n = jd_pages_count(pages);
    ck_assert_int_ge(n, 2);
    ck_assert_int_eq(pages_with(pages, "进度安排"), (int)n);
    ck_assert_int_eq(pages_with(pages, "第四季度"), (int)n);
    /* a whole-year plan starts in the first quarter's column: find its x */
    const jd_page *p1 = jd_pages_get(pages, 0);
    double q1_x = -1, year_x = -2, later_x = -3;
    for (size_t i = 0; i < jd_page_item_count(p1); i++) {
        const jd_item *it = jd_page_item(p1, i);
        if (it->type != JD_ITEM_GLYPHS)
            continue;
        if (strcmp(it->u.glyphs.text, "第一季度") == 0)
            q1_x = it->u.glyphs.x;
        if (g_str_has_prefix(it->u.glyphs.text, "全年计划"))
            year_x = it->u.glyphs.x;
        if (strcmp(it->u.glyphs.text, "二至四季度计划") == 0)
            later_x = it->u.glyphs.x;
    }
    double col = (A5_W - 2 * MARGIN - 120) / 4; /* width of a quarter column */
    double q1_left = MARGIN + 120;
    ck_assert_msg(fabs(year_x - (q1_left + 3)) < 0.01, "whole-year plan starts at the first quarter column");
    ck_assert_msg(fabs(later_x - (q1_left + col + 3)) < 0.01, "three-quarter plan starts at the second column");
    ck_assert_msg(q1_x > q1_left && q1_x < q1_left + col, "header 第一季度 sits over its column");
    jd_pages_free(pages);
    jd_doc_free(doc);
}
END_TEST

START_TEST(page_totals_in_footers)
{
    jd_doc *doc = db_doc(A5_W, A5_H, MARGIN, 9, true);
    char *text = sc_long_text(70);
    db_para(doc, jd_doc_root(doc), text);
    jd_pages *pages = lay(doc);
    size_t n = jd_pages_count(pages);
    ck_assert_int_eq(n, 2);
    for (size_t p = 0; p < n; p++) {
        char want[64];
        g_snprintf(want, sizeof want, "第 %zu 页 共 %zu 页", p + 1, n);
        char *t = page_text(jd_pages_get(pages, p));
        ck_assert_msg(strstr(t, want) != NULL, "page %zu lacks '%s'", p + 1, want);
        g_free(t);
    }
    char *dump = jd_pages_dump(pages);
    jt_golden(dump, "layout/page-totals.dump");
    g_free(dump);
    g_free(text);
    jd_pages_free(pages);
    jd_doc_free(doc);
}
END_TEST

START_TEST(missing_glyph_is_an_error)
{
    jd_doc *doc = db_doc(A5_W, A5_H, MARGIN, 9, false);
    db_para(doc, jd_doc_root(doc), "正常文字𬴂");
    jd_diags *d = jd_diags_new();
    jd_pages *pages = jd_layout(doc, fonts, d);
    ck_assert_ptr_null(pages);
    ck_assert_int_eq(jd_diags_count(d), 1);
    ck_assert_str_eq(jd_diag_message(jd_diags_get(d, 0)),
                     "character 𬴂 (U+2CD02) in “正常文字𬴂” is in no font of the font set; it would print as an empty box "
                     "(`jindu fonts check` lists every such character of a data file)");
    jd_diags_free(d);
    jd_doc_free(doc);
}
END_TEST

/* ---- shaping on several threads ---------------------------------------------------- */

static void bold(jd_style *s)
{
    s->font_weight = 700;
}

/* A table of `rows` rows long enough for the shaping threads (more cells than their
 * look-ahead window), with paragraphs, rowspans, empty and bold cells; `extra(doc, row, i)`
 * may change row i. */
static jd_doc *big_table(int rows, void (*extra)(jd_doc *doc, jd_node *row, int i))
{
    jd_doc *doc = db_doc(A5_W, A5_H, MARGIN, 9, true);
    double w[3] = {30, 200, 0};
    jd_node *t = db_table(doc, 1, 3, w);
    header_row(doc, t);
    for (int i = 1; i <= rows; i++) {
        jd_node *r = db_row(doc, t);
        char id[16];
        g_snprintf(id, sizeof id, "%d", i);
        bool spans = i % 7 == 0 && i < rows;
        db_cell(doc, r, id, spans ? 2 : 1, 1);
        char *text = sc_long_text(1 + i % 4);
        jd_node *c = db_cell(doc, r, i % 5 == 0 ? "" : text, 1, 1);
        if (i % 3 == 0)
            db_restyle(doc, c, bold);
        db_cell(doc, r, i % 2 ? "第二季度完成\n第三季度验收" : "Q2: 完成 50%", 1, 1);
        g_free(text);
        if (extra)
            extra(doc, r, i);
        if (spans) {
            r = db_row(doc, t);
            db_cell(doc, r, "续行", 1, 1);
            db_cell(doc, r, sc_sentence, 1, 1);
            i++;
        }
    }
    return doc;
}

static jd_pages *lay_threads(jd_doc *doc, int threads, jd_diags *d)
{
    jd_layout_options o = {.threads = threads};
    return jd_layout_with(doc, fonts, &o, d);
}

static char *font_table(const jd_pages *pages)
{
    GString *s = g_string_new(NULL);
    for (size_t i = 0; i < jd_pages_font_count(pages); i++) {
        const jd_font *f = jd_pages_font(pages, (int)i);
        g_string_append_printf(s, "%s:%d:%d\n", f->file, f->face_index, f->synthetic_bold);
    }
    return g_string_free(s, FALSE);
}

/* Lays `doc` out on 1 thread and then on 2, 3 and 4: the same pages and the same font table
 * each time, and no message. Returns the one-thread pages. */
static jd_pages *same_pages_whatever_the_threads(jd_doc *doc)
{
    jd_pages *one = lay_threads(doc, 1, diags);
    ck_assert_ptr_nonnull(one);
    char *want = jd_pages_dump(one), *want_fonts = font_table(one);
    for (int threads = 2; threads <= 4; threads++) {
        jd_pages *many = lay_threads(doc, threads, diags);
        ck_assert_ptr_nonnull(many);
        char *got = jd_pages_dump(many), *got_fonts = font_table(many);
        ck_assert_msg(strcmp(got, want) == 0, "%d threads laid the pages out differently", threads);
        ck_assert_str_eq(got_fonts, want_fonts);
        g_free(got);
        g_free(got_fonts);
        jd_pages_free(many);
    }
    ck_assert_int_eq(jd_diags_count(diags), 0);
    g_free(want);
    g_free(want_fonts);
    return one;
}

/* An empty paragraph after the text of every fourth row's last cell, and in every sixth
 * one more paragraph of text after that: cells of several paragraphs, some with no text
 * (their arrays are empty), go through a shaping thread like any other. */
static void empty_paragraphs(jd_doc *doc, jd_node *row, int i)
{
    jd_node *cell = jd_node_last_child(row);
    if (i % 4 == 1 || i % 6 == 0) {
        jd_node *p = jd_node_new(doc, JD_NODE_PARAGRAPH);
        jd_node_set_style(p, jd_node_style(cell));
        jd_node_append(cell, p);
    }
    if (i % 6 == 0)
        db_para(doc, cell, "续");
}

START_TEST(threads_change_nothing)
{
    jd_doc *doc = big_table(700, empty_paragraphs);
    jd_pages *one = same_pages_whatever_the_threads(doc);
    ck_assert_int_gt(jd_pages_count(one), 20);
    /* Song regular and bold, and the Latin face of the numbers */
    ck_assert_int_eq(jd_pages_font_count(one), 3);
    jd_pages_free(one);
    jd_doc_free(doc);
}
END_TEST


static void keep_with_next(jd_style *s)
{
    s->keep_with_next = true;
    s->font_weight = 700;
}

/* A body of `n` paragraphs — more than the shaping threads look ahead — with headings kept
 * with the paragraph after them, bold paragraphs, and `odd_every_200` (a character no font
 * has) at the start of paragraphs 150, 350 … when not NULL */
static jd_doc *long_body(int n, const char *odd_every_200)
{
    jd_doc *doc = db_doc(A5_W, A5_H, MARGIN, 9, true);
    jd_node *root = jd_doc_root(doc);
    for (int i = 1; i <= n; i++) {
        char *text = i % 10 == 1 ? g_strdup_printf("%d. 第%d项", i, i) : sc_long_text(1 + i % 3);
        if (odd_every_200 && i % 200 == 150) {
            char *with = g_strdup_printf("%s%s", odd_every_200, text);
            g_free(text);
            text = with;
        }
        jd_node *p = db_para(doc, root, text);
        if (i % 10 == 1)
            db_restyle(doc, p, keep_with_next);
        else if (i % 7 == 0)
            db_restyle(doc, p, bold);
        g_free(text);
    }
    return doc;
}

START_TEST(threads_change_nothing_in_body_text)
{
    jd_doc *doc = long_body(600, NULL);
    jd_pages *one = same_pages_whatever_the_threads(doc);
    ck_assert_int_gt(jd_pages_count(one), 40);
    jd_pages_free(one);
    jd_doc_free(doc);
}
END_TEST

/* A stop asked for (a signal, through the caller): the layout ends at its first page and
 * the backends before they write, each with the error "interrupted", the target untouched. */
START_TEST(a_stop_asked_for_ends_layout_and_rendering)
{
    jd_doc *doc = big_table(200, NULL);
    jd_cancel *cancel = jd_cancel_new();
    jd_cancel_request(cancel, 2);
    jd_layout_options o = {.threads = 1, .cancel = cancel};
    jd_diags *d = jd_diags_new();
    ck_assert_ptr_null(jd_layout_with(doc, fonts, &o, d));
    ck_assert_uint_eq(jd_diags_count(d), 1);
    char *msg = jd_diag_format(jd_diags_get(d, 0));
    ck_assert_str_eq(msg, "error: interrupted");
    g_free(msg);
    jd_diags_free(d);
    jd_pages *pages = lay_threads(doc, 1, diags);
    ck_assert_ptr_nonnull(pages);
    char *dir = jt_tmpdir(), *path = g_build_filename(dir, "x.pdf", NULL);
    jt_write(path, "previous");
    jd_render_options ro;
    jd_render_options_init(&ro);
    ro.cancel = cancel;
    for (int haru = 0; haru <= 1; haru++) {
        d = jd_diags_new();
        ck_assert(!(haru ? jd_render_haru(pages, path, &ro, d) : jd_render_cairo(pages, path, &ro, d)));
        ck_assert_uint_eq(jd_diags_count(d), 1);
        msg = jd_diag_format(jd_diags_get(d, 0));
        char *want = g_strdup_printf("%s: error: interrupted", path);
        ck_assert_str_eq(msg, want);
        g_free(want), g_free(msg);
        jd_diags_free(d);
        char *listing = jt_dir_listing(dir), *text = jt_read(path);
        ck_assert_str_eq(listing, "x.pdf");
        ck_assert_str_eq(text, "previous");
        g_free(listing), g_free(text);
    }
    jt_rmrf(dir);
    g_free(dir), g_free(path);
    jd_pages_free(pages);
    jd_cancel_free(cancel);
    jd_doc_free(doc);
}
END_TEST

static void missing_chars(jd_doc *doc, jd_node *row, int i)
{
    if (i == 300 || i == 500)
        db_cell(doc, row, i == 300 ? "甲𬴂乙" : "丙𬴂丁", 1, 1);
    else if (i == 401)
        db_cell(doc, row, "戊𠀀己", 1, 1);
}

static char *messages(jd_diags *d)
{
    GString *s = g_string_new(NULL);
    for (size_t i = 0; i < jd_diags_count(d); i++)
        g_string_append_printf(s, "%s\n", jd_diag_message(jd_diags_get(d, i)));
    return g_string_free(s, FALSE);
}

/* Laid out on one thread and on two, `doc` fails with exactly the messages `want`. */
static void assert_errors_whatever_the_threads(jd_doc *doc, const char *want)
{
    for (int threads = 1; threads <= 2; threads++) {
        jd_diags *d = jd_diags_new();
        ck_assert_ptr_null(lay_threads(doc, threads, d));
        char *got = messages(d);
        ck_assert_str_eq(got, want);
        g_free(got);
        jd_diags_free(d);
    }
    jd_doc_free(doc);
}

START_TEST(characters_no_font_has_are_reported_in_order_whatever_the_threads)
{
    /* each character once, where it first occurs */
    assert_errors_whatever_the_threads(
        big_table(600, missing_chars),
        "character 𬴂 (U+2CD02) in “甲𬴂乙” is in no font of the font set; it would print as "
        "an empty box (`jindu fonts check` lists every such character of a data file)\n"
        "character 𠀀 (U+20000) in “戊𠀀己” is in no font of the font set; it would print as "
        "an empty box (`jindu fonts check` lists every such character of a data file)\n");
}
END_TEST

static void image_in_cell(jd_doc *doc, jd_node *row, int i)
{
    if (i == 250) {
        jd_node *c = db_cell(doc, row, "图", 1, 1);
        jd_node_append(c, jd_node_new(doc, JD_NODE_IMAGE));
    }
}

START_TEST(characters_no_font_has_in_body_text_are_reported_in_order_whatever_the_threads)
{
    /* paragraphs 150, 350 and 550 start with the character: reported once, at the first */
    assert_errors_whatever_the_threads(
        long_body(600, "𬴂"),
        "character 𬴂 (U+2CD02) in “𬴂严格落实重大行政” is in no font of the font set; it would print as "
        "an empty box (`jindu fonts check` lists every such character of a data file)\n");
}
END_TEST

START_TEST(what_a_shaping_thread_cannot_do_the_layout_does)
{
    assert_errors_whatever_the_threads(big_table(400, image_in_cell),
                                       "a image cannot be placed inside a cell (only paragraphs and headings)\n");
}
END_TEST

/* ---- what reaches the PDF ------------------------------------------------------------ */

static void size_10(jd_style *s)
{
    s->font_size = 10;
}

/* Renders `pages` with cairo; returns pdffonts' rows, and the text of page 1 if asked. */
static GPtrArray *rendered_fonts(const jd_pages *pages, char **page1_text)
{
    char *dir = jt_tmpdir(), *pdf = g_build_filename(dir, "fonts.pdf", NULL);
    ck_assert(jd_render_cairo(pages, pdf, NULL, diags));
    GPtrArray *rows = hp_fonts(pdf);
    if (page1_text)
        *page1_text = hp_page_text(pdf, 1);
    jt_rmrf(dir);
    g_free(dir);
    g_free(pdf);
    return rows;
}

/* The song font has no bold face, so its bold is emboldened. The regular text drawn after
 * some bold text of the same file must stay regular: embedded as the TrueType font itself,
 * not as the emboldened outlines cairo makes for synthetic bold. */
START_TEST(regular_text_after_synthetic_bold_stays_regular)
{
    jd_doc *doc = db_doc(A5_W, A5_H, MARGIN, 9, false);
    jd_node *root = jd_doc_root(doc);
    db_restyle(doc, db_para(doc, root, "上半年计划完成情况"), size_10);
    db_restyle(doc, db_para(doc, root, "序号目标任务"), bold);
    db_para(doc, root, "依法接受区人大及其常委会的法律监督");
    jd_pages *pages = lay(doc);
    char *text = NULL;
    GPtrArray *rows = rendered_fonts(pages, &text);
    int truetype = 0, emboldened = 0;
    for (guint i = 0; i < rows->len; i++) {
        const char *row = g_ptr_array_index(rows, i);
        if (strstr(row, "CairoFont"))
            emboldened++; /* cairo's name for outlines it converted itself */
        else if (strstr(row, "TrueType"))
            truetype++;
        ck_assert_msg(!strstr(row, "Type 3"), "%s", row);
    }
    /* the regular text as the TrueType font, the bold as converted outlines */
    ck_assert_int_eq(truetype, 1);
    ck_assert_int_ge(emboldened, 1);
    ck_assert_str_eq(text, "上半年计划完成情况序号目标任务依法接受区人大及其常委会的法律监督");
    g_free(text);
    g_ptr_array_unref(rows);
    jd_pages_free(pages);
    jd_doc_free(doc);
}
END_TEST

/* A line break inside a paragraph (U+2028) ends its line and is not drawn: no glyph for it
 * in the page list, and no made-up font for it in the PDF. */
START_TEST(line_separator_is_not_drawn)
{
    jd_doc *doc = db_doc(A5_W, A5_H, MARGIN, 9, false);
    jd_node *p = db_para(doc, jd_doc_root(doc), "第一行");
    jd_node *br = jd_node_new(doc, JD_NODE_LINE_BREAK);
    jd_node_set_style(br, jd_node_style(p));
    jd_node_append(p, br);
    jd_node *t = jd_node_new(doc, JD_NODE_TEXT);
    jd_node_set_style(t, jd_node_style(p));
    jd_node_set_text(t, "第二行", strlen("第二行"));
    jd_node_append(p, t);
    jd_pages *pages = lay(doc);
    const jd_page *page = jd_pages_get(pages, 0);
    GString *runs = g_string_new(NULL);
    for (size_t i = 0; i < jd_page_item_count(page); i++) {
        const jd_item *it = jd_page_item(page, i);
        if (it->type != JD_ITEM_GLYPHS)
            continue;
        g_string_append_printf(runs, "[%s]", it->u.glyphs.text);
        ck_assert_uint_eq(it->u.glyphs.n_glyphs, 3);
    }
    ck_assert_str_eq(runs->str, "[第一行][第二行]");
    GPtrArray *rows = rendered_fonts(pages, NULL);
    ck_assert_uint_eq(rows->len, 1); /* the song font alone */
    ck_assert_msg(!strstr(g_ptr_array_index(rows, 0), "Type 3"), "%s", (char *)g_ptr_array_index(rows, 0));
    g_ptr_array_unref(rows);
    g_string_free(runs, TRUE);
    jd_pages_free(pages);
    jd_doc_free(doc);
}
END_TEST

/* Lines of glyph runs of page 1 as "y x text" rows, from the first run at or below `y0`
 * and above `y1`, with y made relative to the first row. */
static char *rows_between(const jd_pages *pages, double y0, double y1)
{
    GString *s = g_string_new(NULL);
    const jd_page *page = jd_pages_get(pages, 0);
    double first = -1;
    for (size_t i = 0; i < jd_page_item_count(page); i++) {
        const jd_item *it = jd_page_item(page, i);
        if (it->type != JD_ITEM_GLYPHS || it->u.glyphs.y < y0 || it->u.glyphs.y >= y1)
            continue;
        if (first < 0)
            first = it->u.glyphs.y;
        g_string_append_printf(s, "%.3f %.3f %s |", it->u.glyphs.y - first, it->u.glyphs.x, it->u.glyphs.text);
        for (size_t g = 0; g < it->u.glyphs.n_glyphs; g++)
            g_string_append_printf(s, " %u@%.3f", it->u.glyphs.glyphs[g].id, it->u.glyphs.glyphs[g].x);
        g_string_append_c(s, '\n');
    }
    return g_string_free(s, FALSE);
}

/* A paragraph of one line of text is shaped by pango's itemizer and shaper directly; one
 * with a line break in it goes through a PangoLayout. Both must give the same lines. */
START_TEST(both_shaping_paths_give_the_same_lines)
{
    const char *text = "坚持“两个确立”，推进GDP增长5.5%以上（全年），完成《实施方案》的编制、"
                       "审议和印发工作……同时做好 Q2 report 的 follow-up。";
    jd_doc *alone = db_doc(A5_W, A5_H, MARGIN, 9, false);
    db_para(alone, jd_doc_root(alone), text);
    jd_doc *broken = db_doc(A5_W, A5_H, MARGIN, 9, false);
    jd_node *p = db_para(broken, jd_doc_root(broken), text);
    jd_node *br = jd_node_new(broken, JD_NODE_LINE_BREAK);
    jd_node_set_style(br, jd_node_style(p));
    jd_node_append(p, br);
    jd_node *t = jd_node_new(broken, JD_NODE_TEXT);
    jd_node_set_style(t, jd_node_style(p));
    jd_node_set_text(t, "下一行", strlen("下一行"));
    jd_node_append(p, t);
    for (int w = 0; w < 3; w++) {
        /* narrower bodies break the text at other places */
        jd_pages *a = lay(alone), *b = lay(broken);
        char *want = rows_between(a, 0, A5_H), *got = rows_between(b, 0, A5_H);
        /* the broken paragraph has one more line, "下一行" */
        ck_assert_ptr_nonnull(strstr(got, "下一行"));
        *strrchr(got, '\n') = '\0';
        char *last = strrchr(got, '\n');
        last[1] = '\0';
        ck_assert_str_eq(got, want);
        ck_assert_uint_gt(strlen(want), 0);
        g_free(want);
        g_free(got);
        jd_pages_free(a);
        jd_pages_free(b);
        /* a wider right margin for the next round */
        for (jd_doc *d = alone; d; d = d == alone ? broken : NULL) {
            jd_node *page = jd_node_first_child(jd_doc_root(d));
            jd_node_set_number(page, JD_ATTR_MARGIN_RIGHT, MARGIN + 60 * (w + 1));
        }
    }
    jd_doc_free(alone);
    jd_doc_free(broken);
}
END_TEST

/* ---- line-start and line-end lists ---------------------------------------------------- */

/* Every code point asked: exactly the listed characters answer true (the lists answer most
 * of the CJK range without a search, which must not hide one of them). */
static char *answering(bool (*forbidden)(gunichar))
{
    GString *s = g_string_new(NULL);
    for (gunichar ch = 0; ch <= 0x10FFFF; ch++)
        if (forbidden(ch))
            g_string_append_unichar(s, ch);
    return g_string_free(s, FALSE);
}

START_TEST(line_start_and_end_lists_are_exactly_the_rules)
{
    char *start = answering(jl_forbidden_at_line_start), *end = answering(jl_forbidden_at_line_end);
    ck_assert_str_eq(start, "!%),.:;?]}°·’”‥…‰′″℃、。々〉》」』】〕〗〙〛〜〞〟ゝゞ・ーヽヾ！％），．：；？］｝～");
    ck_assert_str_eq(end, "([{‘“〈《「『【〔〖〘〚〝（［｛");
    g_free(start);
    g_free(end);
}
END_TEST

/* ---- short texts shaped once ------------------------------------------------------------ */

static void center(jd_style *s)
{
    s->text_align = JD_ALIGN_CENTER;
}

/* The paragraph shaped by a shaper of its own, which has shaped nothing before. */
static jl_para *shaped_fresh(const jd_node *block, jl_font_keys *keys)
{
    jl_shaper sh;
    jl_shaper_init(&sh, jd_fonts_fontmap(fonts), fonts, NULL, keys, diags);
    jl_para *p = jl_para_shape_with(&sh, block, NULL, NULL);
    jl_shaper_clear(&sh);
    return p;
}

static void assert_same_para(const jl_para *a, const jl_para *b)
{
    ck_assert_uint_eq(a->text_len, b->text_len);
    ck_assert_str_eq(a->text, b->text);
    ck_assert_ptr_eq(a->style, b->style);
    ck_assert_uint_eq(a->n_clusters, b->n_clusters);
    for (size_t i = 0; i < a->n_clusters; i++) {
        const jl_cluster *x = &a->clusters[i], *y = &b->clusters[i];
        ck_assert(x->byte_start == y->byte_start && x->byte_len == y->byte_len && x->glyph_start == y->glyph_start &&
                  x->n_glyphs == y->n_glyphs && x->run == y->run && x->width == y->width && x->flags == y->flags &&
                  x->cls == y->cls && x->level == y->level);
        const jl_space *u = &a->spaces[i], *v = &b->spaces[i];
        ck_assert(u->fixed_left == v->fixed_left && u->fixed_right == v->fixed_right && u->blank_left == v->blank_left &&
                  u->blank_right == v->blank_right && u->pair == v->pair && u->glue == v->glue &&
                  u->pair_side == v->pair_side && u->stretch == v->stretch);
    }
    ck_assert_uint_eq(a->n_glyphs, b->n_glyphs);
    for (size_t i = 0; i < a->n_glyphs; i++)
        ck_assert(a->glyphs[i].id == b->glyphs[i].id && a->glyphs[i].advance == b->glyphs[i].advance &&
                  a->glyphs[i].x_offset == b->glyphs[i].x_offset && a->glyphs[i].y_offset == b->glyphs[i].y_offset);
    ck_assert_uint_eq(a->n_runs, b->n_runs);
    for (size_t i = 0; i < a->n_runs; i++) {
        const jl_run *x = &a->runs[i], *y = &b->runs[i];
        ck_assert(x->font == y->font && x->size == y->size && x->color == y->color && x->style == y->style &&
                  x->href == y->href && x->ascent == y->ascent && x->descent == y->descent);
    }
}

/* A shaper keeps the short texts it shaped: the same text in other styles — bold, another
 * size, another block style, two spans — is shaped for itself, never taken for one kept,
 * and what it hands out again is what shaping it afresh gives. */
START_TEST(short_texts_are_shaped_once_per_style)
{
    const char *name = "区发展改革委5G";
    jd_doc *doc = db_doc(A5_W, A5_H, MARGIN, 9, false);
    jd_node *root = jd_doc_root(doc);
    jd_node *regular = db_para(doc, root, name);
    jd_node *heavy = db_para(doc, root, name);
    db_restyle(doc, heavy, bold);
    jd_node *larger = db_para(doc, root, name);
    db_restyle(doc, larger, size_10);
    jd_node *again = db_para(doc, root, name);
    jd_node *centred = db_para(doc, root, name);
    db_restyle(doc, centred, center);
    /* "区发展" bold, "改革委5G" regular: the same characters in two spans */
    jd_node *spans = jd_node_new(doc, JD_NODE_PARAGRAPH);
    jd_node_set_style(spans, jd_node_style(regular));
    jd_node_append(root, spans);
    const char *parts[2] = {"区发展", "改革委5G"};
    const jd_node *part_style[2] = {heavy, regular};
    for (int i = 0; i < 2; i++) {
        jd_node *t = jd_node_new(doc, JD_NODE_TEXT);
        jd_node_set_style(t, jd_node_style(jd_node_first_child(part_style[i])));
        jd_node_set_text(t, parts[i], strlen(parts[i]));
        jd_node_append(spans, t);
    }
    /* a regular paragraph whose one text is bold: the text's style alone differs */
    jd_node *bold_text = jd_node_new(doc, JD_NODE_PARAGRAPH);
    jd_node_set_style(bold_text, jd_node_style(regular));
    jd_node_append(root, bold_text);
    jd_node *bt = jd_node_new(doc, JD_NODE_TEXT);
    jd_node_set_style(bt, jd_node_style(jd_node_first_child(heavy)));
    jd_node_set_text(bt, name, strlen(name));
    jd_node_append(bold_text, bt);
    /* longer than the texts kept */
    jd_node *long_text = db_para(doc, root, "坚持把政治建设摆在首位，以党的政治建设统领区政府各项工作，坚定不移");

    jl_font_keys *keys = jl_font_keys_new();
    jl_shaper sh;
    jl_shaper_init(&sh, jd_fonts_fontmap(fonts), fonts, NULL, keys, diags);
    const jd_node *order[] = {regular, heavy, larger, again, centred, spans, bold_text, long_text, regular, heavy};
    jl_para *got[G_N_ELEMENTS(order)];
    for (size_t i = 0; i < G_N_ELEMENTS(order); i++) {
        got[i] = jl_para_shape_with(&sh, order[i], NULL, NULL);
        jl_para *want = shaped_fresh(order[i], keys);
        assert_same_para(got[i], want);
        jl_para_free(want);
    }
    /* kept: regular (again), bold, 10 pt, centred, the two spans, the bold text; not the
     * long text */
    ck_assert_uint_eq(g_hash_table_size(sh.shaped), 6);
    /* the styles tell apart */
    ck_assert(got[1]->runs[0].font != got[0]->runs[0].font); /* emboldened song */
    ck_assert(got[2]->runs[0].size == 10 && got[0]->runs[0].size == 9);
    ck_assert(got[2]->glyphs[0].advance > got[0]->glyphs[0].advance);
    ck_assert_ptr_eq(got[4]->style, jd_node_style(centred));
    ck_assert_ptr_ne(got[4]->style, got[0]->style);
    ck_assert(got[5]->runs[0].font == got[1]->runs[0].font && got[5]->runs[1].font == got[0]->runs[0].font);
    ck_assert(got[6]->runs[0].font == got[1]->runs[0].font && got[6]->style == got[0]->style);
    /* a copy each time: freeing one leaves the next whole */
    ck_assert_ptr_ne(got[3]->glyphs, got[0]->glyphs);
    for (size_t i = 0; i < G_N_ELEMENTS(order); i++)
        jl_para_free(got[i]);
    jl_para *last = jl_para_shape_with(&sh, again, NULL, NULL);
    ck_assert_str_eq(last->text, name);
    jl_para_free(last);
    jl_shaper_clear(&sh);
    jl_font_keys_free(keys);
    jd_doc_free(doc);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("layout");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, kinsoku_holds_at_every_width);
    tcase_add_test(tc, justified_lines_fill_the_width_evenly);
    tcase_add_test(tc, table_longer_than_a_page_repeats_its_header);
    tcase_add_test(tc, row_taller_than_what_is_left_is_split_between_lines);
    tcase_add_test(tc, cell_taller_than_a_page_runs_over_several_pages);
    tcase_add_test(tc, rowspan_group_across_a_break_repeats_its_spanning_cells);
    tcase_add_test(tc, colspans_and_two_header_rows);
    tcase_add_test(tc, page_totals_in_footers);
    tcase_add_test(tc, missing_glyph_is_an_error);
    tcase_add_test(tc, threads_change_nothing);
    tcase_add_test(tc, threads_change_nothing_in_body_text);
    tcase_add_test(tc, characters_no_font_has_are_reported_in_order_whatever_the_threads);
    tcase_add_test(tc, characters_no_font_has_in_body_text_are_reported_in_order_whatever_the_threads);
    tcase_add_test(tc, what_a_shaping_thread_cannot_do_the_layout_does);
    tcase_add_test(tc, regular_text_after_synthetic_bold_stays_regular);
    tcase_add_test(tc, line_separator_is_not_drawn);
    tcase_add_test(tc, line_start_and_end_lists_are_exactly_the_rules);
    tcase_add_test(tc, short_texts_are_shaped_once_per_style);
    tcase_add_test(tc, both_shaping_paths_give_the_same_lines);
    tcase_add_test(tc, a_stop_asked_for_ends_layout_and_rendering);
    tcase_add_test(tc, a_long_table_holds_one_row_group_of_cells_at_a_time);
    suite_add_tcase(s, tc);
    return jt_main(s);
}
