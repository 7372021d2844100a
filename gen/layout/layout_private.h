/* layout_private.h — internals shared by the layout's source files (not installed). */
#ifndef JD_LAYOUT_PRIVATE_H
#define JD_LAYOUT_PRIVATE_H

#include <pango/pango.h>
#include <stdbool.h>
#include <stdint.h>

#include "jd_layout.h"

/* ---- Chinese line breaking rules (kinsoku.c) --------------------------------------- */

/* Characters that must not start a line (GB/T 15834 and W3C clreq): closing brackets and
 * quotes, pause and stop marks, and the like. */
bool jl_forbidden_at_line_start(gunichar ch);
/* Characters that must not end a line: opening brackets and quotes. */
bool jl_forbidden_at_line_end(gunichar ch);
/* Characters that must not be separated from each other when repeated ("——", "……"). */
bool jl_inseparable(gunichar ch);
/* CJK ideographs, kana, CJK punctuation and full-width forms. */
bool jl_is_cjk(gunichar ch);

/* ---- shaped paragraphs and lines (text.c) ------------------------------------------ */

typedef struct jl_ctx jl_ctx;

/* A contiguous piece of inline content with one style and one font. */
typedef struct {
    int font_id;          /* in the jd_pages font table */
    double size;          /* pt */
    uint32_t color;
    const jd_style *style;
    const char *href;     /* link target of the span, or NULL */
    float ascent, descent; /* of the font, pt */
} jl_run;

enum {
    JL_BREAK_BEFORE = 1 << 0,     /* a line may start at this cluster */
    JL_MANDATORY_BEFORE = 1 << 1, /* a new paragraph starts at this cluster */
    JL_SPACE = 1 << 2,            /* white space: hangs at a line end, not drawn there */
    JL_CJK = 1 << 3,
    JL_CHAR_BREAK = 1 << 4,       /* a boundary between characters (emergency breaks) */
};

typedef struct {
    uint32_t byte_start;
    uint32_t byte_len;
    uint32_t glyph_start;
    uint16_t n_glyphs;
    uint16_t run;
    float width; /* advance of the cluster, pt */
    uint8_t flags;
} jl_cluster;

typedef struct {
    uint32_t id;
    float x_offset, y_offset;
    float advance;
} jl_glyph;

/* A shaped paragraph block: text (several paragraphs when it holds '\n'), its clusters in
 * logical order and their glyphs. Width-independent: breaking into lines needs no
 * reshaping, so each cell is shaped exactly once. */
typedef struct jl_para {
    char *text;
    size_t text_len;
    jl_cluster *clusters;
    size_t n_clusters;
    jl_glyph *glyphs;
    size_t n_glyphs;
    jl_run *runs;
    size_t n_runs;
    const jd_style *style; /* the block's style: alignment, indent, line height */
    float empty_ascent, empty_height; /* for a paragraph with no text */
} jl_para;

typedef struct {
    uint32_t first, end;    /* clusters [first, end) */
    float x;                /* offset of the first cluster from the box's left edge */
    float gap_extra;        /* justification: space added after each cluster but the last */
    float width;            /* natural width of the drawn clusters */
    float height;           /* line box height */
    float ascent;           /* from the line box top to the baseline */
} jl_line;

/* Shapes the inline content of a PARAGRAPH or HEADING node (fields are drawn as the text
 * given in `page_number`/`page_count`, or "#" when NULL). Returns NULL after adding an
 * error (a character no font has). */
jl_para *jl_para_shape(jl_ctx *ctx, const jd_node *block, const char *page_number,
                       const char *page_count);
/* Shapes plain text in one style (cell continuation marks, list markers). */
jl_para *jl_para_shape_text(jl_ctx *ctx, const char *text, const jd_style *style);
void jl_para_free(jl_para *para);

/* Breaks `para` into lines of `width` pt with Chinese line-start/line-end rules; appends
 * jl_line records to `lines`. */
