/* Charts: a CHART node laid out as rules, paths and glyph runs of the page list, so both
 * backends draw it without knowing what a chart is.
 *
 * Kinds: grouped bars (vertical or horizontal), lines with markers, pie and ring, and
 * progress bars (bullet charts: the value as a bar, the target as a thick line, the
 * 序时进度 mark as a triangle and a dashed line). The style reads in black and white:
 * series differ by grey level and hatching (and, for lines, by dash and marker shape);
 * `palette="color"` adds colour without taking those away.
 *
 * Every label is shaped by the same pango shaper as body text. No two labels overlap:
 *  - value-axis ticks are Heckbert's nice numbers (1, 2, 5 × 10^k); on a horizontal axis
 *    the tick count drops until the widest tick label fits between two ticks;
 *  - a category label wraps to at most two lines in its slot, then is shortened with
 *    "…"; when a slot is narrower than two characters (or, for rows, lower than a line)
 *    only every k-th category is labelled, k the smallest step that makes room;
 *  - value labels are placed in order, each at its preferred place or its alternative,
 *    and left out when both would overlap a label already placed; a pie or ring
 *    percentage tries beside its slice, centred over it, nudged up or down, then farther
 *    out along its middle with a leader line, before it is left out (the legends carry
 *    every value and share, so nothing is lost).
 */
#include <math.h>
#include <string.h>

#include "layout_private.h"

#define GAP 4.0       /* between a label and what it labels */
#define SWATCH_W 12.0 /* legend swatch */
#define SWATCH_H 8.0
#define LEGEND_GAP 12.0 /* between legend entries */
#define MAX_SERIES 8    /* distinguishable fill styles */

enum { CS_LABEL, CS_SMALL, CS_TITLE, CS_BIG, CS_COUNT };
enum { KIND_BAR, KIND_LINE, KIND_PIE, KIND_RING, KIND_PROGRESS };
enum { LEGEND_BOTTOM, LEGEND_TOP, LEGEND_RIGHT, LEGEND_NONE };

/* ---- styles of series -------------------------------------------------------------- */

/* Fills by series: grey levels and hatches that stay apart when printed in black and white
 * (and photocopied); the colour palette keeps the same hatches and lightness order. */
typedef struct {
    uint32_t fill;
    jd_hatch_kind hatch;
    uint32_t hatch_color;
    double spacing, width;
} fill_style;

static const fill_style grey_fills[MAX_SERIES] = {
    {0x4d4d4d, JD_HATCH_NONE, 0, 0, 0},
    {0xffffff, JD_HATCH_RISING, 0x000000, 2.8, 0.7},
    {0xb3b3b3, JD_HATCH_NONE, 0, 0, 0},
    {0xffffff, JD_HATCH_CROSS, 0x000000, 3.2, 0.5},
    {0x808080, JD_HATCH_FALLING, 0xffffff, 2.8, 0.8},
    {0xffffff, JD_HATCH_HORIZONTAL, 0x000000, 2.4, 0.6},
    {0xd9d9d9, JD_HATCH_VERTICAL, 0x000000, 3.0, 0.5},
    {0x000000, JD_HATCH_NONE, 0, 0, 0},
};

static const fill_style color_fills[MAX_SERIES] = {
    {0x2f5597, JD_HATCH_NONE, 0, 0, 0},
    {0xfbe5d6, JD_HATCH_RISING, 0xc55a11, 2.8, 0.7},
    {0x9dc3e6, JD_HATCH_NONE, 0, 0, 0},
    {0xe2f0d9, JD_HATCH_CROSS, 0x548235, 3.2, 0.5},
    {0xbf9000, JD_HATCH_FALLING, 0xffffff, 2.8, 0.8},
    {0xfff2cc, JD_HATCH_HORIZONTAL, 0x7f6000, 2.4, 0.6},
    {0xd9d9d9, JD_HATCH_VERTICAL, 0x7030a0, 3.0, 0.5},
    {0x000000, JD_HATCH_NONE, 0, 0, 0},
};

/* Lines by series: dash and marker shape tell them apart, grey for the later ones. */
enum { MK_CIRCLE, MK_SQUARE, MK_TRIANGLE, MK_DIAMOND };
typedef struct {
    uint32_t grey, color;
    uint16_t dash_on, dash_off;
    int marker;
    bool hollow;
} line_style;

static const line_style line_styles[MAX_SERIES] = {
    {0x000000, 0x2f5597, 0, 0, MK_CIRCLE, false},   {0x000000, 0xc55a11, 4, 2, MK_SQUARE, true},
    {0x000000, 0x548235, 1, 2, MK_TRIANGLE, false}, {0x595959, 0x7030a0, 0, 0, MK_DIAMOND, true},
    {0x595959, 0xbf9000, 4, 2, MK_CIRCLE, true},    {0x595959, 0x2e75b6, 1, 2, MK_SQUARE, false},
    {0x000000, 0x000000, 8, 3, MK_TRIANGLE, true},  {0x808080, 0x808080, 0, 0, MK_DIAMOND, false},
};

#define GRID_COLOR 0xbfbfbf
#define TRACK_COLOR 0xe6e6e6

/* ---- the chart being laid out ------------------------------------------------------ */

typedef struct {
    double x0, y0, x1, y1;
} box;

typedef struct {
    jl_ctx *ctx;
    jd_page *page; /* NULL while only measuring */
    const jd_node *node;
    const jd_style *st[CS_COUNT];
    int kind;
    bool horizontal, color, value_labels;
    int decimals; /* -1: as the values need, at most 2 */
    const char *unit, *missing;
    size_t n; /* categories */
    const char *const *labels;
    const char *const *notes; /* progress: text after each bar, or NULL */
    const jd_node *series[MAX_SERIES];
    const double *values[MAX_SERIES];
    size_t n_series;
    int legend;
    GArray *placed;    /* box: labels (and bars, markers) placed so far, for overlap checks */
    GHashTable *grid;  /* cell of GRID_CELL pt (packed x, y) -> GArray of indices into placed */
    GHashTable *texts; /* "style\x1ftext" -> jl_box: one-line labels, shaped once per chart */
} chart;

/* ---- styles of text ---------------------------------------------------------------- */

/* The chart's text styles, made from its node's style and kept for the whole layout: the
 * shaper caches fonts by style address. */
static void chart_styles(jl_ctx *ctx, const jd_style *base, const jd_style *out[CS_COUNT])
{
    jd_style *set = g_hash_table_lookup(ctx->chart_styles, base);
    if (!set) {
        set = g_new(jd_style, CS_COUNT);
        for (int i = 0; i < CS_COUNT; i++) {
            jd_style *s = &set[i];
            *s = *base;
            s->text_align = JD_ALIGN_LEFT;
            s->text_indent = (jd_length){0, JD_UNIT_PT};
            s->letter_spacing = 0;
            s->nowrap = false; /* a label wraps and shortens by the chart's own rules */
            s->line_height = 1.25;
            s->line_height_pt = false;
            s->has_background = false;
            memset(s->border, 0, sizeof s->border);
            memset(s->padding, 0, sizeof s->padding);
        }
        set[CS_SMALL].font_size = base->font_size * 0.9;
        set[CS_TITLE].font_size = base->font_size * 1.15;
        set[CS_TITLE].font_weight = 700;
        set[CS_BIG].font_size = base->font_size * 1.5;
        set[CS_BIG].font_weight = 700;
        g_hash_table_insert(ctx->chart_styles, (gpointer)base, set);
    }
    for (int i = 0; i < CS_COUNT; i++)
        out[i] = &set[i];
}

/* ---- text -------------------------------------------------------------------------- */

/* A label shaped and broken into lines. */
typedef struct {
    jl_box *box;
    double width, height; /* widest line, all lines */
    bool shared;          /* the box belongs to the chart's cache */
} text;

/* `s` in lines of `wrap` pt, or on one line (wrap <= 0): the value labels of a chart repeat
 * the same few numbers, so one-line texts are shaped once per chart. */
static text text_make(chart *c, int style, const char *s, double wrap)
{
    text t = {NULL, 0, 0, wrap <= 0};
    char *key = NULL;
    if (t.shared) {
        key = g_strdup_printf("%d\x1f%s", style, s);
        t.box = g_hash_table_lookup(c->texts, key);
    }
    if (!t.box) {
        t.box = jl_box_of_text(c->ctx, s, c->st[style], wrap > 0 ? wrap : 1e9);
        if (t.shared) {
            g_hash_table_insert(c->texts, key, t.box);
            key = NULL;
        }
    }
    g_free(key);
    for (guint i = 0; i < t.box->lines->len; i++)
        t.width = MAX(t.width, g_array_index(t.box->lines, jl_box_line, i).line.width);
    t.height = t.box->height;
    return t;
}

