#include "jd_pages.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

/* Memory that does not grow with the number of pages: each page owns its items and what
 * they point to (texts, glyphs, path segments: an arena of its own), and only the pages
 * used last stay in memory. The others are written to a scratch file (in no folder:
 * jd_scratch_file) and read back when they are read again — which backends do once, in
 * order. Adding to a page never reads it back: the items added wait in memory and go to
 * the file as one more record of the page. A document of 8,000 pages holds a few pages of
 * items, and a small record per page. */
enum { RESIDENT_PAGES = 8 };

typedef struct {
    gint64 offset;
    size_t bytes;
    size_t items;
} record;

struct jd_page {
    jd_pages *owner;
    size_t index;
    double width, height;
    /* items [base, base + items->len) are in memory: all of them (base 0) once the page is
     * read back, else only those added since it was last written out */
    GArray *items; /* jd_item, or NULL while none are in memory */
    size_t base;
    size_t saved;     /* items [0, saved) are in the scratch file, in `records` */
    GArray *records;  /* record, or NULL */
    jd_arena *arena;  /* what the items in memory point to, or NULL */
    GList *lru;       /* its link in owner->resident while it holds memory, else NULL */
};

struct jd_pages {
    GPtrArray *pages;       /* jd_page* */
    GArray *fonts;          /* jd_font */
    GArray *outline;        /* jd_outline_entry */
    GStringChunk *strings;  /* font names and outline titles */
    char *meta[JD_META_COUNT];
    char *page_label;
    GQueue resident;        /* pages holding memory, the one used last first */
    int spill_fd;           /* the scratch file: -1 before the first page is written, -2
                               when there is none (pages stay in memory) */
    gint64 spill_end;
    bool spill_full;        /* a write failed: later pages stay in memory, the file stays
                               open for the pages already in it */
    int storage_errno;      /* a page could not be read back */
};

/* ---- a page's arena -------------------------------------------------------------- */

static void *arena_alloc(jd_page *page, size_t n)
{
    if (!page->arena) page->arena = jd_arena_new();
    return jd_arena_alloc(page->arena, n ? n : 1);
}

static void *arena_copy(jd_page *page, const void *data, size_t n)
{
    void *p = arena_alloc(page, n);
    if (n) memcpy(p, data, n);
    return p;
}

static const char *arena_string(jd_page *page, const char *s, size_t len)
{
    if (!page->arena) page->arena = jd_arena_new();
    return jd_arena_strndup(page->arena, s, len);
}

/* ---- records: a page's items in the scratch file --------------------------------- */

static void put(GByteArray *b, const void *p, size_t n)
{
    g_byte_array_append(b, p, (guint)n);
}

static void put_u32(GByteArray *b, uint32_t v)
{
    put(b, &v, sizeof v);
}

static void put_f64(GByteArray *b, double v)
{
    put(b, &v, sizeof v);
}

static void put_str(GByteArray *b, const char *s)
{
    put_u32(b, s ? (uint32_t)strlen(s) : UINT32_MAX);
    if (s) put(b, s, strlen(s));
}

/* Field by field (no padding bytes, no pointers): doubles as they are, so a page read back
 * draws exactly as it was laid out. */
