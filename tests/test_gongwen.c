/* The official document format (GB/T 9704-2012) with the partials of templates/gongwen/:
 * measured in the layout dump — 22 lines of 28 characters filling the 156 × 225 mm type
 * area, the red 版头, page numbers 7 mm below the type area one character in on alternate
 * sides, the 版记 on the type area's bottom of an even page (with a blank page before it
 * when need be, and then no numbers), a turned landscape attachment keeping its number
 * where the portrait pages have it — and in the PDFs: both backends embed and subset the
 * shipped FangSong and title faces, show the same text per page, and make the same bytes
 * every time. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "test_haru_pdf.h"
#include "test_gongwen_lines.h"
#include "test_render_sheet.h"
#include "testutil.h"

#define BODY_DOCUMENT                                                                              \
    "<document font-family=\"fangsong\" font-size=\"三号\" letter-spacing=\"-0.207pt\" "         \
    "cjk-latin-spacing=\"none\" punctuation=\"plain\" text-indent=\"2字\" text-align=\"justify\">\n" \
    "  <include src=\"gongwen/styles.xml\"/>\n"                                                   \
    "  <include src=\"gongwen/portrait.xml\"/>\n"

/* 28 hanzi of seed text, no punctuation: one full line with no indent */
static const char line28[] = "全区重点工作任务落实情况良好各责任单位细化工作措施压实工";

static char *dir;

static void setup(void)
{
    dir = jt_tmpdir();
    char *cmd = g_strdup_printf("mkdir '%s/gongwen' && cp '%s'/templates/gongwen/*.xml '%s/gongwen/'", dir,
                                JD_SOURCE_DIR, dir);
    ck_assert_int_eq(jt_run(cmd, NULL, NULL), 0);
    g_free(cmd);
}

static void teardown(void)
{
    jt_rmrf(dir);
    g_free(dir);
}

/* A document of the portrait partials with `body` (XML) after them; its path. */
static char *doc(const char *name, const char *body)
{
    char *path = g_build_filename(dir, name, NULL);
    char *xml = g_strconcat("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", BODY_DOCUMENT, body, "</document>\n", NULL);
    jt_write(path, xml);
    g_free(xml);
    return path;
}

/* `n` paragraphs of exactly one full line each. */
static char *full_lines(int n)
{
    GString *s = g_string_new(NULL);
    for (int i = 0; i < n; i++)
        g_string_append_printf(s, "<p text-indent=\"0\">%s</p>\n", line28);
    return g_string_free(s, FALSE);
}

/* The pages of the layout dump of `template`. */
static GPtrArray *layout(const char *template)
{
    char *out = NULL, *err = NULL;
    int rc = jt_cli(&out, &err, "layout '%s' --dump", template);
    ck_assert_msg(rc == 0, "layout failed: %s", err);
    GPtrArray *pages = rs_dump_parse(out);
    g_free(out);
    g_free(err);
    return pages;
}

static rs_dump_page *page_at(GPtrArray *pages, int number)
{
    ck_assert_int_ge((int)pages->len, number);
    return g_ptr_array_index(pages, number - 1);
}


/* ---- the grid ----------------------------------------------------------------------- */

