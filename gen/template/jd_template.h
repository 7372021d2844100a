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
 * "list" (a task list), "params" (an object of -D values), and any other bound data.
 * Returns NULL if any error was found. Expansion only reads the template and the data, so
 * one template may be expanded by several threads at once. */
jd_doc *jd_template_expand(const jd_template *tpl, const jd_value *globals, jd_diags *diags);

/* The template's source files (the template and every include; for a template loaded from
 * memory, the includes only), for dependency tracking. Returns a NULL-terminated array owned
 * by the template. */
const char *const *jd_template_files(const jd_template *tpl);

#endif
