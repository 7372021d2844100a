/* jd_import_layers.h — the importer's layers, each usable and tested on its own:
 *
 *   bytes ──decoding──▶ UTF-8 text ──records──▶ rows of fields ──task list──▶ data tree
 *                                                   (cell text: HTML, paragraphs, names)
 *   JSON ──jd_value_from_json──▶ tree ──jd_tasklist_validate──▶ canonical tree
 *
 * Progress data goes the same way (rows of fields ──progress──▶ reports), and pre-filled
 * forms come out through the CSV writer at the end of this header.
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

/* ---- records of a worksheet --------------------------------------------------------------
 *
 * A workbook reader fills records row by row: each field is a cell, its line the sheet's
 * row number and its column the cell's column (A = 1), so that messages name cells (the
 * records' name is the sheet's, jd_sheet_source_name()). Empty cells are "" fields. Unlike
 * delimited text, which lost them on export, a sheet's records keep its merged cells: the
 * interpreters use them as the table's structure (a task's cells merged down its unit rows,
 * a plan merged across quarters). */

/* `knows_merges`: whether the reader sees the sheet's merged cells (see below). */
jd_records *jd_records_new_sheet(bool knows_merges);
/* Appends sheet row `row` with `width` empty cells (columns 1 … width); returns its index. */
size_t jd_records_add_sheet_row(jd_records *records, int row, size_t width);
/* Sets a cell's text (taking `text`). */
void jd_records_set_text(jd_records *records, size_t row, size_t field, char *text);
/* Puts a cell into the merged range whose first (top-left) cell is (first_row,
 * first_field); the first cell itself is marked with its own position. False when the
 * cell is already in a merged range (two ranges overlap). */
bool jd_records_set_merged(jd_records *records, size_t row, size_t field, size_t first_row,
                           size_t first_field);

/* Whether the records are a worksheet's cells, each field in its own column (no field can
 * shift into another column as an unquoted delimiter shifts text fields); rows end at
 * their last cell with a value. */
bool jd_records_are_cells(const jd_records *records);
/* Whether the records know merged cells (a worksheet's) or not (delimited text, where a
 * merged cell arrives as a filled field followed by empty ones). */
bool jd_records_know_merges(const jd_records *records);
/* True when the field is covered by a merged range without being its first cell, with the
 * position of that first cell (either pointer may be NULL). */
bool jd_records_merged_into(const jd_records *records, size_t row, size_t field,
                            size_t *first_row, size_t *first_field);
/* The text a reader sees in a cell: the cell's own, or for a cell that a range merged down
 * from a cell above in the same column covers, that cell's text. */
const char *jd_records_field_down(const jd_records *records, size_t row, size_t field);

/* ---- workbooks ---------------------------------------------------------------------------- */

/* The most cells a sheet's records may hold (rows × their widths), and the most cells with
 * values: beyond it a workbook is refused, so that a hostile one cannot take the memory. */
extern const size_t jd_xlsx_max_cells;

/* Whether `data` starts like a zip archive (an .xlsx) / a compound file (an .xls, or an
 * encrypted .xlsx). */
bool jd_is_zip(const char *data, size_t len);
bool jd_is_compound_file(const char *data, size_t len);

/* What a file that is no data at all is, told by its first bytes — a Word document (.doc),
 * a PowerPoint file, a workbook encrypted with a password, a PDF, RTF, a picture, an archive
 * (gzip, 7z, RAR), a web page or an XML Spreadsheet 2003 saved as .xls, a web archive
 * (.mht) — as a message saying what to send instead (newly allocated); NULL for anything
 * else (workbooks, text, and zip containers, which the .xlsx reader looks into). */
char *jd_sniff_not_data(const char *data, size_t len);

/* The records of worksheet `sheet` (NULL: the first visible one) of the .xlsx workbook in
 * `data` (`name`: the file, for messages), and in *source_name the sheet's name for
 * messages and values, "name[sheet]" (newly allocated). Cell text as the spreadsheet shows
 * it: shared and inline strings with their rich-text runs joined, numbers by their format
 * (dates as YYYY-MM-DD, in the 1900 or 1904 system; percentages with %), booleans, the
 * saved values of formulas. Hidden rows and columns are read and warned about. NULL with an
 * error for anything that is not a readable workbook. */
jd_records *jd_xlsx_read(const char *data, size_t len, const char *name, const char *sheet,
                         char **source_name, jd_diags *diags);

