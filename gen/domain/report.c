/* A merged unit row's report for a period, as a sheet shows it, and the (task, unit) pairs
 * that did not report: the rules a sheet and a summary share. */
#include <string.h>

#include "jd_domain.h"

GPtrArray *jd_task_unit_names(const jd_value *task)
{
    GPtrArray *names = g_ptr_array_new();
    const jd_value *units = jd_object_get(task, "units");
    for (size_t u = 0; u < jd_array_length(units); u++) {
        const jd_value *row_names = jd_object_get(jd_array_get(units, u), "names");
        for (size_t n = 0; n < jd_array_length(row_names); n++) {
            const char *name = jd_value_string(jd_array_get(row_names, n));
            bool seen = false;
            for (guint i = 0; i < names->len && !seen; i++) seen = strcmp(g_ptr_array_index(names, i), name) == 0;
            if (name && !seen) g_ptr_array_add(names, (gpointer)name);
        }
    }
    return names;
}

jd_value *jd_progress_missing(const jd_value *merged, const jd_period *period)
{
    char *wanted = jd_period_format(period);
    jd_value *missing = jd_value_new_array();
    const jd_value *tasks = jd_object_get(merged, "tasks");
    for (size_t t = 0; t < jd_array_length(tasks); t++) {
        const jd_value *task = jd_array_get(tasks, t);
        gint64 id = jd_object_get_int(task, "id", 0);
        const jd_value *units = jd_object_get(task, "units");
        GPtrArray *names = jd_task_unit_names(task);
        for (guint n = 0; n < names->len; n++) {
            const char *name = g_ptr_array_index(names, n);
            bool reported = false;
            for (size_t u = 0; u < jd_array_length(units) && !reported; u++) {
                const jd_value *row = jd_object_get(jd_array_get(units, u), "reports");
                for (size_t r = 0; r < jd_array_length(row) && !reported; r++) {
                    const jd_value *report = jd_array_get(row, r);
                    reported = g_strcmp0(jd_object_get_string(report, "unit"), name) == 0 &&
                               g_strcmp0(jd_object_get_string(report, "period"), wanted) == 0;
                }
            }
            if (reported) continue;
            jd_value *pair = jd_value_new_object();
            jd_object_set(pair, "task", jd_value_new_int(id));
            jd_object_set(pair, "unit", jd_value_new_string(name));
            jd_array_append(missing, pair);
        }
        g_ptr_array_free(names, TRUE);
    }
    g_free(wanted);
    return missing;
}

/* ---- one row's report for a period ------------------------------------------------ */

/* How worrying a state is, most first: 滞后, 未启动, any other state, 未报送, 序时推进,
 * 已完成. A variant counts as its state (正常推进 as 序时推进). */
enum { SEVERITY_OTHER = 2, SEVERITY_NOT_REPORTED = 3 };

static int severity(const char *state)
{
    static const char *const order[] = {"滞后", "未启动", NULL, NULL, "序时推进", "已完成"};
    if (g_strcmp0(state, JD_STATE_NOT_REPORTED) == 0) return SEVERITY_NOT_REPORTED;
    /* a state written as the merge records it is its own canonical form: no need to
     * normalise it (jd_progress_state would return it as it is) */
    for (size_t i = 0; state && i < G_N_ELEMENTS(order); i++)
        if (order[i] && strcmp(state, order[i]) == 0) return (int)i;
    const char *canonical = state ? jd_progress_state(state, jd_progress_default_states()) : NULL;
    for (size_t i = 0; canonical && i < G_N_ELEMENTS(order); i++)
        if (order[i] && strcmp(canonical, order[i]) == 0) return (int)i;
    return SEVERITY_OTHER;
}

jd_value *jd_progress_report(const jd_value *unit_row, const jd_period *period)
{
    return jd_progress_report_of(unit_row, period, NULL);
}

/* The reports of a row for `period` (of unit `only` alone, if given), in the row's order. */
static GPtrArray *row_reports(const jd_value *unit_row, const jd_period *period, const char *only)
{
    char *wanted = jd_period_format(period);
    const jd_value *reports = jd_object_get(unit_row, "reports");
    GPtrArray *mine = g_ptr_array_new();
    for (size_t i = 0; i < jd_array_length(reports); i++) {
        const jd_value *r = jd_array_get(reports, i);
        if (g_strcmp0(jd_object_get_string(r, "period"), wanted) == 0 &&
            (!only || g_strcmp0(jd_object_get_string(r, "unit"), only) == 0))
            g_ptr_array_add(mine, (gpointer)r);
    }
    g_free(wanted);
    return mine;
}

