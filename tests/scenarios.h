/* scenarios.h — the table documents behind the layout goldens (tests/golden/layout/),
 * shared by the layout tests and the libharu parity tests. All are A5 landscape with a
 * 30 pt margin and 9 pt text; `bold_header` makes the header cells bold. */
#ifndef JD_SCENARIOS_H
#define JD_SCENARIOS_H

#include <stdbool.h>

#include "jd_doc.h"

#define A5_W 595.28
#define A5_H 419.53
#define MARGIN 30.0

/* A sentence of a real report, and `sentences` of it in a row (newly allocated). */
extern const char *const sc_sentence;
char *sc_long_text(int sentences);

/* 40 rows over three pages, with "第 N 页 共 M 页" footers. */
jd_doc *sc_long_table(bool bold_header);
/* 15 short rows, then one whose 6 sentences do not fit what is left of the page. */
jd_doc *sc_split_row(bool bold_header);
/* One cell of 100 sentences: taller than a page. */
jd_doc *sc_tall_cell(bool bold_header);
/* Nine short rows, then a task spanning five unit rows across the page break; the unit
 * column is marked repeat-on-break. */
jd_doc *sc_rowspan_break(bool bold_header);
/* Two header rows (进度安排 over four quarters) and plans spanning quarter columns. */
jd_doc *sc_colspan_header(void);

#endif
