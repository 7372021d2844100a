#include "jd_doc.h"

#include <math.h>
#include <string.h>

typedef enum { AV_INT, AV_NUMBER, AV_STRING, AV_LENGTH, AV_NUMBERS, AV_STRINGS } attr_kind;

typedef struct {
    jd_attr attr;
    attr_kind kind;
    union {
        int64_t i;
        double d;
        const char *s; /* the node's own copy */
        jd_length len;
        struct {
            double *values;
            size_t n;
        } numbers;
        struct {
            char **values; /* n + 1, NULL-terminated */
            size_t n;
        } strings;
    } u;
} attr_value;

/* Nodes, their texts and attributes live in the document's arena (freed all at once):
 * a list of 380,000 nodes took a malloc, a header and a pointer in a list each, and half
 * the memory of a long sheet's document. */
struct jd_node {
    jd_doc *doc;
    guint8 type;       /* jd_node_type */
    guint8 n_attrs;
    bool heap_text;    /* text grown by appending: g_malloc'd (doc->heap_texts frees it) */
    int src_line;
    jd_node *parent, *first, *last, *next;
    const jd_style *style;
    char *text;
    uint32_t text_len, text_cap; /* text_cap: with heap_text */
    attr_value *attrs;
    const char *src_file; /* interned */
};

struct jd_doc {
    jd_node *root;
    jd_arena *arena;       /* every node, text and attribute */
    GPtrArray *heap_texts; /* nodes whose text was grown by appending */
    GHashTable *strings;  /* interned strings (key == value) */
    GHashTable *styles;   /* jd_style* -> same, owned */
    const jd_style *default_style;
};

static void *doc_alloc(jd_doc *doc, size_t n)
{
    return jd_arena_alloc(doc->arena, n);
}

static char *doc_strndup(jd_doc *doc, const char *s, size_t len)
{
    return jd_arena_strndup(doc->arena, s, len);
}

static const char *const type_names[JD_NODE_TYPE_COUNT] = {
    "document", "page",   "header", "footer", "heading", "paragraph", "text",
    "span",     "br",     "field",  "list",   "item",    "table",     "column",
    "row",      "cell",   "image",  "page-break", "spacer", "chart", "series", "colophon",
};

const char *jd_node_type_name(jd_node_type t)
{
    return (unsigned)t < JD_NODE_TYPE_COUNT ? type_names[t] : "?";
}

void jd_style_init_default(jd_style *s)
{
    memset(s, 0, sizeof *s);
    s->font_family = "song";
    s->font_size = 10.5;
    s->font_weight = 400;
    s->color = 0x000000;
    s->text_align = JD_ALIGN_LEFT;
    s->vertical_align = JD_VALIGN_TOP;
    s->line_height = 1.5;
    s->text_indent.unit = JD_UNIT_PT;
    s->cjk_latin_spacing = 0.25;
    s->punctuation = JD_PUNCT_QUANJIAO;
    s->snap_to_grid = true;
}

const char *jd_punctuation_name(jd_punctuation p)
{
    static const char *const names[] = {"quanjiao", "kaiming", "hangmobanjiao", "banjiao", "plain"};
    return (unsigned)p < G_N_ELEMENTS(names) ? names[p] : "?";
}

/* ---- style interning --------------------------------------------------------------- */

static guint hash_double(double d)
{
    gint64 q = (gint64)llround(d * 1000.0);
    return (guint)(q ^ (q >> 32));
}

static guint style_hash(gconstpointer p)
{
    const jd_style *s = p;
    guint h = g_direct_hash(s->font_family);
    h = h * 31 + hash_double(s->font_size);
    h = h * 31 + (guint)s->font_weight;
    h = h * 31 + s->color;
    h = h * 31 + (guint)s->text_align * 7 + (guint)s->vertical_align;
    h = h * 31 + hash_double(s->line_height);
    h = h * 31 + hash_double(s->text_indent.value);
    for (int i = 0; i < 4; i++)
        h = h * 31 + hash_double(s->padding[i]) + hash_double(s->border[i].width);
    h = h * 31 + s->background;
    return h;
}

