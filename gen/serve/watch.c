/* The page follows edits made on disk: someone saves a form in Excel, edits jindu.ini or
 * the list, and every open page is told to read the overview again. The folders watched are
 * those `jindu watch` watches (jindu.ini's, the data's, the templates'), each quarter's
 * folder of the progress folder, and the output folder (documents removed or replaced). */
#include <string.h>

#include <gio/gio.h>

#include "serve_private.h"

struct js_watch {
    jd_server *server;
    char *out;            /* the output folder (canonical): a change there is a document's */
    GHashTable *monitors; /* folder → GFileMonitor */
    guint timer;
    bool data_changed, docs_changed;
};

static void watch_folder(js_watch *w, const char *folder);

/* The folders to watch: the project's, and the folders directly in the data folders and the
 * output folder (a quarter's forms, a split output's documents). */
static void watch_all(js_watch *w)
{
    jd_project *p = jd_project_load(w->server->dir, NULL);
    if (!p)
        return;
    for (const char *const *path = jd_project_watch_paths(p); *path; path++) {
        if (g_file_test(*path, G_FILE_TEST_IS_DIR)) {
            watch_folder(w, *path);
            GDir *d = g_dir_open(*path, 0, NULL);
            for (const char *n; d && (n = g_dir_read_name(d));) {
                char *sub = g_build_filename(*path, n, NULL);
                if (n[0] != '.' && g_file_test(sub, G_FILE_TEST_IS_DIR))
                    watch_folder(w, sub);
                g_free(sub);
            }
            if (d)
                g_dir_close(d);
        } else {
            char *dir = g_path_get_dirname(*path);
            watch_folder(w, dir);
            g_free(dir);
        }
    }
    const char *out = jd_project_out_dir(p);
    g_free(w->out);
    w->out = g_canonicalize_filename(out, NULL);
    if (g_file_test(out, G_FILE_TEST_IS_DIR)) {
        watch_folder(w, out);
        GDir *d = g_dir_open(out, 0, NULL);
        for (const char *n; d && (n = g_dir_read_name(d));) {
            char *sub = g_build_filename(out, n, NULL);
            if (n[0] != '.' && g_file_test(sub, G_FILE_TEST_IS_DIR))
                watch_folder(w, sub);
            g_free(sub);
        }
        if (d)
            g_dir_close(d);
    }
    jd_project_free(p);
}

static gboolean settled(gpointer data)
{
    js_watch *w = data;
    w->timer = 0;
    if (w->data_changed)
        js_broadcast(w->server, "changed", jd_value_new_object());
    if (w->docs_changed)
        js_broadcast(w->server, "docs", jd_value_new_object());
    w->data_changed = w->docs_changed = false;
    /* new folders (a quarter's, created by a save) are watched from now on */
    watch_all(w);
    return G_SOURCE_REMOVE;
}

static void on_change(GFileMonitor *m, GFile *file, GFile *other, GFileMonitorEvent event, gpointer data)
{
    js_watch *w = data;
    char *base = g_file_get_basename(file);
    /* temporary files (jindu's own are hidden), spreadsheet lock files, editors' swap files */
    bool ignore = base[0] == '.' || g_str_has_prefix(base, "~$") || g_str_has_suffix(base, "~") ||
                  g_str_has_suffix(base, ".swp") || event == G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED;
    g_free(base);
    if (ignore)
        return;
    char *path = g_file_get_path(file);
    size_t n = w->out ? strlen(w->out) : 0;
    bool output = path && n && strncmp(path, w->out, n) == 0 && (path[n] == '/' || path[n] == '\0');
    g_free(path);
    if (output)
        w->docs_changed = true;
    else
        w->data_changed = true;
    /* a save is several events (truncate, write, rename): tell the page once they settle */
    if (w->timer)
        g_source_remove(w->timer);
    w->timer = g_timeout_add(300, settled, w);
}

static void watch_folder(js_watch *w, const char *folder)
{
    char *key = g_canonicalize_filename(folder, NULL);
    if (g_hash_table_contains(w->monitors, key)) {
        g_free(key);
        return;
    }
    GFile *f = g_file_new_for_path(key);
    GFileMonitor *m = g_file_monitor_directory(f, G_FILE_MONITOR_WATCH_MOVES, NULL, NULL);
    g_object_unref(f);
    if (!m) {
        g_free(key);
        return; /* the page still works; it just does not follow this folder */
    }
    g_signal_connect(m, "changed", G_CALLBACK(on_change), w);
    g_hash_table_insert(w->monitors, key, m);
}

js_watch *js_watch_new(jd_server *s)
{
    js_watch *w = g_new0(js_watch, 1);
    w->server = s;
    w->monitors = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_object_unref);
    watch_all(w);
    return w;
}

static void stop(gpointer key, gpointer value, gpointer data)
{
    g_signal_handlers_disconnect_by_data(value, data);
    g_file_monitor_cancel(value);
}

void js_watch_free(js_watch *w)
{
    if (!w)
        return;
    if (w->timer)
        g_source_remove(w->timer);
    g_hash_table_foreach(w->monitors, stop, w);
    g_hash_table_destroy(w->monitors);
    g_free(w->out);
    g_free(w);
}
