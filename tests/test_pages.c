/* The page list keeps only the pages used last in memory and the others in a scratch file
 * (issue 12, item 13): what comes back must be what went in, field for field, whatever the
 * order pages are read in, and items added or turned after a page went out must be there. */
#include <string.h>

#include "jd_pages.h"
#include "testutil.h"

enum { PAGES = 40 };

/* Every kind of item, with values that depend on the page and the item's place. */
static void add_items(jd_page *page, size_t p, int round)
{
    double v = (double)p + round / 7.0 + 1.0 / 3.0; /* no value that survives rounding by luck */
    char text[64];
    g_snprintf(text, sizeof text, "第%zu页，第%d轮 text", p + 1, round);
    jd_glyph glyphs[3] = {{(uint32_t)(p * 3 + 1), 0.25f, 0.5f, 0}, {(uint32_t)(p * 3 + 2), 10.125f, -0.5f, 3},
                          {(uint32_t)(p * 3 + 3), 20.0f + (float)p, 0, 6}};
    jd_glyph_run run = {1, 10.5 + v, 0x123456u + (uint32_t)p, v, v * 2, text, strlen(text), glyphs, 3, 33.3 + v};
    jd_page_add_glyphs(page, &run);
    jd_rule rule = {v, v + 1, v + 2, v + 3, 0.5 + v, 0xabcdefu};
    jd_page_add_rule(page, &rule);
    jd_rect rect = {v, v * 3, 100 + v, 50 + v, (p + (size_t)round) % 2 == 0, 0xff0000u, 0.75, 0x00ff00u};
    jd_page_add_rect(page, &rect);
    char png[64], dest[64];
    g_snprintf(png, sizeof png, "/images/%zu-%d.png", p, round);
    g_snprintf(dest, sizeof dest, "任务%zu-%d", p, round);
    jd_image image = {v, v, 30, 40, png};
    jd_page_add_image(page, &image);
    jd_link to_dest = {v, v, 10, 10, dest, NULL}, to_uri = {v, v, 10, 10, NULL, "https://example.org/?p=1"};
    jd_page_add_link(page, &to_dest);
    jd_page_add_link(page, &to_uri);
    jd_dest d = {dest, v + 0.5, v - 0.5};
    jd_page_add_dest(page, &d);
    jd_path_seg segs[3] = {{JD_PATH_MOVE, {v, 0, 0}, {v, 0, 0}},
                           {JD_PATH_CURVE, {1, 2, 3 + v}, {4, 5, 6 + v}},
                           {JD_PATH_CLOSE, {0, 0, 0}, {0, 0, 0}}};
    jd_path path = {segs, 3, true, 0x808080u, {JD_HATCH_CROSS, 0x101010u, 3.5, 0.25}, 0.5, 0x202020u, 2, 1,
                    round % 2 == 1};
    jd_page_add_path(page, &path);
}

enum { ITEMS_PER_ROUND = 8 };

/* The items of round `round` on page `p`, from item `first`, are what add_items made. */
static void check_items(const jd_page *page, size_t p, int round, size_t first)
{
    double v = (double)p + round / 7.0 + 1.0 / 3.0;
    const jd_item *it = jd_page_item(page, first);
    ck_assert_int_eq(it->type, JD_ITEM_GLYPHS);
    char text[64];
    g_snprintf(text, sizeof text, "第%zu页，第%d轮 text", p + 1, round);
    const jd_glyph_run *r = &it->u.glyphs;
    ck_assert_int_eq(r->font, 1);
    ck_assert(r->size == 10.5 + v && r->x == v && r->y == v * 2 && r->width == 33.3 + v);
    ck_assert_uint_eq(r->color, 0x123456u + (uint32_t)p);
    ck_assert_uint_eq(r->text_len, strlen(text));
    ck_assert_str_eq(r->text, text);
    ck_assert_uint_eq(r->n_glyphs, 3);
    ck_assert_uint_eq(r->glyphs[1].id, p * 3 + 2);
    ck_assert(r->glyphs[1].x == 10.125f && r->glyphs[1].y == -0.5f && r->glyphs[2].x == 20.0f + (float)p);
    ck_assert_uint_eq(r->glyphs[2].cluster, 6);
    it = jd_page_item(page, first + 1);
    ck_assert_int_eq(it->type, JD_ITEM_RULE);
    ck_assert(it->u.rule.x1 == v && it->u.rule.y2 == v + 3 && it->u.rule.width == 0.5 + v);
    ck_assert_uint_eq(it->u.rule.color, 0xabcdefu);
    it = jd_page_item(page, first + 2);
    ck_assert_int_eq(it->type, JD_ITEM_RECT);
    ck_assert(it->u.rect.y == v * 3 && it->u.rect.h == 50 + v && it->u.rect.stroke_width == 0.75);
    ck_assert_int_eq(it->u.rect.fill, (p + (size_t)round) % 2 == 0);
    ck_assert_uint_eq(it->u.rect.stroke_color, 0x00ff00u);
    char png[64], dest[64];
    g_snprintf(png, sizeof png, "/images/%zu-%d.png", p, round);
    g_snprintf(dest, sizeof dest, "任务%zu-%d", p, round);
    it = jd_page_item(page, first + 3);
    ck_assert_int_eq(it->type, JD_ITEM_IMAGE);
    ck_assert_str_eq(it->u.image.path, png);
    it = jd_page_item(page, first + 4);
    ck_assert_int_eq(it->type, JD_ITEM_LINK);
    ck_assert_str_eq(it->u.link.dest, dest);
    ck_assert_ptr_null(it->u.link.uri);
    it = jd_page_item(page, first + 5);
    ck_assert_ptr_null(it->u.link.dest);
    ck_assert_str_eq(it->u.link.uri, "https://example.org/?p=1");
    it = jd_page_item(page, first + 6);
    ck_assert_int_eq(it->type, JD_ITEM_DEST);
    ck_assert_str_eq(it->u.dest.name, dest);
    ck_assert(it->u.dest.x == v + 0.5 && it->u.dest.y == v - 0.5);
    it = jd_page_item(page, first + 7);
    ck_assert_int_eq(it->type, JD_ITEM_PATH);
    const jd_path *path = &it->u.path;
    ck_assert_uint_eq(path->n_segs, 3);
    ck_assert_int_eq(path->segs[1].verb, JD_PATH_CURVE);
    ck_assert(path->segs[0].x[0] == v && path->segs[1].x[2] == 3 + v && path->segs[1].y[2] == 6 + v);
    ck_assert_int_eq(path->segs[2].verb, JD_PATH_CLOSE);
    ck_assert(path->fill && path->fill_color == 0x808080u);
    ck_assert_int_eq(path->hatch.kind, JD_HATCH_CROSS);
    ck_assert(path->hatch.spacing == 3.5 && path->hatch.width == 0.25 && path->stroke_width == 0.5);
    ck_assert_uint_eq(path->dash_on, 2);
    ck_assert_uint_eq(path->dash_off, 1);
    ck_assert_int_eq(path->round, round % 2 == 1);
}

