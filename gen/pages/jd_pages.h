/* jd_pages.h — the page list: what the layout produces and the only thing backends see.
 *
 * A jd_pages holds pages of positioned items (glyph runs, rules, rectangles, images, link
 * areas, named destinations), a font table that glyph runs point into, the document
 * outline and the metadata. Coordinates are PDF points with the origin at the top-left
 * corner of the page and y growing downwards (backends convert if they need to).
 *
 * Everything added is copied; the jd_pages owns all memory and frees it in
 * jd_pages_free(). Items are plain read-only records for backends.
 *
 * Memory does not grow with the number of pages: only the pages used last are in memory,
 * the others wait in a scratch file in the temporary folder ($TMPDIR, in no folder
 * listing) and come back when their items are read. Adding to a page never brings it
 * back. An item pointer (jd_page_item) stays valid while fewer than eight other pages are
 * used, so read a page's items one page at a time.
 */
#ifndef JD_PAGES_H
#define JD_PAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jd_base.h"

typedef struct jd_pages jd_pages;
typedef struct jd_page jd_page;

/* ---- fonts ------------------------------------------------------------------------- */

typedef struct {
    const char *file;   /* font file the glyph ids refer to */
    int face_index;     /* face in a .ttc collection, else 0 */
    const char *family; /* family name, for dumps and messages */
    bool synthetic_bold; /* no bold face was available: backends embolden the outline */
} jd_font;

/* Adds a font (or finds the same file/index/bold already there); returns its id. */
int jd_pages_add_font(jd_pages *pages, const char *file, int face_index, const char *family,
                      bool synthetic_bold);
size_t jd_pages_font_count(const jd_pages *pages);
const jd_font *jd_pages_font(const jd_pages *pages, int id);

/* ---- items ------------------------------------------------------------------------- */

typedef enum {
    JD_ITEM_GLYPHS, /* a run of glyphs in one font, size and colour */
    JD_ITEM_RULE,   /* a straight line */
    JD_ITEM_RECT,   /* a filled and/or stroked rectangle */
    JD_ITEM_IMAGE,  /* a PNG file scaled into a rectangle */
    JD_ITEM_LINK,   /* a clickable area: to a named destination or a URI */
    JD_ITEM_DEST,   /* a named destination (link target) at a point */
    JD_ITEM_PATH,   /* lines and Bézier curves: filled, hatched and/or stroked (charts) */
} jd_item_type;

typedef struct {
    uint32_t id;     /* glyph index in the font */
    float x;         /* pen position relative to the run origin, pt */
    float y;         /* vertical offset (down is positive), pt */
    uint32_t cluster; /* byte offset in the run's text where this glyph's characters start */
} jd_glyph;

typedef struct {
    int font;         /* id in the font table */
    double size;      /* pt */
    uint32_t color;   /* 0xRRGGBB */
    double x, y;      /* origin of the run: left end of the baseline */
    const char *text; /* the characters the glyphs show (UTF-8, NUL-terminated) */
    size_t text_len;
    const jd_glyph *glyphs; /* in visual order; clusters never decrease */
    size_t n_glyphs;
    double width;     /* advance of the whole run, pt */
} jd_glyph_run;

typedef struct {
    double x1, y1, x2, y2;
    double width;
    uint32_t color;
} jd_rule;

typedef struct {
    double x, y, w, h;
    bool fill;
    uint32_t fill_color;
    double stroke_width; /* 0 = no stroke */
    uint32_t stroke_color;
} jd_rect;

typedef struct {
    double x, y, w, h;
    const char *path; /* PNG file */
} jd_image;

typedef struct {
    double x, y, w, h;
    const char *dest; /* named destination, or NULL */
    const char *uri;  /* external target, or NULL */
} jd_link;

typedef struct {
    const char *name;
    double x, y;
} jd_dest;

/* A path is a list of segments. MOVE and LINE use point 0; CURVE is a cubic Bézier from
 * the current point through control points 0 and 1 to point 2; CLOSE draws back to the
 * subpath's start. Circular arcs are written as curves of at most 90° each. */
typedef enum { JD_PATH_MOVE, JD_PATH_LINE, JD_PATH_CURVE, JD_PATH_CLOSE } jd_path_verb;

typedef struct {
    jd_path_verb verb;
    double x[3], y[3];
} jd_path_seg;

/* Hatching: parallel lines drawn over the fill, clipped to the path (non-zero winding).
 * The lines are fixed to the page, not to the shape, so neighbouring shapes with the same
 * hatch line up, and both backends draw the same lines: with s = spacing,
 *   HORIZONTAL  y = k·s            VERTICAL  x = k·s
 *   RISING "/"  x + y = k·s·√2     FALLING "\"  x − y = k·s·√2   (page y grows downwards)
 *   CROSS = RISING + FALLING       GRID = HORIZONTAL + VERTICAL
 * for every whole k whose line crosses the path's bounding box. */
