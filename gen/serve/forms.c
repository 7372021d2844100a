/* Returned forms in, blank forms out.
 *
 * A form dropped on the page is checked by the code `jindu check` runs: it is read as
 * progress data (jd_import_data_with) and its reports merged onto the task list together
 * with every other progress file the project has (jd_progress_merge), so a task or unit not
 * in the list, an invalid state and a report another file already holds are found as the
 * build would find them. The problems are sent back at their cells with the form's rows,
 * so the page shows them in place. A valid form is saved into the progress folder, in the
 * period's folder under the unit's own file name (progress/2023Q2/商务局.csv): the name
 * comes from the list's unit, never from what the browser sent, and the previous form of
 * the unit is kept in progress/.jindu-previous/ (a hidden folder, which reading skips). */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "jd_import_layers.h"
#include "serve_private.h"

/* ---- the form's cells ------------------------------------------------------------------ */

/* The form as rows of cells, to show problems in place. */
typedef struct {
    jd_records *records;
    bool sheet;   /* a worksheet's: positions are cells (row, column) */
    char *source; /* the name messages about it carry */
} grid;

static void grid_clear(grid *g)
{
    if (g->records)
        jd_records_free(g->records);
    g_free(g->source);
}

/* Reads the form's cells; returns its format, told by its bytes (a workbook) or its text
 * (JSON, tabs or commas), never by the name the browser sent. */
static jd_format grid_read(grid *g, const char *data, size_t len, const char *name)
{
    g->sheet = jd_is_zip(data, len);
    if (g->sheet) {
        g->records = jd_xlsx_cells(data, len, name, NULL, &g->source, NULL);
        return JD_FORMAT_XLSX;
    }
    size_t text_len = 0;
    jd_encoding enc;
    char *text = jd_text_decode(data, len, name, &enc, &text_len, NULL);
    if (!text)
        return JD_FORMAT_AUTO;
    jd_format format = jd_format_detect("", text);
    if (format != JD_FORMAT_JSON)
        g->records = jd_records_new(text, text_len, format == JD_FORMAT_TSV ? '\t' : ',', name, NULL);
    g->source = g_strdup(name);
    g_free(text);
    return format;
}

/* The cell a message at (line, col) is about: the record and field whose text starts at
 * or last before that place. False when the form's rows do not have it. */
static bool grid_cell(const grid *g, int line, int col, size_t *row, size_t *field)
{
    if (!g->records || line <= 0)
        return false;
    bool found = false;
    for (size_t r = 0; r < jd_records_count(g->records); r++) {
        for (size_t f = 0; f < jd_records_width(g->records, r); f++) {
            int l = jd_records_field_line(g->records, r, f), c = jd_records_field_col(g->records, r, f);
            if (g->sheet ? l == line && c == col : l < line || (l == line && c <= (col ? col : 1))) {
                *row = r;
                *field = f;
                found = true;
                if (g->sheet)
                    return true;
            }
        }
    }
    return found;
}

/* The row number a spreadsheet shows for record `r`: a worksheet's own, else the record's
 * place (a CSV opened in Excel has one row per record, whatever its line ends). */
static int grid_row_number(const grid *g, size_t r)
{
    return g->sheet ? jd_records_field_line(g->records, r, 0) : (int)r + 1;
}

static jd_value *grid_value(const grid *g)
{
    jd_value *rows = jd_value_new_array();
    for (size_t r = 0; g->records && r < jd_records_count(g->records) && r < JS_MAX_GRID_ROWS; r++) {
        jd_value *row = jd_value_new_object(), *cells = jd_value_new_array();
        jd_object_set(row, "n", jd_value_new_int(grid_row_number(g, r)));
        for (size_t f = 0; f < jd_records_width(g->records, r); f++)
            jd_array_append(cells, jd_value_new_string_take(jd_cell_excerpt(jd_records_field(g->records, r, f), 200)));
        jd_object_set(row, "cells", cells);
        jd_array_append(rows, row);
    }
    return rows;
}

/* A problem as the page shows it: where (the form's row index, the cell as a spreadsheet
 * names it), what, and the cell's text. */