START_TEST(a_full_page_holds_22_lines_of_28_characters_spanning_156_mm)
{
    /* one long paragraph: three pages of body text */
    GString *body = g_string_new("<p>");
    for (int i = 0; i < 60; i++)
        g_string_append(body, line28);
    g_string_append(body, "</p>\n");
    char *path = doc("grid.xml", body->str);
    GPtrArray *pages = layout(path);
    ck_assert_int_eq(pages->len, 3);
    /* page 2 is all body */
    GPtrArray *lines = lines_of(page_at(pages, 2), "FandolFang", 16);
    ck_assert_int_eq(lines->len, 22);
    double first_baseline = TOP + (PITCH - 16) / 2 + ASCENT * 16;
    for (guint i = 0; i < lines->len; i++) {
        line *l = line_at(lines, i);
        ck_assert_int_eq(g_utf8_strlen(l->text, -1), 28);
        ck_assert_near(l->x, LEFT);
        ck_assert_near(l->right - l->x, 156 * MM);
        ck_assert_near(l->y, first_baseline + i * PITCH);
    }
    /* the last line's box ends on the bottom of the type area */
    ck_assert_near(line_at(lines, 21)->y + (1 - ASCENT) * 16 + (PITCH - 16) / 2, BOTTOM);
    /* page 1: the first line is indented 2 characters (two pitches) and holds 26 */
    GPtrArray *first = lines_of(page_at(pages, 1), "FandolFang", 16);
    ck_assert_int_eq(first->len, 22);
    line *l = line_at(first, 0);
    ck_assert_int_eq(g_utf8_strlen(l->text, -1), 26);
    ck_assert_near(l->x, LEFT + 2 * CHAR);
    ck_assert_near(l->right, RIGHT);
    g_ptr_array_unref(first);
    g_ptr_array_unref(lines);
    g_ptr_array_unref(pages);
    g_string_free(body, TRUE);
    g_free(path);
}
END_TEST

START_TEST(twenty_eight_characters_fit_a_line_and_twenty_nine_do_not)
{
    /* tracking is the same at a line's start and end: quotes there; and 29 characters do
     * not fit (30 here: a last line of one character is avoided by design) */
    const char *body = "<p text-indent=\"0\">“全区重点工作任务落实情况良好各责任单位细化工作措施压”</p>\n"
                       "<p text-indent=\"0\">全区重点工作任务落实情况良好各责任单位细化工作措施压实工作责</p>\n"
                       "<p>全区重点工作任务落实情况良好各责任单位细化工作措施压</p>\n"
                       "<p>全区重点工作任务落实情况良好各责任单位细化工作措施压实工</p>\n";
    char *path = doc("fit.xml", body);
    GPtrArray *pages = layout(path);
    GPtrArray *lines = lines_of(page_at(pages, 1), "FandolFang", 16);
    ck_assert_int_eq(lines->len, 6);
    const int want[] = {28, 28, 2, 26, 26, 2};
    for (guint i = 0; i < lines->len; i++) {
        line *l = line_at(lines, i);
        ck_assert_msg(g_utf8_strlen(l->text, -1) == want[i], "line %u: %s", i + 1, l->text);
        if (want[i] > 2)
            ck_assert_near(l->right, RIGHT);
    }
    g_ptr_array_unref(lines);
    g_ptr_array_unref(pages);
    g_free(path);
}
END_TEST

/* ---- page numbers --------------------------------------------------------------------- */

START_TEST(page_numbers_sit_7_mm_below_the_type_area_one_character_in)
{
    char *lines = full_lines(70), *path = doc("numbers.xml", lines);
    GPtrArray *pages = layout(path);
    ck_assert_int_eq(pages->len, 4);
    for (int p = 1; p <= 4; p++) {
        GPtrArray *keep;
        line *n = page_number(page_at(pages, p), &keep);
        ck_assert_ptr_nonnull(n);
        char *want = g_strdup_printf("— %d —", p);
        ck_assert_str_eq(n->text, want);
        g_free(want);
        ck_assert_str_eq(n->family, "AR PL SungtiL GB");
        /* the middle of the line, where the 一字线 lies, 7 mm below the type area */
        ck_assert_near(n->y - SONG_MIDDLE * 14, BOTTOM + 7 * MM);
        /* one character of 4号 (14 pt) in from the outer side */
        if (p % 2)
            ck_assert_near(n->right, RIGHT - 14);
        else
            ck_assert_near(n->x, LEFT + 14);
        g_ptr_array_unref(keep);
    }
    g_ptr_array_unref(pages);
    g_free(path);
    g_free(lines);
}
END_TEST

/* ---- the 版头 ------------------------------------------------------------------------- */

