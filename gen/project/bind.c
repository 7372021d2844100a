/* Data binding: the names a template sees, from data files and parameters. */
#include <string.h>

#include "jd_import.h"
#include "project_private.h"

static bool is_name(const char *s, size_t len)
{
    if (len == 0 || g_ascii_isdigit(s[0]))
        return false;
    for (size_t i = 0; i < len; i++)
        if (!g_ascii_isalnum(s[i]) && s[i] != '_')
            return false;
    return true;
}

bool jp_param_ok(const char *arg)
{
    const char *eq = strchr(arg, '=');
    return eq && is_name(arg, (size_t)(eq - arg));
}

/* A parameter value: a decimal number becomes a number (quarter=2 gives 2), anything else
 * stays text. */
static jd_value *param_value(const char *text)
{
    const char *digits = text[0] == '-' ? text + 1 : text;
    size_t n = strspn(digits, "0123456789");
    gint64 i;
    if (n > 0 && !digits[n] && g_ascii_string_to_signed(text, 10, G_MININT64, G_MAXINT64, &i, NULL))
        return jd_value_new_int(i);
    if (n > 0 && digits[n] == '.' && digits[n + 1] &&
        strspn(digits + n + 1, "0123456789") == strlen(digits + n + 1))
        return jd_value_new_double(g_ascii_strtod(text, NULL));
    return jd_value_new_string(text);
}

/* NAME=FILE reads JSON as it is (any shape: settings, a lookup table…) unless it is data
 * jindu knows (a task list, progress reports, indicators), which goes through the importer
 * and its checks like every other data file. */
static jd_value *read_named(const char *path, const jd_import_options *io, jd_diags *diags)
{
    if (!g_str_has_suffix(path, ".json") && !g_str_has_suffix(path, ".JSON"))
        return jd_import_file_with(path, io, NULL, diags);
    size_t len = 0;
    char *text = jd_read_file(path, &len, diags);
    if (!text)
        return NULL;
    jd_value *v = jd_value_from_json(text, len, path, diags);
    g_free(text);
    if (jd_value_kind_of(v) == JD_VALUE_OBJECT &&
        (jd_object_get(v, "tasks") || jd_object_get(v, "reports") || jd_object_get(v, "indicators"))) {
        jd_value_unref(v);
        v = jd_import_file_with(path, io, NULL, diags);
    }
    return v;
}

/* Describes in `broken` data bound as `binding` that could not be read: its first error
 * since index `from` of diags (or `file`). */
static void add_broken(jd_value *broken, const char *binding, const jd_diags *diags, size_t from, const char *file)
{
    const jd_diag *error = NULL;
    for (size_t i = from; i < jd_diags_count(diags) && !error; i++)
        if (jd_diag_severity(jd_diags_get(diags, i)) == JD_ERROR) error = jd_diags_get(diags, i);
    jd_value *b = jd_value_new_object();
    jd_object_set(b, "binding", jd_value_new_string(binding));
    jd_object_set(b, "file", jd_value_new_string(error && jd_diag_file(error) ? jd_diag_file(error) : file));
    jd_object_set(b, "line", jd_value_new_int(error ? jd_diag_line(error) : 0));
    jd_object_set(b, "col", jd_value_new_int(error ? jd_diag_col(error) : 0));
    jd_object_set(b, "message", jd_value_new_string(error ? jd_diag_message(error) : "has errors"));
    jd_array_append(broken, b);
}

/* The reports a lenient reading left out, as broken progress. */
static void add_rejects(jd_value *broken, const jd_value *rejects)
{
    for (size_t i = 0; i < jd_array_length(rejects); i++) {
        jd_value *b = jd_value_copy(jd_array_get(rejects, i));
        jd_object_set(b, "binding", jd_value_new_string("progress"));
        jd_array_append(broken, b);
    }
}

