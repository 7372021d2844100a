/* The template language: each construct by the document tree it produces (jd_doc_dump),
 * and each load-time and expansion-time error by its exact message and position. */
#include <string.h>

#include "test_template_util.h"
#include "tpl.h" /* tpl_expand with a small step budget */

#define EXPECT_DUMP(tpl, expected)                                                                 \
    do {                                                                                           \
        char *dump_ = tt_dump(tpl);                                                                \
        tt_assert_text(dump_, expected);                                                           \
        g_free(dump_);                                                                             \
    } while (0)

#define EXPECT_ERRORS(tpl, expected)                                                               \
    do {                                                                                           \
        char *errors_ = tt_errors(tpl);                                                            \
        tt_assert_text(errors_, expected);                                                         \
        g_free(errors_);                                                                           \
    } while (0)

/* Only the "file:line:col: error: message" lines of the messages, without excerpts. */
static char *headlines(const char *errors)
{
    GString *out = g_string_new(NULL);
    char **lines = g_strsplit(errors, "\n", -1);
    for (char **l = lines; *l; l++)
        if (**l && !g_str_has_prefix(*l, "    ")) g_string_append_printf(out, "%s\n", *l);
    g_strfreev(lines);
    return g_string_free(out, FALSE);
}

#define EXPECT_HEADLINES(tpl, expected)                                                            \
    do {                                                                                           \
        char *errors_ = tt_errors(tpl);                                                            \
        char *heads_ = headlines(errors_);                                                         \
        tt_assert_text(heads_, expected);                                                          \
        g_free(heads_);                                                                            \
        g_free(errors_);                                                                           \
    } while (0)

/* ---- document, pages, headings ----------------------------------------------------- */

START_TEST(document_and_pages)
{
    EXPECT_DUMP(
        "<document title=\"{{ list.title }}\" author=\"督查室\" subject=\"S\" keywords=\"K\"\n"
        "          creator=\"jindu\" date=\"2023-01-17\" lang=\"zh-CN\">\n"
        "  <page size=\"A4\" orientation=\"landscape\" margin=\"15mm 12mm\" "
        "header-distance=\"8mm\"\n"
        "        footer-distance=\"5mm\" page-label=\"decimal\">\n"
        "    <header>西青区</header>\n"
        "    <footer text-align=\"outside\" font-size=\"四号\">— {{ page }} —</footer>\n"
        "  </page>\n"
        "  <p>x</p>\n"
        "  <page-break/>\n"
        "  <page size=\"100mm 210mm\" orientation=\"landscape\"/>\n"
        "  <page size=\"a5\"/>\n"
        "</document>",
        "document title=\"西青区2023年重点工作任务清单\" author=\"督查室\" subject=\"S\" "
        "keywords=\"K\" "
        "creator=\"jindu\" date=\"2023-01-17\"\n"
        "  page width=841.89 height=595.28 margin-top=42.52 margin-right=34.02 margin-bottom=42.52 "
        "margin-left=34.02 header-distance=22.68 footer-distance=14.17 page-label=\"decimal\"\n"
        "    header\n"
        "      paragraph\n"
        "        text \"西青区\"\n"
        "    footer {font-size: 14pt; text-align: outside}\n"
        "      paragraph\n"
        "        text \"— \"\n"
        "        field field=page\n"
        "        text \" —\"\n"
        "  paragraph\n"
        "    text \"x\"\n"
        "  page-break\n"
        "  page width=595.28 height=283.46 margin-top=70.87 margin-right=70.87 margin-bottom=70.87 "
        "margin-left=70.87 header-distance=28.35 footer-distance=28.35\n"
        "  page width=419.53 height=595.28 margin-top=70.87 margin-right=70.87 margin-bottom=70.87 "
        "margin-left=70.87 header-distance=28.35 footer-distance=28.35\n");
}
END_TEST

START_TEST(headings_and_bookmarks)
{
    EXPECT_DUMP("<document><h1>一、总体要求</h1><h2 bookmark=\"\">无书签</h2>"
                "<h3 bookmark=\"自定义\" bookmark-level=\"2\">标题</h3><h4 id=\"x\">四</h4>"
                "<p bookmark=\"段落\" id=\"y\">p</p></document>",
                "document\n"
                "  heading level=1 bookmark=\"一、总体要求\" bookmark-level=1 {font-size: 22pt; "
                "font-weight: 700; text-align: center}\n"
                "    text \"一、总体要求\"\n"
                "  heading level=2 {font-size: 16pt; font-weight: 700}\n"
                "    text \"无书签\"\n"
                "  heading level=3 bookmark=\"自定义\" bookmark-level=2 {font-size: 14pt; "
                "font-weight: 700}\n"
                "    text \"标题\"\n"
                "  heading level=4 id=\"x\" bookmark=\"四\" bookmark-level=4 {font-size: 12pt; "
                "font-weight: 700}\n"
                "    text \"四\"\n"
                "  paragraph id=\"y\" bookmark=\"段落\" bookmark-level=1\n"
                "    text \"p\"\n");
}
END_TEST

/* ---- control ----------------------------------------------------------------------- */

