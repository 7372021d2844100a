/* jd_import.h — importers: data files as offices keep them → the canonical data tree.
 *
 * Reads delimited text (TSV, CSV; UTF-8, UTF-8 with BOM, GB18030 or UTF-16 with BOM; LF,
 * CRLF or CR; RFC 4180 quoting) and JSON. For a task list (重点工作任务清单) the result is
 * the canonical tree documented in docs/data-format.md:
 *
 *   { "title": "...", "tasks": [ { "id": 1, "title": "...", "leaders": ["..."],
 *       "units": [ { "names": ["..."], "plan": [ {"from": 1, "to": 4, "text": "..."} ] } ] } ] }
 *
 * Progress data (what each unit reports per task and period) is read the same way, from
 * delimited files, folders of them, or JSON; see "progress reports" below.
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
#include "jd_domain.h"

typedef enum {
    JD_FORMAT_AUTO, /* from the file name, then from the content */
    JD_FORMAT_TSV,
    JD_FORMAT_CSV,
    JD_FORMAT_JSON,
    JD_FORMAT_XLSX, /* a workbook: .xlsx, .xlsm (Office Open XML) */
    JD_FORMAT_XLS,  /* a workbook in the older binary format (.xls, BIFF) */
} jd_format;

/* "TSV", "CSV", "JSON", "XLSX", "XLS" ("auto" for JD_FORMAT_AUTO) */
const char *jd_format_name(jd_format f);

/* "tsv", "csv", "json", "xlsx" or "xls" (any case) → *format; false for anything else. */
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
    JD_DATA_PROGRESS,  /* bound as `progress` */
    JD_DATA_INDICATORS, /* bound as `indicators` */
} jd_data_kind;

const char *jd_data_kind_binding(jd_data_kind k); /* "list", ...; NULL for JD_DATA_UNKNOWN */

/* What an import saw, for the summary `jindu import` prints. */
typedef struct {
    jd_format format;     /* the format actually read */
    jd_encoding encoding; /* of the text (JSON files are decoded the same way) */
    jd_data_kind kind;
    size_t warnings; /* warnings added to diags by this import */
    size_t files;    /* files read: 1, or the data files of a folder */
    char sheet[128]; /* a workbook's sheet that was read ("" for text) */
    /* what the file looked like, even when it failed: its header (or JSON members) named a
     * task list's, progress data's or indicators' columns; JD_DATA_UNKNOWN when that could
     * not be told (a failed `kind` is JD_DATA_UNKNOWN) */
    jd_data_kind seen;
} jd_import_info;

/* Reads `path` (format given or detected). `info` may be NULL. Returns a new reference to
 * the validated tree, or NULL if any error was found. */
jd_value *jd_import_file(const char *path, jd_format format, jd_import_info *info, jd_diags *diags);

/* Same for text already in memory; `name` is used in messages. */
jd_value *jd_import_data(const char *data, size_t len, const char *name, jd_format format,
                         jd_import_info *info, jd_diags *diags);

/* How to read a file; a zeroed struct reads as jd_import_file() does. */
typedef struct {
    jd_format format;
    /* Progress data: the 报告期 of rows in files without that column (any form
     * jd_period_parse() accepts), and the states a report may have (NULL-terminated).
     * NULL: no default period; jd_progress_default_states(). */
    const char *period;
    const char *const *states;
    /* A workbook's sheet to read, by name; NULL: the first visible worksheet. */
    const char *sheet;
    /* Progress data, read leniently (a project build, where one bad report must not stop
     * every output): when not NULL, a report with an error — a row that does not fit the
     * header, a bad 序号, state, period or date, a duplicate, in a folder a file that cannot
     * be read at all — is left out and described in this array, and the rest is returned.
     * The errors are still added to diags. Each rejected report is an object
     *   {"file", "line", "col", "message": its first error,
     *    "task": 12, "units": ["文旅局"], "period": "2023Q2"}
     * the last three only as far as they could be read (a whole file: none of them). */
    jd_value *rejects;
} jd_import_options;

/* jd_import_file() with options. `path` may also be a folder: every .csv, .tsv, .txt,
 * .json, .xlsx, .xlsm and .xls file in it (hidden files and the lock files spreadsheet
 * programs leave, ~$…, aside), in file-name order, is read as progress data and the
 * reports are concatenated. A workbook's sheet may be named after a '#':
 * "tasks.xlsx#清单" (see jd_data_path_split()). */
jd_value *jd_import_file_with(const char *path, const jd_import_options *options,
                              jd_import_info *info, jd_diags *diags);
jd_value *jd_import_data_with(const char *data, size_t len, const char *name,
                              const jd_import_options *options, jd_import_info *info,
                              jd_diags *diags);

