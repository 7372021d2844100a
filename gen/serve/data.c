/* The project's data as the page shows it: the task list, every progress file read on its
 * own (so that one bad form marks that form, not the whole period), the reports of the good
 * ones merged onto the list, and the overview of a period.
 *
 * What was read is kept with the size, time and inode of each file, and a request reads
 * again only the files that changed: the page asks for the overview often (after every
 * form, every edit on disk), and the list and a period's forms do not change each time. */
#include <string.h>

#include <glib/gstdio.h>

#include "serve_private.h"

struct js_data {
    char *dir;
    char **data; /* the data entries of jindu.ini when it was read */
    char *stamp; /* of every input when the snapshot was made */
    js_snapshot *snap;
};

/* What identifies a file's contents cheaply: size, modification time, inode. */
static char *file_stamp(const char *path)
{
    GStatBuf st;
    if (g_stat(path, &st) != 0)
        return g_strdup("-");
    return g_strdup_printf("%lld:%lld.%09ld:%llu", (long long)st.st_size, (long long)st.st_mtim.tv_sec,
                           (long)st.st_mtim.tv_nsec, (unsigned long long)st.st_ino);
}

static const char *entry_path(const char *entry)
{
    return strchr(entry, '=') ? NULL : entry; /* NAME=FILE is the template's own data */
}

/* The file part of a data path ("tasks.xlsx#清单" → "tasks.xlsx"), newly allocated. */
static char *file_part(const char *path)
{
    char *file = NULL, *sheet = NULL;
    if (jd_data_path_split(path, &file, &sheet)) {
        g_free(sheet);
        return file;
    }
    return g_strdup(path);
}

static void file_free(gpointer data)
{
    js_file *f = data;
    g_free(f->path);
    g_free(f->name);
    g_free(f->stamp);
    jd_value_unref(f->tree);
    jd_value_unref(f->rejects);
    jd_diags_free(f->diags);
    g_free(f);
}

static void snapshot_free(js_snapshot *s)
{
    if (!s)
        return;
    g_free(s->error);
    jd_value_unref(s->list);
    g_free(s->forms_dir);
    g_strfreev((char **)s->states);
    if (s->files)
        g_ptr_array_free(s->files, TRUE);
    jd_value_unref(s->merged);
    jd_value_unref(s->rejects);
    if (s->bad)
        g_hash_table_destroy(s->bad);
    jd_value_unref(s->periods);
    g_free(s->default_period);
    g_free(s->next_period);
    g_free(s->title);
    g_free(s);
}

js_data *js_data_new(const char *dir)
{
    js_data *d = g_new0(js_data, 1);
    d->dir = g_strdup(dir);
    return d;
}

void js_data_free(js_data *d)
{
    if (!d)
        return;
    snapshot_free(d->snap);
    g_strfreev(d->data);
    g_free(d->stamp);
    g_free(d->dir);
    g_free(d);
}

void js_data_invalidate(js_data *d)
{
    g_clear_pointer(&d->stamp, g_free);
}

/* ---- reading ------------------------------------------------------------------------ */

/* The paths of every input: jindu.ini, then each data entry (a folder: each of its files). */
static GPtrArray *input_paths(const char *dir, const char *const *data)
{
    GPtrArray *paths = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(paths, g_build_filename(dir, "jindu.ini", NULL));
    for (int i = 0; data && data[i]; i++) {
        const char *path = entry_path(data[i]);
        if (!path)
            continue;
        if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
            g_ptr_array_add(paths, g_strdup(path)); /* the listing itself, through the folder's time */
            char **names = jd_progress_folder_files(path, NULL);
            for (int k = 0; names && names[k]; k++) {
                g_ptr_array_add(paths, g_build_filename(path, names[k], NULL));
                /* a quarter's folder: a form added to it changes its time */
                char *sub = g_path_get_dirname(names[k]);
                if (strcmp(sub, ".") != 0)
                    g_ptr_array_add(paths, g_build_filename(path, sub, NULL));
                g_free(sub);
            }
            g_strfreev(names);
        } else {
            g_ptr_array_add(paths, file_part(path));
        }
    }
    return paths;
}

