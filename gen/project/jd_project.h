/* jd_project.h — projects: data binding, split documents, and incremental builds.
 *
 * A project directory holds `jindu.ini` (a GLib key file) naming its data files, its
 * parameters and its outputs (template, file name pattern, parameters, split). Building a
 * project expands the outputs whose template or data changed since the last build, hashes
 * their document trees, and lays out and renders only those whose hash changed (the
 * hashes live in DIR/.jindu-cache/). When no input file changed at all, nothing is even
 * read.
 *
 * This module sits above the pipeline (import → template → layout → backend) and drives
 * it; nothing below depends on it.
 */
#ifndef JD_PROJECT_H
#define JD_PROJECT_H

#include <stdbool.h>
#include <stddef.h>

#include "jd_base.h"
#include "jd_data.h"
#include "jd_fonts.h"
#include "jd_pages.h"

/* ---- data binding ------------------------------------------------------------------ */

/* The names templates see, from data files and parameters:
 *   "FILE"       imported and bound by its kind (task list → list, progress → progress,
 *                indicators → indicators)
 *   "NAME=FILE"  bound to NAME (JSON of any shape is read as it is)
 *   params       "KEY=VALUE" strings; decimal numbers become numbers
 * When both a task list and progress reports are bound, the reports are merged onto the
 * list (every unit row gets its `reports`); a report that matches nothing is an error.
 * `states` is the allowed list of progress states (NULL: the default four).
 * Returns a new object, or NULL with messages in diags. */
jd_value *jd_bind_data(const char *const *data_args, const char *const *define_args,
                       const char *const *states, jd_diags *diags);

/* jd_bind_data(), leniently when `broken` is not NULL (a project build, where data that one
 * output needs must not stop the others): data that cannot be bound is described in
 * `broken` — an array — instead of failing the whole binding. Progress is read with
 * jd_import_options.rejects, so only its bad reports are left out. Each entry is an object
 *   {"binding": "list" | "progress" | "indicators" | NAME | "*" (a file whose kind could not
 *    be told), "file", "line", "col", "message": the first error,
 *    and for a report left out, as far as known: "task", "units", "period"}
 * The errors are still added to diags. Returns the globals that could be bound (NULL only
 * for a parameter that is not KEY=VALUE). */
jd_value *jd_bind_data_with(const char *const *data_args, const char *const *define_args,
                            const char *const *states, jd_value *broken, jd_diags *diags);

/* Marks what changed between `previous` and `list` (both task lists, with progress merged
 * or not): every unit row whose names, plan or reports differ gets "changed": true, and
 * its task too; the list gets "changes_since" (`previous_name`: what the legend calls the
 * earlier data) and "changed_count" (a split document's list counts its own rows).
 * Reports are compared for the periods `previous` reports on (all, if it has none).
 * Returns a new list. */
jd_value *jd_mark_changes(const jd_value *list, const jd_value *previous, const char *previous_name);

/* The same, for bound data (jd_bind_data's result) and an earlier data file: an earlier task
 * list (compared with today's reports merged onto both), or earlier progress data (today's
 * list with the earlier reports). `label` is what the legend calls the earlier data; NULL:
 * "上次报送（2023年第二季度）" (its latest period) for reports, "上一版清单" for a list — never
 * the file's path. Returns the marked list, or NULL with messages. */
jd_value *jd_mark_changes_since(const jd_value *globals, const char *previous_path, const char *label,
                                const char *const *states, jd_diags *diags);

/* ---- split documents --------------------------------------------------------------- */

typedef enum { JD_SPLIT_NONE, JD_SPLIT_UNIT, JD_SPLIT_LEADER } jd_split;

bool jd_split_parse(const char *text, jd_split *split);

/* The keys of a split over a task list: every unit name, or every leader, in the order
 * first seen. A NULL-terminated array to free with g_strfreev. */
char **jd_split_keys(const jd_value *list, jd_split split);

/* The globals one split document is expanded with: `list` holds only the tasks of the key
 * (a task with several units or leaders is in each of their documents), `progress` only
 * the reports on those tasks, and `split` is {"by": "unit"|"leader", "key": KEY}. Shares
 * the values; returns a new object. */
jd_value *jd_split_globals(const jd_value *globals, jd_split split, const char *key);

/* Fills a file name pattern: {key} (made safe by jd_safe_file_name), and {NAME} for any
 * member of `params` (made safe too). Newly allocated. */
char *jd_expand_file_pattern(const char *pattern, const char *key, const jd_value *params);

/* ---- templates --------------------------------------------------------------------- */

/* The template `name` names: the file itself (relative to `project_dir`, when that is not
 * NULL) when it exists, else for a relative name one of jindu's bundled templates
 * (jd_data_path("templates")), else the file itself (for the message). Newly allocated;
 * *looked, when not NULL, gets where it looked (newly allocated). */
char *jd_find_template(const char *name, const char *project_dir, char **looked);

/* Where a template's includes are looked for after its own folder: the project folder (when
 * not NULL), then jindu's bundled templates, so a user's template can include the bundled
 * partials. NULL-terminated; g_strfreev. */
char **jd_template_search_path(const char *project_dir);

/* ---- projects ---------------------------------------------------------------------- */

typedef struct jd_project jd_project;

/* Reads DIR/jindu.ini and checks it (unknown keys, missing templates or data are errors
 * with their line in the file). */
