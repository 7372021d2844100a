/* The cairo backend: PDF (subset fonts, outline, links, metadata), PNG and SVG, drawn
 * from the page list with the glyph positions the layout computed. */
#include <cairo-ft.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>

#include "backend_private.h"

static void set_rgb(cairo_t *cr, uint32_t c)
{
    cairo_set_source_rgb(cr, ((c >> 16) & 0xff) / 255.0, ((c >> 8) & 0xff) / 255.0, (c & 0xff) / 255.0);
}

typedef struct {
    cairo_font_face_t **faces; /* per font id, created on first use */
    size_t n;
} font_cache;

static cairo_font_face_t *face_for(font_cache *fc, const jd_pages *pages, int id)
{
    if (id < 0 || (size_t)id >= fc->n)
        return NULL;
    if (!fc->faces[id]) {
        const jd_font *f = jd_pages_font(pages, id);
        FcPattern *pat = FcPatternCreate();
        FcPatternAddString(pat, FC_FILE, (const FcChar8 *)f->file);
        FcPatternAddInteger(pat, FC_INDEX, f->face_index);
        /* emboldening goes in the pattern, not cairo_ft_font_face_set_synthesize: cairo
         * hands out one shared face per file and options, and setting the flag on it
         * would embolden the regular text drawn with that file too */
        FcPatternAddBool(pat, FC_EMBOLDEN, f->synthetic_bold ? FcTrue : FcFalse);
        cairo_font_face_t *face = cairo_ft_font_face_create_for_pattern(pat);
        FcPatternDestroy(pat);
        fc->faces[id] = face;
    }
    return fc->faces[id];
}

/* Glyph runs of one font, size and colour that follow each other on a page go to cairo in
 * one call: cairo's cost is per call as much as per glyph, and a table page holds a few
 * hundred lines of one font. The text and cluster map of each run travel along, so the
 * PDF text stays extractable. */
typedef struct {
    GArray *glyphs;   /* cairo_glyph_t */
    GArray *clusters; /* cairo_text_cluster_t */
    GString *text;
    bool text_ok;     /* every run had a clean cluster map */
    const jd_glyph_run *first;
} glyph_batch;

static void batch_flush(cairo_t *cr, font_cache *fc, const jd_pages *pages, glyph_batch *b)
{
    if (!b->first || b->glyphs->len == 0) {
        b->first = NULL;
        return;
    }
    cairo_font_face_t *face = face_for(fc, pages, b->first->font);
    if (face) {
        cairo_set_font_face(cr, face);
        cairo_set_font_size(cr, b->first->size);
        set_rgb(cr, b->first->color);
        if (b->text_ok)
            cairo_show_text_glyphs(cr, b->text->str, (int)b->text->len, (cairo_glyph_t *)b->glyphs->data,
                                   (int)b->glyphs->len, (cairo_text_cluster_t *)b->clusters->data,
                                   (int)b->clusters->len, 0);
        else
            cairo_show_glyphs(cr, (cairo_glyph_t *)b->glyphs->data, (int)b->glyphs->len);
    }
    g_array_set_size(b->glyphs, 0);
    g_array_set_size(b->clusters, 0);
    g_string_truncate(b->text, 0);
    b->text_ok = true;
    b->first = NULL;
}

