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

/* json-glib keeps no positions in its nodes, but reports the current line while it
 * parses; the signal handlers below remember, for each node, where its parse ended. */
typedef struct {
    const char *text;
    size_t len;
    GArray *line_starts; /* byte offset of each line */
    GHashTable *pos;     /* JsonNode* -> packed line << 12 | column */
} parse_ctx;

static void remember(JsonParser *parser, JsonNode *node, parse_ctx *ctx)
{
    if (!node)
        return;
    guint line = json_parser_get_current_line(parser);
    guint byte = json_parser_get_current_pos(parser); /* bytes into the line, from 0 */
    guint col = byte + 1;
    if (line >= 1 && line <= ctx->line_starts->len) {
        /* columns count characters, as everywhere in jindu's messages */
        size_t start = g_array_index(ctx->line_starts, size_t, line - 1);
        size_t end = MIN(ctx->len, start + byte);
        col = (guint)jd_utf8_column(ctx->text + start, end - start);
    }
    g_hash_table_insert(ctx->pos, node, GUINT_TO_POINTER((line << 12) | MIN(col, 4095u)));
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
    guint packed = GPOINTER_TO_UINT(g_hash_table_lookup(ctx->pos, node));
    if (packed)
        jd_value_set_pos(v, (int)(packed >> 12), (int)(packed & 4095u));
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
    parse_ctx ctx = {text, len, g_array_new(FALSE, FALSE, sizeof(size_t)),
                     g_hash_table_new(g_direct_hash, g_direct_equal)};
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
        if (!root) {
            jd_diags_add(diags, JD_ERROR, file, 1, 1, "empty JSON document");
        } else {
            result = convert(root, &ctx);
            if (jd_value_line(result) == 0)
                jd_value_set_pos(result, 1, 1);
        }
    }
    g_object_unref(parser);
    g_hash_table_destroy(ctx.pos);
    g_array_free(ctx.line_starts, TRUE);
    return result;
}
