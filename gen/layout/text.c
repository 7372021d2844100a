/* Paragraphs: shaping with pango (once per paragraph, at no width), then jindu's own line
 * breaker: Unicode line breaking from pango, tailored for Chinese quotes, with the
 * line-start and line-end prohibitions of kinsoku.c, and even inter-character
 * justification. */
#include <math.h>
#include <string.h>

#include "layout_private.h"

#define PT(u) ((float)(u) / (float)PANGO_SCALE)

/* ---- flattening inline content ----------------------------------------------------- */

typedef struct {
    size_t start, end; /* byte range in the text */
    const jd_style *style;
    const char *href;
    const jd_node *node; /* for messages */
} style_range;

typedef struct {
    GString *text;
    GArray *ranges; /* style_range */
    const char *page_number, *page_count;
} flat;

static void flat_add(flat *f, const char *s, size_t len, const jd_style *style, const char *href,
                     const jd_node *node)
{
    if (!len)
        return;
    style_range r = {f->text->len, f->text->len + len, style, href, node};
    g_string_append_len(f->text, s, (gssize)len);
    g_array_append_val(f->ranges, r);
}

static void flatten(flat *f, const jd_node *n, const char *href)
{
    for (const jd_node *c = jd_node_first_child(n); c; c = jd_node_next(c)) {
        switch (jd_node_get_type(c)) {
        case JD_NODE_TEXT: {
            size_t len;
            const char *t = jd_node_text(c, &len);
            flat_add(f, t, len, jd_node_style(c), href, c);
            break;
        }
        case JD_NODE_SPAN: {
            const char *h = jd_node_string(c, JD_ATTR_HREF);
            flatten(f, c, h ? h : href);
            break;
        }
        case JD_NODE_LINE_BREAK:
            /* U+2028: a line break inside the paragraph (no new first-line indent) */
            flat_add(f, "\xe2\x80\xa8", 3, jd_node_style(c), href, c);
            break;
        case JD_NODE_FIELD: {
            bool total = jd_node_int(c, JD_ATTR_FIELD, 0) == JD_FIELD_PAGE_COUNT;
            const char *v = total ? f->page_count : f->page_number;
            if (!v)
                v = "#";
            flat_add(f, v, strlen(v), jd_node_style(c), href, c);
            break;
        }
        default:
            flatten(f, c, href);
            break;
        }
    }
}

/* ---- font keys and shapers ------------------------------------------------------ */

struct jl_font_keys {
    GMutex lock;
    GHashTable *by_name; /* "file\x1findex\x1fbold" -> jl_font_key* (owned) */
};

static void font_key_free(jl_font_key *k)
{
    g_free(k->file);
    g_free(k->family);
    g_free(k);
}

jl_font_keys *jl_font_keys_new(void)
{
    jl_font_keys *keys = g_new0(jl_font_keys, 1);
    g_mutex_init(&keys->lock);
    keys->by_name = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)font_key_free);
    return keys;
}

void jl_font_keys_free(jl_font_keys *keys)
{
    if (!keys)
        return;
    g_hash_table_destroy(keys->by_name);
    g_mutex_clear(&keys->lock);
    g_free(keys);
}

const jl_font_key *jl_font_keys_intern(jl_font_keys *keys, const char *file, int face_index,
                                       const char *family, bool synthetic_bold)
{
    char *name = g_strdup_printf("%s\x1f%d\x1f%d", file, face_index, synthetic_bold);
    g_mutex_lock(&keys->lock);
    jl_font_key *k = g_hash_table_lookup(keys->by_name, name);
    if (!k) {
        k = g_new0(jl_font_key, 1);
        k->file = g_strdup(file);
        k->face_index = face_index;
        k->family = g_strdup(family ? family : "");
        k->synthetic_bold = synthetic_bold;
        g_hash_table_insert(keys->by_name, name, k);
        name = NULL;
    }
    g_mutex_unlock(&keys->lock);
    g_free(name);
    return k;
}

