/* jindu build / jindu watch: every output of a project, only what changed. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib-unix.h>

#include "cli.h"
#include "jd_project.h"

/* What -j holds when it was not given: -j 0 is a mistake, not the default. */
enum { JOBS_NOT_GIVEN = -1000000 };

typedef struct {
    int jobs;
    char *shard;
    gboolean force;
    gboolean quiet;
    gboolean verbose;
    char *only;
    char *since;
    char *mark_label;
} build_args;

typedef struct {
    bool tty;
    size_t width; /* of the last progress line, to clear it */
} progress_line;

static void on_progress(void *user, size_t done, size_t total, const char *path, bool built)
{
    progress_line *pl = user;
    if (!pl->tty)
        return;
    char *line = g_strdup_printf("[%zu/%zu] %s %s", done, total, built ? "built" : "unchanged", path);
    size_t w = (size_t)g_utf8_strlen(line, -1);
    fprintf(stderr, "\r%s%*s", line, pl->width > w ? (int)(pl->width - w) : 0, "");
    pl->width = w;
    g_free(line);
}

static void clear_progress(progress_line *pl)
{
    if (pl->tty && pl->width) {
        fprintf(stderr, "\r%*s\r", (int)pl->width + 2, "");
        pl->width = 0;
    }
}

static bool parse_shard(const char *text, int *index, int *count)
{
    char *end;
    long i = strtol(text, &end, 10);
    if (*end != '/')
        return false;
    long n = strtol(end + 1, &end, 10);
    if (*end || n < 1 || i < 1 || i > n)
        return false;
    *index = (int)i;
    *count = (int)n;
    return true;
}

static void print_summary(const jd_build_result *r, bool quiet)
{
    if (quiet)
        return;
    printf("%zu built, %zu unchanged, %zu failed (%zu outputs)", r->built, r->unchanged, r->failed, r->total);
    if (r->removed)
        printf(", %zu removed (no longer produced)", r->removed);
    if (r->stopped)
        printf(", %zu not built (interrupted)", r->stopped);
    printf(" in %.2f s\n", r->seconds);
}

/* Errors in full; the warnings of a file only when there are few of them, since a data
 * file's warnings come back on every build and `jindu check` lists them all. */
static void report(const jd_diags *diags, bool verbose)
{
    enum { FEW = 3 };
    GHashTable *per_file = g_hash_table_new(g_str_hash, g_str_equal);
    for (size_t i = 0; i < jd_diags_count(diags); i++) {
        const jd_diag *d = jd_diags_get(diags, i);
        const char *f = jd_diag_file(d) ? jd_diag_file(d) : "";
        if (jd_diag_severity(d) == JD_WARNING)
            g_hash_table_insert(per_file, (gpointer)f,
                                GINT_TO_POINTER(GPOINTER_TO_INT(g_hash_table_lookup(per_file, f)) + 1));
    }
    GHashTable *summarised = g_hash_table_new(g_str_hash, g_str_equal);
    for (size_t i = 0; i < jd_diags_count(diags); i++) {
        const jd_diag *d = jd_diags_get(diags, i);
        const char *f = jd_diag_file(d) ? jd_diag_file(d) : "";
        int n = GPOINTER_TO_INT(g_hash_table_lookup(per_file, f));
        if (jd_diag_severity(d) == JD_WARNING && !verbose && n > FEW) {
            if (!g_hash_table_contains(summarised, f)) {
                g_hash_table_add(summarised, (gpointer)f);
                fprintf(stderr, "%s: %d warnings (`jindu check` or `jindu build -v` lists them)\n", f, n);
            }
            continue;
        }
        char *line = jd_diag_format(d);
        fprintf(stderr, "%s\n", line);
        g_free(line);
    }
    g_hash_table_destroy(summarised);
    g_hash_table_destroy(per_file);
}

/* Every output that failed and why, one line each (the first few without -v): after the
 * messages, so that what was not built is the last thing read before the counts. */
static void report_failed(const jd_build_result *r, bool verbose, const char *more)
{
    enum { FEW = 10 };
    size_t n = r->failed_paths ? g_strv_length(r->failed_paths) : 0;
    for (size_t i = 0; i < n && (verbose || i < FEW); i++)
        fprintf(stderr, "  failed %s: %s\n", r->failed_paths[i], r->failed_reasons[i]);
    if (!verbose && n > FEW)
        fprintf(stderr, "  … and %zu more failed%s\n", n - FEW, more);
}