static void text_free(text *t)
{
    if (!t->shared) jl_box_free(t->box);
    t->box = NULL;
}

static size_t text_lines(const text *t)
{
    return t->box->lines->len;
}

/* `s` in at most `max_lines` lines of `width`: wrapped, and shortened with "…" when it
 * needs more. */
static text text_fit(chart *c, int style, const char *s, double width, size_t max_lines)
{
    text t = text_make(c, style, s, width);
    if (text_lines(&t) <= max_lines && t.width <= width + 0.01) return t;
    /* the longest prefix that fits with "…", found by bisection over characters */
    glong chars = g_utf8_strlen(s, -1), lo = 0, hi = chars;
    text best = text_make(c, style, "…", width);
    while (lo < hi) {
        glong mid = (lo + hi + 1) / 2;
        char *prefix = g_utf8_substring(s, 0, mid);
        char *candidate = g_strconcat(g_strchomp(prefix), "…", NULL);
        text tc = text_make(c, style, candidate, width);
        g_free(candidate);
        g_free(prefix);
        if (text_lines(&tc) <= max_lines && tc.width <= width + 0.01) {
            text_free(&best);
            best = tc;
            lo = mid;
        } else {
            text_free(&tc);
            hi = mid - 1;
        }
    }
    text_free(&t);
    return best;
}

/* Draws the lines of `t` with their top at y; each line's left edge at x (align 0), its
 * centre at x (1) or its right edge at x (2). */
static void text_draw(chart *c, const text *t, double x, double y, int align)
{
    if (!c->page) return;
    for (guint i = 0; i < t->box->lines->len; i++) {
        const jl_box_line *bl = &g_array_index(t->box->lines, jl_box_line, i);
        jl_line line = bl->line;
        line.x = 0;
        double lx = align == 0 ? x : align == 1 ? x - line.width / 2 : x - line.width;
        jl_line_emit(c->ctx, bl->para, &line, lx, y, line.width, c->page);
        y += line.height;
    }
}

static bool boxes_overlap(box a, box b)
{
    return a.x0 < b.x1 - 0.01 && b.x0 < a.x1 - 0.01 && a.y0 < b.y1 - 0.01 && b.y0 < a.y1 - 0.01;
}

/* Placed boxes are found through a grid of cells, so a chart of thousands of labels checks
 * each against its neighbours only. */
#define GRID_CELL 24.0

static gint64 cell_key(gint64 cx, gint64 cy)
{
    return (cx << 32) ^ (cy & 0xffffffff);
}

static void cells_of(box b, gint64 *cx0, gint64 *cy0, gint64 *cx1, gint64 *cy1)
{
    *cx0 = (gint64)floor(b.x0 / GRID_CELL);
    *cy0 = (gint64)floor(b.y0 / GRID_CELL);
    *cx1 = (gint64)floor(b.x1 / GRID_CELL);
    *cy1 = (gint64)floor(b.y1 / GRID_CELL);
}

/* Whether a label at `b` would overlap one already placed (or leave `inside`). */
static bool box_free(const chart *c, box b, box inside)
{
    if (b.x0 < inside.x0 - 0.01 || b.x1 > inside.x1 + 0.01 || b.y0 < inside.y0 - 0.01 ||
        b.y1 > inside.y1 + 0.01)
        return false;
    gint64 cx0, cy0, cx1, cy1;
    cells_of(b, &cx0, &cy0, &cx1, &cy1);
    for (gint64 cx = cx0; cx <= cx1; cx++)
        for (gint64 cy = cy0; cy <= cy1; cy++) {
            gint64 key = cell_key(cx, cy);
            GArray *in = g_hash_table_lookup(c->grid, &key);
            for (guint i = 0; in && i < in->len; i++)
                if (boxes_overlap(b, g_array_index(c->placed, box, g_array_index(in, guint, i))))
                    return false;
        }
    return true;
}

static void box_take(chart *c, box b)
{
    guint index = c->placed->len;
    g_array_append_val(c->placed, b);
    gint64 cx0, cy0, cx1, cy1;
    cells_of(b, &cx0, &cy0, &cx1, &cy1);
    for (gint64 cx = cx0; cx <= cx1; cx++)
        for (gint64 cy = cy0; cy <= cy1; cy++) {
            gint64 key = cell_key(cx, cy);
            GArray *in = g_hash_table_lookup(c->grid, &key);
            if (!in) {
                in = g_array_new(FALSE, FALSE, sizeof(guint));
                g_hash_table_insert(c->grid, g_memdup2(&key, sizeof key), in);
            }
            g_array_append_val(in, index);
        }
}

/* Places `t` at the first of `n` candidate top-left corners where it overlaps nothing;
 * false (nothing drawn) when there is none. With `halo`, a white ground under the text
 * keeps grid lines from striking it through. */
static bool place_label(chart *c, const text *t, const double *xs, const double *ys, int n,
                        box inside, bool halo)
{
    for (int i = 0; i < n; i++) {
        box b = {xs[i], ys[i], xs[i] + t->width, ys[i] + t->height};
        if (box_free(c, b, inside)) {
            box_take(c, b);
            if (halo && c->page) {
                double inset = t->height * 0.12;
                jd_rect ground = {b.x0, b.y0 + inset, b.x1 - b.x0, b.y1 - b.y0 - 2 * inset,
                                  true, 0xffffff,     0,           0};
                jd_page_add_rect(c->page, &ground);
            }
            text_draw(c, t, xs[i], ys[i], 0);
            return true;
        }
    }
    return false;
}

/* Draws a label whose room was set aside (axis ticks, category labels, legend), and
 * records its box. */
static void draw_fixed(chart *c, const text *t, double x, double y, int align)
{
    double left = align == 0 ? x : align == 1 ? x - t->width / 2 : x - t->width;
    box_take(c, (box){left, y, left + t->width, y + t->height});
    text_draw(c, t, x, y, align);
}

/* ---- numbers ----------------------------------------------------------------------- */

static char *format_number(double v, int decimals)
{
    char buf[64];
    if (decimals >= 0) {
        char fmt[8];
        g_snprintf(fmt, sizeof fmt, "%%.%df", decimals);
        g_ascii_formatd(buf, sizeof buf, fmt, v);
    } else {
        g_ascii_formatd(buf, sizeof buf, "%.2f", v);
        char *dot = strchr(buf, '.');
        if (dot) {
            char *e = buf + strlen(buf) - 1;
            while (e > dot && *e == '0')
                *e-- = '\0';
            if (e == dot) *e = '\0';
        }
    }
    if (strcmp(buf, "-0") == 0 || strcmp(buf, "-0.0") == 0 || strcmp(buf, "-0.00") == 0)
        memmove(buf, buf + 1, strlen(buf));
    return g_strdup(buf);
}

static char *value_text(const chart *c, double v)
{
    return isnan(v) ? g_strdup(c->missing) : format_number(v, c->decimals);
}

/* Heckbert's nice number: 1, 2, 5 or 10 times a power of ten, near x (rounded) or not
 * below it. Returns the mantissa and sets *exp. */
static int nice_mantissa(double x, bool round, int *exp)
{
    int e = (int)floor(log10(x));
    double f = x / pow(10, e);
    int m;
    if (round)
        m = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
    else
        m = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
    if (m == 10) {
        m = 1;
        e++;
    }
    *exp = e;
    return m;
}

/* k × m × 10^e, as exactly as a double holds the decimal number. */
static double tick_value(long k, int m, int e)
{
    double units = (double)k * m;
    return e >= 0 ? units * pow(10, e) : units / pow(10, -e);
}