START_TEST(for_loop_variables)
{
    EXPECT_DUMP(
        "<document><for each=\"t in list.tasks\" index=\"i\"><p>{{ i }}/{{ loop.index }}/"
        "{{ loop.length }} {{ loop.first }} {{ loop.last }} {{ t.id }}</p></for></document>",
        "document\n"
        "  paragraph\n    text \"0/1/3 true false 1\"\n"
        "  paragraph\n    text \"1/2/3 false false 2\"\n"
        "  paragraph\n    text \"2/3/3 false true 3\"\n");
    /* loop is the innermost loop's */
    EXPECT_DUMP("<document><for each=\"t in list.tasks\"><for each=\"u in t.units\">"
                "<p>{{ t.id }}.{{ loop.index }}/{{ loop.length }}</p></for></for></document>",
                "document\n"
                "  paragraph\n    text \"1.1/1\"\n"
                "  paragraph\n    text \"2.1/2\"\n"
                "  paragraph\n    text \"2.2/2\"\n"
                "  paragraph\n    text \"3.1/1\"\n");
}
END_TEST

START_TEST(for_over_null_and_non_lists)
{
    EXPECT_DUMP("<document strict=\"false\"><for each=\"x in list.nope\"><p>never</p></for>"
                "<p>end</p></document>",
                "document\n  paragraph\n    text \"end\"\n");
    EXPECT_ERRORS("<document><for each=\"x in list.title\"><p/></for></document>",
                  "t.xml:1:27: error: <for> needs a list, got a string\n"
                  "    <document><for each=\"x in list.title\"><p/></for></document>\n"
                  "                              ^~~~~~~~~~\n");
    EXPECT_HEADLINES("<document><for each=\"x in null\"/></document>",
                     "t.xml:1:27: error: <for> needs a list, got null\n");
    EXPECT_HEADLINES("<document><for each=\"1 in x\"/></document>",
                     "t.xml:1:22: error: malformed expression: expected 'NAME in LIST' (a name for "
                     "each element first)\n");
}
END_TEST

START_TEST(if_elif_else)
{
    EXPECT_DUMP("<document><for each=\"t in list.tasks\"><p>\n"
                "  <if test=\"t.id == 1\">one</if>\n"
                "  <elif test=\"t.id == 2\">two</elif>\n"
                "  <else>other</else>\n"
                "</p></for></document>",
                "document\n"
                "  paragraph\n    text \"one\"\n"
                "  paragraph\n    text \"two\"\n"
                "  paragraph\n    text \"other\"\n");
    EXPECT_HEADLINES("<document><if test=\"true\"/><p/><else/>\n"
                     "<if test=\"true\"/><else/><elif test=\"true\"/></document>",
                     "t.xml:1:33: error: <else> must follow <if> or <elif>\n"
                     "t.xml:2:26: error: <elif> cannot follow <else>\n");
}
END_TEST

START_TEST(set_and_scopes)
{
    EXPECT_DUMP("<document>\n"
                "  <set name=\"n\" value=\"list.tasks | length\"/>\n"
                "  <for each=\"t in list.tasks\"><set name=\"tens\" value=\"t.id * 10\"/>"
                "<p>{{ tens }}</p></for>\n"
                "  <if test=\"n > 2\"><set name=\"size\" value=\"'large'\"/></if>\n"
                "  <else><set name=\"size\" value=\"'small'\"/></else>\n"
                "  <p>{{ n }} {{ size }}</p>\n"
                "</document>",
                "document\n"
                "  paragraph\n    text \"10\"\n"
                "  paragraph\n    text \"20\"\n"
                "  paragraph\n    text \"30\"\n"
                "  paragraph\n    text \"3 large\"\n");
    /* a variable set in a loop body or an element ends with it */
    EXPECT_HEADLINES(
        "<document><for each=\"t in list.tasks\"><set name=\"tens\" value=\"1\"/></for>"
        "<p><set name=\"inner\" value=\"2\"/></p><p>{{ tens }}{{ inner }}</p></document>",
        "t.xml:1:115: error: 'tens' is not defined\n"
        "t.xml:1:125: error: 'inner' is not defined\n");
}
END_TEST

START_TEST(group_by_and_by_each)
{
    EXPECT_DUMP(
        "<document><group each=\"g in list.tasks\" by=\"item.leaders[0]\"><p>{{ loop.index }}. "
        "{{ g.key }}: {{ g.items | map('id') | join(',') }}</p></group></document>",
        "document\n"
        "  paragraph\n    text \"1. 殷学武: 1,2\"\n"
        "  paragraph\n    text \"2. 鲍杰: 3\"\n");
    EXPECT_DUMP(
        "<document><group each=\"g in list.tasks\" by-each=\"item.leaders\" sort=\"-key\" "
        "index=\"i\"><p>{{ i }} {{ g.key }}: {{ g.items | map('id') | join(',') }}</p></group>"
        "</document>",
        "document\n"
        "  paragraph\n    text \"0 鲍杰: 2,3\"\n"
        "  paragraph\n    text \"1 殷学武: 1,2\"\n");
    /* counts: key 1 has tasks 1 and 3, key 2 has task 2 */
    EXPECT_DUMP(
        "<document><group each=\"g in list.tasks\" by=\"item.units | length\" sort=\"count\">"
        "<p>{{ g.key }}: {{ g.items | length }} {{ loop.last }}</p></group></document>",
        "document\n"
        "  paragraph\n    text \"2: 1 false\"\n"
        "  paragraph\n    text \"1: 2 true\"\n");
    EXPECT_HEADLINES(
        "<document><group each=\"g in list.tasks\"/>\n"
        "<group each=\"g in list.tasks\" by=\"1\" by-each=\"2\" sort=\"size\"/></document>",
        "t.xml:1:12: error: <group> needs a 'by' or a 'by-each' attribute\n"
        "t.xml:2:2: error: <group> takes 'by' or 'by-each', not both\n"
        "t.xml:2:56: error: bad value 'size' for sort: use key, -key, count or -count\n");
}
END_TEST

