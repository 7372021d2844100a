/* The block flow: pages, paragraphs, lists, images, tables; then, once the page count is
 * known, headers and footers (the second pass). */
#include <cairo.h> /* reads PNG sizes; never fonts */
#include <math.h>
#include <string.h>

#include "layout_private.h"

/* Page setup when a document has no PAGE node: A4 portrait, 25 mm margins. */
#define MM (72.0 / 25.4)
static const double default_page[6] = {595.28, 841.89, 25 * MM, 25 * MM, 25 * MM, 25 * MM};

typedef struct {
    jl_flow flow;
    const jd_node *setup;     /* PAGE node in force, or NULL */
    GPtrArray *page_setups;   /* per page: the PAGE node it was made with */
    GArray *bare;             /* per page (gboolean): no header or footer on it */
    GHashTable *ahead;        /* jd_node* -> measured: paragraphs shaped before their turn */
    jl_pool *body_pool;       /* shaping the body's paragraphs ahead on other threads, or NULL */
    GHashTable *body_jobs;    /* jd_node* -> its number in body_pool + 1 */
    bool page_has_content;
    double grid;              /* line pitch of the current page's grid, 0 for none */
} state;

/* ---- context ----------------------------------------------------------------------- */

const jl_descs *jl_font_desc(jl_ctx *ctx, const jd_style *style)
{
    return jl_shaper_font_desc(&ctx->shaper, style);
}

const jd_style *jl_mark_style(jl_ctx *ctx, const jd_style *cell_style)
{
    jd_style *s = g_hash_table_lookup(ctx->mark_styles, cell_style);
    if (!s) {
        s = g_new(jd_style, 1);
        *s = *cell_style;
        s->font_size = cell_style->font_size * 0.8;
        s->font_weight = 400;
        s->text_indent = (jd_length){0, JD_UNIT_PT};
        s->letter_spacing = 0;
        s->nowrap = true; /* （续） stays whole, set tighter or smaller in a narrow column */
        g_hash_table_insert(ctx->mark_styles, (gpointer)cell_style, s);
    }
    return s;
}

static void ctx_init(jl_ctx *ctx, jd_fonts *fonts, jd_pages *pages, const jd_layout_options *opts,
                     jd_diags *diags)
{
    int threads = opts ? opts->threads : 0;
    memset(ctx, 0, sizeof *ctx);
    ctx->cancel = opts ? opts->cancel : NULL;
    ctx->fonts = fonts;
    ctx->pages = pages;
    ctx->diags = diags;
    jl_shaper_init(&ctx->shaper, jd_fonts_fontmap(fonts), fonts, NULL, jl_font_keys_new(), diags);
    ctx->threads = threads > 0 ? threads : (int)MIN(g_get_num_processors(), 4);
    ctx->reported_chars = g_hash_table_new(g_direct_hash, g_direct_equal);
    ctx->reported_squeezes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    ctx->mark_styles = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    ctx->chart_styles = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    ctx->glyphs = g_array_new(FALSE, FALSE, sizeof(jd_glyph));
    ctx->order = g_array_new(FALSE, FALSE, sizeof(uint32_t));
}

static void ctx_clear(jl_ctx *ctx)
{
    jl_font_keys *keys = ctx->shaper.keys;
    jl_shaper_clear(&ctx->shaper);
    jl_font_keys_free(keys);
    g_hash_table_destroy(ctx->reported_chars);
    g_hash_table_destroy(ctx->reported_squeezes);
    g_hash_table_destroy(ctx->mark_styles);
    g_hash_table_destroy(ctx->chart_styles);
    g_array_free(ctx->glyphs, TRUE);
    g_array_free(ctx->order, TRUE);
}

/* ---- pages ------------------------------------------------------------------------- */

static double setup_value(const jd_node *setup, jd_attr a, int i)
{
    return setup ? jd_node_number(setup, a, default_page[i]) : default_page[i];
}