static void batch_add(cairo_t *cr, font_cache *fc, const jd_pages *pages, glyph_batch *b, const jd_glyph_run *r)
{
    if (r->n_glyphs == 0)
        return;
    if (b->first && (b->first->font != r->font || b->first->size != r->size || b->first->color != r->color))
        batch_flush(cr, fc, pages, b);
    if (!b->first)
        b->first = r;
    bool clusters_ok = r->glyphs[0].cluster == 0;
    /* written in place: a run has as many glyphs and at most as many clusters */
    guint n_g = b->glyphs->len, n_c = b->clusters->len;
    g_array_set_size(b->glyphs, n_g + (guint)r->n_glyphs);
    g_array_set_size(b->clusters, n_c + (guint)r->n_glyphs);
    cairo_glyph_t *glyphs = (cairo_glyph_t *)b->glyphs->data;
    cairo_text_cluster_t *clusters = (cairo_text_cluster_t *)b->clusters->data;
    size_t pos = 0;
    jd_glyph_cluster cl;
    while (jd_next_glyph_cluster(r, &pos, &cl)) {
        if (cl.end < cl.start)
            clusters_ok = false;
        clusters[n_c++] = (cairo_text_cluster_t){(int)cl.end - (int)cl.start, (int)(cl.last - cl.first)};
        for (size_t i = cl.first; i < cl.last; i++)
            glyphs[n_g++] = (cairo_glyph_t){r->glyphs[i].id, r->x + r->glyphs[i].x, r->y + r->glyphs[i].y};
    }
    g_array_set_size(b->clusters, n_c);
    if (!clusters_ok)
        b->text_ok = false;
    g_string_append_len(b->text, r->text, (gssize)r->text_len);
}

/* cairo tag attributes quote strings with single quotes; escape what would end them */
static char *quote_attr(const char *s)
{
    GString *q = g_string_new("'");
    for (const char *p = s; *p; p++) {
        if (*p == '\'' || *p == '\\')
            g_string_append_c(q, '\\');
        g_string_append_c(q, *p);
    }
    g_string_append_c(q, '\'');
    return g_string_free(q, FALSE);
}

static void add_path(cairo_t *cr, const jd_path *p)
{
    cairo_new_path(cr);
    for (size_t i = 0; i < p->n_segs; i++) {
        const jd_path_seg *s = &p->segs[i];
        switch (s->verb) {
        case JD_PATH_MOVE:
            cairo_move_to(cr, s->x[0], s->y[0]);
            break;
        case JD_PATH_LINE:
            cairo_line_to(cr, s->x[0], s->y[0]);
            break;
        case JD_PATH_CURVE:
            cairo_curve_to(cr, s->x[0], s->y[0], s->x[1], s->y[1], s->x[2], s->y[2]);
            break;
        case JD_PATH_CLOSE:
            cairo_close_path(cr);
            break;
        }
    }
}

static void hatch_line(void *data, double x1, double y1, double x2, double y2)
{
    cairo_move_to(data, x1, y1);
    cairo_line_to(data, x2, y2);
}