void jl_shaper_init(jl_shaper *s, PangoFontMap *map, jd_fonts *fonts, GHashTable *descs,
                    jl_font_keys *keys, jd_diags *diags)
{
    memset(s, 0, sizeof *s);
    s->pango = pango_font_map_create_context(map);
    /* unrounded positions: widths are then the same on every surface and for every backend
     * (1 pt = 1 unit and unhinted metrics come with the font map) */
    pango_context_set_round_glyph_positions(s->pango, FALSE);
    pango_context_set_language(s->pango, pango_language_from_string("zh-cn"));
    s->layout = pango_layout_new(s->pango);
    pango_layout_set_width(s->layout, -1);
    s->owns_descs = descs == NULL;
    s->font_descs = descs ? descs
                          : g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                                  (GDestroyNotify)pango_font_description_free);
    s->fonts = fonts;
    s->diags = diags;
    s->metrics = g_hash_table_new_full(g_direct_hash, g_direct_equal, g_object_unref, g_free);
    s->style_metrics = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    s->font_keys = g_hash_table_new_full(g_direct_hash, g_direct_equal, g_object_unref, NULL);
    s->keys = keys;
}

void jl_shaper_clear(jl_shaper *s)
{
    g_object_unref(s->layout);
    g_object_unref(s->pango);
    if (s->owns_descs)
        g_hash_table_destroy(s->font_descs);
    g_hash_table_destroy(s->metrics);
    g_hash_table_destroy(s->style_metrics);
    g_hash_table_destroy(s->font_keys);
}

