/* Template parameters: what a template declares with <param>, and the check of the values
 * a caller gives, made before anything is expanded so that a missing or malformed
 * parameter is one message naming it, instead of a cascade of errors from inside partials
 * (or worse, a sheet that expands with the wrong value). */
#include <string.h>

#include "jd_domain.h"
#include "tpl.h"

enum { P_TEXT, P_NUMBER, P_INTEGER, P_PERIOD, P_QUARTER, P_YEAR, P_DATE };

static const char *const type_names[] = {"text", "number", "integer", "period",
                                         "quarter", "year", "date", NULL};

/* What a value of each type is, for messages, and an example of one. */
static const struct {
    const char *what;
    const char *example;
} type_info[] = {
    [P_TEXT] = {"text", "…"},
    [P_NUMBER] = {"a number", "12.5"},
    [P_INTEGER] = {"a whole number", "3"},
    [P_PERIOD] = {"a period (a quarter: 2023Q2 or 2023年第二季度; a month: 2023-05)", "2023Q2"},
    [P_QUARTER] = {"a quarter: 1, 2, 3 or 4", "2"},
    [P_YEAR] = {"a year (2023)", "2023"},
    [P_DATE] = {"a date (2023-06-30)", "2023-06-30"},
};

const char *const *tpl_param_types(void)
{
    return type_names;
}

/* A whole number from a number, or from text holding one. */
static bool whole_number(const jd_value *v, int64_t *out)
{
    if (jd_value_kind_of(v) == JD_VALUE_INT) {
        *out = jd_value_int(v);
        return true;
    }
    if (jd_value_kind_of(v) == JD_VALUE_STRING) {
        char *s = g_strstrip(g_strdup(jd_value_string(v)));
        gint64 i;
        bool ok = g_ascii_string_to_signed(s, 10, G_MININT64, G_MAXINT64, &i, NULL);
        g_free(s);
        *out = i;
        return ok;
    }
    return false;
}

jd_value *tpl_param_value(int type, const jd_value *given, char **why)
{
    char *text = jd_value_to_text(given);
    jd_value *out = NULL;
    int64_t i = 0;
    switch (type) {
    case P_TEXT:
        out = jd_value_new_string(text);
        break;
    case P_NUMBER: {
        char *s = g_strstrip(g_strdup(text)), *end = NULL;
        double d = g_ascii_strtod(s, &end);
        if (jd_value_is_number(given))
            out = jd_value_ref((jd_value *)given);
        else if (*s && end && !*end && d == d)
            out = jd_value_new_double(d);
        g_free(s);
        break;
    }
    case P_INTEGER:
        if (whole_number(given, &i)) out = jd_value_new_int(i);
        break;
    case P_PERIOD: {
        jd_period period;
        if (jd_period_parse(text, &period)) {
            char *canonical = jd_period_format(&period);
            out = jd_value_new_string(canonical);
            g_free(canonical);
        }
        break;
    }
    case P_QUARTER:
        if (whole_number(given, &i) && i >= 1 && i <= 4) out = jd_value_new_int(i);
        break;
    case P_YEAR:
        if (whole_number(given, &i) && i >= 1000 && i <= 9999) out = jd_value_new_int(i);
        break;
    case P_DATE: {
        char *iso = NULL;
        if (jd_date_parse(text, &iso)) out = jd_value_new_string(iso);
        g_free(iso);
        break;
    }
    default:
        break;
    }
    if (!out) *why = g_strdup_printf("'%s' is not %s", text, type_info[type].what);
    g_free(text);
    return out;
}

/* A value of the parameter's type that is also one of its choices, if it declares some. */
static jd_value *param_value(const jd_template_param *p, const jd_value *given, char **why)
{
    jd_value *out = tpl_param_value(p->type, given, why);
    if (!out || !p->choices) return out;
    char *text = jd_value_to_text(out);
    bool allowed = g_strv_contains((const char *const *)p->choices, text);
    if (!allowed) {
        char *list = g_strjoinv(", ", p->choices);
        *why = g_strdup_printf("'%s' is not one of %s", text, list);
        g_free(list);
        jd_value_unref(out);
        out = NULL;
    }
    g_free(text);
    return out;
}

/* choices="a b c": the words, each once; NULL (with a message) if there are none or one is
 * written twice. */