/* One build: returns the exit code. */
static int build_once(const char *dir, const jd_build_options *opts, bool quiet, bool verbose,
                      bool list_built)
{
    jd_diags *diags = jd_diags_new();
    jd_project *project = jd_project_load(dir, diags);
    int rc = JD_EXIT_BAD_INPUT;
    if (project) {
        jd_build_result r;
        progress_line pl = {!quiet && isatty(STDERR_FILENO), 0};
        jd_build_options o = *opts;
        o.progress = on_progress;
        o.user = &pl;
        bool ok = jd_project_build(project, &o, &r, diags);
        clear_progress(&pl);
        for (int i = 0; list_built && r.built_paths && r.built_paths[i]; i++)
            printf("  built %s\n", r.built_paths[i]);
        for (int i = 0; list_built && r.removed_paths && r.removed_paths[i]; i++)
            printf("  removed %s\n", r.removed_paths[i]);
        report(diags, verbose);
        report_failed(&r, verbose, " (`-v` lists them)");
        /* a build refused before any output (an --only naming none, say): the error says it
         * all, and "0 built … (0 outputs)" would read as if nothing were wrong */
        if (ok || r.total > 0)
            print_summary(&r, quiet);
        rc = ok ? JD_EXIT_OK : JD_EXIT_BAD_INPUT;
        jd_build_result_clear(&r);
        jd_project_free(project);
    } else {
        report(diags, verbose);
    }
    fflush(stdout);
    jd_diags_free(diags);
    return rc;
}

/* GOption takes "-j 2" but not "-j2", which is how make users type it: split it. The new
 * vector borrows the strings of the old one. */
static char **split_short_jobs(int *argc, char **argv)
{
    GPtrArray *out = g_ptr_array_new();
    for (int i = 0; i < *argc; i++) {
        if (strncmp(argv[i], "-j", 2) == 0 && g_ascii_isdigit(argv[i][2])) {
            g_ptr_array_add(out, (gpointer) "-j");
            g_ptr_array_add(out, argv[i] + 2);
        } else {
            g_ptr_array_add(out, argv[i]);
        }
    }
    *argc = (int)out->len;
    g_ptr_array_add(out, NULL);
    return (char **)g_ptr_array_free(out, FALSE);
}

static bool options_from(build_args *a, const char *argv0, jd_build_options *o)
{
    jd_build_options_init(o);
    o->force = a->force;
    o->only = a->only;
    o->mark_changes_since = a->since;
    o->mark_label = a->mark_label;
    if (a->shard && !parse_shard(a->shard, &o->shard_index, &o->shard_count)) {
        fprintf(stderr, "%s: --shard takes I/N with 1 <= I <= N, not '%s'\n", argv0, a->shard);
        return false;
    }
    if (a->jobs != JOBS_NOT_GIVEN && a->jobs < 1) {
        fprintf(stderr, "%s: -j takes a number of workers, 1 or more\n", argv0);
        return false;
    }
    o->jobs = a->jobs == JOBS_NOT_GIVEN ? 0 : a->jobs;
    return true;
}

static void free_args(build_args *a)
{
    g_free(a->shard);
    g_free(a->only);
    g_free(a->since);
    g_free(a->mark_label);
}

#define BUILD_ENTRIES(a)                                                                            \
    {"jobs", 'j', 0, G_OPTION_ARG_INT, &(a).jobs, "Workers for layout and rendering (default: one per core; at most four per core)", "N"}, \
    {"shard", 0, 0, G_OPTION_ARG_STRING, &(a).shard, "Build only the I-th of N disjoint parts of the outputs", "I/N"}, \
    {"force", 'f', 0, G_OPTION_ARG_NONE, &(a).force, "Rebuild every output, whatever the cache says", NULL}, \
    {"only", 0, 0, G_OPTION_ARG_STRING, &(a).only, "Build only the output named NAME in jindu.ini", "NAME"}, \
    {"mark-changes-since", 0, 0, G_OPTION_ARG_FILENAME, &(a).since, "Mark rows that changed since this earlier data file (default: the project's mark-changes-since=)", "FILE"}, \
    {"mark-label", 0, 0, G_OPTION_ARG_STRING, &(a).mark_label, "What the legend calls the earlier data (default: its period, or 上一版)", "TEXT"}, \
    {"quiet", 'q', 0, G_OPTION_ARG_NONE, &(a).quiet, "Print only problems", NULL}, \
    {"verbose", 'v', 0, G_OPTION_ARG_NONE, &(a).verbose, "Print every warning of the data files, and every output built or removed", NULL}

