/* Paragraphs: shaping with pango (once per paragraph, at no width), then jindu's own line
 * breaker: Unicode line breaking from pango, tailored for Chinese quotes, with the
 * line-start and line-end prohibitions of kinsoku.c; Chinese spacing (a quarter em between
 * Han and Latin, justification between characters but never inside a Latin word),
 * punctuation compression (标点挤压) in the document's style, unbreakable text (names)
 * set tighter or smaller rather than split, and no paragraph ending in a line of one
 * character. Right-to-left runs are kept in logical order and drawn in visual order. */
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
    s->font_descs = descs ? descs : g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, (GDestroyNotify)jl_descs_free);
    s->fonts = fonts;
    s->diags = diags;
    s->metrics = g_hash_table_new_full(g_direct_hash, g_direct_equal, g_object_unref, g_free);
    s->style_metrics = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    s->font_keys = g_hash_table_new_full(g_direct_hash, g_direct_equal, g_object_unref, NULL);
    s->keys = keys;
    s->shaped = g_hash_table_new_full(g_bytes_hash, g_bytes_equal, (GDestroyNotify)g_bytes_unref,
                                      (GDestroyNotify)jl_para_free);
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
    g_hash_table_destroy(s->shaped);
}

jl_descs *jl_descs_copy(const jl_descs *d)
{
    jl_descs *c = g_new(jl_descs, 1);
    c->main = pango_font_description_copy(d->main);
    c->latin = d->latin ? pango_font_description_copy(d->latin) : NULL;
    return c;
}

void jl_descs_free(jl_descs *d)
{
    if (!d)
        return;
    pango_font_description_free(d->main);
    if (d->latin)
        pango_font_description_free(d->latin);
    g_free(d);
}

