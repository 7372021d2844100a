/* Loading a template: the raw XML tree (scan.c) becomes a compiled tree of tpl_node with
 * every expression parsed, every static value converted, named styles resolved and
 * includes loaded; then one pass checks where each element may appear. All of it happens
 * before any data is seen, and every problem found is reported, not just the first.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "tpl.h"

/* ---- element and attribute tables ------------------------------------------------- */

#define A(x) (UINT64_C(1) << TPL_A_##x)
#define BLOCK_ATTRS (A(ID) | A(BOOKMARK) | A(BOOKMARK_LEVEL))

typedef struct {
    const char *name;
    tpl_kind kind;
    bool styled; /* takes style properties and style="…" */
    uint64_t attrs;
} element_def;

static const element_def elements[] = {
    {"document", TPL_DOCUMENT, true,
     A(TITLE) | A(AUTHOR) | A(SUBJECT) | A(KEYWORDS) | A(CREATOR) | A(DATE) | A(STRICT) | A(LANG)},
    {"page", TPL_PAGE, true,
     A(SIZE) | A(ORIENTATION) | A(MARGIN) | A(HEADER_DISTANCE) | A(FOOTER_DISTANCE) |
         A(PAGE_LABEL) | A(LINE_GRID) | A(FOOTER_BELOW_BODY) | A(TURNED)},
    {"header", TPL_HEADER, true, 0},
    {"footer", TPL_FOOTER, true, 0},
    {"style", TPL_STYLE, true, A(NAME)},
    {"h1", TPL_H1, true, BLOCK_ATTRS},
    {"h2", TPL_H2, true, BLOCK_ATTRS},
    {"h3", TPL_H3, true, BLOCK_ATTRS},
    {"h4", TPL_H4, true, BLOCK_ATTRS},
    {"p", TPL_P, true, BLOCK_ATTRS},
    {"span", TPL_SPAN, true, A(HREF) | A(ID)},
    {"br", TPL_BR, false, 0},
    {"list", TPL_LIST, true, A(MARKER) | BLOCK_ATTRS},
    {"item", TPL_ITEM, true, A(ID)},
    {"table", TPL_TABLE, true, A(HEADER_ROWS) | BLOCK_ATTRS},
    {"col", TPL_COL, true, A(WIDTH) | A(MIN_WIDTH) | A(REPEAT) | A(REPEAT_ON_BREAK)},
    {"tr", TPL_TR, true, A(CHANGE_BAR) | BLOCK_ATTRS},
    {"th", TPL_TH, true, A(ROWSPAN) | A(COLSPAN) | A(ID) | A(REPEAT_ON_BREAK)},
    {"td", TPL_TD, true, A(ROWSPAN) | A(COLSPAN) | A(ID) | A(REPEAT_ON_BREAK)},
    {"image", TPL_IMAGE, true, A(SRC) | A(WIDTH) | A(HEIGHT) | BLOCK_ATTRS},
    {"page-break", TPL_PAGE_BREAK, false, 0},
    {"spacer", TPL_SPACER, false, A(HEIGHT)},
    {"colophon", TPL_COLOPHON, true, A(PARITY)},
    {"for", TPL_FOR, false, A(EACH) | A(INDEX)},
    {"if", TPL_IF, false, A(TEST)},
    {"elif", TPL_ELIF, false, A(TEST)},
    {"else", TPL_ELSE, false, 0},
    {"group", TPL_GROUP, false, A(EACH) | A(BY) | A(BY_EACH) | A(SORT) | A(INDEX)},
    {"set", TPL_SET, false, A(NAME) | A(VALUE)},
    {"include", TPL_INCLUDE, false, A(SRC)},
    {"partial", TPL_PARTIAL, false, 0},
    {"chart", TPL_CHART, true,
     A(KIND) | A(DATA) | A(LABEL) | A(LABELS) | A(POINT_VALUE) | A(VALUES) | A(NOTE) | A(TITLE) |
         A(WIDTH) | A(HEIGHT) | A(LEGEND) | A(UNIT) | A(ORIENT) | A(DECIMALS) | A(VALUE_LABELS) |
         A(PALETTE) | A(MISSING) | BLOCK_ATTRS},
    {"series", TPL_SERIES, false, A(SERIES_NAME) | A(POINT_VALUE) | A(VALUES) | A(ROLE)},
    {"param", TPL_PARAM, false, A(NAME) | A(TYPE) | A(REQUIRED) | A(DEFAULT) | A(EXAMPLE) | A(CHOICES)},
};
G_STATIC_ASSERT(TPL_A_COUNT <= 64); /* element_def.attrs is a 64-bit set */

static const char *kind_name(tpl_kind kind)
{
    for (size_t i = 0; i < G_N_ELEMENTS(elements); i++)
        if (elements[i].kind == kind) return elements[i].name;
    return "text";
}

typedef enum {
    AK_STRING,
    AK_DATE,
    AK_FLAG,
    AK_INT,
    AK_LENGTH,
    AK_BOX,
    AK_KEYWORD,
    AK_SIZE,
    AK_GRID,  /* a number of lines, or a line pitch */
    AK_EXPR,  /* bare expression */
    AK_EACH,  /* NAME in EXPR */
    AK_NAME,  /* an identifier */
    AK_STYLES /* style names */
} attr_kind;

static const struct {
    const char *name;
    attr_kind kind;
    bool static_only;
} attr_defs[TPL_A_COUNT] = {
    [TPL_A_TITLE] = {"title", AK_STRING, false},
    [TPL_A_AUTHOR] = {"author", AK_STRING, false},
    [TPL_A_SUBJECT] = {"subject", AK_STRING, false},
    [TPL_A_KEYWORDS] = {"keywords", AK_STRING, false},
    [TPL_A_CREATOR] = {"creator", AK_STRING, false},
    [TPL_A_DATE] = {"date", AK_DATE, false},
    [TPL_A_STRICT] = {"strict", AK_FLAG, true},
    [TPL_A_LANG] = {"lang", AK_STRING, false},
    [TPL_A_SIZE] = {"size", AK_SIZE, false},
    [TPL_A_ORIENTATION] = {"orientation", AK_KEYWORD, false},
    [TPL_A_MARGIN] = {"margin", AK_BOX, false},
    [TPL_A_HEADER_DISTANCE] = {"header-distance", AK_LENGTH, false},
    [TPL_A_FOOTER_DISTANCE] = {"footer-distance", AK_LENGTH, false},
    [TPL_A_PAGE_LABEL] = {"page-label", AK_STRING, false},
    [TPL_A_LINE_GRID] = {"line-grid", AK_GRID, false},
    [TPL_A_FOOTER_BELOW_BODY] = {"footer-below-body", AK_LENGTH, false},
    [TPL_A_TURNED] = {"turned", AK_FLAG, false},
    [TPL_A_PARITY] = {"parity", AK_KEYWORD, false},
    [TPL_A_NAME] = {"name", AK_NAME, true},
    [TPL_A_STYLE] = {"style", AK_STYLES, false},
    [TPL_A_ID] = {"id", AK_STRING, false},
    [TPL_A_BOOKMARK] = {"bookmark", AK_STRING, false},
    [TPL_A_BOOKMARK_LEVEL] = {"bookmark-level", AK_INT, false},
    [TPL_A_HREF] = {"href", AK_STRING, false},
    [TPL_A_MARKER] = {"marker", AK_KEYWORD, false},
    [TPL_A_HEADER_ROWS] = {"header-rows", AK_INT, false},
    [TPL_A_WIDTH] = {"width", AK_LENGTH, false},
    [TPL_A_HEIGHT] = {"height", AK_LENGTH, false},
    [TPL_A_REPEAT] = {"repeat", AK_INT, false},
    [TPL_A_ROWSPAN] = {"rowspan", AK_INT, false},
    [TPL_A_COLSPAN] = {"colspan", AK_INT, false},
    [TPL_A_SRC] = {"src", AK_STRING, false},
    [TPL_A_EACH] = {"each", AK_EACH, true},
    [TPL_A_INDEX] = {"index", AK_NAME, true},
    [TPL_A_TEST] = {"test", AK_EXPR, true},
    [TPL_A_BY] = {"by", AK_EXPR, true},
    [TPL_A_BY_EACH] = {"by-each", AK_EXPR, true},
    [TPL_A_SORT] = {"sort", AK_KEYWORD, true},
    [TPL_A_VALUE] = {"value", AK_EXPR, true},
    [TPL_A_REPEAT_ON_BREAK] = {"repeat-on-break", AK_FLAG, false},
    [TPL_A_CHANGE_BAR] = {"change-bar", AK_FLAG, false},
    [TPL_A_KIND] = {"kind", AK_KEYWORD, true},
    [TPL_A_DATA] = {"data", AK_STRING, false},
    [TPL_A_LABEL] = {"label", AK_STRING, false},
    [TPL_A_LABELS] = {"labels", AK_STRING, false},
    [TPL_A_POINT_VALUE] = {"value", AK_STRING, false},
    [TPL_A_VALUES] = {"values", AK_STRING, false},
    [TPL_A_NOTE] = {"note", AK_STRING, false},
    [TPL_A_LEGEND] = {"legend", AK_KEYWORD, false},
    [TPL_A_UNIT] = {"unit", AK_STRING, false},
    [TPL_A_ORIENT] = {"orient", AK_KEYWORD, true},
    [TPL_A_DECIMALS] = {"decimals", AK_INT, false},
    [TPL_A_VALUE_LABELS] = {"value-labels", AK_FLAG, false},
    [TPL_A_PALETTE] = {"palette", AK_KEYWORD, false},
    [TPL_A_MISSING] = {"missing", AK_STRING, false},
    [TPL_A_SERIES_NAME] = {"name", AK_STRING, false},
    [TPL_A_ROLE] = {"role", AK_KEYWORD, true},
    [TPL_A_TYPE] = {"type", AK_KEYWORD, true},
    [TPL_A_REQUIRED] = {"required", AK_FLAG, true},
    [TPL_A_DEFAULT] = {"default", AK_STRING, true},
    [TPL_A_EXAMPLE] = {"example", AK_STRING, true},
    [TPL_A_CHOICES] = {"choices", AK_STRING, true},
    [TPL_A_MIN_WIDTH] = {"min-width", AK_LENGTH, false},
};

