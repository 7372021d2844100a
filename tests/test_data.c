#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

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

/* Many keys: the index grows with the object, finds every key and misses; a key set
 * again replaces its value in place; a copy keeps order and values and shares the keys. */
START_TEST(object_replaces_and_indexes_many_keys)
{
    jd_value *o = jd_value_new_object();
    for (int i = 0; i < 1000; i++) {
        char k[16];
        g_snprintf(k, sizeof k, "键%d", i);
        jd_object_set(o, k, jd_value_new_int(i));
        ck_assert_int_eq(jd_object_index(o, k), i);
    }
    jd_object_set(o, "键3", jd_value_new_string("three"));
    ck_assert_int_eq(jd_object_size(o), 1000);
    ck_assert_str_eq(jd_object_get_string(o, "键3"), "three");
    ck_assert_str_eq(jd_object_key(o, 3), "键3");
    for (int i = 4; i < 1000; i++) {
        char k[16];
        g_snprintf(k, sizeof k, "键%d", i);
        ck_assert_int_eq(jd_object_get_int(o, k, -1), i);
    }
    ck_assert_ptr_null(jd_object_get(o, "键1000"));
    jd_value *c = jd_value_copy(o);
    ck_assert_ptr_eq(jd_object_key(c, 7), jd_object_key(o, 7));
    ck_assert(jd_value_equal(o, c));
    jd_value_unref(o);
    ck_assert_str_eq(jd_object_key(c, 999), "键999");
    jd_value_unref(c);
}
END_TEST

/* jd_object_with: the members of the original in its order, sharing keys and values, with
 * one member replaced in place or added last, for objects below and past the size where an
 * object gets its index (every member is found by its key in both). */
START_TEST(object_with_one_member_more)
{
    for (int size = 0; size <= 40; size++) {
        jd_value *o = jd_value_new_object();
        jd_value_set_pos(o, 7, 3);
        for (int i = 0; i < size; i++) {
            char k[16];
            g_snprintf(k, sizeof k, "k%d", i);
            jd_object_set(o, k, jd_value_new_int(i));
        }
        jd_value *added = jd_object_with(o, "state", jd_value_new_string("滞后"));
        ck_assert_int_eq(jd_object_size(added), size + 1);
        ck_assert_int_eq(jd_value_line(added), 7);
        ck_assert_int_eq(jd_value_col(added), 3);
        ck_assert_str_eq(jd_object_key(added, (size_t)size), "state");
        ck_assert_str_eq(jd_object_get_string(added, "state"), "滞后");
        for (int i = 0; i < size; i++) {
            char k[16];
            g_snprintf(k, sizeof k, "k%d", i);
            ck_assert_str_eq(jd_object_key(added, (size_t)i), k);
            ck_assert_ptr_eq(jd_object_key(added, (size_t)i), jd_object_key(o, (size_t)i));
            ck_assert_ptr_eq(jd_object_get(added, k), jd_object_get(o, k));
        }
        ck_assert_int_eq(jd_object_size(o), size); /* the original is left as it was */
        ck_assert_ptr_null(jd_object_get(o, "state"));
        if (size > 0) {
            jd_value *replaced = jd_object_with(o, "k0", jd_value_new_string("zero"));
            ck_assert_int_eq(jd_object_size(replaced), size);
            ck_assert_str_eq(jd_object_key(replaced, 0), "k0");
            ck_assert_str_eq(jd_object_get_string(replaced, "k0"), "zero");
            ck_assert_int_eq(jd_object_get_int(o, "k0", -1), 0);
            /* one member more still finds every key */
            jd_object_set(replaced, "more", jd_value_new_int(-1));
            ck_assert_int_eq(jd_object_get_int(replaced, "more", 0), -1);
            ck_assert_int_eq(jd_object_get_int(replaced, "k1", -1), size > 1 ? 1 : -1);
            jd_value_unref(replaced);
        }
        jd_value_unref(o);
        ck_assert_int_eq(jd_object_get_int(added, size ? "k0" : "none", -1), size ? 0 : -1);
        jd_value_unref(added);
    }
}
END_TEST

/* An object given room for n members first (some set before, some after) finds each of
 * them and more, whatever n is below or past the size where its index starts. */
START_TEST(reserved_object_finds_every_member)
{
    for (int n = 0; n <= 40; n++) {
        for (int before = 0; before <= 9; before += 3) {
            jd_value *o = jd_value_new_object();
            int total = n + before + 5;
            for (int i = 0; i < total; i++) {
                if (i == before) jd_object_reserve(o, (size_t)n);
                char k[16];
                g_snprintf(k, sizeof k, "k%d", i);
                jd_object_set(o, k, jd_value_new_int(i));
            }
            ck_assert_int_eq(jd_object_size(o), total);
            for (int i = 0; i < total; i++) {
                char k[16];
                g_snprintf(k, sizeof k, "k%d", i);
                ck_assert_int_eq(jd_object_index(o, k), i);
            }
            ck_assert_ptr_null(jd_object_get(o, "k-1"));
            jd_value_unref(o);
        }
    }
}
END_TEST

/* Objects built with one jd_builder share each key; "" is a key like any other; the objects
 * keep their keys after the jd_builder is freed, and a key set twice replaces the value. */
