/* libFuzzer target: arbitrary bytes through the importer (jd_import_data_with) read as
 * detected, as TSV, as CSV and as JSON; every message is formatted, every result
 * summarised, and every indicator accepted judged for every month. What an import accepts must survive its own canonical JSON: read back, it
 * gives the same JSON bytes (docs/data-format.md promises it); a difference stops the run. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jd_import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void format_all(const jd_diags *diags)
{
    for (size_t i = 0; i < jd_diags_count(diags); i++)
        g_free(jd_diag_format(jd_diags_get(diags, i)));
}

/* The JSON `jindu import -o` writes for a result. */
static char *canonical_json(const jd_value *result, jd_data_kind kind)
{
    if (kind != JD_DATA_PROGRESS) return jd_value_to_json(result, true);
    jd_value *canonical = jd_progress_canonical(result);
    char *json = jd_value_to_json(canonical, true);
    jd_value_unref(canonical);
    return json;
}

/* Reads `json` back as JSON and aborts unless it comes out byte for byte the same. */
static void assert_round_trip(const char *json, jd_data_kind kind, const jd_import_options *options)
{
    jd_import_options as_json = *options;
    as_json.format = JD_FORMAT_JSON;
    jd_diags *diags = jd_diags_new();
    jd_import_info info;
    jd_value *again =
        jd_import_data_with(json, strlen(json), "canonical.json", &as_json, &info, diags);
    char *json_again = again ? canonical_json(again, info.kind) : NULL;
    if (!json_again || info.kind != kind || strcmp(json, json_again) != 0) {
        fprintf(stderr, "canonical JSON does not read back the same:\n%s\n--- read back as:\n%s\n",
                json, json_again ? json_again : "(rejected)");
        jd_diags_print(diags, stderr);
        abort();
    }
    g_free(json_again);
    jd_value_unref(again);
    jd_diags_free(diags);
}

/* Indicators: every indicator's state for every month of the year, by the tree's rules. An
 * indicator the importer accepted must always be judged: an error stops the run. */
static void judge_all(const jd_value *tree)
{
    jd_indicator_rules rules;
    if (!jd_indicator_rules_from_value(jd_object_get(tree, "rules"), &rules, NULL)) abort();
    const jd_value *list = jd_object_get(tree, "indicators");
    for (size_t i = 0; i < jd_array_length(list); i++) {
        for (int m = 1; m <= 12; m++) {
            jd_ytd period = {(int)jd_object_get_int(tree, "year", 2023), m};
            char *error = NULL;
            jd_value *status = jd_indicator_status(jd_array_get(list, i), &period, &rules, &error);
            if (!status) {
                fprintf(stderr, "an accepted indicator cannot be judged: %s\n", error);
                abort();
            }
            jd_value_unref(status);
        }
    }
}

static void import_as(const uint8_t *data, size_t size, const char *name,
                      const jd_import_options *options)
{
    jd_diags *diags = jd_diags_new();
    jd_import_info info;
    jd_value *result = jd_import_data_with((const char *)data, size, name, options, &info, diags);
    if (result) {
        char *summary = info.kind == JD_DATA_PROGRESS     ? jd_progress_summary(result, &info)
                        : info.kind == JD_DATA_INDICATORS ? jd_indicators_summary(result, &info)
                                                          : jd_tasklist_summary(result, &info);
        if (info.kind == JD_DATA_INDICATORS) judge_all(result);
        g_free(summary);
        char *json = canonical_json(result, info.kind);
        assert_round_trip(json, info.kind, options);
        g_free(json);
        jd_value_unref(result);
    }
    jd_diags_sort(diags);
    format_all(diags);
    jd_diags_free(diags);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* detected from the content (the name says nothing), with a default period so that
     * progress rows without one are read too; then each format forced */
    const jd_import_options detected = {JD_FORMAT_AUTO, "2023Q2", NULL, NULL, NULL};
    import_as(data, size, "fuzz", &detected);
    static const jd_format forced[] = {JD_FORMAT_TSV, JD_FORMAT_CSV, JD_FORMAT_JSON};
    for (size_t i = 0; i < G_N_ELEMENTS(forced); i++) {
        const jd_import_options options = {forced[i], NULL, NULL, NULL, NULL};
        import_as(data, size, "fuzz", &options);
    }
    return 0;
}
