/* The libharu backend: the same page list as the cairo backend, written through libharu
 * 2.3.0 for what cairo 1.16 cannot do — encryption with permissions, page labels, links
 * to later pages.
 *
 * Everything libharu would draw wrongly is refused before a page is drawn (haru_fonts.c).
 * libharu reports errors through a handler that only records them; each step checks the
 * record and turns it into a message, and then nothing is written. */
#include <cairo.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "haru_private.h"

/* Clusters are shown with one text operator while libharu's own advance lands each on
 * the position the layout gave it, within this many pt; otherwise each is placed itself. */
#define MERGE_TOLERANCE 0.01

typedef struct {
    HPDF_STATUS code, detail; /* the first error libharu reported */
} haru_error;

static void on_haru_error(HPDF_STATUS code, HPDF_STATUS detail, void *data)
{
    haru_error *e = data;
    if (e->code == HPDF_OK) {
        e->code = code;
        e->detail = detail;
    }
}

static const char *error_name(HPDF_STATUS code)
{
    static const struct {
        HPDF_STATUS code;
        const char *name;
    } names[] = {
        {HPDF_FAILD_TO_ALLOC_MEM, "out of memory"},
        {HPDF_FILE_IO_ERROR, "file input/output error"},
        {HPDF_FILE_OPEN_ERROR, "cannot open file"},
        {HPDF_FONT_EXISTS, "font already loaded"},
        {HPDF_INVALID_DATE_TIME, "invalid date"},
        {HPDF_INVALID_ENCRYPT_KEY_LEN, "invalid key length"},
        {HPDF_ENCRYPT_INVALID_PASSWORD, "invalid password"},
        {HPDF_INVALID_FONTDEF_DATA, "invalid font data"},
        {HPDF_INVALID_IMAGE, "invalid image"},
        {HPDF_INVALID_PARAMETER, "invalid parameter"},
        {HPDF_INVALID_TTC_FILE, "invalid TrueType collection"},
        {HPDF_INVALID_TTC_INDEX, "face index out of range"},
        {HPDF_PAGE_INVALID_SIZE, "invalid page size"},
        {HPDF_TTF_CANNOT_EMBEDDING_FONT, "the font forbids embedding"},
        {HPDF_TTF_INVALID_CMAP, "invalid character map"},
        {HPDF_TTF_INVALID_FOMAT, "invalid TrueType font"},
        {HPDF_TTF_MISSING_TABLE, "TrueType table missing"},
        {HPDF_ZLIB_ERROR, "zlib error"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
        if (names[i].code == code) return names[i].name;
    return "see hpdf_error.h";
}

typedef struct {
    const char *name;
    size_t page;
    double x, y;
} named_dest;

typedef struct {
    const jd_pages *pages;
    const jd_render_options *opts;
    const char *path;
    jd_diags *diags;
    haru_fonts *fonts;
    GHashTable *dests;  /* name → named_dest (first definition wins) */
    GHashTable *images; /* PNG path → HPDF_Image, each file embedded once */
    HPDF_Doc pdf;
    haru_error err;
    HPDF_Page *hpages;
    haru_spill *spill;
} render_ctx;

/* If libharu reported an error, adds it as a message naming what was being done and
 * returns true. */
static bool failed(render_ctx *c, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static bool failed(render_ctx *c, const char *fmt, ...)
{
    if (c->err.code == HPDF_OK) return false;
    va_list ap;
    va_start(ap, fmt);
    char *doing = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    jd_diags_add(c->diags, JD_ERROR, c->path, 0, 0,
                 "haru backend: libharu error 0x%04X (%s, detail %u) %s", (unsigned)c->err.code,
                 error_name(c->err.code), (unsigned)c->err.detail, doing);
    g_free(doing);
    return true;
}

/* ---- checks before anything is drawn ----------------------------------------------- */

static bool has_text(const char *s)
{
    return s && *s;
}

static bool is_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80) return false;
    return true;
}

static bool check_security(const render_ctx *c)
{
    const jd_render_options *o = c->opts;
    const char *problem = NULL;
    if (o->owner_password && !*o->owner_password)
        problem = "the owner password is empty";
    else if (has_text(o->user_password) && !has_text(o->owner_password))
        problem =
            "a user password needs an owner password as well (libharu encrypts only with one)";
    else if ((o->allow_print || o->allow_copy || o->allow_edit) && !has_text(o->owner_password))
        problem = "permissions need an owner password: without encryption a PDF cannot restrict "
                  "its readers";
    else if (has_text(o->owner_password) && has_text(o->user_password) &&
             strcmp(o->owner_password, o->user_password) == 0)
        problem =
            "the owner and user passwords must differ, or the user password would give full rights";
    else if ((o->owner_password && !is_ascii(o->owner_password)) ||
             (o->user_password && !is_ascii(o->user_password)))
        problem =
            "passwords must be ASCII: PDF 1.4 encryption passes them as single bytes, and readers "
            "would not match other characters";
    if (problem) jd_diags_add(c->diags, JD_ERROR, c->path, 0, 0, "haru backend: %s", problem);
    return problem == NULL;
}

static const struct {
    const char *name;
    HPDF_PageNumStyle style;
} label_styles[] = {
    {"decimal", HPDF_PAGE_NUM_STYLE_DECIMAL},
    {"upper-roman", HPDF_PAGE_NUM_STYLE_UPPER_ROMAN},
    {"lower-roman", HPDF_PAGE_NUM_STYLE_LOWER_ROMAN},
    {"upper-alpha", HPDF_PAGE_NUM_STYLE_UPPER_LETTERS},
    {"lower-alpha", HPDF_PAGE_NUM_STYLE_LOWER_LETTERS},
};

static bool label_style(const char *name, HPDF_PageNumStyle *style)
{
    for (size_t i = 0; i < G_N_ELEMENTS(label_styles); i++)
        if (strcmp(label_styles[i].name, name) == 0) {
            *style = label_styles[i].style;
            return true;
        }
    return false;
}

static bool check_label(const render_ctx *c)
{
    const char *label = jd_pages_page_label(c->pages);
    HPDF_PageNumStyle style;
    if (!label || label_style(label, &style)) return true;
    jd_diags_add(
        c->diags, JD_ERROR, c->path, 0, 0,
        "haru backend: page label style “%s” is not one of decimal, upper-roman, lower-roman, "
        "upper-alpha, lower-alpha",
        label);
    return false;
}

/* Collects named destinations and checks that every link and outline entry has a target. */
static bool check_targets(render_ctx *c)
{
    bool ok = true;
    size_t n_pages = jd_pages_count(c->pages);
    for (size_t p = 0; p < n_pages; p++) {
        const jd_page *page = jd_pages_get(c->pages, p);
        for (size_t i = 0; i < jd_page_item_count(page); i++) {
            const jd_item *it = jd_page_item(page, i);
            if (it->type != JD_ITEM_DEST || g_hash_table_contains(c->dests, it->u.dest.name))
                continue;
            /* the name copied: the page's items leave memory when other pages are read */
            named_dest *d = g_new(named_dest, 1);
            char *name = g_strdup(it->u.dest.name);
            *d = (named_dest){name, p, it->u.dest.x, it->u.dest.y};
            g_hash_table_insert(c->dests, name, d);
        }
    }
    for (size_t p = 0; p < n_pages; p++) {
        const jd_page *page = jd_pages_get(c->pages, p);
        for (size_t i = 0; i < jd_page_item_count(page); i++) {
            const jd_item *it = jd_page_item(page, i);
            if (it->type == JD_ITEM_LINK && it->u.link.dest &&
                !g_hash_table_contains(c->dests, it->u.link.dest)) {
                jd_diags_add(c->diags, JD_ERROR, c->path, 0, 0,
                             "haru backend: a link on page %zu points to “%s”, which the document "
                             "does not define",
                             p + 1, it->u.link.dest);
                ok = false;
            }
        }
    }
    for (size_t i = 0; i < jd_pages_outline_count(c->pages); i++) {
        const jd_outline_entry *e = jd_pages_outline(c->pages, i);
        if (e->page >= n_pages) {
            jd_diags_add(
                c->diags, JD_ERROR, c->path, 0, 0,
                "haru backend: outline entry “%s” points to page %zu of a %zu-page document",
                e->title, e->page + 1, n_pages);
            ok = false;
        }
    }
    return ok;
}

/* The creation date as libharu takes it (jd_render_creation_date has checked it). */
static bool parse_date(const char *iso, HPDF_Date *out)
{
    GTimeZone *utc = g_time_zone_new_utc();
    GDateTime *dt = g_date_time_new_from_iso8601(iso, utc);
    g_time_zone_unref(utc);
    if (!dt) return false;
    gint64 offset_min = g_date_time_get_utc_offset(dt) / G_TIME_SPAN_MINUTE;
    gint64 abs_min = offset_min < 0 ? -offset_min : offset_min;
    *out = (HPDF_Date){g_date_time_get_year(dt),
                       g_date_time_get_month(dt),
                       g_date_time_get_day_of_month(dt),
                       g_date_time_get_hour(dt),
                       g_date_time_get_minute(dt),
                       g_date_time_get_second(dt),
                       offset_min == 0  ? 'Z'
                       : offset_min > 0 ? '+'
                                        : '-',
                       (HPDF_INT)(abs_min / 60),
                       (HPDF_INT)(abs_min % 60)};
    g_date_time_unref(dt);
    return true;
}

/* ---- drawing ----------------------------------------------------------------------- */

static void set_fill(HPDF_Page page, uint32_t c)
{
    HPDF_Page_SetRGBFill(page, ((c >> 16) & 0xff) / 255.0f, ((c >> 8) & 0xff) / 255.0f,
                         (c & 0xff) / 255.0f);
}

static void set_stroke(HPDF_Page page, uint32_t c)
{
    HPDF_Page_SetRGBStroke(page, ((c >> 16) & 0xff) / 255.0f, ((c >> 8) & 0xff) / 255.0f,
                           (c & 0xff) / 255.0f);
}

/* Text being gathered for one show operator, and where the text line starts (PDF
 * coordinates: the next move is relative to it). */
typedef struct {
    HPDF_Page page;
    GString *text;
    double x, y;
    double line_x, line_y;
} text_piece;

static void show_piece(text_piece *t)
{
    if (t->text->len == 0) return;
    HPDF_Page_MoveTextPos(t->page, (HPDF_REAL)(t->x - t->line_x), (HPDF_REAL)(t->y - t->line_y));
    t->line_x = t->x;
    t->line_y = t->y;
    HPDF_Page_ShowText(t->page, t->text->str);
    g_string_truncate(t->text, 0);
}

/* `quarter_turns`: the run turned clockwise about its origin (the text matrix turns, and
 * the glyphs are placed along the run's own baseline). */
static bool draw_glyphs(render_ctx *c, HPDF_Page page, double page_h, const jd_glyph_run *r, int quarter_turns)
{
    HPDF_Font font = haru_fonts_get(c->fonts, c->pdf, r->font);
    if (failed(c, "loading font %s", haru_fonts_label(c->fonts, r->font))) return false;
    if (!font) {
        jd_diags_add(c->diags, JD_ERROR, c->path, 0, 0, "haru backend: cannot load font %s",
                     haru_fonts_label(c->fonts, r->font));
        return false;
    }
    bool bold = jd_pages_font(c->pages, r->font)->synthetic_bold;
    set_fill(page, r->color);
    if (bold) {
        /* cairo emboldens a synthetic bold by size/24 (FreeType's strength); a stroke of
         * that width around the filled outline thickens it alike */
        set_stroke(page, r->color);
        HPDF_Page_SetLineWidth(page, (HPDF_REAL)(r->size / 24));
        HPDF_Page_SetTextRenderingMode(page, HPDF_FILL_THEN_STROKE);
    }
    HPDF_Page_BeginText(page);
    HPDF_Page_SetFontAndSize(page, font, (HPDF_REAL)r->size);
    /* positions in the text space: the page's, or the turned run's own */
    double ox = r->x, oy = r->y, oh = page_h;
    if (quarter_turns) {
        static const int cosine[] = {1, 0, -1, 0}, sine[] = {0, -1, 0, 1}; /* clockwise, y up */
        int q = quarter_turns % 4;
        HPDF_Page_SetTextMatrix(page, (HPDF_REAL)cosine[q], (HPDF_REAL)sine[q], (HPDF_REAL)-sine[q],
                                (HPDF_REAL)cosine[q], (HPDF_REAL)r->x, (HPDF_REAL)(page_h - r->y));
        ox = oy = oh = 0;
    }
    text_piece t = {page, g_string_new(NULL), 0, 0, 0, 0};
    double next_x = 0; /* where libharu puts the next character after the gathered text */
    size_t pos = 0;
    jd_glyph_cluster cl;
    while (jd_next_glyph_cluster(r, &pos, &cl)) {
        if (haru_cluster_is_blank(r, &cl)) continue;
        const jd_glyph *g = &r->glyphs[cl.first];
        double x = ox + g->x, y = oh - (oy + g->y);
        const char *s = r->text + cl.start;
        size_t len = cl.end - cl.start;
        if (t.text->len == 0 || fabs(y - t.y) > MERGE_TOLERANCE ||
            fabs(x - next_x) > MERGE_TOLERANCE) {
            show_piece(&t);
            t.x = x;
            t.y = y;
            next_x = x;
        }
        g_string_append_len(t.text, s, (gssize)len);
        next_x += haru_glyph_advance(c->fonts, r->font, g->id, r->size);
    }
    show_piece(&t);
    g_string_free(t.text, TRUE);
    HPDF_Page_EndText(page);
    if (bold) HPDF_Page_SetTextRenderingMode(page, HPDF_FILL);
    return true;
}

/* Draws the rule at item *i and the ones right after it of the same width and colour as
 * one path (a table's grid is thousands of rules); leaves *i at the last one drawn. */
static void draw_rules(HPDF_Page page, double page_h, const jd_page *items, size_t *i)
{
    const jd_rule *r = &jd_page_item(items, *i)->u.rule;
    set_stroke(page, r->color);
    HPDF_Page_SetLineWidth(page, (HPDF_REAL)r->width);
    for (;;) {
        HPDF_Page_MoveTo(page, (HPDF_REAL)r->x1, (HPDF_REAL)(page_h - r->y1));
        HPDF_Page_LineTo(page, (HPDF_REAL)r->x2, (HPDF_REAL)(page_h - r->y2));
        const jd_item *next =
            *i + 1 < jd_page_item_count(items) ? jd_page_item(items, *i + 1) : NULL;
        if (!next || next->type != JD_ITEM_RULE || next->u.rule.width != r->width ||
            next->u.rule.color != r->color)
            break;
        r = &next->u.rule;
        (*i)++;
    }
    HPDF_Page_Stroke(page);
}

static void draw_rect(HPDF_Page page, double page_h, const jd_rect *r)
{
    bool stroke = r->stroke_width > 0;
    if (!r->fill && !stroke) return;
    if (r->fill) set_fill(page, r->fill_color);
    if (stroke) {
        set_stroke(page, r->stroke_color);
        HPDF_Page_SetLineWidth(page, (HPDF_REAL)r->stroke_width);
    }
    HPDF_Page_Rectangle(page, (HPDF_REAL)r->x, (HPDF_REAL)(page_h - r->y - r->h), (HPDF_REAL)r->w,
                        (HPDF_REAL)r->h);
    if (r->fill && stroke)
        HPDF_Page_FillStroke(page);
    else if (r->fill)
        HPDF_Page_Fill(page);
    else
        HPDF_Page_Stroke(page);
}

static void add_path(HPDF_Page page, double page_h, const jd_path *p)
{
    for (size_t i = 0; i < p->n_segs; i++) {
        const jd_path_seg *s = &p->segs[i];
        switch (s->verb) {
        case JD_PATH_MOVE:
            HPDF_Page_MoveTo(page, (HPDF_REAL)s->x[0], (HPDF_REAL)(page_h - s->y[0]));
            break;
        case JD_PATH_LINE:
            HPDF_Page_LineTo(page, (HPDF_REAL)s->x[0], (HPDF_REAL)(page_h - s->y[0]));
            break;
        case JD_PATH_CURVE:
            HPDF_Page_CurveTo(page, (HPDF_REAL)s->x[0], (HPDF_REAL)(page_h - s->y[0]),
                              (HPDF_REAL)s->x[1], (HPDF_REAL)(page_h - s->y[1]),
                              (HPDF_REAL)s->x[2], (HPDF_REAL)(page_h - s->y[2]));
            break;
        case JD_PATH_CLOSE:
            HPDF_Page_ClosePath(page);
            break;
        }
    }
}

typedef struct {
    HPDF_Page page;
    double page_h;
} hatch_target;

static void hatch_line(void *data, double x1, double y1, double x2, double y2)
{
    hatch_target *t = data;
    HPDF_Page_MoveTo(t->page, (HPDF_REAL)x1, (HPDF_REAL)(t->page_h - y1));
    HPDF_Page_LineTo(t->page, (HPDF_REAL)x2, (HPDF_REAL)(t->page_h - y2));
}

/* Fill, hatch (clipped to the path), then stroke, as the cairo backend paints them. */
static void draw_path(HPDF_Page page, double page_h, const jd_path *p)
{
    if (p->n_segs == 0) return;
    bool hatch = p->hatch.kind != JD_HATCH_NONE, stroke = p->stroke_width > 0;
    bool dashed = stroke && (p->dash_on || p->dash_off);
    if (p->fill) {
        set_fill(page, p->fill_color);
        add_path(page, page_h, p);
        HPDF_Page_Fill(page);
    }
    if (hatch) {
        HPDF_Page_GSave(page);
        add_path(page, page_h, p);
        HPDF_Page_Clip(page);
        HPDF_Page_EndPath(page);
        set_stroke(page, p->hatch.color);
        HPDF_Page_SetLineWidth(page, (HPDF_REAL)p->hatch.width);
        hatch_target t = {page, page_h};
        jd_hatch_lines(p, hatch_line, &t);
        HPDF_Page_Stroke(page);
        HPDF_Page_GRestore(page);
    }
    if (!stroke) return;
    set_stroke(page, p->stroke_color);
    HPDF_Page_SetLineWidth(page, (HPDF_REAL)p->stroke_width);
    if (dashed) {
        HPDF_UINT16 dash[2] = {p->dash_on, p->dash_off};
        HPDF_Page_SetDash(page, dash, 2, 0);
    }
    if (p->round) {
        HPDF_Page_SetLineJoin(page, HPDF_ROUND_JOIN);
        HPDF_Page_SetLineCap(page, HPDF_ROUND_END);
    }
    add_path(page, page_h, p);
    HPDF_Page_Stroke(page);
    if (dashed) HPDF_Page_SetDash(page, NULL, 0, 0);
    if (p->round) {
        HPDF_Page_SetLineJoin(page, HPDF_MITER_JOIN);
        HPDF_Page_SetLineCap(page, HPDF_BUTT_END);
    }
}

/* libharu's own PNG reader returns from libpng's error callback, and libpng then aborts
 * the process: a damaged file would kill the caller. So cairo (whose backend draws the
 * same image) decodes it, and libharu gets the pixels, with any transparency as a soft
 * mask. */
static HPDF_Image load_png(render_ctx *c, const char *png)
{
    cairo_surface_t *s = cairo_image_surface_create_from_png(png);
    cairo_status_t st = cairo_surface_status(s);
    if (st != CAIRO_STATUS_SUCCESS) {
        /* cairo 1.16 reports damaged PNG data as "out of memory" */
        bool io = st == CAIRO_STATUS_FILE_NOT_FOUND || st == CAIRO_STATUS_READ_ERROR;
        jd_diags_add(c->diags, JD_ERROR, c->path, 0, 0, "haru backend: cannot read image %s: %s",
                     png, io ? cairo_status_to_string(st) : "not a valid PNG image");
        cairo_surface_destroy(s);
        return NULL;
    }
    cairo_surface_flush(s);
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s);
    bool argb = cairo_image_surface_get_format(s) == CAIRO_FORMAT_ARGB32;
    const unsigned char *data = cairo_image_surface_get_data(s);
    guint8 *rgb = g_malloc((gsize)w * (gsize)h * 3), *alpha = g_malloc((gsize)w * (gsize)h);
    bool translucent = false;
    for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
            uint32_t px;
            memcpy(&px, data + (size_t)y * (size_t)stride + 4 * (size_t)x, sizeof px);
            unsigned a = argb ? px >> 24 : 255;
            unsigned rgb_in[3] = {(px >> 16) & 0xff, (px >> 8) & 0xff, px & 0xff};
            guint8 *out = rgb + ((size_t)y * (size_t)w + (size_t)x) * 3;
            for (int k = 0; k < 3; k++) /* cairo premultiplies by alpha */
                out[k] = (guint8)(a == 0     ? 0
                                  : a == 255 ? rgb_in[k]
                                             : MIN(255u, (rgb_in[k] * 255 + a / 2) / a));
            alpha[(size_t)y * (size_t)w + (size_t)x] = (guint8)a;
            translucent = translucent || a != 255;
        }
    }
    cairo_surface_destroy(s);
    HPDF_Image image =
        HPDF_LoadRawImageFromMem(c->pdf, rgb, (HPDF_UINT)w, (HPDF_UINT)h, HPDF_CS_DEVICE_RGB, 8);
    if (image && translucent) {
        HPDF_Image mask = HPDF_LoadRawImageFromMem(c->pdf, alpha, (HPDF_UINT)w, (HPDF_UINT)h,
                                                   HPDF_CS_DEVICE_GRAY, 8);
        if (mask) HPDF_Image_AddSMask(image, mask);
        /* soft masks are PDF 1.4; libharu has no setter for the version it writes */
        c->pdf->pdf_version = MAX(c->pdf->pdf_version, HPDF_VER_14);
    }
    g_free(rgb);
    g_free(alpha);
    return image;
}

