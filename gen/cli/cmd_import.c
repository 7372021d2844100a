/* `jindu import` and `jindu check`: read data files, report every problem, summarise. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "jd_import.h"

/* Reads --format's value (NULL, not given, means detection) and checks the number of FILE
 * arguments; on a usage error prints it and sets *rc. */
static bool check_usage(int argc, char **argv, const char *format_text, int max_files,
                        jd_format *format, int *rc)
{
    *format = JD_FORMAT_AUTO;
    if (format_text && !jd_format_parse(format_text, format))
        fprintf(stderr, "%s: unknown format '%s' (expected tsv, csv or json)\n", argv[0],
                format_text);
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
    "Formats: TSV and CSV exports of a task list (UTF-8, UTF-8 with BOM, GB18030 or UTF-16,\n"
    "detected), or its canonical JSON. Without --format the file name's extension decides\n"
    "(.tsv .txt .csv .json), else the content. docs/data-format.md describes the rules.\n"
    "\n"
    "Exit status: 0 ok, 1 bad input (every problem is printed as file:line:column), 2 usage.";

/* Problems to stderr, then the summary, then the JSON file if asked for and all is well. */
static int run_import(const char *path, jd_format format, const char *output)
{
    jd_diags *diags = jd_diags_new();
    jd_import_info info;
    jd_value *list = jd_import_file(path, format, &info, diags);
    if (list && output) {
        char *json = jd_value_to_json(list, true);
        jd_write_file_atomic(output, json, strlen(json), diags);
        g_free(json);
    }
    jd_diags_sort(diags);
    int rc = jd_cli_report(diags);
    if (list) {
        char *summary = jd_tasklist_summary(list, &info);
        printf("%s: %s", path, summary);
        if (output && rc == JD_EXIT_OK) printf("  written: %s\n", output);
        g_free(summary);
    }
    jd_value_unref(list);
    jd_diags_free(diags);
    return rc;
}

/* Problems to stderr, one line per file to stdout. */
static int run_check(const char *path, jd_format format)
{
    jd_diags *diags = jd_diags_new();
    jd_import_info info;
    jd_value *list = jd_import_file(path, format, &info, diags);
    jd_diags_sort(diags);
    int rc = jd_cli_report(diags);
    size_t errors = jd_diags_count_severity(diags, JD_ERROR);
    size_t tasks = jd_array_length(jd_object_get(list, "tasks"));
    if (list)
        printf("%s: ok (task list, %zu task%s, %zu warning%s)\n", path, tasks,
               tasks == 1 ? "" : "s", info.warnings, info.warnings == 1 ? "" : "s");
    else
        printf("%s: %zu error%s\n", path, errors, errors == 1 ? "" : "s");
    jd_value_unref(list);
    jd_diags_free(diags);
    return rc;
}

int jd_cmd_import(int argc, char **argv)
{
    char *output = NULL, *format_text = NULL;
    GOptionEntry entries[] = {
        {"output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
         "Write the task list as canonical JSON to OUT.json (only if there is no error)",
         "OUT.json"},
        {"format", 0, 0, G_OPTION_ARG_STRING, &format_text, "Read FILE as tsv, csv or json",
         "FORMAT"},
        {NULL, 0, 0, 0, NULL, NULL, NULL}};
    jd_cli_usage usage = {"FILE",
                          "Read a task list, check it, print a summary and optionally "
                          "write it as canonical JSON.",
                          formats_help};
    int rc = JD_EXIT_OK;
    jd_format format;
    if (jd_cli_parse(&argc, &argv, entries, &usage, &rc) &&
        check_usage(argc, argv, format_text, 1, &format, &rc))
        rc = run_import(argv[1], format, output);
    g_free(output);
    g_free(format_text);
    return rc;
}

int jd_cmd_check(int argc, char **argv)
{
    char *format_text = NULL;
    GOptionEntry entries[] = {{"format", 0, 0, G_OPTION_ARG_STRING, &format_text,
                               "Read every FILE as tsv, csv or json", "FORMAT"},
                              {NULL, 0, 0, 0, NULL, NULL, NULL}};
    jd_cli_usage usage = {
        "FILE...", "Check data files and print every problem; nothing is written.", formats_help};
    int rc = JD_EXIT_OK;
    jd_format format;
    if (jd_cli_parse(&argc, &argv, entries, &usage, &rc) &&
        check_usage(argc, argv, format_text, 0, &format, &rc))
        for (int i = 1; i < argc; i++)
            if (run_check(argv[i], format) != JD_EXIT_OK) rc = JD_EXIT_BAD_INPUT;
    g_free(format_text);
    return rc;
}