static void put_item(GByteArray *b, const jd_item *it)
{
    guint8 head[2] = {(guint8)it->type, (guint8)it->quarter_turns};
    put(b, head, 2);
    switch (it->type) {
    case JD_ITEM_GLYPHS: {
        const jd_glyph_run *r = &it->u.glyphs;
        put_u32(b, (uint32_t)r->font);
        put_f64(b, r->size);
        put_u32(b, r->color);
        put_f64(b, r->x), put_f64(b, r->y), put_f64(b, r->width);
        put_u32(b, (uint32_t)r->text_len);
        put(b, r->text, r->text_len);
        put_u32(b, (uint32_t)r->n_glyphs);
        /* the glyphs written in place: an append per field was most of a page's writing */
        guint at = b->len;
        g_byte_array_set_size(b, at + (guint)(r->n_glyphs * 16));
        guint8 *q = b->data + at;
        for (size_t i = 0; i < r->n_glyphs; i++, q += 16) {
            const jd_glyph *g = &r->glyphs[i];
            memcpy(q, &g->id, 4);
            memcpy(q + 4, &g->x, 4);
            memcpy(q + 8, &g->y, 4);
            memcpy(q + 12, &g->cluster, 4);
        }
        break;
    }
    case JD_ITEM_RULE:
        put_f64(b, it->u.rule.x1), put_f64(b, it->u.rule.y1), put_f64(b, it->u.rule.x2);
        put_f64(b, it->u.rule.y2), put_f64(b, it->u.rule.width);
        put_u32(b, it->u.rule.color);
        break;
    case JD_ITEM_RECT:
        put_f64(b, it->u.rect.x), put_f64(b, it->u.rect.y), put_f64(b, it->u.rect.w), put_f64(b, it->u.rect.h);
        put_u32(b, it->u.rect.fill), put_u32(b, it->u.rect.fill_color);
        put_f64(b, it->u.rect.stroke_width);
        put_u32(b, it->u.rect.stroke_color);
        break;
    case JD_ITEM_IMAGE:
        put_f64(b, it->u.image.x), put_f64(b, it->u.image.y), put_f64(b, it->u.image.w), put_f64(b, it->u.image.h);
        put_str(b, it->u.image.path);
        break;
    case JD_ITEM_LINK:
        put_f64(b, it->u.link.x), put_f64(b, it->u.link.y), put_f64(b, it->u.link.w), put_f64(b, it->u.link.h);
        put_str(b, it->u.link.dest);
        put_str(b, it->u.link.uri);
        break;
    case JD_ITEM_DEST:
        put_str(b, it->u.dest.name);
        put_f64(b, it->u.dest.x), put_f64(b, it->u.dest.y);
        break;
    case JD_ITEM_PATH: {
        const jd_path *p = &it->u.path;
        put_u32(b, (uint32_t)p->n_segs);
        for (size_t i = 0; i < p->n_segs; i++) {
            put_u32(b, (uint32_t)p->segs[i].verb);
            for (int k = 0; k < 3; k++)
                put_f64(b, p->segs[i].x[k]), put_f64(b, p->segs[i].y[k]);
        }
        put_u32(b, p->fill), put_u32(b, p->fill_color);
        put_u32(b, (uint32_t)p->hatch.kind), put_u32(b, p->hatch.color);
        put_f64(b, p->hatch.spacing), put_f64(b, p->hatch.width);
        put_f64(b, p->stroke_width);
        put_u32(b, p->stroke_color);
        put_u32(b, p->dash_on), put_u32(b, p->dash_off), put_u32(b, p->round);
        break;
    }
    }
}

typedef struct {
    const guint8 *p, *end;
    bool bad;
} reader;

static void get(reader *r, void *out, size_t n)
{
    if (r->bad || (size_t)(r->end - r->p) < n) {
        r->bad = true;
        memset(out, 0, n);
        return;
    }
    memcpy(out, r->p, n);
    r->p += n;
}

static uint32_t get_u32(reader *r)
{
    uint32_t v;
    get(r, &v, sizeof v);
    return v;
}

static double get_f64(reader *r)
{
    double v;
    get(r, &v, sizeof v);
    return v;
}

static const char *get_str(reader *r, jd_page *page)
{
    uint32_t n = get_u32(r);
    if (n == UINT32_MAX || r->bad) return NULL;
    if ((size_t)(r->end - r->p) < n) {
        r->bad = true;
        return NULL;
    }
    const char *s = arena_string(page, (const char *)r->p, n);
    r->p += n;
    return s;
}