static const char *const orientations[] = {"portrait", "landscape", NULL};
static const char *const markers[] = {"disc", "decimal", "cn", "paren", "none", NULL};
static const char *const group_sorts[] = {"key", "-key", "count", "-count", NULL};
/* in the order of TPL_CHART_* and TPL_ROLE_* */
static const char *const chart_kinds[] = {"bar", "line", "pie", "ring", "progress", NULL};
static const char *const legends[] = {"bottom", "top", "right", "none", NULL};
static const char *const orients[] = {"vertical", "horizontal", NULL};
static const char *const palettes[] = {"grey", "color", NULL};
static const char *const roles[] = {"value", "target", "mark", NULL};
static const char *const parities[] = {"any", "even", "odd", NULL};

static const struct {
    const char *name;
    double width, height; /* portrait, pt */
} page_sizes[] = {
    {"A3", 841.89, 1190.55},
    {"A4", 595.28, 841.89},
    {"A5", 419.53, 595.28},
    {"B5", 498.9, 708.66}, /* ISO (GB/T 148) B5, 176 × 250 mm */
};

const char *const *tpl_attr_keywords(int id)
{
    switch (id) {
    case TPL_A_ORIENTATION:
        return orientations;
    case TPL_A_MARKER:
        return markers;
    case TPL_A_SORT:
        return group_sorts;
    case TPL_A_KIND:
        return chart_kinds;
    case TPL_A_LEGEND:
        return legends;
    case TPL_A_ORIENT:
        return orients;
    case TPL_A_PALETTE:
        return palettes;
    case TPL_A_ROLE:
        return roles;
    case TPL_A_TYPE:
        return tpl_param_types();
    case TPL_A_PARITY:
        return parities;
    default:
        return NULL;
    }
}

static void int_range(int id, int *lo, int *hi)
{
    *lo = 1;
    *hi = 1000;
    if (id == TPL_A_HEADER_ROWS)
        *lo = 0;
    else if (id == TPL_A_BOOKMARK_LEVEL)
        *hi = 9;
    else if (id == TPL_A_ROWSPAN)
        *hi = 100000;
    else if (id == TPL_A_DECIMALS)
        *lo = 0, *hi = 6;
}

static unsigned length_units(tpl_kind element, int id)
{
    if (element == TPL_COL)
        return TPL_ALLOW_EM | TPL_ALLOW_ZI_HANG | TPL_ALLOW_PERCENT | TPL_ALLOW_FR | TPL_ALLOW_AUTO;
    if (element == TPL_IMAGE || element == TPL_CHART) return TPL_ALLOW_EM | TPL_ALLOW_ZI_HANG | TPL_ALLOW_PERCENT;
    if (element == TPL_SPACER) return TPL_ALLOW_EM | TPL_ALLOW_ZI_HANG;
    return 0;
}

bool tpl_attr_convert(tpl_kind element, int id, const char *text, const jd_value *typed,
                      tpl_attr_value *out, char **message)
{
    const char *name = attr_defs[id].name;
    char *why = NULL;
    bool ok = true;
    *message = NULL;
    switch (attr_defs[id].kind) {
    case AK_DATE: {
        int y, m, d;
        ok = strlen(text) >= 10 && sscanf(text, "%4d-%2d-%2d", &y, &m, &d) == 3 && text[4] == '-' &&
             text[7] == '-' && g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y);
        if (!ok)
            *message =
                g_strdup_printf("bad value '%s' for %s: use a date like 2023-01-17", text, name);
        return ok;
    }
    case AK_FLAG:
        ok = tpl_parse_flag(text, &out->flag, &why);
        break;
    case AK_INT: {
        int lo, hi;
        int_range(id, &lo, &hi);
        double d = 0;
        char *end = NULL;
        if (jd_value_is_number(typed)) {
            d = jd_value_number(typed);
        } else {
            char *s = g_strstrip(g_strdup(text));
            d = g_ascii_strtod(s, &end);
            ok = *s && end && !*end;
            g_free(s);
        }
        ok = ok && d >= lo && d <= hi && d == (double)(int64_t)d;
        if (ok)
            out->i = (int64_t)d;
        else
            why = g_strdup_printf("must be a whole number from %d to %d", lo, hi);
        break;
    }
    case AK_LENGTH:
        if (!tpl_parse_length(text, length_units(element, id), &out->len, &why)) {
            *message = g_strdup_printf("bad length '%s' for %s: %s", text, name, why);
            g_free(why);
            return false;
        }
        return true;
    case AK_BOX:
        if (!tpl_parse_box(text, 0, out->box, &why)) {
            *message = g_strdup_printf("bad length '%s' for %s: %s", text, name, why);
            g_free(why);
            return false;
        }
        return true;
    case AK_KEYWORD: {
        const char *const *words = tpl_attr_keywords(id);
        char *s = g_strstrip(g_strdup(text));
        out->i = -1;
        for (int i = 0; words[i]; i++)
            if (strcmp(words[i], s) == 0) out->i = i;
        g_free(s);
        ok = out->i >= 0;
        if (!ok) {
            char *list = tpl_word_list(words);
            why = g_strconcat("use ", list, NULL);
            g_free(list);
        }
        break;
    }
    case AK_SIZE: {
        char *s = g_strstrip(g_strdup(text));
        ok = false;
        for (size_t i = 0; i < G_N_ELEMENTS(page_sizes) && !ok; i++)
            if (g_ascii_strcasecmp(s, page_sizes[i].name) == 0) {
                out->size.width = page_sizes[i].width;
                out->size.height = page_sizes[i].height;
                ok = true;
            }
        char **words = g_strsplit_set(s, " \t\n", -1);
        tpl_length w, h;
        if (!ok && g_strv_length(words) == 2 && tpl_parse_length(words[0], 0, &w, &why) &&
            tpl_parse_length(words[1], 0, &h, &why) && w.value > 0 && h.value > 0) {
            out->size.width = w.value;
            out->size.height = h.value;
            ok = true;
        }
        g_strfreev(words);
        g_free(s);
        if (!ok) {
            g_free(why);
            why = g_strdup("use A3, A4, A5, B5 or a width and a height (\"210mm 297mm\")");
        }
        break;
    }
    case AK_GRID: {
        char *s = g_strstrip(g_strdup(text));
        guint64 lines = 0;
        tpl_length pitch;
        out->grid.lines = 0;
        out->grid.pitch = 0;
        if (g_ascii_string_to_unsigned(s, 10, 1, 1000, &lines, NULL))
            out->grid.lines = (int)lines;
        else if (tpl_parse_length(s, 0, &pitch, &why) && pitch.value > 0)
            out->grid.pitch = pitch.value;
        else
            ok = false;
        g_free(s);
        if (!ok) {
            g_free(why);
            why = g_strdup("use a number of lines from 1 to 1000 (22) or a line pitch (28.95pt)");
        }
        break;
    }
    default:
        return true;
    }
    if (!ok) *message = g_strdup_printf("bad value '%s' for %s: %s", text, name, why);
    g_free(why);
    return ok;
}

static const char *prop_value_kind(tpl_prop_id id)
{
    switch (id) {
    case TPL_PROP_COLOR:
    case TPL_PROP_BACKGROUND:
        return "colour";
    case TPL_PROP_FONT_SIZE:
    case TPL_PROP_LINE_HEIGHT:
    case TPL_PROP_TEXT_INDENT:
    case TPL_PROP_LETTER_SPACING:
    case TPL_PROP_PADDING:
    case TPL_PROP_MARGIN_TOP:
    case TPL_PROP_MARGIN_BOTTOM:
        return "length";
    case TPL_PROP_BORDER:
    case TPL_PROP_BORDER_TOP:
    case TPL_PROP_BORDER_RIGHT:
    case TPL_PROP_BORDER_BOTTOM:
    case TPL_PROP_BORDER_LEFT:
        return "border";
    default:
        return "value";
    }
}

char *tpl_prop_error(tpl_prop_id id, const char *text, const char *why)
{
    return g_strdup_printf("bad %s '%s' for %s: %s", prop_value_kind(id), text, tpl_prop_name(id),
                           why);
}

/* ---- loader state ------------------------------------------------------------------ */

typedef struct {
    jd_template *tpl;
    tpl_errors *errs;
    GPtrArray *allowed_dirs; /* canonical absolute directories includes must stay in */
    GPtrArray *include_dirs; /* as given, for the fallback search */
    GPtrArray *stack;        /* canonical paths of the files being loaded */
    GPtrArray *stack_names;  /* their display paths */
    GHashTable *loaded;      /* canonical path -> root tpl_node (NULL if it failed) */
    const char *page_name, *pages_name;
    int depth; /* elements open, counting those of the including files */
    /* Scratch arrays, emptied and reused by every element (thousands of them), their
     * contents copied out at the end: an element's are done with before its children are
     * compiled, so nesting never finds one in use. */
    GArray *parts;       /* tpl_part, interpolate */
    GArray *attrs;       /* tpl_attr, compile_element */
    GArray *named, *own; /* tpl_prop, compile_element */
    jd_arena *raw;       /* the raw trees of the template and its includes, until loaded */
} loader;

/* How deep elements may nest, counting through includes. libxml2 stops a single file at
 * 256 levels; a chain of includes could go on without end, and loading, checking and
 * expanding all recurse on the tree. Real templates stay below 20. */
enum { MAX_NESTING = 256 };

const tpl_attr *tpl_node_attr(const tpl_node *node, int id)
{
    for (guint i = 0; i < node->n_attrs; i++)
        if (node->attrs[i].id == id) return &node->attrs[i];
    return NULL;
}

