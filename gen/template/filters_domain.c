/* Filters on what the data means: a task's state for a period (from its units' reports),
 * and an indicator's state, completion and 序时进度. The rules are the domain's
 * (gen/domain); a template only shows their results. */
#include <string.h>

#include "tpl.h"

/* ---- what one expansion has worked out ------------------------------------------------- */

/* A summary asks the same questions of the same data again and again: every task's state
 * for the whole list, then for each leader's tasks (copies made by task_states, sharing the
 * units), in two tables; an indicator tree's statuses for the text, then for the counts.
 * Values do not change while a template expands, so each answer is worked out once: a
 * task's state depends only on its units and the period, an indicator tree's statuses only
 * on the tree and the period. The memo holds a reference to each key value, so that its
 * address cannot be reused by another value while the answer is kept. */
struct tpl_memo {
    GHashTable *task_states; /* memo_key (units, period) -> const char * (in the units) */
    GHashTable *statuses;    /* memo_key (indicator tree, period) -> jd_value * (the list) */
};

typedef struct {
    jd_value *value; /* referenced */
    int year, quarter, month; /* a jd_period, or a jd_ytd's year and months */
} memo_key;

static guint memo_hash(gconstpointer p)
{
    const memo_key *k = p;
    return g_direct_hash(k->value) ^ (guint)(k->year * 8191 + k->quarter * 31 + k->month);
}

static gboolean memo_equal(gconstpointer a, gconstpointer b)
{
    const memo_key *x = a, *y = b;
    return x->value == y->value && x->year == y->year && x->quarter == y->quarter &&
           x->month == y->month;
}

static void memo_key_free(gpointer p)
{
    memo_key *k = p;
    jd_value_unref(k->value);
    g_free(k);
}

tpl_memo *tpl_memo_new(void)
{
    tpl_memo *memo = g_new0(tpl_memo, 1);
    memo->task_states = g_hash_table_new_full(memo_hash, memo_equal, memo_key_free, NULL);
    memo->statuses = g_hash_table_new_full(memo_hash, memo_equal, memo_key_free,
                                           (GDestroyNotify)jd_value_unref);
    return memo;
}

void tpl_memo_free(tpl_memo *memo)
{
    if (!memo) return;
    g_hash_table_destroy(memo->task_states);
    g_hash_table_destroy(memo->statuses);
    g_free(memo);
}

/* Adds `answer` under a new key for (value, a, b, c). */
static void memo_put(GHashTable *table, const jd_value *value, int a, int b, int c, gpointer answer)
{
    memo_key *k = g_new(memo_key, 1);
    *k = (memo_key){jd_value_ref((jd_value *)value), a, b, c};
    g_hash_table_insert(table, k, answer);
}

/* jd_task_state, remembered per units and period when the expansion keeps a memo. */
static const char *task_state(const tpl_filter_call *call, const jd_value *task, const jd_period *period)
{
    tpl_memo *memo = call->ev->memo;
    const jd_value *units = jd_object_get(task, "units");
    if (!memo || !units) return jd_task_state(task, period);
    memo_key key = {(jd_value *)units, period->year, period->quarter, period->month};
    const char *state = g_hash_table_lookup(memo->task_states, &key);
    if (!state) {
        state = jd_task_state(task, period);
        memo_put(memo->task_states, units, period->year, period->quarter, period->month, (gpointer)state);
    }
    return state;
}

/* A list of tasks (null is an empty one), each an object with units. */
static bool task_list(const tpl_filter_call *call, const jd_value *in)
{
    if (jd_value_is_null(in)) return true;
    if (jd_value_kind_of(in) != JD_VALUE_ARRAY) {
        tpl_filter_type_error(call, "a list of tasks", in);
        return false;
    }
    for (size_t i = 0; i < jd_array_length(in); i++) {
        const jd_value *t = jd_array_get(in, i);
        if (jd_value_kind_of(t) != JD_VALUE_OBJECT || !jd_object_get(t, "units")) {
            tpl_filter_type_error(call, "a list of tasks (objects with units)", t);
            return false;
        }
    }
    return true;
}

/* Each task with its `state` for the period. */
jd_value *tpl_f_task_states(const tpl_filter_call *call, jd_value *in, jd_value **args, int n)
{
    jd_period period;
    if (!tpl_period_arg(call, args[0], &period) || !task_list(call, in)) return NULL;
    jd_value *out = jd_value_new_array();
    for (size_t i = 0; i < jd_array_length(in); i++) {
        const jd_value *task = jd_array_get(in, i);
        jd_array_append(out, jd_object_with(task, "state", jd_value_new_string(task_state(call, task, &period))));
    }
    return out;
}

/* How many tasks are in each state: the configured states (what the merge recorded on the
 * list, as state_counts reads them) in their order, 0 included. The input is a list of tasks
 * or a task list. */
