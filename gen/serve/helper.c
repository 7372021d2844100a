/* Builds in a process of their own.
 *
 * jd_project_build forks its worker processes. Forking a process that runs other threads
 * is unsafe — a lock another thread held at the fork stays held in the child forever — and
 * the server has threads (GLib's, the preview's). So jd_server_new forks this helper first,
 * while the process has one thread; the helper waits for commands and forks a fresh process
 * for each build, which runs jd_project_build exactly as `jindu build` does and reports its
 * progress and result as lines of JSON. A build that crashes takes only its own process.
 *
 *   server ──"build\n" / "build force\n"──▶ helper ──fork──▶ build
 *   server ◀──────── one JSON event per line (progress, result, exit) ─────────┘
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib-unix.h>

#include "serve_private.h"

struct js_helper {
    pid_t pid;
    int to;   /* commands to the helper (a socket: a write after it died fails, no SIGPIPE) */
    int from; /* its events */
    guint watch;
    GString *in;
    js_helper_event on_event;
    void *user;
};

enum { MAX_MESSAGES = 500 };

static void write_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return; /* the server is gone: the build goes on, its outputs are written all the same */
        p += n;
        len -= (size_t)n;
    }
}

static void send_event(int fd, jd_value *event)
{
    char *json = jd_value_to_json(event, false);
    GString *line = g_string_new(json);
    g_string_append_c(line, '\n');
    write_all(fd, line->str, line->len);
    g_string_free(line, TRUE);
    g_free(json);
    jd_value_unref(event);
}

/* ---- in the build process ------------------------------------------------------------- */

static void on_progress(void *user, size_t done, size_t total, const char *path, bool built)
{
    jd_value *e = jd_value_new_object();
    jd_object_set(e, "event", jd_value_new_string("progress"));
    jd_object_set(e, "done", jd_value_new_int((int64_t)done));
    jd_object_set(e, "total", jd_value_new_int((int64_t)total));
    jd_object_set(e, "path", jd_value_new_string(path));
    jd_object_set(e, "built", jd_value_new_bool(built));
    send_event(*(int *)user, e);
}

static jd_value *paths_value(char **paths)
{
    jd_value *a = jd_value_new_array();
    for (int i = 0; paths && paths[i]; i++)
        jd_array_append(a, jd_value_new_string(paths[i]));
    return a;
}

static jd_value *messages_value(const jd_diags *diags)
{
    jd_value *a = jd_value_new_array();
    for (size_t i = 0; i < jd_diags_count(diags) && i < MAX_MESSAGES; i++) {
        const jd_diag *d = jd_diags_get(diags, i);
        jd_value *m = jd_value_new_object();
        jd_object_set(m, "severity", jd_value_new_string(jd_diag_severity(d) == JD_ERROR     ? "error"
                                                         : jd_diag_severity(d) == JD_WARNING ? "warning"
                                                                                              : "note"));
        jd_object_set(m, "text", jd_value_new_string_take(jd_diag_format(d)));
        jd_array_append(a, m);
    }
    return a;
}

G_GNUC_NORETURN static void build_process(const char *dir, bool force, int fd)
{
    jd_diags *diags = jd_diags_new();
    jd_project *p = jd_project_load(dir, diags);
    jd_value *e = jd_value_new_object();
    jd_object_set(e, "event", jd_value_new_string("result"));
    bool ok = false;
    if (p) {
        jd_build_options o;
        jd_build_options_init(&o);
        o.force = force;
        o.progress = on_progress;
        o.user = &fd;
        jd_build_result r;
        ok = jd_project_build(p, &o, &r, diags);
        jd_object_set(e, "total", jd_value_new_int((int64_t)r.total));
        jd_object_set(e, "built", paths_value(r.built_paths));
        jd_object_set(e, "unchanged", paths_value(r.unchanged_paths));
        jd_object_set(e, "failed", paths_value(r.failed_paths));
        jd_object_set(e, "failed_reasons", paths_value(r.failed_reasons));
        jd_object_set(e, "removed", paths_value(r.removed_paths));
        jd_object_set(e, "seconds", jd_value_new_double(r.seconds));
        jd_build_result_clear(&r);
        jd_project_free(p);
    }
    jd_object_set(e, "ok", jd_value_new_bool(ok));
    jd_object_set(e, "messages", messages_value(diags));
    send_event(fd, e);
    jd_diags_free(diags);
    _exit(0);
}

