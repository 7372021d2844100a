#include "test_import_util.h"

#include <string.h>

#include <zip.h>

void jti_assert_same_without_diags(const jd_value *with, jd_value *without)
{
    ck_assert_msg((with == NULL) == (without == NULL),
                  "with a diagnostics list the result is %s, without one it is %s",
                  with ? "a value" : "NULL", without ? "a value" : "NULL");
    ck_assert(!with || jd_value_equal(with, without));
    jd_value_unref(without);
}

char *jti_diags_text(jd_diags *diags)
{
    jd_diags_sort(diags);
    GString *out = g_string_new(NULL);
    for (size_t i = 0; i < jd_diags_count(diags); i++) {
        char *line = jd_diag_format(jd_diags_get(diags, i));
        g_string_append_printf(out, "%s%s", i ? "\n" : "", line);
        g_free(line);
    }
    return g_string_free(out, FALSE);
}

jd_value *jti_import_fixture(const char *name, jd_format format, jd_import_info *info,
                             jd_diags *diags)
{
    char *relative = g_build_filename("import", name, NULL);
    char *path = jt_fixture(relative);
    char *data = NULL;
    gsize len = 0;
    ck_assert_msg(g_file_get_contents(path, &data, &len, NULL), "cannot read %s", path);
    jd_value *list = jd_import_data(data, len, name, format, info, diags);
    ck_assert_int_eq(list == NULL, jd_diags_has_errors(diags));
    jti_assert_same_without_diags(list, jd_import_data(data, len, name, format, NULL, NULL));
    g_free(data);
    g_free(path);
    g_free(relative);
    return list;
}

jd_value *jti_import_bytes(const char *data, size_t len, const char *name, jd_format format,
                           jd_import_info *info, char **messages)
{
    jd_diags *diags = jd_diags_new();
    jd_value *list = jd_import_data(data, len, name, format, info, diags);
    ck_assert_int_eq(list == NULL, jd_diags_has_errors(diags));
    jti_assert_same_without_diags(list, jd_import_data(data, len, name, format, NULL, NULL));
    *messages = jti_diags_text(diags);
    jd_diags_free(diags);
    return list;
}

char *jti_seed(size_t *len)
{
    char *path = jt_src("samples/xiqing-2023/tasks.tsv");
    char *data = NULL;
    gsize n = 0;
    ck_assert_msg(g_file_get_contents(path, &data, &n, NULL), "cannot read %s", path);
    g_free(path);
    *len = n;
    return data;
}

const jd_value *jti_task(const jd_value *list, int64_t id)
{
    const jd_value *tasks = jd_object_get(list, "tasks");
    for (size_t i = 0; i < jd_array_length(tasks); i++)
        if (jd_object_get_int(jd_array_get(tasks, i), "id", 0) == id) return jd_array_get(tasks, i);
    return NULL;
}

char *jti_json(const jd_value *v)
{
    return jd_value_to_json(v, false);
}

char *jti_xlsx_fixture(const char *name)
{
    char *relative = g_build_filename("xlsx", name, NULL);
    char *path = jt_fixture(relative);
    g_free(relative);
    return path;
}

char *jti_workbook_part(const char *data, size_t len, const char *part)
{
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t *source = zip_source_buffer_create(data, len, 0, &error);
    zip_t *zip = zip_open_from_source(source, ZIP_RDONLY, &error);
    ck_assert_ptr_nonnull(zip);
    zip_stat_t st;
    ck_assert_msg(zip_stat(zip, part, 0, &st) == 0, "the workbook has no part %s", part);
    char *text = g_malloc0(st.size + 1);
    zip_file_t *f = zip_fopen(zip, part, 0);
    ck_assert_int_eq(zip_fread(f, text, st.size), (zip_int64_t)st.size);
    zip_fclose(f);
    zip_discard(zip);
    zip_error_fini(&error);
    return text;
}
