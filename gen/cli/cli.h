/* cli.h — the jindu command line: one function per command, and the helpers they share. */
#ifndef JD_CLI_H
#define JD_CLI_H

#include "jd_base.h"

/* Exit codes, documented in README.md */
enum { JD_EXIT_OK = 0, JD_EXIT_BAD_INPUT = 1, JD_EXIT_USAGE = 2 };

/* Each command gets argv with argv[0] = "jindu CMD" and returns an exit code. */
int jd_cmd_import(int argc, char **argv);
int jd_cmd_check(int argc, char **argv);
int jd_cmd_expand(int argc, char **argv);
int jd_cmd_params(int argc, char **argv);
int jd_cmd_render(int argc, char **argv);
int jd_cmd_layout(int argc, char **argv);
int jd_cmd_fonts(int argc, char **argv);
int jd_cmd_forms(int argc, char **argv);
int jd_cmd_export(int argc, char **argv);
int jd_cmd_build(int argc, char **argv);
int jd_cmd_watch(int argc, char **argv);
int jd_cmd_serve(int argc, char **argv);

/* Parses options with a GOptionContext (which answers --help itself); on a usage error
 * prints it, sets *exit_code to JD_EXIT_USAGE and returns false. */
typedef struct {
    const char *parameter_string; /* "FILE" */
    const char *summary;
    const char *description;
} jd_cli_usage;

#include <glib.h>
bool jd_cli_parse(int *argc, char ***argv, const GOptionEntry *entries, const jd_cli_usage *usage,
                  int *exit_code);

/* A template named on the command line: a file, or one of the bundled templates by name
 * (quarterly-sheet.xml); its includes may come from the bundled templates too. */
#include "jd_template.h"
jd_template *jd_cli_load_template(const char *name, jd_diags *diags);

/* Checks the parameters of `globals` (-D) against what the template declares, and puts
 * the checked ones (normalised, with defaults) in their place. */
bool jd_cli_check_params(const jd_template *tpl, jd_value *globals, jd_diags *diags);

/* What `jindu params` prints: every parameter the template declares, with its type, an
 * example and its description. Newly allocated. */
char *jd_cli_params_text(const jd_template *tpl, const char *name);

/* The first argument that is neither an option nor an option's value (for `jindu render
 * TEMPLATE --help`, which describes the template's parameters), or NULL. */
const char *jd_cli_first_operand(int argc, char **argv, const GOptionEntry *entries);

/* For `jindu render TEMPLATE --help`: `description` followed by the parameters of the
 * TEMPLATE among the arguments; NULL when no help is asked or there is no such template.
 * Newly allocated. */
char *jd_cli_template_help(int argc, char **argv, const GOptionEntry *entries, const char *description);

/* Loads a template, binds the data and expands it (the first half of render/layout):
 *   --data FILE        bound by its kind (a task list is `list`, progress is `progress`,
 *                      and progress is merged onto the list)
 *   --data NAME=FILE   bound to NAME
 *   -D KEY=VALUE       params.KEY (numbers stay numbers: -D quarter=2 gives 2)
 * Returns NULL with messages in diags. */
#include "jd_doc.h"
jd_doc *jd_cli_expand(const char *template_path, char **data_args, char **define_args,
                      jd_diags *diags);

/* `jindu check DIR` for a project folder: every output expanded, every problem printed
 * (warnings included), nothing written. Returns the exit code. */
int jd_cli_check_project(const char *dir);

/* What has not been reported, for each period of the progress data, after it was merged
 * onto the list: "  2023Q2: 225 reports, 未报送 7: 赛达办 (8), 大寺镇 (40, 41)". */
#include "jd_data.h"
void jd_cli_print_missing(const jd_value *merged, const jd_value *progress);

/* A list given on the command line, "已完成,序时推进" or "2023Q1，2023Q2、2023Q3": the items
 * between commas (ASCII or full-width) and 、, stripped, empty ones left out. NULL-terminated;
 * g_strfreev. */
char **jd_cli_split_list(const char *text);
/* Whether jd_cli_split_list(text) has any item. */
bool jd_cli_split_list_has_items(const char *text);

/* Signals (signals.c). SIGINT, SIGTERM and SIGHUP (unless ignored when jindu started)
 * ask the returned request to stop instead of killing the process; the same signal twice
 * kills it. Called once, by a command whose work checks the request (render, build). */
jd_cancel *jd_cli_catch_signals(void);
/* The read end of a pipe a caught signal writes a byte to, to wake a main loop up. */
int jd_cli_wake_pipe(void);
/* SIGXFSZ ignored: a write beyond `ulimit -f` fails and is reported (every command). */
void jd_cli_ignore_file_size_signal(void);
/* After a command's work: when a signal asked it to stop, ends the process by that signal
 * (stdio flushed); otherwise returns rc. */
int jd_cli_end_run(jd_cancel *cancel, int rc);

/* Prints messages to stderr (errors and warnings), returns the exit code they imply. */
int jd_cli_report(const jd_diags *diags);

#endif
