/* The importer's lower layers on their own: text decoding, format detection, delimited
 * records, cell text and names. */
#include <string.h>

#include "test_import_util.h"

/* ---- text decoding ------------------------------------------------------------------- */

/* Decodes `len` bytes; returns the text (NULL on error) and the messages in *messages. */
static char *decode(const char *data, size_t len, jd_encoding *encoding, char **messages)
{
    jd_diags *diags = jd_diags_new();
    size_t text_len = 0;
    char *text = jd_text_decode(data, len, "in.tsv", encoding, &text_len, diags);
    ck_assert_int_eq(text == NULL, jd_diags_has_errors(diags));
    if (text) ck_assert_uint_eq(text_len, strlen(text));
    *messages = jti_diags_text(diags);
    jd_diags_free(diags);
    return text;
}

static char *encode(const char *utf8, const char *charset, gsize *len)
{
    char *out = g_convert(utf8, -1, charset, "UTF-8", NULL, len, NULL);
    ck_assert_ptr_nonnull(out);
    return out;
}

/* Expects decoding to fail with exactly `expected`. */
static void assert_decode_error(const char *data, size_t len, const char *expected)
{
    char *messages;
    jd_encoding encoding;
    ck_assert_ptr_null(decode(data, len, &encoding, &messages));
    ck_assert_str_eq(messages, expected);
    g_free(messages);
}

START_TEST(decode_utf8_and_bom)
{
    char *messages;
    jd_encoding encoding = JD_ENCODING_GB18030;
    char *text = decode("序号\t目标任务\n1", strlen("序号\t目标任务\n1"), &encoding, &messages);
    ck_assert_str_eq(text, "序号\t目标任务\n1");
    ck_assert_int_eq(encoding, JD_ENCODING_UTF8);
    ck_assert_str_eq(messages, "");
    g_free(text);
    g_free(messages);

    const char bom[] = "\xEF\xBB\xBF序号\r\n1\r\n";
    text = decode(bom, strlen(bom), &encoding, &messages);
    ck_assert_str_eq(text, "序号\n1\n");
    ck_assert_int_eq(encoding, JD_ENCODING_UTF8_BOM);
    ck_assert_str_eq(jd_encoding_name(encoding), "UTF-8 with BOM");
    g_free(text);
    g_free(messages);
}
END_TEST

START_TEST(decode_line_ends_keep_line_numbers)
{
    char *messages;
    jd_encoding encoding;
    /* CRLF, lone CR (old Mac exports) and LF each end one line */
    char *text = decode("a\r\nb\rc\nd\r", 9, &encoding, &messages);
    ck_assert_str_eq(text, "a\nb\nc\nd\n");
    g_free(text);
    g_free(messages);
}
END_TEST

START_TEST(decode_gb18030)
{
    gsize len;
    char *gb = encode("西青区\t清单\r\n第二行\n", "GB18030", &len);
    char *messages;
    jd_encoding encoding;
    char *text = decode(gb, len, &encoding, &messages);
    ck_assert_str_eq(text, "西青区\t清单\n第二行\n");
    ck_assert_int_eq(encoding, JD_ENCODING_GB18030);
    ck_assert_str_eq(jd_encoding_name(encoding), "GB18030");
    ck_assert_str_eq(messages, "");
    g_free(text);
    g_free(messages);
    g_free(gb);
}
END_TEST

START_TEST(decode_utf16_with_bom)
{
    const char *charsets[] = {"UTF-16LE", "UTF-16BE"};
    const char *boms[] = {"\xFF\xFE", "\xFE\xFF"};
    const jd_encoding expected[] = {JD_ENCODING_UTF16LE, JD_ENCODING_UTF16BE};
    for (int i = 0; i < 2; i++) {
        gsize len;
        char *body = encode("序号\t目标任务\r\n1\t任务甲\r\n", charsets[i], &len);
        GString *data = g_string_new_len(boms[i], 2);
        g_string_append_len(data, body, (gssize)len);
        char *messages;
        jd_encoding encoding;
        char *text = decode(data->str, data->len, &encoding, &messages);
        ck_assert_str_eq(text, "序号\t目标任务\n1\t任务甲\n");
        ck_assert_int_eq(encoding, expected[i]);
        ck_assert_str_eq(jd_encoding_name(encoding), charsets[i]);
        g_free(text);
        g_free(messages);
        g_string_free(data, TRUE);
        g_free(body);
    }
}
END_TEST

