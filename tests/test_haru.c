/* The libharu backend: parity with the cairo backend on laid-out documents (pages, text
 * per page, word positions, embedded fonts, pixels), each refusal of what libharu 2.3.0
 * would draw wrongly (with its exact message), and what only this backend does:
 * encryption with permissions, page labels, links to later pages, reproducible bytes. */
#include <ft2build.h>
#include FT_FREETYPE_H
#include <cairo.h>
#include <math.h>
#include <string.h>
#include <time.h>

#include <hpdf_fontdef.h>

#include "docbuild.h"
#include "haru_private.h"
#include "scenarios.h"
#include "jd_backend.h"
#include "jd_layout.h"
#include "test_haru_pdf.h"
#include "testutil.h"


/* libharu output is placed where the layout said, within this (pt). */
#define LAYOUT_TOLERANCE 0.02

static jd_fonts *fonts;
static jd_diags *diags;
static char *tmp;

static void setup(void)
{
    diags = jd_diags_new();
    fonts = jd_fonts_new(NULL, diags);
    ck_assert_msg(fonts != NULL, "font set failed to load");
    tmp = jt_tmpdir();
}

static void teardown(void)
{
    jd_fonts_free(fonts);
    jd_diags_free(diags);
    jt_rmrf(tmp);
    g_free(tmp);
}

static char *out_path(const char *name)
{
    return g_build_filename(tmp, name, NULL);
}

static jd_pages *lay(jd_doc *doc)
{
    jd_pages *pages = jd_layout(doc, fonts, diags);
    if (!pages) jd_diags_print(diags, stderr);
    ck_assert_ptr_nonnull(pages);
    jd_doc_free(doc);
    return pages;
}

static void render_haru_ok(const jd_pages *pages, const char *path, const jd_render_options *opts)
{
    bool ok = jd_render_haru(pages, path, opts, diags);
    if (!ok) jd_diags_print(diags, stderr);
    ck_assert(ok);
    ck_assert_int_eq(jd_diags_count(diags), 0);
}

/* ---- documents laid out by the real layout ----------------------------------------- */

static void justify(jd_style *s)
{
    s->text_align = JD_ALIGN_JUSTIFY;
    s->text_indent = (jd_length){20, JD_UNIT_PT};
}

static void bold(jd_style *s)
{
    s->font_weight = 700;
}

static void song(jd_style *s)
{
    s->font_family = "song";
}

static void kai_red(jd_style *s)
{
    s->font_family = "kai";
    s->color = 0xC00000;
}

static void spaced(jd_style *s)
{
    s->letter_spacing = 1.5;
}

static jd_doc *doc_paragraphs(void)
{
    jd_doc *doc = db_doc(400, 600, MARGIN, 10, true);
    jd_node *root = jd_doc_root(doc);
    jd_node *p = db_para(
        doc, root,
        "坚持把政治建设摆在首位，旗帜鲜明讲政治，以党的政治建设统领区政府各项工作，坚定不移做好"
        "“两个确立”的忠诚拥护者、“两个维护”的示范引领者。2023年地区生产总值增长6.5%左右，"
        "一般公共预算收入（口径调整后）增长5.2%；R&D经费投入强度达到3.1%。");
    db_restyle(doc, p, justify);
    db_restyle(
        doc, db_para(doc, root, "宋体正文：推进科学决策、民主决策、依法决策。Song body text, 123."),
        song);
    db_restyle(doc, db_para(doc, root, "楷体红字：加快融入“双中心”城市布局。"), kai_red);
    db_restyle(doc, db_para(doc, root, "字间距加宽：一二三四五六七八九十"), spaced);
    db_para(doc, root, "Plain Latin text with spaces, commas; and digits 0123456789.");
    return doc;
}

/* Synthetic bold: cairo emboldens the outlines with FreeType, which keeps their left and
 * bottom edges and grows them right and up; haru strokes them, which grows them both
 * ways and keeps the text where the layout put it. So the strokes are as thick (the same
 * ink), a quarter point apart: pixels are not compared one by one. */
static jd_doc *doc_bold(void)
{
    jd_doc *doc = db_doc(400, 300, MARGIN, 12, false);
    jd_node *root = jd_doc_root(doc);
    db_restyle(doc, db_para(doc, root, "加粗的标题：重点工作任务清单（2023年）"), bold);
    jd_node *p = db_para(doc, root, "宋体加粗：推进科学决策、民主决策、依法决策。");
    db_restyle(doc, p, song);
    db_restyle(doc, p, bold);
    return doc;
}

/* The layout goldens' tables (scenarios.h), with bold headers: bold is synthetic in both
 * backends, so the parity checks cover it too. */
static jd_doc *doc_long_table(void)
{
    return sc_long_table(true);
}

static jd_doc *doc_split_row(void)
{
    return sc_split_row(true);
}

static jd_doc *doc_tall_cell(void)
{
    return sc_tall_cell(true);
}

static jd_doc *doc_rowspan_break(void)
{
    return sc_rowspan_break(true);
}

static const struct {
    const char *name;
    jd_doc *(*build)(void);
    int pages; /* what the layout makes of it */
    bool same_pixels;
} scenarios[] = {
    {"paragraphs", doc_paragraphs, 1, true},         {"bold", doc_bold, 1, false},
    {"long-table", doc_long_table, 3, true},         {"split-row", doc_split_row, 2, true},
    {"tall-cell", doc_tall_cell, 4, true},           {"rowspan-break", doc_rowspan_break, 2, true},
    {"colspan-header", sc_colspan_header, 3, true},
};

/* Files and faces the page list uses; a synthetic bold shares its face with the regular. */
static guint distinct_faces(const jd_pages *pages)
{
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (size_t i = 0; i < jd_pages_font_count(pages); i++) {
        const jd_font *f = jd_pages_font(pages, (int)i);
        g_hash_table_add(seen, g_strdup_printf("%s#%d", f->file, f->face_index));
    }
    guint n = g_hash_table_size(seen);
    g_hash_table_destroy(seen);
    return n;
}

/* Every word pdftotext finds in the haru file starts where the layout put a cluster with
 * the word's first character, on the same page. Returns the largest distance. */
