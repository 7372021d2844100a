/* Building a project: expand every output, lay out and render only what changed.
 *
 * Three levels of "unchanged":
 *  1. the inputs: a hash of every input file (jindu.ini, data, templates, the font set)
 *     and of the options; when it equals the last build's and every output is still the
 *     file jindu wrote, nothing is read or expanded at all;
 *  2. an output's input: its template and the data it sees (its split key's share); when
 *     that equals the one recorded in .jindu-cache/, the output is not even expanded;
 *  3. the documents: each remaining output's expanded document tree is hashed (with the
 *     backend, the font set and the creation date); an output whose hash equals the one
 *     recorded is left as it is, the others are laid out and rendered.
 * With several workers, the outputs are shared out to worker processes (workers.c) forked
 * once the data and templates are loaded: each expands, hashes, lays out and renders the
 * outputs it is given. The hashes, the cache entries and the record of what jindu wrote
 * (which removes the outputs a project no longer produces) are cache.c's. */
#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "jd_backend.h"
#include "jd_import.h"
#include "jd_layout.h"
#include "jd_template.h"
#include "project_private.h"

/* JOB_STOPPED: not done, or not to the end, because the build was asked to stop */
typedef enum { JOB_BUILT = 1, JOB_UNCHANGED, JOB_FAILED, JOB_STOPPED } job_status;

typedef struct {
    size_t index;
    const jp_output *out;
    const jd_template *tpl;  /* NULL when it failed to load */
    const jd_value *globals; /* the output's data and parameters (owned by the build) */
    char *key;      /* split key, or NULL */
    char *rel_path; /* as shown to the user: relative to the project folder */
    char *path;
    const char *tpl_hash; /* the template and its includes (owned by the build) */
    char hash[65];        /* the document, with what else its bytes depend on */
    char input[65];       /* what the expansion reads: template and data */
    jd_value *data;       /* the data it expands with (its split key's share), once known */
    bool have_cached;     /* its cache entry was read: */
    char cached_hash[65]; /* the document hash recorded there */
    size_t cost;          /* how much data it reads: longest first keeps workers even */
    bool store;           /* the cache entry is new */
    bool haru;
    bool refused;         /* it would overwrite another output's file */
    const jd_value *broken; /* the data its output could not have (owned by the build) */
    char *reason;         /* why it failed, for the summary (newly allocated), or NULL */
    job_status status;    /* once finished */
    jd_diags *diags;
} job;


void jd_build_options_init(jd_build_options *opts)
{
    memset(opts, 0, sizeof *opts);
}

void jd_build_result_clear(jd_build_result *r)
{
    g_strfreev(r->built_paths);
    g_strfreev(r->unchanged_paths);
    g_strfreev(r->removed_paths);
    g_strfreev(r->failed_paths);
    g_strfreev(r->failed_reasons);
    memset(r, 0, sizeof *r);
}

static void job_free(job *j)
{
    g_free(j->reason);
    jd_value_unref(j->data);
    g_free(j->key);
    g_free(j->rel_path);
    g_free(j->path);
    jd_diags_free(j->diags);
    g_free(j);
}

/* ---- one output -------------------------------------------------------------------- */

typedef struct {
    jd_project *project;
    const jd_build_options *opts;
    jd_build_result *result;
    GPtrArray *jobs;  /* job*, every output of the project (for the record of outputs) */
    jd_fonts *fonts;  /* loaded on first use, in whichever process lays out */
    const char *fonts_fp; /* the font set's fingerprint */
    GPtrArray *built, *unchanged; /* rel paths */
    size_t finished;
} build_state;

/* Is `path` inside `dir` once both are made absolute and normalised? */
static char *relative_to(const char *dir, const char *path)
{
    char *d = g_canonicalize_filename(dir, NULL), *f = g_canonicalize_filename(path, NULL);
    size_t n = strlen(d);
    char *rel = strncmp(d, f, n) == 0 && f[n] == G_DIR_SEPARATOR ? g_strdup(f + n + 1) : g_strdup(path);
    g_free(d);
    g_free(f);
    return rel;
}

static bool layout_and_render(build_state *b, job *j, const jd_doc *doc, const char *date)
{
    if (!b->fonts && !(b->fonts = jd_fonts_new(NULL, j->diags)))
        return false;
    jd_layout_options lo = {.cancel = b->opts->cancel};
    jd_pages *pages = jd_layout_with(doc, b->fonts, &lo, j->diags);
    bool ok = false;
    if (pages) {
        jd_render_options ro;
        jd_render_options_init(&ro);
        ro.creation_date = date;
        ro.cancel = b->opts->cancel;
        char *dir = g_path_get_dirname(j->path);
        if (g_mkdir_with_parents(dir, 0755) != 0)
            jd_diags_add(j->diags, JD_ERROR, j->rel_path, 0, 0, "cannot create %s: %s", dir, g_strerror(errno));
        else
            ok = j->haru ? jd_render_haru(pages, j->path, &ro, j->diags)
                         : jd_render_cairo(pages, j->path, &ro, j->diags);
        g_free(dir);
    }
    jd_pages_free(pages);
    return ok;
}

/* A digest of a value, and how many bytes of text it holds. Containers are remembered by
 * address: the outputs' data share most of their values (a split document's tasks are the
 * list's), so each is hashed once. The memo is only valid while every value it saw is
 * alive — the jobs hold them. */
typedef struct {
    guint8 digest[32];
    size_t cost;
} value_digest;

