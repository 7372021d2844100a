/* The real sample list (samples/xiqing-2023/tasks.tsv, 123 tasks as an office exported
 * them): counts, content, the same tree from every encoding and format, the JSON round
 * trip, and damaged copies that must never crash the importer. */
#include <string.h>

#include "test_import_util.h"

static jd_value *import_seed(jd_import_info *info, char **messages)
{
    size_t len;
    char *data = jti_seed(&len);
    jd_value *list = jti_import_bytes(data, len, "tasks.tsv", JD_FORMAT_AUTO, info, messages);
    g_free(data);
    ck_assert_ptr_nonnull(list);
    return list;
}

START_TEST(seed_counts)
{
    jd_import_info info;
    char *messages;
    jd_value *list = import_seed(&info, &messages);
    char *summary = jd_tasklist_summary(list, &info);
    ck_assert_str_eq(
        summary,
        "task list (TSV, UTF-8)\n"
        "  title: 西青区政府工作报告2023年重点工作任务清单\n"
        "  tasks: 123   unit rows: 197   distinct units: 53   leaders: 9\n"
        "  plans: 41 whole-year, 156 by quarter, 0 partial (some quarters without plan)\n"
        "  leaders: 梁军 40, 庞铁强 29, 陈力予 24, 张建凤 24, 柴树芳 22, 鲍杰 7, 殷学武 6, "
        "梁军强 2, 区委分管领导 1\n"
        "  warnings: 12\n");
    /* ids 1–123 in order, each once: the page-break repeat of 117 was merged */
    const jd_value *tasks = jd_object_get(list, "tasks");
    ck_assert_uint_eq(jd_array_length(tasks), 123);
    for (size_t i = 0; i < jd_array_length(tasks); i++)
        ck_assert_int_eq(jd_object_get_int(jd_array_get(tasks, i), "id", 0), (int64_t)i + 1);
    ck_assert_int_eq(info.kind, JD_DATA_TASK_LIST);
    g_free(summary);
    g_free(messages);
    jd_value_unref(list);
}
END_TEST

START_TEST(seed_warnings)
{
    char *messages;
    jd_value *list = import_seed(NULL, &messages);
    ck_assert_str_eq(
        messages,
        "tasks.tsv:62:129: warning: dropped 1 empty field after the last column (the header has 8 "
        "columns)\n"
        "tasks.tsv:63:321: warning: dropped 1 empty field after the last column (the header has 8 "
        "columns)\n"
        "tasks.tsv:64:113: warning: dropped 1 empty field after the last column (the header has 8 "
        "columns)\n"
        "tasks.tsv:65:109: warning: dropped empty field 8 inside the quarter cells: the row has 9 "
        "fields but the header has 8 (an export artifact after a merged cell)\n"
        "tasks.tsv:66:141: warning: dropped 1 empty field after the last column (the header has 8 "
        "columns)\n"
        "tasks.tsv:67:172: warning: dropped 1 empty field after the last column (the header has 8 "
        "columns)\n"
        "tasks.tsv:142:302: warning: dropped 1 empty field after the last column (the header has 8 "
        "columns)\n"
        "tasks.tsv:143:443: warning: dropped 1 empty field after the last column (the header has 8 "
        "columns)\n"
        "tasks.tsv:144:187: warning: dropped empty field 7 inside the quarter cells: the row has 9 "
        "fields but the header has 8 (an export artifact after a merged cell)\n"
        "tasks.tsv:145:76: warning: dropped 1 empty field after the last column (the header has 8 "
        "columns)\n"
        "tasks.tsv:146:22: warning: dropped 1 empty field after the last column (the header has 8 "
        "columns)\n"
        "tasks.tsv:152:255: warning: leader '梁军强' (2 tasks) looks like '梁军' (40 tasks) with "
        "one extra character; check the source");
    g_free(messages);
    jd_value_unref(list);
}
END_TEST

static void assert_plan(const jd_value *unit, const char *expected)
{
    GString *actual = g_string_new(NULL);
    const jd_value *plan = jd_object_get(unit, "plan");
    for (size_t i = 0; i < jd_array_length(plan); i++)
        g_string_append_printf(actual, "%s%" G_GINT64_FORMAT "-%" G_GINT64_FORMAT, i ? " " : "",
                               jd_object_get_int(jd_array_get(plan, i), "from", 0),
                               jd_object_get_int(jd_array_get(plan, i), "to", 0));
    ck_assert_str_eq(actual->str, expected);
    g_string_free(actual, TRUE);
}

