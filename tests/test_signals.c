/* Signals in the middle of a run (issue 12, item 8): Ctrl-C, kill, a closed terminal and
 * kill -9 while a large list is rendered or built leave no temporary file, no worker
 * process, and the previous output as it was; a file size limit makes a write fail with a
 * message instead of killing jindu. Each run is caught while it is writing: the test waits
 * until the process has its (unnamed) temporary file open in the output folder. */
#include <dirent.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

static char *big_list; /* the sample list 40 times over (1,220 pages): a render takes seconds */

static void make_big_list(void)
{
    /* made in main(), before any test runs: jt_tmpdir's ck_assert cannot report from here */
    char *dir = g_dir_make_tmp("jindu-test-XXXXXX", NULL);
    if (!dir) {
        fprintf(stderr, "cannot make a temporary folder for the big list\n");
        exit(1);
    }
    big_list = g_build_filename(dir, "list40.tsv", NULL);
    char *script = jt_src("bench/scale-list.sh"), *tasks = jt_src("samples/xiqing-2023/tasks.tsv");
    char *cmd = g_strdup_printf("sh '%s' 40 '%s' > '%s'", script, tasks, big_list);
    if (system(cmd) != 0) {
        fprintf(stderr, "cannot make %s\n", big_list);
        exit(1);
    }
    g_free(cmd), g_free(script), g_free(tasks), g_free(dir);
}

static void remove_big_list(void)
{
    char *dir = g_path_get_dirname(big_list);
    jt_rmrf(dir);
    g_free(dir);
    g_free(big_list);
}

typedef struct {
    bool own_group;        /* in a process group of its own (to signal it as a terminal does) */
    rlim_t file_size_limit; /* 0: none */
} spawn_options;

/* Starts jindu with `args` (NULL-terminated), stdout to /dev/null and stderr to `err_path`,
 * with the signals a test runner may have ignored set back to their defaults. */
static pid_t spawn(const char *const *args, const char *err_path, const spawn_options *o)
{
    GPtrArray *argv = g_ptr_array_new();
    g_ptr_array_add(argv, (gpointer)JD_CLI);
    for (const char *const *a = args; *a; a++)
        g_ptr_array_add(argv, (gpointer)*a);
    g_ptr_array_add(argv, NULL);
    pid_t pid = fork();
    if (pid == 0) {
        if (o && o->own_group) setpgid(0, 0);
        static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGXFSZ};
        for (size_t i = 0; i < G_N_ELEMENTS(sigs); i++)
            signal(sigs[i], SIG_DFL);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        if (o && o->file_size_limit) {
            struct rlimit rl = {o->file_size_limit, o->file_size_limit};
            setrlimit(RLIMIT_FSIZE, &rl);
        }
        int null = open("/dev/null", O_WRONLY), err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(null, 1);
        dup2(err, 2);
        execv(JD_CLI, (char **)argv->pdata);
        _exit(127);
    }
    g_ptr_array_free(argv, TRUE);
    ck_assert_int_gt(pid, 0);
    return pid;
}

/* Does process `pid` have a file open inside `dir` (an unnamed temporary file shows as
 * "DIR/#12345 (deleted)")? */
static bool has_file_open_in(pid_t pid, const char *dir)
{
    char *fds = g_strdup_printf("/proc/%d/fd", (int)pid);
    DIR *d = opendir(fds);
    bool found = false;
    for (struct dirent *e; d && !found && (e = readdir(d));) {
        char *link = g_build_filename(fds, e->d_name, NULL);
        char target[4096];
        ssize_t n = readlink(link, target, sizeof target - 1);
        if (n > 0) {
            target[n] = '\0';
            found = g_str_has_prefix(target, dir) && target[strlen(dir)] == '/';
        }
        g_free(link);
    }
    if (d) closedir(d);
    g_free(fds);
    return found;
}

/* The processes whose command line names `text` (a build's workers share its command
 * line). */
static GArray *processes_naming(const char *text)
{
    GArray *pids = g_array_new(FALSE, FALSE, sizeof(pid_t));
    DIR *d = opendir("/proc");
    for (struct dirent *e; d && (e = readdir(d));) {
        if (!g_ascii_isdigit(e->d_name[0])) continue;
        char *path = g_strdup_printf("/proc/%s/cmdline", e->d_name);
        char *cmdline = NULL;
        gsize len = 0;
        if (g_file_get_contents(path, &cmdline, &len, NULL)) {
            for (gsize i = 0; i + 1 < len; i++)
                if (!cmdline[i]) cmdline[i] = ' ';
            if (strstr(cmdline, text)) {
                pid_t pid = (pid_t)atoi(e->d_name);
                g_array_append_val(pids, pid);
            }
        }
        g_free(cmdline);
        g_free(path);
    }
    if (d) closedir(d);
    return pids;
}

/* Waits until one of the processes naming `text` (or `pid` alone, when text is NULL) has a
 * file open in `dir`; false after `seconds`. */