START_TEST(the_header_has_the_red_mark_the_number_and_the_red_rule_where_the_standard_puts_them)
{
    const char *body = "<set name=\"gw_mark\" value=\"'西青区人民政府督查室'\"/>\n"
                       "<set name=\"gw_number\" value=\"'西青督〔2023〕5号'\"/>\n"
                       "<include src=\"gongwen/header.xml\"/>\n"
                       "<set name=\"gw_title\" value=\"'关于2023年第二季度全区重点工作任务落实情况的通报'\"/>\n"
                       "<include src=\"gongwen/title.xml\"/>\n"
                       "<set name=\"gw_to\" value=\"'各街镇，区政府各委、办、局'\"/>\n"
                       "<include src=\"gongwen/recipient.xml\"/>\n"
                       "<p>现将有关情况通报如下。</p>\n";
    char *path = doc("header.xml", body);
    GPtrArray *pages = layout(path);
    rs_dump_page *p1 = page_at(pages, 1);
    /* the mark: red 小标宋 (FandolSong Bold) 42 pt, centred, its top 35 mm below the type area */
    GPtrArray *mark = lines_of(p1, "FandolSong", 42);
    ck_assert_int_eq(mark->len, 1);
    line *m = line_at(mark, 0);
    ck_assert_str_eq(m->text, "西青区人民政府督查室");
    ck_assert_uint_eq(m->color, 0xff0000);
    ck_assert_near(m->y - ASCENT * 42, TOP + 35 * MM);
    ck_assert_near((m->x + m->right) / 2, (LEFT + RIGHT) / 2);
    /* 发文字号 two blank lines below it: the mark ends in line 5 of the grid, the number is
     * on line 8 */
    GPtrArray *fang = lines_of(p1, NULL, 16);
    line *number = line_at(fang, 0);
    ck_assert_str_eq(number->text, "西青督〔2023〕5号");
    ck_assert_near(number->y, TOP + 7 * PITCH + (PITCH - 16) / 2 + ASCENT * 16);
    ck_assert_near((number->x + number->right) / 2, (LEFT + RIGHT) / 2);
    /* the red rule: type-area wide, 4 mm below the number's characters */
    ck_assert_int_eq(p1->rules->len, 1);
    rs_rule *rule = &g_array_index(p1->rules, rs_rule, 0);
    ck_assert_uint_eq(rule->color, 0xff0000);
    ck_assert_near(rule->x1, LEFT);
    ck_assert_near(rule->x2, RIGHT);
    ck_assert_near(rule->y1, number->y + (1 - ASCENT) * 16 + 4 * MM);
    /* the title two blank lines below the rule's line: line 12; 主送 one blank line after */
    GPtrArray *title = lines_of(p1, "FandolSong", 22);
    ck_assert_int_eq(title->len, 2);
    ck_assert_near(line_at(title, 0)->y, TOP + 11 * PITCH + (PITCH - 22) / 2 + ASCENT * 22);
    line *to = line_at(fang, 1);
    ck_assert_str_eq(to->text, "各街镇，区政府各委、办、局：");
    ck_assert_near(to->x, LEFT);
    ck_assert_near(to->y, TOP + 14 * PITCH + (PITCH - 16) / 2 + ASCENT * 16);
    g_ptr_array_unref(title);
    g_ptr_array_unref(fang);
    g_ptr_array_unref(mark);
    g_ptr_array_unref(pages);
    g_free(path);
}
END_TEST

/* ---- the 版记 ------------------------------------------------------------------------- */

static const char colophon[] = "<set name=\"gw_cc\" value=\"'区委办公室，区人大常委会办公室'\"/>\n"
                               "<set name=\"gw_printer\" value=\"'西青区人民政府督查室'\"/>\n"
                               "<set name=\"gw_print_date\" value=\"'2023-07-10'\"/>\n"
                               "<include src=\"gongwen/colophon.xml\"/>\n";

/* The body of `lines` full lines, then the 版记; the pages. */
static GPtrArray *with_colophon(int lines)
{
    char *body = full_lines(lines), *xml = g_strconcat(body, colophon, NULL);
    char *name = g_strdup_printf("colophon-%d.xml", lines), *path = doc(name, xml);
    GPtrArray *pages = layout(path);
    g_free(body), g_free(xml), g_free(name), g_free(path);
    return pages;
}