static void start_page(jl_flow *flow)
{
    state *st = flow->owner;
    /* a stop asked for ends the layout here: the loops placing blocks, rows and lines end
     * when they see `stopped` (the page is still made, so no caller finds none) */
    jl_ctx *ctx = flow->ctx;
    if (!ctx->stopped && jd_cancel_check(ctx->cancel, NULL, ctx->diags))
        ctx->stopped = ctx->failed = true;
    double w = setup_value(st->setup, JD_ATTR_PAGE_WIDTH, 0);
    double h = setup_value(st->setup, JD_ATTR_PAGE_HEIGHT, 1);
    double mt = setup_value(st->setup, JD_ATTR_MARGIN_TOP, 2);
    double mr = setup_value(st->setup, JD_ATTR_MARGIN_RIGHT, 3);
    double mb = setup_value(st->setup, JD_ATTR_MARGIN_BOTTOM, 4);
    double ml = setup_value(st->setup, JD_ATTR_MARGIN_LEFT, 5);
    flow->page = jd_pages_add_page(flow->ctx->pages, w, h);
    g_ptr_array_add(st->page_setups, (gpointer)st->setup);
    gboolean bare = FALSE;
    g_array_append_val(st->bare, bare);
    flow->x = ml;
    flow->width = MAX(10, w - ml - mr);
    flow->top = mt;
    flow->bottom = MAX(mt + 10, h - mb);
    flow->y = flow->top;
    st->grid = st->setup ? jd_node_number(st->setup, JD_ATTR_LINE_PITCH, 0) : 0;
    st->page_has_content = false;
}

/* The first line of the grid at or below `y` (a thousandth of a line above counts as on
 * it: rounding). */
static double grid_line_at(const state *st, double y)
{
    if (st->grid <= 0)
        return y;
    const jl_flow *f = &st->flow;
    return f->top + MAX(0, ceil((y - f->top) / st->grid - 1e-3)) * st->grid;
}

static void ensure_page(state *st)
{
    if (!st->flow.page)
        start_page(&st->flow);
}

void jl_flow_mark(jl_flow *flow, const jd_node *n, double y)
{
    const char *bm = jd_node_string(n, JD_ATTR_BOOKMARK);
    if (bm && *bm)
        jd_pages_add_outline(flow->ctx->pages, bm, (int)jd_node_int(n, JD_ATTR_BOOKMARK_LEVEL, 1),
                             jd_page_index(flow->page), y);
    const char *id = jd_node_string(n, JD_ATTR_ID);
    if (id && *id) {
        jd_dest d = {id, flow->x, y};
        jd_page_add_dest(flow->page, &d);
    }
}

/* ---- paragraphs -------------------------------------------------------------------- */

/* How a block's box of lines goes into the flow. */
typedef struct {
    double x, width;         /* the lines' column */
    const jd_node *marker_of; /* block whose bookmark and id go at its first line, or NULL */
    double space_before;      /* margin-top: dropped at the top of a page */
    bool keep_with_next;
    double next_height;       /* what must fit after it when keep_with_next */
    bool snap;                /* first line on the page's line grid */
    const jd_style *frame;    /* padding and borders around the lines (paragraphs), or NULL */
} placement;

/* The rules of a block's frame around the fragment [top, bottom] of it on `page`: the top
 * border with the first fragment, the bottom one with the last, the sides with each. They
 * lie on the frame's edges and take no room, like the borders of table cells. */
static void frame_rules(const placement *pl, jd_page *page, double top, double bottom, bool first, bool last)
{
    const jd_border *b = pl->frame->border;
    double x0 = pl->x - pl->frame->padding[JD_LEFT], x1 = pl->x + pl->width + pl->frame->padding[JD_RIGHT];
    const struct {
        bool on;
        int side;
        double x1, y1, x2, y2;
    } edges[] = {{first, JD_TOP, x0, top, x1, top},
                 {last, JD_BOTTOM, x0, bottom, x1, bottom},
                 {true, JD_LEFT, x0, top, x0, bottom},
                 {true, JD_RIGHT, x1, top, x1, bottom}};
    for (size_t i = 0; i < G_N_ELEMENTS(edges); i++) {
        const jd_border *e = &b[edges[i].side];
        if (!edges[i].on || e->width <= 0)
            continue;
        jd_rule r = {edges[i].x1, edges[i].y1, edges[i].x2, edges[i].y2, e->width, e->color};
        jd_page_add_rule(page, &r);
    }
}

/* Places the lines of a box, breaking pages between lines. A first line alone at the
 * bottom of a page (an orphan) moves to the next page with the rest. */
