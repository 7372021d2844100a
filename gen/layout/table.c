/* Tables: column widths, a grid of cells with row and column spans, and pagination.
 *
 * Pagination walks the body rows once. A row that does not fit what is left of the page
 * is split between two lines of its cells' text and continues under the repeated header
 * rows; a cell that spans rows and is cut by a page break continues on the next page, and
 * one that was already shown in full is repeated there marked （续） so the reader of that
 * page still sees the task it belongs to. A row group's cells are made, and shaped, when
 * the walk reaches it, and freed when the group is done, so a table's memory is that of
 * its rows, not of its cells and their lines (automatic column widths shape each distinct
 * content of those columns once beforehand, and keep nothing of it). */
#include <math.h>
#include <string.h>

#include "layout_private.h"

#define MARK_TEXT "（续）"
enum { MAX_COLUMNS = 512 };
#define CHANGE_BAR_WIDTH 2.5
#define CHANGE_BAR_GAP 3.0
#define CHANGE_BAR_COLOR 0x1f4e9a

typedef struct tcell {
    const jd_node *node;
    const jd_style *style;
    int row, col, rowspan, colspan; /* rowspan/colspan clamped to the table */
    bool repeat;                    /* repeated, marked, on the pages a break carries it to */
    bool change_bar;                /* its row changed since an earlier version */
    jl_box *box;                    /* lines, once measured */
    jl_box *mark;                   /* the （续） mark at the cell's width */
    double content_width;
    /* pagination state */
    size_t next_line;   /* first line the next fragment shows */
    bool with_mark;     /* the current fragment ends with the mark */
    double frag_top;    /* top of the cell's fragment on the current page */
    size_t job;         /* 1 + its index in the shaping pool, or 0 */
} tcell;

/* Rows know their row group; their cells exist only while the walk is in the group (a
 * table of 100,000 rows held 800,000 cells with their boxes). */
typedef struct {
    const jd_node *node;
    GPtrArray *starting; /* tcell* starting in this row, left to right, while its group is
                            built; NULL otherwise */
    int group_end;       /* last row of the row group this row belongs to */
    bool placed;
} trow;

typedef struct {
    double x1, y1, x2, y2, width;
    uint32_t color;
} edge;

typedef struct {
    jl_flow *flow;
    jl_ctx *ctx;
    int ncols, nrows, header_rows;
    double *col_x; /* ncols + 1 boundaries, relative to the table's left edge */
    double x;      /* table's left edge on the page */
    trow *rows;
    GPtrArray *columns; /* the COLUMN nodes */
    GHashTable *kept;   /* cell node -> jl_box measured for the column widths and kept (cells
                           whose content is not only paragraphs: measuring those twice would
                           report their errors twice) */
    double *header_heights;
    double header_height;
    GArray *edges;    /* borders of the current page, drawn when the page is left */
    double bar_top, bar_bottom; /* the last change bar drawn, not to draw it twice */
    size_t bar_page;
    jl_pool *pool;    /* shaping the body's cells ahead of the walk, or NULL */
    size_t jobs;      /* body cells handed to the pool so far, in walk order */
    int occupied[MAX_COLUMNS]; /* while building a group: row each column is taken up to */
} table;

/* ---- building the grid ------------------------------------------------------------- */

static int int_attr(const jd_node *n, jd_attr a, int dflt, int lo, int hi)
{
    int64_t v = jd_node_int(n, a, dflt);
    return (int)CLAMP(v, lo, hi);
}

static void find_rows(table *t, const jd_node *tn)
{
    t->columns = g_ptr_array_new();
    GPtrArray *row_nodes = g_ptr_array_new();
    for (const jd_node *c = jd_node_first_child(tn); c; c = jd_node_next(c)) {
        if (jd_node_get_type(c) == JD_NODE_COLUMN)
            g_ptr_array_add(t->columns, (gpointer)c);
        else if (jd_node_get_type(c) == JD_NODE_ROW)
            g_ptr_array_add(row_nodes, (gpointer)c);
    }
    t->nrows = (int)row_nodes->len;
    t->rows = g_new0(trow, t->nrows ? t->nrows : 1);
    for (int r = 0; r < t->nrows; r++)
        t->rows[r].node = g_ptr_array_index(row_nodes, r);
    t->header_rows = int_attr(tn, JD_ATTR_HEADER_ROWS, 0, 0, t->nrows);
    t->ncols = (int)t->columns->len;
    g_ptr_array_free(row_nodes, TRUE);
}

/* Makes the cells of the row group that starts at row r0 — rows tied together by row
 * spans — placed as HTML places them (each cell takes the first free column of its row;
 * a table has at most MAX_COLUMNS columns), and returns the group's last row. No span
 * crosses a group, so each group starts on a free grid. */