/* Nodes, their texts, parts, attributes and styles live in the template's arena (a
 * template has thousands of them, all freed with it); what a node owns besides is its
 * expressions and its children's array. */
static void *arena_zero(jd_template *tpl, size_t n)
{
    return memset(jd_arena_alloc(tpl->arena, n), 0, n);
}

static void *arena_copy(jd_template *tpl, const void *data, size_t n)
{
    return n ? memcpy(jd_arena_alloc(tpl->arena, n), data, n) : NULL;
}

static void free_part_exprs(tpl_part *parts, guint n)
{
    for (guint i = 0; i < n; i++)
        tpl_expr_free(parts[i].expr);
}

/* Frees what a node owns outside the arena, and so for the <elif>/<else> chain after it,
 * in a loop: a long chain of branches must not grow the stack. */
static void node_free(tpl_node *node)
{
    for (; node; node = node->else_branch) {
        for (guint i = 0; i < node->n_attrs; i++) {
            tpl_expr_free(node->attrs[i].expr);
            free_part_exprs(node->attrs[i].parts, node->attrs[i].n_parts);
        }
        free_part_exprs(node->parts, node->n_parts);
        if (node->children) g_ptr_array_free(node->children, TRUE);
    }
}

static void node_free_cb(gpointer p)
{
    node_free(p);
}

static tpl_origin origin_of(const tpl_source *src, const uint32_t *map)
{
    tpl_origin o = {src, map};
    return o;
}

/* ---- interpolation ----------------------------------------------------------------- */

/* End of the expression that starts at `from` (just after "{{"): the offset of its "}}",
 * skipping string literals ({{ "}}" }} prints "}}"), or `len` if there is none. A string
 * that never closes does not hide the "}}": the parser then reports the string. */
static size_t find_close(const char *text, size_t len, size_t from)
{
    for (size_t i = from; i < len; i++) {
        char c = text[i];
        if (c == '"' || c == '\'') {
            for (i++; i < len && text[i] != c; i++)
                if (text[i] == '\\') i++;
        } else if (c == '}' && i + 1 < len && text[i + 1] == '}') {
            return i;
        }
    }
    const char *plain = g_strstr_len(text + from, (gssize)(len - from), "}}");
    return plain ? (size_t)(plain - text) : len;
}

/* Offset of the first "{{" in text[from, len), or `len`: memchr finds the candidates
 * (g_strstr_len compares at every byte, and most text has no braces at all). */
static size_t find_open(const char *text, size_t from, size_t len)
{
    for (const char *b; from + 1 < len && (b = memchr(text + from, '{', len - from - 1));) {
        size_t at = (size_t)(b - text);
        if (text[at + 1] == '{') return at;
        from = at + 1;
    }
    return len;
}

static bool is_xml_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Literal text [start, end): whole, or (in element content) as words and space runs. */
static void literal_parts(const char *text, size_t start, size_t end, const uint32_t *map,
                          bool split_space, GArray *parts)
{
    for (size_t i = start; i < end;) {
        tpl_part p = {0};
        p.text = text + i;
        p.start = map[i];
        size_t j = i;
        if (split_space && is_xml_space(text[i])) {
            p.kind = TPL_PART_SPACE;
            while (j < end && is_xml_space(text[j]))
                p.newline |= text[j++] == '\n';
        } else {
            p.kind = TPL_PART_TEXT;
            while (j < end && !(split_space && is_xml_space(text[j])))
                j++;
        }
        p.len = j - i;
        p.end = map[j];
        g_array_append_val(parts, p);
        i = j;
    }
}

/* Reports a use of {{ page }} / {{ pages }} where they cannot be; true if there was one. */
static bool check_page_names(loader *ld, const tpl_expr *e, const char *text, size_t len)
{
    /* both names start with "page": an expression without it uses neither (most do not) */
    if (!g_strstr_len(text, (gssize)len, "page")) return false;
    const char *names[] = {ld->page_name, ld->pages_name};
    for (int k = 0; k < 2; k++) {
        size_t start, end;
        if (tpl_expr_find_variable(e, names[k], &start, &end)) {
            tpl_error(ld->errs, tpl_expr_source(e), start, end,
                      "'%s' is only available as {{ %s }} on its own, in a page header or footer",
                      names[k], names[k]);
            return true;
        }
    }
    return false;
}

/* Splits text with {{ }} into parts. `content` is true for element text (spaces become
 * SPACE parts and {{ page }} a field), false for attribute values. */
static tpl_part *interpolate(loader *ld, const tpl_source *src, const char *text, size_t len,
                             const uint32_t *map, bool content, guint *n_parts)
{
    GArray *parts = ld->parts;
    g_array_set_size(parts, 0);
    size_t i = 0;
    while (i < len) {
        size_t at = find_open(text, i, len);
        literal_parts(text, i, at, map, content, parts);
        if (at == len) break;
        size_t close = find_close(text, len, at + 2);
        if (close == len) {
            tpl_error(ld->errs, src, map[at], map[at + 2], "unclosed '{{' (no matching '}}')");
            break;
        }
        tpl_origin o = origin_of(src, map + at + 2);
        tpl_expr *e = tpl_expr_parse(text + at + 2, close - at - 2, &o, ld->tpl->names, ld->errs);
        if (e) {
            tpl_part p = {0};
            p.start = map[at];
            p.end = map[close + 2];
            const char *bare = tpl_expr_bare_variable(e);
            if (content && bare && (bare == ld->page_name || bare == ld->pages_name)) {
                p.kind = TPL_PART_FIELD;
                p.field = bare == ld->page_name ? JD_FIELD_PAGE_NUMBER : JD_FIELD_PAGE_COUNT;
                tpl_expr_free(e);
                g_array_append_val(parts, p);
            } else if (check_page_names(ld, e, text + at + 2, close - at - 2)) {
                tpl_expr_free(e);
            } else {
                p.kind = TPL_PART_EXPR;
                p.expr = e;
                g_array_append_val(parts, p);
            }
        }
        i = close + 2;
    }
    *n_parts = parts->len;
    return arena_copy(ld->tpl, parts->data, parts->len * sizeof(tpl_part));
}

static bool has_expr(const tpl_part *parts, guint n)
{
    for (guint i = 0; i < n; i++)
        if (parts[i].kind == TPL_PART_EXPR || parts[i].kind == TPL_PART_FIELD) return true;
    return false;
}

/* The value is exactly one {{ expr }}, give or take surrounding spaces. */
static bool single_expr(const tpl_part *parts, guint n)
{
    guint exprs = 0;
    for (guint i = 0; i < n; i++) {
        if (parts[i].kind == TPL_PART_EXPR)
            exprs++;
        else
            for (size_t k = 0; k < parts[i].len; k++)
                if (!is_xml_space(parts[i].text[k])) return false;
    }
    return exprs == 1;
}

/* ---- compiling elements ------------------------------------------------------------ */

static tpl_node *compile_element(loader *ld, const tpl_source *src, const tpl_raw *raw);

static void error_at_value(loader *ld, const tpl_source *src, const tpl_raw_attr *ra,
                           const char *fmt, ...) G_GNUC_PRINTF(4, 5);
static void error_at_value(loader *ld, const tpl_source *src, const tpl_raw_attr *ra,
                           const char *fmt, ...)
{
    size_t end = ra->map[ra->value_len];
    va_list ap;
    va_start(ap, fmt);
    tpl_errorv(ld->errs, src, ra->map[0], end > ra->map[0] ? end : ra->map[0], fmt, ap);
    va_end(ap);
}

/* Style names in `value` (split on spaces) → their properties appended to `props`. */
static void resolve_style_names(loader *ld, const tpl_source *src, const tpl_raw_attr *ra,
                                GArray *props)
{
    const char *v = ra->value;
    for (size_t i = 0; i < ra->value_len;) {
        while (i < ra->value_len && is_xml_space(v[i]))
            i++;
        size_t j = i;
        while (j < ra->value_len && !is_xml_space(v[j]))
            j++;
        if (j > i) {
            char *name = g_strndup(v + i, j - i);
            const tpl_named_style *st = g_hash_table_lookup(ld->tpl->styles, name);
            if (st)
                g_array_append_vals(props, st->props, st->n_props);
            else
                tpl_error(ld->errs, src, ra->map[i], ra->map[j], "unknown style '%s'", name);
            g_free(name);
        }
        i = j;
    }
}

