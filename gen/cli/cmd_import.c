/* `jindu import` and `jindu check`: read data files (task lists, progress data), report
 * every problem, summarise; check also merges progress data onto the task list. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "jd_import.h"

/* Reads --format's value (NULL, not given, means detection) and --period's, and checks the
 * number of FILE arguments; on a usage error prints it and sets *rc. */
static bool check_usage(int argc, char **argv, const char *format_text, const char *period,
                        int max_files, jd_format *format, int *rc)
{
    jd_period parsed;
    *format = JD_FORMAT_AUTO;
    if (format_text && !jd_format_parse(format_text, format))
        fprintf(stderr, "%s: unknown format '%s' (expected tsv, csv, json, xlsx or xls)\n", argv[0],
                format_text);
    else if (period && !jd_period_parse(period, &parsed))
        fprintf(stderr, "%s: --period: '%s' is not a period (2023Q2, 2023年第二季度, 2023-05)\n",
                argv[0], period);
    else if (argc < 2 || (max_files && argc - 1 > max_files))
        fprintf(stderr, "%s: expected %s FILE, got %d\n", argv[0],
                max_files ? "one" : "at least one", argc - 1);
    else
        return true;
    fprintf(stderr, "Try '%s --help'.\n", argv[0]);
    *rc = JD_EXIT_USAGE;
    return false;
}

static const char *const formats_help =
    "Formats: TSV and CSV exports of a task list, of progress reports or of an indicator table\n"
    "(UTF-8, UTF-8 with BOM, GB18030 or UTF-16, detected; the header tells which kind), their\n"
    "canonical JSON, or workbooks (.xlsx, .xls; a sheet is named after '#': tasks.xlsx#清单,\n"
    "else the first visible one is read); a folder is read as progress data (every .csv .tsv\n"
    ".txt .json .xlsx .xls in it, e.g. returned forms). Without --format the file's first\n"
    "bytes (a workbook) or its name's extension decide (.tsv .txt .csv .json .xlsx .xls),\n"
    "else the content. docs/data-format.md\n"
    "describes the rules.\n"
    "\n"
    "Exit status: 0 ok, 1 bad input (every problem is printed as file:line:column), 2 usage.";

/* Problems to stderr, then the summary, then the JSON file if asked for and all is well. */
static int run_import(const char *path, const jd_import_options *options, const char *output)
{
    jd_diags *diags = jd_diags_new();
    jd_import_info info;
    jd_value *tree = jd_import_file_with(path, options, &info, diags);
    bool progress = info.kind == JD_DATA_PROGRESS;
    if (tree && output) {
        /* progress data carries each report's source file; the other trees are canonical */
        jd_value *canonical = progress ? jd_progress_canonical(tree) : jd_value_ref(tree);
        char *json = jd_value_to_json(canonical, true);
        jd_write_file_atomic(output, json, strlen(json), diags);
        g_free(json);
        jd_value_unref(canonical);
    }
    jd_diags_sort(diags);
    int rc = jd_cli_report(diags);
    if (tree) {
        char *summary = progress                             ? jd_progress_summary(tree, &info)
                        : info.kind == JD_DATA_INDICATORS ? jd_indicators_summary(tree, &info)
                                                          : jd_tasklist_summary(tree, &info);
        printf("%s: %s", path, summary);
        if (output && rc == JD_EXIT_OK) printf("  written: %s\n", output);
        g_free(summary);
    }
    jd_value_unref(tree);
    jd_diags_free(diags);
    return rc;
}

/* Problems to stderr, one line per file to stdout. Returns the tree read (or NULL). */
static jd_value *run_check(const char *path, const jd_import_options *options, jd_data_kind *kind)
{
    jd_diags *diags = jd_diags_new();
    jd_import_info info;
    jd_value *tree = jd_import_file_with(path, options, &info, diags);
    jd_diags_sort(diags);
    jd_cli_report(diags);
    size_t errors = jd_diags_count_severity(diags, JD_ERROR);
    static const struct {
        const char *what, *member, *noun;
    } kinds[] = {[JD_DATA_TASK_LIST] = {"task list", "tasks", "task"},
                 [JD_DATA_PROGRESS] = {"progress", "reports", "report"},
                 [JD_DATA_INDICATORS] = {"indicators", "indicators", "indicator"}};
    size_t k = info.kind == JD_DATA_UNKNOWN ? JD_DATA_TASK_LIST : info.kind;
    size_t items = jd_array_length(jd_object_get(tree, kinds[k].member));
    if (tree)
        printf("%s: ok (%s, %zu %s%s, %zu warning%s)\n", path, kinds[k].what, items, kinds[k].noun,
               items == 1 ? "" : "s", info.warnings, info.warnings == 1 ? "" : "s");
    else
        printf("%s: %zu error%s\n", path, errors, errors == 1 ? "" : "s");
    *kind = info.kind;
    jd_diags_free(diags);
    return tree;
}

