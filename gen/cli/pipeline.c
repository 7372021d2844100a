/* What render, layout and expand share: a template named on the command line, its
 * parameters, the data. */
#include <string.h>

#include "cli.h"
#include "jd_project.h"

jd_template *jd_cli_load_template(const char *name, jd_diags *diags)
{
    char *path = jd_find_template(name, NULL, NULL);
    char **search = jd_template_search_path(NULL);
    jd_template *tpl = jd_template_load(path, (const char *const *)search, diags);
    g_strfreev(search);
    g_free(path);
    return tpl;
}

bool jd_cli_check_params(const jd_template *tpl, jd_value *globals, jd_diags *diags)
{
    const jd_params_source from_command_line = {.set_before = "-D ", .only_declared = true};
    jd_value *params = jd_template_check_params(tpl, jd_object_get(globals, "params"), &from_command_line, diags);
    if (params)
        jd_object_set(globals, "params", params);
    return params != NULL;
}

char *jd_cli_params_text(const jd_template *tpl, const char *name)
{
    GString *s = g_string_new(NULL);
    size_t n = jd_template_param_count(tpl);
    if (n == 0)
        g_string_append_printf(s, "%s declares no parameters (every -D KEY=VALUE is seen as params.KEY).\n", name);
    else
        g_string_append_printf(s, "Parameters of %s:\n", name);
    for (size_t i = 0; i < n; i++) {
        const jd_template_param *p = jd_template_param_at(tpl, i);
        char *example = jd_template_param_example(p), *def = jd_template_param_default(p);
        char *status = def ? g_strdup_printf("default %s", def)
                           : g_strdup(jd_template_param_required(p) ? "required" : "optional");
        const char *const *choices = jd_template_param_choices(p);
        char *joined = choices ? g_strjoinv(" ", (char **)choices) : NULL;
        char *type = joined ? g_strconcat("one of ", joined, NULL) : g_strdup(jd_template_param_type(p));
        g_free(joined);
        g_string_append_printf(s, "  -D %s=%s  (%s, %s)\n", jd_template_param_name(p), example, type, status);
        g_free(type);
        if (*jd_template_param_description(p))
            g_string_append_printf(s, "      %s\n", jd_template_param_description(p));
        g_free(status);
        g_free(def);
        g_free(example);
    }
    return g_string_free(s, FALSE);
}

const char *jd_cli_first_operand(int argc, char **argv, const GOptionEntry *entries)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) return i + 1 < argc ? argv[i + 1] : NULL;
        if (a[0] != '-' || !a[1]) return a;
        /* an option: does it take the next argument as its value? */
        bool takes_value = false;
        for (const GOptionEntry *e = entries; e->long_name; e++) {
            bool named = a[1] == '-' ? strcmp(a + 2, e->long_name) == 0 : a[1] == e->short_name && !a[2];
            takes_value |= named && e->arg != G_OPTION_ARG_NONE;
        }
        if (takes_value) i++;
    }
    return NULL;
}

char *jd_cli_template_help(int argc, char **argv, const GOptionEntry *entries, const char *description)
{
    bool help = false;
    for (int i = 1; i < argc; i++)
        help |= strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "-?") == 0;
    const char *name = help ? jd_cli_first_operand(argc, argv, entries) : NULL;
    jd_template *tpl = name ? jd_cli_load_template(name, NULL) : NULL;
    char *text = NULL;
    if (tpl) {
        char *params = jd_cli_params_text(tpl, name);
        text = g_strconcat(description, "\n\n", params, NULL);
        g_free(params);
    }
    jd_template_free(tpl);
    return text;
}

jd_doc *jd_cli_expand(const char *template_path, char **data_args, char **define_args,
                      jd_diags *diags)
{
    /* the data is read even when the template has errors, so one run reports both */
    jd_template *tpl = jd_cli_load_template(template_path, diags);
    jd_value *globals = jd_bind_data((const char *const *)data_args, (const char *const *)define_args, NULL, diags);
    jd_doc *doc = NULL;
    if (tpl && globals && jd_cli_check_params(tpl, globals, diags))
        doc = jd_template_expand(tpl, globals, diags);
    jd_value_unref(globals);
    jd_template_free(tpl);
    return doc;
}
