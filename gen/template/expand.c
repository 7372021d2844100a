/* Expansion: the compiled template walked against the data, producing the document tree.
 *
 * Output goes into "sinks" that mirror the document structure: a block container (the
 * document, a header or footer, a cell, an item), a paragraph being filled with inline
 * content, a table, a row, a list or a page. Control elements (for, if, group, set,
 * include) are transparent: they expand into the sink they are in. Inline content that
 * reaches a block container directly is collected into an anonymous paragraph, flushed
 * when a block arrives or the container ends.
 *
 * Inline content is first collected as tokens and turned into nodes when its paragraph is
 * complete, because what literal white space becomes (nothing, or one space) depends on
 * the characters on both sides of it.
 */
#include <string.h>

#include "tpl.h"

typedef struct {
    const jd_template *tpl;
    jd_doc *doc;
    tpl_eval ev;
    tpl_errors *errs;
    GHashTable *ids;       /* ids used so far */
    GArray *links;         /* internal links to check at the end */
    GStringChunk *strings; /* font families from {{ }}: the template stays read-only */
    size_t steps, max_steps;
    bool stopped; /* the step budget ran out */
    double grid_pitch; /* line pitch of the grid of the page in force (行), 0 for none */
} expander;

typedef struct {
    char *target;
    const tpl_source *src;
    size_t start, end;
} pending_link;

/* ---- inline tokens ----------------------------------------------------------------- */

typedef enum { TK_TEXT, TK_SPACE, TK_BR, TK_FIELD, TK_OPEN, TK_CLOSE } tok_kind;

typedef struct {
    tok_kind kind;
    const char *text; /* TK_TEXT (borrowed from the template, or `owned`) */
    size_t len;
    char *owned;
    bool newline;        /* TK_SPACE: the run had a line break */
    jd_field_kind field; /* TK_FIELD */
    jd_node *span;       /* TK_OPEN */
} tok;

static void toks_clear(GArray *toks)
{
    for (guint i = 0; i < toks->len; i++)
        g_free(g_array_index(toks, tok, i).owned);
    g_array_set_size(toks, 0);
}

/* Characters between which a line break in the source is no space: Chinese text is
 * written without spaces, so a template's line wrap inside it must not add one. */
static bool is_cjk(gunichar c)
{
    return c && g_unichar_iswide_cjk(c) && !g_unichar_isspace(c);
}

static void append_text(jd_doc *doc, jd_node *container, const char *text, size_t len)
{
    jd_node *last = jd_node_last_child(container);
    if (last && jd_node_get_type(last) == JD_NODE_TEXT) {
        jd_node_append_text(last, text, len);
        return;
    }
    jd_node *t = jd_node_new(doc, JD_NODE_TEXT);
    jd_node_set_text(t, text, len);
    jd_node_set_style(t, jd_node_style(container));
    jd_node_append(container, t);
}

/* The first character the tokens from `i` on print, skipping span boundaries and empty
 * text; 0 at a line break or the end. Sets *run_end to the end of the white space run
 * starting at `i` and ORs its line breaks into *newline. */
static gunichar next_char(const GArray *toks, guint i, guint *run_end, bool *newline)
{
    *run_end = i;
    for (guint k = i; k < toks->len; k++) {
        const tok *t = &g_array_index(toks, tok, k);
        switch (t->kind) {
        case TK_SPACE:
            *newline |= t->newline;
            *run_end = k + 1;
            break;
        case TK_TEXT:
            if (t->len) return g_utf8_get_char(t->text);
            break;
        case TK_FIELD:
            return '0';
        case TK_BR:
            return 0;
        default:
            break;
        }
    }
    return 0;
}

/* Builds the inline nodes of `para` from the tokens. */
static void build_inline(jd_doc *doc, jd_node *para, const GArray *toks)
{
    GPtrArray *stack = g_ptr_array_new();
    jd_node *cur = para;
    gunichar last = 0;
    guint skip_spaces_until = 0;
    for (guint i = 0; i < toks->len; i++) {
        const tok *t = &g_array_index(toks, tok, i);
        switch (t->kind) {
        case TK_TEXT:
            if (!t->len) break;
            append_text(doc, cur, t->text, t->len);
            last = g_utf8_get_char(g_utf8_find_prev_char(t->text, t->text + t->len));
            break;
        case TK_SPACE: {
            if (i < skip_spaces_until) break;
            bool newline = false;
            gunichar next = next_char(toks, i, &skip_spaces_until, &newline);
            /* leading and trailing white space of a block, and white space around a line
             * break, is dropped; a wrapped line inside Chinese text joins without a space */
            if (!last || last == ' ' || !next || (newline && is_cjk(last) && is_cjk(next))) break;
            append_text(doc, cur, " ", 1);
            last = ' ';
            break;
        }
        case TK_BR: {
            jd_node *br = jd_node_new(doc, JD_NODE_LINE_BREAK);
            jd_node_set_style(br, jd_node_style(cur));
            jd_node_append(cur, br);
            last = 0;
            break;
        }
        case TK_FIELD: {
            jd_node *f = jd_node_new(doc, JD_NODE_FIELD);
            jd_node_set_int(f, JD_ATTR_FIELD, t->field);
            jd_node_set_style(f, jd_node_style(cur));
            jd_node_append(cur, f);
            last = '0';
            break;
        }
        case TK_OPEN:
            jd_node_append(cur, t->span);
            g_ptr_array_add(stack, cur);
            cur = t->span;
            break;
        case TK_CLOSE:
            if (stack->len) {
                cur = g_ptr_array_index(stack, stack->len - 1);
                g_ptr_array_set_size(stack, stack->len - 1);
            }
            break;
        }
    }
    g_ptr_array_free(stack, TRUE);
}

/* ---- sinks ------------------------------------------------------------------------- */

typedef enum { SINK_BLOCKS, SINK_INLINE, SINK_TABLE, SINK_ROW, SINK_LIST, SINK_PAGE, SINK_CHART } sink_kind;

/* Style properties that come from an element: its named styles and its own attributes,
 * static (from the template) and dynamic (evaluated now, owned here). */
typedef struct {
    const tpl_prop *layer[4];
    guint count[4];
    GArray *dynamic_named, *dynamic_own; /* tpl_prop */
} own_props;

typedef struct {
    jd_node *node;
    GArray *box;          /* tpl_prop: the table's cell box properties (padding, border…) */
    GPtrArray *cols;      /* GArray* of tpl_prop per grid column (a repeated col shares one) */
    GPtrArray *col_props; /* the GArray*s, owned */
    GArray *occupied;     /* int per grid column: rows a rowspan still covers */
} table_state;

typedef struct {
    GArray *box;
    guint cursor;
} row_state;

typedef struct sink {
    sink_kind kind;
    jd_node *node;              /* the container */
    const jd_style *style;      /* the container's style; for inline sinks, the current span's */
    GArray *toks;               /* inline tokens: the paragraph's, or the pending anonymous one */
    const jd_style *para_style; /* BLOCKS: style of an anonymous paragraph, once computed */
    table_state *table;
    row_state *row;
    tpl_chart *chart;
} sink;