/* Compiles one attribute into `out`; false if it is unknown or bad (reported). */
static bool compile_attr(loader *ld, const tpl_source *src, tpl_node *node, const element_def *def,
                         const tpl_raw_attr *ra, tpl_attr *out, GArray *named_props,
                         GArray *own_props)
{
    memset(out, 0, sizeof *out);
    out->value_start = ra->map[0];
    out->value_end = ra->map[ra->value_len];
    int id = -1;
    /* up to the element's last attribute: most names are style properties, on no list */
    for (int i = 0; i < TPL_A_COUNT && id < 0 && (def->attrs >> i); i++)
        if ((def->attrs & (UINT64_C(1) << i)) && attr_defs[i].name[0] == ra->name[0] &&
            strcmp(attr_defs[i].name, ra->name) == 0)
            id = i;
    if (id < 0 && def->styled && strcmp(ra->name, "style") == 0) id = TPL_A_STYLE;
    int prop = def->styled && id < 0 ? tpl_prop_lookup(ra->name) : -1;
    if (id < 0 && prop < 0) {
        tpl_error(ld->errs, src, ra->name_start, ra->name_end, "unknown attribute '%s' on <%s>",
                  ra->name, def->name);
        return false;
    }
    out->id = id >= 0 ? id : TPL_A_COUNT + prop;
    tpl_origin o = origin_of(src, ra->map);
    attr_kind kind = id >= 0 ? attr_defs[id].kind : AK_STRING;

    if (kind == AK_EXPR || kind == AK_EACH) {
        const char *v = ra->value;
        while (is_xml_space(*v))
            v++;
        if (g_str_has_prefix(v, "{{")) {
            error_at_value(ld, src, ra,
                           "malformed expression: control attributes take a bare expression, "
                           "without {{ }}");
            return false;
        }
        if (kind == AK_EACH)
            out->expr = tpl_expr_parse_each(ra->value, ra->value_len, &o, ld->tpl->names, ld->errs,
                                            &node->var);
        else
            out->expr = tpl_expr_parse(ra->value, ra->value_len, &o, ld->tpl->names, ld->errs);
        if (!out->expr) return false;
        if (check_page_names(ld, out->expr, ra->value, ra->value_len)) return false;
        if (kind == AK_EACH && (node->var == ld->page_name || node->var == ld->pages_name)) {
            error_at_value(ld, src, ra, "'%s' is reserved for the page number", node->var);
            return false;
        }
        return true;
    }

    out->text = jd_arena_strndup(ld->tpl->arena, ra->value, ra->value_len);
    out->parts = interpolate(ld, src, out->text, ra->value_len, ra->map, false, &out->n_parts);
    bool dynamic = has_expr(out->parts, out->n_parts);
    if (!dynamic) {
        free_part_exprs(out->parts, out->n_parts);
        out->parts = NULL;
        out->n_parts = 0;
        out->text = NULL;
    } else {
        out->single = single_expr(out->parts, out->n_parts);
    }
    if (find_open(ra->value, 0, ra->value_len) < ra->value_len && !dynamic)
        return false; /* the interpolation was malformed and reported */
    if (dynamic && ((id >= 0 && attr_defs[id].static_only) || node->kind == TPL_STYLE ||
                    node->kind == TPL_INCLUDE)) {
        error_at_value(ld, src, ra, "'%s' cannot use {{ }}: it is needed before any data is read",
                       ra->name);
        return false;
    }
    if (dynamic) return true;

    const char *text = ra->value;
    if (prop >= 0) {
        char *why = NULL;
        tpl_prop parsed;
        if (!tpl_prop_parse((tpl_prop_id)prop, text, ld->tpl->names, &parsed, &why)) {
            char *msg = tpl_prop_error((tpl_prop_id)prop, text, why);
            error_at_value(ld, src, ra, "%s", msg);
            g_free(msg);
            g_free(why);
            return false;
        }
        g_array_append_val(own_props, parsed);
        return true;
    }
    switch (kind) {
    case AK_NAME: {
        char *name = g_strstrip(g_strdup(text));
        bool ok = node->kind == TPL_STYLE ? *name && !strpbrk(name, " \t\n") : tpl_is_identifier(name);
        if (!ok)
            error_at_value(ld, src, ra, "bad name '%s' for %s: %s", name, ra->name,
                           node->kind == TPL_STYLE ? "a style name is one word"
                                                   : "use letters, digits and _");
        else if (node->kind != TPL_STYLE &&
                 (strcmp(name, "page") == 0 || strcmp(name, "pages") == 0)) {
            error_at_value(ld, src, ra, "'%s' is reserved for the page number", name);
            ok = false;
        }
        out->value.s = g_string_chunk_insert_const(ld->tpl->names, name);
        g_free(name);
        return ok;
    }
    case AK_STYLES:
        resolve_style_names(ld, src, ra, named_props);
        return true;
    case AK_STRING:
        out->value.s = g_string_chunk_insert_const(ld->tpl->names, text);
        return true;
    default: {
        char *msg = NULL;
        if (!tpl_attr_convert(node->kind, id, text, NULL, &out->value, &msg)) {
            error_at_value(ld, src, ra, "%s", msg);
            g_free(msg);
            return false;
        }
        if (kind == AK_DATE) /* checked, and used as written */
            out->value.s = g_string_chunk_insert_const(ld->tpl->names, text);
        return true;
    }
    }
}

static bool has_raw_attr(const tpl_raw *raw, const char *name)
{
    for (const tpl_raw_attr *a = raw->attrs; a; a = a->next)
        if (strcmp(a->name, name) == 0) return true;
    return false;
}

/* Reports a missing attribute (one that is present but bad has been reported already). */
static void require(loader *ld, const tpl_node *node, const tpl_raw *raw, int id)
{
    const char *name = attr_defs[id].name;
    if (!has_raw_attr(raw, name))
        tpl_error(ld->errs, node->src, node->start, node->name_end, "<%s> needs %s '%s' attribute",
                  raw->name, strchr("aeiou", name[0]) ? "an" : "a", name);
}

static void check_required(loader *ld, tpl_node *node, const tpl_raw *raw)
{
    switch (node->kind) {
    case TPL_FOR:
        require(ld, node, raw, TPL_A_EACH);
        break;
    case TPL_IF:
    case TPL_ELIF:
        require(ld, node, raw, TPL_A_TEST);
        break;
    case TPL_GROUP: {
        require(ld, node, raw, TPL_A_EACH);
        bool by = has_raw_attr(raw, "by"), by_each = has_raw_attr(raw, "by-each");
        if (by && by_each)
            tpl_error(ld->errs, node->src, node->start, node->name_end,
                      "<group> takes 'by' or 'by-each', not both");
        else if (!by && !by_each)
            tpl_error(ld->errs, node->src, node->start, node->name_end,
                      "<group> needs a 'by' or a 'by-each' attribute");
        break;
    }
    case TPL_SET:
        require(ld, node, raw, TPL_A_NAME);
        require(ld, node, raw, TPL_A_VALUE);
        break;
    case TPL_INCLUDE:
    case TPL_IMAGE:
        require(ld, node, raw, TPL_A_SRC);
        break;
    case TPL_STYLE:
    case TPL_PARAM:
        require(ld, node, raw, TPL_A_NAME);
        break;
    case TPL_SPACER:
        require(ld, node, raw, TPL_A_HEIGHT);
        break;
    default:
        break;
    }
}

/* ---- charts ------------------------------------------------------------------------ */

/* The <series> under a chart, through control elements; *counted is false when some sit in
 * a for, group, if or include (how many there are depends on the data). */
static void find_series(const tpl_node *node, GPtrArray *out, bool *counted)
{
    for (guint i = 0; node->children && i < node->children->len; i++) {
        const tpl_node *c = g_ptr_array_index(node->children, i);
        if (c->kind == TPL_SERIES) {
            g_ptr_array_add(out, (gpointer)c);
        } else if (c->kind == TPL_FOR || c->kind == TPL_IF || c->kind == TPL_GROUP ||
                   c->kind == TPL_INCLUDE) {
            *counted = false;
            for (const tpl_node *b = c; b; b = b->else_branch)
                find_series(b, out, counted);
        }
    }
}

static void error_at_attr(loader *ld, const tpl_node *node, const tpl_attr *a, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);
static void error_at_attr(loader *ld, const tpl_node *node, const tpl_attr *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tpl_errorv(ld->errs, node->src, a->value_start, a->value_end, fmt, ap);
    va_end(ap);
}

/* data, labels and values are lists: one {{ expression }}, never literal text. */
static void check_list_attr(loader *ld, const tpl_node *node, int id)
{
    const tpl_attr *a = tpl_node_attr(node, id);
    if (a && (!a->parts || !a->single))
        error_at_attr(ld, node, a, "'%s' needs one {{ expression }} that gives %s, e.g. %s",
                      attr_defs[id].name, id == TPL_A_DATA ? "a list or an object" : "a list",
                      id == TPL_A_DATA     ? "data=\"{{ list.tasks | state_counts('2023Q2') }}\""
                      : id == TPL_A_LABELS ? "labels=\"{{ ['一季度', '上半年'] }}\""
                                           : "values=\"{{ [5.2, 6.1] }}\"");
}

