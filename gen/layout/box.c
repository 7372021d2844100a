/* Boxes: the paragraphs of a container (a table cell, a list item, a header) broken into
 * lines once, so a table can measure a cell once and later draw any range of its lines. */
#include <math.h>

#include "layout_private.h"

static void break_para(jl_box *box, jl_para *para, double width, double space_before)
{
    GArray *lines = g_array_new(FALSE, FALSE, sizeof(jl_line));
    jl_para_break(para, width, lines);
    for (guint i = 0; i < lines->len; i++) {
        jl_box_line bl = {para, g_array_index(lines, jl_line, i), i == 0 ? (float)space_before : 0};
        if (box->lines->len == 0)
            bl.space_before = 0;
        box->height += bl.space_before + bl.line.height;
        g_array_append_val(box->lines, bl);
    }
    g_array_free(lines, TRUE);
}

/* Unbreakable text (a name under white-space: nowrap) wider than its container is set
 * tighter or smaller, never split; the template's author hears of it, once per text and
 * template line. */
void jl_box_warn_squeezed(jl_ctx *ctx, const jd_node *container, const jl_box *box, double width)
{
    for (guint i = 0; i < box->lines->len; i++) {
        const jl_box_line *bl = &g_array_index(box->lines, jl_box_line, i);
        if (!bl->line.squeezed)
            continue;
        const jl_cluster *a = &bl->para->clusters[bl->line.first], *b = &bl->para->clusters[bl->line.end - 1];
        char *text = g_strndup(bl->para->text + a->byte_start, b->byte_start + b->byte_len - a->byte_start);
        const jd_node *n = container;
        while (n && !jd_node_source_file(n))
            n = jd_node_parent(n);
        char *key = g_strdup_printf("%s\x1f%d\x1f%s", n ? jd_node_source_file(n) : "", n ? jd_node_source_line(n) : 0, text);
        if (!g_hash_table_contains(ctx->reported_squeezes, key)) {
            jd_diags_add(ctx->diags, JD_WARNING, n ? jd_node_source_file(n) : NULL, n ? jd_node_source_line(n) : 0, 0,
                         "“%s” cannot be broken (white-space: nowrap) and is wider than its %s (%.1fpt); it "
                         "is set %s to fit", text, jd_node_type_name(jd_node_get_type(container)), width,
                         bl->line.scale < 1 ? "smaller" : "tighter");
            g_hash_table_add(ctx->reported_squeezes, key);
        } else {
            g_free(key);
        }
        g_free(text);
    }
}

static void add_para(jl_box *box, jl_para *para, double width, double space_before)
{
    g_ptr_array_add(box->paras, para);
    g_array_append_val(box->spaces, space_before);
    break_para(box, para, width, space_before);
}

void jl_box_rebreak(jl_box *box, double width)
{
    g_array_set_size(box->lines, 0);
    box->height = 0;
    for (guint i = 0; i < box->paras->len; i++)
        break_para(box, g_ptr_array_index(box->paras, i), width, g_array_index(box->spaces, double, i));
}

static jl_box *box_new(void)
{
    jl_box *box = g_new0(jl_box, 1);
    box->lines = g_array_new(FALSE, FALSE, sizeof(jl_box_line));
    box->paras = g_ptr_array_new_with_free_func((GDestroyNotify)jl_para_free);
    box->spaces = g_array_new(FALSE, FALSE, sizeof(double));
    return box;
}

jl_box *jl_box_measure(jl_ctx *ctx, const jd_node *container, double width, const char *page_number,
                       const char *page_count)
{
    jl_box *box = box_new();
    double pending_space = 0;
    for (const jd_node *b = jd_node_first_child(container); b; b = jd_node_next(b)) {
        jd_node_type t = jd_node_get_type(b);
        if (t != JD_NODE_PARAGRAPH && t != JD_NODE_HEADING) {
            jd_diags_add(ctx->diags, JD_ERROR, jd_node_source_file(b), jd_node_source_line(b), 0,
                         "a %s cannot be placed inside a %s (only paragraphs and headings)",
                         jd_node_type_name(t), jd_node_type_name(jd_node_get_type(container)));
            ctx->failed = true;
            continue;
        }
        const jd_style *s = jd_node_style(b);
        jl_para *para = jl_para_shape(ctx, b, page_number, page_count);
        if (!para)
            continue;
        /* adjacent margins collapse, as in CSS */
        add_para(box, para, width, MAX(pending_space, s->margin_top));
        pending_space = s->margin_bottom;
    }
    jl_box_warn_squeezed(ctx, container, box, width);
    return box;
}

