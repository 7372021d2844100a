/* Path items of the page list (what charts are drawn with): their dump, and both backends
 * drawing them — fill, hatching clipped to the shape, Bézier curves, dashes — to the same
 * pixels, in PDF and (cairo) PNG and SVG. */
#include <cairo.h>
#include <math.h>
#include <string.h>

#include "jd_backend.h"
#include "jd_pages.h"
#include "test_haru_pdf.h"
#include "testutil.h"

static char *tmp;

static void setup(void)
{
    tmp = jt_tmpdir();
}

static void teardown(void)
{
    jt_rmrf(tmp);
    g_free(tmp);
}

static jd_path_seg seg(jd_path_verb verb, double x, double y)
{
    jd_path_seg s = {verb, {x, 0, 0}, {y, 0, 0}};
    return s;
}

static void add_rect_path(jd_page *page, double x, double y, double w, double h,
                          const jd_path *style)
{
    jd_path_seg segs[] = {seg(JD_PATH_MOVE, x, y), seg(JD_PATH_LINE, x + w, y),
                          seg(JD_PATH_LINE, x + w, y + h), seg(JD_PATH_LINE, x, y + h),
                          seg(JD_PATH_CLOSE, 0, 0)};
    jd_path p = *style;
    p.segs = segs;
    p.n_segs = G_N_ELEMENTS(segs);
    jd_page_add_path(page, &p);
}

/* A circle as four quarter Béziers (k = 0.5523: the usual control distance). */
static void add_circle(jd_page *page, double cx, double cy, double r, const jd_path *style)
{
    double k = 0.5522847498 * r;
    jd_path_seg segs[6] = {seg(JD_PATH_MOVE, cx + r, cy)};
    double pts[4][6] = {
        {cx + r, cy + k, cx + k, cy + r, cx, cy + r},
        {cx - k, cy + r, cx - r, cy + k, cx - r, cy},
        {cx - r, cy - k, cx - k, cy - r, cx, cy - r},
        {cx + k, cy - r, cx + r, cy - k, cx + r, cy},
    };
    for (int i = 0; i < 4; i++)
        segs[i + 1] = (jd_path_seg){
            JD_PATH_CURVE, {pts[i][0], pts[i][2], pts[i][4]}, {pts[i][1], pts[i][3], pts[i][5]}};
    segs[5] = seg(JD_PATH_CLOSE, 0, 0);
    jd_path p = *style;
    p.segs = segs;
    p.n_segs = 6;
    jd_page_add_path(page, &p);
}

/* One 200 × 200 pt page: a dark square, a white square hatched "/", a black disc, a
 * cross-hatched disc, a dashed line. */
static jd_pages *shapes(void)
{
    jd_pages *pages = jd_pages_new();
    jd_page *page = jd_pages_add_page(pages, 200, 200);
    jd_path dark = {.fill = true, .fill_color = 0x404040};
    add_rect_path(page, 20, 20, 60, 60, &dark);
    jd_path hatched = {.fill = true,
                       .fill_color = 0xffffff,
                       .hatch = {JD_HATCH_RISING, 0x000000, 6, 1.5},
                       .stroke_width = 0.5,
                       .stroke_color = 0x000000};
    add_rect_path(page, 120, 20, 60, 60, &hatched);
    jd_path black = {.fill = true, .fill_color = 0x000000};
    add_circle(page, 50, 150, 30, &black);
    jd_path crossed = {.hatch = {JD_HATCH_CROSS, 0x000000, 4, 1}};
    add_circle(page, 150, 140, 25, &crossed);
    jd_path_seg line[] = {seg(JD_PATH_MOVE, 110, 190), seg(JD_PATH_LINE, 190, 190)};
    jd_path dashed = {.segs = line,
                      .n_segs = 2,
                      .stroke_width = 4,
                      .stroke_color = 0x000000,
                      .dash_on = 6,
                      .dash_off = 6};
    jd_page_add_path(page, &dashed);
    return pages;
}

