/* Reading jindu.ini: the project's data, parameters and outputs. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <stdlib.h>
#include <string.h>

#include "jd_import.h" /* and jd_domain.h: the indicator rules */
#include "project_private.h"

static const char *const project_keys[] = {"data",    "states", "out", "backend", "jobs", "mark-changes-since",
                                           "mark-label", NULL};
static const char *const output_keys[] = {"template", "file", "split", "params", "data", "backend", NULL};

/* GKeyFile keeps no line numbers; find the line of [group] or of key= inside it. */
/* Where each group and each key of jindu.ini is: "group" and "group\x1fkey" -> line, the
 * first one written, found in one pass (a search per group was quadratic: a project of 8,000
 * outputs took 26 s to load). */
static GHashTable *ini_lines_new(const char *text)
{
    GHashTable *lines = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    char *group = NULL;
    int line = 1;
    for (const char *p = text; p && *p; line++) {
        const char *end = strchr(p, '\n');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char *l = g_strstrip(g_strndup(p, len));
        char *close = l[0] == '[' ? strchr(l, ']') : NULL;
        char *key = NULL;
        if (close) {
            g_free(group);
            group = g_strndup(l + 1, (size_t)(close - l - 1));
            key = g_strdup(group);
        } else if (group && l[0] && l[0] != '#') {
            size_t klen = strcspn(l, "= ");
            key = g_strdup_printf("%s\x1f%.*s", group, (int)klen, l);
        }
        if (key && !g_hash_table_contains(lines, key))
            g_hash_table_insert(lines, key, GINT_TO_POINTER(line));
        else
            g_free(key);
        g_free(l);
        p = end ? end + 1 : NULL;
    }
    g_free(group);
    return lines;
}

int jp_ini_line(const jd_project *p, const char *group, const char *key)
{
    char *name = key ? g_strdup_printf("%s\x1f%s", group, key) : g_strdup(group);
    int line = GPOINTER_TO_INT(g_hash_table_lookup(p->ini_lines, name));
    g_free(name);
    return line || !key ? line : jp_ini_line(p, group, NULL);
}

static bool lexically_inside(const char *dir, const char *path, bool or_same)
{
    char *d = g_canonicalize_filename(dir, NULL), *f = g_canonicalize_filename(path, NULL);
    size_t n = strlen(d);
    bool ok = strncmp(d, f, n) == 0 && (f[n] == G_DIR_SEPARATOR || (or_same && !f[n]) || (n == 1 && d[0] == '/'));
    g_free(d);
    g_free(f);
    return ok;
}

/* `path` with symbolic links followed as far as it exists (the rest as written). */
static char *resolved(const char *path)
{
    char *abs = g_canonicalize_filename(path, NULL);
    char *head = g_strdup(abs);
    char *real = NULL;
    while (!(real = realpath(head, NULL)) && strcmp(head, "/") != 0) {
        char *up = g_path_get_dirname(head);
        g_free(head);
        head = up;
    }
    char *out = real ? g_strconcat(real, abs + strlen(head), NULL) : g_strdup(abs);
    free(real);
    g_free(head);
    g_free(abs);
    return out;
}

bool jp_inside(const char *dir, const char *path, bool or_same)
{
    if (!lexically_inside(dir, path, or_same))
        return false;
    /* and once symbolic links are followed: a link in the output folder to /etc does not
     * take a sheet there */
    char *d = resolved(dir), *f = resolved(path);
    bool ok = lexically_inside(d, f, or_same);
    g_free(d);
    g_free(f);
    return ok;
}

static void check_keys(jd_project *p, const char *group, const char *const *allowed, jd_diags *diags)
{
    char **keys = g_key_file_get_keys(p->ini, group, NULL, NULL);
    for (int i = 0; keys && keys[i]; i++) {
        int line = jp_ini_line(p, group, keys[i]);
        if (strcmp(group, "project") == 0 && strcmp(keys[i], "title") == 0) {
            /* it was once accepted and did nothing: say so rather than let it look used */
            jd_diags_add(diags, JD_ERROR, p->ini_path, line, 1,
                         "[project]: title= is not used (a sheet's title comes from its data and template); "
                         "remove it, or keep it as a comment: # title=…");
        } else if (!g_strv_contains(allowed, keys[i])) {
            char *list = g_strjoinv(", ", (char **)allowed);
            char *near = jd_closest_name(keys[i], allowed);
            jd_diags_add(diags, JD_ERROR, p->ini_path, line, 1, "[%s]: unknown key '%s'%s%s%s (known: %s)", group,
                         keys[i], near ? ": did you mean '" : "", near ? near : "", near ? "'?" : "", list);
            g_free(near);
            g_free(list);
        }
    }
    g_strfreev(keys);
}