static bool draw_image(render_ctx *c, HPDF_Page page, double page_h, const jd_image *im)
{
    HPDF_Image image = g_hash_table_lookup(c->images, im->path);
    if (!image) {
        image = load_png(c, im->path);
        if (failed(c, "loading image %s", im->path) || !image) return false;
        g_hash_table_insert(c->images, g_strdup(im->path), image);
    }
    HPDF_Page_DrawImage(page, image, (HPDF_REAL)im->x, (HPDF_REAL)(page_h - im->y - im->h),
                        (HPDF_REAL)im->w, (HPDF_REAL)im->h);
    return true;
}

/* A destination showing `page` with (left, top) at the window's top-left corner and the
 * reader's zoom kept. HPDF_Destination_SetXYZ insists on a zoom of 0.08 to 32; 0 (keep
 * the zoom) is what cairo writes and what readers do for a link. */
static HPDF_Destination dest_at(HPDF_Page page, double left, double top)
{
    HPDF_Destination d = HPDF_Page_CreateDestination(page);
    if (!d) return NULL;
    HPDF_Array_Clear(d);
    HPDF_Array_Add(d, page);
    HPDF_Array_AddName(d, "XYZ");
    HPDF_Array_AddReal(d, (HPDF_REAL)MAX(left, 0));
    HPDF_Array_AddReal(d, (HPDF_REAL)MAX(top, 0));
    HPDF_Array_AddReal(d, 0);
    return d;
}

