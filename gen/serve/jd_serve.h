/* jd_serve.h — `jindu serve`: a project as a local web page, the clerk's desk.
 *
 * One page, in Chinese: the period's overview (every unit's state, counts, the leaders),
 * returned forms dropped in (checked as `jindu check` checks them, errors shown at the cell,
 * a valid form saved into the progress folder), a build with its progress shown live, the
 * documents (page counts, previews drawn by jindu's own renderer, PDF and .zip downloads,
 * blank forms for the next period), and the page following edits made on disk.
 *
 * The server runs on the thread-default GLib main context (libsoup 3): the caller runs the
 * loop. It calls the same library functions as the command line — the importer's checks,
 * jd_project_build, the layout and the cairo backend — and never runs the jindu program.
 * Builds run in a helper process forked by jd_server_new before any thread exists, so the
 * build's own worker processes are forked from a process with one thread, as the command
 * line forks them.
 *
 * Security: it listens on the loopback interface (127.0.0.1 and ::1) unless told otherwise;
 * every request needs the run's random token (in the printed address, then an HttpOnly,
 * SameSite=Strict cookie), a Host naming this server (no DNS rebinding), and a POST the
 * token in a header too (no CSRF); no CORS; a Content-Security-Policy and nosniff on every
 * response; bounded uploads; downloads only of the files the project's builds wrote, looked
 * up by an id, never by a path the browser sends. docs/serve.md describes the endpoints.
 */
#ifndef JD_SERVE_H
#define JD_SERVE_H

#include <stdbool.h>

#include "jd_base.h"

typedef struct {
    const char *dir;    /* the project folder (holding jindu.ini) */
    const char *listen; /* the address to listen on (an IP address); NULL: 127.0.0.1 and ::1 */
    int port;           /* 0: a free port the system chooses */
} jd_serve_options;

typedef struct jd_server jd_server;

/* Forks the build helper (call this before starting any thread), checks the project and
 * listens. NULL with messages when the project cannot be loaded or the address not bound. */
jd_server *jd_server_new(const jd_serve_options *options, jd_diags *diags);

/* The address to open, with the run's token: "http://127.0.0.1:43117/?t=…". */
const char *jd_server_url(const jd_server *server);
int jd_server_port(const jd_server *server);

/* Stops listening, ends the build helper (a build in progress finishes in its own process)
 * and frees the server. NULL is allowed. */
void jd_server_free(jd_server *server);

#endif
