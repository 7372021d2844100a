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
/* Arabic digits, half- and full-width. */
bool jl_is_digit(gunichar ch);
/* Of `s` (`len` bytes), which follows a number: the bytes of the unit that stays on the
 * number's line — magnitudes (亿, 万 …) and then a unit word of the list (个百分点, 平方米,
 * 人次 …) or one ideograph (元, 家, 项, 年 …); 0 when `s` does not start with an ideograph. */
size_t jl_unit_after_number(const char *s, size_t len);

/* What a character is to spacing and punctuation compression. */
typedef enum {
    JL_CLASS_NONE,      /* zero width, controls */
    JL_CLASS_SPACE,
    JL_CLASS_HAN,       /* ideographs, kana, hangul, other full-width CJK (— … ～) */
    JL_CLASS_OPEN,      /* full-width opening brackets and quotes: blank left half */
    JL_CLASS_CLOSE,     /* closing brackets and quotes: blank right half */
    JL_CLASS_STOP,      /* ，、：； : blank right half */
    JL_CLASS_FULL_STOP, /* 。！？． : blank right half, kept full in 开明式 */
    JL_CLASS_MIDDLE,    /* · ・ : blank quarters both sides */
    JL_CLASS_ALNUM,     /* letters and digits of other scripts */
    JL_CLASS_NARROW,    /* other characters of Latin text: . , % ( ) - / … */
} jl_class;
jl_class jl_char_class(gunichar ch);
/* Characters set in the family's Latin face when it has one: Latin, Greek and Cyrillic
 * letters, digits, ASCII signs; never CJK punctuation. */
bool jl_latin_face_char(gunichar ch);

/* ---- shaped paragraphs and lines (text.c) ------------------------------------------ */

typedef struct jl_ctx jl_ctx;

/* A font as the page list knows it. Interned once per layout (thread-safe), so paragraphs
 * shaped on different threads, each with its own pango font map, name fonts alike. */
typedef struct {
    char *file;
    int face_index;
    char *family;
    bool synthetic_bold;
} jl_font_key;

typedef struct jl_font_keys jl_font_keys;
jl_font_keys *jl_font_keys_new(void);
void jl_font_keys_free(jl_font_keys *keys);
const jl_font_key *jl_font_keys_intern(jl_font_keys *keys, const char *file, int face_index,
                                       const char *family, bool synthetic_bold);

/* What shaping needs; one per thread. The layout's own shaper resolves font families as
 * it meets them; a worker thread's shaper is given every font description it may need
 * and gives up on a paragraph with any other style (the layout then shapes it). */
/* The font descriptions of a style: its family for CJK and everything else, and its
 * paired Latin face for Latin letters, digits and signs (NULL: none). */
typedef struct {
    PangoFontDescription *main;
    PangoFontDescription *latin;
} jl_descs;

jl_descs *jl_descs_copy(const jl_descs *d);
void jl_descs_free(jl_descs *d);

typedef struct {
    PangoContext *pango;
    PangoLayout *layout;        /* reused for every paragraph */
    GHashTable *font_descs;     /* jd_style* -> jl_descs* */
    bool owns_descs;
    jd_fonts *fonts;            /* NULL in worker threads */
    jd_diags *diags;
    GHashTable *metrics;        /* PangoFont* -> float[2] ascent, descent */
    GHashTable *style_metrics;  /* jd_style* -> float[2] ascent, descent of its font description */
    GHashTable *font_keys;      /* PangoFont* -> const jl_font_key* (NULL: not a font file) */
    jl_font_keys *keys;
    GHashTable *shaped;         /* GBytes* (styles and text) -> jl_para*: short texts shaped
                                   before (names, headers, marks), not adopted */
} jl_shaper;

/* `descs`: NULL for a shaper that resolves families through `fonts`; else a table it only
 * reads (shared with other threads). */
void jl_shaper_init(jl_shaper *s, PangoFontMap *map, jd_fonts *fonts, GHashTable *descs,
                    jl_font_keys *keys, jd_diags *diags);
void jl_shaper_clear(jl_shaper *s);
/* NULL when a worker's shaper was not given this style's descriptions. */
const jl_descs *jl_shaper_font_desc(jl_shaper *s, const jd_style *style);

/* A contiguous piece of inline content with one style and one font. */
typedef struct {
    const jl_font_key *font; /* NULL: the font is not a file (nothing can be drawn) */
    int font_id;          /* in the jd_pages font table, once the paragraph is adopted */
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
    JL_LINE_SEPARATOR = 1 << 5,   /* U+2028: ends its line, is not drawn */
};

typedef struct {
    uint32_t byte_start;
    uint32_t byte_len;
    uint32_t glyph_start;
    uint16_t n_glyphs;
    uint16_t run;
    float width;   /* advance of the cluster with its letter spacing, pt */
    uint8_t flags;
    uint8_t cls;   /* jl_class of its first character */
    uint8_t level; /* bidi embedding level as pango itemized it: odd is right to left */
} jl_cluster;