START_TEST(decode_invalid_reports_first_bad_byte)
{
    /* the same bad byte for both encodings: position counted in UTF-8 characters */
    const char both[] = "序号\n12\xff";
    assert_decode_error(both, strlen(both),
                        "in.tsv:2:3: error: not valid UTF-8 or GB18030 text (first bad byte 0xFF)");

    /* GB18030 text with a byte that is not GB18030: GB18030 got further, so its position */
    gsize len;
    char *gb = encode("西青区\n第二行", "GB18030", &len);
    GString *data = g_string_new_len(gb, (gssize)len);
    g_string_append_c(data, '\x80');
    assert_decode_error(data->str, data->len,
                        "in.tsv:2:4: error: not valid UTF-8 or GB18030 text (first bad byte 0x80)");
    g_string_free(data, TRUE);
    g_free(gb);

    /* UTF-8 text with one bad byte late in the file: UTF-8 got further */
    const char late[] = "西青区\n第二行\xff";
    assert_decode_error(late, strlen(late),
                        "in.tsv:2:4: error: not valid UTF-8 or GB18030 text (first bad byte 0xFF)");

    /* a GB18030 character cut off by the end of the file */
    char *cut = encode("西青", "GB18030", &len);
    assert_decode_error(cut, len - 1,
                        "in.tsv:1:2: error: not valid UTF-8 or GB18030 text (first bad byte 0xC7)");
    g_free(cut);

    const char bom_bad[] = "\xEF\xBB\xBF"
                           "ab\xff";
    assert_decode_error(bom_bad, strlen(bom_bad),
                        "in.tsv:1:3: error: not valid UTF-8 text, although it starts with a UTF-8 "
                        "byte order mark (first bad byte 0xFF)");

    const char utf16_bad[] = "\xFF\xFE"
                             "a\0"
                             "\x00\xD8"
                             "b\0";
    assert_decode_error(utf16_bad, 8,
                        "in.tsv:1:2: error: not valid UTF-16LE text (bad code unit at byte 4)");
}
END_TEST

START_TEST(decode_binary)
{
    assert_decode_error("ab\ncd\0ef", 8, "in.tsv:2:3: error: binary file, not a text export");
    /* a PNG signature: NUL bytes after a few binary ones */
    assert_decode_error("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16,
                        "in.tsv:3:1: error: binary file, not a text export");
    /* U+0000 in UTF-16 text */
    assert_decode_error("\xFF\xFE"
                        "a\0\0\0",
                        6, "in.tsv:1:2: error: binary file, not a text export");
}
END_TEST

START_TEST(format_by_extension_then_content)
{
    ck_assert_int_eq(jd_format_detect("a/清单.TSV", "x,y,z"), JD_FORMAT_TSV);
    ck_assert_int_eq(jd_format_detect("list.txt", "x,y,z"), JD_FORMAT_TSV);
    ck_assert_int_eq(jd_format_detect("list.csv", "a\tb"), JD_FORMAT_CSV);
    ck_assert_int_eq(jd_format_detect("list.json", "a\tb"), JD_FORMAT_JSON);
    ck_assert_int_eq(jd_format_detect("export", "\n\n  {\"title\": 1}"), JD_FORMAT_JSON);
    ck_assert_int_eq(jd_format_detect(NULL, "[1]"), JD_FORMAT_JSON);
    ck_assert_int_eq(jd_format_detect("export", "清单\n序号,目标任务,责任单位\n1,a,b"),
                     JD_FORMAT_CSV);
    ck_assert_int_eq(jd_format_detect("export", "清单\n序号\t目标任务\t责任单位\n1\ta,b\tc"),
                     JD_FORMAT_TSV);
    ck_assert_int_eq(jd_format_detect("export", "just text"), JD_FORMAT_TSV);

    jd_format f = JD_FORMAT_AUTO;
    ck_assert(jd_format_parse("CSV", &f));
    ck_assert_int_eq(f, JD_FORMAT_CSV);
    ck_assert(jd_format_parse("json", &f));
    ck_assert_int_eq(f, JD_FORMAT_JSON);
    ck_assert(jd_format_parse("xlsx", &f));
    ck_assert_int_eq(f, JD_FORMAT_XLSX);
    ck_assert(!jd_format_parse("ods", &f));
    ck_assert_int_eq(f, JD_FORMAT_XLSX);
    ck_assert_int_eq(jd_format_detect("a.XLSX", ""), JD_FORMAT_XLSX);
    ck_assert_int_eq(jd_format_detect("a.xls", ""), JD_FORMAT_XLS);
    ck_assert_str_eq(jd_format_name(JD_FORMAT_TSV), "TSV");
}
END_TEST

/* ---- delimited records --------------------------------------------------------------------- */

