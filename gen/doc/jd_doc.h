/* jd_doc.h — the document tree: what a template expands to, and what the layout reads.
 *
 * A document is a tree of nodes owned by one jd_doc (freeing the doc frees every node).
 * Structure, as the template engine guarantees and the layout expects:
 *
 *   DOCUMENT   children: PAGE, COLOPHON, and blocks
 *   PAGE       page setup for the blocks that follow it (until the next PAGE, which also
 *              starts a new page); children: HEADER, FOOTER
 *   HEADER, FOOTER, CELL, ITEM, COLOPHON     block containers: children are blocks
 *   COLOPHON   blocks pinned to the foot of the body of the page where the flow is (a new
 *              page if they do not fit there); what follows starts a new page
 *   blocks     PARAGRAPH, HEADING, TABLE, LIST, IMAGE, CHART, PAGE_BREAK, SPACER
 *   PARAGRAPH, HEADING             inline content: TEXT, SPAN, LINE_BREAK, FIELD
 *   SPAN       inline content with its own style (and an optional link)
 *   TABLE      children: COLUMN*, then ROW*; ROW children: CELL*
 *   LIST       children: ITEM*
 *   CHART      a chart (a block): its categories (LABELS) and children SERIES*, each with
 *              one value per category; the layout draws it (gen/layout/chart.c)
 *
 * Inline content never appears directly in a block container: the template wraps it in a
 * PARAGRAPH. A '\n' inside TEXT is a paragraph break within its block (the layout starts a
 * new paragraph there, with the same style and first-line indent).
 *
 * Every node carries a fully resolved style (inheritance already applied): the layout
 * never looks at parents to find a style. Lengths in em and Chinese sizes are converted
 * to points by the template engine; percentages and fr stay for the layout to resolve.
 */
#ifndef JD_DOC_H
#define JD_DOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jd_base.h"

typedef enum {
    JD_NODE_DOCUMENT,
    JD_NODE_PAGE,
    JD_NODE_HEADER,
    JD_NODE_FOOTER,
    JD_NODE_HEADING,
    JD_NODE_PARAGRAPH,
    JD_NODE_TEXT,
    JD_NODE_SPAN,
    JD_NODE_LINE_BREAK,
    JD_NODE_FIELD,
    JD_NODE_LIST,
    JD_NODE_ITEM,
    JD_NODE_TABLE,
    JD_NODE_COLUMN,
    JD_NODE_ROW,
    JD_NODE_CELL,
    JD_NODE_IMAGE,
    JD_NODE_PAGE_BREAK,
    JD_NODE_SPACER,
    JD_NODE_CHART,
    JD_NODE_SERIES,
    JD_NODE_COLOPHON,
    JD_NODE_TYPE_COUNT
} jd_node_type;

const char *jd_node_type_name(jd_node_type t); /* "paragraph", "table", ... */

typedef enum {
    JD_UNIT_NONE, /* not set */
    JD_UNIT_PT,
    JD_UNIT_PERCENT, /* of the available width */
    JD_UNIT_FR,      /* share of what fixed columns leave (table columns) */
    JD_UNIT_AUTO,    /* from content (table columns) */
} jd_unit;

typedef struct {
    double value;
    jd_unit unit;
} jd_length;

typedef enum {
    JD_ALIGN_LEFT,
    JD_ALIGN_CENTER,
    JD_ALIGN_RIGHT,
    JD_ALIGN_JUSTIFY,
    JD_ALIGN_OUTSIDE, /* right on odd pages, left on even pages (GB/T 9704 page numbers) */
    JD_ALIGN_INSIDE,  /* left on odd pages, right on even pages */
} jd_align;

typedef enum { JD_VALIGN_TOP, JD_VALIGN_MIDDLE, JD_VALIGN_BOTTOM } jd_valign;

/* How full-width CJK punctuation is set (标点挤压), after xeCJK's PunctStyle. */
typedef enum {
    JD_PUNCT_QUANJIAO,      /* 全角式 (GB/T 15834, the default): marks a full em; two adjacent marks
                               1.5 em; a line's end or start mark half an em when the line needs it */
    JD_PUNCT_KAIMING,       /* 开明式: 。！？ full, every other mark half an em */
    JD_PUNCT_HANGMOBANJIAO, /* 行末半角式: 全角式, and a mark ending a line always half an em */
    JD_PUNCT_BANJIAO,       /* 半角式: every mark half an em */
    JD_PUNCT_PLAIN,         /* no adjustment: marks as the font draws them */
} jd_punctuation;

typedef struct {
    double width;   /* pt; 0 = no border */
    uint32_t color; /* 0xRRGGBB */
} jd_border;

enum { JD_TOP, JD_RIGHT, JD_BOTTOM, JD_LEFT };

/* A resolved style. Styles are interned per document (jd_doc_intern_style), so two nodes
 * with equal styles share one record and pointer comparison is equality. */