/* The 版记 on `page`: 抄送 and 印发 lines between rules of 0.35, 0.25 and 0.35 mm, the last
 * on the bottom of the type area. */
static void assert_colophon(const rs_dump_page *page)
{
    GArray *rules = page->rules;
    ck_assert_int_ge(rules->len, 3);
    double ys[3] = {BOTTOM - 2 * PITCH, BOTTOM - PITCH, BOTTOM};
    double widths[3] = {0.35 * MM, 0.25 * MM, 0.35 * MM};
    for (int k = 0; k < 3; k++) {
        double left = 1e9, right = -1e9;
        for (guint i = 0; i < rules->len; i++) {
            rs_rule *r = &g_array_index(rules, rs_rule, i);
            if (fabs(r->y1 - ys[k]) < NEAR && fabs(r->y2 - ys[k]) < NEAR) {
                ck_assert_msg(fabs(r->width - widths[k]) < 0.06, "rule %d is %.2f pt", k + 1, r->width);
                left = MIN(left, MIN(r->x1, r->x2));
                right = MAX(right, MAX(r->x1, r->x2));
            }
        }
        /* type-area wide (extended by half its width at each end, as table borders are) */
        ck_assert_msg(fabs(left - (LEFT - widths[k] / 2)) < 0.1 && fabs(right - (RIGHT + widths[k] / 2)) < 0.1,
                      "rule %d spans %.1f–%.1f", k + 1, left, right);
    }
    GPtrArray *text = lines_of(page, "FandolFang", 14);
    ck_assert_int_eq(text->len, 3);
    line *cc = line_at(text, 0), *printer = line_at(text, 1), *date = line_at(text, 2);
    ck_assert_str_eq(cc->text, "抄送：区委办公室，区人大常委会办公室。");
    ck_assert_str_eq(printer->text, "西青区人民政府督查室");
    ck_assert_str_eq(date->text, "2023年7月10日印发");
    /* one character of 4号 in from both sides, each on its grid line */
    ck_assert_near(cc->x, LEFT + 14);
    ck_assert_near(printer->x, LEFT + 14);
    ck_assert_near(date->right, RIGHT - 14);
    ck_assert_near(printer->y, BOTTOM - PITCH / 2 + (ASCENT - 0.5) * 14);
    g_ptr_array_unref(text);
}

static void assert_number(const rs_dump_page *page, const char *want)
{
    GPtrArray *keep;
    line *n = page_number(page, &keep);
    if (want)
        ck_assert_str_eq(n ? n->text : "(none)", want);
    else
        ck_assert_ptr_null(n);
    g_ptr_array_unref(keep);
}

START_TEST(the_colophon_lies_on_the_type_area_bottom_of_an_even_page)
{
    /* the body ends on page 2 with room: the 版记 at its foot, numbered */
    GPtrArray *pages = with_colophon(30);
    ck_assert_int_eq(pages->len, 2);
    assert_colophon(page_at(pages, 2));
    assert_number(page_at(pages, 2), "— 2 —");
    g_ptr_array_unref(pages);
    /* the body ends on page 1 (odd): the 版记 on page 2, which is not a blank page before it,
     * so it keeps its number */
    pages = with_colophon(5);
    ck_assert_int_eq(pages->len, 2);
    GPtrArray *none = lines_of(page_at(pages, 1), "FandolFang", 14);
    ck_assert_int_eq(none->len, 0);
    g_ptr_array_unref(none);
    assert_colophon(page_at(pages, 2));
    assert_number(page_at(pages, 2), "— 2 —");
    g_ptr_array_unref(pages);
    /* page 2 full: page 3 stays blank and the 版记 goes to page 4; neither has a number */
    pages = with_colophon(44);
    ck_assert_int_eq(pages->len, 4);
    assert_number(page_at(pages, 2), "— 2 —");
    ck_assert_int_eq(page_at(pages, 3)->runs->len, 0);
    ck_assert_int_eq(page_at(pages, 3)->rules->len, 0);
    assert_number(page_at(pages, 4), NULL);
    assert_colophon(page_at(pages, 4));
    g_ptr_array_unref(pages);
    /* room for the 版记 but not for its two lines: the same */
    pages = with_colophon(21);
    ck_assert_int_eq(pages->len, 2);
    assert_colophon(page_at(pages, 2));
    g_ptr_array_unref(pages);
}
END_TEST