static gboolean style_equal(gconstpointer a, gconstpointer b)
{
    const jd_style *x = a, *y = b;
    if (x->font_family != y->font_family || x->font_size != y->font_size ||
        x->font_weight != y->font_weight || x->italic != y->italic || x->color != y->color ||
        x->text_align != y->text_align || x->vertical_align != y->vertical_align ||
        x->line_height != y->line_height || x->line_height_pt != y->line_height_pt ||
        x->text_indent.value != y->text_indent.value || x->text_indent.unit != y->text_indent.unit ||
        x->letter_spacing != y->letter_spacing || x->has_background != y->has_background ||
        x->background != y->background || x->margin_top != y->margin_top ||
        x->margin_bottom != y->margin_bottom || x->keep_with_next != y->keep_with_next ||
        x->cjk_latin_spacing != y->cjk_latin_spacing || x->cjk_latin_spacing_pt != y->cjk_latin_spacing_pt ||
        x->nowrap != y->nowrap || x->punctuation != y->punctuation || x->snap_to_grid != y->snap_to_grid)
        return FALSE;
    for (int i = 0; i < 4; i++)
        if (x->padding[i] != y->padding[i] || x->border[i].width != y->border[i].width ||
            x->border[i].color != y->border[i].color)
            return FALSE;
    return TRUE;
}

const char *jd_doc_intern_string(jd_doc *doc, const char *s)
{
    if (!s)
        return NULL;
    char *found = g_hash_table_lookup(doc->strings, s);
    if (found)
        return found;
    char *copy = g_strdup(s);
    g_hash_table_add(doc->strings, copy);
    return copy;
}

const jd_style *jd_doc_intern_style(jd_doc *doc, const jd_style *style)
{
    jd_style key = *style;
    key.font_family = jd_doc_intern_string(doc, style->font_family ? style->font_family : "song");
    jd_style *found = g_hash_table_lookup(doc->styles, &key);
    if (found)
        return found;
    jd_style *copy = g_new(jd_style, 1);
    *copy = key;
    g_hash_table_add(doc->styles, copy);
    return copy;
}

/* ---- doc and nodes ----------------------------------------------------------------- */

jd_doc *jd_doc_new(void)
{
    jd_doc *doc = g_new0(jd_doc, 1);
    doc->arena = jd_arena_new();
    doc->heap_texts = g_ptr_array_new();
    doc->strings = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    doc->styles = g_hash_table_new_full(style_hash, style_equal, g_free, NULL);
    jd_style def;
    jd_style_init_default(&def);
    doc->default_style = jd_doc_intern_style(doc, &def);
    doc->root = jd_node_new(doc, JD_NODE_DOCUMENT);
    return doc;
}

void jd_doc_free(jd_doc *doc)
{
    if (!doc)
        return;
    for (guint i = 0; i < doc->heap_texts->len; i++)
        g_free(((jd_node *)g_ptr_array_index(doc->heap_texts, i))->text);
    g_ptr_array_free(doc->heap_texts, TRUE);
    jd_arena_free(doc->arena);
    g_hash_table_destroy(doc->styles);
    g_hash_table_destroy(doc->strings);
    g_free(doc);
}

jd_node *jd_doc_root(const jd_doc *doc)
{
    return doc->root;
}

jd_node *jd_node_new(jd_doc *doc, jd_node_type type)
{
    jd_node *n = doc_alloc(doc, sizeof *n);
    memset(n, 0, sizeof *n);
    n->doc = doc;
    n->type = (guint8)type;
    n->style = doc->default_style;
    return n;
}

void jd_node_append(jd_node *parent, jd_node *child)
{
    g_return_if_fail(parent && child && !child->parent);
    child->parent = parent;
    if (parent->last)
        parent->last->next = child;
    else
        parent->first = child;
    parent->last = child;
}