/* How a cluster takes part in spacing, from its class, its neighbour before it and its
 * style; the same whatever the width, so line breaking and drawing share it. */
typedef struct {
    float fixed_left, fixed_right; /* blank always removed (开明式, 半角式) */
    float blank_left, blank_right; /* blank that may be removed when a line needs it */
    float pair;      /* blank removed between this mark and the mark before it, on one line */
    float glue;      /* space before this cluster on one line: Han–Latin spacing */
    uint8_t pair_side; /* 1: the pair's blank is the one before's right, 2: this one's left */
    bool stretch;    /* the gap before this cluster takes justification space */
} jl_space;

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
    jl_space *spaces;      /* one per cluster */
    size_t n_clusters;
    jl_glyph *glyphs;
    size_t n_glyphs;
    jl_run *runs;
    size_t n_runs;
    const jd_style *style; /* the block's style: alignment, indent, line height */
    float empty_ascent, empty_height; /* for a paragraph with no text */
    GArray *missing;       /* jl_missing: characters no font has, reported on adoption */
    bool packed;           /* the arrays live in the paragraph's own block (jl_para_pack) */
    struct jl_para *next;  /* the next paragraph of a cell, while a shaping thread hands it over */
} jl_para;

typedef struct {
    uint32_t byte;         /* in the paragraph's text */
    const jd_node *node;   /* the text's node, for the message */
} jl_missing;

typedef struct {
    uint32_t first, end;    /* clusters [first, end) are drawn */
    float x;                /* offset of the line's start from the box's left edge */
    float gap_extra;        /* justification: space added at each stretchable gap (negative:
                               a squeezed line set tighter) */
    float width;            /* width of the drawn line, as set */
    float height;           /* line box height */
    float ascent;           /* from the line box top to the baseline */
    float start_trim;       /* blank removed before the first cluster (an opening mark) */
    float end_trim;         /* blank removed after the last (a closing or stop mark) */
    float shrink;           /* share of every other removable blank that is removed */
    float scale;            /* 1, or less for text set smaller to fit (a squeezed line) */
    bool squeezed;          /* unbreakable text wider than the line: set tighter or smaller */
} jl_line;

/* Shapes the inline content of a PARAGRAPH or HEADING node (fields are drawn as the text
 * given in `page_number`/`page_count`, or "#" when NULL) with the layout's shaper and
 * adopts it. A character no font has is reported as an error. */
jl_para *jl_para_shape(jl_ctx *ctx, const jd_node *block, const char *page_number,
                       const char *page_count);
/* The paragraph and its arrays moved into one block. A paragraph shaped on a worker thread
 * is freed on the layout's, and glibc frees each block into the arena of the thread that
 * allocated it, under that arena's lock: five blocks a cell kept the two threads waiting
 * for each other's locks. Takes `p`; one from the shaping cache is packed already. */
jl_para *jl_para_pack(jl_para *p);
/* Shapes with any shaper, on any thread; the result is not yet adopted. NULL when the
 * shaper lacks a style's font description. */
jl_para *jl_para_shape_with(jl_shaper *shaper, const jd_node *block, const char *page_number,
                            const char *page_count);
/* Takes a paragraph shaped elsewhere into the layout: font ids in the page list, and
 * errors for characters no font has (in the order paragraphs are adopted). */
void jl_para_adopt(jl_ctx *ctx, jl_para *para);
/* Shapes plain text in one style (cell continuation marks, list markers). */
jl_para *jl_para_shape_text(jl_ctx *ctx, const char *text, const jd_style *style);
void jl_para_free(jl_para *para);

/* Breaks `para` into lines of `width` pt with Chinese line-start/line-end rules; appends
 * jl_line records to `lines`. */
void jl_para_break(const jl_para *para, double width, GArray *lines);

/* Widest unbreakable piece and whole natural width (longest paragraph), for automatic
 * column widths. */
void jl_para_widths(const jl_para *para, double *min_width, double *max_width);

/* Draws one line whose box top-left corner is (x, y) onto `page` (whose number decides
 * outside/inside alignment). Adds link items for spans with href. */
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
/* The same from paragraphs already shaped (one per child of `container`, all paragraphs or
 * headings), which the box adopts and takes over. */
jl_box *jl_box_from_shaped(jl_ctx *ctx, const jd_node *container, GPtrArray *paras, double width);
/* A box of one shaped paragraph, which it takes over. */
jl_box *jl_box_of_para(jl_para *para, double width);
/* A box of one paragraph of plain text (continuation marks). */
jl_box *jl_box_of_text(jl_ctx *ctx, const char *text, const jd_style *style, double width);
void jl_box_free(jl_box *box);
/* Warns (once per text and template line) about unbreakable text the box had to set
 * tighter or smaller. */
