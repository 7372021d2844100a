/* Fonts for the libharu backend: what libharu 2.3.0 can draw exactly as the layout placed
 * it, checked with FreeType before anything is drawn, and loading into libharu. */
#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_ADVANCES_H
#include FT_FONT_FORMATS_H
#include FT_TRUETYPE_IDS_H
#include FT_TRUETYPE_TABLES_H
#include FT_TRUETYPE_TAGS_H
#include <hpdf_fontdef.h>
#include <hpdf_mmgr.h>
#include <pango/pango.h>
#include <string.h>

#include "haru_private.h"

/* libharu's subsetter reads a composite glyph's component ids as signed 16-bit numbers, so
 * it drops every component above this id from the embedded font. */
#define HARU_MAX_COMPONENT 32767

/* Characters shown on each side of a problem in messages. */
#define CONTEXT_CHARS 8

typedef enum { GLYPH_OK, GLYPH_HIGH_COMPONENT, GLYPH_NESTED } glyph_verdict;

typedef struct {
    const jd_font *font;
    char *label; /* “Family” (file[, face N]) for messages */
    FT_Face face;
    bool vetted, usable;
    GHashTable *verdicts; /* glyph id → packed verdict, see glyph_check() */
    HPDF_Font hpdf;
} haru_font;

struct haru_fonts {
    FT_Library ft;
    haru_font *fonts;
    size_t n;
    GHashTable *reported; /* keys of problems already reported: each is reported once */
};

haru_fonts *haru_fonts_new(const jd_pages *pages)
{
    haru_fonts *hf = g_new0(haru_fonts, 1);
    if (FT_Init_FreeType(&hf->ft) != 0) hf->ft = NULL;
    hf->n = jd_pages_font_count(pages);
    hf->fonts = g_new0(haru_font, hf->n + 1);
    for (size_t i = 0; i < hf->n; i++) {
        haru_font *f = &hf->fonts[i];
        f->font = jd_pages_font(pages, (int)i);
        f->label = f->font->face_index > 0
                       ? g_strdup_printf("“%s” (%s, face %d)", f->font->family, f->font->file,
                                         f->font->face_index)
                       : g_strdup_printf("“%s” (%s)", f->font->family, f->font->file);
        f->verdicts = g_hash_table_new(g_direct_hash, g_direct_equal);
    }
    hf->reported = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    return hf;
}

void haru_fonts_free(haru_fonts *hf)
{
    if (!hf) return;
    for (size_t i = 0; i < hf->n; i++) {
        if (hf->fonts[i].face) FT_Done_Face(hf->fonts[i].face);
        g_free(hf->fonts[i].label);
        g_hash_table_destroy(hf->fonts[i].verdicts);
    }
    if (hf->ft) FT_Done_FreeType(hf->ft);
    g_free(hf->fonts);
    g_hash_table_destroy(hf->reported);
    g_free(hf);
}

/* ---- clusters ---------------------------------------------------------------------- */

bool haru_cluster_is_blank(const jd_glyph_run *r, const jd_glyph_cluster *c)
{
    for (size_t i = c->first; i < c->last; i++)
        if (r->glyphs[i].id != PANGO_GLYPH_EMPTY) return false;
    return true;
}

/* ---- font-level checks ------------------------------------------------------------- */

/* libharu reads the first (platform 3, encoding 1) format 4 subtable and nothing else; the
 * glyph check must look a character up in the same one. */
static bool select_bmp_cmap(FT_Face face)
{
    for (int i = 0; i < face->num_charmaps; i++) {
        FT_CharMap cm = face->charmaps[i];
        if (cm->platform_id == TT_PLATFORM_MICROSOFT && cm->encoding_id == TT_MS_ID_UNICODE_CS &&
            FT_Get_CMap_Format(cm) == 4)
            return FT_Set_Charmap(face, cm) == 0;
    }
    return false;
}