static void draw_link(render_ctx *c, HPDF_Page page, double page_h, const jd_link *l)
{
    HPDF_Rect rect = {(HPDF_REAL)l->x, (HPDF_REAL)(page_h - l->y - l->h), (HPDF_REAL)(l->x + l->w),
                      (HPDF_REAL)(page_h - l->y)};
    HPDF_Annotation annot = NULL;
    if (l->dest) {
        const named_dest *d = g_hash_table_lookup(c->dests, l->dest);
        HPDF_Page target = c->hpages[d->page];
        double target_h = jd_page_height(jd_pages_get(c->pages, d->page));
        HPDF_Destination dst = dest_at(target, d->x, target_h - d->y);
        annot = dst ? HPDF_Page_CreateLinkAnnot(page, rect, dst) : NULL;
    } else if (l->uri) {
        annot = HPDF_Page_CreateURILinkAnnot(page, rect, l->uri);
    }
    if (annot) HPDF_LinkAnnot_SetBorderStyle(annot, 0, 0, 0);
}

static bool draw_page(render_ctx *c, size_t index)
{
    const jd_page *page = jd_pages_get(c->pages, index);
    HPDF_Page hp = c->hpages[index];
    double h = jd_page_height(page);
    for (size_t i = 0; i < jd_page_item_count(page); i++) {
        const jd_item *it = jd_page_item(page, i);
        switch (it->type) {
        case JD_ITEM_GLYPHS:
            if (!draw_glyphs(c, hp, h, &it->u.glyphs, it->quarter_turns)) return false;
            break;
        case JD_ITEM_RULE:
            draw_rules(hp, h, page, &i);
            break;
        case JD_ITEM_RECT:
            draw_rect(hp, h, &it->u.rect);
            break;
        case JD_ITEM_IMAGE:
            if (!draw_image(c, hp, h, &it->u.image)) return false;
            break;
        case JD_ITEM_PATH:
            draw_path(hp, h, &it->u.path);
            break;
        case JD_ITEM_LINK:
            draw_link(c, hp, h, &it->u.link);
            break;
        case JD_ITEM_DEST:
            break; /* resolved into the links that point to it */
        }
    }
    return !failed(c, "drawing page %zu", index + 1);
}

