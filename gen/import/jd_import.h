/* jd_import.h — importers: data files as offices keep them → the canonical data tree.
 *
 * Reads delimited text (TSV, CSV; UTF-8, UTF-8 with BOM, GB18030 or UTF-16 with BOM; LF,
 * CRLF or CR; RFC 4180 quoting) and JSON. For a task list (重点工作任务清单) the result is
 * the canonical tree documented in docs/data-format.md:
 *
 *   { "title": "...", "tasks": [ { "id": 1, "title": "...", "leaders": ["..."],
 *       "units": [ { "names": ["..."], "plan": [ {"from": 1, "to": 4, "text": "..."} ] } ] } ] }
 *
 * Every problem found is added to `diags` as file:line:column (all of them, not only the
 * first); the result is NULL when any of them is an error.
 */
#ifndef JD_IMPORT_H
#define JD_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "jd_base.h"
#include "jd_data.h"

typedef enum {
    JD_FORMAT_AUTO, /* from the file name, then from the content */
    JD_FORMAT_TSV,
    JD_FORMAT_CSV,
    JD_FORMAT_JSON,
} jd_format;

const char *jd_format_name(jd_format f); /* "TSV", "CSV", "JSON" ("auto" for JD_FORMAT_AUTO) */

/* "tsv", "csv" or "json" (any case) → *format; false for anything else. */
bool jd_format_parse(const char *text, jd_format *format);

typedef enum {
    JD_ENCODING_UTF8,
    JD_ENCODING_UTF8_BOM,
    JD_ENCODING_GB18030,
    JD_ENCODING_UTF16LE, /* with its byte order mark: Excel's "Unicode text" export */
    JD_ENCODING_UTF16BE,
} jd_encoding;

/* "UTF-8", "UTF-8 with BOM", "GB18030", "UTF-16LE", "UTF-16BE" */
const char *jd_encoding_name(jd_encoding e);

/* What kind of data a file holds; templates see it under this name (list, progress, ...). */
typedef enum {
    JD_DATA_UNKNOWN,
    JD_DATA_TASK_LIST, /* bound as `list` */
} jd_data_kind;

const char *jd_data_kind_binding(jd_data_kind k); /* "list", ...; NULL for JD_DATA_UNKNOWN */

/* What an import saw, for the summary `jindu import` prints. */
typedef struct {
    jd_format format;     /* the format actually read */
    jd_encoding encoding; /* of the text (JSON files are decoded the same way) */
    jd_data_kind kind;
    size_t warnings; /* warnings added to diags by this import */
} jd_import_info;

/* Reads `path` (format given or detected). `info` may be NULL. Returns a new reference to
 * the validated tree, or NULL if any error was found. */
jd_value *jd_import_file(const char *path, jd_format format, jd_import_info *info, jd_diags *diags);

/* Same for text already in memory; `name` is used in messages. */
jd_value *jd_import_data(const char *data, size_t len, const char *name, jd_format format,
                         jd_import_info *info, jd_diags *diags);

/* Validates a tree claimed to be a task list in canonical form (as read from JSON): every
 * problem is reported with the position the values carry. */
bool jd_tasklist_validate(const jd_value *list, const char *name, jd_diags *diags);

/* The summary of a task list that `jindu import` prints (counts, leaders with their task
 * counts, whole-year vs quarterly plans, encoding, warnings). Newly allocated. */
char *jd_tasklist_summary(const jd_value *list, const jd_import_info *info);

#endif