static bool vet_font(haru_fonts *hf, haru_font *f, const char *path, jd_diags *diags)
{
    if (f->vetted) return f->usable;
    f->vetted = true;
    FT_Error err = hf->ft ? FT_New_Face(hf->ft, f->font->file, f->font->face_index, &f->face) : 1;
    if (err) {
        f->face = NULL;
        jd_diags_add(diags, JD_ERROR, path, 0, 0,
                     "haru backend: cannot read font %s (FreeType error %d)", f->label, err);
        return false;
    }
    FT_ULong glyf_len = 0;
    if (FT_Load_Sfnt_Table(f->face, TTAG_glyf, 0, NULL, &glyf_len) != 0 || glyf_len == 0) {
        const char *format = FT_Get_Font_Format(f->face);
        jd_diags_add(
            diags, JD_ERROR, path, 0, 0,
            "haru backend: font %s has %s outlines; libharu 2.3.0 can embed only TrueType (glyf) "
            "fonts. Use --backend cairo, or a TrueType font",
            f->label,
            format && strcmp(format, "CFF") == 0 ? "OpenType/CFF"
            : format                             ? format
                                                 : "unknown");
        return false;
    }
    if (!select_bmp_cmap(f->face)) {
        jd_diags_add(diags, JD_ERROR, path, 0, 0,
                     "haru backend: font %s has no Unicode BMP character map (platform 3, encoding "
                     "1, format 4), "
                     "the only one libharu 2.3.0 reads. Use --backend cairo",
                     f->label);
        return false;
    }
    f->usable = true;
    return true;
}

/* ---- glyph-level checks ------------------------------------------------------------ */

/* Whether libharu embeds every part of glyph `gid`. A composite glyph's parts are embedded
 * only if their ids fit in 15 bits and they are not composites themselves (libharu follows
 * one level of components). `component` gets the id of the part that would be lost. */
static glyph_verdict glyph_check(haru_font *f, FT_UInt gid, FT_Int *component)
{
    /* cached as verdict * 65536 + component + 1 (ids are 16-bit) */
    gpointer packed = g_hash_table_lookup(f->verdicts, GUINT_TO_POINTER(gid));
    if (packed) {
        guint v = GPOINTER_TO_UINT(packed) - 1;
        *component = (FT_Int)(v & 0xffff);
        return (glyph_verdict)(v >> 16);
    }
    glyph_verdict verdict = GLYPH_OK;
    *component = 0;
    if (FT_Load_Glyph(f->face, gid, FT_LOAD_NO_RECURSE) == 0 &&
        f->face->glyph->format == FT_GLYPH_FORMAT_COMPOSITE) {
        GArray *parts = g_array_new(FALSE, FALSE, sizeof(FT_Int));
        for (FT_UInt k = 0; k < f->face->glyph->num_subglyphs; k++) {
            FT_Int index, arg1, arg2;
            FT_UInt flags;
            FT_Matrix m;
            if (FT_Get_SubGlyph_Info(f->face->glyph, k, &index, &flags, &arg1, &arg2, &m) == 0)
                g_array_append_val(parts, index);
        }
        for (guint k = 0; k < parts->len && verdict == GLYPH_OK; k++) {
            FT_Int part = g_array_index(parts, FT_Int, k);
            if (part > HARU_MAX_COMPONENT)
                verdict = GLYPH_HIGH_COMPONENT;
            else if (FT_Load_Glyph(f->face, (FT_UInt)part, FT_LOAD_NO_RECURSE) == 0 &&
                     f->face->glyph->format == FT_GLYPH_FORMAT_COMPOSITE)
                verdict = GLYPH_NESTED;
            if (verdict != GLYPH_OK) *component = part;
        }
        g_array_free(parts, TRUE);
    }
    guint v = ((guint)verdict << 16) | ((guint)*component & 0xffff);
    g_hash_table_insert(f->verdicts, GUINT_TO_POINTER(gid), GUINT_TO_POINTER(v + 1));
    return verdict;
}

