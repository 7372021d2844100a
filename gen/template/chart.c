/* Charts: a <chart> and its <series> evaluated against the data into a CHART node of the
 * document — the categories, and one number per category for each series.
 *
 * `data` is a list (each element is `item` while a chart's or series' `label`, `value` and
 * `note` are evaluated), or an object, whose members become items {key, value} in order,
 * so that `data="{{ tasks | state_counts('2023Q2') }}"` is a chart of its own. `labels`
 * and `values` give whole lists instead. Every value is checked here, where the template
 * position is known: a chart is never drawn from values that are not numbers, from series
 * of different lengths, or from a pie share below zero.
 */
#include <math.h>
#include <string.h>

#include "tpl.h"

/* Past this many categories a chart cannot be read, at any size. */
#define MAX_CATEGORIES 1000
/* Values beyond this cannot be told apart on an axis printed with a few digits. */
#define MAX_MAGNITUDE 1e15
/* Series (or pie slices) that stay apart in black and white: grey levels and hatches. */
#define MAX_SERIES 8

static const char *const kind_names[] = {"bar", "line", "pie", "ring", "progress"};
static const char *const role_names[] = {"value", "target", "mark"};

static void chart_error(tpl_chart *c, const tpl_node *node, const tpl_attr *a, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);
static void chart_error(tpl_chart *c, const tpl_node *node, const tpl_attr *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (a)
        tpl_errorv(c->errs, node->src, a->value_start, a->value_end, fmt, ap);
    else
        tpl_errorv(c->errs, node->src, node->start, node->name_end, fmt, ap);
    va_end(ap);
    c->failed = true;
}

/* The value of attribute `a` (text, and the typed value of a lone {{ }}), with `item` bound
 * to data item `i` when i != (size_t)-1. */
static bool eval_attr(tpl_chart *c, const tpl_attr *a, size_t i, GString *text, jd_value **typed)
{
    *typed = NULL;
    g_string_truncate(text, 0);
    if (!a->parts) {
        g_string_append(text, a->value.s ? a->value.s : "");
        return true;
    }
    guint depth = c->ev->scope->len;
    if (i != (size_t)-1)
        tpl_scope_push(c->ev, c->item_name, jd_value_ref(jd_array_get(c->items, i)));
    bool ok = tpl_attr_eval(c->ev, a, text, typed);
    tpl_scope_pop_to(c->ev, depth);
    if (!ok) c->failed = true;
    return ok;
}

/* "item 3 (“一般公共预算收入”)" — which category a message is about. */
static char *which(const tpl_chart *c, size_t i)
{
    const char *label = i < c->labels->len ? g_ptr_array_index(c->labels, i) : NULL;
    return label && *label ? g_strdup_printf("item %zu (“%s”)", i + 1, label)
                           : g_strdup_printf("item %zu", i + 1);
}

static char *describe(const jd_value *v)
{
    char *text = jd_value_to_text(v);
    if (g_utf8_strlen(text, -1) > 20) {
        char *cut = g_utf8_substring(text, 0, 20);
        g_free(text);
        text = g_strconcat(cut, "…", NULL);
        g_free(cut);
    }
    char *s = g_strdup_printf("%s (%s)", tpl_kind_phrase(jd_value_kind_of(v)), text);
    g_free(text);
    return s;
}

/* A chart number from a value: a number, or NaN for null ("no value"); false (reported)
 * for anything else. `text` is the attribute's text when there is no typed value. */
static bool to_number(tpl_chart *c, const tpl_node *node, const tpl_attr *a, const char *name,
                      size_t i, const jd_value *typed, const char *text, double *out)
{
    char *where = which(c, i);
    bool ok = true;
    if (typed && jd_value_is_number(typed)) {
        *out = jd_value_number(typed);
    } else if (typed && jd_value_is_null(typed)) {
        *out = NAN;
    } else if (typed) {
        char *got = describe(typed);
        chart_error(c, node, a, "%s of %s is %s, not a number", name, where, got);
        g_free(got);
        ok = false;
    } else {
        char *s = g_strstrip(g_strdup(text));
        char *end = NULL;
        *out = g_ascii_strtod(s, &end);
        if (!*s || !end || *end) {
            chart_error(c, node, a, "%s of %s is “%s”, not a number", name, where, s);
            ok = false;
        }
        g_free(s);
    }
    if (ok && !isnan(*out) && !(fabs(*out) <= MAX_MAGNITUDE)) {
        chart_error(c, node, a, "%s of %s is %g: too large to draw (at most 1e15)", name, where,
                    *out);
        ok = false;
    }
    g_free(where);
    return ok;
}

