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

jd_value *jd_split_globals(const jd_value *globals, jd_split split, const char *key)
{
    jd_value *out = jd_value_new_object();
    const jd_value *list = jd_object_get(globals, "list");
    for (size_t i = 0; i < jd_object_size(globals); i++) {
        const char *name = jd_object_key(globals, i);
        jd_value *v = jd_object_value(globals, i);
        if (v != list || split == JD_SPLIT_NONE) {
            jd_object_set(out, name, jd_value_ref(v));
            continue;
        }
        /* the same list, with only the key's tasks (shared, not copied) */
        jd_value *filtered = jd_value_new_object();
        for (size_t k = 0; k < jd_object_size(list); k++) {
            const char *member = jd_object_key(list, k);
            if (strcmp(member, "tasks") != 0) {
                jd_object_set(filtered, member, jd_value_ref(jd_object_value(list, k)));
                continue;
            }
            const jd_value *tasks = jd_object_value(list, k);
            jd_value *mine = jd_value_new_array();
            for (size_t t = 0; t < jd_array_length(tasks); t++)
                if (task_has(jd_array_get(tasks, t), split, key))
                    jd_array_append(mine, jd_value_ref(jd_array_get(tasks, t)));
            jd_object_set(filtered, "tasks", mine);
        }
        jd_object_set(out, name, filtered);
    }
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
