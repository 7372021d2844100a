/* libFuzzer target: a template loaded from arbitrary bytes (libxml2 parsing, the position
 * scan, compilation and checks), expanded when it loads, its tree dumped and every message
 * formatted. The expansion budget is small so that deep loops stay fast. */
#include <stdint.h>

#include "fuzz_data.h"
#include "tpl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Formats every message, as the command line prints them. */
static void format_all(const jd_diags *diags)
{
    for (size_t i = 0; i < jd_diags_count(diags); i++)
        g_free(jd_diag_format(jd_diags_get(diags, i)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    jd_diags *diags = jd_diags_new();
    jd_template *tpl =
        jd_template_load_memory((const char *)data, size, "fuzz.xml", NULL, NULL, diags);
    if (tpl) {
        tpl_errors *errs = tpl_errors_new();
        jd_doc *doc = tpl_expand(tpl, fuzz_globals(), 100000, errs);
        if (doc && !tpl_errors_any(errs)) g_free(jd_doc_dump(doc));
        jd_doc_free(doc);
        tpl_errors_flush(errs, diags);
        tpl_errors_free(errs);
        jd_template_free(tpl);
    }
    format_all(diags);
    jd_diags_free(diags);
    return 0;
}
