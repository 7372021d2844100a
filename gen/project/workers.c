/* Worker processes: the jobs of a build shared out to processes forked once the data and
 * templates are loaded, each doing one job at a time and answering on a pipe. Processes,
 * not threads: cairo 1.16 deadlocks when two threads draw with the same FreeType font
 * (its font caches are global and their locks are taken in different orders). What a job
 * is and what its answer says is the caller's (jp_work); this file only moves them. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "project_private.h"

/* A worker reads job numbers (uint32) on one pipe and answers on another, one line per
 * job. */
typedef struct {
    pid_t pid;
    int to;      /* job numbers to the worker */
    int from;    /* its answers */
    GString *in; /* answer text not yet complete */
    gint64 busy; /* job it is working on, or -1 */
} worker;

static bool write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

/* In the child: work until the job pipe closes, then leave without running the parent's
 * exit handlers or flushing its stdio buffers. */
G_GNUC_NORETURN static void worker_main(const jp_work *work, int from_parent, int to_parent)
{
    guint32 index;
    while (!jd_cancel_reason(work->cancel)) {
        ssize_t n = read(from_parent, &index, sizeof index);
        if (n < 0 && errno == EINTR)
            continue;
        if (n != sizeof index || index >= work->n_jobs)
            break;
        char *answer = work->run(work->user, index);
        char *line = g_strconcat(answer, "\n", NULL);
        bool sent = !strchr(answer, '\n') && write_all(to_parent, line, strlen(line));
        g_free(line);
        g_free(answer);
        if (!sent)
            break;
    }
    _exit(0);
}

static bool give_job(const jp_work *work, worker *w, const GArray *todo, guint *next)
{
    if (*next >= todo->len || jd_cancel_reason(work->cancel)) {
        if (w->to >= 0)
            close(w->to);
        w->to = -1;
        return false;
    }
    guint32 index = g_array_index(todo, guint32, *next);
    if (!write_all(w->to, &index, sizeof index))
        return false;
    (*next)++;
    w->busy = index;
    return true;
}

void jp_run_workers(const jp_work *work, const GArray *todo, int n_workers)
{
    GArray *workers = g_array_new(FALSE, FALSE, sizeof(worker));
    fflush(stdout);
    fflush(stderr);
    pid_t parent = getpid();
    for (int i = 0; i < n_workers; i++) {
        int down[2], up[2];
        if (pipe(down) != 0)
            break;
        if (pipe(up) != 0) {
            close(down[0]);
            close(down[1]);
            break;
        }
        pid_t pid = fork();
        if (pid == 0) {
            /* a build killed outright (kill -9) takes its workers with it, rather than
             * leaving them to finish documents nobody waits for */
            prctl(PR_SET_PDEATHSIG, SIGTERM);
            if (getppid() != parent)
                _exit(0);
            close(down[1]);
            close(up[0]);
            /* the pipes of the workers started before are the parent's business */
            for (guint k = 0; k < workers->len; k++) {
                close(g_array_index(workers, worker, k).to);
                close(g_array_index(workers, worker, k).from);
            }
            worker_main(work, down[0], up[1]);
        }
        close(down[0]);
        close(up[1]);
        if (pid < 0) {
            close(down[1]);
            close(up[0]);
            break;
        }
        worker w = {pid, down[1], up[0], g_string_new(NULL), -1};
        g_array_append_val(workers, w);
    }
    guint next = 0;
    for (guint i = 0; i < workers->len; i++)
        give_job(work, &g_array_index(workers, worker, i), todo, &next);

    guint alive = workers->len;
    bool stopping = false;
    struct pollfd *fds = g_new0(struct pollfd, workers->len ? workers->len : 1);
    while (alive > 0) {
        if (!stopping && jd_cancel_reason(work->cancel)) {
            /* no more jobs, and the ones under way stop (a Ctrl-C reached the workers
             * already; a kill reached this process only) */
            stopping = true;
            for (guint i = 0; i < workers->len; i++) {
                worker *w = &g_array_index(workers, worker, i);
                give_job(work, w, todo, &next);
                if (w->busy >= 0) kill(w->pid, SIGTERM);
            }
        }
        for (guint i = 0; i < workers->len; i++) {
            fds[i].fd = g_array_index(workers, worker, i).from;
            fds[i].events = POLLIN;
            fds[i].revents = 0;
        }
        /* a signal between the check above and poll() is seen within a quarter second */
        if (poll(fds, workers->len, work->cancel ? 250 : -1) < 0 && errno != EINTR)
            break;
        for (guint i = 0; i < workers->len; i++) {
            worker *w = &g_array_index(workers, worker, i);
            if (w->from < 0 || !fds[i].revents)
                continue;
            char buf[8192];
            ssize_t got = read(w->from, buf, sizeof buf);
            if (got < 0 && errno == EINTR)
                continue;
            if (got > 0) {
                g_string_append_len(w->in, buf, got);
                char *nl;
                while ((nl = memchr(w->in->str, '\n', w->in->len))) {
                    *nl = '\0';
                    if (w->busy >= 0)
                        work->done(work->user, (guint32)w->busy, w->in->str);
                    g_string_erase(w->in, 0, (gssize)(nl - w->in->str) + 1);
                    w->busy = -1;
                    give_job(work, w, todo, &next);
                }
                continue;
            }
            /* the worker is gone: finished, or died in the middle of a job */
            close(w->from);
            w->from = -1;
            alive--;
            if (w->busy >= 0)
                work->done(work->user, (guint32)w->busy, NULL);
            w->busy = -1;
        }
    }
    g_free(fds);
    for (guint i = 0; i < workers->len; i++) {
        worker *w = &g_array_index(workers, worker, i);
        if (w->to >= 0)
            close(w->to);
        if (w->from >= 0)
            close(w->from);
        int status;
        while (waitpid(w->pid, &status, 0) < 0 && errno == EINTR)
            ;
        g_string_free(w->in, TRUE);
    }
    g_array_free(workers, TRUE);
    /* whatever no worker took (none could be started, or all died) is done here */
    for (; next < todo->len && !jd_cancel_reason(work->cancel); next++) {
        guint32 index = g_array_index(todo, guint32, next);
        char *answer = work->run(work->user, index);
        work->done(work->user, index, answer);
        g_free(answer);
    }
}
