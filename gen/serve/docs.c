/* The documents out: what the project's builds wrote (jd_project_written, the record in
 * .jindu-cache/) — listed with page counts and build times, each downloadable, all of them
 * as one .zip, and any page as a PNG drawn by jindu's own renderer.
 *
 * A document is named by an id (a digest of its path), never by a path the browser sends:
 * a request for anything else finds nothing. The file sent is opened without following a
 * link and must still be the very file the build recorded (size, time, inode).
 *
 * Previews are laid out and drawn on one thread of their own, so the page stays answered
 * meanwhile; it is the only thread of the server that draws (cairo must not draw one font
 * on two threads), and builds run in other processes. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <zip.h>

#include "jd_backend.h"
#include "serve_private.h"

struct js_docs {
    char *dir;
    char *tmp;            /* the previews drawn, removed when the server stops */
    GHashTable *pages;    /* "path identity" → page count */
    GThreadPool *pool;    /* one thread: previews */
    GMainContext *main;
    /* the preview thread's own */
    jd_fonts *fonts;
    char *laid_key;       /* the document laid out last, and its pages */
    jd_pages *laid;
    bool laid_current;
};

/* ---- zip files --------------------------------------------------------------------------- */

struct js_zip {
    zip_source_t *src;
    zip_t *za;
};

js_zip *js_zip_new(void)
{
    zip_error_t err;
    zip_error_init(&err);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &err);
    if (!src)
        return NULL;
    zip_source_keep(src); /* read again after zip_close */
    zip_t *za = zip_open_from_source(src, ZIP_TRUNCATE, &err);
    zip_error_fini(&err);
    if (!za) {
        zip_source_free(src);
        zip_source_free(src);
        return NULL;
    }
    js_zip *z = g_new0(js_zip, 1);
    z->src = src;
    z->za = za;
    return z;
}

bool js_zip_add(js_zip *z, const char *name, const void *data, size_t len, bool compress)
{
    void *copy = malloc(len ? len : 1); /* libzip frees it with free() */
    if (!copy)
        return false;
    memcpy(copy, data, len);
    zip_source_t *s = zip_source_buffer(z->za, copy, len, 1);
    if (!s) {
        free(copy);
        return false;
    }
    zip_int64_t i = zip_file_add(z->za, name, s, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
    if (i < 0) {
        zip_source_free(s);
        return false;
    }
    return zip_set_file_compression(z->za, (zip_uint64_t)i, compress ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 0) == 0;
}

GBytes *js_zip_finish(js_zip *z)
{
    GBytes *out = NULL;
    if (zip_close(z->za) != 0) {
        zip_discard(z->za);
    } else if (zip_source_open(z->src) == 0) {
        zip_source_seek(z->src, 0, SEEK_END);
        zip_int64_t size = zip_source_tell(z->src);
        zip_source_seek(z->src, 0, SEEK_SET);
        char *buf = g_malloc(size > 0 ? (gsize)size : 1);
        zip_int64_t got = size > 0 ? zip_source_read(z->src, buf, (zip_uint64_t)size) : 0;
        zip_source_close(z->src);
        if (got == size)
            out = g_bytes_new_take(buf, (gsize)size);
        else
            g_free(buf);
    }
    zip_source_free(z->src);
    g_free(z);
    return out;
}

/* ---- the documents ---------------------------------------------------------------------- */

/* A document's id: 16 hex digits of a digest of its path. */
static char *doc_id(const char *rel_path)
{
    char *sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256, rel_path, -1);
    sum[16] = '\0';
    return sum;
}

static char *identity(const jd_written_file *w)
{
    return g_strdup_printf("%s %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GUINT64_FORMAT, w->rel_path, w->size,
                           w->mtime_ns, w->inode);
}

/* The bytes of a written file, if it is still the file the build recorded: opened without
 * following a link, then compared with the record. NULL otherwise. */
static GBytes *read_written(const jd_written_file *w)
{
    int fd = open(w->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size != w->size || (guint64)st.st_ino != w->inode ||
        (gint64)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec != w->mtime_ns) {
        close(fd);
        return NULL;
    }
    char *buf = g_malloc(st.st_size > 0 ? (gsize)st.st_size : 1);
    size_t have = 0;
    while (have < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + have, (size_t)st.st_size - have);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        have += (size_t)n;
    }
    close(fd);
    if (have != (size_t)st.st_size) {
        g_free(buf);
        return NULL;
    }
    return g_bytes_new_take(buf, have);
}

/* The pages of a PDF: its page objects, "/Type /Page" not followed by "s" (both backends
 * write the page dictionaries uncompressed). */
