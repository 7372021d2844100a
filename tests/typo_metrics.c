#include "typo_metrics.h"

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_ADVANCES_H
#include <math.h>
#include <string.h>

struct tm_ctx {
    FT_Library ft;
    GHashTable *faces; /* "file\x1findex" -> FT_Face */
    GPtrArray *names;
    FILE *list;
};

typedef struct {
    const char *text; /* into the run's text */
    size_t len;
    double x, advance, size;
    const jd_font *font;
    FT_Face face;
} cluster;

typedef struct {
    size_t page;
    double y, x0, x1, size;
    char *text;
    size_t chars; /* clusters that are not spaces */
    int next;     /* index of the line below in the same column, or -1 */
    bool has_prev;
} line;

static void face_free(gpointer p)
{
    FT_Done_Face(p);
}

tm_ctx *tm_new(GPtrArray *names, FILE *list)
{
    tm_ctx *tm = g_new0(tm_ctx, 1);
    FT_Init_FreeType(&tm->ft);
    tm->faces = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, face_free);
    tm->names = names;
    tm->list = list;
    return tm;
}

void tm_free(tm_ctx *tm)
{
    if (!tm)
        return;
    g_hash_table_destroy(tm->faces);
    FT_Done_FreeType(tm->ft);
    g_free(tm);
}

static FT_Face face_of(tm_ctx *tm, const jd_font *f)
{
    char *key = g_strdup_printf("%s\x1f%d", f->file, f->face_index);
    FT_Face face = g_hash_table_lookup(tm->faces, key);
    if (!face) {
        if (FT_New_Face(tm->ft, f->file, f->face_index, &face) != 0)
            g_error("cannot open %s", f->file);
        g_hash_table_insert(tm->faces, key, face);
    } else {
        g_free(key);
    }
    return face;
}

/* ---- character classes ------------------------------------------------------------- */

static bool is_han(gunichar c)
{
    return (c >= 0x3400 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3FFFF) ||
           (c >= 0x3040 && c <= 0x30FF) || (c >= 0xAC00 && c <= 0xD7AF) || c == 0x3007;
}

static bool is_latin(gunichar c)
{
    return c < 0x2E80 && g_unichar_isalnum(c);
}

/* a character of a Latin run: letters, digits and the signs inside numbers ("5.2%") */
static bool is_narrow(gunichar c);

static const char *const marks = "，。、；：！？（）《》〈〉「」『』【】〔〕〖〗“”‘’";
static const char *const no_start = "，。、；：？！）》」』”’…〕】";
static const char *const no_end = "（《「『“‘〔【";
static const char *const cjk_marks = "“”‘’—…、，。；：！？（）《》";

static bool in_set(gunichar c, const char *set)
{
    return g_utf8_strchr(set, -1, c) != NULL;
}

static bool is_narrow(gunichar c)
{
    return c < 0x2000 && c != 0x00B7 && !g_unichar_isspace(c) && !g_unichar_iscntrl(c);
}

static gunichar first_char(const cluster *c)
{
    return g_utf8_get_char(c->text);
}

/* ---- lines ------------------------------------------------------------------------- */