static double assert_words_where_laid_out(const jd_pages *pages, const char *pdf)
{
    GPtrArray *words = hp_words(pdf);
    double worst = 0;
    for (guint w = 0; w < words->len; w++) {
        const hp_word *word = g_ptr_array_index(words, w);
        gunichar first = g_utf8_get_char(word->text);
        const jd_page *page = jd_pages_get(pages, (size_t)word->page - 1);
        double best = INFINITY;
        for (size_t i = 0; i < jd_page_item_count(page); i++) {
            const jd_item *it = jd_page_item(page, i);
            if (it->type != JD_ITEM_GLYPHS) continue;
            const jd_glyph_run *r = &it->u.glyphs;
            /* the word's box spans the font's ascent and descent around the baseline */
            if (r->y < word->y_min || r->y > word->y_max) continue;
            for (size_t g = 0; g < r->n_glyphs; g++)
                if (g_utf8_get_char(r->text + r->glyphs[g].cluster) == first)
                    best = MIN(best, fabs(r->x + r->glyphs[g].x - word->x_min));
        }
        ck_assert_msg(best <= LAYOUT_TOLERANCE,
                      "page %d: word '%s' at x %.3f is %.3f pt from where it was laid out",
                      word->page, word->text, word->x_min, best);
        worst = MAX(worst, best);
    }
    g_ptr_array_unref(words);
    return worst;
}

/* Each scenario through both backends: same pages, same text per page, same word
 * positions, every font embedded, the same pixels but for antialiasing. */
START_TEST(scenario_matches_cairo)
{
    jd_pages *pages = lay(scenarios[_i].build());
    ck_assert_int_eq(jd_pages_count(pages), scenarios[_i].pages);
    char *cairo = out_path("cairo.pdf"), *haru = out_path("haru.pdf");
    ck_assert(jd_render_cairo(pages, cairo, NULL, diags));
    render_haru_ok(pages, haru, NULL);
    double worst = hp_assert_parity(cairo, haru, HP_CAIRO_TOLERANCE);
    double exact = assert_words_where_laid_out(pages, haru);
    GPtrArray *fl = hp_fonts(haru);
    ck_assert_uint_eq(fl->len, distinct_faces(pages));
    for (guint i = 0; i < fl->len; i++) {
        const char *row = g_ptr_array_index(fl, i);
        ck_assert_msg(strstr(row, "CID TrueType      Identity-H       yes yes yes"),
                      "font not embedded: %s", row);
    }
    g_ptr_array_unref(fl);
    double worst_pixels = 0;
    for (int p = 1; p <= scenarios[_i].pages && scenarios[_i].same_pixels; p++)
        worst_pixels = MAX(worst_pixels, hp_pixel_difference(cairo, haru, p, 72));
    ck_assert_msg(worst_pixels < 0.002, "%s: %.4f%% of pixels differ", scenarios[_i].name,
                  worst_pixels * 100);
    fprintf(stderr,
            "%s: %d pages; words within %.3f pt of cairo's, %.4f pt of the layout's; %.4f%% of "
            "pixels differ\n",
            scenarios[_i].name, scenarios[_i].pages, worst, exact, worst_pixels * 100);
    g_free(cairo);
    g_free(haru);
    jd_pages_free(pages);
}
END_TEST

/* ---- page lists built by hand -------------------------------------------------------- */

static char *shipped_font(void)
{
    return jt_src("fonts/wqy-microhei-gb2312.ttf");
}

/* The glyph the font's Unicode character map gives `c`. */
static uint32_t cmap_glyph(const char *file, int index, gunichar c)
{
    FT_Library ft;
    FT_Face face;
    ck_assert_int_eq(FT_Init_FreeType(&ft), 0);
    ck_assert_int_eq(FT_New_Face(ft, file, index, &face), 0);
    uint32_t gid = FT_Get_Char_Index(face, c);
    FT_Done_Face(face);
    FT_Done_FreeType(ft);
    return gid;
}

/* A run of `text`, one cmap glyph per character, each `step` pt after the previous one. */
static void add_run(jd_pages *pages, jd_page *page, int font, double size, double x, double y,
                    double step, const char *text)
{
    const jd_font *f = jd_pages_font(pages, font);
    GArray *glyphs = g_array_new(FALSE, FALSE, sizeof(jd_glyph));
    int i = 0;
    for (const char *p = text; *p; p = g_utf8_next_char(p), i++) {
        jd_glyph g = {cmap_glyph(f->file, f->face_index, g_utf8_get_char(p)), (float)(i * step), 0,
                      (uint32_t)(p - text)};
        g_array_append_val(glyphs, g);
    }
    jd_glyph_run r = {font,        size,    0x000000,     x,
                      y,           text,    strlen(text), (const jd_glyph *)glyphs->data,
                      glyphs->len, i * step};
    jd_page_add_glyphs(page, &r);
    g_array_free(glyphs, TRUE);
}

/* Renders with the haru backend, expecting it to refuse with exactly `expected` messages
 * (NULL-terminated) and to leave the previous output file as it was. */
static void assert_refused(const jd_pages *pages, const jd_render_options *opts,
                           const char *const *expected)
{
    char *path = out_path("out.pdf");
    jt_write(path, "previous output");
    /* refused whether or not anyone collects the messages */
    ck_assert(!jd_render_haru(pages, path, opts, NULL));
    ck_assert(!jd_render_haru(pages, path, opts, diags));
    size_t n = 0;
    while (expected[n])
        n++;
    if (jd_diags_count(diags) != n) jd_diags_print(diags, stderr);
    ck_assert_uint_eq(jd_diags_count(diags), n);
    for (size_t i = 0; i < n; i++) {
        ck_assert_int_eq(jd_diag_severity(jd_diags_get(diags, i)), JD_ERROR);
        ck_assert_str_eq(jd_diag_file(jd_diags_get(diags, i)), path);
        ck_assert_str_eq(jd_diag_message(jd_diags_get(diags, i)), expected[i]);
    }
    char *after = jt_read(path);
    ck_assert_str_eq(after, "previous output");
    g_free(after);
    /* and no temporary file is left beside it */
    GDir *dir = g_dir_open(tmp, 0, NULL);
    int files = 0;
    while (g_dir_read_name(dir))
        files++;
    g_dir_close(dir);
    ck_assert_int_eq(files, 1);
    g_free(path);
}

