/* The canonical task-list schema: validation of a tree read from JSON, and the canonical
 * copy (members in schema order, unknown members left out). */
#include <stdarg.h>
#include <string.h>

#include "jd_import_layers.h"

/* The members of each object of the schema, in canonical order; `element` describes the
 * objects of a member that is a list of objects. */
typedef struct member_schema member_schema;
struct member_schema {
    const char *key;
    const member_schema *element;
};

static const member_schema segment_members[] = {
    {"from", NULL}, {"to", NULL}, {"text", NULL}, {NULL, NULL}};
static const member_schema unit_members[] = {
    {"names", NULL}, {"plan", segment_members}, {NULL, NULL}};
static const member_schema task_members[] = {
    {"id", NULL}, {"title", NULL}, {"leaders", NULL}, {"units", unit_members}, {NULL, NULL}};
static const member_schema list_members[] = {
    {"title", NULL}, {"tasks", task_members}, {NULL, NULL}};

typedef struct {
    const char *name;
    jd_diags *diags;
    bool ok;
} checker;

static void problem(checker *c, jd_severity sev, const jd_value *at, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);

static void problem(checker *c, jd_severity sev, const jd_value *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    jd_diags_addv(c->diags, sev, c->name, jd_value_line(at), jd_value_col(at), fmt, ap);
    va_end(ap);
    if (sev == JD_ERROR) c->ok = false;
}

static const char *a_kind(jd_value_kind kind)
{
    switch (kind) {
    case JD_VALUE_NULL:
        return "null";
    case JD_VALUE_BOOL:
        return "true or false";
    case JD_VALUE_INT:
        return "a whole number";
    case JD_VALUE_DOUBLE:
        return "a fractional number";
    case JD_VALUE_STRING:
        return "a string";
    case JD_VALUE_ARRAY:
        return "a list";
    case JD_VALUE_OBJECT:
        return "an object";
    }
    return "?";
}

/* Member `key` of `obj` if it is of `kind`; otherwise reports it and returns NULL. */
static const jd_value *member(checker *c, const jd_value *obj, const char *path, const char *key,
                              jd_value_kind kind)
{
    const jd_value *v = jd_object_get(obj, key);
    if (!v)
        problem(c, JD_ERROR, obj, "%s: missing \"%s\" (%s)", path, key, a_kind(kind));
    else if (jd_value_kind_of(v) != kind)
        problem(c, JD_ERROR, v, "%s.%s must be %s, not %s", path, key, a_kind(kind),
                a_kind(jd_value_kind_of(v)));
    return v && jd_value_kind_of(v) == kind ? v : NULL;
}

static bool is_object(checker *c, const jd_value *v, const char *path)
{
    if (jd_value_kind_of(v) == JD_VALUE_OBJECT) return true;
    problem(c, JD_ERROR, v, "%s must be an object, not %s", path, a_kind(jd_value_kind_of(v)));
    return false;
}

static void check_unknown_members(checker *c, const jd_value *obj, const char *path,
                                  const member_schema *members)
{
    for (size_t i = 0; i < jd_object_size(obj); i++) {
        const char *key = jd_object_key(obj, i);
        const member_schema *m = members;
        while (m->key && strcmp(m->key, key) != 0)
            m++;
        if (!m->key)
            problem(c, JD_WARNING, jd_object_value(obj, i), "%s: unknown member \"%s\" is ignored",
                    path, key);
    }
}

static void check_text(checker *c, const jd_value *obj, const char *path, const char *key)
{
    const jd_value *text = member(c, obj, path, key, JD_VALUE_STRING);
    if (text && jd_value_string_len(text) == 0)
        problem(c, JD_ERROR, text, "%s.%s is empty", path, key);
}