typedef struct jd_style {
    const char *font_family; /* logical (song, hei, kai, fangsong) or a real family; interned */
    double font_size;        /* pt */
    int font_weight;         /* 100..900; 400 normal, 700 bold */
    bool italic;
    uint32_t color;          /* 0xRRGGBB */
    jd_align text_align;
    jd_valign vertical_align;
    double line_height;      /* factor of the font size, or pt when line_height_pt */
    bool line_height_pt;
    jd_length text_indent;   /* first-line indent: PT or PERCENT */
    double letter_spacing;   /* pt added after each character */
    double cjk_latin_spacing; /* between Han and Latin letters/digits: factor of the font size,
                                 or pt when cjk_latin_spacing_pt */
    bool cjk_latin_spacing_pt;
    bool nowrap;             /* white-space: nowrap: no line break inside the text */
    jd_punctuation punctuation;
    double padding[4];       /* pt: JD_TOP, JD_RIGHT, JD_BOTTOM, JD_LEFT */
    jd_border border[4];
    uint32_t background;     /* 0xRRGGBB, when has_background */
    bool has_background;
    double margin_top;       /* pt of space before / after a block */
    double margin_bottom;
    bool keep_with_next;     /* do not end a page after this block */
    bool snap_to_grid;       /* a block's lines sit on the page's line grid, if it has one */
} jd_style;

/* Sensible defaults: song 10.5pt (五号), black, left, top, line height 1.5, no indent, a
 * quarter em between Han and Latin, 全角式 punctuation, lines on the grid. */
void jd_style_init_default(jd_style *s);

/* "quanjiao", "kaiming", "hangmobanjiao", "banjiao", "plain" */
const char *jd_punctuation_name(jd_punctuation p);

typedef enum { JD_FIELD_PAGE_NUMBER, JD_FIELD_PAGE_COUNT } jd_field_kind;

/* Node attributes other than style. Which ones a node type uses: */
typedef enum {
    /* DOCUMENT (strings): PDF metadata */
    JD_ATTR_TITLE,
    JD_ATTR_AUTHOR,
    JD_ATTR_SUBJECT,
    JD_ATTR_KEYWORDS,
    JD_ATTR_CREATOR,
    JD_ATTR_DATE,      /* ISO 8601, e.g. 2023-01-17 or 2023-01-17T08:00:00+08:00 */
    /* PAGE (numbers, pt; width/height already swapped for landscape) */
    JD_ATTR_PAGE_WIDTH,
    JD_ATTR_PAGE_HEIGHT,
    JD_ATTR_MARGIN_TOP,
    JD_ATTR_MARGIN_RIGHT,
    JD_ATTR_MARGIN_BOTTOM,
    JD_ATTR_MARGIN_LEFT,
    JD_ATTR_HEADER_DISTANCE, /* pt from the page edge to the header's top / footer's bottom */
    JD_ATTR_FOOTER_DISTANCE,
    JD_ATTR_PAGE_LABEL,      /* string: page label style for the PDF (e.g. "decimal") */
    JD_ATTR_LINE_PITCH,      /* pt: the body's lines sit on a grid of this pitch */
    JD_ATTR_FOOTER_BELOW_BODY, /* pt from the body's bottom to the middle of the footer's first
                                * line (instead of FOOTER_DISTANCE) */
    JD_ATTR_TURNED,          /* bool as int: printed turned a quarter on a sheet of the other
                              * orientation; header and footer placed as on that sheet */
    /* HEADING (int 1..4) */
    JD_ATTR_LEVEL,
    /* TABLE (int) */
    JD_ATTR_HEADER_ROWS,
    /* COLUMN (length: PT, PERCENT, FR or AUTO) */
    JD_ATTR_WIDTH,
    /* CELL (int >= 1; bool as int) */
    JD_ATTR_ROWSPAN,
    JD_ATTR_COLSPAN,
    JD_ATTR_IS_HEADER, /* th */
    /* FIELD (int: jd_field_kind) */
    JD_ATTR_FIELD,
    /* IMAGE (string path, resolved; lengths) and SPACER (HEIGHT) */
    JD_ATTR_SRC,
    JD_ATTR_HEIGHT,
    /* LIST (string: "disc", "decimal", "cn", "paren", "none") */
    JD_ATTR_MARKER,
    /* any block (strings / int) */
    JD_ATTR_ID,             /* named destination for links */
    JD_ATTR_BOOKMARK,       /* outline entry title */
    JD_ATTR_BOOKMARK_LEVEL, /* int, 1 = top */
    /* SPAN (string): "#id" for an internal link, or a URI */
    JD_ATTR_HREF,
    /* CELL or COLUMN (bool as int): when a page break cuts the cell's row, repeat the cell,
     * marked （续）, on the next page (cells spanning rows always are) */
    JD_ATTR_REPEAT_ON_BREAK,
    /* ROW (bool as int): the row changed since an earlier version: a bar in the margin */
    JD_ATTR_CHANGE_BAR,
    /* CHART: KIND (string: bar, line, pie, ring, progress), TITLE (caption), WIDTH and
     * HEIGHT (lengths: PT or PERCENT; HEIGHT unset = from the content), LABELS (strings:
     * the categories), NOTES (strings: a text after each progress bar), LEGEND (string:
     * top, bottom, right, none), UNIT (string, e.g. 亿元), ORIENT (string: vertical,
     * horizontal; bars), DECIMALS (int, -1 = as the values need, at most 2),
     * VALUE_LABELS (bool as int), PALETTE (string: grey, color), MISSING_LABEL (string:
     * what a missing value shows) */
    JD_ATTR_KIND,
    JD_ATTR_LABELS,
    JD_ATTR_NOTES,
    JD_ATTR_LEGEND,
    JD_ATTR_UNIT,
    JD_ATTR_ORIENT,
    JD_ATTR_DECIMALS,
    JD_ATTR_VALUE_LABELS,
    JD_ATTR_PALETTE,
    JD_ATTR_MISSING_LABEL,
    /* SERIES: NAME (string, for the legend), VALUES (numbers, one per label of the chart;
     * NaN = no value), ROLE (string: value, target, mark; progress charts) */
    JD_ATTR_NAME,
    JD_ATTR_VALUES,
    JD_ATTR_ROLE,
    /* COLOPHON (string): "even" or "odd": the page it is on must be one (GB/T 9704: the
     * 版记 is on the back of the last sheet); unset: any page */
    JD_ATTR_PARITY,
    /* COLUMN (length: PT, or AUTO: its longest unbreakable text): the narrowest an FR
     * column may be made */
    JD_ATTR_MIN_WIDTH,
    JD_ATTR_COUNT
} jd_attr;

