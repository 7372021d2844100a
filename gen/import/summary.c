/* What a task list holds, for people: the summary `jindu import` prints, and the check for
 * leader names that look like typing slips. */
#include <string.h>

#include "jd_import_layers.h"

typedef struct {
    const char *name; /* borrowed from the tree */
    size_t tasks;
    size_t order;          /* first seen as the order-th leader */
    const jd_value *first; /* where it first appears */
} leader;

/* Every leader with the number of tasks that name it, in first-seen order; `by_name`
 * (name → leader*) gets the same entries. A task lists each leader once. */
static GPtrArray *count_leaders(const jd_value *list, GHashTable *by_name)
{
    GPtrArray *leaders = g_ptr_array_new_with_free_func(g_free);
    const jd_value *tasks = jd_object_get(list, "tasks");
    for (size_t t = 0; t < jd_array_length(tasks); t++) {
        const jd_value *names = jd_object_get(jd_array_get(tasks, t), "leaders");
        for (size_t i = 0; i < jd_array_length(names); i++) {
            const jd_value *v = jd_array_get(names, i);
            if (!jd_value_string(v)) continue;
            leader *l = g_hash_table_lookup(by_name, jd_value_string(v));
            if (!l) {
                l = g_new0(leader, 1);
                l->name = jd_value_string(v);
                l->order = leaders->len;
                l->first = v;
                g_ptr_array_add(leaders, l);
                g_hash_table_insert(by_name, (gpointer)l->name, l);
            }
            l->tasks++;
        }
    }
    return leaders;
}

static const char *tasks_word(size_t n)
{
    return n == 1 ? "task" : "tasks";
}

void jd_tasklist_check_leaders(const jd_value *list, const char *name, jd_diags *diags)
{
    GHashTable *by_name = g_hash_table_new(g_str_hash, g_str_equal);
    GPtrArray *leaders = count_leaders(list, by_name);
    for (guint i = 0; i < leaders->len; i++) {
        const leader *l = g_ptr_array_index(leaders, i);
        if (g_utf8_strlen(l->name, -1) < 3) continue;
        const char *end = l->name + strlen(l->name);
        char *without_last = g_strndup(l->name, (gsize)(g_utf8_prev_char(end) - l->name));
        const leader *other = g_hash_table_lookup(by_name, without_last);
        if (!other) other = g_hash_table_lookup(by_name, g_utf8_next_char(l->name));
        if (other)
            jd_diags_add(diags, JD_WARNING, name, jd_value_line(l->first), jd_value_col(l->first),
                         "leader '%s' (%zu %s) looks like '%s' (%zu %s) with one extra "
                         "character; check the source",
                         l->name, l->tasks, tasks_word(l->tasks), other->name, other->tasks,
                         tasks_word(other->tasks));
        g_free(without_last);
    }
    g_ptr_array_free(leaders, TRUE);
    g_hash_table_destroy(by_name);
}

static gint by_task_count(gconstpointer a, gconstpointer b)
{
    const leader *x = *(leader *const *)a, *y = *(leader *const *)b;
    if (x->tasks != y->tasks) return x->tasks > y->tasks ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

typedef struct {
    size_t whole_year, by_quarter, partial;
} plan_counts;

/* Whole-year: one segment over quarters 1–4; by quarter: several segments that together
 * cover all four; partial: some quarter has no plan. */
static void count_plan(const jd_value *plan, plan_counts *counts)
{
    int64_t covered = 0;
    for (size_t i = 0; i < jd_array_length(plan); i++) {
        const jd_value *seg = jd_array_get(plan, i);
        covered += jd_object_get_int(seg, "to", 0) - jd_object_get_int(seg, "from", 1) + 1;
    }
    if (covered != 4)
        counts->partial++;
    else if (jd_array_length(plan) == 1)
        counts->whole_year++;
    else
        counts->by_quarter++;
}

void jd_summary_append_title(GString *out, const jd_value *tree)
{
    const char *title = jd_object_get_string(tree, "title");
    char *title_line = g_strdelimit(g_strdup(title ? title : ""), "\n", ' ');
    char *shown = jd_printable(title_line);
    g_string_append_printf(out, "\n  title: %s\n", *shown ? shown : "(none)");
    g_free(shown);
    g_free(title_line);
}

void jd_summary_append_source(GString *out, const jd_import_info *info)
{
    if (info->format == JD_FORMAT_XLSX || info->format == JD_FORMAT_XLS) {
        char *sheet = jd_printable(info->sheet);
        g_string_append_printf(out, " (%s, sheet %s)", jd_format_name(info->format), sheet);
        g_free(sheet);
    } else {
        g_string_append_printf(out, " (%s, %s)", jd_format_name(info->format),
                               jd_encoding_name(info->encoding));
    }
}

char *jd_tasklist_summary(const jd_value *list, const jd_import_info *info)
{
    const jd_value *tasks = jd_object_get(list, "tasks");
    size_t unit_rows = 0;
    plan_counts plans = {0, 0, 0};
    GHashTable *units = g_hash_table_new(g_str_hash, g_str_equal);
    for (size_t t = 0; t < jd_array_length(tasks); t++) {
        const jd_value *task_units = jd_object_get(jd_array_get(tasks, t), "units");
        for (size_t u = 0; u < jd_array_length(task_units); u++) {
            const jd_value *unit = jd_array_get(task_units, u);
            const jd_value *names = jd_object_get(unit, "names");
            for (size_t n = 0; n < jd_array_length(names); n++)
                if (jd_value_string(jd_array_get(names, n)))
                    g_hash_table_add(units, (gpointer)jd_value_string(jd_array_get(names, n)));
            count_plan(jd_object_get(unit, "plan"), &plans);
            unit_rows++;
        }
    }
    GHashTable *by_name = g_hash_table_new(g_str_hash, g_str_equal);
    GPtrArray *leaders = count_leaders(list, by_name);

    GString *out = g_string_new("task list");
    if (info) jd_summary_append_source(out, info);
    jd_summary_append_title(out, list);
    g_string_append_printf(
        out, "  tasks: %zu   unit rows: %zu   distinct units: %u   leaders: %u\n",
        jd_array_length(tasks), unit_rows, g_hash_table_size(units), leaders->len);
    g_string_append_printf(out,
                           "  plans: %zu whole-year, %zu by quarter, %zu partial (some quarters "
                           "without plan)\n",
                           plans.whole_year, plans.by_quarter, plans.partial);
    g_ptr_array_sort(leaders, by_task_count);
    g_string_append(out, "  leaders:");
    for (guint i = 0; i < leaders->len; i++) {
        const leader *l = g_ptr_array_index(leaders, i);
        char *name = jd_printable(l->name);
        g_string_append_printf(out, "%s %s %zu", i ? "," : "", name, l->tasks);
        g_free(name);
    }
    g_string_append_printf(out, "%s\n", leaders->len ? "" : " (none)");
    if (info) g_string_append_printf(out, "  warnings: %zu\n", info->warnings);
    g_ptr_array_free(leaders, TRUE);
    g_hash_table_destroy(by_name);
    g_hash_table_destroy(units);
    return g_string_free(out, FALSE);
}
