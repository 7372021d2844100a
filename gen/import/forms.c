/* Pre-filled progress forms: one CSV per unit with its tasks and the plan in force, for the
 * unit to fill in (Excel, WPS) and send back; reading the returned forms gives the progress
 * data. Also the CSV writer they use. */
#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "jd_import_layers.h"

bool jd_csv_guarded(const char *text)
{
    while (*text == '\'')
        text++;
    /* (a CR reads back as LF: both are guarded) */
    return *text && strchr("=+-@\t\r\n", *text);
}

void jd_csv_append_row(GString *out, const char *const *fields, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *field = fields[i] ? fields[i] : "";
        const char *guard = jd_csv_guarded(field) ? "'" : "";
        if (i) g_string_append_c(out, ',');
        if (!strpbrk(field, ",\"\r\n")) {
            g_string_append(out, guard);
            g_string_append(out, field);
            continue;
        }
        g_string_append_c(out, '"');
        g_string_append(out, guard);
        for (const char *p = field; *p; p++) {
            if (*p == '"') g_string_append_c(out, '"');
            g_string_append_c(out, *p);
        }
        g_string_append_c(out, '"');
    }
    g_string_append(out, "\r\n");
}

char *jd_form_file_name(const char *unit)
{
    char *safe = jd_safe_file_name(unit);
    char *name = g_strconcat(safe, ".csv", NULL);
    g_free(safe);
    return name;
}

/* The text of the unit row's plan segment that covers `quarter`, or NULL. */
static const char *plan_in_force(const jd_value *unit, int quarter)
{
    const jd_value *plan = jd_object_get(unit, "plan");
    for (size_t i = 0; i < jd_array_length(plan); i++) {
        const jd_value *segment = jd_array_get(plan, i);
        if (jd_object_get_int(segment, "from", 0) <= quarter &&
            quarter <= jd_object_get_int(segment, "to", 0))
            return jd_object_get_string(segment, "text");
    }
    return NULL;
}

static bool row_names(const jd_value *unit, const char *name)
{
    const jd_value *names = jd_object_get(unit, "names");
    for (size_t i = 0; i < jd_array_length(names); i++)
        if (g_strcmp0(jd_value_string(jd_array_get(names, i)), name) == 0) return true;
    return false;
}

char *jd_form_task_plan(const jd_value *task, const char *name, int quarter)
{
    const jd_value *units = jd_object_get(task, "units");
    GString *plan = NULL;
    for (size_t u = 0; u < jd_array_length(units); u++) {
        const jd_value *unit = jd_array_get(units, u);
        if (!row_names(unit, name)) continue;
        if (!plan) plan = g_string_new(NULL);
        const char *text = plan_in_force(unit, quarter);
        if (text && *text) g_string_append_printf(plan, "%s%s", plan->len ? "\n" : "", text);
    }
    return plan ? g_string_free(plan, FALSE) : NULL;
}

char *jd_form_title(const jd_value *list, const jd_period *period, const char *unit)
{
    char *period_name = jd_period_name(period);
    const char *list_title = jd_object_get_string(list, "title");
    char *title = g_strdelimit(g_strdup(list_title ? list_title : ""), "\n", ' ');
    char *line = g_strdup_printf("%s%s%s推进情况表（责任单位：%s）", title, *title ? " " : "",
                                 period_name, unit);
    g_free(title);
    g_free(period_name);
    return line;
}

