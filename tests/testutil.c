#include "testutil.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

char *jt_src(const char *relative)
{
    return g_build_filename(JD_SOURCE_DIR, relative, NULL);
}

char *jt_fixture(const char *name)
{
    return g_build_filename(JD_TEST_DIR, "fixtures", name, NULL);
}

char *jt_tmpdir(void)
{
    GError *err = NULL;
    char *dir = g_dir_make_tmp("jindu-test-XXXXXX", &err);
    ck_assert_msg(dir != NULL, "cannot make temporary directory: %s", err ? err->message : "?");
    return dir;
}

void jt_rmrf(const char *path)
{
    if (!path || strlen(path) < 8)
        return;
    char *cmd = g_strdup_printf("rm -rf '%s'", path);
    int rc = system(cmd);
    (void)rc;
    g_free(cmd);
}

char *jt_read(const char *path)
{
    char *data = NULL;
    GError *err = NULL;
    ck_assert_msg(g_file_get_contents(path, &data, NULL, &err), "cannot read %s: %s", path,
                  err ? err->message : "?");
    return data;
}

void jt_write(const char *path, const char *content)
{
    GError *err = NULL;
    ck_assert_msg(g_file_set_contents(path, content, -1, &err), "cannot write %s: %s", path,
                  err ? err->message : "?");
}

static gint by_name(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char *jt_dir_listing(const char *dir)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    ck_assert_msg(d != NULL, "cannot list %s", dir);
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    for (const char *name; (name = g_dir_read_name(d));)
        g_ptr_array_add(names, g_strdup(name));
    g_dir_close(d);
    g_ptr_array_sort(names, by_name);
    g_ptr_array_add(names, NULL);
    char *joined = g_strjoinv(" ", (char **)names->pdata);
    g_ptr_array_unref(names);
    return joined;
}

bool jt_exists(const char *path)
{
    return g_file_test(path, G_FILE_TEST_EXISTS);
}

int jt_run(const char *cmdline, char **out, char **err)
{
    char *argv[] = {"/bin/sh", "-c", (char *)cmdline, NULL};
    int status = 0;
    GError *gerr = NULL;
    char *o = NULL, *e = NULL;
    ck_assert_msg(g_spawn_sync(NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &o, &e, &status, &gerr),
                  "cannot run %s: %s", cmdline, gerr ? gerr->message : "?");
    if (out)
        *out = o;
    else
        g_free(o);
    if (err)
        *err = e;
    else
        g_free(e);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int jt_cli(char **out, char **err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *args = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    char *cmd = g_strdup_printf("'%s' %s", JD_CLI, args);
    int rc = jt_run(cmd, out, err);
    g_free(cmd);
    g_free(args);
    return rc;
}

void jt_assert_usage_error(const char *command, const char *args, const char *message)
{
    char *out, *err;
    int rc = jt_cli(&out, &err, "%s %s", command, args);
    ck_assert_msg(rc == 2, "jindu %s %s: exit status %d, not 2", command, args, rc);
    char *expected =
        g_strdup_printf("jindu %s: %s\nTry 'jindu %s --help'.\n", command, message, command);
    ck_assert_str_eq(err, expected);
    ck_assert_str_eq(out, "");
    g_free(expected);
    g_free(out);
    g_free(err);
}

void jt_golden(const char *actual, const char *name)
{
    char *path = g_build_filename(JD_TEST_DIR, "golden", name, NULL);
    const char *update = g_getenv("JD_UPDATE_GOLDEN");
    if (update && *update && strcmp(update, "0") != 0) {
        jt_write(path, actual);
        g_free(path);
        return;
    }
    char *expected = NULL;
    if (!g_file_get_contents(path, &expected, NULL, NULL))
        ck_abort_msg("golden file %s is missing (run with JD_UPDATE_GOLDEN=1 to create it)", path);
    if (strcmp(expected, actual) != 0) {
        char **a = g_strsplit(actual, "\n", -1), **e = g_strsplit(expected, "\n", -1);
        int i = 0;
        while (a[i] && e[i] && strcmp(a[i], e[i]) == 0)
            i++;
        char *msg = g_strdup_printf("%s differs at line %d:\n  expected: %s\n  actual:   %s", name,
                                    i + 1, e[i] ? e[i] : "(end)", a[i] ? a[i] : "(end)");
        g_strfreev(a);
        g_strfreev(e);
        g_free(expected);
        g_free(path);
        ck_abort_msg("%s", msg);
    }
    g_free(expected);
    g_free(path);
}

int jt_count(const char *haystack, const char *needle)
{
    int n = 0;
    size_t len = strlen(needle);
    for (const char *p = haystack; len && (p = strstr(p, needle)); p += len)
        n++;
    return n;
}

int jt_main(Suite *suite)
{
    SRunner *sr = srunner_create(suite);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

bool jt_wait_for(int fd, GString *seen, const char *needle, int seconds)
{
    gint64 end = g_get_monotonic_time() + (gint64)seconds * G_USEC_PER_SEC;
    while (!strstr(seen->str, needle)) {
        gint64 left = end - g_get_monotonic_time();
        if (left <= 0)
            return false;
        GPollFD p = {fd, G_IO_IN, 0};
        if (g_poll(&p, 1, (gint)(left / 1000)) <= 0)
            continue;
        char buf[512];
        ssize_t n = read(fd, buf, sizeof buf);
        if (n <= 0)
            return false;
        g_string_append_len(seen, buf, n);
    }
    return true;
}

void jt_replace_in_file(const char *path, const char *from, const char *to)
{
    char *text = jt_read(path);
    char *at = strstr(text, from);
    ck_assert_msg(at != NULL, "'%s' not in %s", from, path);
    GString *s = g_string_new_len(text, at - text);
    g_string_append(s, to);
    g_string_append(s, at + strlen(from));
    jt_write(path, s->str);
    g_string_free(s, TRUE);
    g_free(text);
}

GPid jt_spawn(char **argv, int *out_fd)
{
    GPid pid;
    GError *err = NULL;
    gboolean ok = g_spawn_async_with_pipes(NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDERR_TO_DEV_NULL,
                                           NULL, NULL, &pid, NULL, out_fd, NULL, &err);
    ck_assert_msg(ok, "cannot start %s: %s", argv[0], err ? err->message : "");
    return pid;
}

void jt_stop(GPid pid, int out_fd)
{
    kill(pid, SIGTERM);
    int status;
    waitpid(pid, &status, 0);
    /* a kill ends a watch as it ends anything: by the signal, its build (if any) stopped */
    ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM, "status %d", status);
    g_spawn_close_pid(pid);
    close(out_fd);
}
