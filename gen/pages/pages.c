#include "jd_pages.h"

#include <string.h>

struct jd_page {
    jd_pages *owner; /* for the string and glyph stores */
    size_t index;
    double width, height;
    GArray *items; /* jd_item */
};

struct jd_pages {
    GPtrArray *pages;       /* jd_page* */
    GArray *fonts;          /* jd_font */
    GArray *outline;        /* jd_outline_entry */
    GStringChunk *strings;  /* every copied string */
    GPtrArray *blocks;      /* copied glyph arrays */
    char *meta[JD_META_COUNT];
    char *page_label;
};

static void page_free(gpointer p)
{
    jd_page *page = p;
    g_array_free(page->items, TRUE);
    g_free(page);
}

jd_pages *jd_pages_new(void)
{
    jd_pages *pages = g_new0(jd_pages, 1);
    pages->pages = g_ptr_array_new_with_free_func(page_free);
    pages->fonts = g_array_new(FALSE, TRUE, sizeof(jd_font));
    pages->outline = g_array_new(FALSE, TRUE, sizeof(jd_outline_entry));
    pages->strings = g_string_chunk_new(64 * 1024);
    pages->blocks = g_ptr_array_new_with_free_func(g_free);
    return pages;
}

void jd_pages_free(jd_pages *pages)
{
    if (!pages)
        return;
    g_ptr_array_free(pages->pages, TRUE);
    g_array_free(pages->fonts, TRUE);
    g_array_free(pages->outline, TRUE);
    g_string_chunk_free(pages->strings);
    g_ptr_array_free(pages->blocks, TRUE);
    for (int i = 0; i < JD_META_COUNT; i++)
        g_free(pages->meta[i]);
    g_free(pages->page_label);
    g_free(pages);
}

static const char *keep(jd_pages *pages, const char *s)
{
    return s ? g_string_chunk_insert(pages->strings, s) : NULL;
}

int jd_pages_add_font(jd_pages *pages, const char *file, int face_index, const char *family,
                      bool synthetic_bold)
{
    for (guint i = 0; i < pages->fonts->len; i++) {
        jd_font *f = &g_array_index(pages->fonts, jd_font, i);
        if (strcmp(f->file, file) == 0 && f->face_index == face_index &&
            f->synthetic_bold == synthetic_bold)
            return (int)i;
    }
    jd_font f = {keep(pages, file), face_index, keep(pages, family ? family : ""), synthetic_bold};
    g_array_append_val(pages->fonts, f);
    return (int)pages->fonts->len - 1;
}

size_t jd_pages_font_count(const jd_pages *pages)
{
    return pages->fonts->len;
}

const jd_font *jd_pages_font(const jd_pages *pages, int id)
{
    if (id < 0 || (guint)id >= pages->fonts->len)
        return NULL;
    return &g_array_index(pages->fonts, jd_font, id);
}

jd_page *jd_pages_add_page(jd_pages *pages, double width, double height)
{
    jd_page *page = g_new0(jd_page, 1);
    page->owner = pages;
    page->index = pages->pages->len;
    page->width = width;
    page->height = height;
    page->items = g_array_new(FALSE, TRUE, sizeof(jd_item));
    g_ptr_array_add(pages->pages, page);
    return page;
}

size_t jd_pages_count(const jd_pages *pages)
{
    return pages->pages->len;
}

jd_page *jd_pages_get(const jd_pages *pages, size_t index)
{
    return index < pages->pages->len ? g_ptr_array_index(pages->pages, index) : NULL;
}

double jd_page_width(const jd_page *page)
{
    return page->width;
}

double jd_page_height(const jd_page *page)
{
    return page->height;
}

size_t jd_page_index(const jd_page *page)
{
    return page->index;
}

void jd_page_add_glyphs(jd_page *page, const jd_glyph_run *run)
{
    jd_pages *pages = page->owner;
    jd_item it = {.type = JD_ITEM_GLYPHS};
    it.u.glyphs = *run;
    it.u.glyphs.text = g_string_chunk_insert_len(pages->strings, run->text, (gssize)run->text_len);
    jd_glyph *copy = g_memdup2(run->glyphs, run->n_glyphs * sizeof(jd_glyph));
    g_ptr_array_add(pages->blocks, copy);
    it.u.glyphs.glyphs = copy;
    g_array_append_val(page->items, it);
}

