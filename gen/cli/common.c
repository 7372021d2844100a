#include <stdio.h>
#include <string.h>

#include "jd_domain.h"
#include "jd_import.h"

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

/* "  2023Q2: 225 reports, 未报送 7: 赛达办 (8), 大寺镇 (40, 41)" for each period. */
void jd_cli_print_missing(const jd_value *merged, const jd_value *progress)
{
    size_t period_count = 0;
    jd_period *periods = jd_progress_periods(progress, &period_count);
    const jd_value *reports = jd_object_get(progress, "reports");
    for (size_t i = 0; i < period_count; i++) {
        const jd_period *p = &periods[i];
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
    g_free(periods);
}

char **jd_cli_split_list(const char *text)
{
    GPtrArray *items = g_ptr_array_new();
    GString *item = g_string_new(NULL);
    for (const char *p = text;; p = g_utf8_next_char(p)) {
        gunichar c = *p ? g_utf8_get_char(p) : 0;
        if (c == 0 || c == ',' || c == 0xFF0C /* ， */ || c == 0x3001 /* 、 */) {
            char *word = g_strstrip(g_strdup(item->str));
            if (*word)
                g_ptr_array_add(items, word);
            else
                g_free(word);
            g_string_truncate(item, 0);
            if (c == 0) break;
        } else {
            g_string_append_unichar(item, c);
        }
    }
    g_string_free(item, TRUE);
    g_ptr_array_add(items, NULL);
    return (char **)g_ptr_array_free(items, FALSE);
}

bool jd_cli_split_list_has_items(const char *text)
{
    char **items = jd_cli_split_list(text);
    bool any = items[0] != NULL;
    g_strfreev(items);
    return any;
}