static void get_item(reader *r, jd_page *page, jd_item *it)
{
    memset(it, 0, sizeof *it);
    guint8 head[2];
    get(r, head, 2);
    it->type = (jd_item_type)head[0];
    it->quarter_turns = head[1];
    switch (it->type) {
    case JD_ITEM_GLYPHS: {
        jd_glyph_run *g = &it->u.glyphs;
        g->font = (int)get_u32(r);
        g->size = get_f64(r);
        g->color = get_u32(r);
        g->x = get_f64(r), g->y = get_f64(r), g->width = get_f64(r);
        g->text_len = get_u32(r);
        if ((size_t)(r->end - r->p) < g->text_len) r->bad = true;
        g->text = arena_string(page, r->bad ? "" : (const char *)r->p, r->bad ? 0 : g->text_len);
        if (!r->bad) r->p += g->text_len;
        g->n_glyphs = get_u32(r);
        if ((size_t)(r->end - r->p) / 16 < g->n_glyphs) r->bad = true;
        if (r->bad) g->n_glyphs = 0, g->text_len = 0;
        jd_glyph *glyphs = arena_alloc(page, g->n_glyphs * sizeof(jd_glyph) + 1);
        for (size_t i = 0; i < g->n_glyphs; i++) {
            glyphs[i].id = get_u32(r);
            get(r, &glyphs[i].x, sizeof(float));
            get(r, &glyphs[i].y, sizeof(float));
            glyphs[i].cluster = get_u32(r);
        }
        g->glyphs = glyphs;
        break;
    }
    case JD_ITEM_RULE:
        it->u.rule.x1 = get_f64(r), it->u.rule.y1 = get_f64(r), it->u.rule.x2 = get_f64(r);
        it->u.rule.y2 = get_f64(r), it->u.rule.width = get_f64(r);
        it->u.rule.color = get_u32(r);
        break;
    case JD_ITEM_RECT:
        it->u.rect.x = get_f64(r), it->u.rect.y = get_f64(r), it->u.rect.w = get_f64(r), it->u.rect.h = get_f64(r);
        it->u.rect.fill = get_u32(r) != 0, it->u.rect.fill_color = get_u32(r);
        it->u.rect.stroke_width = get_f64(r);
        it->u.rect.stroke_color = get_u32(r);
        break;
    case JD_ITEM_IMAGE:
        it->u.image.x = get_f64(r), it->u.image.y = get_f64(r), it->u.image.w = get_f64(r), it->u.image.h = get_f64(r);
        it->u.image.path = get_str(r, page);
        break;
    case JD_ITEM_LINK:
        it->u.link.x = get_f64(r), it->u.link.y = get_f64(r), it->u.link.w = get_f64(r), it->u.link.h = get_f64(r);
        it->u.link.dest = get_str(r, page);
        it->u.link.uri = get_str(r, page);
        break;
    case JD_ITEM_DEST:
        it->u.dest.name = get_str(r, page);
        it->u.dest.x = get_f64(r), it->u.dest.y = get_f64(r);
        break;
    case JD_ITEM_PATH: {
        jd_path *p = &it->u.path;
        p->n_segs = get_u32(r);
        if ((size_t)(r->end - r->p) / 52 < p->n_segs) r->bad = true, p->n_segs = 0;
        jd_path_seg *segs = arena_alloc(page, p->n_segs * sizeof(jd_path_seg) + 1);
        for (size_t i = 0; i < p->n_segs; i++) {
            segs[i].verb = (jd_path_verb)get_u32(r);
            for (int k = 0; k < 3; k++)
                segs[i].x[k] = get_f64(r), segs[i].y[k] = get_f64(r);
        }
        p->segs = segs;
        p->fill = get_u32(r) != 0, p->fill_color = get_u32(r);
        p->hatch.kind = (jd_hatch_kind)get_u32(r), p->hatch.color = get_u32(r);
        p->hatch.spacing = get_f64(r), p->hatch.width = get_f64(r);
        p->stroke_width = get_f64(r);
        p->stroke_color = get_u32(r);
        p->dash_on = (uint16_t)get_u32(r), p->dash_off = (uint16_t)get_u32(r), p->round = get_u32(r) != 0;
        break;
    }
    default:
        r->bad = true;
    }
    if (r->bad) {
        /* a record that cannot be read back draws nothing; jd_pages_storage_error says why */
        memset(it, 0, sizeof *it);
        it->type = JD_ITEM_RECT;
    }
}

/* ---- residency ------------------------------------------------------------------- */

/* Writes what of `page` is not in the file yet and frees its memory. False (the page stays
 * in memory) when there is no scratch file or the write failed: memory grows, the output
 * does not change. */