static void add_clusters(tm_ctx *tm, const jd_pages *pages, const jd_glyph_run *r, GArray *out)
{
    const jd_font *font = jd_pages_font(pages, r->font);
    FT_Face face = face_of(tm, font);
    double scale = r->size / face->units_per_EM;
    size_t i = 0;
    while (i < r->n_glyphs) {
        size_t j = i;
        double adv = 0;
        while (j < r->n_glyphs && r->glyphs[j].cluster == r->glyphs[i].cluster) {
            FT_Fixed a = 0;
            FT_Get_Advance(face, r->glyphs[j].id, FT_LOAD_NO_SCALE, &a);
            adv += (double)a * scale;
            j++;
        }
        size_t start = r->glyphs[i].cluster;
        size_t end = j < r->n_glyphs ? r->glyphs[j].cluster : r->text_len;
        cluster c = {r->text + start, end - start, r->x + r->glyphs[i].x, adv, r->size, font, face};
        g_array_append_val(out, c);
        i = j;
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(GArray *v)
{
    if (!v->len)
        return 0;
    g_array_sort(v, cmp_double);
    return g_array_index(v, double, v->len / 2);
}

static void note(tm_ctx *tm, const char *kind, size_t page, const char *fmt, ...) G_GNUC_PRINTF(4, 5);
static void note(tm_ctx *tm, const char *kind, size_t page, const char *fmt, ...)
{
    if (!tm->list)
        return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(tm->list, "%s p%zu: ", kind, page + 1);
    vfprintf(tm->list, fmt, ap);
    fputc('\n', tm->list);
    va_end(ap);
}

/* The measures of one line's clusters. */
static void measure_line(tm_ctx *tm, size_t page, GArray *cl, tm_counts *c, GString *text)
{
    size_t n = cl->len;
    GArray *hh = g_array_new(FALSE, FALSE, sizeof(double)), *other = g_array_new(FALSE, FALSE, sizeof(double));
    for (size_t i = 0; i + 1 < n; i++) {
        const cluster *a = &g_array_index(cl, cluster, i), *b = &g_array_index(cl, cluster, i + 1);
        double e = b->x - a->x - a->advance;
        gunichar ca = first_char(a), cb = first_char(b);
        if (is_han(ca) && is_han(cb))
            g_array_append_val(hh, e);
        else if ((is_han(ca) || in_set(ca, marks)) && (is_han(cb) || in_set(cb, marks)))
            g_array_append_val(other, e);
    }
    double e_line = hh->len ? median(hh) : median(other);
    g_array_free(hh, TRUE);
    g_array_free(other, TRUE);
    for (size_t i = 0; i < n; i++) {
        const cluster *a = &g_array_index(cl, cluster, i);
        gunichar ca = first_char(a);
        bool latin_face = FT_Get_Char_Index(a->face, 0x4E00) == 0;
        if (is_latin(ca)) {
            c->latin_clusters++;
            if (latin_face)
                c->latin_in_latin_face++;
            if (a->font->synthetic_bold)
                c->latin_synthetic_bold++;
        }
        if (in_set(ca, cjk_marks) && latin_face) {
            c->cjk_marks_in_latin_face++;
            note(tm, "mark-in-latin-face", page, "%.*s in %s: %s", (int)a->len, a->text, a->font->family, text->str);
        }
        if (i + 1 >= n)
            continue;
        const cluster *b = &g_array_index(cl, cluster, i + 1);
        gunichar cb = first_char(b);
        double e = b->x - a->x - a->advance;
        if (is_narrow(ca) && is_narrow(cb)) {
            c->latin_pairs++;
            if (e > 0.02) {
                c->latin_pairs_spaced++;
                note(tm, "latin-pair", page, "%.*s|%.*s +%.2fpt: %s", (int)a->len, a->text, (int)b->len, b->text, e,
                     text->str);
            }
        }
        if ((is_han(ca) && is_latin(cb)) || (is_latin(ca) && is_han(cb))) {
            double size = is_han(ca) ? a->size : b->size;
            c->han_latin_pairs++;
            c->han_latin_em_sum += (e - e_line) / size;
        }
        if (i + 2 < n) {
            const cluster *d = &g_array_index(cl, cluster, i + 2);
            gunichar cd = first_char(d);
            if (in_set(ca, marks) && in_set(cb, marks)) {
                double w = (d->x - a->x - 2 * e_line) / a->size;
                c->punct_pairs++;
                c->punct_pair_em_sum += w;
                if (w >= 1.95) {
                    c->punct_pairs_full++;
                    note(tm, "punct-pair", page, "%.*s%.*s %.2fem: %s", (int)a->len, a->text, (int)b->len, b->text, w,
                         text->str);
                }
            }
            if (g_unichar_isspace(cb) && ((is_han(ca) && is_latin(cd)) || (is_latin(ca) && is_han(cd)))) {
                c->spaced_numbers++;
                note(tm, "spaced-number", page, "%s", text->str);
            }
        }
    }
}

static bool rule_between(GArray *rules, double ya, double yb, double x0, double x1)
{
    for (guint i = 0; i < rules->len; i++) {
        const jd_rule *r = &g_array_index(rules, jd_rule, i);
        if (fabs(r->y1 - r->y2) > 0.01)
            continue;
        double rx0 = MIN(r->x1, r->x2), rx1 = MAX(r->x1, r->x2);
        if (r->y1 > ya && r->y1 < yb && rx0 < x1 && x0 < rx1)
            return true;
    }
    return false;
}

/* Whether line `a` is all part of a name that line `b` continues. */
static const char *broken_name(tm_ctx *tm, const char *a, const char *b)
{
    if (!tm->names || !*a || !*b)
        return NULL;
    for (guint i = 0; i < tm->names->len; i++) {
        const char *name = g_ptr_array_index(tm->names, i);
        for (const char *at = strstr(name, a); at; at = strstr(at + 1, a)) {
            const char *rest = at + strlen(a);
            if (*rest && (g_str_has_prefix(b, rest) || g_str_has_prefix(rest, b)))
                return name;
        }
    }
    return NULL;
}

static void measure_page(tm_ctx *tm, const jd_pages *pages, size_t p, tm_counts *c)
{
    const jd_page *page = jd_pages_get(pages, p);
    GArray *lines = g_array_new(FALSE, FALSE, sizeof(line));
    GArray *rules = g_array_new(FALSE, FALSE, sizeof(jd_rule));
    GArray *cl = g_array_new(FALSE, FALSE, sizeof(cluster));
    const jd_glyph_run *prev = NULL;
    GString *text = g_string_new(NULL);
    line cur = {0};
    for (size_t i = 0; i <= jd_page_item_count(page); i++) {
        const jd_item *it = i < jd_page_item_count(page) ? jd_page_item(page, i) : NULL;
        if (it && it->type == JD_ITEM_RULE) {
            g_array_append_val(rules, it->u.rule);
            continue;
        }
        if (it && it->type != JD_ITEM_GLYPHS)
            continue;
        const jd_glyph_run *r = it ? &it->u.glyphs : NULL;
        bool continues = r && prev && fabs(r->y - prev->y) < 0.01 && fabs(r->x - (prev->x + prev->width)) < 0.05;
        if (!continues && cl->len) {
            measure_line(tm, p, cl, c, text);
            cur.text = g_strdup(text->str);
            cur.next = -1;
            g_array_append_val(lines, cur);
            g_array_set_size(cl, 0);
            g_string_truncate(text, 0);
        }
        if (!r)
            break;
        if (!continues) {
            memset(&cur, 0, sizeof cur);
            cur.page = p;
            cur.y = r->y;
            cur.x0 = r->x;
            cur.size = r->size;
        }
        size_t before = cl->len;
        add_clusters(tm, pages, r, cl);
        for (size_t k = before; k < cl->len; k++) {
            const cluster *x = &g_array_index(cl, cluster, k);
            if (!g_unichar_isspace(first_char(x)))
                cur.chars++;
        }
        g_string_append_len(text, r->text, (gssize)r->text_len);
        cur.x1 = r->x + r->width;
        prev = r;
    }
    c->lines += lines->len;
    /* each line's successor: the nearest line below it in the same column and cell */
    for (guint i = 0; i < lines->len; i++) {
        line *a = &g_array_index(lines, line, i);
        gunichar f = g_utf8_get_char(a->text);
        const char *last = g_utf8_find_prev_char(a->text, a->text + strlen(a->text));
        if (in_set(f, no_start) || (last && in_set(g_utf8_get_char(last), no_end))) {
            c->kinsoku++;
            note(tm, "kinsoku", p, "%s", a->text);
        }
        double best = INFINITY;
        for (guint k = 0; k < lines->len; k++) {
            line *b = &g_array_index(lines, line, k);
            double dy = b->y - a->y;
            if (dy <= 0.01 || dy > 1.9 * a->size || dy >= best || b->x0 >= a->x1 || a->x0 >= b->x1)
                continue;
            if (rule_between(rules, a->y, b->y - b->size * 0.8, MAX(a->x0, b->x0), MIN(a->x1, b->x1)))
                continue;
            best = dy;
            a->next = (int)k;
        }
    }
    for (guint i = 0; i < lines->len; i++) {
        line *a = &g_array_index(lines, line, i);
        if (a->next < 0)
            continue;
        line *b = &g_array_index(lines, line, a->next);
        const char *name = broken_name(tm, a->text, b->text);
        if (name) {
            c->broken_names++;
            note(tm, "broken-name", p, "%s / %s (%s)", a->text, b->text, name);
        }
        if (b->chars == 1 && a->chars >= 2 && !b->has_prev) {
            b->has_prev = true;
            gunichar ch = g_utf8_get_char(b->text);
            if (is_han(ch) || is_latin(ch)) {
                c->single_lines++;
                note(tm, "single", p, "%s / %s", a->text, b->text);
            }
        }
    }
    for (guint i = 0; i < lines->len; i++)
        g_free(g_array_index(lines, line, i).text);
    g_array_free(lines, TRUE);
    g_array_free(rules, TRUE);
    g_array_free(cl, TRUE);
    g_string_free(text, TRUE);
}

void tm_measure(tm_ctx *tm, const jd_pages *pages, tm_counts *c)
{
    for (size_t p = 0; p < jd_pages_count(pages); p++)
        measure_page(tm, pages, p, c);
}

void tm_print(const tm_counts *c, FILE *out)
{
    fprintf(out, "lines                                   %zu\n", c->lines);
    fprintf(out, "Latin-run pairs with extra space        %zu of %zu\n", c->latin_pairs_spaced, c->latin_pairs);
    fprintf(out, "adjacent CJK mark pairs at full 2 em    %zu of %zu (mean %.2f em)\n", c->punct_pairs_full,
            c->punct_pairs, c->punct_pairs ? c->punct_pair_em_sum / (double)c->punct_pairs : 0);
    fprintf(out, "Han-Latin gap beyond the Han-Han gap    %.3f em (mean of %zu)\n",
            c->han_latin_pairs ? c->han_latin_em_sum / (double)c->han_latin_pairs : 0, c->han_latin_pairs);
    fprintf(out, "ASCII spaces between Han and Latin      %zu\n", c->spaced_numbers);
    fprintf(out, "names broken across lines               %zu\n", c->broken_names);
    fprintf(out, "one-character last lines                %zu\n", c->single_lines);
    fprintf(out, "kinsoku violations                      %zu\n", c->kinsoku);
    fprintf(out, "Latin letters/digits in a Latin face    %zu of %zu (synthetic bold %zu)\n", c->latin_in_latin_face,
            c->latin_clusters, c->latin_synthetic_bold);
    fprintf(out, "CJK marks in a Latin face               %zu\n", c->cjk_marks_in_latin_face);
}