/* The items of `data`: a list as it is, an object as a list of {key, value}. */
static jd_value *data_items(tpl_chart *c, const jd_value *data)
{
    if (jd_value_kind_of(data) == JD_VALUE_ARRAY) return jd_value_ref((jd_value *)data);
    c->from_object = true;
    jd_value *items = jd_value_new_array();
    for (size_t i = 0; i < jd_object_size(data); i++) {
        jd_value *item = jd_value_new_object();
        jd_object_set(item, "key", jd_value_new_string(jd_object_key(data, i)));
        jd_object_set(item, "value", jd_value_ref(jd_object_value(data, i)));
        jd_array_append(items, item);
    }
    return items;
}

/* A list-valued attribute (data, labels, values): the value of its lone {{ }}. */
static jd_value *list_attr(tpl_chart *c, const tpl_node *node, const tpl_attr *a, bool object_too)
{
    GString *text = g_string_new(NULL);
    jd_value *v = NULL;
    bool ok = eval_attr(c, a, (size_t)-1, text, &v);
    g_string_free(text, TRUE);
    if (!ok) return NULL;
    jd_value_kind k = v ? jd_value_kind_of(v) : JD_VALUE_STRING;
    if (!v || (k != JD_VALUE_ARRAY && !(object_too && k == JD_VALUE_OBJECT))) {
        char *got = v ? describe(v) : g_strdup("text");
        const char *name = a->id == TPL_A_DATA     ? "data"
                           : a->id == TPL_A_LABELS ? "labels"
                                                   : "values";
        chart_error(c, node, a, "'%s' needs a list%s, got %s", name,
                    object_too ? " or an object" : "", got);
        g_free(got);
        jd_value_unref(v);
        return NULL;
    }
    return v;
}

static void add_label_text(tpl_chart *c, const jd_value *v)
{
    g_ptr_array_add(c->labels, jd_value_is_null(v) ? g_strdup("") : jd_value_to_text(v));
}

bool tpl_chart_begin(tpl_chart *c, tpl_eval *ev, tpl_errors *errs, const char *item_name,
                     const tpl_node *node, jd_doc *doc, jd_node *chart)
{
    memset(c, 0, sizeof *c);
    c->ev = ev;
    c->errs = errs;
    c->item_name = item_name;
    c->node = node;
    c->doc = doc;
    c->chart = chart;
    c->labels = g_ptr_array_new_with_free_func(g_free);
    c->series = g_ptr_array_new();
    const tpl_attr *kind = tpl_node_attr(node, TPL_A_KIND);
    c->kind = kind ? (int)kind->value.i : TPL_CHART_BAR;

    const tpl_attr *data = tpl_node_attr(node, TPL_A_DATA),
                   *labels = tpl_node_attr(node, TPL_A_LABELS);
    if (data) {
        jd_value *v = list_attr(c, node, data, true);
        if (!v) return false;
        c->items = data_items(c, v);
        jd_value_unref(v);
        c->n = jd_array_length(c->items);
    } else if (labels) {
        jd_value *v = list_attr(c, node, labels, false);
        if (!v) return false;
        c->n = jd_array_length(v);
        for (size_t i = 0; i < c->n && !c->failed; i++) {
            const jd_value *l = jd_array_get(v, i);
            if (jd_value_kind_of(l) == JD_VALUE_ARRAY || jd_value_kind_of(l) == JD_VALUE_OBJECT) {
                char *got = describe(l);
                chart_error(c, node, labels, "label %zu is %s: a label is text or a number", i + 1,
                            got);
                g_free(got);
            }
            add_label_text(c, l);
        }
        jd_value_unref(v);
    } else {
        c->failed = true; /* reported when the template was loaded */
        return false;
    }
    const tpl_attr *where = data ? data : labels;
    if (c->n == 0) {
        chart_error(c, node, where, "the chart's %s is empty: there is nothing to draw",
                    data ? "data" : "labels");
        return false;
    }
    if (c->n > MAX_CATEGORIES) {
        chart_error(c, node, where, "the chart has %zu categories: more than %d cannot be read",
                    c->n, MAX_CATEGORIES);
        return false;
    }

    if (c->items) {
        /* the categories: `label`, or an object's keys */
        const tpl_attr *label = tpl_node_attr(node, TPL_A_LABEL);
        GString *text = g_string_new(NULL);
        for (size_t i = 0; i < c->n && !c->failed; i++) {
            if (label) {
                jd_value *typed = NULL;
                if (eval_attr(c, label, i, text, &typed))
                    g_ptr_array_add(c->labels, g_strdup(text->str));
                jd_value_unref(typed);
            } else if (c->from_object) {
                add_label_text(c, jd_object_get(jd_array_get(c->items, i), "key"));
            } else {
                chart_error(c, node, NULL,
                            "<chart> needs a 'label' for the items of its data list, e.g. "
                            "label=\"{{ item.name }}\"");
            }
        }
        const tpl_attr *note = tpl_node_attr(node, TPL_A_NOTE);
        if (note) {
            c->notes = g_ptr_array_new_with_free_func(g_free);
            for (size_t i = 0; i < c->n && !c->failed; i++) {
                jd_value *typed = NULL;
                if (eval_attr(c, note, i, text, &typed))
                    g_ptr_array_add(c->notes, g_strdup(text->str));
                jd_value_unref(typed);
            }
        }
        g_string_free(text, TRUE);
    }
    if (c->failed) return false;
    /* a chart's own value is its one series */
    if (tpl_node_attr(node, TPL_A_POINT_VALUE) || tpl_node_attr(node, TPL_A_VALUES))
        tpl_chart_add_series(c, node);
    return !c->failed;
}