/* What a chart's attributes and series must be, whatever the data. */
static void check_chart(loader *ld, const tpl_node *node, const tpl_raw *raw)
{
    check_list_attr(ld, node, TPL_A_DATA);
    check_list_attr(ld, node, TPL_A_LABELS);
    check_list_attr(ld, node, TPL_A_VALUES);
    const tpl_attr *kind_attr = tpl_node_attr(node, TPL_A_KIND);
    if (!has_raw_attr(raw, "kind")) {
        require(ld, node, raw, TPL_A_KIND);
        return;
    }
    if (!kind_attr) return; /* bad, and reported */
    int kind = (int)kind_attr->value.i;
    const char *kind_name_ = chart_kinds[kind];
    const tpl_attr *data = tpl_node_attr(node, TPL_A_DATA), *labels = tpl_node_attr(node, TPL_A_LABELS);
    if (data && labels)
        error_at_attr(ld, node, labels, "<chart> takes 'data' or 'labels', not both");
    else if (!data && !labels && !has_raw_attr(raw, "data") && !has_raw_attr(raw, "labels"))
        tpl_error(ld->errs, node->src, node->start, node->name_end,
                  "<chart> needs 'data' (a list, or an object of name: value) or 'labels' (a list of "
                  "category names)");
    static const int per_item[] = {TPL_A_LABEL, TPL_A_NOTE, TPL_A_POINT_VALUE};
    for (size_t i = 0; i < G_N_ELEMENTS(per_item) && !data; i++) {
        const tpl_attr *a = tpl_node_attr(node, per_item[i]);
        if (a)
            error_at_attr(ld, node, a,
                          "'%s' is evaluated for each item of 'data', and this chart has no 'data'%s",
                          attr_defs[per_item[i]].name,
                          per_item[i] == TPL_A_POINT_VALUE ? ": give a list as 'values'" : "");
    }
    const tpl_attr *orient = tpl_node_attr(node, TPL_A_ORIENT);
    if (orient && kind != TPL_CHART_BAR)
        error_at_attr(ld, node, orient, "'orient' is for bar charts, not %s charts", kind_name_);
    const tpl_attr *note = tpl_node_attr(node, TPL_A_NOTE);
    if (note && kind != TPL_CHART_PROGRESS)
        error_at_attr(ld, node, note, "'note' is for progress charts, not %s charts", kind_name_);

    GPtrArray *series = g_ptr_array_new();
    bool counted = true;
    find_series(node, series, &counted);
    const tpl_attr *own_value = tpl_node_attr(node, TPL_A_POINT_VALUE);
    if (!own_value) own_value = tpl_node_attr(node, TPL_A_VALUES);
    if (own_value && series->len)
        error_at_attr(ld, node, own_value,
                      "<chart> has a 'value' of its own and <series>: give one or the other");
    /* with data, an object's member values can be the one series: checked with the data */
    if (!own_value && !series->len && counted && !data)
        tpl_error(ld->errs, node->src, node->start, node->name_end,
                  "<chart> needs a 'value' (one series) or <series> elements");
    bool pie = kind == TPL_CHART_PIE || kind == TPL_CHART_RING;
    if (pie && series->len > 1)
        tpl_error(ld->errs, node->src, node->start, node->name_end,
                  "a %s chart shows one series, and this one has %u <series>", kind_name_, series->len);
    int role_count[3] = {own_value ? 1 : 0, 0, 0};
    for (guint i = 0; i < series->len; i++) {
        const tpl_node *sn = g_ptr_array_index(series, i);
        const tpl_attr *role = tpl_node_attr(sn, TPL_A_ROLE);
        if (role && kind != TPL_CHART_PROGRESS)
            error_at_attr(ld, sn, role, "'role' is for progress charts, not %s charts", kind_name_);
        else if (role)
            role_count[role->value.i]++;
        else
            role_count[TPL_ROLE_VALUE]++;
        check_list_attr(ld, sn, TPL_A_VALUES);
        const tpl_attr *value = tpl_node_attr(sn, TPL_A_POINT_VALUE);
        const tpl_attr *values = tpl_node_attr(sn, TPL_A_VALUES);
        if (value && values)
            error_at_attr(ld, sn, values, "<series> takes 'value' or 'values', not both");
        else if (!value && !values)
            tpl_error(ld->errs, sn->src, sn->start, sn->name_end,
                      "<series> needs 'value' (for each item of the chart's data) or 'values' (a list)");
        else if (value && !data)
            error_at_attr(ld, sn, value,
                          "'value' is evaluated for each item of the chart's 'data', and the chart has "
                          "no 'data': give a list as 'values'");
        if (!tpl_node_attr(sn, TPL_A_SERIES_NAME))
            tpl_error(ld->errs, sn->src, sn->start, sn->name_end,
                      "<series> needs a 'name' (the legend shows it)");
    }
    if (kind == TPL_CHART_PROGRESS && counted) {
        static const char *const role_names[] = {"value", "target", "mark"};
        if (role_count[TPL_ROLE_VALUE] != 1)
            tpl_error(ld->errs, node->src, node->start, node->name_end,
                      "a progress chart needs exactly one series of role 'value' (the bar), and this one "
                      "has %d",
                      role_count[TPL_ROLE_VALUE]);
        for (int r = TPL_ROLE_TARGET; r <= TPL_ROLE_MARK; r++)
            if (role_count[r] > 1)
                tpl_error(ld->errs, node->src, node->start, node->name_end,
                          "a progress chart has at most one series of role '%s'", role_names[r]);
    }
    g_ptr_array_free(series, TRUE);
}

/* ---- includes ---------------------------------------------------------------------- */

/* `dir`/`path` with "." and "name/.." removed, for messages ("templates/partials/x.xml"). */
static char *display_join(const char *dir, const char *path)
{
    char *joined = g_path_is_absolute(path) || !dir || !*dir || strcmp(dir, ".") == 0
                       ? g_strdup(path)
                       : g_build_filename(dir, path, NULL);
    char **parts = g_strsplit(joined, "/", -1);
    GPtrArray *out = g_ptr_array_new();
    for (char **p = parts; *p; p++) {
        if (strcmp(*p, ".") == 0 || (!**p && out->len > 0)) continue;
        if (strcmp(*p, "..") == 0 && out->len > 0 &&
            strcmp(g_ptr_array_index(out, out->len - 1), "..") != 0 &&
            *(char *)g_ptr_array_index(out, out->len - 1)) {
            g_ptr_array_set_size(out, out->len - 1);
            continue;
        }
        g_ptr_array_add(out, *p);
    }
    g_ptr_array_add(out, NULL);
    char *result = g_strjoinv("/", (char **)out->pdata);
    g_ptr_array_free(out, TRUE);
    g_strfreev(parts);
    g_free(joined);
    return result;
}

static bool inside_allowed(const loader *ld, const char *canonical)
{
    for (guint i = 0; i < ld->allowed_dirs->len; i++) {
        const char *dir = g_ptr_array_index(ld->allowed_dirs, i);
        size_t n = strlen(dir);
        if (strncmp(canonical, dir, n) == 0 && (canonical[n] == '/' || dir[n - 1] == '/'))
            return true;
    }
    return false;
}

static tpl_node *load_file(loader *ld, const char *canonical, const char *display,
                           const tpl_source *from, size_t from_start, size_t from_end);

static void compile_include(loader *ld, const tpl_source *src, tpl_node *node)
{
    const tpl_attr *a = tpl_node_attr(node, TPL_A_SRC);
    if (!a || !a->value.s) return;
    const char *path = a->value.s;
    if (!*path) {
        tpl_error(ld->errs, src, a->value_start, a->value_end, "empty include path");
        return;
    }
    if (!src->dir) {
        tpl_error(ld->errs, src, a->value_start, a->value_end,
                  "cannot include '%s': this template has no directory to include from", path);
        return;
    }
    /* relative to the including file first, then each include directory */
    char *candidate =
        g_path_is_absolute(path) ? g_strdup(path) : g_build_filename(src->dir, path, NULL);
    char *including_dir = g_path_get_dirname(src->path);
    char *display = display_join(including_dir, path);
    g_free(including_dir);
    for (guint i = 0; !g_file_test(candidate, G_FILE_TEST_EXISTS) && !g_path_is_absolute(path) &&
                      i < ld->include_dirs->len;
         i++) {
        char *alt = g_build_filename(g_ptr_array_index(ld->include_dirs, i), path, NULL);
        if (g_file_test(alt, G_FILE_TEST_EXISTS)) {
            g_free(candidate);
            g_free(display);
            candidate = alt;
            display = display_join(g_ptr_array_index(ld->include_dirs, i), path);
        } else {
            g_free(alt);
        }
    }
    char *canonical = realpath(candidate, NULL);
    if (!canonical && errno == ENOENT && !g_path_is_absolute(path)) {
        /* say where it was looked for: the including file's folder, then each directory */
        GString *looked = g_string_new(src->dir);
        for (guint i = 0; i < ld->include_dirs->len; i++)
            g_string_append_printf(looked, ", %s", (char *)g_ptr_array_index(ld->include_dirs, i));
        tpl_error(ld->errs, src, a->value_start, a->value_end,
                  "cannot include '%s': no such file (looked in %s)", path, looked->str);
        g_string_free(looked, TRUE);
    } else if (!canonical) {
        tpl_error(ld->errs, src, a->value_start, a->value_end, "cannot include '%s': %s", path,
                  g_strerror(errno));
    } else if (!inside_allowed(ld, canonical)) {
        tpl_error(ld->errs, src, a->value_start, a->value_end,
                  "include '%s' is outside the template directories", path);
    } else {
        const tpl_node *root = load_file(ld, canonical, display, src, a->value_start, a->value_end);
        /* a file loaded before, from a shallower place, may nest too deeply here */
        if (root && ld->depth + root->height > MAX_NESTING)
            tpl_error(ld->errs, src, a->value_start, a->value_end,
                      "including '%s' here nests elements more than %d deep", path, MAX_NESTING);
        else
            node->include_root = root;
    }
    free(canonical);
    g_free(candidate);
    g_free(display);
}

/* ---- children ---------------------------------------------------------------------- */

static tpl_node *compile_text(loader *ld, const tpl_source *src, const tpl_raw *raw)
{
    tpl_node *node = arena_zero(ld->tpl, sizeof *node);
    node->kind = TPL_TEXT;
    node->src = src;
    node->start = node->name_end = raw->start;
    node->line = tpl_source_line(src, raw->start);
    node->text = jd_arena_strndup(ld->tpl->arena, raw->text, raw->text_len);
    node->parts = interpolate(ld, src, node->text, raw->text_len, raw->map, true, &node->n_parts);
    return node;
}

static bool is_space_text(const tpl_node *n)
{
    if (n->kind != TPL_TEXT) return false;
    for (guint i = 0; i < n->n_parts; i++)
        if (n->parts[i].kind != TPL_PART_SPACE) return false;
    return true;
}

/* Attaches <elif>/<else> to the <if> chain just before it (white space between allowed). */
static bool attach_branch(loader *ld, GPtrArray *children, tpl_node *branch, tpl_node **tail_of_if)
{
    guint i = children->len;
    while (i > 0 && is_space_text(g_ptr_array_index(children, i - 1)))
        i--;
    tpl_node *prev = i > 0 ? g_ptr_array_index(children, i - 1) : NULL;
    if (prev && prev->kind == TPL_IF) {
        tpl_node *tail = *tail_of_if; /* kept, not searched for: chains can be long */
        if (tail->kind != TPL_ELSE) {
            tail->else_branch = branch;
            *tail_of_if = branch;
            prev->height = MAX(prev->height, branch->height); /* branches expand at the <if> */
            g_ptr_array_set_size(children, i); /* drop the white space in between */
            return true;
        }
        tpl_error(ld->errs, branch->src, branch->start, branch->name_end,
                  "<%s> cannot follow <else>", kind_name(branch->kind));
        return false;
    }
    tpl_error(ld->errs, branch->src, branch->start, branch->name_end,
              "<%s> must follow <if> or <elif>", kind_name(branch->kind));
    return false;
}