static value_digest digest_of(const jd_value *v, GHashTable *memo)
{
    value_digest d = {{0}, 0};
    jd_value_kind k = jd_value_kind_of(v);
    if (k == JD_VALUE_ARRAY || k == JD_VALUE_OBJECT) {
        const value_digest *known = g_hash_table_lookup(memo, v);
        if (known)
            return *known;
    }
    GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
    guint8 tag = (guint8)k;
    g_checksum_update(sum, &tag, 1);
    if (k == JD_VALUE_ARRAY || k == JD_VALUE_OBJECT) {
        size_t n = k == JD_VALUE_ARRAY ? jd_array_length(v) : jd_object_size(v);
        for (size_t i = 0; i < n; i++) {
            if (k == JD_VALUE_OBJECT) {
                const char *key = jd_object_key(v, i);
                g_checksum_update(sum, (const guchar *)key, (gssize)strlen(key) + 1);
            }
            value_digest c = digest_of(k == JD_VALUE_ARRAY ? jd_array_get(v, i) : jd_object_value(v, i), memo);
            g_checksum_update(sum, c.digest, sizeof c.digest);
            d.cost += c.cost;
        }
    } else {
        char *text = jd_value_to_json(v, false);
        g_checksum_update(sum, (const guchar *)text, -1);
        d.cost = strlen(text);
        g_free(text);
    }
    gsize len = sizeof d.digest;
    g_checksum_get_digest(sum, d.digest, &len);
    g_checksum_free(sum);
    if (k == JD_VALUE_ARRAY || k == JD_VALUE_OBJECT)
        g_hash_table_insert(memo, (gpointer)v, g_memdup2(&d, sizeof d));
    return d;
}

/* The digest of the globals the template reads (all of them without a template): data it
 * never names (indicators, for a task sheet) does not make it expand again when edited.
 * The members are hashed as digest_of() hashes an object, without memoising the selection. */
static value_digest read_globals_digest(const jd_value *g, const jd_template *tpl, GHashTable *memo)
{
    value_digest d = {{0}, 0};
    GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
    guint8 tag = (guint8)JD_VALUE_OBJECT;
    g_checksum_update(sum, &tag, 1);
    for (size_t i = 0; i < jd_object_size(g); i++) {
        const char *key = jd_object_key(g, i);
        if (tpl && !jd_template_reads(tpl, key))
            continue;
        g_checksum_update(sum, (const guchar *)key, (gssize)strlen(key) + 1);
        value_digest c = digest_of(jd_object_value(g, i), memo);
        g_checksum_update(sum, c.digest, sizeof c.digest);
        d.cost += c.cost;
    }
    gsize len = sizeof d.digest;
    g_checksum_get_digest(sum, d.digest, &len);
    g_checksum_free(sum);
    return d;
}

/* What an output's expansion reads: its template and the data it sees (the split key's
 * share only, kept in j->data for the expansion; of that, only the names the template
 * uses). Sets j->input, and j->cost, a guess of the work, for scheduling. */
static void compute_input(job *j, GHashTable *memo)
{
    jd_value *g = j->key ? jd_split_globals(j->globals, j->out->split, j->key) : jd_value_ref((jd_value *)j->globals);
    value_digest d = read_globals_digest(g, j->tpl, memo);
    GChecksum *in = g_checksum_new(G_CHECKSUM_SHA256);
    g_checksum_update(in, (const guchar *)j->tpl_hash, -1);
    g_checksum_update(in, d.digest, sizeof d.digest);
    g_checksum_update(in, (const guchar *)(j->haru ? "haru" : "cairo"), -1);
    g_strlcpy(j->input, g_checksum_get_string(in), sizeof j->input);
    g_checksum_free(in);
    j->cost = d.cost;
    j->data = g;
}

/* What an output's bytes depend on: its document, the backend, the creation date, jindu's
 * version and the font set, as hex in `hash`. Returns the creation date (newly allocated),
 * or NULL with a message. */
static char *document_hash(const jd_doc *doc, bool haru, const char *rel_path, const char *fonts_fp,
                           char hash[65], jd_diags *diags)
{
    jd_pages *meta = jd_pages_new();
    const char *doc_date = jd_node_string(jd_doc_root(doc), JD_ATTR_DATE);
    if (doc_date)
        jd_pages_set_meta(meta, JD_META_DATE, doc_date);
    char *date = jd_render_creation_date(meta, NULL, rel_path, diags);
    jd_pages_free(meta);
    if (!date)
        return NULL;
    char dochash[65];
    jd_doc_hash(doc, dochash);
    GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
    g_checksum_update(sum, (const guchar *)dochash, 64);
    g_checksum_update(sum, (const guchar *)(haru ? "haru" : "cairo"), -1);
    g_checksum_update(sum, (const guchar *)date, -1);
    g_checksum_update(sum, (const guchar *)"jindu " JD_VERSION, -1);
    g_checksum_update(sum, (const guchar *)fonts_fp, -1);
    memcpy(hash, g_checksum_get_string(sum), 64);
    hash[64] = '\0';
    g_checksum_free(sum);
    return date;
}

/* Expands one output, and lays it out and renders it if its document changed. */
static job_status run_job(build_state *b, job *j)
{
    if (jd_cancel_reason(b->opts->cancel))
        return JOB_STOPPED;
    if (!j->tpl)
        return JOB_FAILED; /* the template's errors are already reported */
    if (!jp_inside(b->project->out_dir, j->path, false)) {
        jd_diags_add(j->diags, JD_ERROR, b->project->ini_path, 0, 0,
                     "[output %s]: file %s is outside the output folder %s", j->out->name, j->path,
                     b->project->out_dir);
        return JOB_FAILED;
    }
    jd_doc *doc = jd_template_expand(j->tpl, j->data, j->diags);
    if (!doc)
        return JOB_FAILED;
    char *date = document_hash(doc, j->haru, j->rel_path, b->fonts_fp, j->hash, j->diags);
    if (!date) {
        jd_doc_free(doc);
        return JOB_FAILED;
    }
    job_status status = JOB_UNCHANGED;
    if (b->opts->check_only)
        ; /* expanded without a problem: that is all a check asks */
    else if (j->have_cached && strcmp(j->cached_hash, j->hash) == 0)
        j->store = true; /* the data changed, the document did not: remember the new input */
    else if (layout_and_render(b, j, doc, date))
        status = JOB_BUILT, j->store = true;
    else
        status = jd_cancel_reason(b->opts->cancel) ? JOB_STOPPED : JOB_FAILED;
    g_free(date);
    jd_doc_free(doc);
    return status;
}

