#include "jd_base.h"

#include <stdarg.h>
#include <string.h>

struct jd_diag {
    jd_severity sev;
    char *file;
    int line;
    int col;
    char *message;
    char *excerpt;     /* the source line, or a window of it around the column; or NULL */
    int excerpt_first; /* column of the excerpt's first character (1 when it is the whole line) */
    bool cut_after;    /* the line goes on after the excerpt */
    int span;
};

/* A list keeps at most this many messages; beyond it, messages are only counted. A file
 * with millions of bad rows would otherwise spend more memory on messages than on data,
 * and nobody reads past the first screens. */
enum { MAX_KEPT = 10000 };

struct jd_diags {
    GPtrArray *items;      /* jd_diag* */
    size_t by_severity[3]; /* every message added, kept or not, so counting costs nothing */
    size_t dropped;        /* added beyond MAX_KEPT */
};

static void diag_free(gpointer p)
{
    jd_diag *d = p;
    g_free(d->file);
    g_free(d->message);
    g_free(d->excerpt);
    g_free(d);
}

jd_diags *jd_diags_new(void)
{
    jd_diags *diags = g_new0(jd_diags, 1);
    diags->items = g_ptr_array_new_with_free_func(diag_free);
    return diags;
}

void jd_diags_free(jd_diags *diags)
{
    if (!diags)
        return;
    g_ptr_array_free(diags->items, TRUE);
    g_free(diags);
}

/* Characters kept on each side of the column when a message quotes its line: more than the
 * window jd_diag_format shows (EXCERPT_WIDTH), so that the window is the same as if the whole
 * line were kept, while a message on a line of megabytes costs a few hundred bytes. */
enum { EXCERPT_KEPT = 200 };

typedef struct {
    const char *text; /* the line's bytes, not NUL-terminated */
    size_t len;
    size_t col_offset; /* byte offset of the column in the line */
} line_ref;

static bool is_continuation(unsigned char b)
{
    return (b & 0xC0) == 0x80;
}

/* Keeps EXCERPT_KEPT characters of the line either side of the column, valid UTF-8. */
static void keep_excerpt(jd_diag *d, const line_ref *ref)
{
    size_t at = MIN(ref->col_offset, ref->len);
    size_t from = at;
    int before = 0;
    while (from > 0 && before < EXCERPT_KEPT) {
        from--;
        while (from > 0 && is_continuation((unsigned char)ref->text[from]))
            from--;
        before++;
    }
    size_t to = at;
    for (int after = 0; to < ref->len && after < EXCERPT_KEPT; after++) {
        if (ref->text[to] == '\n' || ref->text[to] == '\r' || !ref->text[to])
            break; /* a line ends at either line break, as jd_text_line cuts it */
        to++;
        while (to < ref->len && is_continuation((unsigned char)ref->text[to]))
            to++;
    }
    d->excerpt = g_utf8_make_valid(ref->text + from, (gssize)(to - from));
    d->excerpt_first = from == 0 ? 1 : MAX(1, d->col - before);
    d->cut_after = to < ref->len;
}

static void add_v(jd_diags *diags, jd_severity sev, const char *file, int line, int col,
                  const line_ref *ref, int span, const char *fmt, va_list ap)
{
    if (!diags)
        return;
    if (sev > JD_NOTE)
        sev = JD_ERROR;
    diags->by_severity[sev]++;
    if (diags->items->len >= MAX_KEPT) {
        diags->dropped++;
        return;
    }
    jd_diag *d = g_new0(jd_diag, 1);
    d->sev = sev;
    d->file = g_strdup(file);
    d->line = line;
    d->col = col;
    d->message = g_strdup_vprintf(fmt, ap);
    d->excerpt_first = 1;
    /* the excerpt is walked character by character when formatted: keep it valid UTF-8 */
    if (ref)
        keep_excerpt(d, ref);
    d->span = span;
    g_ptr_array_add(diags->items, d);
}

void jd_diags_add(jd_diags *diags, jd_severity sev, const char *file, int line, int col,
                  const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_v(diags, sev, file, line, col, NULL, 0, fmt, ap);
    va_end(ap);
}

void jd_diags_addv(jd_diags *diags, jd_severity sev, const char *file, int line, int col,
                   const char *fmt, va_list ap)
{
    add_v(diags, sev, file, line, col, NULL, 0, fmt, ap);
}