static void sink_init(sink *s, sink_kind kind, jd_node *node, const jd_style *style)
{
    memset(s, 0, sizeof *s);
    s->kind = kind;
    s->node = node;
    s->style = style;
    if (kind == SINK_BLOCKS) s->toks = g_array_new(FALSE, TRUE, sizeof(tok));
}

static const jd_style *intern(expander *ex, const jd_style *style)
{
    return jd_doc_intern_style(ex->doc, style);
}

static const jd_style *inherit(expander *ex, const jd_style *parent)
{
    jd_style s;
    tpl_style_inherit(&s, parent);
    return intern(ex, &s);
}

/* Turns the pending inline content of a block container into an anonymous paragraph. */
static void flush_paragraph(expander *ex, sink *s)
{
    if (s->kind != SINK_BLOCKS || !s->toks->len) return;
    if (!s->para_style) s->para_style = inherit(ex, s->style);
    jd_node *para = jd_node_new(ex->doc, JD_NODE_PARAGRAPH);
    jd_node_set_style(para, s->para_style);
    build_inline(ex->doc, para, s->toks);
    if (jd_node_first_child(para)) jd_node_append(s->node, para);
    toks_clear(s->toks);
}

static void sink_finish(expander *ex, sink *s)
{
    flush_paragraph(ex, s);
    if (s->kind == SINK_BLOCKS) g_array_free(s->toks, TRUE);
}

/* The style inline content starts from in this sink (for spans). */
static const jd_style *inline_style(expander *ex, sink *s)
{
    if (s->kind == SINK_INLINE) return s->style;
    if (!s->para_style) s->para_style = inherit(ex, s->style);
    return s->para_style;
}

/* ---- attributes -------------------------------------------------------------------- */

static void attr_error(expander *ex, const tpl_node *node, const tpl_attr *a, const char *msg)
{
    tpl_error(ex->errs, node->src, a->value_start, a->value_end, "%s", msg);
}

bool tpl_attr_eval(tpl_eval *ev, const tpl_attr *a, GString *out, jd_value **typed)
{
    bool ok = true;
    for (guint i = 0; i < a->n_parts; i++) {
        const tpl_part *p = &a->parts[i];
        if (p->kind != TPL_PART_EXPR) {
            g_string_append_len(out, p->text, (gssize)p->len);
            continue;
        }
        jd_value *v = tpl_expr_eval(p->expr, ev);
        if (!v) {
            ok = false;
            continue;
        }
        char *text = jd_value_to_text(v);
        g_string_append(out, text);
        g_free(text);
        if (typed && a->single) *typed = jd_value_ref(v);
        jd_value_unref(v);
    }
    return ok;
}

/* The string value of an attribute (static or evaluated), or NULL if absent or failed. */
static char *attr_string(expander *ex, const tpl_node *node, int id)
{
    const tpl_attr *a = tpl_node_attr(node, id);
    if (!a) return NULL;
    if (!a->parts) return g_strdup(a->value.s ? a->value.s : "");
    GString *out = g_string_new(NULL);
    if (!tpl_attr_eval(&ex->ev, a, out, NULL)) {
        g_string_free(out, TRUE);
        return NULL;
    }
    return g_string_free(out, FALSE);
}

/* The typed value of a non-string attribute; false if absent or bad (reported). */
static bool attr_typed(expander *ex, const tpl_node *node, int id, tpl_attr_value *out)
{
    const tpl_attr *a = tpl_node_attr(node, id);
    if (!a) return false;
    if (!a->parts) {
        *out = a->value;
        return true;
    }
    GString *text = g_string_new(NULL);
    jd_value *typed = NULL;
    bool ok = tpl_attr_eval(&ex->ev, a, text, &typed);
    if (ok) {
        char *msg = NULL;
        ok = tpl_attr_convert(node->kind, id, text->str, typed, out, &msg);
        if (!ok) attr_error(ex, node, a, msg);
        g_free(msg);
    }
    jd_value_unref(typed);
    g_string_free(text, TRUE);
    return ok;
}

static void own_props_clear(own_props *op)
{
    if (op->dynamic_named) g_array_free(op->dynamic_named, TRUE);
    if (op->dynamic_own) g_array_free(op->dynamic_own, TRUE);
}

/* Evaluates an element's dynamic style names and properties, and lists its layers in
 * precedence order: named styles, then its own properties. */
static void collect_props(expander *ex, const tpl_node *node, own_props *op)
{
    memset(op, 0, sizeof *op);
    for (guint i = 0; i < node->n_attrs; i++) {
        const tpl_attr *a = &node->attrs[i];
        if (a->id < TPL_A_COUNT && a->id != TPL_A_STYLE) continue;
        GString *text = g_string_new(NULL);
        if (!tpl_attr_eval(&ex->ev, a, text, NULL)) {
            g_string_free(text, TRUE);
            continue;
        }
        if (a->id == TPL_A_STYLE) {
            if (!op->dynamic_named) op->dynamic_named = g_array_new(FALSE, TRUE, sizeof(tpl_prop));
            char **names = g_strsplit_set(text->str, " \t\n", -1);
            for (char **n = names; *n; n++) {
                if (!**n) continue;
                const tpl_named_style *st = g_hash_table_lookup(ex->tpl->styles, *n);
                if (st) {
                    g_array_append_vals(op->dynamic_named, st->props, st->n_props);
                } else {
                    char *msg = g_strdup_printf("unknown style '%s'", *n);
                    attr_error(ex, node, a, msg);
                    g_free(msg);
                }
            }
            g_strfreev(names);
        } else {
            tpl_prop_id id = (tpl_prop_id)(a->id - TPL_A_COUNT);
            tpl_prop p;
            char *why = NULL;
            if (tpl_prop_parse(id, text->str, ex->strings, &p, &why)) {
                if (!op->dynamic_own) op->dynamic_own = g_array_new(FALSE, TRUE, sizeof(tpl_prop));
                g_array_append_val(op->dynamic_own, p);
            } else {
                char *msg = tpl_prop_error(id, text->str, why);
                attr_error(ex, node, a, msg);
                g_free(msg);
            }
            g_free(why);
        }
        g_string_free(text, TRUE);
    }
    op->layer[0] = node->style;
    op->count[0] = node->n_named;
    op->layer[1] = op->dynamic_named ? (const tpl_prop *)op->dynamic_named->data : NULL;
    op->count[1] = op->dynamic_named ? op->dynamic_named->len : 0;
    op->layer[2] = node->style ? node->style + node->n_named : NULL;
    op->count[2] = node->n_style - node->n_named;
    op->layer[3] = op->dynamic_own ? (const tpl_prop *)op->dynamic_own->data : NULL;
    op->count[3] = op->dynamic_own ? op->dynamic_own->len : 0;
}