PangoFontDescription *jl_shaper_font_desc(jl_shaper *s, const jd_style *style)
{
    PangoFontDescription *d = g_hash_table_lookup(s->font_descs, style);
    if (d || !s->owns_descs)
        return d;
    d = pango_font_description_new();
    pango_font_description_set_family(d, jd_fonts_family_list(s->fonts, style->font_family, s->diags));
    pango_font_description_set_size(d, (gint)lround(style->font_size * PANGO_SCALE));
    pango_font_description_set_weight(d, (PangoWeight)style->font_weight);
    pango_font_description_set_style(d, style->italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
    g_hash_table_insert(s->font_descs, (gpointer)style, d);
    return d;
}

/* ---- shaping ----------------------------------------------------------------------- */

typedef struct {
    GArray *clusters, *glyphs, *runs;
    GArray *missing; /* jl_missing */
} builder;

static const float *font_metrics(jl_shaper *sh, PangoFont *font)
{
    float *m = g_hash_table_lookup(sh->metrics, font);
    if (!m) {
        PangoFontMetrics *fm = pango_font_get_metrics(font, pango_language_from_string("zh-cn"));
        m = g_new(float, 2);
        m[0] = PT(pango_font_metrics_get_ascent(fm));
        m[1] = PT(pango_font_metrics_get_descent(fm));
        pango_font_metrics_unref(fm);
        g_hash_table_insert(sh->metrics, g_object_ref(font), m);
    }
    return m;
}

static const jl_font_key *font_key(jl_shaper *sh, PangoFont *font)
{
    gpointer k;
    if (g_hash_table_lookup_extended(sh->font_keys, font, NULL, &k))
        return k;
    const char *file, *family;
    int index;
    bool bold;
    const jl_font_key *key = NULL;
    if (jd_fonts_font_file(font, &file, &index, &family, &bold))
        key = jl_font_keys_intern(sh->keys, file, index, family, bold);
    g_hash_table_insert(sh->font_keys, g_object_ref(font), (gpointer)key);
    return key;
}

static uint16_t run_for(jl_shaper *sh, builder *b, const style_range *r, PangoFont *font)
{
    const jl_font_key *key = font_key(sh, font);
    if (b->runs->len > 0) {
        jl_run *last = &g_array_index(b->runs, jl_run, b->runs->len - 1);
        if (last->font == key && last->style == r->style && last->href == r->href)
            return (uint16_t)(b->runs->len - 1);
    }
    const float *m = font_metrics(sh, font);
    jl_run run = {key, -1, r->style->font_size, r->style->color, r->style, r->href, m[0], m[1]};
    g_array_append_val(b->runs, run);
    return (uint16_t)(b->runs->len - 1);
}

/* Up to `n` characters either side of byte `at`, for a message. */
static char *context_of(const char *text, size_t at, int n)
{
    const char *start = text + at, *end = g_utf8_next_char(text + at);
    for (int i = 0; i < n && start > text; i++)
        start = g_utf8_prev_char(start);
    for (int i = 0; i < n && *end; i++)
        end = g_utf8_next_char(end);
    char *s = g_strndup(start, (gsize)(end - start));
    /* paragraph breaks would split the message */
    for (char *p = s; *p; p++)
        if (*p == '\n')
            *p = ' ';
    return s;
}

static void report_missing(jl_ctx *ctx, const char *text, size_t at, const jd_node *node)
{
    gunichar ch = g_utf8_get_char(text + at);
    if (g_hash_table_contains(ctx->reported_chars, GUINT_TO_POINTER(ch)))
        return;
    g_hash_table_add(ctx->reported_chars, GUINT_TO_POINTER(ch));
    char buf[8] = {0};
    g_unichar_to_utf8(ch, buf);
    /* the template element the text came from: the nearest node that knows its line */
    const jd_node *n = node;
    while (n && !jd_node_source_file(n))
        n = jd_node_parent(n);
    char *context = context_of(text, at, 8);
    jd_diags_add(ctx->diags, JD_ERROR, n ? jd_node_source_file(n) : NULL, n ? jd_node_source_line(n) : 0, 0,
                 "character %s (U+%04X) in “%s” is in no font of the font set; it would print as an "
                 "empty box (`jindu fonts check` lists every such character of a data file)",
                 buf, ch, context);
    g_free(context);
    ctx->failed = true;
}

static const style_range *range_at(const GArray *ranges, size_t *cursor, size_t byte)
{
    while (*cursor + 1 < ranges->len && g_array_index(ranges, style_range, *cursor).end <= byte)
        (*cursor)++;
    return ranges->len ? &g_array_index(ranges, style_range, *cursor) : NULL;
}

/* Clusters of one pango glyph item, appended in logical (= visual, LTR) order. */
static void add_glyph_item(jl_shaper *sh, builder *b, PangoGlyphItem *gi, const GArray *ranges,
                           size_t *range_cursor)
{
    PangoGlyphString *gs = gi->glyphs;
    PangoItem *item = gi->item;
    int i = 0;
    while (i < gs->num_glyphs) {
        int start = gs->log_clusters[i];
        int j = i;
        float width = 0;
        while (j < gs->num_glyphs && gs->log_clusters[j] == start) {
            width += PT(gs->glyphs[j].geometry.width);
            j++;
        }
        size_t byte = (size_t)item->offset + (size_t)start;
        size_t next = j < gs->num_glyphs ? (size_t)item->offset + (size_t)gs->log_clusters[j]
                                         : (size_t)(item->offset + item->length);
        const style_range *r = range_at(ranges, range_cursor, byte);
        jl_cluster c = {0};
        c.byte_start = (uint32_t)byte;
        c.byte_len = (uint32_t)(next - byte);
        c.glyph_start = b->glyphs->len;
        c.n_glyphs = (uint16_t)(j - i);
        c.width = width;
        c.run = run_for(sh, b, r, item->analysis.font);
        bool missing = false;
        for (int k = i; k < j; k++) {
            PangoGlyphInfo *g = &gs->glyphs[k];
            if ((g->glyph & PANGO_GLYPH_UNKNOWN_FLAG) && !missing) {
                jl_missing m = {(uint32_t)byte, r ? r->node : NULL};
                g_array_append_val(b->missing, m);
                missing = true;
            }
            jl_glyph jg = {g->glyph, PT(g->geometry.x_offset), PT(g->geometry.y_offset),
                           PT(g->geometry.width)};
            g_array_append_val(b->glyphs, jg);
        }
        g_array_append_val(b->clusters, c);
        i = j;
    }
}

/* Break opportunities and character classes of every cluster. */
static void classify(jl_para *p, const PangoLogAttr *attrs, int n_attrs)
{
    /* char index of each cluster start, walking the text once */
    const char *t = p->text;
    size_t byte = 0;
    int char_index = 0;
    gunichar prev_last = 0; /* last character of the previous cluster */
    for (size_t i = 0; i < p->n_clusters; i++) {
        jl_cluster *c = &p->clusters[i];
        while (byte < c->byte_start) {
            byte = (size_t)(g_utf8_next_char(t + byte) - t);
            char_index++;
        }
        gunichar first = g_utf8_get_char(t + c->byte_start);
        const char *last_p = g_utf8_find_prev_char(t, t + c->byte_start + c->byte_len);
        gunichar last = last_p ? g_utf8_get_char(last_p) : first;
        uint8_t flags = c->flags; /* mandatory flags were set while shaping */
        if (first == 0x2028)
            flags |= JL_LINE_SEPARATOR;
        else if (g_unichar_isspace(first))
            flags |= JL_SPACE;
        if (jl_is_cjk(first))
            flags |= JL_CJK;
        if (i > 0 && !(flags & JL_MANDATORY_BEFORE)) {
            bool allowed = char_index < n_attrs && attrs[char_index].is_line_break;
            /* UAX #14 keeps curly quotes glued to both neighbours (class QU); in Chinese an
             * opening quote may start a line and a closing one may end it */
            if (!allowed && (first == 0x201C || first == 0x2018) && !g_unichar_isspace(prev_last))
                allowed = true;
            if (!allowed && (prev_last == 0x201D || prev_last == 0x2019) && !g_unichar_isspace(first))
                allowed = true;
            bool rules_allow = !jl_forbidden_at_line_start(first) && !jl_forbidden_at_line_end(prev_last) &&
                               !(jl_inseparable(first) && first == prev_last);
            if (allowed && rules_allow)
                flags |= JL_BREAK_BEFORE;
            /* an emergency break may cut between any two characters that the rules allow */
            if (rules_allow)
                flags |= JL_CHAR_BREAK;
        }
        c->flags = flags;
        prev_last = last;
    }
}

/* Text PangoLayout would have to break or treat specially even at no width: paragraph and
 * line separators, other mandatory breaks, tabs. */
static bool needs_layout(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f')
            return true;
        if (c == 0xC2 && i + 1 < len && (unsigned char)text[i + 1] == 0x85) /* U+0085 */
            return true;
        if (c == 0xE2 && i + 2 < len && (unsigned char)text[i + 1] == 0x80 &&
            ((unsigned char)text[i + 2] == 0xA8 || (unsigned char)text[i + 2] == 0xA9)) /* U+2028/9 */
            return true;
    }
    return false;
}