static int pdf_pages(GBytes *pdf)
{
    gsize len;
    const char *p = g_bytes_get_data(pdf, &len), *end = p + len;
    int pages = 0;
    static const char key[] = "/Type";
    for (const char *at = p; (at = memchr(at, '/', (size_t)(end - at)));) {
        if ((size_t)(end - at) < 12 || memcmp(at, key, 5) != 0) {
            at++;
            continue;
        }
        const char *v = at + 5;
        while (v < end && (*v == ' ' || *v == '\n' || *v == '\r'))
            v++;
        if (end - v > 5 && memcmp(v, "/Page", 5) == 0 && !g_ascii_isalnum(v[5]))
            pages++;
        at = v;
    }
    return pages;
}

/* The written outputs; *out (may be NULL) gets the output folder, canonical. NULL when the
 * project cannot be read, after answering `msg` with why. */
static GPtrArray *written(jd_server *s, SoupServerMessage *msg, char **out)
{
    jd_diags *diags = jd_diags_new();
    jd_project *p = jd_project_load(s->dir, diags);
    GPtrArray *files = NULL;
    if (p) {
        files = jd_project_written(p);
        if (out)
            *out = g_canonicalize_filename(jd_project_out_dir(p), NULL);
        jd_project_free(p);
    } else {
        char *text = js_messages_text(diags, false);
        char *why = g_strdup_printf("无法打开项目：\n%s", text);
        js_respond_error(msg, SOUP_STATUS_CONFLICT, why);
        g_free(why);
        g_free(text);
    }
    jd_diags_free(diags);
    return files;
}

static const jd_written_file *find_doc(GPtrArray *files, const char *id)
{
    for (guint i = 0; files && i < files->len; i++) {
        const jd_written_file *w = g_ptr_array_index(files, i);
        char *wid = doc_id(w->rel_path);
        bool same = strcmp(wid, id) == 0;
        g_free(wid);
        if (same)
            return w;
    }
    return NULL;
}

/* The path of a written file inside the output folder `out` ("单位/商务局.pdf"). */
static char *out_relative(const char *out, const jd_written_file *w)
{
    char *file = g_canonicalize_filename(w->path, NULL);
    size_t n = strlen(out);
    char *rel = g_strdup(strncmp(file, out, n) == 0 && file[n] == '/' ? file + n + 1 : w->rel_path);
    g_free(file);
    return rel;
}

void js_docs_list(jd_server *s, SoupServerMessage *msg)
{
    char *out = NULL;
    GPtrArray *files = written(s, msg, &out);
    if (!files)
        return;
    jd_value *docs = jd_value_new_array();
    for (guint i = 0; i < files->len; i++) {
        const jd_written_file *w = g_ptr_array_index(files, i);
        char *key = identity(w);
        int pages = GPOINTER_TO_INT(g_hash_table_lookup(s->docs->pages, key));
        if (!pages) {
            GBytes *pdf = read_written(w);
            if (!pdf) {
                g_free(key);
                continue; /* changed since the listing began */
            }
            pages = pdf_pages(pdf);
            g_bytes_unref(pdf);
            g_hash_table_insert(s->docs->pages, g_strdup(key), GINT_TO_POINTER(pages));
        }
        g_free(key);
        char *rel = out_relative(out, w);
        char *slash = strchr(rel, '/');
        char *base = g_path_get_basename(rel);
        if (g_str_has_suffix(base, ".pdf") || g_str_has_suffix(base, ".PDF"))
            base[strlen(base) - 4] = '\0';
        GDateTime *t = g_date_time_new_from_unix_local(w->mtime_ns / 1000000000);
        jd_value *d = jd_value_new_object();
        jd_object_set(d, "id", jd_value_new_string_take(doc_id(w->rel_path)));
        jd_object_set(d, "path", jd_value_new_string(rel));
        jd_object_set(d, "group", slash ? jd_value_new_string_len(rel, (size_t)(slash - rel)) : jd_value_new_string(""));
        jd_object_set(d, "name", jd_value_new_string_take(base));
        jd_object_set(d, "pages", jd_value_new_int(pages));
        jd_object_set(d, "size", jd_value_new_int(w->size));
        jd_object_set(d, "built", jd_value_new_string_take(g_date_time_format(t, "%Y-%m-%d %H:%M:%S")));
        g_date_time_unref(t);
        jd_array_append(docs, d);
        g_free(rel);
    }
    g_ptr_array_unref(files);
    g_free(out);
    jd_value *o = jd_value_new_object();
    jd_object_set(o, "docs", docs);
    js_respond_json(msg, SOUP_STATUS_OK, o);
}

