/* Building a project: expand every output, lay out and render only what changed.
 *
 * Two levels of "unchanged":
 *  1. the inputs: a hash of every input file (jindu.ini, data, templates, the font set)
 *     and of the options; when it equals the last build's and every output is still there,
 *     nothing is read or expanded at all;
 *  2. the documents: each output's expanded document tree is hashed (with the backend, the
 *     font set and the creation date); an output whose hash equals the one recorded in
 *     .jindu-cache/ is left as it is, the others are laid out and rendered.
 * Expansion runs on the calling thread; layout and rendering on `jobs` worker threads, each
 * with its own font set (pango and fontconfig objects are not shared between threads). */
#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jd_backend.h"
#include "jd_layout.h"
#include "jd_template.h"
#include "project_private.h"

#define CACHE_DIR ".jindu-cache"

typedef struct {
    size_t index;
    const jp_output *out;
    char *key;       /* split key, or NULL */
    char *rel_path;  /* as shown to the user: relative to the project folder */
    char *path;
    jd_doc *doc;
    char hash[65];
    bool haru;
    char *date;
    jd_diags *diags;
    bool ok;
} job;

typedef struct {
    GAsyncQueue *done;  /* finished jobs */
    GAsyncQueue *fonts; /* idle font sets: a worker takes one, or makes one, and gives it back */
    char *fonts_dir;
} build_ctx;

void jd_build_options_init(jd_build_options *opts)
{
    memset(opts, 0, sizeof *opts);
}

void jd_build_result_clear(jd_build_result *r)
{
    g_strfreev(r->built_paths);
    memset(r, 0, sizeof *r);
}

static void job_free(job *j)
{
    g_free(j->key);
    g_free(j->rel_path);
    g_free(j->path);
    g_free(j->date);
    jd_doc_free(j->doc);
    jd_diags_free(j->diags);
    g_free(j);
}

/* ---- hashing ----------------------------------------------------------------------- */

static void hash_file(GChecksum *sum, const char *path)
{
    g_checksum_update(sum, (const guchar *)path, (gssize)strlen(path) + 1);
    if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
        /* a folder of data files (returned forms): its sorted listing and every file */
        GDir *dir = g_dir_open(path, 0, NULL);
        GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
        const char *n;
        while (dir && (n = g_dir_read_name(dir)))
            g_ptr_array_add(names, g_strdup(n));
        if (dir)
            g_dir_close(dir);
        g_ptr_array_sort(names, (GCompareFunc)g_strcmp0);
        for (guint i = 0; i < names->len; i++) {
            char *child = g_build_filename(path, *(char **)&g_ptr_array_index(names, i), NULL);
            hash_file(sum, child);
            g_free(child);
        }
        g_ptr_array_free(names, TRUE);
        return;
    }
    char *data = NULL;
    gsize len = 0;
    if (g_file_get_contents(path, &data, &len, NULL))
        g_checksum_update(sum, (const guchar *)data, (gssize)len);
    else
        g_checksum_update(sum, (const guchar *)"\1missing", 8);
    g_free(data);
}

/* The font set, cheaply: fonts.ini and the size and time of every file it names (reading
 * 5 MB fonts on every build would cost more than the rest of a no-change build). */
static void hash_fonts(GChecksum *sum, const char *dir)
{
    char *ini = g_build_filename(dir, "fonts.ini", NULL);
    char *text = NULL;
    if (g_file_get_contents(ini, &text, NULL, NULL)) {
        g_checksum_update(sum, (const guchar *)text, -1);
        char **lines = g_strsplit(text, "\n", -1);
        for (int i = 0; lines[i]; i++) {
            char *eq = strchr(lines[i], '=');
            if (!eq || lines[i][0] == '#')
                continue;
            char **files = g_strsplit(eq + 1, ";", -1);
            for (int f = 0; files[f]; f++) {
                char *name = g_strstrip(files[f]);
                char *path = g_path_is_absolute(name) ? g_strdup(name) : g_build_filename(dir, name, NULL);
                GStatBuf st;
                char buf[96];
                if (*name && g_stat(path, &st) == 0) {
                    g_snprintf(buf, sizeof buf, "%s:%lld:%lld", name, (long long)st.st_size, (long long)st.st_mtime);
                    g_checksum_update(sum, (const guchar *)buf, -1);
                }
                g_free(path);
            }
            g_strfreev(files);
        }
        g_strfreev(lines);
    }
    g_free(text);
    g_free(ini);
}