/* ---- includes ---------------------------------------------------------------------- */

START_TEST(includes)
{
    EXPECT_DUMP("<document><table><for each=\"t in list.tasks\">\n"
                "  <include src=\"partials/row.xml\"/>\n"
                "</for><tr><for each=\"t in [list.tasks[1]]\"><include src=\"partials/cells.xml\"/>"
                "</for></tr></table></document>",
                "document\n"
                "  table\n"
                "    row\n"
                "      cell\n        paragraph\n          text \"1\"\n"
                "      cell\n        paragraph\n          text \"坚持把政治建设摆在首位\"\n"
                "    row\n"
                "      cell\n        paragraph\n          text \"2\"\n"
                "      cell\n        paragraph\n          text \"严格落实重大行政决策程序\"\n"
                "    row\n"
                "      cell\n        paragraph\n          text \"3\"\n"
                "      cell\n        paragraph\n          text \"推进<数字&政府>建设\"\n"
                "    row\n"
                "      cell\n        paragraph\n          text \"殷学武、鲍杰\"\n"
                "      cell\n        paragraph\n          text \"2\"\n");
    /* an include of an include, with "..", resolves from the file it is in */
    char *dump = tt_dump("<document><table><for each=\"t in list.tasks\">"
                         "<include src=\"partials/nested.xml\"/></for></table></document>");
    ck_assert_int_eq(jt_count(dump, "    row\n"), 3);
    g_free(dump);
}
END_TEST

START_TEST(include_errors)
{
    EXPECT_ERRORS(
        "<document>\n"
        "  <include src=\"../../template.cmake\"/>\n"
        "  <include src=\"missing.xml\"/>\n"
        "  <include src=\"cycle_a.xml\"/>\n"
        "  <include src=\"partials/document.xml\"/>\n"
        "  <include src=\"{{ list.title }}\"/>\n"
        "  <include src=\"partials/bad.xml\"/>\n"
        "</document>",
        "cycle_b.xml:1:24: error: include cycle: cycle_a.xml -> cycle_b.xml -> cycle_a.xml\n"
        "    <partial><include src=\"cycle_a.xml\"/></partial>\n"
        "                           ^~~~~~~~~~~\n"
        "partials/bad.xml:2:4: error: unknown element <nope>\n"
        "      <nope/>\n"
        "       ^~~~\n"
        "partials/bad.xml:3:22: error: unknown filter 'shout'\n"
        "      <p>{{ list.title | shout }}</p>\n"
        "                         ^~~~~\n"
        "partials/document.xml:1:2: error: an included file cannot be a <document>; use "
        "<partial> as its root\n"
        "    <document/>\n"
        "     ^~~~~~~~\n"
        "t.xml:2:17: error: include '../../template.cmake' is outside the template "
        "directories\n"
        "      <include src=\"../../template.cmake\"/>\n"
        "                    ^~~~~~~~~~~~~~~~~~~~\n"
        "t.xml:3:17: error: cannot include 'missing.xml': no such file (looked in " JD_TEST_DIR "/fixtures/template)\n"
        "      <include src=\"missing.xml\"/>\n"
        "                    ^~~~~~~~~~~\n"
        "t.xml:6:17: error: 'src' cannot use {{ }}: it is needed before any data is read\n"
        "      <include src=\"{{ list.title }}\"/>\n"
        "                    ^~~~~~~~~~~~~~~~\n");
}
END_TEST

START_TEST(template_files_are_listed)
{
    char *path = jt_fixture("template/main.xml");
    jd_diags *diags = jd_diags_new();
    jd_template *tpl = jd_template_load(path, NULL, diags);
    ck_assert_ptr_nonnull(tpl);
    const char *const *files = jd_template_files(tpl);
    char *partial = jt_fixture("template/partials/row.xml");
    ck_assert_str_eq(files[0], path);
    ck_assert_str_eq(files[1], partial);
    ck_assert_ptr_null(files[2]);
    jd_value *globals = tt_globals(NULL);
    jd_doc *doc = jd_template_expand(tpl, globals, diags);
    ck_assert_ptr_nonnull(doc);
    char *text = jd_node_plain_text(jd_doc_root(doc));
    ck_assert_str_eq(text, "1坚持把政治建设摆在首位2严格落实重大行政决策程序3推进<数字&政府>建设");
    ck_assert_int_eq(jd_diags_count(diags), 0);
    g_free(text);
    jd_doc_free(doc);
    jd_value_unref(globals);
    jd_template_free(tpl);
    g_free(partial);
    g_free(path);
    /* a template that cannot be read */
    tpl = jd_template_load("/nonexistent/t.xml", NULL, diags);
    ck_assert_ptr_null(tpl);
    char *msg = jd_diag_format(jd_diags_get(diags, 0));
    ck_assert_str_eq(msg, "/nonexistent/t.xml: error: cannot read: no such file");
    g_free(msg);
    jd_diags_free(diags);
}
END_TEST