void js_docs_zip(jd_server *s, SoupServerMessage *msg)
{
    char *out = NULL;
    GPtrArray *files = written(s, msg, &out);
    if (!files)
        return;
    if (!files->len) {
        g_ptr_array_unref(files);
        g_free(out);
        js_respond_error(msg, SOUP_STATUS_NOT_FOUND, "还没有生成任何文档");
        return;
    }
    js_zip *z = js_zip_new();
    bool ok = z != NULL;
    for (guint i = 0; ok && i < files->len; i++) {
        const jd_written_file *w = g_ptr_array_index(files, i);
        GBytes *pdf = read_written(w);
        if (!pdf)
            continue; /* changed since the listing: not the project's file any more */
        char *rel = out_relative(out, w);
        gsize len;
        const void *data = g_bytes_get_data(pdf, &len);
        ok = js_zip_add(z, rel, data, len, false);
        g_free(rel);
        g_bytes_unref(pdf);
    }
    GBytes *zip = z ? js_zip_finish(z) : NULL;
    g_ptr_array_unref(files);
    g_free(out);
    if (!ok || !zip) {
        if (zip)
            g_bytes_unref(zip);
        js_respond_error(msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "无法打包文档");
        return;
    }
    js_respond_bytes(msg, SOUP_STATUS_OK, "application/zip", zip);
    js_set_attachment(msg, "全部文档.zip");
}

/* ---- previews ---------------------------------------------------------------------------- */

typedef struct {
    js_docs *docs;
    SoupServerMessage *msg;
    bool gone;       /* the browser left before the picture was ready */
    char *rel_path;
    char *key;       /* the document and the data it is drawn from */
    int page;
    /* the answer */
    guint status;
    GBytes *png;
    char *error;
    bool current;
    int pages;
} preview;

static void preview_free(preview *pv)
{
    g_object_unref(pv->msg);
    g_free(pv->rel_path);
    g_free(pv->key);
    if (pv->png)
        g_bytes_unref(pv->png);
    g_free(pv->error);
    g_free(pv);
}

static void msg_gone(SoupServerMessage *msg, gpointer data)
{
    ((preview *)data)->gone = true;
}

static gboolean preview_answer(gpointer data)
{
    preview *pv = data;
    g_signal_handlers_disconnect_by_data(pv->msg, pv);
    if (!pv->gone) {
        if (pv->png) {
            js_respond_bytes(pv->msg, SOUP_STATUS_OK, "image/png", g_steal_pointer(&pv->png));
            SoupMessageHeaders *h = soup_server_message_get_response_headers(pv->msg);
            soup_message_headers_replace(h, "X-Jindu-Current", pv->current ? "1" : "0");
            char pages[16];
            g_snprintf(pages, sizeof pages, "%d", pv->pages);
            soup_message_headers_replace(h, "X-Jindu-Pages", pages);
        } else {
            js_respond_error(pv->msg, pv->status, pv->error ? pv->error : "无法预览");
        }
        soup_server_message_unpause(pv->msg);
    }
    preview_free(pv);
    return G_SOURCE_REMOVE;
}

/* On the preview thread: lay the document out (unless it is the one laid out last) and
 * draw the page. */
static void preview_run(gpointer data, gpointer user)
{
    preview *pv = data;
    js_docs *d = pv->docs;
    jd_diags *diags = jd_diags_new();
    if (!d->fonts)
        d->fonts = jd_fonts_new(NULL, diags);
    if (d->fonts && g_strcmp0(d->laid_key, pv->key) != 0) {
        jd_pages_free(d->laid);
        d->laid = NULL;
        g_clear_pointer(&d->laid_key, g_free);
        jd_project *p = jd_project_load(d->dir, diags);
        if (p) {
            d->laid = jd_project_output_pages(p, pv->rel_path, d->fonts, &d->laid_current, diags);
            d->laid_key = d->laid ? g_strdup(pv->key) : NULL;
        }
        jd_project_free(p);
    }
    if (!d->laid) {
        char *text = js_messages_text(diags, false);
        pv->status = SOUP_STATUS_CONFLICT;
        pv->error = g_strdup_printf("无法排版这份文档：\n%s", text);
        g_free(text);
    } else if (pv->page > (int)jd_pages_count(d->laid)) {
        pv->status = SOUP_STATUS_NOT_FOUND;
        pv->error = g_strdup_printf("这份文档只有 %zu 页", jd_pages_count(d->laid));
    } else {
        char *digest = g_compute_checksum_for_string(G_CHECKSUM_SHA256, pv->key, -1);
        char *name = g_strdup_printf("%s-%d.png", digest, pv->page);
        char *path = g_build_filename(d->tmp, name, NULL);
        jd_render_options ro;
        jd_render_options_init(&ro);
        ro.format = JD_OUTPUT_PNG;
        ro.page = pv->page;
        ro.dpi = 96;
        char *png = NULL;
        gsize len = 0;
        if ((g_file_test(path, G_FILE_TEST_IS_REGULAR) || jd_render_cairo(d->laid, path, &ro, diags)) &&
            g_file_get_contents(path, &png, &len, NULL)) {
            pv->png = g_bytes_new_take(png, len);
            pv->current = d->laid_current;
            pv->pages = (int)jd_pages_count(d->laid);
        } else {
            char *text = js_messages_text(diags, false);
            pv->status = SOUP_STATUS_INTERNAL_SERVER_ERROR;
            pv->error = g_strdup_printf("无法绘制这一页：\n%s", text);
            g_free(text);
        }
        g_free(path);
        g_free(name);
        g_free(digest);
    }
    jd_diags_free(diags);
    g_main_context_invoke(d->main, preview_answer, pv);
}