static int build_group(table *t, int r0)
{
    memset(t->occupied, 0, sizeof t->occupied);
    int section_end = r0 < t->header_rows ? t->header_rows : t->nrows;
    int end = r0;
    for (int r = r0; r <= end; r++) {
        trow *row = &t->rows[r];
        row->starting = g_ptr_array_new();
        int col = 0;
        for (const jd_node *c = jd_node_first_child(row->node); c; c = jd_node_next(c)) {
            if (jd_node_get_type(c) != JD_NODE_CELL)
                continue;
            while (col < MAX_COLUMNS && t->occupied[col] > r)
                col++;
            col = MIN(col, MAX_COLUMNS - 1);
            tcell *cell = g_new0(tcell, 1);
            cell->node = c;
            cell->style = jd_node_style(c);
            cell->row = r;
            cell->col = col;
            cell->rowspan = int_attr(c, JD_ATTR_ROWSPAN, 1, 1, section_end - r);
            cell->colspan = int_attr(c, JD_ATTR_COLSPAN, 1, 1, MAX_COLUMNS - 1 - col);
            const jd_node *column = (guint)col < t->columns->len ? g_ptr_array_index(t->columns, col) : NULL;
            cell->change_bar = jd_node_int(row->node, JD_ATTR_CHANGE_BAR, 0) != 0;
            cell->repeat = cell->rowspan > 1 || jd_node_int(c, JD_ATTR_REPEAT_ON_BREAK, 0) ||
                           (column && jd_node_int(column, JD_ATTR_REPEAT_ON_BREAK, 0));
            for (int cc = col; cc < col + cell->colspan; cc++)
                t->occupied[cc] = MAX(t->occupied[cc], r + cell->rowspan);
            col += cell->colspan;
            t->ncols = MAX(t->ncols, col);
            end = MAX(end, r + cell->rowspan - 1);
            g_ptr_array_add(row->starting, cell);
            t->ctx->cells_live++;
        }
    }
    t->ctx->cells_peak = MAX(t->ctx->cells_peak, t->ctx->cells_live);
    for (int r = r0; r <= end; r++)
        t->rows[r].group_end = end;
    return end;
}

static void free_group(table *t, int r0, int r1)
{
    for (int r = r0; r <= r1; r++) {
        GPtrArray *starting = t->rows[r].starting;
        for (guint i = 0; starting && i < starting->len; i++) {
            tcell *c = g_ptr_array_index(starting, i);
            jl_box_free(c->box);
            jl_box_free(c->mark);
            g_free(c);
            t->ctx->cells_live--;
        }
        if (starting)
            g_ptr_array_free(starting, TRUE);
        t->rows[r].starting = NULL;
    }
}

/* ---- column widths ----------------------------------------------------------------- */

static double pad_h(const tcell *c)
{
    return c->style->padding[JD_LEFT] + c->style->padding[JD_RIGHT];
}

static double pad_v(const tcell *c)
{
    return c->style->padding[JD_TOP] + c->style->padding[JD_BOTTOM];
}

/* A cell whose content is paragraphs only, as bytes that tell it from any other such
 * content (types, interned styles and texts, depth-first): equal keys, equal widths. NULL
 * for anything else. */
static GString *content_key(const jd_node *cell)
{
    for (const jd_node *b = jd_node_first_child(cell); b; b = jd_node_next(b))
        if (jd_node_get_type(b) != JD_NODE_PARAGRAPH && jd_node_get_type(b) != JD_NODE_HEADING)
            return NULL;
    GString *key = g_string_new(NULL);
    GPtrArray *stack = g_ptr_array_new();
    g_ptr_array_add(stack, (gpointer)cell);
    while (stack->len) {
        const jd_node *n = g_ptr_array_steal_index(stack, stack->len - 1);
        if (!n) {
            g_string_append_c(key, ')');
            continue;
        }
        const jd_style *style = jd_node_style(n);
        size_t len;
        const char *text = jd_node_text(n, &len);
        guint32 len32 = (guint32)len;
        g_string_append_c(key, (char)jd_node_get_type(n));
        g_string_append_len(key, (const char *)&style, sizeof style);
        g_string_append_len(key, (const char *)&len32, sizeof len32);
        g_string_append_len(key, text, (gssize)len);
        if (jd_node_get_type(n) == JD_NODE_FIELD)
            g_string_append_c(key, (char)jd_node_int(n, JD_ATTR_FIELD, 0));
        g_string_append_c(key, '(');
        /* children pushed last first, then the closing mark under them */
        g_ptr_array_add(stack, NULL);
        size_t mark = stack->len;
        for (const jd_node *c = jd_node_first_child(n); c; c = jd_node_next(c))
            g_ptr_array_add(stack, (gpointer)c);
        for (size_t a = mark, b = stack->len - 1; a < b; a++, b--) {
            gpointer tmp = stack->pdata[a];
            stack->pdata[a] = stack->pdata[b];
            stack->pdata[b] = tmp;
        }
    }
    g_ptr_array_free(stack, TRUE);
    return key;
}