/* A job is done (here or in a worker): its cache entry, the counts, the progress line. */
static void finish_job(build_state *b, job *j, job_status status)
{
    b->finished++;
    j->status = status;
    if (j->store) {
        jp_entry e;
        memcpy(e.hash, j->hash, sizeof e.hash);
        memcpy(e.input, j->input, sizeof e.input);
        jp_entry_store(b->project, j->rel_path, &e, j->diags);
    }
    if (status == JOB_BUILT) {
        b->result->built++;
        g_ptr_array_add(b->built, g_strdup(j->rel_path));
    } else if (status == JOB_UNCHANGED) {
        b->result->unchanged++;
        g_ptr_array_add(b->unchanged, g_strdup(j->rel_path));
    } else if (status == JOB_STOPPED) {
        /* what it said ends with "interrupted"; the build says that once for all */
        b->result->stopped++;
        jd_diags_free(j->diags);
        j->diags = jd_diags_new();
    } else {
        b->result->failed++;
    }
    if (b->opts->progress)
        b->opts->progress(b->opts->user, b->finished, b->result->total, j->rel_path, status == JOB_BUILT);
}

/* The first error of `diags` in one line — its place, and `what` or else its message cut
 * short (it is printed in full above) — or NULL when there is none. */
static char *first_error(const jd_diags *diags, const char *what)
{
    enum { SHOWN = 60 }; /* characters of the message */
    for (size_t i = 0; i < jd_diags_count(diags); i++) {
        const jd_diag *d = jd_diags_get(diags, i);
        if (jd_diag_severity(d) != JD_ERROR) continue;
        GString *text = g_string_new(jd_diag_file(d) ? jd_diag_file(d) : "");
        if (jd_diag_line(d) > 0) g_string_append_printf(text, ":%d", jd_diag_line(d));
        if (jd_diag_line(d) > 0 && jd_diag_col(d) > 0) g_string_append_printf(text, ":%d", jd_diag_col(d));
        if (text->len) g_string_append(text, ": ");
        char *message = jd_printable(jd_diag_message(d));
        if (what)
            g_string_append(text, what);
        else if (g_utf8_strlen(message, -1) > SHOWN) {
            char *head = g_utf8_substring(message, 0, SHOWN);
            g_string_append_printf(text, "%s…", head);
            g_free(head);
        } else
            g_string_append(text, message);
        g_free(message);
        return g_string_free(text, FALSE);
    }
    return NULL;
}

/* Why a job failed, in one line: its reason, else its first error. */
static char *failure_reason(const job *j)
{
    if (j->reason) return g_strdup(j->reason);
    char *error = first_error(j->diags, NULL);
    return error ? error : g_strdup("see the messages above");
}

/* The failed outputs and their reasons, in the project's order. An output that failed as a
 * whole (its template or parameters) is named once, by its file pattern, with how many
 * documents it has. */
static void collect_failures(build_state *b)
{
    GPtrArray *paths = g_ptr_array_new(), *reasons = g_ptr_array_new();
    for (guint i = 0; i < b->jobs->len; i++) {
        const job *j = g_ptr_array_index(b->jobs, i);
        if (j->status != JOB_FAILED) continue;
        if (j->tpl || j->out->split == JD_SPLIT_NONE || !j->reason) {
            g_ptr_array_add(paths, g_strdup(j->rel_path));
            g_ptr_array_add(reasons, failure_reason(j));
            continue;
        }
        size_t n = 0;
        bool first = true;
        for (guint k = 0; k < b->jobs->len; k++) {
            const job *other = g_ptr_array_index(b->jobs, k);
            if (other->out != j->out || other->status != JOB_FAILED) continue;
            first &= k >= i;
            n++;
        }
        if (!first) continue;
        char *pattern = g_build_filename(b->project->out_dir, j->out->pattern, NULL);
        g_ptr_array_add(paths, relative_to(b->project->dir, pattern));
        g_ptr_array_add(reasons, g_strdup_printf("%s (%zu document%s)", j->reason, n, n == 1 ? "" : "s"));
        g_free(pattern);
    }
    g_ptr_array_add(paths, NULL);
    g_ptr_array_add(reasons, NULL);
    b->result->failed_paths = (char **)g_ptr_array_free(paths, FALSE);
    b->result->failed_reasons = (char **)g_ptr_array_free(reasons, FALSE);
}

/* ---- warming up -------------------------------------------------------------------- */

/* Loads the font set and draws a little of every family, regular and bold, into a scratch
 * PDF: opening the font files and filling pango's and cairo's caches costs tens of
 * milliseconds, which worker processes forked afterwards then do not pay each. */
static gpointer warm_up(gpointer data)
{
    const char *scratch_dir = data;
    jd_diags *d = jd_diags_new();
    jd_fonts *fonts = jd_fonts_new(NULL, d);
    if (fonts) {
        static const char *const families[] = {"song", "hei", "kai"};
        static const char text[] = "序号目标任务责任单位进度安排第一季度完成情况进展状态已完成序时推进滞后未启动未报送存在问题责任区领导2023";
        jd_doc *doc = jd_doc_new();
        for (size_t f = 0; f < G_N_ELEMENTS(families); f++)
            for (int bold = 0; bold <= 1; bold++) {
                jd_style s;
                jd_style_init_default(&s);
                s.font_family = families[f];
                s.font_weight = bold ? 700 : 400;
                const jd_style *st = jd_doc_intern_style(doc, &s);
                jd_node *p = jd_node_new(doc, JD_NODE_PARAGRAPH), *t = jd_node_new(doc, JD_NODE_TEXT);
                jd_node_set_style(p, st);
                jd_node_set_style(t, st);
                jd_node_set_text(t, text, strlen(text));
                jd_node_append(p, t);
                jd_node_append(jd_doc_root(doc), p);
            }
        jd_pages *pages = jd_layout(doc, fonts, d);
        if (pages && g_mkdir_with_parents(scratch_dir, 0755) == 0) {
            char *path = g_build_filename(scratch_dir, "warm-up.pdf", NULL);
            if (jd_render_cairo(pages, path, NULL, d))
                g_unlink(path);
            g_free(path);
        }
        jd_pages_free(pages);
        jd_doc_free(doc);
    }
    jd_diags_free(d);
    return fonts;
}