static char *inputs_stamp(const char *dir, const char *const *data)
{
    GPtrArray *paths = input_paths(dir, data);
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < paths->len; i++) {
        char *st = file_stamp(g_ptr_array_index(paths, i));
        g_string_append_printf(s, "%s=%s\n", (char *)g_ptr_array_index(paths, i), st);
        g_free(st);
    }
    g_ptr_array_free(paths, TRUE);
    return g_string_free(s, FALSE);
}

/* A file read on its own, or the same file from the last snapshot when it did not change. */
static js_file *read_file(const char *dir, const char *path, const char *const *states, const js_snapshot *old,
                          jd_data_kind *kind)
{
    char *file = file_part(path);
    char *stamp = file_stamp(file);
    g_free(file);
    for (guint i = 0; old && old->files && i < old->files->len; i++) {
        js_file *o = g_ptr_array_index(old->files, i);
        if (strcmp(o->path, path) == 0 && strcmp(o->stamp, stamp) == 0) {
            js_file *f = g_new0(js_file, 1);
            f->path = g_strdup(path);
            f->name = g_strdup(o->name);
            f->stamp = stamp;
            f->tree = o->tree ? jd_value_ref(o->tree) : NULL;
            f->rejects = jd_value_copy(o->rejects);
            f->diags = jd_diags_new();
            jd_diags_append(f->diags, o->diags);
            *kind = o->kind;
            f->kind = o->kind;
            return f;
        }
    }
    js_file *f = g_new0(js_file, 1);
    f->path = g_strdup(path);
    f->stamp = stamp;
    f->diags = jd_diags_new();
    f->name = js_project_relative(dir, path);
    /* leniently, as a build reads it: a bad report is left out (and described), the others
     * count */
    f->rejects = jd_value_new_array();
    jd_import_options io = {.format = JD_FORMAT_AUTO, .states = states, .rejects = f->rejects};
    jd_import_info info = {0};
    f->tree = jd_import_file_with(path, &io, &info, f->diags);
    f->kind = f->tree ? info.kind : JD_DATA_UNKNOWN;
    *kind = f->kind;
    return f;
}

char *js_messages_text(const jd_diags *diags, bool errors_only)
{
    GString *s = g_string_new(NULL);
    for (size_t i = 0; i < jd_diags_count(diags); i++) {
        const jd_diag *d = jd_diags_get(diags, i);
        if (errors_only && jd_diag_severity(d) != JD_ERROR)
            continue;
        char *line = jd_diag_format(d);
        g_string_append_printf(s, "%s%s", s->len ? "\n" : "", line);
        g_free(line);
    }
    return g_string_free(s, FALSE);
}

static jd_value *reports_of(GPtrArray *files)
{
    jd_value *reports = jd_value_new_array();
    for (guint i = 0; i < files->len; i++) {
        const jd_value *r = jd_object_get(((js_file *)g_ptr_array_index(files, i))->tree, "reports");
        for (size_t k = 0; k < jd_array_length(r); k++)
            jd_array_append(reports, jd_value_ref(jd_array_get(r, k)));
    }
    jd_value *progress = jd_value_new_object();
    jd_object_set(progress, "title", jd_value_new_string(""));
    jd_object_set(progress, "reports", reports);
    return progress;
}

/* Whether a message or a rejected report names file `f`: its path, or a sheet of it. */
static bool file_is(const js_file *f, const char *name)
{
    size_t n = strlen(f->path);
    return name && strncmp(name, f->path, n) == 0 && (name[n] == '\0' || name[n] == '[');
}

/* The errors of `diags` about file `f` (its path, or a sheet of it), added to its list of
 * problems. */