/* ---- the helper ------------------------------------------------------------------------ */

G_GNUC_NORETURN static void helper_main(const char *dir, int commands, int events)
{
    /* Ctrl-C in the terminal reaches the whole process group: the server stops and closes
     * the command socket, and the helper leaves after the build in progress, if any, has
     * written its outputs */
    signal(SIGINT, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    char line[32];
    size_t n = 0;
    for (;;) {
        char c;
        ssize_t got = read(commands, &c, 1);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            _exit(0);
        if (c != '\n') {
            if (n < sizeof line - 1)
                line[n++] = c;
            continue;
        }
        line[n] = '\0';
        n = 0;
        bool force = strcmp(line, "build force") == 0;
        if (!force && strcmp(line, "build") != 0)
            continue;
        pid_t pid = fork();
        if (pid == 0) {
            close(commands);
            build_process(dir, force, events);
        }
        int status = 0;
        while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
        jd_value *e = jd_value_new_object();
        jd_object_set(e, "event", jd_value_new_string("exit"));
        jd_object_set(e, "status", jd_value_new_int(pid < 0              ? -1
                                                    : WIFEXITED(status) ? WEXITSTATUS(status)
                                                                        : 128 + WTERMSIG(status)));
        send_event(events, e);
    }
}

/* ---- in the server --------------------------------------------------------------------- */

static gboolean on_readable(gint fd, GIOCondition condition, gpointer data)
{
    js_helper *h = data;
    char buf[65536];
    ssize_t got = read(fd, buf, sizeof buf);
    if (got < 0 && (errno == EINTR || errno == EAGAIN))
        return G_SOURCE_CONTINUE;
    if (got <= 0) {
        /* the helper is gone: no more builds */
        h->watch = 0;
        jd_value *e = jd_value_new_object();
        jd_object_set(e, "event", jd_value_new_string("gone"));
        h->on_event(h->user, e);
        jd_value_unref(e);
        return G_SOURCE_REMOVE;
    }
    g_string_append_len(h->in, buf, got);
    char *nl;
    while ((nl = memchr(h->in->str, '\n', h->in->len))) {
        jd_value *e = jd_value_from_json(h->in->str, (size_t)(nl - h->in->str), "build", NULL);
        g_string_erase(h->in, 0, (gssize)(nl - h->in->str) + 1);
        if (e)
            h->on_event(h->user, e);
        jd_value_unref(e);
    }
    return G_SOURCE_CONTINUE;
}

js_helper *js_helper_start(const char *dir, js_helper_event on_event, void *user, GError **error)
{
    int commands[2], events[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, commands) != 0) {
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno), "socketpair: %s", g_strerror(errno));
        return NULL;
    }
    if (!g_unix_open_pipe(events, FD_CLOEXEC, error)) {
        close(commands[0]);
        close(commands[1]);
        return NULL;
    }
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        close(commands[1]);
        close(events[0]);
        helper_main(dir, commands[0], events[1]);
    }
    close(commands[0]);
    close(events[1]);
    if (pid < 0) {
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno), "fork: %s", g_strerror(errno));
        close(commands[1]);
        close(events[0]);
        return NULL;
    }
    /* the server's ends are not for the programs it may start (a browser) */
    g_unix_set_fd_nonblocking(events[0], TRUE, NULL);
    fcntl(commands[1], F_SETFD, FD_CLOEXEC);
    js_helper *h = g_new0(js_helper, 1);
    h->pid = pid;
    h->to = commands[1];
    h->from = events[0];
    h->in = g_string_new(NULL);
    h->on_event = on_event;
    h->user = user;
    h->watch = g_unix_fd_add(h->from, G_IO_IN | G_IO_HUP | G_IO_ERR, on_readable, h);
    return h;
}

bool js_helper_build(js_helper *h, bool force)
{
    const char *cmd = force ? "build force\n" : "build\n";
    if (!h->watch)
        return false;
    return send(h->to, cmd, strlen(cmd), MSG_NOSIGNAL) == (ssize_t)strlen(cmd);
}

void js_helper_free(js_helper *h)
{
    if (!h)
        return;
    if (h->watch)
        g_source_remove(h->watch);
    close(h->to); /* the helper sees the end of its commands and leaves */
    close(h->from);
    int status;
    waitpid(h->pid, &status, WNOHANG);
    g_string_free(h->in, TRUE);
    g_free(h);
}