static const char *fonts_dir(void)
{
    const char *d = g_getenv("JINDU_FONTS_DIR");
    return d && *d ? d : JD_FONTS_DIR;
}

static char *inputs_hash(jd_project *p, const jd_build_options *opts, GPtrArray *templates)
{
    GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
    g_checksum_update(sum, (const guchar *)"jindu " JD_VERSION, -1);
    hash_file(sum, p->ini_path);
    for (int i = 0; p->data[i]; i++)
        hash_file(sum, strchr(p->data[i], '=') ? strchr(p->data[i], '=') + 1 : p->data[i]);
    for (guint i = 0; i < p->outputs->len; i++) {
        jp_output *o = g_ptr_array_index(p->outputs, i);
        for (int k = 0; o->data && o->data[k]; k++)
            hash_file(sum, strchr(o->data[k], '=') ? strchr(o->data[k], '=') + 1 : o->data[k]);
        const jd_template *t = g_ptr_array_index(templates, i);
        const char *const *files = t ? jd_template_files(t) : NULL;
        for (int k = 0; files && files[k]; k++)
            hash_file(sum, files[k]);
    }
    hash_fonts(sum, fonts_dir());
    if (opts->mark_changes_since)
        hash_file(sum, opts->mark_changes_since);
    char extra[256];
    const char *epoch = g_getenv("SOURCE_DATE_EPOCH");
    g_snprintf(extra, sizeof extra, "%s|%s|%d/%d", epoch ? epoch : "", opts->only ? opts->only : "",
               opts->shard_index, opts->shard_count);
    g_checksum_update(sum, (const guchar *)extra, -1);
    char *hex = g_strdup(g_checksum_get_string(sum));
    g_checksum_free(sum);
    return hex;
}

/* ---- the cache --------------------------------------------------------------------- */

static char *cache_path(jd_project *p, const char *name)
{
    return g_build_filename(p->dir, CACHE_DIR, name, NULL);
}

static char *inputs_file(jd_project *p, const jd_build_options *opts)
{
    char name[64] = "inputs";
    if (opts->shard_count > 0)
        g_snprintf(name, sizeof name, "inputs-%d-of-%d", opts->shard_index, opts->shard_count);
    return cache_path(p, name);
}

/* Each output's document hash in a file of its own, so that shards building at the same
 * time never write the same cache file. */
static char *entry_path(jd_project *p, const char *rel_path)
{
    char *h = g_compute_checksum_for_string(G_CHECKSUM_SHA1, rel_path, -1);
    char *name = g_strdup_printf("outputs/%s", h);
    char *path = cache_path(p, name);
    g_free(name);
    g_free(h);
    return path;
}

static bool cached_equal(jd_project *p, const job *j)
{
    char *path = entry_path(p, j->rel_path), *text = NULL;
    bool same = g_file_get_contents(path, &text, NULL, NULL) && strncmp(text, j->hash, 64) == 0 &&
                g_file_test(j->path, G_FILE_TEST_IS_REGULAR);
    g_free(text);
    g_free(path);
    return same;
}

static void cache_store(jd_project *p, const job *j, jd_diags *diags)
{
    char *path = entry_path(p, j->rel_path);
    char *dir = g_path_get_dirname(path);
    g_mkdir_with_parents(dir, 0755);
    char *line = g_strdup_printf("%s %s\n", j->hash, j->rel_path);
    jd_write_file_atomic(path, line, strlen(line), diags);
    g_free(line);
    g_free(dir);
    g_free(path);
}

/* The no-change check: same inputs as the last complete build, and its outputs are all
 * still there. */
static bool nothing_changed(jd_project *p, const jd_build_options *opts, const char *hash, size_t *outputs)
{
    char *path = inputs_file(p, opts), *text = NULL;
    bool same = g_file_get_contents(path, &text, NULL, NULL) && strncmp(text, hash, 64) == 0 && text[64] == '\n';
    size_t n = 0;
    if (same) {
        char **lines = g_strsplit(text + 65, "\n", -1);
        for (int i = 0; lines[i] && same; i++) {
            if (!*lines[i])
                continue;
            char *out = g_build_filename(p->dir, lines[i], NULL);
            same = g_file_test(out, G_FILE_TEST_IS_REGULAR);
            g_free(out);
            n++;
        }
        g_strfreev(lines);
    }
    g_free(text);
    g_free(path);
    *outputs = n;
    return same;
}