/* "line:col=text" of every field, rows separated by " | ", for exact comparisons. */
static char *records_text(const jd_records *r)
{
    GString *out = g_string_new(NULL);
    for (size_t row = 0; row < jd_records_count(r); row++) {
        if (row) g_string_append(out, " | ");
        for (size_t f = 0; f < jd_records_width(r, row); f++)
            g_string_append_printf(out, "%s%d:%d=%s", f ? " " : "",
                                   jd_records_field_line(r, row, f),
                                   jd_records_field_col(r, row, f), jd_records_field(r, row, f));
    }
    return g_string_free(out, FALSE);
}

static void assert_records(const char *text, char delimiter, const char *expected,
                           const char *expected_messages)
{
    jd_diags *diags = jd_diags_new();
    jd_records *r = jd_records_new(text, strlen(text), delimiter, "in.csv", diags);
    char *actual = records_text(r);
    ck_assert_str_eq(actual, expected);
    char *messages = jti_diags_text(diags);
    ck_assert_str_eq(messages, expected_messages);
    g_free(messages);
    g_free(actual);
    jd_records_free(r);
    jd_diags_free(diags);
}

START_TEST(records_tab_positions_count_characters)
{
    assert_records("序号\t目标\n1\t任务甲\t\n", '\t',
                   "1:1=序号 1:4=目标 | 2:1=1 2:3=任务甲 2:7=", "");
    jd_records *r = jd_records_new("a\tb", 3, '\t', "x", NULL);
    ck_assert_uint_eq(jd_records_count(r), 1);
    ck_assert_uint_eq(jd_records_width(r, 0), 2);
    ck_assert_ptr_null(jd_records_field(r, 0, 2));
    ck_assert_int_eq(jd_records_field_line(r, 0, 2), 0);
    ck_assert_uint_eq(jd_records_width(r, 5), 0);
    jd_records_free(r);
}
END_TEST

START_TEST(records_rfc4180_quoting)
{
    /* quoted delimiters, doubled quotes, a newline inside a field: the next field and row
     * keep their physical line numbers */
    assert_records("a,\"b,c\",\"x\"\"y\",d\n\"line1\nline2\",z\nlast,row\n", ',',
                   "1:1=a 1:3=b,c 1:9=x\"y 1:16=d | 2:1=line1\nline2 3:8=z | 4:1=last 4:6=row", "");
    /* a quote that does not start the field is an ordinary character */
    assert_records("<ol style=\"none\"> 1. a,d\n", ',', "1:1=<ol style=\"none\"> 1. a 1:24=d", "");
    /* quoted fields in TSV too, holding a tab */
    assert_records("\"a\tb\nc\"\td", '\t', "1:1=a\tb\nc 2:4=d", "");
}
END_TEST

START_TEST(records_edge_cases)
{
    assert_records("", ',', "", "");
    assert_records("\n", ',', "1:1=", "");
    assert_records("a", ',', "1:1=a", "");
    assert_records(",,", ',', "1:1= 1:2= 1:3=", "");
    assert_records("\"ab\"cd,e\n", ',', "1:1=abcd 1:8=e",
                   "in.csv:1:5: warning: text after the closing quote of a quoted field is kept "
                   "as written");
    assert_records("a,b\n\"never\nclosed", ',', "1:1=a 1:3=b",
                   "in.csv:2:1: error: the quoted field that starts here is never closed");
}
END_TEST

/* ---- cell text -------------------------------------------------------------------------- */

static void assert_text(const char *cell, const char *expected)
{
    char *text = jd_cell_text(cell);
    ck_assert_msg(strcmp(text, expected) == 0, "cell '%s': expected '%s', got '%s'", cell, expected,
                  text);
    g_free(text);
}

START_TEST(cell_html_becomes_paragraphs)
{
    assert_text("<p>1. 第一段。</p> <p>2. 第二段</p>", "1. 第一段。\n2. 第二段");
    assert_text("<ol style=\"list-style-type: none\"> 1. 甲。 2. 乙 ", "1. 甲。\n2. 乙");
    assert_text("上<br>中<br/>下<BR />末", "上\n中\n下\n末");
    assert_text("<ul><li>甲</li><li>乙</li></ul><div>丙</div>", "甲\n乙\n丙");
    assert_text("<span style=\"color:red\">红</span><b>粗</b>体", "红粗体");
    assert_text("<P>大写</P>", "大写");
    assert_text("<p></p><p>  </p>", "");
}
END_TEST