bool jl_nice_ticks(double lo, double hi, int max_ticks, jl_ticks *out)
{
    if (!isfinite(lo) || !isfinite(hi) || lo > hi || max_ticks < 2) return false;
    if (lo == hi) {
        /* one value: a range around it that shows it is not zero, or 0–1 for zero */
        if (lo == 0)
            hi = 1;
        else if (lo > 0)
            lo = 0;
        else
            hi = 0;
    }
    int range_e, e;
    int range_m = nice_mantissa(hi - lo, false, &range_e);
    double range = tick_value(1, range_m, range_e);
    int m = nice_mantissa(range / (max_ticks - 1), true, &e);
    double step = tick_value(1, m, e);
    long k0 = (long)floor(lo / step + 1e-9), k1 = (long)ceil(hi / step - 1e-9);
    out->mantissa = m;
    out->exponent = e;
    out->first = k0;
    out->count = (int)(k1 - k0 + 1);
    out->min = tick_value(k0, m, e);
    out->max = tick_value(k1, m, e);
    out->step = step;
    out->decimals = e < 0 ? -e : 0;
    return true;
}

double jl_tick_at(const jl_ticks *t, int i)
{
    return tick_value(t->first + i, t->mantissa, t->exponent);
}

/* ---- drawing ----------------------------------------------------------------------- */

static void add_rule(chart *c, double x1, double y1, double x2, double y2, double width,
                     uint32_t color)
{
    if (!c->page) return;
    jd_rule r = {x1, y1, x2, y2, width, color};
    jd_page_add_rule(c->page, &r);
}

static jd_path_seg pt(jd_path_verb verb, double x, double y)
{
    jd_path_seg s = {verb, {x, 0, 0}, {y, 0, 0}};
    return s;
}

static void apply_fill(const chart *c, jd_path *p, int series)
{
    const fill_style *f = &(c->color ? color_fills : grey_fills)[series % MAX_SERIES];
    p->fill = true;
    p->fill_color = f->fill;
    p->hatch = (jd_hatch){f->hatch, f->hatch_color, f->spacing, f->width};
    p->stroke_width = 0.5;
    p->stroke_color = 0x000000;
}

static void add_box_path(chart *c, double x, double y, double w, double h, int series)
{
    if (!c->page || w <= 0 || h <= 0) return;
    jd_path_seg segs[] = {pt(JD_PATH_MOVE, x, y), pt(JD_PATH_LINE, x + w, y),
                          pt(JD_PATH_LINE, x + w, y + h), pt(JD_PATH_LINE, x, y + h),
                          pt(JD_PATH_CLOSE, 0, 0)};
    jd_path p = {.segs = segs, .n_segs = G_N_ELEMENTS(segs)};
    apply_fill(c, &p, series);
    jd_page_add_path(c->page, &p);
}

static void add_marker(chart *c, double x, double y, int series, double size)
{
    if (!c->page) return;
    const line_style *ls = &line_styles[series % MAX_SERIES];
    double r = size / 2;
    jd_path_seg segs[6];
    size_t n = 0;
    switch (ls->marker) {
    case MK_SQUARE:
        r *= 0.9;
        segs[n++] = pt(JD_PATH_MOVE, x - r, y - r);
        segs[n++] = pt(JD_PATH_LINE, x + r, y - r);
        segs[n++] = pt(JD_PATH_LINE, x + r, y + r);
        segs[n++] = pt(JD_PATH_LINE, x - r, y + r);
        break;
    case MK_TRIANGLE:
        r *= 1.15;
        segs[n++] = pt(JD_PATH_MOVE, x, y - r);
        segs[n++] = pt(JD_PATH_LINE, x + r * 0.866, y + r * 0.5);
        segs[n++] = pt(JD_PATH_LINE, x - r * 0.866, y + r * 0.5);
        break;
    case MK_DIAMOND:
        r *= 1.2;
        segs[n++] = pt(JD_PATH_MOVE, x, y - r);
        segs[n++] = pt(JD_PATH_LINE, x + r, y);
        segs[n++] = pt(JD_PATH_LINE, x, y + r);
        segs[n++] = pt(JD_PATH_LINE, x - r, y);
        break;
    default: { /* a circle: four quarter arcs */
        double k = 0.5523 * r;
        segs[n++] = pt(JD_PATH_MOVE, x + r, y);
        segs[n++] = (jd_path_seg){JD_PATH_CURVE, {x + r, x + k, x}, {y + k, y + r, y + r}};
        segs[n++] = (jd_path_seg){JD_PATH_CURVE, {x - k, x - r, x - r}, {y + r, y + k, y}};
        segs[n++] = (jd_path_seg){JD_PATH_CURVE, {x - r, x - k, x}, {y - k, y - r, y - r}};
        segs[n++] = (jd_path_seg){JD_PATH_CURVE, {x + k, x + r, x + r}, {y - r, y - k, y}};
        break;
    }
    }
    segs[n++] = pt(JD_PATH_CLOSE, 0, 0);
    uint32_t color = c->color ? ls->color : ls->grey;
    jd_path p = {.segs = segs,
                 .n_segs = n,
                 .fill = true,
                 .fill_color = ls->hollow ? 0xffffff : color,
                 .stroke_width = 0.8,
                 .stroke_color = color};
    jd_page_add_path(c->page, &p);
}

static void line_stroke(const chart *c, jd_path *p, int series)
{
    const line_style *ls = &line_styles[series % MAX_SERIES];
    p->stroke_width = 1.2;
    p->stroke_color = c->color ? ls->color : ls->grey;
    p->dash_on = ls->dash_on;
    p->dash_off = ls->dash_off;
    p->round = true;
}

/* Point of a circle at angle `a` (radians, clockwise from 12 o'clock; y grows down). */
static void on_circle(double cx, double cy, double r, double a, double *x, double *y)
{
    *x = cx + r * sin(a);
    *y = cy - r * cos(a);
}

/* Appends the arc from angle a1 to a2 (either way round) as Béziers of at most 90°. */
static void add_arc(GArray *segs, double cx, double cy, double r, double a1, double a2)
{
    int pieces = (int)ceil(fabs(a2 - a1) / (G_PI / 2) - 1e-9);
    if (pieces < 1) pieces = 1;
    double step = (a2 - a1) / pieces;
    double k = 4.0 / 3.0 * tan(step / 4) * r;
    for (int i = 0; i < pieces; i++) {
        double s = a1 + step * i, e = s + step;
        double x0, y0, x3, y3;
        on_circle(cx, cy, r, s, &x0, &y0);
        on_circle(cx, cy, r, e, &x3, &y3);
        /* tangents: d/da of (sin a, −cos a) is (cos a, sin a) */
        jd_path_seg seg = {JD_PATH_CURVE,
                           {x0 + k * cos(s), x3 - k * cos(e), x3},
                           {y0 + k * sin(s), y3 - k * sin(e), y3}};
        g_array_append_val(segs, seg);
    }
}

/* The 序时进度 mark: a triangle pointing down at (x, y) over a dotted line `length` long. */
static void add_mark(chart *c, double x, double y, double length)
{
    if (!c->page) return;
    jd_path_seg tri[] = {pt(JD_PATH_MOVE, x - 3, y - 4.5), pt(JD_PATH_LINE, x + 3, y - 4.5),
                         pt(JD_PATH_LINE, x, y), pt(JD_PATH_CLOSE, 0, 0)};
    jd_path t = {.segs = tri, .n_segs = 4, .fill = true, .fill_color = 0x000000};
    jd_page_add_path(c->page, &t);
    jd_path_seg line[] = {pt(JD_PATH_MOVE, x, y), pt(JD_PATH_LINE, x, y + length)};
    jd_path d = {.segs = line, .n_segs = 2, .stroke_width = 0.8, .stroke_color = 0x000000};
    d.dash_on = d.dash_off = 1;
    jd_page_add_path(c->page, &d);
}

/* ---- legend ------------------------------------------------------------------------ */

enum { SW_FILL, SW_LINE, SW_TARGET, SW_MARK };

typedef struct {
    text t;
    int swatch, series;
} legend_entry;

static double entry_width(const legend_entry *e)
{
    return SWATCH_W + GAP + e->t.width;
}

static void draw_swatch(chart *c, const legend_entry *e, double x, double cy)
{
    if (!c->page) return;
    switch (e->swatch) {
    case SW_FILL:
        add_box_path(c, x, cy - SWATCH_H / 2, SWATCH_W, SWATCH_H, e->series);
        break;
    case SW_LINE: {
        jd_path_seg segs[] = {pt(JD_PATH_MOVE, x, cy), pt(JD_PATH_LINE, x + SWATCH_W, cy)};
        jd_path p = {.segs = segs, .n_segs = 2};
        line_stroke(c, &p, e->series);
        jd_page_add_path(c->page, &p);
        add_marker(c, x + SWATCH_W / 2, cy, e->series, 5);
        break;
    }
    case SW_TARGET:
        add_rule(c, x + SWATCH_W / 2, cy - SWATCH_H / 2 - 1, x + SWATCH_W / 2,
                 cy + SWATCH_H / 2 + 1, 2, 0x000000);
        break;
    case SW_MARK:
        add_mark(c, x + SWATCH_W / 2, cy, 4);
        break;
    }
}