char *jd_find_template(const char *name, const char *project_dir, char **looked)
{
    char *local = g_path_is_absolute(name) || !project_dir ? g_strdup(name)
                                                          : g_build_filename(project_dir, name, NULL);
    char *bundled_dir = jd_data_path("templates");
    char *bundled = g_build_filename(bundled_dir, name, NULL);
    bool use_bundled = !g_file_test(local, G_FILE_TEST_EXISTS) && !g_path_is_absolute(name) &&
                       g_file_test(bundled, G_FILE_TEST_EXISTS);
    if (looked)
        *looked = g_path_is_absolute(name) ? g_strdup(name)
                                           : g_strdup_printf("%s, then %s", local, bundled);
    g_free(bundled_dir);
    if (use_bundled) {
        g_free(local);
        return bundled;
    }
    g_free(bundled);
    return local;
}

char **jd_template_search_path(const char *project_dir)
{
    GPtrArray *dirs = g_ptr_array_new();
    if (project_dir)
        g_ptr_array_add(dirs, g_strdup(project_dir));
    g_ptr_array_add(dirs, jd_data_path("templates"));
    g_ptr_array_add(dirs, NULL);
    return (char **)g_ptr_array_free(dirs, FALSE);
}

static char **string_list(GKeyFile *ini, const char *group, const char *key)
{
    char **list = g_key_file_get_string_list(ini, group, key, NULL, NULL);
    for (int i = 0; list && list[i]; i++)
        g_strstrip(list[i]);
    return list;
}

/* "data" entries are paths relative to the project, possibly NAME=PATH */
static char **resolve_data(const char *dir, char **entries)
{
    GPtrArray *out = g_ptr_array_new();
    for (int i = 0; entries && entries[i]; i++) {
        if (!*entries[i])
            continue;
        const char *eq = strchr(entries[i], '=');
        if (eq) {
            char *name = g_strndup(entries[i], (gsize)(eq - entries[i]));
            char *path = g_path_is_absolute(eq + 1) ? g_strdup(eq + 1) : g_build_filename(dir, eq + 1, NULL);
            g_ptr_array_add(out, g_strdup_printf("%s=%s", name, path));
            g_free(name);
            g_free(path);
        } else {
            g_ptr_array_add(out, g_path_is_absolute(entries[i]) ? g_strdup(entries[i])
                                                               : g_build_filename(dir, entries[i], NULL));
        }
    }
    g_ptr_array_add(out, NULL);
    return (char **)g_ptr_array_free(out, FALSE);
}

static void output_free(gpointer data)
{
    jp_output *o = data;
    g_free(o->name);
    g_free(o->template_path);
    g_free(o->pattern);
    g_free(o->backend);
    g_strfreev(o->params);
    g_strfreev(o->data);
    g_free(o);
}

/* [indicators]: the office's rules for indicator states (elapsed, about_points,
 * about_percent), checked here so a bad value fails the load with its line. */
static void read_indicator_rules(jd_project *p, jd_diags *diags)
{
    GPtrArray *rules = g_ptr_array_new();
    char **keys = g_key_file_get_keys(p->ini, "indicators", NULL, NULL);
    jd_indicator_rules check;
    jd_indicator_rules_init(&check);
    for (int i = 0; keys && keys[i]; i++) {
        char *value = g_key_file_get_string(p->ini, "indicators", keys[i], NULL);
        char *why = NULL;
        if (jd_indicator_rules_set(&check, keys[i], value, &why))
            g_ptr_array_add(rules, g_strdup_printf("%s=%s", keys[i], g_strstrip(value)));
        else
            jd_diags_add(diags, JD_ERROR, p->ini_path, jp_ini_line(p, "indicators", keys[i]), 1,
                         "[indicators]: %s", why);
        g_free(why);
        g_free(value);
    }
    g_strfreev(keys);
    g_ptr_array_add(rules, NULL);
    p->indicator_rules = (char **)g_ptr_array_free(rules, FALSE);
}