/* One line of left-to-right text without letter spacing, shaped with pango's itemizer and
 * shaper directly: the steps PangoLayout takes for it (the layout's font description as
 * the first attribute, Unicode breaks tailored per item, each item shaped with the log
 * attributes), without its line bookkeeping, and without the extents pango 1.50 measures
 * for every layout it builds. False (nothing done) for any other text. */
static bool shape_line(jl_shaper *sh, builder *b, jl_para *p, PangoAttrList *attrs,
                       PangoFontDescription *bdesc, const GArray *ranges, PangoLogAttr **log_attrs,
                       int *n_attrs)
{
    const char *text = p->text;
    int len = (int)p->text_len;
    if (needs_layout(text, p->text_len))
        return false;
    /* PangoLayout's own test for the paragraph direction (deprecated for applications,
     * which should ask fribidi; here the point is to decide exactly as the layout does) */
    G_GNUC_BEGIN_IGNORE_DEPRECATIONS
    bool rtl = pango_find_base_dir(text, len) == PANGO_DIRECTION_RTL;
    G_GNUC_END_IGNORE_DEPRECATIONS
    if (rtl)
        return false;
    PangoAttrList *effective = pango_attr_list_copy(attrs);
    pango_attr_list_insert_before(effective, pango_attr_font_desc_new(bdesc));
    GList *items = pango_itemize_with_base_dir(sh->pango, PANGO_DIRECTION_LTR, text, 0, len, effective, NULL);
    pango_attr_list_unref(effective);
    int n_chars = (int)g_utf8_strlen(text, len);
    PangoLogAttr *la = g_new0(PangoLogAttr, n_chars + 1);
    pango_default_break(text, len, NULL, la, n_chars + 1);
    int offset = 0;
    for (GList *l = items; l; l = l->next) {
        PangoItem *item = l->data;
        pango_tailor_break(text + item->offset, item->length, &item->analysis, item->offset, la + offset,
                           item->num_chars + 1);
        offset += item->num_chars;
    }
    size_t range_cursor = 0;
    offset = 0;
    PangoGlyphString *glyphs = pango_glyph_string_new();
    for (GList *l = items; l; l = l->next) {
        PangoItem *item = l->data;
        pango_shape_item(item, text, len, la + offset, glyphs, PANGO_SHAPE_NONE);
        PangoGlyphItem gi = {item, glyphs, 0, 0, 0};
        add_glyph_item(sh, b, &gi, ranges, &range_cursor);
        offset += item->num_chars;
    }
    pango_glyph_string_free(glyphs);
    g_list_free_full(items, (GDestroyNotify)pango_item_free);
    *log_attrs = la;
    *n_attrs = n_chars + 1;
    return true;
}