jd_value *tpl_f_task_counts(const tpl_filter_call *call, jd_value *in, jd_value **args, int n)
{
    jd_period period;
    const jd_value *list = jd_value_kind_of(in) == JD_VALUE_OBJECT ? in : jd_object_get(call->ev->globals, "list");
    const jd_value *tasks = jd_value_kind_of(in) == JD_VALUE_OBJECT ? jd_object_get(in, "tasks") : in;
    if (!tpl_period_arg(call, args[0], &period) || !task_list(call, tasks)) return NULL;
    const jd_value *configured = jd_object_get(list, "states");
    GPtrArray *states = g_ptr_array_new();
    for (size_t i = 0; i < jd_array_length(configured); i++)
        if (jd_value_string(jd_array_get(configured, i)))
            g_ptr_array_add(states, (gpointer)jd_value_string(jd_array_get(configured, i)));
    g_ptr_array_add(states, NULL);
    size_t count = jd_array_length(tasks);
    const char **task_states = g_new(const char *, count + 1);
    for (size_t i = 0; i < count; i++)
        task_states[i] = task_state(call, jd_array_get(tasks, i), &period);
    jd_value *counts =
        jd_state_counts(task_states, count, states->len > 1 ? (const char *const *)states->pdata : NULL);
    g_free(task_states);
    g_ptr_array_free(states, TRUE);
    return counts;
}

/* What each unit of a task reports for the period, each unit once:
 * t | unit_reports(p) | select('state', '滞后') names the units that lag. */
jd_value *tpl_f_unit_reports(const tpl_filter_call *call, jd_value *in, jd_value **args, int n)
{
    jd_period period;
    if (!tpl_period_arg(call, args[0], &period)) return NULL;
    if (jd_value_kind_of(in) != JD_VALUE_OBJECT || jd_value_kind_of(jd_object_get(in, "units")) != JD_VALUE_ARRAY)
        return tpl_filter_type_error(call, "a task (an object with units)", in);
    return jd_task_unit_reports(in, &period);
}

/* The (task, unit) pairs without a report for the period, in list order: [{task, unit}]
 * (what `jindu check` lists as 未报送; group them by unit to name who did not report). The
 * input is a task list or a list of tasks. */
jd_value *tpl_f_missing_reports(const tpl_filter_call *call, jd_value *in, jd_value **args, int n)
{
    jd_period period;
    bool whole = jd_value_kind_of(in) == JD_VALUE_OBJECT;
    const jd_value *tasks = whole ? jd_object_get(in, "tasks") : in;
    if (!tpl_period_arg(call, args[0], &period) || !task_list(call, tasks)) return NULL;
    if (whole) return jd_progress_missing(in, &period);
    jd_value *list = jd_value_new_object();
    jd_object_set(list, "tasks", jd_value_ref((jd_value *)tasks));
    jd_value *missing = jd_progress_missing(list, &period);
    jd_value_unref(list);
    return missing;
}

/* ---- indicators ------------------------------------------------------------------------ */

/* The cumulative period an argument names: a reporting period (2023Q2 → January–June) or a
 * cumulative one (上半年 with the targets' year, 2023-01/2023-06). When `year` is known the
 * period must be in it. */
static bool ytd_arg(const tpl_filter_call *call, const jd_value *arg, int year, jd_ytd *out)
{
    char *text = jd_value_to_text(arg);
    jd_period period;
    char *why = NULL;
    bool ok = true;
    if (jd_period_parse(text, &period))
        *out = jd_ytd_of_period(&period);
    else if (!jd_ytd_parse(text, year, out, &why))
        ok = !tpl_filter_error(call, "filter '%s': '%s' is not a period (2023Q2, 2023-05, 上半年, "
                                     "2023-01/2023-06)%s%s",
                               call->name, text, why ? ": " : "", why ? why : "");
    if (ok && year && out->year != year)
        ok = !tpl_filter_error(call, "filter '%s': the indicators are for %d, not for '%s'", call->name,
                               year, text);
    g_free(why);
    g_free(text);
    return ok;
}

static bool rules_arg(const tpl_filter_call *call, const jd_value *v, jd_indicator_rules *rules)
{
    char *why = NULL;
    if (jd_indicator_rules_from_value(v, rules, &why)) return true;
    tpl_filter_error(call, "filter '%s': %s", call->name, why);
    g_free(why);
    return false;
}

static bool is_indicator_tree(const jd_value *v)
{
    return jd_value_kind_of(v) == JD_VALUE_OBJECT && jd_value_kind_of(jd_object_get(v, "indicators")) == JD_VALUE_ARRAY;
}

