#include "test_haru_pdf.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>

#include "testutil.h"

char *hp_run(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *cmd = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    char *out = NULL, *err = NULL;
    int rc = jt_run(cmd, &out, &err);
    ck_assert_msg(rc == 0, "`%s` failed (%d): %s", cmd, rc, err);
    g_free(err);
    g_free(cmd);
    return out;
}

char *hp_info(const char *pdf, const char *args, const char *key)
{
    char *out = hp_run("pdfinfo -isodates %s '%s' 2>/dev/null", args ? args : "", pdf);
    char *value = NULL;
    char **lines = g_strsplit(out, "\n", -1);
    size_t klen = strlen(key);
    for (int i = 0; lines[i] && !value; i++)
        if (strncmp(lines[i], key, klen) == 0 && lines[i][klen] == ':')
            value = g_strdup(g_strstrip(lines[i] + klen + 1));
    g_strfreev(lines);
    g_free(out);
    return value;
}

int hp_page_count(const char *pdf)
{
    char *pages = hp_info(pdf, NULL, "Pages");
    ck_assert_ptr_nonnull(pages);
    int n = atoi(pages);
    g_free(pages);
    return n;
}

static char *squeeze(const char *s)
{
    GString *o = g_string_new(NULL);
    for (const char *p = s; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (!g_unichar_isspace(c) && c != '\f') g_string_append_unichar(o, c);
    }
    return g_string_free(o, FALSE);
}

char *hp_page_text(const char *pdf, int page)
{
    char *out = hp_run("pdftotext -q -raw -f %d -l %d '%s' -", page, page, pdf);
    char *text = squeeze(out);
    g_free(out);
    return text;
}

static void free_word(gpointer p)
{
    hp_word *w = p;
    g_free(w->text);
    g_free(w);
}

static char *unescape(const char *s, size_t len)
{
    static const char *const entities[][2] = {
        {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}};
    GString *o = g_string_new(NULL);
    for (size_t i = 0; i < len;) {
        size_t k = 0;
        for (; k < G_N_ELEMENTS(entities); k++) {
            size_t el = strlen(entities[k][0]);
            if (i + el <= len && strncmp(s + i, entities[k][0], el) == 0) {
                g_string_append(o, entities[k][1]);
                i += el;
                break;
            }
        }
        if (k == G_N_ELEMENTS(entities)) g_string_append_c(o, s[i++]);
    }
    return g_string_free(o, FALSE);
}

GPtrArray *hp_words(const char *pdf)
{
    char *out = hp_run("pdftotext -q -bbox '%s' -", pdf);
    GPtrArray *words = g_ptr_array_new_with_free_func(free_word);
    int page = 0;
    char **lines = g_strsplit(out, "\n", -1);
    for (int i = 0; lines[i]; i++) {
        const char *l = lines[i];
        if (strstr(l, "<page ")) page++;
        const char *w = strstr(l, "<word ");
        if (!w) continue;
        hp_word *word = g_new0(hp_word, 1);
        word->page = page;
        int n = sscanf(w, "<word xMin=\"%lf\" yMin=\"%lf\" xMax=\"%lf\" yMax=\"%lf\">",
                       &word->x_min, &word->y_min, &word->x_max, &word->y_max);
        ck_assert_int_eq(n, 4);
        const char *start = strchr(w, '>') + 1, *end = strstr(start, "</word>");
        ck_assert_ptr_nonnull(end);
        word->text = unescape(start, (size_t)(end - start));
        g_ptr_array_add(words, word);
    }
    g_strfreev(lines);
    g_free(out);
    return words;
}

GPtrArray *hp_fonts(const char *pdf)
{
    char *out = hp_run("pdffonts '%s' 2>/dev/null", pdf);
    GPtrArray *fonts = g_ptr_array_new_with_free_func(g_free);
    char **lines = g_strsplit(out, "\n", -1);
    for (int i = 2; lines[i]; i++)
        if (*lines[i]) g_ptr_array_add(fonts, g_strdup(lines[i]));
    g_strfreev(lines);
    g_free(out);
    return fonts;
}

