/* A program of one's own that renders a template with jindu's library, built with
 * `cc prog.c $(pkg-config --cflags --libs jindu)`: prog TEMPLATE DATA OUT.pdf. */
#include <stdio.h>

#include <jd_backend.h>
#include <jd_layout.h>
#include <jd_project.h>
#include <jd_template.h>

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: prog TEMPLATE DATA OUT.pdf\n");
        return 2;
    }
    jd_diags *diags = jd_diags_new();
    char *path = jd_find_template(argv[1], NULL, NULL);
    char **search = jd_template_search_path(NULL);
    jd_template *tpl = jd_template_load(path, (const char *const *)search, diags);
    const char *data[] = {argv[2], NULL};
    jd_value *globals = jd_bind_data(data, NULL, NULL, diags);
    jd_fonts *fonts = jd_fonts_new(NULL, diags);
    jd_doc *doc = tpl && globals ? jd_template_expand(tpl, globals, diags) : NULL;
    jd_pages *pages = doc && fonts ? jd_layout(doc, fonts, diags) : NULL;
    int ok = pages && jd_render_cairo(pages, argv[3], NULL, diags);
    for (size_t i = 0; i < jd_diags_count(diags); i++)
        if (jd_diag_severity(jd_diags_get(diags, i)) == JD_ERROR)
            fprintf(stderr, "%s\n", jd_diag_message(jd_diags_get(diags, i)));
    printf("%zu pages\n", pages ? jd_pages_count(pages) : 0);
    jd_pages_free(pages);
    jd_doc_free(doc);
    jd_fonts_free(fonts);
    jd_value_unref(globals);
    jd_template_free(tpl);
    g_strfreev(search);
    g_free(path);
    jd_diags_free(diags);
    return ok ? 0 : 1;
}