void jd_page_add_rule(jd_page *page, const jd_rule *rule)
{
    jd_item it = {.type = JD_ITEM_RULE};
    it.u.rule = *rule;
    g_array_append_val(page->items, it);
}

void jd_page_add_rect(jd_page *page, const jd_rect *rect)
{
    jd_item it = {.type = JD_ITEM_RECT};
    it.u.rect = *rect;
    g_array_append_val(page->items, it);
}

void jd_page_add_image(jd_page *page, const jd_image *image)
{
    jd_item it = {.type = JD_ITEM_IMAGE};
    it.u.image = *image;
    it.u.image.path = keep(page->owner, image->path);
    g_array_append_val(page->items, it);
}

void jd_page_add_link(jd_page *page, const jd_link *link)
{
    jd_pages *pages = page->owner;
    jd_item it = {.type = JD_ITEM_LINK};
    it.u.link = *link;
    it.u.link.dest = keep(pages, link->dest);
    it.u.link.uri = keep(pages, link->uri);
    g_array_append_val(page->items, it);
}

void jd_page_add_dest(jd_page *page, const jd_dest *dest)
{
    jd_item it = {.type = JD_ITEM_DEST};
    it.u.dest = *dest;
    it.u.dest.name = keep(page->owner, dest->name);
    g_array_append_val(page->items, it);
}

void jd_page_add_path(jd_page *page, const jd_path *path)
{
    jd_item it = {.type = JD_ITEM_PATH};
    it.u.path = *path;
    jd_path_seg *copy = g_memdup2(path->segs, path->n_segs * sizeof(jd_path_seg));
    g_ptr_array_add(page->owner->blocks, copy);
    it.u.path.segs = copy;
    g_array_append_val(page->items, it);
}

static void turn_point(double *x, double *y, double dx, double dy)
{
    double ox = *x;
    *x = dx - *y;
    *y = dy + ox;
}

/* A box (x, y, w, h) turned: its new top-left corner is the old bottom-left one's image */
static void turn_box(double *x, double *y, double *w, double *h, double dx, double dy)
{
    double bx = *x, by = *y + *h, ow = *w;
    turn_point(&bx, &by, dx, dy);
    *x = bx, *y = by, *w = *h, *h = ow;
}

void jd_page_turn_items(jd_page *page, size_t first, double dx, double dy)
{
    for (size_t i = first; i < page->items->len; i++) {
        jd_item *it = &g_array_index(page->items, jd_item, i);
        switch (it->type) {
        case JD_ITEM_GLYPHS:
            turn_point(&it->u.glyphs.x, &it->u.glyphs.y, dx, dy);
            it->quarter_turns = (it->quarter_turns + 1) % 4;
            break;
        case JD_ITEM_RULE:
            turn_point(&it->u.rule.x1, &it->u.rule.y1, dx, dy);
            turn_point(&it->u.rule.x2, &it->u.rule.y2, dx, dy);
            break;
        case JD_ITEM_RECT:
            turn_box(&it->u.rect.x, &it->u.rect.y, &it->u.rect.w, &it->u.rect.h, dx, dy);
            break;
        case JD_ITEM_IMAGE:
            turn_box(&it->u.image.x, &it->u.image.y, &it->u.image.w, &it->u.image.h, dx, dy);
            break;
        case JD_ITEM_LINK:
            turn_box(&it->u.link.x, &it->u.link.y, &it->u.link.w, &it->u.link.h, dx, dy);
            break;
        case JD_ITEM_DEST:
            turn_point(&it->u.dest.x, &it->u.dest.y, dx, dy);
            break;
        case JD_ITEM_PATH: {
            jd_path_seg *segs = (jd_path_seg *)it->u.path.segs; /* the page's own copy */
            for (size_t k = 0; k < it->u.path.n_segs; k++)
                for (int j = 0; j < 3; j++)
                    turn_point(&segs[k].x[j], &segs[k].y[j], dx, dy);
            break;
        }
        }
    }
}

size_t jd_page_item_count(const jd_page *page)
{
    return page->items->len;
}

const jd_item *jd_page_item(const jd_page *page, size_t index)
{
    return index < page->items->len ? &g_array_index(page->items, jd_item, index) : NULL;
}