void jd_diags_add_excerpt(jd_diags *diags, jd_severity sev, const char *file, int line, int col,
                          const char *source_line, int span, const char *fmt, ...)
{
    line_ref ref = {source_line, 0, 0};
    if (source_line) {
        /* the column's byte offset, counting characters as jd_utf8_column does */
        ref.len = strlen(source_line);
        size_t at = 0;
        for (int c = 1; c < col && at < ref.len; c++) {
            at++;
            while (at < ref.len && is_continuation((unsigned char)source_line[at]))
                at++;
        }
        ref.col_offset = at;
    }
    va_list ap;
    va_start(ap, fmt);
    add_v(diags, sev, file, line, col, source_line ? &ref : NULL, span, fmt, ap);
    va_end(ap);
}

void jd_diags_add_excerpt_at(jd_diags *diags, jd_severity sev, const char *file, int line,
                             int col, const char *line_text, size_t line_len, size_t col_offset,
                             int span, const char *fmt, ...)
{
    line_ref ref = {line_text, line_len, col_offset};
    va_list ap;
    va_start(ap, fmt);
    add_v(diags, sev, file, line, col, line_text ? &ref : NULL, span, fmt, ap);
    va_end(ap);
}

void jd_diags_append(jd_diags *diags, const jd_diags *from)
{
    if (!diags || !from)
        return;
    for (int sev = 0; sev < 3; sev++)
        diags->by_severity[sev] += from->by_severity[sev];
    diags->dropped += from->dropped;
    for (guint i = 0; i < from->items->len; i++) {
        const jd_diag *s = g_ptr_array_index(from->items, i);
        if (diags->items->len >= MAX_KEPT) {
            diags->dropped++;
            continue;
        }
        jd_diag *d = g_new0(jd_diag, 1);
        *d = *s; /* severity, place, span and the excerpt's window */
        d->file = g_strdup(s->file);
        d->message = g_strdup(s->message);
        d->excerpt = g_strdup(s->excerpt);
        g_ptr_array_add(diags->items, d);
    }
}

size_t jd_diags_count(const jd_diags *diags)
{
    return diags ? diags->items->len : 0;
}

size_t jd_diags_count_severity(const jd_diags *diags, jd_severity sev)
{
    return diags && (unsigned)sev < G_N_ELEMENTS(diags->by_severity) ? diags->by_severity[sev] : 0;
}

jd_diags *jd_tally_begin(jd_tally *t, jd_diags *diags)
{
    t->own = diags ? NULL : jd_diags_new();
    t->diags = diags ? diags : t->own;
    t->errors = jd_diags_count_severity(t->diags, JD_ERROR);
    t->warnings = jd_diags_count_severity(t->diags, JD_WARNING);
    return t->diags;
}

size_t jd_tally_errors(const jd_tally *t)
{
    return jd_diags_count_severity(t->diags, JD_ERROR) - t->errors;
}

size_t jd_tally_warnings(const jd_tally *t)
{
    return jd_diags_count_severity(t->diags, JD_WARNING) - t->warnings;
}

void jd_tally_end(jd_tally *t)
{
    jd_diags_free(t->own);
    t->own = t->diags = NULL;
}

size_t jd_diags_dropped(const jd_diags *diags)
{
    return diags ? diags->dropped : 0;
}

bool jd_diags_has_errors(const jd_diags *diags)
{
    return jd_diags_count_severity(diags, JD_ERROR) > 0;
}

const jd_diag *jd_diags_get(const jd_diags *diags, size_t index)
{
    return index < jd_diags_count(diags) ? g_ptr_array_index(diags->items, index) : NULL;
}

static gint diag_cmp(gconstpointer a, gconstpointer b)
{
    const jd_diag *x = *(jd_diag *const *)a, *y = *(jd_diag *const *)b;
    int c = g_strcmp0(x->file, y->file);
    if (c)
        return c;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    return 0;
}

void jd_diags_sort(jd_diags *diags)
{
    /* g_ptr_array_sort is a merge sort in GLib (stable) */
    if (diags)
        g_ptr_array_sort(diags->items, diag_cmp);
}