/* Any text, through a PangoLayout at no width: every line it makes is a paragraph ('\n')
 * or ends at a line separator (U+2028); jindu breaks the lines itself. */
static void shape_with_layout(jl_shaper *sh, builder *b, jl_para *p, const jd_node *block,
                              PangoAttrList *attrs, PangoFontDescription *bdesc, const GArray *ranges,
                              PangoLogAttr **log_attrs, int *n_attrs)
{
    PangoLayout *layout = sh->layout;
    const jd_style *bstyle = p->style;
    pango_layout_set_font_description(layout, bdesc);
    pango_layout_set_text(layout, p->text, (int)p->text_len);
    pango_layout_set_attributes(layout, attrs);
    size_t range_cursor = 0;
    bool first_line = true;
    for (GSList *l = pango_layout_get_lines_readonly(layout); l; l = l->next) {
        PangoLayoutLine *line = l->data;
        guint before = b->clusters->len;
        for (GSList *r = line->runs; r; r = r->next)
            add_glyph_item(sh, b, r->data, ranges, &range_cursor);
        if (b->clusters->len == before && l->next) {
            /* an empty paragraph still takes a line: a zero-width cluster holds its place
             * (every range's description was found by the caller) */
            const style_range *rg = range_at(ranges, &range_cursor, (size_t)line->start_index);
            PangoFont *font = pango_context_load_font(sh->pango, jl_shaper_font_desc(sh, rg ? rg->style : bstyle));
            style_range fallback = {0, 0, bstyle, NULL, block};
            jl_cluster c = {(uint32_t)line->start_index, 0, b->glyphs->len, 0,
                            run_for(sh, b, rg ? rg : &fallback, font), 0, 0};
            g_object_unref(font);
            g_array_append_val(b->clusters, c);
        }
        if (!first_line && b->clusters->len > before) {
            jl_cluster *c = &g_array_index(b->clusters, jl_cluster, before);
            c->flags |= JL_MANDATORY_BEFORE;
        }
        first_line = false;
    }
    const PangoLogAttr *la = pango_layout_get_log_attrs_readonly(layout, n_attrs);
    *log_attrs = g_memdup2(la, sizeof *la * (gsize)*n_attrs);
}

