/* The importer's entry points: a file, a folder or bytes in memory → a validated task-list
 * or progress tree, by what the content is. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "jd_import_layers.h"

const char *jd_data_kind_binding(jd_data_kind k)
{
    switch (k) {
    case JD_DATA_TASK_LIST:
        return "list";
    case JD_DATA_PROGRESS:
        return "progress";
    case JD_DATA_INDICATORS:
        return "indicators";
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

/* A JSON object with "reports" is progress data, one with "indicators" indicator data;
 * anything else must be a task list. Frees `text` once read: the text, the tree read from
 * it and the canonical tree are never all in memory at once. */
static jd_value *import_json(char *text, size_t len, const char *name,
                             const jd_import_options *options, jd_data_kind *kind, jd_diags *diags)
{
    jd_value *tree = jd_value_from_json(text, len, name, diags);
    g_free(text);
    if (!tree) return NULL;
    jd_value *result = NULL;
    bool object = jd_value_kind_of(tree) == JD_VALUE_OBJECT && !jd_object_get(tree, "tasks");
    bool progress = object && jd_object_get(tree, "reports");
    bool indicators = object && !progress && jd_object_get(tree, "indicators");
    bool tasks = jd_value_kind_of(tree) == JD_VALUE_OBJECT && jd_object_get(tree, "tasks");
    *kind = progress ? JD_DATA_PROGRESS : indicators ? JD_DATA_INDICATORS : tasks ? JD_DATA_TASK_LIST : JD_DATA_UNKNOWN;
    if (progress)
        result = jd_progress_from_json(tree, name, options, diags);
    else if (indicators)
        result = jd_indicators_from_json(tree, name, diags);
    else if (jd_value_kind_of(tree) != JD_VALUE_OBJECT || !jd_object_get(tree, "tasks"))
        jd_diags_add(diags, JD_ERROR, name, jd_value_line(tree), jd_value_col(tree),
                     "not a task list: expected a JSON object with \"title\" and \"tasks\"");
    else if (jd_tasklist_validate(tree, name, diags))
        result = jd_tasklist_canonical(tree);
    jd_value_unref(tree);
    return result;
}

/* Rows of fields → a task list, progress data or indicators, by what the header names. */
static jd_value *import_records(const jd_records *records, const char *name,
                                const jd_import_options *options, jd_data_kind *kind,
                                jd_diags *diags)
{
    if (jd_records_are_indicators(records)) {
        *kind = JD_DATA_INDICATORS;
        return jd_indicators_from_records(records, name, diags);
    }
    if (jd_records_are_progress(records)) {
        *kind = JD_DATA_PROGRESS;
        return jd_progress_from_records(records, name, options, diags);
    }
    /* a task list only once its header is found: rows without one may be anything */
    *kind = jd_records_are_tasklist(records) ? JD_DATA_TASK_LIST : JD_DATA_UNKNOWN;
    return jd_tasklist_from_records(records, name, diags);
}

/* `owned` (the same bytes as `data`, or NULL) is freed once decoded, and the decoded text
 * once split into records: a file's bytes, its text, its records and its tree are never all
 * in memory at once. */
static jd_value *import_text(const char *data, size_t len, char *owned, const char *name,
                             const jd_import_options *options, jd_format *format,
                             jd_encoding *encoding, jd_data_kind *kind, jd_diags *diags)
{
    size_t text_len = 0;
    char *text = jd_text_decode(data, len, name, encoding, &text_len, diags);
    g_free(owned);
    jd_value *result = NULL;
    if (text && is_blank_text(text)) {
        jd_diags_add(diags, JD_ERROR, name, 1, 1, "empty file");
    } else if (text) {
        if (*format == JD_FORMAT_AUTO) *format = jd_format_detect(name, text);
        if (*format == JD_FORMAT_JSON) {
            result = import_json(text, text_len, name, options, kind, diags);
            text = NULL;
        } else {
            jd_records *records = jd_records_new(
                text, text_len, *format == JD_FORMAT_CSV ? ',' : '\t', name, diags);
            g_free(text);
            text = NULL;
            result = import_records(records, name, options, kind, diags);
            jd_records_free(records);
        }
    }
    g_free(text);
    return result;
}

