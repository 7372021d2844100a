/* serve_private.h — the parts of `jindu serve`. */
#ifndef JD_SERVE_PRIVATE_H
#define JD_SERVE_PRIVATE_H

#include <libsoup/soup.h>

#include "jd_import.h"
#include "jd_project.h"
#include "jd_serve.h"

/* Limits on what a browser may send: a form is a few dozen kilobytes, a unit's workbook
 * rarely more than a few hundred. (A workbook's cells are bounded by the reader itself.) */
enum {
    JS_MAX_BODY = 32 << 20,  /* bytes of one POST */
    JS_MAX_FILE = 4 << 20,   /* bytes of one uploaded form */
    JS_MAX_FILES = 100,      /* forms in one upload */
    JS_MAX_GRID_ROWS = 400,  /* rows of a form sent back to show its errors in place */
};

typedef struct js_helper js_helper;
typedef struct js_data js_data;
typedef struct js_docs js_docs;
typedef struct js_watch js_watch;

struct jd_server {
    char *dir;
    char *token;
    char *cookie;        /* the cookie's name: jindu-PORT (cookies do not tell ports apart) */
    int port;
    char *url;
    char **hosts;        /* the Host headers accepted ("127.0.0.1:PORT" …) */
    bool any_ip_host;    /* --listen on every interface: any IP address is a Host too */
    SoupServer *soup;
    js_helper *helper;
    js_data *data;
    js_docs *docs;
    js_watch *watch;
    GPtrArray *streams;  /* SoupServerMessage* of the open event streams */
    guint ping;
    /* the build */
    bool building;
    bool build_reported;      /* the build in progress sent its result */
    gint64 build_started;
    jd_value *build_progress; /* the last progress event of the build in progress */
    jd_value *last_build;     /* the result of the last build, or NULL */
};

/* ---- server.c ----------------------------------------------------------------------- */

/* Responses; `v` and `bytes` are taken. */
void js_respond_json(SoupServerMessage *msg, guint status, jd_value *v);
void js_respond_error(SoupServerMessage *msg, guint status, const char *message);
void js_respond_bytes(SoupServerMessage *msg, guint status, const char *type, GBytes *bytes);
/* Content-Disposition: attachment with a file name (UTF-8, percent-encoded). */
void js_set_attachment(SoupServerMessage *msg, const char *file_name);
/* Sends an event to every open event stream; `data` is taken. */
void js_broadcast(jd_server *s, const char *event, jd_value *data);
/* A period from a query: canonical text in *period (newly allocated); false if absent or
 * not a period. */
bool js_query_period(GHashTable *query, jd_period *period);

/* ---- helper.c: builds in a process of their own -------------------------------------- */

typedef void (*js_helper_event)(void *user, jd_value *event);

/* Forks the helper now; `on_event` gets every event of a build on the main context:
 * {"event": "progress", done, total, path, built}, {"event": "result", ok, built[],
 * unchanged[], failed[], removed[], seconds, messages[]}, {"event": "exit", status}. */
js_helper *js_helper_start(const char *dir, js_helper_event on_event, void *user, GError **error);
/* Asks for a build (force: ignore the cache). False when the helper is gone. */
bool js_helper_build(js_helper *h, bool force);
void js_helper_free(js_helper *h);

/* ---- data.c: the project's data as the page shows it --------------------------------- */

js_data *js_data_new(const char *dir);
void js_data_free(js_data *d);

/* One data file (a progress file: one file of the progress folder) as read on its own. */
typedef struct {
    char *path;     /* as the project names it (messages use it) */
    char *name;     /* relative to the project folder */
    char *stamp;    /* size, time and inode when read */
    jd_value *tree; /* what it holds (progress: the reports without errors), or NULL */
    jd_value *rejects; /* progress: the reports left out, as jd_import_options.rejects */
    jd_data_kind kind;
    jd_diags *diags;
} js_file;

/* The project's data now: re-read only what changed on disk since the last call. */
typedef struct {
    char *error;          /* the project or its task list cannot be read: the messages */
    jd_value *list;       /* the task list */
    char *forms_dir;      /* the progress folder returned forms are saved into, or NULL */
    const char *const *states;
    GPtrArray *files;     /* js_file*: every data file, in reading order */
    jd_value *merged;     /* the list with every report that could be merged (leniently,
                             as a build merges them) */
    jd_value *rejects;    /* the reports left out, as jd_import_options.rejects */
    GHashTable *bad;      /* file path → its error messages (jd_diags*) */
    jd_value *periods;    /* the periods to choose from: [{id, name}] */
    char *default_period; /* canonical */
    char *next_period;    /* the period after the last one: blank forms are for it */
    char *title;
} js_snapshot;

const js_snapshot *js_data_snapshot(js_data *d);
/* What the last snapshot was read from (sizes, times and inodes of every input), "" when
 * it must be read again. */
const char *js_data_stamp(const js_data *d);
/* The messages of `diags` (only the errors, if asked), one per line as jindu check prints
 * them. Newly allocated. */
char *js_messages_text(const jd_diags *diags, bool errors_only);
/* `path` relative to the project folder `dir` when it is inside it, for the page. Newly
 * allocated. */
char *js_project_relative(const char *dir, const char *path);
/* Forgets what was read (after a form was saved), so that the next snapshot reads again. */
void js_data_invalidate(js_data *d);

/* The overview of `period` as the page shows it (see docs/serve.md). */
jd_value *js_overview(const js_snapshot *snap, const jd_period *period);

/* ---- forms.c: returned forms in, blank forms out ------------------------------------- */

/* POST /api/forms?period=P (multipart/form-data): each form checked, saved if valid. */
void js_forms_upload(jd_server *s, SoupServerMessage *msg, GHashTable *query);
/* GET /api/blank-forms.zip?period=P&format=csv|xlsx */
void js_forms_blank_zip(jd_server *s, SoupServerMessage *msg, GHashTable *query);

/* ---- docs.c: the documents the builds wrote ------------------------------------------ */

js_docs *js_docs_new(const char *dir, GError **error);
void js_docs_free(js_docs *docs);
/* GET /api/docs, /api/docs/ID.pdf, /api/docs/ID/N.png, /api/docs.zip */
void js_docs_list(jd_server *s, SoupServerMessage *msg);
void js_docs_get(jd_server *s, SoupServerMessage *msg, const char *rest);
void js_docs_zip(jd_server *s, SoupServerMessage *msg);

/* A .zip made in memory: entries stored (PDFs and workbooks are compressed already) or
 * deflated (CSV), names in UTF-8. */
typedef struct js_zip js_zip;
js_zip *js_zip_new(void);
bool js_zip_add(js_zip *z, const char *name, const void *data, size_t len, bool compress);
GBytes *js_zip_finish(js_zip *z); /* frees z; NULL on failure */

/* ---- watch.c: the page follows edits on disk ----------------------------------------- */

js_watch *js_watch_new(jd_server *s);
void js_watch_free(js_watch *w);

#endif