static void place_box(state *st, const jl_box *box, const placement *pl, jd_page **first_page, double *first_y)
{
    jl_flow *f = &st->flow;
    size_t n = box->lines->len;
    double pad_top = pl->frame ? pl->frame->padding[JD_TOP] : 0;
    double pad_bottom = pl->frame ? pl->frame->padding[JD_BOTTOM] : 0;
    bool snap = pl->snap && st->grid > 0;
    if (st->page_has_content)
        f->y += pl->space_before;
    double first_two = jl_box_range_height(box, 0, MIN(n, 2));
    double whole = pad_top + box->height + pad_bottom + (pl->keep_with_next ? pl->next_height : 0);
    double start = snap ? grid_line_at(st, f->y + pad_top) - pad_top : f->y;
    if (st->page_has_content && start + pad_top + MIN(whole, first_two > 0 ? first_two : whole) > f->bottom + 0.01)
        start_page(f);
    else if (st->page_has_content && pl->keep_with_next && start + whole > f->bottom + 0.01 &&
             whole <= f->bottom - f->top)
        start_page(f);
    if (snap)
        f->y = grid_line_at(st, f->y + pad_top) - pad_top;
    if (pl->marker_of)
        jl_flow_mark(&st->flow, pl->marker_of, f->y);
    size_t i = 0;
    bool first_fragment = true;
    while (i < n && !f->ctx->stopped) {
        double top = f->y;
        if (first_fragment)
            f->y += pad_top;
        size_t fit = jl_box_lines_fitting(box, i, f->bottom - f->y);
        /* the last fragment's bottom padding (and border) stays on the page too */
        if (fit > 0 && i + fit == n && f->y + jl_box_range_height(box, i, n) + pad_bottom > f->bottom + 0.01)
            fit--;
        if (fit == 0) {
            if (!st->page_has_content && top <= f->top + 0.01) {
                jd_diags_add(f->ctx->diags, JD_ERROR, NULL, 0, 0, "a line is taller than the page body");
                f->ctx->failed = true;
                return;
            }
            f->y = top;
            start_page(f);
            continue;
        }
        /* do not leave a single last line (a widow) at the top of the next page */
        if (i + fit == n - 1 && fit >= 2)
            fit--;
        if (i == 0 && first_page)
            *first_page = f->page, *first_y = f->y;
        jl_box_emit(f->ctx, box, i, i + fit, pl->x, f->y, pl->width, f->page);
        f->y += jl_box_range_height(box, i, i + fit);
        bool last_fragment = i + fit == n;
        if (last_fragment)
            f->y += pad_bottom;
        if (pl->frame)
            frame_rules(pl, f->page, top, f->y, first_fragment, last_fragment);
        st->page_has_content = true;
        first_fragment = false;
        i += fit;
        if (i < n)
            start_page(f);
    }
}

/* Room a block other than a paragraph needs after a block that keeps with it: its first
 * two lines, or a whole chart (which never splits). */
static double first_lines_height(jl_flow *f, const jd_node *next)
{
    if (!next)
        return 0;
    const jd_style *s = jd_node_style(next);
    if (jd_node_get_type(next) == JD_NODE_CHART)
        return s->margin_top + jl_chart_height(f->ctx, next, f->width, f->bottom - f->top);
    return s->margin_top + jl_style_line_height(s) * 2;
}

/* A paragraph shaped ahead of its turn, for the block before it that keeps with it. */
typedef struct {
    jl_box *box;
    placement pl;
} measured;

static void measured_free(measured *m)
{
    jl_box_free(m->box);
    g_free(m);
}

/* A paragraph or heading shaped and broken into lines inside its padding, on the grid
 * when the page has one and the paragraph snaps to it; `pl` says how to place it (but for
 * the room what follows needs). */
static jl_box *shape_paragraph(state *st, const jd_node *n, placement *pl)
{
    jl_flow *f = &st->flow;
    const jd_style *s = jd_node_style(n);
    bool framed = s->padding[JD_TOP] > 0 || s->padding[JD_RIGHT] > 0 || s->padding[JD_BOTTOM] > 0 ||
                  s->padding[JD_LEFT] > 0 || s->border[JD_TOP].width > 0 || s->border[JD_RIGHT].width > 0 ||
                  s->border[JD_BOTTOM].width > 0 || s->border[JD_LEFT].width > 0;
    bool keep = s->keep_with_next || jd_node_get_type(n) == JD_NODE_HEADING;
    *pl = (placement){f->x + s->padding[JD_LEFT], MAX(1, f->width - s->padding[JD_LEFT] - s->padding[JD_RIGHT]),
                      n, s->margin_top, keep, 0, s->snap_to_grid, framed ? s : NULL};
    guint job = GPOINTER_TO_UINT(g_hash_table_lookup(st->body_jobs, n));
    GPtrArray *shaped = job ? jl_pool_take(st->body_pool, job - 1) : NULL;
    jl_para *para;
    if (shaped) {
        para = g_ptr_array_steal_index(shaped, 0);
        g_ptr_array_unref(shaped);
        jl_para_adopt(f->ctx, para);
    } else {
        para = jl_para_shape(f->ctx, n, NULL, NULL);
    }
    jl_box *box = jl_box_of_para(para, pl->width);
    if (pl->snap && st->grid > 0)
        jl_box_snap(box, st->grid);
    return box;
}

