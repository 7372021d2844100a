#include "docbuild.h"

#include <string.h>

static const jd_style *base_style(jd_doc *doc)
{
    return jd_node_style(jd_doc_root(doc));
}

jd_doc *db_doc(double width, double height, double margin, double font_size, bool footer)
{
    jd_doc *doc = jd_doc_new();
    jd_node *root = jd_doc_root(doc);
    jd_style s = *jd_node_style(root);
    s.font_family = "hei";
    s.font_size = font_size;
    jd_node_set_style(root, jd_doc_intern_style(doc, &s));
    jd_node *page = jd_node_new(doc, JD_NODE_PAGE);
    jd_node_set_style(page, base_style(doc));
    jd_node_set_number(page, JD_ATTR_PAGE_WIDTH, width);
    jd_node_set_number(page, JD_ATTR_PAGE_HEIGHT, height);
    jd_node_set_number(page, JD_ATTR_MARGIN_TOP, margin);
    jd_node_set_number(page, JD_ATTR_MARGIN_RIGHT, margin);
    jd_node_set_number(page, JD_ATTR_MARGIN_BOTTOM, margin);
    jd_node_set_number(page, JD_ATTR_MARGIN_LEFT, margin);
    jd_node_set_number(page, JD_ATTR_FOOTER_DISTANCE, margin / 3);
    jd_node_append(root, page);
    if (footer) {
        jd_node *f = jd_node_new(doc, JD_NODE_FOOTER);
        jd_style fs = *base_style(doc);
        fs.text_align = JD_ALIGN_CENTER;
        const jd_style *fst = jd_doc_intern_style(doc, &fs);
        jd_node_set_style(f, fst);
        jd_node_append(page, f);
        jd_node *p = jd_node_new(doc, JD_NODE_PARAGRAPH);
        jd_node_set_style(p, fst);
        jd_node_append(f, p);
        const char *parts[] = {"第 ", NULL, " 页 共 ", NULL, " 页"};
        for (int i = 0; i < 5; i++) {
            jd_node *n;
            if (parts[i]) {
                n = jd_node_new(doc, JD_NODE_TEXT);
                jd_node_set_text(n, parts[i], strlen(parts[i]));
            } else {
                n = jd_node_new(doc, JD_NODE_FIELD);
                jd_node_set_int(n, JD_ATTR_FIELD, i == 1 ? JD_FIELD_PAGE_NUMBER : JD_FIELD_PAGE_COUNT);
            }
            jd_node_set_style(n, fst);
            jd_node_append(p, n);
        }
    }
    return doc;
}

jd_node *db_table(jd_doc *doc, int header_rows, int ncols, const double *widths)
{
    jd_node *t = jd_node_new(doc, JD_NODE_TABLE);
    jd_node_set_style(t, base_style(doc));
    jd_node_set_int(t, JD_ATTR_HEADER_ROWS, header_rows);
    for (int i = 0; i < ncols; i++) {
        jd_node *c = jd_node_new(doc, JD_NODE_COLUMN);
        jd_node_set_length(c, JD_ATTR_WIDTH,
                           widths && widths[i] > 0 ? (jd_length){widths[i], JD_UNIT_PT} : (jd_length){1, JD_UNIT_FR});
        jd_node_append(t, c);
    }
    jd_node_append(jd_doc_root(doc), t);
    return t;
}

jd_node *db_row(jd_doc *doc, jd_node *table)
{
    jd_node *r = jd_node_new(doc, JD_NODE_ROW);
    jd_node_set_style(r, base_style(doc));
    jd_node_append(table, r);
    return r;
}

jd_node *db_para(jd_doc *doc, jd_node *parent, const char *text)
{
    jd_node *p = jd_node_new(doc, JD_NODE_PARAGRAPH);
    jd_node_set_style(p, jd_node_style(parent));
    jd_node_append(parent, p);
    jd_node *t = jd_node_new(doc, JD_NODE_TEXT);
    jd_node_set_text(t, text, strlen(text));
    jd_node_set_style(t, jd_node_style(parent));
    jd_node_append(p, t);
    return p;
}

jd_node *db_cell(jd_doc *doc, jd_node *row, const char *text, int rowspan, int colspan)
{
    jd_node *c = jd_node_new(doc, JD_NODE_CELL);
    jd_style s = *base_style(doc);
    for (int i = 0; i < 4; i++) {
        s.padding[i] = 3;
        s.border[i].width = 0.5;
    }
    s.line_height = 1.4;
    jd_node_set_style(c, jd_doc_intern_style(doc, &s));
    if (rowspan > 1)
        jd_node_set_int(c, JD_ATTR_ROWSPAN, rowspan);
    if (colspan > 1)
        jd_node_set_int(c, JD_ATTR_COLSPAN, colspan);
    jd_node_append(row, c);
    if (text && *text)
        db_para(doc, c, text);
    return c;
}

void db_restyle(jd_doc *doc, jd_node *node, void (*edit)(jd_style *s))
{
    jd_style s = *jd_node_style(node);
    edit(&s);
    const jd_style *st = jd_doc_intern_style(doc, &s);
    jd_node_set_style(node, st);
    for (jd_node *c = jd_node_first_child(node); c; c = jd_node_next(c)) {
        if (jd_node_get_type(c) == JD_NODE_PARAGRAPH || jd_node_get_type(c) == JD_NODE_TEXT)
            db_restyle(doc, c, edit);
    }
}
