#include "jd_doc.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

typedef enum { AV_INT, AV_NUMBER, AV_STRING, AV_LENGTH, AV_NUMBERS, AV_STRINGS } attr_kind;

/* 16 bytes: the unit of a length and the count of a list sit beside the kind. */
typedef struct {
    guint8 attr;  /* jd_attr */
    guint8 kind;  /* attr_kind */
    guint8 unit;  /* jd_unit, AV_LENGTH */
    uint32_t n;   /* AV_NUMBERS, AV_STRINGS */
    union {
        int64_t i;
        double d;         /* AV_NUMBER, the value of AV_LENGTH */
        const char *s;    /* the node's own copy */
        double *values;
        char **strings;   /* n + 1, NULL-terminated */
    } u;
} attr_value;

/* A TEXT node's text: its length, then the bytes and a NUL. Text grown by appending (a
 * paragraph's runs) is g_malloc'd with room to grow (a heap_text); set once, it is carved
 * from the document's byte blocks and shared by every node with the same text. */
typedef struct {
    uint32_t len, cap;
    char s[];
} heap_text;

typedef struct {
    uint32_t len;
    char s[];
} fixed_text;

enum { F_TEXT = 1, F_HEAP_TEXT = 2, F_PAIR = 4, F_LAST = 8, F_SHARED_ATTRS = 16 };

/* References inside a document are 32-bit numbers, not pointers: a node's links, its style,
 * what it has beyond them. 0 is none. */
typedef uint32_t ref;

/* A node with both a text and attributes (rare: the template gives TEXT nodes none). */
typedef struct {
    ref text;
    ref attrs;
} text_and_attrs;

/* 24 bytes, 16 for a TEXT (a long list's document is millions of nodes: 100,000 short rows
 * are 2.5 million; they were 96 bytes each). Links are node numbers, and a node has no
 * link to its parent: the last child's `next` is its parent (F_LAST), which finding a
 * parent — only messages do — walks to. The style and the source position are small
 * numbers (a document has a few of each; the rare one beyond WIDE is kept aside); a text
 * or attributes are behind one reference into the document's byte blocks (or, for a text
 * being appended to, its number among the heap texts). The document itself is found from
 * the node's address: nodes live in aligned blocks that start with it. */
struct jd_node {
    guint8 type;    /* jd_node_type */
    guint8 flags;   /* F_* */
    guint8 n_attrs, attr_cap;
    uint16_t style; /* index in doc->style_list; WIDE: in doc->wide_styles */
    uint16_t src;   /* 1 + index in doc->sources, 0 = none; WIDE: in doc->wide_srcs */
    ref next;       /* the next sibling, or the parent (F_LAST), or 0 (not in the tree) */
    ref extra;      /* text (F_TEXT), attributes (n_attrs > 0), or both (F_PAIR) */
    ref first, last; /* children: not there in leaves (is_leaf), which are 16 bytes */
};

enum { WIDE = 0xffff, TEXT_CACHE = 1 << 16, TEXT_CACHE_FIRST = 1 << 8 };

/* Types that never have children. */
static bool is_leaf(int type)
{
    return type == JD_NODE_TEXT || type == JD_NODE_LINE_BREAK || type == JD_NODE_FIELD ||
           type == JD_NODE_PAGE_BREAK;
}

static size_t node_bytes(int type)
{
    return is_leaf(type) ? offsetof(jd_node, first) : sizeof(jd_node);
}

/* Node blocks: NODE_BLOCK bytes aligned to their size, starting with a header; a node's
 * number is (block << NODE_SHIFT | its offset in 4-byte units), never 0. */
enum { NODE_BLOCK = 1 << 16, NODE_SHIFT = 14 };
typedef struct {
    jd_doc *doc;
    uint32_t number;
    uint32_t pad;
} node_block;

/* Byte blocks (texts, strings, attributes): 8-byte units, reference (block << BYTE_SHIFT |
 * unit); a larger allocation has a block of its own. */
