#include <stdio.h>

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