jd_project *jd_project_load(const char *dir, jd_diags *diags);
void jd_project_free(jd_project *project);

/* The project's data bound as its outputs see it (jd_bind_data of [project] data= with the
 * [params]): a new object, or NULL with messages. */
jd_value *jd_project_data(const jd_project *project, jd_diags *diags);

/* Files and directories a watcher should monitor (jindu.ini, the data, and the folders of
 * the templates, which holds their includes). NULL-terminated, owned by the project. */
const char *const *jd_project_watch_paths(const jd_project *project);

/* ---- what a project is made of (for tools built on it, such as `jindu serve`) ------- */

/* The folder given to jd_project_load, and the output folder ([project] out=). */
const char *jd_project_dir(const jd_project *project);
const char *jd_project_out_dir(const jd_project *project);
/* [project] data=, each resolved against the project folder ("NAME=path" for a file bound
 * to a name of its own). NULL-terminated, owned by the project. */
const char *const *jd_project_data_paths(const jd_project *project);
/* [project] states=, or NULL for the default four. */
const char *const *jd_project_states(const jd_project *project);
/* Every value parameter `key` has: in [params], then in each output's params=, in that
 * order, each once. NULL-terminated; g_strfreev. */
char **jd_project_param_values(const jd_project *project, const char *key);

/* A file a build wrote, as the project's record (.jindu-cache/) has it. */
typedef struct {
    char *rel_path;   /* relative to the project folder, as a build names it */
    char *path;       /* the file */
    gint64 size;      /* bytes */
    gint64 mtime_ns;  /* modification time, nanoseconds since 1970 */
    guint64 inode;
} jd_written_file;

/* The outputs builds wrote that are still the very files jindu wrote (an output edited,
 * replaced or removed since is not one of them) and lie inside the output folder, sorted by
 * rel_path. A GPtrArray of jd_written_file* that frees them (g_ptr_array_unref). */
GPtrArray *jd_project_written(const jd_project *project);

typedef struct {
    int jobs;               /* worker processes for layout and rendering; 0 = one per core */
    int shard_index;        /* build only the i-th (1-based) of shard_count parts; 0 = all */
    int shard_count;
    bool force;             /* ignore the cache */
    bool check_only;        /* expand every output and report problems; lay out, render and
                               record nothing */
    const char *only;       /* build only the outputs whose name is this (NULL: all) */
    const char *mark_changes_since; /* a previous data file: mark what changed (NULL: the
                                       project's mark-changes-since=, if any) */
    const char *mark_label;         /* what the legend calls it (NULL: the project's, else derived) */
    /* Asked to stop (a signal, typically): no output is started after it, the ones being
     * laid out or rendered stop at their next page and keep their previous files, and the
     * build fails with "interrupted" (NULL: never). Worker processes are sent SIGTERM, to
     * which they answer as the caller's handler, which they inherit, does. */
    const jd_cancel *cancel;
    /* called from the building thread after each output, for a progress line */
    void (*progress)(void *user, size_t done, size_t total, const char *path, bool built);
    void *user;
} jd_build_options;

void jd_build_options_init(jd_build_options *opts);

typedef struct {
    size_t total;     /* outputs in this build (this shard's share) */
    size_t built;     /* laid out and rendered */
    size_t unchanged; /* same document as last time: left as it was */
    size_t expanded;  /* outputs whose template or data (what the template reads) changed */
    size_t failed;
    size_t removed;     /* outputs of earlier builds the project no longer produces */
    size_t stopped;     /* not built, or not to the end: the build was asked to stop */
    double seconds;
    char **built_paths;   /* NULL-terminated, relative to the project dir; g_strfreev */
    char **unchanged_paths; /* the same, for the outputs left as they were */
    char **removed_paths; /* the same, for the removed outputs */
    char **failed_paths;  /* the same, for the outputs that failed, in the project's order */
    char **failed_reasons; /* why each failed, in one line: "progress/2023Q1.csv:3: the
                              report on task 1 by 商务局 has errors" */
} jd_build_result;

/* Builds the project. Every output that fails leaves its previous file untouched; the
 * others are still built. Data with errors stops only the outputs that need it: the data is
 * bound leniently (jd_bind_data_with), and an output fails when its template reads data
 * that could not be read, or its document has a task and unit whose report was left out
 * (each failed output is in result->failed_paths with its reason). Outputs that earlier
 * builds wrote and the project no longer produces are removed (only files jindu wrote,
 * recorded in its cache, and only while they are still as jindu wrote them). Returns false
 * if anything failed or the data had errors (messages in diags). */
bool jd_project_build(jd_project *project, const jd_build_options *opts, jd_build_result *result,
                      jd_diags *diags);

void jd_build_result_clear(jd_build_result *result);

/* ---- one output's pages ------------------------------------------------------------- */

/* The pages of the document the project writes to `rel_path` (as jd_project_written names
 * it), expanded and laid out with `fonts` from the project's data as it is now; *current
 * (may be NULL) gets whether that document is the one in the file (nothing it depends on
 * changed since it was written). NULL with messages — among them when no output of the
 * project is written there. */
jd_pages *jd_project_output_pages(jd_project *project, const char *rel_path, jd_fonts *fonts,
                                  bool *current, jd_diags *diags);

#endif