/* The options of build and watch. Returns the argument vector to use (free it with
 * g_free), or NULL after a usage error, with *rc set. */
static char **parse_build_args(int *argc, char **argv, build_args *a, const jd_cli_usage *usage, int *rc)
{
    const GOptionEntry entries[] = {BUILD_ENTRIES(*a), {NULL}};
    char **args = split_short_jobs(argc, argv), **vector = args;
    if (!jd_cli_parse(argc, &args, entries, usage, rc)) {
        g_free(vector);
        return NULL;
    }
    return vector;
}

int jd_cmd_build(int argc, char **argv)
{
    build_args a = {0};
    a.jobs = JOBS_NOT_GIVEN;
    const jd_cli_usage usage = {"[DIR]", "Build every output of the project in DIR (default: .), only what changed.",
                                "DIR holds jindu.ini. Outputs whose document did not change since the last "
                                "build are left as they are; a failed output keeps its previous file."};
    int rc = JD_EXIT_OK;
    char **to_free = parse_build_args(&argc, argv, &a, &usage, &rc);
    if (!to_free)
        return rc;
    argv = to_free;
    jd_build_options o;
    if (argc > 2 || !options_from(&a, argv[0], &o)) {
        if (argc > 2)
            fprintf(stderr, "%s: one project folder at most\n", argv[0]);
        free_args(&a);
        g_free(to_free);
        return JD_EXIT_USAGE;
    }
    jd_cancel *cancel = jd_cli_catch_signals();
    o.cancel = cancel;
    rc = build_once(argc == 2 ? argv[1] : ".", &o, a.quiet, a.verbose,
                    !a.quiet && (a.verbose || isatty(STDOUT_FILENO)));
    free_args(&a);
    g_free(to_free);
    return jd_cli_end_run(cancel, rc);
}

/* ---- watch ------------------------------------------------------------------------- */

typedef struct {
    const char *dir;
    jd_build_options opts;
    bool quiet, verbose;
    guint timer;
    GPtrArray *monitors;
} watcher;

static gboolean rebuild(gpointer data)
{
    watcher *w = data;
    w->timer = 0;
    GDateTime *now = g_date_time_new_now_local();
    char *t = g_date_time_format(now, "%H:%M:%S");
    printf("[%s] rebuilding\n", t);
    g_free(t);
    g_date_time_unref(now);
    fflush(stdout);
    build_once(w->dir, &w->opts, w->quiet, w->verbose, true);
    return G_SOURCE_REMOVE;
}

static void on_change(GFileMonitor *m, GFile *file, GFile *other, GFileMonitorEvent event, gpointer data)
{
    watcher *w = data;
    char *base = g_file_get_basename(file);
    /* our own temporary files and cache, and editors' swap files, are not edits */
    bool ignore = base[0] == '.' || g_str_has_suffix(base, "~") || g_str_has_suffix(base, ".swp");
    g_free(base);
    if (ignore || event == G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED)
        return;
    /* a save is often several events (truncate, write, rename): wait until they settle */
    if (w->timer)
        g_source_remove(w->timer);
    w->timer = g_timeout_add(250, rebuild, w);
}

/* A signal asked to stop: the build under way has stopped; so does the watch. */
static gboolean on_stop(gint fd, GIOCondition condition, gpointer loop)
{
    (void)fd, (void)condition;
    g_main_loop_quit(loop);
    return G_SOURCE_REMOVE;
}

static void watch_path(watcher *w, const char *path)
{
    GFile *f = g_file_new_for_path(path);
    GError *err = NULL;
    /* a file is watched through its folder, so that editors that replace the file on save
     * (write a new one, rename it over) are seen too */
    GFile *dir = g_file_test(path, G_FILE_TEST_IS_DIR) ? g_object_ref(f) : g_file_get_parent(f);
    GFileMonitor *m = g_file_monitor_directory(dir, G_FILE_MONITOR_WATCH_MOVES, NULL, &err);
    if (m) {
        g_signal_connect(m, "changed", G_CALLBACK(on_change), w);
        g_ptr_array_add(w->monitors, m);
    } else {
        fprintf(stderr, "jindu watch: cannot watch %s: %s\n", path, err->message);
        g_error_free(err);
    }
    g_object_unref(dir);
    g_object_unref(f);
}

