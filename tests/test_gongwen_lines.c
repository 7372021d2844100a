/* The drawn lines of a page in the layout dump (test_gongwen_lines.h). */
#include <string.h>

#include "test_gongwen_lines.h"

static void free_line(gpointer p)
{
    line *l = p;
    g_free(l->text);
    g_free(l->families);
    g_free(l);
}

/* The lines of a page in `size` that have a run in `family` (NULL: any), in drawing
 * order. A turned line's x and right are along its baseline (the page's y). */
GPtrArray *lines_of(const rs_dump_page *page, const char *family, double size)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(free_line);
    line *cur = NULL;
    for (guint i = 0; i < page->runs->len; i++) {
        rs_run *r = g_ptr_array_index(page->runs, i);
        if (fabs(r->size - size) > 0.01) {
            cur = NULL;
            continue;
        }
        double along = r->turned ? r->y : r->x, across = r->turned ? r->x : r->y;
        if (cur && cur->turned == r->turned && fabs(cur->y - across) < 0.05 && fabs(cur->right - along) < 0.2) {
            char *joined = g_strconcat(cur->text, r->text, NULL), *families = g_strconcat(cur->families, r->family, "\n", NULL);
            g_free(cur->text), g_free(cur->families);
            cur->text = joined;
            cur->families = families;
            cur->right = along + r->width;
            continue;
        }
        cur = g_new0(line, 1);
        *cur = (line){along, along + r->width, across, g_strdup(r->text), r->family, g_strconcat(r->family, "\n", NULL),
                      r->color, r->turned};
        g_ptr_array_add(out, cur);
    }
    char *wanted = family ? g_strconcat(family, "\n", NULL) : NULL;
    for (guint i = out->len; wanted && i-- > 0;) {
        const char *families = ((line *)g_ptr_array_index(out, i))->families;
        if (!strstr(families, wanted))
            g_ptr_array_remove_index(out, i);
    }
    g_free(wanted);
    return out;
}

line *line_at(GPtrArray *lines, guint i)
{
    ck_assert_uint_lt(i, lines->len);
    return g_ptr_array_index(lines, i);
}

/* The page number line of a page ("— N —", 4号), or NULL; freed with `keep`. */
line *page_number(const rs_dump_page *page, GPtrArray **keep)
{
    *keep = lines_of(page, NULL, 14);
    for (guint i = 0; i < (*keep)->len; i++) {
        line *l = g_ptr_array_index(*keep, i);
        if (g_str_has_prefix(l->text, "— ") && g_str_has_suffix(l->text, " —"))
            return l;
    }
    return NULL;
}