/* The same records without checking a jindu form's locked cells against the record of them
 * its hidden sheet keeps: the cells as they are, to show a form with its problems beside
 * them. */
jd_records *jd_xlsx_cells(const char *data, size_t len, const char *name, const char *sheet,
                          char **source_name, jd_diags *diags);

/* A number as a spreadsheet's General format shows it (and writes it to a CSV): up to 15
 * significant digits, no thousands separators. Newly allocated. */
char *jd_number_text(double value);

/* The same for an .xls workbook (BIFF, read with FreeXL), from its file `path`. Merged cells
 * are not visible there: the records do not know merges, as for delimited text. */
jd_records *jd_xls_read(const char *path, const char *name, const char *sheet,
                        char **source_name, jd_diags *diags);

/* ---- cell text -------------------------------------------------------------------------- */

/* The text of a cell as it should print: HTML fragments turned into paragraph breaks and
 * plain characters, flattened paragraphs restored, stray spaces removed, paragraphs joined
 * with "\n". Newly allocated; "" for a cell with no text. */
char *jd_cell_text(const char *cell);

/* At most `max` characters of `text`, with "…" when it was cut, to quote a cell in a
 * message. Newly allocated. */
char *jd_cell_excerpt(const char *text, long max);

/* The cell texts of row `r` that are not empty, joined with spaces (a title row of an
 * export spreads its text over merged cells). Newly allocated. */
char *jd_records_row_text(const jd_records *records, size_t r);
/* Whether a cell (NULL: a missing one) / every cell of row `r` has no text. */
bool jd_cell_is_blank(const char *cell);
bool jd_records_row_is_blank(const jd_records *records, size_t r);

/* The names in a units or leaders cell, split at spaces and 、，,；; with runs of
 * single-character tokens joined ("梁 军 庞铁强" → 梁军, 庞铁强). NULL-terminated, newly
 * allocated (g_strfreev); empty for a cell with no names. */
char **jd_cell_names(const char *cell);

/* ---- task list ---------------------------------------------------------------------------- */

/* Interprets the rows of a task-list export (title line, repeated two-line headers,
 * continuation rows, page-break splits, merged quarter cells, shifted rows). Returns the
 * canonical tree, or NULL when an error was added. */
jd_value *jd_tasklist_from_records(const jd_records *records, const char *name, jd_diags *diags);

/* A validated task list with its members in canonical order and unknown members left
 * out: a new reference to `list` when it is canonical already, else new objects and lists
 * of objects sharing the other values (ids, texts, lists of names) with `list` — treat
 * both as immutable while both live. */
jd_value *jd_tasklist_canonical(const jd_value *list);

/* Warns about a leader whose name is another leader's name plus one character ("梁军强"
 * beside "梁军"), a typing slip a person has to resolve. */
void jd_tasklist_check_leaders(const jd_value *list, const char *name, jd_diags *diags);

/* ---- progress data ---------------------------------------------------------------------- */

/* The columns of a progress export in the order forms have them: 序号, 目标任务, 责任单位,
 * 报告期, 本期计划, 进展状态, 完成情况, 存在问题, 下步措施, 填报人, 填报日期 (NULL-terminated). */
const char *const *jd_progress_columns(void);

/* True when the first row naming 序号 and 责任单位 also has a 进展状态 or 完成情况 column:
 * the rows are progress reports rather than a task list. */
bool jd_records_are_progress(const jd_records *records);

/* Interprets the rows of a progress export (title lines, header, one report per row and
 * unit name, rows left blank by units that did not report). Returns the progress tree with
 * each report's "source", or NULL when an error was added. */
jd_value *jd_progress_from_records(const jd_records *records, const char *name,
                                   const jd_import_options *options, jd_diags *diags);

/* Validates a tree read from JSON claimed to be progress data; returns its canonical form
 * (periods, states and dates normalised) with each report's "source", or NULL. */
jd_value *jd_progress_from_json(const jd_value *tree, const char *name,
                                const jd_import_options *options, jd_diags *diags);

/* Reads every data file of folder `dir` as progress data (see jd_import_file_with()). */
jd_value *jd_progress_read_folder(const char *dir, const jd_import_options *options,
                                  jd_import_info *info, jd_diags *diags);

/* Reports each report whose task, unit and period an earlier report already has. */
void jd_progress_check_duplicates(const jd_value *reports, jd_diags *diags);

