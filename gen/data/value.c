#include "jd_data.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A member's key: its text after a count of references, so that objects share one (those
 * an importer builds with one jd_builder, and copies): a list of 100,000 tasks holds "title"
 * once, and a key costs 8 bytes in its object. Not GLib's g_ref_string_new_intern: its
 * table is global, and a key released on one thread while another interns it was freed
 * under the other (GLib 2.74); and it refuses "", a valid JSON key. */
typedef struct {
    gint refs;
    char text[];
} shared_key;

static shared_key *key_of(const char *text)
{
    return (shared_key *)(text - offsetof(shared_key, text));
}

static const char *key_new(const char *s)
{
    size_t n = strlen(s);
    shared_key *k = g_malloc(sizeof(shared_key) + n + 1);
    k->refs = 1;
    memcpy(k->text, s, n + 1);
    return k->text;
}

static const char *key_ref(const char *text)
{
    g_atomic_int_inc(&key_of(text)->refs);
    return text;
}

static void key_unref(const char *text)
{
    shared_key *k = key_of(text);
    if (g_atomic_int_dec_and_test(&k->refs)) g_free(k);
}

typedef struct slab slab;

/* An importer names its members with a few literals, the same pointers each time: a
 * small table by the pointer asked finds their keys without hashing the text. The text is
 * still compared (the same address may hold another text by then). */
enum { RECENT_KEYS = 16 };

struct jd_builder {
    GHashTable *keys; /* text → the same text, each holding a reference */
    slab *slab;       /* where the next value is carved, or NULL */
    struct {
        const char *asked, *key; /* key: one of `keys` */
    } recent[RECENT_KEYS];
};

/* A new reference to the key `s`: the one of `b` (made there if new), else its own. */
static const char *key_get(jd_builder *b, const char *s)
{
    if (!b) return key_new(s);
    size_t r = ((uintptr_t)s >> 3) % RECENT_KEYS;
    if (b->recent[r].asked == s && strcmp(b->recent[r].key, s) == 0) return key_ref(b->recent[r].key);
    const char *k = g_hash_table_lookup(b->keys, s);
    if (!k) {
        k = key_new(s);
        g_hash_table_add(b->keys, (gpointer)k);
    }
    b->recent[r].asked = s;
    b->recent[r].key = k;
    return key_ref(k);
}

typedef struct {
    const char *key;
    jd_value *value;
} member;

/* An object's members in one block, and past INDEX_THRESHOLD members a hash index after
 * them in the same block: open addressing over `icap` slots (twice the capacity), each 0
 * or a member's index + 1. */
typedef struct {
    guint32 len, cap;
    member m[];
} members;

/* An array's elements in one block. */
typedef struct {
    guint32 len, cap;
    jd_value *item[];
} items;

/* 24 bytes and one allocation per scalar, string or list of at most one element, two per
 * longer list or object (the value and its block): a data tree takes a small multiple of
 * its file's size whatever the file's shape (a list of five million zeros, say). */
struct jd_value {
    gint refs;
    guint8 kind;  /* jd_value_kind */
    bool one;     /* a list of one element, u.one: most lists of names hold one */
    bool in_slab; /* carved from a builder's slab, not allocated on its own */
    int line, col;
    union {
        bool b;
        int64_t i;
        double d;
        size_t len;     /* string: its bytes are `text` */
        items *arr;     /* made by the second append */
        jd_value *one;  /* the first element, until there is a second */
        members *obj;   /* made by the first member */
    } u;
    char text[]; /* a string's bytes, in the same block */
};

/* Below this many members a linear scan beats hashing; up to it an object's block grows
 * one member at a time (no slack), past it by doubling, with its index. */
enum { INDEX_THRESHOLD = 8 };

/* Past these a block's size would overflow its 32-bit counts (an object's index is twice
 * its capacity): far beyond any input jindu reads (a 2^28-member object is gigabytes of
 * JSON). Adding beyond them drops the value with a critical warning. */
#define MAX_MEMBERS (1u << 28)
#define MAX_ELEMENTS (1u << 31)