static void add_outline(render_ctx *c)
{
    HPDF_Encoder utf8 = HPDF_GetEncoder(c->pdf, "UTF-8");
    HPDF_Outline parents[16] = {NULL};
    for (size_t i = 0; i < jd_pages_outline_count(c->pages); i++) {
        const jd_outline_entry *e = jd_pages_outline(c->pages, i);
        int level = CLAMP(e->level, 1, 15);
        /* an entry deeper than its parent's child attaches to the deepest open one */
        HPDF_Outline parent = NULL;
        for (int l = level - 1; l >= 1 && !parent; l--)
            parent = parents[l];
        HPDF_Outline o = HPDF_CreateOutline(c->pdf, parent, e->title, utf8);
        double h = jd_page_height(jd_pages_get(c->pages, e->page));
        HPDF_Destination d = o ? dest_at(c->hpages[e->page], 0, h - e->y) : NULL;
        if (d) HPDF_Outline_SetDestination(o, d);
        parents[level] = o;
        for (int l = level + 1; l < 16; l++)
            parents[l] = NULL;
    }
}

static void set_metadata(render_ctx *c, const HPDF_Date *date)
{
    static const struct {
        jd_meta key;
        HPDF_InfoType info;
    } meta[] = {{JD_META_TITLE, HPDF_INFO_TITLE},
                {JD_META_AUTHOR, HPDF_INFO_AUTHOR},
                {JD_META_SUBJECT, HPDF_INFO_SUBJECT},
                {JD_META_KEYWORDS, HPDF_INFO_KEYWORDS}};
    for (size_t i = 0; i < G_N_ELEMENTS(meta); i++)
        if (jd_pages_meta(c->pages, meta[i].key))
            HPDF_SetInfoAttr(c->pdf, meta[i].info, jd_pages_meta(c->pages, meta[i].key));
    const char *creator = jd_pages_meta(c->pages, JD_META_CREATOR);
    HPDF_SetInfoAttr(c->pdf, HPDF_INFO_CREATOR, creator ? creator : "jindu " JD_VERSION);
    HPDF_SetInfoDateAttr(c->pdf, HPDF_INFO_CREATION_DATE, *date);
    HPDF_SetInfoDateAttr(c->pdf, HPDF_INFO_MOD_DATE, *date);
}

