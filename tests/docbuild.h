/* docbuild.h — building document trees by hand in tests, without templates. */
#ifndef JD_DOCBUILD_H
#define JD_DOCBUILD_H

#include "jd_doc.h"

/* A document with one PAGE node: width x height pt, uniform margin, default style with
 * the given font size; a footer "第 N 页 共 M 页" when `footer` is true. */
jd_doc *db_doc(double width, double height, double margin, double font_size, bool footer);
/* A table with `ncols` columns of the given widths (pt; 0 = 1fr), borders and padding. */
jd_node *db_table(jd_doc *doc, int header_rows, int ncols, const double *widths);
jd_node *db_row(jd_doc *doc, jd_node *table);
/* A cell holding `text` ('\n' = paragraph break), with spans; header cells are bold. */
jd_node *db_cell(jd_doc *doc, jd_node *row, const char *text, int rowspan, int colspan);
jd_node *db_para(jd_doc *doc, jd_node *parent, const char *text);
/* Replaces a node's style with a copy changed by `edit`. */
void db_restyle(jd_doc *doc, jd_node *node, void (*edit)(jd_style *s));

#endif