START_TEST(cff_font_is_refused)
{
    char *cff = jt_fixture("haru/cff.otf");
    jd_pages *pages = jd_pages_new();
    jd_page *page = jd_pages_add_page(pages, 200, 100);
    int font = jd_pages_add_font(pages, cff, 0, "Jindu Test CFF", false);
    add_run(pages, page, font, 12, 10, 50, 12, "一A一");
    add_run(pages, page, font, 12, 10, 80, 12, "A");
    char *msg = g_strdup_printf(
        "haru backend: font “Jindu Test CFF” (%s) has OpenType/CFF outlines; libharu 2.3.0 "
        "can embed only TrueType (glyf) fonts. Use --backend cairo, or a TrueType font",
        cff);
    const char *expected[] = {msg, NULL};
    assert_refused(pages, NULL, expected);
    g_free(msg);
    g_free(cff);
    jd_pages_free(pages);
}
END_TEST

START_TEST(composite_with_high_part_is_refused_only_when_used)
{
    char *file = jt_fixture("haru/composite.ttf");
    jd_pages *pages = jd_pages_new();
    jd_page *p1 = jd_pages_add_page(pages, 200, 100);
    int font = jd_pages_add_font(pages, file, 0, "Jindu Test Composite", false);
    /* 二 is a plain outline, 十 a composite of a low glyph: libharu draws both */
    add_run(pages, p1, font, 12, 10, 50, 12, "二十二");
    char *ok_path = out_path("fine.pdf");
    render_haru_ok(pages, ok_path, NULL);
    char *text = hp_page_text(ok_path, 1);
    ck_assert_str_eq(text, "二十二");
    g_free(text);
    jt_rmrf(ok_path);
    /* 一 is built from glyph 32769: refused once, however often it occurs */
    add_run(pages, p1, font, 12, 10, 80, 12, "二一十");
    jd_page *p2 = jd_pages_add_page(pages, 200, 100);
    add_run(pages, p2, font, 12, 10, 50, 12, "一");
    char *msg = g_strdup_printf(
        "haru backend: character 一 (U+4E00) of font “Jindu Test Composite” (%s) is a composite "
        "glyph built from "
        "glyph 32769, above 32767, which libharu 2.3.0 drops: it would print blank or broken "
        "(first on page 1, in "
        "“二一十”). Use --backend cairo, or a subset of the font with fewer glyphs (pyftsubset)",
        file);
    const char *expected[] = {msg, NULL};
    assert_refused(pages, NULL, expected);
    g_free(msg);
    g_free(ok_path);
    g_free(file);
    jd_pages_free(pages);
}
END_TEST

START_TEST(composite_of_composites_is_refused)
{
    char *file = jt_fixture("haru/composite.ttf");
    jd_pages *pages = jd_pages_new();
    jd_page *page = jd_pages_add_page(pages, 200, 100);
    int font = jd_pages_add_font(pages, file, 0, "Jindu Test Composite", false);
    add_run(pages, page, font, 12, 10, 50, 12, "二三");
    char *msg = g_strdup_printf("haru backend: character 三 (U+4E09) of font “Jindu Test "
                                "Composite” (%s) is a composite glyph whose part 4 "
                                "is a composite itself; libharu 2.3.0 embeds one level of parts "
                                "only, so it would print broken (first on "
                                "page 1, in “二三”). Use --backend cairo",
                                file);
    const char *expected[] = {msg, NULL};
    assert_refused(pages, NULL, expected);
    g_free(msg);
    g_free(file);
    jd_pages_free(pages);
}
END_TEST

/* The case that started it: the full WenQuanYi Micro Hei (fonts-wqy-microhei) builds most
 * hanzi from parts above glyph 32767, and libharu prints them blank. */
START_TEST(full_wqy_microhei_is_refused)
{
    const char *file = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";
    ck_assert_msg(jt_exists(file), "%s is missing: install fonts-wqy-microhei (.ci/packages.txt)",
                  file);
    jd_pages *pages = jd_pages_new();
    jd_page *page = jd_pages_add_page(pages, 300, 100);
    int font = jd_pages_add_font(pages, file, 0, "WenQuanYi Micro Hei", false);
    add_run(pages, page, font, 12, 10, 50, 12, "现将");
    const char *expected[] = {
        "haru backend: character 现 (U+73B0) of font “WenQuanYi Micro Hei” "
        "(/usr/share/fonts/truetype/wqy/wqy-microhei.ttc) is a composite glyph built from glyph "
        "40053, above "
        "32767, which libharu 2.3.0 drops: it would print blank or broken (first on page 1, in "
        "“现将”). Use "
        "--backend cairo, or a subset of the font with fewer glyphs (pyftsubset)",
        "haru backend: character 将 (U+5C06) of font “WenQuanYi Micro Hei” "
        "(/usr/share/fonts/truetype/wqy/wqy-microhei.ttc) is a composite glyph built from glyph "
        "44167, above "
        "32767, which libharu 2.3.0 drops: it would print blank or broken (first on page 1, in "
        "“现将”). Use "
        "--backend cairo, or a subset of the font with fewer glyphs (pyftsubset)",
        NULL};
    assert_refused(pages, NULL, expected);
    jd_pages_free(pages);
}
END_TEST

START_TEST(character_outside_the_bmp_is_refused)
{
    char *file = shipped_font();
    jd_pages *pages = jd_pages_new();
    jd_page *p1 = jd_pages_add_page(pages, 400, 100), *p2 = jd_pages_add_page(pages, 400, 100);
    int font = jd_pages_add_font(pages, file, 0, "WenQuanYi Micro Hei", false);
    add_run(pages, p1, font, 12, 10, 50, 12, "第一页没有问题");
    add_run(pages, p2, font, 12, 10, 50, 12,
            "一二三四五六七八九十𬴂甲乙丙丁戊己庚辛壬癸");
    add_run(pages, p2, font, 12, 10, 80, 12, "𠮷");
    const char *expected[] = {
        "haru backend: character 𬴂 (U+2CD02) on page 2 (in "
        "“…三四五六七八九十𬴂甲乙丙丁戊己庚辛…”) is outside the "
        "Basic Multilingual Plane; libharu 2.3.0 encodes text in 16 bits and cannot draw it. Use "
        "--backend cairo",
        "haru backend: character 𠮷 (U+20BB7) on page 2 (in “𠮷”) is outside the Basic "
        "Multilingual Plane; "
        "libharu 2.3.0 encodes text in 16 bits and cannot draw it. Use --backend cairo",
        NULL};
    assert_refused(pages, NULL, expected);
    g_free(file);
    jd_pages_free(pages);
}
END_TEST