/* Room that what follows a block keeping with it needs on the same page: the next block's
 * first two lines — all of it when it keeps with the one after it too, and so on (a
 * heading over a heading over text; a signature over its date over a note). Paragraphs
 * are shaped for it, and kept for their turn; other blocks count as two lines (a chart
 * whole). */
static double kept_height(state *st, const jd_node *next)
{
    double h = 0;
    for (const jd_node *c = next; c; c = jd_node_next(c)) {
        jd_node_type t = jd_node_get_type(c);
        const jd_style *s = jd_node_style(c);
        if (t != JD_NODE_PARAGRAPH && t != JD_NODE_HEADING)
            return h + first_lines_height(&st->flow, c);
        measured *m = g_hash_table_lookup(st->ahead, c);
        if (!m) {
            m = g_new(measured, 1);
            m->box = shape_paragraph(st, c, &m->pl);
            g_hash_table_insert(st->ahead, (gpointer)c, m);
        }
        double pad_top = m->pl.frame ? s->padding[JD_TOP] : 0, pad_bottom = m->pl.frame ? s->padding[JD_BOTTOM] : 0;
        size_t n = m->box->lines->len;
        if (!m->pl.keep_with_next)
            return h + s->margin_top + pad_top + jl_box_range_height(m->box, 0, MIN(n, 2));
        h += s->margin_top + pad_top + m->box->height + pad_bottom + s->margin_bottom;
    }
    return h;
}

/* A paragraph or heading ready to be placed: shaped (now, or earlier by kept_height). */
static jl_box *measure_paragraph(state *st, const jd_node *n, placement *pl)
{
    jl_box *box;
    measured *m = g_hash_table_lookup(st->ahead, n);
    if (m) {
        box = m->box;
        *pl = m->pl;
        m->box = NULL;
        g_hash_table_remove(st->ahead, n);
    } else {
        box = shape_paragraph(st, n, pl);
    }
    if (pl->keep_with_next)
        pl->next_height = kept_height(st, jd_node_next(n));
    return box;
}

static void place_paragraph(state *st, const jd_node *n)
{
    placement pl;
    jl_box *box = measure_paragraph(st, n, &pl);
    place_box(st, box, &pl, NULL, NULL);
    st->flow.y += jd_node_style(n)->margin_bottom;
    jl_box_free(box);
}

/* ---- the colophon ------------------------------------------------------------------ */

static void set_bare(state *st)
{
    g_array_index(st->bare, gboolean, jd_page_index(st->flow.page)) = TRUE;
}

static void no_new_page(jl_flow *flow)
{
    (void)flow; /* a scratch page is as tall as need be */
}

/* Height of a table at the flow's width: laid out on a scratch page as tall as need be,
 * which is thrown away. */
static double table_height(state *st, const jd_node *table)
{
    jl_ctx *ctx = st->flow.ctx;
    jd_pages *pages = ctx->pages;
    ctx->pages = jd_pages_new();
    jl_flow probe = st->flow;
    probe.page = jd_pages_add_page(ctx->pages, st->flow.x + st->flow.width, 1e7);
    probe.top = probe.y = 0;
    probe.bottom = 1e7;
    probe.new_page = no_new_page;
    jl_table_layout(&probe, table);
    jd_pages_free(ctx->pages);
    ctx->pages = pages;
    return probe.y;
}

static void place_table(state *st, const jd_node *n)
{
    jl_flow *f = &st->flow;
    const jd_style *s = jd_node_style(n);
    if (st->page_has_content)
        f->y += s->margin_top;
    jl_flow_mark(&st->flow, n, f->y);
    jl_table_layout(f, n);
    f->y += s->margin_bottom;
    st->page_has_content = true;
}

/* A block of a colophon, measured before it is placed. */
typedef struct {
    const jd_node *node;
    jl_box *box;  /* a paragraph's lines; NULL for a table */
    placement pl; /* a paragraph's */
    double height; /* with its padding, and its margin-top unless it is the first */
} colophon_part;