START_TEST(paths_are_copied_and_dumped)
{
    jd_pages *pages = shapes();
    char *dump = jd_pages_dump(pages);
    ck_assert_str_eq(dump, "page 1 200x200\n"
                           "  path M 20,20 L 80,20 L 80,80 L 20,80 Z fill=#404040\n"
                           "  path M 120,20 L 180,20 L 180,80 L 120,80 Z fill=#ffffff "
                           "hatch=rising/#000000/6/1.5 stroke=0.5 "
                           "#000000\n"
                           "  path M 80,150 C 80,166.6 66.6,180 50,180 C 33.4,180 20,166.6 20,150 "
                           "C 20,133.4 33.4,120 50,120 "
                           "C 66.6,120 80,133.4 80,150 Z fill=#000000\n"
                           "  path M 175,140 C 175,153.8 163.8,165 150,165 C 136.2,165 125,153.8 "
                           "125,140 C 125,126.2 136.2,115 150,115 "
                           "C 163.8,115 175,126.2 175,140 Z hatch=cross/#000000/4/1\n"
                           "  path M 110,190 L 190,190 stroke=4 #000000 dash=6,6\n");
    g_free(dump);
    jd_pages_free(pages);
}
END_TEST

/* Grey value at (x, y) pt of a page rendered at 72 dpi (one pixel per point). */
static int grey_at(const guint8 *px, int w, double x, double y)
{
    return px[(int)y * w + (int)x];
}

/* Share of dark pixels in the box [x0, x1) × [y0, y1) pt. */
static double dark_share(const guint8 *px, int w, int x0, int y0, int x1, int y1)
{
    int dark = 0;
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++)
            dark += px[y * w + x] < 128;
    return (double)dark / ((x1 - x0) * (y1 - y0));
}

static void check_shapes(const guint8 *px, int w, int h, const char *what)
{
    ck_assert_msg(w == 200 && h == 200, "%s: %dx%d", what, w, h);
    /* the dark square is filled with its grey (0x40 = 64) */
    ck_assert_msg(abs(grey_at(px, w, 50, 50) - 64) <= 3, "%s: square %d", what,
                  grey_at(px, w, 50, 50));
    /* the hatched square: lines 1.5 pt wide every 6 pt cover about a quarter of it, and
     * nothing leaks outside it */
    double share = dark_share(px, w, 125, 25, 175, 75);
    ck_assert_msg(share > 0.15 && share < 0.40, "%s: hatch covers %.2f", what, share);
    ck_assert_msg(dark_share(px, w, 100, 10, 117, 90) == 0, "%s: hatch outside left", what);
    ck_assert_msg(dark_share(px, w, 184, 10, 200, 90) == 0, "%s: hatch outside right", what);
    ck_assert_msg(dark_share(px, w, 120, 84, 190, 100) == 0, "%s: hatch below", what);
    /* the disc is round: its centre and rim are black, the corners of its box white */
    ck_assert_int_lt(grey_at(px, w, 50, 150), 40);
    ck_assert_int_lt(grey_at(px, w, 77, 150), 40);
    ck_assert_int_gt(grey_at(px, w, 50 + 23.5, 150 + 23.5), 215); /* 33 pt from the centre */
    ck_assert_int_gt(grey_at(px, w, 22, 122), 215);
    /* the hatched disc: hatched inside, clipped to the circle (not to its box) */
    share = dark_share(px, w, 140, 130, 160, 150);
    ck_assert_msg(share > 0.25 && share < 0.65, "%s: cross hatch covers %.2f", what, share);
    ck_assert_msg(dark_share(px, w, 125, 115, 131, 121) == 0,
                  "%s: hatch in the corner of the disc's box", what);
    ck_assert_msg(dark_share(px, w, 169, 159, 175, 165) == 0,
                  "%s: hatch in the corner of the disc's box", what);
    /* the dashed line: on 110–116, off 116–122, on 122–128 */
    ck_assert_msg(grey_at(px, w, 113, 190) < 60, "%s: dash on %d", what, grey_at(px, w, 113, 190));
    ck_assert_msg(grey_at(px, w, 119, 190) > 200, "%s: dash off %d", what,
                  grey_at(px, w, 119, 190));
    ck_assert_msg(grey_at(px, w, 125, 190) < 60, "%s: second dash %d", what,
                  grey_at(px, w, 125, 190));
}