/* All of an element's properties in one array (for table, row and column rules). */
static GArray *flatten_props(const own_props *op, bool box_only)
{
    GArray *out = g_array_new(FALSE, TRUE, sizeof(tpl_prop));
    for (int l = 0; l < 4; l++)
        for (guint i = 0; i < op->count[l]; i++) {
            tpl_prop_id id = op->layer[l][i].id;
            bool box = id == TPL_PROP_PADDING || id == TPL_PROP_VERTICAL_ALIGN ||
                       id == TPL_PROP_BACKGROUND ||
                       (id >= TPL_PROP_BORDER && id <= TPL_PROP_BORDER_LEFT);
            if (!box_only || box) g_array_append_val(out, op->layer[l][i]);
        }
    return out;
}

typedef void (*style_defaults)(jd_style *s);

/* The style of an element: the parent's inherited, then the `extra` rule layers and the
 * element's own properties. The element's defaults come after the first `before_defaults`
 * extra layers (a th is centred whatever its column says, but its row may say otherwise). */
static const jd_style *element_style_ordered(expander *ex, const jd_style *parent, style_defaults defaults,
                                             const GArray *const *extra, guint n_extra,
                                             guint before_defaults, const own_props *op)
{
    jd_style s;
    tpl_style_inherit(&s, parent);
    const tpl_prop *layers[8];
    guint counts[8], n = 0;
    for (guint i = 0; i < before_defaults && i < n_extra; i++)
        if (extra[i]) {
            layers[n] = (const tpl_prop *)extra[i]->data;
            counts[n++] = extra[i]->len;
        }
    tpl_props_apply(&s, layers, counts, n, ex->grid_pitch);
    if (defaults) defaults(&s);
    n = 0;
    for (guint i = before_defaults; i < n_extra; i++)
        if (extra[i]) {
            layers[n] = (const tpl_prop *)extra[i]->data;
            counts[n++] = extra[i]->len;
        }
    for (int l = 0; l < 4; l++) {
        layers[n] = op->layer[l];
        counts[n++] = op->count[l];
    }
    tpl_props_apply(&s, layers, counts, n, ex->grid_pitch);
    return intern(ex, &s);
}

static const jd_style *element_style(expander *ex, const jd_style *parent, style_defaults defaults,
                                     const GArray *const *extra, guint n_extra, const own_props *op)
{
    return element_style_ordered(ex, parent, defaults, extra, n_extra, 0, op);
}

/* Tables, rows and columns hand their box properties to cells and keep none. */
static const jd_style *without_box(expander *ex, const jd_style *style, bool keep_margins)
{
    jd_style s;
    tpl_style_inherit(&s, style);
    if (keep_margins) {
        s.margin_top = style->margin_top;
        s.margin_bottom = style->margin_bottom;
        s.keep_with_next = style->keep_with_next;
    }
    return intern(ex, &s);
}

/* A length of an element attribute, in the element's units. */
static jd_length resolve(expander *ex, tpl_length len, const jd_style *style)
{
    tpl_units u = tpl_units_of(style, ex->grid_pitch);
    return tpl_length_resolve(len, &u);
}

static void set_source(jd_node *n, const tpl_node *node)
{
    jd_node_set_source(n, node->src->path, node->line);
}

/* The element's id, if it has one: not empty, and unique in the document. */
static void set_id(expander *ex, const tpl_node *node, jd_node *n)
{
    char *id = attr_string(ex, node, TPL_A_ID);
    if (!id)
        return;
    const tpl_attr *a = tpl_node_attr(node, TPL_A_ID);
    if (!*id) {
        attr_error(ex, node, a, "empty id");
    } else if (!g_hash_table_add(ex->ids, g_strdup(id))) {
        char *msg = g_strdup_printf("id '%s' is used twice", id);
        attr_error(ex, node, a, msg);
        g_free(msg);
    } else {
        jd_node_set_string(n, JD_ATTR_ID, id);
    }
    g_free(id);
}

/* An outline entry titled `title`, at bookmark-level (default `level`). */
static void set_bookmark(expander *ex, const tpl_node *node, jd_node *n, const char *title, int64_t level)
{
    jd_node_set_string(n, JD_ATTR_BOOKMARK, title);
    tpl_attr_value bl = {.i = level};
    attr_typed(ex, node, TPL_A_BOOKMARK_LEVEL, &bl);
    jd_node_set_int(n, JD_ATTR_BOOKMARK_LEVEL, bl.i);
}

/* id, bookmark and bookmark-level of a block. */
static void block_attrs(expander *ex, const tpl_node *node, jd_node *n)
{
    set_id(ex, node, n);
    char *bookmark = attr_string(ex, node, TPL_A_BOOKMARK);
    if (bookmark && *bookmark)
        set_bookmark(ex, node, n, bookmark, 1);
    g_free(bookmark);
}

/* ---- expansion --------------------------------------------------------------------- */

static void expand_node(expander *ex, const tpl_node *node, sink *s);

static void expand_children(expander *ex, const tpl_node *node, sink *s)
{
    for (guint i = 0; node->children && i < node->children->len; i++)
        expand_node(ex, g_ptr_array_index(node->children, i), s);
}

/* Children in a new scope: variables set inside do not outlive the element. */
static void expand_scoped(expander *ex, const tpl_node *node, sink *s)
{
    guint depth = ex->ev.scope->len;
    expand_children(ex, node, s);
    tpl_scope_pop_to(&ex->ev, depth);
}

static void expand_text(expander *ex, const tpl_node *node, sink *s)
{
    if (s->kind != SINK_BLOCKS && s->kind != SINK_INLINE)
        return; /* only white space can be here; the loader checked */
    for (guint i = 0; i < node->n_parts; i++) {
        const tpl_part *p = &node->parts[i];
        tok t = {0};
        switch (p->kind) {
        case TPL_PART_TEXT:
            t.kind = TK_TEXT;
            t.text = p->text;
            t.len = p->len;
            break;
        case TPL_PART_SPACE:
            t.kind = TK_SPACE;
            t.newline = p->newline;
            break;
        case TPL_PART_FIELD:
            t.kind = TK_FIELD;
            t.field = p->field;
            break;
        case TPL_PART_EXPR: {
            jd_value *v = tpl_expr_eval(p->expr, &ex->ev);
            if (!v) continue;
            t.kind = TK_TEXT;
            t.owned = jd_value_to_text(v);
            t.text = t.owned;
            t.len = strlen(t.owned);
            jd_value_unref(v);
            break;
        }
        }
        g_array_append_val(s->toks, t);
    }
}

static void heading_defaults(jd_style *s, int level)
{
    static const double sizes[] = {22, 16, 14, 12}; /* 二号, 三号, 四号, 小四 */
    s->font_size = sizes[level - 1];
    s->font_weight = 700;
    if (level == 1) s->text_align = JD_ALIGN_CENTER;
}

static void h1_defaults(jd_style *s)
{
    heading_defaults(s, 1);
}
static void h2_defaults(jd_style *s)
{
    heading_defaults(s, 2);
}
static void h3_defaults(jd_style *s)
{
    heading_defaults(s, 3);
}
static void h4_defaults(jd_style *s)
{
    heading_defaults(s, 4);
}