typedef struct {
    double min, max;
} widths;

static void free_key(gpointer key)
{
    g_string_free(key, TRUE);
}

/* Content widths of the single-column cells of the columns `measure` names (automatic
 * ones, and shares with min-width="auto"): a column fits its longest unbreakable name.
 * Each distinct content is shaped once (a unit's name recurs on every row of its tasks)
 * and its box thrown away: the walk shapes the cell again when it reaches it, so the
 * boxes of a long table's names are not all held at once. */
static void auto_widths(table *t, const bool *measure, double avail, double *amin, double *amax)
{
    GHashTable *seen = g_hash_table_new_full((GHashFunc)g_string_hash, (GEqualFunc)g_string_equal,
                                             free_key, g_free);
    for (int r = 0; r < t->nrows;) {
        int end = build_group(t, r);
        for (int k = r; k <= end; k++)
            for (guint i = 0; i < t->rows[k].starting->len; i++) {
                tcell *c = g_ptr_array_index(t->rows[k].starting, i);
                if (c->colspan != 1 || c->col >= t->ncols || !measure[c->col])
                    continue;
                GString *key = content_key(c->node);
                widths *w = key ? g_hash_table_lookup(seen, key) : NULL;
                if (!w) {
                    jl_box *box = jl_box_measure(t->ctx, c->node, avail, NULL, NULL);
                    w = g_new(widths, 1);
                    jl_box_widths(box, &w->min, &w->max);
                    if (key) {
                        g_hash_table_insert(seen, key, w);
                        key = NULL;
                        jl_box_free(box);
                    } else {
                        g_hash_table_insert(t->kept, (gpointer)c->node, box);
                        g_free(w);
                        double mn, mx;
                        jl_box_widths(box, &mn, &mx);
                        amin[c->col] = MAX(amin[c->col], mn + pad_h(c) + 0.5);
                        amax[c->col] = MAX(amax[c->col], mx + pad_h(c) + 0.5);
                        continue;
                    }
                }
                if (key)
                    g_string_free(key, TRUE);
                amin[c->col] = MAX(amin[c->col], w->min + pad_h(c) + 0.5);
                amax[c->col] = MAX(amax[c->col], w->max + pad_h(c) + 0.5);
            }
        free_group(t, r, end);
        r = end + 1;
    }
    g_hash_table_destroy(seen);
}

/* A share (fr) column with a min-width is widened to it — to its longest unbreakable text
 * for "auto" ("37.5亿元，" whole rather than cut after 亿) — and the room comes from the
 * other shares in proportion to what each has above its own minimum. When they have not
 * enough, the table comes out wider than the page and is narrowed as a whole (with the
 * warning that says so). */
static void shares_at_least(table *t, const jd_length *spec, const double *lowest, double *w)
{
    double deficit = 0, slack = 0;
    for (int j = 0; j < t->ncols; j++)
        if (spec[j].unit == JD_UNIT_FR)
            deficit += MAX(0, lowest[j] - w[j]), slack += MAX(0, w[j] - lowest[j]);
    if (deficit <= 0)
        return;
    double take = slack > 0 ? MIN(1, deficit / slack) : 0;
    for (int j = 0; j < t->ncols; j++)
        if (spec[j].unit == JD_UNIT_FR)
            w[j] = w[j] < lowest[j] ? lowest[j] : w[j] - (w[j] - lowest[j]) * take;
}

/* A length in pt or % of `avail`, else 0 (fr and auto are shares, not widths). */
static double width_of(jd_length l, double avail)
{
    return l.unit == JD_UNIT_PT ? l.value : l.unit == JD_UNIT_PERCENT ? avail * l.value / 100.0 : 0;
}