/* ---- text -------------------------------------------------------------------------- */

START_TEST(whitespace_and_inline_content)
{
    EXPECT_DUMP(
        "<document>\n"
        "  <p>\n"
        "    第一行中文\n"
        "    接着写\n"
        "    <span font-weight=\"bold\">加粗</span>\n"
        "    and English\n"
        "    words <br/> after   break\n"
        "  </p>\n"
        "  <p>{{ '  verbatim  ' }}<span>{{ list.tasks[1].leaders | join('\\n') }}</span></p>\n"
        "  <p></p>\n"
        "</document>",
        "document\n"
        "  paragraph\n"
        "    text \"第一行中文接着写\"\n"
        "    span {font-weight: 700}\n"
        "      text \"加粗\"\n"
        "    text \" and English words\"\n"
        "    br\n"
        "    text \"after break\"\n"
        "  paragraph\n"
        "    text \"  verbatim  \"\n"
        "    span\n"
        "      text \"殷学武\\n鲍杰\"\n"
        "  paragraph\n");
}
END_TEST

START_TEST(inline_content_in_blocks_gets_a_paragraph)
{
    EXPECT_DUMP("<document>\n"
                "  前言 {{ list.tasks | length }} 项\n"
                "  <p>正文</p>\n"
                "  <list marker=\"decimal\"><item>a<br/>b</item><item>\n"
                "    <p>c</p> d </item></list>\n"
                "  <list><item/></list>\n"
                "</document>",
                "document\n"
                "  paragraph\n    text \"前言 3 项\"\n"
                "  paragraph\n    text \"正文\"\n"
                "  list marker=\"decimal\"\n"
                "    item\n"
                "      paragraph\n        text \"a\"\n        br\n        text \"b\"\n"
                "    item\n"
                "      paragraph\n        text \"c\"\n"
                "      paragraph\n        text \"d\"\n"
                "  list marker=\"disc\"\n"
                "    item\n");
}
END_TEST

START_TEST(data_is_always_text)
{
    jd_value *globals = tt_globals("{\"evil\": \"<p>&amp; {{ list.title }}</p>\", "
                                   "\"braces\": \"}} {{\"}");
    char *errors = NULL;
    char *dump = tt_expand("<document><p id=\"{{ evil }}\">{{ evil }}|{{ braces }}|"
                           "{{ list.tasks[2].title }}|{{ list.tasks[2].units[0].names[0] }}</p>"
                           "</document>",
                           globals, &errors);
    ck_assert_str_eq(dump, "document\n"
                           "  paragraph id=\"<p>&amp; {{ list.title }}</p>\"\n"
                           "    text \"<p>&amp; {{ list.title }}</p>|}} {{|推进<数字&政府>建设|"
                           "{{政务}}服务办\"\n");
    g_free(dump);
    g_free(errors);
    jd_value_unref(globals);
    /* and in the template, {{ '{{' }} and entities are how to write them */
    EXPECT_DUMP("<document><p>{{ '{{' }} &lt;&amp;&#x4E2D;&#25991; }}</p></document>",
                "document\n  paragraph\n    text \"{{ <&中文 }}\"\n");
}
END_TEST

START_TEST(fields_only_in_headers_and_footers)
{
    EXPECT_HEADLINES(
        "<document><p>{{ page }}</p>\n"
        "<page><footer>{{ page + 1 }} {{ pages }}</footer></page>\n"
        "<p title=\"{{ pages }}\"/><set name=\"page\" value=\"1\"/></document>",
        "t.xml:1:14: error: {{ page }} is only available in a page header or footer\n"
        "t.xml:2:18: error: 'page' is only available as {{ page }} on its own, in a page "
        "header or footer\n"
        "t.xml:3:4: error: unknown attribute 'title' on <p>\n"
        "t.xml:3:36: error: 'page' is reserved for the page number\n");
}
END_TEST

/* ---- styles ------------------------------------------------------------------------ */