static void th_defaults(jd_style *s)
{
    s->font_weight = 700;
    s->text_align = JD_ALIGN_CENTER;
    s->vertical_align = JD_VALIGN_MIDDLE;
}

/* p and h1–h4. */
static void expand_paragraph(expander *ex, const tpl_node *node, sink *s)
{
    flush_paragraph(ex, s);
    int level = node->kind == TPL_P ? 0 : (int)(node->kind - TPL_H1) + 1;
    static const style_defaults defaults[] = {NULL, h1_defaults, h2_defaults, h3_defaults,
                                              h4_defaults};
    own_props op;
    collect_props(ex, node, &op);
    const jd_style *style = element_style(ex, s->style, defaults[level], NULL, 0, &op);
    own_props_clear(&op);
    jd_node *n = jd_node_new(ex->doc, level ? JD_NODE_HEADING : JD_NODE_PARAGRAPH);
    jd_node_set_style(n, style);
    set_source(n, node);
    if (level) jd_node_set_int(n, JD_ATTR_LEVEL, level);
    block_attrs(ex, node, n);
    sink inner;
    sink_init(&inner, SINK_INLINE, n, style);
    inner.toks = g_array_new(FALSE, TRUE, sizeof(tok));
    expand_scoped(ex, node, &inner);
    build_inline(ex->doc, n, inner.toks);
    toks_clear(inner.toks);
    g_array_free(inner.toks, TRUE);
    /* a heading is an outline entry unless it says bookmark="" or names its own */
    if (level && !tpl_node_attr(node, TPL_A_BOOKMARK)) {
        char *text = jd_node_plain_text(n);
        g_strdelimit(text, "\n", ' ');
        g_strstrip(text);
        if (*text)
            set_bookmark(ex, node, n, text, level);
        g_free(text);
    }
    jd_node_append(s->node, n);
}

static void expand_span(expander *ex, const tpl_node *node, sink *s)
{
    own_props op;
    collect_props(ex, node, &op);
    const jd_style *style = element_style(ex, inline_style(ex, s), NULL, NULL, 0, &op);
    own_props_clear(&op);
    jd_node *span = jd_node_new(ex->doc, JD_NODE_SPAN);
    jd_node_set_style(span, style);
    set_source(span, node);
    char *href = attr_string(ex, node, TPL_A_HREF);
    if (href) {
        const tpl_attr *a = tpl_node_attr(node, TPL_A_HREF);
        if (!*href || strcmp(href, "#") == 0) {
            attr_error(ex, node, a, "empty link target");
        } else {
            jd_node_set_string(span, JD_ATTR_HREF, href);
            if (href[0] == '#') {
                pending_link link = {g_strdup(href + 1), node->src, a->value_start, a->value_end};
                g_array_append_val(ex->links, link);
            }
        }
        g_free(href);
    }
    set_id(ex, node, span);
    tok open = {.kind = TK_OPEN, .span = span};
    g_array_append_val(s->toks, open);
    sink inner = *s;
    inner.kind = SINK_INLINE;
    inner.style = style;
    inner.node = span;
    expand_scoped(ex, node, &inner);
    tok close = {.kind = TK_CLOSE};
    g_array_append_val(s->toks, close);
}

/* header, footer, td, th, item: a block container with its own sink. */
static void expand_container(expander *ex, const tpl_node *node, jd_node *n, const jd_style *style,
                             sink *parent)
{
    jd_node_set_style(n, style);
    set_source(n, node);
    jd_node_append(parent->node, n);
    sink inner;
    sink_init(&inner, SINK_BLOCKS, n, style);
    expand_scoped(ex, node, &inner);
    sink_finish(ex, &inner);
}

/* header, footer, item, colophon */
static void expand_simple_container(expander *ex, const tpl_node *node, jd_node_type type, sink *s)
{
    flush_paragraph(ex, s); /* text before a colophon */
    own_props op;
    collect_props(ex, node, &op);
    const jd_style *style = element_style(ex, s->style, NULL, NULL, 0, &op);
    own_props_clear(&op);
    jd_node *n = jd_node_new(ex->doc, type);
    if (type == JD_NODE_ITEM) block_attrs(ex, node, n);
    tpl_attr_value parity;
    if (type == JD_NODE_COLOPHON && attr_typed(ex, node, TPL_A_PARITY, &parity) && parity.i > 0)
        jd_node_set_string(n, JD_ATTR_PARITY, tpl_attr_keywords(TPL_A_PARITY)[parity.i]); /* even, odd */
    expand_container(ex, node, n, style, s);
}

static void expand_page(expander *ex, const tpl_node *node, sink *s)
{
    flush_paragraph(ex, s);
    own_props op;
    collect_props(ex, node, &op);
    const jd_style *style = element_style(ex, s->style, NULL, NULL, 0, &op);
    own_props_clear(&op);
    jd_node *page = jd_node_new(ex->doc, JD_NODE_PAGE);
    jd_node_set_style(page, without_box(ex, style, false));
    set_source(page, node);

    tpl_attr_value size = {.size = {595.28, 841.89}}; /* A4 */
    attr_typed(ex, node, TPL_A_SIZE, &size);
    double w = size.size.width, h = size.size.height;
    tpl_attr_value orientation;
    if (attr_typed(ex, node, TPL_A_ORIENTATION, &orientation)) {
        bool landscape = orientation.i == 1;
        double lo = MIN(w, h), hi = MAX(w, h);
        w = landscape ? hi : lo;
        h = landscape ? lo : hi;
    }
    jd_node_set_number(page, JD_ATTR_PAGE_WIDTH, w);
    jd_node_set_number(page, JD_ATTR_PAGE_HEIGHT, h);
    const double mm = 72 / 25.4;
    tpl_attr_value margin;
    for (int i = 0; i < 4; i++)
        margin.box[i] = (tpl_length){25 * mm, TPL_LEN_PT};
    attr_typed(ex, node, TPL_A_MARGIN, &margin);
    static const jd_attr sides[] = {JD_ATTR_MARGIN_TOP, JD_ATTR_MARGIN_RIGHT, JD_ATTR_MARGIN_BOTTOM,
                                    JD_ATTR_MARGIN_LEFT};
    for (int i = 0; i < 4; i++)
        jd_node_set_number(page, sides[i], margin.box[i].value);
    tpl_attr_value distance = {.len = {10 * mm, TPL_LEN_PT}};
    attr_typed(ex, node, TPL_A_HEADER_DISTANCE, &distance);
    jd_node_set_number(page, JD_ATTR_HEADER_DISTANCE, distance.len.value);
    distance.len = (tpl_length){10 * mm, TPL_LEN_PT};
    attr_typed(ex, node, TPL_A_FOOTER_DISTANCE, &distance);
    jd_node_set_number(page, JD_ATTR_FOOTER_DISTANCE, distance.len.value);
    char *label = attr_string(ex, node, TPL_A_PAGE_LABEL);
    if (label) jd_node_set_string(page, JD_ATTR_PAGE_LABEL, label);
    g_free(label);
    tpl_attr_value v;
    ex->grid_pitch = 0;
    if (attr_typed(ex, node, TPL_A_LINE_GRID, &v)) {
        double body = h - margin.box[JD_TOP].value - margin.box[JD_BOTTOM].value;
        ex->grid_pitch = v.grid.lines ? body / v.grid.lines : v.grid.pitch;
        if (ex->grid_pitch > 0) jd_node_set_number(page, JD_ATTR_LINE_PITCH, ex->grid_pitch);
    }
    if (attr_typed(ex, node, TPL_A_FOOTER_BELOW_BODY, &v))
        jd_node_set_number(page, JD_ATTR_FOOTER_BELOW_BODY, v.len.value);
    if (attr_typed(ex, node, TPL_A_TURNED, &v) && v.flag)
        jd_node_set_int(page, JD_ATTR_TURNED, 1);
    jd_node_append(s->node, page);

    sink inner;
    sink_init(&inner, SINK_PAGE, page, style);
    expand_scoped(ex, node, &inner);
}