static void add_problems(js_snapshot *s, const js_file *f, const jd_diags *diags)
{
    for (size_t i = 0; i < jd_diags_count(diags); i++) {
        const jd_diag *d = jd_diags_get(diags, i);
        const char *file = jd_diag_file(d);
        if (jd_diag_severity(d) != JD_ERROR || !file_is(f, file))
            continue;
        jd_diags *bad = g_hash_table_lookup(s->bad, f->path);
        if (!bad) {
            bad = jd_diags_new();
            g_hash_table_insert(s->bad, g_strdup(f->path), bad);
        }
        jd_diags_add(bad, JD_ERROR, file, jd_diag_line(d), jd_diag_col(d), "%s", jd_diag_message(d));
    }
}

/* Merges the reports of every progress file onto the list leniently, as a build does: a
 * report the merge refuses (a task or unit not in the list, a report another file already
 * holds) is left out and described in s->rejects with the reports the files themselves
 * left out; each file with errors is listed with them. */
static void merge(js_snapshot *s)
{
    GPtrArray *progress_files = g_ptr_array_new();
    for (guint i = 0; i < s->files->len; i++) {
        js_file *f = g_ptr_array_index(s->files, i);
        if (f->kind != JD_DATA_PROGRESS)
            continue;
        g_ptr_array_add(progress_files, f);
        add_problems(s, f, f->diags);
        for (size_t k = 0; k < jd_array_length(f->rejects); k++)
            jd_array_append(s->rejects, jd_value_ref(jd_array_get(f->rejects, k)));
    }
    jd_value *progress = reports_of(progress_files);
    jd_diags *md = jd_diags_new();
    s->merged = jd_progress_merge_with(s->list, progress, s->states, s->rejects, NULL, md);
    jd_value_unref(progress);
    for (guint i = 0; i < progress_files->len; i++)
        add_problems(s, g_ptr_array_index(progress_files, i), md);
    if (!s->merged) {
        char *text = js_messages_text(md, true);
        s->error = g_strdup_printf("进度数据合并失败：\n%s", text);
        g_free(text);
    }
    jd_diags_free(md);
    g_ptr_array_free(progress_files, TRUE);
}

static gint by_period(gconstpointer a, gconstpointer b)
{
    return jd_period_compare(a, b);
}

/* The period after `p`: the next quarter, or the next month. */
static jd_period next_period(const jd_period *p)
{
    jd_period n = *p;
    if (p->month) {
        n.month = p->month == 12 ? 1 : p->month + 1;
        n.year = p->month == 12 ? p->year + 1 : p->year;
        n.quarter = (n.month - 1) / 3 + 1;
    } else {
        n.quarter = p->quarter == 4 ? 1 : p->quarter + 1;
        n.year = p->quarter == 4 ? p->year + 1 : p->year;
    }
    return n;
}

/* The periods to choose from: those the reports are for and those the outputs are made
 * for, in time order, then the one after them (the forms being collected next). */
