/* The HTTP server: libsoup 3 on the GLib main loop. Who may talk to it (the token, the Host,
 * the method, the size of a body) is decided in the early handler, before a body is read;
 * the handler then routes by path. Every response carries the security headers. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>

#include "serve_private.h"

/* Compiled-in assets (serve.gresource.xml): the page, its script and its style. */
extern GResource *jd_serve_get_resource(void);

/* Scripts and styles only from the server itself, never inline; pictures from it too (the
 * previews); fetches and the event stream to it; no frames, no forms posted elsewhere. */
static const char csp[] = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; "
                          "connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

/* ---- responses ----------------------------------------------------------------------- */

void js_respond_bytes(SoupServerMessage *msg, guint status, const char *type, GBytes *bytes)
{
    soup_server_message_set_status(msg, status, NULL);
    SoupMessageHeaders *h = soup_server_message_get_response_headers(msg);
    soup_message_headers_replace(h, "Content-Type", type);
    soup_message_body_append_bytes(soup_server_message_get_response_body(msg), bytes);
    g_bytes_unref(bytes);
}

void js_respond_json(SoupServerMessage *msg, guint status, jd_value *v)
{
    char *json = jd_value_to_json(v, false);
    jd_value_unref(v);
    js_respond_bytes(msg, status, "application/json; charset=utf-8", g_bytes_new_take(json, strlen(json)));
}

void js_respond_error(SoupServerMessage *msg, guint status, const char *message)
{
    jd_value *v = jd_value_new_object();
    jd_object_set(v, "error", jd_value_new_string(message));
    js_respond_json(msg, status, v);
}

void js_set_attachment(SoupServerMessage *msg, const char *file_name)
{
    /* an ASCII name for old clients, the real one percent-encoded (RFC 6266, 8187) */
    char *encoded = g_uri_escape_string(file_name, NULL, FALSE);
    const char *dot = strrchr(file_name, '.');
    char *value = g_strdup_printf("attachment; filename=\"jindu%s\"; filename*=UTF-8''%s", dot ? dot : "", encoded);
    soup_message_headers_replace(soup_server_message_get_response_headers(msg), "Content-Disposition", value);
    g_free(value);
    g_free(encoded);
}

bool js_query_period(GHashTable *query, jd_period *period)
{
    const char *text = query ? g_hash_table_lookup(query, "period") : NULL;
    return text && jd_period_parse(text, period);
}

static void on_request_started(SoupServer *soup, SoupServerMessage *msg, gpointer data)
{
    SoupMessageHeaders *h = soup_server_message_get_response_headers(msg);
    soup_message_headers_replace(h, "Content-Security-Policy", csp);
    soup_message_headers_replace(h, "X-Content-Type-Options", "nosniff");
    soup_message_headers_replace(h, "X-Frame-Options", "DENY");
    soup_message_headers_replace(h, "Referrer-Policy", "no-referrer");
    soup_message_headers_replace(h, "Cross-Origin-Opener-Policy", "same-origin");
    soup_message_headers_replace(h, "Cross-Origin-Resource-Policy", "same-origin");
    soup_message_headers_replace(h, "Cache-Control", "no-store");
}

/* ---- who may ask ---------------------------------------------------------------------- */

/* Equal strings, in a time that does not tell how much of a guess was right. */
static bool same_secret(const char *given, const char *secret)
{
    size_t n = strlen(secret), m = strlen(given);
    unsigned char diff = m != n;
    for (size_t i = 0; i < n; i++)
        diff |= (unsigned char)(secret[i] ^ (i < m ? given[i] : 0));
    return diff == 0;
}

/* The token in the cookie, or in ?t= (the printed address). */
static bool has_token(jd_server *s, SoupServerMessage *msg, GHashTable *query)
{
    const char *t = query ? g_hash_table_lookup(query, "t") : NULL;
    if (t && same_secret(t, s->token))
        return true;
    const char *cookies = soup_message_headers_get_one(soup_server_message_get_request_headers(msg), "Cookie");
    bool ok = false;
    char **parts = cookies ? g_strsplit(cookies, ";", -1) : NULL;
    for (int i = 0; parts && parts[i] && !ok; i++) {
        char *c = g_strstrip(parts[i]), *eq = strchr(c, '=');
        if (eq && (size_t)(eq - c) == strlen(s->cookie) && strncmp(c, s->cookie, (size_t)(eq - c)) == 0)
            ok = same_secret(eq + 1, s->token);
    }
    g_strfreev(parts);
    return ok;
}