/* The values of a series (or of the chart's own value) for every category. */
static GArray *series_values(tpl_chart *c, const tpl_node *node, int role)
{
    GArray *values = g_array_sized_new(FALSE, FALSE, sizeof(double), (guint)c->n);
    const tpl_attr *value = tpl_node_attr(node, TPL_A_POINT_VALUE);
    const tpl_attr *list = tpl_node_attr(node, TPL_A_VALUES);
    const char *name = role == TPL_ROLE_VALUE    ? "the value"
                       : role == TPL_ROLE_TARGET ? "the target"
                                                 : "the mark";
    if (value) {
        GString *text = g_string_new(NULL);
        for (size_t i = 0; i < c->n && !c->failed; i++) {
            jd_value *typed = NULL;
            double d;
            if (eval_attr(c, value, i, text, &typed) &&
                to_number(c, node, value, name, i, typed, text->str, &d))
                g_array_append_val(values, d);
            jd_value_unref(typed);
        }
        g_string_free(text, TRUE);
    } else if (list) {
        jd_value *v = list_attr(c, node, list, false);
        if (v && jd_array_length(v) != c->n)
            chart_error(c, node, list, "'values' has %zu numbers for the chart's %zu categories",
                        jd_array_length(v), c->n);
        for (size_t i = 0; v && i < c->n && !c->failed; i++) {
            double d;
            if (to_number(c, node, list, name, i, jd_array_get(v, i), "", &d))
                g_array_append_val(values, d);
        }
        jd_value_unref(v);
    } else if (c->from_object) {
        for (size_t i = 0; i < c->n && !c->failed; i++) {
            double d;
            if (to_number(c, c->node, tpl_node_attr(c->node, TPL_A_DATA), name, i,
                          jd_object_get(jd_array_get(c->items, i), "value"), "", &d))
                g_array_append_val(values, d);
        }
    }
    if (c->failed) {
        g_array_free(values, TRUE);
        return NULL;
    }
    return values;
}

void tpl_chart_add_series(tpl_chart *c, const tpl_node *node)
{
    if (c->failed) return;
    const tpl_attr *role_attr = node->kind == TPL_SERIES ? tpl_node_attr(node, TPL_A_ROLE) : NULL;
    int role = role_attr ? (int)role_attr->value.i : TPL_ROLE_VALUE;
    GArray *values = series_values(c, node, role);
    if (!values) return;
    jd_node *series = jd_node_new(c->doc, JD_NODE_SERIES);
    jd_node_set_source(series, node->src->path, node->line);
    if (node->kind == TPL_SERIES) {
        const tpl_attr *name = tpl_node_attr(node, TPL_A_SERIES_NAME);
        GString *text = g_string_new(NULL);
        jd_value *typed = NULL;
        if (name && eval_attr(c, name, (size_t)-1, text, &typed))
            jd_node_set_string(series, JD_ATTR_NAME, text->str);
        jd_value_unref(typed);
        g_string_free(text, TRUE);
    }
    jd_node_set_numbers(series, JD_ATTR_VALUES, (const double *)values->data, values->len);
    if (c->kind == TPL_CHART_PROGRESS) jd_node_set_string(series, JD_ATTR_ROLE, role_names[role]);
    g_array_free(values, TRUE);
    g_ptr_array_add(c->series, series);
}

