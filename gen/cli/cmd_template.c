/* jindu expand: a template expanded with data, printed as the document tree (jd_doc_dump),
 * which is what a template author looks at to see what the layout will get. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

int jd_cmd_expand(int argc, char **argv)
{
    char **data = NULL, **defines = NULL, *output = NULL;
    const GOptionEntry entries[] = {
        {"data", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &data,
         "Data file (bound by its kind: a task list is `list`), or NAME=FILE", "FILE"},
        {"define", 'D', 0, G_OPTION_ARG_STRING_ARRAY, &defines,
         "Template parameter, seen as params.KEY", "KEY=VALUE"},
        {"output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
         "Write the tree to FILE (atomically) instead of standard output", "FILE"},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    const jd_cli_usage usage = {
        "TEMPLATE",
        "Expands TEMPLATE with the data and prints the document tree: one node per line,\n"
        "indented by depth, with its attributes and the style properties that differ from\n"
        "its parent's.",
        "Exit status: 0 ok, 1 bad template or data (every problem is printed), 2 usage.",
    };
    int rc = JD_EXIT_OK;
    if (!jd_cli_parse(&argc, &argv, entries, &usage, &rc)) goto done;
    if (argc != 2) {
        fprintf(stderr, "%s: expected one TEMPLATE, got %d\nTry '%s --help'.\n", argv[0], argc - 1,
                argv[0]);
        rc = JD_EXIT_USAGE;
        goto done;
    }
    jd_diags *diags = jd_diags_new();
    jd_doc *doc = jd_cli_expand(argv[1], data, defines, diags);
    if (doc) {
        char *dump = jd_doc_dump(doc);
        if (output)
            jd_write_file_atomic(output, dump, strlen(dump), diags);
        else
            fputs(dump, stdout);
        g_free(dump);
        jd_doc_free(doc);
    }
    rc = jd_cli_report(diags);
    if (!doc && rc == JD_EXIT_OK) rc = JD_EXIT_BAD_INPUT;
    jd_diags_free(diags);
done:
    g_strfreev(data);
    g_strfreev(defines);
    g_free(output);
    return rc;
}

/* jindu params TEMPLATE: the parameters a template declares. */
int jd_cmd_params(int argc, char **argv)
{
    const GOptionEntry entries[] = {{NULL, 0, 0, 0, NULL, NULL, NULL}};
    const jd_cli_usage usage = {"TEMPLATE",
                                "Lists the parameters TEMPLATE declares (<param>): name, type, whether "
                                "it is required or its default, an example and what it means.",
                                "TEMPLATE is a file, or the name of a bundled template "
                                "(quarterly-sheet.xml)."};
    int rc = JD_EXIT_OK;
    if (!jd_cli_parse(&argc, &argv, entries, &usage, &rc)) return rc;
    if (argc != 2) {
        fprintf(stderr, "%s: expected one TEMPLATE\nTry '%s --help'.\n", argv[0], argv[0]);
        return JD_EXIT_USAGE;
    }
    jd_diags *diags = jd_diags_new();
    jd_template *tpl = jd_cli_load_template(argv[1], diags);
    if (tpl) {
        char *text = jd_cli_params_text(tpl, argv[1]);
        fputs(text, stdout);
        g_free(text);
    }
    rc = jd_cli_report(diags);
    if (!tpl && rc == JD_EXIT_OK) rc = JD_EXIT_BAD_INPUT;
    jd_template_free(tpl);
    jd_diags_free(diags);
    return rc;
}