/* The run's text around bytes [start, end), with … where it was cut. */
static char *context(const jd_glyph_run *r, uint32_t start, uint32_t end)
{
    const char *text = r->text, *limit = r->text + r->text_len;
    const char *lo = text + start, *hi = text + end;
    for (int k = 0; k < CONTEXT_CHARS && lo > text; k++)
        lo = g_utf8_prev_char(lo);
    for (int k = 0; k < CONTEXT_CHARS && hi < limit; k++)
        hi = g_utf8_next_char(hi);
    return g_strdup_printf("%s%.*s%s", lo > text ? "…" : "", (int)(hi - lo), lo,
                           hi < limit ? "…" : "");
}

/* True the first time `key` is seen (the key is consumed). */
static bool first_report(haru_fonts *hf, char *key)
{
    if (g_hash_table_contains(hf->reported, key)) {
        g_free(key);
        return false;
    }
    g_hash_table_add(hf->reported, key);
    return true;
}

typedef struct {
    haru_fonts *hf;
    haru_font *font;
    const jd_glyph_run *run;
    size_t page_no; /* 1-based */
    const char *path;
    jd_diags *diags;
} vet_ctx;

static void vet_cluster(const vet_ctx *v, const jd_glyph_cluster *c)
{
    const jd_glyph_run *r = v->run;
    if (haru_cluster_is_blank(r, c)) return;
    const char *s = r->text + c->start;
    size_t len = c->end - c->start;
    for (const char *p = s; p < s + len; p = g_utf8_next_char(p)) {
        gunichar ch = g_utf8_get_char(p);
        if (ch <= 0xFFFF) continue;
        if (first_report(v->hf, g_strdup_printf("bmp|%u|%zu", ch, v->page_no))) {
            char *where = context(r, c->start, c->end);
            jd_diags_add(
                v->diags, JD_ERROR, v->path, 0, 0,
                "haru backend: character %.*s (U+%04X) on page %zu (in “%s”) is outside the Basic "
                "Multilingual Plane; libharu 2.3.0 encodes text in 16 bits and cannot draw it. Use "
                "--backend cairo",
                (int)(g_utf8_next_char(p) - p), p, ch, v->page_no, where);
            g_free(where);
        }
        return;
    }
    glong n_chars = g_utf8_strlen(s, (gssize)len);
    size_t n_glyphs = c->last - c->first;
    if (n_chars != 1 || n_glyphs != 1) {
        if (first_report(v->hf, g_strdup_printf("cluster|%d|%.*s|%zu", v->run->font, (int)len, s,
                                                v->page_no))) {
            char *where = context(r, c->start, c->end);
            jd_diags_add(
                v->diags, JD_ERROR, v->path, 0, 0,
                "haru backend: “%.*s” on page %zu (in “%s”) is drawn with %zu glyph%s of font %s "
                "for %ld "
                "character%s (a ligature or a combining sequence); libharu draws one glyph per "
                "character and cannot reproduce it. Use --backend cairo",
                (int)len, s, v->page_no, where, n_glyphs, n_glyphs == 1 ? "" : "s", v->font->label,
                n_chars, n_chars == 1 ? "" : "s");
            g_free(where);
        }
        return;
    }
    gunichar ch = g_utf8_get_char(s);
    FT_UInt mapped = FT_Get_Char_Index(v->font->face, ch);
    uint32_t placed = r->glyphs[c->first].id;
    if (mapped != placed) {
        if (first_report(
                v->hf, g_strdup_printf("map|%d|%u|%u|%zu", v->run->font, ch, placed, v->page_no))) {
            char *where = context(r, c->start, c->end);
            if (mapped == 0)
                jd_diags_add(
                    v->diags, JD_ERROR, v->path, 0, 0,
                    "haru backend: character %.*s (U+%04X) on page %zu (in “%s”) is not in the "
                    "character map of font %s; libharu would draw an empty box. Use --backend "
                    "cairo",
                    (int)len, s, ch, v->page_no, where, v->font->label);
            else
                jd_diags_add(
                    v->diags, JD_ERROR, v->path, 0, 0,
                    "haru backend: character %.*s (U+%04X) on page %zu (in “%s”) is drawn by the "
                    "layout "
                    "with glyph %u of font %s, but libharu can draw only its character-map glyph "
                    "%u "
                    "(the layout chose a contextual or alternate form). Use --backend cairo",
                    (int)len, s, ch, v->page_no, where, placed, v->font->label, mapped);
            g_free(where);
        }
        return;
    }
    FT_Int part;
    glyph_verdict verdict = glyph_check(v->font, mapped, &part);
    if (verdict == GLYPH_OK ||
        !first_report(v->hf, g_strdup_printf("glyph|%d|%u", v->run->font, mapped)))
        return;
    char *where = context(r, c->start, c->end);
    if (verdict == GLYPH_HIGH_COMPONENT)
        jd_diags_add(
            v->diags, JD_ERROR, v->path, 0, 0,
            "haru backend: character %.*s (U+%04X) of font %s is a composite glyph built from "
            "glyph %d, "
            "above 32767, which libharu 2.3.0 drops: it would print blank or broken (first on page "
            "%zu, "
            "in “%s”). Use --backend cairo, or a subset of the font with fewer glyphs (pyftsubset)",
            (int)len, s, ch, v->font->label, (int)part, v->page_no, where);
    else
        jd_diags_add(v->diags, JD_ERROR, v->path, 0, 0,
                     "haru backend: character %.*s (U+%04X) of font %s is a composite glyph whose "
                     "part %d is a "
                     "composite itself; libharu 2.3.0 embeds one level of parts only, so it would "
                     "print broken "
                     "(first on page %zu, in “%s”). Use --backend cairo",
                     (int)len, s, ch, v->font->label, (int)part, v->page_no, where);
    g_free(where);
}