jd_project *jd_project_load(const char *dir, jd_diags *diags)
{
    jd_project *p = g_new0(jd_project, 1);
    p->dir = g_strdup(dir && *dir ? dir : ".");
    p->ini_path = g_build_filename(p->dir, "jindu.ini", NULL);
    p->outputs = g_ptr_array_new_with_free_func(output_free);
    p->ini = g_key_file_new();
    size_t len = 0;
    p->ini_text = jd_read_file(p->ini_path, &len, diags);
    GError *err = NULL;
    if (!p->ini_text) {
        jd_project_free(p);
        return NULL;
    }
    p->ini_lines = ini_lines_new(p->ini_text);
    if (!g_key_file_load_from_data(p->ini, p->ini_text, len, G_KEY_FILE_NONE, &err)) {
        /* GLib's message quotes the bad line: not when jindu.ini leads elsewhere */
        if (jd_file_may_be_quoted(p->ini_path))
            jd_diags_add(diags, JD_ERROR, p->ini_path, 0, 0, "not a valid project file: %s",
                         err->message);
        else
            jd_diags_add(diags, JD_ERROR, p->ini_path, 0, 0,
                         "not a valid project file (it does not look like one: its text is not "
                         "shown)");
        g_error_free(err);
        jd_project_free(p);
        return NULL;
    }
    jd_tally tally;
    diags = jd_tally_begin(&tally, diags);
    if (!g_key_file_has_group(p->ini, "project"))
        jd_diags_add(diags, JD_ERROR, p->ini_path, 1, 1, "no [project] group");
    check_keys(p, "project", project_keys, diags);
    char **data = string_list(p->ini, "project", "data");
    p->data = resolve_data(p->dir, data);
    g_strfreev(data);
    p->states = string_list(p->ini, "project", "states");
    char *out = g_key_file_get_string(p->ini, "project", "out", NULL);
    if (out)
        g_strstrip(out);
    p->out_dir = out && g_path_is_absolute(out) ? g_strdup(out)
                                                 : g_build_filename(p->dir, out && *out ? out : "out", NULL);
    /* a project writes inside its own folder, never over someone else's files */
    if (!jp_inside(p->dir, p->out_dir, true))
        jd_diags_add(diags, JD_ERROR, p->ini_path, jp_ini_line(p, "project", "out"), 1,
                     "[project]: out=%s is outside the project folder: the outputs go in a folder inside it", out);
    g_free(out);
    p->backend = g_key_file_get_string(p->ini, "project", "backend", NULL);
    /* a baseline named here keeps the bars of changed rows build after build */
    char *since = g_key_file_get_string(p->ini, "project", "mark-changes-since", NULL);
    if (since && *g_strstrip(since)) {
        p->mark_since = g_path_is_absolute(since) ? g_strdup(since) : g_build_filename(p->dir, since, NULL);
        if (!g_file_test(p->mark_since, G_FILE_TEST_EXISTS))
            jd_diags_add(diags, JD_ERROR, p->ini_path, jp_ini_line(p, "project", "mark-changes-since"), 1,
                         "[project]: mark-changes-since: %s does not exist", p->mark_since);
    }
    g_free(since);
    p->mark_label = g_key_file_get_string(p->ini, "project", "mark-label", NULL);
    if (p->mark_label)
        g_strstrip(p->mark_label);
    char *jobs = g_key_file_get_value(p->ini, "project", "jobs", NULL);
    gint64 n = 0;
    if (jobs && !g_ascii_string_to_signed(g_strstrip(jobs), 10, 1, G_MAXINT, &n, NULL))
        jd_diags_add(diags, JD_ERROR, p->ini_path, jp_ini_line(p, "project", "jobs"), 1,
                     "[project]: jobs= takes a number of workers (1 or more), not '%s'", jobs);
    p->jobs = (int)n;
    g_free(jobs);

    /* [params]: every key is a parameter */
    char **pkeys = g_key_file_get_keys(p->ini, "params", NULL, NULL);
    GPtrArray *params = g_ptr_array_new();
    for (int i = 0; pkeys && pkeys[i]; i++) {
        char *v = g_key_file_get_string(p->ini, "params", pkeys[i], NULL);
        g_ptr_array_add(params, g_strdup_printf("%s=%s", pkeys[i], v ? g_strstrip(v) : ""));
        g_free(v);
    }
    g_strfreev(pkeys);
    g_ptr_array_add(params, NULL);
    p->params = (char **)g_ptr_array_free(params, FALSE);
    read_indicator_rules(p, diags);

    char **groups = g_key_file_get_groups(p->ini, NULL);
    for (int i = 0; groups[i]; i++) {
        const char *g = groups[i];
        if (strcmp(g, "project") == 0 || strcmp(g, "params") == 0 || strcmp(g, "indicators") == 0)
            continue;
        int line = jp_ini_line(p, g, NULL);
        if (!g_str_has_prefix(g, "output ") || !g[7]) {
            jd_diags_add(diags, JD_ERROR, p->ini_path, line, 1,
                         "unknown group [%s]: groups are [project], [params], [indicators] and [output NAME]", g);
            continue;
        }
        check_keys(p, g, output_keys, diags);
        jp_output *o = g_new0(jp_output, 1);
        o->name = g_strdup(g + 7);
        char *tpl = g_key_file_get_string(p->ini, g, "template", NULL);
        o->pattern = g_key_file_get_string(p->ini, g, "file", NULL);
        char *split = g_key_file_get_string(p->ini, g, "split", NULL);
        o->backend = g_key_file_get_string(p->ini, g, "backend", NULL);
        o->params = string_list(p->ini, g, "params");
        for (int k = 0; o->params && o->params[k]; k++)
            if (!jp_param_ok(o->params[k]))
                jd_diags_add(diags, JD_ERROR, p->ini_path, jp_ini_line(p, g, "params"), 1,
                             "[%s]: a parameter is KEY=VALUE with KEY made of letters, digits and _, "
                             "not '%s'",
                             g, o->params[k]);
        char **odata = string_list(p->ini, g, "data");
        o->data = resolve_data(p->dir, odata);
        g_strfreev(odata);
        if (!tpl || !*g_strstrip(tpl)) {
            jd_diags_add(diags, JD_ERROR, p->ini_path, line, 1, "[%s]: template= is missing", g);
        } else {
            char *looked = NULL;
            o->template_path = jd_find_template(tpl, p->dir, &looked);
            const char *not_a_file = jd_not_a_file(o->template_path);
            if (not_a_file)
                jd_diags_add(diags, JD_ERROR, p->ini_path, jp_ini_line(p, g, "template"), 1,
                             "[%s]: template %s cannot be read: %s", g, tpl, not_a_file);
            else if (!g_file_test(o->template_path, G_FILE_TEST_IS_REGULAR))
                jd_diags_add(diags, JD_ERROR, p->ini_path, jp_ini_line(p, g, "template"), 1,
                             "[%s]: template %s not found (looked for %s)", g, tpl, looked);
            g_free(looked);
        }
        if (!o->pattern || !*g_strstrip(o->pattern))
            jd_diags_add(diags, JD_ERROR, p->ini_path, line, 1, "[%s]: file= is missing", g);
        else if (!g_str_has_suffix(o->pattern, ".pdf") && !g_str_has_suffix(o->pattern, ".PDF"))
            /* a build writes PDF: any other name would put a PDF where something else was */
            jd_diags_add(diags, JD_ERROR, p->ini_path, jp_ini_line(p, g, "file"), 1,
                         "[%s]: file=%s does not end in .pdf (a build writes PDF files)", g, o->pattern);
        if (!jd_split_parse(split ? g_strstrip(split) : NULL, &o->split))
            jd_diags_add(diags, JD_ERROR, p->ini_path, jp_ini_line(p, g, "split"), 1,
                         "[%s]: split is unit, leader or none, not '%s'", g, split);
        if (o->split != JD_SPLIT_NONE && o->pattern && !strstr(o->pattern, "{key}"))
            jd_diags_add(diags, JD_ERROR, p->ini_path, jp_ini_line(p, g, "file"), 1,
                         "[%s]: a split output needs {key} in its file name, or every document would "
                         "overwrite the last",
                         g);
        const char *backend = o->backend ? o->backend : p->backend;
        if (backend && strcmp(backend, "cairo") != 0 && strcmp(backend, "haru") != 0)
            jd_diags_add(diags, JD_ERROR, p->ini_path, line, 1, "[%s]: backend is cairo or haru, not '%s'",
                         g, backend);
        g_free(tpl);
        g_free(split);
        g_ptr_array_add(p->outputs, o);
    }
    g_strfreev(groups);
    if (p->outputs->len == 0)
        jd_diags_add(diags, JD_ERROR, p->ini_path, 0, 0, "no [output NAME] group: nothing to build");
    for (int i = 0; p->data && p->data[i]; i++) {
        const char *path = strchr(p->data[i], '=') ? strchr(p->data[i], '=') + 1 : p->data[i];
        char *file = NULL, *sheet = NULL;
        bool names_sheet = jd_data_path_split(path, &file, &sheet); /* tasks.xlsx#清单 */
        g_free(file);
        g_free(sheet);
        if (!names_sheet && !g_file_test(path, G_FILE_TEST_EXISTS))
            jd_diags_add(diags, JD_ERROR, p->ini_path, jp_ini_line(p, "project", "data"), 1,
                         "data file %s does not exist", path);
    }
    bool failed = jd_tally_errors(&tally) > 0;
    jd_tally_end(&tally);
    if (failed) {
        jd_project_free(p);
        return NULL;
    }

    /* what a watcher monitors: the project file, the data, the templates' folders */
    GPtrArray *watch = g_ptr_array_new();
    g_ptr_array_add(watch, g_strdup(p->ini_path));
    for (int i = 0; p->data[i]; i++) {
        const char *path = strchr(p->data[i], '=') ? strchr(p->data[i], '=') + 1 : p->data[i];
        g_ptr_array_add(watch, g_strdup(path));
    }
    for (guint i = 0; i < p->outputs->len; i++) {
        jp_output *o = g_ptr_array_index(p->outputs, i);
        /* an output's own data files are inputs too (a build reads them) */
        for (int k = 0; o->data && o->data[k]; k++) {
            const char *path = strchr(o->data[k], '=') ? strchr(o->data[k], '=') + 1 : o->data[k];
            g_ptr_array_add(watch, g_strdup(path));
        }
        char *d = g_path_get_dirname(o->template_path);
        bool seen = false;
        for (guint k = 0; k < watch->len; k++)
            seen = seen || strcmp(g_ptr_array_index(watch, k), d) == 0;
        if (seen)
            g_free(d);
        else
            g_ptr_array_add(watch, d);
    }
    g_ptr_array_add(watch, NULL);
    p->watch = (char **)g_ptr_array_free(watch, FALSE);
    return p;
}