/* ---- the landscape attachment ------------------------------------------------------- */

START_TEST(a_landscape_attachment_keeps_its_numbers_where_the_portrait_pages_have_them)
{
    GString *body = g_string_new("<p>正文。</p>\n<include src=\"gongwen/landscape.xml\"/>\n"
                                 "<set name=\"gw_attachment\" value=\"1\"/>\n"
                                 "<set name=\"gw_attachment_title\" value=\"'重点工作任务推进情况表'\"/>\n"
                                 "<include src=\"gongwen/attachment-title.xml\"/>\n"
                                 "<table border=\"0.5pt\" text-indent=\"0\" letter-spacing=\"0\" font-size=\"小四\">"
                                 "<col width=\"1fr\"/><col width=\"2fr\"/>\n");
    for (int i = 0; i < 30; i++)
        g_string_append_printf(body, "<tr><td>%d</td><td>%s</td></tr>\n", i + 1, line28);
    g_string_append(body, "</table>\n");
    char *path = doc("landscape.xml", body->str);
    GPtrArray *pages = layout(path);
    ck_assert_int_eq(pages->len, 3);
    for (int p = 2; p <= 3; p++) {
        rs_dump_page *page = page_at(pages, p);
        ck_assert_near(page->width, 841.89);
        ck_assert_near(page->height, 595.28);
        GPtrArray *keep;
        line *n = page_number(page, &keep);
        ck_assert_ptr_nonnull(n);
        char *want = g_strdup_printf("— %d —", p);
        ck_assert_str_eq(n->text, want);
        g_free(want);
        /* turned with the sheet: on the sheet (the page turned back, top to the left) it is
         * where the portrait pages have it, 7 mm below the type area, one character in */
        ck_assert_int_eq(n->turned, 90);
        double sheet_baseline = 841.89 - n->y;
        ck_assert_near(sheet_baseline - SONG_MIDDLE * 14, BOTTOM + 7 * MM);
        if (p % 2)
            ck_assert_near(n->right, RIGHT - 14);
        else
            ck_assert_near(n->x, LEFT + 14);
        g_ptr_array_unref(keep);
    }
    /* 附件1 on the first line of the turned type area (35 mm from the left), in 黑体 */
    GPtrArray *label = lines_of(page_at(pages, 2), "WenQuanYi Micro Hei", 16);
    ck_assert_int_eq(label->len, 1);
    line *l = line_at(label, 0);
    ck_assert_str_eq(l->text, "附件1");
    ck_assert_near(l->x, 35 * MM);
    ck_assert_int_eq(l->turned, 0);
    g_ptr_array_unref(label);
    g_ptr_array_unref(pages);
    g_string_free(body, TRUE);
    g_free(path);
}
END_TEST

/* ---- the example in both backends ------------------------------------------------------ */

static char *render_example(const char *backend, const char *name)
{
    char *example = jt_src("templates/gongwen/example.xml"), *out = g_build_filename(dir, name, NULL), *err = NULL;
    int rc = jt_cli(NULL, &err, "render '%s' --backend %s -o '%s'", example, backend, out);
    ck_assert_msg(rc == 0, "render failed: %s", err);
    g_free(err);
    g_free(example);
    return out;
}

