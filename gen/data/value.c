#include "jd_data.h"

#include <math.h>
#include <string.h>

typedef struct {
    char *key;
    jd_value *value;
} member;

typedef struct {
    GArray *members;   /* member */
    GHashTable *index; /* key -> index+1, built once an object grows past a few keys */
} object_members;

/* 24 bytes and one allocation per scalar or string: a data tree takes a small multiple of
 * its file's size whatever the file's shape (a list of five million zeros, say). */
struct jd_value {
    gint refs;
    jd_value_kind kind;
    int line, col;
    union {
        bool b;
        int64_t i;
        double d;
        size_t len;          /* string: its bytes are `text` */
        GPtrArray *arr;      /* jd_value*; made by the first append */
        object_members *obj; /* made by the first member */
    } u;
    char text[]; /* a string's bytes, in the same block */
};

/* Below this many members a linear scan beats hashing. */
enum { INDEX_THRESHOLD = 8 };

static jd_value *value_new(jd_value_kind kind)
{
    jd_value *v = g_new0(jd_value, 1);
    v->refs = 1;
    v->kind = kind;
    return v;
}

jd_value *jd_value_new_null(void)
{
    return value_new(JD_VALUE_NULL);
}

jd_value *jd_value_new_bool(bool b)
{
    jd_value *v = value_new(JD_VALUE_BOOL);
    v->u.b = b;
    return v;
}

jd_value *jd_value_new_int(int64_t i)
{
    jd_value *v = value_new(JD_VALUE_INT);
    v->u.i = i;
    return v;
}

jd_value *jd_value_new_double(double d)
{
    jd_value *v = value_new(JD_VALUE_DOUBLE);
    v->u.d = d;
    return v;
}

jd_value *jd_value_new_string_len(const char *s, size_t len)
{
    if (!s) len = 0;
    jd_value *v = g_malloc(sizeof(jd_value) + len + 1);
    memset(v, 0, sizeof *v);
    v->refs = 1;
    v->kind = JD_VALUE_STRING;
    if (len) memcpy(v->text, s, len);
    v->text[len] = '\0';
    v->u.len = len;
    return v;
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

jd_value *jd_value_new_array(void)
{
    jd_value *v = value_new(JD_VALUE_ARRAY);
    /* the array itself is made by the first append: empty lists cost one value only */
    return v;
}

jd_value *jd_value_new_object(void)
{
    jd_value *v = value_new(JD_VALUE_OBJECT);
    /* the members array is made by the first member: empty objects cost one value only */
    return v;
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
        if (v->u.arr)
            g_ptr_array_free(v->u.arr, TRUE);
        break;
    case JD_VALUE_OBJECT:
        for (guint i = 0; i < jd_object_size(v); i++) {
            member *m = &g_array_index(v->u.obj->members, member, i);
            g_free(m->key);
            jd_value_unref(m->value);
        }
        if (v->u.obj) {
            g_array_free(v->u.obj->members, TRUE);
            if (v->u.obj->index)
                g_hash_table_destroy(v->u.obj->index);
            g_free(v->u.obj);
        }
        break;
    default:
        break;
    }
    g_free(v);
}

jd_value_kind jd_value_kind_of(const jd_value *v)
{
    return v ? v->kind : JD_VALUE_NULL;
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
    return arr && arr->kind == JD_VALUE_ARRAY && arr->u.arr ? arr->u.arr->len : 0;
}

jd_value *jd_array_get(const jd_value *arr, size_t i)
{
    if (i >= jd_array_length(arr))
        return NULL;
    return g_ptr_array_index(arr->u.arr, i);
}

void jd_array_append(jd_value *arr, jd_value *v)
{
    g_return_if_fail(arr && arr->kind == JD_VALUE_ARRAY);
    if (!arr->u.arr)
        arr->u.arr = g_ptr_array_new_with_free_func((GDestroyNotify)jd_value_unref);
    g_ptr_array_add(arr->u.arr, v ? v : jd_value_new_null());
}

size_t jd_object_size(const jd_value *obj)
{
    return obj && obj->kind == JD_VALUE_OBJECT && obj->u.obj ? obj->u.obj->members->len : 0;
}

const char *jd_object_key(const jd_value *obj, size_t i)
{
    if (i >= jd_object_size(obj))
        return NULL;
    return g_array_index(obj->u.obj->members, member, i).key;
}

jd_value *jd_object_value(const jd_value *obj, size_t i)
{
    if (i >= jd_object_size(obj))
        return NULL;
    return g_array_index(obj->u.obj->members, member, i).value;
}

static gssize object_find(const jd_value *obj, const char *key)
{
    if (!obj || obj->kind != JD_VALUE_OBJECT)
        return -1;
    if (obj->u.obj && obj->u.obj->index) {
        gpointer idx = g_hash_table_lookup(obj->u.obj->index, key);
        return idx ? GPOINTER_TO_INT(idx) - 1 : -1;
    }
    for (guint i = 0; i < jd_object_size(obj); i++)
        if (strcmp(g_array_index(obj->u.obj->members, member, i).key, key) == 0)
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
    return i < 0 ? NULL : g_array_index(obj->u.obj->members, member, i).value;
}

void jd_object_set(jd_value *obj, const char *key, jd_value *v)
{
    g_return_if_fail(obj && obj->kind == JD_VALUE_OBJECT && key);
    if (!v)
        v = jd_value_new_null();
    gssize i = object_find(obj, key);
    if (i >= 0) {
        member *m = &g_array_index(obj->u.obj->members, member, i);
        jd_value_unref(m->value);
        m->value = v;
        return;
    }
    member m = {g_strdup(key), v};
    if (!obj->u.obj) {
        obj->u.obj = g_new0(object_members, 1);
        obj->u.obj->members = g_array_new(FALSE, FALSE, sizeof(member));
    }
    g_array_append_val(obj->u.obj->members, m);
    guint n = obj->u.obj->members->len;
    if (obj->u.obj->index) {
        g_hash_table_insert(obj->u.obj->index, m.key, GINT_TO_POINTER(n));
    } else if (n > INDEX_THRESHOLD) {
        /* keys are owned by the members array; the index only borrows them */
        obj->u.obj->index = g_hash_table_new(g_str_hash, g_str_equal);
        for (guint k = 0; k < n; k++)
            g_hash_table_insert(obj->u.obj->index, g_array_index(obj->u.obj->members, member, k).key,
                                GINT_TO_POINTER(k + 1));
    }
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
            if (!jd_value_equal(g_ptr_array_index(a->u.arr, i), g_ptr_array_index(b->u.arr, i)))
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
            jd_array_append(c, jd_value_copy(g_ptr_array_index(v->u.arr, i)));
        break;
    case JD_VALUE_OBJECT:
        c = jd_value_new_object();
        for (size_t i = 0; i < jd_object_size(v); i++)
            jd_object_set(c, jd_object_key(v, i), jd_value_copy(jd_object_value(v, i)));
        break;
    default:
        c = jd_value_new_null();
        break;
    }
    if (v)
        jd_value_set_pos(c, v->line, v->col);
    return c;
}