/* The data files a folder of progress data is read from, as jd_import_file_with() reads
 * them: paths relative to `dir`, sorted by name — the files directly in it and in the
 * folders directly in it (a folder per quarter), hidden files and folders and spreadsheet
 * lock files (~$…) aside; deeper folders are skipped with a warning. NULL-terminated
 * (g_strfreev), or NULL with an error when `dir` cannot be read. */
char **jd_progress_folder_files(const char *dir, jd_diags *diags);

/* A data path naming a sheet of a workbook, "tasks.xlsx#清单": true with the file
 * ("tasks.xlsx") and the sheet ("清单"), newly allocated, when `path` itself does not exist
 * but the part before its last '#' does. False (and NULLs) for any other path. */
bool jd_data_path_split(const char *path, char **file, char **sheet);

/* Validates a tree claimed to be a task list in canonical form (as read from JSON): every
 * problem is reported with the position the values carry. */
bool jd_tasklist_validate(const jd_value *list, const char *name, jd_diags *diags);

/* The summary of a task list that `jindu import` prints (counts, leaders with their task
 * counts, whole-year vs quarterly plans, encoding, warnings). Newly allocated. */
char *jd_tasklist_summary(const jd_value *list, const jd_import_info *info);

/* ---- progress reports ----------------------------------------------------------------
 *
 * The canonical progress tree (docs/data-format.md, "Progress data"):
 *
 *   { "title": "...", "reports": [ { "task": 12, "unit": "文旅局", "period": "2023Q2",
 *       "state": "序时推进", "done": "...", "problems": "...", "next": "...",
 *       "reporter": "...", "date": "2023-06-25" } ] }
 *
 * Reports read by jindu also carry "source": {"file": ..., "title": ...}, the file the
 * report was read from and the 目标任务 written beside it, so that a later merge can
 * name the right file; jd_progress_canonical() leaves it out. */

/* A copy of a progress tree with only its canonical members (what `jindu import -o`
 * writes). */
jd_value *jd_progress_canonical(const jd_value *progress);

/* The summary `jindu import` prints for progress data: reports, periods, units, tasks,
 * counts by state. Newly allocated. */
char *jd_progress_summary(const jd_value *progress, const jd_import_info *info);

/* Merges progress data onto a task list. Returns a new list (the input is not changed;
 * unchanged members are shared) in which every unit row has "reports": the reports for
 * its task by any of its names, by period and then in the order of the row's names, each
 * in canonical form with its state one of `states` (NULL: the defaults). A name in several
 * rows of a task gets its report in each of them. Reports for an unknown task or for a unit
 * the task does not name, duplicates (same task, unit and period), invalid states and
 * periods are errors, all reported at the report's file, line and column; a 目标任务 that
 * differs from the list's is a warning. NULL if there was any error. */
jd_value *jd_progress_merge(const jd_value *list, const jd_value *progress,
                            const char *const *states, jd_diags *diags);

/* jd_progress_merge(), leniently when `rejects` is not NULL: a report that cannot be merged
 * (an unknown task, a unit the task does not name, a bad state or period, a duplicate) is
 * left out and described in `rejects` as jd_import_options.rejects describes it; its errors
 * are still added to diags, and the list is returned with the other reports. *kept (when
 * `kept` is not NULL) gets the progress data with only the reports merged. */
jd_value *jd_progress_merge_with(const jd_value *list, const jd_value *progress,
                                 const char *const *states, jd_value *rejects, jd_value **kept,
                                 jd_diags *diags);

/* ---- indicators ----------------------------------------------------------------------
 *
 * The canonical indicator tree (docs/data-format.md, "Indicators"):
 *
 *   { "title": "...", "year": 2023, "periods": ["2023-01/2023-03", ...],
 *     "rules": {"elapsed": "months", "about_points": 0.2, "about_percent": 2},
 *     "indicators": [ { "name": "地区生产总值", "unit": "亿元", "measure": "growth",
 *         "direction": "higher", "baseline": {"year": 2022, "text": ..., "qualifier": ...,
 *         "value": ...} or null, "target": {"text": "增长5%", "qualifier": "", "value": 5},
 *         "target_note": "", "lead_units": [...], "co_units": [...],
 *         "actuals": [ {"period": "2023-01/2023-06", "text": ..., "qualifier": ..., "value": ...} ],
 *         "note": "" } ] }
 *
 * Read from CSV/TSV with Chinese headers (指标名称, 计量单位, 基期值, 目标值, 一季度, 上半年 …)
 * or from JSON; the tree that jindu reads is already canonical (`jindu import -o` writes it
 * as it is). */

/* The summary `jindu import` prints for indicators: counts by measure, figures per period.
 * Newly allocated. */
char *jd_indicators_summary(const jd_value *indicators, const jd_import_info *info);

/* ---- pre-filled forms ------------------------------------------------------------------ */

