/* jd_template.h — template expansion: an XML template plus data → a document tree.
 *
 * A template is parsed (libxml2) and checked once, before any data is seen: unknown
 * elements and attributes, malformed expressions, unknown filters, bad lengths or colours,
 * includes outside the template directories and include cycles are found at load time.
 * Expansion then evaluates expressions against the data; data values always become text
 * and can never add elements or attributes.
 *
 * The language is documented in templates/README.md.
 */
#ifndef JD_TEMPLATE_H
#define JD_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "jd_base.h"
#include "jd_data.h"
#include "jd_doc.h"

typedef struct jd_template jd_template;

/* Loads and checks `path`. Includes resolve relative to the including file (or, when not
 * found there, in each of `include_dirs`, NULL-terminated, may be NULL) and must stay inside
 * the directory of `path` or one of `include_dirs`. Returns NULL if any error was found (all
 * of them are in `diags`). */
jd_template *jd_template_load(const char *path, const char *const *include_dirs, jd_diags *diags);
/* Same, for a template held in memory (tests, fuzzing, templates built by a program).
 * `name` is used in messages; includes and images resolve relative to `base_dir`, and with
 * a NULL `base_dir` a template cannot include anything. */
jd_template *jd_template_load_memory(const char *text, size_t len, const char *name,
                                     const char *base_dir, const char *const *include_dirs,
                                     jd_diags *diags);
void jd_template_free(jd_template *tpl);

/* Expands the template. `globals` is an object whose members are the names templates see:
 * "list" (a task list), "params" (an object of -D values), and any other bound data. The
 * parameters are checked first (jd_template_check_params): nothing is expanded with a
 * missing or malformed one. Returns NULL if any error was found. Expansion only reads the template and the data, so
 * one template may be expanded by several threads at once. */
jd_doc *jd_template_expand(const jd_template *tpl, const jd_value *globals, jd_diags *diags);

/* ---- parameters ------------------------------------------------------------------- */

/* A template declares the parameters it reads (params.NAME) at the top level of its
 * <document>:
 *     <param name="period" type="period" example="2023Q2">报告期：季度或月份</param>
 * with a type (text, number, integer, period, quarter, year, date), and a `default` or
 * `required="false"` when it may be left out. */
typedef struct jd_template_param jd_template_param;

size_t jd_template_param_count(const jd_template *tpl);
const jd_template_param *jd_template_param_at(const jd_template *tpl, size_t index);
const char *jd_template_param_name(const jd_template_param *param);
const char *jd_template_param_type(const jd_template_param *param);
const char *jd_template_param_description(const jd_template_param *param); /* "" if none */
/* The declared example, else the default, else one for the type. Newly allocated. */
char *jd_template_param_example(const jd_template_param *param);
/* The default as text, or NULL. Newly allocated. */
char *jd_template_param_default(const jd_template_param *param);
bool jd_template_param_required(const jd_template_param *param);
/* The values the parameter allows (NULL-terminated), or NULL when any value of its type is. */
const char *const *jd_template_param_choices(const jd_template_param *param);

/* Where parameter values come from, for messages. */
typedef struct {
    const char *file;  /* e.g. jindu.ini, or NULL */
    int line;          /* in `file`, 0 if unknown */
    /* the line that sets parameter `name`, when it can be told (0: `line`) */
    int (*line_of)(const char *name, void *user);
    void *user;
    const char *context;   /* put before every message ("[output 督查表]: "), or NULL */
    /* how one is written: the example is set_before NAME=VALUE set_after ("-D " and ""
     * when both are NULL) */
    const char *set_before, *set_after;
    bool only_declared;    /* a parameter the template does not declare is an error */
    /* or, when set, whether that is so for parameter `name` (one given for this template
     * alone, not shared with others) */
    bool (*must_be_declared)(const char *name, void *user);
} jd_params_source;

/* Checks `params` (an object) against what the template declares, before anything is
 * expanded: a missing required parameter, or a value that is not of its type, is one
 * message naming the parameter, the template and an example ("quarterly-sheet.xml needs
 * parameter 'period', e.g. -D period=2023Q2"). Returns a new object: the declared
 * parameters normalised (a period as 2023Q2, a date as 2023-06-30) with their defaults,
 * and any others as given; NULL after an error. A template that declares nothing accepts
 * any parameters. `source` may be NULL. */
jd_value *jd_template_check_params(const jd_template *tpl, const jd_value *params,
                                   const jd_params_source *source, jd_diags *diags);

/* Whether an expansion may read the global `name`: globals are only reached through
 * variables, so a name no expression of the template or its includes uses is never read
 * (a local variable of that name counts too: the answer errs on the side of yes). A build
 * hashes only the data an output reads, so editing data a template ignores rebuilds
 * nothing. */
bool jd_template_reads(const jd_template *tpl, const char *name);

/* The template's source files (the template and every include; for a template loaded from
 * memory, the includes only), for dependency tracking. Returns a NULL-terminated array owned
 * by the template. */
const char *const *jd_template_files(const jd_template *tpl);

#endif