static void compile_children(loader *ld, const tpl_source *src, const tpl_raw *raw, tpl_node *node)
{
    node->children = g_ptr_array_new_with_free_func(node_free_cb);
    tpl_node *tail_of_if = NULL; /* the last branch of the last child, when that is an <if> */
    for (const tpl_raw *child = raw->children; child; child = child->next) {
        tpl_node *c =
            child->is_text ? compile_text(ld, src, child) : compile_element(ld, src, child);
        if (!c) continue;
        if (c->kind == TPL_ELIF || c->kind == TPL_ELSE) {
            if (!attach_branch(ld, node->children, c, &tail_of_if)) node_free(c);
            continue;
        }
        g_ptr_array_add(node->children, c);
        if (c->kind == TPL_IF) tail_of_if = c;
    }
}

static void register_style(loader *ld, const tpl_node *node, GArray *props)
{
    const tpl_attr *name = tpl_node_attr(node, TPL_A_NAME);
    if (!name || !name->value.s || !*name->value.s) return;
    if (g_hash_table_contains(ld->tpl->styles, name->value.s)) {
        tpl_error(ld->errs, node->src, name->value_start, name->value_end,
                  "style '%s' is defined twice", name->value.s);
        return;
    }
    tpl_named_style *st = g_new0(tpl_named_style, 1);
    st->n_props = props->len;
    st->props = g_memdup2(props->data, props->len * sizeof(tpl_prop));
    g_hash_table_insert(ld->tpl->styles, (gpointer)name->value.s, st);
}

static tpl_node *compile_element(loader *ld, const tpl_source *src, const tpl_raw *raw)
{
    const element_def *def = NULL;
    for (size_t i = 0; i < G_N_ELEMENTS(elements) && !def; i++)
        if (elements[i].name[0] == raw->name[0] && strcmp(elements[i].name, raw->name) == 0)
            def = &elements[i]; /* the first letters differ for most: no call */
    if (!def) {
        tpl_error(ld->errs, src, raw->start + 1, raw->name_end, "unknown element <%s>", raw->name);
        return NULL;
    }
    if (ld->depth >= MAX_NESTING) {
        tpl_error(ld->errs, src, raw->start + 1, raw->name_end,
                  "elements nested more than %d deep (counting the files that include this one)",
                  MAX_NESTING);
        return NULL;
    }
    tpl_node *node = arena_zero(ld->tpl, sizeof *node);
    node->kind = def->kind;
    node->src = src;
    node->start = raw->start + 1;
    node->name_end = raw->name_end;
    node->line = tpl_source_line(src, raw->start);

    GArray *attrs = ld->attrs, *named = ld->named, *own = ld->own;
    g_array_set_size(attrs, 0);
    g_array_set_size(named, 0);
    g_array_set_size(own, 0);
    for (const tpl_raw_attr *ra = raw->attrs; ra; ra = ra->next) {
        tpl_attr a;
        if (!compile_attr(ld, src, node, def, ra, &a, named, own)) {
            tpl_expr_free(a.expr);
            free_part_exprs(a.parts, a.n_parts);
            continue;
        }
        bool static_prop = a.id >= TPL_A_COUNT && !a.parts;
        bool static_styles = a.id == TPL_A_STYLE && !a.parts;
        if (!static_prop && !static_styles) g_array_append_val(attrs, a);
    }
    node->n_attrs = attrs->len;
    node->attrs = arena_copy(ld->tpl, attrs->data, attrs->len * sizeof(tpl_attr));
    node->n_named = named->len;
    g_array_append_vals(named, own->data, own->len);
    node->n_style = named->len;
    node->style = arena_copy(ld->tpl, named->data, named->len * sizeof(tpl_prop));
    check_required(ld, node, raw);

    const tpl_attr *index = tpl_node_attr(node, TPL_A_INDEX);
    if (index) node->index_var = index->value.s;
    if (node->kind == TPL_SET) {
        const tpl_attr *name = tpl_node_attr(node, TPL_A_NAME);
        node->var = name ? name->value.s : NULL;
    }
    if (node->kind == TPL_STYLE) register_style(ld, node, named);
    ld->depth++;
    if (node->kind == TPL_INCLUDE) compile_include(ld, src, node);
    compile_children(ld, src, raw, node);
    ld->depth--;
    int below = node->include_root ? node->include_root->height : 0;
    for (guint i = 0; i < node->children->len; i++)
        below = MAX(below, ((const tpl_node *)g_ptr_array_index(node->children, i))->height);
    node->height = below + 1;
    if (node->kind == TPL_CHART) check_chart(ld, node, raw);
    return node;
}

/* ---- files ------------------------------------------------------------------------- */

static tpl_source *add_source(loader *ld, const char *display, const char *dir, char *text,
                              size_t len)
{
    tpl_source *src = tpl_source_new(display, dir, text, len);
    g_ptr_array_add(ld->tpl->sources, src);
    return src;
}

/* Scans and compiles one source; its root is kept by the template. */
static tpl_node *compile_source(loader *ld, const tpl_source *src)
{
    tpl_raw *raw = tpl_scan(src, ld->errs, ld->raw);
    tpl_node *root = raw ? compile_element(ld, src, raw) : NULL;
    if (root) g_ptr_array_add(ld->tpl->roots, root);
    return root;
}

/* The file's bytes, or NULL with *why set to "cannot read: …". */
static char *read_file(const char *path, size_t *len, char **why)
{
    jd_diags *diags = jd_diags_new();
    char *text = jd_read_input(path, JD_INPUT_TEMPLATE, len, diags);
    if (!text)
        *why = g_strdup(jd_diags_count(diags) ? jd_diag_message(jd_diags_get(diags, 0))
                                              : "cannot read");
    jd_diags_free(diags);
    return text;
}

static tpl_node *load_file(loader *ld, const char *canonical, const char *display,
                           const tpl_source *from, size_t from_start, size_t from_end)
{
    for (guint i = 0; i < ld->stack->len; i++) {
        if (strcmp(g_ptr_array_index(ld->stack, i), canonical) != 0) continue;
        GString *chain = g_string_new(NULL);
        for (guint k = i; k < ld->stack->len; k++)
            g_string_append_printf(chain, "%s -> ", (char *)g_ptr_array_index(ld->stack_names, k));
        g_string_append(chain, display);
        tpl_error(ld->errs, from, from_start, from_end, "include cycle: %s", chain->str);
        g_string_free(chain, TRUE);
        return NULL;
    }
    if (g_hash_table_contains(ld->loaded, canonical))
        return g_hash_table_lookup(ld->loaded, canonical);
    size_t len = 0;
    char *why = NULL;
    char *text = read_file(canonical, &len, &why);
    if (!text) {
        if (from)
            tpl_error(ld->errs, from, from_start, from_end, "cannot include '%s': %s", display,
                      why);
        else
            tpl_error_file(ld->errs, display, 0, 0, "%s", why);
        g_free(why);
        return NULL;
    }
    char *dir = g_path_get_dirname(canonical);
    const tpl_source *src = add_source(ld, display, dir, text, len);
    g_free(dir);
    g_ptr_array_add(ld->stack, g_strdup(canonical));
    g_ptr_array_add(ld->stack_names, g_strdup(display));
    tpl_node *root = compile_source(ld, src);
    g_ptr_array_set_size(ld->stack, ld->stack->len - 1);
    g_ptr_array_set_size(ld->stack_names, ld->stack_names->len - 1);
    g_hash_table_insert(ld->loaded, g_strdup(canonical), root);
    return root;
}

/* ---- where elements may appear ----------------------------------------------------- */

typedef enum {
    CTX_DOCUMENT, /* top level of <document> */
    CTX_BLOCKS,   /* header, footer, td, th, item */
    CTX_INLINE,   /* p, h1–h4, span */
    CTX_PAGE,
    CTX_TABLE,
    CTX_ROW,
    CTX_LIST,
    CTX_CHART,
    CTX_EMPTY,
} context;

typedef struct {
    context ctx;
    const char *parent; /* element name, for messages */
    bool in_control;    /* inside for, if or group */
    bool in_margin;     /* inside a header or footer */
    bool *table_has_rows;
} place;

static const char *belongs(tpl_kind kind)
{
    switch (kind) {
    case TPL_PAGE:
    case TPL_PAGE_BREAK:
    case TPL_COLOPHON:
        return "it belongs at the top level of <document>";
    case TPL_STYLE:
        return "it belongs at the top level of <document>, outside <for>, <if> and <group>";
    case TPL_PARAM:
        return "it belongs at the top level of the template's own <document>";
    case TPL_HEADER:
    case TPL_FOOTER:
        return "it belongs in <page>";
    case TPL_COL:
    case TPL_TR:
        return "it belongs in <table>";
    case TPL_TH:
    case TPL_TD:
        return "it belongs in <tr>";
    case TPL_ITEM:
        return "it belongs in <list>";
    case TPL_SERIES:
        return "it belongs in <chart>";
    case TPL_SPAN:
    case TPL_BR:
        return "it belongs in text: <p>, <h1>–<h4>, <td>, <th>, <item>, <header> or <footer>";
    case TPL_DOCUMENT:
        return "it can only be the root element";
    case TPL_PARTIAL:
        return "it can only be the root element of an included file";
    default:
        return "it belongs in <document>, <td>, <th>, <item>, <header> or <footer>";
    }
}