void hp_assert_subset_fonts(const char *pdf, const char *const *faces)
{
    GPtrArray *fonts = hp_fonts(pdf);
    ck_assert_uint_gt(fonts->len, 0);
    for (guint i = 0; i < fonts->len; i++) {
        const char *row = g_ptr_array_index(fonts, i);
        ck_assert_msg(strstr(row, " yes yes ") && strchr(row, '+'), "%s: not embedded and subset: %s", pdf, row);
    }
    for (const char *const *f = faces; *f; f++) {
        char *tagged = g_strconcat("+", *f, NULL);
        bool found = false;
        for (guint i = 0; i < fonts->len && !found; i++)
            found = strstr(g_ptr_array_index(fonts, i), tagged) != NULL;
        ck_assert_msg(found, "%s: no font %s", pdf, *f);
        g_free(tagged);
    }
    g_ptr_array_unref(fonts);
}

static double middle(const hp_word *w)
{
    return (w->y_min + w->y_max) / 2;
}

static int by_middle(gconstpointer a, gconstpointer b)
{
    const hp_word *x = *(hp_word *const *)a, *y = *(hp_word *const *)b;
    if (x->page != y->page) return x->page < y->page ? -1 : 1;
    return middle(x) < middle(y) ? -1 : middle(x) > middle(y);
}

static int by_line_then_x(gconstpointer a, gconstpointer b)
{
    const hp_word *x = *(hp_word *const *)a, *y = *(hp_word *const *)b;
    if (x->page != y->page) return x->page < y->page ? -1 : 1;
    if (x->line != y->line) return x->line < y->line ? -1 : 1;
    return x->x_min < y->x_min ? -1 : x->x_min > y->x_min;
}

/* Words next to each other on one line (a gap under half the text height) joined. A line
 * is words whose vertical middles fall inside the first one's box: the boxes come from
 * each font's ascent and descent, so a Latin word and the Han beside it on one baseline
 * have different boxes. */
static GPtrArray *join_runs(GPtrArray *words)
{
    g_ptr_array_sort(words, by_middle);
    int line = 0;
    const hp_word *head = NULL;
    for (guint i = 0; i < words->len; i++) {
        hp_word *w = g_ptr_array_index(words, i);
        if (!head || head->page != w->page || middle(w) > head->y_max) {
            head = w;
            line++;
        }
        w->line = line;
    }
    g_ptr_array_sort(words, by_line_then_x);
    GPtrArray *runs = g_ptr_array_new_with_free_func(free_word);
    hp_word *cur = NULL;
    for (guint i = 0; i < words->len; i++) {
        const hp_word *w = g_ptr_array_index(words, i);
        double height = w->y_max - w->y_min;
        if (cur && cur->page == w->page && cur->line == w->line && w->x_min - cur->x_max < 0.5 * height) {
            char *text = g_strconcat(cur->text, w->text, NULL);
            g_free(cur->text);
            cur->text = text;
            cur->x_max = MAX(cur->x_max, w->x_max);
            continue;
        }
        cur = g_new0(hp_word, 1);
        *cur = *w;
        cur->text = g_strdup(w->text);
        g_ptr_array_add(runs, cur);
    }
    g_ptr_array_unref(words);
    return runs;
}

double hp_assert_parity(const char *cairo_pdf, const char *haru_pdf, double tolerance)
{
    return hp_assert_parity_blank(cairo_pdf, haru_pdf, tolerance, 0);
}