static void find_periods(js_snapshot *s, const jd_project *p)
{
    GArray *all = g_array_new(FALSE, FALSE, sizeof(jd_period));
    if (s->merged) {
        GPtrArray *good = g_ptr_array_new();
        for (guint i = 0; i < s->files->len; i++) {
            js_file *f = g_ptr_array_index(s->files, i);
            if (f->kind == JD_DATA_PROGRESS && f->tree)
                g_ptr_array_add(good, f);
        }
        jd_value *progress = reports_of(good);
        size_t n = 0;
        jd_period *periods = jd_progress_periods(progress, &n);
        g_array_append_vals(all, periods, (guint)n);
        g_free(periods);
        jd_value_unref(progress);
        g_ptr_array_free(good, TRUE);
    }
    char **params = jd_project_param_values(p, "period");
    jd_period first = {0, 0, 0};
    for (int i = 0; params[i]; i++) {
        jd_period q;
        if (jd_period_parse(params[i], &q)) {
            g_array_append_val(all, q);
            if (!first.year)
                first = q;
        }
    }
    g_strfreev(params);
    g_array_sort(all, by_period);
    jd_value *list = jd_value_new_array();
    jd_period last = {0, 0, 0};
    for (guint i = 0; i < all->len; i++) {
        jd_period *q = &g_array_index(all, jd_period, i);
        if (last.year && jd_period_compare(q, &last) == 0)
            continue;
        last = *q;
        jd_value *o = jd_value_new_object();
        jd_object_set(o, "id", jd_value_new_string_take(jd_period_format(q)));
        jd_object_set(o, "name", jd_value_new_string_take(jd_period_name(q)));
        jd_array_append(list, o);
    }
    if (last.year) {
        jd_period n = next_period(&last);
        s->next_period = jd_period_format(&n);
        jd_value *o = jd_value_new_object();
        jd_object_set(o, "id", jd_value_new_string(s->next_period));
        jd_object_set(o, "name", jd_value_new_string_take(jd_period_name(&n)));
        jd_object_set(o, "next", jd_value_new_bool(true));
        jd_array_append(list, o);
    }
    s->periods = list;
    s->default_period = first.year ? jd_period_format(&first) : last.year ? jd_period_format(&last) : NULL;
    g_array_free(all, TRUE);
}

static js_snapshot *load(const char *dir, const js_snapshot *old, char ***data_paths)
{
    js_snapshot *s = g_new0(js_snapshot, 1);
    s->files = g_ptr_array_new_with_free_func(file_free);
    s->rejects = jd_value_new_array();
    s->bad = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)jd_diags_free);
    jd_diags *diags = jd_diags_new();
    jd_project *p = jd_project_load(dir, diags);
    if (!p) {
        char *text = js_messages_text(diags, true);
        s->error = g_strdup_printf("无法打开项目（jindu.ini）：\n%s", text);
        g_free(text);
        jd_diags_free(diags);
        return s;
    }
    const char *const *states = jd_project_states(p);
    s->states = states ? (const char *const *)g_strdupv((char **)states) : NULL;
    const char *const *data = jd_project_data_paths(p);
    *data_paths = g_strdupv((char **)data);
    for (int i = 0; data[i]; i++) {
        const char *path = entry_path(data[i]);
        if (!path)
            continue;
        jd_data_kind kind;
        if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
            if (!s->forms_dir)
                s->forms_dir = g_strdup(path);
            jd_diags *ld = jd_diags_new();
            char **names = jd_progress_folder_files(path, ld);
            for (int k = 0; names && names[k]; k++) {
                char *child = g_build_filename(path, names[k], NULL);
                js_file *f = read_file(dir, child, s->states, old, &kind);
                /* a file in the progress folder is progress data, whatever went wrong */
                if (!f->tree)
                    f->kind = JD_DATA_PROGRESS;
                g_ptr_array_add(s->files, f);
                g_free(child);
            }
            g_strfreev(names);
            jd_diags_free(ld);
            continue;
        }
        js_file *f = read_file(dir, path, s->states, old, &kind);
        if (kind == JD_DATA_TASK_LIST && !s->list)
            s->list = jd_value_ref(f->tree);
        g_ptr_array_add(s->files, f);
    }
    if (!s->list) {
        GString *why = g_string_new("项目没有可用的任务清单（jindu.ini 的 data= 中）");
        for (guint i = 0; i < s->files->len; i++) {
            const js_file *f = g_ptr_array_index(s->files, i);
            char *text = f->kind == JD_DATA_PROGRESS ? NULL : js_messages_text(f->diags, true);
            if (text && *text)
                g_string_append_printf(why, "\n%s", text);
            g_free(text);
        }
        s->error = g_string_free(why, FALSE);
    } else {
        s->title = g_strdup(jd_object_get_string(s->list, "title"));
        merge(s);
    }
    if (!s->error)
        find_periods(s, p);
    jd_project_free(p);
    jd_diags_free(diags);
    return s;
}