/* A list of distinct non-empty names; `at_least_one` for a unit's names. */
static void check_names(checker *c, const jd_value *obj, const char *path, const char *key,
                        bool at_least_one)
{
    const jd_value *names = member(c, obj, path, key, JD_VALUE_ARRAY);
    if (!names) return;
    if (at_least_one && jd_array_length(names) == 0)
        problem(c, JD_ERROR, names, "%s.%s is empty", path, key);
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
    for (size_t i = 0; i < jd_array_length(names); i++) {
        const jd_value *n = jd_array_get(names, i);
        if (jd_value_kind_of(n) != JD_VALUE_STRING)
            problem(c, JD_ERROR, n, "%s.%s[%zu] must be a string, not %s", path, key, i,
                    a_kind(jd_value_kind_of(n)));
        else if (jd_value_string_len(n) == 0)
            problem(c, JD_ERROR, n, "%s.%s[%zu] is empty", path, key, i);
        else if (!g_hash_table_add(seen, (gpointer)jd_value_string(n)))
            problem(c, JD_ERROR, n, "%s.%s[%zu] repeats '%s'", path, key, i, jd_value_string(n));
    }
    g_hash_table_destroy(seen);
}

/* Quarters 1–4, each segment after the one before. Returns the quarter it ends in. */
static int check_segment(checker *c, const jd_value *seg, const char *path, int previous_to)
{
    if (!is_object(c, seg, path)) return previous_to;
    check_unknown_members(c, seg, path, segment_members);
    const jd_value *from = member(c, seg, path, "from", JD_VALUE_INT);
    const jd_value *to = member(c, seg, path, "to", JD_VALUE_INT);
    check_text(c, seg, path, "text");
    if (!from || !to) return previous_to;
    int64_t f = jd_value_int(from), t = jd_value_int(to);
    if (f < 1 || f > 4)
        problem(c, JD_ERROR, from, "%s.from must be a quarter, 1 to 4, not %" G_GINT64_FORMAT, path,
                f);
    if (t < 1 || t > 4)
        problem(c, JD_ERROR, to, "%s.to must be a quarter, 1 to 4, not %" G_GINT64_FORMAT, path, t);
    if (f > t)
        problem(c, JD_ERROR, from,
                "%s: from (%" G_GINT64_FORMAT ") is after to (%" G_GINT64_FORMAT ")", path, f, t);
    else if (f <= previous_to)
        problem(c, JD_ERROR, from,
                "%s: quarters %" G_GINT64_FORMAT "–%" G_GINT64_FORMAT
                " overlap the segment before or come before it (it ends in quarter %d)",
                path, f, t, previous_to);
    return (int)CLAMP(t, previous_to, 4);
}

static void check_unit(checker *c, const jd_value *unit, const char *path)
{
    if (!is_object(c, unit, path)) return;
    check_unknown_members(c, unit, path, unit_members);
    check_names(c, unit, path, "names", true);
    const jd_value *plan = member(c, unit, path, "plan", JD_VALUE_ARRAY);
    int previous_to = 0;
    for (size_t i = 0; i < jd_array_length(plan); i++) {
        char *seg_path = g_strdup_printf("%s.plan[%zu]", path, i);
        previous_to = check_segment(c, jd_array_get(plan, i), seg_path, previous_to);
        g_free(seg_path);
    }
}

static void check_task(checker *c, const jd_value *task, const char *path, GHashTable *ids)
{
    if (!is_object(c, task, path)) return;
    check_unknown_members(c, task, path, task_members);
    const jd_value *id = member(c, task, path, "id", JD_VALUE_INT);
    if (id && jd_value_int(id) < 1) {
        problem(c, JD_ERROR, id, "%s.id must be 1 or more, not %" G_GINT64_FORMAT, path,
                jd_value_int(id));
    } else if (id) {
        const jd_value *first = g_hash_table_lookup(ids, id);
        if (first)
            problem(c, JD_ERROR, id,
                    "%s.id %" G_GINT64_FORMAT " is also the id of the task at line %d", path,
                    jd_value_int(id), jd_value_line(first));
        else
            g_hash_table_insert(ids, (gpointer)id, (gpointer)id);
    }
    check_text(c, task, path, "title");
    check_names(c, task, path, "leaders", false);
    const jd_value *units = member(c, task, path, "units", JD_VALUE_ARRAY);
    if (units && jd_array_length(units) == 0)
        problem(c, JD_ERROR, units, "%s.units is empty: a task has at least one unit", path);
    for (size_t i = 0; i < jd_array_length(units); i++) {
        char *unit_path = g_strdup_printf("%s.units[%zu]", path, i);
        check_unit(c, jd_array_get(units, i), unit_path);
        g_free(unit_path);
    }
}

