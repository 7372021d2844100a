/* Canonical JSON text of a value tree, and JSON parsing through json-glib. */
#include "jd_data.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

/* ---- writing ----------------------------------------------------------------------- */

static void write_string(GString *out, const char *s, size_t len)
{
    g_string_append_c(out, '"');
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"':
            g_string_append(out, "\\\"");
            break;
        case '\\':
            g_string_append(out, "\\\\");
            break;
        case '\n':
            g_string_append(out, "\\n");
            break;
        case '\r':
            g_string_append(out, "\\r");
            break;
        case '\t':
            g_string_append(out, "\\t");
            break;
        case '\b':
            g_string_append(out, "\\b");
            break;
        case '\f':
            g_string_append(out, "\\f");
            break;
        default:
            if (c < 0x20)
                g_string_append_printf(out, "\\u%04x", c);
            else
                g_string_append_c(out, (char)c); /* UTF-8 stays as written */
        }
    }
    g_string_append_c(out, '"');
}

/* Shortest decimal that reads back to the same double; integral values keep a ".0" so
 * that they read back as doubles. */
static void write_double(GString *out, double d)
{
    if (!isfinite(d)) {
        g_string_append(out, "null");
        return;
    }
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    for (int prec = 15; prec <= 17; prec++) {
        g_ascii_formatd(buf, sizeof buf, prec == 15 ? "%.15g" : prec == 16 ? "%.16g" : "%.17g", d);
        if (g_ascii_strtod(buf, NULL) == d)
            break;
    }
    g_string_append(out, buf);
    if (!strpbrk(buf, ".eEn"))
        g_string_append(out, ".0");
}

static void indent(GString *out, int depth)
{
    g_string_append_c(out, '\n');
    for (int i = 0; i < depth; i++)
        g_string_append(out, "  ");
}

static void write_value(GString *out, const jd_value *v, bool pretty, int depth)
{
    switch (jd_value_kind_of(v)) {
    case JD_VALUE_NULL:
        g_string_append(out, "null");
        break;
    case JD_VALUE_BOOL:
        g_string_append(out, jd_value_bool(v) ? "true" : "false");
        break;
    case JD_VALUE_INT:
        g_string_append_printf(out, "%" G_GINT64_FORMAT, (gint64)jd_value_int(v));
        break;
    case JD_VALUE_DOUBLE:
        write_double(out, jd_value_number(v));
        break;
    case JD_VALUE_STRING:
        write_string(out, jd_value_string(v), jd_value_string_len(v));
        break;
    case JD_VALUE_ARRAY: {
        size_t n = jd_array_length(v);
        if (n == 0) {
            g_string_append(out, "[]");
            break;
        }
        g_string_append_c(out, '[');
        for (size_t i = 0; i < n; i++) {
            if (i)
                g_string_append_c(out, ',');
            if (pretty)
                indent(out, depth + 1);
            write_value(out, jd_array_get(v, i), pretty, depth + 1);
        }
        if (pretty)
            indent(out, depth);
        g_string_append_c(out, ']');
        break;
    }
    case JD_VALUE_OBJECT: {
        size_t n = jd_object_size(v);
        if (n == 0) {
            g_string_append(out, "{}");
            break;
        }
        g_string_append_c(out, '{');
        for (size_t i = 0; i < n; i++) {
            if (i)
                g_string_append_c(out, ',');
            if (pretty)
                indent(out, depth + 1);
            const char *k = jd_object_key(v, i);
            write_string(out, k, strlen(k));
            g_string_append(out, pretty ? ": " : ":");
            write_value(out, jd_object_value(v, i), pretty, depth + 1);
        }
        if (pretty)
            indent(out, depth);
        g_string_append_c(out, '}');
        break;
    }
    }
}

char *jd_value_to_json(const jd_value *v, bool pretty)
{
    GString *out = g_string_new(NULL);
    write_value(out, v, pretty, 0);
    if (pretty)
        g_string_append_c(out, '\n');
    return g_string_free(out, FALSE);
}

char *jd_value_to_text(const jd_value *v)
{
    switch (jd_value_kind_of(v)) {
    case JD_VALUE_NULL:
        return g_strdup("");
    case JD_VALUE_BOOL:
        return g_strdup(jd_value_bool(v) ? "true" : "false");
    case JD_VALUE_INT:
        return g_strdup_printf("%" G_GINT64_FORMAT, (gint64)jd_value_int(v));
    case JD_VALUE_DOUBLE: {
        GString *s = g_string_new(NULL);
        double d = jd_value_number(v);
        if (isfinite(d) && d == floor(d) && fabs(d) < 1e15)
            g_string_append_printf(s, "%.0f", d); /* 3.0 prints as 3 in documents */
        else
            write_double(s, d);
        return g_string_free(s, FALSE);
    }
    case JD_VALUE_STRING:
        return g_strdup(jd_value_string(v));
    default:
        return jd_value_to_json(v, false);
    }
}