typedef enum {
    JD_HATCH_NONE,
    JD_HATCH_RISING,
    JD_HATCH_FALLING,
    JD_HATCH_CROSS,
    JD_HATCH_HORIZONTAL,
    JD_HATCH_VERTICAL,
    JD_HATCH_GRID,
} jd_hatch_kind;

typedef struct {
    jd_hatch_kind kind;
    uint32_t color;
    double spacing; /* pt between neighbouring lines (> 0 when kind is not NONE) */
    double width;   /* line width, pt */
} jd_hatch;

typedef struct {
    const jd_path_seg *segs;
    size_t n_segs;
    bool fill; /* non-zero winding */
    uint32_t fill_color;
    jd_hatch hatch;
    double stroke_width; /* 0 = no stroke */
    uint32_t stroke_color;
    /* stroke dash: on and off lengths in whole points (libharu takes no fractions);
     * 0 and 0 = solid */
    uint16_t dash_on, dash_off;
    bool round; /* round joins and caps (polylines, dotted lines); else miter joins, butt caps */
} jd_path;

/* Painted in this order: fill, hatch, stroke. */

typedef struct {
    jd_item_type type;
    /* glyph runs: 0–3, the run turned that many quarters clockwise about its origin (its
     * glyph positions are along its own baseline); 0 for every other item */
    int quarter_turns;
    union {
        jd_glyph_run glyphs;
        jd_rule rule;
        jd_rect rect;
        jd_image image;
        jd_link link;
        jd_dest dest;
        jd_path path;
    } u;
} jd_item;

/* ---- pages ------------------------------------------------------------------------- */

jd_pages *jd_pages_new(void);
void jd_pages_free(jd_pages *pages);

jd_page *jd_pages_add_page(jd_pages *pages, double width, double height);
size_t jd_pages_count(const jd_pages *pages);
jd_page *jd_pages_get(const jd_pages *pages, size_t index);

double jd_page_width(const jd_page *page);
double jd_page_height(const jd_page *page);
/* 0-based index of the page in its document */
size_t jd_page_index(const jd_page *page);

/* Adders copy the record and everything it points to (text, glyphs, strings). A glyph
 * run's text is copied by its text_len and need not be NUL-terminated; the copy is. */
void jd_page_add_glyphs(jd_page *page, const jd_glyph_run *run);
void jd_page_add_rule(jd_page *page, const jd_rule *rule);
void jd_page_add_rect(jd_page *page, const jd_rect *rect);
void jd_page_add_image(jd_page *page, const jd_image *image);
void jd_page_add_link(jd_page *page, const jd_link *link);
void jd_page_add_dest(jd_page *page, const jd_dest *dest);
void jd_page_add_path(jd_page *page, const jd_path *path);

/* Turns items [first, end) of `page` a quarter clockwise and moves them: (x, y) goes to
 * (dx − y, dy + x). Glyph runs turn with them; images keep their upright content (only
 * their box moves), so only text and lines should be turned. What a page laid out for a
 * sheet of the other orientation uses (headers and footers of turned pages). */
void jd_page_turn_items(jd_page *page, size_t first, double dx, double dy);

size_t jd_page_item_count(const jd_page *page);
const jd_item *jd_page_item(const jd_page *page, size_t index);
/* Why pages could not be read back from the scratch file (what was lost reads as empty
 * rectangles), or NULL while all is well. A backend fails when it is set. */
const char *jd_pages_storage_error(const jd_pages *pages);

/* ---- outline and metadata ---------------------------------------------------------- */

typedef struct {
    const char *title;
    int level; /* 1 = top level */
    size_t page; /* 0-based page index */
    double y;    /* position on that page */
} jd_outline_entry;

void jd_pages_add_outline(jd_pages *pages, const char *title, int level, size_t page, double y);
size_t jd_pages_outline_count(const jd_pages *pages);
const jd_outline_entry *jd_pages_outline(const jd_pages *pages, size_t index);

typedef enum {
    JD_META_TITLE,
    JD_META_AUTHOR,
    JD_META_SUBJECT,
    JD_META_KEYWORDS,
    JD_META_CREATOR,
    JD_META_DATE, /* ISO 8601: the document's creation date */
    JD_META_COUNT
} jd_meta;

void jd_pages_set_meta(jd_pages *pages, jd_meta key, const char *value);
const char *jd_pages_meta(const jd_pages *pages, jd_meta key); /* NULL if unset */

/* Page label style for the PDF ("decimal", or NULL for none). */
void jd_pages_set_page_label(jd_pages *pages, const char *style);
const char *jd_pages_page_label(const jd_pages *pages);

/* A stable text form of every page: one item per line, positions rounded to 0.1 pt, text
 * runs with font family, size and their characters. The golden format of layout tests
 * and what `jindu layout --dump` prints. Newly allocated. */
char *jd_pages_dump(const jd_pages *pages);

#endif