static void expand_list(expander *ex, const tpl_node *node, sink *s)
{
    flush_paragraph(ex, s);
    own_props op;
    collect_props(ex, node, &op);
    const jd_style *style = element_style(ex, s->style, NULL, NULL, 0, &op);
    own_props_clear(&op);
    jd_node *list = jd_node_new(ex->doc, JD_NODE_LIST);
    jd_node_set_style(list, style);
    set_source(list, node);
    tpl_attr_value marker = {.i = 0};
    attr_typed(ex, node, TPL_A_MARKER, &marker);
    jd_node_set_string(list, JD_ATTR_MARKER, tpl_attr_keywords(TPL_A_MARKER)[marker.i]);
    block_attrs(ex, node, list);
    jd_node_append(s->node, list);
    sink inner;
    sink_init(&inner, SINK_LIST, list, style);
    expand_scoped(ex, node, &inner);
}

/* ---- tables ------------------------------------------------------------------------ */

static void props_free(gpointer p)
{
    g_array_free(p, TRUE);
}

static void expand_table(expander *ex, const tpl_node *node, sink *s)
{
    flush_paragraph(ex, s);
    own_props op;
    collect_props(ex, node, &op);
    const jd_style *style = element_style(ex, s->style, NULL, NULL, 0, &op);
    jd_node *table = jd_node_new(ex->doc, JD_NODE_TABLE);
    jd_node_set_style(table, without_box(ex, style, true));
    set_source(table, node);
    tpl_attr_value rows;
    if (attr_typed(ex, node, TPL_A_HEADER_ROWS, &rows))
        jd_node_set_int(table, JD_ATTR_HEADER_ROWS, rows.i);
    block_attrs(ex, node, table);
    jd_node_append(s->node, table);

    table_state ts = {table, flatten_props(&op, true), g_ptr_array_new(),
                      g_ptr_array_new_with_free_func(props_free),
                      g_array_new(FALSE, TRUE, sizeof(int))};
    own_props_clear(&op);
    sink inner;
    sink_init(&inner, SINK_TABLE, table, jd_node_style(table));
    inner.table = &ts;
    expand_scoped(ex, node, &inner);
    g_array_free(ts.box, TRUE);
    g_ptr_array_free(ts.cols, TRUE);
    g_ptr_array_free(ts.col_props, TRUE);
    g_array_free(ts.occupied, TRUE);
}

static void expand_col(expander *ex, const tpl_node *node, sink *s)
{
    own_props op;
    collect_props(ex, node, &op);
    const jd_style *style = element_style(ex, s->style, NULL, NULL, 0, &op);
    GArray *props = flatten_props(&op, false);
    own_props_clear(&op);
    g_ptr_array_add(s->table->col_props, props);
    tpl_attr_value width = {.len = {0, TPL_LEN_AUTO}};
    attr_typed(ex, node, TPL_A_WIDTH, &width);
    tpl_attr_value min_width = {.len = {0, TPL_LEN_AUTO}};
    bool has_min = attr_typed(ex, node, TPL_A_MIN_WIDTH, &min_width);
    if (has_min && min_width.len.unit == TPL_LEN_FR) {
        attr_error(ex, node, tpl_node_attr(node, TPL_A_MIN_WIDTH),
                   "min-width is a length (pt, mm, em, 字, %) or auto, not a share (fr)");
        has_min = false;
    }
    tpl_attr_value repeat = {.i = 1};
    attr_typed(ex, node, TPL_A_REPEAT, &repeat);
    tpl_attr_value repeat_on_break = {.flag = false};
    attr_typed(ex, node, TPL_A_REPEAT_ON_BREAK, &repeat_on_break);
    const jd_style *col_style = without_box(ex, style, false);
    for (int64_t i = 0; i < repeat.i; i++) {
        jd_node *col = jd_node_new(ex->doc, JD_NODE_COLUMN);
        jd_node_set_style(col, col_style);
        set_source(col, node);
        if (repeat_on_break.flag) jd_node_set_int(col, JD_ATTR_REPEAT_ON_BREAK, 1);
        jd_node_set_length(col, JD_ATTR_WIDTH, resolve(ex, width.len, style));
        if (has_min)
            jd_node_set_length(col, JD_ATTR_MIN_WIDTH, resolve(ex, min_width.len, style));
        jd_node_append(s->node, col);
        g_ptr_array_add(s->table->cols, props);
    }
}

static void expand_row(expander *ex, const tpl_node *node, sink *s)
{
    own_props op;
    collect_props(ex, node, &op);
    const jd_style *style = element_style(ex, s->style, NULL, NULL, 0, &op);
    jd_node *row = jd_node_new(ex->doc, JD_NODE_ROW);
    jd_node_set_style(row, without_box(ex, style, false));
    set_source(row, node);
    tpl_attr_value change_bar = {.flag = false};
    if (attr_typed(ex, node, TPL_A_CHANGE_BAR, &change_bar) && change_bar.flag)
        jd_node_set_int(row, JD_ATTR_CHANGE_BAR, 1);
    block_attrs(ex, node, row);
    jd_node_append(s->node, row);
    row_state rs = {flatten_props(&op, true), 0};
    own_props_clear(&op);
    sink inner;
    sink_init(&inner, SINK_ROW, row, style);
    inner.table = s->table;
    inner.row = &rs;
    expand_scoped(ex, node, &inner);
    /* the row is done: rowspans from above cover one row less */
    GArray *occ = s->table->occupied;
    for (guint c = 0; c < occ->len; c++)
        if (g_array_index(occ, int, c) > 0) g_array_index(occ, int, c)--;
    g_array_free(rs.box, TRUE);
}

static int occupied_at(GArray *occ, guint c)
{
    return c < occ->len ? g_array_index(occ, int, c) : 0;
}