static void preview_page(jd_server *s, SoupServerMessage *msg, const jd_written_file *w, int page)
{
    /* what the picture depends on: the document's file and the project's data now */
    js_data_snapshot(s->data);
    preview *pv = g_new0(preview, 1);
    pv->docs = s->docs;
    pv->msg = g_object_ref(msg);
    pv->rel_path = g_strdup(w->rel_path);
    char *id = identity(w);
    pv->key = g_strdup_printf("%s|%s", id, js_data_stamp(s->data));
    g_free(id);
    pv->page = page;
    g_signal_connect(msg, "finished", G_CALLBACK(msg_gone), pv);
    soup_server_message_pause(msg);
    g_thread_pool_push(s->docs->pool, pv, NULL);
}

void js_docs_get(jd_server *s, SoupServerMessage *msg, const char *rest)
{
    /* ID.pdf, or ID/N.png; nothing else names a document */
    char id[17] = "";
    int page = 0;
    size_t n = strspn(rest, "0123456789abcdef");
    bool pdf = n == 16 && strcmp(rest + 16, ".pdf") == 0;
    bool png = false;
    if (n == 16 && rest[16] == '/') {
        const char *num = rest + 17;
        size_t digits = strspn(num, "0123456789");
        png = digits > 0 && digits <= 5 && num[0] != '0' && strcmp(num + digits, ".png") == 0;
        page = png ? atoi(num) : 0;
    }
    if (!pdf && !png) {
        js_respond_error(msg, SOUP_STATUS_NOT_FOUND, "没有这个文档");
        return;
    }
    memcpy(id, rest, 16);
    GPtrArray *files = written(s, msg, NULL);
    if (!files)
        return;
    const jd_written_file *w = find_doc(files, id);
    if (!w) {
        js_respond_error(msg, SOUP_STATUS_NOT_FOUND, "没有这个文档");
    } else if (png) {
        preview_page(s, msg, w, page);
    } else {
        GBytes *bytes = read_written(w);
        if (bytes) {
            js_respond_bytes(msg, SOUP_STATUS_OK, "application/pdf", bytes);
            char *base = g_path_get_basename(w->rel_path);
            js_set_attachment(msg, base);
            g_free(base);
        } else {
            js_respond_error(msg, SOUP_STATUS_CONFLICT, "文档在生成后被改动过，请重新生成");
        }
    }
    g_ptr_array_unref(files);
}

/* ---- setting up ----------------------------------------------------------------------------- */

js_docs *js_docs_new(const char *dir, GError **error)
{
    char *tmp = g_dir_make_tmp("jindu-serve-XXXXXX", error);
    if (!tmp)
        return NULL;
    js_docs *d = g_new0(js_docs, 1);
    d->dir = g_strdup(dir);
    d->tmp = tmp;
    d->pages = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    d->main = g_main_context_ref_thread_default();
    d->pool = g_thread_pool_new(preview_run, d, 1, TRUE, NULL);
    return d;
}

void js_docs_free(js_docs *d)
{
    if (!d)
        return;
    /* the previews asked for are drawn, then the thread ends */
    g_thread_pool_free(d->pool, FALSE, TRUE);
    jd_pages_free(d->laid);
    g_free(d->laid_key);
    jd_fonts_free(d->fonts);
    GDir *dir = g_dir_open(d->tmp, 0, NULL);
    for (const char *n; dir && (n = g_dir_read_name(dir));) {
        char *path = g_build_filename(d->tmp, n, NULL);
        g_unlink(path);
        g_free(path);
    }
    if (dir)
        g_dir_close(dir);
    g_rmdir(d->tmp);
    g_free(d->tmp);
    g_hash_table_destroy(d->pages);
    g_main_context_unref(d->main);
    g_free(d->dir);
    g_free(d);
}
