/* jindu — document generation for supervision task lists: the command-line entry point. */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    {"import", jd_cmd_import, "read a task list (TSV, CSV, JSON, .xlsx, .xls), validate it, summarise, write canonical JSON"},
    {"check", jd_cmd_check, "validate data files and print every problem, writing nothing"},
    {"expand", jd_cmd_expand, "expand a template with data and print the document tree"},
    {"params", jd_cmd_params, "list the parameters a template declares"},
    {"layout", jd_cmd_layout, "lay out a template with data and print the pages (--dump)"},
    {"render", jd_cmd_render, "render a template with data to PDF, PNG or SVG"},
    {"fonts", jd_cmd_fonts, "list the fonts each family resolves to; `fonts check DATA` finds missing glyphs"},
    {"forms", jd_cmd_forms, "write one pre-filled progress form (CSV or .xlsx) per responsible unit"},
    {"export", jd_cmd_export, "write the ledger (台账) of tasks, units and reports as one .xlsx, a sheet per period"},
    {"build", jd_cmd_build, "build every output of a project (jindu.ini), only what changed"},
    {"watch", jd_cmd_watch, "build a project again on every saved change"},
    {"serve", jd_cmd_serve, "the project as a local web page: overview, forms in, build, documents out"},
};

static void usage(FILE *out)
{
    fprintf(out, "Usage: jindu COMMAND [OPTIONS...]\n\nCommands:\n");
    for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n`jindu COMMAND --help` describes a command. Exit status: 0 ok, 1 bad input, 2 usage.\n"
                 "Environment: JINDU_MAX_INPUT=SIZE (e.g. 512M) reads data files up to SIZE (default\n"
                 "128M) and templates up to a sixteenth of it.\n");
}

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    if (argc < 2) {
        usage(stderr);
        return JD_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
        printf("jindu %s\n", JD_VERSION);
        return JD_EXIT_OK;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return JD_EXIT_OK;
    }
    jd_cli_ignore_file_size_signal();
    const char *max_input = g_getenv("JINDU_MAX_INPUT");
    size_t ignored;
    if (max_input && !jd_parse_size(max_input, &ignored)) {
        fprintf(stderr, "jindu: JINDU_MAX_INPUT='%s' is not a size (bytes, or a number with K, M "
                        "or G)\n",
                max_input);
        return JD_EXIT_USAGE;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(commands); i++) {
        if (strcmp(argv[1], commands[i].name) == 0) {
            char *name = g_strdup_printf("jindu %s", commands[i].name);
            argv[1] = name;
            int rc = commands[i].run(argc - 1, argv + 1);
            g_free(name);
            return rc;
        }
    }
    fprintf(stderr, "jindu: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return JD_EXIT_USAGE;
}