/* libharu picks each character's glyph from the character map: a ligature, or a form the
 * layout chose by context, cannot be reproduced. */
START_TEST(glyph_other_than_the_cmap_glyph_is_refused)
{
    char *file = shipped_font();
    jd_pages *pages = jd_pages_new();
    jd_page *page = jd_pages_add_page(pages, 400, 200);
    int font = jd_pages_add_font(pages, file, 0, "WenQuanYi Micro Hei", false);
    uint32_t f = cmap_glyph(file, 0, 'f'), er = cmap_glyph(file, 0, 0x4E8C);
    /* "fi" as one ligature glyph */
    jd_glyph lig[] = {{f, 0, 0, 0}};
    jd_glyph_run r1 = {font, 12, 0, 10, 50, "fi", 2, lig, 1, 12};
    jd_page_add_glyphs(page, &r1);
    /* 一 drawn with 二's glyph */
    jd_glyph alt[] = {{er, 0, 0, 0}};
    jd_glyph_run r2 = {font, 12, 0, 10, 80, "一", 3, alt, 1, 12};
    jd_page_add_glyphs(page, &r2);
    /* a character the font does not have (Thai ko kai), drawn with some glyph */
    jd_glyph missing[] = {{er, 0, 0, 0}};
    jd_glyph_run r3 = {font, 12, 0, 10, 110, "ก", 3, missing, 1, 12};
    jd_page_add_glyphs(page, &r3);
    char *m1 = g_strdup_printf(
        "haru backend: “fi” on page 1 (in “fi”) is drawn with 1 glyph of font “WenQuanYi Micro "
        "Hei” (%s) for 2 characters (a ligature or a combining sequence); libharu draws one "
        "glyph per character and cannot reproduce it. Use --backend cairo",
        file);
    char *m2 = g_strdup_printf(
        "haru backend: character 一 (U+4E00) on page 1 (in “一”) is drawn by the layout with "
        "glyph %u of font “WenQuanYi Micro Hei” (%s), but libharu can draw only its "
        "character-map glyph %u (the layout chose a contextual or alternate form). Use "
        "--backend cairo",
        er, file, cmap_glyph(file, 0, 0x4E00));
    char *m3 = g_strdup_printf(
        "haru backend: character ก (U+0E01) on page 1 (in “ก”) is not in the character map of "
        "font “WenQuanYi Micro Hei” (%s); libharu would draw an empty box. Use --backend cairo",
        file);
    const char *expected[] = {m1, m2, m3, NULL};
    assert_refused(pages, NULL, expected);
    g_free(m1), g_free(m2), g_free(m3);
    g_free(file);
    jd_pages_free(pages);
}
END_TEST

/* Every problem of a document is reported in one go, and nothing is written. */
START_TEST(all_problems_are_reported_at_once)
{
    char *cff = jt_fixture("haru/cff.otf"), *file = shipped_font();
    jd_pages *pages = jd_pages_new();
    jd_page *page = jd_pages_add_page(pages, 300, 100);
    int bad = jd_pages_add_font(pages, cff, 0, "Jindu Test CFF", false);
    int good = jd_pages_add_font(pages, file, 0, "WenQuanYi Micro Hei", false);
    add_run(pages, page, bad, 12, 10, 30, 12, "一");
    add_run(pages, page, good, 12, 10, 60, 12, "𬴂");
    jd_link link = {10, 70, 50, 12, "nowhere", NULL};
    jd_page_add_link(page, &link);
    jd_pages_set_page_label(pages, "hanzi");
    jd_pages_set_meta(pages, JD_META_DATE, "yesterday");
    jd_render_options o;
    jd_render_options_init(&o);
    o.user_password = "user";
    char *m1 = g_strdup_printf(
        "haru backend: font “Jindu Test CFF” (%s) has OpenType/CFF outlines; libharu 2.3.0 "
        "can embed only TrueType (glyf) fonts. Use --backend cairo, or a TrueType font",
        cff);
    const char *expected[] = {
        "the creation date “yesterday” is not an ISO 8601 date (2023-01-17 or 2023-01-17T08:00:00+08:00)",
        "haru backend: a user password needs an owner password as well (libharu encrypts only with "
        "one)",
        "haru backend: page label style “hanzi” is not one of decimal, upper-roman, lower-roman, "
        "upper-alpha, "
        "lower-alpha",
        "haru backend: a link on page 1 points to “nowhere”, which the document does not define",
        m1,
        "haru backend: character 𬴂 (U+2CD02) on page 1 (in “𬴂”) is outside the Basic "
        "Multilingual Plane; libharu "
        "2.3.0 encodes text in 16 bits and cannot draw it. Use --backend cairo",
        NULL};
    assert_refused(pages, &o, expected);
    g_free(m1);
    g_free(cff);
    g_free(file);
    jd_pages_free(pages);
}
END_TEST

static const struct {
    const char *owner, *user;
    bool allow_print;
    const char *message;
} bad_security[] = {
    {NULL, "user", false,
     "haru backend: a user password needs an owner password as well (libharu encrypts only with "
     "one)"},
    {NULL, NULL, true,
     "haru backend: permissions need an owner password: without encryption a PDF cannot restrict "
     "its readers"},
    {"same", "same", false,
     "haru backend: the owner and user passwords must differ, or the user password would give full "
     "rights"},
    {"密码", NULL, false,
     "haru backend: passwords must be ASCII: PDF 1.4 encryption passes them as single bytes, and "
     "readers would not "
     "match other characters"},
    {"", NULL, false, "haru backend: the owner password is empty"},
};

START_TEST(bad_security_options_are_refused)
{
    char *file = shipped_font();
    jd_pages *pages = jd_pages_new();
    jd_page *page = jd_pages_add_page(pages, 300, 100);
    add_run(pages, page, jd_pages_add_font(pages, file, 0, "WenQuanYi Micro Hei", false), 12, 10,
            30, 12, "加密");
    jd_render_options o;
    jd_render_options_init(&o);
    o.owner_password = bad_security[_i].owner;
    o.user_password = bad_security[_i].user;
    o.allow_print = bad_security[_i].allow_print;
    const char *expected[] = {bad_security[_i].message, NULL};
    assert_refused(pages, &o, expected);
    g_free(file);
    jd_pages_free(pages);
}
END_TEST