int jd_cmd_watch(int argc, char **argv)
{
    build_args a = {0};
    a.jobs = JOBS_NOT_GIVEN;
    const jd_cli_usage usage = {"[DIR]", "Build the project in DIR, then again on every saved change.",
                                "Watches jindu.ini, the data files and the templates' folders. A bad edit "
                                "prints its problems and keeps the last good outputs. Stop with Ctrl-C."};
    int rc = JD_EXIT_OK;
    char **to_free = parse_build_args(&argc, argv, &a, &usage, &rc);
    if (!to_free)
        return rc;
    argv = to_free;
    watcher w = {argc == 2 ? argv[1] : ".", {0}, a.quiet, a.verbose, 0, g_ptr_array_new_with_free_func(g_object_unref)};
    if (argc > 2 || !options_from(&a, argv[0], &w.opts)) {
        g_ptr_array_free(w.monitors, TRUE);
        free_args(&a);
        g_free(to_free);
        return JD_EXIT_USAGE;
    }
    jd_diags *diags = jd_diags_new();
    jd_project *project = jd_project_load(w.dir, diags);
    if (!project) {
        jd_cli_report(diags);
        jd_diags_free(diags);
        g_ptr_array_free(w.monitors, TRUE);
        free_args(&a);
        g_free(to_free);
        return JD_EXIT_BAD_INPUT;
    }
    /* the folders to watch are fixed at start; the project file itself is among them */
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (const char *const *p = jd_project_watch_paths(project); *p; p++) {
        char *key = g_file_test(*p, G_FILE_TEST_IS_DIR) ? g_strdup(*p) : g_path_get_dirname(*p);
        if (!g_hash_table_contains(seen, key)) {
            watch_path(&w, *p);
            g_hash_table_add(seen, key);
        } else {
            g_free(key);
        }
    }
    g_hash_table_destroy(seen);
    jd_project_free(project);
    jd_diags_free(diags);
    jd_cancel *cancel = jd_cli_catch_signals();
    int wake = jd_cli_wake_pipe();
    w.opts.cancel = cancel;
    build_once(w.dir, &w.opts, w.quiet, w.verbose, true);
    if (!jd_cancel_reason(cancel)) {
        printf("watching %s (Ctrl-C to stop)\n", w.dir);
        fflush(stdout);
        GMainLoop *loop = g_main_loop_new(NULL, FALSE);
        if (wake >= 0) g_unix_fd_add(wake, G_IO_IN, on_stop, loop);
        g_main_loop_run(loop);
        g_main_loop_unref(loop);
    }
    if (w.timer) g_source_remove(w.timer);
    if (wake >= 0) close(wake);
    g_ptr_array_free(w.monitors, TRUE);
    free_args(&a);
    g_free(to_free);
    return jd_cli_end_run(cancel, JD_EXIT_OK);
}

int jd_cli_check_project(const char *dir)
{
    jd_diags *diags = jd_diags_new();
    jd_project *project = jd_project_load(dir, diags);
    int rc = JD_EXIT_BAD_INPUT;
    if (project) {
        jd_build_options o;
        jd_build_options_init(&o);
        o.check_only = true;
        jd_build_result r;
        bool ok = jd_project_build(project, &o, &r, diags);
        jd_cli_report(diags);
        report_failed(&r, false, "");
        /* what has not been reported, as checking the files themselves says */
        jd_value *data = ok ? jd_project_data(project, NULL) : NULL;
        if (jd_object_get(data, "progress")) {
            printf("%s: progress merged onto the task list\n", dir);
            jd_cli_print_missing(jd_object_get(data, "list"), jd_object_get(data, "progress"));
        }
        jd_value_unref(data);
        if (!ok && r.total == 0)
            printf("%s: no output checked: the project's data or templates have errors\n", dir);
        else if (r.total == 0)
            printf("%s: 0 outputs checked: the project makes no document (see the warnings)\n", dir);
        else
            printf("%s: %zu output%s checked, %zu with problems\n", dir, r.total, r.total == 1 ? "" : "s", r.failed);
        rc = ok ? JD_EXIT_OK : JD_EXIT_BAD_INPUT;
        jd_build_result_clear(&r);
        jd_project_free(project);
    } else {
        jd_cli_report(diags);
    }
    jd_diags_free(diags);
    return rc;
}