void jd_node_set_style(jd_node *node, const jd_style *interned_style)
{
    node->style = interned_style;
}

void jd_node_set_text(jd_node *node, const char *text, size_t len)
{
    if (!text) len = 0;
    if (node->heap_text) {
        /* stays the registered buffer, grown if need be */
        node->text_len = 0;
        jd_node_append_text(node, text, len);
        return;
    }
    node->text = doc_strndup(node->doc, text ? text : "", len);
    node->text_len = (uint32_t)len;
}

/* Text built piece by piece (a paragraph's runs) grows in a buffer of its own, doubling,
 * rather than a new copy in the arena for every piece. */
void jd_node_append_text(jd_node *node, const char *text, size_t len)
{
    size_t need = (size_t)node->text_len + len + 1;
    if (!node->heap_text) {
        size_t cap = MAX(need * 2, 64);
        char *buf = g_malloc(cap);
        if (node->text_len) memcpy(buf, node->text, node->text_len);
        node->text = buf;
        node->text_cap = (uint32_t)cap;
        node->heap_text = true;
        g_ptr_array_add(node->doc->heap_texts, node);
    } else if (need > node->text_cap) {
        size_t cap = MAX(need, (size_t)node->text_cap * 2);
        node->text = g_realloc(node->text, cap);
        node->text_cap = (uint32_t)cap;
    }
    if (len) memcpy(node->text + node->text_len, text, len);
    node->text_len += (uint32_t)len;
    node->text[node->text_len] = '\0';
}

/* A node has a few attributes: the array is copied one longer for each new one (the old
 * copy stays in the arena). */
static attr_value *attr_slot(jd_node *node, jd_attr attr)
{
    for (int i = 0; i < node->n_attrs; i++)
        if (node->attrs[i].attr == attr)
            return &node->attrs[i];
    attr_value *grown = doc_alloc(node->doc, (node->n_attrs + 1) * sizeof *grown);
    if (node->n_attrs) memcpy(grown, node->attrs, node->n_attrs * sizeof *grown);
    node->attrs = grown;
    attr_value *a = &node->attrs[node->n_attrs++];
    memset(a, 0, sizeof *a);
    a->attr = attr;
    return a;
}

static const attr_value *attr_find(const jd_node *node, jd_attr attr)
{
    for (int i = 0; i < node->n_attrs; i++)
        if (node->attrs[i].attr == attr)
            return &node->attrs[i];
    return NULL;
}

void jd_node_set_int(jd_node *node, jd_attr attr, int64_t value)
{
    attr_value *a = attr_slot(node, attr);
    a->kind = AV_INT;
    a->u.i = value;
}

void jd_node_set_number(jd_node *node, jd_attr attr, double value)
{
    attr_value *a = attr_slot(node, attr);
    a->kind = AV_NUMBER;
    a->u.d = value;
}

/* String attributes are rare (ids, titles, paths), so they are kept per node rather than
 * interned. */
void jd_node_set_string(jd_node *node, jd_attr attr, const char *value)
{
    attr_value *a = attr_slot(node, attr);
    a->kind = AV_STRING;
    a->u.s = doc_strndup(node->doc, value ? value : "", value ? strlen(value) : 0);
}

void jd_node_set_length(jd_node *node, jd_attr attr, jd_length value)
{
    attr_value *a = attr_slot(node, attr);
    a->kind = AV_LENGTH;
    a->u.len = value;
}

void jd_node_set_numbers(jd_node *node, jd_attr attr, const double *values, size_t n)
{
    attr_value *a = attr_slot(node, attr);
    a->kind = AV_NUMBERS;
    a->u.numbers.values = n ? memcpy(doc_alloc(node->doc, n * sizeof(double)), values, n * sizeof(double)) : NULL;
    a->u.numbers.n = n;
}