/* Height of the legend laid out in rows of `width`; draws it when `draw` (rows centred). */
static double legend_rows(chart *c, legend_entry *e, size_t n, double x, double y, double width,
                          bool draw)
{
    double h = 0;
    size_t i = 0;
    while (i < n) {
        /* as many entries as fit the row (at least one) */
        size_t j = i;
        double w = 0, row_h = SWATCH_H;
        while (j < n && (j == i || w + LEGEND_GAP + entry_width(&e[j]) <= width)) {
            w += (j > i ? LEGEND_GAP : 0) + entry_width(&e[j]);
            row_h = MAX(row_h, e[j].t.height);
            j++;
        }
        if (draw) {
            double ex = x + MAX(0, (width - w) / 2);
            for (size_t k = i; k < j; k++) {
                draw_swatch(c, &e[k], ex, y + h + row_h / 2);
                draw_fixed(c, &e[k].t, ex + SWATCH_W + GAP, y + h + (row_h - e[k].t.height) / 2, 0);
                ex += entry_width(&e[k]) + LEGEND_GAP;
            }
        }
        h += row_h + (j < n ? 2 : 0);
        i = j;
    }
    return h;
}

/* One entry per line, for a legend at the right. */
static void legend_column(chart *c, legend_entry *e, size_t n, double x, double y)
{
    for (size_t k = 0; k < n; k++) {
        double row_h = MAX(SWATCH_H, e[k].t.height);
        draw_swatch(c, &e[k], x, y + row_h / 2);
        draw_fixed(c, &e[k].t, x + SWATCH_W + GAP, y + (row_h - e[k].t.height) / 2, 0);
        y += row_h + 2;
    }
}

static double column_height(const legend_entry *e, size_t n)
{
    double h = 0;
    for (size_t k = 0; k < n; k++)
        h += MAX(SWATCH_H, e[k].t.height) + (k + 1 < n ? 2 : 0);
    return h;
}

/* ---- value axes -------------------------------------------------------------------- */

typedef struct {
    jl_ticks ticks;
    text *labels; /* one per tick */
    double widest, tallest;
} axis;

static void axis_free(axis *a)
{
    for (int i = 0; a->labels && i < a->ticks.count; i++)
        text_free(&a->labels[i]);
    g_free(a->labels);
    a->labels = NULL;
}

/* Nice ticks over [lo, hi] for an axis `length` pt long: vertical axes keep ticks at least
 * two label heights apart; horizontal ones drop ticks until the widest label fits between
 * two of them. */
static void axis_make(chart *c, axis *a, double lo, double hi, double length, bool horizontal)
{
    double lh = jl_style_line_height(c->st[CS_SMALL]);
    int max_ticks = CLAMP((int)(length / (horizontal ? 3 * lh : 1.5 * lh)) + 1, 2, 11);
    for (;;) {
        memset(a, 0, sizeof *a);
        jl_nice_ticks(lo, hi, max_ticks, &a->ticks);
        a->labels = g_new0(text, a->ticks.count);
        for (int i = 0; i < a->ticks.count; i++) {
            char *s = format_number(jl_tick_at(&a->ticks, i), a->ticks.decimals);
            a->labels[i] = text_make(c, CS_SMALL, s, 0);
            g_free(s);
            a->widest = MAX(a->widest, a->labels[i].width);
            a->tallest = MAX(a->tallest, a->labels[i].height);
        }
        double spacing = length / MAX(1, a->ticks.count - 1);
        if (!horizontal || a->widest + GAP <= spacing || max_ticks <= 2) return;
        axis_free(a);
        max_ticks--;
    }
}

static double axis_pos(const axis *a, double v, double start, double length)
{
    double span = a->ticks.max - a->ticks.min;
    return start + (v - a->ticks.min) / (span > 0 ? span : 1) * length;
}

/* Every value of every series (with progress targets and marks), and zero when bars
 * start there. */
static void value_range(const chart *c, bool with_zero, double *lo, double *hi)
{
    *lo = with_zero ? 0 : INFINITY;
    *hi = with_zero ? 0 : -INFINITY;
    for (size_t s = 0; s < c->n_series; s++)
        for (size_t i = 0; i < c->n; i++) {
            double v = c->values[s][i];
            if (isnan(v)) continue;
            *lo = MIN(*lo, v);
            *hi = MAX(*hi, v);
        }
    if (*lo > *hi) *lo = *hi = 0;
}

/* ---- category labels --------------------------------------------------------------- */

/* Labels of the categories in slots `slot` pt wide (vertical charts) or high (rows, whose
 * labels are `width` wide): wrapped to two lines, shortened, and with `*every` > 1 when
 * only every k-th one is shown. */
static text *category_labels(chart *c, double slot, double width, bool rows, size_t *every)
{
    text *t = g_new0(text, c->n);
    double fs = c->st[CS_LABEL]->font_size, lh = jl_style_line_height(c->st[CS_LABEL]);
    /* room for a label: a line (rows), or across, half the widest label (it may take two
     * lines) but at least two characters and no more than four are needed */
    double need = lh;
    if (!rows) {
        double widest = 0;
        for (size_t i = 0; i < c->n; i++) {
            text w = text_make(c, CS_LABEL, c->labels[i], 0);
            widest = MAX(widest, w.width);
            text_free(&w);
        }
        need = CLAMP(widest / 2 + 2, 2 * fs + 2, 4 * fs + 2);
    }
    size_t k = 1;
    while (slot * (double)k < need && k < c->n)
        k++;
    for (size_t i = 0; i < c->n; i += k) {
        size_t lines = rows ? MAX(1, MIN(2, (size_t)(slot * (double)k / lh))) : 2;
        t[i] = text_fit(c, CS_LABEL, c->labels[i], rows ? width : slot * (double)k - 2, lines);
    }
    *every = k;
    return t;
}

static void category_labels_free(chart *c, text *t)
{
    for (size_t i = 0; i < c->n; i++)
        if (t[i].box) text_free(&t[i]);
    g_free(t);
}

/* ---- bars and lines ---------------------------------------------------------------- */

/* A value label centred at x, above the span [y_top, y_bottom] (a bar's end, a marker) or
 * below it, whichever `below_first` prefers and is free. */
static void value_label(chart *c, double v, double x, double y_top, double y_bottom, box area,
                        bool below_first, bool halo)
{
    char *s = value_text(c, v);
    text t = text_make(c, CS_SMALL, s, 0);
    g_free(s);
    double above = y_top - 1 - t.height, below = y_bottom + 1;
    double xs[2] = {x - t.width / 2, x - t.width / 2};
    double ys[2] = {below_first ? below : above, below_first ? above : below};
    place_label(c, &t, xs, ys, 2, area, halo);
    text_free(&t);
}