/* libharu's own errors come back as messages, and nothing is written. */
START_TEST(libharu_error_becomes_a_message)
{
    char *file = shipped_font();
    jd_pages *pages = jd_pages_new();
    jd_pages_add_page(pages, 300, 100);
    /* PDF pages are at most 14400 units wide */
    jd_page *page = jd_pages_add_page(pages, 20000, 100);
    add_run(pages, page, jd_pages_add_font(pages, file, 0, "WenQuanYi Micro Hei", false), 12, 10,
            30, 12, "过宽");
    const char *expected[] = {"haru backend: libharu error 0x1054 (invalid page size, detail 0) "
                              "adding page 2 (20000.00 x 100.00 pt)",
                              NULL};
    assert_refused(pages, NULL, expected);
    g_free(file);
    jd_pages_free(pages);
}
END_TEST

/* A damaged PNG is a message (libharu's own PNG reader would abort the process). */
START_TEST(damaged_image_is_refused)
{
    char *file = shipped_font(), *png = out_path("broken.png");
    jt_write(png, "\x89PNG\r\n\x1a\nthis is not a PNG image");
    jd_pages *pages = jd_pages_new();
    jd_page *page = jd_pages_add_page(pages, 300, 100);
    add_run(pages, page, jd_pages_add_font(pages, file, 0, "WenQuanYi Micro Hei", false), 12, 10,
            30, 12, "图片");
    jd_image im = {10, 40, 20, 20, png};
    jd_page_add_image(page, &im);
    char *path = out_path("out.pdf");
    ck_assert(!jd_render_haru(pages, path, NULL, diags));
    ck_assert_uint_eq(jd_diags_count(diags), 1);
    char *msg = g_strdup_printf("haru backend: cannot read image %s: not a valid PNG image", png);
    ck_assert_str_eq(jd_diag_message(jd_diags_get(diags, 0)), msg);
    ck_assert(!jt_exists(path));
    g_free(msg);
    g_free(path);
    g_free(png);
    g_free(file);
    jd_pages_free(pages);
}
END_TEST

START_TEST(empty_document_is_refused)
{
    jd_pages *pages = jd_pages_new();
    const char *expected[] = {"the document has no pages", NULL};
    assert_refused(pages, NULL, expected);
    jd_pages_free(pages);
}
END_TEST

/* ---- what only this backend does ----------------------------------------------------- */

static jd_pages *one_line(const char *text)
{
    char *file = shipped_font();
    jd_pages *pages = jd_pages_new();
    jd_page *page = jd_pages_add_page(pages, 300, 100);
    add_run(pages, page, jd_pages_add_font(pages, file, 0, "WenQuanYi Micro Hei", false), 12, 10,
            30, 12, text);
    g_free(file);
    return pages;
}

/* `n` pages alike but for their number: a line of text and a grid of 60 rules each. */
static jd_pages *numbered_pages(int n)
{
    char *file = shipped_font();
    jd_pages *pages = jd_pages_new();
    int font = jd_pages_add_font(pages, file, 0, "WenQuanYi Micro Hei", false);
    for (int p = 1; p <= n; p++) {
        jd_page *page = jd_pages_add_page(pages, 300, 400);
        char *text = g_strdup_printf("督查第%02d页", p);
        add_run(pages, page, font, 12, 10, 30, 12, text);
        g_free(text);
        for (int i = 0; i < 60; i++) {
            jd_rule r = {10, 50 + 5 * i, 290, 50 + 5 * i, 0.5, 0x000000};
            jd_page_add_rule(page, &r);
        }
    }
    g_free(file);
    return pages;
}

/* libharu keeps every page's contents in memory until it writes the file; the backend
 * moves a drawn page's to a scratch file. So the contents held at once are one page's,
 * however many pages there are (before: all of them, 40 pages four times 10), and every
 * page reads its own back. */
START_TEST(page_contents_leave_memory)
{
    const int counts[] = {10, 40};
    size_t peak[2];
    for (int k = 0; k < 2; k++) {
        jd_pages *pages = numbered_pages(counts[k]);
        char *path = out_path("numbered.pdf");
        jd_render_options o;
        jd_render_options_init(&o);
        o.contents_peak = &peak[k];
        render_haru_ok(pages, path, &o);
        ck_assert_int_eq(hp_page_count(path), counts[k]);
        for (int p = 1; p <= counts[k]; p += 3) {
            char *want = g_strdup_printf("督查第%02d页", p), *text = hp_page_text(path, p);
            ck_assert_str_eq(text, want);
            g_free(want);
            g_free(text);
        }
        g_free(path);
        jd_pages_free(pages);
    }
    /* a page's operators: the text, 60 moves and lines, the stroke */
    ck_assert_uint_gt(peak[0], 60 * 16);
    ck_assert_uint_lt(peak[0], 60 * 60);
    ck_assert_uint_eq(peak[1], peak[0]);
}
END_TEST

START_TEST(encryption_with_permissions)
{
    jd_pages *pages = one_line("督查室内部材料");
    char *path = out_path("locked.pdf");
    jd_render_options o;
    jd_render_options_init(&o);
    o.owner_password = "owner-secret";
    o.user_password = "reader";
    o.allow_print = true;
    render_haru_ok(pages, path, &o);
    /* the user password opens it, with printing only */
    char *enc = hp_info(path, "-upw reader", "Encrypted");
    ck_assert_str_eq(enc, "yes (print:yes copy:no change:no addNotes:no algorithm:RC4)");
    char *text = hp_run("pdftotext -q -upw reader '%s' -", path);
    ck_assert_str_eq(g_strstrip(text), "督查室内部材料");
    /* without it the file does not open */
    char *err = NULL, *cmd = g_strdup_printf("pdftotext '%s' -", path);
    ck_assert_int_ne(jt_run(cmd, NULL, &err), 0);
    g_free(cmd);
    ck_assert_ptr_nonnull(strstr(err, "Incorrect password"));
    /* 128-bit RC4, revision 3 */
    char *raw = hp_inflated(path);
    ck_assert_ptr_nonnull(strstr(raw, "/R 3"));
    ck_assert_ptr_nonnull(strstr(raw, "/Length 128"));
    g_free(raw), g_free(err), g_free(text), g_free(enc);
    /* no user password: anyone opens it, the permissions still hold */
    o.user_password = NULL;
    o.allow_print = false;
    o.allow_copy = true;
    o.allow_edit = true;
    render_haru_ok(pages, path, &o);
    enc = hp_info(path, NULL, "Encrypted");
    ck_assert_str_eq(enc, "yes (print:no copy:yes change:yes addNotes:yes algorithm:RC4)");
    g_free(enc);
    g_free(path);
    jd_pages_free(pages);
}
END_TEST