static bool write_out(jd_page *page)
{
    jd_pages *pages = page->owner;
    if (pages->spill_fd == -1) {
        char *path = NULL;
        pages->spill_fd = jd_scratch_file(&path);
        g_free(path);
        if (pages->spill_fd < 0) pages->spill_fd = -2;
    }
    if (pages->spill_fd < 0 || pages->spill_full) return false;
    size_t first = page->saved - page->base, n = page->items ? page->items->len - first : 0;
    if (n > 0) {
        GByteArray *b = g_byte_array_new();
        for (size_t i = first; i < page->items->len; i++)
            put_item(b, &g_array_index(page->items, jd_item, i));
        bool ok = jd_pwrite_all(pages->spill_fd, b->data, b->len, pages->spill_end);
        if (ok) {
            if (!page->records) page->records = g_array_new(FALSE, FALSE, sizeof(record));
            record rec = {pages->spill_end, b->len, n};
            g_array_append_val(page->records, rec);
            pages->spill_end += b->len;
            page->saved += n;
        }
        g_byte_array_free(b, TRUE);
        if (!ok) {
            /* a full disk: keep every page in memory from now on (the file is still read
             * for the pages written before) */
            pages->spill_full = true;
            return false;
        }
    }
    if (page->items) g_array_free(page->items, TRUE);
    page->items = NULL;
    page->base = page->saved;
    jd_arena_free(page->arena);
    page->arena = NULL;
    return true;
}

/* `page` was just used: it goes first, and the page used longest ago leaves memory when
 * too many hold some. */
static void touch(jd_page *page)
{
    jd_pages *pages = page->owner;
    if (page->lru) {
        if (pages->resident.head != page->lru) {
            g_queue_unlink(&pages->resident, page->lru);
            g_queue_push_head_link(&pages->resident, page->lru);
        }
    } else {
        g_queue_push_head(&pages->resident, page);
        page->lru = pages->resident.head;
    }
    while (pages->resident.length > RESIDENT_PAGES && pages->spill_fd != -2 &&
           !pages->spill_full) {
        jd_page *old = g_queue_peek_tail(&pages->resident);
        if (!write_out(old)) break;
        g_queue_delete_link(&pages->resident, old->lru);
        old->lru = NULL;
    }
}

/* Brings every item of `page` into memory (base 0). */
static void read_back(jd_page *page)
{
    if (page->base == 0) return;
    jd_pages *pages = page->owner;
    GArray *all = g_array_sized_new(FALSE, TRUE, sizeof(jd_item), (guint)(page->saved + (page->items ? page->items->len : 0)));
    for (guint k = 0; page->records && k < page->records->len; k++) {
        const record *rec = &g_array_index(page->records, record, k);
        guint8 *data = g_malloc(rec->bytes ? rec->bytes : 1);
        bool ok = jd_pread_all(pages->spill_fd, data, rec->bytes, rec->offset);
        if (!ok && !pages->storage_errno) pages->storage_errno = errno ? errno : EIO;
        reader r = {data, data + (ok ? rec->bytes : 0), false};
        for (size_t i = 0; i < rec->items; i++) {
            jd_item it;
            get_item(&r, page, &it);
            g_array_append_val(all, it);
        }
        if (r.bad && !pages->storage_errno) pages->storage_errno = EIO;
        g_free(data);
    }
    if (page->items) {
        g_array_append_vals(all, page->items->data, page->items->len);
        g_array_free(page->items, TRUE);
    }
    page->items = all;
    page->base = 0;
}

/* The page's items, for adding: in memory (never read back for that). */
static GArray *items_to_add(jd_page *page)
{
    if (!page->items) page->items = g_array_new(FALSE, TRUE, sizeof(jd_item));
    touch(page);
    return page->items;
}

/* ---- pages --------------------------------------------------------------------------- */

static void page_free(gpointer p)
{
    jd_page *page = p;
    if (page->items) g_array_free(page->items, TRUE);
    if (page->records) g_array_free(page->records, TRUE);
    jd_arena_free(page->arena);
    g_free(page);
}