/* An .xls is read by FreeXL from a file: bytes in memory go to a temporary one first. */
static jd_records *read_xls_bytes(const char *data, size_t len, const char *path,
                                  const char *name, const char *sheet, char **source,
                                  jd_diags *diags)
{
    if (path) return jd_xls_read(path, name, sheet, source, diags);
    char *tmp = NULL;
    int fd = jd_scratch_file(&tmp);
    if (fd < 0) {
        jd_diags_add(diags, JD_ERROR, name, 0, 0, "cannot read the workbook: %s", g_strerror(errno));
        return NULL;
    }
    jd_records *records = NULL;
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        done += (size_t)n;
    }
    if (done == len)
        records = jd_xls_read(tmp, name, sheet, source, diags);
    else
        jd_diags_add(diags, JD_ERROR, name, 0, 0, "cannot read the workbook: %s", g_strerror(errno));
    close(fd);
    g_free(tmp);
    return records;
}

/* A workbook's sheet → records → a task list, progress data or indicators. */
static jd_value *import_workbook(const char *data, size_t len, const char *path,
                                 const char *name, const jd_import_options *options,
                                 jd_format format, jd_data_kind *kind, char **source_read,
                                 char *sheet_read, size_t sheet_size, jd_diags *diags)
{
    char *source = NULL;
    jd_records *records = NULL;
    if (format == JD_FORMAT_XLSX && !jd_is_zip(data, len))
        jd_diags_add(diags, JD_ERROR, name, 0, 0,
                     "not an .xlsx workbook (a workbook is a zip archive; this file is not one): "
                     "was another file renamed?");
    else if (format == JD_FORMAT_XLSX)
        records = jd_xlsx_read(data, len, name, options->sheet, &source, diags);
    else
        records = read_xls_bytes(data, len, path, name, options->sheet, &source, diags);
    if (!records) return NULL;
    /* the sheet's name, from "name[sheet]" */
    g_strlcpy(sheet_read, source + strlen(name) + 1, sheet_size);
    char *bracket = strrchr(sheet_read, ']');
    if (bracket && (size_t)(bracket - sheet_read) == strlen(source) - strlen(name) - 2)
        *bracket = '\0';
    jd_value *result = import_records(records, source, options, kind, diags);
    jd_records_free(records);
    *source_read = source;
    return result;
}

jd_value *jd_import_data(const char *data, size_t len, const char *name, jd_format format,
                         jd_import_info *info, jd_diags *diags)
{
    jd_import_options options = {format, NULL, NULL, NULL, NULL};
    return jd_import_data_with(data, len, name, &options, info, diags);
}

/* The format of `data`: the one asked for, else a workbook by its first bytes or its name's
 * extension, else JD_FORMAT_AUTO (text, decided once decoded). */
static jd_format workbook_format(const char *data, size_t len, const char *name, jd_format asked)
{
    if (asked != JD_FORMAT_AUTO) return asked;
    if (jd_is_zip(data, len)) return JD_FORMAT_XLSX;
    if (jd_is_compound_file(data, len)) return JD_FORMAT_XLS;
    jd_format by_name = jd_format_detect(name, "");
    return by_name == JD_FORMAT_XLSX || by_name == JD_FORMAT_XLS ? by_name : JD_FORMAT_AUTO;
}

