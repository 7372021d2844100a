#include <string.h>

#include "jd_doc.h"
#include "testutil.h"

START_TEST(dump_shows_structure_attrs_and_style_differences)
{
    jd_doc *doc = jd_doc_new();
    jd_node *root = jd_doc_root(doc);
    jd_node_set_string(root, JD_ATTR_TITLE, "任务清单");
    jd_node *table = jd_node_new(doc, JD_NODE_TABLE);
    jd_node_set_int(table, JD_ATTR_HEADER_ROWS, 1);
    jd_node_append(root, table);
    jd_node *col = jd_node_new(doc, JD_NODE_COLUMN);
    jd_node_set_length(col, JD_ATTR_WIDTH, (jd_length){1.5, JD_UNIT_FR});
    jd_node_append(table, col);
    jd_node *row = jd_node_new(doc, JD_NODE_ROW);
    jd_node_append(table, row);
    jd_node *cell = jd_node_new(doc, JD_NODE_CELL);
    jd_style st = *jd_node_style(cell);
    st.font_weight = 700;
    st.text_align = JD_ALIGN_CENTER;
    st.padding[JD_TOP] = 2;
    jd_node_set_style(cell, jd_doc_intern_style(doc, &st));
    jd_node_set_int(cell, JD_ATTR_ROWSPAN, 2);
    jd_node_append(row, cell);
    jd_node *p = jd_node_new(doc, JD_NODE_PARAGRAPH);
    jd_node_set_style(p, jd_node_style(cell));
    jd_node_append(cell, p);
    jd_node *t = jd_node_new(doc, JD_NODE_TEXT);
    jd_node_set_text(t, "序号\n\"1\"", strlen("序号\n\"1\""));
    jd_node_set_style(t, jd_node_style(cell));
    jd_node_append(p, t);
    char *dump = jd_doc_dump(doc);
    ck_assert_str_eq(dump,
                     "document title=\"任务清单\"\n"
                     "  table header-rows=1\n"
                     "    column width=1.5fr\n"
                     "    row\n"
                     "      cell rowspan=2 {font-weight: 700; text-align: center; padding: 2pt 0pt 0pt 0pt}\n"
                     "        paragraph {padding: 2pt 0pt 0pt 0pt}\n"
                     "          text \"序号\\n\\\"1\\\"\"\n");
    char h1[65], h2[65];
    jd_doc_hash(doc, h1);
    jd_node_set_text(t, "序号", strlen("序号"));
    jd_doc_hash(doc, h2);
    ck_assert_str_ne(h1, h2);
    ck_assert_int_eq(strlen(h1), 64);
    g_free(dump);
    jd_doc_free(doc);
}
END_TEST

START_TEST(styles_are_interned)
{
    jd_doc *doc = jd_doc_new();
    jd_style a, b;
    jd_style_init_default(&a);
    jd_style_init_default(&b);
    a.font_family = "hei";
    b.font_family = g_strdup("hei");
    ck_assert_ptr_eq(jd_doc_intern_style(doc, &a), jd_doc_intern_style(doc, &b));
    b.font_size = 16;
    ck_assert_ptr_ne(jd_doc_intern_style(doc, &a), jd_doc_intern_style(doc, &b));
    g_free((char *)b.font_family);
    jd_doc_free(doc);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("doc");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, dump_shows_structure_attrs_and_style_differences);
    tcase_add_test(tc, styles_are_interned);
    suite_add_tcase(s, tc);
    return jt_main(s);
}