jl_para *jl_para_shape_with(jl_shaper *sh, const jd_node *block, const char *page_number,
                            const char *page_count)
{
    const jd_style *bstyle = jd_node_style(block);
    PangoFontDescription *bdesc = jl_shaper_font_desc(sh, bstyle);
    if (!bdesc)
        return NULL;
    flat f = {g_string_new(NULL), g_array_new(FALSE, FALSE, sizeof(style_range)), page_number,
              page_count};
    flatten(&f, block, NULL);

    jl_para *p = g_new0(jl_para, 1);
    p->style = bstyle;
    p->text_len = f.text->len;
    p->text = g_string_free(f.text, FALSE);
    {
        /* pango_context_get_metrics shapes a sample text each time: ask once per style */
        float *m = g_hash_table_lookup(sh->style_metrics, bstyle);
        if (!m) {
            PangoFontMetrics *fm = pango_context_get_metrics(sh->pango, bdesc, pango_language_from_string("zh-cn"));
            m = g_new(float, 2);
            m[0] = PT(pango_font_metrics_get_ascent(fm));
            m[1] = PT(pango_font_metrics_get_descent(fm));
            pango_font_metrics_unref(fm);
            g_hash_table_insert(sh->style_metrics, (gpointer)bstyle, m);
        }
        float lh = (float)jl_style_line_height(bstyle);
        p->empty_ascent = (lh - (m[0] + m[1])) / 2 + m[0];
        p->empty_height = lh;
    }
    if (p->text_len == 0) {
        g_array_free(f.ranges, TRUE);
        return p;
    }

    PangoAttrList *attrs = pango_attr_list_new();
    bool spaced = false;
    for (guint i = 0; i < f.ranges->len; i++) {
        const style_range *r = &g_array_index(f.ranges, style_range, i);
        PangoFontDescription *d = jl_shaper_font_desc(sh, r->style);
        if (!d) {
            pango_attr_list_unref(attrs);
            g_array_free(f.ranges, TRUE);
            jl_para_free(p);
            return NULL;
        }
        PangoAttribute *a = pango_attr_font_desc_new(d);
        a->start_index = (guint)r->start;
        a->end_index = (guint)r->end;
        pango_attr_list_insert(attrs, a);
        if (r->style->letter_spacing != 0) {
            spaced = true;
            a = pango_attr_letter_spacing_new((int)lround(r->style->letter_spacing * PANGO_SCALE));
            a->start_index = (guint)r->start;
            a->end_index = (guint)r->end;
            pango_attr_list_insert(attrs, a);
        }
    }
    builder b = {g_array_new(FALSE, FALSE, sizeof(jl_cluster)), g_array_new(FALSE, FALSE, sizeof(jl_glyph)),
                 g_array_new(FALSE, FALSE, sizeof(jl_run)), g_array_new(FALSE, FALSE, sizeof(jl_missing))};
    PangoLogAttr *log_attrs = NULL;
    int n_attrs = 0;
    if (spaced || !shape_line(sh, &b, p, attrs, bdesc, f.ranges, &log_attrs, &n_attrs))
        shape_with_layout(sh, &b, p, block, attrs, bdesc, f.ranges, &log_attrs, &n_attrs);
    pango_attr_list_unref(attrs);
    p->n_clusters = b.clusters->len;
    p->clusters = (jl_cluster *)g_array_free(b.clusters, FALSE);
    p->n_glyphs = b.glyphs->len;
    p->glyphs = (jl_glyph *)g_array_free(b.glyphs, FALSE);
    p->n_runs = b.runs->len;
    p->runs = (jl_run *)g_array_free(b.runs, FALSE);
    if (b.missing->len)
        p->missing = b.missing;
    else
        g_array_free(b.missing, TRUE);
    g_array_free(f.ranges, TRUE);
    classify(p, log_attrs, n_attrs);
    g_free(log_attrs);
    return p;
}

void jl_para_adopt(jl_ctx *ctx, jl_para *p)
{
    for (size_t i = 0; i < p->n_runs; i++) {
        const jl_font_key *k = p->runs[i].font;
        p->runs[i].font_id = k ? jd_pages_add_font(ctx->pages, k->file, k->face_index, k->family, k->synthetic_bold) : -1;
    }
    if (p->missing) {
        for (guint i = 0; i < p->missing->len; i++) {
            const jl_missing *m = &g_array_index(p->missing, jl_missing, i);
            report_missing(ctx, p->text, m->byte, m->node);
        }
        g_array_free(p->missing, TRUE);
        p->missing = NULL;
    }
}

jl_para *jl_para_shape(jl_ctx *ctx, const jd_node *block, const char *page_number,
                       const char *page_count)
{
    /* the layout's own shaper resolves every style, so it never gives up */
    jl_para *p = jl_para_shape_with(&ctx->shaper, block, page_number, page_count);
    jl_para_adopt(ctx, p);
    return p;
}

jl_para *jl_para_shape_text(jl_ctx *ctx, const char *text, const jd_style *style)
{
    /* a throwaway one-node tree keeps a single shaping path. Its nodes carry the caller's
     * style itself, which lives as long as the layout: the shaper caches fonts and metrics
     * by style address, and a style interned in the throwaway tree would be freed with it
     * and its address reused by the next one, at another size */
    jd_doc *doc = jd_doc_new();
    jd_node *para = jd_node_new(doc, JD_NODE_PARAGRAPH);
    jd_node *t = jd_node_new(doc, JD_NODE_TEXT);
    jd_node_set_style(para, style);
    jd_node_set_style(t, style);
    jd_node_set_text(t, text, strlen(text));
    jd_node_append(para, t);
    jl_para *p = jl_para_shape(ctx, para, NULL, NULL);
    jd_doc_free(doc);
    return p;
}