/* ---- jobs on workers -------------------------------------------------------------- */

/* A job's answer from a worker, one line of JSON: {"status": S, "hash": "…", "store":
 * bool, "diags": [{severity, file, line, col, message}…]}. */
static char *answer(const job *j, job_status status)
{
    jd_value *o = jd_value_new_object(), *list = jd_value_new_array();
    jd_object_set(o, "status", jd_value_new_int(status));
    jd_object_set(o, "hash", jd_value_new_string(j->hash));
    jd_object_set(o, "store", jd_value_new_bool(j->store));
    for (size_t i = 0; i < jd_diags_count(j->diags); i++) {
        const jd_diag *d = jd_diags_get(j->diags, i);
        jd_value *m = jd_value_new_object();
        jd_object_set(m, "severity", jd_value_new_int(jd_diag_severity(d)));
        jd_object_set(m, "file", jd_value_new_string(jd_diag_file(d) ? jd_diag_file(d) : ""));
        jd_object_set(m, "line", jd_value_new_int(jd_diag_line(d)));
        jd_object_set(m, "col", jd_value_new_int(jd_diag_col(d)));
        jd_object_set(m, "message", jd_value_new_string(jd_diag_message(d)));
        jd_array_append(list, m);
    }
    jd_object_set(o, "diags", list);
    char *json = jd_value_to_json(o, false);
    jd_value_unref(o);
    return json;
}

static char *work_run(void *user, guint32 index)
{
    build_state *b = user;
    job *j = g_ptr_array_index(b->jobs, index);
    return answer(j, run_job(b, j));
}

/* An answer: the job's status, hash and messages (the input was computed here, before the
 * workers were forked). */
static void work_done(void *user, guint32 index, const char *line)
{
    build_state *b = user;
    job *j = g_ptr_array_index(b->jobs, index);
    if (!line) {
        if (jd_cancel_reason(b->opts->cancel)) {
            finish_job(b, j, JOB_STOPPED); /* a signal that reached the worker ended it */
            return;
        }
        jd_diags_add(j->diags, JD_ERROR, j->rel_path, 0, 0, "the worker building it stopped unexpectedly");
        finish_job(b, j, JOB_FAILED);
        return;
    }
    jd_value *o = jd_value_from_json(line, strlen(line), "worker", NULL);
    const char *hash = jd_object_get_string(o, "hash");
    g_strlcpy(j->hash, hash ? hash : "", sizeof j->hash);
    j->store = jd_value_bool(jd_object_get(o, "store"));
    const jd_value *list = jd_object_get(o, "diags");
    for (size_t i = 0; i < jd_array_length(list); i++) {
        const jd_value *m = jd_array_get(list, i);
        const char *file = jd_object_get_string(m, "file");
        jd_diags_add(j->diags, (jd_severity)jd_object_get_int(m, "severity", JD_ERROR), file && *file ? file : NULL,
                     (int)jd_object_get_int(m, "line", 0), (int)jd_object_get_int(m, "col", 0), "%s",
                     jd_object_get_string(m, "message"));
    }
    finish_job(b, j, (job_status)jd_object_get_int(o, "status", JOB_FAILED));
    jd_value_unref(o);
}

/* ---- the build --------------------------------------------------------------------- */

/* ---- parameters -------------------------------------------------------------------- */

typedef struct {
    const jd_project *project;
    const jp_output *output;
} params_origin;

static bool own_param(const char *name, void *user)
{
    const params_origin *po = user;
    size_t n = strlen(name);
    for (int i = 0; po->output->params && po->output->params[i]; i++)
        if (strncmp(po->output->params[i], name, n) == 0 && po->output->params[i][n] == '=')
            return true;
    return false;
}

/* The line of jindu.ini that sets parameter `name` for the output: its own params=, else
 * the key in [params], else the [output] group. */
static int param_line(const char *name, void *user)
{
    const params_origin *po = user;
    char *group = g_strdup_printf("output %s", po->output->name);
    int line = own_param(name, user) ? jp_ini_line(po->project, group, "params") : 0;
    if (!line && g_key_file_has_key(po->project->ini, "params", name, NULL))
        line = jp_ini_line(po->project, "params", name);
    if (!line)
        line = jp_ini_line(po->project, group, NULL);
    g_free(group);
    return line;
}

/* An output's parameters: [params] with its own params= on top, checked against what its
 * template declares before any data is read. NULL after an error, which names the line of
 * jindu.ini and the output. */
static jd_value *output_params(const jd_project *p, const jp_output *o, const jd_template *tpl, jd_diags *diags)
{
    GPtrArray *all = g_ptr_array_new();
    for (int i = 0; p->params[i]; i++)
        g_ptr_array_add(all, p->params[i]);
    for (int i = 0; o->params && o->params[i]; i++)
        g_ptr_array_add(all, o->params[i]);
    g_ptr_array_add(all, NULL);
    /* the project checked their syntax when it was loaded; a later one wins */
    jd_value *bound = jd_bind_data(NULL, (const char *const *)all->pdata, NULL, diags);
    g_ptr_array_free(all, TRUE);
    params_origin po = {p, o};
    char *context = g_strdup_printf("[output %s]: ", o->name);
    jd_params_source source = {.file = p->ini_path,
                               .line_of = param_line,
                               .user = &po,
                               .context = context,
                               .set_before = "",
                               .set_after = " in [params]",
                               .must_be_declared = own_param};
    jd_value *params = bound ? jd_template_check_params(tpl, jd_object_get(bound, "params"), &source, diags) : NULL;
    g_free(context);
    jd_value_unref(bound);
    return params;
}

