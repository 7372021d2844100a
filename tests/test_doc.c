#include <math.h>
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

/* A long list's document is millions of nodes: each takes 24 bytes (a text 16), and equal
 * texts and a node's only number attribute (a cell's rowspan) are stored once (a list's
 * units and plans recur on every row). */
START_TEST(nodes_are_small_and_equal_texts_shared)
{
    jd_doc *doc = jd_doc_new();
    jd_node *table = jd_node_new(doc, JD_NODE_TABLE);
    jd_node_append(jd_doc_root(doc), table);
    const char *plans[] = {"启动", "推进", "完成"};
    enum { ROWS = 10000 };
    for (int r = 0; r < ROWS; r++) {
        jd_node *row = jd_node_new(doc, JD_NODE_ROW);
        jd_node_append(table, row);
        for (int c = 0; c < 3; c++) {
            jd_node *cell = jd_node_new(doc, JD_NODE_CELL);
            jd_node_set_int(cell, JD_ATTR_ROWSPAN, 1);
            jd_node_append(row, cell);
            jd_node *p = jd_node_new(doc, JD_NODE_PARAGRAPH);
            jd_node_append(cell, p);
            jd_node *t = jd_node_new(doc, JD_NODE_TEXT);
            jd_node_set_text(t, plans[(r + c) % 3], strlen(plans[(r + c) % 3]));
            jd_node_append(p, t);
        }
    }
    /* a row of 24 bytes and three cells of 24 + 24 + 16, in blocks of 64 KiB; the texts and
     * attributes in the first block of bytes */
    size_t per_row = 24 + 3 * (24 + 24 + 16), in_blocks = 65536 - 16;
    ck_assert_uint_le(jd_doc_size(doc), (ROWS * per_row + in_blocks - 1) / in_blocks * 65536 + 65536);
    /* every row is there, in order, with its texts; equal texts are one copy */
    const jd_node *row = jd_node_first_child(table);
    const char *first_text = NULL;
    for (int r = 0; r < ROWS; r++, row = jd_node_next(row)) {
        ck_assert_ptr_nonnull(row);
        ck_assert_ptr_eq(jd_node_parent(row), table);
        ck_assert_uint_eq(jd_node_child_count(row), 3);
        const jd_node *cell = jd_node_last_child(row);
        ck_assert_int_eq(jd_node_int(cell, JD_ATTR_ROWSPAN, 0), 1);
        const jd_node *t = jd_node_first_child(jd_node_first_child(cell));
        size_t len;
        const char *text = jd_node_text(t, &len);
        ck_assert_str_eq(text, plans[(r + 2) % 3]);
        ck_assert_uint_eq(len, strlen(plans[(r + 2) % 3]));
        if (r % 3 == 0)
            first_text = first_text ? first_text : text;
        if (r % 3 == 0)
            ck_assert_ptr_eq(text, first_text);
    }
    ck_assert_ptr_null(row);
    jd_doc_free(doc);
}
END_TEST

/* A node may have a text and attributes both, texts grown by appending, every kind of
 * attribute, and a source position. */
