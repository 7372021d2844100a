/* `jindu forms`: one pre-filled progress form per responsible unit. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "jd_import.h"

static const char *const forms_help =
    "PERIOD is a quarter (2023Q2, 2023年第二季度) or a month (2023-05, 2023年5月); a month's\n"
    "forms show the plan of its quarter.\n"
    "\n"
    "OUTPUT is a folder — each unit named in the list gets OUTPUT/<unit>.csv, or with\n"
    "--format xlsx OUTPUT/<unit>.xlsx — or a file name with {unit} (and {period}, 2023Q2),\n"
    "whose extension is the format: -o 'forms/{unit}.xlsx', -o 'forms/{period}/{unit}.csv'.\n"
    "\n"
    "A form has a title line, then 序号, 目标任务, 责任单位, 报告期, 本期计划 and empty\n"
    "columns 进展状态, 完成情况, 存在问题, 下步措施, 填报人, 填报日期, one row per task of the\n"
    "unit. The CSV form is UTF-8 with BOM, for Excel and WPS. The .xlsx form has the key\n"
    "columns locked and shaded, 进展状态 as a drop-down of the states (--states), 填报日期 as\n"
    "a checked date, the text columns formatted as text, instructions on top.\n"
    "Reading the returned forms (`jindu import DIR`) gives the progress data. A form in its\n"
    "place that already holds reports is not overwritten (--force does). With any error no\n"
    "form is written.\n"
    "\n"
    "Exit status: 0 ok, 1 bad input (every problem is printed as file:line:column), 2 usage.";

/* The format of the forms from -o and --format (NULL if not given); NULL with the problem
 * when they disagree or -o names a single file. */
static char *choose_format(const char *output, const char *format, jd_form_format *chosen)
{
    jd_form_format asked = JD_FORM_CSV;
    if (format && g_ascii_strcasecmp(format, "xlsx") == 0)
        asked = JD_FORM_XLSX;
    else if (format && g_ascii_strcasecmp(format, "csv") != 0)
        return g_strdup_printf("--format: '%s' is not csv or xlsx", format);
    char *lower = g_ascii_strdown(output, -1);
    bool names_file = g_str_has_suffix(lower, ".csv") || g_str_has_suffix(lower, ".xlsx");
    g_free(lower);
    jd_form_format named;
    if (!strchr(output, '{')) {
        *chosen = asked;
        if (names_file)
            return g_strdup_printf("-o '%s' names one file, but every unit gets its own form: "
                                   "put {unit} in the name (forms/{unit}.xlsx), or give a folder",
                                   output);
        return NULL;
    }
    if (!jd_forms_output_format(output, &named))
        return g_strdup_printf("-o '%s': a forms' file name has {unit} and ends in .csv or .xlsx",
                               output);
    *chosen = named;
    if (format && named != asked)
        return g_strdup_printf("--format %s, but -o names %s files", format,
                               named == JD_FORM_XLSX ? ".xlsx" : ".csv");
    return NULL;
}

/* Reads the task list and writes the forms; prints problems, then one line of summary. */
static int run_forms(const char *list_path, const jd_period *period, const char *output,
                     const jd_forms_options *options)
{
    jd_diags *diags = jd_diags_new();
    jd_import_info info;
    jd_value *list = jd_import_file(list_path, JD_FORMAT_AUTO, &info, diags);
    if (list && info.kind != JD_DATA_TASK_LIST)
        jd_diags_add(diags, JD_ERROR, list_path, 0, 0,
                     "not a task list (forms are made from the task list)");
    size_t forms = 0, rows = 0;
    bool written = list && info.kind == JD_DATA_TASK_LIST &&
                   jd_progress_write_forms_with(list, period, output, options, &forms, &rows, diags);
    jd_diags_sort(diags);
    int rc = jd_cli_report(diags);
    if (written) {
        char *name = jd_period_name(period), *canonical = jd_period_format(period);
        printf("%s (%s): %zu forms, %zu task rows, written %s %s\n", name, canonical, forms, rows,
               strchr(output, '{') ? "as" : "to", output);
        g_free(canonical);
        g_free(name);
    }
    jd_value_unref(list);
    jd_diags_free(diags);
    return rc;
}

int jd_cmd_forms(int argc, char **argv)
{
    char *period_text = NULL, *data = NULL, *output = NULL, *format = NULL, *states = NULL;
    gboolean force = FALSE;
    GOptionEntry entries[] = {
        {"period", 'p', 0, G_OPTION_ARG_STRING, &period_text,
         "The reporting period: 2023Q2, 2023年第二季度, 2023-05, 2023年5月", "PERIOD"},
        {"data", 'd', 0, G_OPTION_ARG_FILENAME, &data, "The task list (TSV, CSV, JSON, .xlsx, .xls)", "LIST"},
        {"output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
         "The folder for the forms (created if missing), or their file name with {unit}: "
         "forms/{unit}.xlsx",
         "OUTPUT"},
        {"format", 'f', 0, G_OPTION_ARG_STRING, &format,
         "csv (the default) or xlsx; a file name's extension chooses too", "FORMAT"},
        {"states", 0, 0, G_OPTION_ARG_STRING, &states,
         "The states of the drop-down, comma-separated (default 已完成,序时推进,滞后,未启动)",
         "LIST"},
        {"force", 0, 0, G_OPTION_ARG_NONE, &force, "Overwrite forms that hold reports", NULL},
        {NULL, 0, 0, 0, NULL, NULL, NULL}};
    jd_cli_usage usage = {"--period PERIOD --data LIST -o OUTPUT",
                          "Write one pre-filled progress form (CSV or .xlsx) per responsible unit.",
                          forms_help};
    int rc = JD_EXIT_OK;
    jd_period period;
    jd_form_format form_format = JD_FORM_CSV;
    if (jd_cli_parse(&argc, &argv, entries, &usage, &rc)) {
        char *problem = NULL;
        if (!period_text || !data || !output)
            problem = g_strdup("--period, --data and -o are required");
        else if (argc > 1)
            problem = g_strdup_printf("unexpected argument '%s'", argv[1]);
        else if (!jd_period_parse(period_text, &period))
            problem = g_strdup_printf("--period: '%s' is not a period (2023Q2, 2023年第二季度, "
                                      "2023-05, 2023年5月)",
                                      period_text);
        else if (states && !jd_cli_split_list_has_items(states))
            problem = g_strdup("--states: no state given");
        else
            problem = choose_format(output, format, &form_format);
        if (problem) {
            fprintf(stderr, "%s: %s\nTry '%s --help'.\n", argv[0], problem, argv[0]);
            rc = JD_EXIT_USAGE;
        } else {
            char **state_list = states ? jd_cli_split_list(states) : NULL;
            jd_forms_options options = {form_format, (const char *const *)state_list, force};
            rc = run_forms(data, &period, output, &options);
            g_strfreev(state_list);
        }
        g_free(problem);
    }
    g_free(period_text);
    g_free(data);
    g_free(output);
    g_free(format);
    g_free(states);
    return rc;
}