static void set_security(render_ctx *c)
{
    const jd_render_options *o = c->opts;
    if (!has_text(o->owner_password)) return;
    HPDF_SetPassword(c->pdf, o->owner_password, has_text(o->user_password) ? o->user_password : "");
    HPDF_UINT perm = HPDF_ENABLE_READ;
    if (o->allow_print) perm |= HPDF_ENABLE_PRINT;
    if (o->allow_copy) perm |= HPDF_ENABLE_COPY;
    if (o->allow_edit) perm |= HPDF_ENABLE_EDIT | HPDF_ENABLE_EDIT_ALL;
    HPDF_SetPermission(c->pdf, perm);
    /* RC4 with a 128-bit key (PDF 1.4) is the strongest libharu 2.3.0 has: no AES */
    HPDF_SetEncryptionMode(c->pdf, HPDF_ENCRYPT_R3, 16);
}

/* Builds the whole document in c->pdf; false (with a message) on a libharu error. */
static bool build(render_ctx *c, const HPDF_Date *date)
{
    HPDF_SetCompressionMode(c->pdf, HPDF_COMP_ALL);
    HPDF_UseUTFEncodings(c->pdf);
    /* metadata and outline titles are UTF-8 too (written as UTF-16BE strings) */
    HPDF_SetCurrentEncoder(c->pdf, "UTF-8");
    set_metadata(c, date);
    if (failed(c, "setting the document information")) return false;
    size_t n = jd_pages_count(c->pages);
    /* every page exists before any is drawn, so links can point forward */
    for (size_t p = 0; p < n; p++) {
        const jd_page *page = jd_pages_get(c->pages, p);
        c->hpages[p] = HPDF_AddPage(c->pdf);
        HPDF_Page_SetWidth(c->hpages[p], (HPDF_REAL)jd_page_width(page));
        HPDF_Page_SetHeight(c->hpages[p], (HPDF_REAL)jd_page_height(page));
        if (failed(c, "adding page %zu (%.2f x %.2f pt)", p + 1, jd_page_width(page),
                   jd_page_height(page)))
            return false;
    }
    if (c->opts->contents_peak) *c->opts->contents_peak = 0;
    for (size_t p = 0; p < n; p++) {
        if (jd_cancel_check(c->opts->cancel, c->path, c->diags) || !draw_page(c, p)) return false;
        if (c->opts->contents_peak)
            *c->opts->contents_peak =
                MAX(*c->opts->contents_peak, haru_spill_held(c->hpages, n));
        /* the page is finished: its operators wait for the save in the scratch file */
        haru_spill_page(c->spill, c->hpages[p], p);
        if (failed(c, "moving page %zu to the scratch file", p + 1)) return false;
    }
    add_outline(c);
    if (failed(c, "adding the outline")) return false;
    HPDF_PageNumStyle style;
    if (jd_pages_page_label(c->pages) && label_style(jd_pages_page_label(c->pages), &style)) {
        HPDF_AddPageLabel(c->pdf, 0, style, 1, NULL);
        if (failed(c, "adding page labels")) return false;
    }
    set_security(c);
    return !failed(c, "setting up encryption");
}

