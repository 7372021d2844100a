/* The importer's entry points: a file, a folder or bytes in memory → a validated task-list
 * or progress tree, by what the content is. */
#include <string.h>

#include "jd_import_layers.h"

const char *jd_data_kind_binding(jd_data_kind k)
{
    switch (k) {
    case JD_DATA_TASK_LIST:
        return "list";
    case JD_DATA_PROGRESS:
        return "progress";
    case JD_DATA_UNKNOWN:
        break;
    }
    return NULL;
}

static bool is_blank_text(const char *text)
{
    for (const char *p = text; *p; p = g_utf8_next_char(p))
        if (!g_unichar_isspace(g_utf8_get_char(p))) return false;
    return true;
}

/* A JSON object with "reports" is progress data; anything else must be a task list. */
static jd_value *import_json(const char *text, size_t len, const char *name,
                             const jd_import_options *options, jd_data_kind *kind, jd_diags *diags)
{
    jd_value *tree = jd_value_from_json(text, len, name, diags);
    if (!tree) return NULL;
    jd_value *result = NULL;
    bool progress = jd_value_kind_of(tree) == JD_VALUE_OBJECT && jd_object_get(tree, "reports") &&
                    !jd_object_get(tree, "tasks");
    *kind = progress ? JD_DATA_PROGRESS : JD_DATA_TASK_LIST;
    if (progress)
        result = jd_progress_from_json(tree, name, options, diags);
    else if (jd_value_kind_of(tree) != JD_VALUE_OBJECT || !jd_object_get(tree, "tasks"))
        jd_diags_add(diags, JD_ERROR, name, jd_value_line(tree), jd_value_col(tree),
                     "not a task list: expected a JSON object with \"title\" and \"tasks\"");
    else if (jd_tasklist_validate(tree, name, diags))
        result = jd_tasklist_canonical(tree);
    jd_value_unref(tree);
    return result;
}

static jd_value *import_delimited(const char *text, size_t len, char delimiter, const char *name,
                                  const jd_import_options *options, jd_data_kind *kind,
                                  jd_diags *diags)
{
    jd_records *records = jd_records_new(text, len, delimiter, name, diags);
    jd_value *result;
    if (jd_records_are_progress(records)) {
        *kind = JD_DATA_PROGRESS;
        result = jd_progress_from_records(records, name, options, diags);
    } else {
        *kind = JD_DATA_TASK_LIST;
        result = jd_tasklist_from_records(records, name, diags);
    }
    jd_records_free(records);
    return result;
}

jd_value *jd_import_data(const char *data, size_t len, const char *name, jd_format format,
                         jd_import_info *info, jd_diags *diags)
{
    jd_import_options options = {format, NULL, NULL};
    return jd_import_data_with(data, len, name, &options, info, diags);
}

jd_value *jd_import_data_with(const char *data, size_t len, const char *name,
                              const jd_import_options *options, jd_import_info *info,
                              jd_diags *diags)
{
    jd_format format = options->format;
    jd_data_kind kind = JD_DATA_UNKNOWN;
    jd_tally tally;
    diags = jd_tally_begin(&tally, diags);
    jd_encoding encoding = JD_ENCODING_UTF8;
    size_t text_len = 0;
    char *text = jd_text_decode(data, len, name, &encoding, &text_len, diags);
    jd_value *result = NULL;
    if (text && is_blank_text(text)) {
        jd_diags_add(diags, JD_ERROR, name, 1, 1, "empty file");
    } else if (text) {
        if (format == JD_FORMAT_AUTO) format = jd_format_detect(name, text);
        if (format == JD_FORMAT_JSON)
            result = import_json(text, text_len, name, options, &kind, diags);
        else
            result = import_delimited(text, text_len, format == JD_FORMAT_CSV ? ',' : '\t', name,
                                      options, &kind, diags);
        if (result && kind == JD_DATA_TASK_LIST) jd_tasklist_check_leaders(result, name, diags);
    }
    g_free(text);
    if (jd_tally_errors(&tally) > 0) {
        jd_value_unref(result);
        result = NULL;
    }
    if (info) {
        info->format = format;
        info->encoding = encoding;
        info->kind = result ? kind : JD_DATA_UNKNOWN;
        info->warnings = jd_tally_warnings(&tally);
        info->files = 1;
    }
    jd_tally_end(&tally);
    return result;
}

jd_value *jd_import_file(const char *path, jd_format format, jd_import_info *info, jd_diags *diags)
{
    jd_import_options options = {format, NULL, NULL};
    return jd_import_file_with(path, &options, info, diags);
}

jd_value *jd_import_file_with(const char *path, const jd_import_options *options,
                              jd_import_info *info, jd_diags *diags)
{
    if (g_file_test(path, G_FILE_TEST_IS_DIR))
        return jd_progress_read_folder(path, options, info, diags);
    jd_format format = options->format;
    size_t len = 0;
    char *data = jd_read_file(path, &len, diags);
    if (!data) {
        if (info) *info = (jd_import_info){format, JD_ENCODING_UTF8, JD_DATA_UNKNOWN, 0, 0};
        return NULL;
    }
    jd_value *result = jd_import_data_with(data, len, path, options, info, diags);
    g_free(data);
    return result;
}