/* Shares of a whole: no negative and no missing value. */
static void check_shares(tpl_chart *c, const jd_node *series, const tpl_node *at)
{
    size_t n;
    const double *v = jd_node_numbers(series, JD_ATTR_VALUES, &n);
    for (size_t i = 0; i < n && !c->failed; i++) {
        if (!isnan(v[i]) && v[i] >= 0) continue;
        char *where = which(c, i);
        const tpl_attr *a = tpl_node_attr(at, TPL_A_POINT_VALUE);
        if (!a) a = tpl_node_attr(at, TPL_A_VALUES);
        if (!a) a = tpl_node_attr(at, TPL_A_DATA);
        if (isnan(v[i]))
            chart_error(c, at, a,
                        "the value of %s is missing (null): a %s chart shows shares of a whole",
                        where, kind_names[c->kind]);
        else
            chart_error(c, at, a,
                        "the value of %s is %g: a %s chart cannot show a share below zero", where,
                        v[i], kind_names[c->kind]);
        g_free(where);
    }
}

bool tpl_chart_end(tpl_chart *c)
{
    if (!c->failed && c->series->len == 0) {
        if (c->from_object)
            tpl_chart_add_series(c, c->node); /* each member's value */
        else
            chart_error(c, c->node, NULL,
                        "<chart> has no series: give it a 'value' or <series> elements");
    }
    if (!c->failed && c->series->len > MAX_SERIES)
        chart_error(c, c->node, NULL,
                    "the chart has %u series: more than %d cannot be told apart in black and white",
                    c->series->len, MAX_SERIES);
    if (!c->failed && (c->kind == TPL_CHART_PIE || c->kind == TPL_CHART_RING)) {
        if (c->n > MAX_SERIES)
            chart_error(
                c, c->node,
                tpl_node_attr(c->node,
                              tpl_node_attr(c->node, TPL_A_DATA) ? TPL_A_DATA : TPL_A_LABELS),
                "a %s chart of %zu slices: more than %d cannot be told apart in black and white "
                "(group the smallest into one)",
                kind_names[c->kind], c->n, MAX_SERIES);
        else if (c->series->len > 1)
            chart_error(c, c->node, NULL, "a %s chart shows one series, and this one has %u",
                        kind_names[c->kind], c->series->len);
        else
            check_shares(c, g_ptr_array_index(c->series, 0), c->node);
    }
    if (!c->failed && c->kind == TPL_CHART_PROGRESS) {
        int count[3] = {0, 0, 0};
        for (guint i = 0; i < c->series->len; i++) {
            const char *role = jd_node_string(g_ptr_array_index(c->series, i), JD_ATTR_ROLE);
            for (int r = 0; r < 3; r++)
                count[r] += strcmp(role, role_names[r]) == 0;
        }
        if (count[TPL_ROLE_VALUE] != 1 || count[TPL_ROLE_TARGET] > 1 || count[TPL_ROLE_MARK] > 1)
            chart_error(c, c->node, NULL,
                        "a progress chart needs one series of role 'value' and at most one each of "
                        "'target' "
                        "and 'mark'; this one has %d, %d and %d",
                        count[0], count[1], count[2]);
    }
    bool ok = !c->failed;
    if (ok) {
        jd_node_set_string(c->chart, JD_ATTR_KIND, kind_names[c->kind]);
        jd_node_set_strings(c->chart, JD_ATTR_LABELS, (const char *const *)c->labels->pdata,
                            c->labels->len);
        if (c->notes)
            jd_node_set_strings(c->chart, JD_ATTR_NOTES, (const char *const *)c->notes->pdata,
                                c->notes->len);
        for (guint i = 0; i < c->series->len; i++)
            jd_node_append(c->chart, g_ptr_array_index(c->series, i));
    }
    jd_value_unref(c->items);
    g_ptr_array_free(c->labels, TRUE);
    if (c->notes) g_ptr_array_free(c->notes, TRUE);
    g_ptr_array_free(c->series, TRUE);
    return ok;
}