START_TEST(styles_inherit_and_named_styles)
{
    EXPECT_DUMP(
        "<document font-family=\"fangsong\" font-size=\"三号\" color=\"#333\">\n"
        "  <style name=\"em\" font-weight=\"bold\" color=\"red\"/>\n"
        "  <style name=\"big\" style=\"em\" font-size=\"1.5em\"/>\n"
        "  <p>a<span style=\"em\">b</span><span style=\"big\" color=\"blue\">c</span></p>\n"
        "  <p text-indent=\"2em\" line-height=\"28pt\" letter-spacing=\"0.1em\" "
        "margin-top=\"6pt\"\n"
        "     keep-with-next=\"true\" font-style=\"italic\">d</p>\n"
        "  <p font-size=\"小四\" text-indent=\"2em\" line-height=\"150%\" style=\"{{ 'em' "
        "}}\">e</p>\n"
        "  <p font-size=\"50%\" background=\"{{ 'navy' }}\" font-family=\"{{ 'Noto Serif CJK SC' "
        "}}\">f</p>\n"
        "</document>",
        "document {font-family: fangsong; font-size: 16pt; color: #333333}\n"
        "  paragraph\n"
        "    text \"a\"\n"
        "    span {font-weight: 700; color: #ff0000}\n"
        "      text \"b\"\n"
        "    span {font-size: 24pt; font-weight: 700; color: #0000ff}\n"
        "      text \"c\"\n"
        "  paragraph {font-style: italic; line-height: 28pt; text-indent: 32pt; "
        "letter-spacing: 1.6pt; margin-top: 6pt; keep-with-next: yes}\n"
        "    text \"d\"\n"
        "  paragraph {font-size: 12pt; font-weight: 700; color: #ff0000; line-height: 18pt; "
        "text-indent: 24pt}\n"
        "    text \"e\"\n"
        "  paragraph {font-family: Noto Serif CJK SC; font-size: 8pt; background: #000080}\n"
        "    text \"f\"\n");
}
END_TEST

START_TEST(table_styles_go_to_cells)
{
    char *dump = tt_dump(
        "<document>\n"
        "  <table header-rows=\"1\" border=\"0.5pt #333\" padding=\"2pt\" margin-bottom=\"6pt\">\n"
        "    <col width=\"2.5em\" text-align=\"center\"/><col width=\"1fr\" repeat=\"2\"/>"
        "<col width=\"20%\" background=\"#ffffcc\"/><col/>\n"
        "    <tr background=\"#eee\"><th>序号</th><th "
        "colspan=\"2\">任务</th><th>A</th><th>B</th></tr>\n"
        "    <tr><td rowspan=\"{{ list.tasks[1].units | length }}\">1</td><td>a</td><td>b</td>"
        "<td>c</td><td>d</td></tr>\n"
        "    <tr vertical-align=\"bottom\"><td>e</td><td padding=\"0\" border=\"none\" "
        "border-top=\"1pt red\">f</td><td>g</td><td>h</td></tr>\n"
        "  </table>\n"
        "</document>");
    jt_golden(dump, "template/table.dump");
    /* the column's background reaches 'c' and 'g' ('g' because the cell under the rowspan is
     * skipped); in the first row the row's background wins, as in CSS */
    ck_assert_int_eq(jt_count(dump, "background: #ffffcc"), 2);
    g_free(dump);
}
END_TEST

START_TEST(bad_values)
{
    EXPECT_HEADLINES(
        "<document>\n"
        "<p font-size=\"12\" color=\"purplish\" text-align=\"middle\" padding=\"1pt 2pt 3pt 4pt "
        "5pt\"/>\n"
        "<p border=\"thick\" font-weight=\"450\" margin-top=\"-2pt\" line-height=\"0\"/>\n"
        "<page margin=\"1zz\" size=\"A7\" orientation=\"up\"/>\n"
        "<table header-rows=\"x\"><col width=\"12\" repeat=\"0\"/></table>\n"
        "<image src=\"logo.png\" width=\"1fr\"/><spacer height=\"auto\"/>\n"
        "<p style=\"nosuch\"/><style name=\"a b\"/><style name=\"s\"/><style name=\"s\"/>\n"
        "</document>",
        "t.xml:2:15: error: bad length '12' for font-size: a unit is needed (pt, mm, cm, "
        "in, px or em)\n"
        "t.xml:2:26: error: bad colour 'purplish' for color: use #rgb, #rrggbb or a name "
        "such as black, gray or red\n"
        "t.xml:2:48: error: bad value 'middle' for text-align: use left, center, right, "
        "justify, outside or inside\n"
        "t.xml:2:65: error: bad length '1pt 2pt 3pt 4pt 5pt' for padding: at most 4 "
        "lengths\n"
        "t.xml:3:12: error: bad border 'thick' for border: 'thick' is neither a width nor "
        "a colour\n"
        "t.xml:3:32: error: bad value '450' for font-weight: use normal, bold or 100, "
        "200 … 900\n"
        "t.xml:3:49: error: bad length '-2pt' for margin-top: it cannot be negative\n"
        "t.xml:3:68: error: bad length '0' for line-height: a line height must be more "
        "than 0\n"
        "t.xml:4:15: error: bad length '1zz' for margin: unknown unit 'zz'\n"
        "t.xml:4:26: error: bad value 'A7' for size: use A3, A4, A5, B5 or a width and a "
        "height (\"210mm 297mm\")\n"
        "t.xml:4:43: error: bad value 'up' for orientation: use portrait or landscape\n"
        "t.xml:5:21: error: bad value 'x' for header-rows: must be a whole number from 0 "
        "to 1000\n"
        "t.xml:5:36: error: bad length '12' for width: a unit is needed (pt, mm, cm, in, "
        "px, em, 字 or 行)\n"
        "t.xml:5:48: error: bad value '0' for repeat: must be a whole number from 1 to "
        "1000\n"
        "t.xml:6:30: error: bad length '1fr' for width: 'fr' is only for column widths\n"
        "t.xml:6:52: error: bad length 'auto' for height: 'auto' is only for column "
        "widths\n"
        "t.xml:7:11: error: unknown style 'nosuch'\n"
        "t.xml:7:33: error: bad name 'a b' for name: a style name is one word\n"
        "t.xml:7:69: error: style 's' is defined twice\n");
    /* values from {{ }} are checked when they are known, with the same messages */
    EXPECT_HEADLINES(
        "<document><for each=\"t in list.tasks\">\n"
        "<p color=\"{{ 'reddish' }}\" font-size=\"{{ t.id }}\" style=\"{{ 'x' }}\"/>\n"
        "<table><tr><td rowspan=\"{{ t.title }}\"/></tr></table></for></document>",
        "t.xml:2:11: error: bad colour 'reddish' for color: use #rgb, #rrggbb or a name "
        "such as black, gray or red (3 times)\n"
        "t.xml:2:39: error: bad length '1' for font-size: a unit is needed (pt, mm, cm, "
        "in, px or em)\n"
        "t.xml:2:39: error: bad length '2' for font-size: a unit is needed (pt, mm, cm, "
        "in, px or em)\n"
        "t.xml:2:39: error: bad length '3' for font-size: a unit is needed (pt, mm, cm, "
        "in, px or em)\n"
        "t.xml:2:58: error: unknown style 'x' (3 times)\n"
        "t.xml:3:25: error: bad value '坚持把政治建设摆在首位' for rowspan: must be a whole "
        "number from 1 to 100000\n"
        "t.xml:3:25: error: bad value '严格落实重大行政决策程序' for rowspan: must be a "
        "whole number from 1 to 100000\n"
        "t.xml:3:25: error: bad value '推进<数字&政府>建设' for rowspan: must be a whole "
        "number from 1 to 100000\n");
}
END_TEST