jd_severity jd_diag_severity(const jd_diag *d)
{
    return d->sev;
}
const char *jd_diag_file(const jd_diag *d)
{
    return d->file;
}
int jd_diag_line(const jd_diag *d)
{
    return d->line;
}
int jd_diag_col(const jd_diag *d)
{
    return d->col;
}
const char *jd_diag_message(const jd_diag *d)
{
    return d->message;
}

static const char *sev_name(jd_severity s)
{
    switch (s) {
    case JD_ERROR:
        return "error";
    case JD_WARNING:
        return "warning";
    default:
        return "note";
    }
}

char *jd_sheet_source_name(const char *file, const char *sheet)
{
    return g_strdup_printf("%s[%s]", file, sheet);
}

bool jd_is_sheet_source(const char *name)
{
    return name && g_str_has_suffix(name, "]") && strchr(name, '[');
}

char *jd_column_letters(int col)
{
    char letters[16];
    size_t n = sizeof letters - 1;
    letters[n] = '\0';
    /* bijective base 26: A..Z, AA.. */
    for (int c = col; c > 0 && n > 0; c = (c - 1) / 26)
        letters[--n] = (char)('A' + (c - 1) % 26);
    return g_strdup(letters + n);
}

char *jd_cell_ref(int row, int col)
{
    char *letters = jd_column_letters(col);
    char *ref = g_strdup_printf("%s%d", letters, row);
    g_free(letters);
    return ref;
}

char *jd_place_text(const char *file, int line, int col)
{
    if (line <= 0) return g_strdup(file ? file : "");
    if (jd_is_sheet_source(file) && col > 0) {
        char *ref = jd_cell_ref(line, col);
        char *text = g_strdup_printf("%s!%s", file, ref);
        g_free(ref);
        return text;
    }
    if (jd_is_sheet_source(file)) return g_strdup_printf("%s row %d", file, line);
    if (col > 0) return g_strdup_printf("%s:%d:%d", file ? file : "", line, col);
    return g_strdup_printf("%s:%d", file ? file : "", line);
}

const char *jd_line_word(const char *file)
{
    return jd_is_sheet_source(file) ? "row" : "line";
}

/* Whether a character must not reach a terminal as it is: C0 and C1 controls and DEL (BEL
 * rings, ESC starts escape sequences that can rewrite the screen or the title), and the
 * bidirectional formatting characters that make a line display in another order than it
 * reads. Data quoted in messages comes from anywhere. */