static guint32 *members_index(members *ms)
{
    return (guint32 *)(ms->m + ms->cap);
}

static guint32 index_size(guint32 cap)
{
    return cap > INDEX_THRESHOLD ? 2 * cap : 0;
}

static void index_put(members *ms, guint32 i)
{
    guint32 mask = index_size(ms->cap) - 1, *slot = members_index(ms);
    guint32 h = g_str_hash(ms->m[i].key) & mask;
    while (slot[h])
        h = (h + 1) & mask;
    slot[h] = i + 1;
}

/* The block with room for `ncap` members (no fewer than it holds), its index rebuilt. */
static members *members_resize(members *ms, guint32 ncap)
{
    guint32 len = ms ? ms->len : 0;
    members *grown = g_realloc(ms, sizeof(members) + ncap * sizeof(member) +
                                       index_size(ncap) * sizeof(guint32));
    grown->len = len;
    grown->cap = ncap;
    if (index_size(ncap)) {
        memset(members_index(grown), 0, index_size(ncap) * sizeof(guint32));
        for (guint32 i = 0; i < len; i++)
            index_put(grown, i);
    }
    return grown;
}

/* Room for one more member: the block grows (and its index is rebuilt) when full. The
 * caller checks that the object is below MAX_MEMBERS. */
static members *members_reserve(members *ms)
{
    guint32 len = ms ? ms->len : 0, cap = ms ? ms->cap : 0;
    if (len < cap) return ms;
    return members_resize(ms, len < INDEX_THRESHOLD ? len + 1 : MAX(2 * cap, 2 * INDEX_THRESHOLD));
}

/* Values an importer makes through its jd_builder are carved from slabs, without an
 * allocator's header and rounding to 16 bytes: an int takes 24 bytes, not 32, "推进" 32,
 * not 48 — a sixth of a long list's tree. A slab is freed with the last of its values:
 * `holds` counts them, plus one while the slab is its builder's current one. A value
 * finds its slab by its address: slabs start at a multiple of SLAB_ALIGN and are at most
 * that long. A builder's first slab is 4 KiB and each next one twice the last, up to
 * 64 KiB, so that a small tree kept alone does not keep 64 KiB. */
enum { SLAB_FIRST = 1 << 12, SLAB_ALIGN = 1 << 16, SLAB_MAX_VALUE = 1 << 10 };

struct slab {
    gint holds;
    guint32 used; /* bytes carved, this header included (by the builder's thread only) */
    guint32 size;
    guint32 pad;  /* values start 8-aligned */
};

static slab *slab_of(const jd_value *v)
{
    return (slab *)((uintptr_t)v & ~(uintptr_t)(SLAB_ALIGN - 1));
}

static void slab_release(slab *s)
{
    if (g_atomic_int_dec_and_test(&s->holds)) free(s);
}

/* `size` zeroed bytes for a value from `b`'s slab, or NULL: no builder, or a value too
 * large for a slab. */
static jd_value *slab_take(jd_builder *b, size_t size)
{
    if (!b || size > SLAB_MAX_VALUE) return NULL;
    size = (size + 7) & ~(size_t)7;
    if (!b->slab || b->slab->used + size > b->slab->size) {
        guint32 next = b->slab ? MIN(2 * b->slab->size, SLAB_ALIGN) : SLAB_FIRST;
        void *p = NULL;
        if (posix_memalign(&p, SLAB_ALIGN, next) != 0) return NULL;
        if (b->slab) slab_release(b->slab);
        b->slab = p;
        *b->slab = (slab){1, sizeof(slab), next, 0};
    }
    jd_value *v = (jd_value *)((char *)b->slab + b->slab->used);
    b->slab->used += (guint32)size;
    g_atomic_int_inc(&b->slab->holds);
    memset(v, 0, size);
    v->in_slab = true;
    return v;
}

jd_builder *jd_builder_new(void)
{
    jd_builder *b = g_new0(jd_builder, 1);
    b->keys = g_hash_table_new_full(g_str_hash, g_str_equal, (GDestroyNotify)key_unref, NULL);
    return b;
}