/* The status of one indicator, or NULL after an error. */
static jd_value *status_of(const tpl_filter_call *call, const jd_value *indicator, const jd_ytd *period,
                           const jd_indicator_rules *rules)
{
    char *error = NULL;
    jd_value *status = jd_indicator_status(indicator, period, rules, &error);
    if (!status) {
        tpl_filter_error(call, "filter '%s': %s", call->name, error);
        g_free(error);
    }
    return status;
}

/* Each indicator with its `status` for the period; NULL after an error. */
static jd_value *with_status(const tpl_filter_call *call, const jd_value *list, const jd_ytd *period,
                             const jd_indicator_rules *rules)
{
    jd_value *out = jd_value_new_array();
    for (size_t i = 0; i < jd_array_length(list); i++) {
        const jd_value *indicator = jd_array_get(list, i);
        jd_value *status = status_of(call, indicator, period, rules);
        if (!status) {
            jd_value_unref(out);
            return NULL;
        }
        jd_array_append(out, jd_object_with(indicator, "status", status));
    }
    return out;
}

/* Every indicator of a tree with its status, remembered per tree and period when the
 * expansion keeps a memo. */
static jd_value *tree_statuses(const tpl_filter_call *call, const jd_value *tree, const jd_ytd *period,
                               const jd_indicator_rules *rules)
{
    tpl_memo *memo = call->ev->memo;
    memo_key key = {(jd_value *)tree, period->year, period->months, 0};
    jd_value *list = memo ? g_hash_table_lookup(memo->statuses, &key) : NULL;
    if (list) return jd_value_ref(list);
    list = with_status(call, jd_object_get(tree, "indicators"), period, rules);
    if (list && memo) memo_put(memo->statuses, tree, period->year, period->months, 0, jd_value_ref(list));
    return list;
}

/* indicators | indicator_status(period): every indicator with its status, by the tree's
 * rules. One indicator (or a list of them) needs the rules as the second argument:
 * ind | indicator_status(period, indicators.rules) gives that indicator's status. */
jd_value *tpl_f_indicator_status(const tpl_filter_call *call, jd_value *in, jd_value **args, int n)
{
    jd_indicator_rules rules;
    jd_ytd period;
    if (is_indicator_tree(in)) {
        if (n > 1)
            return tpl_filter_error(call, "filter 'indicator_status': the indicators' own rules apply; "
                                          "give only the period");
        int year = (int)jd_object_get_int(in, "year", 0);
        const jd_value *r = jd_object_get(in, "rules");
        if (!ytd_arg(call, args[0], year, &period)) return NULL;
        if (r) {
            if (!rules_arg(call, r, &rules)) return NULL;
        } else {
            jd_indicator_rules_init(&rules);
        }
        return tree_statuses(call, in, &period, &rules);
    }
    bool one = jd_value_kind_of(in) == JD_VALUE_OBJECT && jd_object_get(in, "target");
    if (!one && jd_value_kind_of(in) != JD_VALUE_ARRAY)
        return tpl_filter_type_error(call, "the indicators, one indicator or a list of them", in);
    if (n < 2)
        return tpl_filter_error(call, "filter 'indicator_status': give the rules for a single indicator "
                                      "or a list: indicator_status(period, indicators.rules)");
    if (!ytd_arg(call, args[0], 0, &period) || !rules_arg(call, args[1], &rules)) return NULL;
    return one ? status_of(call, in, &period, &rules) : with_status(call, in, &period, &rules);
}

/* indicators | indicator_counts(period): how many indicators are in each of the five states. */
jd_value *tpl_f_indicator_counts(const tpl_filter_call *call, jd_value *in, jd_value **args, int n)
{
    if (!is_indicator_tree(in)) return tpl_filter_type_error(call, "the indicators (with their rules)", in);
    jd_value *list = tpl_f_indicator_status(call, in, args, n);
    if (!list) return NULL;
    jd_value *counts = jd_value_new_object();
    for (const char *const *s = jd_indicator_states(); *s; s++)
        jd_object_set(counts, *s, jd_value_new_int(0));
    for (size_t i = 0; i < jd_array_length(list); i++) {
        const char *state = jd_object_get_string(jd_object_get(jd_array_get(list, i), "status"), "state");
        jd_object_set(counts, state, jd_value_new_int(jd_object_get_int(counts, state, 0) + 1));
    }
    jd_value_unref(list);
    return counts;
}

/* "2023-01/2023-06" or "2023Q2" → 上半年. */
jd_value *tpl_f_cumulative_name(const tpl_filter_call *call, jd_value *in, jd_value **args, int n)
{
    if (jd_value_is_null(in)) return jd_value_ref(in);
    jd_ytd period;
    if (!ytd_arg(call, in, 0, &period)) return NULL;
    return jd_value_new_string_take(jd_ytd_name(&period));
}