static void column_widths(table *t, const jd_node *tn)
{
    double avail = t->flow->width;
    jd_length *spec = g_new0(jd_length, t->ncols);
    for (int j = 0; j < t->ncols; j++) {
        spec[j] = (guint)j < t->columns->len ? jd_node_length(g_ptr_array_index(t->columns, j), JD_ATTR_WIDTH)
                                             : (jd_length){1, JD_UNIT_FR};
        if (spec[j].unit == JD_UNIT_NONE)
            spec[j] = (jd_length){1, JD_UNIT_FR};
    }
    double *w = g_new0(double, t->ncols), *amin = g_new0(double, t->ncols), *amax = g_new0(double, t->ncols);
    double fixed = 0, fr_total = 0, auto_min = 0, auto_max = 0;
    bool any_auto = false, *measure = g_new0(bool, t->ncols);
    jd_length *least = g_new0(jd_length, t->ncols); /* min-width of the shares */
    for (int j = 0; j < t->ncols; j++) {
        if (spec[j].unit == JD_UNIT_FR && (guint)j < t->columns->len)
            least[j] = jd_node_length(g_ptr_array_index(t->columns, j), JD_ATTR_MIN_WIDTH);
        measure[j] = spec[j].unit == JD_UNIT_AUTO || least[j].unit == JD_UNIT_AUTO;
        any_auto = any_auto || measure[j];
        if (spec[j].unit == JD_UNIT_PT || spec[j].unit == JD_UNIT_PERCENT)
            w[j] = width_of(spec[j], avail), fixed += w[j];
        else if (spec[j].unit == JD_UNIT_FR)
            fr_total += spec[j].value;
    }
    if (any_auto) {
        auto_widths(t, measure, avail, amin, amax);
        for (int j = 0; j < t->ncols; j++)
            if (spec[j].unit == JD_UNIT_AUTO)
                auto_min += amin[j], auto_max += amax[j];
    }
    double left = avail - fixed;
    if (left >= auto_max) {
        for (int j = 0; j < t->ncols; j++)
            if (spec[j].unit == JD_UNIT_AUTO)
                w[j] = amax[j];
        left -= auto_max;
    } else {
        /* not enough room for every auto column's longest line: give each its minimum and
         * share the rest in proportion to what it would still like */
        double extra = MAX(0, left - auto_min), want = auto_max - auto_min;
        for (int j = 0; j < t->ncols; j++)
            if (spec[j].unit == JD_UNIT_AUTO)
                w[j] = amin[j] + (want > 0 ? extra * (amax[j] - amin[j]) / want : 0);
        left = 0;
    }
    for (int j = 0; j < t->ncols; j++)
        if (spec[j].unit == JD_UNIT_FR)
            w[j] = fr_total > 0 ? MAX(0, left) * spec[j].value / fr_total : 0;
    /* the narrowest each share may be: its longest unbreakable text (amin, measured), or a
     * length; amin is not needed for anything else from here on */
    double *lowest = amin;
    for (int j = 0; j < t->ncols; j++)
        if (least[j].unit != JD_UNIT_AUTO)
            lowest[j] = width_of(least[j], avail);
    shares_at_least(t, spec, lowest, w);
    double total = 0;
    for (int j = 0; j < t->ncols; j++)
        total += w[j];
    if (total > avail + 0.5) {
        jd_diags_add(t->ctx->diags, JD_WARNING, jd_node_source_file(tn), jd_node_source_line(tn), 0,
                     "the table's columns are %.1fpt wide but the page leaves %.1fpt; columns are "
                     "narrowed in proportion",
                     total, avail);
        for (int j = 0; j < t->ncols; j++)
            w[j] *= avail / total;
    }
    t->col_x = g_new0(double, t->ncols + 1);
    for (int j = 0; j < t->ncols; j++)
        t->col_x[j + 1] = t->col_x[j] + w[j];
    g_free(w);
    g_free(amin);
    g_free(amax);
    g_free(spec);
    g_free(measure);
    g_free(least);
}

/* ---- measuring --------------------------------------------------------------------- */

static void measure_cell(table *t, tcell *c)
{
    c->content_width = MAX(1, t->col_x[c->col + c->colspan] - t->col_x[c->col] - pad_h(c));
    if (!c->box && g_hash_table_steal_extended(t->kept, c->node, NULL, (gpointer *)&c->box)) {
        jl_box_rebreak(c->box, c->content_width);
        jl_box_warn_squeezed(t->ctx, c->node, c->box, c->content_width);
        return;
    }
    GPtrArray *paras = c->job ? jl_pool_take(t->pool, c->job - 1) : NULL;
    c->box = paras ? jl_box_from_shaped(t->ctx, c->node, paras, c->content_width)
                   : jl_box_measure(t->ctx, c->node, c->content_width, NULL, NULL);
}

/* Hands the body's cells that still need shaping to the pool, in the order the walk will
 * measure them (the cells of each row, row after row). */
