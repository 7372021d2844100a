#include <stdio.h>
#include <string.h>

#include "jd_domain.h"

#include "cli.h"

bool jd_cli_parse(int *argc, char ***argv, const GOptionEntry *entries, const jd_cli_usage *usage,
                  int *exit_code)
{
    GOptionContext *ctx = g_option_context_new(usage->parameter_string);
    if (usage->summary)
        g_option_context_set_summary(ctx, usage->summary);
    if (usage->description)
        g_option_context_set_description(ctx, usage->description);
    g_option_context_add_main_entries(ctx, entries, NULL);
    GError *err = NULL;
    bool ok = g_option_context_parse(ctx, argc, argv, &err);
    if (!ok) {
        fprintf(stderr, "%s: %s\n", (*argv)[0], err->message);
        fprintf(stderr, "Try '%s --help'.\n", (*argv)[0]);
        g_error_free(err);
        *exit_code = JD_EXIT_USAGE;
    }
    g_option_context_free(ctx);
    return ok;
}

int jd_cli_report(const jd_diags *diags)
{
    jd_diags_print(diags, stderr);
    return jd_diags_has_errors(diags) ? JD_EXIT_BAD_INPUT : JD_EXIT_OK;
}

/* The periods of the reports, in order. */
static GArray *report_periods(const jd_value *progress)
{
    GArray *periods = g_array_new(FALSE, FALSE, sizeof(jd_period));
    const jd_value *reports = jd_object_get(progress, "reports");
    for (size_t i = 0; i < jd_array_length(reports); i++) {
        jd_period p;
        if (!jd_period_parse(jd_object_get_string(jd_array_get(reports, i), "period"), &p))
            continue;
        guint at = 0;
        while (at < periods->len &&
               jd_period_compare(&g_array_index(periods, jd_period, at), &p) < 0)
            at++;
        if (at == periods->len || jd_period_compare(&g_array_index(periods, jd_period, at), &p))
            g_array_insert_val(periods, at, p);
    }
    return periods;
}

/* "  2023Q2: 225 reports, 未报送 7: 赛达办 (8), 大寺镇 (40, 41)" for each period. */
void jd_cli_print_missing(const jd_value *merged, const jd_value *progress)
{
    GArray *periods = report_periods(progress);
    const jd_value *reports = jd_object_get(progress, "reports");
    for (guint i = 0; i < periods->len; i++) {
        const jd_period *p = &g_array_index(periods, jd_period, i);
        char *period = jd_period_format(p);
        size_t in_period = 0;
        for (size_t r = 0; r < jd_array_length(reports); r++)
            in_period +=
                g_strcmp0(jd_object_get_string(jd_array_get(reports, r), "period"), period) == 0;
        jd_value *missing = jd_progress_missing(merged, p);
        /* unit → its tasks, units in order of first appearance */
        GString *by_unit = g_string_new(NULL);
        GHashTable *listed = g_hash_table_new(g_str_hash, g_str_equal);
        for (size_t m = 0; m < jd_array_length(missing); m++) {
            const char *unit = jd_object_get_string(jd_array_get(missing, m), "unit");
            if (!g_hash_table_add(listed, (gpointer)unit)) continue;
            g_string_append_printf(by_unit, "%s %s (", by_unit->len ? "," : ":", unit);
            for (size_t k = m, n = 0; k < jd_array_length(missing); k++) {
                const jd_value *pair = jd_array_get(missing, k);
                if (strcmp(jd_object_get_string(pair, "unit"), unit) == 0)
                    g_string_append_printf(by_unit, "%s%" G_GINT64_FORMAT, n++ ? ", " : "",
                                           jd_object_get_int(pair, "task", 0));
            }
            g_string_append_c(by_unit, ')');
        }
        printf("  %s: %zu report%s, 未报送 %zu%s\n", period, in_period, in_period == 1 ? "" : "s",
               jd_array_length(missing), by_unit->str);
        g_hash_table_destroy(listed);
        g_string_free(by_unit, TRUE);
        jd_value_unref(missing);
        g_free(period);
    }
    g_array_free(periods, TRUE);
}