enum { BYTE_BLOCK = 1 << 16, BYTE_SHIFT = 13, BYTE_UNIT = 8 };

typedef struct {
    const char *file; /* interned */
    int line;
} source_pos;

struct jd_doc {
    jd_node *root;
    GPtrArray *node_blocks; /* node_block*, by number */
    size_t block_used;      /* bytes used in the last */
    GPtrArray *byte_blocks; /* char*, by number (block 0 unused: no reference is 0) */
    size_t bytes_used;      /* bytes used in the last, if a normal one */
    size_t byte_total;      /* bytes of all byte blocks */
    GPtrArray *heap_texts;  /* heap_text*, by number (from 1) */
    jd_arena *arena;        /* attribute lists */
    GHashTable *strings;    /* interned strings (key == value) */
    GHashTable *styles;     /* jd_style* -> same, owned */
    GPtrArray *style_list;  /* const jd_style*, by a node's style number */
    GHashTable *style_ids;  /* const jd_style* -> its number + 1 */
    GHashTable *wide_styles; /* node ref -> style number, for numbers from WIDE on */
    GHashTable *wide_srcs;  /* node ref -> src, for numbers from WIDE on */
    ref *text_cache;        /* texts set last, by hash: shared by equal texts */
    size_t text_slots;      /* of text_cache: TEXT_CACHE_FIRST, up to TEXT_CACHE */
    size_t texts_set;       /* since text_cache last grew */
    GHashTable *single_ints; /* attr_value* -> ref: one-attribute lists shared by nodes */
    GArray *sources;        /* source_pos */
    GHashTable *source_index; /* source_pos* (owned) -> 1 + index */
    const jd_style *default_style;
};

_Static_assert(sizeof(jd_node) == 24, "a node is 24 bytes: see struct jd_node");
_Static_assert(offsetof(jd_node, first) == 16, "a leaf is 16 bytes");
_Static_assert(NODE_BLOCK >> 2 == 1 << NODE_SHIFT, "a node's offset in units fits NODE_SHIFT bits");

static const node_block *block_of(const jd_node *n)
{
    return (const node_block *)((uintptr_t)n & ~(uintptr_t)(NODE_BLOCK - 1));
}

static jd_doc *node_doc(const jd_node *n)
{
    return block_of(n)->doc;
}

static jd_node *node_at(const jd_doc *doc, ref r)
{
    if (!r)
        return NULL;
    return (jd_node *)((char *)g_ptr_array_index(doc->node_blocks, r >> NODE_SHIFT) +
                       (size_t)(r & ((1u << NODE_SHIFT) - 1)) * 4);
}

static ref node_ref(const jd_node *n)
{
    const node_block *b = block_of(n);
    return b->number << NODE_SHIFT | (ref)(((const char *)n - (const char *)b) / 4);
}

static void *doc_alloc(jd_doc *doc, size_t n)
{
    return jd_arena_alloc(doc->arena, n);
}

static void *bytes_at(const jd_doc *doc, ref r)
{
    return (char *)g_ptr_array_index(doc->byte_blocks, r >> BYTE_SHIFT) + (size_t)(r & ((1u << BYTE_SHIFT) - 1)) * BYTE_UNIT;
}

/* `n` bytes at 8-byte alignment; *r gets their reference. */
static void *doc_bytes(jd_doc *doc, size_t n, ref *r)
{
    n = (n + BYTE_UNIT - 1) & ~(size_t)(BYTE_UNIT - 1);
    if (doc->byte_blocks->len >= (1u << (32 - BYTE_SHIFT)))
        g_error("a document of more than %u blocks of text", 1u << (32 - BYTE_SHIFT));
    if (n > BYTE_BLOCK / 4) {
        /* a block of its own; the next small allocation starts a new normal block */
        char *big = g_malloc(n);
        g_ptr_array_add(doc->byte_blocks, big);
        doc->byte_total += n;
        doc->bytes_used = BYTE_BLOCK;
        *r = (doc->byte_blocks->len - 1) << BYTE_SHIFT;
        return big;
    }
    if (doc->bytes_used + n > BYTE_BLOCK) {
        g_ptr_array_add(doc->byte_blocks, g_malloc(BYTE_BLOCK));
        doc->byte_total += BYTE_BLOCK;
        doc->bytes_used = 0;
    }
    guint block = doc->byte_blocks->len - 1;
    void *p = (char *)g_ptr_array_index(doc->byte_blocks, block) + doc->bytes_used;
    *r = block << BYTE_SHIFT | (ref)(doc->bytes_used / BYTE_UNIT);
    doc->bytes_used += n;
    return p;
}