static char **choices_of(const char *text, char **why)
{
    char **words = g_strsplit_set(text, " \t\r\n", -1);
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    for (char **w = words; *w && !*why; w++) {
        if (!**w) continue;
        for (guint k = 0; k < out->len && !*why; k++)
            if (strcmp(g_ptr_array_index(out, k), *w) == 0) *why = g_strdup_printf("'%s' is written twice", *w);
        g_ptr_array_add(out, g_strdup(*w));
    }
    g_strfreev(words);
    if (!*why && out->len == 0) *why = g_strdup("no values are given (write them separated by spaces)");
    if (*why) {
        g_ptr_array_free(out, TRUE);
        return NULL;
    }
    g_ptr_array_set_free_func(out, NULL);
    g_ptr_array_add(out, NULL);
    return (char **)g_ptr_array_free(out, FALSE);
}

void tpl_param_free(gpointer data)
{
    jd_template_param *p = data;
    g_strfreev(p->choices);
    g_free((char *)p->description);
    jd_value_unref(p->default_value);
    g_free(p);
}

/* The element's text with white space runs made one space: the description. */
static char *description_of(const tpl_node *node)
{
    GString *out = g_string_new(NULL);
    bool space = false; /* a space is due before the next word */
    for (guint i = 0; node->children && i < node->children->len; i++) {
        const tpl_node *c = g_ptr_array_index(node->children, i);
        if (c->kind != TPL_TEXT || !c->text) continue;
        for (const char *t = c->text; *t; t++) {
            if (strchr(" \t\r\n", *t)) {
                space = out->len > 0;
            } else {
                if (space) g_string_append_c(out, ' ');
                space = false;
                g_string_append_c(out, *t);
            }
        }
    }
    return g_string_free(out, FALSE);
}

void tpl_collect_params(jd_template *tpl, const tpl_node *root, tpl_errors *errs)
{
    for (guint i = 0; root->children && i < root->children->len; i++) {
        const tpl_node *node = g_ptr_array_index(root->children, i);
        if (node->kind != TPL_PARAM) continue;
        const tpl_attr *name = tpl_node_attr(node, TPL_A_NAME);
        if (!name || !name->value.s) continue; /* reported when loaded */
        bool twice = false;
        for (guint k = 0; k < tpl->params->len && !twice; k++)
            twice = strcmp(((jd_template_param *)g_ptr_array_index(tpl->params, k))->name, name->value.s) == 0;
        if (twice) {
            tpl_error(errs, node->src, name->value_start, name->value_end, "parameter '%s' is declared twice",
                      name->value.s);
            continue;
        }
        jd_template_param *p = g_new0(jd_template_param, 1);
        p->name = name->value.s;
        const tpl_attr *type = tpl_node_attr(node, TPL_A_TYPE);
        p->type = type && type->value.i >= 0 ? (int)type->value.i : P_TEXT;
        const tpl_attr *example = tpl_node_attr(node, TPL_A_EXAMPLE);
        p->example = example ? example->value.s : NULL;
        p->description = description_of(node);
        const tpl_attr *choices = tpl_node_attr(node, TPL_A_CHOICES);
        if (choices && choices->value.s) {
            char *why = NULL;
            p->choices = choices_of(choices->value.s, &why);
            if (!p->choices)
                tpl_error(errs, node->src, choices->value_start, choices->value_end,
                          "bad choices for parameter '%s': %s", name->value.s, why);
            g_free(why);
        }
        const tpl_attr *def = tpl_node_attr(node, TPL_A_DEFAULT);
        const tpl_attr *required = tpl_node_attr(node, TPL_A_REQUIRED);
        if (def && def->value.s) {
            jd_value *text = jd_value_new_string(def->value.s);
            char *why = NULL;
            p->default_value = param_value(p, text, &why);
            if (!p->default_value)
                tpl_error(errs, node->src, def->value_start, def->value_end, "bad default for parameter '%s': %s",
                          p->name, why);
            g_free(why);
            jd_value_unref(text);
        }
        if (def && required && required->value.flag)
            tpl_error(errs, node->src, required->value_start, required->value_end,
                      "parameter '%s' has a default, so it cannot be required", p->name);
        /* without a default a parameter is required, unless it says it is not */
        p->required = !def && (!required || required->value.flag);
        g_ptr_array_add(tpl->params, p);
    }
}

size_t jd_template_param_count(const jd_template *tpl)
{
    return tpl->params->len;
}

const jd_template_param *jd_template_param_at(const jd_template *tpl, size_t index)
{
    return index < tpl->params->len ? g_ptr_array_index(tpl->params, index) : NULL;
}

const char *jd_template_param_name(const jd_template_param *p)
{
    return p->name;
}

const char *jd_template_param_type(const jd_template_param *p)
{
    return type_names[p->type];
}

const char *jd_template_param_description(const jd_template_param *p)
{
    return p->description;
}

char *jd_template_param_example(const jd_template_param *p)
{
    if (p->example) return g_strdup(p->example);
    if (p->default_value) return jd_value_to_text(p->default_value);
    return g_strdup(type_info[p->type].example);
}