static char *file_id(const char *path)
{
    char *raw = hp_inflated(path);
    const char *id = strstr(raw, "/ID [");
    ck_assert_ptr_nonnull(id);
    char *copy = g_strndup(id, 80);
    g_free(raw);
    return copy;
}

/* libharu hashes the clock into an encrypted file's /ID (and so its key); this backend
 * hashes the content: equal input gives equal bytes, at any time. */
START_TEST(encrypted_output_is_reproducible)
{
    jd_pages *pages = one_line("重点工作任务清单");
    char *a = out_path("a.pdf"), *b = out_path("b.pdf"), *c = out_path("c.pdf");
    jd_render_options o;
    jd_render_options_init(&o);
    o.owner_password = "owner-secret";
    render_haru_ok(pages, a, &o);
    /* libharu's identifier changes with the second */
    time_t started = time(NULL);
    while (time(NULL) == started)
        g_usleep(20000);
    render_haru_ok(pages, b, &o);
    char *da = NULL, *db = NULL;
    gsize la = 0, lb = 0;
    ck_assert(g_file_get_contents(a, &da, &la, NULL) && g_file_get_contents(b, &db, &lb, NULL));
    ck_assert_uint_eq(la, lb);
    ck_assert_msg(memcmp(da, db, la) == 0, "two renders of the same pages differ");
    /* other content, other identifier */
    jd_pages *other = one_line("重点工作任务清单。");
    render_haru_ok(other, c, &o);
    char *ia = file_id(a), *ic = file_id(c);
    ck_assert_str_ne(ia, ic);
    g_free(ia), g_free(ic), g_free(da), g_free(db);
    g_free(a), g_free(b), g_free(c);
    jd_pages_free(other);
    jd_pages_free(pages);
}
END_TEST

START_TEST(plain_output_is_reproducible)
{
    jd_pages *pages = lay(doc_long_table());
    char *a = out_path("a.pdf"), *b = out_path("b.pdf");
    render_haru_ok(pages, a, NULL);
    render_haru_ok(pages, b, NULL);
    gsize la = 0, lb = 0;
    char *da = NULL, *db = NULL;
    ck_assert(g_file_get_contents(a, &da, &la, NULL) && g_file_get_contents(b, &db, &lb, NULL));
    ck_assert_uint_eq(la, lb);
    ck_assert(memcmp(da, db, la) == 0);
    g_free(da), g_free(db), g_free(a), g_free(b);
    jd_pages_free(pages);
}
END_TEST

/* Three pages: a link on page 1 to a destination on page 3 (cairo 1.16 writes such
 * forward links without a target), a web link, a nested outline in Chinese, page labels,
 * metadata. */
START_TEST(navigation_and_metadata)
{
    char *file = shipped_font();
    jd_pages *pages = jd_pages_new();
    int font = jd_pages_add_font(pages, file, 0, "WenQuanYi Micro Hei", false);
    const char *texts[] = {"第一页", "第二页", "第三页"};
    for (int i = 0; i < 3; i++)
        add_run(pages, jd_pages_add_page(pages, 300, 400), font, 12, 20, 40, 12, texts[i]);
    jd_dest dest = {"task-20", 50, 100};
    jd_page_add_dest(jd_pages_get(pages, 2), &dest);
    jd_link internal = {20, 28, 36, 14, "task-20", NULL},
            web = {20, 28, 36, 14, NULL, "https://example.org/jindu"};
    jd_page_add_link(jd_pages_get(pages, 0), &internal);
    jd_page_add_link(jd_pages_get(pages, 1), &web);
    jd_pages_add_outline(pages, "第一部分 总体要求", 1, 0, 0);
    jd_pages_add_outline(pages, "一、重点任务", 2, 2, 100);
    jd_pages_add_outline(pages, "第二部分 保障措施", 1, 1, 50);
    jd_pages_set_meta(pages, JD_META_TITLE, "西青区2023年重点工作任务清单");
    jd_pages_set_meta(pages, JD_META_AUTHOR, "区政府督查室");
    jd_pages_set_meta(pages, JD_META_SUBJECT, "季度督查");
    jd_pages_set_meta(pages, JD_META_KEYWORDS, "督查, 任务");
    jd_pages_set_meta(pages, JD_META_DATE, "2023-01-17");
    jd_pages_set_page_label(pages, "decimal");
    char *path = out_path("nav.pdf"), *cairo = out_path("cairo.pdf");
    render_haru_ok(pages, path, NULL);
    static const char *const info[][2] = {{"Title", "西青区2023年重点工作任务清单"},
                                          {"Author", "区政府督查室"},
                                          {"Subject", "季度督查"},
                                          {"Keywords", "督查, 任务"},
                                          {"Creator", "jindu " JD_VERSION},
                                          {"Producer", "Haru Free PDF Library 2.3.0"},
                                          {"CreationDate", "2023-01-17T00:00:00+08"},
                                          {"ModDate", "2023-01-17T00:00:00+08"},
                                          {"Pages", "3"}};
    for (size_t i = 0; i < G_N_ELEMENTS(info); i++) {
        char *v = hp_info(path, NULL, info[i][0]);
        ck_assert_msg(v && strcmp(v, info[i][1]) == 0, "%s: '%s'", info[i][0], v);
        g_free(v);
    }
    /* the same creation date as the cairo backend's */
    ck_assert(jd_render_cairo(pages, cairo, NULL, diags));
    char *dh = hp_info(path, NULL, "CreationDate"), *dc = hp_info(cairo, NULL, "CreationDate");
    ck_assert_str_eq(dh, dc);
    g_free(dh), g_free(dc);
    char *xml = hp_run("pdftohtml -q -xml -i -stdout '%s'", path);
    ck_assert_msg(strstr(xml, "<outline>\n<item page=\"1\">第一部分 总体要求</item>\n<outline>\n"
                              "<item page=\"3\">一、重点任务</item>\n</outline>\n"
                              "<item page=\"2\">第二部分 保障措施</item>\n</outline>"),
                  "outline: %s", xml);
    g_free(xml);
    char *raw = hp_inflated(path);
    /* the link on page 1 targets the third page object, at the destination's point */
    const char *kids = strstr(raw, "/Kids [ ");
    ck_assert_ptr_nonnull(kids);
    int k1, k2, k3;
    ck_assert_int_eq(sscanf(kids, "/Kids [ %d 0 R %d 0 R %d 0 R ]", &k1, &k2, &k3), 3);
    const char *link = strstr(raw, "/Dest ");
    ck_assert_ptr_nonnull(link);
    int dest_obj;
    ck_assert_int_eq(sscanf(link, "/Dest %d 0 R", &dest_obj), 1);
    char *dest_ref = g_strdup_printf("%d 0 obj\n[ %d 0 R /XYZ 50 300 0 ]", dest_obj, k3);
    ck_assert_msg(strstr(raw, dest_ref), "no %s", dest_ref);
    ck_assert_ptr_nonnull(strstr(raw, "/URI (https:\\057\\057example.org\\057jindu)"));
    ck_assert_int_eq(jt_count(raw, "/Border [ 0 0 0 ]"), 2);
    ck_assert_ptr_nonnull(strstr(raw, "/PageLabels <<\n/Nums [ 0 <<\n/S /D\n/St 1\n>> ]"));
    g_free(dest_ref);
    g_free(raw);
    g_free(path), g_free(cairo), g_free(file);
    jd_pages_free(pages);
}
END_TEST

