/* Records: rows of fields with their positions, split from delimited text (RFC 4180
 * quoting over tab- or comma-separated UTF-8) or filled from a worksheet, whose merged
 * cells they keep. */
#include <string.h>

#include "jd_import_layers.h"

typedef struct {
    char *text; /* NULL: an empty cell */
    int line, col;
} field;

/* The first cell of the merged range a field belongs to (itself for that first cell), or
 * -1: not merged. Kept apart from the fields, and only once a worksheet has a merge:
 * delimited text has none, and a 100,000-row list's fields are 6 MB less without them. */
typedef struct {
    int row, field;
} merge;

/* All fields in one array, where each row starts, and (for delimited text) every field's
 * text in one string chunk: a few bytes per field beyond its text, rather than an
 * allocation per field and per row, so that memory stays a small multiple of the file's
 * size whatever its shape (ten million empty fields, five million one-letter lines). */
struct jd_records {
    GArray *fields;     /* field, row after row */
    GArray *row_start;  /* guint: index of each row's first field */
    GArray *merges;     /* merge of each field up to the last merged one, or NULL: none */
    GStringChunk *texts; /* delimited text: the fields' texts (else each is its own g_malloc) */
    bool knows_merges;   /* a worksheet's records; delimited text has lost its merges */
    bool cells;          /* a worksheet's: every field sits in its cell's column */
};

/* Fields a row of delimited text may have: a task list or a form has about ten columns;
 * a line of ten million delimiters is not a row of either. */
enum { MAX_FIELDS = 1000 };

static jd_records *records_new(void)
{
    jd_records *records = g_new0(jd_records, 1);
    records->fields = g_array_new(FALSE, FALSE, sizeof(field));
    records->row_start = g_array_new(FALSE, FALSE, sizeof(guint));
    return records;
}

static void start_row(jd_records *records)
{
    guint first = records->fields->len;
    g_array_append_val(records->row_start, first);
}

/* The scanner's place in the text; `col` counts characters, so it advances on every byte
 * that starts a UTF-8 character. */
typedef struct {
    const char *text;
    size_t len, at;
    int line, col;
} cursor;

static void advance(cursor *c)
{
    unsigned char b = (unsigned char)c->text[c->at++];
    if (b == '\n') {
        c->line++;
        c->col = 1;
    } else if ((b & 0xC0) != 0x80) {
        c->col++;
    }
}

static bool at_field_end(const cursor *c, char delimiter)
{
    return c->at >= c->len || c->text[c->at] == delimiter || c->text[c->at] == '\n';
}

/* Reads the rest of an unquoted field: everything up to the delimiter or the line end. */
static void read_plain(cursor *c, char delimiter, GString *value)
{
    /* as advance() byte by byte, in one tight loop: the field holds no line end, so only
     * the column moves (most of a file's bytes are read here) */
    const char *start = c->text + c->at, *end = c->text + c->len, *p = start;
    int col = c->col;
    /* eight bytes at a time while none of them ends the field: a byte is zero in x ^ b
     * where x has byte b, and (y - ones) & ~y & highs is not 0 exactly when y has a zero
     * byte; continuation bytes (10xxxxxx) are those with bit 7 set and bit 6 clear */
    const guint64 ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    const guint64 delimiters = ones * (unsigned char)delimiter, newlines = ones * '\n';
    while (end - p >= 8) {
        guint64 x;
        memcpy(&x, p, sizeof x);
        guint64 d = x ^ delimiters, n = x ^ newlines;
        if (((d - ones) & ~d & highs) || ((n - ones) & ~n & highs)) break;
        guint64 continuations = x & ~(x << 1) & highs;
        col += 8 - (int)((((continuations >> 7) * ones) >> 56) & 0xFF);
        p += 8;
    }
    for (; p < end && *p != delimiter && *p != '\n'; p++)
        col += ((unsigned char)*p & 0xC0) != 0x80;
    c->at = (size_t)(p - c->text);
    c->col = col;
    g_string_append_len(value, start, (gssize)(p - start));
}

/* Reads a quoted field from its opening quote. Returns false if the text ends first. */
static bool read_quoted(cursor *c, char delimiter, GString *value, const char *name,
                        jd_diags *diags)
{
    advance(c); /* the opening quote */
    for (;;) {
        if (c->at >= c->len) return false;
        if (c->text[c->at] != '"') {
            g_string_append_c(value, c->text[c->at]);
            advance(c);
            continue;
        }
        advance(c);
        if (c->at < c->len && c->text[c->at] == '"') {
            g_string_append_c(value, '"');
            advance(c);
            continue;
        }
        break;
    }
    if (!at_field_end(c, delimiter)) {
        jd_diags_add(diags, JD_WARNING, name, c->line, c->col,
                     "text after the closing quote of a quoted field is kept as written");
        read_plain(c, delimiter, value);
    }
    return true;
}