char *jd_progress_form(const jd_value *list, const jd_period *period, const char *unit,
                       size_t *rows)
{
    const char *const *columns = jd_progress_columns();
    size_t width = g_strv_length((char **)columns);
    char *period_name = jd_period_name(period);
    char *title_line = jd_form_title(list, period, unit);
    GString *out = g_string_new("\xEF\xBB\xBF"); /* the BOM makes Excel read UTF-8 */
    jd_csv_append_row(out, (const char *const *)&title_line, 1);
    jd_csv_append_row(out, columns, width);
    size_t count = 0;
    const jd_value *tasks = jd_object_get(list, "tasks");
    for (size_t t = 0; t < jd_array_length(tasks); t++) {
        const jd_value *task = jd_array_get(tasks, t);
        char *plan = jd_form_task_plan(task, unit, period->quarter);
        if (!plan) continue;
        char *id = g_strdup_printf("%" G_GINT64_FORMAT, jd_object_get_int(task, "id", 0));
        const char *fields[] = {
            id, jd_object_get_string(task, "title"), unit, period_name, plan, "", "", "", "", "",
            ""};
        jd_csv_append_row(out, fields, G_N_ELEMENTS(fields));
        count++;
        g_free(id);
        g_free(plan);
    }
    if (rows) *rows = count;
    g_free(title_line);
    g_free(period_name);
    return g_string_free(out, FALSE);
}

/* Every unit name of the list, in order of first appearance (borrowed). */
static GPtrArray *unit_names(const jd_value *list)
{
    GPtrArray *names = g_ptr_array_new();
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
    const jd_value *tasks = jd_object_get(list, "tasks");
    for (size_t t = 0; t < jd_array_length(tasks); t++) {
        const jd_value *units = jd_object_get(jd_array_get(tasks, t), "units");
        for (size_t u = 0; u < jd_array_length(units); u++) {
            const jd_value *row = jd_object_get(jd_array_get(units, u), "names");
            for (size_t n = 0; n < jd_array_length(row); n++) {
                const char *name = jd_value_string(jd_array_get(row, n));
                if (name && g_hash_table_add(seen, (gpointer)name))
                    g_ptr_array_add(names, (gpointer)name);
            }
        }
    }
    g_hash_table_destroy(seen);
    return names;
}

static const char *form_extension(jd_form_format format)
{
    return format == JD_FORM_XLSX ? ".xlsx" : ".csv";
}

bool jd_forms_output_format(const char *output, jd_form_format *format)
{
    if (!strstr(output, "{unit}")) return false;
    char *lower = g_ascii_strdown(output, -1);
    bool known = true;
    if (g_str_has_suffix(lower, ".xlsx"))
        *format = JD_FORM_XLSX;
    else if (g_str_has_suffix(lower, ".csv"))
        *format = JD_FORM_CSV;
    else
        known = false;
    g_free(lower);
    return known;
}

/* The path of a form from the output pattern: {unit} the name made safe for a file name,
 * {period} the period as 2023Q2. NULL with an error for any other {…}. */
static char *expand_output(const char *pattern, const char *unit, const char *period,
                           jd_diags *diags)
{
    GString *path = g_string_new(NULL);
    for (const char *p = pattern; *p;) {
        const char *close = *p == '{' ? strchr(p, '}') : NULL;
        if (!close) {
            g_string_append_c(path, *p++);
            continue;
        }
        char *word = g_strndup(p + 1, (size_t)(close - p - 1));
        if (strcmp(word, "unit") == 0) {
            char *safe = jd_safe_file_name(unit);
            g_string_append(path, safe);
            g_free(safe);
        } else if (strcmp(word, "period") == 0) {
            g_string_append(path, period);
        } else {
            jd_diags_add(diags, JD_ERROR, pattern, 0, 0,
                         "{%s} in the forms' file name: only {unit} and {period} are filled in",
                         word);
            g_free(word);
            g_string_free(path, TRUE);
            return NULL;
        }
        g_free(word);
        p = close + 1;
    }
    return g_string_free(path, FALSE);
}

/* The output as a pattern: a folder gives <folder>/{unit}.csv (or .xlsx). NULL with an error
 * when a pattern has no {unit} or names files of the other format. */