static bool is_unprintable(gunichar c)
{
    return c < 0x20 || (c >= 0x7F && c < 0xA0) || c == 0x061C || c == 0x200E || c == 0x200F ||
           (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

/* Appends character `c` as it is shown: unprintable ones as \n, \t, \xHH or \uHHHH.
 * Returns the number of display columns it takes (tab counts as one, a wide character as
 * two). `keep_tab` leaves tabs as they are (the excerpt and its caret line both have them). */
static int append_shown(GString *out, gunichar c, bool keep_tab)
{
    if (!is_unprintable(c) || (keep_tab && c == '\t')) {
        g_string_append_unichar(out, c);
        return g_unichar_iswide(c) ? 2 : 1;
    }
    size_t before = out->len;
    if (c == '\n')
        g_string_append(out, "\\n");
    else if (c == '\r')
        g_string_append(out, "\\r");
    else if (c == '\t')
        g_string_append(out, "\\t");
    else if (c < 0x80)
        g_string_append_printf(out, "\\x%02x", c);
    else
        g_string_append_printf(out, "\\u%04x", c);
    return (int)(out->len - before);
}

/* Messages and places carry bytes from the input (a name in a template with a broken
 * UTF-8 sequence, say): made valid first, since the walk steps by characters and a cut
 * sequence before the end would step over the terminating NUL. */
static void append_text_shown(GString *out, const char *text)
{
    char *valid = g_utf8_make_valid(text ? text : "", -1);
    for (const char *p = valid; *p; p = g_utf8_next_char(p))
        append_shown(out, g_utf8_get_char(p), false);
    g_free(valid);
}

char *jd_printable(const char *text)
{
    GString *out = g_string_new(NULL);
    append_text_shown(out, text);
    return g_string_free(out, FALSE);
}

/* Longest excerpt shown whole; longer lines show a window of this many characters around
 * the caret (a one-line JSON file or a generated template can have lines of megabytes). */
enum { EXCERPT_WIDTH = 100, EXCERPT_BEFORE = 40 };

static void append_excerpt(GString *s, const jd_diag *d)
{
    /* columns below are the excerpt's own (1 = its first character) */
    glong n_chars = g_utf8_strlen(d->excerpt, -1);
    int col = d->col - d->excerpt_first + 1;
    bool cut_before = d->excerpt_first > 1;
    int span = d->span > 1 ? d->span : 1;
    glong first = 1, last = n_chars; /* 1-based characters shown */
    if (n_chars > EXCERPT_WIDTH || cut_before || d->cut_after) {
        first = MAX(1, col - EXCERPT_BEFORE);
        last = MIN(n_chars, first + EXCERPT_WIDTH - 1);
        if (last - first + 1 < EXCERPT_WIDTH) first = MAX(1, last - EXCERPT_WIDTH + 1);
    }
    GString *caret = g_string_new("    ");
    g_string_append(s, "\n    ");
    if (first > 1 || cut_before) {
        g_string_append(s, "…");
        g_string_append_c(caret, ' ');
    }
    /* The caret line repeats the excerpt's own tabs and widths up to the column, so that
     * tabs and wide (CJK) characters keep the caret under the right character: one mark per
     * display column of each character in [col, col + span). */
    const char *p = g_utf8_offset_to_pointer(d->excerpt, first - 1);
    int marks = 0;
    for (glong c = first; c <= last && *p; c++, p = g_utf8_next_char(p)) {
        gunichar ch = g_utf8_get_char(p);
        int width = append_shown(s, ch, true);
        bool marked = c >= col && c < col + span;
        for (int w = 0; w < width; w++) {
            if (marked)
                g_string_append_c(caret, marks++ == 0 ? '^' : '~');
            else if (c < col)
                g_string_append_c(caret, ch == '\t' ? '\t' : ' ');
        }
    }
    if (last < n_chars || d->cut_after)
        g_string_append(s, "…");
    /* a caret past the end of the line (a missing closing quote, say) goes after it */
    while (marks < span)
        g_string_append_c(caret, marks++ == 0 ? '^' : '~');
    g_string_append_c(s, '\n');
    g_string_append_len(s, caret->str, (gssize)caret->len);
    g_string_free(caret, TRUE);
}

char *jd_diag_format(const jd_diag *d)
{
    GString *s = g_string_new(NULL);
    if (d->file) {
        char *place = jd_place_text(d->file, d->line, d->col);
        append_text_shown(s, place);
        g_free(place);
        g_string_append(s, ": ");
    }
    g_string_append_printf(s, "%s: ", sev_name(d->sev));
    append_text_shown(s, d->message);
    if (d->excerpt)
        append_excerpt(s, d);
    return g_string_free(s, FALSE);
}

void jd_diags_print(const jd_diags *diags, FILE *out)
{
    for (size_t i = 0; i < jd_diags_count(diags); i++) {
        char *line = jd_diag_format(jd_diags_get(diags, i));
        fprintf(out, "%s\n", line);
        g_free(line);
    }
    if (jd_diags_dropped(diags))
        fprintf(out, "note: %zu more messages not shown (only the first %d are kept)\n",
                jd_diags_dropped(diags), MAX_KEPT);
}

int jd_utf8_column(const char *s, size_t nbytes)
{
    int col = 1;
    const char *end = s + nbytes;
    for (const char *p = s; p < end && *p;) {
        p = g_utf8_next_char(p);
        col++;
    }
    return col;
}

void jd_text_position(const char *text, size_t offset, int *line, int *col)
{
    int ln = 1;
    size_t line_start = 0;
    for (size_t i = 0; i < offset && text[i]; i++) {
        if (text[i] == '\n') {
            ln++;
            line_start = i + 1;
        }
    }
    if (line)
        *line = ln;
    if (col)
        *col = jd_utf8_column(text + line_start, offset - line_start);
}

char *jd_text_line(const char *text, int line)
{
    const char *p = text;
    for (int l = 1; l < line && p; l++) {
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    if (!p)
        return g_strdup("");
    const char *e = p;
    while (*e && *e != '\n' && *e != '\r')
        e++;
    return g_strndup(p, (gsize)(e - p));
}