static void draw_path(cairo_t *cr, const jd_path *p)
{
    add_path(cr, p);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
    if (p->fill) {
        set_rgb(cr, p->fill_color);
        cairo_fill_preserve(cr);
    }
    if (p->hatch.kind != JD_HATCH_NONE) {
        cairo_save(cr);
        cairo_clip(cr);
        set_rgb(cr, p->hatch.color);
        cairo_set_line_width(cr, p->hatch.width);
        jd_hatch_lines(p, hatch_line, cr);
        cairo_stroke(cr);
        cairo_restore(cr);
        add_path(cr, p);
    }
    if (p->stroke_width > 0) {
        set_rgb(cr, p->stroke_color);
        cairo_set_line_width(cr, p->stroke_width);
        if (p->dash_on || p->dash_off) {
            double dash[2] = {p->dash_on, p->dash_off};
            cairo_set_dash(cr, dash, 2, 0);
        }
        cairo_set_line_join(cr, p->round ? CAIRO_LINE_JOIN_ROUND : CAIRO_LINE_JOIN_MITER);
        cairo_set_line_cap(cr, p->round ? CAIRO_LINE_CAP_ROUND : CAIRO_LINE_CAP_BUTT);
        cairo_stroke_preserve(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    }
    cairo_new_path(cr);
}

static void draw_page(cairo_t *cr, font_cache *fc, const jd_pages *pages, const jd_page *page, bool pdf)
{
    glyph_batch batch = {g_array_new(FALSE, FALSE, sizeof(cairo_glyph_t)),
                         g_array_new(FALSE, FALSE, sizeof(cairo_text_cluster_t)), g_string_new(NULL), true, NULL};
    for (size_t i = 0; i < jd_page_item_count(page); i++) {
        const jd_item *it = jd_page_item(page, i);
        if (it->type == JD_ITEM_GLYPHS && it->quarter_turns == 0) {
            batch_add(cr, fc, pages, &batch, &it->u.glyphs);
            continue;
        }
        batch_flush(cr, fc, pages, &batch);
        if (it->type == JD_ITEM_GLYPHS) {
            /* a turned run: drawn alone, in its own frame */
            jd_glyph_run r = it->u.glyphs;
            cairo_save(cr);
            cairo_translate(cr, r.x, r.y);
            cairo_rotate(cr, it->quarter_turns * G_PI / 2);
            r.x = r.y = 0;
            batch_add(cr, fc, pages, &batch, &r);
            batch_flush(cr, fc, pages, &batch);
            cairo_restore(cr);
            continue;
        }
        switch (it->type) {
        case JD_ITEM_GLYPHS:
            break;
        case JD_ITEM_RULE: {
            /* rules of one width and colour in a row become one path: a table's grid is
             * thousands of rules, and one stroke each would bloat the page */
            const jd_rule *r = &it->u.rule;
            set_rgb(cr, r->color);
            cairo_set_line_width(cr, r->width);
            for (;;) {
                cairo_move_to(cr, r->x1, r->y1);
                cairo_line_to(cr, r->x2, r->y2);
                const jd_item *next = jd_page_item(page, i + 1);
                if (!next || next->type != JD_ITEM_RULE || next->u.rule.width != r->width ||
                    next->u.rule.color != r->color)
                    break;
                r = &next->u.rule;
                i++;
            }
            cairo_stroke(cr);
            break;
        }
        case JD_ITEM_RECT: {
            const jd_rect *r = &it->u.rect;
            cairo_rectangle(cr, r->x, r->y, r->w, r->h);
            if (r->fill) {
                set_rgb(cr, r->fill_color);
                cairo_fill_preserve(cr);
            }
            if (r->stroke_width > 0) {
                set_rgb(cr, r->stroke_color);
                cairo_set_line_width(cr, r->stroke_width);
                cairo_stroke_preserve(cr);
            }
            cairo_new_path(cr);
            break;
        }
        case JD_ITEM_IMAGE: {
            const jd_image *im = &it->u.image;
            cairo_surface_t *s = cairo_image_surface_create_from_png(im->path);
            if (cairo_surface_status(s) == CAIRO_STATUS_SUCCESS) {
                int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
                cairo_save(cr);
                cairo_translate(cr, im->x, im->y);
                cairo_scale(cr, im->w / w, im->h / h);
                cairo_set_source_surface(cr, s, 0, 0);
                cairo_paint(cr);
                cairo_restore(cr);
            }
            cairo_surface_destroy(s);
            break;
        }
        case JD_ITEM_PATH:
            draw_path(cr, &it->u.path);
            break;
        case JD_ITEM_LINK: {
            if (!pdf)
                break;
            const jd_link *l = &it->u.link;
            char *target = quote_attr(l->dest ? l->dest : l->uri ? l->uri : "");
            char *attrs = g_strdup_printf("rect=[%.2f %.2f %.2f %.2f] %s=%s", l->x, l->y, l->w, l->h,
                                          l->dest ? "dest" : "uri", target);
            cairo_tag_begin(cr, CAIRO_TAG_LINK, attrs);
            cairo_tag_end(cr, CAIRO_TAG_LINK);
            g_free(attrs);
            g_free(target);
            break;
        }
        case JD_ITEM_DEST: {
            if (!pdf)
                break;
            char *name = quote_attr(it->u.dest.name);
            char *attrs = g_strdup_printf("name=%s x=%.2f y=%.2f", name, it->u.dest.x, it->u.dest.y);
            cairo_tag_begin(cr, CAIRO_TAG_DEST, attrs);
            cairo_tag_end(cr, CAIRO_TAG_DEST);
            g_free(attrs);
            g_free(name);
            break;
        }
        }
    }
    batch_flush(cr, fc, pages, &batch);
    g_array_free(batch.glyphs, TRUE);
    g_array_free(batch.clusters, TRUE);
    g_string_free(batch.text, TRUE);
}

static void prepare(cairo_t *cr)
{
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_set_font_options(cr, fo);
    cairo_font_options_destroy(fo);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
}

static void add_outline(cairo_surface_t *surf, const jd_pages *pages)
{
    int parents[16] = {CAIRO_PDF_OUTLINE_ROOT};
    for (size_t i = 0; i < jd_pages_outline_count(pages); i++) {
        const jd_outline_entry *e = jd_pages_outline(pages, i);
        int level = CLAMP(e->level, 1, 15);
        /* a level deeper than its parent's child attaches to the deepest open one */
        int parent = CAIRO_PDF_OUTLINE_ROOT;
        for (int l = level - 1; l >= 1; l--)
            if (parents[l]) {
                parent = parents[l];
                break;
            }
        char *link = g_strdup_printf("page=%zu pos=[0 %.2f]", e->page + 1, e->y);
        int id = cairo_pdf_surface_add_outline(surf, parent, e->title, link, 0);
        g_free(link);
        parents[level] = id;
        for (int l = level + 1; l < 16; l++)
            parents[l] = 0;
    }
}

/* Bytes that cannot be written (or after a stop) are dropped, and cairo is not told: cairo
 * 1.16 crashes finishing a PDF whose stream failed (a full disk, a file size limit). The
 * sink remembers why, and the render fails with that. */
static cairo_status_t write_stream(void *closure, const unsigned char *data, unsigned int len)
{
    jd_sink_write(closure, data, len);
    return CAIRO_STATUS_SUCCESS;
}

/* After cairo failed (or was stopped): the message that says why. */
static void report_failure(const jd_sink *sink, cairo_status_t st, const char *what, const char *path,
                           jd_diags *diags)
{
    if (!jd_sink_report(sink, path, diags))
        jd_diags_add(diags, JD_ERROR, path, 0, 0, "cannot %s: %s", what, cairo_status_to_string(st));
}

static bool render_pdf(const jd_pages *pages, jd_sink *sink, const jd_render_options *opts,
                       font_cache *fc, jd_diags *diags, const char *path)
{
    char *date = jd_render_creation_date(pages, opts, path, diags);
    if (!date)
        return false;
    const jd_page *first = jd_pages_get(pages, 0);
    cairo_surface_t *surf = cairo_pdf_surface_create_for_stream(
        write_stream, sink, jd_page_width(first), jd_page_height(first));
    static const struct {
        jd_meta key;
        cairo_pdf_metadata_t md;
    } meta[] = {{JD_META_TITLE, CAIRO_PDF_METADATA_TITLE},
                {JD_META_AUTHOR, CAIRO_PDF_METADATA_AUTHOR},
                {JD_META_SUBJECT, CAIRO_PDF_METADATA_SUBJECT},
                {JD_META_KEYWORDS, CAIRO_PDF_METADATA_KEYWORDS}};
    for (size_t i = 0; i < G_N_ELEMENTS(meta); i++)
        if (jd_pages_meta(pages, meta[i].key))
            cairo_pdf_surface_set_metadata(surf, meta[i].md, jd_pages_meta(pages, meta[i].key));
    const char *creator = jd_pages_meta(pages, JD_META_CREATOR);
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATOR, creator ? creator : "jindu " JD_VERSION);
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATE_DATE, date);
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_MOD_DATE, date);
    g_free(date);
    add_outline(surf, pages);

    cairo_t *cr = cairo_create(surf);
    prepare(cr);
    for (size_t p = 0; p < jd_pages_count(pages); p++) {
        if ((sink->stopped = jd_cancel_reason(opts->cancel) != 0))
            break;
        const jd_page *page = jd_pages_get(pages, p);
        cairo_pdf_surface_set_size(surf, jd_page_width(page), jd_page_height(page));
        if (jd_pages_page_label(pages)) {
            char label[32];
            g_snprintf(label, sizeof label, "%zu", p + 1);
            cairo_pdf_surface_set_page_label(surf, label);
        }
        draw_page(cr, fc, pages, page, true);
        cairo_show_page(cr);
    }
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_finish(surf);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(surf);
    cairo_surface_destroy(surf);
    bool ok = st == CAIRO_STATUS_SUCCESS && !sink->stopped && !sink->error;
    if (!ok)
        report_failure(sink, st, "write the PDF", path, diags);
    return ok;
}

