/* Records: rows of fields with their positions, split from delimited text (RFC 4180
 * quoting over tab- or comma-separated UTF-8) or filled from a worksheet, whose merged
 * cells they keep. */
#include "jd_import_layers.h"

typedef struct {
    char *text; /* NULL: an empty cell */
    int line, col;
    /* The first cell of the merged range the field belongs to (itself for that first
     * cell), or -1: not merged. */
    int merge_row, merge_field;
} field;

struct jd_records {
    GPtrArray *rows;  /* GArray of field, one per row */
    bool knows_merges; /* a worksheet's records; delimited text has lost its merges */
    bool cells;        /* a worksheet's: every field sits in its cell's column */
};

static void row_free(gpointer p)
{
    GArray *row = p;
    for (guint i = 0; i < row->len; i++)
        g_free(g_array_index(row, field, i).text);
    g_array_free(row, TRUE);
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
    size_t start = c->at;
    while (!at_field_end(c, delimiter))
        advance(c);
    g_string_append_len(value, c->text + start, (gssize)(c->at - start));
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
    jd_records *records = g_new0(jd_records, 1);
    records->rows = g_ptr_array_new_with_free_func(row_free);
    cursor c = {text, len, 0, 1, 1};
    GString *value = g_string_new(NULL);
    while (c.at < c.len) {
        GArray *row = g_array_new(FALSE, FALSE, sizeof(field));
        g_ptr_array_add(records->rows, row);
        for (;;) {
            field f = {NULL, c.line, c.col, -1, -1};
            g_string_truncate(value, 0);
            if (c.text[c.at] == '"') {
                if (!read_quoted(&c, delimiter, value, name, diags)) {
                    jd_diags_add(diags, JD_ERROR, name, f.line, f.col,
                                 "the quoted field that starts here is never closed");
                    g_ptr_array_remove_index(records->rows, records->rows->len - 1);
                    g_string_free(value, TRUE);
                    return records;
                }
            } else {
                read_plain(&c, delimiter, value);
            }
            f.text = g_strndup(value->str, value->len);
            g_array_append_val(row, f);
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
    g_ptr_array_free(records->rows, TRUE);
    g_free(records);
}

size_t jd_records_count(const jd_records *records)
{
    return records->rows->len;
}

size_t jd_records_width(const jd_records *records, size_t row)
{
    return row < records->rows->len ? ((GArray *)g_ptr_array_index(records->rows, row))->len : 0;
}

static const field *field_at(const jd_records *records, size_t row, size_t index)
{
    if (index >= jd_records_width(records, row)) return NULL;
    return &g_array_index((GArray *)g_ptr_array_index(records->rows, row), field, index);
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
    jd_records *records = g_new0(jd_records, 1);
    records->rows = g_ptr_array_new_with_free_func(row_free);
    records->knows_merges = knows_merges;
    records->cells = true;
    return records;
}

size_t jd_records_add_sheet_row(jd_records *records, int row, size_t width)
{
    GArray *fields = g_array_sized_new(FALSE, FALSE, sizeof(field), (guint)width);
    for (size_t i = 0; i < width; i++) {
        field f = {NULL, row, (int)i + 1, -1, -1};
        g_array_append_val(fields, f);
    }
    g_ptr_array_add(records->rows, fields);
    return records->rows->len - 1;
}

static field *field_mut(jd_records *records, size_t row, size_t index)
{
    return (field *)field_at(records, row, index);
}

void jd_records_set_text(jd_records *records, size_t row, size_t index, char *text)
{
    field *f = field_mut(records, row, index);
    g_return_if_fail(f);
    g_free(f->text);
    f->text = text;
}

bool jd_records_set_merged(jd_records *records, size_t row, size_t index, size_t first_row,
                           size_t first_field)
{
    field *f = field_mut(records, row, index);
    if (!f || f->merge_row >= 0) return false;
    f->merge_row = (int)first_row;
    f->merge_field = (int)first_field;
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
    const field *f = field_at(records, row, index);
    if (!f || f->merge_row < 0 || ((size_t)f->merge_row == row && (size_t)f->merge_field == index))
        return false;
    if (first_row) *first_row = (size_t)f->merge_row;
    if (first_field) *first_field = (size_t)f->merge_field;
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