static char *names_of(const jd_value *array)
{
    GString *s = g_string_new(NULL);
    for (size_t i = 0; i < jd_array_length(array); i++)
        g_string_append_printf(s, "%s%s", i ? "|" : "", jd_value_string(jd_array_get(array, i)));
    return g_string_free(s, FALSE);
}

static void assert_names(const jd_value *array, const char *expected)
{
    char *actual = names_of(array);
    ck_assert_str_eq(actual, expected);
    g_free(actual);
}

START_TEST(seed_task_content)
{
    char *messages;
    jd_value *list = import_seed(NULL, &messages);

    /* the full content of tasks 1, 10, 23, 31, 43, 53, 69 and 117, checked by hand against
     * the source rows */
    char *path = jt_fixture("import/xiqing-selected.json");
    char *text = jt_read(path);
    jd_value *expected = jd_value_from_json(text, strlen(text), path, NULL);
    ck_assert_uint_eq(jd_array_length(expected), 8);
    for (size_t i = 0; i < jd_array_length(expected); i++) {
        const jd_value *want = jd_array_get(expected, i);
        const jd_value *got = jti_task(list, jd_object_get_int(want, "id", 0));
        char *want_json = jti_json(want), *got_json = jti_json(got);
        ck_assert_str_eq(got_json, want_json);
        g_free(want_json);
        g_free(got_json);
    }

    /* whole-year plan, one unit */
    const jd_value *units = jd_object_get(jti_task(list, 1), "units");
    ck_assert_uint_eq(jd_array_length(units), 1);
    assert_plan(jd_array_get(units, 0), "1-4");
    /* line 65, shifted: Q2 covers 2–4 and the leader moves back into its column */
    const jd_value *t23 = jti_task(list, 23);
    assert_plan(jd_array_get(jd_object_get(t23, "units"), 0), "1-1 2-4");
    assert_names(jd_object_get(t23, "leaders"), "陈力予");
    /* line 144, shifted: Q1 covers 1–3, the fourth-quarter text is 4–4; "梁 军" joined */
    const jd_value *t53 = jti_task(list, 53);
    assert_plan(jd_array_get(jd_object_get(t53, "units"), 0), "1-3 4-4");
    assert_names(jd_object_get(t53, "leaders"), "梁军|庞铁强");
    /* five unit rows; a gap after a filled quarter belongs to it */
    const jd_value *t43 = jti_task(list, 43);
    ck_assert_uint_eq(jd_array_length(jd_object_get(t43, "units")), 5);
    assert_plan(jd_array_get(jd_object_get(t43, "units"), 0), "1-2 3-4");
    assert_names(jd_object_get(jd_array_get(jd_object_get(t43, "units"), 0), "names"),
                 "发展改革委|各街镇");
    /* split by a page break (lines 306 and 312): one task, six units, leaders once each */
    const jd_value *t117 = jti_task(list, 117);
    ck_assert_uint_eq(jd_array_length(jd_object_get(t117, "units")), 6);
    assert_names(jd_object_get(t117, "leaders"), "梁军|陈力予|庞铁强");
    assert_names(jd_object_get(jd_array_get(jd_object_get(t117, "units"), 3), "names"),
                 "市场监管局|各街镇|经开集团");
    /* continuation row at line 10 */
    assert_names(jd_object_get(jd_array_get(jd_object_get(jti_task(list, 3), "units"), 1), "names"),
                 "审计局");

    jd_value_unref(expected);
    g_free(text);
    g_free(path);
    g_free(messages);
    jd_value_unref(list);
}
END_TEST

/* The seed rewritten as CSV: fields quoted when they hold a comma, quote or line end. The
 * seed has no quoted field, so splitting it at tabs and line ends is exact. */
