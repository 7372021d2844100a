/* jd_data.h — the data tree: JSON-shaped values (null, bool, int, double, string, array,
 * object with ordered keys), and its canonical JSON text.
 *
 * Values are reference counted. A new value has one reference, owned by the caller;
 * jd_array_append() and jd_object_set() take over the reference they are given; getters
 * return borrowed pointers that stay valid as long as the container does. Treat a value
 * as immutable once it is shared (given to a template, kept in two containers).
 *
 * Values may remember where they came from (line and column in their source file), so
 * later checks (a progress report naming an unknown task, say) can point at the file.
 */
#ifndef JD_DATA_H
#define JD_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jd_base.h"

typedef enum {
    JD_VALUE_NULL,
    JD_VALUE_BOOL,
    JD_VALUE_INT,
    JD_VALUE_DOUBLE,
    JD_VALUE_STRING,
    JD_VALUE_ARRAY,
    JD_VALUE_OBJECT,
} jd_value_kind;

typedef struct jd_value jd_value;

jd_value *jd_value_new_null(void);
jd_value *jd_value_new_bool(bool b);
jd_value *jd_value_new_int(int64_t i);
jd_value *jd_value_new_double(double d);
jd_value *jd_value_new_string(const char *s);              /* copies; NULL gives "" */
jd_value *jd_value_new_string_len(const char *s, size_t len); /* copies len bytes */
jd_value *jd_value_new_string_take(char *s);               /* takes a g_malloc'd string */
jd_value *jd_value_new_array(void);
jd_value *jd_value_new_object(void);

jd_value *jd_value_ref(jd_value *v);
void jd_value_unref(jd_value *v); /* NULL is allowed */

jd_value_kind jd_value_kind_of(const jd_value *v);
const char *jd_value_kind_name(jd_value_kind k); /* "string", "array", ... */

bool jd_value_is_null(const jd_value *v); /* true for NULL pointers too */
bool jd_value_bool(const jd_value *v);    /* false unless a true bool */
int64_t jd_value_int(const jd_value *v);  /* ints; doubles truncated; else 0 */
double jd_value_number(const jd_value *v); /* ints and doubles; else 0 */
bool jd_value_is_number(const jd_value *v);
const char *jd_value_string(const jd_value *v); /* strings only; else NULL */
size_t jd_value_string_len(const jd_value *v);

/* arrays */
size_t jd_array_length(const jd_value *arr); /* 0 for non-arrays */
jd_value *jd_array_get(const jd_value *arr, size_t i); /* borrowed; NULL if out of range */
void jd_array_append(jd_value *arr, jd_value *v);      /* takes ownership of v */

/* objects: members keep insertion order; setting an existing key replaces its value in place */
size_t jd_object_size(const jd_value *obj);
const char *jd_object_key(const jd_value *obj, size_t i);
jd_value *jd_object_value(const jd_value *obj, size_t i);           /* borrowed */
jd_value *jd_object_get(const jd_value *obj, const char *key);      /* borrowed, or NULL */
gssize jd_object_index(const jd_value *obj, const char *key);       /* member index, or -1 */
void jd_object_set(jd_value *obj, const char *key, jd_value *v);    /* takes ownership of v */
/* A new object with the members of `obj` (keys and values shared, in its order) and `key`
 * set to `v` (taken): replaced where `obj` has it, else added last; at obj's position. One
 * block for all members, where setting them one by one would copy each key and grow. */
jd_value *jd_object_with(const jd_value *obj, const char *key, jd_value *v);
/* Room for `n` members, so that an object whose members are known is allocated once
 * rather than grown one member at a time. */
void jd_object_reserve(jd_value *obj, size_t n);
/* What an importer builds a tree with: jd_object_set copies its key into each object,
 * jd_object_set_with takes it from the builder (one copy for all the objects set through
 * it); the _in constructors carve values from the builder's slabs (no allocation of their
 * own), each slab freed with the last of its values. The values keep their keys and slabs
 * when the builder is freed, and are like any other (refcounted, shareable across
 * threads); a builder itself is for one thread at a time. NULL builds as without one. */
typedef struct jd_builder jd_builder;
jd_builder *jd_builder_new(void);
void jd_builder_free(jd_builder *b); /* NULL is allowed */
void jd_object_set_with(jd_value *obj, jd_builder *b, const char *key, jd_value *v);
jd_value *jd_value_new_null_in(jd_builder *b);
jd_value *jd_value_new_bool_in(jd_builder *b, bool yes);
jd_value *jd_value_new_int_in(jd_builder *b, int64_t i);
jd_value *jd_value_new_double_in(jd_builder *b, double d);
jd_value *jd_value_new_string_in(jd_builder *b, const char *s);
jd_value *jd_value_new_string_len_in(jd_builder *b, const char *s, size_t len);
jd_value *jd_value_new_array_in(jd_builder *b);
jd_value *jd_value_new_object_in(jd_builder *b);
/* Convenience getters that return NULL/0/default when the member is missing or of another kind. */
const char *jd_object_get_string(const jd_value *obj, const char *key);
int64_t jd_object_get_int(const jd_value *obj, const char *key, int64_t dflt);

/* Source position (1-based; 0 when unknown). */
void jd_value_set_pos(jd_value *v, int line, int col);
int jd_value_line(const jd_value *v);
int jd_value_col(const jd_value *v);

/* Deep structural equality (int 1 equals double 1.0; positions are ignored). */
bool jd_value_equal(const jd_value *a, const jd_value *b);

/* Deep copy (new references all the way down). */
jd_value *jd_value_copy(const jd_value *v);

/* Canonical JSON: UTF-8, members in insertion order, two-space indent, "key": value,
 * doubles in their shortest form that reads back to the same number, a final newline.
 * `pretty` false gives one line with no spaces. Newly allocated. */
char *jd_value_to_json(const jd_value *v, bool pretty);

/* Text of a scalar as a template would print it: strings as is, ints in decimal, doubles
 * in shortest form, true/false, null as "". Arrays/objects give their compact JSON. */
char *jd_value_to_text(const jd_value *v);

/* Parses JSON text (strict RFC 8259, UTF-8) into a value tree whose nodes carry the line
 * and column where each value starts. Whole numbers are ints (one beyond int64 is an
 * error), others doubles. Arrays and objects nest at most 256 deep; \u0000 in a string and
 * a key written twice in one object are errors. On any error adds "file:line:col: error:
 * invalid JSON: …" and returns NULL. Time and memory are linear in the text. */
jd_value *jd_value_from_json(const char *text, size_t len, const char *file, jd_diags *diags);

#endif