static jd_value *problem_value(const grid *g, jd_severity sev, int line, int col, const char *message)
{
    jd_value *p = jd_value_new_object();
    jd_object_set(p, "severity", jd_value_new_string(sev == JD_ERROR ? "error" : "warning"));
    jd_object_set(p, "message", jd_value_new_string(message));
    size_t r, f;
    if (grid_cell(g, line, col, &r, &f)) {
        jd_object_set(p, "row", jd_value_new_int((int64_t)r));
        jd_object_set(p, "field", jd_value_new_int((int64_t)f));
        jd_object_set(p, "cell", jd_value_new_string_take(jd_cell_ref(grid_row_number(g, r), (int)f + 1)));
        jd_object_set(p, "text", jd_value_new_string_take(jd_cell_excerpt(jd_records_field(g->records, r, f), 400)));
    } else if (line > 0) {
        jd_object_set(p, "cell", jd_value_new_string_take(g_strdup_printf("第%d行", line)));
    }
    return p;
}

/* ---- checking one form ------------------------------------------------------------------ */

typedef struct {
    jd_value *result;  /* what the page gets for this form */
    jd_value *errors, *warnings;
    grid g;
    const char *name;  /* the name messages carry (the browser's file name, made safe) */
} check;

static void problem(check *c, jd_severity sev, int line, int col, const char *fmt, ...) G_GNUC_PRINTF(5, 6);
static void problem(check *c, jd_severity sev, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *message = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    jd_array_append(sev == JD_ERROR ? c->errors : c->warnings, problem_value(&c->g, sev, line, col, message));
    g_free(message);
}

/* Whether a message is about this form (its name, or a sheet of it). */
static bool about_form(const check *c, const char *file)
{
    size_t n = strlen(c->name);
    return file && strncmp(file, c->name, n) == 0 && (file[n] == '\0' || file[n] == '[');
}

/* Adds the messages of `diags` about this form; returns the number of errors. */
static size_t take_diags(check *c, const jd_diags *diags)
{
    size_t errors = 0;
    for (size_t i = 0; i < jd_diags_count(diags); i++) {
        const jd_diag *d = jd_diags_get(diags, i);
        if (jd_diag_severity(d) == JD_NOTE || !about_form(c, jd_diag_file(d)))
            continue;
        errors += jd_diag_severity(d) == JD_ERROR;
        problem(c, jd_diag_severity(d), jd_diag_line(d), jd_diag_col(d), "%s", jd_diag_message(d));
    }
    return errors;
}

/* The unit names of the list, NULL-terminated, borrowed from it. */
static const char **list_units(const jd_value *list)
{
    GPtrArray *all = g_ptr_array_new();
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
    const jd_value *tasks = jd_object_get(list, "tasks");
    for (size_t t = 0; t < jd_array_length(tasks); t++) {
        GPtrArray *names = jd_task_unit_names(jd_array_get(tasks, t));
        for (guint n = 0; n < names->len; n++)
            if (g_hash_table_add(seen, g_ptr_array_index(names, n)))
                g_ptr_array_add(all, g_ptr_array_index(names, n));
        g_ptr_array_free(names, TRUE);
    }
    g_hash_table_destroy(seen);
    g_ptr_array_add(all, NULL);
    return (const char **)g_ptr_array_free(all, FALSE);
}

/* The files of folder `dir` that hold the unit's form (its safe name, any data extension). */
static GPtrArray *unit_files(const char *dir, const char *safe)
{
    GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
    GDir *d = g_dir_open(dir, 0, NULL);
    static const char *const extensions[] = {".csv", ".tsv", ".txt", ".json", ".xlsx", ".xlsm", ".xls"};
    for (const char *n; d && (n = g_dir_read_name(d));) {
        const char *dot = strrchr(n, '.');
        if (!dot || (size_t)(dot - n) != strlen(safe) || strncmp(n, safe, strlen(safe)) != 0)
            continue;
        char *lower = g_ascii_strdown(dot, -1);
        for (size_t i = 0; i < G_N_ELEMENTS(extensions); i++)
            if (strcmp(lower, extensions[i]) == 0)
                g_ptr_array_add(files, g_build_filename(dir, n, NULL));
        g_free(lower);
    }
    if (d)
        g_dir_close(d);
    return files;
}

static bool in_list(GPtrArray *paths, const char *path)
{
    for (guint i = 0; i < paths->len; i++)
        if (strcmp(g_ptr_array_index(paths, i), path) == 0)
            return true;
    return false;
}