static GString *seed_as_csv(const char *tsv, const char *line_end)
{
    GString *csv = g_string_new(NULL);
    char **lines = g_strsplit(tsv, "\n", -1);
    for (char **line = lines; *line; line++) {
        if (!line[1] && !**line) break; /* after the final line end */
        char **fields = g_strsplit(*line, "\t", -1);
        for (char **f = fields; *f; f++) {
            if (f != fields) g_string_append_c(csv, ',');
            if (strpbrk(*f, ",\"\r\n")) {
                char **parts = g_strsplit(*f, "\"", -1);
                char *doubled = g_strjoinv("\"\"", parts);
                g_string_append_printf(csv, "\"%s\"", doubled);
                g_free(doubled);
                g_strfreev(parts);
            } else {
                g_string_append(csv, *f);
            }
        }
        g_string_append(csv, line_end);
        g_strfreev(fields);
    }
    g_strfreev(lines);
    return csv;
}

static GString *converted(const char *utf8, size_t len, const char *charset, const char *bom,
                          size_t bom_len)
{
    gsize out_len = 0;
    char *out = g_convert(utf8, (gssize)len, charset, "UTF-8", NULL, &out_len, NULL);
    ck_assert_ptr_nonnull(out);
    GString *s = g_string_new_len(bom, (gssize)bom_len);
    g_string_append_len(s, out, (gssize)out_len);
    g_free(out);
    return s;
}

START_TEST(seed_same_tree_from_every_encoding_and_format)
{
    size_t len;
    char *utf8 = jti_seed(&len);
    char *base_messages;
    jd_value *base = jti_import_bytes(utf8, len, "tasks.tsv", JD_FORMAT_AUTO, NULL, &base_messages);
    ck_assert_ptr_nonnull(base);

    GString *crlf = g_string_new(NULL);
    for (const char *p = utf8; *p; p++) {
        if (*p == '\n') g_string_append_c(crlf, '\r');
        g_string_append_c(crlf, *p);
    }
    GString *csv = seed_as_csv(utf8, "\r\n");
    struct {
        const char *what, *name;
        GString *data; /* owned */
        jd_format format;
        jd_encoding encoding;
        bool same_positions;
    } variants[] = {
        {"UTF-8 with BOM", "tasks.tsv", converted(utf8, len, "UTF-8", "\xEF\xBB\xBF", 3),
         JD_FORMAT_TSV, JD_ENCODING_UTF8_BOM, true},
        {"GB18030", "tasks.tsv", converted(utf8, len, "GB18030", "", 0), JD_FORMAT_TSV,
         JD_ENCODING_GB18030, true},
        {"UTF-16LE", "tasks.tsv", converted(utf8, len, "UTF-16LE", "\xFF\xFE", 2), JD_FORMAT_TSV,
         JD_ENCODING_UTF16LE, true},
        {"CRLF", "tasks.tsv", crlf, JD_FORMAT_TSV, JD_ENCODING_UTF8, true},
        {"CSV in GB18030, sniffed", "export", converted(csv->str, csv->len, "GB18030", "", 0),
         JD_FORMAT_CSV, JD_ENCODING_GB18030, false},
        {"CSV", "tasks.csv", csv, JD_FORMAT_CSV, JD_ENCODING_UTF8, false},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(variants); i++) {
        jd_import_info info;
        char *messages;
        jd_value *list = jti_import_bytes(variants[i].data->str, variants[i].data->len,
                                          variants[i].name, JD_FORMAT_AUTO, &info, &messages);
        ck_assert_msg(list && jd_value_equal(list, base), "%s: not the same tree",
                      variants[i].what);
        ck_assert_int_eq(info.format, variants[i].format);
        ck_assert_int_eq(info.encoding, variants[i].encoding);
        ck_assert_uint_eq(info.warnings, 12);
        if (variants[i].same_positions) ck_assert_str_eq(messages, base_messages);
        g_free(messages);
        jd_value_unref(list);
        g_string_free(variants[i].data, TRUE);
    }
    g_free(base_messages);
    jd_value_unref(base);
    g_free(utf8);
}
END_TEST

