#include "cli.h"
#include "jd_project.h"
#include "jd_template.h"

jd_doc *jd_cli_expand(const char *template_path, char **data_args, char **define_args,
                      jd_diags *diags)
{
    /* the data is read even when the template has errors, so one run reports both */
    jd_template *tpl = jd_template_load(template_path, NULL, diags);
    jd_value *globals = jd_bind_data((const char *const *)data_args, (const char *const *)define_args, NULL, diags);
    jd_doc *doc = NULL;
    if (tpl && globals)
        doc = jd_template_expand(tpl, globals, diags);
    jd_value_unref(globals);
    jd_template_free(tpl);
    return doc;
}