jd_pages *jd_pages_new(void)
{
    jd_pages *pages = g_new0(jd_pages, 1);
    pages->pages = g_ptr_array_new_with_free_func(page_free);
    pages->fonts = g_array_new(FALSE, TRUE, sizeof(jd_font));
    pages->outline = g_array_new(FALSE, TRUE, sizeof(jd_outline_entry));
    pages->strings = g_string_chunk_new(4096);
    g_queue_init(&pages->resident);
    pages->spill_fd = -1;
    return pages;
}

void jd_pages_free(jd_pages *pages)
{
    if (!pages)
        return;
    g_ptr_array_free(pages->pages, TRUE);
    g_queue_clear(&pages->resident);
    if (pages->spill_fd >= 0) close(pages->spill_fd);
    g_array_free(pages->fonts, TRUE);
    g_array_free(pages->outline, TRUE);
    g_string_chunk_free(pages->strings);
    for (int i = 0; i < JD_META_COUNT; i++)
        g_free(pages->meta[i]);
    g_free(pages->page_label);
    g_free(pages);
}

const char *jd_pages_storage_error(const jd_pages *pages)
{
    return pages->storage_errno ? g_strerror(pages->storage_errno) : NULL;
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
    jd_item it = {.type = JD_ITEM_GLYPHS};
    it.u.glyphs = *run;
    it.u.glyphs.text = arena_string(page, run->text ? run->text : "", run->text ? run->text_len : 0);
    it.u.glyphs.glyphs = arena_copy(page, run->glyphs, run->n_glyphs * sizeof(jd_glyph));
    g_array_append_val(items_to_add(page), it);
}

void jd_page_add_rule(jd_page *page, const jd_rule *rule)
{
    jd_item it = {.type = JD_ITEM_RULE};
    it.u.rule = *rule;
    g_array_append_val(items_to_add(page), it);
}

void jd_page_add_rect(jd_page *page, const jd_rect *rect)
{
    jd_item it = {.type = JD_ITEM_RECT};
    it.u.rect = *rect;
    g_array_append_val(items_to_add(page), it);
}

static const char *page_string(jd_page *page, const char *s)
{
    return s ? arena_string(page, s, strlen(s)) : NULL;
}

void jd_page_add_image(jd_page *page, const jd_image *image)
{
    jd_item it = {.type = JD_ITEM_IMAGE};
    it.u.image = *image;
    it.u.image.path = page_string(page, image->path);
    g_array_append_val(items_to_add(page), it);
}

void jd_page_add_link(jd_page *page, const jd_link *link)
{
    jd_item it = {.type = JD_ITEM_LINK};
    it.u.link = *link;
    it.u.link.dest = page_string(page, link->dest);
    it.u.link.uri = page_string(page, link->uri);
    g_array_append_val(items_to_add(page), it);
}

void jd_page_add_dest(jd_page *page, const jd_dest *dest)
{
    jd_item it = {.type = JD_ITEM_DEST};
    it.u.dest = *dest;
    it.u.dest.name = page_string(page, dest->name);
    g_array_append_val(items_to_add(page), it);
}

void jd_page_add_path(jd_page *page, const jd_path *path)
{
    jd_item it = {.type = JD_ITEM_PATH};
    it.u.path = *path;
    it.u.path.segs = arena_copy(page, path->segs, path->n_segs * sizeof(jd_path_seg));
    g_array_append_val(items_to_add(page), it);
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
    if (first < page->base) read_back(page);
    if (first < page->saved) {
        /* items in the file change: the page is written whole next time */
        read_back(page);
        page->saved = 0;
        if (page->records) g_array_set_size(page->records, 0);
    }
    if (!page->items) return;
    touch(page);
    for (size_t i = first - page->base; i < page->items->len; i++) {
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
    return page->base + (page->items ? page->items->len : 0);
}

const jd_item *jd_page_item(const jd_page *page, size_t index)
{
    /* reading is what brings a page back; the page list is the caller's, not shared */
    jd_page *p = (jd_page *)page;
    if (index >= jd_page_item_count(p)) return NULL;
    if (index < p->base) read_back(p);
    touch(p);
    return &g_array_index(p->items, jd_item, index - p->base);
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
        for (size_t i = 0; i < jd_page_item_count(page); i++) {
            const jd_item *it = jd_page_item(page, i);
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