static char *output_pattern(const char *output, jd_form_format format, jd_diags *diags)
{
    if (!strchr(output, '{')) {
        char *file = g_strconcat("{unit}", form_extension(format), NULL);
        char *pattern = g_build_filename(output, file, NULL);
        g_free(file);
        return pattern;
    }
    jd_form_format named;
    if (!strstr(output, "{unit}"))
        jd_diags_add(diags, JD_ERROR, output, 0, 0,
                     "the forms' file name has no {unit}: every unit gets its own form "
                     "(forms/{unit}%s)",
                     form_extension(format));
    else if (!jd_forms_output_format(output, &named) || named != format)
        jd_diags_add(diags, JD_ERROR, output, 0, 0,
                     "the forms are %s, so their file name ends in %s", 
                     format == JD_FORM_XLSX ? "workbooks" : "CSV", form_extension(format));
    else
        return g_strdup(output);
    return NULL;
}

/* The path of each name's form (newly allocated, in the order of `names`); NULL with an
 * error when two names would share one file. */
static GPtrArray *form_paths(const GPtrArray *names, const char *output, const jd_period *period,
                             jd_form_format format, jd_diags *diags)
{
    char *pattern = output_pattern(output, format, diags);
    if (!pattern) return NULL;
    char *period_text = jd_period_format(period);
    GPtrArray *paths = g_ptr_array_new_with_free_func(g_free);
    jd_path_set *taken = jd_path_set_new(); /* also names differing only in case */
    bool ok = true;
    for (guint i = 0; ok && i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);
        char *path = expand_output(pattern, name, period_text, diags);
        if (!path) {
            ok = false;
            break;
        }
        const char *other = jd_path_set_add(taken, path, name);
        if (other) {
            jd_diags_add(diags, JD_ERROR, path, 0, 0,
                         "units '%s' and '%s' would both have their form in this file", other,
                         name);
            ok = false;
        }
        g_ptr_array_add(paths, path);
    }
    jd_path_set_free(taken);
    g_free(period_text);
    g_free(pattern);
    if (!ok) {
        g_ptr_array_free(paths, TRUE);
        return NULL;
    }
    return paths;
}

/* Creates the folder of every form. */
static bool make_folders(const GPtrArray *paths, jd_diags *diags)
{
    for (guint i = 0; i < paths->len; i++) {
        char *dir = g_path_get_dirname(g_ptr_array_index(paths, i));
        bool made = g_mkdir_with_parents(dir, 0777) == 0;
        if (!made)
            jd_diags_add(diags, JD_ERROR, dir, 0, 0, "cannot create the folder: %s",
                         g_strerror(errno));
        g_free(dir);
        if (!made) return false;
    }
    return true;
}

/* Whether the file at `path` may be replaced by the form `bytes`: there is none, it holds
 * those very bytes, or it is a blank form (it reads as progress data with no report and no
 * error). Anything else is kept unless asked: a returned form, a form being filled in (text
 * typed without a state reads as an error, and holds no report yet), a file that is not a
 * form at all. */
static bool may_replace(const char *path, const char *bytes, size_t len,
                        const jd_forms_options *options, jd_diags *diags)
{
    /* (a folder or a device where the form goes is for the writer to report) */
    if (options->force || !g_file_test(path, G_FILE_TEST_IS_REGULAR)) return true;
    size_t old_len = 0;
    jd_diags *quiet = jd_diags_new();
    char *old_bytes = jd_read_file(path, &old_len, quiet);
    bool same = old_bytes && old_len == len && memcmp(old_bytes, bytes, len) == 0;
    g_free(old_bytes);
    jd_diags_free(quiet);
    if (same) return true;
    jd_import_options io = {JD_FORMAT_AUTO, NULL, options->states, NULL, NULL};
    jd_import_info info;
    jd_diags *problems = jd_diags_new();
    jd_value *old = jd_import_file_with(path, &io, &info, problems);
    size_t reports = old && info.kind == JD_DATA_PROGRESS
                         ? jd_array_length(jd_object_get(old, "reports"))
                         : 0;
    bool blank = old && info.kind == JD_DATA_PROGRESS && reports == 0;
    if (reports)
        jd_diags_add(diags, JD_ERROR, path, 0, 0,
                     "holds %zu report%s (a returned form): not overwritten; move it away, or "
                     "give --force",
                     reports, reports == 1 ? "" : "s");
    else if (!blank)
        jd_diags_add(diags, JD_ERROR, path, 0, 0,
                     "is not a blank form (%s): not overwritten; move it away, or give --force",
                     old ? "it is not progress data"
                         : "it is being filled in, or is not a form: it does not read as one");
    jd_value_unref(old);
    jd_diags_free(problems);
    return blank;
}

