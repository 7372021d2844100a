/* libFuzzer target: the expression parser and evaluator (and filters) on arbitrary bytes,
 * evaluated in strict and in non-strict mode with a few names in scope. */
#include <stdint.h>

#include "fuzz_data.h"
#include "tpl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = g_malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    tpl_source *src = tpl_source_new("fuzz", NULL, text, size);
    tpl_errors *errs = tpl_errors_new();
    GStringChunk *names = g_string_chunk_new(64);
    tpl_origin origin = {src, NULL};
    tpl_expr *e = tpl_expr_parse(text, size, &origin, names, errs);
    const jd_value *globals = fuzz_globals();
    const jd_value *tasks = jd_object_get(jd_object_get(globals, "list"), "tasks");
    for (int strict = 0; e && strict < 2; strict++) {
        tpl_eval ev = {globals, g_array_new(FALSE, FALSE, sizeof(tpl_binding)), strict, 0, errs, NULL};
        tpl_scope_push(&ev, g_string_chunk_insert_const(names, "t"),
                       jd_value_ref(jd_array_get(tasks, 1)));
        tpl_scope_push(&ev, g_string_chunk_insert_const(names, "i"), jd_value_new_int(1));
        jd_value *v = tpl_expr_eval(e, &ev);
        if (v) g_free(jd_value_to_text(v));
        jd_value_unref(v);
        tpl_scope_pop_to(&ev, 0);
        g_array_free(ev.scope, TRUE);
    }
    tpl_expr_free(e);
    jd_diags *diags = jd_diags_new();
    tpl_errors_flush(errs, diags);
    jd_diags_free(diags); /* not formatted: the text need not be UTF-8 here */
    tpl_errors_free(errs);
    g_string_chunk_free(names);
    tpl_source_free(src);
    return 0;
}