static void store_inputs(jd_project *p, const jd_build_options *opts, const char *hash, GPtrArray *jobs,
                         jd_diags *diags)
{
    GString *s = g_string_new(hash);
    g_string_append_c(s, '\n');
    for (guint i = 0; i < jobs->len; i++) {
        g_string_append(s, ((job *)g_ptr_array_index(jobs, i))->rel_path);
        g_string_append_c(s, '\n');
    }
    char *path = inputs_file(p, opts);
    char *dir = g_path_get_dirname(path);
    g_mkdir_with_parents(dir, 0755);
    jd_write_file_atomic(path, s->str, s->len, diags);
    g_free(dir);
    g_free(path);
    g_string_free(s, TRUE);
}

/* ---- workers ----------------------------------------------------------------------- */

static void render_job(gpointer data, gpointer user)
{
    job *j = data;
    build_ctx *ctx = user;
    jd_fonts *fonts = g_async_queue_try_pop(ctx->fonts);
    if (!fonts)
        fonts = jd_fonts_new(ctx->fonts_dir, j->diags);
    jd_pages *pages = fonts ? jd_layout(j->doc, fonts, j->diags) : NULL;
    if (fonts)
        g_async_queue_push(ctx->fonts, fonts);
    if (pages) {
        jd_render_options ro;
        jd_render_options_init(&ro);
        ro.creation_date = j->date;
        char *dir = g_path_get_dirname(j->path);
        if (g_mkdir_with_parents(dir, 0755) != 0)
            jd_diags_add(j->diags, JD_ERROR, j->rel_path, 0, 0, "cannot create %s: %s", dir, g_strerror(errno));
        else
            j->ok = j->haru ? jd_render_haru(pages, j->path, &ro, j->diags)
                            : jd_render_cairo(pages, j->path, &ro, j->diags);
        g_free(dir);
    }
    jd_pages_free(pages);
    jd_doc_free(j->doc);
    j->doc = NULL;
    g_async_queue_push(ctx->done, j);
}

/* ---- the build --------------------------------------------------------------------- */

typedef struct {
    jd_project *project;
    const jd_build_options *opts;
    jd_build_result *result;
    build_ctx ctx;
    GPtrArray *built; /* rel paths */
    size_t in_flight, finished;
} build_state;

/* Takes one finished job: its cache entry, the counts, the progress line. */
static void collect_one(build_state *b)
{
    job *f = g_async_queue_pop(b->ctx.done);
    b->in_flight--;
    b->finished++;
    if (f->ok) {
        cache_store(b->project, f, f->diags);
        b->result->built++;
        g_ptr_array_add(b->built, g_strdup(f->rel_path));
    } else {
        b->result->failed++;
    }
    if (b->opts->progress)
        b->opts->progress(b->opts->user, b->finished, b->result->total, f->rel_path, true);
}

static jd_value *output_globals(const jd_value *base, const jp_output *o, jd_diags *diags)
{
    /* [params] with the output's own params= on top */
    jd_value *g = jd_value_new_object();
    for (size_t i = 0; i < jd_object_size(base); i++)
        if (strcmp(jd_object_key(base, i), "params") != 0)
            jd_object_set(g, jd_object_key(base, i), jd_value_ref(jd_object_value(base, i)));
    jd_value *params = jd_value_copy(jd_object_get(base, "params"));
    if (o->params && o->params[0]) {
        jd_value *extra = jd_bind_data(NULL, (const char *const *)o->params, NULL, diags);
        const jd_value *ep = jd_object_get(extra, "params");
        for (size_t i = 0; i < jd_object_size(ep); i++)
            jd_object_set(params, jd_object_key(ep, i), jd_value_ref(jd_object_value(ep, i)));
        jd_value_unref(extra);
    }
    jd_object_set(g, "params", params);
    return g;
}

/* Is `path` inside `dir` once both are made absolute and normalised? */
static bool inside(const char *dir, const char *path)
{
    char *d = g_canonicalize_filename(dir, NULL), *f = g_canonicalize_filename(path, NULL);
    size_t n = strlen(d);
    bool ok = strncmp(d, f, n) == 0 && f[n] == G_DIR_SEPARATOR;
    g_free(d);
    g_free(f);
    return ok;
}