static bool wait_until_writing(pid_t pid, const char *text, const char *dir, int seconds)
{
    for (gint64 end = g_get_monotonic_time() + seconds * G_USEC_PER_SEC; g_get_monotonic_time() < end;) {
        if (!text && has_file_open_in(pid, dir)) return true;
        if (text) {
            GArray *pids = processes_naming(text);
            bool found = false;
            for (guint i = 0; i < pids->len && !found; i++)
                found = has_file_open_in(g_array_index(pids, pid_t, i), dir);
            g_array_free(pids, TRUE);
            if (found) return true;
        }
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid) return false; /* ended before writing */
        g_usleep(10000);
    }
    return false;
}

/* Every file under `dir` (not folders), as "relative/path" separated by spaces. */
static void files_under(const char *dir, const char *rel, GString *out)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    for (const char *name; d && (name = g_dir_read_name(d));) {
        char *path = g_build_filename(dir, name, NULL);
        char *r = rel ? g_build_filename(rel, name, NULL) : g_strdup(name);
        if (g_file_test(path, G_FILE_TEST_IS_DIR))
            files_under(path, r, out);
        else
            g_string_append_printf(out, "%s%s", out->len ? " " : "", r);
        g_free(r);
        g_free(path);
    }
    if (d) g_dir_close(d);
}

/* The folder `dir` holds `listing` (no temporary file), and `target` its previous text. */
static void assert_left_as_it_was(const char *dir, const char *listing, const char *target)
{
    char *got = jt_dir_listing(dir), *text = jt_read(target);
    ck_assert_str_eq(got, listing);
    ck_assert_str_eq(text, "previous");
    g_free(got), g_free(text);
}

static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGKILL};

/* Each signal while the file is being written: the run ends by that signal, says
 * "interrupted" (all but kill -9, which nothing can catch), and the folder holds the
 * previous file only, unchanged. */
static void render_stopped(const char *backend)
{
    char *dir = jt_tmpdir();
    char *out = g_build_filename(dir, "out", NULL), *target = g_build_filename(out, "x.pdf", NULL);
    char *err_path = g_build_filename(dir, "stderr", NULL);
    g_mkdir(out, 0755);
    for (size_t i = 0; i < G_N_ELEMENTS(stop_signals); i++) {
        int sig = stop_signals[i];
        jt_write(target, "previous");
        const char *args[] = {"render", "task-list.xml", "--data", big_list, "-o", target, "--backend", backend, NULL};
        pid_t pid = spawn(args, err_path, NULL);
        ck_assert_msg(wait_until_writing(pid, NULL, out, 100), "%s: signal %d: the render never wrote", backend, sig);
        kill(pid, sig);
        int status = 0;
        ck_assert_int_eq(waitpid(pid, &status, 0), pid);
        char *err = jt_read(err_path);
        ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == sig, "%s: signal %d: status %d; %s", backend, sig,
                      status, err + MAX(0, (int)strlen(err) - 500));
        if (sig != SIGKILL) {
            char *want = g_strdup_printf("%s: error: interrupted\n", target);
            ck_assert_msg(g_str_has_suffix(err, want), "%s: signal %d: %s", backend, sig,
                          err + MAX(0, (int)strlen(err) - 500));
            g_free(want);
        }
        g_free(err);
        assert_left_as_it_was(out, "x.pdf", target);
    }
    g_free(err_path), g_free(target), g_free(out);
    jt_rmrf(dir);
    g_free(dir);
}

START_TEST(render_stopped_by_a_signal_cairo)
{
    render_stopped("cairo");
}
END_TEST

START_TEST(render_stopped_by_a_signal_haru)
{
    render_stopped("haru");
}
END_TEST

/* A signal before anything is written (while the data is read or laid out) stops the run
 * as well, at the next page. */
START_TEST(render_stopped_before_writing)
{
    char *dir = jt_tmpdir();
    char *target = g_build_filename(dir, "x.pdf", NULL), *err_path = g_build_filename(dir, "stderr", NULL);
    const char *args[] = {"render", "task-list.xml", "--data", big_list, "-o", target, NULL};
    pid_t pid = spawn(args, err_path, NULL);
    g_usleep(G_USEC_PER_SEC / 2);
    kill(pid, SIGINT);
    int status = 0;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT);
    char *err = jt_read(err_path);
    ck_assert_msg(g_str_has_suffix(err, "error: interrupted\n"), "%s", err + MAX(0, (int)strlen(err) - 500));
    g_free(err);
    char *listing = jt_dir_listing(dir);
    ck_assert_str_eq(listing, "stderr");
    g_free(listing);
    g_free(err_path), g_free(target);
    jt_rmrf(dir);
    g_free(dir);
}
END_TEST

/* A file larger than `ulimit -f` allows: the write fails and says why (SIGXFSZ used to kill
 * jindu, leaving its temporary file); the previous file stays. */