void jd_node_set_strings(jd_node *node, jd_attr attr, const char *const *values, size_t n)
{
    attr_value *a = attr_slot(node, attr);
    a->kind = AV_STRINGS;
    a->u.strings.values = doc_alloc(node->doc, (n + 1) * sizeof(char *));
    for (size_t i = 0; i < n; i++)
        a->u.strings.values[i] = doc_strndup(node->doc, values[i] ? values[i] : "", values[i] ? strlen(values[i]) : 0);
    a->u.strings.values[n] = NULL;
    a->u.strings.n = n;
}

void jd_node_set_source(jd_node *node, const char *file, int line)
{
    node->src_file = jd_doc_intern_string(node->doc, file);
    node->src_line = line;
}

jd_node_type jd_node_get_type(const jd_node *node)
{
    return node->type;
}
jd_node *jd_node_parent(const jd_node *node)
{
    return node->parent;
}
jd_node *jd_node_first_child(const jd_node *node)
{
    return node->first;
}
jd_node *jd_node_last_child(const jd_node *node)
{
    return node->last;
}
jd_node *jd_node_next(const jd_node *node)
{
    return node->next;
}

size_t jd_node_child_count(const jd_node *node)
{
    size_t n = 0;
    for (jd_node *c = node->first; c; c = c->next)
        n++;
    return n;
}

const jd_style *jd_node_style(const jd_node *node)
{
    return node->style;
}

const char *jd_node_text(const jd_node *node, size_t *len)
{
    if (len)
        *len = node->text ? node->text_len : 0;
    return node->text ? node->text : "";
}

int64_t jd_node_int(const jd_node *node, jd_attr attr, int64_t dflt)
{
    const attr_value *a = attr_find(node, attr);
    if (!a)
        return dflt;
    return a->kind == AV_INT ? a->u.i : a->kind == AV_NUMBER ? (int64_t)a->u.d : dflt;
}

double jd_node_number(const jd_node *node, jd_attr attr, double dflt)
{
    const attr_value *a = attr_find(node, attr);
    if (!a)
        return dflt;
    return a->kind == AV_NUMBER ? a->u.d : a->kind == AV_INT ? (double)a->u.i : dflt;
}

const char *jd_node_string(const jd_node *node, jd_attr attr)
{
    const attr_value *a = attr_find(node, attr);
    return a && a->kind == AV_STRING ? a->u.s : NULL;
}

jd_length jd_node_length(const jd_node *node, jd_attr attr)
{
    const attr_value *a = attr_find(node, attr);
    if (a && a->kind == AV_LENGTH)
        return a->u.len;
    if (a && a->kind == AV_NUMBER)
        return (jd_length){a->u.d, JD_UNIT_PT};
    return (jd_length){0, JD_UNIT_NONE};
}

const double *jd_node_numbers(const jd_node *node, jd_attr attr, size_t *n)
{
    const attr_value *a = attr_find(node, attr);
    bool ok = a && a->kind == AV_NUMBERS;
    if (n)
        *n = ok ? a->u.numbers.n : 0;
    return ok ? a->u.numbers.values : NULL;
}

const char *const *jd_node_strings(const jd_node *node, jd_attr attr, size_t *n)
{
    const attr_value *a = attr_find(node, attr);
    bool ok = a && a->kind == AV_STRINGS;
    if (n)
        *n = ok ? a->u.strings.n : 0;
    return ok ? (const char *const *)a->u.strings.values : NULL;
}

const char *jd_node_source_file(const jd_node *node)
{
    return node->src_file;
}

int jd_node_source_line(const jd_node *node)
{
    return node->src_line;
}

static void plain_text(const jd_node *n, GString *out)
{
    if (n->type == JD_NODE_TEXT)
        g_string_append_len(out, n->text ? n->text : "", (gssize)n->text_len);
    else if (n->type == JD_NODE_FIELD)
        g_string_append(out, jd_node_int(n, JD_ATTR_FIELD, 0) == JD_FIELD_PAGE_COUNT ? "##" : "#");
    else if (n->type == JD_NODE_LINE_BREAK)
        g_string_append_c(out, '\n');
    for (jd_node *c = n->first; c; c = c->next) {
        if (c != n->first && (c->type == JD_NODE_PARAGRAPH || c->type == JD_NODE_HEADING))
            g_string_append_c(out, '\n');
        plain_text(c, out);
    }
}

