/* xlsx_out.h — what the workbooks jindu writes with libxlsxwriter share (forms_xlsx.c,
 * ledger.c): a workbook made in a temporary file and handed back as bytes, text cells
 * written so that no text ever becomes a formula, a cell that cannot hold its text an
 * error rather than an empty cell, row heights for wrapped text, printing on A4.
 * Private to the import module; libxlsxwriter's types appear nowhere else. */
#ifndef JD_XLSX_OUT_H
#define JD_XLSX_OUT_H

#include <xlsxwriter.h>

#include "jd_import_layers.h"

/* The creation time every workbook jindu writes records (2000-01-01T00:00:00Z): the same
 * data gives the same bytes, and a workbook that still has it as its modification time
 * was not saved by a spreadsheet program since jindu wrote it. */
#define JD_XLSX_EPOCH 946684800
#define JD_XLSX_EPOCH_TEXT "2000-01-01T00:00:00Z"

/* A sheet being written, and whether every cell went in. */
typedef struct {
    lxw_worksheet *ws;
    const char *name; /* "商务局.xlsx[填报表]": where messages point */
    jd_diags *diags;
    bool ok;
} jd_xlsx_sheet;

/* Writes `text` as a text cell (a shared string: never a formula, whatever it starts
 * with). A text longer than a cell holds (32,767 characters) is an error naming the cell
 * and `what` ("完成情况 of task 12, 商务局"), and the sheet is no longer ok. */
void jd_xlsx_text(jd_xlsx_sheet *s, lxw_row_t row, lxw_col_t col, const char *text,
                  lxw_format *format, const char *what);

/* Adds a format for text cells: number format "@" (Text), so that what a person types into
 * the cell later stays text too — "=1+1", "+86", "-3个" are not made formulas or numbers
 * by Excel, WPS or LibreOffice — while the cell's value is the text unchanged. */
lxw_format *jd_xlsx_text_format(lxw_workbook *wb);

/* The formats of a table: a title; the header row (bold, grey, centred, wrapped); text
 * cells (wrapped, top-aligned, bordered, Text as jd_xlsx_text_format, editable when the
 * sheet is protected); the same shaded and locked; dates (yyyy-mm-dd, editable); whole
 * numbers (editable). */
typedef struct {
    lxw_format *title, *header, *text, *shaded, *date, *number;
} jd_xlsx_formats;

jd_xlsx_formats jd_xlsx_make_formats(lxw_workbook *wb);

/* On rows `first`..`last`: column `state_col` a drop-down of `states` (NULL-terminated)
 * and column `date_col` a date between 2000 and 2099, each with its prompt. States too
 * long for a drop-down (255 characters in all) are an error at the sheet. */
void jd_xlsx_add_checks(jd_xlsx_sheet *s, lxw_row_t first, lxw_row_t last, lxw_col_t state_col,
                        lxw_col_t date_col, const char *const *states);

/* The number of lines `text` takes in a column `width` characters wide (a Chinese
 * character counts two), so that a row is made tall enough for its wrapped cells:
 * spreadsheet programs do not fit a row's height to wrapped text when they open a file. */
int jd_xlsx_wrapped_lines(const char *text, double width);
/* The height in points of a row of `lines` lines (at most what a row can be). */
double jd_xlsx_row_height(int lines);

/* A4 landscape, narrow margins, as wide as one page, `header_row` repeated on every page,
 * "第 n 页 共 m 页" at the foot. */
void jd_xlsx_print_setup(lxw_worksheet *ws, lxw_row_t header_row);

/* Fills the workbook; returns false (with a message) when it could not. */
typedef bool (*jd_xlsx_fill)(lxw_workbook *wb, void *user, jd_diags *diags);

/* Makes a workbook with `fill` and returns its bytes (newly allocated, length in *len), or
 * NULL with an error naming `what` ("the form of 商务局"). libxlsxwriter writes only to a
 * file, so the workbook goes through a temporary file, which is removed. `title` is the
 * document property; `marker`, when not NULL, a custom property jindu=marker that tells
 * later runs this is a file jindu wrote. */
char *jd_xlsx_bytes(const char *title, const char *marker, jd_xlsx_fill fill, void *user,
                    const char *what, size_t *len, jd_diags *diags);

/* Whether the .xlsx bytes carry the custom property jindu=marker and still have jindu's
 * modification time: a workbook jindu wrote that no spreadsheet program saved since (they
 * all record the time of saving). */
bool jd_xlsx_unsaved_since_written(const char *data, size_t len, const char *marker);

#endif