START_TEST(file_size_limit_is_a_write_error)
{
    char *dir = jt_tmpdir();
    char *target = g_build_filename(dir, "x.pdf", NULL), *err_path = g_build_filename(dir, "stderr", NULL);
    char *tasks = jt_src("samples/xiqing-2023/tasks.tsv");
    static const char *const backends[] = {"cairo", "haru"};
    for (size_t b = 0; b < G_N_ELEMENTS(backends); b++) {
        jt_write(target, "previous");
        const char *args[] = {"render", "task-list.xml", "--data", tasks, "-o", target, "--backend", backends[b], NULL};
        spawn_options o = {.file_size_limit = 64 * 1024};
        pid_t pid = spawn(args, err_path, &o);
        int status = 0;
        ck_assert_int_eq(waitpid(pid, &status, 0), pid);
        char *err = jt_read(err_path);
        ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 1, "%s: status %d: %s", backends[b], status,
                      err + MAX(0, (int)strlen(err) - 500));
        char *want = g_strdup_printf("%s: error: cannot write: File too large\n", target);
        ck_assert_msg(g_str_has_suffix(err, want), "%s: %s", backends[b], err + MAX(0, (int)strlen(err) - 500));
        g_free(want);
        g_free(err);
        assert_left_as_it_was(dir, "stderr x.pdf", target);
    }
    g_free(tasks), g_free(err_path), g_free(target);
    jt_rmrf(dir);
    g_free(dir);
}
END_TEST

/* A project building the big list with both backends on two workers. */
static char *big_project(void)
{
    char *dir = jt_tmpdir();
    char *ini = g_build_filename(dir, "jindu.ini", NULL);
    char *text = g_strdup_printf("[project]\ndata=%s\nout=out\n\n"
                                 "[output 清单]\ntemplate=task-list.xml\nfile=清单.pdf\n\n"
                                 "[output 清单2]\ntemplate=task-list.xml\nfile=sub/清单2.pdf\nbackend=haru\n",
                                 big_list);
    jt_write(ini, text);
    g_free(text), g_free(ini);
    return dir;
}

/* Waits until no process names `text`; false after `seconds`. */
static bool wait_until_gone(const char *text, int seconds)
{
    for (gint64 end = g_get_monotonic_time() + seconds * G_USEC_PER_SEC; g_get_monotonic_time() < end;) {
        GArray *pids = processes_naming(text);
        guint n = pids->len;
        g_array_free(pids, TRUE);
        if (n == 0) return true;
        g_usleep(20000);
    }
    return false;
}

/* A build stopped while its workers write: by kill (the building process alone, which
 * stops its workers), by Ctrl-C (the whole process group, as a terminal sends it), by
 * kill -9 (the workers end too). No worker stays, no temporary file, nothing built. */
START_TEST(build_stopped_by_a_signal)
{
    static const struct {
        int sig;
        bool group;
    } cases[] = {{SIGTERM, false}, {SIGINT, true}, {SIGHUP, false}, {SIGKILL, false}};
    char *dir = big_project();
    char *out = g_build_filename(dir, "out", NULL), *scratch = jt_tmpdir();
    char *err_path = g_build_filename(scratch, "stderr", NULL);
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        int sig = cases[i].sig;
        const char *args[] = {"build", dir, "-j2", NULL};
        spawn_options o = {.own_group = true};
        pid_t pid = spawn(args, err_path, &o);
        ck_assert_msg(wait_until_writing(pid, dir, out, 100), "signal %d: the build never wrote", sig);
        if (cases[i].group)
            kill(-pid, sig);
        else
            kill(pid, sig);
        int status = 0;
        ck_assert_int_eq(waitpid(pid, &status, 0), pid);
        char *err = jt_read(err_path);
        ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == sig, "signal %d: status %d; %s", sig, status,
                      err + MAX(0, (int)strlen(err) - 500));
        if (sig != SIGKILL) {
            char *want = g_strdup_printf("%s: error: interrupted: 0 of 2 outputs built or unchanged; the others "
                                         "are as they were\n",
                                         dir);
            ck_assert_msg(strstr(err, want), "signal %d: %s", sig, err + MAX(0, (int)strlen(err) - 500));
            g_free(want);
        }
        g_free(err);
        /* the workers end with the build (after kill -9, by the signal their parent's death
         * sends them) */
        ck_assert_msg(wait_until_gone(dir, 30), "signal %d: workers left running", sig);
        /* neither a temporary file nor an output */
        GString *files = g_string_new(NULL);
        files_under(out, NULL, files);
        ck_assert_msg(files->len == 0, "signal %d: left %s", sig, files->str);
        g_string_free(files, TRUE);
    }
    g_free(err_path), g_free(out);
    jt_rmrf(scratch);
    g_free(scratch);
    jt_rmrf(dir);
    g_free(dir);
}
END_TEST

int main(void)
{
    make_big_list();
    Suite *s = suite_create("signals");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, render_stopped_by_a_signal_cairo);
    tcase_add_test(tc, render_stopped_by_a_signal_haru);
    tcase_add_test(tc, render_stopped_before_writing);
    tcase_add_test(tc, file_size_limit_is_a_write_error);
    tcase_add_test(tc, build_stopped_by_a_signal);
    suite_add_tcase(s, tc);
    int rc = jt_main(s);
    remove_big_list();
    return rc;
}
