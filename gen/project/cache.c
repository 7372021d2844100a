/* The build cache (DIR/.jindu-cache/): fingerprints of what a build reads, one entry per
 * output it wrote, and the record of the last complete build's inputs.
 *
 * An output's entry is also the record that jindu wrote that file: it holds the file's
 * size, modification time and inode as jindu left them. An output whose file no longer
 * matches (truncated, edited, replaced) is built again; an output the project no longer
 * produces is removed only while it is still the file jindu wrote. */
#include <errno.h>
#include <glib/gstdio.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "jd_fonts.h"
#include "jd_import.h"
#include "jd_template.h"
#include "project_private.h"

#define CACHE_DIR ".jindu-cache"

/* ---- fingerprints ------------------------------------------------------------------ */

static gint by_name(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A file's bytes into `sum`, read in pieces (a data file can be large); a pipe or a device
 * is never read (it could block or never end): the importer reports it. */
static void hash_contents(GChecksum *sum, const char *path)
{
    FILE *f = jd_not_a_file(path) ? NULL : fopen(path, "rb");
    if (!f) {
        g_checksum_update(sum, (const guchar *)"\1missing", 8);
        return;
    }
    guchar buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        g_checksum_update(sum, buf, (gssize)n);
    fclose(f);
}

void jp_hash_file(GChecksum *sum, const char *path)
{
    g_checksum_update(sum, (const guchar *)path, (gssize)strlen(path) + 1);
    if (!g_file_test(path, G_FILE_TEST_IS_DIR)) {
        hash_contents(sum, path);
        return;
    }
    /* a folder of data files (returned forms): the files the reader reads, by name — those
     * in it and in the folders directly in it (a folder per quarter) — and their bytes; a
     * form saved into a quarter's folder is a change like any other */
    char **names = jd_progress_folder_files(path, NULL);
    for (int i = 0; names && names[i]; i++) {
        char *child = g_build_filename(path, names[i], NULL);
        g_checksum_update(sum, (const guchar *)child, (gssize)strlen(child) + 1);
        hash_contents(sum, child);
        g_free(child);
    }
    if (!names)
        g_checksum_update(sum, (const guchar *)"\1unreadable", 11);
    g_strfreev(names);
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

char *jp_fonts_fingerprint(void)
{
    GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
    char *dir = jd_fonts_default_dir();
    hash_fonts(sum, dir);
    g_free(dir);
    char *hex = g_strdup(g_checksum_get_string(sum));
    g_checksum_free(sum);
    return hex;
}

char *jp_template_fingerprint(const jd_template *t, const char *fonts_fp)
{
    GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
    g_checksum_update(sum, (const guchar *)"jindu " JD_VERSION, -1);
    for (const char *const *f = t ? jd_template_files(t) : NULL; f && *f; f++)
        jp_hash_file(sum, *f);
    g_checksum_update(sum, (const guchar *)fonts_fp, -1);
    const char *epoch = g_getenv("SOURCE_DATE_EPOCH");
    g_checksum_update(sum, (const guchar *)(epoch ? epoch : ""), -1);
    char *hex = g_strdup(g_checksum_get_string(sum));
    g_checksum_free(sum);
    return hex;
}

static const char *data_file(const char *entry)
{
    return strchr(entry, '=') ? strchr(entry, '=') + 1 : entry;
}

char *jp_inputs_hash(const jd_project *p, const jd_build_options *opts, GPtrArray *templates,
                     const char *fonts_fp)
{
    GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
    g_checksum_update(sum, (const guchar *)"jindu " JD_VERSION, -1);
    jp_hash_file(sum, p->ini_path);
    for (int i = 0; p->data[i]; i++)
        jp_hash_file(sum, data_file(p->data[i]));
    for (guint i = 0; i < p->outputs->len; i++) {
        jp_output *o = g_ptr_array_index(p->outputs, i);
        for (int k = 0; o->data && o->data[k]; k++)
            jp_hash_file(sum, data_file(o->data[k]));
        const jd_template *t = g_ptr_array_index(templates, i);
        const char *const *files = t ? jd_template_files(t) : NULL;
        for (int k = 0; files && files[k]; k++)
            jp_hash_file(sum, files[k]);
    }
    g_checksum_update(sum, (const guchar *)fonts_fp, -1);
    const char *since = opts->mark_changes_since ? opts->mark_changes_since : p->mark_since;
    if (since)
        jp_hash_file(sum, since);
    char extra[256];
    const char *epoch = g_getenv("SOURCE_DATE_EPOCH");
    g_snprintf(extra, sizeof extra, "%s|%s|%d/%d|%s", epoch ? epoch : "", opts->only ? opts->only : "",
               opts->shard_index, opts->shard_count, opts->mark_label ? opts->mark_label : "");
    g_checksum_update(sum, (const guchar *)extra, -1);
    char *hex = g_strdup(g_checksum_get_string(sum));
    g_checksum_free(sum);
    return hex;
}

/* ---- entries ----------------------------------------------------------------------- */

char *jp_cache_path(const jd_project *p, const char *name)
{
    return g_build_filename(p->dir, CACHE_DIR, name, NULL);
}

static char *entries_dir(const jd_project *p)
{
    return jp_cache_path(p, "outputs");
}

/* Each output's entry in a file of its own, so that shards building at the same time
 * never write the same cache file. */
static char *entry_path(const jd_project *p, const char *rel_path)
{
    char *h = g_compute_checksum_for_string(G_CHECKSUM_SHA1, rel_path, -1);
    char *dir = entries_dir(p);
    char *path = g_build_filename(dir, h, NULL);
    g_free(dir);
    g_free(h);
    return path;
}

/* What identifies the file jindu wrote: its size, modification time (ns) and inode. */
typedef struct {
    long long size, mtime;
    unsigned long long inode;
} identity;

static bool identity_of(const char *path, identity *id)
{
    GStatBuf st;
    if (g_stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return false;
    id->size = (long long)st.st_size;
    id->mtime = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
    id->inode = (unsigned long long)st.st_ino;
    return true;
}

/* "DOCHASH INPUTHASH SIZE MTIME INODE PATH"; false for anything else (an older format). */
static bool parse_entry(const char *text, jp_entry *e, identity *id, char **rel_path)
{
    int used = 0;
    char hash[65], input[65];
    if (sscanf(text, "%64s %64s %lld %lld %llu %n", hash, input, &id->size, &id->mtime, &id->inode, &used) != 5 ||
        strlen(hash) != 64 || strlen(input) != 64 || !used)
        return false;
    const char *path = text + used;
    size_t len = strcspn(path, "\n");
    if (!len)
        return false;
    memcpy(e->hash, hash, 65);
    memcpy(e->input, input, 65);
    *rel_path = g_strndup(path, len);
    return true;
}

static char *absolute(const jd_project *p, const char *rel_path)
{
    return g_path_is_absolute(rel_path) ? g_strdup(rel_path) : g_build_filename(p->dir, rel_path, NULL);
}

bool jp_entry_read(const jd_project *p, const char *rel_path, jp_entry *e)
{
    char *path = entry_path(p, rel_path), *text = NULL, *recorded = NULL;
    identity want, have;
    char *file = absolute(p, rel_path);
    bool ok = g_file_get_contents(path, &text, NULL, NULL) && parse_entry(text, e, &want, &recorded) &&
              strcmp(recorded, rel_path) == 0 && identity_of(file, &have) && have.size == want.size &&
              have.mtime == want.mtime && have.inode == want.inode;
    g_free(file);
    g_free(recorded);
    g_free(text);
    g_free(path);
    return ok;
}

void jp_entry_store(const jd_project *p, const char *rel_path, const jp_entry *e, jd_diags *diags)
{
    identity id;
    char *file = absolute(p, rel_path);
    bool there = identity_of(file, &id);
    g_free(file);
    if (!there)
        return; /* nothing was written: nothing to remember */
    char *path = entry_path(p, rel_path);
    char *dir = g_path_get_dirname(path);
    g_mkdir_with_parents(dir, 0755);
    char *line = g_strdup_printf("%s %s %lld %lld %llu %s\n", e->hash, e->input, id.size, id.mtime, id.inode, rel_path);
    jd_write_file_atomic(path, line, strlen(line), diags);
    g_free(line);
    g_free(dir);
    g_free(path);
}

/* ---- the record of a complete build ------------------------------------------------ */

static char *inputs_file(const jd_project *p, const jd_build_options *opts)
{
    char name[64] = "inputs";
    if (opts->shard_count > 0)
        g_snprintf(name, sizeof name, "inputs-%d-of-%d", opts->shard_index, opts->shard_count);
    return jp_cache_path(p, name);
}

bool jp_nothing_changed(const jd_project *p, const jd_build_options *opts, const char *hash, char ***outputs)
{
    char *path = inputs_file(p, opts), *text = NULL;
    bool same = g_file_get_contents(path, &text, NULL, NULL) && strncmp(text, hash, 64) == 0 && text[64] == '\n';
    GPtrArray *paths = g_ptr_array_new_with_free_func(g_free);
    if (same) {
        /* and every output is still the file jindu wrote */
        char **lines = g_strsplit(text + 65, "\n", -1);
        for (int i = 0; lines[i] && same; i++) {
            if (!*lines[i])
                continue;
            jp_entry e;
            same = jp_entry_read(p, lines[i], &e);
            g_ptr_array_add(paths, g_strdup(lines[i]));
        }
        g_strfreev(lines);
    }
    g_free(text);
    g_free(path);
    if (!same) {
        g_ptr_array_free(paths, TRUE);
        *outputs = NULL;
        return false;
    }
    g_ptr_array_add(paths, NULL);
    *outputs = (char **)g_ptr_array_free(paths, FALSE);
    return true;
}

void jp_store_inputs(const jd_project *p, const jd_build_options *opts, const char *hash,
                     const char *const *rel_paths, jd_diags *diags)
{
    GString *s = g_string_new(hash);
    g_string_append_c(s, '\n');
    for (const char *const *r = rel_paths; *r; r++) {
        g_string_append(s, *r);
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

/* ---- outputs no longer produced ---------------------------------------------------- */

/* Removes the folders `path` leaves empty, up to the output folder (never it, nor above). */
static void remove_empty_parents(const char *out_dir, const char *path)
{
    char *top = g_canonicalize_filename(out_dir, NULL);
    char *dir = g_path_get_dirname(path);
    for (;;) {
        char *canonical = g_canonicalize_filename(dir, NULL);
        size_t n = strlen(top);
        bool below = strncmp(canonical, top, n) == 0 && canonical[n] == G_DIR_SEPARATOR;
        g_free(canonical);
        if (!below || g_rmdir(dir) != 0)
            break;
        char *up = g_path_get_dirname(dir);
        g_free(dir);
        dir = up;
    }
    g_free(dir);
    g_free(top);
}

char **jp_remove_stale(const jd_project *p, GHashTable *produced, jd_diags *diags)
{
    GPtrArray *removed = g_ptr_array_new();
    char *dir = entries_dir(p);
    GDir *d = g_dir_open(dir, 0, NULL);
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    for (const char *n; d && (n = g_dir_read_name(d));)
        if (n[0] != '.')
            g_ptr_array_add(names, g_strdup(n));
    if (d)
        g_dir_close(d);
    g_ptr_array_sort(names, by_name);
    for (guint i = 0; i < names->len; i++) {
        char *entry = g_build_filename(dir, g_ptr_array_index(names, i), NULL);
        char *text = NULL, *rel_path = NULL;
        jp_entry e;
        identity want, have;
        if (!g_file_get_contents(entry, &text, NULL, NULL) || !parse_entry(text, &e, &want, &rel_path) ||
            g_hash_table_contains(produced, rel_path)) {
            g_free(text);
            g_free(rel_path);
            g_free(entry);
            continue;
        }
        /* an output of an earlier build that this project no longer makes: removed while it
         * is the very file jindu wrote there (inside the project), kept otherwise */
        char *file = absolute(p, rel_path);
        char *canonical = g_canonicalize_filename(file, NULL), *project = g_canonicalize_filename(p->dir, NULL);
        size_t n = strlen(project);
        bool in_project = strncmp(canonical, project, n) == 0 && canonical[n] == G_DIR_SEPARATOR;
        bool ours = in_project && identity_of(file, &have) && have.size == want.size && have.mtime == want.mtime &&
                    have.inode == want.inode;
        if (ours && g_unlink(file) == 0) {
            g_ptr_array_add(removed, g_strdup(rel_path));
            remove_empty_parents(p->out_dir, file);
        } else if (ours) {
            jd_diags_add(diags, JD_WARNING, rel_path, 0, 0, "cannot remove this output, which the project no "
                         "longer produces: %s", g_strerror(errno));
        } else if (in_project && g_file_test(file, G_FILE_TEST_EXISTS)) {
            jd_diags_add(diags, JD_WARNING, rel_path, 0, 0, "the project no longer produces this output, but the "
                         "file changed since jindu wrote it: left as it is");
        }
        g_unlink(entry);
        g_free(canonical);
        g_free(project);
        g_free(file);
        g_free(text);
        g_free(rel_path);
        g_free(entry);
    }
    g_ptr_array_free(names, TRUE);
    g_free(dir);
    g_ptr_array_sort(removed, by_name);
    g_ptr_array_add(removed, NULL);
    return (char **)g_ptr_array_free(removed, FALSE);
}

/* ---- the record, for readers ------------------------------------------------------- */

static void written_free(gpointer data)
{
    jd_written_file *w = data;
    g_free(w->rel_path);
    g_free(w->path);
    g_free(w);
}

static gint by_rel_path(gconstpointer a, gconstpointer b)
{
    return strcmp((*(jd_written_file *const *)a)->rel_path, (*(jd_written_file *const *)b)->rel_path);
}

GPtrArray *jd_project_written(const jd_project *p)
{
    GPtrArray *files = g_ptr_array_new_with_free_func(written_free);
    char *dir = entries_dir(p);
    GDir *d = g_dir_open(dir, 0, NULL);
    for (const char *n; d && (n = g_dir_read_name(d));) {
        if (n[0] == '.')
            continue;
        char *entry = g_build_filename(dir, n, NULL);
        char *text = NULL, *rel_path = NULL;
        jp_entry e;
        identity want, have;
        if (g_file_get_contents(entry, &text, NULL, NULL) && parse_entry(text, &e, &want, &rel_path)) {
            char *file = absolute(p, rel_path);
            /* the file jindu wrote, still as it wrote it, where its outputs go */
            if (jp_inside(p->out_dir, file, false) && identity_of(file, &have) && have.size == want.size &&
                have.mtime == want.mtime && have.inode == want.inode) {
                jd_written_file *w = g_new0(jd_written_file, 1);
                w->rel_path = g_steal_pointer(&rel_path);
                w->path = g_steal_pointer(&file);
                w->size = have.size;
                w->mtime_ns = have.mtime;
                w->inode = have.inode;
                g_ptr_array_add(files, w);
            }
            g_free(file);
        }
        g_free(rel_path);
        g_free(text);
        g_free(entry);
    }
    if (d)
        g_dir_close(d);
    g_free(dir);
    g_ptr_array_sort(files, by_rel_path);
    return files;
}