static void expand_cell(expander *ex, const tpl_node *node, sink *s)
{
    table_state *ts = s->table;
    row_state *rs = s->row;
    tpl_attr_value rowspan = {.i = 1}, colspan = {.i = 1};
    bool has_rowspan = attr_typed(ex, node, TPL_A_ROWSPAN, &rowspan);
    bool has_colspan = attr_typed(ex, node, TPL_A_COLSPAN, &colspan);
    /* the cell's grid column, past cells that rowspans from above hold */
    while (occupied_at(ts->occupied, rs->cursor) > 0)
        rs->cursor++;
    guint column = rs->cursor;
    if (ts->occupied->len < column + (guint)colspan.i)
        g_array_set_size(ts->occupied, column + (guint)colspan.i);
    for (guint c = column; c < column + (guint)colspan.i; c++)
        g_array_index(ts->occupied, int, c) = (int)rowspan.i;
    rs->cursor = column + (guint)colspan.i;

    own_props op;
    collect_props(ex, node, &op);
    const GArray *rules[3] = {
        ts->box, column < ts->cols->len ? g_ptr_array_index(ts->cols, column) : NULL, rs->box};
    bool header = node->kind == TPL_TH;
    /* priority, lowest first: the table's rules, the column's, the th defaults, the row's,
     * the cell's own */
    const jd_style *style =
        element_style_ordered(ex, s->style, header ? th_defaults : NULL, rules, 3, header ? 2 : 0, &op);
    own_props_clear(&op);
    jd_node *cell = jd_node_new(ex->doc, JD_NODE_CELL);
    if (has_rowspan) jd_node_set_int(cell, JD_ATTR_ROWSPAN, rowspan.i);
    if (has_colspan) jd_node_set_int(cell, JD_ATTR_COLSPAN, colspan.i);
    if (header) jd_node_set_int(cell, JD_ATTR_IS_HEADER, 1);
    tpl_attr_value repeat_on_break = {.flag = false};
    if (attr_typed(ex, node, TPL_A_REPEAT_ON_BREAK, &repeat_on_break) && repeat_on_break.flag)
        jd_node_set_int(cell, JD_ATTR_REPEAT_ON_BREAK, 1);
    block_attrs(ex, node, cell);
    expand_container(ex, node, cell, style, s);
}

/* ---- blocks without content -------------------------------------------------------- */

static void expand_image(expander *ex, const tpl_node *node, sink *s)
{
    flush_paragraph(ex, s);
    own_props op;
    collect_props(ex, node, &op);
    const jd_style *style = element_style(ex, s->style, NULL, NULL, 0, &op);
    own_props_clear(&op);
    char *src = attr_string(ex, node, TPL_A_SRC);
    if (!src) return;
    char *path = g_path_is_absolute(src) || !node->src->dir
                     ? g_canonicalize_filename(src, NULL)
                     : g_canonicalize_filename(src, node->src->dir);
    const char *not_a_file = jd_not_a_file(path); /* a pipe would hang the layout */
    if (!g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
        char *msg = not_a_file ? g_strdup_printf("image '%s' cannot be read: %s", src, not_a_file)
                               : g_strdup_printf("image '%s' not found (looked for %s)", src, path);
        attr_error(ex, node, tpl_node_attr(node, TPL_A_SRC), msg);
        g_free(msg);
    } else {
        jd_node *image = jd_node_new(ex->doc, JD_NODE_IMAGE);
        jd_node_set_style(image, style);
        set_source(image, node);
        jd_node_set_string(image, JD_ATTR_SRC, path);
        tpl_attr_value len;
        if (attr_typed(ex, node, TPL_A_WIDTH, &len))
            jd_node_set_length(image, JD_ATTR_WIDTH, resolve(ex, len.len, style));
        if (attr_typed(ex, node, TPL_A_HEIGHT, &len))
            jd_node_set_length(image, JD_ATTR_HEIGHT,
                               resolve(ex, len.len, style));
        block_attrs(ex, node, image);
        jd_node_append(s->node, image);
    }
    g_free(path);
    g_free(src);
}

static void expand_leaf_block(expander *ex, const tpl_node *node, jd_node_type type, sink *s)
{
    flush_paragraph(ex, s);
    jd_node *n = jd_node_new(ex->doc, type);
    const jd_style *style = inherit(ex, s->style);
    jd_node_set_style(n, style);
    set_source(n, node);
    tpl_attr_value height;
    if (type == JD_NODE_SPACER && attr_typed(ex, node, TPL_A_HEIGHT, &height))
        jd_node_set_length(n, JD_ATTR_HEIGHT, resolve(ex, height.len, style));
    jd_node_append(s->node, n);
}

/* ---- charts ------------------------------------------------------------------------ */

static void expand_chart(expander *ex, const tpl_node *node, sink *s)
{
    flush_paragraph(ex, s);
    own_props op;
    collect_props(ex, node, &op);
    const jd_style *style = element_style(ex, s->style, NULL, NULL, 0, &op);
    own_props_clear(&op);
    jd_node *chart = jd_node_new(ex->doc, JD_NODE_CHART);
    jd_node_set_style(chart, style);
    set_source(chart, node);
    tpl_chart c;
    bool ok = tpl_chart_begin(&c, &ex->ev, ex->errs, ex->tpl->item_name, node, ex->doc, chart);
    if (ok) {
        sink inner;
        sink_init(&inner, SINK_CHART, chart, style);
        inner.chart = &c;
        expand_scoped(ex, node, &inner);
    }
    if (!tpl_chart_end(&c) || !ok)
        return;
    static const struct {
        tpl_attr_id id;
        jd_attr attr;
    } strings[] = {{TPL_A_TITLE, JD_ATTR_TITLE}, {TPL_A_UNIT, JD_ATTR_UNIT}, {TPL_A_MISSING, JD_ATTR_MISSING_LABEL}};
    for (size_t i = 0; i < G_N_ELEMENTS(strings); i++) {
        char *v = attr_string(ex, node, strings[i].id);
        if (v) jd_node_set_string(chart, strings[i].attr, v);
        g_free(v);
    }
    static const struct {
        tpl_attr_id id;
        jd_attr attr;
    } keywords[] = {{TPL_A_LEGEND, JD_ATTR_LEGEND}, {TPL_A_ORIENT, JD_ATTR_ORIENT}, {TPL_A_PALETTE, JD_ATTR_PALETTE}};
    for (size_t i = 0; i < G_N_ELEMENTS(keywords); i++) {
        tpl_attr_value v;
        if (attr_typed(ex, node, keywords[i].id, &v))
            jd_node_set_string(chart, keywords[i].attr, tpl_attr_keywords(keywords[i].id)[v.i]);
    }
    tpl_attr_value v;
    if (attr_typed(ex, node, TPL_A_DECIMALS, &v)) jd_node_set_int(chart, JD_ATTR_DECIMALS, v.i);
    if (attr_typed(ex, node, TPL_A_VALUE_LABELS, &v)) jd_node_set_int(chart, JD_ATTR_VALUE_LABELS, v.flag);
    if (attr_typed(ex, node, TPL_A_WIDTH, &v))
        jd_node_set_length(chart, JD_ATTR_WIDTH, resolve(ex, v.len, style));
    if (attr_typed(ex, node, TPL_A_HEIGHT, &v))
        jd_node_set_length(chart, JD_ATTR_HEIGHT, resolve(ex, v.len, style));
    block_attrs(ex, node, chart);
    jd_node_append(s->node, chart);
}