char *jd_node_plain_text(const jd_node *node)
{
    GString *s = g_string_new(NULL);
    plain_text(node, s);
    return g_string_free(s, FALSE);
}

/* ---- dump -------------------------------------------------------------------------- */

static void put_num(GString *out, double d)
{
    char buf[32];
    g_ascii_formatd(buf, sizeof buf, "%.2f", d);
    /* trim trailing zeros: 10.50 -> 10.5, 12.00 -> 12 */
    char *dot = strchr(buf, '.');
    if (dot) {
        char *e = buf + strlen(buf) - 1;
        while (e > dot && *e == '0')
            *e-- = '\0';
        if (e == dot)
            *e = '\0';
    }
    if (strcmp(buf, "-0") == 0)
        strcpy(buf, "0");
    g_string_append(out, buf);
}

/* The shortest decimal form that reads back as the same double; NaN is "null". */
static void put_exact(GString *out, double d)
{
    if (isnan(d)) {
        g_string_append(out, "null");
        return;
    }
    static const char *const formats[] = {"%.15g", "%.16g", "%.17g"};
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    for (size_t f = 0; f < G_N_ELEMENTS(formats); f++) {
        g_ascii_formatd(buf, sizeof buf, formats[f], d);
        if (g_ascii_strtod(buf, NULL) == d)
            break;
    }
    g_string_append(out, buf);
}

static void put_str(GString *out, const char *s, size_t len)
{
    g_string_append_c(out, '"');
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '"' || c == '\\')
            g_string_append_c(out, '\\'), g_string_append_c(out, c);
        else if (c == '\n')
            g_string_append(out, "\\n");
        else if (c == '\t')
            g_string_append(out, "\\t");
        else if ((unsigned char)c < 0x20)
            g_string_append_printf(out, "\\x%02x", (unsigned char)c);
        else
            g_string_append_c(out, c);
    }
    g_string_append_c(out, '"');
}

static void put_length(GString *out, jd_length l)
{
    switch (l.unit) {
    case JD_UNIT_PT:
        put_num(out, l.value);
        g_string_append(out, "pt");
        break;
    case JD_UNIT_PERCENT:
        put_num(out, l.value);
        g_string_append(out, "%");
        break;
    case JD_UNIT_FR:
        put_num(out, l.value);
        g_string_append(out, "fr");
        break;
    case JD_UNIT_AUTO:
        g_string_append(out, "auto");
        break;
    default:
        g_string_append(out, "none");
    }
}

static const char *align_name(jd_align a)
{
    static const char *const n[] = {"left", "center", "right", "justify", "outside", "inside"};
    return (unsigned)a < G_N_ELEMENTS(n) ? n[a] : "?";
}

static const char *valign_name(jd_valign a)
{
    static const char *const n[] = {"top", "middle", "bottom"};
    return (unsigned)a < G_N_ELEMENTS(n) ? n[a] : "?";
}

static void put_color(GString *out, uint32_t c)
{
    g_string_append_printf(out, "#%06x", c & 0xffffff);
}

static void sep(GString *out, bool *first)
{
    g_string_append(out, *first ? " {" : "; ");
    *first = false;
}

/* style properties of `s` that differ from `base` (the parent's style) — and for the box
 * properties, which do not inherit, from `box_base` (the defaults; NULL for inline nodes,
 * which have no box of their own) */