START_TEST(both_backends_embed_subset_fonts_show_the_same_text_and_repeat_their_bytes)
{
    char *cairo = render_example("cairo", "cairo.pdf"), *haru = render_example("haru", "haru.pdf");
    ck_assert_int_eq(hp_page_count(cairo), 4);
    ck_assert_int_eq(hp_page_count(haru), 4);
    /* the shipped FangSong and title faces, embedded and subset like every other */
    static const char *const faces[] = {"FandolFang-Regular", "FandolSong-Bold", NULL};
    hp_assert_subset_fonts(cairo, faces);
    hp_assert_subset_fonts(haru, faces);
    for (int p = 1; p <= 4; p++) {
        char *a = hp_page_text(cairo, p), *b = hp_page_text(haru, p);
        ck_assert_msg(strcmp(a, b) == 0, "page %d text differs:\n cairo: %s\n haru:  %s", p, a, b);
        g_free(a), g_free(b);
    }
    char *text = hp_page_text(cairo, 1);
    ck_assert(strstr(text, "西青区人民政府督查室西青督〔2023〕5号关于2023年第二季度全区重点工作任务落实情况的通报"));
    g_free(text);
    text = hp_page_text(cairo, 4);
    ck_assert(strstr(text, "抄送：区委办公室，区人大常委会办公室，区政协办公室。西青区人民政府督查室2023年7月10日印发"));
    g_free(text);
    /* the same bytes again */
    char *cairo2 = render_example("cairo", "cairo2.pdf"), *haru2 = render_example("haru", "haru2.pdf");
    char *cmd = g_strdup_printf("cmp '%s' '%s' && cmp '%s' '%s'", cairo, cairo2, haru, haru2);
    ck_assert_int_eq(jt_run(cmd, NULL, NULL), 0);
    g_free(cmd);
    g_free(cairo), g_free(haru), g_free(cairo2), g_free(haru2);
}
END_TEST

START_TEST(the_signature_stays_with_its_date_and_note)
{
    /* the body ends two lines above the page's foot: the signature (two blank lines, the
     * signer, the date, the note) does not fit, and goes to the next page whole, with the
     * 附件说明 that keeps with it */
    char *lines = full_lines(18), *body = g_strconcat(lines,
        "<set name=\"gw_attachments\" value=\"['情况表']\"/>\n<include src=\"gongwen/attachments.xml\"/>\n"
        "<set name=\"gw_signer\" value=\"'西青区人民政府督查室'\"/>\n<set name=\"gw_date\" value=\"'2023-07-10'\"/>\n"
        "<set name=\"gw_note\" value=\"'此件公开发布'\"/>\n<include src=\"gongwen/signature.xml\"/>\n", NULL);
    char *path = doc("signature.xml", body);
    GPtrArray *pages = layout(path);
    ck_assert_int_eq(pages->len, 2);
    GPtrArray *p2 = lines_of(page_at(pages, 2), "FandolFang", 16);
    ck_assert_int_eq(p2->len, 4);
    const char *want[] = {"附件：情况表", "西青区人民政府督查室", "2023年7月10日", "（此件公开发布）"};
    for (guint i = 0; i < 4; i++)
        ck_assert_str_eq(line_at(p2, i)->text, want[i]);
    /* the date 4 characters in from the right, the signature centred over it */
    line *signer = line_at(p2, 1), *date = line_at(p2, 2);
    ck_assert_near(date->right, RIGHT - 4 * CHAR);
    ck_assert_msg(fabs((signer->x + signer->right) / 2 - (date->x + date->right) / 2) < 0.2, "signer not centred");
    g_ptr_array_unref(p2);
    g_ptr_array_unref(pages);
    g_free(path), g_free(body), g_free(lines);
}
END_TEST

/* ---- units and errors ------------------------------------------------------------------- */

START_TEST(zi_and_hang_are_characters_and_grid_lines)
{
    char *path = doc("units.xml", "<p margin-top=\"2行\" text-indent=\"3字\">文字</p>\n");
    char *out = NULL, *err = NULL;
    ck_assert_int_eq(jt_cli(&out, &err, "expand '%s'", path), 0);
    /* 3 × (16 − 0.207), 2 × 225 mm / 22 */
    ck_assert_msg(strstr(out, "paragraph {text-indent: 47.38pt; margin-top: 57.98pt}"), "%s", out);
    g_free(out), g_free(err), g_free(path);
    /* without a grid, 行 is the line height */
    path = g_build_filename(dir, "nogrid.xml", NULL);
    jt_write(path, "<document font-size=\"12pt\" line-height=\"1.5\"><p margin-top=\"1行\">文字</p></document>");
    ck_assert_int_eq(jt_cli(&out, &err, "expand '%s'", path), 0);
    ck_assert_msg(strstr(out, "paragraph {margin-top: 18pt}"), "%s", out);
    g_free(out), g_free(err), g_free(path);
}
END_TEST

