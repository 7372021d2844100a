/* Marking what changed since an earlier version of the data, so readers of a regenerated
 * sheet see what is new. */
#include <string.h>

#include "jd_domain.h"
#include "jd_import.h"
#include "jd_project.h"

static const jd_value *find_task(const jd_value *list, int64_t id)
{
    const jd_value *tasks = jd_object_get(list, "tasks");
    for (size_t i = 0; i < jd_array_length(tasks); i++)
        if (jd_object_get_int(jd_array_get(tasks, i), "id", -1) == id)
            return jd_array_get(tasks, i);
    return NULL;
}

/* The same unit row in the earlier task: the row with the same names, else the row at the
 * same place. */
static const jd_value *find_row(const jd_value *old_task, const jd_value *row, size_t index)
{
    const jd_value *units = jd_object_get(old_task, "units");
    const jd_value *names = jd_object_get(row, "names");
    for (size_t i = 0; i < jd_array_length(units); i++)
        if (jd_value_equal(jd_object_get(jd_array_get(units, i), "names"), names))
            return jd_array_get(units, i);
    return jd_array_get(units, index);
}

/* The reports of a row for the periods in `periods` (all of them when NULL), without
 * where they were read from: a report that only moved to another file has not changed. */
static jd_value *reports_in(const jd_value *row, GHashTable *periods)
{
    jd_value *out = jd_value_new_array();
    const jd_value *reports = jd_object_get(row, "reports");
    for (size_t i = 0; i < jd_array_length(reports); i++) {
        const jd_value *r = jd_array_get(reports, i);
        if (periods && !g_hash_table_contains(periods, jd_object_get_string(r, "period")))
            continue;
        jd_value *copy = jd_value_new_object();
        for (size_t k = 0; k < jd_object_size(r); k++)
            if (strcmp(jd_object_key(r, k), "source") != 0)
                jd_object_set(copy, jd_object_key(r, k), jd_value_ref(jd_object_value(r, k)));
        jd_array_append(out, copy);
    }
    return out;
}

static bool row_changed(const jd_value *row, const jd_value *old, GHashTable *periods)
{
    if (!old)
        return true;
    if (!jd_value_equal(jd_object_get(row, "names"), jd_object_get(old, "names")) ||
        !jd_value_equal(jd_object_get(row, "plan"), jd_object_get(old, "plan")))
        return true;
    jd_value *a = reports_in(row, periods), *b = reports_in(old, periods);
    bool changed = !jd_value_equal(a, b);
    jd_value_unref(a);
    jd_value_unref(b);
    return changed;
}

/* The periods the earlier data reports on; NULL if it has no reports (then every period
 * counts). */
static GHashTable *periods_of(const jd_value *list)
{
    GHashTable *periods = NULL;
    const jd_value *tasks = jd_object_get(list, "tasks");
    for (size_t t = 0; t < jd_array_length(tasks); t++) {
        const jd_value *units = jd_object_get(jd_array_get(tasks, t), "units");
        for (size_t u = 0; u < jd_array_length(units); u++) {
            const jd_value *reports = jd_object_get(jd_array_get(units, u), "reports");
            for (size_t r = 0; r < jd_array_length(reports); r++) {
                if (!periods)
                    periods = g_hash_table_new(g_str_hash, g_str_equal);
                g_hash_table_add(periods, (gpointer)jd_object_get_string(jd_array_get(reports, r), "period"));
            }
        }
    }
    return periods;
}

/* A copy of `obj` (members shared) with `key` set to `value`. */
static jd_value *with_member(const jd_value *obj, const char *key, jd_value *value)
{
    jd_value *c = jd_value_new_object();
    for (size_t i = 0; i < jd_object_size(obj); i++)
        jd_object_set(c, jd_object_key(obj, i), jd_value_ref(jd_object_value(obj, i)));
    jd_object_set(c, key, value);
    return c;
}

jd_value *jd_mark_changes(const jd_value *list, const jd_value *previous, const char *previous_name)
{
    const jd_value *tasks = jd_object_get(list, "tasks");
    jd_value *new_tasks = jd_value_new_array();
    int64_t changed = 0;
    GHashTable *periods = periods_of(previous);
    for (size_t t = 0; t < jd_array_length(tasks); t++) {
        const jd_value *task = jd_array_get(tasks, t);
        const jd_value *old_task = find_task(previous, jd_object_get_int(task, "id", -1));
        const jd_value *units = jd_object_get(task, "units");
        jd_value *new_units = jd_value_new_array();
        bool task_changed = !old_task || !jd_value_equal(jd_object_get(task, "title"), jd_object_get(old_task, "title"));
        for (size_t u = 0; u < jd_array_length(units); u++) {
            const jd_value *row = jd_array_get(units, u);
            bool c = row_changed(row, old_task ? find_row(old_task, row, u) : NULL, periods);
            task_changed |= c;
            changed += c;
            jd_array_append(new_units, with_member(row, "changed", jd_value_new_bool(c)));
        }
        jd_value *nt = with_member(task, "units", new_units);
        jd_object_set(nt, "changed", jd_value_new_bool(task_changed));
        jd_array_append(new_tasks, nt);
    }
    if (periods)
        g_hash_table_destroy(periods);
    jd_value *out = with_member(list, "tasks", new_tasks);
    jd_object_set(out, "changes_since", jd_value_new_string(previous_name));
    jd_object_set(out, "changed_count", jd_value_new_int(changed));
    return out;
}