/* ---- reading ----------------------------------------------------------------------- */

/* How deep arrays and objects may nest. json-glib parses by recursion, and so do the value
 * tree's own walks; real data is a few levels deep. */
enum { MAX_JSON_DEPTH = 256 };

/* A position in the text as messages show it, kept up to date byte by byte. */
typedef struct {
    size_t offset;
    int line, col;
} text_pos;

static void pos_advance(text_pos *p, const char *text, size_t to)
{
    for (; p->offset < to; p->offset++) {
        unsigned char c = (unsigned char)text[p->offset];
        if (c == '\n') {
            p->line++;
            p->col = 1;
        } else if ((c & 0xC0) != 0x80) {
            p->col++; /* columns count characters: continuation bytes add nothing */
        }
    }
}

static int hex_digit(char c)
{
    return g_ascii_isxdigit(c) ? g_ascii_xdigit_value(c) : -1;
}

/* The four hex digits at `s` (which has at least `avail` bytes), or -1. */
static int hex4(const char *s, size_t avail)
{
    if (avail < 4) return -1;
    int v = 0;
    for (int i = 0; i < 4; i++) {
        int d = hex_digit(s[i]);
        if (d < 0) return -1;
        v = v << 4 | d;
    }
    return v;
}

/* The string whose body (between the quotes) is [s, s + len), decoded, for comparing keys.
 * Malformed escapes are kept as written: json-glib reports them. */
static char *decode_key(const char *s, size_t len)
{
    if (!memchr(s, '\\', len)) return g_strndup(s, len);
    GString *out = g_string_sized_new(len);
    for (size_t i = 0; i < len; i++) {
        if (s[i] != '\\' || i + 1 >= len) {
            g_string_append_c(out, s[i]);
            continue;
        }
        char e = s[++i];
        const char *simple = strchr("\"\\/bfnrt", e);
        if (simple && e) {
            g_string_append_c(out, "\"\\/\b\f\n\r\t"[simple - "\"\\/bfnrt"]);
            continue;
        }
        int u = e == 'u' ? hex4(s + i + 1, len - i - 1) : -1;
        if (u < 0) {
            g_string_append_c(out, '\\');
            g_string_append_c(out, e);
            continue;
        }
        i += 4;
        int low = u >= 0xD800 && u < 0xDC00 && i + 2 < len && s[i + 1] == '\\' && s[i + 2] == 'u'
                      ? hex4(s + i + 3, len - i - 3)
                      : -1;
        if (low >= 0xDC00 && low < 0xE000) {
            u = 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00);
            i += 6;
        }
        g_string_append_unichar(out, (gunichar)u);
    }
    return g_string_free(out, FALSE);
}

/* An object open during the scan: where each of its keys was first seen (decoded key ->
 * text_pos*), made when the second key arrives. */
typedef struct {
    bool is_object;
    char *first_key;
    text_pos first_pos;
    GHashTable *keys;
} open_container;

static void container_clear(open_container *c)
{
    g_free(c->first_key);
    if (c->keys) g_hash_table_destroy(c->keys);
    memset(c, 0, sizeof *c);
}

/* Records key `key` (taken) of object `c` seen at `at`; returns where it was seen before,
 * or NULL. */
static const text_pos *container_add_key(open_container *c, char *key, text_pos at)
{
    if (!c->first_key && !c->keys) {
        c->first_key = key;
        c->first_pos = at;
        return NULL;
    }
    if (!c->keys) {
        c->keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
        g_hash_table_insert(c->keys, c->first_key, g_memdup2(&c->first_pos, sizeof c->first_pos));
        c->first_key = NULL;
    }
    const text_pos *before = g_hash_table_lookup(c->keys, key);
    if (before) {
        g_free(key);
        return before;
    }
    g_hash_table_insert(c->keys, key, g_memdup2(&at, sizeof at));
    return NULL;
}

/* Checks what json-glib lets through or cannot survive, in one pass over the text:
 * nesting deeper than MAX_JSON_DEPTH (returns false at once: json-glib must not see it),
 * \u0000 in a string (json-glib would cut the string there) and a key written twice in
 * one object (json-glib would keep the last silently). Those two go to `problems`. The
 * scan follows strings and brackets only; syntax errors are json-glib's to report. */