/* Keeps the unit's earlier forms: each moved (or, the one about to be replaced, linked)
 * into .jindu-previous/PERIOD/ with the time in its name. */
static bool keep_previous(const char *forms_dir, const char *period, GPtrArray *old, const char *target,
                          GString *kept, jd_diags *diags)
{
    if (!old->len)
        return true;
    char *dir = g_build_filename(forms_dir, ".jindu-previous", period, NULL);
    if (g_mkdir_with_parents(dir, 0755) != 0) {
        jd_diags_add(diags, JD_ERROR, dir, 0, 0, "cannot create: %s", g_strerror(errno));
        g_free(dir);
        return false;
    }
    GDateTime *now = g_date_time_new_now_local();
    char *stamp = g_date_time_format(now, "%Y%m%d-%H%M%S");
    g_date_time_unref(now);
    bool ok = true;
    for (guint i = 0; i < old->len && ok; i++) {
        const char *path = g_ptr_array_index(old, i);
        char *base = g_path_get_basename(path), *dot = strrchr(base, '.');
        *dot = '\0';
        char *to = NULL;
        for (int k = 1; !to || g_file_test(to, G_FILE_TEST_EXISTS); k++) {
            g_free(to);
            char *name = k == 1 ? g_strdup_printf("%s.%s.%s", base, stamp, dot + 1)
                                : g_strdup_printf("%s.%s-%d.%s", base, stamp, k, dot + 1);
            to = g_build_filename(dir, name, NULL);
            g_free(name);
        }
        /* the form about to be replaced stays in place until the new one is renamed over
         * it (never a moment without it); the others leave now */
        ok = strcmp(path, target) == 0 ? link(path, to) == 0 : g_rename(path, to) == 0;
        if (!ok)
            jd_diags_add(diags, JD_ERROR, path, 0, 0, "cannot keep the previous form as %s: %s", to,
                         g_strerror(errno));
        else
            g_string_append_printf(kept, "%s%s", kept->len ? "；" : "", to);
        g_free(to);
        g_free(base);
    }
    g_free(stamp);
    g_free(dir);
    return ok;
}

/* Checks one form and, if it is valid, saves it. `batch` holds the units saved by this
 * upload so far. */