/* `owned`: see import_text. */
static jd_value *import_bytes(const char *data, size_t len, char *owned, const char *path,
                              const char *name, const jd_import_options *options,
                              jd_import_info *info, jd_diags *diags)
{
    jd_format format = workbook_format(data, len, name, options->format);
    jd_data_kind kind = JD_DATA_UNKNOWN;
    jd_tally tally;
    diags = jd_tally_begin(&tally, diags);
    char *not_data = jd_sniff_not_data(data, len);
    if (not_data) {
        jd_diags_add(diags, JD_ERROR, name, 0, 0, "%s", not_data);
        g_free(not_data);
        g_free(owned);
        if (info) *info = (jd_import_info){format, JD_ENCODING_UTF8, JD_DATA_UNKNOWN, 0, 1, "", JD_DATA_UNKNOWN};
        jd_tally_end(&tally);
        return NULL;
    }
    jd_encoding encoding = JD_ENCODING_UTF8;
    char sheet[sizeof info->sheet] = "";
    char *source = NULL; /* a workbook's sheet, "name[sheet]" */
    jd_value *result;
    if (format == JD_FORMAT_XLSX || format == JD_FORMAT_XLS) {
        result = import_workbook(data, len, path, name, options, format, &kind, &source, sheet,
                                 sizeof sheet, diags);
        g_free(owned);
    } else {
        result = import_text(data, len, owned, name, options, &format, &encoding, &kind, diags);
    }
    if (result && kind == JD_DATA_TASK_LIST)
        jd_tasklist_check_leaders(result, source ? source : name, diags);
    g_free(source);
    /* progress read leniently comes back despite the errors of the reports it left out */
    bool lenient = options->rejects && kind == JD_DATA_PROGRESS;
    if (jd_tally_errors(&tally) > 0 && !lenient) {
        jd_value_unref(result);
        result = NULL;
    }
    if (info) {
        info->format = format;
        info->encoding = encoding;
        info->seen = kind;
        info->kind = result ? kind : JD_DATA_UNKNOWN;
        info->warnings = jd_tally_warnings(&tally);
        info->files = 1;
        g_strlcpy(info->sheet, sheet, sizeof info->sheet);
    }
    jd_tally_end(&tally);
    return result;
}

jd_value *jd_import_data_with(const char *data, size_t len, const char *name,
                              const jd_import_options *options, jd_import_info *info,
                              jd_diags *diags)
{
    return import_bytes(data, len, NULL, NULL, name, options, info, diags);
}

bool jd_data_path_split(const char *path, char **file, char **sheet)
{
    *file = *sheet = NULL;
    const char *hash = strrchr(path, '#');
    if (!hash || hash[1] == '\0' || g_file_test(path, G_FILE_TEST_EXISTS)) return false;
    char *before = g_strndup(path, (gsize)(hash - path));
    if (!g_file_test(before, G_FILE_TEST_IS_REGULAR)) {
        g_free(before);
        return false;
    }
    *file = before;
    *sheet = g_strdup(hash + 1);
    return true;
}

jd_value *jd_import_file(const char *path, jd_format format, jd_import_info *info, jd_diags *diags)
{
    jd_import_options options = {format, NULL, NULL, NULL, NULL};
    return jd_import_file_with(path, &options, info, diags);
}

jd_value *jd_import_file_with(const char *path, const jd_import_options *options,
                              jd_import_info *info, jd_diags *diags)
{
    if (g_file_test(path, G_FILE_TEST_IS_DIR))
        return jd_progress_read_folder(path, options, info, diags);
    char *file = NULL, *sheet = NULL;
    jd_import_options with_sheet = *options;
    if (jd_data_path_split(path, &file, &sheet)) {
        with_sheet.sheet = sheet;
        path = file;
    }
    size_t len = 0;
    char *data = jd_read_file(path, &len, diags);
    jd_value *result = NULL;
    if (data)
        result = import_bytes(data, len, data, path, path, &with_sheet, info, diags);
    else if (info)
        *info = (jd_import_info){options->format, JD_ENCODING_UTF8, JD_DATA_UNKNOWN, 0, 0, "", JD_DATA_UNKNOWN};
    g_free(file);
    g_free(sheet);
    return result;
}