void jl_para_free(jl_para *para)
{
    if (!para)
        return;
    g_free(para->text);
    g_free(para->clusters);
    g_free(para->glyphs);
    g_free(para->runs);
    if (para->missing)
        g_array_free(para->missing, TRUE);
    g_free(para);
}

/* ---- line breaking ----------------------------------------------------------------- */

double jl_style_line_height(const jd_style *s)
{
    return s->line_height_pt ? s->line_height : s->line_height * s->font_size;
}

static double indent_of(const jd_style *s, double width)
{
    if (s->text_indent.unit == JD_UNIT_PERCENT)
        return width * s->text_indent.value / 100.0;
    return s->text_indent.value;
}

/* Height and baseline of a line box holding clusters [a, b): each run contributes its
 * line height with the leading split evenly above and below its font's ascent+descent. */
static void line_box(const jl_para *p, uint32_t a, uint32_t b, jl_line *line)
{
    float above = 0, below = 0;
    int last_run = -1;
    for (uint32_t i = a; i < b; i++) {
        int r = p->clusters[i].run;
        if (r == last_run)
            continue;
        last_run = r;
        const jl_run *run = &p->runs[r];
        float lh = (float)jl_style_line_height(run->style);
        float top = (lh - (run->ascent + run->descent)) / 2 + run->ascent;
        above = MAX(above, top);
        below = MAX(below, lh - top);
    }
    if (last_run < 0) {
        above = p->empty_ascent;
        below = p->empty_height - p->empty_ascent;
    }
    line->ascent = above;
    line->height = above + below;
}

static void finish_line(const jl_para *p, uint32_t a, uint32_t b, double avail, double indent,
                        bool last_of_paragraph, GArray *lines)
{
    jl_line line = {a, b, 0, 0, 0, 0, 0};
    uint32_t draw_end = b;
    while (draw_end > a && (p->clusters[draw_end - 1].flags & (JL_SPACE | JL_LINE_SEPARATOR)))
        draw_end--;
    float w = 0;
    for (uint32_t i = a; i < draw_end; i++)
        w += p->clusters[i].width;
    line.width = w;
    line.end = draw_end;
    line_box(p, a, b, &line);
    double free_space = avail - w;
    switch (p->style->text_align) {
    case JD_ALIGN_CENTER:
        line.x = (float)(indent + free_space / 2);
        break;
    case JD_ALIGN_RIGHT:
        line.x = (float)(indent + free_space);
        break;
    case JD_ALIGN_JUSTIFY:
        line.x = (float)indent;
        if (!last_of_paragraph && free_space > 0 && draw_end - a > 1)
            line.gap_extra = (float)(free_space / (double)(draw_end - a - 1));
        break;
    default:
        line.x = (float)indent;
        break;
    }
    g_array_append_val(lines, line);
}

void jl_para_break(const jl_para *p, double width, GArray *lines)
{
    uint32_t n = (uint32_t)p->n_clusters;
    uint32_t i = 0;
    bool new_paragraph = true;
    while (i < n) {
        /* a line after a soft break does not start with spaces */
        if (!new_paragraph)
            while (i < n && (p->clusters[i].flags & JL_SPACE) && !(p->clusters[i].flags & JL_MANDATORY_BEFORE))
                i++;
        if (i >= n)
            break;
        const jl_cluster *first = &p->clusters[i];
        bool starts_paragraph = i == 0 || (first->flags & JL_MANDATORY_BEFORE);
        bool after_separator = starts_paragraph && i > 0 &&
                               p->text[first->byte_start - 1] != '\n'; /* U+2028: same paragraph */
        double indent = starts_paragraph && !after_separator ? indent_of(p->style, width) : 0;
        double avail = width - indent;
        float w = 0;
        uint32_t j = i, last_break = i;
        bool overflow = false;
        while (j < n) {
            const jl_cluster *c = &p->clusters[j];
            if (j > i && (c->flags & JL_MANDATORY_BEFORE))
                break;
            if (j > i && (c->flags & JL_BREAK_BEFORE))
                last_break = j;
            if (j > i && w + c->width > avail + 0.001f && !(c->flags & JL_SPACE)) {
                overflow = true;
                break;
            }
            w += c->width;
            j++;
        }
        uint32_t end;
        if (!overflow) {
            end = j;
        } else if (last_break > i) {
            end = last_break;
        } else {
            /* no legal break in the line: cut between characters, as late as the
             * line-start and line-end rules allow, and never before one cluster */
            end = j;
            while (end > i + 1 && !(p->clusters[end].flags & JL_CHAR_BREAK))
                end--;
            if (end == i + 1 && !(p->clusters[end].flags & JL_CHAR_BREAK))
                end = j > i ? j : i + 1;
        }
        bool last = end >= n || (p->clusters[end].flags & JL_MANDATORY_BEFORE);
        finish_line(p, i, end, avail, indent, last, lines);
        new_paragraph = last;
        i = end;
    }
}