START_TEST(cell_html_entities_and_literal_angles)
{
    assert_text("A&amp;B &lt;p&gt; &quot;引&quot; &#39;x&#39; 句&#12290;&#x4E00;",
                "A&B <p> \"引\" 'x' 句。一");
    assert_text("前&nbsp;后", "前后");
    assert_text("a&nbsp;b", "a b");
    /* not entities: kept as written */
    assert_text("R&D &foo; &#0; &#xZZ; &#12290", "R&D &foo; &#0; &#xZZ; &#12290");
    /* '<' is a tag only before a letter or '/', with a '>' later in the cell */
    assert_text("降至<5%以下", "降至<5%以下");
    assert_text("a < b > c", "a < b > c");
    assert_text("x<y 没有右括号", "x<y 没有右括号");
}
END_TEST

START_TEST(cell_flattened_paragraphs)
{
    assert_text("建设完成进行验收工作。 进行竣工结算。 车棚开放使用",
                "建设完成进行验收工作。\n进行竣工结算。\n车棚开放使用");
    assert_text("甲；  乙！ 丙？ 丁", "甲；\n乙！\n丙？\n丁");
    assert_text("1. 加强对接，导入项目； 2. 加强交流 3. 探索",
                "1. 加强对接，导入项目；\n2. 加强交流\n3. 探索");
    assert_text("做好 2、完成 （3）推进 (4)落实", "做好\n2、完成\n（3）推进\n(4)落实");
    /* a marker after ASCII text, a decimal number and 一是 are not list items */
    assert_text("version 2. release", "version 2. release");
    assert_text("增长 4.7%", "增长 4.7%");
    assert_text("一是加强 二是推进", "一是加强二是推进");
}
END_TEST

START_TEST(cell_stray_spaces)
{
    assert_text("  服务工 作，助推  ", "服务工作，助推");
    assert_text("工作， 加强：　推进", "工作，加强：推进"); /* U+3000 too */
    assert_text("社会组织 and 自然人", "社会组织 and 自然人");
    assert_text("a  \t b", "a b");
    assert_text("第一行\n\n  \n第二行  ", "第一行\n第二行");
    /* full-width punctuation stays as written */
    assert_text("（一）加强“两个确立”，推进：完成！", "（一）加强“两个确立”，推进：完成！");
    assert_text("", "");
}
END_TEST

static void assert_names(const char *cell, const char *expected)
{
    char **names = jd_cell_names(cell);
    char *joined = g_strjoinv("|", names);
    ck_assert_msg(strcmp(joined, expected) == 0, "cell '%s': expected '%s', got '%s'", cell,
                  expected, joined);
    g_free(joined);
    g_strfreev(names);
}

START_TEST(cell_names)
{
    assert_names("区政府办公室 司法局", "区政府办公室|司法局");
    assert_names("发展改革委 各街镇 经开集团", "发展改革委|各街镇|经开集团");
    assert_names("发展改革委、各街镇，经开集团；网信办,科技局;商务局",
                 "发展改革委|各街镇|经开集团|网信办|科技局|商务局");
    assert_names("梁 军 庞铁强", "梁军|庞铁强");
    assert_names("鲍 杰", "鲍杰");
    assert_names("庞铁强 鲍 杰", "庞铁强|鲍杰");
    assert_names("梁军 柴树芳　鲍杰", "梁军|柴树芳|鲍杰");
    assert_names("梁军强 庞铁强", "梁军强|庞铁强");
    assert_names("区委分管领导", "区委分管领导");
    assert_names("<p>工信局</p><p>科技局</p>", "工信局|科技局");
    assert_names("  ", "");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("import layers");
    TCase *tc = tcase_create("decode");
    tcase_add_test(tc, decode_utf8_and_bom);
    tcase_add_test(tc, decode_line_ends_keep_line_numbers);
    tcase_add_test(tc, decode_gb18030);
    tcase_add_test(tc, decode_utf16_with_bom);
    tcase_add_test(tc, decode_invalid_reports_first_bad_byte);
    tcase_add_test(tc, decode_binary);
    tcase_add_test(tc, format_by_extension_then_content);
    suite_add_tcase(s, tc);
    tc = tcase_create("records");
    tcase_add_test(tc, records_tab_positions_count_characters);
    tcase_add_test(tc, records_rfc4180_quoting);
    tcase_add_test(tc, records_edge_cases);
    suite_add_tcase(s, tc);
    tc = tcase_create("cell text");
    tcase_add_test(tc, cell_html_becomes_paragraphs);
    tcase_add_test(tc, cell_html_entities_and_literal_angles);
    tcase_add_test(tc, cell_flattened_paragraphs);
    tcase_add_test(tc, cell_stray_spaces);
    tcase_add_test(tc, cell_names);
    suite_add_tcase(s, tc);
    return jt_main(s);
}