static void start_pool(table *t)
{
    GPtrArray *containers = g_ptr_array_new();
    for (int r = t->header_rows; r < t->nrows; r++)
        for (const jd_node *c = jd_node_first_child(t->rows[r].node); c; c = jd_node_next(c))
            if (jd_node_get_type(c) == JD_NODE_CELL && !g_hash_table_contains(t->kept, c))
                g_ptr_array_add(containers, (gpointer)c);
    /* without a pool, jl_pool_take answers "shape it yourself" */
    t->pool = jl_pool_start(t->ctx, (const jd_node *const *)containers->pdata, containers->len);
    g_ptr_array_free(containers, TRUE);
}

/* Builds the body's row group starting at r, numbering its cells' jobs in the pool as
 * start_pool listed them. Returns its last row. */
static int build_body_group(table *t, int r)
{
    int end = build_group(t, r);
    for (int k = r; k <= end; k++)
        for (guint i = 0; i < t->rows[k].starting->len; i++) {
            tcell *c = g_ptr_array_index(t->rows[k].starting, i);
            if (!g_hash_table_contains(t->kept, c->node))
                c->job = ++t->jobs;
        }
    return end;
}

/* The （续） mark, made when a page break first carries the cell over (most cells never
 * need one). */
static void ensure_mark(table *t, tcell *c)
{
    if (c->mark)
        return;
    const jd_style *ms = jl_mark_style(t->ctx, c->style);
    /* unbreakable: a column too narrow for it gets it with its brackets compressed, then
     * tighter or smaller, never a bare 续 */
    c->mark = jl_box_of_text(t->ctx, MARK_TEXT, ms, c->content_width);
}

static void measure_rows(table *t, int first, int last)
{
    for (int r = first; r <= last; r++)
        for (guint i = 0; i < t->rows[r].starting->len; i++)
            measure_cell(t, g_ptr_array_index(t->rows[r].starting, i));
}

static size_t n_lines(const tcell *c)
{
    return c->box ? c->box->lines->len : 0;
}

/* Height the cell still needs for its current fragment: the mark, if it has one, and
 * every line not shown yet — exact when at most `limit`, else only known to be above it. */
static double remaining_height(const tcell *c, double limit)
{
    double mark = c->with_mark ? c->mark->height : 0;
    return jl_box_range_height_upto(c->box, c->next_line, n_lines(c), limit - mark) + mark;
}

/* ---- drawing ----------------------------------------------------------------------- */

static void add_edge(table *t, double x1, double y1, double x2, double y2, const jd_border *b)
{
    if (b->width <= 0)
        return;
    edge e = {x1, y1, x2, y2, b->width, b->color};
    g_array_append_val(t->edges, e);
}

static int edge_cmp(gconstpointer a, gconstpointer b)
{
    const edge *x = a, *y = b;
    const double *px = &x->x1, *py = &y->x1;
    for (int i = 0; i < 4; i++)
        if (fabs(px[i] - py[i]) > 0.005)
            return px[i] < py[i] ? -1 : 1;
    if (x->width != y->width)
        return x->width > y->width ? -1 : 1; /* widest first, so it survives the dedup */
    return 0;
}

/* Borders go on top of backgrounds and text, once per page; an edge shared by two cells
 * is drawn once, with the wider border. Lines are extended by half the width of the
 * lines they meet, so corners close. */
static void flush_edges(table *t, jd_page *page)
{
    if (!t->edges->len)
        return;
    g_array_sort(t->edges, edge_cmp);
    const edge *prev = NULL;
    for (guint i = 0; i < t->edges->len; i++) {
        const edge *e = &g_array_index(t->edges, edge, i);
        if (prev && fabs(prev->x1 - e->x1) < 0.005 && fabs(prev->y1 - e->y1) < 0.005 &&
            fabs(prev->x2 - e->x2) < 0.005 && fabs(prev->y2 - e->y2) < 0.005)
            continue;
        prev = e;
        double h = e->width / 2;
        jd_rule rule = {e->x1, e->y1, e->x2, e->y2, e->width, e->color};
        if (e->y1 == e->y2)
            rule.x1 -= h, rule.x2 += h;
        else
            rule.y1 -= h, rule.y2 += h;
        jd_page_add_rule(page, &rule);
    }
    g_array_set_size(t->edges, 0);
}

