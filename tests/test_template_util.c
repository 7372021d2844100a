#include "test_template_util.h"

#include <string.h>

static jd_value *load_json(const char *text, const char *name)
{
    jd_diags *diags = jd_diags_new();
    jd_value *v = jd_value_from_json(text, strlen(text), name, diags);
    ck_assert_msg(v != NULL, "bad JSON in %s", name);
    jd_diags_free(diags);
    return v;
}

jd_value *tt_globals(const char *extra_json)
{
    char *path = jt_fixture("template/tasks.json");
    char *text = jt_read(path);
    jd_value *globals = jd_value_new_object();
    jd_object_set(globals, "list", load_json(text, path));
    jd_value *params = jd_value_new_object();
    jd_object_set(params, "quarter", jd_value_new_int(2));
    jd_object_set(globals, "params", params);
    if (extra_json) {
        jd_value *extra = load_json(extra_json, "extra");
        for (size_t i = 0; i < jd_object_size(extra); i++)
            jd_object_set(globals, jd_object_key(extra, i),
                          jd_value_ref(jd_object_value(extra, i)));
        jd_value_unref(extra);
    }
    g_free(text);
    g_free(path);
    return globals;
}

void tt_assert_text(const char *actual, const char *expected)
{
    if (strcmp(actual, expected) == 0) return;
    char **a = g_strsplit(actual, "\n", -1), **e = g_strsplit(expected, "\n", -1);
    int i = 0;
    while (a[i] && e[i] && strcmp(a[i], e[i]) == 0)
        i++;
    char *msg = g_strdup_printf("differs at line %d:\n  expected: %s\n  actual:   %s", i + 1,
                                e[i] ? e[i] : "(end)", a[i] ? a[i] : "(end)");
    g_strfreev(a);
    g_strfreev(e);
    ck_abort_msg("%s", msg);
}

static char *format_diags(const jd_diags *diags)
{
    GString *out = g_string_new(NULL);
    for (size_t i = 0; i < jd_diags_count(diags); i++) {
        char *line = jd_diag_format(jd_diags_get(diags, i));
        g_string_append_printf(out, "%s\n", line);
        g_free(line);
    }
    return g_string_free(out, FALSE);
}

char *tt_expand(const char *text, const jd_value *globals, char **errors)
{
    jd_value *own = globals ? NULL : tt_globals(NULL);
    char *dir = jt_fixture("template");
    jd_diags *diags = jd_diags_new();
    jd_template *tpl = jd_template_load_memory(text, strlen(text), "t.xml", dir, NULL, diags);
    jd_doc *doc = tpl ? jd_template_expand(tpl, globals ? globals : own, diags) : NULL;
    char *dump = doc ? jd_doc_dump(doc) : NULL;
    /* a result and errors never come together */
    ck_assert_int_eq(doc != NULL, !jd_diags_has_errors(diags));
    *errors = format_diags(diags);
    jd_doc_free(doc);
    jd_template_free(tpl);
    jd_diags_free(diags);
    jd_value_unref(own);
    g_free(dir);
    return dump;
}

char *tt_dump(const char *text)
{
    char *errors = NULL;
    char *dump = tt_expand(text, NULL, &errors);
    ck_assert_msg(dump != NULL, "expansion failed:\n%s", errors);
    g_free(errors);
    return dump;
}

char *tt_errors(const char *text)
{
    char *errors = NULL;
    char *dump = tt_expand(text, NULL, &errors);
    ck_assert_msg(dump == NULL, "expected errors, got:\n%s", dump);
    return errors;
}

static char *expr_template(const char *expr)
{
    return g_strdup_printf("<document><p><![CDATA[{{ %s }}]]></p></document>", expr);
}

char *tt_expr(const char *expr)
{
    char *text = expr_template(expr);
    char *dump = tt_dump(text);
    g_free(text);
    return dump;
}

char *tt_expr_errors(const char *expr)
{
    char *text = expr_template(expr);
    char *errors = tt_errors(text);
    g_free(text);
    return errors;
}