static bool allowed(tpl_kind kind, const place *pl)
{
    switch (kind) {
    case TPL_PAGE:
    case TPL_PAGE_BREAK:
    case TPL_COLOPHON:
        return pl->ctx == CTX_DOCUMENT;
    case TPL_STYLE:
    case TPL_PARAM:
        return pl->ctx == CTX_DOCUMENT && !pl->in_control;
    case TPL_HEADER:
    case TPL_FOOTER:
        return pl->ctx == CTX_PAGE;
    case TPL_COL:
    case TPL_TR:
        return pl->ctx == CTX_TABLE;
    case TPL_TH:
    case TPL_TD:
        return pl->ctx == CTX_ROW;
    case TPL_ITEM:
        return pl->ctx == CTX_LIST;
    case TPL_SERIES:
        return pl->ctx == CTX_CHART;
    case TPL_SPAN:
    case TPL_BR:
        return pl->ctx == CTX_DOCUMENT || pl->ctx == CTX_BLOCKS || pl->ctx == CTX_INLINE;
    case TPL_H1:
    case TPL_H2:
    case TPL_H3:
    case TPL_H4:
    case TPL_P:
    case TPL_LIST:
    case TPL_TABLE:
    case TPL_IMAGE:
    case TPL_CHART:
    case TPL_SPACER:
        return pl->ctx == CTX_DOCUMENT || pl->ctx == CTX_BLOCKS;
    case TPL_FOR:
    case TPL_IF:
    case TPL_ELIF:
    case TPL_ELSE:
    case TPL_GROUP:
    case TPL_SET:
    case TPL_INCLUDE:
        return pl->ctx != CTX_EMPTY;
    default: /* document, partial */
        return false;
    }
}

/* The context an element gives its children. */
static context inner_context(tpl_kind kind)
{
    switch (kind) {
    case TPL_DOCUMENT:
        return CTX_DOCUMENT;
    case TPL_PAGE:
        return CTX_PAGE;
    case TPL_HEADER:
    case TPL_FOOTER:
    case TPL_TH:
    case TPL_TD:
    case TPL_ITEM:
    case TPL_COLOPHON:
        return CTX_BLOCKS;
    case TPL_H1:
    case TPL_H2:
    case TPL_H3:
    case TPL_H4:
    case TPL_P:
    case TPL_SPAN:
        return CTX_INLINE;
    case TPL_TABLE:
        return CTX_TABLE;
    case TPL_TR:
        return CTX_ROW;
    case TPL_LIST:
        return CTX_LIST;
    case TPL_CHART:
        return CTX_CHART;
    default:
        return CTX_EMPTY;
    }
}

static bool is_control(tpl_kind kind)
{
    return kind == TPL_FOR || kind == TPL_IF || kind == TPL_ELIF || kind == TPL_ELSE ||
           kind == TPL_GROUP;
}

typedef struct {
    loader *ld;
    GHashTable *checked; /* checked_key*: the places a node was checked in already */
} checker;

/* A node in a place: a partial included twice in the same place is checked once, so its
 * errors are reported once. */
typedef struct {
    const tpl_node *node;
    context ctx;
    bool in_control, in_margin;
    const char *parent;
} checked_key;

static guint checked_hash(gconstpointer p)
{
    const checked_key *k = p;
    return g_direct_hash(k->node) ^ ((guint)k->ctx << 2 | (guint)k->in_control << 1 |
                                     (guint)k->in_margin) ^
           (k->parent ? g_str_hash(k->parent) : 0);
}

static gboolean checked_equal(gconstpointer pa, gconstpointer pb)
{
    const checked_key *a = pa, *b = pb;
    return a->node == b->node && a->ctx == b->ctx && a->in_control == b->in_control &&
           a->in_margin == b->in_margin && g_strcmp0(a->parent, b->parent) == 0;
}

static void check_node(checker *ck, const tpl_node *node, const place *pl);

static void check_children(checker *ck, const tpl_node *node, const place *pl)
{
    for (guint i = 0; node->children && i < node->children->len; i++)
        check_node(ck, g_ptr_array_index(node->children, i), pl);
}

static void check_text(checker *ck, const tpl_node *node, const place *pl)
{
    bool text_ok = pl->ctx == CTX_DOCUMENT || pl->ctx == CTX_BLOCKS || pl->ctx == CTX_INLINE;
    for (guint i = 0; i < node->n_parts; i++) {
        const tpl_part *p = &node->parts[i];
        if (p->kind == TPL_PART_SPACE) continue;
        if (!text_ok) {
            tpl_error(ck->ld->errs, node->src, p->start, p->end, "text cannot be inside <%s>",
                      pl->parent);
            return;
        }
        if (p->kind == TPL_PART_FIELD && !pl->in_margin)
            tpl_error(ck->ld->errs, node->src, p->start, p->end,
                      "{{ %s }} is only available in a page header or footer",
                      p->field == JD_FIELD_PAGE_NUMBER ? "page" : "pages");
    }
}

/* A <param>: declared in the template itself (a partial included in several templates
 * would declare for all of them), holding plain text, its description. */
static void check_param(checker *ck, const tpl_node *node)
{
    if (node->src != ck->ld->tpl->main->src) {
        tpl_error(ck->ld->errs, node->src, node->start, node->name_end,
                  "<param> cannot be in an included file: %s", belongs(TPL_PARAM));
        return;
    }
    for (guint i = 0; node->children && i < node->children->len; i++) {
        const tpl_node *c = g_ptr_array_index(node->children, i);
        bool plain = c->kind == TPL_TEXT;
        for (guint k = 0; plain && k < c->n_parts; k++)
            plain = c->parts[k].kind == TPL_PART_TEXT || c->parts[k].kind == TPL_PART_SPACE;
        if (!plain) {
            tpl_error(ck->ld->errs, c->src, c->start, c->kind == TPL_TEXT ? c->start : c->name_end,
                      "a <param>'s content is its description: plain text, without elements or {{ }}");
            return;
        }
    }
}

/* Checks one node; returns the <elif>/<else> that follows it, if any, so that a long
 * chain of branches is walked in a loop rather than by recursion. */
static const tpl_node *check_one(checker *ck, const tpl_node *node, const place *pl)
{
    loader *ld = ck->ld;
    if (node->kind == TPL_TEXT) {
        check_text(ck, node, pl);
        return NULL;
    }
    /* the template's own nodes each have one place; a partial's have one per include */
    if (node->src != ld->tpl->main->src) {
        checked_key *key = g_new(checked_key, 1);
        *key = (checked_key){node, pl->ctx, pl->in_control, pl->in_margin, pl->parent};
        if (!g_hash_table_add(ck->checked, key)) return NULL;
    }
    const char *name = kind_name(node->kind);
    if (!allowed(node->kind, pl)) {
        if (pl->ctx == CTX_DOCUMENT && pl->in_control)
            tpl_error(ld->errs, node->src, node->start, node->name_end,
                      "<%s> cannot be inside <for>, <if> or <group>: %s", name, belongs(node->kind));
        else
            tpl_error(ld->errs, node->src, node->start, node->name_end,
                      "<%s> cannot be inside <%s>: %s", name, pl->parent, belongs(node->kind));
        return NULL;
    }
    if (pl->ctx == CTX_TABLE && pl->table_has_rows) {
        if (node->kind == TPL_TR)
            *pl->table_has_rows = true;
        else if (node->kind == TPL_COL && *pl->table_has_rows)
            tpl_error(ld->errs, node->src, node->start, node->name_end,
                      "<col> must come before the rows of its table");
    }
    if (node->kind == TPL_INCLUDE) {
        const tpl_node *root = node->include_root;
        if (!root) return NULL;
        if (root->kind == TPL_DOCUMENT) {
            tpl_error(ld->errs, root->src, root->start, root->name_end,
                      "an included file cannot be a <document>; use <partial> as its root");
        } else if (root->kind == TPL_PARTIAL) {
            check_children(ck, root, pl);
        } else {
            check_node(ck, root, pl);
        }
        return NULL;
    }
    if (node->kind == TPL_PARAM) {
        check_param(ck, node);
        return NULL;
    }
    place inner = *pl;
    if (is_control(node->kind)) {
        inner.in_control = true;
        check_children(ck, node, &inner);
        return node->else_branch;
    }
    inner.ctx = inner_context(node->kind);
    inner.parent = name;
    inner.in_margin = pl->in_margin || node->kind == TPL_HEADER || node->kind == TPL_FOOTER;
    inner.in_control = false;
    bool table_rows = false;
    inner.table_has_rows = node->kind == TPL_TABLE ? &table_rows : NULL;
    if (inner.ctx == CTX_EMPTY) {
        for (guint i = 0; node->children && i < node->children->len; i++) {
            const tpl_node *c = g_ptr_array_index(node->children, i);
            if (!is_space_text(c)) {
                tpl_error(ld->errs, c->src, c->start, c->kind == TPL_TEXT ? c->start : c->name_end,
                          "<%s> cannot have content", name);
                break;
            }
        }
        return NULL;
    }
    if (node->kind == TPL_PAGE) {
        bool seen[2] = {false, false};
        for (guint i = 0; node->children && i < node->children->len; i++) {
            const tpl_node *c = g_ptr_array_index(node->children, i);
            if (c->kind != TPL_HEADER && c->kind != TPL_FOOTER) continue;
            bool *s = &seen[c->kind == TPL_FOOTER];
            if (*s)
                tpl_error(ld->errs, c->src, c->start, c->name_end, "<page> has more than one <%s>",
                          kind_name(c->kind));
            *s = true;
        }
    }
    check_children(ck, node, &inner);
    return NULL;
}

static void check_node(checker *ck, const tpl_node *node, const place *pl)
{
    while (node)
        node = check_one(ck, node, pl);
}

static void check_tree(loader *ld, const tpl_node *root)
{
    if (root->kind != TPL_DOCUMENT) {
        tpl_error(ld->errs, root->src, root->start, root->name_end,
                  "the root element of a template must be <document>, not <%s>",
                  kind_name(root->kind));
        return;
    }
    checker ck = {ld, g_hash_table_new_full(checked_hash, checked_equal, g_free, NULL)};
    place pl = {CTX_DOCUMENT, "document", false, false, NULL};
    check_children(&ck, root, &pl);
    g_hash_table_destroy(ck.checked);
}

/* ---- public API -------------------------------------------------------------------- */

static void source_free(gpointer p)
{
    tpl_source_free(p);
}

static void named_style_free(gpointer p)
{
    tpl_named_style *st = p;
    g_free(st->props);
    g_free(st);
}

