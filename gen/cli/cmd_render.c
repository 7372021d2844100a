/* jindu render / jindu layout: template + data → pages → PDF, PNG, SVG (or a page dump). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "jd_backend.h"
#include "jd_layout.h"
#include "jd_project.h"
#include "jd_template.h"

/* What --page and --dpi hold when they were not given (0 and -5 are mistakes, not defaults). */
enum { NOT_GIVEN = -1000000 };
enum { MIN_DPI = 10, MAX_DPI = 600 };

typedef struct {
    char **data;
    char **defines;
    char *output;
    char *backend;
    int page;
    double dpi;
    char *date;
    char *owner_password;
    char *user_password;
    char *allow;
    char *split;
    char *since;
    char *mark_label;
    gboolean dump;
} render_args;

static gpointer load_fonts(gpointer diags)
{
    return jd_fonts_new(NULL, diags);
}

/* What every document of one command shares: the template, the data, the font set. */
typedef struct {
    jd_template *tpl;
    jd_value *globals;
    jd_fonts *fonts;
    const jd_cancel *cancel; /* a signal's request to stop */
} session;

static bool open_session(const char *template_path, const render_args *a, session *s, jd_diags *diags)
{
    /* the font set (reading font files) loads on the other core while the data is read
     * and the template is checked */
    jd_diags *font_diags = jd_diags_new();
    GThread *loader = g_thread_new("fonts", load_fonts, font_diags);
    s->tpl = jd_cli_load_template(template_path, diags);
    s->globals = jd_bind_data((const char *const *)a->data, (const char *const *)a->defines, NULL, diags);
    if (s->tpl && s->globals && !jd_cli_check_params(s->tpl, s->globals, diags)) {
        jd_value_unref(s->globals);
        s->globals = NULL;
    }
    if (s->globals && a->since) {
        jd_value *marked = jd_mark_changes_since(s->globals, a->since, a->mark_label, NULL, diags);
        if (marked) {
            jd_object_set(s->globals, "list", marked);
        } else {
            jd_value_unref(s->globals);
            s->globals = NULL;
        }
    }
    s->fonts = g_thread_join(loader);
    jd_diags_append(diags, font_diags);
    jd_diags_free(font_diags);
    return s->tpl && s->globals && s->fonts;
}

static void close_session(session *s)
{
    jd_template_free(s->tpl);
    jd_value_unref(s->globals);
    jd_fonts_free(s->fonts);
}

/* Expands and lays out. `globals` NULL: the session's, which are freed once expanded (the
 * data is not needed to lay out, and a long list's tree is as large as its document's). */
static jd_pages *lay_out(session *s, const jd_value *globals, jd_diags *diags)
{
    jd_doc *doc = jd_template_expand(s->tpl, globals ? globals : s->globals, diags);
    if (!globals) {
        jd_value_unref(s->globals);
        s->globals = NULL;
    }
    jd_layout_options lo = {.cancel = s->cancel};
    jd_pages *pages = doc ? jd_layout_with(doc, s->fonts, &lo, diags) : NULL;
    jd_doc_free(doc);
    return pages;
}

static void free_args(render_args *a)
{
    g_strfreev(a->data);
    g_strfreev(a->defines);
    g_free(a->output);
    g_free(a->backend);
    g_free(a->date);
    g_free(a->owner_password);
    g_free(a->user_password);
    g_free(a->allow);
    g_free(a->split);
    g_free(a->since);
    g_free(a->mark_label);
}

static bool parse_allow(const char *allow, jd_render_options *o)
{
    if (!allow)
        return true;
    char **parts = g_strsplit(allow, ",", -1);
    bool ok = true;
    for (int i = 0; parts[i]; i++) {
        const char *p = g_strstrip(parts[i]);
        if (strcmp(p, "print") == 0)
            o->allow_print = true;
        else if (strcmp(p, "copy") == 0)
            o->allow_copy = true;
        else if (strcmp(p, "edit") == 0)
            o->allow_edit = true;
        else if (*p && strcmp(p, "none") != 0)
            ok = false;
    }
    g_strfreev(parts);
    return ok;
}