const js_snapshot *js_data_snapshot(js_data *d)
{
    /* the data entries of the last load tell which files to look at; jindu.ini, first
     * among them, tells when the entries themselves may have changed */
    char *stamp = inputs_stamp(d->dir, (const char *const *)d->data);
    if (d->snap && d->stamp && strcmp(stamp, d->stamp) == 0) {
        g_free(stamp);
        return d->snap;
    }
    char **data = NULL;
    js_snapshot *s = load(d->dir, d->snap, &data);
    snapshot_free(d->snap);
    d->snap = s;
    g_free(stamp);
    g_strfreev(d->data);
    d->data = data;
    /* the stamp of what was just read — unless a file changed while it was read, when the
     * next call reads again */
    g_free(d->stamp);
    d->stamp = inputs_stamp(d->dir, (const char *const *)d->data);
    for (guint i = 0; i < s->files->len; i++) {
        const js_file *f = g_ptr_array_index(s->files, i);
        char *file = file_part(f->path), *now = file_stamp(file);
        if (strcmp(now, f->stamp) != 0)
            g_clear_pointer(&d->stamp, g_free);
        g_free(now);
        g_free(file);
    }
    return s;
}

/* ---- the overview ------------------------------------------------------------------- */

typedef struct {
    const char *name;
    int tasks, missing;
    jd_value *states; /* state → reports */
    bool errors;
    GPtrArray *files; /* names of its forms for the period */
} unit_row;

static void count(jd_value *counts, const char *key)
{
    jd_object_set(counts, key, jd_value_new_int(jd_object_get_int(counts, key, 0) + 1));
}

/* The state counts object with the configured states first, each 0. */
static jd_value *zero_states(const char *const *states)
{
    jd_value *o = jd_value_new_object();
    for (const char *const *st = states ? states : jd_progress_default_states(); *st; st++)
        jd_object_set(o, *st, jd_value_new_int(0));
    return o;
}

/* Whether file `f` holds (or, unread, would hold) reports for `period` by `unit`: its
 * reports say so, or its name is the unit's form's in the period's folder. */
static bool file_concerns(const js_file *f, const char *unit, const char *period)
{
    const jd_value *reports = jd_object_get(f->tree, "reports");
    if (f->tree) {
        for (size_t i = 0; i < jd_array_length(reports); i++) {
            const jd_value *r = jd_array_get(reports, i);
            if (g_strcmp0(jd_object_get_string(r, "unit"), unit) == 0 &&
                g_strcmp0(jd_object_get_string(r, "period"), period) == 0)
                return true;
        }
        return false;
    }
    char *base = g_path_get_basename(f->path), *dot = strrchr(base, '.');
    if (dot)
        *dot = '\0';
    char *safe = jd_safe_file_name(unit);
    /* in a quarter's folder, the form is for that quarter */
    char *folder = g_path_get_dirname(f->path), *folder_name = g_path_get_basename(folder);
    jd_period fp;
    char *folder_period = jd_period_parse(folder_name, &fp) ? jd_period_format(&fp) : NULL;
    bool mine = strcmp(base, safe) == 0 && (!folder_period || strcmp(folder_period, period) == 0);
    g_free(folder_period), g_free(folder_name), g_free(folder), g_free(safe), g_free(base);
    return mine;
}

/* The file of `files` a message or a rejected report names: its path, or a sheet of it. */
static const js_file *file_named(GPtrArray *files, const char *name)
{
    for (guint i = 0; name && i < files->len; i++)
        if (file_is(g_ptr_array_index(files, i), name))
            return g_ptr_array_index(files, i);
    return NULL;
}