/* A colophon: its paragraphs and tables pinned to the foot of the body, on the page where
 * the flow is when they fit below what is there, else on a new page. With a parity, on a
 * page of that parity: a page with content is followed by one, and an empty page of the
 * wrong parity is left blank — then neither it nor the colophon's page has a header or
 * footer (GB/T 9704 §7.5: 版记页前有空白页的，空白页和版记页均不编排页码). What follows
 * starts a new page. */
static void place_colophon(state *st, const jd_node *n)
{
    jl_flow *f = &st->flow;
    GArray *parts = g_array_new(FALSE, TRUE, sizeof(colophon_part));
    double total = 0;
    for (const jd_node *c = jd_node_first_child(n); c; c = jd_node_next(c)) {
        jd_node_type t = jd_node_get_type(c);
        colophon_part part = {.node = c};
        bool first = parts->len == 0;
        if (t == JD_NODE_PARAGRAPH || t == JD_NODE_HEADING) {
            part.box = measure_paragraph(st, c, &part.pl);
            part.pl.keep_with_next = false; /* the colophon is placed whole */
            if (first)
                part.pl.space_before = 0;
            const jd_style *frame = part.pl.frame;
            part.height = part.pl.space_before + part.box->height +
                          (frame ? frame->padding[JD_TOP] + frame->padding[JD_BOTTOM] : 0);
        } else if (t == JD_NODE_TABLE) {
            part.height = (first ? 0 : jd_node_style(c)->margin_top) + table_height(st, c);
        } else {
            jd_diags_add(f->ctx->diags, JD_ERROR, jd_node_source_file(c), jd_node_source_line(c), 0,
                         "a %s cannot be placed inside a colophon (only paragraphs, headings and tables)",
                         jd_node_type_name(t));
            f->ctx->failed = true;
            continue;
        }
        total += part.height;
        g_array_append_val(parts, part);
    }
    if (total > f->bottom - f->top + 0.01) {
        jd_diags_add(f->ctx->diags, JD_ERROR, jd_node_source_file(n), jd_node_source_line(n), 0,
                     "the colophon (%.1f pt) is taller than the page body (%.1f pt)", total, f->bottom - f->top);
        f->ctx->failed = true;
    } else if (parts->len > 0 && !f->ctx->failed) {
        if (st->page_has_content && f->y > f->bottom - total + 0.01)
            start_page(f);
        const char *parity = jd_node_string(n, JD_ATTR_PARITY);
        bool even = jd_page_index(f->page) % 2 == 1; /* page 1 is odd */
        if (parity && even != (strcmp(parity, "even") == 0)) {
            bool blank = !st->page_has_content;
            if (blank)
                set_bare(st);
            start_page(f);
            if (blank)
                set_bare(st);
        }
        f->y = f->bottom - total;
        for (guint i = 0; i < parts->len; i++) {
            colophon_part *part = &g_array_index(parts, colophon_part, i);
            st->page_has_content = i > 0; /* no margin before the first */
            if (part->box) {
                part->pl.snap = false; /* whole lines already; aligned to the foot, not to the top */
                place_box(st, part->box, &part->pl, NULL, NULL);
            } else {
                /* it fits: the table's own test for room (two lines of its first row) must
                 * not move it to a new page */
                double top = f->top;
                f->top = f->y;
                place_table(st, part->node);
                f->top = top;
                f->y -= jd_node_style(part->node)->margin_bottom;
            }
        }
        st->page_has_content = true;
        f->y = f->bottom;
    }
    for (guint i = 0; i < parts->len; i++)
        jl_box_free(g_array_index(parts, colophon_part, i).box);
    g_array_free(parts, TRUE);
}

/* ---- lists ------------------------------------------------------------------------- */

static const char *const cn_digits[] = {"〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"};

static char *cn_number(int n)
{
    GString *s = g_string_new(NULL);
    if (n >= 100)
        g_string_append(s, cn_digits[(n / 100) % 10]), g_string_append(s, "百"), n %= 100;
    if (n >= 10) {
        if (n / 10 > 1 || s->len)
            g_string_append(s, cn_digits[n / 10]);
        g_string_append(s, "十");
        n %= 10;
        if (n)
            g_string_append(s, cn_digits[n]);
    } else if (n || !s->len) {
        if (s->len)
            g_string_append(s, "零");
        g_string_append(s, cn_digits[n]);
    }
    return g_string_free(s, FALSE);
}

