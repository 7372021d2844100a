/* Progress merged onto a task list by (task id, unit name): every unit row gets the reports
 * of its task and names; and the (task, unit) pairs that have not reported for a period. */
#include <string.h>

#include "jd_import_layers.h"

/* A report accepted for the merge, in canonical form. */
typedef struct {
    jd_value *report; /* owned */
    jd_period period;
    const char *unit; /* borrowed from `report` */
} accepted;

/* A task of the list with what the merge needs to know of it. */
typedef struct {
    gint64 id; /* the key of the index */
    const jd_value *task;
    GPtrArray *names;    /* distinct names of its unit rows, in order (borrowed) */
    GPtrArray *accepted; /* accepted*, in the order of the progress data */
} task_entry;

static void accepted_free(gpointer p)
{
    accepted *a = p;
    jd_value_unref(a->report);
    g_free(a);
}

static void task_entry_free(gpointer p)
{
    task_entry *e = p;
    g_ptr_array_free(e->names, TRUE);
    g_ptr_array_free(e->accepted, TRUE);
    g_free(e);
}

static bool has_name(const GPtrArray *names, const char *name)
{
    for (guint i = 0; i < names->len; i++)
        if (strcmp(g_ptr_array_index(names, i), name) == 0) return true;
    return false;
}

/* id → task_entry for every task of `list`. */
static GHashTable *index_tasks(const jd_value *list)
{
    GHashTable *index = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, task_entry_free);
    const jd_value *tasks = jd_object_get(list, "tasks");
    for (size_t t = 0; t < jd_array_length(tasks); t++) {
        task_entry *e = g_new0(task_entry, 1);
        e->task = jd_array_get(tasks, t);
        e->id = jd_object_get_int(e->task, "id", 0);
        e->names = g_ptr_array_new();
        e->accepted = g_ptr_array_new_with_free_func(accepted_free);
        const jd_value *units = jd_object_get(e->task, "units");
        for (size_t u = 0; u < jd_array_length(units); u++) {
            const jd_value *names = jd_object_get(jd_array_get(units, u), "names");
            for (size_t n = 0; n < jd_array_length(names); n++) {
                const char *name = jd_value_string(jd_array_get(names, n));
                if (name && !has_name(e->names, name)) g_ptr_array_add(e->names, (gpointer)name);
            }
        }
        /* ids are unique in a valid list; should one repeat, the first task keeps it */
        if (g_hash_table_contains(index, &e->id))
            task_entry_free(e);
        else
            g_hash_table_insert(index, &e->id, e);
    }
    return index;
}

/* `text` as a string value: `original` itself when it already says that, else a new string
 * at its position. */
static jd_value *normalised(jd_value *original, const char *text)
{
    if (strcmp(jd_value_string(original), text) == 0) return jd_value_ref(original);
    jd_value *v = jd_value_new_string(text);
    jd_value_set_pos(v, jd_value_line(original), jd_value_col(original));
    return v;
}

typedef struct {
    jd_diags *diags;
    const char *const *states;
    GHashTable *index;
} merger;

static void warn_if_other_task(merger *m, const jd_value *report, const task_entry *e)
{
    const jd_value *written = jd_object_get(jd_object_get(report, "source"), "title");
    const char *title = jd_object_get_string(e->task, "title");
    if (!written || !title || strcmp(jd_value_string(written), title) == 0) return;
    GString *shown = g_string_new(NULL);
    if (g_utf8_strlen(title, -1) > 20) {
        char *head = g_utf8_substring(title, 0, 20);
        g_string_append_printf(shown, "%s…", head);
        g_free(head);
    } else {
        g_string_append(shown, title);
    }
    jd_diags_add(m->diags, JD_WARNING, jd_progress_report_file(report), jd_value_line(written),
                 jd_value_col(written),
                 "目标任务 differs from task %" G_GINT64_FORMAT
                 " in the list ('%s'): is this row for another task?",
                 e->id, shown->str);
    g_string_free(shown, TRUE);
}