static PangoFontDescription *desc_for(const char *families, const jd_style *style)
{
    PangoFontDescription *d = pango_font_description_new();
    pango_font_description_set_family(d, families);
    pango_font_description_set_size(d, (gint)lround(style->font_size * PANGO_SCALE));
    pango_font_description_set_weight(d, (PangoWeight)style->font_weight);
    pango_font_description_set_style(d, style->italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
    return d;
}

const jl_descs *jl_shaper_font_desc(jl_shaper *s, const jd_style *style)
{
    jl_descs *d = g_hash_table_lookup(s->font_descs, style);
    if (d || !s->owns_descs)
        return d;
    d = g_new0(jl_descs, 1);
    d->main = desc_for(jd_fonts_family_list(s->fonts, style->font_family, s->diags), style);
    const char *latin = jd_fonts_latin_family_list(s->fonts, style->font_family);
    if (latin)
        d->latin = desc_for(latin, style);
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

/* Ascent and descent of a style's own font description (pango_context_get_metrics shapes
 * a sample text each time: asked once per style). */
static const float *style_metrics(jl_shaper *sh, const jd_style *style, PangoFontDescription *desc)
{
    float *m = g_hash_table_lookup(sh->style_metrics, style);
    if (!m) {
        PangoFontMetrics *fm = pango_context_get_metrics(sh->pango, desc, pango_language_from_string("zh-cn"));
        m = g_new(float, 2);
        m[0] = PT(pango_font_metrics_get_ascent(fm));
        m[1] = PT(pango_font_metrics_get_descent(fm));
        pango_font_metrics_unref(fm);
        g_hash_table_insert(sh->style_metrics, (gpointer)style, m);
    }
    return m;
}

/* Whether `key` is the Latin face paired with the style's family. */
static bool is_latin_face(const jl_descs *d, const jl_font_key *key)
{
    if (!d || !d->latin || !key)
        return false;
    const char *list = pango_font_description_get_family(d->latin);
    size_t n = strlen(key->family);
    return n && strncmp(list, key->family, n) == 0 && list[n] == ',';
}

static uint16_t run_for(jl_shaper *sh, builder *b, const style_range *r, PangoFont *font)
{
    const jl_font_key *key = font_key(sh, font);
    if (b->runs->len > 0) {
        jl_run *last = &g_array_index(b->runs, jl_run, b->runs->len - 1);
        if (last->font == key && last->style == r->style && last->href == r->href)
            return (uint16_t)(b->runs->len - 1);
    }
    /* Latin text sits on the line as the CJK text of its style does: a line of digits
     * alone keeps the baseline of its neighbours */
    const jl_descs *d = jl_shaper_font_desc(sh, r->style);
    const float *m = is_latin_face(d, key) ? style_metrics(sh, r->style, d->main) : font_metrics(sh, font);
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

/* Clusters of one pango glyph item, appended in logical order. A right-to-left item's
 * glyphs come in visual order, its clusters last to first: they are turned round, each
 * keeping its glyphs in visual order, and drawing puts the line back in visual order. */
static void add_glyph_item(jl_shaper *sh, builder *b, PangoGlyphItem *gi, const GArray *ranges,
                           size_t *range_cursor)
{
    PangoGlyphString *gs = gi->glyphs;
    PangoItem *item = gi->item;
    bool rtl = item->analysis.level % 2 == 1;
    guint first_cluster = b->clusters->len;
    /* room for every glyph and at most as many clusters, written in place (an append per
     * glyph cost more than the rest of this loop) */
    guint n_glyphs = b->glyphs->len, n_clusters = first_cluster;
    g_array_set_size(b->glyphs, n_glyphs + (guint)gs->num_glyphs);
    g_array_set_size(b->clusters, n_clusters + (guint)gs->num_glyphs);
    jl_glyph *glyph_out = (jl_glyph *)b->glyphs->data;
    jl_cluster *cluster_out = (jl_cluster *)b->clusters->data;
    int i = 0;
    while (i < gs->num_glyphs) {
        int start = gs->log_clusters[i];
        int j = i;
        float width = 0;
        while (j < gs->num_glyphs && gs->log_clusters[j] == start) {
            width += PT(gs->glyphs[j].geometry.width);
            j++;
        }
        /* the cluster ends where the next one in logical order starts */
        size_t byte = (size_t)item->offset + (size_t)start;
        size_t next = (size_t)(item->offset + item->length);
        if (!rtl && j < gs->num_glyphs)
            next = (size_t)item->offset + (size_t)gs->log_clusters[j];
        else if (rtl && i > 0)
            next = (size_t)item->offset + (size_t)gs->log_clusters[i - 1];
        const style_range *r = range_at(ranges, range_cursor, byte);
        jl_cluster c = {0};
        c.byte_start = (uint32_t)byte;
        c.byte_len = (uint32_t)(next - byte);
        c.glyph_start = n_glyphs;
        c.n_glyphs = (uint16_t)(j - i);
        c.width = width;
        c.level = (uint8_t)item->analysis.level;
        c.run = run_for(sh, b, r, item->analysis.font);
        bool missing = false;
        for (int k = i; k < j; k++) {
            PangoGlyphInfo *g = &gs->glyphs[k];
            if ((g->glyph & PANGO_GLYPH_UNKNOWN_FLAG) && !missing) {
                jl_missing m = {(uint32_t)byte, r ? r->node : NULL};
                g_array_append_val(b->missing, m);
                missing = true;
            }
            glyph_out[n_glyphs++] = (jl_glyph){g->glyph, PT(g->geometry.x_offset), PT(g->geometry.y_offset),
                                               PT(g->geometry.width)};
        }
        cluster_out[n_clusters++] = c;
        i = j;
    }
    g_array_set_size(b->clusters, n_clusters);
    if (rtl) {
        jl_cluster *cs = &g_array_index(b->clusters, jl_cluster, first_cluster);
        for (guint x = 0, y = b->clusters->len - first_cluster; x + 1 < y; x++, y--) {
            jl_cluster t = cs[x];
            cs[x] = cs[y - 1];
            cs[y - 1] = t;
        }
    }
}

/* ---- classes and spacing ----------------------------------------------------------- */

static bool is_mark(uint8_t cls)
{
    return cls >= JL_CLASS_OPEN && cls <= JL_CLASS_MIDDLE;
}

static bool in_latin_word(uint8_t cls)
{
    return cls == JL_CLASS_ALNUM || cls == JL_CLASS_NARROW;
}

/* The blank halves of a full-width mark, and what the style removes always; the spacing
 * between a cluster and the one before it (a pair of marks, Han–Latin spacing, whether
 * justification may widen the gap). */
static void space_clusters(jl_para *p)
{
    p->spaces = g_new0(jl_space, p->n_clusters ? p->n_clusters : 1);
    for (size_t i = 0; i < p->n_clusters; i++) {
        const jl_cluster *c = &p->clusters[i];
        const jl_run *run = &p->runs[c->run];
        jl_space *s = &p->spaces[i];
        double em = run->size;
        float natural = c->width - (float)run->style->letter_spacing;
        jd_punctuation style = run->style->punctuation;
        if (is_mark(c->cls) && natural >= 0.75 * em && style != JD_PUNCT_PLAIN) {
            float half = (float)(em / 2);
            if (c->cls == JL_CLASS_OPEN)
                s->blank_left = half;
            else if (c->cls == JL_CLASS_MIDDLE)
                s->blank_left = s->blank_right = half / 2;
            else
                s->blank_right = half;
            if (style == JD_PUNCT_BANJIAO || (style == JD_PUNCT_KAIMING && c->cls != JL_CLASS_FULL_STOP)) {
                s->fixed_left = s->blank_left;
                s->fixed_right = s->blank_right;
                s->blank_left = s->blank_right = 0;
            }
        }
        if (i == 0 || (c->flags & JL_MANDATORY_BEFORE))
            continue;
        const jl_cluster *b = &p->clusters[i - 1];
        jl_space *bs = &p->spaces[i - 1];
        /* two marks side by side take 1.5 em: the blank between them goes, the first
         * one's when it has one there (GB/T 15834, clreq) */
        if (is_mark(b->cls) && is_mark(c->cls) && bs->fixed_right == 0 && s->fixed_left == 0) {
            if (bs->blank_right > 0)
                s->pair = bs->blank_right, s->pair_side = 1;
            else if (s->blank_left > 0)
                s->pair = s->blank_left, s->pair_side = 2;
        }
        bool han_latin = (b->cls == JL_CLASS_HAN && c->cls == JL_CLASS_ALNUM) ||
                         (b->cls == JL_CLASS_ALNUM && c->cls == JL_CLASS_HAN);
        if (han_latin) {
            const jd_style *hs = p->runs[(b->cls == JL_CLASS_HAN ? b : c)->run].style;
            s->glue = (float)(hs->cjk_latin_spacing_pt ? hs->cjk_latin_spacing
                                                       : hs->cjk_latin_spacing * p->runs[(b->cls == JL_CLASS_HAN ? b : c)->run].size);
        }
        s->stretch = b->width > 0 && c->width > 0 && b->cls != JL_CLASS_NONE && c->cls != JL_CLASS_NONE &&
                     !(in_latin_word(b->cls) && in_latin_word(c->cls)) && !(b->flags & JL_LINE_SEPARATOR);
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
    size_t unit_end = 0;    /* a number's unit runs to here: no break inside it */
    for (size_t i = 0; i < p->n_clusters; i++) {
        jl_cluster *c = &p->clusters[i];
        while (byte < c->byte_start) {
            byte = (size_t)(g_utf8_next_char(t + byte) - t);
            char_index++;
        }
        gunichar first = g_utf8_get_char(t + c->byte_start);
        /* most clusters are one character: its last is its first */
        const char *c_end = t + c->byte_start + c->byte_len;
        gunichar last = g_utf8_next_char(t + c->byte_start) >= c_end ? first
                                                                      : g_utf8_get_char(g_utf8_find_prev_char(t, c_end));
        uint8_t flags = c->flags; /* mandatory flags were set while shaping */
        if (first == 0x2028)
            flags |= JL_LINE_SEPARATOR;
        else if (g_unichar_isspace(first))
            flags |= JL_SPACE;
        if (jl_is_cjk(first))
            flags |= JL_CJK;
        c->cls = (uint8_t)jl_char_class(first);
        /* unbreakable text (white-space: nowrap) keeps its characters on one line */
        bool nowrap = i > 0 && p->runs[c->run].style->nowrap && p->runs[p->clusters[i - 1].run].style->nowrap;
        if (i > 0 && !(flags & JL_MANDATORY_BEFORE) && !nowrap) {
            bool allowed = char_index < n_attrs && attrs[char_index].is_line_break;
            /* UAX #14 keeps curly quotes glued to both neighbours (class QU); in Chinese an
             * opening quote may start a line and a closing one may end it */
            if (!allowed && (first == 0x201C || first == 0x2018) && !g_unichar_isspace(prev_last))
                allowed = true;
            if (!allowed && (prev_last == 0x201D || prev_last == 0x2019) && !g_unichar_isspace(first))
                allowed = true;
            bool rules_allow = !jl_forbidden_at_line_start(first) && !jl_forbidden_at_line_end(prev_last) &&
                               !(jl_inseparable(first) && first == prev_last);
            if (jl_is_digit(prev_last) && c->byte_start >= unit_end)
                unit_end = c->byte_start + jl_unit_after_number(t + c->byte_start, p->text_len - c->byte_start);
            bool in_unit = c->byte_start < unit_end;
            /* an emergency break (below) may still cut a unit that cannot fit a line */
            if (allowed && rules_allow && !in_unit)
                flags |= JL_BREAK_BEFORE;
            /* an emergency break may cut between any two characters that the rules allow */
            if (rules_allow)
                flags |= JL_CHAR_BREAK;
        }
        c->flags = flags;
        /* letter spacing follows every character (CSS): a character grid is this */
        if (c->width > 0 && !(flags & JL_LINE_SEPARATOR))
            c->width += (float)p->runs[c->run].style->letter_spacing;
        prev_last = last;
    }
    space_clusters(p);
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

/* Bytes [start, end) of a paragraph's text — one line, or one of its paragraphs — shaped
 * with pango's itemizer and shaper directly: the steps PangoLayout takes for it (the
 * layout's font description as the first attribute, the bidi analysis with a left-to-right
 * base, Unicode breaks tailored per item, each item shaped with the log attributes),
 * without its line bookkeeping, and without the extents pango 1.50 measures for every
 * layout it builds. Clusters keep offsets in the whole text; `la` gets the log attributes
 * of the range's characters and of its end. */
static void shape_range(jl_shaper *sh, builder *b, const char *text, int text_len, int start,
                        int end, PangoAttrList *effective, const GArray *ranges,
                        size_t *range_cursor, PangoLogAttr *la, int n_chars)
{
    /* itemized as text of its own (pango counts the characters before start_index on every
     * call), with `effective`'s indices counted from `start`; the items then point into
     * the whole text again */
    GList *items = pango_itemize_with_base_dir(sh->pango, PANGO_DIRECTION_LTR, text + start, 0,
                                               end - start, effective, NULL);
    for (GList *l = items; l; l = l->next)
        ((PangoItem *)l->data)->offset += start;
    pango_default_break(text + start, end - start, NULL, la, n_chars + 1);
    int offset = 0;
    for (GList *l = items; l; l = l->next) {
        PangoItem *item = l->data;
        pango_tailor_break(text + item->offset, item->length, &item->analysis, item->offset - start,
                           la + offset, item->num_chars + 1);
        offset += item->num_chars;
    }
    offset = 0;
    PangoGlyphString *glyphs = pango_glyph_string_new();
    for (GList *l = items; l; l = l->next) {
        PangoItem *item = l->data;
        /* the whole text as context, as PangoLayout gives it */
        pango_shape_item(item, text, text_len, la + offset, glyphs, PANGO_SHAPE_NONE);
        PangoGlyphItem gi = {item, glyphs, 0, 0, 0};
        add_glyph_item(sh, b, &gi, ranges, range_cursor);
        offset += item->num_chars;
    }
    pango_glyph_string_free(glyphs);
    g_list_free_full(items, (GDestroyNotify)pango_item_free);
}

/* The attributes of a text, handed out paragraph by paragraph with their indices counted
 * from each paragraph's start: one walk over them for the whole text. */
typedef struct {
    GSList *all;      /* PangoAttribute*, by start index (owned) */
    GSList *next;     /* the first not yet started */
    GPtrArray *active; /* started, not known to have ended (borrowed from `all`) */
} attr_walk;

static void attr_walk_init(attr_walk *w, PangoAttrList *attrs)
{
    w->all = w->next = pango_attr_list_get_attributes(attrs);
    w->active = g_ptr_array_new();
}

static void attr_walk_clear(attr_walk *w)
{
    g_slist_free_full(w->all, (GDestroyNotify)pango_attribute_destroy);
    g_ptr_array_free(w->active, TRUE);
}

/* The attributes over bytes [start, end), their indices from `start`, in their order. */
static PangoAttrList *attr_walk_range(attr_walk *w, guint start, guint end)
{
    for (; w->next && ((PangoAttribute *)w->next->data)->start_index < end; w->next = w->next->next)
        g_ptr_array_add(w->active, w->next->data);
    PangoAttrList *list = pango_attr_list_new();
    guint kept = 0;
    for (guint i = 0; i < w->active->len; i++) {
        PangoAttribute *a = g_ptr_array_index(w->active, i);
        if (a->end_index <= start)
            continue; /* over: dropped */
        g_ptr_array_index(w->active, kept++) = a;
        PangoAttribute *c = pango_attribute_copy(a);
        c->start_index = MAX(a->start_index, start) - start;
        c->end_index = MIN(a->end_index, end) - start;
        pango_attr_list_insert(list, c);
    }
    g_ptr_array_set_size(w->active, kept);
    return list;
}

/* The characters that end a paragraph for PangoLayout ('\n', '\r', U+2029) and nothing else
 * it would break at or treat specially: such text is shaped paragraph by paragraph. */
static bool only_paragraph_breaks(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '\t' || c == '\v' || c == '\f')
            return false;
        if (c == 0xC2 && i + 1 < len && (unsigned char)text[i + 1] == 0x85) /* U+0085 */
            return false;
        if (c == 0xE2 && i + 2 < len && (unsigned char)text[i + 1] == 0x80 &&
            (unsigned char)text[i + 2] == 0xA8) /* U+2028, a line break inside a paragraph */
            return false;
    }
    return true;
}

/* Text without tabs or line separators, shaped one paragraph at a time with shape_range:
 * as PangoLayout shapes it (it too itemizes, breaks and shapes each paragraph alone), but in
 * time linear in the text — a PangoLayout of 10,000 paragraphs measures each from the start
 * of the text (a cell of "甲<br>" × 40,000 took 10 s, 160,000 minutes). Every paragraph after
 * the first starts with a mandatory break; an empty one takes a line (a zero-width cluster
 * holds its place), except after the last break. False (nothing done) for other text. */
static bool shape_paragraphs(jl_shaper *sh, builder *b, jl_para *p, const jd_node *block,
                             PangoAttrList *attrs, PangoFontDescription *bdesc, const GArray *ranges,
                             PangoLogAttr **log_attrs, int *n_attrs)
{
    const char *text = p->text;
    int len = (int)p->text_len;
    if (!only_paragraph_breaks(text, p->text_len))
        return false;
    PangoAttrList *effective = pango_attr_list_copy(attrs);
    pango_attr_list_insert_before(effective, pango_attr_font_desc_new(bdesc));
    attr_walk walk;
    attr_walk_init(&walk, effective);
    pango_attr_list_unref(effective);
    int n_chars = (int)g_utf8_strlen(text, len);
    PangoLogAttr *la = g_new0(PangoLogAttr, n_chars + 1);
    size_t range_cursor = 0;
    int start = 0, char_start = 0;
    bool first = true;
    for (;;) {
        int delimiter = 0, next = 0;
        pango_find_paragraph_boundary(text + start, len - start, &delimiter, &next);
        int end = start + delimiter, para_chars = (int)g_utf8_strlen(text + start, delimiter);
        guint before = b->clusters->len;
        if (end > start) {
            PangoAttrList *para_attrs = attr_walk_range(&walk, (guint)start, (guint)end);
            shape_range(sh, b, text, len, start, end, para_attrs, ranges, &range_cursor,
                        la + char_start, para_chars);
            pango_attr_list_unref(para_attrs);
        }
        bool last = start + next >= len || next == 0;
        if (b->clusters->len == before && !last) {
            const style_range *rg = range_at(ranges, &range_cursor, (size_t)start);
            const jd_style *st = rg ? rg->style : p->style;
            PangoFont *font = pango_context_load_font(sh->pango, jl_shaper_font_desc(sh, st)->main);
            style_range fallback = {0, 0, p->style, NULL, block};
            jl_cluster c = {(uint32_t)start, 0, b->glyphs->len, 0,
                            run_for(sh, b, rg ? rg : &fallback, font), 0, 0, 0, 0};
            g_object_unref(font);
            g_array_append_val(b->clusters, c);
        }
        if (!first && b->clusters->len > before)
            g_array_index(b->clusters, jl_cluster, before).flags |= JL_MANDATORY_BEFORE;
        first = false;
        if (last)
            break;
        char_start += para_chars + (int)g_utf8_strlen(text + end, next - delimiter);
        start += next;
    }
    attr_walk_clear(&walk);
    *log_attrs = la;
    *n_attrs = n_chars + 1;
    return true;
}

/* One line of text (shape_range over the whole text). False (nothing done) for text with
 * mandatory breaks or tabs. */
static bool shape_line(jl_shaper *sh, builder *b, jl_para *p, PangoAttrList *attrs,
                       PangoFontDescription *bdesc, const GArray *ranges, PangoLogAttr **log_attrs,
                       int *n_attrs)
{
    if (needs_layout(p->text, p->text_len))
        return false;
    /* the caller's list, which nothing uses after this */
    PangoAttrList *effective = pango_attr_list_ref(attrs);
    pango_attr_list_insert_before(effective, pango_attr_font_desc_new(bdesc));
    int n_chars = (int)g_utf8_strlen(p->text, (gssize)p->text_len);
    PangoLogAttr *la = g_new0(PangoLogAttr, n_chars + 1);
    size_t range_cursor = 0;
    shape_range(sh, b, p->text, (int)p->text_len, 0, (int)p->text_len, effective, ranges,
                &range_cursor, la, n_chars);
    pango_attr_list_unref(effective);
    *log_attrs = la;
    *n_attrs = n_chars + 1;
    return true;
}

static gint by_offset(gconstpointer a, gconstpointer b)
{
    const PangoGlyphItem *x = a, *y = b;
    return (x->item->offset > y->item->offset) - (x->item->offset < y->item->offset);
}

/* Any text, through a PangoLayout at no width with a left-to-right base: every line it
 * makes is a paragraph ('\n') or ends at a line separator (U+2028); jindu breaks the lines
 * itself. A line's runs come in visual order and are taken in logical order. */
static void shape_with_layout(jl_shaper *sh, builder *b, jl_para *p, const jd_node *block,
                              PangoAttrList *attrs, PangoFontDescription *bdesc, const GArray *ranges,
                              PangoLogAttr **log_attrs, int *n_attrs)
{
    PangoLayout *layout = sh->layout;
    const jd_style *bstyle = p->style;
    pango_layout_set_auto_dir(layout, FALSE);
    pango_layout_set_font_description(layout, bdesc);
    pango_layout_set_text(layout, p->text, (int)p->text_len);
    pango_layout_set_attributes(layout, attrs);
    size_t range_cursor = 0;
    bool first_line = true;
    for (GSList *l = pango_layout_get_lines_readonly(layout); l; l = l->next) {
        PangoLayoutLine *line = l->data;
        guint before = b->clusters->len;
        GSList *runs = g_slist_sort(g_slist_copy(line->runs), by_offset);
        for (GSList *r = runs; r; r = r->next)
            add_glyph_item(sh, b, r->data, ranges, &range_cursor);
        g_slist_free(runs);
        if (b->clusters->len == before && l->next) {
            /* an empty paragraph still takes a line: a zero-width cluster holds its place
             * (every range's description was found by the caller) */
            const style_range *rg = range_at(ranges, &range_cursor, (size_t)line->start_index);
            PangoFont *font = pango_context_load_font(sh->pango, jl_shaper_font_desc(sh, rg ? rg->style : bstyle)->main);
            style_range fallback = {0, 0, bstyle, NULL, block};
            jl_cluster c = {(uint32_t)line->start_index, 0, b->glyphs->len, 0,
                            run_for(sh, b, rg ? rg : &fallback, font), 0, 0, 0, 0};
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

/* Whether character `ch` goes to the Latin face: a Latin letter, digit or sign, or a space
 * beside one — a space the Latin face has: the ideographic space (U+3000, "图1　标题",
 * "已完成15　序时推进") is a CJK character and stays in the CJK face whatever its neighbours,
 * or a face without it would draw it as a missing glyph. `prev` is the character before it
 * (when `has_prev`), `next` where the one after it starts (none at `end`). */
static bool latin_char(gunichar ch, bool has_prev, gunichar prev, const char *next, const char *end)
{
    if (!jl_latin_face_char(ch))
        return false;
    if (!g_unichar_isspace(ch))
        return true;
    if (has_prev && !g_unichar_isspace(prev) && jl_latin_face_char(prev))
        return true;
    if (next < end) {
        gunichar n = g_utf8_get_char(next);
        return !g_unichar_isspace(n) && jl_latin_face_char(n);
    }
    return false;
}

static void add_desc_attr(PangoAttrList *attrs, PangoFontDescription *d, size_t start, size_t end)
{
    PangoAttribute *a = pango_attr_font_desc_new(d);
    a->start_index = (guint)start;
    a->end_index = (guint)end;
    pango_attr_list_insert(attrs, a);
}

/* The font attributes of a style range: its family, and its Latin face for the Latin
 * letters, digits and signs in it. */
static void add_font_attrs(PangoAttrList *attrs, const char *text, const style_range *r, const jl_descs *d)
{
    if (!d->latin) {
        add_desc_attr(attrs, d->main, r->start, r->end);
        return;
    }
    /* each character decoded once, its neighbour kept */
    const char *end = text + r->end;
    const char *q = text + r->start;
    const char *before = r->start > 0 ? g_utf8_find_prev_char(text, q) : NULL;
    bool has_prev = before != NULL;
    gunichar prev = before ? g_utf8_get_char(before) : 0;
    size_t from = r->start;
    bool latin = false;
    for (bool first = true; q < end; first = false) {
        gunichar ch = g_utf8_get_char(q);
        const char *next = g_utf8_next_char(q);
        bool l = latin_char(ch, has_prev, prev, next, end);
        if (first) {
            latin = l;
        } else if (l != latin) {
            add_desc_attr(attrs, latin ? d->latin : d->main, from, (size_t)(q - text));
            from = (size_t)(q - text);
            latin = l;
        }
        prev = ch;
        has_prev = true;
        q = next;
    }
    add_desc_attr(attrs, latin ? d->latin : d->main, from, r->end);
}

/* ---- shaped short texts, kept for the next time ----------------------------------- */

/* Short texts come back again and again: unit and leader names, a table's header on every
 * page, the （续） mark, states, dates. A paragraph is width-independent, so one shaped
 * before in the same styles is copied instead of shaped again. Longer texts seldom repeat
 * in real data and are always shaped. */
#define SHAPED_TEXT_MAX 64
/* Bounded memory: the table starts afresh when it is full. */
#define SHAPED_ENTRIES_MAX 4096

/* What decides a shaped paragraph: the block's style, each range's extent and style (styles
 * are interned: one address per style for the layout's lifetime), and the text. NULL for a
 * text not kept: too long, or a link in it (its target lives in its node). */
static GBytes *shaped_key(const jd_style *bstyle, const flat *f)
{
    if (f->text->len == 0 || f->text->len > SHAPED_TEXT_MAX)
        return NULL;
    GByteArray *k = g_byte_array_sized_new((guint)(sizeof bstyle + f->ranges->len * (2 * sizeof(uint32_t) + sizeof bstyle) + f->text->len));
    g_byte_array_append(k, (const guint8 *)&bstyle, sizeof bstyle);
    for (guint i = 0; i < f->ranges->len; i++) {
        const style_range *r = &g_array_index(f->ranges, style_range, i);
        if (r->href) {
            g_byte_array_free(k, TRUE);
            return NULL;
        }
        uint32_t ends[2] = {(uint32_t)r->start, (uint32_t)r->end};
        g_byte_array_append(k, (const guint8 *)ends, sizeof ends);
        g_byte_array_append(k, (const guint8 *)&r->style, sizeof r->style);
    }
    g_byte_array_append(k, (const guint8 *)f->text->str, (guint)f->text->len);
    return g_byte_array_free_to_bytes(k);
}

/* Room for `n` bytes from `*at`, aligned for any of the paragraph's arrays. */
static size_t take_room(size_t *at, size_t n)
{
    size_t start = (*at + 15) & ~(size_t)15;
    *at = start + n;
    return start;
}

/* `n` bytes of `src` copied to `at` (an empty paragraph's arrays may be NULL, and memcpy
 * is not to be given NULL even for nothing). */
static void *place(char *at, const void *src, size_t n)
{
    if (n)
        memcpy(at, src, n);
    return at;
}

/* A copy of `p` in one block (packed), without its missing characters: a copy is kept in
 * the shaping cache, and those messages name the nodes of the text shaped first. */
static jl_para *para_copy(const jl_para *p)
{
    size_t n_spaces = p->n_clusters ? p->n_clusters : 1, at = 0;
    size_t o_para = take_room(&at, sizeof *p);
    size_t o_text = take_room(&at, p->text_len + 1);
    size_t o_clusters = take_room(&at, sizeof *p->clusters * p->n_clusters);
    size_t o_spaces = take_room(&at, sizeof *p->spaces * n_spaces);
    size_t o_glyphs = take_room(&at, sizeof *p->glyphs * p->n_glyphs);
    size_t o_runs = take_room(&at, sizeof *p->runs * p->n_runs);
    char *block = g_malloc(at);
    jl_para *c = (jl_para *)(block + o_para);
    *c = *p;
    c->packed = true;
    c->next = NULL;
    c->missing = NULL;
    c->text = place(block + o_text, p->text, p->text_len + 1);
    c->clusters = place(block + o_clusters, p->clusters, sizeof *p->clusters * p->n_clusters);
    c->spaces = place(block + o_spaces, p->spaces, sizeof *p->spaces * n_spaces);
    c->glyphs = place(block + o_glyphs, p->glyphs, sizeof *p->glyphs * p->n_glyphs);
    c->runs = place(block + o_runs, p->runs, sizeof *p->runs * p->n_runs);
    return c;
}

jl_para *jl_para_pack(jl_para *p)
{
    if (p->packed)
        return p;
    jl_para *q = para_copy(p);
    q->missing = p->missing; /* moved */
    p->missing = NULL;
    jl_para_free(p);
    return q;
}

static void keep_shaped(jl_shaper *sh, GBytes *key, const jl_para *p)
{
    if (!key)
        return;
    if (p->missing) {
        g_bytes_unref(key);
        return;
    }
    if (g_hash_table_size(sh->shaped) >= SHAPED_ENTRIES_MAX)
        g_hash_table_remove_all(sh->shaped);
    g_hash_table_insert(sh->shaped, key, para_copy(p));
}

jl_para *jl_para_shape_with(jl_shaper *sh, const jd_node *block, const char *page_number,
                            const char *page_count)
{
    const jd_style *bstyle = jd_node_style(block);
    const jl_descs *bdescs = jl_shaper_font_desc(sh, bstyle);
    if (!bdescs)
        return NULL;
    PangoFontDescription *bdesc = bdescs->main;
    flat f = {g_string_new(NULL), g_array_new(FALSE, FALSE, sizeof(style_range)), page_number,
              page_count};
    flatten(&f, block, NULL);
    GBytes *key = shaped_key(bstyle, &f);
    if (key) {
        const jl_para *before = g_hash_table_lookup(sh->shaped, key);
        if (before) {
            g_bytes_unref(key);
            g_string_free(f.text, TRUE);
            g_array_free(f.ranges, TRUE);
            return para_copy(before);
        }
    }

    jl_para *p = g_new0(jl_para, 1);
    p->style = bstyle;
    p->text_len = f.text->len;
    p->text = g_string_free(f.text, FALSE);
    {
        const float *m = style_metrics(sh, bstyle, bdesc);
        float lh = (float)jl_style_line_height(bstyle);
        p->empty_ascent = (lh - (m[0] + m[1])) / 2 + m[0];
        p->empty_height = lh;
    }
    if (p->text_len == 0) {
        g_array_free(f.ranges, TRUE);
        p->spaces = g_new0(jl_space, 1);
        return p;
    }

    PangoAttrList *attrs = pango_attr_list_new();
    for (guint i = 0; i < f.ranges->len; i++) {
        const style_range *r = &g_array_index(f.ranges, style_range, i);
        const jl_descs *d = jl_shaper_font_desc(sh, r->style);
        if (!d) {
            pango_attr_list_unref(attrs);
            g_array_free(f.ranges, TRUE);
            jl_para_free(p);
            if (key)
                g_bytes_unref(key);
            return NULL;
        }
        add_font_attrs(attrs, p->text, r, d);
    }
    builder b = {g_array_new(FALSE, FALSE, sizeof(jl_cluster)), g_array_new(FALSE, FALSE, sizeof(jl_glyph)),
                 g_array_new(FALSE, FALSE, sizeof(jl_run)), g_array_new(FALSE, FALSE, sizeof(jl_missing))};
    PangoLogAttr *log_attrs = NULL;
    int n_attrs = 0;
    if (!shape_line(sh, &b, p, attrs, bdesc, f.ranges, &log_attrs, &n_attrs) &&
        !shape_paragraphs(sh, &b, p, block, attrs, bdesc, f.ranges, &log_attrs, &n_attrs))
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
    keep_shaped(sh, key, p);
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
    if (para->packed) {
        if (para->missing)
            g_array_free(para->missing, TRUE);
        g_free(para);
        return;
    }
    g_free(para->text);
    g_free(para->clusters);
    g_free(para->spaces);
    g_free(para->glyphs);
    g_free(para->runs);
    if (para->missing)
        g_array_free(para->missing, TRUE);
    g_free(para);
}

/* ---- line breaking ----------------------------------------------------------------- */

/* Fit tolerance: a line of 28 characters on a character grid fills its measure exactly,
 * give or take float rounding. */
#define FIT_EPS 0.005
/* A line is loosened by at most this much per gap (in em) before a longer line with its
 * punctuation compressed is taken instead. */
#define LOOSE_LIMIT 0.2
/* Pulling a character down to avoid a one-character last line may loosen the line above
 * by this much per gap (em). */
#define PUSH_LIMIT 0.5
/* A squeezed line is set tighter by up to this much per gap (em) before it is set smaller. */
#define TIGHTEN_LIMIT 0.1

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

/* Running sums over a paragraph's clusters, so that any line measures in constant time.
 * Join k is the gap between clusters k-1 and k. */
typedef struct {
    double *width;   /* widths less the blanks always removed, of clusters before k */
    double *join;    /* glue less pair compression, of joins up to k */
    double *blank;   /* removable blanks of clusters before k */
    double *pair;    /* pair compression of joins up to k */
    uint32_t *gaps;  /* stretchable joins up to k */
} sums;

static void sums_init(sums *S, const jl_para *p)
{
    size_t n = p->n_clusters + 1;
    S->width = g_new(double, n * 4);
    S->join = S->width + n;
    S->blank = S->join + n;
    S->pair = S->blank + n;
    S->gaps = g_new(uint32_t, n);
    S->width[0] = S->join[0] = S->blank[0] = S->pair[0] = 0;
    S->gaps[0] = 0;
    for (size_t k = 0; k < p->n_clusters; k++) {
        const jl_space *s = &p->spaces[k];
        S->width[k + 1] = S->width[k] + p->clusters[k].width - s->fixed_left - s->fixed_right;
        S->join[k + 1] = S->join[k] + s->glue - s->pair;
        S->blank[k + 1] = S->blank[k] + s->blank_left + s->blank_right;
        S->pair[k + 1] = S->pair[k] + s->pair;
        S->gaps[k + 1] = S->gaps[k] + (s->stretch ? 1 : 0);
    }
}

static void sums_clear(sums *S)
{
    g_free(S->width);
    g_free(S->gaps);
}

/* What a line drawing clusters [a, d] measures. */
typedef struct {
    double natural;   /* width with every blank it may lose still there */
    double removable; /* blanks it may lose, in all */
    double end_fixed; /* blank after the last cluster always removed (行末半角式) */
    double end_blank, start_blank; /* removable blanks after the last and before the first */
    uint32_t gaps;    /* stretchable gaps */
} measure;

static measure measure_line(const jl_para *p, const sums *S, uint32_t a, uint32_t d)
{
    measure m = {0};
    m.natural = S->width[d + 1] - S->width[a] + S->join[d + 1] - S->join[a + 1];
    m.removable = S->blank[d + 1] - S->blank[a] - (S->pair[d + 1] - S->pair[a + 1]);
    m.gaps = S->gaps[d + 1] - S->gaps[a + 1];
    m.start_blank = p->spaces[a].blank_left;
    double br = p->spaces[d].blank_right;
    if (p->runs[p->clusters[d].run].style->punctuation == JD_PUNCT_HANGMOBANJIAO) {
        m.natural -= br;
        m.removable -= br;
        m.end_fixed = br;
    } else {
        m.end_blank = br;
    }
    return m;
}

/* End of the clusters a line [a, e) draws: trailing spaces hang. */
static uint32_t draw_end(const jl_para *p, uint32_t a, uint32_t e)
{
    while (e > a && (p->clusters[e - 1].flags & (JL_SPACE | JL_LINE_SEPARATOR)))
        e--;
    return e;
}

static double em_of(const jl_para *p, uint32_t k)
{
    return p->runs[p->clusters[k].run].size;
}

/* Sets a line [a, e): compressed when its natural width is over `avail` (the ends'
 * blanks first, then every other blank alike), set tighter or smaller when even that is
 * not enough, justified or aligned otherwise. */
static void set_line(const jl_para *p, const sums *S, uint32_t a, uint32_t e, double avail, double indent,
                     bool last_of_paragraph, jl_line *line)
{
    memset(line, 0, sizeof *line);
    uint32_t d = draw_end(p, a, e);
    line->first = a;
    line->end = d;
    line->scale = 1;
    line_box(p, a, e, line);
    if (d == a) {
        line->x = (float)indent;
        return;
    }
    measure m = measure_line(p, S, a, d - 1);
    line->end_trim = (float)m.end_fixed;
    double w = m.natural, need = w - avail;
    if (need > FIT_EPS) {
        double t = MIN(need, m.end_blank);
        line->end_trim += (float)t, need -= t;
        t = MIN(need, m.start_blank);
        line->start_trim = (float)t, need -= t;
        double inner = m.removable - m.end_blank - m.start_blank;
        if (need > 0 && inner > 0) {
            double r = MIN(1.0, need / inner);
            line->shrink = (float)r;
            need -= r * inner;
        }
        w = avail + MAX(need, 0);
        if (need > FIT_EPS) {
            /* unbreakable text wider than the line: tighter, then smaller */
            line->squeezed = true;
            double tighten = MIN(need, m.gaps * TIGHTEN_LIMIT * em_of(p, a));
            if (m.gaps)
                line->gap_extra = (float)(-tighten / m.gaps);
            w -= tighten;
            if (w > avail + FIT_EPS)
                line->scale = (float)(avail / w);
            w = avail;
        }
    }
    double free_space = avail - w;
    switch (p->style->text_align) {
    case JD_ALIGN_CENTER:
        line->x = (float)(indent + free_space / 2);
        break;
    case JD_ALIGN_RIGHT:
        line->x = (float)(indent + free_space);
        break;
    case JD_ALIGN_JUSTIFY:
        line->x = (float)indent;
        if (!last_of_paragraph && free_space > FIT_EPS && m.gaps > 0 && !line->squeezed) {
            line->gap_extra = (float)(free_space / m.gaps);
            w = avail;
        }
        break;
    default:
        line->x = (float)indent;
        break;
    }
    line->width = (float)w;
}

/* Whether a line [a, e) fits `avail` once its punctuation is compressed as far as allowed. */
static bool fits_compressed(const jl_para *p, const sums *S, uint32_t a, uint32_t e, double avail)
{
    uint32_t d = draw_end(p, a, e);
    if (d == a)
        return true;
    measure m = measure_line(p, S, a, d - 1);
    return m.natural - m.removable <= avail + FIT_EPS;
}

/* Justification space per gap a line [a, e) would take at `avail` (infinite: no gap). */
static double loosening(const jl_para *p, const sums *S, uint32_t a, uint32_t e, double avail)
{
    uint32_t d = draw_end(p, a, e);
    if (d == a)
        return 0;
    measure m = measure_line(p, S, a, d - 1);
    return m.gaps ? (avail - m.natural) / m.gaps / em_of(p, a) : INFINITY;
}

/* A paragraph's last line that holds one character (一字一行), with the closing marks that
 * may follow it. */
static bool single_character(const jl_para *p, const jl_line *line)
{
    int chars = 0;
    for (uint32_t k = line->first; k < line->end; k++) {
        uint8_t cls = p->clusters[k].cls;
        if (cls == JL_CLASS_HAN || cls == JL_CLASS_ALNUM)
            chars++;
        else if (!(is_mark(cls) && cls != JL_CLASS_OPEN) && cls != JL_CLASS_SPACE)
            return false;
    }
    return chars == 1;
}

/* Where a paragraph's lines start in the line list, and how its first line is set. */
typedef struct {
    guint first_line;
    double indent;
    double width;
} para_lines;

/* Avoids a last line of one character, as xeCJK's CheckSingle does: the line above takes
 * it when compressing its punctuation makes room, or else gives the last line one
 * more character (breaking at its previous opportunity). */
static void avoid_single(const jl_para *p, const sums *S, GArray *lines, const para_lines *pl, uint32_t para_end)
{
    guint n = lines->len;
    if (n < pl->first_line + 2)
        return;
    const jl_line *last = &g_array_index(lines, jl_line, n - 1), *prev = &g_array_index(lines, jl_line, n - 2);
    if (!single_character(p, last) || last->squeezed || prev->squeezed)
        return;
    bool prev_first = n - 2 == pl->first_line;
    double indent = prev_first ? pl->indent : 0, avail = pl->width - indent;
    uint32_t s = prev->first;
    jl_line a, b;
    if (fits_compressed(p, S, s, para_end, avail)) {
        set_line(p, S, s, para_end, avail, indent, true, &a);
        g_array_set_size(lines, n - 2);
        g_array_append_val(lines, a);
        return;
    }
    /* a shorter line is stretched only in justified text */
    bool justified = p->style->text_align == JD_ALIGN_JUSTIFY;
    for (uint32_t k = prev->end - 1; k > s + 1; k--) {
        if (!(p->clusters[k].flags & JL_BREAK_BEFORE))
            continue;
        if (!fits_compressed(p, S, k, para_end, pl->width) || (justified && loosening(p, S, s, k, avail) > PUSH_LIMIT))
            return;
        set_line(p, S, s, k, avail, indent, false, &a);
        set_line(p, S, k, para_end, pl->width, 0, true, &b);
        g_array_set_size(lines, n - 2);
        g_array_append_val(lines, a);
        g_array_append_val(lines, b);
        return;
    }
}

/* The end of the line starting at `i`: the furthest break where the line fits with its
 * punctuation compressed — unless a shorter line needs no compression and no more than
 * LOOSE_LIMIT of loosening, or only the line's end marks need compressing; with no legal
 * break, a cut between characters the rules allow, else the unbreakable text whole (set
 * tighter or smaller). */
static uint32_t line_end(const jl_para *p, const sums *S, uint32_t i, double avail)
{
    uint32_t n = (uint32_t)p->n_clusters;
    uint32_t j = i, shortest_fit = 0, longest_fit = 0;
    bool overflow = false;
    while (j < n) {
        const jl_cluster *c = &p->clusters[j];
        if (j > i && (c->flags & JL_MANDATORY_BEFORE))
            break;
        if (j > i && (c->flags & JL_BREAK_BEFORE)) {
            uint32_t d = draw_end(p, i, j);
            if (d > i) {
                measure m = measure_line(p, S, i, d - 1);
                if (m.natural <= avail + FIT_EPS)
                    shortest_fit = j;
                if (m.natural - m.removable <= avail + FIT_EPS)
                    longest_fit = j;
            }
        }
        if (j > i && !(c->flags & (JL_SPACE | JL_LINE_SEPARATOR))) {
            measure m = measure_line(p, S, i, j);
            if (m.natural - m.removable > avail + FIT_EPS) {
                overflow = true;
                break;
            }
        }
        j++;
    }
    if (!overflow) {
        /* the rest of the paragraph fits */
        longest_fit = j;
        uint32_t d = draw_end(p, i, j);
        if (d == i || measure_line(p, S, i, d - 1).natural <= avail + FIT_EPS)
            shortest_fit = j;
    }
    if (longest_fit > i) {
        if (shortest_fit == longest_fit || shortest_fit <= i)
            return longest_fit;
        uint32_t d = draw_end(p, i, longest_fit);
        measure m = measure_line(p, S, i, d - 1);
        if (m.natural - avail <= m.end_blank + m.start_blank + FIT_EPS)
            return longest_fit;
        bool justified = p->style->text_align == JD_ALIGN_JUSTIFY;
        return justified && loosening(p, S, i, shortest_fit, avail) > LOOSE_LIMIT ? longest_fit : shortest_fit;
    }
    /* no legal break fits: cut as late as the line-start and line-end rules allow */
    uint32_t end = j;
    while (end > i + 1 && !(p->clusters[end].flags & JL_CHAR_BREAK))
        end--;
    if (end > i && end < n && (p->clusters[end].flags & JL_CHAR_BREAK))
        return end;
    /* nowhere: the unbreakable text stays whole */
    end = MAX(j, i + 1);
    while (end < n && !(p->clusters[end].flags & (JL_BREAK_BEFORE | JL_CHAR_BREAK | JL_MANDATORY_BEFORE)))
        end++;
    return end;
}

void jl_para_break(const jl_para *p, double width, GArray *lines)
{
    uint32_t n = (uint32_t)p->n_clusters;
    sums S;
    sums_init(&S, p);
    uint32_t i = 0;
    bool new_paragraph = true;
    para_lines pl = {0, 0, width};
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
        if (starts_paragraph) {
            pl.first_line = lines->len;
            pl.indent = indent;
        }
        uint32_t end = line_end(p, &S, i, width - indent);
        bool last = end >= n || (p->clusters[end].flags & JL_MANDATORY_BEFORE);
        jl_line line;
        set_line(p, &S, i, end, width - indent, indent, last, &line);
        g_array_append_val(lines, line);
        if (last)
            avoid_single(p, &S, lines, &pl, end);
        new_paragraph = last;
        i = end;
    }
    sums_clear(&S);
}

void jl_para_widths(const jl_para *p, double *min_width, double *max_width)
{
    double widest_piece = 0, widest_line = 0;
    uint32_t n = (uint32_t)p->n_clusters;
    if (n) {
        sums S;
        sums_init(&S, p);
        uint32_t piece = 0, line = 0;
        for (uint32_t k = 1; k <= n; k++) {
            uint32_t f = k < n ? p->clusters[k].flags : JL_MANDATORY_BEFORE;
            if (f & (JL_BREAK_BEFORE | JL_MANDATORY_BEFORE)) {
                uint32_t d = draw_end(p, piece, k);
                if (d > piece)
                    widest_piece = MAX(widest_piece, measure_line(p, &S, piece, d - 1).natural);
                piece = k;
            }
            if (f & JL_MANDATORY_BEFORE) {
                uint32_t d = draw_end(p, line, k);
                if (d > line)
                    widest_line = MAX(widest_line, measure_line(p, &S, line, d - 1).natural);
                line = k;
            }
        }
        sums_clear(&S);
    }
    double indent = indent_of(p->style, 0);
    if (min_width)
        *min_width = widest_piece + indent;
    if (max_width)
        *max_width = widest_line + indent;
}

/* ---- drawing ----------------------------------------------------------------------- */

/* Blank removed on each side of cluster k of a line, as set_line decided. */
static void trims(const jl_para *p, const jl_line *line, uint32_t k, double *left, double *right)
{
    const jl_space *s = &p->spaces[k];
    const jl_space *next = k + 1 < line->end ? &p->spaces[k + 1] : NULL;
    double l = s->fixed_left, r = s->fixed_right;
    double opt_l = s->blank_left, opt_r = s->blank_right;
    if (k > line->first && s->pair_side == 2)
        l += s->pair, opt_l -= s->pair;
    if (next && next->pair_side == 1)
        r += next->pair, opt_r -= next->pair;
    l += k == line->first ? line->start_trim : line->shrink * opt_l;
    r += k + 1 == line->end ? line->end_trim : line->shrink * opt_r;
    *left = l;
    *right = r;
}

/* The line's clusters in visual order (UAX #9 rule L2: from the highest level down to the
 * lowest odd one, reverse every run at that level or higher); NULL when it is all left to
 * right. */
static const uint32_t *visual_order(jl_ctx *ctx, const jl_para *p, const jl_line *line)
{
    uint8_t high = 0, low_odd = 255;
    for (uint32_t k = line->first; k < line->end; k++) {
        uint8_t lv = p->clusters[k].level;
        high = MAX(high, lv);
        if (lv % 2)
            low_odd = MIN(low_odd, lv);
    }
    if (high == 0)
        return NULL;
    uint32_t count = line->end - line->first;
    g_array_set_size(ctx->order, count);
    uint32_t *order = (uint32_t *)ctx->order->data;
    for (uint32_t v = 0; v < count; v++)
        order[v] = line->first + v;
    for (int lv = high; lv >= low_odd && lv > 0; lv--) {
        for (uint32_t v = 0; v < count;) {
            if (p->clusters[order[v]].level < lv) {
                v++;
                continue;
            }
            uint32_t w = v;
            while (w < count && p->clusters[order[w]].level >= lv)
                w++;
            for (uint32_t x = v, y = w - 1; x < y; x++, y--) {
                uint32_t t = order[x];
                order[x] = order[y];
                order[y] = t;
            }
            v = w;
        }
    }
    return order;
}

static void flush_run(const jl_para *p, const jl_line *line, int run, double run_x, double pen,
                      double y, double baseline, uint32_t byte0, uint32_t byte1, const jd_glyph *glyphs,
                      size_t n_glyphs, jd_page *page)
{
    const jl_run *r = &p->runs[run];
    if (n_glyphs > 0 && r->font_id >= 0) {
        /* the page list copies the text by its length */
        jd_glyph_run gr = {r->font_id, r->size * line->scale, r->color, run_x, baseline, p->text + byte0,
                           byte1 - byte0, glyphs, n_glyphs, pen - run_x};
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
    double scale = line->scale;
    const uint32_t *order = visual_order(ctx, p, line);
    uint32_t count = line->end - line->first;
    /* room for the line's glyphs, written in place; a run is glyphs [run_g, n_g) */
    size_t most = 0;
    for (uint32_t k = line->first; k < line->end; k++)
        most += p->clusters[k].n_glyphs;
    g_array_set_size(ctx->glyphs, (guint)most);
    jd_glyph *glyphs = (jd_glyph *)ctx->glyphs->data;
    size_t n_g = 0, run_g = 0;
    double pen = x + lx, run_x = pen;
    int run = -1;
    uint32_t byte0 = 0, byte1 = 0;
    for (uint32_t v = 0; v < count; v++) {
        uint32_t k = order ? order[v] : line->first + v;
        const jl_cluster *c = &p->clusters[k];
        /* a glyph run holds clusters of one run whose text follows on */
        if (c->run != run || c->byte_start != byte1) {
            if (run >= 0)
                flush_run(p, line, run, run_x, pen, y, baseline, byte0, byte1, glyphs + run_g, n_g - run_g, page);
            run_g = n_g;
            run = c->run;
            run_x = pen;
            byte0 = c->byte_start;
        }
        double left, right;
        trims(p, line, k, &left, &right);
        double gx = -left;
        for (uint16_t g = 0; g < c->n_glyphs; g++) {
            const jl_glyph *gl = &p->glyphs[c->glyph_start + g];
            /* pango's "nothing to draw" glyph (zero-width characters) is no glyph of the
             * font; a backend would have to invent one */
            if (gl->id != PANGO_GLYPH_EMPTY)
                glyphs[n_g++] = (jd_glyph){gl->id, (float)(pen - run_x + (gx + gl->x_offset) * scale),
                                           gl->y_offset * (float)scale, c->byte_start - byte0};
            gx += gl->advance;
        }
        double advance = c->width - left - right;
        if (k + 1 < line->end) {
            const jl_space *s = &p->spaces[k + 1];
            advance += s->glue + (s->stretch ? line->gap_extra : 0);
        }
        pen += advance * scale;
        byte1 = c->byte_start + c->byte_len;
    }
    if (run >= 0)
        flush_run(p, line, run, run_x, pen, y, baseline, byte0, byte1, glyphs + run_g, n_g - run_g, page);
}