static jd_value *check_form(jd_server *s, const jd_period *period, const char *browser_name, GBytes *bytes,
                            GHashTable *batch, bool *saved)
{
    *saved = false;
    check c = {jd_value_new_object(), jd_value_new_array(), jd_value_new_array(), {NULL, false, NULL}, NULL};
    /* the browser's name only names the form in messages, made a plain file name */
    char *name = jd_safe_file_name(browser_name && *browser_name ? browser_name : "表格");
    c.name = name;
    jd_object_set(c.result, "name", jd_value_new_string(name));
    gsize len = 0;
    const char *data = g_bytes_get_data(bytes, &len);
    const js_snapshot *snap = js_data_snapshot(s->data);
    char *pid = jd_period_format(period);
    jd_diags *diags = jd_diags_new();
    jd_value *tree = NULL;
    const char *unit = NULL;
    char *target = NULL, *ext = NULL;
    GPtrArray *old = NULL;

    if (len > JS_MAX_FILE) {
        problem(&c, JD_ERROR, 0, 0, "文件太大（%.1f MB）：一份表最多 %d MB", (double)len / (1 << 20), JS_MAX_FILE >> 20);
        goto done;
    }
    if (snap->error) {
        problem(&c, JD_ERROR, 0, 0, "项目的数据有错误，暂不能收表：%s", snap->error);
        goto done;
    }
    if (!snap->forms_dir) {
        problem(&c, JD_ERROR, 0, 0, "项目没有进度文件夹：请在 jindu.ini 的 data= 中写上一个文件夹（如 progress）");
        goto done;
    }
    if (jd_is_compound_file(data, len)) {
        problem(&c, JD_ERROR, 0, 0, "这是旧版 .xls 工作簿（或加了密码的 .xlsx）：请在 Excel 或 WPS 中另存为 .xlsx 或 CSV 再上传");
        goto done;
    }
    jd_import_options io = {.format = grid_read(&c.g, data, len, name), .period = pid, .states = snap->states};
    jd_import_info info = {0};
    tree = jd_import_data_with(data, len, name, &io, &info, diags);
    if (!tree) {
        if (!take_diags(&c, diags))
            problem(&c, JD_ERROR, 0, 0, "无法读取这份表");
        goto done;
    }
    if (info.kind != JD_DATA_PROGRESS) {
        problem(&c, JD_ERROR, 0, 0, "这不是进度表（是%s）：请上传各单位填报的表", info.kind == JD_DATA_TASK_LIST ? "任务清单" : "指标表");
        goto done;
    }
    ext = g_strdup(info.format == JD_FORMAT_XLSX ? ".xlsx" : info.format == JD_FORMAT_JSON ? ".json" : info.format == JD_FORMAT_TSV ? ".tsv" : ".csv");
    const jd_value *reports = jd_object_get(tree, "reports");
    if (!jd_array_length(reports)) {
        problem(&c, JD_ERROR, 0, 0, "表中没有填报任何任务的进展（进展状态一栏都是空的）");
        goto done;
    }
    /* one unit, one period: the one chosen on the page */
    for (size_t i = 0; i < jd_array_length(reports); i++) {
        const jd_value *r = jd_array_get(reports, i);
        const jd_value *u = jd_object_get(r, "unit"), *p = jd_object_get(r, "period");
        if (!unit)
            unit = jd_value_string(u);
        if (g_strcmp0(jd_value_string(u), unit) != 0) {
            problem(&c, JD_ERROR, jd_value_line(u), jd_value_col(u), "一份表只能填一个单位：这里是「%s」，前面是「%s」",
                    jd_value_string(u), unit);
            goto done;
        }
        if (g_strcmp0(jd_value_string(p), pid) != 0) {
            jd_period other;
            char *other_name = jd_period_parse(jd_value_string(p), &other) ? jd_period_name(&other) : g_strdup(jd_value_string(p));
            char *chosen = jd_period_name(period);
            problem(&c, JD_ERROR, jd_value_line(p), jd_value_col(p), "这份表是%s的，页面上选的报告期是%s", other_name, chosen);
            g_free(chosen);
            g_free(other_name);
            goto done;
        }
    }
    jd_object_set(c.result, "unit", jd_value_new_string(unit));
    const char **units = list_units(snap->list);
    bool known = false;
    for (const char **u = units; *u && !known; u++)
        known = strcmp(*u, unit) == 0;
    if (!known) {
        const jd_value *u = jd_object_get(jd_array_get(reports, 0), "unit");
        char *near = jd_closest_name(unit, units);
        problem(&c, JD_ERROR, jd_value_line(u), jd_value_col(u), "「%s」不是任务清单中的责任单位%s%s%s", unit,
                near ? "，是不是「" : "", near ? near : "", near ? "」？" : "");
        g_free(near);
        g_free(units);
        goto done;
    }
    g_free(units);
    if (g_hash_table_contains(batch, unit)) {
        problem(&c, JD_ERROR, 0, 0, "这次上传中已有「%s」的表：同一单位同一期只收一份", unit);
        goto done;
    }

    /* where it goes, and what it replaces */
    char *safe = jd_safe_file_name(unit);
    char *period_dir = g_build_filename(snap->forms_dir, pid, NULL);
    char *file = g_strconcat(safe, ext, NULL);
    target = g_build_filename(period_dir, file, NULL);
    old = unit_files(period_dir, safe);
    g_free(file);
    g_free(period_dir);
    g_free(safe);

    /* merged with every other progress file, as a build would merge them */
    jd_value *all = jd_value_new_array();
    for (guint i = 0; i < snap->files->len; i++) {
        const js_file *f = g_ptr_array_index(snap->files, i);
        if (f->kind != JD_DATA_PROGRESS || !f->tree || in_list(old, f->path))
            continue;
        const jd_value *r = jd_object_get(f->tree, "reports");
        for (size_t k = 0; k < jd_array_length(r); k++)
            jd_array_append(all, jd_value_ref(jd_array_get(r, k)));
    }
    for (size_t k = 0; k < jd_array_length(reports); k++)
        jd_array_append(all, jd_value_ref(jd_array_get(reports, k)));
    jd_value *progress = jd_value_new_object();
    jd_object_set(progress, "title", jd_value_new_string(""));
    jd_object_set(progress, "reports", all);
    jd_diags *md = jd_diags_new();
    jd_value *merged = jd_progress_merge(snap->list, progress, snap->states, md);
    jd_value_unref(merged);
    jd_value_unref(progress);
    take_diags(&c, diags); /* the import's warnings */
    size_t errors = take_diags(&c, md);
    jd_diags_free(md);
    jd_object_set(c.result, "reports", jd_value_new_int((int64_t)jd_array_length(reports)));
    if (errors)
        goto done;

    /* valid: saved, unless it is the form already there */
    char *rel = js_project_relative(s->dir, target);
    jd_object_set(c.result, "path", jd_value_new_string(rel));
    g_free(rel);
    char *existing = NULL;
    gsize existing_len = 0;
    if (g_file_get_contents(target, &existing, &existing_len, NULL) && existing_len == len &&
        memcmp(existing, data, len) == 0 && old->len == 1) {
        jd_object_set(c.result, "unchanged", jd_value_new_bool(true));
        g_free(existing);
        g_hash_table_add(batch, g_strdup(unit));
        goto done;
    }
    g_free(existing);
    char *dir = g_path_get_dirname(target);
    GString *kept = g_string_new(NULL);
    jd_diags *wd = jd_diags_new();
    bool ok = g_mkdir_with_parents(dir, 0755) == 0 || (jd_diags_add(wd, JD_ERROR, dir, 0, 0, "cannot create: %s", g_strerror(errno)), false);
    ok = ok && keep_previous(snap->forms_dir, pid, old, target, kept, wd) && jd_write_file_atomic(target, data, len, wd);
    g_free(dir);
    if (ok) {
        *saved = true;
        g_hash_table_add(batch, g_strdup(unit));
        if (kept->len) {
            char *rel_kept = js_project_relative(s->dir, kept->str);
            jd_object_set(c.result, "previous", jd_value_new_string(rel_kept));
            g_free(rel_kept);
        }
    } else {
        for (size_t i = 0; i < jd_diags_count(wd); i++) {
            char *text = jd_diag_format(jd_diags_get(wd, i));
            problem(&c, JD_ERROR, 0, 0, "保存失败：%s", text);
            g_free(text);
        }
    }
    g_string_free(kept, TRUE);
    jd_diags_free(wd);

done:
    jd_object_set(c.result, "ok", jd_value_new_bool(jd_array_length(c.errors) == 0));
    jd_object_set(c.result, "saved", jd_value_new_bool(*saved));
    jd_object_set(c.result, "period", jd_value_new_string(pid));
    if (jd_array_length(c.errors) || jd_array_length(c.warnings))
        jd_object_set(c.result, "rows", grid_value(&c.g));
    jd_object_set(c.result, "errors", c.errors);
    jd_object_set(c.result, "warnings", c.warnings);
    if (old)
        g_ptr_array_free(old, TRUE);
    g_free(target);
    g_free(ext);
    grid_clear(&c.g);
    jd_value_unref(tree);
    jd_diags_free(diags);
    g_free(pid);
    g_free(name);
    return c.result;
}