static char *marker_text(const char *kind, int index)
{
    if (!kind || strcmp(kind, "disc") == 0)
        return g_strdup("•");
    if (strcmp(kind, "decimal") == 0)
        return g_strdup_printf("%d.", index);
    if (strcmp(kind, "paren") == 0)
        return g_strdup_printf("（%d）", index);
    if (strcmp(kind, "cn") == 0) {
        char *n = cn_number(index), *s = g_strdup_printf("%s、", n);
        g_free(n);
        return s;
    }
    return g_strdup("");
}

static void place_list(state *st, const jd_node *list)
{
    jl_flow *f = &st->flow;
    const char *kind = jd_node_string(list, JD_ATTR_MARKER);
    int index = 0;
    double indent = jd_node_style(list)->font_size * 2;
    if (kind && strcmp(kind, "cn") == 0)
        indent = jd_node_style(list)->font_size * 3;
    for (const jd_node *item = jd_node_first_child(list); item && !f->ctx->stopped; item = jd_node_next(item)) {
        index++;
        jl_box *box = jl_box_measure(f->ctx, item, f->width - indent, NULL, NULL);
        char *m = marker_text(kind, index);
        jl_box *mark = *m ? jl_box_of_text(f->ctx, m, jd_node_style(item), indent) : NULL;
        g_free(m);
        const jd_style *s = jd_node_style(item);
        jd_page *page = NULL;
        double y = 0;
        if (st->grid > 0 && s->snap_to_grid)
            jl_box_snap(box, st->grid);
        placement pl = {f->x + indent, f->width - indent, item, s->margin_top, false, 0, s->snap_to_grid, NULL};
        place_box(st, box, &pl, &page, &y);
        if (mark && page) {
            /* the marker shares the baseline of the item's first line */
            const jl_box_line *first = &g_array_index(box->lines, jl_box_line, 0);
            const jl_box_line *mfirst = &g_array_index(mark->lines, jl_box_line, 0);
            jl_line_emit(f->ctx, mfirst->para, &mfirst->line, f->x,
                         y + first->line.ascent - mfirst->line.ascent, indent, page);
        }
        f->y += s->margin_bottom;
        jl_box_free(mark);
        jl_box_free(box);
    }
}

/* ---- images ------------------------------------------------------------------------ */

static double resolve_len(jd_length l, double of, double dflt)
{
    if (l.unit == JD_UNIT_PT)
        return l.value;
    if (l.unit == JD_UNIT_PERCENT)
        return of * l.value / 100.0;
    return dflt;
}

static void place_image(state *st, const jd_node *n)
{
    jl_flow *f = &st->flow;
    const char *src = jd_node_string(n, JD_ATTR_SRC);
    cairo_surface_t *img = src ? cairo_image_surface_create_from_png(src) : NULL;
    if (!img || cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
        jd_diags_add(f->ctx->diags, JD_ERROR, jd_node_source_file(n), jd_node_source_line(n), 0,
                     "cannot read image %s: %s", src ? src : "(no src)",
                     img ? cairo_status_to_string(cairo_surface_status(img)) : "no file");
        f->ctx->failed = true;
        if (img)
            cairo_surface_destroy(img);
        return;
    }
    /* natural size at 96 dpi, as browsers show images */
    double nw = cairo_image_surface_get_width(img) * 0.75, nh = cairo_image_surface_get_height(img) * 0.75;
    cairo_surface_destroy(img);
    jd_length lw = jd_node_length(n, JD_ATTR_WIDTH), lh = jd_node_length(n, JD_ATTR_HEIGHT);
    double w = resolve_len(lw, f->width, -1), h = resolve_len(lh, f->bottom - f->top, -1);
    if (w < 0 && h < 0)
        w = MIN(nw, f->width), h = nh * w / nw;
    else if (w < 0)
        w = nw * h / nh;
    else if (h < 0)
        h = nh * w / nw;
    const jd_style *s = jd_node_style(n);
    if (st->page_has_content)
        f->y += s->margin_top;
    if (f->y + h > f->bottom && st->page_has_content)
        start_page(f);
    double x = f->x;
    if (s->text_align == JD_ALIGN_CENTER)
        x += (f->width - w) / 2;
    else if (s->text_align == JD_ALIGN_RIGHT)
        x += f->width - w;
    jl_flow_mark(&st->flow, n, f->y);
    jd_image im = {x, f->y, w, h, src};
    jd_page_add_image(f->page, &im);
    f->y += h + s->margin_bottom;
    st->page_has_content = true;
}

/* ---- the flow ---------------------------------------------------------------------- */