START_TEST(shared_keys_outlive_their_table)
{
    jd_builder *keys = jd_builder_new();
    jd_value *a = jd_value_new_object(), *b = jd_value_new_object();
    jd_object_set_with(a, keys, "title", jd_value_new_string("甲"));
    jd_object_set_with(a, keys, "", jd_value_new_int(1));
    jd_object_set_with(b, keys, "title", jd_value_new_string("乙"));
    jd_object_set_with(b, keys, "title", jd_value_new_string("丙"));
    jd_object_set(b, "", jd_value_new_int(2));
    jd_builder_free(keys);
    ck_assert_ptr_eq(jd_object_key(a, 0), jd_object_key(b, 0));
    ck_assert_int_eq(jd_object_size(b), 2);
    ck_assert_str_eq(jd_object_get_string(b, "title"), "丙");
    ck_assert_int_eq(jd_object_get_int(a, "", 0), 1);
    ck_assert_int_eq(jd_object_get_int(b, "", 0), 2);
    char *json = jd_value_to_json(a, false);
    ck_assert_str_eq(json, "{\"title\":\"甲\",\"\":1}");
    g_free(json);
    jd_value_unref(a);
    ck_assert_str_eq(jd_object_key(b, 0), "title");
    jd_value_unref(b);
}
END_TEST

#ifdef __GLIBC__
static size_t heap_in_use(void)
{
    struct mallinfo2 m = mallinfo2();
    return m.uordblks + m.hblkhd;
}

/* Whether mallinfo2 sees what g_malloc takes: not under AddressSanitizer or valgrind,
 * whose allocators replace glibc's. */
static bool heap_is_measured(void)
{
    size_t before = heap_in_use();
    void *probe = g_malloc(1 << 20);
    memset(probe, 1, 1 << 20);
    bool seen = heap_in_use() >= before + (1 << 20);
    g_free(probe);
    return seen;
}

/* What a task list's tree costs, by the allocator's own count (headers included): a list
 * of plan segments, objects of three members {from, to, text} with their own values, built
 * as the importers build them (keys and values from one jd_builder). A GArray per object
 * and a copied key per member took 426 bytes; one block of members with shared keys 221;
 * with the values carved from slabs 184. The bound fails if the tree grows back. */
START_TEST(tree_of_small_objects_is_compact)
{
    enum { N = 20000 };
    if (!heap_is_measured()) {
        fprintf(stderr, "tree_of_small_objects_is_compact: the allocator is not glibc's, "
                        "nothing to measure\n");
        return;
    }
    jd_builder *b = jd_builder_new();
    size_t before = heap_in_use();
    jd_value *list = jd_value_new_array();
    for (int i = 0; i < N; i++) {
        jd_value *seg = jd_value_new_object_in(b);
        jd_value_set_pos(seg, i + 1, 4);
        jd_object_set_with(seg, b, "from", jd_value_new_int_in(b, i % 4 + 1));
        jd_object_set_with(seg, b, "to", jd_value_new_int_in(b, 4));
        jd_object_set_with(seg, b, "text", jd_value_new_string_in(b, "推进"));
        jd_array_append(list, seg);
    }
    size_t per_object = (heap_in_use() - before) / N;
    /* the measure is real: the values themselves take more than 100 bytes */
    ck_assert_uint_gt(per_object, 100);
    ck_assert_uint_le(per_object, 200);
    ck_assert_int_eq(jd_object_get_int(jd_array_get(list, N - 1), "from", 0), (N - 1) % 4 + 1);
    jd_builder_free(b);
    /* freed with their last value: what the tree took is given back */
    jd_value_unref(list);
    ck_assert_uint_lt(heap_in_use(), before + 64 * 1024);
}
END_TEST
#endif

/* Values carved from a builder's slabs live as long as their references, whatever was
 * freed first: the builder, the tree, or values around them (AddressSanitizer sees a
 * slab freed too early; LeakSanitizer one never freed). */
START_TEST(slab_values_live_as_long_as_their_references)
{
    jd_builder *b = jd_builder_new();
    jd_value *list = jd_value_new_array_in(b);
    jd_value *kept = NULL;
    for (int i = 0; i < 5000; i++) { /* several slabs */
        jd_value *task = jd_value_new_object_in(b);
        jd_object_set_with(task, b, "id", jd_value_new_int_in(b, i));
        jd_object_set_with(task, b, "title", jd_value_new_string_in(b, "推进第一项重点工作"));
        jd_object_set_with(task, b, "title", jd_value_new_string_len_in(b, "替换", 6));
        jd_array_append(list, task);
        if (i == 17) kept = jd_value_ref(task);
    }
    /* a string too long for a slab has a block of its own */
    char *long_text = g_strnfill(5000, 'x');
    jd_value *big = jd_value_new_string_in(b, long_text);
    jd_builder_free(b);
    jd_value *copy = jd_value_copy(list);
    jd_value_unref(list);
    ck_assert_int_eq(jd_object_get_int(kept, "id", -1), 17);
    ck_assert_str_eq(jd_object_get_string(kept, "title"), "替换");
    ck_assert_str_eq(jd_value_string(big), long_text);
    ck_assert_int_eq(jd_array_length(copy), 5000);
    ck_assert_int_eq(jd_object_get_int(jd_array_get(copy, 4999), "id", -1), 4999);
    jd_value_unref(kept);
    jd_value_unref(big);
    jd_value_unref(copy);
    g_free(long_text);
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
    tcase_add_test(tc, object_with_one_member_more);
    tcase_add_test(tc, reserved_object_finds_every_member);
    tcase_add_test(tc, shared_keys_outlive_their_table);
    tcase_add_test(tc, slab_values_live_as_long_as_their_references);
#ifdef __GLIBC__
    tcase_add_test(tc, tree_of_small_objects_is_compact);
#endif
    tcase_add_test(tc, json_syntax_error_has_position);
    tcase_add_test(tc, json_invalid_utf8_has_position);
    tcase_add_test(tc, text_of_scalars);
    suite_add_tcase(s, tc);
    return jt_main(s);
}