void js_forms_upload(jd_server *s, SoupServerMessage *msg, GHashTable *query)
{
    jd_period period;
    if (!js_query_period(query, &period)) {
        js_respond_error(msg, SOUP_STATUS_BAD_REQUEST, "请先在页面上选择报告期");
        return;
    }
    GBytes *body = soup_message_body_flatten(soup_server_message_get_request_body(msg));
    SoupMultipart *mp = soup_multipart_new_from_message(soup_server_message_get_request_headers(msg), body);
    g_bytes_unref(body);
    if (!mp) {
        js_respond_error(msg, SOUP_STATUS_BAD_REQUEST, "上传的内容不是 multipart/form-data");
        return;
    }
    int n = soup_multipart_get_length(mp);
    if (n > JS_MAX_FILES) {
        soup_multipart_free(mp);
        char *text = g_strdup_printf("一次最多上传 %d 份表", JS_MAX_FILES);
        js_respond_error(msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, text);
        g_free(text);
        return;
    }
    jd_value *results = jd_value_new_array();
    GHashTable *batch = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    size_t saved_count = 0;
    for (int i = 0; i < n; i++) {
        SoupMessageHeaders *headers;
        GBytes *part;
        if (!soup_multipart_get_part(mp, i, &headers, &part))
            continue;
        char *disposition = NULL;
        GHashTable *params = NULL;
        const char *file_name = NULL;
        if (soup_message_headers_get_content_disposition(headers, &disposition, &params))
            file_name = g_hash_table_lookup(params, "filename");
        if (file_name) {
            /* only the base name, and only for messages */
            char *base = g_path_get_basename(file_name);
            bool saved;
            jd_array_append(results, check_form(s, &period, base, part, batch, &saved));
            saved_count += saved;
            if (saved)
                js_data_invalidate(s->data);
            g_free(base);
        }
        g_free(disposition);
        if (params)
            g_hash_table_destroy(params);
    }
    soup_multipart_free(mp);
    g_hash_table_destroy(batch);
    if (!jd_array_length(results)) {
        jd_value_unref(results);
        js_respond_error(msg, SOUP_STATUS_BAD_REQUEST, "没有收到文件");
        return;
    }
    if (saved_count)
        js_broadcast(s, "changed", jd_value_new_object());
    jd_value *o = jd_value_new_object();
    jd_object_set(o, "files", results);
    jd_object_set(o, "saved", jd_value_new_int((int64_t)saved_count));
    js_respond_json(msg, SOUP_STATUS_OK, o);
}