static jd_pages *make_pages(void)
{
    jd_pages *pages = jd_pages_new();
    jd_pages_add_font(pages, "/fonts/a.ttf", 0, "song", false);
    jd_pages_add_font(pages, "/fonts/b.ttf", 0, "hei", true);
    for (size_t p = 0; p < PAGES; p++)
        add_items(jd_pages_add_page(pages, 595.28, 841.89 + (double)p), p, 0);
    return pages;
}

START_TEST(pages_read_back_as_they_were_made)
{
    jd_pages *pages = make_pages();
    char *first_dump = jd_pages_dump(pages);
    /* in order, backwards, and jumping about */
    for (size_t p = 0; p < PAGES; p++)
        check_items(jd_pages_get(pages, p), p, 0, 0);
    for (size_t p = PAGES; p-- > 0;)
        check_items(jd_pages_get(pages, p), p, 0, 0);
    for (size_t k = 0; k < PAGES; k++) {
        size_t p = (k * 17) % PAGES;
        ck_assert_uint_eq(jd_page_item_count(jd_pages_get(pages, p)), ITEMS_PER_ROUND);
        ck_assert(jd_page_height(jd_pages_get(pages, p)) == 841.89 + (double)p);
        check_items(jd_pages_get(pages, p), p, 0, 0);
    }
    char *again = jd_pages_dump(pages);
    ck_assert_str_eq(again, first_dump);
    ck_assert_ptr_null(jd_pages_storage_error(pages));
    g_free(again);
    g_free(first_dump);
    jd_pages_free(pages);
}
END_TEST

/* What the footers pass does: items added to pages long written out (without reading them
 * back), some of them turned; and items turned that were written out already. */
START_TEST(items_added_and_turned_after_a_page_went_out)
{
    jd_pages *pages = make_pages();
    for (size_t p = 0; p < PAGES; p++) {
        jd_page *page = jd_pages_get(pages, p);
        ck_assert_uint_eq(jd_page_item_count(page), ITEMS_PER_ROUND);
        add_items(page, p, 1);
        ck_assert_uint_eq(jd_page_item_count(page), 2 * ITEMS_PER_ROUND);
    }
    for (size_t p = 0; p < PAGES; p++) {
        check_items(jd_pages_get(pages, p), p, 0, 0);
        check_items(jd_pages_get(pages, p), p, 1, ITEMS_PER_ROUND);
    }
    /* a page turned from its first item (written out long ago), then forgotten and read again */
    jd_page *page = jd_pages_get(pages, 3);
    const jd_item *run = jd_page_item(page, 0);
    double x = run->u.glyphs.x, y = run->u.glyphs.y;
    jd_page_turn_items(page, 0, 500, 10);
    for (size_t p = 10; p < PAGES; p++)
        check_items(jd_pages_get(pages, p), p, 1, ITEMS_PER_ROUND);
    run = jd_page_item(page, 0);
    ck_assert(run->u.glyphs.x == 500 - y && run->u.glyphs.y == 10 + x);
    ck_assert_int_eq(run->quarter_turns, 1);
    ck_assert_uint_eq(jd_page_item_count(page), 2 * ITEMS_PER_ROUND);
    const jd_item *rule = jd_page_item(page, ITEMS_PER_ROUND + 1);
    double v = 3 + 1 / 7.0 + 1.0 / 3.0;
    ck_assert(rule->u.rule.x1 == 500 - (v + 1) && rule->u.rule.y1 == 10 + v);
    ck_assert_ptr_null(jd_pages_storage_error(pages));
    jd_pages_free(pages);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pages");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, pages_read_back_as_they_were_made);
    tcase_add_test(tc, items_added_and_turned_after_a_page_went_out);
    suite_add_tcase(s, tc);
    return jt_main(s);
}