/* Draws a cell's fragment [top, bottom) showing lines [next_line, next_line + count). */
static void draw_fragment(table *t, tcell *c, double top, double bottom, size_t count, bool whole)
{
    jd_page *page = t->flow->page;
    double x0 = t->x + t->col_x[c->col], x1 = t->x + t->col_x[c->col + c->colspan];
    const jd_style *s = c->style;
    if (s->has_background) {
        jd_rect r = {x0, top, x1 - x0, bottom - top, true, s->background, 0, 0};
        jd_page_add_rect(page, &r);
    }
    double inner_top = top + s->padding[JD_TOP];
    double inner_h = bottom - top - pad_v(c);
    double content_h = jl_box_range_height(c->box, c->next_line, c->next_line + count);
    if (c->with_mark)
        content_h += c->mark->height;
    double y = inner_top;
    /* a fragment that shows the rest of its cell keeps the cell's vertical alignment (a
     * repeated 序号 stays in the middle of its rows, as on the page before) */
    bool complete = c->next_line + count >= n_lines(c);
    if ((whole || complete) && inner_h > content_h) {
        if (s->vertical_align == JD_VALIGN_MIDDLE)
            y += (inner_h - content_h) / 2;
        else if (s->vertical_align == JD_VALIGN_BOTTOM)
            y += inner_h - content_h;
    }
    double cx = x0 + s->padding[JD_LEFT];
    jl_box_emit(t->ctx, c->box, c->next_line, c->next_line + count, cx, y, c->content_width, page);
    /* the mark on its own line under what it continues: "16" then "（续）" */
    if (c->with_mark)
        jl_box_emit(t->ctx, c->mark, 0, c->mark->lines->len, cx,
                    y + jl_box_range_height(c->box, c->next_line, c->next_line + count), c->content_width, page);
    if (c->change_bar && c->rowspan == 1 && !(t->bar_page == jd_page_index(page) && t->bar_top == top && t->bar_bottom == bottom)) {
        /* a bar in the left margin beside a changed row (drawn by its one-row cells, which
         * span exactly the row), as revision marks in print */
        jd_rect bar = {t->x - CHANGE_BAR_GAP - CHANGE_BAR_WIDTH, top, CHANGE_BAR_WIDTH, bottom - top, true,
                       CHANGE_BAR_COLOR, 0, 0};
        jd_page_add_rect(page, &bar);
        t->bar_page = jd_page_index(page);
        t->bar_top = top;
        t->bar_bottom = bottom;
    }
    add_edge(t, x0, top, x1, top, &s->border[JD_TOP]);
    add_edge(t, x0, bottom, x1, bottom, &s->border[JD_BOTTOM]);
    add_edge(t, x0, top, x0, bottom, &s->border[JD_LEFT]);
    add_edge(t, x1, top, x1, bottom, &s->border[JD_RIGHT]);
}

/* ---- header rows ------------------------------------------------------------------- */

/* Row heights of rows [first, last] when nothing breaks them: each row as tall as its
 * one-row cells, the last row of a span taller if the spanning cell needs it. */
static void natural_heights(table *t, int first, int last, double *h)
{
    for (int r = first; r <= last; r++) {
        h[r - first] = 0;
        for (guint i = 0; i < t->rows[r].starting->len; i++) {
            tcell *c = g_ptr_array_index(t->rows[r].starting, i);
            if (c->rowspan == 1)
                h[r - first] = MAX(h[r - first], c->box->height + pad_v(c));
        }
    }
    for (int r = first; r <= last; r++)
        for (guint i = 0; i < t->rows[r].starting->len; i++) {
            tcell *c = g_ptr_array_index(t->rows[r].starting, i);
            if (c->rowspan == 1)
                continue;
            int end = MIN(last, c->row + c->rowspan - 1);
            double have = 0;
            for (int k = r; k <= end; k++)
                have += h[k - first];
            double need = c->box->height + pad_v(c);
            if (need > have)
                h[end - first] += need - have;
        }
}

static void draw_header(table *t)
{
    if (!t->header_rows)
        return;
    double y = t->flow->y;
    double *row_top = g_new(double, t->header_rows + 1);
    for (int r = 0; r <= t->header_rows; r++) {
        row_top[r] = y;
        if (r < t->header_rows)
            y += t->header_heights[r];
    }
    for (int r = 0; r < t->header_rows; r++)
        for (guint i = 0; i < t->rows[r].starting->len; i++) {
            tcell *c = g_ptr_array_index(t->rows[r].starting, i);
            draw_fragment(t, c, row_top[r], row_top[r + c->rowspan], n_lines(c), true);
        }
    g_free(row_top);
    t->flow->y = y;
}

/* ---- body pagination --------------------------------------------------------------- */

static bool active_at(const tcell *c, int r)
{
    return c->row <= r && r < c->row + c->rowspan;
}