/* Checks a report against the list; returns its task if it is accepted. */
static task_entry *check_report(merger *m, const jd_value *report, jd_period *period,
                                const char **state)
{
    const char *file = jd_progress_report_file(report);
    bool ok = true;
    const jd_value *task = jd_object_get(report, "task");
    gint64 id = jd_value_int(task);
    task_entry *e = g_hash_table_lookup(m->index, &id);
    if (!e) {
        jd_diags_add(m->diags, JD_ERROR, file, jd_value_line(task), jd_value_col(task),
                     "task %" G_GINT64_FORMAT " is not in the task list", id);
        ok = false;
    }
    const jd_value *unit = jd_object_get(report, "unit");
    const char *name = jd_value_string(unit) ? jd_value_string(unit) : "";
    if (e && !has_name(e->names, name)) {
        GString *units = g_string_new(NULL);
        for (guint i = 0; i < e->names->len; i++)
            g_string_append_printf(units, "%s%s", i ? ", " : "",
                                   (const char *)g_ptr_array_index(e->names, i));
        jd_diags_add(m->diags, JD_ERROR, file, jd_value_line(unit), jd_value_col(unit),
                     "%s is not responsible for task %" G_GINT64_FORMAT " (its units: %s)", name,
                     id, units->str);
        g_string_free(units, TRUE);
        ok = false;
    }
    const jd_value *period_value = jd_object_get(report, "period");
    if (!jd_period_parse(jd_value_string(period_value), period)) {
        jd_diags_add(m->diags, JD_ERROR, file, jd_value_line(period_value),
                     jd_value_col(period_value), "period '%s' is not a period",
                     jd_value_string(period_value) ? jd_value_string(period_value) : "");
        ok = false;
    }
    const jd_value *state_value = jd_object_get(report, "state");
    *state = jd_progress_state(jd_value_string(state_value), m->states);
    if (!*state) {
        char *allowed = jd_progress_states_text(m->states);
        jd_diags_add(m->diags, JD_ERROR, file, jd_value_line(state_value),
                     jd_value_col(state_value), "state '%s' is not a state: use %s",
                     jd_value_string(state_value) ? jd_value_string(state_value) : "", allowed);
        g_free(allowed);
        ok = false;
    }
    if (e) warn_if_other_task(m, report, e);
    return ok ? e : NULL;
}

/* The report in canonical form, with its period and state as the merge normalised them;
 * unchanged members are shared. */
static jd_value *merged_report(const jd_value *report, const jd_period *period, const char *state,
                               jd_builder *keys)
{
    static const char *const shared[] = {"done", "problems", "next", "reporter", "date"};
    jd_value *out = jd_value_new_object();
    jd_object_reserve(out, 4 + G_N_ELEMENTS(shared));
    jd_value_set_pos(out, jd_value_line(report), jd_value_col(report));
    jd_object_set_with(out, keys, "task", jd_value_ref(jd_object_get(report, "task")));
    jd_object_set_with(out, keys, "unit", jd_value_ref(jd_object_get(report, "unit")));
    char *period_text = jd_period_format(period);
    jd_object_set_with(out, keys, "period", normalised(jd_object_get(report, "period"), period_text));
    g_free(period_text);
    jd_object_set_with(out, keys, "state", normalised(jd_object_get(report, "state"), state));
    for (size_t i = 0; i < G_N_ELEMENTS(shared); i++) {
        jd_value *v = jd_object_get(report, shared[i]);
        jd_object_set_with(out, keys, shared[i], v ? jd_value_ref(v) : jd_value_new_string(""));
    }
    return out;
}

/* A report of a unit row and where its name stands among the row's names. */
typedef struct {
    const accepted *a;
    size_t name_index;
} row_report;

static gint by_period_then_name(gconstpointer x, gconstpointer y)
{
    const row_report *a = x, *b = y;
    int c = jd_period_compare(&a->a->period, &b->a->period);
    if (c) return c;
    return a->name_index < b->name_index ? -1 : a->name_index > b->name_index;
}

/* The "reports" of a unit row: the task's accepted reports by any of the row's names. */
static jd_value *row_reports(const jd_value *unit, const task_entry *e)
{
    const jd_value *names = jd_object_get(unit, "names");
    GArray *found = g_array_new(FALSE, FALSE, sizeof(row_report));
    for (guint i = 0; i < e->accepted->len; i++) {
        const accepted *a = g_ptr_array_index(e->accepted, i);
        for (size_t n = 0; n < jd_array_length(names); n++) {
            if (g_strcmp0(jd_value_string(jd_array_get(names, n)), a->unit) == 0) {
                row_report rr = {a, n};
                g_array_append_val(found, rr);
                break;
            }
        }
    }
    g_array_sort(found, by_period_then_name); /* stable: input order breaks no ties */
    jd_value *reports = jd_value_new_array();
    for (guint i = 0; i < found->len; i++)
        jd_array_append(reports, jd_value_ref(g_array_index(found, row_report, i).a->report));
    g_array_free(found, TRUE);
    return reports;
}

/* A shallow copy of `obj`: the same members, shared, except `replaced`, which is left out. */
static jd_value *copy_except(const jd_value *obj, const char *replaced, jd_builder *keys)
{
    jd_value *out = jd_value_new_object();
    jd_object_reserve(out, jd_object_size(obj)); /* the member replaced is set after */
    jd_value_set_pos(out, jd_value_line(obj), jd_value_col(obj));
    for (size_t i = 0; i < jd_object_size(obj); i++)
        if (strcmp(jd_object_key(obj, i), replaced) != 0)
            jd_object_set_with(out, keys, jd_object_key(obj, i), jd_value_ref(jd_object_value(obj, i)));
    return out;
}