void jd_builder_free(jd_builder *b)
{
    if (!b) return;
    g_hash_table_destroy(b->keys);
    if (b->slab) slab_release(b->slab);
    g_free(b);
}

static jd_value *value_new_in(jd_builder *b, jd_value_kind kind)
{
    jd_value *v = slab_take(b, sizeof(jd_value));
    if (!v) v = g_new0(jd_value, 1);
    v->refs = 1;
    v->kind = kind;
    return v;
}

static jd_value *value_new(jd_value_kind kind)
{
    return value_new_in(NULL, kind);
}

jd_value *jd_value_new_null_in(jd_builder *b)
{
    return value_new_in(b, JD_VALUE_NULL);
}

jd_value *jd_value_new_null(void)
{
    return value_new(JD_VALUE_NULL);
}

jd_value *jd_value_new_bool_in(jd_builder *b, bool yes)
{
    jd_value *v = value_new_in(b, JD_VALUE_BOOL);
    v->u.b = yes;
    return v;
}

jd_value *jd_value_new_double_in(jd_builder *b, double d)
{
    jd_value *v = value_new_in(b, JD_VALUE_DOUBLE);
    v->u.d = d;
    return v;
}

jd_value *jd_value_new_int_in(jd_builder *b, int64_t i)
{
    jd_value *v = value_new_in(b, JD_VALUE_INT);
    v->u.i = i;
    return v;
}

jd_value *jd_value_new_array_in(jd_builder *b)
{
    return value_new_in(b, JD_VALUE_ARRAY);
}

jd_value *jd_value_new_object_in(jd_builder *b)
{
    return value_new_in(b, JD_VALUE_OBJECT);
}

jd_value *jd_value_new_bool(bool b)
{
    return jd_value_new_bool_in(NULL, b);
}

jd_value *jd_value_new_int(int64_t i)
{
    return jd_value_new_int_in(NULL, i);
}

jd_value *jd_value_new_double(double d)
{
    return jd_value_new_double_in(NULL, d);
}

jd_value *jd_value_new_string_len_in(jd_builder *b, const char *s, size_t len)
{
    if (!s) len = 0;
    jd_value *v = slab_take(b, sizeof(jd_value) + len + 1);
    if (!v) {
        v = g_malloc(sizeof(jd_value) + len + 1);
        memset(v, 0, sizeof *v);
    }
    v->refs = 1;
    v->kind = JD_VALUE_STRING;
    if (len) memcpy(v->text, s, len);
    v->text[len] = '\0';
    v->u.len = len;
    return v;
}

jd_value *jd_value_new_string_len(const char *s, size_t len)
{
    return jd_value_new_string_len_in(NULL, s, len);
}

jd_value *jd_value_new_string_in(jd_builder *b, const char *s)
{
    return jd_value_new_string_len_in(b, s, s ? strlen(s) : 0);
}

jd_value *jd_value_new_string(const char *s)
{
    return jd_value_new_string_len(s, s ? strlen(s) : 0);
}

jd_value *jd_value_new_string_take(char *s)
{
    jd_value *v = jd_value_new_string(s);
    g_free(s);
    return v;
}

/* A list's block is made at its second element, an object's at its first member: empty
 * ones cost their value only. */
jd_value *jd_value_new_array(void)
{
    return value_new(JD_VALUE_ARRAY);
}

jd_value *jd_value_new_object(void)
{
    return value_new(JD_VALUE_OBJECT);
}

jd_value *jd_value_ref(jd_value *v)
{
    if (v)
        g_atomic_int_inc(&v->refs);
    return v;
}

void jd_value_unref(jd_value *v)
{
    if (!v || !g_atomic_int_dec_and_test(&v->refs))
        return;
    switch (v->kind) {
    case JD_VALUE_ARRAY:
        if (v->one) {
            jd_value_unref(v->u.one);
            break;
        }
        for (guint32 i = 0; v->u.arr && i < v->u.arr->len; i++)
            jd_value_unref(v->u.arr->item[i]);
        g_free(v->u.arr);
        break;
    case JD_VALUE_OBJECT:
        for (guint32 i = 0; v->u.obj && i < v->u.obj->len; i++) {
            key_unref(v->u.obj->m[i].key);
            jd_value_unref(v->u.obj->m[i].value);
        }
        g_free(v->u.obj);
        break;
    default:
        break;
    }
    if (v->in_slab)
        slab_release(slab_of(v));
    else
        g_free(v);
}