void jl_box_warn_squeezed(jl_ctx *ctx, const jd_node *container, const jl_box *box, double width);
/* Breaks the box's paragraphs again at another width (no reshaping). */
void jl_box_rebreak(jl_box *box, double width);
/* Line grids: `h` rounded up to whole lines of `pitch` (at least one). */
double jl_grid_span(double h, double pitch);
/* Puts the box's lines on a line grid of `pitch`: each line takes whole lines of the grid
 * (its text centred in them), and so does the space between paragraphs. */
void jl_box_snap(jl_box *box, double pitch);
/* Height of lines [a, b), counting the space before each but the first. */
double jl_box_range_height(const jl_box *box, size_t a, size_t b);
/* The same when it is at most `limit`; else some height above `limit`, found without adding
 * up the rest (lines and the spaces before them are never negative): asking whether the rest
 * of a cell of 100,000 lines fits on a page costs a page of lines, not the cell. */
double jl_box_range_height_upto(const jl_box *box, size_t a, size_t b, double limit);
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
    jl_shaper shaper;           /* this thread's; its font keys are the layout's (owned) */
    int threads;                /* for shaping table cells, this one included */
    GHashTable *reported_chars; /* missing characters already reported */
    GHashTable *reported_squeezes; /* unbreakable texts set smaller, already reported */
    GHashTable *mark_styles;    /* jd_style* -> style of its continuation mark (owned) */
    GHashTable *chart_styles;   /* jd_style* -> the text styles of a chart in it (owned) */
    GArray *glyphs;             /* jd_glyph: scratch for the line being drawn */
    GArray *order;              /* uint32_t: scratch, a line's clusters in visual order */
    const jd_cancel *cancel;    /* NULL: never asked to stop */
    size_t cells_live, cells_peak; /* table cells held now, and at most (table.c) */
    bool failed;
    bool stopped;               /* asked to stop: every loop ends (failed is set too) */
};

/* Style of the "（续）" mark of a continued cell: the cell's, a little smaller. */
const jd_style *jl_mark_style(jl_ctx *ctx, const jd_style *cell_style);

const jl_descs *jl_font_desc(jl_ctx *ctx, const jd_style *style);
double jl_style_line_height(const jd_style *style);

/* ---- shaping table cells and body text on other threads (pool.c) -------------------- */

typedef struct jl_pool jl_pool;

/* Starts shaping the paragraphs of `containers` (table cells, in the order the layout will
 * ask for them; a paragraph or heading is shaped itself) on ctx->threads - 1 other
 * threads, a bounded distance ahead of the layout. NULL when there is nothing to gain
 * (one thread, few cells). */
jl_pool *jl_pool_start(jl_ctx *ctx, const jd_node *const *containers, size_t n);
/* The shaped paragraphs of container `i`, not yet adopted, handed over to the caller; or
 * NULL: the caller shapes it itself (no thread had started it, or one gave up). */
GPtrArray *jl_pool_take(jl_pool *pool, size_t i);
/* Stops the threads and frees what was not taken. */
void jl_pool_free(jl_pool *pool);

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

/* The bookmark (outline entry) and id (named destination) of block `n`, placed at `y` on
 * the flow's current page. */
void jl_flow_mark(jl_flow *flow, const jd_node *n, double y);

/* ---- charts (chart.c) -------------------------------------------------------------- */

/* Places a CHART node in the flow (on a new page when it does not fit what is left of a
 * page that has content), and draws it. */
void jl_chart_layout(jl_flow *flow, const jd_node *chart, bool page_has_content);
/* The height the chart takes in a flow `width` wide whose page body is `body_height` high
 * (0 for a chart the layout cannot draw). */
double jl_chart_height(jl_ctx *ctx, const jd_node *chart, double width, double body_height);

/* Ticks of a value axis: Heckbert's loose labelling ("Nice numbers for graph labels",
 * Graphics Gems, 1990) — a step of 1, 2 or 5 × 10^exponent, and the multiples of it that
 * cover [lo, hi]. */
typedef struct {
    int mantissa, exponent; /* step = mantissa × 10^exponent */
    long first;             /* the first tick is first × step */
    int count;
    double min, max, step;
    int decimals;           /* digits after the point that print every tick exactly */
} jl_ticks;

/* Ticks for [lo, hi] with at most about `max_ticks` of them (Heckbert's nticks); a range
 * of one value is widened to include zero (0–1 for zero itself). False for a range that
 * is not finite or reversed, or max_ticks < 2. */
bool jl_nice_ticks(double lo, double hi, int max_ticks, jl_ticks *out);
/* Tick `i` (0-based), computed from its decimal digits so 0.1 × 3 prints as 0.3. */
double jl_tick_at(const jl_ticks *t, int i);

#endif