void jl_para_break(const jl_para *para, double width, GArray *lines);

/* Widest unbreakable piece and whole natural width (longest paragraph), for automatic
 * column widths. */
void jl_para_widths(const jl_para *para, double *min_width, double *max_width);

/* Draws one line whose box top-left corner is (x, y) onto `page`; `align_page` is the
 * 1-based page number used by outside/inside alignment. Adds link items for spans with
 * href. */
void jl_line_emit(jl_ctx *ctx, const jl_para *para, const jl_line *line, double x, double y,
                  double box_width, jd_page *page);

/* ---- boxes: the blocks of a container broken into lines (box.c) -------------------- */

/* One line of a box, with the space that separates it from the line above. */
typedef struct {
    const jl_para *para;
    jl_line line;
    float space_before;
} jl_box_line;

typedef struct {
    GArray *lines;   /* jl_box_line */
    GPtrArray *paras; /* jl_para*, owned */
    GArray *spaces;  /* double: space before each paragraph */
    double height;   /* sum of lines and spaces */
} jl_box;

/* Shapes and breaks the blocks of a container (cell, item, header, footer) at `width`.
 * Only paragraphs and headings may appear in it; anything else is reported as an error.
 * `page_number`/`page_count` fill page fields (NULL: "#"). */
jl_box *jl_box_measure(jl_ctx *ctx, const jd_node *container, double width, const char *page_number,
                       const char *page_count);
/* A box of one paragraph of plain text (continuation marks). */
jl_box *jl_box_of_text(jl_ctx *ctx, const char *text, const jd_style *style, double width);
void jl_box_free(jl_box *box);
/* Breaks the box's paragraphs again at another width (no reshaping). */
void jl_box_rebreak(jl_box *box, double width);
/* Height of lines [a, b), counting the space before each but the first. */
double jl_box_range_height(const jl_box *box, size_t a, size_t b);
/* How many lines from `a` fit in `height`. */
size_t jl_box_lines_fitting(const jl_box *box, size_t a, double height);
/* Draws lines [a, b) with the top of the first at y. */
void jl_box_emit(jl_ctx *ctx, const jl_box *box, size_t a, size_t b, double x, double y,
                 double width, jd_page *page);
/* Widest unbreakable piece and widest line of the box's paragraphs. */
void jl_box_widths(const jl_box *box, double *min_width, double *max_width);

/* ---- the layout context (layout.c) ------------------------------------------------- */

struct jl_ctx {
    jd_fonts *fonts;
    jd_pages *pages;
    jd_diags *diags;
    PangoContext *pango;
    PangoLayout *layout;        /* reused for every paragraph */
    GHashTable *font_descs;     /* jd_style* -> PangoFontDescription* */
    GHashTable *font_ids;       /* PangoFont* -> font id + 1 */
    GHashTable *metrics;        /* PangoFont* -> float[2] ascent, descent */
    GHashTable *reported_chars; /* missing characters already reported */
    GHashTable *mark_styles;    /* jd_style* -> style of its continuation mark (owned) */
    bool failed;
};

/* Style of the "（续）" mark of a continued cell: the cell's, a little smaller. */
const jd_style *jl_mark_style(jl_ctx *ctx, const jd_style *cell_style);

PangoFontDescription *jl_font_desc(jl_ctx *ctx, const jd_style *style);
double jl_style_line_height(const jd_style *style);

/* ---- tables (table.c) -------------------------------------------------------------- */

typedef struct jl_flow jl_flow;

/* The block flow the table is placed in: current page and cursor, and how to start a new
 * page (which places nothing but resets the cursor to the top of the body). */
struct jl_flow {
    jl_ctx *ctx;
    jd_page *page;
    double x, width;  /* body box */
    double top, bottom;
    double y;         /* cursor */
    void (*new_page)(jl_flow *flow);
    void *owner;
};

void jl_table_layout(jl_flow *flow, const jd_node *table);

#endif