START_TEST(seed_json_round_trip)
{
    char *messages;
    jd_value *list = import_seed(NULL, &messages);
    char *json = jd_value_to_json(list, true);
    jd_import_info info;
    char *json_messages;
    jd_value *back =
        jti_import_bytes(json, strlen(json), "tasks.json", JD_FORMAT_AUTO, &info, &json_messages);
    ck_assert_ptr_nonnull(back);
    ck_assert_int_eq(info.format, JD_FORMAT_JSON);
    ck_assert(jd_value_equal(list, back));
    char *again = jd_value_to_json(back, true);
    ck_assert_str_eq(again, json);
    /* the JSON holds the same leader slip, now pointing into the JSON file */
    ck_assert_uint_eq(info.warnings, 1);
    ck_assert(g_str_has_prefix(json_messages, "tasks.json:"));
    ck_assert(strstr(json_messages, "leader '梁军强' (2 tasks) looks like '梁军' (40 tasks)"));
    g_free(again);
    g_free(json_messages);
    jd_value_unref(back);
    g_free(json);
    g_free(messages);
    jd_value_unref(list);
}
END_TEST

/* Damaged copies of the seed and random bytes, in every format: the importer must return
 * a tree exactly when it reported no error, and never crash (ASan runs check the rest). */
START_TEST(damaged_input_never_crashes)
{
    static const char inserts[] = {'\t', '"', '\n', '\r', '\0', ',', '<', '>', '&', '\xff', '\xe5'};
    const jd_format formats[] = {JD_FORMAT_AUTO, JD_FORMAT_TSV, JD_FORMAT_CSV, JD_FORMAT_JSON};
    size_t len;
    char *seed = jti_seed(&len);
    GRand *rand = g_rand_new_with_seed(20230117);
    size_t accepted = 0, rejected = 0;
    for (int round = 0; round < 120; round++) {
        GString *data = g_string_new_len(seed, (gssize)len);
        for (int k = g_rand_int_range(rand, 1, 8); k > 0 && data->len > 0; k--) {
            gsize at = (gsize)g_rand_int_range(rand, 0, (gint32)data->len);
            switch (g_rand_int_range(rand, 0, 4)) {
            case 0:
                data->str[at] = (char)g_rand_int_range(rand, 0, 256);
                break;
            case 1:
                g_string_insert_c(data, (gssize)at,
                                  inserts[g_rand_int_range(rand, 0, sizeof inserts)]);
                break;
            case 2: {
                /* drawn once: MIN would draw it twice, and erase past the end */
                gsize cut = (gsize)g_rand_int_range(rand, 1, 400);
                g_string_erase(data, (gssize)at, (gssize)MIN(cut, data->len - at));
                break;
            }
            default:
                g_string_truncate(data, at);
                break;
            }
        }
        char *messages;
        jd_value *list = jti_import_bytes(data->str, data->len, "damaged",
                                          formats[round % G_N_ELEMENTS(formats)], NULL, &messages);
        list ? accepted++ : rejected++;
        jd_value_unref(list);
        g_free(messages);
        g_string_free(data, TRUE);
    }
    for (int round = 0; round < 1000; round++) {
        char bytes[200];
        gsize n = (gsize)g_rand_int_range(rand, 0, sizeof bytes);
        for (gsize i = 0; i < n; i++)
            bytes[i] =
                (char)(g_rand_boolean(rand) ? inserts[g_rand_int_range(rand, 0, sizeof inserts)]
                                            : g_rand_int_range(rand, 0, 256));
        char *messages;
        jd_value *list = jti_import_bytes(bytes, n, "random",
                                          formats[round % G_N_ELEMENTS(formats)], NULL, &messages);
        list ? accepted++ : rejected++;
        jd_value_unref(list);
        g_free(messages);
    }
    /* both outcomes happen: the damage is neither always fatal nor always harmless */
    ck_assert_uint_gt(accepted, 0);
    ck_assert_uint_gt(rejected, 0);
    g_rand_free(rand);
    g_free(seed);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("import seed");
    TCase *tc = tcase_create("seed");
    tcase_add_test(tc, seed_counts);
    tcase_add_test(tc, seed_warnings);
    tcase_add_test(tc, seed_task_content);
    tcase_add_test(tc, seed_same_tree_from_every_encoding_and_format);
    tcase_add_test(tc, seed_json_round_trip);
    tcase_add_test(tc, damaged_input_never_crashes);
    suite_add_tcase(s, tc);
    return jt_main(s);
}