/* The same, leniently (see jd_import_options.rejects): returns the reports without any
 * whose task, unit and period are reported twice (both are left out: which is right?), and
 * describes each duplicate in `rejects`. *errors gets the errors it added. */
jd_value *jd_progress_drop_duplicates(const jd_value *reports, jd_value *rejects, size_t *errors,
                                      jd_diags *diags);

/* Appends to `rejects` a report left out for the first error in `diags` from index `from`
 * on (its place and message; `file` when it has none): what it was about as far as known —
 * `task` 0, `units` NULL or empty, `period` NULL when not. */
void jd_progress_reject(jd_value *rejects, const jd_diags *diags, size_t from, const char *file,
                        int64_t task, char *const *units, const char *period);

/* Whether some row of the records is a task list's header (names 序号, 目标任务 and
 * 责任单位), or one with a typo (names two kinds of its columns). */
bool jd_records_are_tasklist(const jd_records *records);

/* The file a report was read from (its "source"), or NULL. */
const char *jd_progress_report_file(const jd_value *report);

/* ---- pre-filled forms --------------------------------------------------------------------- */

#define JD_FORM_SHEET "填报表"      /* the sheet of an .xlsx form */
#define JD_FORM_KEY_SHEET "jindu"   /* its hidden sheet of locked cells: */
#define JD_FORM_KEY_MARK "jindu-form-locked-cells" /* A1; B1 the form's sheet; then rows of
                                                      cell reference, column, text */
#define JD_FORM_NOTE_WORD "填报说明" /* an instruction row above a form's header starts so */

/* The title line of a unit's form: "<list title> 2023年第二季度推进情况表（责任单位：商务局）". */
char *jd_form_title(const jd_value *list, const jd_period *period, const char *unit);
/* The 本期计划 of unit `name` in `task`: the plans in force in `quarter` of every row naming
 * it, one per line. NULL if no row names it. */
char *jd_form_task_plan(const jd_value *task, const char *name, int quarter);

/* The form of `unit` as an .xlsx workbook (its bytes, newly allocated, in *len): the same
 * columns and rows as the CSV form, the key columns locked and shaded, 进展状态 a drop-down
 * of `states` (NULL: the defaults), 填报日期 a validated date, the header frozen, an
 * instruction row, printable on A4 landscape; and a hidden sheet recording the locked cells,
 * which reading the returned form checks. *rows (may be NULL) gets the task rows. NULL with
 * an error if the workbook cannot be made. */
char *jd_progress_form_xlsx(const jd_value *list, const jd_period *period, const char *unit,
                            const char *const *states, size_t *len, size_t *rows,
                            jd_diags *diags);

/* ---- indicators --------------------------------------------------------------------------- */

/* True when a row names 指标名称 and 目标值 (or 目标说明) before any task-list or progress
 * header: the rows are an indicator table. */
bool jd_records_are_indicators(const jd_records *records);

/* Interprets the rows of an indicator table (title lines, header, one indicator per row).
 * Returns the canonical tree, or NULL when an error was added. */
jd_value *jd_indicators_from_records(const jd_records *records, const char *name, jd_diags *diags);

/* Validates a tree read from JSON claimed to be indicators and returns its canonical form,
 * or NULL. */
jd_value *jd_indicators_from_json(const jd_value *tree, const char *name, jd_diags *diags);

/* ---- CSV output ------------------------------------------------------------------------- */

/* Appends one RFC 4180 record of `n` fields and a CRLF: a field holding a comma, a double
 * quote, CR or LF is quoted, with its quotes doubled. A field a spreadsheet would take for
 * a formula (one starting with =, +, -, @, a tab or a line end: "=HYPERLINK(…)", "=cmd|' /C
 * calc'!A0") gets a ' in front, as OWASP recommends: Excel and WPS then show it as text,
 * and reading it back (jd_records_new) removes the '. */
void jd_csv_append_row(GString *out, const char *const *fields, size_t n);
/* Whether `text` gets that ' when written: it starts with a formula character, after any
 * 's already there (so that a text starting with ' and = reads back as itself too). */
bool jd_csv_guarded(const char *text);

/* ---- summaries --------------------------------------------------------------------------- */

/* Appends " (TSV, UTF-8)" or " (XLSX, sheet 清单)": what was read. */
void jd_summary_append_source(GString *out, const jd_import_info *info);

/* Appends "\n  title: …\n" for the tree's title on one line, or "(none)". */
void jd_summary_append_title(GString *out, const jd_value *tree);

#endif
