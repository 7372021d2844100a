#include "test_progress_util.h"

#include <string.h>

jd_value *jtp_import_text(const char *text, const char *name, const jd_import_options *options,
                          char **messages)
{
    jd_import_options defaults = {JD_FORMAT_AUTO, NULL, NULL, NULL, NULL};
    jd_diags *diags = jd_diags_new();
    jd_value *tree =
        jd_import_data_with(text, strlen(text), name, options ? options : &defaults, NULL, diags);
    ck_assert_int_eq(tree == NULL, jd_diags_has_errors(diags));
    jti_assert_same_without_diags(
        tree, jd_import_data_with(text, strlen(text), name, options ? options : &defaults, NULL, NULL));
    *messages = jti_diags_text(diags);
    jd_diags_free(diags);
    return tree;
}

jd_value *jtp_import(const char *name, const jd_import_options *options, jd_import_info *info,
                     char **messages)
{
    char *relative = g_build_filename("progress", name, NULL);
    char *path = jt_fixture(relative);
    char *data = NULL;
    gsize len = 0;
    ck_assert_msg(g_file_get_contents(path, &data, &len, NULL), "cannot read %s", path);
    jd_import_options defaults = {JD_FORMAT_AUTO, NULL, NULL, NULL, NULL};
    jd_diags *diags = jd_diags_new();
    jd_value *tree =
        jd_import_data_with(data, len, name, options ? options : &defaults, info, diags);
    ck_assert_int_eq(tree == NULL, jd_diags_has_errors(diags));
    jti_assert_same_without_diags(
        tree, jd_import_data_with(data, len, name, options ? options : &defaults, NULL, NULL));
    *messages = jti_diags_text(diags);
    jd_diags_free(diags);
    g_free(data);
    g_free(path);
    g_free(relative);
    return tree;
}

jd_value *jtp_list(void)
{
    char *messages;
    jd_value *list = jtp_import("list.tsv", NULL, NULL, &messages);
    ck_assert_str_eq(messages, "");
    g_free(messages);
    return list;
}

jd_value *jtp_seed_list(void)
{
    char *path = jt_src("samples/xiqing-2023/tasks.tsv");
    jd_value *list = jd_import_file(path, JD_FORMAT_AUTO, NULL, NULL);
    ck_assert_ptr_nonnull(list);
    g_free(path);
    return list;
}

jd_period jtp_period(const char *text)
{
    jd_period period;
    ck_assert_msg(jd_period_parse(text, &period), "'%s' does not parse", text);
    return period;
}