START_TEST(texts_attributes_and_positions_read_back)
{
    jd_doc *doc = jd_doc_new();
    jd_node *t = jd_node_new(doc, JD_NODE_TEXT);
    jd_node_set_text(t, "甲", strlen("甲"));
    jd_node_set_string(t, JD_ATTR_ID, "a1");
    jd_node_append_text(t, "乙丙", strlen("乙丙"));
    jd_node_set_int(t, JD_ATTR_LEVEL, 3);
    ck_assert_str_eq(jd_node_text(t, NULL), "甲乙丙");
    ck_assert_str_eq(jd_node_string(t, JD_ATTR_ID), "a1");
    ck_assert_int_eq(jd_node_int(t, JD_ATTR_LEVEL, 0), 3);
    jd_node_set_text(t, "丁", strlen("丁"));
    ck_assert_str_eq(jd_node_text(t, NULL), "丁");
    GString *long_text = g_string_new(NULL);
    for (int i = 0; i < 10000; i++)
        g_string_append(long_text, "重点工作");
    for (int i = 0; i < 3; i++)
        jd_node_append_text(t, long_text->str, long_text->len);
    size_t len;
    ck_assert_uint_eq((jd_node_text(t, &len), len), strlen("丁") + 3 * long_text->len);

    jd_node *chart = jd_node_new(doc, JD_NODE_CHART);
    const double values[] = {1.5, NAN, 3};
    const char *labels[] = {"一季度", "", "三季度"};
    jd_node_set_numbers(chart, JD_ATTR_VALUES, values, 3);
    jd_node_set_strings(chart, JD_ATTR_LABELS, labels, 3);
    jd_node_set_length(chart, JD_ATTR_WIDTH, (jd_length){80, JD_UNIT_PERCENT});
    jd_node_set_number(chart, JD_ATTR_HEIGHT, 120.25);
    jd_node_set_string(chart, JD_ATTR_TITLE, long_text->str); /* longer than a block's quarter */
    jd_node_set_int(chart, JD_ATTR_DECIMALS, -1);
    size_t n;
    const double *v = jd_node_numbers(chart, JD_ATTR_VALUES, &n);
    ck_assert_uint_eq(n, 3);
    ck_assert(v[0] == 1.5 && isnan(v[1]) && v[2] == 3);
    const char *const *l = jd_node_strings(chart, JD_ATTR_LABELS, &n);
    ck_assert_uint_eq(n, 3);
    ck_assert_str_eq(l[0], "一季度");
    ck_assert_str_eq(l[1], "");
    ck_assert_ptr_null(l[3]);
    jd_length w = jd_node_length(chart, JD_ATTR_WIDTH);
    ck_assert(w.value == 80 && w.unit == JD_UNIT_PERCENT);
    ck_assert(jd_node_length(chart, JD_ATTR_HEIGHT).unit == JD_UNIT_PT);
    ck_assert(jd_node_number(chart, JD_ATTR_HEIGHT, 0) == 120.25);
    ck_assert_str_eq(jd_node_string(chart, JD_ATTR_TITLE), long_text->str);
    ck_assert_int_eq(jd_node_int(chart, JD_ATTR_DECIMALS, 0), -1);
    ck_assert_int_eq(jd_node_int(chart, JD_ATTR_LEGEND, 7), 7);
    ck_assert_ptr_null(jd_node_string(chart, JD_ATTR_LEGEND));
    ck_assert_str_eq(jd_node_text(chart, &len), "");
    ck_assert_uint_eq(len, 0);

    ck_assert_ptr_null(jd_node_source_file(chart));
    jd_node_set_source(chart, "t.xml", 12);
    jd_node_set_source(t, "t.xml", 12);
    ck_assert_str_eq(jd_node_source_file(chart), "t.xml");
    ck_assert_int_eq(jd_node_source_line(chart), 12);
    ck_assert_ptr_eq(jd_node_source_file(t), jd_node_source_file(chart));
    g_string_free(long_text, TRUE);
    jd_doc_free(doc);
}
END_TEST

/* Styles and source positions are small numbers in a node; a document with more than
 * 65,534 of either keeps the larger ones aside and reads every one back. */
START_TEST(many_styles_and_positions_read_back)
{
    jd_doc *doc = jd_doc_new();
    enum { N = 70000 };
    jd_node **nodes = g_new(jd_node *, N);
    for (int i = 0; i < N; i++) {
        jd_style s;
        jd_style_init_default(&s);
        s.letter_spacing = i / 100.0;
        nodes[i] = jd_node_new(doc, i % 2 ? JD_NODE_TEXT : JD_NODE_PARAGRAPH);
        jd_node_set_style(nodes[i], jd_doc_intern_style(doc, &s));
        jd_node_set_source(nodes[i], i % 3 ? "a.xml" : "b.xml", i + 1);
        jd_node_append(jd_doc_root(doc), nodes[i]);
    }
    /* a node's style set again, from a large number to a small one and back */
    jd_style first;
    jd_style_init_default(&first);
    jd_node_set_style(nodes[N - 1], jd_doc_intern_style(doc, &first));
    ck_assert(jd_node_style(nodes[N - 1])->letter_spacing == 0);
    jd_style last = first;
    last.letter_spacing = (N - 1) / 100.0;
    jd_node_set_style(nodes[N - 1], jd_doc_intern_style(doc, &last));
    int i = 0;
    for (const jd_node *n = jd_node_first_child(jd_doc_root(doc)); n; n = jd_node_next(n), i++) {
        ck_assert_ptr_eq(n, nodes[i]);
        ck_assert(jd_node_style(n)->letter_spacing == i / 100.0);
        ck_assert_str_eq(jd_node_source_file(n), i % 3 ? "a.xml" : "b.xml");
        ck_assert_int_eq(jd_node_source_line(n), i + 1);
    }
    ck_assert_int_eq(i, N);
    ck_assert_ptr_eq(jd_node_parent(nodes[12345]), jd_doc_root(doc));
    ck_assert_ptr_eq(jd_node_last_child(jd_doc_root(doc)), nodes[N - 1]);
    g_free(nodes);
    jd_doc_free(doc);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("doc");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, dump_shows_structure_attrs_and_style_differences);
    tcase_add_test(tc, styles_are_interned);
    tcase_add_test(tc, nodes_are_small_and_equal_texts_shared);
    tcase_add_test(tc, texts_attributes_and_positions_read_back);
    tcase_add_test(tc, many_styles_and_positions_read_back);
    suite_add_tcase(s, tc);
    return jt_main(s);
}