/* ---- other blocks ------------------------------------------------------------------ */

START_TEST(images_spacers_links)
{
    char *dump = tt_dump(
        "<document><image src=\"logo.png\" width=\"50%\" height=\"2em\" text-align=\"center\"/>"
        "<spacer height=\"1em\"/><p><span href=\"#t2\">见任务二</span>"
        "<span href=\"https://example.org/\">站点</span></p>"
        "<p id=\"t{{ list.tasks[1].id }}\">任务二</p></document>");
    char *logo = jt_fixture("template/logo.png");
    char *expected =
        g_strdup_printf("document\n"
                        "  image width=50%% src=\"%s\" height=21pt {text-align: center}\n"
                        "  spacer height=10.5pt\n"
                        "  paragraph\n"
                        "    span href=\"#t2\"\n      text \"见任务二\"\n"
                        "    span href=\"https://example.org/\"\n      text \"站点\"\n"
                        "  paragraph id=\"t2\"\n    text \"任务二\"\n",
                        logo);
    tt_assert_text(dump, expected);
    g_free(expected);
    g_free(logo);
    g_free(dump);
    EXPECT_HEADLINES("<document><spacer/></document>",
                     "t.xml:1:12: error: <spacer> needs a 'height' attribute\n");
    char *errors = tt_errors("<document><image src=\"{{ 'miss' + 'ing' }}.png\"/>\n"
                             "<p><span href=\"#nowhere\">x</span></p>\n"
                             "<for each=\"t in list.tasks\"><p id=\"same\"/></for></document>");
    char *missing = jt_fixture("template/missing.png");
    expected = g_strdup_printf("t.xml:1:23: error: image 'missing.png' not found (looked for %s)\n"
                               "t.xml:2:16: error: link target '#nowhere' does not exist\n"
                               "t.xml:3:36: error: id 'same' is used twice (2 times)\n",
                               missing);
    char *heads = headlines(errors);
    tt_assert_text(heads, expected);
    g_free(heads);
    g_free(expected);
    g_free(missing);
    g_free(errors);
}
END_TEST

/* ---- structure and XML errors ------------------------------------------------------ */

START_TEST(structure_errors)
{
    EXPECT_HEADLINES(
        "<document>\n"
        "  <td>x</td>\n"
        "  <table>text<tr><td/></tr><col/></table>\n"
        "  <p><table/><nope a=\"1\"/></p>\n"
        "  <header/>\n"
        "  <for each=\"t in list.tasks\"><style name=\"s\"/></for>\n"
        "  <br>content</br>\n"
        "  <page><header/><header/><p/></page>\n"
        "  <list>oops</list>\n"
        "  <p rowspan=\"2\"/><document/><partial/>\n"
        "</document>",
        "t.xml:2:4: error: <td> cannot be inside <document>: it belongs in <tr>\n"
        "t.xml:3:10: error: text cannot be inside <table>\n"
        "t.xml:3:29: error: <col> must come before the rows of its table\n"
        "t.xml:4:7: error: <table> cannot be inside <p>: it belongs in <document>, "
        "<td>, <th>, <item>, <header> or <footer>\n"
        "t.xml:4:15: error: unknown element <nope>\n"
        "t.xml:5:4: error: <header> cannot be inside <document>: it belongs in <page>\n"
        "t.xml:6:32: error: <style> cannot be inside <for>, <if> or <group>: it belongs at the top "
        "level of <document>, outside <for>, <if> and <group>\n"
        "t.xml:7:7: error: <br> cannot have content\n"
        "t.xml:8:19: error: <page> has more than one <header>\n"
        "t.xml:8:28: error: <p> cannot be inside <page>: it belongs in <document>, "
        "<td>, <th>, <item>, <header> or <footer>\n"
        "t.xml:9:9: error: text cannot be inside <list>\n"
        "t.xml:10:6: error: unknown attribute 'rowspan' on <p>\n"
        "t.xml:10:20: error: <document> cannot be inside <document>: it can only be the "
        "root element\n"
        "t.xml:10:31: error: <partial> cannot be inside <document>: it can only be the "
        "root element of an included file\n");
}
END_TEST