jl_box *jl_box_from_shaped(jl_ctx *ctx, const jd_node *container, GPtrArray *paras, double width)
{
    jl_box *box = box_new();
    double pending_space = 0;
    guint i = 0;
    for (const jd_node *b = jd_node_first_child(container); b && i < paras->len; b = jd_node_next(b), i++) {
        const jd_style *s = jd_node_style(b);
        jl_para *para = g_ptr_array_index(paras, i);
        jl_para_adopt(ctx, para);
        add_para(box, para, width, MAX(pending_space, s->margin_top));
        pending_space = s->margin_bottom;
    }
    /* the box owns the paragraphs now */
    g_ptr_array_set_free_func(paras, NULL);
    g_ptr_array_free(paras, TRUE);
    jl_box_warn_squeezed(ctx, container, box, width);
    return box;
}

jl_box *jl_box_of_para(jl_para *para, double width)
{
    jl_box *box = box_new();
    add_para(box, para, width, 0);
    return box;
}

jl_box *jl_box_of_text(jl_ctx *ctx, const char *text, const jd_style *style, double width)
{
    return jl_box_of_para(jl_para_shape_text(ctx, text, style), width);
}

void jl_box_free(jl_box *box)
{
    if (!box)
        return;
    g_array_free(box->lines, TRUE);
    g_ptr_array_free(box->paras, TRUE);
    g_array_free(box->spaces, TRUE);
    g_free(box);
}

/* Whole lines of `pitch` for `h`: at least one, and a thousandth of a line over a whole
 * number (rounding) does not take another. */
double jl_grid_span(double h, double pitch)
{
    return MAX(1, ceil(h / pitch - 1e-3)) * pitch;
}

void jl_box_snap(jl_box *box, double pitch)
{
    box->height = 0;
    for (guint i = 0; i < box->lines->len; i++) {
        jl_box_line *bl = &g_array_index(box->lines, jl_box_line, i);
        double h = jl_grid_span(bl->line.height, pitch);
        bl->line.ascent += (float)((h - bl->line.height) / 2);
        bl->line.height = (float)h;
        if (bl->space_before > 0)
            bl->space_before = (float)jl_grid_span(bl->space_before, pitch);
        box->height += bl->space_before + bl->line.height;
    }
}

double jl_box_range_height(const jl_box *box, size_t a, size_t b)
{
    double h = 0;
    for (size_t i = a; i < b && i < box->lines->len; i++) {
        const jl_box_line *bl = &g_array_index(box->lines, jl_box_line, i);
        h += bl->line.height + (i > a ? bl->space_before : 0);
    }
    return h;
}

double jl_box_range_height_upto(const jl_box *box, size_t a, size_t b, double limit)
{
    double h = 0;
    for (size_t i = a; i < b && i < box->lines->len && h <= limit; i++) {
        const jl_box_line *bl = &g_array_index(box->lines, jl_box_line, i);
        h += bl->line.height + (i > a ? bl->space_before : 0);
    }
    return h;
}

size_t jl_box_lines_fitting(const jl_box *box, size_t a, double height)
{
    double h = 0;
    size_t i = a;
    for (; i < box->lines->len; i++) {
        const jl_box_line *bl = &g_array_index(box->lines, jl_box_line, i);
        double add = bl->line.height + (i > a ? bl->space_before : 0);
        if (h + add > height + 0.01)
            break;
        h += add;
    }
    return i - a;
}

void jl_box_emit(jl_ctx *ctx, const jl_box *box, size_t a, size_t b, double x, double y,
                 double width, jd_page *page)
{
    for (size_t i = a; i < b && i < box->lines->len; i++) {
        const jl_box_line *bl = &g_array_index(box->lines, jl_box_line, i);
        if (i > a)
            y += bl->space_before;
        jl_line_emit(ctx, bl->para, &bl->line, x, y, width, page);
        y += bl->line.height;
    }
}

void jl_box_widths(const jl_box *box, double *min_width, double *max_width)
{
    double mn = 0, mx = 0;
    for (guint i = 0; i < box->paras->len; i++) {
        double a, b;
        jl_para_widths(g_ptr_array_index(box->paras, i), &a, &b);
        mn = MAX(mn, a);
        mx = MAX(mx, b);
    }
    if (min_width)
        *min_width = mn;
    if (max_width)
        *max_width = mx;
}