jd_value_kind jd_value_kind_of(const jd_value *v)
{
    return v ? (jd_value_kind)v->kind : JD_VALUE_NULL;
}

const char *jd_value_kind_name(jd_value_kind k)
{
    static const char *const names[] = {"null", "bool", "int", "number", "string", "list", "object"};
    return (unsigned)k < G_N_ELEMENTS(names) ? names[k] : "?";
}

bool jd_value_is_null(const jd_value *v)
{
    return !v || v->kind == JD_VALUE_NULL;
}

bool jd_value_bool(const jd_value *v)
{
    return v && v->kind == JD_VALUE_BOOL && v->u.b;
}

int64_t jd_value_int(const jd_value *v)
{
    if (!v)
        return 0;
    if (v->kind == JD_VALUE_INT)
        return v->u.i;
    /* converting a double outside int64's range is undefined behaviour: clamp it */
    if (v->kind == JD_VALUE_DOUBLE && isfinite(v->u.d)) {
        if (v->u.d >= 9223372036854775807.0)
            return INT64_MAX;
        if (v->u.d <= -9223372036854775808.0)
            return INT64_MIN;
        return (int64_t)v->u.d;
    }
    return 0;
}

double jd_value_number(const jd_value *v)
{
    if (!v)
        return 0;
    if (v->kind == JD_VALUE_INT)
        return (double)v->u.i;
    if (v->kind == JD_VALUE_DOUBLE)
        return v->u.d;
    return 0;
}

bool jd_value_is_number(const jd_value *v)
{
    return v && (v->kind == JD_VALUE_INT || v->kind == JD_VALUE_DOUBLE);
}

const char *jd_value_string(const jd_value *v)
{
    return v && v->kind == JD_VALUE_STRING ? v->text : NULL;
}

size_t jd_value_string_len(const jd_value *v)
{
    return v && v->kind == JD_VALUE_STRING ? v->u.len : 0;
}

size_t jd_array_length(const jd_value *arr)
{
    if (!arr || arr->kind != JD_VALUE_ARRAY) return 0;
    return arr->one ? 1 : arr->u.arr ? arr->u.arr->len : 0;
}

jd_value *jd_array_get(const jd_value *arr, size_t i)
{
    if (i >= jd_array_length(arr))
        return NULL;
    return arr->one ? arr->u.one : arr->u.arr->item[i];
}

void jd_array_append(jd_value *arr, jd_value *v)
{
    g_return_if_fail(arr && arr->kind == JD_VALUE_ARRAY);
    if (!v) v = jd_value_new_null();
    if (!arr->one && !arr->u.arr) {
        arr->one = true; /* no block until a second element */
        arr->u.one = v;
        return;
    }
    if (arr->one) {
        items *a = g_malloc(sizeof(items) + 2 * sizeof(jd_value *));
        *a = (items){1, 2};
        a->item[0] = arr->u.one;
        arr->one = false;
        arr->u.arr = a;
    }
    items *a = arr->u.arr;
    if (a->len >= MAX_ELEMENTS) {
        g_critical("jd_array_append: a list of %u elements is full", MAX_ELEMENTS);
        jd_value_unref(v);
        return;
    }
    if (a->len == a->cap) {
        guint32 cap = MIN(2 * a->cap, MAX_ELEMENTS);
        a = g_realloc(a, sizeof(items) + cap * sizeof(jd_value *));
        a->cap = cap;
        arr->u.arr = a;
    }
    a->item[a->len++] = v;
}

size_t jd_object_size(const jd_value *obj)
{
    return obj && obj->kind == JD_VALUE_OBJECT && obj->u.obj ? obj->u.obj->len : 0;
}