int jd_cmd_render(int argc, char **argv)
{
    render_args a = {0};
    a.page = NOT_GIVEN;
    a.dpi = NOT_GIVEN;
    const GOptionEntry entries[] = {
        {"data", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &a.data, "Data file (bound by its kind: a task list is `list`), or NAME=FILE", "FILE"},
        {"define", 'D', 0, G_OPTION_ARG_STRING_ARRAY, &a.defines, "Template parameter, seen as params.KEY", "KEY=VALUE"},
        {"output", 'o', 0, G_OPTION_ARG_FILENAME, &a.output, "Output file: .pdf, .png or .svg", "FILE"},
        {"backend", 0, 0, G_OPTION_ARG_STRING, &a.backend, "PDF backend: cairo (default) or haru", "NAME"},
        {"page", 0, 0, G_OPTION_ARG_INT, &a.page, "PNG/SVG: the page to draw (default 1)", "N"},
        {"dpi", 0, 0, G_OPTION_ARG_DOUBLE, &a.dpi, "PNG: resolution, 10 to 600 (default 96)", "DPI"},
        {"date", 0, 0, G_OPTION_ARG_STRING, &a.date, "PDF creation date (ISO 8601, or `now`); default: the document's date, SOURCE_DATE_EPOCH, or 2000-01-01", "DATE"},
        {"owner-password", 0, 0, G_OPTION_ARG_STRING, &a.owner_password, "haru: encrypt, with this owner password", "PW"},
        {"user-password", 0, 0, G_OPTION_ARG_STRING, &a.user_password, "haru: password needed to open the file", "PW"},
        {"allow", 0, 0, G_OPTION_ARG_STRING, &a.allow, "haru, with a password: what readers may do: print,copy,edit or none (default none)", "LIST"},
        {"split", 0, 0, G_OPTION_ARG_STRING, &a.split, "One document per unit or per leader; -o is then a pattern with {key}, e.g. out/{key}.pdf", "unit|leader"},
        {"mark-changes-since", 0, 0, G_OPTION_ARG_FILENAME, &a.since, "Mark rows that changed since this earlier task list or progress data", "FILE"},
        {"mark-label", 0, 0, G_OPTION_ARG_STRING, &a.mark_label, "What the legend calls the earlier data (default: its period, e.g. 2023年第一季度, or 上一版)", "TEXT"},
        {NULL}};
    const char *description = "The output format follows the file name. The file is written only "
                              "when everything succeeded; a previous file stays untouched otherwise. "
                              "TEMPLATE is a file or a bundled template's name; `jindu render TEMPLATE "
                              "--help` lists its parameters.";
    char *with_params = jd_cli_template_help(argc, argv, entries, description);
    const jd_cli_usage usage = {"TEMPLATE", "Render a template with data to PDF, PNG or SVG.",
                                with_params ? with_params : description};
    int rc = JD_EXIT_OK;
    bool parsed = jd_cli_parse(&argc, &argv, entries, &usage, &rc);
    g_free(with_params);
    if (!parsed)
        return rc;
    jd_render_options o;
    jd_render_options_init(&o);
    jd_split split = JD_SPLIT_NONE;
    const char *problem = NULL;
    if (argc != 2)
        problem = "exactly one TEMPLATE is needed";
    else if (!a.output)
        problem = "-o FILE is needed";
    else if (!jd_output_format_from_path(a.output, &o.format))
        problem = "the output file name must end in .pdf, .png or .svg";
    else if (a.backend && strcmp(a.backend, "cairo") != 0 && strcmp(a.backend, "haru") != 0)
        problem = "--backend is cairo or haru";
    else if (a.backend && strcmp(a.backend, "haru") == 0 && o.format != JD_OUTPUT_PDF)
        problem = "the haru backend writes PDF only";
    else if ((a.owner_password || a.user_password || a.allow) && !(a.backend && strcmp(a.backend, "haru") == 0))
        problem = "passwords and permissions need --backend haru (cairo cannot encrypt)";
    else if (!parse_allow(a.allow, &o))
        problem = "--allow takes print, copy, edit or none, separated by commas";
    else if (a.page != NOT_GIVEN && a.page < 1)
        problem = "--page takes a page number, 1 or more";
    else if (a.dpi != NOT_GIVEN && !(a.dpi >= MIN_DPI && a.dpi <= MAX_DPI))
        problem = "--dpi takes a resolution from 10 to 600";
    else if (!jd_split_parse(a.split, &split))
        problem = "--split is unit or leader";
    else if (split != JD_SPLIT_NONE && !strstr(a.output, "{key}"))
        problem = "with --split, -o is a file name pattern with {key}, e.g. out/{key}.pdf";
    if (problem) {
        fprintf(stderr, "%s: %s\nTry '%s --help'.\n", argv[0], problem, argv[0]);
        free_args(&a);
        return JD_EXIT_USAGE;
    }
    if (a.page != NOT_GIVEN)
        o.page = a.page;
    if (a.dpi != NOT_GIVEN)
        o.dpi = a.dpi;
    char *now = NULL;
    if (a.date && strcmp(a.date, "now") == 0) {
        GDateTime *dt = g_date_time_new_now_local();
        now = g_date_time_format(dt, "%Y-%m-%dT%H:%M:%S%:z");
        g_date_time_unref(dt);
    }
    o.creation_date = now ? now : a.date;
    o.owner_password = a.owner_password;
    o.user_password = a.user_password;

    jd_diags *diags = jd_diags_new();
    session s = {0};
    jd_cancel *cancel = jd_cli_catch_signals();
    s.cancel = o.cancel = cancel;
    bool haru = a.backend && strcmp(a.backend, "haru") == 0;
    if (open_session(argv[1], &a, &s, diags)) {
        if (split == JD_SPLIT_NONE) {
            jd_pages *pages = lay_out(&s, NULL, diags);
            if (pages)
                haru ? jd_render_haru(pages, a.output, &o, diags) : jd_render_cairo(pages, a.output, &o, diags);
            jd_pages_free(pages);
        } else {
            /* one document per unit or leader; a failed one does not stop the others, and two
             * keys that would share a file are both refused ("a:b" and "a?b" are both a_b) */
            char **keys = jd_split_keys(jd_object_get(s.globals, "list"), split);
            guint n_keys = g_strv_length(keys);
            char **paths = g_new0(char *, n_keys + 1);
            bool *refused = g_new0(bool, n_keys);
            jd_path_set *taken = jd_path_set_new();
            GHashTable *index_of = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
            for (guint k = 0; k < n_keys; k++) {
                paths[k] = jd_expand_file_pattern(a.output, keys[k], jd_object_get(s.globals, "params"));
                char *owner = g_strdup_printf("'%s'", keys[k]);
                const char *other = jd_path_set_add(taken, paths[k], owner);
                if (other) {
                    jd_diags_add(diags, JD_ERROR, paths[k], 0, 0,
                                 "%s %s and %s would both be written to this file: neither is written",
                                 split == JD_SPLIT_UNIT ? "units" : "leaders", other, owner);
                    refused[k] = true;
                    refused[GPOINTER_TO_UINT(g_hash_table_lookup(index_of, other)) - 1] = true;
                    g_free(owner);
                } else {
                    g_hash_table_insert(index_of, owner, GUINT_TO_POINTER(k + 1));
                }
            }
            g_hash_table_destroy(index_of);
            jd_path_set_free(taken);
            int written = 0;
            for (guint k = 0; k < n_keys && !jd_cancel_reason(cancel); k++) {
                if (refused[k])
                    continue;
                jd_value *g = jd_split_globals(s.globals, split, keys[k]);
                char *path = g_strdup(paths[k]);
                char *dir = g_path_get_dirname(path);
                g_mkdir_with_parents(dir, 0755);
                jd_pages *pages = lay_out(&s, g, diags);
                if (pages && (haru ? jd_render_haru(pages, path, &o, diags) : jd_render_cairo(pages, path, &o, diags)))
                    written++;
                jd_pages_free(pages);
                jd_value_unref(g);
                g_free(dir);
                g_free(path);
            }
            printf("%d of %u documents written\n", written, n_keys);
            g_strfreev(paths);
            g_free(refused);
            g_strfreev(keys);
        }
    }
    close_session(&s);
    rc = jd_cli_report(diags);
    jd_diags_free(diags);
    g_free(now);
    free_args(&a);
    return jd_cli_end_run(cancel, rc);
}

