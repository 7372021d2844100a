/* Positioned, de-duplicated error reports. Positions are byte offsets until the errors are
 * flushed, so an error repeated in a loop costs a hash lookup, not a scan of the file. */
#include <stdint.h>
#include <stdarg.h>
#include <string.h>

#include "tpl.h"

typedef struct {
    const tpl_source *src; /* NULL for file-level errors */
    size_t start, end;
    char *path; /* file-level errors */
    int line, col;
    char *message;
    guint count;
    guint order;
    /* filled when flushed */
    int sort_line, sort_col;
    const char *sort_path;
} entry;

struct tpl_errors {
    GHashTable *index; /* key string -> entry* */
    GPtrArray *entries;
};

static void entry_free(gpointer p)
{
    entry *e = p;
    g_free(e->path);
    g_free(e->message);
    g_free(e);
}

tpl_errors *tpl_errors_new(void)
{
    tpl_errors *errs = g_new0(tpl_errors, 1);
    errs->index = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    errs->entries = g_ptr_array_new_with_free_func(entry_free);
    return errs;
}

void tpl_errors_free(tpl_errors *errs)
{
    if (!errs) return;
    g_hash_table_destroy(errs->index);
    g_ptr_array_free(errs->entries, TRUE);
    g_free(errs);
}

/* Counts the entry for `key` once more, or adds `fresh` (consumed either way). */
static void add_entry(tpl_errors *errs, char *key, entry *fresh)
{
    entry *known = g_hash_table_lookup(errs->index, key);
    if (known) {
        known->count++;
        g_free(key);
        entry_free(fresh);
        return;
    }
    fresh->count = 1;
    fresh->order = errs->entries->len;
    g_ptr_array_add(errs->entries, fresh);
    g_hash_table_insert(errs->index, key, fresh);
}

void tpl_error(tpl_errors *errs, const tpl_source *src, size_t start, size_t end, const char *fmt,
               ...)
{
    va_list ap;
    va_start(ap, fmt);
    tpl_errorv(errs, src, start, end, fmt, ap);
    va_end(ap);
}

void tpl_errorv(tpl_errors *errs, const tpl_source *src, size_t start, size_t end, const char *fmt,
                va_list ap)
{
    entry *e = g_new0(entry, 1);
    e->src = src;
    e->start = MIN(start, src->len);
    e->end = MIN(MAX(end, e->start), src->len);
    e->message = g_strdup_vprintf(fmt, ap);
    char *key =
        g_strdup_printf("%p\x1f%zu\x1f%zu\x1f%s", (const void *)src, e->start, e->end, e->message);
    add_entry(errs, key, e);
}

void tpl_error_file(tpl_errors *errs, const char *path, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    entry *e = g_new0(entry, 1);
    e->path = g_strdup(path);
    e->line = line;
    e->col = col;
    e->message = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    char *key = g_strdup_printf("%s\x1f%d\x1f%d\x1f%s", path ? path : "", line, col, e->message);
    add_entry(errs, key, e);
}

tpl_source *tpl_source_new(const char *path, const char *dir, char *text, size_t len)
{
    tpl_source *src = g_new0(tpl_source, 1);
    src->path = g_strdup(path);
    src->dir = g_strdup(dir);
    src->text = text;
    src->len = len;
    guint lines = 1;
    for (const char *nl = text; (nl = memchr(nl, '\n', len - (size_t)(nl - text))); nl++)
        lines++;
    src->line_starts = g_array_sized_new(FALSE, FALSE, sizeof(size_t), lines);
    size_t start = 0;
    g_array_append_val(src->line_starts, start);
    for (const char *nl = text; (nl = memchr(nl, '\n', len - (size_t)(nl - text))); nl++) {
        start = (size_t)(nl - text) + 1;
        g_array_append_val(src->line_starts, start);
    }
    return src;
}

void tpl_source_free(tpl_source *src)
{
    if (!src) return;
    g_free(src->path);
    g_free(src->dir);
    g_free(src->text);
    g_array_free(src->line_starts, TRUE);
    g_free(src);
}

int tpl_source_line(const tpl_source *src, size_t offset)
{
    guint lo = 0, hi = src->line_starts->len; /* the line is the last start <= offset */
    while (hi - lo > 1) {
        guint mid = (lo + hi) / 2;
        if (g_array_index(src->line_starts, size_t, mid) <= offset)
            lo = mid;
        else
            hi = mid;
    }
    return (int)lo + 1;
}

bool tpl_errors_any(const tpl_errors *errs)
{
    return errs->entries->len > 0;
}

guint tpl_errors_count(const tpl_errors *errs)
{
    return errs->entries->len;
}