const char *jd_object_key(const jd_value *obj, size_t i)
{
    if (i >= jd_object_size(obj))
        return NULL;
    return obj->u.obj->m[i].key;
}

jd_value *jd_object_value(const jd_value *obj, size_t i)
{
    if (i >= jd_object_size(obj))
        return NULL;
    return obj->u.obj->m[i].value;
}

static gssize object_find(const jd_value *obj, const char *key)
{
    if (!obj || obj->kind != JD_VALUE_OBJECT || !obj->u.obj)
        return -1;
    members *ms = obj->u.obj;
    /* a key shared with another object is the same pointer: no need to compare */
    if (index_size(ms->cap)) {
        guint32 mask = index_size(ms->cap) - 1, *slot = members_index(ms);
        for (guint32 h = g_str_hash(key) & mask; slot[h]; h = (h + 1) & mask) {
            const char *k = ms->m[slot[h] - 1].key;
            if (k == key || strcmp(k, key) == 0)
                return (gssize)slot[h] - 1;
        }
        return -1;
    }
    /* (most keys differ in their first byte: strcmp only when it agrees) */
    for (guint32 i = 0; i < ms->len; i++)
        if (ms->m[i].key == key || (ms->m[i].key[0] == key[0] && strcmp(ms->m[i].key, key) == 0))
            return (gssize)i;
    return -1;
}

gssize jd_object_index(const jd_value *obj, const char *key)
{
    return object_find(obj, key);
}

jd_value *jd_object_get(const jd_value *obj, const char *key)
{
    gssize i = object_find(obj, key);
    return i < 0 ? NULL : obj->u.obj->m[i].value;
}

/* Sets member `k` of `obj` to `v`; `take_key` is a reference to a key with the same text
 * (made by key_get or key_ref), dropped when the member exists already. */
static void object_set(jd_value *obj, const char *k, const char *take_key, jd_value *v)
{
    if (!v)
        v = jd_value_new_null();
    gssize i = object_find(obj, k);
    if (i >= 0) {
        member *m = &obj->u.obj->m[i];
        jd_value_unref(m->value);
        m->value = v;
        if (take_key) key_unref(take_key);
        return;
    }
    if (jd_object_size(obj) >= MAX_MEMBERS) {
        g_critical("jd_object_set: an object of %u members is full", MAX_MEMBERS);
        jd_value_unref(v);
        if (take_key) key_unref(take_key);
        return;
    }
    members *ms = members_reserve(obj->u.obj);
    obj->u.obj = ms;
    ms->m[ms->len] = (member){take_key ? take_key : key_new(k), v};
    if (index_size(ms->cap)) index_put(ms, ms->len);
    ms->len++;
}

/* The capacity of a block for `n` members (n <= MAX_MEMBERS): `n` itself up to
 * INDEX_THRESHOLD, past it a power of two, as the index's mask needs. */
static guint32 capacity_for(guint32 n)
{
    return n <= INDEX_THRESHOLD ? n : MAX(1u << g_bit_storage(n - 1), 2 * INDEX_THRESHOLD);
}

void jd_object_reserve(jd_value *obj, size_t n)
{
    g_return_if_fail(obj && obj->kind == JD_VALUE_OBJECT);
    if (n > MAX_MEMBERS || n <= (obj->u.obj ? obj->u.obj->cap : 0)) return;
    obj->u.obj = members_resize(obj->u.obj, capacity_for((guint32)n));
}

void jd_object_set(jd_value *obj, const char *key, jd_value *v)
{
    g_return_if_fail(obj && obj->kind == JD_VALUE_OBJECT && key);
    object_set(obj, key, NULL, v);
}

jd_value *jd_object_with(const jd_value *obj, const char *key, jd_value *v)
{
    jd_value *copy = jd_value_new_object();
    jd_value_set_pos(copy, jd_value_line(obj), jd_value_col(obj));
    guint32 n = (guint32)jd_object_size(obj);
    if (n) {
        /* one block for the members and the one to come */
        members *ms = members_resize(NULL, capacity_for(n + 1));
        for (guint32 i = 0; i < n; i++) {
            ms->m[i] = (member){key_ref(obj->u.obj->m[i].key), jd_value_ref(obj->u.obj->m[i].value)};
            if (index_size(ms->cap))
                index_put(ms, i);
        }
        ms->len = n;
        copy->u.obj = ms;
    }
    object_set(copy, key, NULL, v);
    return copy;
}