static jd_template *template_new(void)
{
    jd_template *tpl = g_new0(jd_template, 1);
    tpl->sources = g_ptr_array_new_with_free_func(source_free);
    tpl->roots = g_ptr_array_new_with_free_func(node_free_cb);
    tpl->file_names = g_ptr_array_new_with_free_func(g_free);
    tpl->params = g_ptr_array_new_with_free_func(tpl_param_free);
    tpl->names = g_string_chunk_new(1024);
    tpl->arena = jd_arena_new();
    tpl->styles = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, named_style_free);
    tpl->strict = true;
    tpl->loop_name = g_string_chunk_insert_const(tpl->names, "loop");
    tpl->item_name = g_string_chunk_insert_const(tpl->names, "item");
    return tpl;
}

void jd_template_free(jd_template *tpl)
{
    if (!tpl) return;
    g_ptr_array_free(tpl->roots, TRUE);
    g_ptr_array_free(tpl->sources, TRUE);
    g_ptr_array_free(tpl->file_names, TRUE);
    g_ptr_array_free(tpl->params, TRUE);
    g_hash_table_destroy(tpl->styles);
    if (tpl->variables) g_hash_table_destroy(tpl->variables);
    g_string_chunk_free(tpl->names);
    jd_arena_free(tpl->arena);
    g_free(tpl);
}

/* The variable names of every expression under `node` (its attributes, text, children and
 * the elif/else branches it owns). */
static void collect_node_variables(const tpl_node *node, GHashTable *names)
{
    for (; node; node = node->else_branch) {
        for (guint i = 0; i < node->n_attrs; i++) {
            tpl_expr_collect_variables(node->attrs[i].expr, names);
            for (guint k = 0; k < node->attrs[i].n_parts; k++)
                tpl_expr_collect_variables(node->attrs[i].parts[k].expr, names);
        }
        for (guint k = 0; k < node->n_parts; k++)
            tpl_expr_collect_variables(node->parts[k].expr, names);
        for (guint c = 0; node->children && c < node->children->len; c++)
            collect_node_variables(g_ptr_array_index(node->children, c), names);
    }
}

static void loader_init(loader *ld, jd_template *tpl, tpl_errors *errs, const char *base_dir,
                        const char *const *include_dirs)
{
    memset(ld, 0, sizeof *ld);
    ld->tpl = tpl;
    ld->errs = errs;
    ld->allowed_dirs = g_ptr_array_new_with_free_func(free);
    ld->include_dirs = g_ptr_array_new_with_free_func(g_free);
    ld->stack = g_ptr_array_new_with_free_func(g_free);
    ld->stack_names = g_ptr_array_new_with_free_func(g_free);
    ld->loaded = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    ld->parts = g_array_new(FALSE, TRUE, sizeof(tpl_part));
    ld->attrs = g_array_new(FALSE, TRUE, sizeof(tpl_attr));
    ld->named = g_array_new(FALSE, TRUE, sizeof(tpl_prop));
    ld->own = g_array_new(FALSE, TRUE, sizeof(tpl_prop));
    ld->raw = jd_arena_new();
    ld->page_name = g_string_chunk_insert_const(tpl->names, "page");
    ld->pages_name = g_string_chunk_insert_const(tpl->names, "pages");
    char *base = base_dir ? realpath(base_dir, NULL) : NULL;
    if (base) g_ptr_array_add(ld->allowed_dirs, base);
    for (size_t i = 0; include_dirs && include_dirs[i]; i++) {
        char *dir = realpath(include_dirs[i], NULL);
        if (!dir) {
            tpl_error_file(errs, include_dirs[i], 0, 0, "include directory: %s", g_strerror(errno));
            continue;
        }
        g_ptr_array_add(ld->allowed_dirs, dir);
        g_ptr_array_add(ld->include_dirs, g_strdup(include_dirs[i]));
    }
}

static void loader_clear(loader *ld)
{
    g_ptr_array_free(ld->allowed_dirs, TRUE);
    g_ptr_array_free(ld->include_dirs, TRUE);
    g_ptr_array_free(ld->stack, TRUE);
    g_ptr_array_free(ld->stack_names, TRUE);
    g_hash_table_destroy(ld->loaded);
    g_array_free(ld->parts, TRUE);
    g_array_free(ld->attrs, TRUE);
    g_array_free(ld->named, TRUE);
    g_array_free(ld->own, TRUE);
    jd_arena_free(ld->raw);
}

/* Checks the main root, takes document-level settings, and hands the template over (or
 * frees it and returns NULL when anything was wrong). */
static jd_template *finish(loader *ld, tpl_node *root, bool main_is_file, jd_diags *diags)
{
    jd_template *tpl = ld->tpl;
    tpl->main = root;
    if (root) {
        check_tree(ld, root);
        const tpl_attr *strict = tpl_node_attr(root, TPL_A_STRICT);
        if (strict) tpl->strict = strict->value.flag;
        if (root->kind == TPL_DOCUMENT) tpl_collect_params(tpl, root, ld->errs);
    }
    for (guint i = main_is_file ? 0 : 1; i < tpl->sources->len; i++) {
        const tpl_source *src = g_ptr_array_index(tpl->sources, i);
        g_ptr_array_add(tpl->file_names, g_strdup(src->path));
    }
    g_ptr_array_add(tpl->file_names, NULL);
    bool failed = tpl_errors_any(ld->errs) || !root;
    tpl_errors_flush(ld->errs, diags);
    tpl_errors_free(ld->errs);
    loader_clear(ld);
    if (failed) {
        jd_template_free(tpl);
        return NULL;
    }
    /* names are interned, so the uses (thousands) are gathered by address first, and only
     * the distinct names (dozens) are hashed as text for jd_template_reads */
    GHashTable *used = g_hash_table_new(g_direct_hash, g_direct_equal);
    for (guint i = 0; i < tpl->roots->len; i++)
        collect_node_variables(g_ptr_array_index(tpl->roots, i), used);
    tpl->variables = g_hash_table_new(g_str_hash, g_str_equal);
    GHashTableIter it;
    gpointer name;
    g_hash_table_iter_init(&it, used);
    while (g_hash_table_iter_next(&it, &name, NULL))
        g_hash_table_add(tpl->variables, name);
    g_hash_table_destroy(used);
    return tpl;
}

jd_template *jd_template_load(const char *path, const char *const *include_dirs, jd_diags *diags)
{
    jd_template *tpl = template_new();
    tpl_errors *errs = tpl_errors_new();
    char *canonical = realpath(path, NULL);
    char *dir = canonical ? g_path_get_dirname(canonical) : NULL;
    loader ld;
    loader_init(&ld, tpl, errs, dir, include_dirs);
    tpl_node *root = NULL;
    if (!canonical) {
        char *why = NULL;
        g_free(read_file(path, NULL, &why));
        tpl_error_file(errs, path, 0, 0, "%s", why ? why : "cannot read");
        g_free(why);
    } else {
        root = load_file(&ld, canonical, path, NULL, 0, 0);
    }
    free(canonical);
    g_free(dir);
    return finish(&ld, root, true, diags);
}

jd_template *jd_template_load_memory(const char *text, size_t len, const char *name,
                                     const char *base_dir, const char *const *include_dirs,
                                     jd_diags *diags)
{
    jd_template *tpl = template_new();
    tpl_errors *errs = tpl_errors_new();
    loader ld;
    loader_init(&ld, tpl, errs, base_dir, include_dirs);
    char *dir = base_dir ? realpath(base_dir, NULL) : NULL;
    if (base_dir && !dir)
        tpl_error_file(errs, base_dir, 0, 0, "template directory: %s", g_strerror(errno));
    /* a copy of exactly `len` bytes: a NUL inside is the scanner's to report */
    char *copy = g_malloc(len + 1);
    memcpy(copy, text, len);
    copy[len] = '\0';
    const tpl_source *src = add_source(&ld, name ? name : "<template>", dir, copy, len);
    free(dir);
    tpl_node *root = compile_source(&ld, src);
    return finish(&ld, root, false, diags);
}

bool jd_template_reads(const jd_template *tpl, const char *name)
{
    return g_hash_table_contains(tpl->variables, name);
}

const char *const *jd_template_files(const jd_template *tpl)
{
    return (const char *const *)tpl->file_names->pdata;
}

/* `globals` with its params checked and normalised; NULL after an error. */
static jd_value *with_checked_params(const jd_template *tpl, const jd_value *globals, jd_diags *diags)
{
    if (tpl->params->len == 0) return jd_value_ref((jd_value *)globals);
    const jd_value *given = jd_object_get(globals, "params");
    jd_value *empty = given ? NULL : jd_value_new_object();
    jd_value *params = jd_template_check_params(tpl, given ? given : empty, NULL, diags);
    jd_value_unref(empty);
    if (!params) return NULL;
    jd_value *out = jd_value_new_object();
    for (size_t i = 0; i < jd_object_size(globals); i++)
        if (strcmp(jd_object_key(globals, i), "params") != 0)
            jd_object_set(out, jd_object_key(globals, i), jd_value_ref(jd_object_value(globals, i)));
    jd_object_set(out, "params", params);
    return out;
}

jd_doc *jd_template_expand(const jd_template *tpl, const jd_value *globals, jd_diags *diags)
{
    jd_value *empty = jd_value_kind_of(globals) == JD_VALUE_OBJECT ? NULL : jd_value_new_object();
    jd_value *checked = with_checked_params(tpl, empty ? empty : globals, diags);
    jd_value_unref(empty);
    if (!checked) return NULL;
    tpl_errors *errs = tpl_errors_new();
    jd_doc *doc = tpl_expand(tpl, checked, TPL_MAX_STEPS, errs);
    jd_value_unref(checked);
    if (tpl_errors_any(errs)) {
        jd_doc_free(doc);
        doc = NULL;
    }
    tpl_errors_flush(errs, diags);
    tpl_errors_free(errs);
    return doc;
}