/* ---- control ----------------------------------------------------------------------- */

static jd_value *loop_value(size_t i, size_t n)
{
    jd_value *loop = jd_value_new_object();
    jd_object_set(loop, "index", jd_value_new_int((int64_t)i + 1));
    jd_object_set(loop, "first", jd_value_new_bool(i == 0));
    jd_object_set(loop, "last", jd_value_new_bool(i + 1 == n));
    jd_object_set(loop, "length", jd_value_new_int((int64_t)n));
    return loop;
}

/* Evaluates `each` to a list; null (in non-strict mode) is an empty one. */
static jd_value *eval_list(expander *ex, const tpl_node *node, const char *element)
{
    const tpl_attr *each = tpl_node_attr(node, TPL_A_EACH);
    if (!each || !each->expr) return NULL;
    jd_value *list = tpl_expr_eval(each->expr, &ex->ev);
    if (!list) return NULL;
    if (jd_value_kind_of(list) == JD_VALUE_ARRAY || (jd_value_is_null(list) && !ex->ev.strict))
        return list;
    size_t start, end;
    tpl_expr_span(each->expr, &start, &end);
    tpl_error(ex->errs, node->src, start, end, "<%s> needs a list, got %s", element,
              tpl_kind_phrase(jd_value_kind_of(list)));
    jd_value_unref(list);
    return NULL;
}

static void expand_iteration(expander *ex, const tpl_node *node, sink *s, jd_value *value, size_t i,
                             size_t n)
{
    ex->steps++; /* an empty body still costs its iterations */
    guint depth = ex->ev.scope->len;
    tpl_scope_push(&ex->ev, node->var, value);
    if (node->index_var) tpl_scope_push(&ex->ev, node->index_var, jd_value_new_int((int64_t)i));
    tpl_scope_push(&ex->ev, ex->tpl->loop_name, loop_value(i, n));
    expand_children(ex, node, s);
    tpl_scope_pop_to(&ex->ev, depth);
}

static void expand_for(expander *ex, const tpl_node *node, sink *s)
{
    jd_value *list = eval_list(ex, node, "for");
    if (!list) return;
    size_t n = jd_array_length(list);
    for (size_t i = 0; i < n; i++)
        expand_iteration(ex, node, s, jd_value_ref(jd_array_get(list, i)), i, n);
    jd_value_unref(list);
}

static void expand_if(expander *ex, const tpl_node *node, sink *s)
{
    for (const tpl_node *branch = node; branch; branch = branch->else_branch) {
        if (branch->kind != TPL_ELSE) {
            const tpl_attr *test = tpl_node_attr(branch, TPL_A_TEST);
            if (!test || !test->expr) return;
            jd_value *v = tpl_expr_eval(test->expr, &ex->ev);
            if (!v) return; /* no branch is taken when the test fails */
            bool taken = tpl_truthy(v);
            jd_value_unref(v);
            if (!taken) continue;
        }
        /* no new scope: <set> in a branch is seen after the <if> */
        expand_children(ex, branch, s);
        return;
    }
}

typedef struct {
    jd_value *key;
    jd_value *items;
} group;

static void add_to_group(GPtrArray *groups, GHashTable *index, jd_value *key, jd_value *item)
{
    char *id = tpl_value_identity(key);
    group *g = g_hash_table_lookup(index, id);
    if (!g) {
        g = g_new0(group, 1);
        g->key = jd_value_ref(key);
        g->items = jd_value_new_array();
        g_ptr_array_add(groups, g);
        g_hash_table_insert(index, id, g);
    } else {
        g_free(id);
    }
    size_t n = jd_array_length(g->items);
    if (!n || jd_array_get(g->items, n - 1) != item) /* by-each: an item joins a group once */
        jd_array_append(g->items, jd_value_ref(item));
}

static void group_free(gpointer p)
{
    group *g = p;
    jd_value_unref(g->key);
    jd_value_unref(g->items);
    g_free(g);
}

static gint group_cmp(gconstpointer a, gconstpointer b, gpointer data)
{
    const group *x = *(group *const *)a, *y = *(group *const *)b;
    int how = GPOINTER_TO_INT(data); /* index into "key", "-key", "count", "-count" */
    int c;
    if (how < 2) {
        c = tpl_value_compare(x->key, y->key);
    } else {
        size_t nx = jd_array_length(x->items), ny = jd_array_length(y->items);
        c = nx < ny ? -1 : nx > ny;
    }
    return how % 2 ? -c : c;
}

static void expand_group(expander *ex, const tpl_node *node, sink *s)
{
    jd_value *list = eval_list(ex, node, "group");
    if (!list) return;
    const tpl_attr *by = tpl_node_attr(node, TPL_A_BY);
    const tpl_attr *by_each = tpl_node_attr(node, TPL_A_BY_EACH);
    const tpl_expr *key_expr = by ? by->expr : by_each ? by_each->expr : NULL;
    GPtrArray *groups = g_ptr_array_new_with_free_func(group_free);
    GHashTable *index = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    bool ok = key_expr != NULL;
    for (size_t i = 0; ok && i < jd_array_length(list); i++) {
        jd_value *item = jd_array_get(list, i);
        guint depth = ex->ev.scope->len;
        tpl_scope_push(&ex->ev, ex->tpl->item_name, jd_value_ref(item));
        jd_value *key = tpl_expr_eval(key_expr, &ex->ev);
        tpl_scope_pop_to(&ex->ev, depth);
        if (!key) {
            ok = false;
            break;
        }
        if (by_each && jd_value_kind_of(key) == JD_VALUE_ARRAY) {
            for (size_t k = 0; k < jd_array_length(key); k++)
                add_to_group(groups, index, jd_array_get(key, k), item);
        } else if (!(by_each && jd_value_is_null(key))) {
            add_to_group(groups, index, key, item);
        }
        jd_value_unref(key);
    }
    tpl_attr_value sort;
    if (ok && attr_typed(ex, node, TPL_A_SORT, &sort))
        g_ptr_array_sort_with_data(groups, group_cmp, GINT_TO_POINTER((int)sort.i));
    for (guint i = 0; ok && i < groups->len; i++) {
        const group *g = g_ptr_array_index(groups, i);
        jd_value *value = jd_value_new_object();
        jd_object_set(value, "key", jd_value_ref(g->key));
        jd_object_set(value, "items", jd_value_ref(g->items));
        expand_iteration(ex, node, s, value, i, groups->len);
    }
    g_hash_table_destroy(index);
    g_ptr_array_free(groups, TRUE);
    jd_value_unref(list);
}