jd_value *js_overview(const js_snapshot *s, const jd_period *period)
{
    jd_value *o = jd_value_new_object();
    char *pid = jd_period_format(period);
    jd_object_set(o, "period", jd_value_new_string(pid));
    jd_object_set(o, "period_name", jd_value_new_string_take(jd_period_name(period)));
    const jd_value *list = s->merged ? s->merged : s->list;
    const jd_value *tasks = jd_object_get(list, "tasks");

    /* units in the order the list names them */
    GPtrArray *units = g_ptr_array_new();
    GHashTable *by_name = g_hash_table_new(g_str_hash, g_str_equal);
    for (size_t t = 0; t < jd_array_length(tasks); t++) {
        GPtrArray *names = jd_task_unit_names(jd_array_get(tasks, t));
        for (guint n = 0; n < names->len; n++) {
            const char *name = g_ptr_array_index(names, n);
            unit_row *u = g_hash_table_lookup(by_name, name);
            if (!u) {
                u = g_new0(unit_row, 1);
                u->name = name;
                u->states = zero_states(s->states);
                u->files = g_ptr_array_new();
                g_ptr_array_add(units, u);
                g_hash_table_insert(by_name, (gpointer)name, u);
            }
            u->tasks++;
            /* the unit's report on this task for the period (its most worrying, if several) */
            const char *state = NULL;
            const jd_value *rows = jd_object_get(jd_array_get(tasks, t), "units");
            for (size_t r = 0; r < jd_array_length(rows) && !state; r++) {
                const jd_value *reports = jd_object_get(jd_array_get(rows, r), "reports");
                for (size_t k = 0; k < jd_array_length(reports) && !state; k++) {
                    const jd_value *rep = jd_array_get(reports, k);
                    if (g_strcmp0(jd_object_get_string(rep, "unit"), name) == 0 &&
                        g_strcmp0(jd_object_get_string(rep, "period"), pid) == 0)
                        state = jd_object_get_string(rep, "state");
                }
            }
            if (state)
                count(u->states, state);
            else
                u->missing++;
        }
        g_ptr_array_free(names, TRUE);
    }
    /* the forms of each unit for the period */
    for (guint i = 0; i < s->files->len; i++) {
        const js_file *f = g_ptr_array_index(s->files, i);
        for (guint k = 0; f->kind == JD_DATA_PROGRESS && k < units->len; k++) {
            unit_row *u = g_ptr_array_index(units, k);
            if (file_concerns(f, u->name, pid))
                g_ptr_array_add(u->files, f->name);
        }
    }
    /* the reports left out for errors (of this period, or of one that could not be read):
     * their units have errors; a file that could not be read at all, its unit by name */
    for (size_t i = 0; i < jd_array_length(s->rejects); i++) {
        const jd_value *r = jd_array_get(s->rejects, i);
        const char *when = jd_object_get_string(r, "period");
        if (when && strcmp(when, pid) != 0)
            continue;
        const jd_value *names = jd_object_get(r, "units");
        for (size_t n = 0; n < jd_array_length(names); n++) {
            unit_row *u = g_hash_table_lookup(by_name, jd_value_string(jd_array_get(names, n)));
            if (u)
                u->errors = true;
        }
        const js_file *f = jd_array_length(names) ? NULL : file_named(s->files, jd_object_get_string(r, "file"));
        for (guint k = 0; f && k < units->len; k++) {
            unit_row *u = g_ptr_array_index(units, k);
            u->errors |= file_concerns(f, u->name, pid);
        }
    }
    jd_value *rows = jd_value_new_array();
    jd_value *unit_counts = jd_value_new_object();
    static const char *const statuses[] = {"已报送", "部分报送", "未报送", "有错误"};
    for (size_t i = 0; i < G_N_ELEMENTS(statuses); i++)
        jd_object_set(unit_counts, statuses[i], jd_value_new_int(0));
    for (guint i = 0; i < units->len; i++) {
        unit_row *u = g_ptr_array_index(units, i);
        const char *status = u->errors ? "有错误" : u->missing == 0 ? "已报送" : u->missing == u->tasks ? "未报送" : "部分报送";
        count(unit_counts, status);
        jd_value *r = jd_value_new_object();
        jd_object_set(r, "name", jd_value_new_string(u->name));
        jd_object_set(r, "tasks", jd_value_new_int(u->tasks));
        jd_object_set(r, "reported", jd_value_new_int(u->tasks - u->missing));
        jd_object_set(r, "missing", jd_value_new_int(u->missing));
        jd_object_set(r, "status", jd_value_new_string(status));
        jd_object_set(r, "states", u->states);
        jd_value *files = jd_value_new_array();
        for (guint k = 0; k < u->files->len; k++)
            jd_array_append(files, jd_value_new_string(g_ptr_array_index(u->files, k)));
        jd_object_set(r, "files", files);
        jd_array_append(rows, r);
        g_ptr_array_free(u->files, TRUE);
        g_free(u);
    }
    jd_object_set(o, "units", rows);
    jd_object_set(o, "unit_counts", unit_counts);
    jd_object_set(o, "task_counts", jd_task_state_counts(tasks, s->states, period));
    jd_object_set(o, "tasks", jd_value_new_int((int64_t)jd_array_length(tasks)));

    /* the leaders, in the order the list names them */
    jd_value *leaders = jd_value_new_array();
    GHashTable *leader_rows = g_hash_table_new(g_str_hash, g_str_equal);
    for (size_t t = 0; t < jd_array_length(tasks); t++) {
        const jd_value *task = jd_array_get(tasks, t);
        const jd_value *names = jd_object_get(task, "leaders");
        const char *state = jd_task_state(task, period);
        for (size_t n = 0; n < jd_array_length(names); n++) {
            const char *name = jd_value_string(jd_array_get(names, n));
            if (!name)
                continue;
            jd_value *row = g_hash_table_lookup(leader_rows, name);
            if (!row) {
                row = jd_value_new_object();
                jd_object_set(row, "name", jd_value_new_string(name));
                jd_object_set(row, "tasks", jd_value_new_int(0));
                jd_value *st = zero_states(s->states);
                jd_object_set(st, JD_STATE_NOT_REPORTED, jd_value_new_int(0));
                jd_object_set(row, "states", st);
                jd_array_append(leaders, row);
                g_hash_table_insert(leader_rows, (gpointer)name, row);
            }
            count(row, "tasks");
            count(jd_object_get(row, "states"), state);
        }
    }
    jd_object_set(o, "leaders", leaders);

    /* the files set aside, and why */
    jd_value *problems = jd_value_new_array();
    for (guint i = 0; i < s->files->len; i++) {
        const js_file *f = g_ptr_array_index(s->files, i);
        const jd_diags *bad = g_hash_table_lookup(s->bad, f->path);
        if (!bad)
            continue;
        jd_value *p = jd_value_new_object(), *messages = jd_value_new_array();
        jd_object_set(p, "file", jd_value_new_string(f->name));
        for (size_t k = 0; k < jd_diags_count(bad) && k < 20; k++)
            if (jd_diag_severity(jd_diags_get(bad, k)) == JD_ERROR)
                jd_array_append(messages, jd_value_new_string_take(jd_diag_format(jd_diags_get(bad, k))));
        jd_object_set(p, "messages", messages);
        jd_array_append(problems, p);
    }
    jd_object_set(o, "problems", problems);
    g_hash_table_destroy(leader_rows);
    g_hash_table_destroy(by_name);
    g_ptr_array_free(units, TRUE);
    g_free(pid);
    return o;
}

const char *js_data_stamp(const js_data *d)
{
    return d->stamp ? d->stamp : "";
}

char *js_project_relative(const char *dir, const char *path)
{
    char *d = g_canonicalize_filename(dir, NULL), *p = g_canonicalize_filename(path, NULL);
    size_t n = strlen(d);
    char *rel = g_strdup(strncmp(p, d, n) == 0 && p[n] == '/' ? p + n + 1 : path);
    g_free(d);
    g_free(p);
    return rel;
}