static void draw_vertical(chart *c, box b, bool lines)
{
    double lh_small = jl_style_line_height(c->st[CS_SMALL]);
    double lh = jl_style_line_height(c->st[CS_LABEL]);
    /* the category labels take two lines under the plot; above it, a line for the unit
     * and the value labels of the highest bars or points */
    double top = b.y0 + (c->value_labels ? lh_small + 6 : 0);
    if (c->unit && *c->unit) top = MAX(top, b.y0 + lh_small + 2);
    /* category labels start below the half of the lowest tick label that hangs under the
     * axis, so they may reach left under the tick labels */
    double label_gap = MAX(GAP, lh_small / 2 + 1);
    double bottom = b.y1 - 2 * lh - label_gap;
    double lo, hi;
    value_range(c, !lines, &lo, &hi);
    axis ax;
    axis_make(c, &ax, lo, hi, MAX(bottom - top, 10), false);
    double px = b.x0 + ax.widest + GAP, pw = MAX(b.x1 - px, 10), ph = MAX(bottom - top, 10);
    size_t every;
    double slot = pw / (double)c->n;
    text *cats = category_labels(c, slot, 0, false, &every);
    box chart_box = {b.x0, b.y0, b.x1, b.y1};

    if (c->unit && *c->unit) {
        char *u = g_strdup_printf("单位：%s", c->unit);
        text t = text_make(c, CS_SMALL, u, 0);
        draw_fixed(c, &t, b.x0, b.y0, 0);
        text_free(&t);
        g_free(u);
    }
    /* grid and tick labels */
    for (int i = 0; i < ax.ticks.count; i++) {
        double v = jl_tick_at(&ax.ticks, i), y = axis_pos(&ax, v, bottom, -ph);
        if (v != 0) add_rule(c, px, y, px + pw, y, 0.4, GRID_COLOR);
        draw_fixed(c, &ax.labels[i], px - GAP, y - ax.labels[i].height / 2, 2);
    }
    add_rule(c, px, top, px, bottom, 0.5, 0x000000);
    double zero_y = axis_pos(&ax,
                             ax.ticks.min > 0   ? ax.ticks.min
                             : ax.ticks.max < 0 ? ax.ticks.max
                                                : 0,
                             bottom, -ph);
    for (size_t i = 0; i < c->n; i += every) {
        double cx = px + slot * ((double)i + 0.5);
        /* centred on its slot, kept inside the chart; left out if that makes it touch
         * another label */
        double half = cats[i].width / 2;
        double x = CLAMP(cx, b.x0 + half, MAX(b.x0 + half, b.x1 - half));
        box lb = {x - half, bottom + label_gap, x + half, bottom + label_gap + cats[i].height};
        if (box_free(c, lb, b)) {
            box_take(c, lb);
            text_draw(c, &cats[i], x, bottom + label_gap, 1);
        }
    }
    if (!lines) {
        double group = slot * (c->n_series > 2 ? 0.8 : 0.7);
        double bw = group / (double)c->n_series;
        for (size_t i = 0; i < c->n; i++)
            for (size_t s = 0; s < c->n_series; s++) {
                double v = c->values[s][i];
                if (isnan(v)) continue;
                double x = px + slot * (double)i + (slot - group) / 2 + bw * (double)s;
                double y = axis_pos(&ax, v, bottom, -ph);
                add_box_path(c, x, MIN(y, zero_y), bw, fabs(zero_y - y), (int)s);
                box_take(
                    c, (box){x, MIN(y, zero_y), x + bw, MAX(y, zero_y)}); /* labels keep off bars */
            }
        add_rule(c, px, zero_y, px + pw, zero_y, 0.7, 0x000000);
        if (c->value_labels)
            for (size_t i = 0; i < c->n; i++)
                for (size_t s = 0; s < c->n_series; s++) {
                    double v = c->values[s][i];
                    double x = px + slot * (double)i + (slot - group) / 2 + bw * ((double)s + 0.5);
                    double y = isnan(v) ? zero_y : axis_pos(&ax, v, bottom, -ph);
                    value_label(c, v, x, y, y, chart_box, !isnan(v) && v < 0, true);
                }
    } else {
        for (size_t s = 0; s < c->n_series; s++) {
            GArray *segs = g_array_new(FALSE, FALSE, sizeof(jd_path_seg));
            bool pen = false;
            for (size_t i = 0; i < c->n; i++) {
                double v = c->values[s][i];
                if (isnan(v)) { /* a gap in the line */
                    pen = false;
                    continue;
                }
                jd_path_seg seg = pt(pen ? JD_PATH_LINE : JD_PATH_MOVE,
                                     px + slot * ((double)i + 0.5), axis_pos(&ax, v, bottom, -ph));
                g_array_append_val(segs, seg);
                pen = true;
            }
            if (c->page && segs->len) {
                jd_path p = {.segs = (const jd_path_seg *)segs->data, .n_segs = segs->len};
                line_stroke(c, &p, (int)s);
                jd_page_add_path(c->page, &p);
            }
            for (size_t i = 0; i < c->n; i++)
                if (!isnan(c->values[s][i])) {
                    double mx = px + slot * ((double)i + 0.5),
                           my = axis_pos(&ax, c->values[s][i], bottom, -ph);
                    add_marker(c, mx, my, (int)s, 5);
                    box_take(c,
                             (box){mx - 3, my - 3, mx + 3, my + 3}); /* labels keep off markers */
                }
            g_array_free(segs, TRUE);
        }
        if (c->value_labels)
            for (size_t i = 0; i < c->n; i++)
                for (size_t s = 0; s < c->n_series; s++) {
                    double v = c->values[s][i];
                    if (isnan(v)) continue;
                    double y = axis_pos(&ax, v, bottom, -ph);
                    /* above the marker, or below it when the first series is higher here */
                    value_label(c, v, px + slot * ((double)i + 0.5), y - 3.5, y + 3.5, chart_box,
                                s > 0 && !isnan(c->values[0][i]) && c->values[0][i] > v, false);
                }
    }
    category_labels_free(c, cats);
    axis_free(&ax);
}

static void draw_horizontal(chart *c, box b)
{
    double lh_small = jl_style_line_height(c->st[CS_SMALL]);
    double lo, hi;
    value_range(c, true, &lo, &hi);
    double bottom = b.y1 - lh_small - GAP, top = b.y0;
    if (c->unit && *c->unit) top += lh_small + 2;
    double slot = (bottom - top) / (double)c->n;
    /* the label column: as wide as the labels, at most a third of the chart */
    double widest = 0;
    for (size_t i = 0; i < c->n; i++) {
        text t = text_make(c, CS_LABEL, c->labels[i], 0);
        widest = MAX(widest, t.width);
        text_free(&t);
    }
    double label_w = MIN(widest, (b.x1 - b.x0) / 3);
    size_t every;
    text *cats = category_labels(c, slot, label_w, true, &every);
    /* room at the right for the value labels of the longest bars */
    double value_w = 0;
    if (c->value_labels)
        for (size_t s = 0; s < c->n_series; s++)
            for (size_t i = 0; i < c->n; i++) {
                char *str = value_text(c, c->values[s][i]);
                text t = text_make(c, CS_SMALL, str, 0);
                value_w = MAX(value_w, t.width + 2);
                text_free(&t);
                g_free(str);
            }
    double px = b.x0 + label_w + GAP, pw = MAX(b.x1 - px - value_w, 10);
    axis ax;
    axis_make(c, &ax, lo, hi, pw, true);
    if (c->unit && *c->unit) {
        char *u = g_strdup_printf("单位：%s", c->unit);
        text t = text_make(c, CS_SMALL, u, 0);
        draw_fixed(c, &t, b.x1, b.y0, 2);
        text_free(&t);
        g_free(u);
    }
    for (int i = 0; i < ax.ticks.count; i++) {
        double v = jl_tick_at(&ax.ticks, i), x = axis_pos(&ax, v, px, pw);
        if (v != 0) add_rule(c, x, top, x, bottom, 0.4, GRID_COLOR);
        draw_fixed(c, &ax.labels[i], x, bottom + GAP, 1);
    }
    add_rule(c, px, bottom, px + pw, bottom, 0.5, 0x000000);
    double zero_x = axis_pos(&ax, 0, px, pw);
    for (size_t i = 0; i < c->n; i += every) {
        /* level with its row, kept inside the chart; left out if that makes it touch
         * another label */
        double y = CLAMP(top + slot * ((double)i + 0.5) - cats[i].height / 2, b.y0,
                         MAX(b.y0, bottom - cats[i].height));
        box lb = {px - GAP - cats[i].width, y, px - GAP, y + cats[i].height};
        if (box_free(c, lb, b)) {
            box_take(c, lb);
            text_draw(c, &cats[i], px - GAP, y, 2);
        }
    }
    double group = slot * (c->n_series > 2 ? 0.8 : 0.7), bh = group / (double)c->n_series;
    for (size_t i = 0; i < c->n; i++)
        for (size_t s = 0; s < c->n_series; s++) {
            double v = c->values[s][i];
            if (isnan(v)) continue;
            double y = top + slot * (double)i + (slot - group) / 2 + bh * (double)s;
            double x = axis_pos(&ax, v, px, pw);
            add_box_path(c, MIN(x, zero_x), y, fabs(x - zero_x), bh, (int)s);
            box_take(c,
                     (box){MIN(x, zero_x), y, MAX(x, zero_x), y + bh}); /* labels keep off bars */
        }
    for (size_t i = 0; i < c->n && c->value_labels; i++)
        for (size_t s = 0; s < c->n_series; s++) {
            double v = c->values[s][i];
            double y = top + slot * (double)i + (slot - group) / 2 + bh * (double)s;
            double x = isnan(v) ? zero_x : axis_pos(&ax, v, px, pw);
            char *str = value_text(c, v);
            text t = text_make(c, CS_SMALL, str, 0);
            g_free(str);
            bool left = !isnan(v) && v < 0;
            double xs[1] = {left ? x - 2 - t.width : x + 2};
            double ys[1] = {y + bh / 2 - t.height / 2};
            place_label(c, &t, xs, ys, 1, b, true);
            text_free(&t);
        }
    add_rule(c, zero_x, top, zero_x, bottom, 0.7, 0x000000);
    category_labels_free(c, cats);
    axis_free(&ax);
}