static void expand_set(expander *ex, const tpl_node *node)
{
    const tpl_attr *value = tpl_node_attr(node, TPL_A_VALUE);
    if (!value || !value->expr || !node->var) return;
    jd_value *v = tpl_expr_eval(value->expr, &ex->ev);
    /* after an error the name is still bound (to null), so that its uses do not add a
     * second, misleading "not defined" error */
    tpl_scope_push(&ex->ev, node->var, v ? v : jd_value_new_null());
}

static void expand_include(expander *ex, const tpl_node *node, sink *s)
{
    const tpl_node *root = node->include_root;
    if (!root) return;
    if (root->kind == TPL_PARTIAL)
        expand_children(ex, root, s);
    else
        expand_node(ex, root, s);
}

static void expand_node(expander *ex, const tpl_node *node, sink *s)
{
    if (ex->stopped) return;
    if (++ex->steps > ex->max_steps) {
        tpl_error(ex->errs, node->src, node->start, node->name_end,
                  "expansion stopped after %zu elements and loop iterations: the document is too "
                  "large (loops nested too deeply?)",
                  ex->max_steps);
        ex->stopped = true;
        return;
    }
    switch (node->kind) {
    case TPL_TEXT:
        expand_text(ex, node, s);
        break;
    case TPL_PAGE:
        expand_page(ex, node, s);
        break;
    case TPL_HEADER:
        expand_simple_container(ex, node, JD_NODE_HEADER, s);
        break;
    case TPL_FOOTER:
        expand_simple_container(ex, node, JD_NODE_FOOTER, s);
        break;
    case TPL_H1:
    case TPL_H2:
    case TPL_H3:
    case TPL_H4:
    case TPL_P:
        expand_paragraph(ex, node, s);
        break;
    case TPL_SPAN:
        expand_span(ex, node, s);
        break;
    case TPL_BR: {
        tok br = {.kind = TK_BR};
        g_array_append_val(s->toks, br);
        break;
    }
    case TPL_LIST:
        expand_list(ex, node, s);
        break;
    case TPL_ITEM:
        expand_simple_container(ex, node, JD_NODE_ITEM, s);
        break;
    case TPL_TABLE:
        expand_table(ex, node, s);
        break;
    case TPL_COL:
        expand_col(ex, node, s);
        break;
    case TPL_TR:
        expand_row(ex, node, s);
        break;
    case TPL_TH:
    case TPL_TD:
        expand_cell(ex, node, s);
        break;
    case TPL_IMAGE:
        expand_image(ex, node, s);
        break;
    case TPL_CHART:
        expand_chart(ex, node, s);
        break;
    case TPL_SERIES:
        if (s->chart) tpl_chart_add_series(s->chart, node);
        break;
    case TPL_PAGE_BREAK:
        expand_leaf_block(ex, node, JD_NODE_PAGE_BREAK, s);
        break;
    case TPL_SPACER:
        expand_leaf_block(ex, node, JD_NODE_SPACER, s);
        break;
    case TPL_COLOPHON:
        expand_simple_container(ex, node, JD_NODE_COLOPHON, s);
        break;
    case TPL_FOR:
        expand_for(ex, node, s);
        break;
    case TPL_IF:
        expand_if(ex, node, s);
        break;
    case TPL_GROUP:
        expand_group(ex, node, s);
        break;
    case TPL_SET:
        expand_set(ex, node);
        break;
    case TPL_INCLUDE:
        expand_include(ex, node, s);
        break;
    default: /* style (used at load time), document, partial, elif, else */
        break;
    }
}

static void document_attrs(expander *ex, const tpl_node *root, jd_node *doc)
{
    static const struct {
        tpl_attr_id id;
        jd_attr attr;
    } strings[] = {
        {TPL_A_TITLE, JD_ATTR_TITLE},     {TPL_A_AUTHOR, JD_ATTR_AUTHOR},
        {TPL_A_SUBJECT, JD_ATTR_SUBJECT}, {TPL_A_KEYWORDS, JD_ATTR_KEYWORDS},
        {TPL_A_CREATOR, JD_ATTR_CREATOR},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(strings); i++) {
        char *v = attr_string(ex, root, strings[i].id);
        if (v) jd_node_set_string(doc, strings[i].attr, v);
        g_free(v);
    }
    char *date = attr_string(ex, root, TPL_A_DATE);
    if (date) {
        tpl_attr_value unused;
        char *msg = NULL;
        if (tpl_attr_convert(TPL_DOCUMENT, TPL_A_DATE, date, NULL, &unused, &msg))
            jd_node_set_string(doc, JD_ATTR_DATE, date);
        else
            attr_error(ex, root, tpl_node_attr(root, TPL_A_DATE), msg);
        g_free(msg);
    }
    g_free(date);
    /* lang is accepted for the template's own sake but not carried into the document:
     * layout shapes and breaks every document as Chinese (zh-cn). Evaluating it still
     * reports its errors */
    g_free(attr_string(ex, root, TPL_A_LANG));
}

jd_doc *tpl_expand(const jd_template *tpl, const jd_value *globals, size_t max_steps,
                   tpl_errors *errs)
{
    expander ex = {0};
    ex.tpl = tpl;
    ex.max_steps = max_steps;
    ex.doc = jd_doc_new();
    ex.errs = errs;
    jd_value *empty = NULL;
    if (jd_value_kind_of(globals) != JD_VALUE_OBJECT) globals = empty = jd_value_new_object();
    ex.ev.globals = globals;
    ex.ev.scope = g_array_new(FALSE, FALSE, sizeof(tpl_binding));
    ex.ev.strict = tpl->strict;
    ex.ev.errs = errs;
    ex.ev.memo = tpl_memo_new();
    ex.ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    ex.links = g_array_new(FALSE, FALSE, sizeof(pending_link));
    ex.strings = g_string_chunk_new(256);

    const tpl_node *root = tpl->main;
    jd_node *doc = jd_doc_root(ex.doc);
    own_props op;
    collect_props(&ex, root, &op);
    jd_style base;
    jd_style_init_default(&base);
    const jd_style *style = element_style(&ex, intern(&ex, &base), NULL, NULL, 0, &op);
    own_props_clear(&op);
    jd_node_set_style(doc, style);
    set_source(doc, root);
    document_attrs(&ex, root, doc);
    sink top;
    sink_init(&top, SINK_BLOCKS, doc, style);
    expand_scoped(&ex, root, &top);
    sink_finish(&ex, &top);

    for (guint i = 0; i < ex.links->len; i++) {
        const pending_link *l = &g_array_index(ex.links, pending_link, i);
        if (!g_hash_table_contains(ex.ids, l->target))
            tpl_error(errs, l->src, l->start, l->end, "link target '#%s' does not exist",
                      l->target);
        g_free(l->target);
    }
    g_string_chunk_free(ex.strings);
    tpl_scope_pop_to(&ex.ev, 0);
    g_array_free(ex.ev.scope, TRUE);
    tpl_memo_free(ex.ev.memo);
    g_hash_table_destroy(ex.ids);
    g_array_free(ex.links, TRUE);
    jd_value_unref(empty);
    return ex.doc;
}