static char *doc_strndup(jd_doc *doc, const char *s, size_t len)
{
    ref r;
    char *p = doc_bytes(doc, len + 1, &r);
    if (len) memcpy(p, s, len);
    p[len] = '\0';
    return p;
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
    /* the rest too: styles that differ only there must not all share one bucket */
    h = h * 31 + hash_double(s->letter_spacing);
    h = h * 31 + hash_double(s->cjk_latin_spacing);
    h = h * 31 + hash_double(s->margin_top) * 7 + hash_double(s->margin_bottom);
    h = h * 31 + (guint)s->punctuation * 8 + (guint)s->italic * 4 + (guint)s->nowrap * 2 + (guint)s->keep_with_next;
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

static guint text_hash_of(const char *s, size_t len)
{
    guint h = 5381;
    for (size_t i = 0; i < len; i++)
        h = h * 33 + (guchar)s[i];
    return h ^ (h >> 16);
}

static guint single_int_hash(gconstpointer p)
{
    const attr_value *a = p;
    return (guint)a->attr * 31 + (guint)(a->u.i ^ (a->u.i >> 32));
}

static gboolean single_int_equal(gconstpointer p, gconstpointer q)
{
    const attr_value *a = p, *b = q;
    return a->attr == b->attr && a->u.i == b->u.i;
}

static guint source_hash(gconstpointer p)
{
    const source_pos *s = p;
    return g_direct_hash(s->file) * 31 + (guint)s->line;
}

static gboolean source_equal(gconstpointer a, gconstpointer b)
{
    const source_pos *x = a, *y = b;
    return x->file == y->file && x->line == y->line;
}

jd_doc *jd_doc_new(void)
{
    jd_doc *doc = g_new0(jd_doc, 1);
    doc->arena = jd_arena_new();
    doc->node_blocks = g_ptr_array_new();
    doc->byte_blocks = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(doc->byte_blocks, NULL); /* no reference is 0 */
    doc->bytes_used = BYTE_BLOCK;
    doc->heap_texts = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(doc->heap_texts, NULL);
    doc->strings = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    doc->styles = g_hash_table_new_full(style_hash, style_equal, g_free, NULL);
    doc->style_list = g_ptr_array_new();
    doc->style_ids = g_hash_table_new(g_direct_hash, g_direct_equal);
    doc->wide_styles = g_hash_table_new(g_direct_hash, g_direct_equal);
    doc->wide_srcs = g_hash_table_new(g_direct_hash, g_direct_equal);
    doc->single_ints = g_hash_table_new(single_int_hash, single_int_equal);
    /* small at first: a label or a page number is shaped through a document of its own */
    doc->text_slots = TEXT_CACHE_FIRST;
    doc->text_cache = g_new0(ref, TEXT_CACHE_FIRST);
    doc->sources = g_array_new(FALSE, FALSE, sizeof(source_pos));
    doc->source_index = g_hash_table_new_full(source_hash, source_equal, g_free, NULL);
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
    g_ptr_array_free(doc->heap_texts, TRUE);
    for (guint i = 0; i < doc->node_blocks->len; i++)
        free(g_ptr_array_index(doc->node_blocks, i));
    g_ptr_array_free(doc->node_blocks, TRUE);
    g_ptr_array_free(doc->byte_blocks, TRUE);
    jd_arena_free(doc->arena);
    g_hash_table_destroy(doc->styles);
    g_hash_table_destroy(doc->strings);
    g_ptr_array_free(doc->style_list, TRUE);
    g_hash_table_destroy(doc->style_ids);
    g_hash_table_destroy(doc->wide_styles);
    g_hash_table_destroy(doc->wide_srcs);
    g_hash_table_destroy(doc->single_ints);
    g_hash_table_destroy(doc->source_index);
    g_free(doc->text_cache);
    g_array_free(doc->sources, TRUE);
    g_free(doc);
}

size_t jd_doc_size(const jd_doc *doc)
{
    size_t n = doc->node_blocks->len * (size_t)NODE_BLOCK + doc->byte_total;
    for (guint i = 1; i < doc->heap_texts->len; i++)
        n += sizeof(heap_text) + ((heap_text *)g_ptr_array_index(doc->heap_texts, i))->cap;
    return n;
}

jd_node *jd_doc_root(const jd_doc *doc)
{
    return doc->root;
}

static uint32_t style_number(jd_doc *doc, const jd_style *style)
{
    gpointer id = g_hash_table_lookup(doc->style_ids, style);
    if (!id) {
        g_ptr_array_add(doc->style_list, (gpointer)style);
        id = GUINT_TO_POINTER(doc->style_list->len);
        g_hash_table_insert(doc->style_ids, (gpointer)style, id);
    }
    return GPOINTER_TO_UINT(id) - 1;
}

jd_node *jd_node_new(jd_doc *doc, jd_node_type type)
{
    size_t size = node_bytes(type);
    if (!doc->node_blocks->len || doc->block_used + size > NODE_BLOCK) {
        if (doc->node_blocks->len >= (1u << (32 - NODE_SHIFT)))
            g_error("a document of more than %u blocks of nodes", 1u << (32 - NODE_SHIFT));
        node_block *b = aligned_alloc(NODE_BLOCK, NODE_BLOCK);
        if (!b)
            g_error("out of memory for a document's nodes");
        b->doc = doc;
        b->number = doc->node_blocks->len;
        g_ptr_array_add(doc->node_blocks, b);
        doc->block_used = sizeof(node_block);
    }
    jd_node *n = (jd_node *)((char *)g_ptr_array_index(doc->node_blocks, doc->node_blocks->len - 1) + doc->block_used);
    doc->block_used += size;
    memset(n, 0, size);
    n->type = (guint8)type;
    if (doc->default_style)
        jd_node_set_style(n, doc->default_style);
    return n;
}

static bool node_attached(const jd_node *n)
{
    return n->next != 0;
}

void jd_node_append(jd_node *parent, jd_node *child)
{
    g_return_if_fail(parent && child && !node_attached(child) && child != node_doc(child)->root);
    g_return_if_fail(!is_leaf(parent->type));
    jd_doc *doc = node_doc(parent);
    g_return_if_fail(node_doc(child) == doc);
    ref c = node_ref(child);
    if (parent->last) {
        jd_node *prev = node_at(doc, parent->last);
        prev->flags &= (guint8)~F_LAST;
        prev->next = c;
    } else
        parent->first = c;
    parent->last = c;
    child->flags |= F_LAST;
    child->next = node_ref(parent);
}

void jd_node_set_style(jd_node *node, const jd_style *interned_style)
{
    jd_doc *doc = node_doc(node);
    uint32_t number = style_number(doc, interned_style);
    if (node->style == WIDE)
        g_hash_table_remove(doc->wide_styles, GUINT_TO_POINTER(node_ref(node)));
    node->style = (uint16_t)MIN(number, (uint32_t)WIDE);
    if (number >= WIDE)
        g_hash_table_insert(doc->wide_styles, GUINT_TO_POINTER(node_ref(node)), GUINT_TO_POINTER(number));
}

/* ---- text and attributes behind `extra` ---- */

static ref node_text_ref(const jd_node *n)
{
    if (!(n->flags & F_TEXT))
        return 0;
    return (n->flags & F_PAIR) ? ((text_and_attrs *)bytes_at(node_doc(n), n->extra))->text : n->extra;
}

static attr_value *node_attrs(const jd_node *n)
{
    if (!n->n_attrs)
        return NULL;
    jd_doc *doc = node_doc(n);
    return bytes_at(doc, (n->flags & F_PAIR) ? ((text_and_attrs *)bytes_at(doc, n->extra))->attrs : n->extra);
}

/* Sets whichever of text and attributes is given (0: leave it), going over to a pair record
 * when a node comes to have both. */
static void node_set_extra(jd_node *n, ref text, ref attrs)
{
    jd_doc *doc = node_doc(n);
    text_and_attrs *pair = (n->flags & F_PAIR) ? bytes_at(doc, n->extra) : NULL;
    ref t = text ? text : (n->flags & F_TEXT) ? (pair ? pair->text : n->extra) : 0;
    ref a = attrs ? attrs : n->n_attrs ? (pair ? pair->attrs : n->extra) : 0;
    if (t && a) {
        if (!pair) {
            pair = doc_bytes(doc, sizeof *pair, &n->extra);
            n->flags |= F_PAIR;
        }
        pair->text = t;
        pair->attrs = a;
    } else
        n->extra = t ? t : a;
}

static const char *text_chars(const jd_node *n, size_t *len)
{
    ref r = node_text_ref(n);
    if (!r) {
        *len = 0;
        return NULL;
    }
    jd_doc *doc = node_doc(n);
    if (n->flags & F_HEAP_TEXT) {
        const heap_text *h = g_ptr_array_index(doc->heap_texts, r);
        *len = h->len;
        return h->s;
    }
    const fixed_text *t = bytes_at(doc, r);
    *len = t->len;
    return t->s;
}

/* A long document: a larger table, keeping the texts it remembers. */
static void grow_text_cache(jd_doc *doc)
{
    size_t slots = MIN(doc->text_slots * 16, (size_t)TEXT_CACHE);
    ref *cache = g_new0(ref, slots);
    for (size_t i = 0; i < doc->text_slots; i++) {
        ref r = doc->text_cache[i];
        if (r) {
            const fixed_text *t = bytes_at(doc, r);
            cache[text_hash_of(t->s, t->len) & (guint)(slots - 1)] = r;
        }
    }
    g_free(doc->text_cache);
    doc->text_cache = cache;
    doc->text_slots = slots;
    doc->texts_set = 0;
}

void jd_node_set_text(jd_node *node, const char *text, size_t len)
{
    if (!text) len = 0;
    if (node->flags & F_HEAP_TEXT) {
        /* stays the registered buffer, grown if need be */
        ((heap_text *)g_ptr_array_index(node_doc(node)->heap_texts, node_text_ref(node)))->len = 0;
        jd_node_append_text(node, text, len);
        return;
    }
    /* A text set is never changed in place (appending copies it first), so equal texts
     * share one copy: a list's units, plans and leaders recur on every row. The texts seen
     * are remembered in a table of fixed size, one per hash slot (a table of every
     * distinct text would grow with a list's titles, which never recur). */
    jd_doc *doc = node_doc(node);
    if (++doc->texts_set > 4 * doc->text_slots && doc->text_slots < TEXT_CACHE)
        grow_text_cache(doc);
    guint slot = text_hash_of(text, len) & (guint)(doc->text_slots - 1);
    ref r = doc->text_cache[slot];
    const fixed_text *seen = r ? bytes_at(doc, r) : NULL;
    if (!seen || seen->len != len || memcmp(seen->s, text, len) != 0) {
        fixed_text *t = doc_bytes(doc, sizeof(fixed_text) + len + 1, &r);
        t->len = (uint32_t)len;
        if (len) memcpy(t->s, text, len);
        t->s[len] = '\0';
        doc->text_cache[slot] = r;
    }
    node->flags |= F_TEXT;
    node_set_extra(node, r, 0);
}

/* Text built piece by piece (a paragraph's runs) grows in a buffer of its own, doubling,
 * rather than a new copy for every piece. */
void jd_node_append_text(jd_node *node, const char *text, size_t len)
{
    jd_doc *doc = node_doc(node);
    size_t old_len = 0;
    const char *old = text_chars(node, &old_len);
    size_t need = old_len + len + 1;
    heap_text *h;
    if (!(node->flags & F_HEAP_TEXT)) {
        size_t cap = MAX(need * 2, 64);
        h = g_malloc(sizeof(heap_text) + cap);
        if (old_len) memcpy(h->s, old, old_len);
        h->len = (uint32_t)old_len;
        h->cap = (uint32_t)cap;
        g_ptr_array_add(doc->heap_texts, h);
        node->flags |= F_TEXT | F_HEAP_TEXT;
        node_set_extra(node, doc->heap_texts->len - 1, 0);
    } else {
        ref r = node_text_ref(node);
        h = g_ptr_array_index(doc->heap_texts, r);
        if (need > h->cap) {
            size_t cap = MAX(need, (size_t)h->cap * 2);
            h = g_realloc(h, sizeof(heap_text) + cap);
            h->cap = (uint32_t)cap;
            doc->heap_texts->pdata[r] = h;
        }
    }
    if (len) memcpy(h->s + h->len, text, len);
    h->len += (uint32_t)len;
    h->s[h->len] = '\0';
}

/* A node has a few attributes: the array doubles when full (the old copy is left). */
static attr_value *attr_slot(jd_node *node, jd_attr attr)
{
    attr_value *attrs = node_attrs(node);
    if (node->flags & F_SHARED_ATTRS) {
        /* written: a list of its own first */
        ref r;
        attr_value *own = doc_bytes(node_doc(node), 2 * sizeof *own, &r);
        own[0] = attrs[0];
        node->attr_cap = 2;
        node->flags &= (guint8)~F_SHARED_ATTRS;
        node_set_extra(node, 0, r);
        attrs = own;
    }
    for (int i = 0; i < node->n_attrs; i++)
        if (attrs[i].attr == attr)
            return &attrs[i];
    if (node->n_attrs == node->attr_cap) {
        g_assert(node->attr_cap < 128); /* there are fewer kinds of attribute */
        int cap = node->attr_cap ? node->attr_cap * 2 : 1;
        ref r;
        attr_value *grown = doc_bytes(node_doc(node), (size_t)cap * sizeof *grown, &r);
        if (node->n_attrs) memcpy(grown, attrs, node->n_attrs * sizeof *grown);
        node->attr_cap = (guint8)cap;
        node_set_extra(node, 0, r);
        attrs = grown;
    }
    attr_value *a = &attrs[node->n_attrs++];
    memset(a, 0, sizeof *a);
    a->attr = (guint8)attr;
    return a;
}

static const attr_value *attr_find(const jd_node *node, jd_attr attr)
{
    const attr_value *attrs = node_attrs(node);
    for (int i = 0; i < node->n_attrs; i++)
        if (attrs[i].attr == attr)
            return &attrs[i];
    return NULL;
}

void jd_node_set_int(jd_node *node, jd_attr attr, int64_t value)
{
    if (!node->n_attrs) {
        /* a node's only attribute, a number (a cell's rowspan=1), is one list for all */
        jd_doc *doc = node_doc(node);
        attr_value key = {.attr = (guint8)attr, .kind = AV_INT, .u.i = value};
        gpointer found;
        ref r;
        if (g_hash_table_lookup_extended(doc->single_ints, &key, NULL, &found))
            r = GPOINTER_TO_UINT(found);
        else {
            attr_value *shared = doc_bytes(doc, sizeof *shared, &r);
            *shared = key;
            g_hash_table_insert(doc->single_ints, shared, GUINT_TO_POINTER(r));
        }
        node->n_attrs = node->attr_cap = 1;
        node->flags |= F_SHARED_ATTRS;
        node_set_extra(node, 0, r);
        return;
    }
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
    const char *copy = doc_strndup(node_doc(node), value ? value : "", value ? strlen(value) : 0);
    attr_value *a = attr_slot(node, attr);
    a->kind = AV_STRING;
    a->u.s = copy;
}

void jd_node_set_length(jd_node *node, jd_attr attr, jd_length value)
{
    attr_value *a = attr_slot(node, attr);
    a->kind = AV_LENGTH;
    a->u.d = value.value;
    a->unit = (guint8)value.unit;
}

void jd_node_set_numbers(jd_node *node, jd_attr attr, const double *values, size_t n)
{
    double *copy = n ? memcpy(doc_alloc(node_doc(node), n * sizeof(double)), values, n * sizeof(double)) : NULL;
    attr_value *a = attr_slot(node, attr);
    a->kind = AV_NUMBERS;
    a->u.values = copy;
    a->n = (uint32_t)n;
}

void jd_node_set_strings(jd_node *node, jd_attr attr, const char *const *values, size_t n)
{
    jd_doc *doc = node_doc(node);
    char **copy = doc_alloc(doc, (n + 1) * sizeof(char *));
    for (size_t i = 0; i < n; i++)
        copy[i] = doc_strndup(doc, values[i] ? values[i] : "", values[i] ? strlen(values[i]) : 0);
    copy[n] = NULL;
    attr_value *a = attr_slot(node, attr);
    a->kind = AV_STRINGS;
    a->u.strings = copy;
    a->n = (uint32_t)n;
}

void jd_node_set_source(jd_node *node, const char *file, int line)
{
    jd_doc *doc = node_doc(node);
    source_pos key = {jd_doc_intern_string(doc, file), line};
    gpointer index = g_hash_table_lookup(doc->source_index, &key);
    if (!index) {
        g_array_append_val(doc->sources, key);
        index = GUINT_TO_POINTER(doc->sources->len);
        g_hash_table_insert(doc->source_index, g_memdup2(&key, sizeof key), index);
    }
    uint32_t src = GPOINTER_TO_UINT(index);
    if (node->src == WIDE)
        g_hash_table_remove(doc->wide_srcs, GUINT_TO_POINTER(node_ref(node)));
    node->src = (uint16_t)MIN(src, (uint32_t)WIDE);
    if (src >= WIDE)
        g_hash_table_insert(doc->wide_srcs, GUINT_TO_POINTER(node_ref(node)), GUINT_TO_POINTER(src));
}

static uint32_t node_src(const jd_node *n)
{
    if (n->src != WIDE)
        return n->src;
    return GPOINTER_TO_UINT(g_hash_table_lookup(node_doc(n)->wide_srcs, GUINT_TO_POINTER(node_ref(n))));
}

jd_node_type jd_node_get_type(const jd_node *node)
{
    return node->type;
}
jd_node *jd_node_parent(const jd_node *node)
{
    const jd_doc *doc = node_doc(node);
    while (!(node->flags & F_LAST)) {
        if (!node->next)
            return NULL;
        node = node_at(doc, node->next);
    }
    return node_at(doc, node->next);
}
jd_node *jd_node_first_child(const jd_node *node)
{
    return is_leaf(node->type) ? NULL : node_at(node_doc(node), node->first);
}
jd_node *jd_node_last_child(const jd_node *node)
{
    return is_leaf(node->type) ? NULL : node_at(node_doc(node), node->last);
}
jd_node *jd_node_next(const jd_node *node)
{
    return (node->flags & F_LAST) ? NULL : node_at(node_doc(node), node->next);
}

size_t jd_node_child_count(const jd_node *node)
{
    size_t n = 0;
    for (const jd_node *c = jd_node_first_child(node); c; c = jd_node_next(c))
        n++;
    return n;
}

const jd_style *jd_node_style(const jd_node *node)
{
    const jd_doc *doc = node_doc(node);
    uint32_t number = node->style;
    if (number == WIDE)
        number = GPOINTER_TO_UINT(g_hash_table_lookup(doc->wide_styles, GUINT_TO_POINTER(node_ref(node))));
    return g_ptr_array_index(doc->style_list, number);
}

const char *jd_node_text(const jd_node *node, size_t *len)
{
    size_t l;
    const char *s = text_chars(node, &l);
    if (len)
        *len = l;
    return s ? s : "";
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
        return (jd_length){a->u.d, (jd_unit)a->unit};
    if (a && a->kind == AV_NUMBER)
        return (jd_length){a->u.d, JD_UNIT_PT};
    return (jd_length){0, JD_UNIT_NONE};
}

const double *jd_node_numbers(const jd_node *node, jd_attr attr, size_t *n)
{
    const attr_value *a = attr_find(node, attr);
    bool ok = a && a->kind == AV_NUMBERS;
    if (n)
        *n = ok ? a->n : 0;
    return ok ? a->u.values : NULL;
}

const char *const *jd_node_strings(const jd_node *node, jd_attr attr, size_t *n)
{
    const attr_value *a = attr_find(node, attr);
    bool ok = a && a->kind == AV_STRINGS;
    if (n)
        *n = ok ? a->n : 0;
    return ok ? (const char *const *)a->u.strings : NULL;
}

const char *jd_node_source_file(const jd_node *node)
{
    uint32_t src = node_src(node);
    return src ? g_array_index(node_doc(node)->sources, source_pos, src - 1).file : NULL;
}

int jd_node_source_line(const jd_node *node)
{
    uint32_t src = node_src(node);
    return src ? g_array_index(node_doc(node)->sources, source_pos, src - 1).line : 0;
}

static void plain_text(const jd_node *n, GString *out)
{
    if (n->type == JD_NODE_TEXT) {
        size_t len;
        const char *t = jd_node_text(n, &len);
        g_string_append_len(out, t, (gssize)len);
    }
    else if (n->type == JD_NODE_FIELD)
        g_string_append(out, jd_node_int(n, JD_ATTR_FIELD, 0) == JD_FIELD_PAGE_COUNT ? "##" : "#");
    else if (n->type == JD_NODE_LINE_BREAK)
        g_string_append_c(out, '\n');
    const jd_node *first = jd_node_first_child(n);
    for (const jd_node *c = first; c; c = jd_node_next(c)) {
        if (c != first && (c->type == JD_NODE_PARAGRAPH || c->type == JD_NODE_HEADING))
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
            put_length(out, (jd_length){v->u.d, (jd_unit)v->unit});
            break;
        case AV_NUMBERS:
            /* every digit: the dump is what a build hashes, and a chart value changed in
             * its third decimal must change the hash */
            g_string_append_c(out, '[');
            for (size_t i = 0; i < v->n; i++) {
                if (i)
                    g_string_append(out, ", ");
                put_exact(out, v->u.values[i]);
            }
            g_string_append_c(out, ']');
            break;
        case AV_STRINGS:
            g_string_append_c(out, '[');
            for (size_t i = 0; i < v->n; i++) {
                if (i)
                    g_string_append(out, ", ");
                put_str(out, v->u.strings[i], strlen(v->u.strings[i]));
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
        size_t len;
        const char *t = jd_node_text(n, &len);
        put_str(out, t, len);
    }
    bool is_inline = n->type == JD_NODE_TEXT || n->type == JD_NODE_SPAN || n->type == JD_NODE_FIELD ||
                     n->type == JD_NODE_LINE_BREAK;
    const jd_style *style = jd_node_style(n);
    put_style_diff(out, style, parent_style, is_inline ? NULL : defaults);
    g_string_append_c(out, '\n');
    for (const jd_node *c = jd_node_first_child(n); c; c = jd_node_next(c))
        dump_node(out, c, style, defaults, depth + 1);
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

_Static_assert(sizeof(attr_value) == 16, "an attribute is 16 bytes");