static void put_style_diff(GString *out, const jd_style *s, const jd_style *base, const jd_style *box_base)
{
    if (!box_base)
        box_base = s;
    bool first = true;
    if (s->font_family != base->font_family && g_strcmp0(s->font_family, base->font_family))
        sep(out, &first), g_string_append_printf(out, "font-family: %s", s->font_family);
    if (s->font_size != base->font_size)
        sep(out, &first), g_string_append(out, "font-size: "), put_num(out, s->font_size),
            g_string_append(out, "pt");
    if (s->font_weight != base->font_weight)
        sep(out, &first), g_string_append_printf(out, "font-weight: %d", s->font_weight);
    if (s->italic != base->italic)
        sep(out, &first), g_string_append_printf(out, "font-style: %s", s->italic ? "italic" : "normal");
    if (s->color != base->color)
        sep(out, &first), g_string_append(out, "color: "), put_color(out, s->color);
    if (s->text_align != base->text_align)
        sep(out, &first), g_string_append_printf(out, "text-align: %s", align_name(s->text_align));
    if (s->vertical_align != base->vertical_align)
        sep(out, &first),
            g_string_append_printf(out, "vertical-align: %s", valign_name(s->vertical_align));
    if (s->line_height != base->line_height || s->line_height_pt != base->line_height_pt) {
        sep(out, &first), g_string_append(out, "line-height: "), put_num(out, s->line_height);
        if (s->line_height_pt)
            g_string_append(out, "pt");
    }
    if (s->text_indent.value != base->text_indent.value || s->text_indent.unit != base->text_indent.unit)
        sep(out, &first), g_string_append(out, "text-indent: "), put_length(out, s->text_indent);
    if (s->letter_spacing != base->letter_spacing)
        sep(out, &first), g_string_append(out, "letter-spacing: "), put_num(out, s->letter_spacing),
            g_string_append(out, "pt");
    if (s->cjk_latin_spacing != base->cjk_latin_spacing || s->cjk_latin_spacing_pt != base->cjk_latin_spacing_pt) {
        sep(out, &first), g_string_append(out, "cjk-latin-spacing: "), put_num(out, s->cjk_latin_spacing);
        g_string_append(out, s->cjk_latin_spacing_pt ? "pt" : "em");
    }
    if (s->nowrap != base->nowrap)
        sep(out, &first), g_string_append_printf(out, "white-space: %s", s->nowrap ? "nowrap" : "normal");
    if (s->punctuation != base->punctuation)
        sep(out, &first), g_string_append_printf(out, "punctuation: %s", jd_punctuation_name(s->punctuation));
    if (memcmp(s->padding, box_base->padding, sizeof s->padding) != 0) {
        sep(out, &first), g_string_append(out, "padding:");
        for (int i = 0; i < 4; i++)
            g_string_append_c(out, ' '), put_num(out, s->padding[i]), g_string_append(out, "pt");
    }
    static const char *const side[] = {"top", "right", "bottom", "left"};
    for (int i = 0; i < 4; i++) {
        if (s->border[i].width != box_base->border[i].width || s->border[i].color != box_base->border[i].color) {
            sep(out, &first), g_string_append_printf(out, "border-%s: ", side[i]);
            put_num(out, s->border[i].width);
            g_string_append(out, "pt ");
            put_color(out, s->border[i].color);
        }
    }
    if (s->has_background != box_base->has_background || s->background != box_base->background) {
        sep(out, &first), g_string_append(out, "background: ");
        if (s->has_background)
            put_color(out, s->background);
        else
            g_string_append(out, "none");
    }
    if (s->margin_top != box_base->margin_top)
        sep(out, &first), g_string_append(out, "margin-top: "), put_num(out, s->margin_top),
            g_string_append(out, "pt");
    if (s->margin_bottom != box_base->margin_bottom)
        sep(out, &first), g_string_append(out, "margin-bottom: "), put_num(out, s->margin_bottom),
            g_string_append(out, "pt");
    if (s->keep_with_next != base->keep_with_next)
        sep(out, &first), g_string_append_printf(out, "keep-with-next: %s", s->keep_with_next ? "yes" : "no");
    if (s->snap_to_grid != base->snap_to_grid)
        sep(out, &first), g_string_append_printf(out, "snap-to-grid: %s", s->snap_to_grid ? "yes" : "no");
    if (!first)
        g_string_append_c(out, '}');
}