/* The bytes of a unit's form in the format asked for. */
static char *form_bytes(const jd_value *list, const jd_period *period, const char *unit,
                        const jd_forms_options *options, size_t *len, size_t *rows,
                        jd_diags *diags)
{
    if (options->format == JD_FORM_XLSX)
        return jd_progress_form_xlsx(list, period, unit, options->states, len, rows, diags);
    char *text = jd_progress_form(list, period, unit, rows);
    *len = strlen(text);
    return text;
}

bool jd_progress_write_forms(const jd_value *list, const jd_period *period, const char *dir,
                             size_t *forms, size_t *rows, jd_diags *diags)
{
    const jd_forms_options options = {JD_FORM_CSV, NULL, false};
    return jd_progress_write_forms_with(list, period, dir, &options, forms, rows, diags);
}

bool jd_progress_write_forms_with(const jd_value *list, const jd_period *period, const char *dir,
                                  const jd_forms_options *options, size_t *forms, size_t *rows,
                                  jd_diags *diags)
{
    GPtrArray *names = unit_names(list);
    GPtrArray *paths = form_paths(names, dir, period, options->format, diags);
    bool ok = paths != NULL;
    /* every form is made and checked against what is there before any is written */
    GPtrArray *forms_made = g_ptr_array_new_with_free_func(g_free);
    GArray *lengths = g_array_new(FALSE, FALSE, sizeof(size_t));
    size_t total_rows = 0;
    for (guint i = 0; ok && i < names->len; i++) {
        size_t form_rows = 0, len = 0;
        char *bytes = form_bytes(list, period, g_ptr_array_index(names, i), options, &len,
                                 &form_rows, diags);
        total_rows += form_rows;
        g_ptr_array_add(forms_made, bytes);
        g_array_append_val(lengths, len);
        if (!bytes) ok = false;
    }
    bool replaceable = ok;
    for (guint i = 0; ok && i < names->len; i++)
        replaceable &= may_replace(g_ptr_array_index(paths, i), g_ptr_array_index(forms_made, i),
                                   g_array_index(lengths, size_t, i), options, diags);
    ok = replaceable;
    if (ok && !make_folders(paths, diags)) ok = false;
    /* Every form goes to its temporary file first; only when all are written are they
     * renamed into place, so a failure leaves no mix of old and new forms. */
    GPtrArray *pending = g_ptr_array_new();
    for (guint i = 0; ok && i < names->len; i++) {
        const char *bytes = g_ptr_array_index(forms_made, i);
        size_t len = g_array_index(lengths, size_t, i);
        jd_outfile *of = jd_outfile_new(g_ptr_array_index(paths, i), diags);
        if (of) {
            g_ptr_array_add(pending, of);
            FILE *stream = jd_outfile_stream(of);
            if (fwrite(bytes, 1, len, stream) != len || fflush(stream) != 0) {
                jd_diags_add(diags, JD_ERROR, g_ptr_array_index(paths, i), 0, 0, "cannot write: %s",
                             g_strerror(errno));
                ok = false;
            }
        } else {
            ok = false;
        }
    }
    g_ptr_array_free(forms_made, TRUE);
    g_array_free(lengths, TRUE);
    for (guint i = 0; i < pending->len; i++) {
        jd_outfile *of = g_ptr_array_index(pending, i);
        if (ok)
            ok = jd_outfile_commit(of, diags);
        else
            jd_outfile_abort(of);
    }
    if (forms) *forms = ok ? names->len : 0;
    if (rows) *rows = ok ? total_rows : 0;
    g_ptr_array_free(pending, TRUE);
    if (paths) g_ptr_array_free(paths, TRUE);
    g_ptr_array_free(names, TRUE);
    return ok;
}