static bool prescan(const char *text, size_t len, const char *file, jd_diags *diags,
                    jd_diags *problems)
{
    open_container stack[MAX_JSON_DEPTH];
    int depth = 0;
    text_pos pos = {0, 1, 1};
    bool ok = true;
    for (size_t i = 0; i < len && ok; i++) {
        char c = text[i];
        if (c == '[' || c == '{') {
            pos_advance(&pos, text, i);
            if (depth == MAX_JSON_DEPTH) {
                jd_diags_add(diags, JD_ERROR, file, pos.line, pos.col,
                             "invalid JSON: arrays and objects nested more than %d deep",
                             MAX_JSON_DEPTH);
                ok = false;
                break;
            }
            memset(&stack[depth], 0, sizeof stack[depth]);
            stack[depth++].is_object = c == '{';
        } else if ((c == ']' || c == '}') && depth > 0) {
            container_clear(&stack[--depth]);
        } else if (c == '"') {
            size_t start = i + 1, end = start;
            while (end < len && text[end] != '"') {
                if (text[end] == '\\' && end + 1 < len) {
                    if (text[end + 1] == 'u' && hex4(text + end + 2, len - end - 2) == 0) {
                        pos_advance(&pos, text, end);
                        jd_diags_add(problems, JD_ERROR, file, pos.line, pos.col,
                                     "invalid JSON: \\u0000 in a string (text cannot hold a NUL "
                                     "character)");
                    }
                    end++;
                }
                end++;
            }
            size_t after = end + 1;
            while (after < len && g_ascii_isspace(text[after]))
                after++;
            if (depth > 0 && stack[depth - 1].is_object && after < len && text[after] == ':') {
                pos_advance(&pos, text, i);
                char *key = decode_key(text + start, MIN(end, len) - start);
                char *shown = g_utf8_strlen(key, -1) > 40 ? g_utf8_substring(key, 0, 40) : NULL;
                if (shown) {
                    char *cut = g_strconcat(shown, "…", NULL);
                    g_free(shown);
                    shown = cut;
                }
                const text_pos *before =
                    container_add_key(&stack[depth - 1], g_strdup(key), pos);
                if (before)
                    jd_diags_add(problems, JD_ERROR, file, pos.line, pos.col,
                                 "invalid JSON: key \"%s\" written twice in one object (first at "
                                 "line %d, column %d)",
                                 shown ? shown : key, before->line, before->col);
                g_free(shown);
                g_free(key);
            }
            i = end;
        }
    }
    while (depth > 0)
        container_clear(&stack[--depth]);
    return ok;
}

/* json-glib keeps no positions in its nodes, but reports the current line while it
 * parses; the signal handlers below remember, for each node, where its parse ended. */
typedef struct {
    const char *text;
    size_t len;
    GArray *line_starts; /* byte offset of each line */
    GHashTable *pos;     /* JsonNode* -> index + 1 in `positions` */
    GArray *positions;   /* text_pos */
    text_pos cursor;     /* the last position found: json-glib's positions only grow, so
                            each column is counted on from there, not from the line start */
} parse_ctx;

static void remember(JsonParser *parser, JsonNode *node, parse_ctx *ctx)
{
    if (!node)
        return;
    guint line = json_parser_get_current_line(parser);
    guint byte = json_parser_get_current_pos(parser); /* bytes into the line, from 0 */
    text_pos at = {0, (int)line, (int)byte + 1};
    if (line >= 1 && line <= ctx->line_starts->len) {
        size_t start = g_array_index(ctx->line_starts, size_t, line - 1);
        size_t offset = MIN(ctx->len, start + byte);
        if (offset < ctx->cursor.offset || ctx->cursor.line != (int)line)
            ctx->cursor = (text_pos){start, (int)line, 1};
        pos_advance(&ctx->cursor, ctx->text, offset);
        at = ctx->cursor;
    }
    g_array_append_val(ctx->positions, at);
    g_hash_table_insert(ctx->pos, node, GUINT_TO_POINTER(ctx->positions->len));
}
static void on_member(JsonParser *parser, JsonObject *obj, const gchar *name, gpointer data)
{
    remember(parser, json_object_get_member(obj, name), data);
}

static void on_element(JsonParser *parser, JsonArray *arr, gint index, gpointer data)
{
    remember(parser, json_array_get_element(arr, (guint)index), data);
}