static const char *const attr_names[JD_ATTR_COUNT] = {
    "title",        "author",          "subject",        "keywords",       "creator",
    "date",         "width",           "height",         "margin-top",     "margin-right",
    "margin-bottom", "margin-left",    "header-distance", "footer-distance", "page-label",
    "line-pitch",   "footer-below-body", "turned",
    "level",        "header-rows",     "width",          "rowspan",        "colspan",
    "header",       "field",           "src",            "height",         "marker",
    "id",           "bookmark",        "bookmark-level", "href",           "repeat-on-break",
    "change-bar",   "kind",            "labels",         "notes",          "legend",
    "unit",         "orient",          "decimals",       "value-labels",   "palette",
    "missing-label", "name",           "values",         "role",           "parity",
};

static void put_attrs(GString *out, const jd_node *n)
{
    /* attributes in enum order, so the dump does not depend on the order they were set */
    for (int a = 0; a < JD_ATTR_COUNT; a++) {
        const attr_value *v = attr_find(n, (jd_attr)a);
        if (!v)
            continue;
        g_string_append_printf(out, " %s=", attr_names[a]);
        if (a == JD_ATTR_FIELD) {
            g_string_append(out, v->u.i == JD_FIELD_PAGE_COUNT ? "pages" : "page");
            continue;
        }
        switch (v->kind) {
        case AV_INT:
            g_string_append_printf(out, "%" G_GINT64_FORMAT, (gint64)v->u.i);
            break;
        case AV_NUMBER:
            put_num(out, v->u.d);
            break;
        case AV_STRING:
            put_str(out, v->u.s, strlen(v->u.s));
            break;
        case AV_LENGTH:
            put_length(out, v->u.len);
            break;
        case AV_NUMBERS:
            /* every digit: the dump is what a build hashes, and a chart value changed in
             * its third decimal must change the hash */
            g_string_append_c(out, '[');
            for (size_t i = 0; i < v->u.numbers.n; i++) {
                if (i)
                    g_string_append(out, ", ");
                put_exact(out, v->u.numbers.values[i]);
            }
            g_string_append_c(out, ']');
            break;
        case AV_STRINGS:
            g_string_append_c(out, '[');
            for (size_t i = 0; i < v->u.strings.n; i++) {
                if (i)
                    g_string_append(out, ", ");
                put_str(out, v->u.strings.values[i], strlen(v->u.strings.values[i]));
            }
            g_string_append_c(out, ']');
            break;
        }
    }
}

static void dump_node(GString *out, const jd_node *n, const jd_style *parent_style,
                      const jd_style *defaults, int depth)
{
    for (int i = 0; i < depth; i++)
        g_string_append(out, "  ");
    g_string_append(out, jd_node_type_name(n->type));
    put_attrs(out, n);
    if (n->type == JD_NODE_TEXT) {
        g_string_append_c(out, ' ');
        put_str(out, n->text ? n->text : "", n->text_len);
    }
    bool is_inline = n->type == JD_NODE_TEXT || n->type == JD_NODE_SPAN || n->type == JD_NODE_FIELD ||
                     n->type == JD_NODE_LINE_BREAK;
    put_style_diff(out, n->style, parent_style, is_inline ? NULL : defaults);
    g_string_append_c(out, '\n');
    for (const jd_node *c = n->first; c; c = c->next)
        dump_node(out, c, n->style, defaults, depth + 1);
}

char *jd_doc_dump(const jd_doc *doc)
{
    GString *out = g_string_new(NULL);
    dump_node(out, doc->root, doc->default_style, doc->default_style, 0);
    return g_string_free(out, FALSE);
}

void jd_doc_hash(const jd_doc *doc, char out[65])
{
    char *dump = jd_doc_dump(doc);
    char *hex = g_compute_checksum_for_string(G_CHECKSUM_SHA256, dump, -1);
    memcpy(out, hex, 64);
    out[64] = '\0';
    g_free(hex);
    g_free(dump);
}