static bool render_image(const jd_pages *pages, jd_sink *sink, const jd_render_options *opts,
                         font_cache *fc, jd_diags *diags, const char *path)
{
    size_t index = opts->page > 0 ? (size_t)opts->page - 1 : 0;
    const jd_page *page = jd_pages_get(pages, index);
    if (!page) {
        jd_diags_add(diags, JD_ERROR, path, 0, 0, "the document has %zu page%s; there is no page %d",
                     jd_pages_count(pages), jd_pages_count(pages) == 1 ? "" : "s", opts->page);
        return false;
    }
    double w = jd_page_width(page), h = jd_page_height(page);
    cairo_surface_t *surf;
    double scale = 1;
    if (opts->format == JD_OUTPUT_SVG) {
        surf = cairo_svg_surface_create_for_stream(write_stream, sink, w, h);
        cairo_svg_surface_set_document_unit(surf, CAIRO_SVG_UNIT_PT);
    } else {
        scale = (opts->dpi > 0 ? opts->dpi : 96) / 72.0;
        surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)(w * scale + 0.5), (int)(h * scale + 0.5));
    }
    cairo_t *cr = cairo_create(surf);
    prepare(cr);
    cairo_scale(cr, scale, scale);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    draw_page(cr, fc, pages, page, false);
    cairo_show_page(cr);
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    if (st == CAIRO_STATUS_SUCCESS && opts->format == JD_OUTPUT_PNG)
        st = cairo_surface_write_to_png_stream(surf, write_stream, sink);
    cairo_surface_finish(surf);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(surf);
    cairo_surface_destroy(surf);
    bool ok = st == CAIRO_STATUS_SUCCESS && !sink->stopped && !sink->error;
    if (!ok)
        report_failure(sink, st, "draw the page", path, diags);
    return ok;
}

bool jd_render_cairo(const jd_pages *pages, const char *path, const jd_render_options *opts,
                     jd_diags *diags)
{
    jd_render_options defaults;
    opts = jd_render_begin(pages, path, opts, &defaults, diags);
    if (!opts)
        return false;
    jd_outfile *of = jd_outfile_new(path, diags);
    if (!of)
        return false;
    font_cache fc = {g_new0(cairo_font_face_t *, jd_pages_font_count(pages) + 1), jd_pages_font_count(pages)};
    jd_sink sink = {jd_outfile_stream(of), opts->cancel, 0, false};
    bool ok = opts->format == JD_OUTPUT_PDF ? render_pdf(pages, &sink, opts, &fc, diags, path)
                                            : render_image(pages, &sink, opts, &fc, diags, path);
    for (size_t i = 0; i < fc.n; i++)
        if (fc.faces[i])
            cairo_font_face_destroy(fc.faces[i]);
    g_free(fc.faces);
    if (!ok || !jd_render_pages_intact(pages, path, diags)) {
        jd_outfile_abort(of);
        return false;
    }
    return jd_outfile_commit(of, diags);
}