static jd_value *convert(JsonNode *node, parse_ctx *ctx)
{
    jd_value *v;
    switch (JSON_NODE_TYPE(node)) {
    case JSON_NODE_OBJECT: {
        JsonObject *o = json_node_get_object(node);
        v = jd_value_new_object();
        /* json_object_get_members keeps document order in json-glib >= 1.6 */
        GList *names = json_object_get_members(o);
        for (GList *l = names; l; l = l->next)
            jd_object_set(v, l->data, convert(json_object_get_member(o, l->data), ctx));
        g_list_free(names);
        break;
    }
    case JSON_NODE_ARRAY: {
        JsonArray *a = json_node_get_array(node);
        v = jd_value_new_array();
        for (guint i = 0; i < json_array_get_length(a); i++)
            jd_array_append(v, convert(json_array_get_element(a, i), ctx));
        break;
    }
    case JSON_NODE_VALUE:
        switch (json_node_get_value_type(node)) {
        case G_TYPE_INT64:
            v = jd_value_new_int(json_node_get_int(node));
            break;
        case G_TYPE_DOUBLE:
            v = jd_value_new_double(json_node_get_double(node));
            break;
        case G_TYPE_BOOLEAN:
            v = jd_value_new_bool(json_node_get_boolean(node));
            break;
        default:
            v = jd_value_new_string(json_node_get_string(node));
            break;
        }
        break;
    default:
        v = jd_value_new_null();
        break;
    }
    guint index = GPOINTER_TO_UINT(g_hash_table_lookup(ctx->pos, node));
    if (index) {
        const text_pos *at = &g_array_index(ctx->positions, text_pos, index - 1);
        jd_value_set_pos(v, at->line, at->col);
    }
    return v;
}

jd_value *jd_value_from_json(const char *text, size_t len, const char *file, jd_diags *diags)
{
    const char *bad;
    if (!g_utf8_validate(text, (gssize)len, &bad)) {
        int line, col;
        jd_text_position(text, (size_t)(bad - text), &line, &col);
        jd_diags_add(diags, JD_ERROR, file, line, col, "invalid UTF-8 in JSON text");
        return NULL;
    }
    jd_diags *problems = jd_diags_new();
    if (!prescan(text, len, file, diags, problems)) {
        jd_diags_free(problems);
        return NULL;
    }
    parse_ctx ctx = {text,
                     len,
                     g_array_new(FALSE, FALSE, sizeof(size_t)),
                     g_hash_table_new(g_direct_hash, g_direct_equal),
                     g_array_new(FALSE, FALSE, sizeof(text_pos)),
                     {0, 0, 1}};
    size_t zero = 0;
    g_array_append_val(ctx.line_starts, zero);
    for (size_t i = 0; i < len; i++)
        if (text[i] == '\n') {
            size_t next = i + 1;
            g_array_append_val(ctx.line_starts, next);
        }
    JsonParser *parser = json_parser_new_immutable();
    g_signal_connect(parser, "object-member", G_CALLBACK(on_member), &ctx);
    g_signal_connect(parser, "array-element", G_CALLBACK(on_element), &ctx);
    GError *err = NULL;
    jd_value *result = NULL;
    if (!json_parser_load_from_data(parser, text, (gssize)len, &err)) {
        /* json-glib messages start with "<data>:line:col: Parse error: ..." */
        int line = 0, col = 0;
        const char *msg = err->message;
        if (g_str_has_prefix(msg, "<data>:")) {
            char *end;
            line = (int)strtol(msg + 7, &end, 10);
            if (*end == ':') {
                col = (int)strtol(end + 1, &end, 10);
                msg = end;
                while (*msg == ':' || *msg == ' ')
                    msg++;
            }
        }
        jd_diags_add(diags, JD_ERROR, file, line, col, "invalid JSON: %s", msg);
        g_error_free(err);
    } else {
        JsonNode *root = json_parser_get_root(parser);
        if (jd_diags_count(problems)) {
            jd_diags_append(diags, problems);
        } else if (!root) {
            jd_diags_add(diags, JD_ERROR, file, 1, 1, "empty JSON document");
        } else {
            result = convert(root, &ctx);
            if (jd_value_line(result) == 0)
                jd_value_set_pos(result, 1, 1);
        }
    }
    g_object_unref(parser);
    g_hash_table_destroy(ctx.pos);
    g_array_free(ctx.positions, TRUE);
    g_array_free(ctx.line_starts, TRUE);
    jd_diags_free(problems);
    return result;
}
