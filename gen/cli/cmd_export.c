/* `jindu export`: the ledger (台账) of a task list and its progress as one .xlsx workbook. */
#include <stdio.h>

#include "cli.h"
#include "jd_import.h"
#include "jd_project.h"

static const char *const export_help =
    "Writes FILE.xlsx with one sheet per period (named 2023年第二季度, 2023年5月…): every\n"
    "task and responsible unit of the list in list order, with 序号, 目标任务, 责任单位,\n"
    "责任区领导, 报告期, 本期计划, 进展状态, 完成情况, 存在问题, 下步措施, 填报人, 填报日期 — a\n"
    "unit that did not report shows 未报送. The header is frozen and has filters; 进展状态 is\n"
    "coloured and offers the states; the sheets print on A4 landscape. Without --period the\n"
    "sheets are every period the progress data has reports for, in time order.\n"
    "\n"
    "A sheet edited after the meeting reads back as progress data:\n"
    "  jindu import 台账.xlsx#2023年第二季度\n"
    "\n"
    "An existing FILE is replaced only when it is a ledger jindu wrote that no spreadsheet\n"
    "program has saved since (--force replaces any file). The same data gives the same bytes.\n"
    "\n"
    "Exit status: 0 ok, 1 bad input (every problem is printed as file:line:column), 2 usage.";

/* The periods of the --period options (each may hold several, comma-separated); false with
 * a message naming the first that is not a period. */
static bool parse_periods(char **texts, GArray *periods, char **problem)
{
    for (char **t = texts; t && *t; t++) {
        char **parts = jd_cli_split_list(*t);
        for (char **p = parts; *p; p++) {
            const char *part = *p;
            jd_period period;
            if (!jd_period_parse(part, &period)) {
                *problem = g_strdup_printf("--period: '%s' is not a period (2023Q2, "
                                           "2023年第二季度, 2023-05, 2023年5月)",
                                           part);
                g_strfreev(parts);
                return false;
            }
            g_array_append_val(periods, period);
        }
        g_strfreev(parts);
    }
    return true;
}

static int run_export(char **data, GArray *periods, const char *const *states, bool force,
                      const char *output)
{
    jd_diags *diags = jd_diags_new();
    jd_value *globals = jd_bind_data((const char *const *)data, NULL, states, diags);
    const jd_value *list = globals ? jd_object_get(globals, "list") : NULL;
    const jd_value *progress = globals ? jd_object_get(globals, "progress") : NULL;
    if (globals && !list)
        jd_diags_add(diags, JD_ERROR, NULL, 0, 0,
                     "no task list among the data: the ledger lists its tasks (--data "
                     "tasks.tsv)");
    size_t n = periods->len;
    jd_period *chosen = NULL;
    if (list && n == 0) {
        chosen = progress ? jd_progress_periods(progress, &n) : NULL;
        if (n == 0)
            jd_diags_add(diags, JD_ERROR, NULL, 0, 0,
                         "%s: name the periods of the ledger (--period 2023Q2)",
                         progress ? "the progress data has no reports" : "no progress data");
    }
    const jd_period *sheets = chosen ? chosen : (const jd_period *)(void *)periods->data;
    size_t rows = 0;
    jd_ledger_options options = {states, force};
    bool written = list && n > 0 && jd_ledger_write(list, sheets, n, &options, output, &rows, diags);
    jd_diags_sort(diags);
    int rc = jd_cli_report(diags);
    if (written) {
        GString *names = g_string_new(NULL);
        for (size_t i = 0; i < n; i++) {
            char *name = jd_period_name(&sheets[i]);
            g_string_append_printf(names, "%s%s", i ? ", " : "", name);
            g_free(name);
        }
        printf("%s: %zu sheet%s (%s), %zu task rows\n", output, n, n == 1 ? "" : "s", names->str,
               rows);
        g_string_free(names, TRUE);
    }
    g_free(chosen);
    jd_value_unref(globals);
    jd_diags_free(diags);
    return rc;
}

int jd_cmd_export(int argc, char **argv)
{
    char **data = NULL, **period_texts = NULL;
    char *output = NULL, *states = NULL;
    gboolean force = FALSE;
    GOptionEntry entries[] = {
        {"data", 'd', 0, G_OPTION_ARG_FILENAME_ARRAY, &data,
         "The task list, and the progress data (a file or a folder of forms)", "FILE"},
        {"period", 'p', 0, G_OPTION_ARG_STRING_ARRAY, &period_texts,
         "A period to give a sheet (repeat, or separate with commas); default: every period "
         "the progress data has",
         "PERIOD"},
        {"output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "The workbook to write", "FILE.xlsx"},
        {"states", 0, 0, G_OPTION_ARG_STRING, &states,
         "The progress states, comma-separated (default 已完成,序时推进,滞后,未启动)", "LIST"},
        {"force", 0, 0, G_OPTION_ARG_NONE, &force,
         "Replace the file even if it is not a ledger jindu wrote, or was saved since", NULL},
        {NULL, 0, 0, 0, NULL, NULL, NULL}};
    jd_cli_usage usage = {"--data LIST [--data PROGRESS] -o FILE.xlsx",
                          "Write the ledger (台账): every task and unit with its plan and "
                          "report, one sheet per period.",
                          export_help};
    int rc = JD_EXIT_OK;
    if (jd_cli_parse(&argc, &argv, entries, &usage, &rc)) {
        char *problem = NULL;
        GArray *periods = g_array_new(FALSE, FALSE, sizeof(jd_period));
        if (!data || !output)
            problem = g_strdup("--data and -o are required");
        else if (argc > 1)
            problem = g_strdup_printf("unexpected argument '%s'", argv[1]);
        else if (!g_str_has_suffix(output, ".xlsx") && !g_str_has_suffix(output, ".XLSX"))
            problem = g_strdup_printf("-o: the ledger is a workbook: name it .xlsx, not '%s'",
                                      output);
        else if (states && !jd_cli_split_list_has_items(states))
            problem = g_strdup("--states: no state given");
        else
            parse_periods(period_texts, periods, &problem);
        if (problem) {
            fprintf(stderr, "%s: %s\nTry '%s --help'.\n", argv[0], problem, argv[0]);
            rc = JD_EXIT_USAGE;
        } else {
            char **state_list = states ? jd_cli_split_list(states) : NULL;
            rc = run_export(data, periods, (const char *const *)state_list, force, output);
            g_strfreev(state_list);
        }
        g_array_free(periods, TRUE);
        g_free(problem);
    }
    g_strfreev(data);
    g_strfreev(period_texts);
    g_free(output);
    g_free(states);
    return rc;
}