bool haru_fonts_vet(haru_fonts *hf, const jd_pages *pages, const char *path, jd_diags *diags)
{
    jd_tally tally;
    diags = jd_tally_begin(&tally, diags);
    for (size_t p = 0; p < jd_pages_count(pages); p++) {
        const jd_page *page = jd_pages_get(pages, p);
        for (size_t i = 0; i < jd_page_item_count(page); i++) {
            const jd_item *it = jd_page_item(page, i);
            if (it->type != JD_ITEM_GLYPHS || it->u.glyphs.n_glyphs == 0) continue;
            const jd_glyph_run *r = &it->u.glyphs;
            if (r->font < 0 || (size_t)r->font >= hf->n) {
                jd_diags_add(diags, JD_ERROR, path, 0, 0,
                             "haru backend: a text run on page %zu uses font %d, which the page "
                             "list does not have",
                             p + 1, r->font);
                continue;
            }
            if (!g_utf8_validate_len(r->text, r->text_len, NULL)) {
                jd_diags_add(diags, JD_ERROR, path, 0, 0,
                             "haru backend: a text run on page %zu is not valid UTF-8", p + 1);
                continue;
            }
            haru_font *f = &hf->fonts[r->font];
            if (!vet_font(hf, f, path, diags)) continue;
            vet_ctx v = {hf, f, r, p + 1, path, diags};
            size_t pos = 0;
            jd_glyph_cluster c;
            while (jd_next_glyph_cluster(r, &pos, &c)) {
                if (c.end < c.start || c.end > r->text_len) {
                    jd_diags_add(
                        diags, JD_ERROR, path, 0, 0,
                        "haru backend: a text run on page %zu has glyph clusters out of order",
                        p + 1);
                    break;
                }
                vet_cluster(&v, &c);
            }
        }
    }
    bool ok = jd_tally_errors(&tally) == 0;
    jd_tally_end(&tally);
    return ok;
}

/* ---- loading into libharu ---------------------------------------------------------- */

static bool is_collection(const char *file)
{
    char magic[4] = {0};
    FILE *fp = fopen(file, "rb");
    if (!fp) return false;
    size_t n = fread(magic, 1, sizeof magic, fp);
    fclose(fp);
    return n == sizeof magic && memcmp(magic, "ttcf", 4) == 0;
}

/* libharu's ToUnicode CMap for its UTF-8 encoding is a CID CMap (begincidrange), which
 * readers reject ("Invalid 'begincidrange' operator in ToUnicode CMap") and then guess at.
 * CID is the Unicode code point here, so the right map is the identity over the BMP. */