/* The state of a row's reports: the most worrying, the first of equals; 未报送 without any
 * (a report without a state gives ""). */
static const char *row_state(const GPtrArray *mine)
{
    const char *state = JD_STATE_NOT_REPORTED;
    for (guint i = 0; i < mine->len; i++) {
        const char *s = jd_object_get_string(g_ptr_array_index(mine, i), "state");
        if (i == 0 || severity(s) < severity(state)) state = s;
    }
    return state ? state : "";
}

const char *jd_progress_report_state(const jd_value *unit_row, const jd_period *period)
{
    GPtrArray *mine = row_reports(unit_row, period, NULL);
    const char *state = row_state(mine);
    g_ptr_array_free(mine, TRUE);
    return state;
}

jd_value *jd_progress_report_of(const jd_value *unit_row, const jd_period *period, const char *only)
{
    static const char *const texts[] = {"done", "problems", "next", "reporter"};
    GPtrArray *mine = row_reports(unit_row, period, only);
    jd_value *out = jd_value_new_object();
    const char *date = "";
    for (guint i = 0; i < mine->len; i++) {
        const char *d = jd_object_get_string(g_ptr_array_index(mine, i), "date");
        if (d && strcmp(d, date) > 0) date = d; /* the latest, as ISO dates sort */
    }
    jd_object_set(out, "state", jd_value_new_string(row_state(mine)));
    for (size_t t = 0; t < G_N_ELEMENTS(texts); t++) {
        GString *text = g_string_new(NULL);
        for (guint i = 0; i < mine->len; i++) {
            const jd_value *r = g_ptr_array_index(mine, i);
            const char *v = jd_object_get_string(r, texts[t]);
            if (!v || !*v) continue;
            if (text->len) g_string_append_c(text, '\n');
            if (mine->len > 1) g_string_append_printf(text, "%s：", jd_object_get_string(r, "unit"));
            g_string_append(text, v);
        }
        jd_object_set(out, texts[t], jd_value_new_string_take(g_string_free(text, FALSE)));
    }
    jd_object_set(out, "date", jd_value_new_string(date));
    /* The same texts per reporting unit, for templates that set the unit's name apart (a
     * name kept whole on one line rather than the merged text's "单位：" prefix). */
    static const char *const entry_fields[] = {"unit", "state", "done", "problems", "next", "reporter", "date"};
    jd_value *entries = jd_value_new_array();
    for (guint i = 0; i < mine->len; i++) {
        const jd_value *r = g_ptr_array_index(mine, i);
        jd_value *entry = jd_value_new_object();
        for (size_t f = 0; f < G_N_ELEMENTS(entry_fields); f++) {
            const char *v = jd_object_get_string(r, entry_fields[f]);
            jd_object_set(entry, entry_fields[f], jd_value_new_string(v ? v : ""));
        }
        jd_array_append(entries, entry);
    }
    jd_object_set(out, "entries", entries);
    jd_value *units = jd_value_new_array(), *missing = jd_value_new_array();
    const jd_value *names = jd_object_get(unit_row, "names");
    for (size_t n = 0; n < jd_array_length(names); n++) {
        const char *name = jd_value_string(jd_array_get(names, n));
        if (only && strcmp(name, only) != 0) continue;
        bool reported = false;
        for (guint i = 0; i < mine->len && !reported; i++)
            reported = g_strcmp0(jd_object_get_string(g_ptr_array_index(mine, i), "unit"), name) == 0;
        jd_array_append(reported ? units : missing, jd_value_new_string(name));
    }
    jd_object_set(out, "units", units);
    jd_object_set(out, "missing", missing);
    g_ptr_array_free(mine, TRUE);
    return out;
}

/* ---- a task's state ------------------------------------------------------------------------ */

/* The most worrying report of each unit name of `task` (`names`, distinct) for period
 * `wanted` (canonical text), over every row that names it: the first of the most worrying
 * in row and report order, NULL for a name without one. One pass over the task's reports,
 * not one per name. Free with g_free. */