/* Cells that cover row r, from its group's rows up to r. */
static void active_cells(table *t, int r, GPtrArray *out)
{
    g_ptr_array_set_size(out, 0);
    int g0 = r;
    while (g0 > t->header_rows && t->rows[g0 - 1].group_end == t->rows[r].group_end)
        g0--;
    for (int k = g0; k <= r; k++)
        for (guint i = 0; i < t->rows[k].starting->len; i++) {
            tcell *c = g_ptr_array_index(t->rows[k].starting, i);
            if (active_at(c, r))
                g_ptr_array_add(out, c);
        }
}

static void begin_page(table *t)
{
    flush_edges(t, t->flow->page);
    t->flow->new_page(t->flow);
    draw_header(t);
}

/* The page is full at `bottom`: draw the fragments of the cells still open, and prepare
 * them to continue (or repeat) on the next page. */
static void break_cells(table *t, GPtrArray *open, double bottom)
{
    for (guint i = 0; i < open->len; i++) {
        tcell *c = g_ptr_array_index(open, i);
        double room = bottom - c->frag_top - pad_v(c) - (c->with_mark ? c->mark->height : 0);
        size_t fit = room > 0 ? jl_box_lines_fitting(c->box, c->next_line, room) : 0;
        draw_fragment(t, c, c->frag_top, bottom, fit, false);
        c->next_line += fit;
        bool done = c->next_line >= n_lines(c);
        if (done && c->repeat && n_lines(c) > 0)
            c->next_line = 0; /* shown in full: repeat it on the next page */
        c->with_mark = c->repeat && n_lines(c) > 0;
        if (c->with_mark)
            ensure_mark(t, c);
    }
}

static double line_height_at(const tcell *c)
{
    if (c->next_line < n_lines(c))
        return g_array_index(c->box->lines, jl_box_line, c->next_line).line.height;
    return 0;
}

static void place_body(table *t)
{
    jl_flow *flow = t->flow;
    GPtrArray *open = g_ptr_array_new();
    start_pool(t);
    int group_start = t->header_rows, measured_to = t->header_rows - 1;
    for (int r = t->header_rows; r < t->nrows && !t->ctx->stopped; r++) {
        if (r > measured_to) {
            /* a new row group: the previous one is done (no span crosses groups) */
            if (measured_to >= group_start)
                free_group(t, group_start, measured_to);
            group_start = r;
            measured_to = build_body_group(t, r);
            measure_rows(t, r, measured_to);
        }
        for (guint i = 0; i < t->rows[r].starting->len; i++) {
            tcell *c = g_ptr_array_index(t->rows[r].starting, i);
            c->frag_top = flow->y;
        }
        for (;;) {
            active_cells(t, r, open);
            /* what row r needs: its one-row cells in full, and the spanning cells that end
             * here whatever their earlier rows on this page did not give them */
            double need = 0;
            for (guint i = 0; i < open->len; i++) {
                tcell *c = g_ptr_array_index(open, i);
                if (c->row + c->rowspan - 1 != r)
                    continue;
                /* (beyond the page's bottom, how far beyond does not matter) */
                double limit = flow->bottom + 0.01 - c->frag_top - pad_v(c);
                need = MAX(need, c->frag_top + pad_v(c) + remaining_height(c, limit) - flow->y);
            }
            bool fresh = flow->y <= flow->top + t->header_height + 0.01;
            if (flow->y + need <= flow->bottom + 0.01) {
                if (!t->rows[r].placed) {
                    jl_flow_mark(t->flow, t->rows[r].node, flow->y);
                    t->rows[r].placed = true;
                }
                flow->y += need;
                for (guint i = 0; i < open->len; i++) {
                    tcell *c = g_ptr_array_index(open, i);
                    if (c->row + c->rowspan - 1 == r) {
                        draw_fragment(t, c, c->frag_top, flow->y, n_lines(c) - c->next_line, true);
                        c->next_line = n_lines(c);
                    }
                }
                break;
            }
            /* Row r does not fit. Split it between lines when what is left of the page
             * holds two lines of its tallest cell (or the page is fresh and nothing would
             * fit better); otherwise end the page before it. */
            double avail = flow->bottom - flow->y;
            double two_lines = 0;
            for (guint i = 0; i < open->len; i++) {
                tcell *c = g_ptr_array_index(open, i);
                if (c->row == r)
                    two_lines = MAX(two_lines, pad_v(c) + 2 * line_height_at(c) +
                                                   (c->with_mark ? c->mark->height : 0));
            }
            if (!t->rows[r].placed && avail > 0 && (avail >= two_lines || fresh)) {
                jl_flow_mark(t->flow, t->rows[r].node, flow->y);
                t->rows[r].placed = true;
            }
            if (fresh || avail >= two_lines) {
                bool progress = false;
                for (guint i = 0; i < open->len; i++) {
                    tcell *c = g_ptr_array_index(open, i);
                    double room = flow->bottom - c->frag_top - pad_v(c) - (c->with_mark ? c->mark->height : 0);
                    if (room > 0 && jl_box_lines_fitting(c->box, c->next_line, room) > 0)
                        progress = true;
                }
                if (!progress && fresh) {
                    jd_diags_add(t->ctx->diags, JD_ERROR, jd_node_source_file(t->rows[r].node),
                                 jd_node_source_line(t->rows[r].node), 0,
                                 "a line of this table row is taller than the page body; it cannot be placed");
                    t->ctx->failed = true;
                    break;
                }
                break_cells(t, open, flow->bottom);
            } else {
                /* end the page before row r: cells spanning into it stop here */
                GPtrArray *earlier = g_ptr_array_new();
                for (guint i = 0; i < open->len; i++) {
                    tcell *c = g_ptr_array_index(open, i);
                    if (c->row < r)
                        g_ptr_array_add(earlier, c);
                }
                break_cells(t, earlier, flow->y);
                g_ptr_array_free(earlier, TRUE);
            }
            begin_page(t);
            if (t->ctx->stopped)
                break;
            for (guint i = 0; i < open->len; i++) {
                tcell *c = g_ptr_array_index(open, i);
                c->frag_top = flow->y;
            }
        }
    }
    if (measured_to >= group_start)
        free_group(t, group_start, measured_to);
    jl_pool_free(t->pool);
    t->pool = NULL;
    g_ptr_array_free(open, TRUE);
}