void jd_project_free(jd_project *p)
{
    if (!p)
        return;
    g_free(p->dir);
    g_free(p->ini_path);
    g_free(p->ini_text);
    if (p->ini_lines)
        g_hash_table_destroy(p->ini_lines);
    if (p->ini)
        g_key_file_free(p->ini);
    g_ptr_array_free(p->outputs, TRUE);
    g_strfreev(p->data);
    g_strfreev(p->states);
    g_strfreev(p->params);
    g_strfreev(p->indicator_rules);
    g_strfreev(p->watch);
    g_free(p->out_dir);
    g_free(p->mark_since);
    g_free(p->mark_label);
    g_free(p->backend);
    g_free(p);
}

const char *const *jd_project_watch_paths(const jd_project *p)
{
    return (const char *const *)p->watch;
}

const char *jd_project_dir(const jd_project *p)
{
    return p->dir;
}

const char *jd_project_out_dir(const jd_project *p)
{
    return p->out_dir;
}

const char *const *jd_project_data_paths(const jd_project *p)
{
    return (const char *const *)p->data;
}

const char *const *jd_project_states(const jd_project *p)
{
    return p->states && p->states[0] ? (const char *const *)p->states : NULL;
}

/* Adds the value of `key` in KEY=VALUE `params` to `values`, unless it is there already. */
static void add_param_values(GPtrArray *values, char *const *params, const char *key)
{
    size_t n = strlen(key);
    for (int i = 0; params && params[i]; i++) {
        if (strncmp(params[i], key, n) != 0 || params[i][n] != '=')
            continue;
        const char *v = params[i] + n + 1;
        bool seen = false;
        for (guint k = 0; k < values->len && !seen; k++)
            seen = strcmp(g_ptr_array_index(values, k), v) == 0;
        if (!seen)
            g_ptr_array_add(values, g_strdup(v));
    }
}

char **jd_project_param_values(const jd_project *p, const char *key)
{
    GPtrArray *values = g_ptr_array_new();
    add_param_values(values, p->params, key);
    for (guint i = 0; i < p->outputs->len; i++)
        add_param_values(values, ((jp_output *)g_ptr_array_index(p->outputs, i))->params, key);
    g_ptr_array_add(values, NULL);
    return (char **)g_ptr_array_free(values, FALSE);
}