/* A Host header naming this server: one of the loopback names (or the --listen address)
 * with its port. Any other name could be a DNS-rebinding page's. */
static bool host_ok(jd_server *s, const char *host)
{
    if (!host || !*host)
        return false;
    for (char **h = s->hosts; *h; h++)
        if (g_ascii_strcasecmp(host, *h) == 0)
            return true;
    if (!s->any_ip_host)
        return false;
    /* listening on every interface: the machine's addresses and its name */
    const char *colon = strrchr(host, ':');
    char *name = colon ? g_strndup(host, (gsize)(colon - host)) : g_strdup(host);
    bool ok = colon && atoi(colon + 1) == s->port;
    if (name[0] == '[' && name[strlen(name) - 1] == ']') {
        memmove(name, name + 1, strlen(name) - 2);
        name[strlen(name) - 2] = '\0';
    }
    ok = ok && (g_hostname_is_ip_address(name) || g_ascii_strcasecmp(name, g_get_host_name()) == 0);
    g_free(name);
    return ok;
}

/* A refusal from the early handler. libsoup still reads the body the client sends (unless
 * it asked "Expect: 100-continue", when the refusal goes at once and no body comes): it is
 * thrown away as it arrives, never kept, and the connection is closed after the answer. */
static void refuse(SoupServerMessage *msg, guint status, const char *message)
{
    js_respond_error(msg, status, message);
    soup_message_body_set_accumulate(soup_server_message_get_request_body(msg), FALSE);
    soup_message_headers_replace(soup_server_message_get_response_headers(msg), "Connection", "close");
}

/* Before a body is read: a request that may not be answered is refused here, so that what
 * it would have sent is never read. */
static void early_handler(SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer data)
{
    jd_server *s = data;
    const char *method = soup_server_message_get_method(msg);
    SoupMessageHeaders *rh = soup_server_message_get_request_headers(msg);
    bool post = strcmp(method, "POST") == 0;
    if (!host_ok(s, soup_message_headers_get_one(rh, "Host"))) {
        refuse(msg, SOUP_STATUS_MISDIRECTED_REQUEST, "Host 不是本服务的地址");
        return;
    }
    if (!post && strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
        /* OPTIONS too: no CORS preflight is ever answered */
        refuse(msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "只接受 GET 和 POST");
        soup_message_headers_replace(soup_server_message_get_response_headers(msg), "Allow", "GET, HEAD, POST");
        return;
    }
    if (!has_token(s, msg, query)) {
        refuse(msg, SOUP_STATUS_FORBIDDEN, "需要令牌：请打开 jindu serve 打印的完整地址");
        return;
    }
    if (post) {
        /* a page elsewhere cannot send this header without a CORS preflight, which is never
         * answered; the SameSite cookie is not sent to it either */
        const char *t = soup_message_headers_get_one(rh, "X-Jindu-Token");
        const char *origin = soup_message_headers_get_one(rh, "Origin");
        char *own = g_strdup_printf("http://%s", soup_message_headers_get_one(rh, "Host"));
        bool same_origin = !origin || g_ascii_strcasecmp(origin, own) == 0;
        g_free(own);
        if (!t || !same_secret(t, s->token) || !same_origin) {
            refuse(msg, SOUP_STATUS_FORBIDDEN, "POST 需要本页面发出（令牌或来源不符）");
            return;
        }
    }
    SoupEncoding enc = soup_message_headers_get_encoding(rh);
    goffset length = enc == SOUP_ENCODING_CONTENT_LENGTH ? soup_message_headers_get_content_length(rh) : 0;
    if (enc == SOUP_ENCODING_CHUNKED || enc == SOUP_ENCODING_EOF) {
        refuse(msg, SOUP_STATUS_LENGTH_REQUIRED, "请求须注明长度（Content-Length）");
        return;
    }
    if (length > (post ? JS_MAX_BODY : 0)) {
        char *text = g_strdup_printf("请求太大：最多 %d MB", JS_MAX_BODY >> 20);
        refuse(msg, post ? SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE : SOUP_STATUS_BAD_REQUEST,
               post ? text : "GET 请求不能带内容");
        g_free(text);
    }
}