/* The globals an output expands with: the data it sees and its checked parameters. */
static jd_value *output_globals(const jd_value *base, jd_value *params)
{
    jd_value *g = jd_value_new_object();
    for (size_t i = 0; i < jd_object_size(base); i++)
        if (strcmp(jd_object_key(base, i), "params") != 0)
            jd_object_set(g, jd_object_key(base, i), jd_value_ref(jd_object_value(base, i)));
    jd_object_set(g, "params", jd_value_ref(params));
    return g;
}

/* The data an output sees: the project's, plus the output's own data files if any; what
 * of it could not be read is added to `broken`. */
static jd_value *output_data(jd_project *p, const jp_output *o, jd_value *base, jd_value *broken, jd_diags *diags)
{
    if (!o->data || !o->data[0])
        return jd_value_ref(base);
    GPtrArray *all = g_ptr_array_new();
    for (int k = 0; p->data[k]; k++)
        g_ptr_array_add(all, p->data[k]);
    for (int k = 0; o->data[k]; k++)
        g_ptr_array_add(all, o->data[k]);
    g_ptr_array_add(all, NULL);
    jd_value *v = jd_bind_data_with((const char *const *)all->pdata, (const char *const *)p->params,
                                    (const char *const *)p->states, broken, diags);
    g_ptr_array_free(all, TRUE);
    if (v)
        jp_apply_indicator_rules(v, p->indicator_rules);
    return v;
}

jd_value *jd_project_data(const jd_project *p, jd_diags *diags)
{
    return jd_bind_data((const char *const *)p->data, (const char *const *)p->params, (const char *const *)p->states,
                        diags);
}

/* The earlier data to mark changes against: the option, else the project's. */
static const char *mark_since(const jd_project *p, const jd_build_options *opts)
{
    return opts->mark_changes_since ? opts->mark_changes_since : p->mark_since;
}

/* The project's data, bound leniently: what could not be read goes to `broken`. */
static jd_value *bind_project(jd_project *p, const jd_build_options *opts, jd_value *broken, jd_diags *diags)
{
    jd_value *base = jd_bind_data_with((const char *const *)p->data, (const char *const *)p->params,
                                       (const char *const *)p->states, broken, diags);
    if (base)
        jp_apply_indicator_rules(base, p->indicator_rules);
    const char *since = mark_since(p, opts);
    if (!base || !since || !jd_object_get(base, "list"))
        return base;
    size_t from = jd_diags_count(diags);
    jd_value *marked = jd_mark_changes_since(base, since, opts->mark_label ? opts->mark_label : p->mark_label,
                                             (const char *const *)p->states, diags);
    if (marked) {
        jd_object_set(base, "list", marked);
    } else {
        /* the list cannot be shown as asked: every output that reads it waits */
        const jd_diag *d = from < jd_diags_count(diags) ? jd_diags_get(diags, from) : NULL;
        jd_value *e = jd_value_new_object();
        jd_object_set(e, "binding", jd_value_new_string("list"));
        jd_object_set(e, "file", jd_value_new_string(d && jd_diag_file(d) ? jd_diag_file(d) : since));
        jd_object_set(e, "line", jd_value_new_int(d ? jd_diag_line(d) : 0));
        jd_object_set(e, "col", jd_value_new_int(d ? jd_diag_col(d) : 0));
        jd_object_set(e, "message", jd_value_new_string(d ? jd_diag_message(d) : "has errors"));
        jd_array_append(broken, e);
    }
    return base;
}