int jd_cmd_layout(int argc, char **argv)
{
    render_args a = {0};
    const GOptionEntry entries[] = {
        {"data", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &a.data, "Data file (bound by its kind), or NAME=FILE", "FILE"},
        {"define", 'D', 0, G_OPTION_ARG_STRING_ARRAY, &a.defines, "Template parameter, seen as params.KEY", "KEY=VALUE"},
        {"dump", 0, 0, G_OPTION_ARG_NONE, &a.dump, "Print every page's items (the layout's golden format)", NULL},
        {"mark-changes-since", 0, 0, G_OPTION_ARG_FILENAME, &a.since, "Mark rows that changed since this earlier task list or progress data", "FILE"},
        {"mark-label", 0, 0, G_OPTION_ARG_STRING, &a.mark_label, "What the legend calls the earlier data (default: its period, e.g. 2023年第一季度, or 上一版)", "TEXT"},
        {"output", 'o', 0, G_OPTION_ARG_FILENAME, &a.output, "Write the dump to FILE instead of standard output", "FILE"},
        {NULL}};
    const jd_cli_usage usage = {"TEMPLATE", "Lay out a template with data and print the pages.",
                                "Without --dump, prints the page count. The dump lists every text "
                                "run, rule and rectangle with its position in points."};
    int rc = JD_EXIT_OK;
    if (!jd_cli_parse(&argc, &argv, entries, &usage, &rc))
        return rc;
    if (argc != 2) {
        fprintf(stderr, "%s: exactly one TEMPLATE is needed\nTry '%s --help'.\n", argv[0], argv[0]);
        free_args(&a);
        return JD_EXIT_USAGE;
    }
    jd_diags *diags = jd_diags_new();
    session s = {0};
    jd_cancel *cancel = jd_cli_catch_signals();
    s.cancel = cancel;
    jd_pages *pages = open_session(argv[1], &a, &s, diags) ? lay_out(&s, NULL, diags) : NULL;
    close_session(&s);
    if (pages) {
        char *text = a.dump ? jd_pages_dump(pages) : g_strdup_printf("%zu page%s\n", jd_pages_count(pages), jd_pages_count(pages) == 1 ? "" : "s");
        if (a.output)
            jd_write_file_atomic(a.output, text, strlen(text), diags);
        else
            fputs(text, stdout);
        g_free(text);
    }
    rc = jd_cli_report(diags);
    if (!pages && rc == JD_EXIT_OK)
        rc = JD_EXIT_BAD_INPUT;
    jd_pages_free(pages);
    jd_diags_free(diags);
    free_args(&a);
    return jd_cli_end_run(cancel, rc);
}
