/* project_private.h — internals of the project module. */
#ifndef JD_PROJECT_PRIVATE_H
#define JD_PROJECT_PRIVATE_H

#include "jd_project.h"

typedef struct {
    char *name;           /* from [output NAME] */
    char *template_path;
    char *pattern;        /* file name pattern, relative to the output folder */
    jd_split split;
    char *backend;        /* NULL: the project's */
    char **params;        /* KEY=VALUE overriding [params] */
    char **data;          /* extra data for this output */
} jp_output;

struct jd_project {
    char *dir;
    char *ini_path;
    char *ini_text;
    GHashTable *ini_lines; /* see jp_ini_line */
    GKeyFile *ini;
    char **data;     /* resolved paths, or NAME=path */
    char **states;
    char **params;   /* KEY=VALUE from [params] */
    char **indicator_rules; /* KEY=VALUE from [indicators], checked when loaded */
    char *out_dir;
    char *mark_since; /* mark-changes-since=, resolved; or NULL */
    char *mark_label; /* mark-label=, or NULL */
    char *backend;
    int jobs;
    GPtrArray *outputs; /* jp_output* */
    char **watch;
};

/* Line of [group] (key NULL) or of key= inside it (else of its group), in jindu.ini; 0 if
 * not found. */
int jp_ini_line(const jd_project *p, const char *group, const char *key);

/* Whether `path` is inside `dir` (or is `dir`, when `or_same`) once both are made absolute
 * and normalised, and again once symbolic links are followed as far as the path exists. */
bool jp_inside(const char *dir, const char *path, bool or_same);

/* Whether `arg` is a parameter: KEY=VALUE with KEY made of letters, digits and _. */
bool jp_param_ok(const char *arg);

/* The bound indicators (if any) with the project's [indicators] rules over their own:
 * `rules` is KEY=VALUE strings, already checked. */
void jp_apply_indicator_rules(jd_value *globals, char *const *rules);

/* ---- cache.c: fingerprints, cache entries, the record of what jindu wrote ------------ */

#include "jd_template.h"

/* Adds a file (a folder: its sorted listing and every file in it) to a checksum. */
void jp_hash_file(GChecksum *sum, const char *path);
/* The font set, cheaply (fonts.ini and the size and time of its files), as hex. */
char *jp_fonts_fingerprint(void);
/* Everything an output's bytes depend on besides its data: the template and its includes,
 * the font set, jindu's version, and the date a render falls back on. */
char *jp_template_fingerprint(const jd_template *tpl, const char *fonts_fp);
/* Every input file of the project and the options: equal to the last complete build's
 * means nothing needs to be read. */
char *jp_inputs_hash(const jd_project *p, const jd_build_options *opts, GPtrArray *templates,
                     const char *fonts_fp);
/* DIR/.jindu-cache/NAME. */
char *jp_cache_path(const jd_project *p, const char *name);

/* An output's cache entry: the document's hash and what its expansion read. */
typedef struct {
    char hash[65], input[65];
} jp_entry;

/* Reads the entry of the output at `rel_path` (relative to the project folder); false
 * when there is none, or when the file is no longer the one jindu wrote (its size, time or
 * inode changed: truncated, edited, replaced), so that it is built again. */
bool jp_entry_read(const jd_project *p, const char *rel_path, jp_entry *e);
/* Records the entry, with the output file as it is now. */
void jp_entry_store(const jd_project *p, const char *rel_path, const jp_entry *e, jd_diags *diags);

/* The no-change check: the same inputs as the last complete build, and its outputs all
 * still the files jindu wrote; when true, *outputs gets their rel paths (NULL-terminated,
 * g_strfreev), else NULL. */
bool jp_nothing_changed(const jd_project *p, const jd_build_options *opts, const char *hash, char ***outputs);
void jp_store_inputs(const jd_project *p, const jd_build_options *opts, const char *hash,
                     const char *const *rel_paths, jd_diags *diags);

/* Removes the outputs earlier builds wrote that are not in `produced` (rel paths), while
 * each is still the file jindu wrote (a changed one is left, with a warning), and the
 * folders that leaves empty inside the output folder. Returns the removed rel paths,
 * sorted, NULL-terminated (g_strfreev). */
char **jp_remove_stale(const jd_project *p, GHashTable *produced, jd_diags *diags);

/* ---- depend.c: which outputs the data that could not be read keeps from being built -- */

/* `broken` (jd_bind_data_with's) with each report left out placed in `list`: what it was
 * about as far as the list agrees ("scope_task": 0 for any, "scope_units": [] for any).
 * A new array. */
jd_value *jp_place_broken(const jd_value *broken, const jd_value *list);
/* Whether the placed entries leave the list unknown: a split's documents cannot be known. */
bool jp_list_broken(const jd_value *placed);
/* Why an output cannot be built — "progress/2023Q1.csv:3: the report on task 1 by 商务局
 * has errors" — when its template reads data that could not be read, or (for a report left
 * out) its data (`data`, its split key's share) has the task and unit the report was
 * about. Newly allocated; NULL when it can be built. */
char *jp_blocked_reason(const jd_value *placed, const jd_template *tpl, const jd_value *data);

/* ---- workers.c: jobs on forked worker processes ------------------------------------- */

typedef struct {
    size_t n_jobs;
    /* in a worker: does job `index` and returns its answer, one line without '\n' (newly
     * allocated) */
    char *(*run)(void *user, guint32 index);
    /* in the building process: the answer to job `index`, or NULL when the worker doing it
     * stopped unexpectedly */
    void (*done)(void *user, guint32 index, const char *answer);
    void *user;
    /* asked to stop: no job is given out any more, and the workers busy with one are sent
     * SIGTERM (their own request, set by the handler they inherited, stops the job) */
    const jd_cancel *cancel;
} jp_work;

/* Shares the jobs of `todo` (guint32 indices) out to `n_workers` processes forked now, and
 * does itself whatever no worker could take. */
void jp_run_workers(const jp_work *work, const GArray *todo, int n_workers);

#endif
