/* typo-measure — the typography measures of typo_metrics.h for documents made from a
 * template and data, as `jindu render` makes them (with --split, every document of the
 * split, measures added up). bench/typography.sh runs it on the seed list and on every
 * output of the sample project.
 *
 *   typo-measure TEMPLATE --data FILE... [-D KEY=VALUE]... [--split unit|leader] [--list]
 */
#include <stdio.h>
#include <stdlib.h>

#include "jd_layout.h"
#include "jd_project.h"
#include "jd_template.h"
#include "typo_metrics.h"

/* Every unit and leader name of a task list, for the broken-name measure. */
static GPtrArray *names_of(const jd_value *list)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
    const jd_value *tasks = jd_object_get(list, "tasks");
    for (size_t i = 0; i < jd_array_length(tasks); i++) {
        const jd_value *t = jd_array_get(tasks, i);
        const jd_value *units = jd_object_get(t, "units");
        GPtrArray *all = g_ptr_array_new();
        for (size_t u = 0; u < jd_array_length(units); u++) {
            const jd_value *ns = jd_object_get(jd_array_get(units, u), "names");
            for (size_t k = 0; k < jd_array_length(ns); k++)
                g_ptr_array_add(all, (gpointer)jd_array_get(ns, k));
        }
        const jd_value *leaders = jd_object_get(t, "leaders");
        for (size_t k = 0; k < jd_array_length(leaders); k++)
            g_ptr_array_add(all, (gpointer)jd_array_get(leaders, k));
        for (guint k = 0; k < all->len; k++) {
            const char *s = jd_value_string(g_ptr_array_index(all, k));
            if (s && g_utf8_strlen(s, -1) >= 2 && !g_hash_table_contains(seen, s)) {
                char *copy = g_strdup(s);
                g_hash_table_add(seen, copy);
                g_ptr_array_add(names, copy);
            }
        }
        g_ptr_array_free(all, TRUE);
    }
    g_hash_table_destroy(seen);
    return names;
}

static bool measure_doc(const jd_template *tpl, const jd_value *globals, jd_fonts *fonts, tm_ctx *tm,
                        tm_counts *c, jd_diags *diags)
{
    jd_doc *doc = jd_template_expand(tpl, globals, diags);
    if (!doc)
        return false;
    jd_pages *pages = jd_layout(doc, fonts, diags);
    jd_doc_free(doc);
    if (!pages)
        return false;
    tm_measure(tm, pages, c);
    jd_pages_free(pages);
    return true;
}

int main(int argc, char **argv)
{
    char **data = NULL, **defines = NULL, *split_name = NULL;
    gboolean list = FALSE;
    GOptionEntry entries[] = {
        {"data", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &data, "Data file", "FILE"},
        {"define", 'D', 0, G_OPTION_ARG_STRING_ARRAY, &defines, "Parameter", "KEY=VALUE"},
        {"split", 0, 0, G_OPTION_ARG_STRING, &split_name, "One document per unit or leader", "unit|leader"},
        {"list", 0, 0, G_OPTION_ARG_NONE, &list, "Print every finding", NULL},
        {NULL, 0, 0, 0, NULL, NULL, NULL}};
    GOptionContext *oc = g_option_context_new("TEMPLATE");
    g_option_context_add_main_entries(oc, entries, NULL);
    GError *err = NULL;
    jd_split split = JD_SPLIT_NONE;
    if (!g_option_context_parse(oc, &argc, &argv, &err) || argc != 2 || !jd_split_parse(split_name, &split)) {
        fprintf(stderr, "usage: typo-measure TEMPLATE --data FILE... [-D KEY=VALUE] [--split unit|leader] [--list]\n");
        return 2;
    }
    g_option_context_free(oc);
    jd_diags *diags = jd_diags_new();
    jd_template *tpl = jd_template_load(argv[1], NULL, diags);
    jd_value *globals = jd_bind_data((const char *const *)data, (const char *const *)defines, NULL, diags);
    jd_fonts *fonts = jd_fonts_new(NULL, diags);
    int rc = 1;
    if (tpl && globals && fonts) {
        const jd_value *lst = jd_object_get(globals, "list");
        GPtrArray *names = names_of(lst);
        tm_ctx *tm = tm_new(names, list ? stdout : NULL);
        tm_counts c = {0};
        bool ok = true;
        size_t docs = 0;
        if (split == JD_SPLIT_NONE) {
            ok = measure_doc(tpl, globals, fonts, tm, &c, diags);
            docs = 1;
        } else {
            char **keys = jd_split_keys(lst, split);
            for (size_t k = 0; keys[k] && ok; k++, docs++) {
                jd_value *g = jd_split_globals(globals, split, keys[k]);
                ok = measure_doc(tpl, g, fonts, tm, &c, diags);
                jd_value_unref(g);
            }
            g_strfreev(keys);
        }
        if (ok) {
            printf("documents                               %zu\n", docs);
            tm_print(&c, stdout);
            rc = 0;
        }
        tm_free(tm);
        g_ptr_array_free(names, TRUE);
    }
    if (rc)
        jd_diags_print(diags, stderr);
    jd_fonts_free(fonts);
    jd_value_unref(globals);
    jd_template_free(tpl);
    jd_diags_free(diags);
    g_strfreev(data);
    g_strfreev(defines);
    g_free(split_name);
    return rc;
}
