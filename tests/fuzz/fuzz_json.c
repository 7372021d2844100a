/* libFuzzer target: arbitrary bytes through jindu's JSON reader (jd_value_from_json). What it
 * accepts must survive its own canonical text: written (pretty and compact) and read again,
 * it is an equal tree and gives the same bytes; a difference stops the run. Every message
 * is formatted. Deep nesting, long lines and many values must stay within the fuzzer's time
 * and memory limits (the reader is linear and iterative). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jd_data.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void format_all(const jd_diags *diags)
{
    for (size_t i = 0; i < jd_diags_count(diags); i++)
        g_free(jd_diag_format(jd_diags_get(diags, i)));
}

static void assert_round_trip(const jd_value *v, bool pretty)
{
    char *text = jd_value_to_json(v, pretty);
    jd_diags *diags = jd_diags_new();
    jd_value *again = jd_value_from_json(text, strlen(text), "again.json", diags);
    char *text_again = again ? jd_value_to_json(again, pretty) : NULL;
    if (!again || !jd_value_equal(v, again) || strcmp(text, text_again) != 0) {
        fprintf(stderr, "JSON does not read back the same:\n%s\n--- read back as:\n%s\n", text,
                text_again ? text_again : "(rejected)");
        jd_diags_print(diags, stderr);
        abort();
    }
    g_free(text_again);
    jd_value_unref(again);
    jd_diags_free(diags);
    g_free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    jd_diags *diags = jd_diags_new();
    jd_value *v = jd_value_from_json((const char *)data, size, "fuzz.json", diags);
    if (v) {
        assert_round_trip(v, true);
        assert_round_trip(v, false);
        g_free(jd_value_to_text(v));
        jd_value_unref(jd_value_copy(v));
        jd_value_unref(v);
    } else if (!jd_diags_has_errors(diags)) {
        fprintf(stderr, "rejected without an error\n");
        abort();
    }
    format_all(diags);
    jd_diags_free(diags);
    return 0;
}