static bool write_identity_to_unicode(HPDF_Font font)
{
    HPDF_Dict cmap = HPDF_Dict_GetItem(font, "ToUnicode", HPDF_OCLASS_DICT);
    if (!cmap || !cmap->stream) return false;
    GString *s =
        g_string_new("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                     "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                     "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
                     "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
    /* one range per high byte (a bfrange may not cross one), surrogates left out; at most
     * 100 ranges per block */
    GPtrArray *ranges = g_ptr_array_new_with_free_func(g_free);
    for (unsigned hi = 0; hi <= 0xFF; hi++)
        if (hi < 0xD8 || hi > 0xDF)
            g_ptr_array_add(ranges, g_strdup_printf("<%02X00> <%02XFF> <%02X00>\n", hi, hi, hi));
    for (guint i = 0; i < ranges->len; i += 100) {
        guint n = MIN(100, ranges->len - i);
        g_string_append_printf(s, "%u beginbfrange\n", n);
        for (guint k = 0; k < n; k++)
            g_string_append(s, g_ptr_array_index(ranges, i + k));
        g_string_append(s, "endbfrange\n");
    }
    g_string_append(s, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    g_ptr_array_free(ranges, TRUE);
    HPDF_MemStream_FreeData(cmap->stream);
    HPDF_STATUS st = HPDF_Stream_Write(cmap->stream, (const HPDF_BYTE *)s->str, (HPDF_UINT)s->len);
    cmap->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
    g_string_free(s, TRUE);
    return st == HPDF_OK;
}

/* libharu 2.3.0 finds a character's glyph by walking its copy of the font's character map
 * from the first segment, for every character it shows or measures and for all 65,536 of
 * the BMP when it makes the font; a CJK font has thousands of segments, and the walks were
 * most of a haru render (60% of the seed list, 40% of ten times it). That copy serves
 * nothing else (the embedded font keeps the file's own map), so it is replaced by one
 * segment over the BMP that indexes a table of every code point's glyph, filled in one
 * pass with libharu's own rule (HPDF_TTFontDef_GetGlyphid), and a last segment for U+FFFF:
 * every answer, and so the PDF, stays the same. A map this cannot mirror exactly is left
 * as it is. Returns whether the map was replaced. */
bool haru_fonts_index_cmap(HPDF_Doc pdf, const char *name)
{
    HPDF_FontDef def = HPDF_GetFontDef(pdf, name);
    if (!def || def->type != HPDF_FONTDEF_TYPE_TRUETYPE || !def->attr)
        return false;
    HPDF_TTF_CmapRange *cm = &((HPDF_TTFontDefAttr)def->attr)->cmap;
    HPDF_UINT segs = cm->seg_count_x2 / 2;
    /* libharu's walk stops in the last segment only when it ends at U+FFFF */
    if (cm->format != 4 || segs == 0 || cm->end_count[segs - 1] != 0xFFFF)
        return false;
    HPDF_UINT16 *table = HPDF_GetMem(def->mmgr, sizeof(HPDF_UINT16) * 0x10000);
    HPDF_UINT16 *end = HPDF_GetMem(def->mmgr, sizeof(HPDF_UINT16) * 2);
    HPDF_UINT16 *start = HPDF_GetMem(def->mmgr, sizeof(HPDF_UINT16) * 2);
    HPDF_INT16 *delta = HPDF_GetMem(def->mmgr, sizeof(HPDF_INT16) * 2);
    HPDF_UINT16 *range = HPDF_GetMem(def->mmgr, sizeof(HPDF_UINT16) * 2);
    bool ok = table && end && start && delta && range;
    HPDF_UINT i = 0;
    for (HPDF_UINT u = 0; ok && u <= 0xFFFF; u++) {
        HPDF_UINT16 unicode = (HPDF_UINT16)u;
        while (i < segs && unicode > cm->end_count[i])
            i++;
        if (cm->start_count[i] > unicode) {
            table[u] = 0;
        } else if (cm->id_range_offset[i] == 0) {
            table[u] = (HPDF_UINT16)(unicode + cm->id_delta[i]);
        } else {
            HPDF_UINT idx = cm->id_range_offset[i] / 2 + (unicode - cm->start_count[i]) - (segs - i);
            if (idx == cm->glyph_id_array_count)
                ok = false; /* libharu reads one past its table here: not mirrored */
            else
                table[u] = idx > cm->glyph_id_array_count
                               ? 0
                               : (HPDF_UINT16)(cm->glyph_id_array[idx] + cm->id_delta[i]);
        }
    }
    if (!ok) {
        void *mem[] = {table, end, start, delta, range};
        for (size_t k = 0; k < G_N_ELEMENTS(mem); k++)
            if (mem[k])
                HPDF_FreeMem(def->mmgr, mem[k]);
        return false;
    }
    /* segment 0, U+0000–U+FFFE: offset 4 makes libharu's index (4 / 2 + u - 2) u itself;
     * segment 1, U+FFFF: its glyph by delta */
    end[0] = 0xFFFE, start[0] = 0, delta[0] = 0, range[0] = 4;
    end[1] = 0xFFFF, start[1] = 0xFFFF, range[1] = 0;
    delta[1] = (HPDF_INT16)(HPDF_UINT16)(table[0xFFFF] + 1); /* 0xFFFF + delta ≡ the glyph */
    HPDF_FreeMem(def->mmgr, cm->end_count);
    HPDF_FreeMem(def->mmgr, cm->start_count);
    HPDF_FreeMem(def->mmgr, cm->id_delta);
    HPDF_FreeMem(def->mmgr, cm->id_range_offset);
    if (cm->glyph_id_array)
        HPDF_FreeMem(def->mmgr, cm->glyph_id_array);
    cm->end_count = end;
    cm->start_count = start;
    cm->id_delta = delta;
    cm->id_range_offset = range;
    cm->glyph_id_array = table;
    cm->glyph_id_array_count = 0x10000;
    cm->seg_count_x2 = 4;
    return true;
}

HPDF_Font haru_fonts_get(haru_fonts *hf, HPDF_Doc pdf, int id)
{
    if (id < 0 || (size_t)id >= hf->n) return NULL;
    haru_font *f = &hf->fonts[id];
    if (f->hpdf) return f->hpdf;
    /* a synthetic-bold entry shares its file and face with the regular one: libharu loads
     * a face once (bold is a text rendering mode, not another font) */
    for (size_t i = 0; i < hf->n; i++) {
        const haru_font *o = &hf->fonts[i];
        if (o->hpdf && strcmp(o->font->file, f->font->file) == 0 &&
            o->font->face_index == f->font->face_index) {
            f->hpdf = o->hpdf;
            return f->hpdf;
        }
    }
    const char *name = is_collection(f->font->file)
                           ? HPDF_LoadTTFontFromFile2(pdf, f->font->file,
                                                      (HPDF_UINT)f->font->face_index, HPDF_TRUE)
                           : HPDF_LoadTTFontFromFile(pdf, f->font->file, HPDF_TRUE);
    if (name)
        haru_fonts_index_cmap(pdf, name);
    HPDF_Font font = name ? HPDF_GetFont(pdf, name, "UTF-8") : NULL;
    if (font && !write_identity_to_unicode(font)) font = NULL;
    f->hpdf = font;
    return font;
}

const char *haru_fonts_label(const haru_fonts *hf, int id)
{
    return id >= 0 && (size_t)id < hf->n ? hf->fonts[id].label : "?";
}

double haru_glyph_advance(const haru_fonts *hf, int id, uint32_t glyph, double size)
{
    const haru_font *f = &hf->fonts[id];
    FT_Fixed advance = 0;
    if (!f->face || FT_Get_Advance(f->face, glyph, FT_LOAD_NO_SCALE, &advance) != 0) return 0;
    /* libharu's width: whole thousandths of an em, truncated (HPDF_TTFontDef_GetGidWidth) */
    long thousandths = (long)advance * 1000 / f->face->units_per_EM;
    return (double)thousandths * size / 1000.0;
}