bool jd_render_haru(const jd_pages *pages, const char *path, const jd_render_options *opts,
                    jd_diags *diags)
{
    jd_render_options defaults;
    opts = jd_render_begin(pages, path, opts, &defaults, diags);
    if (!opts)
        return false;
    render_ctx c = {pages,
                    opts,
                    path,
                    diags,
                    haru_fonts_new(pages),
                    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free),
                    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
                    NULL,
                    {HPDF_OK, HPDF_OK},
                    NULL,
                    haru_spill_new()};
    char *iso = jd_render_creation_date(pages, opts, path, diags);
    HPDF_Date date;
    bool ok = iso && parse_date(iso, &date);
    g_free(iso);
    /* every problem is reported, not only the first */
    ok = check_security(&c) && ok;
    ok = check_label(&c) && ok;
    ok = check_targets(&c) && ok;
    ok = haru_fonts_vet(c.fonts, pages, path, diags) && ok;
    if (ok) {
        c.pdf = HPDF_New(on_haru_error, &c.err);
        c.hpages = g_new0(HPDF_Page, jd_pages_count(pages));
        ok = c.pdf && build(&c, &date);
        if (!c.pdf)
            jd_diags_add(diags, JD_ERROR, path, 0, 0,
                         "haru backend: libharu cannot create a document");
    }
    if (ok && jd_cancel_check(opts->cancel, path, diags))
        ok = false;
    if (ok) {
        jd_outfile *of = jd_outfile_new(path, diags);
        ok = of != NULL;
        if (ok) {
            jd_sink sink = {jd_outfile_stream(of), opts->cancel, 0, false};
            HPDF_STATUS st = haru_save(c.pdf, &sink);
            if (st != HPDF_OK && c.err.code == HPDF_OK) c.err = (haru_error){st, 0};
            /* a stop asked for, or a write that failed, says so; else libharu's error */
            if (jd_sink_report(&sink, path, diags) || haru_spill_report(c.spill, path, diags) ||
                failed(&c, "writing %s", path) ||
                !jd_render_pages_intact(pages, path, diags)) {
                jd_outfile_abort(of);
                ok = false;
            } else {
                ok = jd_outfile_commit(of, diags);
            }
        }
    }
    if (c.pdf) HPDF_Free(c.pdf);
    haru_spill_free(c.spill);
    g_free(c.hpages);
    g_hash_table_destroy(c.images);
    g_hash_table_destroy(c.dests);
    haru_fonts_free(c.fonts);
    return ok;
}