static bool bind_one(jd_value *globals, const char *arg, const jd_import_options *strict, jd_value *broken,
                     jd_diags *diags)
{
    const char *eq = strchr(arg, '=');
    bool named = eq && is_name(arg, (size_t)(eq - arg));
    const char *path = named ? eq + 1 : arg;
    char *name = named ? g_strndup(arg, (size_t)(eq - arg)) : NULL;
    jd_value *value = NULL;
    jd_import_options io = *strict;
    /* (a file bound by name is read strictly: it is whole or missing) */
    io.rejects = broken && !named ? jd_value_new_array() : NULL;
    size_t from = jd_diags_count(diags);
    jd_data_kind seen = JD_DATA_UNKNOWN;
    if (named) {
        value = read_named(path, &io, diags);
    } else {
        jd_import_info info = {0};
        value = jd_import_file_with(path, &io, &info, diags);
        const char *binding = value ? jd_data_kind_binding(info.kind) : NULL;
        if (value && !binding)
            jd_diags_add(diags, JD_ERROR, path, 0, 0,
                         "cannot tell what kind of data this is; bind it with --data NAME=%s", path);
        name = binding ? g_strdup(binding) : NULL;
        seen = info.seen;
    }
    bool ok = value && name;
    if (ok && strcmp(name, "params") == 0) {
        jd_diags_add(diags, JD_ERROR, NULL, 0, 0, "--data %s: 'params' is reserved for parameters", arg);
        ok = false;
    } else if (ok && jd_object_get(globals, name)) {
        jd_diags_add(diags, JD_ERROR, NULL, 0, 0, "--data %s: '%s' is already bound", arg, name);
        ok = false;
    }
    if (ok)
        jd_object_set(globals, name, value);
    else
        jd_value_unref(value);
    if (broken && ok) {
        add_rejects(broken, io.rejects);
    } else if (broken) {
        /* what the outputs that read it cannot have: a file of a kind that could not be told
         * may have been meant as any of them */
        const char *binding = named ? name : name ? name : jd_data_kind_binding(seen);
        add_broken(broken, binding ? binding : "*", diags, from, path);
    }
    jd_value_unref(io.rejects);
    g_free(name);
    return ok;
}

jd_value *jd_bind_data(const char *const *data_args, const char *const *define_args,
                       const char *const *states, jd_diags *diags)
{
    return jd_bind_data_with(data_args, define_args, states, NULL, diags);
}

jd_value *jd_bind_data_with(const char *const *data_args, const char *const *define_args,
                            const char *const *states, jd_value *broken, jd_diags *diags)
{
    jd_tally tally;
    diags = jd_tally_begin(&tally, diags);
    jd_value *globals = jd_value_new_object();
    jd_value *params = jd_value_new_object();
    jd_import_options io = {JD_FORMAT_AUTO, NULL, states, NULL, NULL};
    bool ok = true;
    for (const char *const *d = data_args; d && *d; d++)
        ok &= bind_one(globals, *d, &io, broken, diags);
    /* progress reports go onto the task list: every unit row gets its reports */
    const jd_value *list = jd_object_get(globals, "list"), *progress = jd_object_get(globals, "progress");
    if ((ok || broken) && list && progress) {
        jd_value *rejects = broken ? jd_value_new_array() : NULL, *kept = NULL;
        size_t from = jd_diags_count(diags);
        jd_value *merged = jd_progress_merge_with(list, progress, states, rejects, broken ? &kept : NULL, diags);
        if (merged) {
            jd_object_set(globals, "list", merged);
            if (kept) jd_object_set(globals, "progress", kept);
            add_rejects(broken, rejects);
        } else {
            ok = false;
            if (broken) add_broken(broken, "list", diags, from, NULL);
        }
        jd_value_unref(rejects);
    }
    bool params_ok = true;
    for (const char *const *d = define_args; d && *d; d++) {
        const char *eq = strchr(*d, '=');
        if (!jp_param_ok(*d)) {
            jd_diags_add(diags, JD_ERROR, NULL, 0, 0,
                         "a parameter is KEY=VALUE with KEY made of letters, digits and _, not '%s'", *d);
            params_ok = false;
            continue;
        }
        char *key = g_strndup(*d, (size_t)(eq - *d));
        jd_object_set(params, key, param_value(eq + 1));
        g_free(key);
    }
    jd_object_set(globals, "params", params);
    jd_tally_end(&tally);
    /* leniently, what could not be bound is in `broken`; parameters must all be right */
    if (!params_ok || (!ok && !broken)) {
        jd_value_unref(globals);
        return NULL;
    }
    return globals;
}

void jp_apply_indicator_rules(jd_value *globals, char *const *rules)
{
    const jd_value *indicators = jd_object_get(globals, "indicators");
    if (!rules || !rules[0] || jd_value_kind_of(indicators) != JD_VALUE_OBJECT ||
        !jd_object_get(indicators, "rules"))
        return;
    jd_indicator_rules merged;
    if (!jd_indicator_rules_from_value(jd_object_get(indicators, "rules"), &merged, NULL))
        jd_indicator_rules_init(&merged);
    for (char *const *r = rules; *r; r++) {
        char *key = g_strndup(*r, (gsize)(strchr(*r, '=') - *r));
        jd_indicator_rules_set(&merged, key, strchr(*r, '=') + 1, NULL); /* checked on load */
        g_free(key);
    }
    /* the bound tree may be shared: a new one with the project's rules */
    jd_value *copy = jd_value_new_object();
    for (size_t i = 0; i < jd_object_size(indicators); i++)
        jd_object_set(copy, jd_object_key(indicators, i), jd_value_ref(jd_object_value(indicators, i)));
    jd_object_set(copy, "rules", jd_indicator_rules_value(&merged));
    jd_object_set(globals, "indicators", copy);
}