static char *relative_to(const char *dir, const char *path)
{
    char *d = g_canonicalize_filename(dir, NULL), *f = g_canonicalize_filename(path, NULL);
    size_t n = strlen(d);
    char *rel = strncmp(d, f, n) == 0 && f[n] == G_DIR_SEPARATOR ? g_strdup(f + n + 1) : g_strdup(path);
    g_free(d);
    g_free(f);
    return rel;
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
    if (opts->shard_count < 0 || (opts->shard_count > 0 && (opts->shard_index < 1 || opts->shard_index > opts->shard_count))) {
        jd_diags_add(diags, JD_ERROR, NULL, 0, 0, "shard %d/%d does not exist", opts->shard_index, opts->shard_count);
        return false;
    }

    GPtrArray *templates = g_ptr_array_new_with_free_func((GDestroyNotify)jd_template_free);
    bool templates_ok = true;
    for (guint i = 0; i < p->outputs->len; i++) {
        jp_output *o = g_ptr_array_index(p->outputs, i);
        jd_template *t = jd_template_load(o->template_path, NULL, diags);
        templates_ok &= t != NULL;
        g_ptr_array_add(templates, t);
    }
    char *in_hash = inputs_hash(p, opts, templates);
    size_t recorded = 0;
    if (templates_ok && !opts->force && nothing_changed(p, opts, in_hash, &recorded)) {
        result->total = result->unchanged = recorded;
        result->built_paths = g_new0(char *, 1);
        result->seconds = (g_get_monotonic_time() - start) / 1e6;
        g_free(in_hash);
        g_ptr_array_free(templates, TRUE);
        return true;
    }

    /* the data, once for the project (and once more for outputs with data of their own) */
    jd_value *base = jd_bind_data((const char *const *)p->data, (const char *const *)p->params,
                                  (const char *const *)p->states, diags);
    if (base && opts->mark_changes_since) {
        jd_value *prev = jd_bind_data((const char *const[]){opts->mark_changes_since, NULL}, NULL,
                                      (const char *const *)p->states, diags);
        const jd_value *list = jd_object_get(base, "list");
        const jd_value *prev_list = prev ? jd_object_get(prev, "list") : NULL;
        if (list && prev_list) {
            jd_object_set(base, "list", jd_mark_changes(list, prev_list, opts->mark_changes_since));
        } else if (prev) {
            jd_diags_add(diags, JD_ERROR, opts->mark_changes_since, 0, 0,
                         "--mark-changes-since needs an earlier task list");
        }
        jd_value_unref(prev);
    }

    build_state b = {p, opts, result, {g_async_queue_new(), g_async_queue_new(), g_strdup(fonts_dir())},
                     g_ptr_array_new(), 0, 0};
    int workers = opts->jobs > 0 ? opts->jobs : p->jobs > 0 ? p->jobs : (int)g_get_num_processors();
    GThreadPool *pool = g_thread_pool_new(render_job, &b.ctx, workers, TRUE, NULL);
    GPtrArray *jobs = g_ptr_array_new_with_free_func((GDestroyNotify)job_free);
    bool ok = base != NULL && templates_ok;

    for (guint i = 0; ok && i < p->outputs->len; i++) {
        jp_output *o = g_ptr_array_index(p->outputs, i);
        if (opts->only && strcmp(opts->only, o->name) != 0)
            continue;
        const jd_template *tpl = g_ptr_array_index(templates, i);
        jd_value *odata = base;
        if (o->data && o->data[0]) {
            /* an output with data of its own binds the project's data and its own together */
            GPtrArray *all = g_ptr_array_new();
            for (int k = 0; p->data[k]; k++)
                g_ptr_array_add(all, p->data[k]);
            for (int k = 0; o->data[k]; k++)
                g_ptr_array_add(all, o->data[k]);
            g_ptr_array_add(all, NULL);
            odata = jd_bind_data((const char *const *)all->pdata, (const char *const *)p->params,
                                 (const char *const *)p->states, diags);
            g_ptr_array_free(all, TRUE);
            if (!odata) {
                result->failed++;
                continue;
            }
        } else {
            jd_value_ref(odata);
        }
        jd_value *globals = output_globals(odata, o, diags);
        jd_value_unref(odata);
        char **keys = o->split != JD_SPLIT_NONE ? jd_split_keys(jd_object_get(globals, "list"), o->split)
                                                : g_strdupv((char *[]){"", NULL});
        for (int k = 0; keys[k]; k++) {
            const char *key = o->split == JD_SPLIT_NONE ? NULL : keys[k];
            char *file = jd_expand_file_pattern(o->pattern, key, jd_object_get(globals, "params"));
            char *path = g_build_filename(p->out_dir, file, NULL);
            g_free(file);
            job *j = g_new0(job, 1);
            j->index = jobs->len;
            j->out = o;
            j->key = g_strdup(key);
            j->path = path;
            j->rel_path = relative_to(p->dir, path);
            j->diags = jd_diags_new();
            const char *backend = o->backend ? o->backend : p->backend;
            j->haru = backend && strcmp(backend, "haru") == 0;
            g_ptr_array_add(jobs, j);
            if (opts->shard_count > 0 && (int)(j->index % (size_t)opts->shard_count) != opts->shard_index - 1)
                continue;
            result->total++;
            if (!inside(p->out_dir, path)) {
                jd_diags_add(j->diags, JD_ERROR, p->ini_path, 0, 0,
                             "[output %s]: file %s is outside the output folder %s", o->name, path, p->out_dir);
                result->failed++;
                continue;
            }
            jd_value *g = key ? jd_split_globals(globals, o->split, key) : jd_value_ref(globals);
            j->doc = jd_template_expand(tpl, g, j->diags);
            jd_value_unref(g);
            if (!j->doc) {
                result->failed++;
                continue;
            }
            /* what the output's bytes depend on besides the document */
            jd_pages *meta = jd_pages_new();
            const char *date = jd_node_string(jd_doc_root(j->doc), JD_ATTR_DATE);
            if (date)
                jd_pages_set_meta(meta, JD_META_DATE, date);
            j->date = jd_render_creation_date(meta, NULL);
            jd_pages_free(meta);
            char dochash[65];
            jd_doc_hash(j->doc, dochash);
            GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
            g_checksum_update(sum, (const guchar *)dochash, 64);
            g_checksum_update(sum, (const guchar *)(j->haru ? "haru" : "cairo"), -1);
            g_checksum_update(sum, (const guchar *)j->date, -1);
            g_checksum_update(sum, (const guchar *)"jindu " JD_VERSION, -1);
            hash_fonts(sum, b.ctx.fonts_dir);
            memcpy(j->hash, g_checksum_get_string(sum), 64);
            g_checksum_free(sum);
            if (!opts->force && cached_equal(p, j)) {
                result->unchanged++;
                jd_doc_free(j->doc);
                j->doc = NULL;
                j->ok = true;
                if (opts->progress)
                    opts->progress(opts->user, ++b.finished, result->total, j->rel_path, false);
                continue;
            }
            /* keep memory bounded: at most two documents waiting per worker */
            while (b.in_flight >= (size_t)workers * 2)
                collect_one(&b);
            b.in_flight++;
            g_thread_pool_push(pool, j, NULL);
        }
        g_strfreev(keys);
        jd_value_unref(globals);
    }
    while (b.in_flight > 0)
        collect_one(&b);
    g_thread_pool_free(pool, FALSE, TRUE);
    jd_fonts *f;
    while ((f = g_async_queue_try_pop(b.ctx.fonts)))
        jd_fonts_free(f);
    g_async_queue_unref(b.ctx.fonts);
    g_async_queue_unref(b.ctx.done);
    g_free(b.ctx.fonts_dir);

    /* messages in the order of the outputs, whatever order the workers finished in */
    for (guint i = 0; i < jobs->len; i++) {
        job *j = g_ptr_array_index(jobs, i);
        jd_diags_append(diags, j->diags);
        if (j->diags && jd_diags_has_errors(j->diags))
            ok = false;
    }
    if (result->failed)
        ok = false;
    if (ok)
        store_inputs(p, opts, in_hash, jobs, diags);
    g_ptr_array_add(b.built, NULL);
    result->built_paths = (char **)g_ptr_array_free(b.built, FALSE);
    result->seconds = (g_get_monotonic_time() - start) / 1e6;
    g_ptr_array_free(jobs, TRUE);
    g_ptr_array_free(templates, TRUE);
    jd_value_unref(base);
    g_free(in_hash);
    return ok;
}