/* The paragraphs and headings of the body go to the pool in document order, the order the
 * flow takes them (a paragraph kept with the one before it is taken a little early, which
 * the pool allows). */
static void start_body_pool(state *st, const jd_node *parent)
{
    GPtrArray *blocks = g_ptr_array_new();
    for (const jd_node *n = jd_node_first_child(parent); n; n = jd_node_next(n)) {
        jd_node_type t = jd_node_get_type(n);
        if (t == JD_NODE_PARAGRAPH || t == JD_NODE_HEADING)
            g_ptr_array_add(blocks, (gpointer)n);
    }
    st->body_pool = jl_pool_start(st->flow.ctx, (const jd_node *const *)blocks->pdata, blocks->len);
    for (guint i = 0; st->body_pool && i < blocks->len; i++)
        g_hash_table_insert(st->body_jobs, blocks->pdata[i], GUINT_TO_POINTER(i + 1));
    g_ptr_array_free(blocks, TRUE);
}

static void place_blocks(state *st, const jd_node *parent)
{
    jl_flow *f = &st->flow;
    for (const jd_node *n = jd_node_first_child(parent); n && !f->ctx->stopped; n = jd_node_next(n)) {
        jd_node_type t = jd_node_get_type(n);
        if (t == JD_NODE_PAGE) {
            st->setup = n;
            if (st->page_has_content || f->page)
                start_page(f);
            continue;
        }
        ensure_page(st);
        switch (t) {
        case JD_NODE_PARAGRAPH:
        case JD_NODE_HEADING:
            place_paragraph(st, n);
            break;
        case JD_NODE_TABLE:
            place_table(st, n);
            break;
        case JD_NODE_LIST:
            place_list(st, n);
            break;
        case JD_NODE_IMAGE:
            place_image(st, n);
            break;
        case JD_NODE_CHART: {
            const jd_style *s = jd_node_style(n);
            if (st->page_has_content)
                f->y += s->margin_top;
            jl_chart_layout(f, n, st->page_has_content);
            f->y += s->margin_bottom;
            st->page_has_content = true;
            break;
        }
        case JD_NODE_PAGE_BREAK:
            start_page(f);
            break;
        case JD_NODE_SPACER:
            f->y += resolve_len(jd_node_length(n, JD_ATTR_HEIGHT), f->bottom - f->top, 0);
            if (f->y > f->bottom)
                start_page(f);
            break;
        case JD_NODE_COLOPHON:
            place_colophon(st, n);
            break;
        default:
            break;
        }
    }
}

/* Headers and footers, once the page count is known. Their padding insets them from the
 * body's sides (a page number "one character in"). A footer sits `footer-distance` above
 * the page's bottom edge, or with `footer-below-body` the middle of its first line — where
 * a centred dash "—" lies — that far below the body (GB/T 9704 §7.5: the 一字线 7 mm below
 * the type area).
 *
 * A turned page is printed on a sheet of the other orientation turned a quarter, the
 * page's top along the sheet's left edge (GB/T 9704 §8: a landscape table's top faces the
 * binding edge of an odd page and the cut edge of an even one): its header and footer are
 * placed on that sheet as on any other — the sheet's left, right, top and bottom margins
 * are the page's top, bottom, right and left ones — and turned with it, so page numbers
 * stay where the other pages have them. */