void jd_object_set_with(jd_value *obj, jd_builder *b, const char *key, jd_value *v)
{
    g_return_if_fail(obj && obj->kind == JD_VALUE_OBJECT && key);
    object_set(obj, key, b ? key_get(b, key) : NULL, v);
}

const char *jd_object_get_string(const jd_value *obj, const char *key)
{
    return jd_value_string(jd_object_get(obj, key));
}

int64_t jd_object_get_int(const jd_value *obj, const char *key, int64_t dflt)
{
    jd_value *v = jd_object_get(obj, key);
    return jd_value_is_number(v) ? jd_value_int(v) : dflt;
}

void jd_value_set_pos(jd_value *v, int line, int col)
{
    if (v) {
        v->line = line;
        v->col = col;
    }
}

int jd_value_line(const jd_value *v)
{
    return v ? v->line : 0;
}

int jd_value_col(const jd_value *v)
{
    return v ? v->col : 0;
}

bool jd_value_equal(const jd_value *a, const jd_value *b)
{
    if (a == b)
        return true;
    if (jd_value_is_number(a) && jd_value_is_number(b)) {
        if (a->kind == JD_VALUE_INT && b->kind == JD_VALUE_INT)
            return a->u.i == b->u.i;
        return jd_value_number(a) == jd_value_number(b);
    }
    if (jd_value_kind_of(a) != jd_value_kind_of(b))
        return false;
    switch (jd_value_kind_of(a)) {
    case JD_VALUE_NULL:
        return true;
    case JD_VALUE_BOOL:
        return a->u.b == b->u.b;
    case JD_VALUE_STRING:
        return a->u.len == b->u.len && memcmp(a->text, b->text, a->u.len) == 0;
    case JD_VALUE_ARRAY:
        if (jd_array_length(a) != jd_array_length(b))
            return false;
        for (guint i = 0; i < jd_array_length(a); i++)
            if (!jd_value_equal(jd_array_get(a, i), jd_array_get(b, i)))
                return false;
        return true;
    case JD_VALUE_OBJECT:
        if (jd_object_size(a) != jd_object_size(b))
            return false;
        for (size_t i = 0; i < jd_object_size(a); i++) {
            if (strcmp(jd_object_key(a, i), jd_object_key(b, i)) != 0 ||
                !jd_value_equal(jd_object_value(a, i), jd_object_value(b, i)))
                return false;
        }
        return true;
    default:
        return false;
    }
}

jd_value *jd_value_copy(const jd_value *v)
{
    jd_value *c;
    switch (jd_value_kind_of(v)) {
    case JD_VALUE_BOOL:
        c = jd_value_new_bool(v->u.b);
        break;
    case JD_VALUE_INT:
        c = jd_value_new_int(v->u.i);
        break;
    case JD_VALUE_DOUBLE:
        c = jd_value_new_double(v->u.d);
        break;
    case JD_VALUE_STRING:
        c = jd_value_new_string_len(v->text, v->u.len);
        break;
    case JD_VALUE_ARRAY:
        c = jd_value_new_array();
        for (guint i = 0; i < jd_array_length(v); i++)
            jd_array_append(c, jd_value_copy(jd_array_get(v, i)));
        break;
    case JD_VALUE_OBJECT:
        c = jd_value_new_object();
        for (size_t i = 0; i < jd_object_size(v); i++) {
            const char *k = jd_object_key(v, i);
            object_set(c, k, key_ref(k), jd_value_copy(jd_object_value(v, i))); /* keys shared */
        }
        break;
    default:
        c = jd_value_new_null();
        break;
    }
    if (v)
        jd_value_set_pos(c, v->line, v->col);
    return c;
}