START_TEST(xml_errors)
{
    EXPECT_ERRORS("<document>\n  <p>unclosed\n</document>\n",
                  "t.xml:3:12: error: malformed XML: Opening and ending tag mismatch: p line 2 and "
                  "document\n"
                  "    </document>\n"
                  "               ^\n"
                  "t.xml:4:1: error: malformed XML: Premature end of data in tag document line 1\n"
                  "    \n"
                  "    ^\n");
    EXPECT_HEADLINES("<!DOCTYPE document [<!ENTITY x \"y\">]><document>&x;</document>",
                     "t.xml:1:1: error: DOCTYPE declarations are not allowed in templates\n");
    /* a template is UTF-8 whatever its declaration says */
    EXPECT_DUMP("<?xml version=\"1.0\" encoding=\"ISO-2022-JP\"?><document><p>重</p></document>",
                "document\n  paragraph\n    text \"重\"\n");
    EXPECT_HEADLINES("<p>x</p>", "t.xml:1:2: error: the root element of a template must be "
                                 "<document>, not <p>\n");
    EXPECT_HEADLINES("<document><p>\xff</p></document>",
                     "t.xml:1:14: error: a template must be UTF-8 text (invalid byte 0xff)\n");
    EXPECT_HEADLINES("", "t.xml:1:1: error: the template is empty\n");
    EXPECT_HEADLINES(" ", "t.xml:1:2: error: malformed XML: Start tag expected, '<' not found\n");
}
END_TEST

START_TEST(nul_bytes_are_refused)
{
    jd_diags *diags = jd_diags_new();
    jd_template *tpl =
        jd_template_load_memory("<document>\0</document>", 22, "t.xml", NULL, NULL, diags);
    ck_assert_ptr_null(tpl);
    ck_assert_str_eq(jd_diag_message(jd_diags_get(diags, 0)),
                     "a template cannot contain NUL bytes");
    ck_assert_int_eq(jd_diag_col(jd_diags_get(diags, 0)), 11);
    jd_diags_free(diags);
}
END_TEST

START_TEST(errors_in_loops_are_reported_once)
{
    EXPECT_ERRORS(
        "<document><for each=\"t in list.tasks\"><p>{{ t.note }}</p></for></document>",
        "t.xml:1:46: error: 't' has no member 'note' (3 times)\n"
        "    <document><for each=\"t in list.tasks\"><p>{{ t.note }}</p></for></document>\n"
        "                                                 ^~~~~\n");
    /* different messages at one place are kept apart */
    EXPECT_HEADLINES(
        "<document><for each=\"t in list.tasks\"><p>{{ t.units[1] }}</p></for></document>",
        "t.xml:1:52: error: index 1 is out of range: 't.units' has 1 item (2 times)\n");
}
END_TEST

START_TEST(runaway_templates_stop_with_an_error)
{
    /* text doubling at each step: the 21st doubling would pass 16 MiB */
    GString *tpl = g_string_new("<document><set name=\"s\" value=\"'0123456789abcdef'\"/>");
    for (int i = 0; i < 21; i++)
        g_string_append(tpl, "\n<set name=\"s\" value=\"s + s\"/>");
    g_string_append(tpl, "<p>{{ s | length }}</p></document>");
    EXPECT_HEADLINES(tpl->str, "t.xml:22:22: error: '+' would make a text longer than 16 MiB\n");
    g_string_free(tpl, TRUE);
    /* loops nested deeper than any document needs run out of steps */
    const char *nested = "<document><for each=\"a in list.tasks\"><for each=\"b in list.tasks\">"
                         "<for each=\"c in list.tasks\"><p>{{ a.id }}{{ b.id }}{{ c.id }}</p>"
                         "</for></for></for></document>";
    jd_diags *diags = jd_diags_new();
    jd_template *t = jd_template_load_memory(nested, strlen(nested), "t.xml", NULL, NULL, diags);
    jd_value *globals = tt_globals(NULL);
    tpl_errors *errs = tpl_errors_new();
    jd_doc *doc = tpl_expand(t, globals, 50, errs);
    tpl_errors_flush(errs, diags);
    ck_assert_int_eq(jd_diags_count(diags), 1);
    ck_assert_str_eq(jd_diag_message(jd_diags_get(diags, 0)),
                     "expansion stopped after 50 elements and loop iterations: the document is too "
                     "large (loops nested too deeply?)");
    /* with enough steps it is the 27 paragraphs it should be */
    jd_doc_free(doc);
    tpl_errors_free(errs);
    errs = tpl_errors_new();
    doc = tpl_expand(t, globals, 1000, errs);
    ck_assert(!tpl_errors_any(errs));
    ck_assert_int_eq(jd_node_child_count(jd_doc_root(doc)), 27);
    jd_doc_free(doc);
    tpl_errors_free(errs);
    jd_value_unref(globals);
    jd_template_free(t);
    jd_diags_free(diags);
}
END_TEST