START_TEST(bad_grid_values_and_misplaced_colophons_are_errors)
{
    char *path = g_build_filename(dir, "bad.xml", NULL);
    jt_write(path, "<document>\n"
                   "<page line-grid=\"many\"/>\n"
                   "<p font-size=\"2字\" letter-spacing=\"1字\">x</p>\n"
                   "<table><tr><td><colophon parity=\"both\"/></td></tr></table>\n"
                   "</document>\n");
    char *err = NULL;
    ck_assert_int_eq(jt_cli(NULL, &err, "render '%s' -o '%s/bad.pdf'", path, dir), 1);
    ck_assert_msg(strstr(err, "bad.xml:2:18: error: bad value 'many' for line-grid: use a number of lines "
                              "from 1 to 1000 (22) or a line pitch (28.95pt)"), "%s", err);
    ck_assert_msg(strstr(err, "bad.xml:3:15: error: bad length '2字' for font-size: '字' is not allowed here"), "%s", err);
    ck_assert_msg(strstr(err, "bad length '1字' for letter-spacing: '字' is not allowed here"), "%s", err);
    ck_assert_msg(strstr(err, "bad.xml:4:17: error: <colophon> cannot be inside <td>: it belongs at the top level of <document>"), "%s", err);
    ck_assert_msg(strstr(err, "bad value 'both' for parity: use any, even or odd"), "%s", err);
    g_free(err);
    /* what a colophon can hold, and how tall it can be */
    jt_write(path, "<document>\n<colophon>\n<list><item>x</item></list>\n</colophon>\n</document>\n");
    ck_assert_int_eq(jt_cli(NULL, &err, "render '%s' -o '%s/bad.pdf'", path, dir), 1);
    ck_assert_msg(strstr(err, "bad.xml:3: error: a list cannot be placed inside a colophon (only paragraphs, "
                              "headings and tables)"), "%s", err);
    g_free(err);
    jt_write(path, "<document><page size=\"A5\" margin=\"20mm\"/>\n<colophon><spacer height=\"1mm\"/><p "
                   "font-size=\"初号\" line-height=\"400pt\">x</p>\n<p font-size=\"初号\" line-height=\"400pt\">x</p>"
                   "</colophon>\n</document>\n");
    ck_assert_int_eq(jt_cli(NULL, &err, "render '%s' -o '%s/bad.pdf'", path, dir), 1);
    ck_assert_msg(strstr(err, "is taller than the page body"), "%s", err);
    char *pdf = g_build_filename(dir, "bad.pdf", NULL);
    ck_assert(!jt_exists(pdf));
    g_free(pdf);
    g_free(err);
    g_free(path);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("gongwen");
    TCase *tc = tcase_create("layout");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, a_full_page_holds_22_lines_of_28_characters_spanning_156_mm);
    tcase_add_test(tc, twenty_eight_characters_fit_a_line_and_twenty_nine_do_not);
    tcase_add_test(tc, page_numbers_sit_7_mm_below_the_type_area_one_character_in);
    tcase_add_test(tc, the_header_has_the_red_mark_the_number_and_the_red_rule_where_the_standard_puts_them);
    tcase_add_test(tc, the_colophon_lies_on_the_type_area_bottom_of_an_even_page);
    tcase_add_test(tc, a_landscape_attachment_keeps_its_numbers_where_the_portrait_pages_have_them);
    tcase_add_test(tc, the_signature_stays_with_its_date_and_note);
    tcase_add_test(tc, zi_and_hang_are_characters_and_grid_lines);
    tcase_add_test(tc, bad_grid_values_and_misplaced_colophons_are_errors);
    tcase_add_test(tc, both_backends_embed_subset_fonts_show_the_same_text_and_repeat_their_bytes);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return jt_main(suite());
}
