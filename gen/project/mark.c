/* Marking what changed since an earlier version of the data, so readers of a regenerated
 * sheet see what is new. */
#include <string.h>

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

static bool row_changed(const jd_value *row, const jd_value *old)
{
    static const char *const members[] = {"names", "plan", "reports"};
    if (!old)
        return true;
    for (size_t i = 0; i < G_N_ELEMENTS(members); i++)
        if (!jd_value_equal(jd_object_get(row, members[i]), jd_object_get(old, members[i])))
            return true;
    return false;
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
    for (size_t t = 0; t < jd_array_length(tasks); t++) {
        const jd_value *task = jd_array_get(tasks, t);
        const jd_value *old_task = find_task(previous, jd_object_get_int(task, "id", -1));
        const jd_value *units = jd_object_get(task, "units");
        jd_value *new_units = jd_value_new_array();
        bool task_changed = !old_task || !jd_value_equal(jd_object_get(task, "title"), jd_object_get(old_task, "title"));
        for (size_t u = 0; u < jd_array_length(units); u++) {
            const jd_value *row = jd_array_get(units, u);
            bool c = row_changed(row, old_task ? find_row(old_task, row, u) : NULL);
            task_changed |= c;
            changed += c;
            jd_array_append(new_units, with_member(row, "changed", jd_value_new_bool(c)));
        }
        jd_value *nt = with_member(task, "units", new_units);
        jd_object_set(nt, "changed", jd_value_new_bool(task_changed));
        jd_array_append(new_tasks, nt);
    }
    jd_value *out = with_member(list, "tasks", new_tasks);
    jd_object_set(out, "changes_since", jd_value_new_string(previous_name));
    jd_object_set(out, "changed_count", jd_value_new_int(changed));
    return out;
}