START_TEST(task_list_template)
{
    char *path = jt_src("templates/task-list.xml");
    jd_diags *diags = jd_diags_new();
    jd_template *tpl = jd_template_load(path, NULL, diags);
    ck_assert_msg(tpl != NULL, "task-list.xml does not load");
    jd_value *globals = tt_globals(NULL);
    jd_doc *doc = jd_template_expand(tpl, globals, diags);
    ck_assert_ptr_nonnull(doc);
    ck_assert_int_eq(jd_diags_count(diags), 0);
    char *dump = jd_doc_dump(doc);
    jt_golden(dump, "template/task-list.dump");
    /* 2 header rows + 1 + 2 + 1 unit rows; the first row of each task is its bookmark */
    ck_assert_int_eq(jt_count(dump, "\n    row"), 6);
    ck_assert_int_eq(jt_count(dump, "\n    row bookmark="), 3);
    /* task 2 spans its 2 unit rows in 3 columns; the whole-year plan is one cell over 4 */
    ck_assert_int_eq(jt_count(dump, "cell rowspan=2 {"), 3);
    ck_assert_int_eq(jt_count(dump, "cell colspan=4 {"), 1);
    g_free(dump);
    jd_doc_free(doc);
    jd_value_unref(globals);
    jd_template_free(tpl);
    jd_diags_free(diags);
    g_free(path);
}
END_TEST

typedef struct {
    const jd_template *tpl;
    const jd_value *globals;
    const char *expected;
    int mismatches;
} expand_job;

static gpointer expand_repeatedly(gpointer data)
{
    expand_job *job = data;
    for (int i = 0; i < 20; i++) {
        jd_doc *doc = jd_template_expand(job->tpl, job->globals, NULL);
        char *dump = doc ? jd_doc_dump(doc) : NULL;
        job->mismatches += !dump || strcmp(dump, job->expected) != 0;
        g_free(dump);
        jd_doc_free(doc);
    }
    return NULL;
}

START_TEST(one_template_expands_in_several_threads)
{
    char *path = jt_src("templates/task-list.xml");
    jd_template *tpl = jd_template_load(path, NULL, NULL);
    ck_assert_ptr_nonnull(tpl);
    jd_value *globals = tt_globals(NULL);
    char *golden = jt_src("tests/golden/template/task-list.dump");
    char *expected = jt_read(golden);
    g_free(golden);
    expand_job jobs[4];
    GThread *threads[4];
    for (int i = 0; i < 4; i++) {
        jobs[i] = (expand_job){tpl, globals, expected, 0};
        threads[i] = g_thread_new("expand", expand_repeatedly, &jobs[i]);
    }
    for (int i = 0; i < 4; i++) {
        g_thread_join(threads[i]);
        ck_assert_int_eq(jobs[i].mismatches, 0);
    }
    g_free(expected);
    jd_value_unref(globals);
    jd_template_free(tpl);
    g_free(path);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("template");
    TCase *doc = tcase_create("document");
    tcase_add_test(doc, document_and_pages);
    tcase_add_test(doc, headings_and_bookmarks);
    tcase_add_test(doc, images_spacers_links);
    suite_add_tcase(s, doc);
    TCase *control = tcase_create("control");
    tcase_add_test(control, for_loop_variables);
    tcase_add_test(control, for_over_null_and_non_lists);
    tcase_add_test(control, if_elif_else);
    tcase_add_test(control, set_and_scopes);
    tcase_add_test(control, group_by_and_by_each);
    tcase_add_test(control, includes);
    tcase_add_test(control, include_errors);
    tcase_add_test(control, template_files_are_listed);
    suite_add_tcase(s, control);
    TCase *text = tcase_create("text");
    tcase_add_test(text, whitespace_and_inline_content);
    tcase_add_test(text, inline_content_in_blocks_gets_a_paragraph);
    tcase_add_test(text, data_is_always_text);
    tcase_add_test(text, fields_only_in_headers_and_footers);
    suite_add_tcase(s, text);
    TCase *styles = tcase_create("styles");
    tcase_add_test(styles, styles_inherit_and_named_styles);
    tcase_add_test(styles, table_styles_go_to_cells);
    tcase_add_test(styles, bad_values);
    suite_add_tcase(s, styles);
    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, structure_errors);
    tcase_add_test(errors, xml_errors);
    tcase_add_test(errors, nul_bytes_are_refused);
    tcase_add_test(errors, errors_in_loops_are_reported_once);
    tcase_add_test(errors, runaway_templates_stop_with_an_error);
    suite_add_tcase(s, errors);
    TCase *shipped = tcase_create("shipped");
    tcase_add_test(shipped, task_list_template);
    tcase_add_test(shipped, one_template_expands_in_several_threads);
    suite_add_tcase(s, shipped);
    return jt_main(s);
}
