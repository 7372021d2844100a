/* `jindu forms`: one pre-filled progress form per responsible unit. */
#include <stdio.h>

#include "cli.h"
#include "jd_import.h"

static const char *const forms_help =
    "PERIOD is a quarter (2023Q2, 2023年第二季度) or a month (2023-05, 2023年5月); a month's\n"
    "forms show the plan of its quarter.\n"
    "\n"
    "Each unit named in the list gets DIR/<unit>.csv (UTF-8 with BOM, for Excel and WPS), or\n"
    "with --format xlsx DIR/<unit>.xlsx: a title line, then 序号, 目标任务, 责任单位, 报告期,\n"
    "本期计划 and empty columns 进展状态, 完成情况, 存在问题, 下步措施, 填报人, 填报日期, one row\n"
    "per task of the unit. The .xlsx form has the key columns locked and shaded, 进展状态 as a\n"
    "drop-down of the states (--states), 填报日期 as a checked date, instructions on top.\n"
    "Reading the returned forms (`jindu import DIR`) gives the progress data. A form in DIR\n"
    "that already holds reports is not overwritten (--force does). With any error no form is\n"
    "written.\n"
    "\n"
    "Exit status: 0 ok, 1 bad input (every problem is printed as file:line:column), 2 usage.";

/* Reads the task list and writes the forms; prints problems, then one line of summary. */
static int run_forms(const char *list_path, const jd_period *period, const char *dir,
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
                   jd_progress_write_forms_with(list, period, dir, options, &forms, &rows, diags);
    jd_diags_sort(diags);
    int rc = jd_cli_report(diags);
    if (written) {
        char *name = jd_period_name(period), *canonical = jd_period_format(period);
        printf("%s (%s): %zu forms, %zu task rows, written to %s\n", name, canonical, forms, rows,
               dir);
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
        {"data", 'd', 0, G_OPTION_ARG_FILENAME, &data, "The task list (TSV, CSV or JSON)", "LIST"},
        {"output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
         "The folder for the forms (created if missing)", "DIR"},
        {"format", 'f', 0, G_OPTION_ARG_STRING, &format, "csv (the default) or xlsx", "FORMAT"},
        {"states", 0, 0, G_OPTION_ARG_STRING, &states,
         "The states of the drop-down, comma-separated (default 已完成,序时推进,滞后,未启动)",
         "LIST"},
        {"force", 0, 0, G_OPTION_ARG_NONE, &force, "Overwrite forms that hold reports", NULL},
        {NULL, 0, 0, 0, NULL, NULL, NULL}};
    jd_cli_usage usage = {"--period PERIOD --data LIST -o DIR",
                          "Write one pre-filled progress form (CSV or .xlsx) per responsible unit.",
                          forms_help};
    int rc = JD_EXIT_OK;
    jd_period period;
    if (jd_cli_parse(&argc, &argv, entries, &usage, &rc)) {
        char *problem = NULL;
        if (!period_text || !data || !output)
            problem = g_strdup("--period, --data and -o are required");
        else if (argc > 1)
            problem = g_strdup_printf("unexpected argument '%s'", argv[1]);
        else if (format && g_ascii_strcasecmp(format, "csv") != 0 &&
                 g_ascii_strcasecmp(format, "xlsx") != 0)
            problem = g_strdup_printf("--format: '%s' is not csv or xlsx", format);
        else if (!jd_period_parse(period_text, &period))
            problem = g_strdup_printf("--period: '%s' is not a period (2023Q2, 2023年第二季度, "
                                      "2023-05, 2023年5月)",
                                      period_text);
        if (problem) {
            fprintf(stderr, "%s: %s\nTry '%s --help'.\n", argv[0], problem, argv[0]);
            rc = JD_EXIT_USAGE;
        } else {
            char **state_list = states ? g_strsplit_set(states, ",，、", -1) : NULL;
            jd_forms_options options = {
                format && g_ascii_strcasecmp(format, "xlsx") == 0 ? JD_FORM_XLSX : JD_FORM_CSV,
                (const char *const *)state_list, force};
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