static gint by_cost(gconstpointer a, gconstpointer b, gpointer jobs)
{
    const job *x = g_ptr_array_index((GPtrArray *)jobs, *(const guint32 *)a);
    const job *y = g_ptr_array_index((GPtrArray *)jobs, *(const guint32 *)b);
    if (x->cost != y->cost)
        return x->cost > y->cost ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* --only NAME must name an output: building nothing and saying "0 built" would hide a typo. */
static bool only_names_an_output(const jd_project *p, const char *name, jd_diags *diags)
{
    const char **names = g_new0(const char *, p->outputs->len + 1);
    bool found = false;
    for (guint i = 0; i < p->outputs->len; i++) {
        names[i] = ((jp_output *)g_ptr_array_index(p->outputs, i))->name;
        found |= strcmp(names[i], name) == 0;
    }
    if (!found) {
        char *near = jd_closest_name(name, names);
        char *list = g_strjoinv(", ", (char **)names);
        jd_diags_add(diags, JD_ERROR, p->ini_path, 0, 0, "--only %s: no output of this name%s%s%s (the outputs: %s)",
                     name, near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "", list);
        g_free(list);
        g_free(near);
    }
    g_free(names);
    return found;
}

/* Two documents that would be written to one file (two split keys that make the same safe
 * name, "a:b" and "a?b"; two outputs with the same file=; names differing only in case):
 * both are refused, with a message naming both, instead of one silently overwriting the
 * other. */
static void refuse_collisions(const jd_project *p, GPtrArray *jobs)
{
    jd_path_set *paths = jd_path_set_new();
    GHashTable *by_owner = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (guint i = 0; i < jobs->len; i++) {
        job *j = g_ptr_array_index(jobs, i);
        char *owner = j->key ? g_strdup_printf("[output %s] key '%s'", j->out->name, j->key)
                             : g_strdup_printf("[output %s]", j->out->name);
        const char *other = jd_path_set_add(paths, j->path, owner);
        if (other) {
            job *first = g_hash_table_lookup(by_owner, other);
            char *group = g_strdup_printf("output %s", j->out->name);
            int line = jp_ini_line(p, group, "file");
            jd_diags_add(j->diags, JD_ERROR, p->ini_path, line, 1,
                         "%s and %s would both be written to %s: give them different file names", other, owner,
                         j->rel_path);
            g_free(group);
            char *why = g_strdup_printf("%s:%d: %s and %s would both be written to it", p->ini_path, line, other, owner);
            j->refused = true;
            g_free(j->reason);
            j->reason = g_strdup(why);
            if (first) {
                first->refused = true;
                if (!first->reason) first->reason = g_strdup(why);
            }
            g_free(why);
            g_free(owner);
        } else {
            g_hash_table_insert(by_owner, owner, j);
        }
    }
    g_hash_table_destroy(by_owner);
    jd_path_set_free(paths);
}

bool jd_project_build(jd_project *p, const jd_build_options *opts, jd_build_result *result,
                      jd_diags *diags)
{
    gint64 start = g_get_monotonic_time();
    memset(result, 0, sizeof *result);
    jd_build_options defaults;
    if (!opts) {
        jd_build_options_init(&defaults);
        opts = &defaults;
    }
    if (opts->shard_count < 0 ||
        (opts->shard_count > 0 && (opts->shard_index < 1 || opts->shard_index > opts->shard_count))) {
        jd_diags_add(diags, JD_ERROR, NULL, 0, 0, "shard %d/%d does not exist", opts->shard_index, opts->shard_count);
        return false;
    }
    if (opts->only && !only_names_an_output(p, opts->only, diags))
        return false;

    /* every template, and every output's parameters checked against it, before any data */
    GPtrArray *templates = g_ptr_array_new_with_free_func((GDestroyNotify)jd_template_free);
    GPtrArray *params = g_ptr_array_new_with_free_func((GDestroyNotify)jd_value_unref);
    GPtrArray *setup_errors = g_ptr_array_new_with_free_func(g_free); /* why, or NULL */
    bool templates_ok = true;
    char **search = jd_template_search_path(p->dir);
    for (guint i = 0; i < p->outputs->len; i++) {
        jp_output *o = g_ptr_array_index(p->outputs, i);
        jd_diags *own = jd_diags_new();
        jd_template *t = jd_template_load(o->template_path, (const char *const *)search, own);
        bool loaded = t != NULL;
        jd_value *checked = t ? output_params(p, o, t, own) : NULL;
        if (t && !checked) {
            /* the output cannot be built: as if its template had failed */
            jd_template_free(t);
            t = NULL;
        }
        g_ptr_array_add(setup_errors,
                        t ? NULL : first_error(own, loaded ? "its parameters have errors" : "its template has errors"));
        jd_diags_append(diags, own);
        jd_diags_free(own);
        templates_ok &= t != NULL;
        g_ptr_array_add(templates, t);
        g_ptr_array_add(params, checked);
    }
    g_strfreev(search);
    char *fonts_fp = jp_fonts_fingerprint();
    char *in_hash = jp_inputs_hash(p, opts, templates, fonts_fp);
    char **recorded = NULL;
    if (templates_ok && !opts->force && !opts->check_only && jp_nothing_changed(p, opts, in_hash, &recorded)) {
        result->total = result->unchanged = g_strv_length(recorded);
        result->built_paths = g_new0(char *, 1);
        result->unchanged_paths = recorded;
        result->removed_paths = g_new0(char *, 1);
        result->failed_paths = g_new0(char *, 1);
        result->failed_reasons = g_new0(char *, 1);
        result->seconds = (g_get_monotonic_time() - start) / 1e6;
        g_free(in_hash);
        g_free(fonts_fp);
        g_ptr_array_free(setup_errors, TRUE);
        g_ptr_array_free(templates, TRUE);
        g_ptr_array_free(params, TRUE);
        return true;
    }

    /* while the data is read, another thread loads and warms the font set up */
    char *scratch = jp_cache_path(p, "scratch");
    GThread *warming = opts->check_only ? NULL : g_thread_new("warm-up", warm_up, scratch);
    jd_value *base_broken = jd_value_new_array();
    jd_value *base = bind_project(p, opts, base_broken, diags);
    bool data_ok = jd_array_length(base_broken) == 0;
    build_state b = {p, opts, result, g_ptr_array_new_with_free_func((GDestroyNotify)job_free), NULL,
                     fonts_fp, g_ptr_array_new(), g_ptr_array_new(), 0};
    GPtrArray *globals = g_ptr_array_new_with_free_func((GDestroyNotify)jd_value_unref);
    GPtrArray *tpl_hashes = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *placed = g_ptr_array_new_with_free_func((GDestroyNotify)jd_value_unref);
    GArray *todo = g_array_new(FALSE, FALSE, sizeof(guint32));
    bool ok = base != NULL;
    bool enumerated = ok; /* every document of every output known (for removing stale ones) */

    /* every output of the project, and this shard's share of them to do */
    for (guint i = 0; ok && i < p->outputs->len; i++) {
        jp_output *o = g_ptr_array_index(p->outputs, i);
        jd_value *broken = jd_value_copy(base_broken);
        jd_value *data = output_data(p, o, base, broken, diags);
        if (!data) {
            jd_value_unref(broken);
            ok = false;
            break;
        }
        data_ok &= jd_array_length(broken) == 0;
        jd_value *empty = jd_value_new_object();
        jd_value *checked = g_ptr_array_index(params, i);
        jd_value *g = output_globals(data, checked ? checked : empty);
        jd_value_unref(empty);
        jd_value_unref(data);
        g_ptr_array_add(globals, g);
        jd_value *out_broken = jp_place_broken(broken, jd_object_get(g, "list"));
        jd_value_unref(broken);
        g_ptr_array_add(placed, out_broken);
        char *tpl_hash = jp_template_fingerprint(g_ptr_array_index(templates, i), fonts_fp);
        g_ptr_array_add(tpl_hashes, tpl_hash);
        /* a split over a list that could not be read: its documents are unknown; one entry
         * stands for them all, failed, and nothing of it is removed as stale */
        bool unknown_keys = o->split != JD_SPLIT_NONE && !jd_object_get(g, "list") && jp_list_broken(out_broken);
        enumerated &= !unknown_keys;
        char **keys = o->split != JD_SPLIT_NONE && !unknown_keys ? jd_split_keys(jd_object_get(g, "list"), o->split)
                                                                 : g_strdupv((char *[]){"", NULL});
        if (!keys[0]) {
            /* say why an output makes nothing, rather than "0 built" */
            char *group = g_strdup_printf("output %s", o->name);
            jd_diags_add(diags, JD_WARNING, p->ini_path, jp_ini_line(p, group, "split"), 1,
                         "[%s]: split=%s, but the list names no %s: this output makes no document", group,
                         o->split == JD_SPLIT_UNIT ? "unit" : "leader", o->split == JD_SPLIT_UNIT ? "unit" : "leader");
            g_free(group);
        }
        for (int k = 0; keys[k]; k++) {
            const char *key = o->split == JD_SPLIT_NONE || unknown_keys ? NULL : keys[k];
            char *file = jd_expand_file_pattern(o->pattern, key, jd_object_get(g, "params"));
            job *j = g_new0(job, 1);
            j->index = b.jobs->len;
            j->out = o;
            j->tpl = g_ptr_array_index(templates, i);
            j->tpl_hash = tpl_hash;
            j->globals = g;
            j->key = g_strdup(key);
            j->path = g_build_filename(p->out_dir, file, NULL);
            j->rel_path = relative_to(p->dir, j->path);
            j->diags = jd_diags_new();
            j->broken = out_broken;
            if (!j->tpl)
                j->reason = g_strdup(g_ptr_array_index(setup_errors, i));
            else if (unknown_keys)
                j->reason = jp_blocked_reason(out_broken, g_ptr_array_index(templates, i), g);
            const char *backend = o->backend ? o->backend : p->backend;
            j->haru = backend && strcmp(backend, "haru") == 0;
            g_ptr_array_add(b.jobs, j);
            g_free(file);
            bool mine = opts->shard_count == 0 || (int)(j->index % (size_t)opts->shard_count) == opts->shard_index - 1;
            if (mine && (!opts->only || strcmp(opts->only, o->name) == 0)) {
                guint32 index = (guint32)j->index;
                g_array_append_val(todo, index);
            }
        }
        g_strfreev(keys);
    }
    result->total = ok ? todo->len : 0;
    enumerated &= ok;
    if (ok)
        refuse_collisions(p, b.jobs);

    /* no other thread may run when the workers are forked */
    if (warming)
        b.fonts = g_thread_join(warming);
    g_free(scratch);
    if (ok) {
        /* Outputs whose template and data did not change are done here and now: nothing
         * to expand. The rest go to the workers, those reading the most data first, so the
         * longest documents do not come last and leave one worker alone with them. */
        GArray *work = g_array_new(FALSE, FALSE, sizeof(guint32));
        GHashTable *memo = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
        for (guint i = 0; i < todo->len; i++) {
            job *j = g_ptr_array_index(b.jobs, g_array_index(todo, guint32, i));
            jp_entry cached;
            if (j->refused || j->reason) {
                finish_job(&b, j, JOB_FAILED);
                continue;
            }
            if (j->tpl) {
                compute_input(j, memo);
                /* data it needs could not be read: it waits, its previous file untouched */
                j->reason = jp_blocked_reason(j->broken, j->tpl, j->data);
                if (j->reason) {
                    finish_job(&b, j, JOB_FAILED);
                    continue;
                }
                j->have_cached = !opts->force && !opts->check_only && jp_entry_read(p, j->rel_path, &cached);
                if (j->have_cached)
                    memcpy(j->cached_hash, cached.hash, sizeof j->cached_hash);
            }
            if (j->have_cached && strcmp(cached.input, j->input) == 0) {
                memcpy(j->hash, cached.hash, sizeof j->hash);
                finish_job(&b, j, JOB_UNCHANGED);
            } else {
                g_array_append_val(work, g_array_index(todo, guint32, i));
            }
        }
        g_hash_table_destroy(memo);
        result->expanded = work->len;
        g_array_sort_with_data(work, by_cost, b.jobs);
        int workers = opts->jobs > 0 ? opts->jobs : p->jobs > 0 ? p->jobs : (int)g_get_num_processors();
        /* more workers than a few per core only add memory and contention */
        workers = MIN(workers, 4 * (int)g_get_num_processors());
        workers = MIN(workers, (int)work->len);
        if (workers > 1 && !opts->check_only) {
            jp_work w = {b.jobs->len, work_run, work_done, &b, opts->cancel};
            jp_run_workers(&w, work, workers);
        } else
            for (guint i = 0; i < work->len && !jd_cancel_reason(opts->cancel); i++) {
                job *j = g_ptr_array_index(b.jobs, g_array_index(work, guint32, i));
                finish_job(&b, j, run_job(&b, j));
            }
        g_array_free(work, TRUE);
    }

    /* messages in the order of the outputs, whatever order the workers finished in */
    for (guint i = 0; i < b.jobs->len; i++)
        jd_diags_append(diags, ((job *)g_ptr_array_index(b.jobs, i))->diags);
    if (result->failed || !templates_ok || !data_ok)
        ok = false;
    collect_failures(&b);
    bool stopped = jd_cancel_reason(opts->cancel) != 0;
    if (stopped) {
        jd_diags_add(diags, JD_ERROR, p->dir, 0, 0,
                     "interrupted: %zu of %zu outputs built or unchanged; the others are as they were",
                     result->built + result->unchanged, result->total);
        ok = false;
    }
    /* the no-change record: only for a complete, successful build of everything */
    if (ok && !opts->only && !opts->check_only) {
        GPtrArray *done = g_ptr_array_new();
        for (guint i = 0; i < todo->len; i++)
            g_ptr_array_add(done, ((job *)g_ptr_array_index(b.jobs, g_array_index(todo, guint32, i)))->rel_path);
        g_ptr_array_add(done, NULL);
        jp_store_inputs(p, opts, in_hash, (const char *const *)done->pdata, diags);
        g_ptr_array_free(done, TRUE);
    }
    /* what earlier builds wrote and the project no longer produces (a unit renamed, a
     * split key gone): once every output of the project is known */
    if (enumerated && !opts->check_only && !stopped) {
        GHashTable *produced = g_hash_table_new(g_str_hash, g_str_equal);
        for (guint i = 0; i < b.jobs->len; i++)
            g_hash_table_add(produced, ((job *)g_ptr_array_index(b.jobs, i))->rel_path);
        result->removed_paths = jp_remove_stale(p, produced, diags);
        result->removed = g_strv_length(result->removed_paths);
        g_hash_table_destroy(produced);
    } else {
        result->removed_paths = g_new0(char *, 1);
    }
    g_ptr_array_add(b.built, NULL);
    result->built_paths = (char **)g_ptr_array_free(b.built, FALSE);
    g_ptr_array_add(b.unchanged, NULL);
    result->unchanged_paths = (char **)g_ptr_array_free(b.unchanged, FALSE);
    result->seconds = (g_get_monotonic_time() - start) / 1e6;
    jd_fonts_free(b.fonts);
    g_array_free(todo, TRUE);
    g_ptr_array_free(b.jobs, TRUE);
    g_ptr_array_free(globals, TRUE);
    g_ptr_array_free(tpl_hashes, TRUE);
    g_ptr_array_free(placed, TRUE);
    g_ptr_array_free(setup_errors, TRUE);
    g_ptr_array_free(templates, TRUE);
    g_ptr_array_free(params, TRUE);
    jd_value_unref(base);
    jd_value_unref(base_broken);
    g_free(in_hash);
    g_free(fonts_fp);
    return ok;
}

/* ---- one output's pages ------------------------------------------------------------- */

/* The document `o` writes to `rel_path` with template `t`, expanded from `base`; NULL when
 * it writes nothing there (*found false) or when the expansion fails (*found true). */
static jd_doc *expand_output_at(jd_project *p, const jp_output *o, const jd_template *t, jd_value *base,
                                jd_value *broken, const char *rel_path, bool *found, jd_diags *diags)
{
    *found = false;
    jd_diags *scratch = jd_diags_new(); /* an output that is not the one asked for says nothing */
    jd_value *checked = output_params(p, o, t, scratch);
    jd_value *data = checked ? output_data(p, o, base, broken, scratch) : NULL;
    jd_value *g = data ? output_globals(data, checked) : NULL;
    char **keys = !g                          ? NULL
                  : o->split != JD_SPLIT_NONE ? jd_split_keys(jd_object_get(g, "list"), o->split)
                                              : g_strdupv((char *[]){"", NULL});
    jd_doc *doc = NULL;
    for (int k = 0; keys && keys[k] && !*found; k++) {
        const char *key = o->split == JD_SPLIT_NONE ? NULL : keys[k];
        char *file = jd_expand_file_pattern(o->pattern, key, jd_object_get(g, "params"));
        char *path = g_build_filename(p->out_dir, file, NULL);
        char *rel = relative_to(p->dir, path);
        if (strcmp(rel, rel_path) == 0) {
            *found = true;
            jd_value *gk = key ? jd_split_globals(g, o->split, key) : jd_value_ref(g);
            doc = jd_template_expand(t, gk, diags);
            jd_value_unref(gk);
        }
        g_free(rel);
        g_free(path);
        g_free(file);
    }
    g_strfreev(keys);
    jd_value_unref(g);
    jd_value_unref(data);
    jd_value_unref(checked);
    jd_diags_free(scratch);
    return doc;
}

jd_pages *jd_project_output_pages(jd_project *p, const char *rel_path, jd_fonts *fonts, bool *current,
                                  jd_diags *diags)
{
    if (current)
        *current = false;
    jd_build_options opts;
    jd_build_options_init(&opts);
    /* bound leniently, as a build binds it: a bad report leaves out what it is about */
    jd_value *broken = jd_value_new_array();
    jd_value *base = bind_project(p, &opts, broken, diags);
    if (!base) {
        jd_value_unref(broken);
        return NULL;
    }
    char **search = jd_template_search_path(p->dir);
    char *fonts_fp = jp_fonts_fingerprint();
    jd_pages *pages = NULL;
    bool found = false;
    for (guint i = 0; i < p->outputs->len && !found; i++) {
        const jp_output *o = g_ptr_array_index(p->outputs, i);
        jd_diags *scratch = jd_diags_new();
        jd_template *t = jd_template_load(o->template_path, (const char *const *)search, scratch);
        jd_diags_free(scratch);
        jd_doc *doc = t ? expand_output_at(p, o, t, base, broken, rel_path, &found, diags) : NULL;
        const char *backend = o->backend ? o->backend : p->backend;
        char hash[65];
        char *date = doc ? document_hash(doc, backend && strcmp(backend, "haru") == 0, rel_path, fonts_fp, hash, diags)
                         : NULL;
        if (date) {
            pages = jd_layout(doc, fonts, diags);
            jp_entry e;
            if (pages && current)
                *current = jp_entry_read(p, rel_path, &e) && strcmp(e.hash, hash) == 0;
        }
        g_free(date);
        jd_doc_free(doc);
        jd_template_free(t);
    }
    if (!found)
        jd_diags_add(diags, JD_ERROR, rel_path, 0, 0, "no output of the project is written here");
    g_free(fonts_fp);
    g_strfreev(search);
    jd_value_unref(base);
    jd_value_unref(broken);
    return pages;
}