char *jd_template_param_default(const jd_template_param *p)
{
    return p->default_value ? jd_value_to_text(p->default_value) : NULL;
}

bool jd_template_param_required(const jd_template_param *p)
{
    return p->required;
}

const char *const *jd_template_param_choices(const jd_template_param *p)
{
    return (const char *const *)p->choices;
}

/* ---- checking the values ----------------------------------------------------------- */

typedef struct {
    const jd_params_source *source;
    const char *template_name;
    jd_diags *diags;
} checker;

static void problem(const checker *ck, const char *param, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static void problem(const checker *ck, const char *param, const char *fmt, ...)
{
    const jd_params_source *s = ck->source;
    int line = s && s->line_of ? s->line_of(param, s->user) : 0;
    if (!line && s) line = s->line;
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    jd_diags_add(ck->diags, JD_ERROR, s ? s->file : NULL, line, line ? 1 : 0, "%s%s",
                 s && s->context ? s->context : "", msg);
    g_free(msg);
}

/* "e.g. -D period=2023Q2", as the caller writes a parameter. */
static char *example_of(const checker *ck, const jd_template_param *p)
{
    const jd_params_source *s = ck->source;
    bool given = s && (s->set_before || s->set_after);
    char *example = jd_template_param_example(p);
    char *text = g_strdup_printf("e.g. %s%s=%s%s", given ? (s->set_before ? s->set_before : "") : "-D ", p->name,
                                 example, given && s->set_after ? s->set_after : "");
    g_free(example);
    return text;
}

/* The declared names, NULL-terminated (borrowed strings; g_free the array). */
static const char **names_of(const jd_template *tpl)
{
    const char **names = g_new0(const char *, tpl->params->len + 1);
    for (guint i = 0; i < tpl->params->len; i++)
        names[i] = ((jd_template_param *)g_ptr_array_index(tpl->params, i))->name;
    return names;
}

static const jd_template_param *declared(const jd_template *tpl, const char *name)
{
    for (guint i = 0; i < tpl->params->len; i++)
        if (strcmp(((jd_template_param *)g_ptr_array_index(tpl->params, i))->name, name) == 0)
            return g_ptr_array_index(tpl->params, i);
    return NULL;
}

jd_value *jd_template_check_params(const jd_template *tpl, const jd_value *params,
                                   const jd_params_source *source, jd_diags *diags)
{
    jd_tally tally;
    diags = jd_tally_begin(&tally, diags);
    char *name = g_path_get_basename(((const tpl_source *)g_ptr_array_index(tpl->sources, 0))->path);
    checker ck = {source, name, diags};
    jd_value *out = jd_value_new_object();
    /* the parameters as given: the undeclared ones kept as they are, or refused */
    for (size_t i = 0; i < jd_object_size(params); i++) {
        const char *key = jd_object_key(params, i);
        if (tpl->params->len > 0 && declared(tpl, key)) continue;
        bool strict = source && (source->must_be_declared ? source->must_be_declared(key, source->user)
                                                          : source->only_declared);
        if (strict && tpl->params->len > 0) {
            const char **names = names_of(tpl);
            char *near = jd_closest_name(key, names);
            char *list = g_strjoinv(", ", (char **)names);
            problem(&ck, key, "%s has no parameter '%s'%s%s%s (its parameters: %s)", name, key,
                    near ? ": did you mean '" : "", near ? near : "", near ? "'?" : "", list);
            g_free(list);
            g_free(near);
            g_free(names);
        } else {
            jd_object_set(out, key, jd_value_ref(jd_object_value(params, i)));
        }
    }
    for (guint i = 0; i < tpl->params->len; i++) {
        const jd_template_param *p = g_ptr_array_index(tpl->params, i);
        const jd_value *given = jd_object_get(params, p->name);
        if (given) {
            char *why = NULL;
            jd_value *v = param_value(p, given, &why);
            if (v) {
                jd_object_set(out, p->name, v);
            } else {
                char *example = example_of(&ck, p);
                problem(&ck, p->name, "%s: parameter '%s': %s, %s", name, p->name, why, example);
                g_free(example);
            }
            g_free(why);
        } else if (p->default_value) {
            jd_object_set(out, p->name, jd_value_ref(p->default_value));
        } else if (p->required) {
            char *example = example_of(&ck, p);
            problem(&ck, p->name, "%s needs parameter '%s', %s", name, p->name, example);
            g_free(example);
        }
    }
    if (jd_tally_errors(&tally)) {
        jd_value_unref(out);
        out = NULL;
    }
    jd_tally_end(&tally);
    g_free(name);
    return out;
}
