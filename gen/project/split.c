/* Split documents: one per unit or per leader, and safe file names for their keys. */
#include <string.h>

#include "jd_project.h"

bool jd_split_parse(const char *text, jd_split *split)
{
    if (!text || !*text || strcmp(text, "none") == 0)
        *split = JD_SPLIT_NONE;
    else if (strcmp(text, "unit") == 0)
        *split = JD_SPLIT_UNIT;
    else if (strcmp(text, "leader") == 0)
        *split = JD_SPLIT_LEADER;
    else
        return false;
    return true;
}

static void add_key(GPtrArray *keys, GHashTable *seen, const char *key)
{
    if (key && *key && !g_hash_table_contains(seen, key)) {
        g_hash_table_add(seen, (gpointer)key);
        g_ptr_array_add(keys, g_strdup(key));
    }
}

/* Does the task belong to the key's document? */
static bool task_has(const jd_value *task, jd_split split, const char *key)
{
    if (split == JD_SPLIT_LEADER) {
        const jd_value *leaders = jd_object_get(task, "leaders");
        for (size_t i = 0; i < jd_array_length(leaders); i++)
            if (g_strcmp0(jd_value_string(jd_array_get(leaders, i)), key) == 0)
                return true;
        return false;
    }
    const jd_value *units = jd_object_get(task, "units");
    for (size_t u = 0; u < jd_array_length(units); u++) {
        const jd_value *names = jd_object_get(jd_array_get(units, u), "names");
        for (size_t n = 0; n < jd_array_length(names); n++)
            if (g_strcmp0(jd_value_string(jd_array_get(names, n)), key) == 0)
                return true;
    }
    return false;
}

char **jd_split_keys(const jd_value *list, jd_split split)
{
    GPtrArray *keys = g_ptr_array_new();
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
    const jd_value *tasks = jd_object_get(list, "tasks");
    for (size_t t = 0; split != JD_SPLIT_NONE && t < jd_array_length(tasks); t++) {
        const jd_value *task = jd_array_get(tasks, t);
        if (split == JD_SPLIT_LEADER) {
            const jd_value *leaders = jd_object_get(task, "leaders");
            for (size_t i = 0; i < jd_array_length(leaders); i++)
                add_key(keys, seen, jd_value_string(jd_array_get(leaders, i)));
            continue;
        }
        const jd_value *units = jd_object_get(task, "units");
        for (size_t u = 0; u < jd_array_length(units); u++) {
            const jd_value *names = jd_object_get(jd_array_get(units, u), "names");
            for (size_t n = 0; n < jd_array_length(names); n++)
                add_key(keys, seen, jd_value_string(jd_array_get(names, n)));
        }
    }
    g_hash_table_destroy(seen);
    g_ptr_array_add(keys, NULL);
    return (char **)g_ptr_array_free(keys, FALSE);
}

/* The same object with only the members `keep` says to keep of array member `member`. */
static jd_value *filter_member(const jd_value *obj, const char *member, bool (*keep)(const jd_value *, const void *),
                               const void *data)
{
    jd_value *out = jd_value_new_object();
    for (size_t k = 0; k < jd_object_size(obj); k++) {
        const char *name = jd_object_key(obj, k);
        const jd_value *v = jd_object_value(obj, k);
        if (strcmp(name, member) != 0 || jd_value_kind_of(v) != JD_VALUE_ARRAY) {
            jd_object_set(out, name, jd_value_ref((jd_value *)v));
            continue;
        }
        jd_value *kept = jd_value_new_array();
        for (size_t i = 0; i < jd_array_length(v); i++)
            if (keep(jd_array_get(v, i), data))
                jd_array_append(kept, jd_value_ref(jd_array_get(v, i)));
        jd_object_set(out, name, kept);
    }
    return out;
}

typedef struct {
    jd_split split;
    const char *key;
} split_key;

static bool keep_task(const jd_value *task, const void *data)
{
    const split_key *sk = data;
    return task_has(task, sk->split, sk->key);
}

/* a report about one of the kept tasks */
static bool keep_report(const jd_value *report, const void *tasks)
{
    int64_t id = jd_object_get_int(report, "task", -1);
    for (size_t i = 0; i < jd_array_length(tasks); i++)
        if (jd_object_get_int(jd_array_get(tasks, i), "id", -2) == id)
            return true;
    return false;
}

jd_value *jd_split_globals(const jd_value *globals, jd_split split, const char *key)
{
    const jd_value *list = jd_object_get(globals, "list");
    const jd_value *progress = jd_object_get(globals, "progress");
    split_key sk = {split, key};
    /* the list with only the key's tasks, and the progress data with only their reports:
     * the values are shared, not copied, and a document reads nothing about other keys (so
     * an edit elsewhere leaves it unchanged) */
    jd_value *mine = list && split != JD_SPLIT_NONE ? filter_member(list, "tasks", keep_task, &sk) : NULL;
    if (mine && jd_object_get(mine, "changed_count")) {
        /* the legend of a split document counts its own rows, not the whole list's */
        int64_t changed = 0;
        const jd_value *tasks = jd_object_get(mine, "tasks");
        for (size_t t = 0; t < jd_array_length(tasks); t++) {
            const jd_value *units = jd_object_get(jd_array_get(tasks, t), "units");
            for (size_t u = 0; u < jd_array_length(units); u++)
                changed += jd_value_bool(jd_object_get(jd_array_get(units, u), "changed"));
        }
        jd_object_set(mine, "changed_count", jd_value_new_int(changed));
    }
    jd_value *out = jd_value_new_object();
    for (size_t i = 0; i < jd_object_size(globals); i++) {
        const char *name = jd_object_key(globals, i);
        jd_value *v = jd_object_value(globals, i);
        if (v == list && mine)
            jd_object_set(out, name, jd_value_ref(mine));
        else if (v == progress && mine)
            jd_object_set(out, name, filter_member(progress, "reports", keep_report, jd_object_get(mine, "tasks")));
        else
            jd_object_set(out, name, jd_value_ref(v));
    }
    jd_value_unref(mine);
    if (split != JD_SPLIT_NONE) {
        jd_value *s = jd_value_new_object();
        jd_object_set(s, "by", jd_value_new_string(split == JD_SPLIT_UNIT ? "unit" : "leader"));
        jd_object_set(s, "key", jd_value_new_string(key));
        jd_object_set(out, "split", s);
    }
    return out;
}

char *jd_expand_file_pattern(const char *pattern, const char *key, const jd_value *params)
{
    GString *out = g_string_new(NULL);
    for (const char *p = pattern; *p;) {
        const char *close = *p == '{' ? strchr(p, '}') : NULL;
        if (!close) {
            g_string_append_c(out, *p++);
            continue;
        }
        char *name = g_strndup(p + 1, (gsize)(close - p - 1));
        char *value = NULL;
        if (strcmp(name, "key") == 0 && key) {
            value = g_strdup(key);
        } else {
            const jd_value *v = jd_object_get(params, name);
            if (v)
                value = jd_value_to_text(v);
        }
        if (value) {
            char *safe = jd_safe_file_name(value);
            g_string_append(out, safe);
            g_free(safe);
        } else {
            g_string_append_len(out, p, (gssize)(close - p + 1)); /* unknown: kept as written */
        }
        g_free(value);
        g_free(name);
        p = close + 1;
    }
    return g_string_free(out, FALSE);
}