/* Merges progress data onto the task list: problems to stderr, what has not been reported
 * to stdout. Returns the exit code. */
static int run_merge(const char *list_path, const jd_value *list, const char *progress_path,
                     const jd_value *progress)
{
    jd_diags *diags = jd_diags_new();
    jd_value *merged = jd_progress_merge(list, progress, NULL, diags);
    jd_diags_sort(diags);
    int rc = jd_cli_report(diags);
    size_t errors = jd_diags_count_severity(diags, JD_ERROR);
    if (merged) {
        printf("%s: merged onto %s\n", progress_path, list_path);
        jd_cli_print_missing(merged, progress);
    } else {
        printf("%s: %zu error%s merging onto %s\n", progress_path, errors, errors == 1 ? "" : "s",
               list_path);
    }
    jd_value_unref(merged);
    jd_diags_free(diags);
    return rc;
}

#define PERIOD_OPTION                                                                              \
    {                                                                                              \
        "period", 0, 0, G_OPTION_ARG_STRING, &period,                                              \
            "Progress data: the 报告期 of files without that column (2023Q2, 2023-05)", "PERIOD"   \
    }

int jd_cmd_import(int argc, char **argv)
{
    char *output = NULL, *format_text = NULL, *period = NULL;
    GOptionEntry entries[] = {
        {"output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
         "Write the data as canonical JSON to OUT.json (only if there is no error)", "OUT.json"},
        {"format", 0, 0, G_OPTION_ARG_STRING, &format_text, "Read FILE as tsv, csv, json, xlsx or xls",
         "FORMAT"},
        PERIOD_OPTION,
        {NULL, 0, 0, 0, NULL, NULL, NULL}};
    jd_cli_usage usage = {"FILE",
                          "Read a task list, progress data or indicators, check it, print a summary and "
                          "optionally write it as canonical JSON.",
                          formats_help};
    int rc = JD_EXIT_OK;
    jd_import_options options = {JD_FORMAT_AUTO, NULL, NULL, NULL, NULL};
    if (jd_cli_parse(&argc, &argv, entries, &usage, &rc) &&
        check_usage(argc, argv, format_text, period, 1, &options.format, &rc)) {
        options.period = period;
        rc = run_import(argv[1], &options, output);
    }
    g_free(output);
    g_free(format_text);
    g_free(period);
    return rc;
}

int jd_cmd_check(int argc, char **argv)
{
    char *format_text = NULL, *period = NULL;
    GOptionEntry entries[] = {{"format", 0, 0, G_OPTION_ARG_STRING, &format_text,
                               "Read every FILE as tsv, csv, json, xlsx or xls", "FORMAT"},
                              PERIOD_OPTION,
                              {NULL, 0, 0, 0, NULL, NULL, NULL}};
    jd_cli_usage usage = {"FILE|DIR...",
                          "Check data files, or project folders (with jindu.ini: data, templates "
                          "and every output), and print every problem; nothing is written. "
                          "Progress data is also merged onto the first task list given, and "
                          "what has not been reported (未报送) is listed.",
                          formats_help};
    int rc = JD_EXIT_OK;
    jd_import_options options = {JD_FORMAT_AUTO, NULL, NULL, NULL, NULL};
    if (jd_cli_parse(&argc, &argv, entries, &usage, &rc) &&
        check_usage(argc, argv, format_text, period, 0, &options.format, &rc)) {
        options.period = period;
        jd_value **trees = g_new0(jd_value *, (size_t)argc);
        jd_data_kind *kinds = g_new0(jd_data_kind, (size_t)argc);
        int list = 0; /* argv index of the first task list */
        for (int i = 1; i < argc; i++) {
            /* a project folder: its data, templates and every output */
            char *ini = g_build_filename(argv[i], "jindu.ini", NULL);
            bool project = g_file_test(ini, G_FILE_TEST_IS_REGULAR);
            g_free(ini);
            if (project) {
                if (jd_cli_check_project(argv[i]) != JD_EXIT_OK) rc = JD_EXIT_BAD_INPUT;
                continue;
            }
            trees[i] = run_check(argv[i], &options, &kinds[i]);
            if (!trees[i]) rc = JD_EXIT_BAD_INPUT;
            if (trees[i] && kinds[i] == JD_DATA_TASK_LIST && !list) list = i;
        }
        for (int i = 1; list && i < argc; i++)
            if (trees[i] && kinds[i] == JD_DATA_PROGRESS &&
                run_merge(argv[list], trees[list], argv[i], trees[i]) != JD_EXIT_OK)
                rc = JD_EXIT_BAD_INPUT;
        for (int i = 1; i < argc; i++)
            jd_value_unref(trees[i]);
        g_free(kinds);
        g_free(trees);
    }
    g_free(format_text);
    g_free(period);
    return rc;
}