double hp_assert_parity_blank(const char *cairo_pdf, const char *haru_pdf, double tolerance, int blank_page)
{
    int pages = hp_page_count(cairo_pdf);
    ck_assert_int_eq(hp_page_count(haru_pdf), pages);
    for (int p = 1; p <= pages; p++) {
        char *a = hp_page_text(cairo_pdf, p), *b = hp_page_text(haru_pdf, p);
        ck_assert_msg(strcmp(a, b) == 0, "page %d text differs:\n cairo: %s\n haru:  %s", p, a, b);
        if (p == blank_page)
            ck_assert_msg(!*a, "page %d should be blank: %s", p, a);
        else
            ck_assert_msg(*a, "page %d has no text", p);
        g_free(a);
        g_free(b);
    }
    /* pdftotext splits words by the gaps it expects from each font's declared metrics, which
     * the backends write differently ("1." and "推动" are one word or two): compare runs of
     * words that touch on one baseline instead */
    GPtrArray *wa = join_runs(hp_words(cairo_pdf)), *wb = join_runs(hp_words(haru_pdf));
    ck_assert_int_eq(wa->len, wb->len);
    /* reading order is pdftotext's guess from font metrics, which the backends write
     * differently: each word is matched with the nearest same word of the same page */
    bool *used = g_new0(bool, wb->len);
    double worst = 0;
    for (guint i = 0; i < wa->len; i++) {
        const hp_word *a = g_ptr_array_index(wa, i);
        double best = INFINITY;
        guint best_k = 0;
        for (guint k = 0; k < wb->len; k++) {
            const hp_word *b = g_ptr_array_index(wb, k);
            if (used[k] || b->page != a->page || strcmp(a->text, b->text) != 0) continue;
            double d = MAX(fabs(a->x_min - b->x_min), fabs(a->x_max - b->x_max)) +
                       fabs(a->y_max - b->y_max);
            if (d < best) {
                best = d;
                best_k = k;
            }
        }
        ck_assert_msg(best < INFINITY, "page %d: word '%s' is missing from the haru file", a->page,
                      a->text);
        used[best_k] = true;
        const hp_word *b = g_ptr_array_index(wb, best_k);
        double dx = MAX(fabs(a->x_min - b->x_min), fabs(a->x_max - b->x_max));
        worst = MAX(worst, dx);
        ck_assert_msg(dx <= tolerance,
                      "page %d word '%s' at x %.3f..%.3f (cairo) vs %.3f..%.3f (haru)", a->page,
                      a->text, a->x_min, a->x_max, b->x_min, b->x_max);
        /* the vertical box comes from each font's ascent and descent, which the backends
         * write differently; its bottom edge moves with the baseline */
        ck_assert_msg(fabs(a->y_max - b->y_max) <= tolerance + 0.5 * (a->y_max - a->y_min),
                      "page %d word '%s' at y %.3f (cairo) vs %.3f (haru)", a->page, a->text,
                      a->y_max, b->y_max);
    }
    g_free(used);
    g_ptr_array_unref(wa);
    g_ptr_array_unref(wb);
    return worst;
}

guint8 *hp_grey_pixels(const char *pdf, int page, int dpi, int *w, int *h)
{
    char *dir = jt_tmpdir();
    char *prefix = g_build_filename(dir, "page", NULL);
    g_free(hp_run("pdftoppm -q -gray -r %d -f %d -l %d -singlefile '%s' '%s'", dpi, page, page, pdf,
                  prefix));
    char *pgm = g_strconcat(prefix, ".pgm", NULL);
    gsize len = 0;
    char *data = NULL;
    ck_assert(g_file_get_contents(pgm, &data, &len, NULL));
    int maxval = 0, header = 0;
    ck_assert_int_eq(sscanf(data, "P5 %d %d %d%n", w, h, &maxval, &header), 3);
    header++; /* the single whitespace after maxval */
    ck_assert_int_eq(maxval, 255);
    ck_assert_uint_ge(len, (gsize)header + (gsize)(*w) * (gsize)(*h));
    guint8 *pixels = g_memdup2(data + header, (gsize)(*w) * (gsize)(*h));
    g_free(data);
    g_free(pgm);
    g_free(prefix);
    jt_rmrf(dir);
    g_free(dir);
    return pixels;
}