/* ---- pie and ring ------------------------------------------------------------------ */

static void draw_pie(chart *c, box b, bool ring)
{
    const double *v = c->values[0];
    double total = 0;
    for (size_t i = 0; i < c->n; i++)
        total += v[i];
    /* rounded so they add up to 100.0%, as the legend and any sentence print them */
    long *tenths = g_new(long, c->n);
    jd_shares(v, c->n, 1, tenths);
    double label_room = c->st[CS_SMALL]->font_size * 3.2;
    double d = MIN(b.x1 - b.x0 - 2 * label_room,
                   b.y1 - b.y0 - 2 * (jl_style_line_height(c->st[CS_SMALL]) + GAP));
    double r = MAX(d / 2, 10), inner = ring ? r * 0.55 : 0;
    double cx = (b.x0 + b.x1) / 2, cy = (b.y0 + b.y1) / 2;
    GArray *segs = g_array_new(FALSE, FALSE, sizeof(jd_path_seg));
    double start = 0;
    for (size_t i = 0; i < c->n; i++) {
        double sweep = total > 0 ? v[i] / total * 2 * G_PI : 0;
        if (sweep <= 0) continue;
        double end = start + sweep;
        g_array_set_size(segs, 0);
        double x, y;
        bool whole = sweep >= 2 * G_PI - 1e-9;
        if (!ring && !whole) {
            jd_path_seg m = pt(JD_PATH_MOVE, cx, cy);
            g_array_append_val(segs, m);
            on_circle(cx, cy, r, start, &x, &y);
            jd_path_seg l = pt(JD_PATH_LINE, x, y);
            g_array_append_val(segs, l);
        } else {
            on_circle(cx, cy, r, start, &x, &y);
            jd_path_seg m = pt(JD_PATH_MOVE, x, y);
            g_array_append_val(segs, m);
        }
        add_arc(segs, cx, cy, r, start, end);
        if (ring) {
            on_circle(cx, cy, inner, end, &x, &y);
            jd_path_seg l = pt(whole ? JD_PATH_MOVE : JD_PATH_LINE, x, y);
            if (whole) { /* the hole: the outer circle closed, the inner one the other way */
                jd_path_seg z = pt(JD_PATH_CLOSE, 0, 0);
                g_array_append_val(segs, z);
            }
            g_array_append_val(segs, l);
            add_arc(segs, cx, cy, inner, end, start);
        }
        jd_path_seg z = pt(JD_PATH_CLOSE, 0, 0);
        g_array_append_val(segs, z);
        if (c->page) {
            jd_path p = {.segs = (const jd_path_seg *)segs->data, .n_segs = segs->len};
            apply_fill(c, &p, (int)i);
            jd_page_add_path(c->page, &p);
        }
        start = end;
    }
    if (total <= 0 && c->page) { /* nothing to share: an empty outline */
        g_array_set_size(segs, 0);
        double x, y;
        on_circle(cx, cy, r, 0, &x, &y);
        jd_path_seg m = pt(JD_PATH_MOVE, x, y);
        g_array_append_val(segs, m);
        add_arc(segs, cx, cy, r, 0, 2 * G_PI);
        jd_path_seg z = pt(JD_PATH_CLOSE, 0, 0);
        g_array_append_val(segs, z);
        jd_path p = {.segs = (const jd_path_seg *)segs->data,
                     .n_segs = segs->len,
                     .stroke_width = 0.5,
                     .stroke_color = 0x808080};
        jd_page_add_path(c->page, &p);
    }
    g_array_free(segs, TRUE);
    if (ring) {
        /* the total in the hole */
        char *num = format_number(total, c->decimals);
        char *big = g_strconcat(num, c->unit ? c->unit : "", NULL);
        text tb = text_make(c, CS_BIG, big, 0), ts = text_make(c, CS_SMALL, "合计", 0);
        double h = tb.height + ts.height;
        draw_fixed(c, &tb, cx, cy - h / 2, 1);
        draw_fixed(c, &ts, cx, cy - h / 2 + tb.height, 1);
        text_free(&tb);
        text_free(&ts);
        g_free(big);
        g_free(num);
    }
    /* each share outside its slice, where it overlaps nothing */
    start = 0;
    for (size_t i = 0; i < c->n; i++) {
        double sweep = total > 0 ? v[i] / total * 2 * G_PI : 0;
        double mid = start + sweep / 2;
        start += sweep;
        if (sweep <= 0) continue;
        char *s = jd_share_text(tenths[i], 1);
        text t = text_make(c, CS_SMALL, s, 0);
        g_free(s);
        /* beside the slice; else centred over (or under) its middle, or nudged up or down;
         * else farther out along its middle, joined to the slice by a leader line (small
         * neighbouring slices push each other's labels away) */
        enum { NEAR = 4, FAR = 6, CANDIDATES = NEAR + FAR };
        double xs[CANDIDATES], ys[CANDIDATES], ax[CANDIDATES], ay[CANDIDATES];
        double x, y;
        on_circle(cx, cy, r + GAP, mid, &x, &y);
        bool right = sin(mid) >= 0, top = cos(mid) >= 0;
        double side_x = right ? x : x - t.width, side_y = y - t.height / 2 - cos(mid) * t.height / 2;
        xs[0] = side_x, ys[0] = side_y;
        xs[1] = x - t.width / 2, ys[1] = top ? y - t.height : y;
        xs[2] = side_x, ys[2] = side_y - t.height * 0.8 * (top ? 1 : -1);
        xs[3] = side_x, ys[3] = side_y + t.height * 0.8 * (top ? 1 : -1);
        /* farther out: a step sideways and a line up (or down) at a time, away from the
         * centre, the leader line ending at the label's side nearer the slice */
        for (int k = 0; k < FAR; k++) {
            double out = (k + 1) * t.height;
            xs[NEAR + k] = side_x + (right ? out / 2 : -out / 2);
            ys[NEAR + k] = side_y + (top ? -out : out);
            ax[NEAR + k] = right ? xs[NEAR + k] - GAP / 2 : xs[NEAR + k] + t.width + GAP / 2;
            ay[NEAR + k] = ys[NEAR + k] + t.height / 2;
        }
        int at = -1;
        for (int k = 0; k < CANDIDATES && at < 0; k++)
            if (place_label(c, &t, &xs[k], &ys[k], 1, b, false)) at = k;
        if (at >= NEAR && c->page) {
            double x0, y0;
            on_circle(cx, cy, r, mid, &x0, &y0);
            jd_path_seg leader[] = {pt(JD_PATH_MOVE, x0, y0), pt(JD_PATH_LINE, ax[at], ay[at])};
            jd_path p = {.segs = leader, .n_segs = G_N_ELEMENTS(leader), .stroke_width = 0.5, .stroke_color = 0x000000};
            jd_page_add_path(c->page, &p);
        }
        text_free(&t);
    }
    g_free(tenths);
}

/* ---- progress ---------------------------------------------------------------------- */

typedef struct {
    const double *value, *target, *mark;
    const char *value_name, *target_name, *mark_name;
    text *labels, *notes;
    double label_w, note_w, pitch;
} progress;