void jl_para_widths(const jl_para *p, double *min_width, double *max_width)
{
    double widest_piece = 0, piece = 0, line = 0, widest_line = 0;
    for (size_t i = 0; i < p->n_clusters; i++) {
        const jl_cluster *c = &p->clusters[i];
        if (c->flags & JL_MANDATORY_BEFORE) {
            widest_line = MAX(widest_line, line);
            line = 0;
            widest_piece = MAX(widest_piece, piece);
            piece = 0;
        } else if (c->flags & JL_BREAK_BEFORE) {
            widest_piece = MAX(widest_piece, piece);
            piece = 0;
        }
        if (!(c->flags & JL_SPACE))
            piece += c->width;
        line += c->width;
    }
    widest_piece = MAX(widest_piece, piece);
    widest_line = MAX(widest_line, line);
    double indent = indent_of(p->style, 0);
    if (min_width)
        *min_width = widest_piece + indent;
    if (max_width)
        *max_width = widest_line + indent;
}

/* ---- drawing ----------------------------------------------------------------------- */

void jl_line_emit(jl_ctx *ctx, const jl_para *p, const jl_line *line, double x, double y,
                  double box_width, jd_page *page)
{
    if (line->end <= line->first)
        return;
    double lx = line->x;
    jd_align align = p->style->text_align;
    if (align == JD_ALIGN_OUTSIDE || align == JD_ALIGN_INSIDE) {
        bool odd = (jd_page_index(page) % 2) == 0; /* page 1 is odd */
        bool right = (align == JD_ALIGN_OUTSIDE) == odd;
        lx = right ? box_width - line->width : 0;
    }
    double baseline = y + line->ascent;
    GArray *glyphs = ctx->glyphs;
    double pen = x + lx;
    uint32_t i = line->first;
    while (i < line->end) {
        const jl_cluster *c0 = &p->clusters[i];
        int run = c0->run;
        double run_x = pen;
        uint32_t byte0 = c0->byte_start, byte1 = byte0;
        g_array_set_size(glyphs, 0);
        while (i < line->end && p->clusters[i].run == run) {
            const jl_cluster *c = &p->clusters[i];
            for (uint16_t k = 0; k < c->n_glyphs; k++) {
                const jl_glyph *g = &p->glyphs[c->glyph_start + k];
                /* pango's "nothing to draw" glyph (zero-width characters) is no glyph of
                 * the font; a backend would have to invent one */
                if (g->id != PANGO_GLYPH_EMPTY) {
                    jd_glyph jg = {g->id, (float)(pen - run_x + g->x_offset), g->y_offset,
                                   c->byte_start - byte0};
                    g_array_append_val(glyphs, jg);
                }
                pen += g->advance;
            }
            byte1 = c->byte_start + c->byte_len;
            i++;
            if (i < line->end)
                pen += line->gap_extra;
        }
        const jl_run *r = &p->runs[run];
        if (glyphs->len > 0 && r->font_id >= 0) {
            /* the page list copies the text by its length */
            jd_glyph_run gr = {r->font_id, r->size, r->color, run_x, baseline, p->text + byte0,
                               byte1 - byte0, (const jd_glyph *)glyphs->data, glyphs->len, pen - run_x};
            jd_page_add_glyphs(page, &gr);
            if (r->href) {
                jd_link link = {run_x, y, pen - run_x, line->height, NULL, NULL};
                if (r->href[0] == '#')
                    link.dest = r->href + 1;
                else
                    link.uri = r->href;
                jd_page_add_link(page, &link);
            }
        }
    }
}