double hp_pixel_difference(const char *a_pdf, const char *b_pdf, int page, int dpi)
{
    int wa, ha, wb, hb;
    guint8 *a = hp_grey_pixels(a_pdf, page, dpi, &wa, &ha),
           *b = hp_grey_pixels(b_pdf, page, dpi, &wb, &hb);
    ck_assert_int_eq(wa, wb);
    ck_assert_int_eq(ha, hb);
    size_t differ = 0, n = (size_t)wa * (size_t)ha;
    for (size_t i = 0; i < n; i++)
        if (abs((int)a[i] - (int)b[i]) > 64) differ++;
    g_free(a);
    g_free(b);
    return (double)differ / (double)n;
}

const char *hp_find(const char *data, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; n <= len && i <= len - n; i++)
        if (data[i] == needle[0] && memcmp(data + i, needle, n) == 0) return data + i;
    return NULL;
}

/* Inflated bytes of a deflated stream, or NULL if they do not inflate. */
static GString *inflate(const char *data, size_t len)
{
    GConverter *z = G_CONVERTER(g_zlib_decompressor_new(G_ZLIB_COMPRESSOR_FORMAT_ZLIB));
    GInputStream *raw = g_memory_input_stream_new_from_data(data, (gssize)len, NULL);
    GInputStream *inflating = g_converter_input_stream_new(raw, z);
    GString *plain = g_string_new(NULL);
    char buf[65536];
    gssize got;
    GError *err = NULL;
    while ((got = g_input_stream_read(inflating, buf, sizeof buf, NULL, &err)) > 0)
        g_string_append_len(plain, buf, got);
    g_object_unref(inflating);
    g_object_unref(raw);
    g_object_unref(z);
    if (err) {
        g_error_free(err);
        g_string_free(plain, TRUE);
        return NULL;
    }
    return plain;
}

char *hp_inflated(const char *pdf)
{
    gsize len = 0;
    char *data = NULL;
    ck_assert(g_file_get_contents(pdf, &data, &len, NULL));
    GString *out = g_string_new(NULL);
    const char *p = data, *limit = data + len;
    for (;;) {
        const char *s = hp_find(p, (size_t)(limit - p), "stream");
        if (!s) {
            g_string_append_len(out, p, limit - p);
            break;
        }
        const char *body = s + 6;
        bool opens = (s - data < 3 || strncmp(s - 3, "end", 3) != 0) && body < limit &&
                     (*body == '\n' || *body == '\r');
        if (!opens) {
            g_string_append_len(out, p, body - p);
            p = body;
            continue;
        }
        if (*body == '\r') body++;
        if (body < limit && *body == '\n') body++;
        g_string_append_len(out, p, body - p);
        const char *end = hp_find(body, (size_t)(limit - body), "endstream");
        ck_assert_ptr_nonnull(end);
        GString *plain = inflate(body, (size_t)(end - body));
        if (plain) {
            g_string_append_len(out, plain->str, (gssize)plain->len);
            g_string_free(plain, TRUE);
        } else {
            g_string_append_len(out, body, end - body);
        }
        p = end;
    }
    g_free(data);
    /* NULs in binary data would end the text early: the callers search text */
    for (gsize i = 0; i < out->len; i++)
        if (out->str[i] == '\0') out->str[i] = ' ';
    return g_string_free(out, FALSE);
}

double hp_ink(const char *pdf, int page, int dpi)
{
    int w, h;
    guint8 *px = hp_grey_pixels(pdf, page, dpi, &w, &h);
    size_t ink = 0, n = (size_t)w * (size_t)h;
    for (size_t i = 0; i < n; i++)
        if (px[i] < 128) ink++;
    g_free(px);
    return (double)ink / (double)n;
}