static jd_value *merged_list(const jd_value *list, GHashTable *index, const char *const *states,
                             jd_builder *keys)
{
    jd_value *out = copy_except(list, "tasks", keys);
    /* the states reports may have, so that a sheet counts each of them, 0 included */
    jd_value *allowed = jd_value_new_array();
    for (const char *const *s = states; *s; s++)
        jd_array_append(allowed, jd_value_new_string(*s));
    jd_object_set_with(out, keys, "states", allowed);
    const jd_value *tasks_in = jd_object_get(list, "tasks");
    jd_value *tasks = jd_value_new_array();
    for (size_t t = 0; t < jd_array_length(tasks_in); t++) {
        const jd_value *task_in = jd_array_get(tasks_in, t);
        gint64 id = jd_object_get_int(task_in, "id", 0);
        const task_entry *e = g_hash_table_lookup(index, &id);
        jd_value *task = copy_except(task_in, "units", keys);
        const jd_value *units_in = jd_object_get(task_in, "units");
        jd_value *units = jd_value_new_array();
        for (size_t u = 0; u < jd_array_length(units_in); u++) {
            const jd_value *unit_in = jd_array_get(units_in, u);
            jd_value *unit = copy_except(unit_in, "reports", keys);
            jd_object_set_with(unit, keys, "reports", row_reports(unit_in, e));
            jd_array_append(units, unit);
        }
        jd_object_set_with(task, keys, "units", units);
        jd_array_append(tasks, task);
    }
    jd_object_set_with(out, keys, "tasks", tasks);
    return out;
}

jd_value *jd_progress_merge(const jd_value *list, const jd_value *progress,
                            const char *const *states, jd_diags *diags)
{
    return jd_progress_merge_with(list, progress, states, NULL, NULL, diags);
}

/* The progress data with only the reports in `kept` (a set of report values). */
static jd_value *progress_with(const jd_value *progress, GHashTable *kept)
{
    jd_value *out = copy_except(progress, "reports", NULL);
    const jd_value *reports = jd_object_get(progress, "reports");
    jd_value *list = jd_value_new_array();
    for (size_t i = 0; i < jd_array_length(reports); i++)
        if (g_hash_table_contains(kept, jd_array_get(reports, i)))
            jd_array_append(list, jd_value_ref(jd_array_get(reports, i)));
    jd_object_set(out, "reports", list);
    return out;
}

jd_value *jd_progress_merge_with(const jd_value *list, const jd_value *progress,
                                 const char *const *states, jd_value *rejects, jd_value **kept,
                                 jd_diags *diags)
{
    jd_tally tally;
    diags = jd_tally_begin(&tally, diags);
    merger m = {diags, states ? states : jd_progress_default_states(), index_tasks(list)};
    size_t rejected_errors = 0;
    /* duplicates first: read leniently, both reports of a duplicate are left out */
    jd_value *reports = jd_progress_drop_duplicates(jd_object_get(progress, "reports"), rejects, &rejected_errors,
                                                    diags);
    GHashTable *merged_reports = g_hash_table_new(g_direct_hash, g_direct_equal);
    jd_builder *keys = jd_builder_new(); /* the merged tree's keys, one copy each */
    for (size_t i = 0; i < jd_array_length(reports); i++) {
        const jd_value *report = jd_array_get(reports, i);
        jd_period period;
        const char *state;
        size_t errors = jd_diags_count_severity(diags, JD_ERROR), from = jd_diags_count(diags);
        task_entry *e = check_report(&m, report, &period, &state);
        if (!e) {
            if (rejects) {
                rejected_errors += jd_diags_count_severity(diags, JD_ERROR) - errors;
                const jd_value *unit = jd_object_get(report, "unit");
                char *units[] = {(char *)jd_value_string(unit), NULL};
                jd_progress_reject(rejects, diags, from, jd_progress_report_file(report),
                                   jd_object_get_int(report, "task", 0), units, jd_object_get_string(report, "period"));
            }
            continue;
        }
        accepted *a = g_new0(accepted, 1);
        a->report = merged_report(report, &period, state, keys);
        a->period = period;
        a->unit = jd_object_get_string(a->report, "unit");
        g_ptr_array_add(e->accepted, a);
        g_hash_table_add(merged_reports, (gpointer)report);
    }
    jd_value *merged = NULL;
    if (jd_tally_errors(&tally) == rejected_errors) {
        merged = merged_list(list, m.index, m.states, keys);
        if (kept) *kept = progress_with(progress, merged_reports);
    } else if (kept) {
        *kept = NULL;
    }
    g_hash_table_destroy(merged_reports);
    jd_builder_free(keys);
    jd_value_unref(reports);
    g_hash_table_destroy(m.index);
    jd_tally_end(&tally);
    return merged;
}