/* ---- the page --------------------------------------------------------------------------- */

static GBytes *asset(const char *name)
{
    char *path = g_strconcat("/jindu/serve/", name, NULL);
    GBytes *b = g_resource_lookup_data(jd_serve_get_resource(), path, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
    g_free(path);
    return b;
}

static void page(jd_server *s, SoupServerMessage *msg, GHashTable *query)
{
    if (query && g_hash_table_lookup(query, "t")) {
        /* the token from the printed address becomes a cookie, and leaves the address bar */
        char *cookie = g_strdup_printf("%s=%s; Path=/; HttpOnly; SameSite=Strict", s->cookie, s->token);
        soup_message_headers_append(soup_server_message_get_response_headers(msg), "Set-Cookie", cookie);
        g_free(cookie);
        soup_server_message_set_redirect(msg, SOUP_STATUS_SEE_OTHER, "/");
        return;
    }
    GBytes *b = asset("index.html");
    gsize len;
    const char *html = g_bytes_get_data(b, &len);
    /* the token for the script's POST header (the cookie is HttpOnly) */
    char *text = g_strndup(html, len);
    char **parts = g_strsplit(text, "{{TOKEN}}", -1);
    char *filled = g_strjoinv(s->token, parts);
    g_strfreev(parts);
    g_free(text);
    g_bytes_unref(b);
    js_respond_bytes(msg, SOUP_STATUS_OK, "text/html; charset=utf-8", g_bytes_new_take(filled, strlen(filled)));
}

/* ---- the overview and the build ----------------------------------------------------------- */

static jd_value *build_state(jd_server *s)
{
    jd_value *b = jd_value_new_object();
    jd_object_set(b, "running", jd_value_new_bool(s->building));
    if (s->building && s->build_progress)
        jd_object_set(b, "progress", jd_value_ref(s->build_progress));
    if (s->last_build)
        jd_object_set(b, "last", jd_value_ref(s->last_build));
    return b;
}

static void state(jd_server *s, SoupServerMessage *msg, GHashTable *query)
{
    const js_snapshot *snap = js_data_snapshot(s->data);
    jd_value *o;
    if (snap->error) {
        o = jd_value_new_object();
        jd_object_set(o, "error", jd_value_new_string(snap->error));
    } else {
        jd_period period;
        const char *asked = query ? g_hash_table_lookup(query, "period") : NULL;
        if (asked && !jd_period_parse(asked, &period)) {
            js_respond_error(msg, SOUP_STATUS_BAD_REQUEST, "报告期无法识别");
            return;
        }
        if (!asked && !(snap->default_period && jd_period_parse(snap->default_period, &period))) {
            /* no period anywhere: the current quarter */
            GDateTime *now = g_date_time_new_now_local();
            period = (jd_period){g_date_time_get_year(now), (g_date_time_get_month(now) - 1) / 3 + 1, 0};
            g_date_time_unref(now);
        }
        o = js_overview(snap, &period);
        jd_object_set(o, "periods", jd_value_ref(snap->periods));
        jd_object_set(o, "next_period", jd_value_new_string(snap->next_period));
        jd_object_set(o, "forms_folder", snap->forms_dir ? jd_value_new_string_take(js_project_relative(s->dir, snap->forms_dir))
                                                         : jd_value_new_null());
    }
    jd_object_set(o, "title", jd_value_new_string(snap->title ? snap->title : ""));
    jd_object_set(o, "project", jd_value_new_string(s->dir));
    jd_object_set(o, "build", build_state(s));
    js_respond_json(msg, SOUP_STATUS_OK, o);
}

static void on_build_event(void *user, jd_value *event)
{
    jd_server *s = user;
    const char *what = jd_object_get_string(event, "event");
    if (g_strcmp0(what, "progress") == 0) {
        jd_value_unref(s->build_progress);
        s->build_progress = jd_value_ref(event);
        js_broadcast(s, "build", jd_value_ref(event));
        return;
    }
    if (g_strcmp0(what, "result") == 0) {
        jd_value_unref(s->last_build);
        s->last_build = jd_value_copy(event);
        GDateTime *now = g_date_time_new_now_local();
        jd_object_set(s->last_build, "finished", jd_value_new_string_take(g_date_time_format(now, "%Y-%m-%d %H:%M:%S")));
        g_date_time_unref(now);
        jd_object_set(s->last_build, "wall_seconds",
                      jd_value_new_double((double)(g_get_monotonic_time() - s->build_started) / 1e6));
        s->build_reported = true;
        return;
    }
    /* the build process ended ("exit"), or the helper itself ("gone") */
    if (!s->building)
        return;
    s->building = false;
    if (!s->build_reported) {
        /* it ended without a result: it crashed */
        jd_value_unref(s->last_build);
        s->last_build = jd_value_new_object();
        jd_object_set(s->last_build, "ok", jd_value_new_bool(false));
        jd_value *m = jd_value_new_array(), *one = jd_value_new_object();
        jd_object_set(one, "severity", jd_value_new_string("error"));
        jd_object_set(one, "text", jd_value_new_string("生成文档的进程意外退出，请查看终端中的信息"));
        jd_array_append(m, one);
        jd_object_set(s->last_build, "messages", m);
    }
    jd_value *done = jd_value_new_object();
    jd_object_set(done, "event", jd_value_new_string("done"));
    jd_object_set(done, "result", jd_value_ref(s->last_build));
    js_broadcast(s, "build", done);
    js_broadcast(s, "docs", jd_value_new_object());
}

static void build_start(jd_server *s, SoupServerMessage *msg, GHashTable *query)
{
    if (s->building) {
        js_respond_error(msg, SOUP_STATUS_CONFLICT, "正在生成文档，请等这一次完成");
        return;
    }
    bool force = query && g_strcmp0(g_hash_table_lookup(query, "force"), "1") == 0;
    s->build_started = g_get_monotonic_time();
    if (!js_helper_build(s->helper, force)) {
        js_respond_error(msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "生成文档的辅助进程已退出，请重新启动 jindu serve");
        return;
    }
    s->building = true;
    s->build_reported = false;
    g_clear_pointer(&s->build_progress, jd_value_unref);
    jd_value *e = jd_value_new_object();
    jd_object_set(e, "event", jd_value_new_string("started"));
    js_broadcast(s, "build", e);
    jd_value *v = jd_value_new_object();
    jd_object_set(v, "started", jd_value_new_bool(true));
    js_respond_json(msg, SOUP_STATUS_ACCEPTED, v);
}

/* ---- events (server-sent events) ------------------------------------------------------------ */

static void stream_finished(SoupServerMessage *msg, gpointer data)
{
    jd_server *s = data;
    g_ptr_array_remove(s->streams, msg);
    g_object_unref(msg);
}

static void stream_send(SoupServerMessage *msg, const char *text)
{
    soup_message_body_append(soup_server_message_get_response_body(msg), SOUP_MEMORY_COPY, text, strlen(text));
    soup_server_message_unpause(msg);
}

void js_broadcast(jd_server *s, const char *event, jd_value *data)
{
    char *json = jd_value_to_json(data, false);
    jd_value_unref(data);
    char *text = g_strdup_printf("event: %s\ndata: %s\n\n", event, json);
    for (guint i = 0; i < s->streams->len; i++)
        stream_send(g_ptr_array_index(s->streams, i), text);
    g_free(text);
    g_free(json);
}

static gboolean ping(gpointer data)
{
    jd_server *s = data;
    for (guint i = 0; i < s->streams->len; i++)
        stream_send(g_ptr_array_index(s->streams, i), ": ping\n\n");
    return G_SOURCE_CONTINUE;
}

static void events(jd_server *s, SoupServerMessage *msg)
{
    soup_server_message_set_status(msg, SOUP_STATUS_OK, NULL);
    SoupMessageHeaders *h = soup_server_message_get_response_headers(msg);
    soup_message_headers_set_encoding(h, SOUP_ENCODING_CHUNKED);
    soup_message_headers_replace(h, "Content-Type", "text/event-stream; charset=utf-8");
    soup_message_body_set_accumulate(soup_server_message_get_response_body(msg), FALSE);
    g_ptr_array_add(s->streams, g_object_ref(msg));
    g_signal_connect(msg, "finished", G_CALLBACK(stream_finished), s);
    stream_send(msg, "retry: 2000\n\n");
}

/* ---- routing ------------------------------------------------------------------------------ */

static void handler(SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer data)
{
    jd_server *s = data;
    bool post = strcmp(soup_server_message_get_method(msg), "POST") == 0;
    static const char *const get_only[] = {"/", "/app.js", "/app.css", "/api/state", "/api/events",
                                           "/api/docs", "/api/docs.zip", "/api/blank-forms.zip"};
    bool known_get = g_str_has_prefix(path, "/api/docs/");
    for (size_t i = 0; i < G_N_ELEMENTS(get_only); i++)
        known_get |= strcmp(path, get_only[i]) == 0;
    if (post && known_get) {
        js_respond_error(msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "这里只接受 GET");
        soup_message_headers_replace(soup_server_message_get_response_headers(msg), "Allow", "GET, HEAD");
    } else if (!post && strcmp(path, "/api/forms") == 0) {
        js_respond_error(msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "这里只接受 POST");
        soup_message_headers_replace(soup_server_message_get_response_headers(msg), "Allow", "POST");
    } else if (strcmp(path, "/") == 0) {
        page(s, msg, query);
    } else if (strcmp(path, "/app.js") == 0) {
        js_respond_bytes(msg, SOUP_STATUS_OK, "text/javascript; charset=utf-8", asset("app.js"));
    } else if (strcmp(path, "/app.css") == 0) {
        js_respond_bytes(msg, SOUP_STATUS_OK, "text/css; charset=utf-8", asset("app.css"));
    } else if (strcmp(path, "/api/state") == 0) {
        state(s, msg, query);
    } else if (strcmp(path, "/api/events") == 0) {
        events(s, msg);
    } else if (strcmp(path, "/api/build") == 0) {
        if (post)
            build_start(s, msg, query);
        else
            js_respond_json(msg, SOUP_STATUS_OK, build_state(s));
    } else if (strcmp(path, "/api/forms") == 0) {
        js_forms_upload(s, msg, query);
    } else if (strcmp(path, "/api/blank-forms.zip") == 0) {
        js_forms_blank_zip(s, msg, query);
    } else if (strcmp(path, "/api/docs") == 0) {
        js_docs_list(s, msg);
    } else if (strcmp(path, "/api/docs.zip") == 0) {
        js_docs_zip(s, msg);
    } else if (g_str_has_prefix(path, "/api/docs/")) {
        js_docs_get(s, msg, path + strlen("/api/docs/"));
    } else {
        js_respond_error(msg, SOUP_STATUS_NOT_FOUND, "没有这个地址");
    }
}

/* ---- the server ------------------------------------------------------------------------------ */

static char *random_token(jd_diags *diags)
{
    guint8 bytes[16];
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    ssize_t got = fd >= 0 ? read(fd, bytes, sizeof bytes) : -1;
    if (fd >= 0)
        close(fd);
    if (got != (ssize_t)sizeof bytes) {
        jd_diags_add(diags, JD_ERROR, "/dev/urandom", 0, 0, "cannot read random bytes for the token");
        return NULL;
    }
    GString *hex = g_string_new(NULL);
    for (size_t i = 0; i < sizeof bytes; i++)
        g_string_append_printf(hex, "%02x", bytes[i]);
    return g_string_free(hex, FALSE);
}

static bool listen_on(jd_server *s, const jd_serve_options *o, jd_diags *diags)
{
    GError *err = NULL;
    bool ok;
    if (!o->listen) {
        ok = soup_server_listen_local(s->soup, (guint)o->port, 0, &err);
    } else {
        GInetAddress *addr = g_inet_address_new_from_string(o->listen);
        if (!addr) {
            jd_diags_add(diags, JD_ERROR, NULL, 0, 0, "--listen %s: not an IP address (e.g. 192.168.1.10, or 0.0.0.0 for every interface)", o->listen);
            return false;
        }
        GSocketAddress *sa = g_inet_socket_address_new(addr, (guint16)o->port);
        ok = soup_server_listen(s->soup, sa, 0, &err);
        g_object_unref(sa);
        s->any_ip_host = g_inet_address_get_is_any(addr);
        g_object_unref(addr);
    }
    if (!ok) {
        jd_diags_add(diags, JD_ERROR, NULL, 0, 0, "cannot listen on %s port %d: %s", o->listen ? o->listen : "127.0.0.1",
                     o->port, err->message);
        g_error_free(err);
        return false;
    }
    GSList *uris = soup_server_get_uris(s->soup);
    s->port = uris ? g_uri_get_port(uris->data) : o->port;
    g_slist_free_full(uris, (GDestroyNotify)g_uri_unref);
    return true;
}

jd_server *jd_server_new(const jd_serve_options *o, jd_diags *diags)
{
    jd_server *s = g_new0(jd_server, 1);
    s->dir = g_strdup(o->dir && *o->dir ? o->dir : ".");
    s->streams = g_ptr_array_new();
    /* first, while this process has a single thread */
    GError *err = NULL;
    s->helper = js_helper_start(s->dir, on_build_event, s, &err);
    if (!s->helper) {
        jd_diags_add(diags, JD_ERROR, NULL, 0, 0, "cannot start the build helper: %s", err->message);
        g_error_free(err);
        jd_server_free(s);
        return NULL;
    }
    jd_project *p = jd_project_load(s->dir, diags);
    if (!p || !(s->token = random_token(diags))) {
        jd_project_free(p);
        jd_server_free(s);
        return NULL;
    }
    jd_project_free(p);
    s->data = js_data_new(s->dir);
    s->docs = js_docs_new(s->dir, &err);
    if (!s->docs) {
        jd_diags_add(diags, JD_ERROR, NULL, 0, 0, "%s", err->message);
        g_error_free(err);
        jd_server_free(s);
        return NULL;
    }
    s->soup = soup_server_new("server-header", NULL, NULL);
    g_signal_connect(s->soup, "request-started", G_CALLBACK(on_request_started), s);
    soup_server_add_early_handler(s->soup, NULL, early_handler, s, NULL);
    soup_server_add_handler(s->soup, NULL, handler, s, NULL);
    if (!listen_on(s, o, diags)) {
        jd_server_free(s);
        return NULL;
    }
    s->cookie = g_strdup_printf("jindu-%d", s->port);
    GPtrArray *hosts = g_ptr_array_new();
    g_ptr_array_add(hosts, g_strdup_printf("127.0.0.1:%d", s->port));
    g_ptr_array_add(hosts, g_strdup_printf("localhost:%d", s->port));
    g_ptr_array_add(hosts, g_strdup_printf("[::1]:%d", s->port));
    if (o->listen)
        g_ptr_array_add(hosts, g_strdup_printf(strchr(o->listen, ':') ? "[%s]:%d" : "%s:%d", o->listen, s->port));
    g_ptr_array_add(hosts, NULL);
    s->hosts = (char **)g_ptr_array_free(hosts, FALSE);
    const char *host = o->listen && !s->any_ip_host ? o->listen : "127.0.0.1";
    s->url = g_strdup_printf(strchr(host, ':') ? "http://[%s]:%d/?t=%s" : "http://%s:%d/?t=%s", host, s->port, s->token);
    s->ping = g_timeout_add_seconds(15, ping, s);
    s->watch = js_watch_new(s);
    return s;
}

const char *jd_server_url(const jd_server *s)
{
    return s->url;
}

int jd_server_port(const jd_server *s)
{
    return s->port;
}

void jd_server_free(jd_server *s)
{
    if (!s)
        return;
    js_watch_free(s->watch);
    if (s->ping)
        g_source_remove(s->ping);
    if (s->soup) {
        soup_server_disconnect(s->soup);
        g_object_unref(s->soup);
    }
    while (s->streams->len) {
        SoupServerMessage *m = g_ptr_array_steal_index(s->streams, s->streams->len - 1);
        g_signal_handlers_disconnect_by_data(m, s);
        g_object_unref(m);
    }
    g_ptr_array_free(s->streams, TRUE);
    js_helper_free(s->helper);
    js_data_free(s->data);
    js_docs_free(s->docs);
    jd_value_unref(s->build_progress);
    jd_value_unref(s->last_build);
    g_strfreev(s->hosts);
    g_free(s->url);
    g_free(s->cookie);
    g_free(s->token);
    g_free(s->dir);
    g_free(s);
}