static const jd_value **name_reports(const jd_value *task, const GPtrArray *names, const char *wanted)
{
    const jd_value **worst = g_new0(const jd_value *, names->len + 1);
    const jd_value *units = jd_object_get(task, "units");
    for (size_t u = 0; u < jd_array_length(units); u++) {
        const jd_value *reports = jd_object_get(jd_array_get(units, u), "reports");
        for (size_t r = 0; r < jd_array_length(reports); r++) {
            const jd_value *report = jd_array_get(reports, r);
            const char *s = jd_object_get_string(report, "state");
            const char *unit = jd_object_get_string(report, "unit");
            if (!s || !unit || g_strcmp0(jd_object_get_string(report, "period"), wanted) != 0) continue;
            guint n = 0;
            while (n < names->len && strcmp(g_ptr_array_index(names, n), unit) != 0)
                n++;
            if (n < names->len &&
                (!worst[n] || severity(s) < severity(jd_object_get_string(worst[n], "state"))))
                worst[n] = report;
        }
    }
    return worst;
}

const char *jd_task_state(const jd_value *task, const jd_period *period)
{
    char *wanted = jd_period_format(period);
    GPtrArray *names = jd_task_unit_names(task);
    const jd_value **reports = name_reports(task, names, wanted);
    const char *worst = NULL;
    for (guint n = 0; n < names->len; n++) {
        const char *state = reports[n] ? jd_object_get_string(reports[n], "state") : JD_STATE_NOT_REPORTED;
        if (!worst || severity(state) < severity(worst)) worst = state;
    }
    g_free(reports);
    g_ptr_array_free(names, TRUE);
    g_free(wanted);
    return worst ? worst : JD_STATE_NOT_REPORTED;
}

jd_value *jd_task_unit_reports(const jd_value *task, const jd_period *period)
{
    static const char *const texts[] = {"done", "problems", "next", "reporter", "date"};
    char *wanted = jd_period_format(period);
    GPtrArray *names = jd_task_unit_names(task);
    const jd_value **reports = name_reports(task, names, wanted);
    jd_value *out = jd_value_new_array();
    for (guint n = 0; n < names->len; n++) {
        const char *name = g_ptr_array_index(names, n);
        const jd_value *report = reports[n];
        jd_value *entry = jd_value_new_object();
        jd_object_set(entry, "unit", jd_value_new_string(name));
        jd_object_set(entry, "state",
                      jd_value_new_string(report ? jd_object_get_string(report, "state") : JD_STATE_NOT_REPORTED));
        for (size_t t = 0; t < G_N_ELEMENTS(texts); t++) {
            const char *v = report ? jd_object_get_string(report, texts[t]) : NULL;
            jd_object_set(entry, texts[t], jd_value_new_string(v ? v : ""));
        }
        jd_array_append(out, entry);
    }
    g_free(reports);
    g_ptr_array_free(names, TRUE);
    g_free(wanted);
    return out;
}

jd_value *jd_task_state_counts(const jd_value *tasks, const char *const *states,
                               const jd_period *period)
{
    size_t n = jd_array_length(tasks);
    const char **task_states = g_new(const char *, n + 1);
    for (size_t t = 0; t < n; t++)
        task_states[t] = jd_task_state(jd_array_get(tasks, t), period);
    jd_value *out = jd_state_counts(task_states, n, states);
    g_free(task_states);
    return out;
}

jd_value *jd_state_counts(const char *const *task_states, size_t n, const char *const *states)
{
    if (!states) states = jd_progress_default_states();
    GPtrArray *order = g_ptr_array_new(); /* the keys: configured states, then others met */
    for (const char *const *s = states; *s; s++)
        g_ptr_array_add(order, (gpointer)*s);
    GHashTable *counts = g_hash_table_new(g_str_hash, g_str_equal);
    for (size_t t = 0; t < n; t++) {
        const char *state = task_states[t];
        bool known = strcmp(state, JD_STATE_NOT_REPORTED) == 0;
        for (guint i = 0; i < order->len && !known; i++)
            known = strcmp(g_ptr_array_index(order, i), state) == 0;
        if (!known) g_ptr_array_add(order, (gpointer)state);
        g_hash_table_insert(counts, (gpointer)state,
                            GSIZE_TO_POINTER(GPOINTER_TO_SIZE(g_hash_table_lookup(counts, state)) + 1));
    }
    g_ptr_array_add(order, (gpointer)JD_STATE_NOT_REPORTED);
    jd_value *out = jd_value_new_object();
    for (guint i = 0; i < order->len; i++) {
        const char *key = g_ptr_array_index(order, i);
        jd_object_set(out, key, jd_value_new_int((int64_t)GPOINTER_TO_SIZE(g_hash_table_lookup(counts, key))));
    }
    g_hash_table_destroy(counts);
    g_ptr_array_free(order, TRUE);
    return out;
}