static guint id_hash(gconstpointer v)
{
    return g_int64_hash(&(gint64){jd_value_int(v)});
}

static gboolean id_equal(gconstpointer a, gconstpointer b)
{
    return jd_value_int(a) == jd_value_int(b);
}

bool jd_tasklist_validate(const jd_value *list, const char *name, jd_diags *diags)
{
    checker c = {name, diags, true};
    if (!is_object(&c, list, "list")) return false;
    check_unknown_members(&c, list, "list", list_members);
    member(&c, list, "list", "title", JD_VALUE_STRING);
    const jd_value *tasks = member(&c, list, "list", "tasks", JD_VALUE_ARRAY);
    GHashTable *ids = g_hash_table_new(id_hash, id_equal);
    for (size_t i = 0; i < jd_array_length(tasks); i++) {
        char *path = g_strdup_printf("list.tasks[%zu]", i);
        check_task(&c, jd_array_get(tasks, i), path, ids);
        g_free(path);
    }
    g_hash_table_destroy(ids);
    return c.ok;
}

/* Whether `obj` is its own canonical form: the schema's members only, in the schema's
 * order, and so are the objects of its lists (what jindu writes reads back so). */
static bool is_canonical(const jd_value *obj, const member_schema *members)
{
    if (jd_value_kind_of(obj) != JD_VALUE_OBJECT) return false;
    const member_schema *m = members;
    for (size_t i = 0; i < jd_object_size(obj); i++, m++) {
        while (m->key && strcmp(m->key, jd_object_key(obj, i)) != 0)
            m++;
        if (!m->key) return false;
        const jd_value *v = jd_object_value(obj, i);
        if (m->element && jd_value_kind_of(v) != JD_VALUE_ARRAY) return false;
        for (size_t k = 0; m->element && k < jd_array_length(v); k++)
            if (!is_canonical(jd_array_get(v, k), m->element)) return false;
    }
    return true;
}

static jd_value *canonical_object(const jd_value *obj, const member_schema *members, jd_builder *keys)
{
    jd_value *out = jd_value_new_object();
    jd_value_set_pos(out, jd_value_line(obj), jd_value_col(obj));
    for (const member_schema *m = members; m->key; m++) {
        const jd_value *v = jd_object_get(obj, m->key);
        if (!v) continue;
        if (!m->element) {
            /* shared, not copied: the tree read from JSON is freed right after, and two
             * copies of every title and plan text were the peak of a JSON import */
            jd_object_set_with(out, keys, m->key, jd_value_ref((jd_value *)v));
            continue;
        }
        jd_value *list = jd_value_new_array();
        jd_value_set_pos(list, jd_value_line(v), jd_value_col(v));
        for (size_t i = 0; i < jd_array_length(v); i++)
            jd_array_append(list, canonical_object(jd_array_get(v, i), m->element, keys));
        jd_object_set_with(out, keys, m->key, list);
    }
    return out;
}

jd_value *jd_tasklist_canonical(const jd_value *list)
{
    /* the usual case (JSON that jindu wrote): no second tree at all */
    if (is_canonical(list, list_members)) return jd_value_ref((jd_value *)list);
    jd_builder *keys = jd_builder_new();
    jd_value *out = canonical_object(list, list_members, keys);
    jd_builder_free(keys);
    return out;
}