void jd_pages_add_outline(jd_pages *pages, const char *title, int level, size_t page, double y)
{
    jd_outline_entry e = {keep(pages, title ? title : ""), level < 1 ? 1 : level, page, y};
    g_array_append_val(pages->outline, e);
}

size_t jd_pages_outline_count(const jd_pages *pages)
{
    return pages->outline->len;
}

const jd_outline_entry *jd_pages_outline(const jd_pages *pages, size_t index)
{
    return index < pages->outline->len ? &g_array_index(pages->outline, jd_outline_entry, index)
                                       : NULL;
}

void jd_pages_set_meta(jd_pages *pages, jd_meta key, const char *value)
{
    if ((unsigned)key >= JD_META_COUNT)
        return;
    g_free(pages->meta[key]);
    pages->meta[key] = g_strdup(value);
}

const char *jd_pages_meta(const jd_pages *pages, jd_meta key)
{
    return (unsigned)key < JD_META_COUNT ? pages->meta[key] : NULL;
}

void jd_pages_set_page_label(jd_pages *pages, const char *style)
{
    g_free(pages->page_label);
    pages->page_label = g_strdup(style);
}

const char *jd_pages_page_label(const jd_pages *pages)
{
    return pages->page_label;
}

/* ---- dump -------------------------------------------------------------------------- */

static void num(GString *out, double d)
{
    char buf[32];
    g_ascii_formatd(buf, sizeof buf, "%.1f", d);
    size_t n = strlen(buf);
    if (n > 2 && strcmp(buf + n - 2, ".0") == 0)
        buf[n - 2] = '\0';
    g_string_append(out, strcmp(buf, "-0") == 0 ? "0" : buf);
}

static void str(GString *out, const char *s)
{
    g_string_append_c(out, '"');
    for (const char *p = s ? s : ""; *p; p++) {
        if (*p == '"' || *p == '\\')
            g_string_append_c(out, '\\');
        if (*p == '\n')
            g_string_append(out, "\\n");
        else
            g_string_append_c(out, *p);
    }
    g_string_append_c(out, '"');
}

static void point(GString *out, double x, double y)
{
    num(out, x);
    g_string_append_c(out, ',');
    num(out, y);
}

static void box(GString *out, double x, double y, double w, double h)
{
    point(out, x, y);
    g_string_append_c(out, ' ');
    num(out, w);
    g_string_append_c(out, 'x');
    num(out, h);
}

static const char *hatch_name(jd_hatch_kind k)
{
    static const char *const names[] = {"none", "rising", "falling", "cross", "horizontal", "vertical", "grid"};
    return (unsigned)k < G_N_ELEMENTS(names) ? names[k] : "?";
}

/* "path M x,y L x,y C x,y x,y x,y Z fill=#rrggbb hatch=rising/#rrggbb/3/0.5 stroke=w #rrggbb
 * dash=on,off round" */
static void dump_path(GString *out, const jd_path *p)
{
    g_string_append(out, "path");
    static const char verbs[] = {'M', 'L', 'C', 'Z'};
    for (size_t i = 0; i < p->n_segs; i++) {
        const jd_path_seg *s = &p->segs[i];
        g_string_append_c(out, ' ');
        g_string_append_c(out, (unsigned)s->verb < sizeof verbs ? verbs[s->verb] : '?');
        int n = s->verb == JD_PATH_CURVE ? 3 : s->verb == JD_PATH_CLOSE ? 0 : 1;
        for (int k = 0; k < n; k++) {
            g_string_append_c(out, ' ');
            point(out, s->x[k], s->y[k]);
        }
    }
    if (p->fill)
        g_string_append_printf(out, " fill=#%06x", p->fill_color);
    if (p->hatch.kind != JD_HATCH_NONE) {
        g_string_append_printf(out, " hatch=%s/#%06x/", hatch_name(p->hatch.kind), p->hatch.color);
        num(out, p->hatch.spacing);
        g_string_append_c(out, '/');
        num(out, p->hatch.width);
    }
    if (p->stroke_width > 0) {
        g_string_append(out, " stroke=");
        num(out, p->stroke_width);
        g_string_append_printf(out, " #%06x", p->stroke_color);
        if (p->dash_on || p->dash_off)
            g_string_append_printf(out, " dash=%u,%u", p->dash_on, p->dash_off);
    }
    if (p->round)
        g_string_append(out, " round");
}