static void progress_measure(chart *c, progress *p, double width)
{
    memset(p, 0, sizeof *p);
    for (size_t s = 0; s < c->n_series; s++) {
        const char *role = jd_node_string(c->series[s], JD_ATTR_ROLE);
        const char *name = jd_node_string(c->series[s], JD_ATTR_NAME);
        if (role && strcmp(role, "target") == 0)
            p->target = c->values[s], p->target_name = name;
        else if (role && strcmp(role, "mark") == 0)
            p->mark = c->values[s], p->mark_name = name;
        else
            p->value = c->values[s], p->value_name = name;
    }
    double widest = 0;
    for (size_t i = 0; i < c->n; i++) {
        text t = text_make(c, CS_LABEL, c->labels[i], 0);
        widest = MAX(widest, t.width);
        text_free(&t);
    }
    p->label_w = MIN(widest, width * 0.3);
    p->labels = g_new0(text, c->n);
    p->notes = g_new0(text, c->n);
    double lh = jl_style_line_height(c->st[CS_LABEL]);
    p->pitch = 2.6 * c->st[CS_LABEL]->font_size;
    for (size_t i = 0; i < c->n; i++) {
        p->labels[i] = text_fit(c, CS_LABEL, c->labels[i], p->label_w, 2);
        p->pitch = MAX(p->pitch, p->labels[i].height + 6);
        char *note = c->notes ? g_strdup(c->notes[i]) : value_text(c, p->value ? p->value[i] : NAN);
        p->notes[i] = text_fit(c, CS_SMALL, note, width * 0.3, 2);
        p->note_w = MAX(p->note_w, p->notes[i].width);
        g_free(note);
    }
    (void)lh;
}

static void progress_free(chart *c, progress *p)
{
    for (size_t i = 0; i < c->n; i++) {
        text_free(&p->labels[i]);
        text_free(&p->notes[i]);
    }
    g_free(p->labels);
    g_free(p->notes);
}

static void draw_progress(chart *c, box b, progress *p)
{
    double lh_small = jl_style_line_height(c->st[CS_SMALL]);
    double top = b.y0, bottom = b.y1 - lh_small - GAP;
    if (c->unit && *c->unit) top += lh_small + 2;
    double pitch = (bottom - top) / (double)c->n;
    double tx = b.x0 + p->label_w + GAP * 2, tw = MAX(b.x1 - tx - p->note_w - GAP * 2, 10);
    double lo, hi;
    value_range(c, true, &lo, &hi);
    axis ax;
    axis_make(c, &ax, lo, hi, tw, true);
    if (c->unit && *c->unit) {
        char *u = g_strdup_printf("单位：%s", c->unit);
        text t = text_make(c, CS_SMALL, u, 0);
        draw_fixed(c, &t, b.x1, b.y0, 2);
        text_free(&t);
        g_free(u);
    }
    for (int i = 0; i < ax.ticks.count; i++) {
        double v = jl_tick_at(&ax.ticks, i), x = axis_pos(&ax, v, tx, tw);
        add_rule(c, x, top, x, bottom, 0.4, GRID_COLOR);
        draw_fixed(c, &ax.labels[i], x, bottom + GAP, 1);
    }
    double zero_x = axis_pos(&ax, 0, tx, tw);
    for (size_t i = 0; i < c->n; i++) {
        double row = top + pitch * (double)i, mid = row + pitch / 2;
        double track_h = MIN(pitch * 0.55, c->st[CS_LABEL]->font_size * 1.2),
               bar_h = track_h * 0.55;
        draw_fixed(c, &p->labels[i], tx - GAP * 2, mid - p->labels[i].height / 2, 2);
        if (c->page) {
            jd_rect track = {tx, mid - track_h / 2, tw, track_h, true, TRACK_COLOR, 0, 0};
            jd_page_add_rect(c->page, &track);
        }
        double v = p->value ? p->value[i] : NAN;
        if (!isnan(v)) {
            double x = axis_pos(&ax, v, tx, tw);
            add_box_path(c, MIN(x, zero_x), mid - bar_h / 2, fabs(x - zero_x), bar_h, 0);
        }
        if (p->target && !isnan(p->target[i])) {
            double x = axis_pos(&ax, p->target[i], tx, tw);
            add_rule(c, x, mid - track_h / 2 - 1.5, x, mid + track_h / 2 + 1.5, 2, 0x000000);
        }
        if (p->mark && !isnan(p->mark[i]))
            add_mark(c, axis_pos(&ax, p->mark[i], tx, tw), mid - track_h / 2, track_h);
        draw_fixed(c, &p->notes[i], tx + tw + GAP * 2, mid - p->notes[i].height / 2, 0);
    }
    add_rule(c, zero_x, top, zero_x, bottom, 0.7, 0x000000);
    axis_free(&ax);
}

/* ---- the chart as a whole ---------------------------------------------------------- */

static int kind_of(const char *s)
{
    static const char *const names[] = {"bar", "line", "pie", "ring", "progress"};
    for (int i = 0; s && i < (int)G_N_ELEMENTS(names); i++)
        if (strcmp(s, names[i]) == 0) return i;
    return -1;
}

static int legend_of(const char *s)
{
    static const char *const names[] = {"bottom", "top", "right", "none"};
    for (int i = 0; s && i < (int)G_N_ELEMENTS(names); i++)
        if (strcmp(s, names[i]) == 0) return i;
    return -1;
}

/* The chart's data and settings; false (reported) for a node the template should never
 * have made. */
static bool chart_read(chart *c, jl_ctx *ctx, const jd_node *node)
{
    memset(c, 0, sizeof *c);
    c->ctx = ctx;
    c->node = node;
    chart_styles(ctx, jd_node_style(node), c->st);
    c->kind = kind_of(jd_node_string(node, JD_ATTR_KIND));
    c->labels = jd_node_strings(node, JD_ATTR_LABELS, &c->n);
    size_t n_notes = 0;
    c->notes = jd_node_strings(node, JD_ATTR_NOTES, &n_notes);
    const char *problem = NULL;
    if (c->kind < 0)
        problem = "unknown chart kind";
    else if (c->n == 0)
        problem = "a chart without categories";
    else if (c->notes && n_notes != c->n)
        problem = "a chart with notes for some categories only";
    for (const jd_node *s = jd_node_first_child(node); s && !problem; s = jd_node_next(s)) {
        size_t n = 0;
        const double *v = jd_node_numbers(s, JD_ATTR_VALUES, &n);
        if (jd_node_get_type(s) != JD_NODE_SERIES || n != c->n)
            problem = "a chart series without a value for each category";
        else if (c->n_series == MAX_SERIES)
            problem = "a chart with more series than it can draw apart (8)";
        else {
            c->series[c->n_series] = s;
            c->values[c->n_series++] = v;
        }
    }
    if (!problem && c->n_series == 0) problem = "a chart without series";
    if (!problem && (c->kind == KIND_PIE || c->kind == KIND_RING) && c->n > MAX_SERIES)
        problem = "a pie with more slices than it can draw apart (8)";
    if (problem) {
        jd_diags_add(ctx->diags, JD_ERROR, jd_node_source_file(node), jd_node_source_line(node), 0,
                     "cannot draw %s", problem);
        ctx->failed = true;
        return false;
    }
    const char *orient = jd_node_string(node, JD_ATTR_ORIENT);
    c->horizontal = orient && strcmp(orient, "horizontal") == 0;
    const char *palette = jd_node_string(node, JD_ATTR_PALETTE);
    c->color = palette && strcmp(palette, "color") == 0;
    c->value_labels = jd_node_int(node, JD_ATTR_VALUE_LABELS, 1) != 0;
    c->decimals = (int)jd_node_int(node, JD_ATTR_DECIMALS, -1);
    c->unit = jd_node_string(node, JD_ATTR_UNIT);
    c->missing = jd_node_string(node, JD_ATTR_MISSING_LABEL);
    if (!c->missing) c->missing = "无数据";
    c->legend = legend_of(jd_node_string(node, JD_ATTR_LEGEND));
    if (c->legend < 0) {
        if (c->kind == KIND_PIE || c->kind == KIND_RING)
            c->legend = LEGEND_RIGHT;
        else if (c->kind == KIND_PROGRESS)
            c->legend = c->n_series > 1 ? LEGEND_BOTTOM : LEGEND_NONE;
        else
            c->legend = c->n_series > 1 ? LEGEND_BOTTOM : LEGEND_NONE;
    }
    c->placed = g_array_new(FALSE, FALSE, sizeof(box));
    c->grid =
        g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, (GDestroyNotify)g_array_unref);
    c->texts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)jl_box_free);
    return true;
}