void jl_table_layout(jl_flow *flow, const jd_node *tn)
{
    table t = {0};
    t.flow = flow;
    t.ctx = flow->ctx;
    t.x = flow->x;
    t.edges = g_array_new(FALSE, FALSE, sizeof(edge));
    t.bar_page = (size_t)-1;
    t.kept = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, (GDestroyNotify)jl_box_free);
    find_rows(&t, tn);
    if (t.nrows == 0) {
        g_ptr_array_free(t.columns, TRUE);
        g_hash_table_destroy(t.kept);
        g_array_free(t.edges, TRUE);
        g_free(t.rows);
        return;
    }
    /* the number of columns, and where the groups end */
    for (int r = 0; r < t.nrows;) {
        int end = build_group(&t, r);
        free_group(&t, r, end);
        r = end + 1;
    }
    t.ncols = MAX(t.ncols, 1);
    column_widths(&t, tn);

    /* the header rows' groups, kept for every page */
    for (int r = 0; r < t.header_rows; r = build_group(&t, r) + 1)
        ;
    if (t.header_rows) {
        measure_rows(&t, 0, t.header_rows - 1);
        t.header_heights = g_new0(double, t.header_rows);
        natural_heights(&t, 0, t.header_rows - 1, t.header_heights);
        for (int r = 0; r < t.header_rows; r++)
            t.header_height += t.header_heights[r];
        if (t.header_height > flow->bottom - flow->top) {
            jd_diags_add(t.ctx->diags, JD_ERROR, jd_node_source_file(tn), jd_node_source_line(tn), 0,
                         "the table's header rows are taller than the page body");
            t.ctx->failed = true;
        }
    }
    /* start on a new page if the header and a first line of the body do not fit */
    double first_line = 0;
    if (t.header_rows < t.nrows) {
        for (const jd_node *c = jd_node_first_child(t.rows[t.header_rows].node); c; c = jd_node_next(c))
            if (jd_node_get_type(c) == JD_NODE_CELL) {
                const jd_style *s = jd_node_style(c);
                first_line = MAX(first_line, s->padding[JD_TOP] + s->padding[JD_BOTTOM] + 2 * jl_style_line_height(s));
            }
    }
    if (flow->y > flow->top + 0.01 && flow->y + t.header_height + first_line > flow->bottom) {
        flow->new_page(flow);
    }
    if (!t.ctx->failed || t.header_height <= flow->bottom - flow->top) {
        for (int r = 0; r < t.header_rows; r++)
            if (!t.rows[r].placed) {
                jl_flow_mark(t.flow, t.rows[r].node, flow->y);
                t.rows[r].placed = true;
            }
        draw_header(&t);
        place_body(&t);
    }
    flush_edges(&t, flow->page);

    if (t.header_rows)
        free_group(&t, 0, t.header_rows - 1);
    g_ptr_array_free(t.columns, TRUE);
    g_hash_table_destroy(t.kept);
    g_array_free(t.edges, TRUE);
    g_free(t.rows);
    g_free(t.col_x);
    g_free(t.header_heights);
}