/* Clusters where libharu's own advance puts them share one show operator; clusters the
 * layout moved (justification, letter spacing) are each placed. Synthetic bold is a
 * stroked fill. */
START_TEST(text_operators)
{
    char *file = shipped_font();
    jd_pages *pages = jd_pages_new();
    jd_page *page = jd_pages_add_page(pages, 300, 200);
    int regular = jd_pages_add_font(pages, file, 0, "WenQuanYi Micro Hei", false);
    int bold_font = jd_pages_add_font(pages, file, 0, "WenQuanYi Micro Hei", true);
    add_run(pages, page, regular, 12, 10, 30, 12, "一二三四五");   /* natural: 12pt hanzi */
    add_run(pages, page, regular, 12, 10, 60, 12.5, "六七八九十"); /* spread */
    add_run(pages, page, bold_font, 12, 10, 90, 12, "加粗");
    char *path = out_path("ops.pdf");
    render_haru_ok(pages, path, NULL);
    char *raw = hp_inflated(path);
    ck_assert_int_eq(jt_count(raw, "> Tj"), 1 + 5 + 1);
    /* the first run in one piece at its origin (PDF y up: 200 - 30) */
    ck_assert_ptr_nonnull(strstr(raw, "10 170 Td\n<4E004E8C4E0956DB4E94> Tj"));
    /* the spread run, one character at a time, 12.5pt apart */
    ck_assert_ptr_nonnull(
        strstr(raw, "10 140 Td\n<516D> Tj\n12.5 0 Td\n<4E03> Tj\n12.5 0 Td\n<516B> Tj"));
    /* bold: fill then stroke with a line of size/24, then back to fill */
    ck_assert_ptr_nonnull(strstr(raw, "0.5 w\n2 Tr\nBT"));
    ck_assert_ptr_nonnull(strstr(raw, "<52A07C97> Tj\nET\n0 Tr"));
    ck_assert_int_eq(jt_count(raw, "2 Tr"), 1);
    char *text = hp_page_text(path, 1);
    ck_assert_str_eq(text, "一二三四五六七八九十加粗");
    g_free(text);
    g_free(raw);
    g_free(path);
    g_free(file);
    jd_pages_free(pages);
}
END_TEST

/* Rules, rectangles (filled, stroked, both) and an image drawn by both backends give the
 * same pixels; the image used on two pages is embedded once. */
START_TEST(graphics_match_cairo)
{
    char *png = out_path("logo.png");
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 40, 20);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 0.8, 0.1, 0.1);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.8);
    cairo_rectangle(cr, 20, 0, 20, 20);
    cairo_fill(cr);
    cairo_destroy(cr);
    ck_assert_int_eq(cairo_surface_write_to_png(s, png), CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(s);
    char *file = shipped_font();
    jd_pages *pages = jd_pages_new();
    int font = jd_pages_add_font(pages, file, 0, "WenQuanYi Micro Hei", false);
    for (int p = 0; p < 2; p++) {
        jd_page *page = jd_pages_add_page(pages, 300, 200);
        jd_rule h = {20, 20, 280, 20, 1.5, 0x000000}, v = {150, 20, 150, 180, 0.5, 0x3366CC};
        jd_page_add_rule(page, &h);
        jd_page_add_rule(page, &v);
        jd_rect filled = {20, 30, 100, 40, true, 0xFFE08A, 0, 0};
        jd_rect both = {20, 80, 100, 40, true, 0xDDEEFF, 2, 0xC00000};
        jd_rect framed = {170, 80, 100, 40, false, 0, 1, 0x000000};
        jd_page_add_rect(page, &filled);
        jd_page_add_rect(page, &both);
        jd_page_add_rect(page, &framed);
        jd_image im = {170, 30, 80, 40, png};
        jd_page_add_image(page, &im);
        add_run(pages, page, font, 12, 30, 160, 12, "图表与线条");
    }
    char *haru = out_path("haru.pdf"), *cairo = out_path("cairo.pdf");
    render_haru_ok(pages, haru, NULL);
    ck_assert(jd_render_cairo(pages, cairo, NULL, diags));
    for (int p = 1; p <= 2; p++) {
        double differ = hp_pixel_difference(cairo, haru, p, 72);
        ck_assert_msg(differ < 0.002, "page %d: %.4f%% of pixels differ", p, differ * 100);
    }
    char *images =
        hp_run("pdfimages -list '%s' | tail -n +3 | awk '{print $1, $4, $5, $11}'", haru);
    ck_assert_msg(jt_count(images, " 40 20 ") == 2, "%s", images);
    char **rows = g_strsplit(g_strstrip(images), "\n", -1);
    ck_assert_int_eq(g_strv_length(rows), 2);
    /* same object on both pages */
    ck_assert_str_eq(strrchr(rows[0], ' '), strrchr(rows[1], ' '));
    g_strfreev(rows);
    g_free(images);
    g_free(haru), g_free(cairo), g_free(png), g_free(file);
    jd_pages_free(pages);
}
END_TEST

