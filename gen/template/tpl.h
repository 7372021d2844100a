/* tpl.h — internals of the template module, shared by its source files only.
 *
 *   errors.c   positioned, de-duplicated error reports (tpl_errors)
 *   expr.c     expression lexer, parser and evaluator (tpl_expr)
 *   filters.c  the filter functions expressions call (x | f(a, b))
 *   style.c    lengths, colours and style properties (tpl_prop)
 *   scan.c     libxml2 parsing, plus a scan of the raw source for exact positions
 *   load.c     XML → compiled template tree (tpl_node), include resolution, checks
 *   expand.c   compiled tree + data → document tree
 */
#ifndef JD_TPL_H
#define JD_TPL_H

#include <stdint.h>

#include "jd_base.h"
#include "jd_data.h"
#include "jd_doc.h"
#include "jd_domain.h"
#include "jd_template.h"

/* ---- sources and errors ------------------------------------------------------------ */

/* One template file: its name as shown in messages and its raw bytes. Every position in
 * the module is a byte offset into `text`, turned into line:column only when reported. */
typedef struct {
    char *path; /* as shown in messages */
    char *dir;  /* absolute directory, for paths in the template (includes, images) */
    char *text; /* NUL-terminated */
    size_t len;
    GArray *line_starts; /* size_t offset of each line, for tpl_source_line */
} tpl_source;

tpl_source *tpl_source_new(const char *path, const char *dir, char *text, size_t len);
void tpl_source_free(tpl_source *src);
/* 1-based line of byte `offset`. */
int tpl_source_line(const tpl_source *src, size_t offset);

/* Errors are collected here before they reach a jd_diags: the same (position, message)
 * pair is kept once with a count, so an error inside a loop over 123 tasks is one line
 * ending in "(123 times)". */
typedef struct tpl_errors tpl_errors;

tpl_errors *tpl_errors_new(void);
void tpl_errors_free(tpl_errors *errs);
/* An error about bytes [start, end) of `src` (end <= start gives a single caret). */
void tpl_error(tpl_errors *errs, const tpl_source *src, size_t start, size_t end, const char *fmt,
               ...) G_GNUC_PRINTF(5, 6);
void tpl_errorv(tpl_errors *errs, const tpl_source *src, size_t start, size_t end, const char *fmt,
                va_list ap) G_GNUC_PRINTF(5, 0);
/* An error without a position inside a file (e.g. a file that cannot be read). */
void tpl_error_file(tpl_errors *errs, const char *path, int line, int col, const char *fmt, ...)
    G_GNUC_PRINTF(5, 6);
bool tpl_errors_any(const tpl_errors *errs);
/* Number of distinct errors so far. */
guint tpl_errors_count(const tpl_errors *errs);
/* Appends every error, in file/line/column order, to `diags`. */
void tpl_errors_flush(const tpl_errors *errs, jd_diags *diags);

/* ---- expressions ------------------------------------------------------------------- */

typedef struct tpl_expr tpl_expr;

/* Where an expression's text comes from: `map` gives the raw source offset of each of its
 * bytes (after XML entity decoding), one more for its end; NULL means the text is the whole
 * source itself. */
typedef struct {
    const tpl_source *src;
    const uint32_t *map;
} tpl_origin;

/* Parses `text` (an expression, without {{ }}). Names are interned in `names`, so
 * variables compare by pointer. Returns NULL after reporting a malformed expression,
 * an unknown filter or a wrong argument count. */
tpl_expr *tpl_expr_parse(const char *text, size_t len, const tpl_origin *origin,
                         GStringChunk *names, tpl_errors *errs);
/* Parses the `each` of for/group: "NAME in EXPR". */
tpl_expr *tpl_expr_parse_each(const char *text, size_t len, const tpl_origin *origin,
                              GStringChunk *names, tpl_errors *errs, const char **var_name);
void tpl_expr_free(tpl_expr *e);

