/* The signals that end a run: Ctrl-C (SIGINT), kill (SIGTERM) and a closed terminal
 * (SIGHUP) ask the library to stop (jd_cancel) instead of killing the process at once, so
 * it removes its temporary files and leaves every target as it was; the command then
 * ends by the same signal, as the shell expects. The same signal a second time ends it
 * at once. SIGXFSZ (a file larger than `ulimit -f`) is ignored, so the write that is too
 * large fails and is reported like a full disk. The handler is the command line's: the
 * library has no signal handler and no global state. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "cli.h"

static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP};

/* what the handler reaches: the run's cancel request, and the write end of a pipe that
 * wakes a main loop up (or -1) */
static jd_cancel *run_cancel;
static int wake_fd = -1;
static bool caught[G_N_ELEMENTS(stop_signals)];

static void on_stop_signal(int sig)
{
    int saved = errno;
    if (jd_cancel_reason(run_cancel) == sig) {
        signal(sig, SIG_DFL);
        raise(sig);
    }
    jd_cancel_request(run_cancel, sig);
    if (wake_fd >= 0) {
        char c = (char)sig;
        ssize_t ignored = write(wake_fd, &c, 1);
        (void)ignored;
    }
    errno = saved;
}

void jd_cli_ignore_file_size_signal(void)
{
    signal(SIGXFSZ, SIG_IGN);
}

jd_cancel *jd_cli_catch_signals(void)
{
    run_cancel = jd_cancel_new();
    struct sigaction sa = {0};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART; /* a write in the middle goes on: it is the next page that stops */
    for (size_t i = 0; i < G_N_ELEMENTS(stop_signals); i++) {
        struct sigaction old;
        /* a signal ignored when jindu started (nohup, a background job) stays ignored */
        caught[i] = sigaction(stop_signals[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN &&
                    sigaction(stop_signals[i], &sa, NULL) == 0;
    }
    return run_cancel;
}

int jd_cli_wake_pipe(void)
{
    int fds[2];
    if (pipe(fds) != 0) return -1;
    for (int i = 0; i < 2; i++) {
        fcntl(fds[i], F_SETFD, FD_CLOEXEC);
        fcntl(fds[i], F_SETFL, O_NONBLOCK);
    }
    wake_fd = fds[1];
    return fds[0];
}

int jd_cli_end_run(jd_cancel *cancel, int rc)
{
    struct sigaction sa = {0};
    sa.sa_handler = SIG_DFL;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < G_N_ELEMENTS(stop_signals); i++)
        if (caught[i]) sigaction(stop_signals[i], &sa, NULL);
    int sig = jd_cancel_reason(cancel);
    if (wake_fd >= 0) close(wake_fd);
    wake_fd = -1;
    run_cancel = NULL;
    jd_cancel_free(cancel);
    if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP) {
        fflush(NULL);
        sigaction(sig, &sa, NULL);
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, sig);
        sigprocmask(SIG_UNBLOCK, &set, NULL);
        raise(sig);
        rc = 128 + sig; /* not reached */
    }
    return rc;
}
