#include <string.h>

#include "jd_data.h"
#include "testutil.h"

START_TEST(build_and_write_canonical_json)
{
    jd_value *o = jd_value_new_object();
    jd_object_set(o, "title", jd_value_new_string("清单 \"一\"\n"));
    jd_object_set(o, "id", jd_value_new_int(7));
    jd_object_set(o, "ratio", jd_value_new_double(5.2));
    jd_object_set(o, "whole", jd_value_new_double(3));
    jd_value *a = jd_value_new_array();
    jd_array_append(a, jd_value_new_bool(true));
    jd_array_append(a, jd_value_new_null());
    jd_object_set(o, "list", a);
    jd_object_set(o, "empty", jd_value_new_array());
    char *json = jd_value_to_json(o, true);
    ck_assert_str_eq(json, "{\n  \"title\": \"清单 \\\"一\\\"\\n\",\n  \"id\": 7,\n  \"ratio\": 5.2,\n"
                           "  \"whole\": 3.0,\n  \"list\": [\n    true,\n    null\n  ],\n  \"empty\": []\n}\n");
    char *compact = jd_value_to_json(o, false);
    ck_assert_str_eq(compact, "{\"title\":\"清单 \\\"一\\\"\\n\",\"id\":7,\"ratio\":5.2,\"whole\":3.0,\"list\":[true,null],\"empty\":[]}");
    g_free(compact);
    /* read back: equal tree, identical text */
    jd_diags *d = jd_diags_new();
    jd_value *back = jd_value_from_json(json, strlen(json), "x.json", d);
    ck_assert_ptr_nonnull(back);
    ck_assert(jd_value_equal(o, back));
    ck_assert_int_eq(jd_value_kind_of(jd_object_get(back, "whole")), JD_VALUE_DOUBLE);
    char *again = jd_value_to_json(back, true);
    ck_assert_str_eq(again, json);
    ck_assert_int_eq(jd_value_line(jd_object_get(back, "ratio")), 4);
    g_free(again);
    g_free(json);
    jd_value_unref(back);
    jd_value_unref(o);
    jd_diags_free(d);
}
END_TEST

START_TEST(object_replaces_and_indexes_many_keys)
{
    jd_value *o = jd_value_new_object();
    for (int i = 0; i < 40; i++) {
        char k[8];
        g_snprintf(k, sizeof k, "k%d", i);
        jd_object_set(o, k, jd_value_new_int(i));
    }
    jd_object_set(o, "k3", jd_value_new_string("three"));
    ck_assert_int_eq(jd_object_size(o), 40);
    ck_assert_str_eq(jd_object_get_string(o, "k3"), "three");
    ck_assert_int_eq(jd_object_get_int(o, "k39", -1), 39);
    ck_assert_ptr_null(jd_object_get(o, "k40"));
    ck_assert_str_eq(jd_object_key(o, 3), "k3");
    jd_value_unref(o);
}
END_TEST

START_TEST(json_syntax_error_has_position)
{
    const char *text = "{\n  \"a\": 1,\n  \"b\": [1, 2,, 3]\n}";
    jd_diags *d = jd_diags_new();
    ck_assert_ptr_null(jd_value_from_json(text, strlen(text), "bad.json", d));
    ck_assert_int_eq(jd_diags_count(d), 1);
    ck_assert_int_eq(jd_diag_line(jd_diags_get(d, 0)), 3);
    ck_assert_str_eq(jd_diag_file(jd_diags_get(d, 0)), "bad.json");
    jd_diags_free(d);
}
END_TEST

START_TEST(json_invalid_utf8_has_position)
{
    const char *text = "{\"a\": \"ok\",\n \"b\": \"\xff\"}";
    jd_diags *d = jd_diags_new();
    ck_assert_ptr_null(jd_value_from_json(text, strlen(text), "bad.json", d));
    char *s = jd_diag_format(jd_diags_get(d, 0));
    ck_assert_str_eq(s, "bad.json:2:8: error: invalid UTF-8 in JSON text");
    g_free(s);
    jd_diags_free(d);
}
END_TEST

START_TEST(text_of_scalars)
{
    jd_value *v = jd_value_new_double(3.0);
    char *t = jd_value_to_text(v);
    ck_assert_str_eq(t, "3");
    g_free(t);
    jd_value_unref(v);
    v = jd_value_new_double(0.1);
    t = jd_value_to_text(v);
    ck_assert_str_eq(t, "0.1");
    g_free(t);
    jd_value_unref(v);
    t = jd_value_to_text(NULL);
    ck_assert_str_eq(t, "");
    g_free(t);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("data");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, build_and_write_canonical_json);
    tcase_add_test(tc, object_replaces_and_indexes_many_keys);
    tcase_add_test(tc, json_syntax_error_has_position);
    tcase_add_test(tc, json_invalid_utf8_has_position);
    tcase_add_test(tc, text_of_scalars);
    suite_add_tcase(s, tc);
    return jt_main(s);
}