/* The variable name if the whole expression is one bare variable, else NULL. */
const char *tpl_expr_bare_variable(const tpl_expr *e);
/* Offsets of the first use of variable `name` (interned) in the expression, if any. */
bool tpl_expr_find_variable(const tpl_expr *e, const char *name, size_t *start, size_t *end);
/* Adds every variable name the expression uses (interned) to the set `names`. */
void tpl_expr_collect_variables(const tpl_expr *e, GHashTable *names);
/* Raw source span of the whole expression. */
void tpl_expr_span(const tpl_expr *e, size_t *start, size_t *end);
const tpl_source *tpl_expr_source(const tpl_expr *e);

/* Names in scope during expansion. Values are referenced, never copied. */
typedef struct {
    const char *name; /* interned */
    jd_value *value;  /* owned reference */
} tpl_binding;

/* What the domain filters worked out during one expansion (filters_domain.c). */
typedef struct tpl_memo tpl_memo;
tpl_memo *tpl_memo_new(void);
void tpl_memo_free(tpl_memo *memo);

typedef struct {
    const jd_value *globals;
    GArray *scope; /* tpl_binding, innermost last */
    bool strict;
    int lenient; /* > 0 while evaluating the input of `default`: a missing value is null */
    tpl_errors *errs;
    tpl_memo *memo; /* NULL: every filter works everything out afresh */
} tpl_eval;

void tpl_scope_push(tpl_eval *ev, const char *name, jd_value *value); /* takes the reference */
void tpl_scope_pop_to(tpl_eval *ev, guint depth);

/* A new reference to the value, or NULL after reporting an error. */
jd_value *tpl_expr_eval(const tpl_expr *e, tpl_eval *ev);
bool tpl_truthy(const jd_value *v);

/* Longest text an expression may build (with +, join or replace): text can double at each
 * level of nesting, and past this size it is a runaway template, not a document. */
#define TPL_MAX_TEXT ((size_t)16 << 20)

/* ---- filters ----------------------------------------------------------------------- */

/* Where a filter is being applied, for its error messages. */
typedef struct {
    tpl_eval *ev;
    const tpl_source *src;
    size_t start, end; /* the filter's name and arguments */
    const char *name;
} tpl_filter_call;

typedef jd_value *(*tpl_filter_fn)(const tpl_filter_call *call, jd_value *input, jd_value **args,
                                   int nargs);

typedef struct {
    const char *name;
    int min_args, max_args;
    tpl_filter_fn fn;
} tpl_filter;

const tpl_filter *tpl_filter_find(const char *name, size_t len);
/* The filter whose name is closest to a misspelt one, for "did you mean …?"; NULL if none
 * is close. Newly allocated. */
char *tpl_filter_closest(const char *name, size_t len);
/* Reports "filter 'NAME' expects WHAT, got KIND" and returns NULL. */
jd_value *tpl_filter_type_error(const tpl_filter_call *call, const char *expected,
                                const jd_value *got);