typedef struct jd_doc jd_doc;
typedef struct jd_node jd_node;

jd_doc *jd_doc_new(void);
void jd_doc_free(jd_doc *doc);

/* Bytes the document's nodes, texts and attributes take (for tests and benchmarks). */
size_t jd_doc_size(const jd_doc *doc);

/* The DOCUMENT node, created with the doc. */
jd_node *jd_doc_root(const jd_doc *doc);

/* Returns the document's shared copy of `style` (and of its font family string). */
const jd_style *jd_doc_intern_style(jd_doc *doc, const jd_style *style);
const char *jd_doc_intern_string(jd_doc *doc, const char *s);

/* ---- building (template engine) ---------------------------------------------------- */

/* A new node, owned by the doc, with the document's default style. */
jd_node *jd_node_new(jd_doc *doc, jd_node_type type);
void jd_node_append(jd_node *parent, jd_node *child);
void jd_node_set_style(jd_node *node, const jd_style *interned_style);
void jd_node_set_text(jd_node *node, const char *text, size_t len); /* TEXT */
void jd_node_append_text(jd_node *node, const char *text, size_t len);
void jd_node_set_int(jd_node *node, jd_attr attr, int64_t value);
void jd_node_set_number(jd_node *node, jd_attr attr, double value);
void jd_node_set_string(jd_node *node, jd_attr attr, const char *value);
void jd_node_set_length(jd_node *node, jd_attr attr, jd_length value);
/* Lists (copied): numbers, where NaN means "no value", and strings. */
void jd_node_set_numbers(jd_node *node, jd_attr attr, const double *values, size_t n);
void jd_node_set_strings(jd_node *node, jd_attr attr, const char *const *values, size_t n);
/* Template position the node came from, for messages from later stages. */
void jd_node_set_source(jd_node *node, const char *file, int line);

/* ---- reading (layout) --------------------------------------------------------------- */

jd_node_type jd_node_get_type(const jd_node *node);
jd_node *jd_node_parent(const jd_node *node);
jd_node *jd_node_first_child(const jd_node *node);
jd_node *jd_node_last_child(const jd_node *node);
jd_node *jd_node_next(const jd_node *node);
size_t jd_node_child_count(const jd_node *node);
const jd_style *jd_node_style(const jd_node *node);
const char *jd_node_text(const jd_node *node, size_t *len); /* TEXT; "" otherwise */
int64_t jd_node_int(const jd_node *node, jd_attr attr, int64_t dflt);
double jd_node_number(const jd_node *node, jd_attr attr, double dflt);
const char *jd_node_string(const jd_node *node, jd_attr attr); /* NULL if unset */
jd_length jd_node_length(const jd_node *node, jd_attr attr);   /* unit NONE if unset */
/* A list attribute and its length (NULL and 0 if unset); borrowed from the node. */
const double *jd_node_numbers(const jd_node *node, jd_attr attr, size_t *n);
const char *const *jd_node_strings(const jd_node *node, jd_attr attr, size_t *n);
const char *jd_node_source_file(const jd_node *node);
int jd_node_source_line(const jd_node *node);

/* All the text below a node, concatenated (fields as "#" / "##"). Newly allocated. */
char *jd_node_plain_text(const jd_node *node);

/* ---- dump and hash ------------------------------------------------------------------ */

/* A stable, human-readable text form of the whole tree: one node per line, indented by
 * depth, with its attributes and the style properties that differ from its parent's.
 * It is the golden format of template tests and what `jindu expand` prints. */
char *jd_doc_dump(const jd_doc *doc);

/* SHA-256 (hex, 64 chars + NUL) of the dump: equal documents, equal hashes. */
void jd_doc_hash(const jd_doc *doc, char out[65]);

#endif