jd_records *jd_records_new(const char *text, size_t len, char delimiter, const char *name,
                           jd_diags *diags)
{
    jd_records *records = records_new();
    records->texts = g_string_chunk_new(MIN(MAX(len, 64), (size_t)1 << 20));
    cursor c = {text, len, 0, 1, 1};
    GString *value = g_string_new(NULL);
    bool stop = false;
    while (c.at < c.len && !stop) {
        guint first = records->fields->len;
        start_row(records);
        for (;;) {
            field f = {NULL, c.line, c.col};
            if (records->fields->len - first == MAX_FIELDS) {
                jd_diags_add(diags, JD_ERROR, name, c.line, c.col,
                             "a row of more than %d fields: not a task list or a progress form",
                             MAX_FIELDS);
                stop = true;
                break;
            }
            g_string_truncate(value, 0);
            if (c.at < c.len && c.text[c.at] == '"') { /* (text need not end in NUL) */
                if (!read_quoted(&c, delimiter, value, name, diags)) {
                    jd_diags_add(diags, JD_ERROR, name, f.line, f.col,
                                 "the quoted field that starts here is never closed");
                    g_array_set_size(records->fields, first);
                    g_array_set_size(records->row_start, records->row_start->len - 1);
                    stop = true;
                    break;
                }
            } else {
                read_plain(&c, delimiter, value);
            }
            /* the ' jindu's CSV writer puts before formula-like text (jd_csv_append_row) */
            size_t skip = value->len && value->str[0] == '\'' && jd_csv_guarded(value->str + 1);
            /* an empty field has no text of its own */
            if (value->len > skip)
                f.text = g_string_chunk_insert_len(records->texts, value->str + skip,
                                                   (gssize)(value->len - skip));
            g_array_append_val(records->fields, f);
            if (c.at >= c.len || c.text[c.at] == '\n') break;
            advance(&c); /* the delimiter */
        }
        if (c.at < c.len) advance(&c); /* the line end */
    }
    g_string_free(value, TRUE);
    return records;
}

void jd_records_free(jd_records *records)
{
    if (!records) return;
    if (records->texts)
        g_string_chunk_free(records->texts);
    else
        for (guint i = 0; i < records->fields->len; i++)
            g_free(g_array_index(records->fields, field, i).text);
    g_array_free(records->fields, TRUE);
    g_array_free(records->row_start, TRUE);
    if (records->merges) g_array_free(records->merges, TRUE);
    g_free(records);
}

size_t jd_records_count(const jd_records *records)
{
    return records->row_start->len;
}

size_t jd_records_width(const jd_records *records, size_t row)
{
    if (row >= records->row_start->len) return 0;
    guint end = row + 1 < records->row_start->len
                    ? g_array_index(records->row_start, guint, row + 1)
                    : records->fields->len;
    return end - g_array_index(records->row_start, guint, row);
}

/* The place of field `index` of `row` among all the fields, or -1 if there is none. */
static gssize field_place(const jd_records *records, size_t row, size_t index)
{
    if (index >= jd_records_width(records, row)) return -1;
    return (gssize)(g_array_index(records->row_start, guint, row) + index);
}

static const field *field_at(const jd_records *records, size_t row, size_t index)
{
    gssize at = field_place(records, row, index);
    return at < 0 ? NULL : &g_array_index(records->fields, field, at);
}

/* The merge of field `index` of `row`: NULL when it has none. */
static merge *merge_at(const jd_records *records, size_t row, size_t index)
{
    gssize at = field_place(records, row, index);
    if (at < 0 || !records->merges || (guint)at >= records->merges->len) return NULL;
    merge *m = &g_array_index(records->merges, merge, at);
    return m->row >= 0 ? m : NULL;
}

const char *jd_records_field(const jd_records *records, size_t row, size_t index)
{
    const field *f = field_at(records, row, index);
    return f ? (f->text ? f->text : "") : NULL;
}

int jd_records_field_line(const jd_records *records, size_t row, size_t index)
{
    const field *f = field_at(records, row, index);
    return f ? f->line : 0;
}

int jd_records_field_col(const jd_records *records, size_t row, size_t index)
{
    const field *f = field_at(records, row, index);
    return f ? f->col : 0;
}

/* ---- worksheets --------------------------------------------------------------------------- */

jd_records *jd_records_new_sheet(bool knows_merges)
{
    jd_records *records = records_new();
    records->knows_merges = knows_merges;
    records->cells = true;
    return records;
}

size_t jd_records_add_sheet_row(jd_records *records, int row, size_t width)
{
    start_row(records);
    for (size_t i = 0; i < width; i++) {
        field f = {NULL, row, (int)i + 1};
        g_array_append_val(records->fields, f);
    }
    return records->row_start->len - 1;
}

static field *field_mut(jd_records *records, size_t row, size_t index)
{
    return (field *)field_at(records, row, index);
}

void jd_records_set_text(jd_records *records, size_t row, size_t index, char *text)
{
    field *f = field_mut(records, row, index);
    g_return_if_fail(f && !records->texts); /* a worksheet's records */
    g_free(f->text);
    f->text = text;
}

bool jd_records_set_merged(jd_records *records, size_t row, size_t index, size_t first_row,
                           size_t first_field)
{
    gssize at = field_place(records, row, index);
    if (at < 0 || merge_at(records, row, index)) return false;
    if (!records->merges) records->merges = g_array_new(FALSE, FALSE, sizeof(merge));
    while (records->merges->len <= (guint)at) {
        merge none = {-1, -1};
        g_array_append_val(records->merges, none);
    }
    g_array_index(records->merges, merge, at) = (merge){(int)first_row, (int)first_field};
    return true;
}

bool jd_records_are_cells(const jd_records *records)
{
    return records->cells;
}

bool jd_records_know_merges(const jd_records *records)
{
    return records->knows_merges;
}

bool jd_records_merged_into(const jd_records *records, size_t row, size_t index,
                            size_t *first_row, size_t *first_field)
{
    const merge *m = merge_at(records, row, index);
    if (!m || ((size_t)m->row == row && (size_t)m->field == index)) return false;
    if (first_row) *first_row = (size_t)m->row;
    if (first_field) *first_field = (size_t)m->field;
    return true;
}

const char *jd_records_field_down(const jd_records *records, size_t row, size_t index)
{
    size_t first_row, first_field;
    if (jd_records_merged_into(records, row, index, &first_row, &first_field) &&
        first_field == index)
        return jd_records_field(records, first_row, first_field);
    return jd_records_field(records, row, index);
}