static legend_entry *legend_entries(chart *c, size_t *n)
{
    legend_entry *e;
    if (c->kind == KIND_PIE || c->kind == KIND_RING) {
        long *tenths = g_new(long, c->n);
        jd_shares(c->values[0], c->n, 1, tenths);
        e = g_new0(legend_entry, c->n);
        for (size_t i = 0; i < c->n; i++) {
            char *v = format_number(c->values[0][i], c->decimals), *sh = jd_share_text(tenths[i], 1);
            char *s = g_strdup_printf("%s %s%s（%s）", c->labels[i], v, c->unit ? c->unit : "", sh);
            e[i] = (legend_entry){text_make(c, CS_LABEL, s, 0), SW_FILL, (int)i};
            g_free(s);
            g_free(sh);
            g_free(v);
        }
        g_free(tenths);
        *n = c->n;
        return e;
    }
    e = g_new0(legend_entry, c->n_series);
    for (size_t s = 0; s < c->n_series; s++) {
        const char *name = jd_node_string(c->series[s], JD_ATTR_NAME);
        int swatch = c->kind == KIND_LINE ? SW_LINE : SW_FILL;
        if (c->kind == KIND_PROGRESS) {
            const char *role = jd_node_string(c->series[s], JD_ATTR_ROLE);
            swatch = role && strcmp(role, "target") == 0 ? SW_TARGET
                     : role && strcmp(role, "mark") == 0 ? SW_MARK
                                                         : SW_FILL;
        }
        e[s] = (legend_entry){text_make(c, CS_LABEL, name ? name : "", 0), swatch, (int)s};
    }
    *n = c->n_series;
    return e;
}

static void legend_free(legend_entry *e, size_t n)
{
    for (size_t i = 0; i < n; i++)
        text_free(&e[i].t);
    g_free(e);
}

/* The title, the legend and the body inside; the body drawn by kind. */
static void chart_draw(chart *c, double x, double y, double w, double h, progress *prog)
{
    box b = {x, y, x + w, y + h};
    const char *title = jd_node_string(c->node, JD_ATTR_TITLE);
    if (title && *title) {
        text t = text_fit(c, CS_TITLE, title, w, 2);
        draw_fixed(c, &t, x + w / 2, b.y0, 1);
        b.y0 += t.height + GAP;
        text_free(&t);
    }
    /* the legend's room is set aside first and the legend drawn after the body, so the
     * page reads title, chart, legend */
    size_t n_entries = 0;
    legend_entry *entries = c->legend == LEGEND_NONE ? NULL : legend_entries(c, &n_entries);
    double legend_x = 0, legend_y = 0, legend_w = 0;
    if (c->legend == LEGEND_RIGHT) {
        for (size_t i = 0; i < n_entries; i++)
            legend_w = MAX(legend_w, entry_width(&entries[i]));
        if (legend_w > w * 0.5) { /* too wide for the side: underneath */
            c->legend = LEGEND_BOTTOM;
        } else {
            legend_x = b.x1 - legend_w;
            legend_y = (b.y0 + b.y1) / 2 - column_height(entries, n_entries) / 2;
            b.x1 -= legend_w + LEGEND_GAP;
        }
    }
    if (c->legend == LEGEND_TOP || c->legend == LEGEND_BOTTOM) {
        double lh = legend_rows(c, entries, n_entries, b.x0, 0, w, false);
        legend_x = b.x0;
        if (c->legend == LEGEND_TOP) {
            legend_y = b.y0;
            b.y0 += lh + GAP * 1.5;
        } else {
            legend_y = b.y1 - lh;
            b.y1 -= lh + GAP * 1.5;
        }
    }
    switch (c->kind) {
    case KIND_BAR:
        if (c->horizontal)
            draw_horizontal(c, b);
        else
            draw_vertical(c, b, false);
        break;
    case KIND_LINE:
        draw_vertical(c, b, true);
        break;
    case KIND_PIE:
    case KIND_RING:
        draw_pie(c, b, c->kind == KIND_RING);
        break;
    case KIND_PROGRESS:
        draw_progress(c, b, prog);
        break;
    }
    if (c->legend == LEGEND_RIGHT)
        legend_column(c, entries, n_entries, legend_x, legend_y);
    else if (c->legend != LEGEND_NONE)
        legend_rows(c, entries, n_entries, legend_x, legend_y, w, true);
    legend_free(entries, n_entries);
}

/* Height of everything but the rows of a progress chart or horizontal bars. */
static double frame_height(chart *c, double w)
{
    double h = 0;
    const char *title = jd_node_string(c->node, JD_ATTR_TITLE);
    if (title && *title) {
        text t = text_fit(c, CS_TITLE, title, w, 2);
        h += t.height + GAP;
        text_free(&t);
    }
    if (c->legend == LEGEND_TOP || c->legend == LEGEND_BOTTOM) {
        size_t n = 0;
        legend_entry *e = legend_entries(c, &n);
        h += legend_rows(c, e, n, 0, 0, w, false) + GAP * 1.5;
        legend_free(e, n);
    }
    double lh_small = jl_style_line_height(c->st[CS_SMALL]);
    if (c->unit && *c->unit) h += lh_small + 2;
    return h + lh_small + GAP; /* the value axis */
}

static double resolve(jd_length l, double of, double dflt)
{
    if (l.unit == JD_UNIT_PT) return l.value;
    if (l.unit == JD_UNIT_PERCENT) return of * l.value / 100.0;
    return dflt;
}

/* The chart's width and height in a flow `width` wide with a body `body_h` high: as the
 * template says, or from the content (rows of progress and horizontal bars), or a default
 * proportion of the width. */
static void chart_size(chart *c, double width, double body_h, progress *prog, double *w, double *h)
{
    const jd_node *node = c->node;
    *w = MAX(MIN(resolve(jd_node_length(node, JD_ATTR_WIDTH), width, width), width), 60);
    *h = resolve(jd_node_length(node, JD_ATTR_HEIGHT), body_h, -1);
    if (c->kind == KIND_PROGRESS) progress_measure(c, prog, *w);
    if (*h < 0) {
        double lh = jl_style_line_height(c->st[CS_LABEL]);
        if (c->kind == KIND_PROGRESS)
            *h = frame_height(c, *w) + prog->pitch * (double)c->n;
        else if (c->kind == KIND_BAR && c->horizontal)
            *h = frame_height(c, *w) + (double)c->n * MAX(2 * lh, (double)c->n_series * 9 + 8);
        else if (c->kind == KIND_PIE || c->kind == KIND_RING)
            *h = MIN(*w * 0.45, 200);
        else
            *h = MIN(*w * 0.55, 240);
    }
    *h = MAX(*h, 60);
}

static void chart_clear(chart *c, progress *prog)
{
    if (c->kind == KIND_PROGRESS && prog->labels) progress_free(c, prog);
    g_array_free(c->placed, TRUE);
    g_hash_table_destroy(c->grid);
    g_hash_table_destroy(c->texts);
}

double jl_chart_height(jl_ctx *ctx, const jd_node *node, double width, double body_height)
{
    /* a character no font has is reported here, once (the layout remembers which it
     * reported); a node the template should never have made is reported here and again
     * when laid out */
    chart c;
    double w = 0, h = 0;
    if (chart_read(&c, ctx, node)) {
        progress prog = {0};
        chart_size(&c, width, body_height, &prog, &w, &h);
        chart_clear(&c, &prog);
    }
    return h;
}

void jl_chart_layout(jl_flow *flow, const jd_node *node, bool page_has_content)
{
    jl_ctx *ctx = flow->ctx;
    chart c;
    if (!chart_read(&c, ctx, node)) return;
    double body_h = flow->bottom - flow->top, w, h;
    progress prog = {0};
    chart_size(&c, flow->width, body_h, &prog, &w, &h);
    if (h > body_h + 0.01) {
        jd_diags_add(ctx->diags, JD_ERROR, jd_node_source_file(node), jd_node_source_line(node), 0,
                     "the chart is %.0f pt high and the page body %.0f pt: give it fewer "
                     "categories or a smaller height",
                     h, body_h);
        ctx->failed = true;
    } else {
        const jd_style *s = jd_node_style(node);
        double x = flow->x;
        if (s->text_align == JD_ALIGN_CENTER)
            x += (flow->width - w) / 2;
        else if (s->text_align == JD_ALIGN_RIGHT)
            x += flow->width - w;
        if (page_has_content && flow->y + h > flow->bottom + 0.01) flow->new_page(flow);
        jl_flow_mark(flow, node, flow->y);
        c.page = flow->page;
        chart_draw(&c, x, flow->y, w, h, &prog);
        flow->y += h;
    }
    chart_clear(&c, &prog);
}
