/* Which outputs the data that could not be read keeps from being built.
 *
 * A build binds its data leniently (jd_bind_data_with): a task list, indicators or a named
 * file with errors is missing, and a progress report with errors is left out. An output is
 * not built when its template reads what is missing — and for a report left out, when its
 * document (its split key's share) has the task and unit the report was about. Every other
 * output is built as usual: one unit's bad form does not stop the other units' sheets.
 * What a report was about is read from a row that had an error, so it is only trusted as
 * far as the list agrees: a task the list does not have, or a unit the task does not name,
 * widens it (to the unit's every task, to the task's every unit, to everything). */
#include <string.h>

#include "project_private.h"

static bool has_name(const jd_value *names, const char *name)
{
    for (size_t i = 0; i < jd_array_length(names); i++)
        if (g_strcmp0(jd_value_string(jd_array_get(names, i)), name) == 0) return true;
    return false;
}

/* Whether a unit row of `task` has one of `names`. */
static bool task_has_unit(const jd_value *task, const jd_value *names)
{
    const jd_value *units = jd_object_get(task, "units");
    for (size_t u = 0; u < jd_array_length(units); u++) {
        const jd_value *row = jd_object_get(jd_array_get(units, u), "names");
        for (size_t n = 0; n < jd_array_length(row); n++)
            if (has_name(names, jd_value_string(jd_array_get(row, n)))) return true;
    }
    return false;
}

static const jd_value *find_task(const jd_value *list, int64_t id)
{
    const jd_value *tasks = jd_object_get(list, "tasks");
    for (size_t t = 0; t < jd_array_length(tasks); t++)
        if (jd_object_get_int(jd_array_get(tasks, t), "id", 0) == id) return jd_array_get(tasks, t);
    return NULL;
}

/* The names of `names` that some unit row of `where` (a task, or every task of a list) has. */
static jd_value *known_units(const jd_value *names, const jd_value *task, const jd_value *list)
{
    jd_value *known = jd_value_new_array();
    for (size_t i = 0; i < jd_array_length(names); i++) {
        jd_value *one = jd_value_new_array();
        jd_array_append(one, jd_value_ref(jd_array_get(names, i)));
        bool found = task && task_has_unit(task, one);
        const jd_value *tasks = jd_object_get(list, "tasks");
        for (size_t t = 0; !task && !found && t < jd_array_length(tasks); t++)
            found = task_has_unit(jd_array_get(tasks, t), one);
        if (found) jd_array_append(known, jd_value_ref(jd_array_get(names, i)));
        jd_value_unref(one);
    }
    return known;
}

jd_value *jp_place_broken(const jd_value *broken, const jd_value *list)
{
    jd_value *placed = jd_value_new_array();
    for (size_t i = 0; i < jd_array_length(broken); i++) {
        jd_value *e = jd_value_copy(jd_array_get(broken, i));
        if (g_strcmp0(jd_object_get_string(e, "binding"), "progress") == 0) {
            int64_t id = jd_object_get_int(e, "task", 0);
            const jd_value *task = id && list ? find_task(list, id) : NULL;
            jd_value *units = list ? known_units(jd_object_get(e, "units"), task, list) : jd_value_new_array();
            /* 0 and [] stand for any task and any unit */
            jd_object_set(e, "scope_task", jd_value_new_int(task ? id : 0));
            jd_object_set(e, "scope_units", units);
        }
        jd_array_append(placed, e);
    }
    return placed;
}

bool jp_list_broken(const jd_value *placed)
{
    for (size_t i = 0; i < jd_array_length(placed); i++) {
        const char *binding = jd_object_get_string(jd_array_get(placed, i), "binding");
        if (g_strcmp0(binding, "list") == 0 || g_strcmp0(binding, "*") == 0) return true;
    }
    return false;
}