static void place_margins(state *st)
{
    jl_ctx *ctx = st->flow.ctx;
    size_t count = jd_pages_count(ctx->pages);
    char total[32];
    g_snprintf(total, sizeof total, "%zu", count);
    for (size_t p = 0; p < count && !ctx->stopped; p++) {
        const jd_node *setup = g_ptr_array_index(st->page_setups, p);
        if (!setup || g_array_index(st->bare, gboolean, p))
            continue;
        jd_page *page = jd_pages_get(ctx->pages, p);
        bool turned = jd_node_int(setup, JD_ATTR_TURNED, 0) != 0;
        double w = jd_page_width(page), h = jd_page_height(page);
        double ml = setup_value(setup, JD_ATTR_MARGIN_LEFT, 5), mr = setup_value(setup, JD_ATTR_MARGIN_RIGHT, 3);
        double mb = setup_value(setup, JD_ATTR_MARGIN_BOTTOM, 4);
        if (turned) {
            double mt = setup_value(setup, JD_ATTR_MARGIN_TOP, 2), page_w = w;
            w = h, h = page_w;
            mb = ml, ml = mt, mr = setup_value(setup, JD_ATTR_MARGIN_BOTTOM, 4);
        }
        size_t first_item = jd_page_item_count(page);
        char number[32];
        g_snprintf(number, sizeof number, "%zu", p + 1);
        for (const jd_node *c = jd_node_first_child(setup); c; c = jd_node_next(c)) {
            jd_node_type t = jd_node_get_type(c);
            if (t != JD_NODE_HEADER && t != JD_NODE_FOOTER)
                continue;
            const jd_style *s = jd_node_style(c);
            double x = ml + s->padding[JD_LEFT];
            double width = MAX(1, w - ml - mr - s->padding[JD_LEFT] - s->padding[JD_RIGHT]);
            jl_box *box = jl_box_measure(ctx, c, width, number, total);
            double y;
            if (t == JD_NODE_HEADER)
                y = jd_node_number(setup, JD_ATTR_HEADER_DISTANCE, 10 * MM);
            else if (jd_node_number(setup, JD_ATTR_FOOTER_BELOW_BODY, -1) >= 0 && box->lines->len > 0)
                y = h - mb + jd_node_number(setup, JD_ATTR_FOOTER_BELOW_BODY, 0) -
                    g_array_index(box->lines, jl_box_line, 0).line.height / 2;
            else
                y = h - jd_node_number(setup, JD_ATTR_FOOTER_DISTANCE, 10 * MM) - box->height;
            jl_box_emit(ctx, box, 0, box->lines->len, x, y, width, page);
            jl_box_free(box);
        }
        if (turned) /* the sheet's (x, y) is the page's (page width − y, x) */
            jd_page_turn_items(page, first_item, h, 0);
    }
}

static void set_metadata(jd_pages *pages, const jd_node *root)
{
    static const struct {
        jd_attr attr;
        jd_meta meta;
    } map[] = {{JD_ATTR_TITLE, JD_META_TITLE},       {JD_ATTR_AUTHOR, JD_META_AUTHOR},
               {JD_ATTR_SUBJECT, JD_META_SUBJECT},   {JD_ATTR_KEYWORDS, JD_META_KEYWORDS},
               {JD_ATTR_CREATOR, JD_META_CREATOR},   {JD_ATTR_DATE, JD_META_DATE}};
    for (size_t i = 0; i < G_N_ELEMENTS(map); i++) {
        const char *v = jd_node_string(root, map[i].attr);
        if (v && *v)
            jd_pages_set_meta(pages, map[i].meta, v);
    }
    for (const jd_node *c = jd_node_first_child(root); c; c = jd_node_next(c))
        if (jd_node_get_type(c) == JD_NODE_PAGE && jd_node_string(c, JD_ATTR_PAGE_LABEL)) {
            jd_pages_set_page_label(pages, jd_node_string(c, JD_ATTR_PAGE_LABEL));
            break;
        }
}

jd_pages *jd_layout(const jd_doc *doc, jd_fonts *fonts, jd_diags *diags)
{
    return jd_layout_with(doc, fonts, NULL, diags);
}

jd_pages *jd_layout_with(const jd_doc *doc, jd_fonts *fonts, const jd_layout_options *opts, jd_diags *diags)
{
    jd_pages *pages = jd_pages_new();
    jl_ctx ctx;
    ctx_init(&ctx, fonts, pages, opts, diags);
    state st = {0};
    st.flow.ctx = &ctx;
    st.flow.new_page = start_page;
    st.flow.owner = &st;
    st.page_setups = g_ptr_array_new();
    st.bare = g_array_new(FALSE, FALSE, sizeof(gboolean));
    st.ahead = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, (GDestroyNotify)measured_free);
    st.body_jobs = g_hash_table_new(g_direct_hash, g_direct_equal);
    const jd_node *root = jd_doc_root(doc);
    set_metadata(pages, root);
    start_body_pool(&st, root);
    place_blocks(&st, root);
    jl_pool_free(st.body_pool);
    g_hash_table_destroy(st.body_jobs);
    ensure_page(&st); /* an empty document is one empty page */
    place_margins(&st);
    g_ptr_array_free(st.page_setups, TRUE);
    g_array_free(st.bare, TRUE);
    g_hash_table_destroy(st.ahead);
    bool failed = ctx.failed;
    if (opts && opts->cells_peak)
        *opts->cells_peak = ctx.cells_peak;
    ctx_clear(&ctx);
    if (failed) {
        jd_pages_free(pages);
        return NULL;
    }
    return pages;
}