/* A face of a TrueType collection, with glyph ids above 32767 (plain outlines, which
 * libharu handles): drawn, embedded, the same pixels as cairo's. */
START_TEST(collection_face_is_drawn)
{
    const char *file = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";
    ck_assert_msg(jt_exists(file), "%s is missing: install fonts-wqy-microhei (.ci/packages.txt)",
                  file);
    jd_pages *pages = jd_pages_new();
    jd_page *page = jd_pages_add_page(pages, 200, 60);
    int font = jd_pages_add_font(pages, file, 1, "WenQuanYi Micro Hei Mono", false);
    add_run(pages, page, font, 14, 10, 35, 7, "Jindu 2023，");
    ck_assert_uint_gt(cmap_glyph(file, 1, 'J'), 32767);
    char *haru = out_path("haru.pdf"), *cairo = out_path("cairo.pdf");
    render_haru_ok(pages, haru, NULL);
    ck_assert(jd_render_cairo(pages, cairo, NULL, diags));
    char *text = hp_page_text(haru, 1);
    ck_assert_str_eq(text, "Jindu2023，");
    g_free(text);
    GPtrArray *fl = hp_fonts(haru);
    ck_assert_uint_eq(fl->len, 1);
    ck_assert(g_str_has_prefix(g_ptr_array_index(fl, 0), "HPDFAA+WenQuanYiMicroHeiMono"));
    g_ptr_array_unref(fl);
    double differ = hp_pixel_difference(cairo, haru, 1, 144);
    ck_assert_msg(differ < 0.002, "%.4f%% of pixels differ", differ * 100);
    g_free(haru), g_free(cairo);
    jd_pages_free(pages);
}
END_TEST

/* The character map libharu walks is replaced by a table with the same answers: for every
 * font the sample paragraphs use (the CJK families and their Latin faces), every BMP code
 * point gets the glyph libharu's own walk gave it, which is the font's (FreeType's) for
 * the characters drawn. */
START_TEST(indexed_character_map_answers_as_the_font)
{
    jd_pages *pages = lay(doc_paragraphs());
    int checked = 0;
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    HPDF_UINT16 *before = g_new(HPDF_UINT16, 0x10000);
    for (size_t i = 0; i < jd_pages_font_count(pages); i++) {
        const jd_font *f = jd_pages_font(pages, (int)i);
        char *key = g_strdup_printf("%s#%d", f->file, f->face_index);
        if (!g_hash_table_add(seen, key))
            continue;
        HPDF_Doc pdf = HPDF_New(NULL, NULL);
        ck_assert_ptr_nonnull(pdf);
        const char *name = g_str_has_suffix(f->file, ".ttc")
                               ? HPDF_LoadTTFontFromFile2(pdf, f->file, (HPDF_UINT)f->face_index, HPDF_TRUE)
                               : HPDF_LoadTTFontFromFile(pdf, f->file, HPDF_TRUE);
        ck_assert_msg(name != NULL, "%s", f->file);
        HPDF_FontDef def = HPDF_GetFontDef(pdf, name);
        for (guint u = 0; u <= 0xFFFF; u++)
            before[u] = HPDF_TTFontDef_GetGlyphid(def, (HPDF_UINT16)u);
        HPDF_UINT segments = ((HPDF_TTFontDefAttr)def->attr)->cmap.seg_count_x2 / 2;
        ck_assert(haru_fonts_index_cmap(pdf, name));
        ck_assert_uint_eq(((HPDF_TTFontDefAttr)def->attr)->cmap.seg_count_x2, 4);
        guint mapped = 0;
        for (guint u = 0; u <= 0xFFFF; u++) {
            HPDF_UINT16 after = HPDF_TTFontDef_GetGlyphid(def, (HPDF_UINT16)u);
            ck_assert_msg(after == before[u], "%s U+%04X: %u, was %u", f->file, u, after, before[u]);
            mapped += after != 0;
        }
        /* a real map, walked before: many segments, thousands of characters */
        ck_assert_uint_gt(segments, 2);
        ck_assert_uint_gt(mapped, 200);
        gunichar probe = strstr(f->family, "Liberation") ? 'G' : 0x4E2D; /* G 中 */
        ck_assert_uint_eq(HPDF_TTFontDef_GetGlyphid(def, (HPDF_UINT16)probe), cmap_glyph(f->file, f->face_index, probe));
        HPDF_Free(pdf);
        checked++;
    }
    ck_assert_int_ge(checked, 3);
    g_free(before);
    g_hash_table_destroy(seen);
    jd_pages_free(pages);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("haru");
    TCase *tc = tcase_create("parity");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, scenario_matches_cairo, 0, G_N_ELEMENTS(scenarios));
    suite_add_tcase(s, tc);
    TCase *refuse = tcase_create("refusals");
    tcase_add_checked_fixture(refuse, setup, teardown);
    tcase_add_test(refuse, cff_font_is_refused);
    tcase_add_test(refuse, composite_with_high_part_is_refused_only_when_used);
    tcase_add_test(refuse, composite_of_composites_is_refused);
    tcase_add_test(refuse, full_wqy_microhei_is_refused);
    tcase_add_test(refuse, character_outside_the_bmp_is_refused);
    tcase_add_test(refuse, glyph_other_than_the_cmap_glyph_is_refused);
    tcase_add_test(refuse, all_problems_are_reported_at_once);
    tcase_add_loop_test(refuse, bad_security_options_are_refused, 0, G_N_ELEMENTS(bad_security));
    tcase_add_test(refuse, libharu_error_becomes_a_message);
    tcase_add_test(refuse, damaged_image_is_refused);
    tcase_add_test(refuse, empty_document_is_refused);
    suite_add_tcase(s, refuse);
    TCase *features = tcase_create("features");
    tcase_add_checked_fixture(features, setup, teardown);
    tcase_set_timeout(features, 60);
    tcase_add_test(features, encryption_with_permissions);
    tcase_add_test(features, page_contents_leave_memory);
    tcase_add_test(features, encrypted_output_is_reproducible);
    tcase_add_test(features, plain_output_is_reproducible);
    tcase_add_test(features, navigation_and_metadata);
    tcase_add_test(features, text_operators);
    tcase_add_test(features, graphics_match_cairo);
    tcase_add_test(features, collection_face_is_drawn);
    tcase_add_test(features, indexed_character_map_answers_as_the_font);
    suite_add_tcase(s, features);
    return jt_main(s);
}