/* Whether the document's data has a task and unit that the report left out was about. */
static bool share_has(const jd_value *e, const jd_value *data)
{
    const jd_value *list = jd_object_get(data, "list");
    int64_t id = jd_object_get_int(e, "scope_task", 0);
    const jd_value *units = jd_object_get(e, "scope_units");
    if (!list) return true; /* read without a list: nothing narrows it */
    const jd_value *tasks = jd_object_get(list, "tasks");
    for (size_t t = 0; t < jd_array_length(tasks); t++) {
        const jd_value *task = jd_array_get(tasks, t);
        if (id && jd_object_get_int(task, "id", 0) != id) continue;
        if (jd_array_length(units) == 0 || task_has_unit(task, units)) return true;
    }
    return false;
}

/* Whether an output whose template is `tpl` and whose data is `data` needs entry `e`. */
static bool needs(const jd_value *e, const jd_template *tpl, const jd_value *data)
{
    const char *binding = jd_object_get_string(e, "binding");
    bool reads_tasks = jd_template_reads(tpl, "list") || jd_template_reads(tpl, "progress");
    if (strcmp(binding, "*") == 0) return true; /* it may have been meant as anything */
    if (strcmp(binding, "list") == 0) return reads_tasks;
    if (strcmp(binding, "progress") == 0) return reads_tasks && (!jd_object_get(e, "scope_task") || share_has(e, data));
    return jd_template_reads(tpl, binding);
}

/* What the summary says about entry `e`: where, and what has errors. */
static char *describe(const jd_value *e)
{
    const char *binding = jd_object_get_string(e, "binding"), *file = jd_object_get_string(e, "file");
    int64_t line = jd_object_get_int(e, "line", 0), task = jd_object_get_int(e, "task", 0);
    const jd_value *units = jd_object_get(e, "units");
    char *where = line > 0 ? g_strdup_printf("%s:%" G_GINT64_FORMAT, file, line) : g_strdup(file ? file : "");
    char *what;
    if (strcmp(binding, "progress") == 0 && (task || jd_array_length(units))) {
        char *by = NULL;
        if (jd_array_length(units)) {
            GString *names = g_string_new(NULL);
            for (size_t i = 0; i < jd_array_length(units); i++)
                g_string_append_printf(names, "%s%s", i ? "、" : "", jd_value_string(jd_array_get(units, i)));
            by = g_string_free(names, FALSE);
        }
        char *on = task ? g_strdup_printf(" on task %" G_GINT64_FORMAT, task) : g_strdup("");
        what = g_strdup_printf("the report%s%s%s has errors", on, by ? " by " : "", by ? by : "");
        g_free(on);
        g_free(by);
    } else if (strcmp(binding, "progress") == 0) {
        what = g_strdup("progress data it needs has errors");
    } else if (strcmp(binding, "list") == 0) {
        what = g_strdup("the task list has errors");
    } else if (strcmp(binding, "indicators") == 0) {
        what = g_strdup("the indicators have errors");
    } else if (strcmp(binding, "*") == 0) {
        what = g_strdup("a data file of a kind that could not be told has errors");
    } else {
        what = g_strdup_printf("the data bound as '%s' has errors", binding);
    }
    char *text = g_strdup_printf("%s: %s", where, what);
    g_free(where);
    g_free(what);
    return text;
}

char *jp_blocked_reason(const jd_value *placed, const jd_template *tpl, const jd_value *data)
{
    const jd_value *first = NULL;
    size_t more = 0;
    for (size_t i = 0; i < jd_array_length(placed); i++) {
        const jd_value *e = jd_array_get(placed, i);
        if (!needs(e, tpl, data)) continue;
        if (first)
            more++;
        else
            first = e;
    }
    if (!first) return NULL;
    char *text = describe(first);
    if (!more) return text;
    char *with_more = g_strdup_printf("%s (and %zu more problem%s in its data)", text, more, more == 1 ? "" : "s");
    g_free(text);
    return with_more;
}
