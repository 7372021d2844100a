/* test_render_sheet.h — a rendered task-list sheet read back from its PDF.
 *
 * The layout dump (`jindu layout --dump`) gives each page's table borders and the （续）
 * marks; pdftotext -bbox gives the PDF's words. Every word is put into the cell whose
 * borders enclose it, so the PDF's text comes back cell by cell, line by line — including
 * the pieces of a cell that a page break split — and can be matched against the data. */
#ifndef TEST_RENDER_SHEET_H
#define TEST_RENDER_SHEET_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "jd_data.h"

/* ---- the layout dump ---------------------------------------------------------------- */

typedef struct {
    double x1, y1, x2, y2;
    double width;
    uint32_t color;
} rs_rule;

typedef struct {
    double x, y, width, size; /* y: the baseline */
    char *text;
    char *family;
    uint32_t color;
    int turned; /* degrees clockwise */
} rs_run;

typedef struct {
    double width, height;
    GArray *rules;   /* rs_rule */
    GPtrArray *runs; /* rs_run* */
} rs_dump_page;

/* The pages of a dump (rs_dump_page*, freed with the array). */
GPtrArray *rs_dump_parse(const char *dump);

/* ---- the sheet in the PDF ----------------------------------------------------------- */

typedef struct {
    int page;                        /* 1-based */
    double left, top, right, bottom; /* the borders around the cell */
    int col, colspan;                /* table columns between `left` and `right` */
    const char *mark; /* "（续）" or "续" where the layout marked the piece, else NULL */
    GPtrArray *lines; /* the drawn lines top to bottom (char*), whitespace removed */
    char *text;       /* the lines joined, without the mark */
} rs_cell;

typedef struct {
    int pages;
    int columns;
    double *column_x;   /* columns + 1 borders, left to right */
    GPtrArray *header;  /* rs_cell* of the header rows, by page, then left to right, top down */
    GPtrArray *body;    /* rs_cell* below the header, by page, then top down */
    GPtrArray *outside; /* per page (char*): the lines outside the table, top down, joined by \n */
    size_t marks; /* （续） marks the layout drew: runs reading （续） or 续 atop a cell */
    GString *problems; /* what could not be read back: words across borders, lost marks */
} rs_sheet;

/* Reads `pdf` against the layout `dump` of the same document. A cell is in the header when
 * it lies above the first cell whose text is none of `header_labels` (NULL-terminated). */
rs_sheet *rs_sheet_read(const char *pdf, const char *dump, const char *const *header_labels);
void rs_sheet_free(rs_sheet *sheet);
void rs_cell_free(rs_cell *cell);

/* ---- matching cells ----------------------------------------------------------------- */

typedef struct {
    char *text;  /* whitespace removed */
    char *label; /* where it comes from, for messages: "task 14 目标任务" */
} rs_expected;

/* One column slot of the table (a column, or columns a cell spans): what the data puts
 * there, in row order, and what the PDF shows there, in page order. */
typedef struct {
    int col, colspan;
    char *name;          /* the column's header, e.g. 目标任务 or 第二季度–第四季度 */
    GPtrArray *expected; /* rs_expected*, owned */
    GPtrArray *pieces;   /* rs_cell*, borrowed from the sheet */
} rs_slot;

typedef struct {
    size_t cells;     /* expected cells found whole */
    size_t continued; /* of them, cells split over two or more pages */
    size_t repeats;   /* cells shown again after a （续） mark */
} rs_counts;

rs_slot *rs_slot_new(int col, int colspan, const char *name);
/* Adds a cell the data puts in the slot (whitespace is removed; an empty cell shows
 * nothing to find and is left out). */
void rs_slot_expect(rs_slot *slot, const char *text, const char *label);
void rs_slot_free(rs_slot *slot);

/* Walks a slot: every expected text must be read exactly once, in order, from one piece or
 * from pieces on consecutive pages; a piece may show a cell again only when it is marked,
 * and only the cell just completed. Appends every problem to `problems` (one per line) and
 * adds what it found to `counts`. */
void rs_slot_match(const rs_slot *slot, rs_counts *counts, GString *problems);

/* The expected cells of a canonical task list, as templates/task-list.xml lays them out —
 * 序号, 目标任务, 责任单位 (names joined by line breaks), each plan segment over its quarters,
 * 责任区领导 (joined by line breaks) — grouped into slots (rs_slot*) whose pieces are the
 * sheet's body cells at the same columns. A body cell at columns no expected cell uses
 * gets a slot of its own, with nothing expected. Free with g_ptr_array_unref. */
GPtrArray *rs_slots(const jd_value *list, const rs_sheet *sheet);

/* Text with every whitespace character removed. Newly allocated. */
char *rs_squeeze(const char *text);

#endif