/* The file name of a unit's form: the name with / \ : * ? " < > | and control characters
 * replaced by "_", a leading "." made "_" (no hidden files, never "." or ".."), plus
 * ".csv". Newly allocated. */
char *jd_form_file_name(const char *unit);

/* The form for `unit` (UTF-8 with BOM, CRLF, RFC 4180): a title line, the header 序号,
 * 目标任务, 责任单位, 报告期, 本期计划, 进展状态, 完成情况, 存在问题, 下步措施, 填报人,
 * 填报日期, and one row per task the unit carries, with the plan in force in the period's
 * quarter (the texts of all the unit's rows of the task, joined by "\n") and empty columns
 * to fill in. *rows (may be NULL) gets the number of task rows. Newly allocated. */
char *jd_progress_form(const jd_value *list, const jd_period *period, const char *unit,
                       size_t *rows);

/* Writes the form of every unit name of `list` into `dir` (created if missing), each file
 * atomically; with any error (two names giving one file name, an unwritable folder) no
 * form is written. `forms` and `rows` (may be NULL) get the counts. */
bool jd_progress_write_forms(const jd_value *list, const jd_period *period, const char *dir,
                             size_t *forms, size_t *rows, jd_diags *diags);

typedef enum {
    JD_FORM_CSV,  /* <unit>.csv, UTF-8 with BOM */
    JD_FORM_XLSX, /* <unit>.xlsx: locked key columns, a drop-down of states, a date check */
} jd_form_format;

typedef struct {
    jd_form_format format;
    const char *const *states; /* the drop-down's states; NULL: the defaults */
    bool force;                /* overwrite forms that hold reports (returned forms) */
} jd_forms_options;

/* jd_progress_write_forms() in a format, and to a folder or to files named by a pattern:
 * `output` is either a folder (each form is <output>/<unit>.csv or .xlsx) or a file name
 * with {unit} — the unit's name made safe for a file name (jd_safe_file_name) — and
 * optionally {period} (2023Q2), ending in the format's extension: "forms/{unit}.xlsx",
 * "forms/{period}/{unit}.csv". Folders are created as needed. A pattern without {unit}, with
 * another {…}, or ending in the other format's extension is an error. A form already in
 * place that holds reports (a unit sent it back filled in) is an error, and nothing is
 * written, unless `force`. */
bool jd_progress_write_forms_with(const jd_value *list, const jd_period *period,
                                  const char *output, const jd_forms_options *options,
                                  size_t *forms, size_t *rows, jd_diags *diags);

/* The format a forms output pattern names: true with *format when `output` has {unit} and
 * ends in .csv or .xlsx (any case); false for a folder or any other name. */
bool jd_forms_output_format(const char *output, jd_form_format *format);

/* ---- the ledger (台账) ------------------------------------------------------------------- */

/* The periods the reports of `progress` are for, in time order, each once; *n gets how
 * many. Newly allocated (g_free). */
jd_period *jd_progress_periods(const jd_value *progress, size_t *n);

/* The ledger of `merged` (a task list with its progress merged on, jd_progress_merge) as
 * an .xlsx workbook: one sheet per period of `periods` (n_periods of them, in that order),
 * named as the period is written (2023年第二季度); each a title row, then the header 序号,
 * 目标任务, 责任单位, 责任区领导, 报告期, 本期计划, 进展状态, 完成情况, 存在问题, 下步措施,
 * 填报人, 填报日期 (frozen, with filters), then one row per task and unit name in list
 * order: the plan in force in the period's quarter and the unit's report, or 未报送. Text
 * cells are text (never a formula, and Text-formatted so typing keeps them text), 填报日期
 * a date; 进展状态 offers `states` (NULL: the defaults) and 未报送, coloured by state; A4
 * landscape printing. A sheet read back (jd_import_file_with "台账.xlsx#2023年第二季度")
 * gives the reports it shows. `name` names the workbook in messages. Returns its bytes
 * (newly allocated, *len), the same for the same data; *rows (may be NULL) gets the rows of
 * all sheets. NULL with an error: no period, a period twice, a text longer than a cell
 * holds. */
char *jd_ledger_xlsx(const jd_value *merged, const jd_period *periods, size_t n_periods,
                     const char *const *states, const char *name, size_t *len, size_t *rows,
                     jd_diags *diags);

typedef struct {
    const char *const *states; /* NULL: the defaults */
    bool force;                /* replace whatever file is at the path */
} jd_ledger_options;

/* Writes the ledger to `path` atomically. A file already there is replaced only when it is
 * a ledger jindu wrote that no spreadsheet program has saved since (Excel, WPS and
 * LibreOffice record when they save): one saved may hold edits made after the meeting. With
 * options->force, any file is replaced. */
bool jd_ledger_write(const jd_value *merged, const jd_period *periods, size_t n_periods,
                     const jd_ledger_options *options, const char *path, size_t *rows,
                     jd_diags *diags);

#endif
