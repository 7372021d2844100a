/* The importer's entry points: a file or bytes in memory → a validated task-list tree. */
#include <string.h>

#include "jd_import_layers.h"

const char *jd_data_kind_binding(jd_data_kind k)
{
    return k == JD_DATA_TASK_LIST ? "list" : NULL;
}

static bool is_blank_text(const char *text)
{
    for (const char *p = text; *p; p = g_utf8_next_char(p))
        if (!g_unichar_isspace(g_utf8_get_char(p))) return false;
    return true;
}

static jd_value *import_json(const char *text, size_t len, const char *name, jd_diags *diags)
{
    jd_value *tree = jd_value_from_json(text, len, name, diags);
    if (!tree) return NULL;
    jd_value *list = NULL;
    if (jd_value_kind_of(tree) != JD_VALUE_OBJECT || !jd_object_get(tree, "tasks"))
        jd_diags_add(diags, JD_ERROR, name, jd_value_line(tree), jd_value_col(tree),
                     "not a task list: expected a JSON object with \"title\" and \"tasks\"");
    else if (jd_tasklist_validate(tree, name, diags))
        list = jd_tasklist_canonical(tree);
    jd_value_unref(tree);
    return list;
}

static jd_value *import_delimited(const char *text, size_t len, char delimiter, const char *name,
                                  jd_diags *diags)
{
    jd_records *records = jd_records_new(text, len, delimiter, name, diags);
    jd_value *list = jd_tasklist_from_records(records, name, diags);
    jd_records_free(records);
    return list;
}

jd_value *jd_import_data(const char *data, size_t len, const char *name, jd_format format,
                         jd_import_info *info, jd_diags *diags)
{
    size_t errors_before = jd_diags_count_severity(diags, JD_ERROR);
    size_t warnings_before = jd_diags_count_severity(diags, JD_WARNING);
    jd_encoding encoding = JD_ENCODING_UTF8;
    size_t text_len = 0;
    char *text = jd_text_decode(data, len, name, &encoding, &text_len, diags);
    jd_value *list = NULL;
    if (text && is_blank_text(text)) {
        jd_diags_add(diags, JD_ERROR, name, 1, 1, "empty file");
    } else if (text) {
        if (format == JD_FORMAT_AUTO) format = jd_format_detect(name, text);
        if (format == JD_FORMAT_JSON)
            list = import_json(text, text_len, name, diags);
        else
            list =
                import_delimited(text, text_len, format == JD_FORMAT_CSV ? ',' : '\t', name, diags);
        if (list) jd_tasklist_check_leaders(list, name, diags);
    }
    g_free(text);
    if (jd_diags_count_severity(diags, JD_ERROR) > errors_before) {
        jd_value_unref(list);
        list = NULL;
    }
    if (info) {
        info->format = format;
        info->encoding = encoding;
        info->kind = list ? JD_DATA_TASK_LIST : JD_DATA_UNKNOWN;
        info->warnings = jd_diags_count_severity(diags, JD_WARNING) - warnings_before;
    }
    return list;
}

jd_value *jd_import_file(const char *path, jd_format format, jd_import_info *info, jd_diags *diags)
{
    size_t len = 0;
    char *data = jd_read_file(path, &len, diags);
    if (!data) {
        if (info) *info = (jd_import_info){format, JD_ENCODING_UTF8, JD_DATA_UNKNOWN, 0};
        return NULL;
    }
    jd_value *list = jd_import_data(data, len, path, format, info, diags);
    g_free(data);
    return list;
}