START_TEST(both_backends_draw_fill_hatch_curves_and_dashes)
{
    jd_pages *pages = shapes();
    jd_diags *diags = jd_diags_new();
    char *cairo_pdf = g_build_filename(tmp, "cairo.pdf", NULL);
    char *haru_pdf = g_build_filename(tmp, "haru.pdf", NULL);
    ck_assert(jd_render_cairo(pages, cairo_pdf, NULL, diags));
    ck_assert(jd_render_haru(pages, haru_pdf, NULL, diags));
    ck_assert_int_eq(jd_diags_count(diags), 0);
    const char *files[] = {cairo_pdf, haru_pdf};
    for (int i = 0; i < 2; i++) {
        int w, h;
        guint8 *px = hp_grey_pixels(files[i], 1, 72, &w, &h);
        check_shapes(px, w, h, files[i]);
        g_free(px);
    }
    /* and the two agree pixel for pixel, give or take the anti-aliased edges */
    ck_assert_double_lt(hp_pixel_difference(cairo_pdf, haru_pdf, 1, 144), 0.002);

    /* PNG straight from cairo, at one pixel per point */
    char *png = g_build_filename(tmp, "page.png", NULL);
    jd_render_options opts;
    jd_render_options_init(&opts);
    opts.format = JD_OUTPUT_PNG;
    opts.dpi = 72;
    ck_assert(jd_render_cairo(pages, png, &opts, diags));
    cairo_surface_t *s = cairo_image_surface_create_from_png(png);
    ck_assert_int_eq(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s);
    const unsigned char *data = cairo_image_surface_get_data(s);
    guint8 *px = g_malloc((size_t)w * (size_t)h);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint32_t v;
            memcpy(&v, data + y * stride + 4 * x, 4);
            px[y * w + x] = (guint8)(((v >> 16 & 0xff) + (v >> 8 & 0xff) + (v & 0xff)) / 3);
        }
    cairo_surface_destroy(s);
    check_shapes(px, w, h, "png");
    g_free(px);

    /* SVG: the shapes are vector paths, the hatch clipped */
    char *svg = g_build_filename(tmp, "page.svg", NULL);
    opts.format = JD_OUTPUT_SVG;
    ck_assert(jd_render_cairo(pages, svg, &opts, diags));
    char *text = jt_read(svg);
    ck_assert_ptr_nonnull(strstr(text, "clipPath"));
    ck_assert_int_ge(jt_count(text, "<path"), 6);
    g_free(text);

    g_free(svg);
    g_free(png);
    g_free(cairo_pdf);
    g_free(haru_pdf);
    jd_diags_free(diags);
    jd_pages_free(pages);
}
END_TEST

/* The hatch lines are fixed to the page: two squares side by side show one continuous
 * pattern, and a hatch over a huge box is not drawn line by line for ever. */
START_TEST(hatch_lines_line_up_across_shapes)
{
    jd_pages *pages = jd_pages_new();
    jd_page *page = jd_pages_add_page(pages, 200, 100);
    jd_path hatched = {.fill = false, .hatch = {JD_HATCH_FALLING, 0x000000, 5, 1}};
    add_rect_path(page, 20, 20, 80, 60, &hatched);
    add_rect_path(page, 100, 20, 80, 60, &hatched);
    jd_diags *diags = jd_diags_new();
    char *one = g_build_filename(tmp, "two.pdf", NULL);
    ck_assert(jd_render_haru(pages, one, NULL, diags));
    jd_pages_free(pages);

    pages = jd_pages_new();
    page = jd_pages_add_page(pages, 200, 100);
    add_rect_path(page, 20, 20, 160, 60, &hatched);
    char *whole = g_build_filename(tmp, "one.pdf", NULL);
    ck_assert(jd_render_cairo(pages, whole, NULL, diags));
    ck_assert_double_lt(hp_pixel_difference(one, whole, 1, 144), 0.002);
    jd_pages_free(pages);
    g_free(one);
    g_free(whole);
    jd_diags_free(diags);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("chart_items");
    TCase *tc = tcase_create("paths");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, paths_are_copied_and_dumped);
    tcase_add_test(tc, both_backends_draw_fill_hatch_curves_and_dashes);
    tcase_add_test(tc, hatch_lines_line_up_across_shapes);
    suite_add_tcase(s, tc);
    return jt_main(s);
}
