/* jd_import_layers.h — the importer's layers, each usable and tested on its own:
 *
 *   bytes ──decoding──▶ UTF-8 text ──records──▶ rows of fields ──task list──▶ data tree
 *                                                   (cell text: HTML, paragraphs, names)
 *   JSON ──jd_value_from_json──▶ tree ──jd_tasklist_validate──▶ canonical tree
 *
 * jd_import.h is what the rest of jindu uses; this header is for the importer itself and
 * its tests. The rules are documented with examples in docs/data-format.md.
 */
#ifndef JD_IMPORT_LAYERS_H
#define JD_IMPORT_LAYERS_H

#include "jd_import.h"

/* ---- text decoding ------------------------------------------------------------------ */

/* Detects the encoding of `data` (UTF-16 with a byte order mark, UTF-8 with or without
 * one, else GB18030) and returns the text as UTF-8 with every line end (CRLF, CR) turned
 * into LF, so that line numbers stay those of the original file. NULL with an error in
 * `diags` for a binary file or bytes that fit no supported encoding. */
char *jd_text_decode(const char *data, size_t len, const char *name, jd_encoding *encoding,
                     size_t *text_len, jd_diags *diags);

/* The format `--format` would have to name: by the extension of `name` (.tsv .txt .csv
 * .json), else by the content of `text` (JSON if it starts with { or [, else tabs against
 * commas in the first lines). */
jd_format jd_format_detect(const char *name, const char *text);

/* ---- delimited records (RFC 4180) ----------------------------------------------------- */

/* Rows of fields as read from delimited text. A field that starts with a double quote is
 * quoted ("" inside stands for one quote; delimiters and newlines inside belong to it);
 * a quote anywhere else is an ordinary character. */
typedef struct jd_records jd_records;

/* Splits LF-terminated UTF-8 `text`. Never NULL: on an unterminated quoted field an error
 * is added and the rows before it are kept. */
jd_records *jd_records_new(const char *text, size_t len, char delimiter, const char *name,
                           jd_diags *diags);
void jd_records_free(jd_records *records);

size_t jd_records_count(const jd_records *records);
size_t jd_records_width(const jd_records *records, size_t row); /* fields in the row */
/* Field `field` of row `row`, or NULL past the end of the row. */
const char *jd_records_field(const jd_records *records, size_t row, size_t field);
/* Where the field starts: physical line of the original file, and column in characters. */
int jd_records_field_line(const jd_records *records, size_t row, size_t field);
int jd_records_field_col(const jd_records *records, size_t row, size_t field);

/* ---- cell text -------------------------------------------------------------------------- */

/* The text of a cell as it should print: HTML fragments turned into paragraph breaks and
 * plain characters, flattened paragraphs restored, stray spaces removed, paragraphs joined
 * with "\n". Newly allocated; "" for a cell with no text. */
char *jd_cell_text(const char *cell);

/* The names in a units or leaders cell, split at spaces and 、，,；; with runs of
 * single-character tokens joined ("梁 军 庞铁强" → 梁军, 庞铁强). NULL-terminated, newly
 * allocated (g_strfreev); empty for a cell with no names. */
char **jd_cell_names(const char *cell);

/* ---- task list ---------------------------------------------------------------------------- */

/* Interprets the rows of a task-list export (title line, repeated two-line headers,
 * continuation rows, page-break splits, merged quarter cells, shifted rows). Returns the
 * canonical tree, or NULL when an error was added. */
jd_value *jd_tasklist_from_records(const jd_records *records, const char *name, jd_diags *diags);

/* A copy of a validated task list with its members in canonical order and unknown members
 * left out. */
jd_value *jd_tasklist_canonical(const jd_value *list);

/* Warns about a leader whose name is another leader's name plus one character ("梁军强"
 * beside "梁军"), a typing slip a person has to resolve. */
void jd_tasklist_check_leaders(const jd_value *list, const char *name, jd_diags *diags);

#endif