/* ---- blank forms for a period ------------------------------------------------------------- */

void js_forms_blank_zip(jd_server *s, SoupServerMessage *msg, GHashTable *query)
{
    jd_period period;
    if (!js_query_period(query, &period)) {
        js_respond_error(msg, SOUP_STATUS_BAD_REQUEST, "请给出报告期");
        return;
    }
    const char *format = query ? g_hash_table_lookup(query, "format") : NULL;
    bool xlsx = g_strcmp0(format, "xlsx") == 0;
    if (format && !xlsx && strcmp(format, "csv") != 0) {
        js_respond_error(msg, SOUP_STATUS_BAD_REQUEST, "格式只能是 csv 或 xlsx");
        return;
    }
    const js_snapshot *snap = js_data_snapshot(s->data);
    if (snap->error) {
        js_respond_error(msg, SOUP_STATUS_CONFLICT, snap->error);
        return;
    }
    char **units = jd_split_keys(snap->list, JD_SPLIT_UNIT);
    char *period_name = jd_period_name(&period);
    js_zip *z = js_zip_new();
    jd_path_set *names = jd_path_set_new();
    jd_diags *diags = jd_diags_new();
    GString *clash = g_string_new(NULL);
    for (int i = 0; units[i] && z; i++) {
        char *safe = jd_safe_file_name(units[i]);
        char *name = g_strdup_printf("%s/%s%s", period_name, safe, xlsx ? ".xlsx" : ".csv");
        const char *other = jd_path_set_add(names, name, units[i]);
        if (other) {
            /* two units, one file name: refused, as jindu forms refuses it */
            g_string_append_printf(clash, "%s「%s」和「%s」的表同名（%s）", clash->len ? "；" : "", other, units[i], name);
        } else {
            size_t len = 0;
            char *form = xlsx ? jd_progress_form_xlsx(snap->list, &period, units[i], snap->states, &len, NULL, diags)
                              : jd_progress_form(snap->list, &period, units[i], NULL);
            if (form && !xlsx)
                len = strlen(form);
            if (!form || !js_zip_add(z, name, form, len, !xlsx)) {
                GBytes *dropped = js_zip_finish(z);
                if (dropped)
                    g_bytes_unref(dropped);
                z = NULL;
            }
            g_free(form);
        }
        g_free(name);
        g_free(safe);
    }
    GBytes *zip = z ? js_zip_finish(z) : NULL;
    if (clash->len || !zip) {
        char *text = clash->len ? g_strdup_printf("无法生成空白表：%s", clash->str)
                                : g_strdup("无法生成空白表");
        js_respond_error(msg, clash->len ? SOUP_STATUS_CONFLICT : SOUP_STATUS_INTERNAL_SERVER_ERROR, text);
        g_free(text);
        if (zip)
            g_bytes_unref(zip);
    } else {
        js_respond_bytes(msg, SOUP_STATUS_OK, "application/zip", zip);
        char *file = g_strdup_printf("%s填报表%s.zip", period_name, xlsx ? "" : "（CSV）");
        js_set_attachment(msg, file);
        g_free(file);
    }
    g_string_free(clash, TRUE);
    jd_diags_free(diags);
    jd_path_set_free(names);
    g_free(period_name);
    g_strfreev(units);
}