char *jd_pages_dump(const jd_pages *pages)
{
    GString *out = g_string_new(NULL);
    static const char *const meta_names[] = {"title", "author", "subject", "keywords", "creator", "date"};
    for (int m = 0; m < JD_META_COUNT; m++) {
        if (pages->meta[m]) {
            g_string_append_printf(out, "meta %s ", meta_names[m]);
            str(out, pages->meta[m]);
            g_string_append_c(out, '\n');
        }
    }
    for (guint p = 0; p < pages->pages->len; p++) {
        const jd_page *page = g_ptr_array_index(pages->pages, p);
        g_string_append_printf(out, "page %u ", p + 1);
        num(out, page->width);
        g_string_append_c(out, 'x');
        num(out, page->height);
        g_string_append_c(out, '\n');
        for (guint i = 0; i < page->items->len; i++) {
            const jd_item *it = &g_array_index(page->items, jd_item, i);
            g_string_append(out, "  ");
            switch (it->type) {
            case JD_ITEM_GLYPHS: {
                const jd_glyph_run *r = &it->u.glyphs;
                const jd_font *f = jd_pages_font(pages, r->font);
                g_string_append(out, "text ");
                point(out, r->x, r->y);
                g_string_append(out, " w=");
                num(out, r->width);
                g_string_append_c(out, ' ');
                str(out, f ? f->family : "?");
                g_string_append_c(out, ' ');
                num(out, r->size);
                if (f && f->synthetic_bold)
                    g_string_append(out, " bold");
                if (r->color)
                    g_string_append_printf(out, " #%06x", r->color);
                if (it->quarter_turns)
                    g_string_append_printf(out, " turned=%d", it->quarter_turns * 90);
                g_string_append_c(out, ' ');
                str(out, r->text);
                break;
            }
            case JD_ITEM_RULE:
                g_string_append(out, "rule ");
                point(out, it->u.rule.x1, it->u.rule.y1);
                g_string_append(out, " ");
                point(out, it->u.rule.x2, it->u.rule.y2);
                g_string_append(out, " w=");
                num(out, it->u.rule.width);
                if (it->u.rule.color)
                    g_string_append_printf(out, " #%06x", it->u.rule.color);
                break;
            case JD_ITEM_RECT:
                g_string_append(out, "rect ");
                box(out, it->u.rect.x, it->u.rect.y, it->u.rect.w, it->u.rect.h);
                if (it->u.rect.fill)
                    g_string_append_printf(out, " fill=#%06x", it->u.rect.fill_color);
                if (it->u.rect.stroke_width > 0) {
                    g_string_append(out, " stroke=");
                    num(out, it->u.rect.stroke_width);
                    g_string_append_printf(out, " #%06x", it->u.rect.stroke_color);
                }
                break;
            case JD_ITEM_IMAGE: {
                char *base = g_path_get_basename(it->u.image.path);
                g_string_append(out, "image ");
                box(out, it->u.image.x, it->u.image.y, it->u.image.w, it->u.image.h);
                g_string_append_c(out, ' ');
                str(out, base);
                g_free(base);
                break;
            }
            case JD_ITEM_LINK:
                g_string_append(out, "link ");
                box(out, it->u.link.x, it->u.link.y, it->u.link.w, it->u.link.h);
                g_string_append(out, it->u.link.dest ? " dest=" : " uri=");
                str(out, it->u.link.dest ? it->u.link.dest : it->u.link.uri);
                break;
            case JD_ITEM_DEST:
                g_string_append(out, "dest ");
                str(out, it->u.dest.name);
                g_string_append_c(out, ' ');
                point(out, it->u.dest.x, it->u.dest.y);
                break;
            case JD_ITEM_PATH:
                dump_path(out, &it->u.path);
                break;
            }
            g_string_append_c(out, '\n');
        }
    }
    for (guint i = 0; i < pages->outline->len; i++) {
        const jd_outline_entry *e = &g_array_index(pages->outline, jd_outline_entry, i);
        g_string_append_printf(out, "outline %d ", e->level);
        str(out, e->title);
        g_string_append_printf(out, " page=%zu y=", e->page + 1);
        num(out, e->y);
        g_string_append_c(out, '\n');
    }
    return g_string_free(out, FALSE);
}