static gint entry_cmp(gconstpointer a, gconstpointer b)
{
    const entry *x = *(entry *const *)a, *y = *(entry *const *)b;
    int c = g_strcmp0(x->sort_path, y->sort_path);
    if (c) return c;
    if (x->sort_line != y->sort_line) return x->sort_line < y->sort_line ? -1 : 1;
    if (x->sort_col != y->sort_col) return x->sort_col < y->sort_col ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* Whether messages may show lines of `src` (see jd_file_may_be_quoted), asked once per
 * source. */
static bool quotable(const tpl_source *src, GHashTable *known)
{
    gpointer answer = g_hash_table_lookup(known, src);
    if (!answer) {
        answer = GINT_TO_POINTER(jd_file_may_be_quoted(src->path) ? 2 : 1);
        g_hash_table_insert(known, (gpointer)src, answer);
    }
    return answer == GINT_TO_POINTER(2);
}

/* Entries of one source in the order of their positions, for columns counted in one pass. */
static gint position_cmp(gconstpointer a, gconstpointer b)
{
    const entry *x = *(entry *const *)a, *y = *(entry *const *)b;
    if (x->src != y->src) return (uintptr_t)x->src < (uintptr_t)y->src ? -1 : 1;
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

static size_t line_start_of(const entry *e)
{
    return g_array_index(e->src->line_starts, size_t, e->sort_line - 1);
}

/* Byte offset where the entry's line ends (its line break or the end of the text). */
static size_t line_end_of(const entry *e)
{
    const GArray *starts = e->src->line_starts;
    return (guint)e->sort_line < starts->len ? g_array_index(starts, size_t, e->sort_line) - 1
                                             : e->src->len;
}

/* Longest stretch of a bad part measured for its caret: the excerpt shows 100 characters. */
enum { CARET_SCAN_MAX = 4096 };

void tpl_errors_flush(const tpl_errors *errs, jd_diags *diags)
{
    GHashTable *quotable_sources = g_hash_table_new(g_direct_hash, g_direct_equal);
    GPtrArray *sorted = g_ptr_array_new();
    for (guint i = 0; i < errs->entries->len; i++) {
        entry *e = g_ptr_array_index(errs->entries, i);
        if (e->src) {
            e->sort_path = e->src->path;
            e->sort_line = tpl_source_line(e->src, e->start);
        } else {
            e->sort_path = e->path;
            e->sort_line = e->line;
            e->sort_col = e->col;
        }
        g_ptr_array_add(sorted, e);
    }
    /* Columns count characters from the line's start; thousands of errors on one line of a
     * generated template would count the same characters again for each, so each column
     * continues from the one before it on the same line. */
    g_ptr_array_sort(sorted, position_cmp);
    const entry *prev = NULL;
    for (guint i = 0; i < sorted->len; i++) {
        entry *e = g_ptr_array_index(sorted, i);
        if (!e->src)
            continue;
        if (prev && prev->src == e->src && prev->sort_line == e->sort_line)
            e->sort_col = prev->sort_col - 1 +
                          jd_utf8_column(e->src->text + prev->start, e->start - prev->start);
        else
            e->sort_col = jd_utf8_column(e->src->text + line_start_of(e), e->start - line_start_of(e));
        prev = e;
    }
    g_ptr_array_sort(sorted, entry_cmp);
    for (guint i = 0; i < sorted->len; i++) {
        const entry *e = g_ptr_array_index(sorted, i);
        char *times = e->count > 1 ? g_strdup_printf(" (%u times)", e->count) : g_strdup("");
        if (e->src && !quotable(e->src, quotable_sources)) {
            jd_diags_add(diags, JD_ERROR, e->src->path, e->sort_line, e->sort_col, "%s%s",
                         e->message, times);
        } else if (e->src) {
            /* the caret covers the bad part, up to the end of its first line */
            size_t stop = e->start, scan_end = MIN(e->end, e->start + CARET_SCAN_MAX);
            while (stop < scan_end && e->src->text[stop] && e->src->text[stop] != '\n' &&
                   e->src->text[stop] != '\r')
                stop++;
            int span = jd_utf8_column(e->src->text + e->start, stop - e->start) - 1;
            size_t line_start = line_start_of(e);
            jd_diags_add_excerpt_at(diags, JD_ERROR, e->src->path, e->sort_line, e->sort_col,
                                    e->src->text + line_start, line_end_of(e) - line_start,
                                    e->start - line_start, span, "%s%s", e->message, times);
        } else {
            jd_diags_add(diags, JD_ERROR, e->path, e->line, e->col, "%s%s", e->message, times);
        }
        g_free(times);
    }
    g_ptr_array_free(sorted, TRUE);
    g_hash_table_destroy(quotable_sources);
}