/* The task list as it was before progress was merged onto it. */
static jd_value *without_reports(const jd_value *list)
{
    const jd_value *tasks = jd_object_get(list, "tasks");
    jd_value *new_tasks = jd_value_new_array();
    for (size_t t = 0; t < jd_array_length(tasks); t++) {
        const jd_value *task = jd_array_get(tasks, t);
        const jd_value *units = jd_object_get(task, "units");
        jd_value *new_units = jd_value_new_array();
        for (size_t u = 0; u < jd_array_length(units); u++) {
            const jd_value *row = jd_array_get(units, u);
            jd_value *copy = jd_value_new_object();
            for (size_t k = 0; k < jd_object_size(row); k++)
                if (strcmp(jd_object_key(row, k), "reports") != 0 && strcmp(jd_object_key(row, k), "changed") != 0)
                    jd_object_set(copy, jd_object_key(row, k), jd_value_ref(jd_object_value(row, k)));
            jd_array_append(new_units, copy);
        }
        jd_array_append(new_tasks, with_member(task, "units", new_units));
    }
    return with_member(list, "tasks", new_tasks);
}

/* The latest period the reports of `progress` are for; false if it has none. */
static bool latest_period(const jd_value *progress, jd_period *latest)
{
    bool any = false;
    const jd_value *reports = jd_object_get(progress, "reports");
    for (size_t i = 0; i < jd_array_length(reports); i++) {
        jd_period p;
        if (jd_period_parse(jd_object_get_string(jd_array_get(reports, i), "period"), &p) &&
            (!any || jd_period_compare(&p, latest) > 0)) {
            *latest = p;
            any = true;
        }
    }
    return any;
}

/* What the legend calls the earlier data, never its file's path (a path on a document for
 * the leaders): "上次报送（2023年第一季度）" for earlier reports, named by their latest period,
 * "上一版清单" for an earlier list. */
static char *baseline_label(const jd_value *old, jd_data_kind kind)
{
    jd_period then;
    if (kind != JD_DATA_PROGRESS)
        return g_strdup("上一版清单");
    if (!latest_period(old, &then))
        return g_strdup("上次报送");
    char *name = jd_period_name(&then);
    char *label = g_strdup_printf("上次报送（%s）", name);
    g_free(name);
    return label;
}

jd_value *jd_mark_changes_since(const jd_value *globals, const char *previous_path, const char *label,
                                const char *const *states, jd_diags *diags)
{
    const jd_value *list = jd_object_get(globals, "list");
    const jd_value *progress = jd_object_get(globals, "progress");
    if (!list) {
        jd_diags_add(diags, JD_ERROR, previous_path, 0, 0, "marking changes needs a task list to mark");
        return NULL;
    }
    jd_import_options io = {JD_FORMAT_AUTO, NULL, states, NULL, NULL};
    jd_import_info info = {0};
    jd_value *old = jd_import_file_with(previous_path, &io, &info, diags);
    if (!old)
        return NULL;
    jd_value *previous = NULL;
    if (info.kind == JD_DATA_PROGRESS) {
        /* earlier reports: the same list with them instead of today's */
        jd_value *bare = without_reports(list);
        previous = jd_progress_merge(bare, old, states, diags);
        jd_value_unref(bare);
    } else if (info.kind == JD_DATA_TASK_LIST) {
        /* an earlier list: with today's reports, so that only the list's changes show */
        previous = progress ? jd_progress_merge(old, progress, states, diags) : jd_value_ref(old);
    } else {
        jd_diags_add(diags, JD_ERROR, previous_path, 0, 0,
                     "changes are marked against an earlier task list or earlier progress data");
    }
    char *derived = previous && !label ? baseline_label(old, info.kind) : NULL;
    jd_value_unref(old);
    if (!previous)
        return NULL;
    jd_value *marked = jd_mark_changes(list, previous, label ? label : derived);
    g_free(derived);
    jd_value_unref(previous);
    return marked;
}