/* Reports an error at the filter and returns NULL. */
jd_value *tpl_filter_error(const tpl_filter_call *call, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* A reporting period from an argument ("2023Q2", "2023-05", "2023年第二季度"…), or an error
 * naming the filter. */
bool tpl_period_arg(const tpl_filter_call *call, const jd_value *arg, jd_period *out);

/* The filters on tasks' and indicators' states (filters_domain.c). */
jd_value *tpl_f_task_states(const tpl_filter_call *call, jd_value *in, jd_value **args, int n);
jd_value *tpl_f_task_counts(const tpl_filter_call *call, jd_value *in, jd_value **args, int n);
jd_value *tpl_f_unit_reports(const tpl_filter_call *call, jd_value *in, jd_value **args, int n);
jd_value *tpl_f_missing_reports(const tpl_filter_call *call, jd_value *in, jd_value **args, int n);
jd_value *tpl_f_indicator_status(const tpl_filter_call *call, jd_value *in, jd_value **args, int n);
jd_value *tpl_f_indicator_counts(const tpl_filter_call *call, jd_value *in, jd_value **args, int n);
jd_value *tpl_f_cumulative_name(const tpl_filter_call *call, jd_value *in, jd_value **args, int n);

/* "an int", "a string", "a list", "null"…: a kind with its article, for messages. */
const char *tpl_kind_phrase(jd_value_kind k);
/* Member `path` ("a" or "a.b") of an object, borrowed; NULL when missing. */
jd_value *tpl_value_member_path(const jd_value *v, const char *path);
/* Ordering used by sort, min, max and group sort: null < bool < numbers < strings, numbers by
 * value, strings by code point; lists and objects compare equal to each other. */
int tpl_value_compare(const jd_value *a, const jd_value *b);
/* A hashable identity: equal for values that are equal (1 and 1.0 alike), distinct for
 * different kinds (1 and "1"). Newly allocated. */
char *tpl_value_identity(const jd_value *v);
/* Whether array `list` holds a value equal to `value`. */
bool tpl_list_has(const jd_value *list, const jd_value *value);
/* A name as expressions read them: a letter, _ or non-ASCII character, then those or digits. */
bool tpl_is_identifier(const char *s);

/* ---- styles ------------------------------------------------------------------------ */

typedef enum {
    TPL_LEN_PT,
    TPL_LEN_EM,      /* relative to a font size, resolved when applied */
    TPL_LEN_ZI,      /* 字: characters of the element (font size + letter spacing) */
    TPL_LEN_HANG,    /* 行: lines (the page's grid pitch, else the element's line height) */
    TPL_LEN_PERCENT, /* of the available width, or of the font size for font-size */
    TPL_LEN_FR,
    TPL_LEN_AUTO,
} tpl_len_unit;

typedef struct {
    double value;
    tpl_len_unit unit;
} tpl_length;

/* Which units a length may use. */
enum {
    TPL_ALLOW_PERCENT = 1 << 0,
    TPL_ALLOW_FR = 1 << 1,
    TPL_ALLOW_AUTO = 1 << 2,
    TPL_ALLOW_EM = 1 << 3,
    TPL_ALLOW_NEGATIVE = 1 << 4,
    TPL_ALLOW_ZI_HANG = 1 << 5, /* 字 and 行 */
};

/* Parses one length ("12pt", "2em", "五号", "1.3fr", "0"). On failure returns false and
 * sets *why to a newly allocated explanation. */
bool tpl_parse_length(const char *text, unsigned allow, tpl_length *out, char **why);
bool tpl_parse_color(const char *text, uint32_t *out);
/* 1 to 4 lengths in CSS order (top right bottom left), e.g. a padding or page margins. */
bool tpl_parse_box(const char *text, unsigned allow, tpl_length box[4], char **why);
/* true/false/yes/no. */
bool tpl_parse_flag(const char *text, bool *out, char **why);
/* What the relative units of a length are worth, in points. */
typedef struct {
    double em;   /* the font size */
    double zi;   /* 字: the font size plus the letter spacing (the character pitch) */
    double hang; /* 行: the line pitch of the page's grid, else the line height */
} tpl_units;

/* The units of an element of style `s` on a page whose line grid has pitch `grid_pitch`
 * (0: no grid). */
tpl_units tpl_units_of(const jd_style *s, double grid_pitch);
/* Points for `len` in those units; percentages and fr stay as they are. */
jd_length tpl_length_resolve(tpl_length len, const tpl_units *units);

typedef enum {
    TPL_PROP_FONT_FAMILY,
    TPL_PROP_FONT_SIZE,
    TPL_PROP_FONT_WEIGHT,
    TPL_PROP_FONT_STYLE,
    TPL_PROP_COLOR,
    TPL_PROP_TEXT_ALIGN,
    TPL_PROP_VERTICAL_ALIGN,
    TPL_PROP_LINE_HEIGHT,
    TPL_PROP_TEXT_INDENT,
    TPL_PROP_LETTER_SPACING,
    TPL_PROP_PADDING,
    TPL_PROP_BORDER,
    TPL_PROP_BORDER_TOP,
    TPL_PROP_BORDER_RIGHT,
    TPL_PROP_BORDER_BOTTOM,
    TPL_PROP_BORDER_LEFT,
    TPL_PROP_BACKGROUND,
    TPL_PROP_MARGIN_TOP,
    TPL_PROP_MARGIN_BOTTOM,
    TPL_PROP_KEEP_WITH_NEXT,
    TPL_PROP_CJK_LATIN_SPACING,
    TPL_PROP_WHITE_SPACE,
    TPL_PROP_PUNCTUATION,
    TPL_PROP_SNAP_TO_GRID,
    TPL_PROP_COUNT
} tpl_prop_id;

/* One parsed style property. */
typedef struct {
    tpl_prop_id id;
    union {
        const char *family; /* interned in the template */
        tpl_length len;     /* font-size, text-indent, letter-spacing, margins */
        int weight;
        bool flag; /* italic, keep-with-next, snap-to-grid */
        uint32_t color;
        int align; /* jd_align or jd_valign */
        struct {
            tpl_length len;
            bool factor; /* line-height given as a plain number */
        } line_height;
        struct {
            tpl_length len; /* pt, or em (kept as a share of the font size) */
            bool em;
        } spacing; /* cjk-latin-spacing */
        tpl_length box[4]; /* padding: top, right, bottom, left */
        struct {
            tpl_length width;
            uint32_t color;
        } border;
        struct {
            bool none;
            uint32_t color;
        } background;
    } u;
} tpl_prop;

/* The property an attribute name sets, or -1. */
int tpl_prop_lookup(const char *name);
const char *tpl_prop_name(tpl_prop_id id);
/* "a, b or c" for a NULL-terminated list of words. */
char *tpl_word_list(const char *const *words);
/* Parses an attribute value for property `id`; family names are interned in `names`. */
bool tpl_prop_parse(tpl_prop_id id, const char *text, GStringChunk *names, tpl_prop *out,
                    char **why);
/* Applies `props` (several layers, in order) to `style`, resolving em, 字 and 行 against the
 * style they produce (on a page whose line grid has pitch `grid_pitch`, 0 for none): font
 * size first, then letter spacing and line height, so every other length sees the
 * element's own. */
void tpl_props_apply(jd_style *style, const tpl_prop *const *layers, const guint *counts,
                     guint n_layers, double grid_pitch);
/* The inherited part of `parent`: box properties (padding, border, background, margins,
 * keep-with-next) back to their defaults. */
void tpl_style_inherit(jd_style *out, const jd_style *parent);

/* ---- raw source scan --------------------------------------------------------------- */

/* An attribute as written: name and value positions in the raw source, and the value
 * decoded (entities, attribute-value normalisation) with the raw offset of each byte. */
typedef struct tpl_raw_attr tpl_raw_attr;
struct tpl_raw_attr {
    char *name;
    size_t name_start, name_end;
    char *value;
    size_t value_len;
    uint32_t *map;      /* value_len + 1 entries */
    tpl_raw_attr *next; /* in source order */
};

/* An element or a text run of the parsed template, with its raw positions. Comments and
 * processing instructions are dropped; CDATA sections become text. */
typedef struct tpl_raw tpl_raw;
struct tpl_raw {
    bool is_text;
    char *name;             /* element */
    size_t start, name_end; /* element: '<' and end of name; text: first byte */
    tpl_raw_attr *attrs;    /* the first, in source order */
    tpl_raw *children;      /* the first child */
    tpl_raw *next;          /* the next sibling */
    char *text;             /* text: decoded */
    size_t text_len;
    uint32_t *map;          /* text_len + 1 entries */
};

/* Parses a template with libxml2 (no network, no DTD, no entity expansion; its messages
 * go to `errs`, never to stderr) and returns the root element with exact positions, or
 * NULL after reporting errors. The tree is allocated in `arena` and lives as long as it. */
tpl_raw *tpl_scan(const tpl_source *src, tpl_errors *errs, jd_arena *arena);

/* ---- compiled template ------------------------------------------------------------- */

typedef enum {
    TPL_TEXT,
    TPL_DOCUMENT,
    TPL_PAGE,
    TPL_HEADER,
    TPL_FOOTER,
    TPL_STYLE,
    TPL_H1,
    TPL_H2,
    TPL_H3,
    TPL_H4,
    TPL_P,
    TPL_SPAN,
    TPL_BR,
    TPL_LIST,
    TPL_ITEM,
    TPL_TABLE,
    TPL_COL,
    TPL_TR,
    TPL_TH,
    TPL_TD,
    TPL_IMAGE,
    TPL_PAGE_BREAK,
    TPL_SPACER,
    TPL_COLOPHON,
    TPL_FOR,
    TPL_IF,
    TPL_ELIF,
    TPL_ELSE,
    TPL_GROUP,
    TPL_SET,
    TPL_INCLUDE,
    TPL_PARTIAL,
    TPL_CHART,
    TPL_SERIES,
    TPL_PARAM,
} tpl_kind;

/* Attributes other than style properties. */
typedef enum {
    TPL_A_TITLE,
    TPL_A_AUTHOR,
    TPL_A_SUBJECT,
    TPL_A_KEYWORDS,
    TPL_A_CREATOR,
    TPL_A_DATE,
    TPL_A_STRICT,
    TPL_A_LANG,
    TPL_A_SIZE,
    TPL_A_ORIENTATION,
    TPL_A_MARGIN,
    TPL_A_HEADER_DISTANCE,
    TPL_A_FOOTER_DISTANCE,
    TPL_A_PAGE_LABEL,
    TPL_A_LINE_GRID,
    TPL_A_FOOTER_BELOW_BODY,
    TPL_A_TURNED,
    TPL_A_PARITY,
    TPL_A_NAME,
    TPL_A_STYLE,
    TPL_A_ID,
    TPL_A_BOOKMARK,
    TPL_A_BOOKMARK_LEVEL,
    TPL_A_HREF,
    TPL_A_MARKER,
    TPL_A_HEADER_ROWS,
    TPL_A_WIDTH,
    TPL_A_HEIGHT,
    TPL_A_REPEAT,
    TPL_A_ROWSPAN,
    TPL_A_COLSPAN,
    TPL_A_SRC,
    TPL_A_EACH,
    TPL_A_INDEX,
    TPL_A_TEST,
    TPL_A_BY,
    TPL_A_BY_EACH,
    TPL_A_SORT,
    TPL_A_VALUE,
    TPL_A_REPEAT_ON_BREAK,
    TPL_A_CHANGE_BAR,
    /* chart and series */
    TPL_A_KIND,
    TPL_A_DATA,
    TPL_A_LABEL,
    TPL_A_LABELS,
    TPL_A_POINT_VALUE, /* "value" of chart and series: evaluated for each item of data */
    TPL_A_VALUES,
    TPL_A_NOTE,
    TPL_A_LEGEND,
    TPL_A_UNIT,
    TPL_A_ORIENT,
    TPL_A_DECIMALS,
    TPL_A_VALUE_LABELS,
    TPL_A_PALETTE,
    TPL_A_MISSING,
    TPL_A_SERIES_NAME, /* "name" of a series: any text */
    TPL_A_ROLE,
    TPL_A_TYPE,
    TPL_A_REQUIRED,
    TPL_A_DEFAULT,
    TPL_A_EXAMPLE,
    TPL_A_CHOICES,
    TPL_A_MIN_WIDTH,
    TPL_A_COUNT
} tpl_attr_id;

/* A piece of text or of an attribute value. */
typedef enum {
    TPL_PART_TEXT,  /* literal characters */
    TPL_PART_SPACE, /* a literal whitespace run: collapsed or dropped when expanded */
    TPL_PART_EXPR,  /* {{ expr }}: its value, verbatim */
    TPL_PART_FIELD, /* {{ page }} or {{ pages }} in a header or footer */
} tpl_part_kind;

typedef struct {
    tpl_part_kind kind;
    bool newline;     /* SPACE: the run contains a line break */
    const char *text; /* TEXT: points into the owner's decoded text */
    size_t len;
    tpl_expr *expr; /* EXPR */
    jd_field_kind field;
    size_t start, end; /* raw offsets */
} tpl_part;

/* The typed value of an attribute: converted at load time when it is static, at expansion
 * when it comes from {{ }}. */
typedef union {
    int64_t i;
    bool flag;
    const char *s; /* interned */
    tpl_length len;
    tpl_length box[4];
    struct {
        double width, height;
    } size;
    struct {
        int lines;    /* the body holds this many lines, or 0 */
        double pitch; /* else lines of this pitch, pt */
    } grid;
} tpl_attr_value;

typedef struct {
    int id; /* tpl_attr_id, or TPL_A_COUNT + tpl_prop_id for a style property */
    size_t value_start, value_end; /* raw offsets, for messages */
    tpl_expr *expr;                /* control attribute (bare expression) */
    tpl_part *parts;               /* interpolated value; NULL when static */
    guint n_parts;
    char *text;           /* the decoded value the parts point into */
    bool single;          /* the value is exactly one {{ expr }}: keeps the value's type */
    tpl_attr_value value; /* static value */
} tpl_attr;

/* The keyword index of a static keyword attribute; the chart module's kind and role. */
enum { TPL_CHART_BAR, TPL_CHART_LINE, TPL_CHART_PIE, TPL_CHART_RING, TPL_CHART_PROGRESS };
enum { TPL_ROLE_VALUE, TPL_ROLE_TARGET, TPL_ROLE_MARK };

typedef struct tpl_node tpl_node;
struct tpl_node {
    tpl_kind kind;
    const tpl_source *src;
    size_t start, name_end; /* element name (after '<') or text run, raw offsets */
    int line;
    GPtrArray *children; /* tpl_node*, owned */
    tpl_attr *attrs;     /* non-style attributes, and dynamic style properties */
    guint n_attrs;
    tpl_prop *style; /* static style: named styles first, then the element's own */
    guint n_style;
    guint n_named; /* how many of `style` come from named styles */
    /* text */
    tpl_part *parts;
    guint n_parts;
    char *text; /* decoded text the parts point into */
    /* control */
    const char *var; /* for/group: the name each element is bound to; set: the variable */
    const char *index_var;
    tpl_node *else_branch;        /* if/elif: the next elif or else */
    const tpl_node *include_root; /* include: the partial's root node (owned by its file) */
    int height;                   /* levels of elements from here down, through includes */
};

/* The text of an interpolated attribute value (expand.c); false after an error in one of
 * its expressions. For a value that is exactly one {{ expr }}, *typed gets a reference to
 * the value itself. */
bool tpl_attr_eval(tpl_eval *ev, const tpl_attr *a, GString *out, jd_value **typed);

/* The attribute `id` of a node, or NULL. */
const tpl_attr *tpl_node_attr(const tpl_node *node, int id);
/* Converts an attribute value (text, or the typed value of a single {{ expr }}) for
 * attributes that are not plain strings: numbers, lengths, keywords, page sizes, dates.
 * On failure sets *message to the complete error message. */
bool tpl_attr_convert(tpl_kind element, int id, const char *text, const jd_value *typed,
                      tpl_attr_value *out, char **message);
/* The keywords of a keyword attribute (orientation, marker, sort), NULL-terminated. */
const char *const *tpl_attr_keywords(int id);
/* "bad colour 'x' for color: why" and the like. */
char *tpl_prop_error(tpl_prop_id id, const char *text, const char *why);

/* A parameter the template declares (<param>): see params.c. */
struct jd_template_param {
    const char *name;        /* interned in the template */
    int type;                /* index into tpl_param_types() */
    bool required;
    const char *description; /* the element's text, white space collapsed; owned */
    const char *example;     /* as declared, or NULL; interned */
    jd_value *default_value; /* checked and normalised, or NULL */
    char **choices;          /* the values allowed (choices="a b c"), or NULL: any of the type */
};

/* Collects the <param> declarations at the top level of `root` into tpl->params, checking
 * their names (once each) and defaults. */
void tpl_collect_params(jd_template *tpl, const tpl_node *root, tpl_errors *errs);
void tpl_param_free(gpointer param);

/* The parameter types, NULL-terminated: text, number, integer, period, quarter, year, date. */
const char *const *tpl_param_types(void);
/* Reads `text` as a value of `type`; a new value, or NULL with *why ("not a period: …"). */
jd_value *tpl_param_value(int type, const jd_value *given, char **why);

struct jd_template {
    GPtrArray *sources;    /* tpl_source*: the template and its includes, in load order */
    GPtrArray *params;     /* jd_template_param*, in the order declared */
    GPtrArray *roots;      /* tpl_node*: the root element of each source */
    const tpl_node *main;  /* the template's <document> */
    GPtrArray *file_names; /* char*, NULL-terminated, for jd_template_files */
    GStringChunk *names;   /* interned identifiers and style values (read-only once loaded) */
    jd_arena *arena;       /* the compiled nodes with their texts, parts, attributes, styles */
    const char *loop_name, *item_name; /* the names `loop` and `item`, interned */
    GHashTable *styles;                /* named styles: name -> tpl_named_style* */
    GHashTable *variables;             /* every variable name an expression uses */
    bool strict;
};

/* A named style (<style name="x" .../>): its properties, base styles first. */
typedef struct {
    tpl_prop *props;
    guint n_props;
} tpl_named_style;

/* Charts (chart.c): a <chart> evaluated into a CHART node with its SERIES. */
typedef struct {
    tpl_eval *ev;
    tpl_errors *errs;
    const char *item_name; /* "item", interned */
    const tpl_node *node;  /* the <chart> */
    jd_doc *doc;
    jd_node *chart;
    int kind;         /* TPL_CHART_* */
    jd_value *items;  /* the data as a list, or NULL when the chart has `labels` */
    bool from_object; /* the data was an object: items are {key, value} */
    size_t n;         /* categories */
    GPtrArray *labels, *notes; /* char* per category */
    GPtrArray *series;         /* SERIES nodes made so far */
    bool failed;
} tpl_chart;

/* Evaluates the chart's data and categories (and its own value, if it has one); false
 * after reporting bad data. Call tpl_chart_end in any case. */
bool tpl_chart_begin(tpl_chart *c, tpl_eval *ev, tpl_errors *errs, const char *item_name,
                     const tpl_node *node, jd_doc *doc, jd_node *chart);
/* A <series> met while expanding the chart's content. */
void tpl_chart_add_series(tpl_chart *c, const tpl_node *series);
/* Checks the series as a whole, gives the chart its categories and series; false if
 * anything was wrong (reported). Frees the building state. */
bool tpl_chart_end(tpl_chart *c);

/* Expansion (expand.c). It stops with an error after `max_steps` elements and loop
 * iterations, so that a template with runaway nesting cannot exhaust memory. */
enum { TPL_MAX_STEPS = 20000000 };
jd_doc *tpl_expand(const jd_template *tpl, const jd_value *globals, size_t max_steps,
                   tpl_errors *errs);

#endif
