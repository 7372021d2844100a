/* Canonical JSON text of a value tree, and a strict JSON reader that keeps positions. */
#include "jd_data.h"

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

/* JSON is read here rather than with a library because what jindu needs of a reader is
 * what the general ones lack: every value's line and column, strict RFC 8259 (json-glib
 * takes 0x10, comments and single quotes, turns 99999999999999999999 into -1, cuts
 * strings at \u0000 and keeps the last of two equal keys, all silently), no recursion
 * (a file nested 100,000 deep overflowed json-glib's stack), and one tree in memory
 * rather than the library's plus ours. The reader is a loop over an explicit stack. */

/* How deep arrays and objects may nest: the value tree's own walks (freeing, comparing,
 * writing) recurse, and real data is a few levels deep. */
enum { MAX_JSON_DEPTH = 256 };

/* A position as messages show it: line, and column in characters. */
typedef struct {
    size_t offset;
    int line, col;
} text_pos;

/* An array or object being read: its members so far, and for an object the key whose
 * value comes next and where each member's key was written (for "written twice"). */
typedef struct {
    jd_value *container;
    char *key; /* NULL after a key written twice: its value is read and dropped */
    GArray *key_pos; /* text_pos of each member's key, in member order */
} frame;

typedef struct {
    const char *s;
    size_t len, i;
    text_pos pos; /* of offset pos.offset; moved forward as positions are asked for */
    const char *file;
    jd_diags *diags;
    bool failed; /* a syntax error: reading stops */
    bool bad;    /* an error that lets reading go on (a NUL, a key written twice) */
    GString *buf; /* the string being decoded */
    bool quote;   /* messages may quote the text (jd_file_may_be_quoted) */
    jd_builder *tree; /* one copy of each key for the whole tree; its values' slabs */
} reader;

/* The position of byte `offset`. Positions are asked for in increasing order, so the
 * counting goes on from the last one: linear in the text however long its lines. */
static text_pos pos_at(reader *r, size_t offset)
{
    if (offset < r->pos.offset) r->pos = (text_pos){0, 1, 1};
    for (; r->pos.offset < offset && r->pos.offset < r->len; r->pos.offset++) {
        unsigned char c = (unsigned char)r->s[r->pos.offset];
        if (c == '\n') {
            r->pos.line++;
            r->pos.col = 1;
        } else if ((c & 0xC0) != 0x80) {
            r->pos.col++; /* columns count characters: continuation bytes add nothing */
        }
    }
    return r->pos;
}

static void report(reader *r, size_t offset, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static void report(reader *r, size_t offset, const char *fmt, ...)
{
    text_pos at = pos_at(r, offset);
    va_list ap;
    va_start(ap, fmt);
    char *message = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    jd_diags_add(r->diags, JD_ERROR, r->file, at.line, at.col, "invalid JSON: %s", message);
    g_free(message);
}

#define FAIL(r, offset, ...)                                                                  \
    do {                                                                                       \
        if (!(r)->failed) report((r), (offset), __VA_ARGS__);                                  \
        (r)->failed = true;                                                                    \
    } while (0)

static void skip_space(reader *r)
{
    while (r->i < r->len && strchr(" \t\n\r", r->s[r->i]) && r->s[r->i])
        r->i++;
}

/* What is at the current offset, for "unexpected …" messages: the character, or the end. */
static char *what_is_here(const reader *r)
{
    if (r->i >= r->len) return g_strdup("the end of the text");
    if (!r->quote) return g_strdup("other text");
    const char *p = r->s + r->i;
    const char *end = p;
    while (end < r->s + r->len && (g_ascii_isalnum(*end) || *end == '_') && end - p < 20)
        end++;
    if (end == p) end = g_utf8_next_char(p);
    return g_strdup_printf("'%.*s'", (int)(end - p), p);
}

static void fail_expected(reader *r, const char *expected)
{
    char *here = what_is_here(r);
    FAIL(r, r->i, "expected %s, found %s", expected, here);
    g_free(here);
}

static int hex4(const char *s, size_t avail)
{
    if (avail < 4) return -1;
    int v = 0;
    for (int k = 0; k < 4; k++) {
        if (!g_ascii_isxdigit(s[k])) return -1;
        v = v << 4 | g_ascii_xdigit_value(s[k]);
    }
    return v;
}

/* Reads the string at the current '"' into r->buf; false after a syntax error. */
static bool read_string(reader *r)
{
    size_t start = r->i++;
    g_string_truncate(r->buf, 0);
    for (;;) {
        size_t run = r->i;
        while (r->i < r->len && r->s[r->i] != '"' && r->s[r->i] != '\\' &&
               (unsigned char)r->s[r->i] >= 0x20)
            r->i++;
        g_string_append_len(r->buf, r->s + run, (gssize)(r->i - run));
        if (r->i >= r->len) {
            FAIL(r, start, "the string that starts here is never closed");
            return false;
        }
        char c = r->s[r->i];
        if (c == '"') {
            r->i++;
            return true;
        }
        if (c != '\\') {
            FAIL(r, r->i, "a control character (U+%04X) in a string: write it as an escape "
                          "(\\n, \\t or \\u%04X)",
                 (unsigned)c, (unsigned)c);
            return false;
        }
        size_t escape = r->i;
        char e = r->i + 1 < r->len ? r->s[r->i + 1] : '\0';
        const char *simple = e ? strchr("\"\\/bfnrt", e) : NULL;
        if (simple) {
            g_string_append_c(r->buf, "\"\\/\b\f\n\r\t"[simple - "\"\\/bfnrt"]);
            r->i += 2;
            continue;
        }
        int u = e == 'u' ? hex4(r->s + r->i + 2, r->len - r->i - 2) : -1;
        if (u < 0) {
            FAIL(r, escape, "unknown escape in a string: use \\\", \\\\, \\/, \\b, \\f, \\n, \\r, "
                            "\\t or \\u and four hex digits");
            return false;
        }
        r->i += 6;
        if (u >= 0xD800 && u < 0xDC00) {
            int low = r->i + 1 < r->len && r->s[r->i] == '\\' && r->s[r->i + 1] == 'u'
                          ? hex4(r->s + r->i + 2, r->len - r->i - 2)
                          : -1;
            if (low < 0xDC00 || low >= 0xE000) {
                FAIL(r, escape, "\\u%04X is the first half of a surrogate pair, and the second "
                                "half does not follow",
                     (unsigned)u);
                return false;
            }
            u = 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00);
            r->i += 6;
        } else if (u >= 0xDC00 && u < 0xE000) {
            FAIL(r, escape, "\\u%04X is the second half of a surrogate pair, without the first",
                 (unsigned)u);
            return false;
        }
        if (u == 0) {
            /* json-glib cut the string here: "商务局\u0000/../../evil" became "商务局" */
            report(r, escape, "\\u0000 in a string (text cannot hold a NUL character)");
            r->bad = true;
            continue;
        }
        g_string_append_unichar(r->buf, (gunichar)u);
    }
}

/* A number at the current offset, by RFC 8259's grammar: whole numbers are ints, and one
 * too large for an int is an error rather than a rounded double. */
static jd_value *read_number(reader *r)
{
    size_t start = r->i, k = r->i;
    const char *s = r->s;
    if (k < r->len && s[k] == '-') k++;
    size_t int_start = k;
    while (k < r->len && g_ascii_isdigit(s[k]))
        k++;
    bool ok = k > int_start && !(s[int_start] == '0' && k - int_start > 1);
    bool whole = true;
    if (ok && k < r->len && s[k] == '.') {
        whole = false;
        size_t frac = ++k;
        while (k < r->len && g_ascii_isdigit(s[k]))
            k++;
        ok = k > frac;
    }
    if (ok && k < r->len && (s[k] == 'e' || s[k] == 'E')) {
        whole = false;
        k++;
        if (k < r->len && (s[k] == '+' || s[k] == '-')) k++;
        size_t exp = k;
        while (k < r->len && g_ascii_isdigit(s[k]))
            k++;
        ok = k > exp;
    }
    if (ok && k < r->len && (g_ascii_isalnum(s[k]) || s[k] == '.')) ok = false;
    if (!ok) {
        while (k < r->len && (g_ascii_isalnum(s[k]) || strchr(".+-", s[k])))
            k++;
        FAIL(r, start, "malformed number '%.*s'", r->quote ? (int)MIN(k - start, 40) : 0,
             s + start);
        return NULL;
    }
    char *text = g_strndup(s + start, k - start);
    jd_value *v = NULL;
    if (whole) {
        gint64 n;
        if (g_ascii_string_to_signed(text, 10, G_MININT64, G_MAXINT64, &n, NULL))
            v = jd_value_new_int_in(r->tree, n);
        else
            FAIL(r, start, "the whole number %.40s is too large (write it as a string)", text);
    } else {
        double d = g_ascii_strtod(text, NULL);
        if (isfinite(d))
            v = jd_value_new_double_in(r->tree, d);
        else
            FAIL(r, start, "the number %.40s is too large", text);
    }
    g_free(text);
    r->i = k;
    return v;
}

/* true, false or null at the current offset. */
static jd_value *read_word(reader *r)
{
    static const char *const words[] = {"true", "false", "null"};
    for (size_t w = 0; w < G_N_ELEMENTS(words); w++) {
        size_t n = strlen(words[w]);
        if (r->len - r->i >= n && memcmp(r->s + r->i, words[w], n) == 0 &&
            (r->i + n == r->len || !g_ascii_isalnum(r->s[r->i + n]))) {
            r->i += n;
            return w == 2 ? jd_value_new_null_in(r->tree) : jd_value_new_bool_in(r->tree, w == 0);
        }
    }
    fail_expected(r, "a value");
    return NULL;
}

static void frame_clear(frame *f)
{
    jd_value_unref(f->container);
    g_free(f->key);
    if (f->key_pos) g_array_free(f->key_pos, TRUE);
}

/* Reads `"key":` into the object frame `f`; false after a syntax error. */
static bool read_key(reader *r, frame *f)
{
    skip_space(r);
    if (r->i >= r->len || r->s[r->i] != '"') {
        fail_expected(r, "a key in double quotes");
        return false;
    }
    text_pos at = pos_at(r, r->i);
    if (!read_string(r)) return false;
    g_free(f->key);
    f->key = NULL;
    gssize first = jd_object_index(f->container, r->buf->str);
    if (first >= 0) {
        text_pos before = g_array_index(f->key_pos, text_pos, first);
        char *shown = g_utf8_strlen(r->buf->str, -1) > 40 ? g_utf8_substring(r->buf->str, 0, 40)
                                                            : g_strdup(r->buf->str);
        report(r, at.offset, "key \"%s%s\" written twice in one object (first at line %d, column %d)",
               shown, strlen(shown) < r->buf->len ? "…" : "", before.line, before.col);
        g_free(shown);
        r->bad = true;
    } else {
        f->key = g_strndup(r->buf->str, r->buf->len);
        g_array_append_val(f->key_pos, at);
    }
    skip_space(r);
    if (r->i >= r->len || r->s[r->i] != ':') {
        fail_expected(r, "':' after the key");
        return false;
    }
    r->i++;
    return true;
}

/* Adds a finished value to the innermost open container. */
static void add_to(reader *r, frame *f, jd_value *v)
{
    if (jd_value_kind_of(f->container) == JD_VALUE_ARRAY) {
        jd_array_append(f->container, v);
    } else if (f->key) {
        jd_object_set_with(f->container, r->tree, f->key, v);
        g_free(f->key);
        f->key = NULL;
    } else {
        jd_value_unref(v); /* the value of a key written twice */
    }
}

/* The whole text as one value, or NULL after reporting errors. */
static jd_value *read_text(reader *r)
{
    GArray *stack = g_array_new(FALSE, FALSE, sizeof(frame));
    jd_value *root = NULL;
    while (!r->failed && !root) {
        /* a value starts here */
        skip_space(r);
        if (r->i >= r->len) {
            fail_expected(r, "a value");
            break;
        }
        text_pos at = pos_at(r, r->i);
        char c = r->s[r->i];
        jd_value *v = NULL;
        if (c == '[' || c == '{') {
            if (stack->len == MAX_JSON_DEPTH) {
                FAIL(r, r->i, "arrays and objects nested more than %d deep", MAX_JSON_DEPTH);
                break;
            }
            frame f = {c == '{' ? jd_value_new_object_in(r->tree) : jd_value_new_array_in(r->tree), NULL,
                       c == '{' ? g_array_new(FALSE, FALSE, sizeof(text_pos)) : NULL};
            jd_value_set_pos(f.container, at.line, at.col);
            g_array_append_val(stack, f);
            r->i++;
            skip_space(r);
            if (r->i < r->len && r->s[r->i] == (c == '{' ? '}' : ']')) {
                r->i++;
                v = f.container; /* empty: finished at once */
                g_array_index(stack, frame, stack->len - 1).container = NULL;
                frame_clear(&g_array_index(stack, frame, stack->len - 1));
                g_array_set_size(stack, stack->len - 1);
            } else {
                if (c == '{') read_key(r, &g_array_index(stack, frame, stack->len - 1));
                continue;
            }
        } else if (c == '"') {
            if (read_string(r)) v = jd_value_new_string_len_in(r->tree, r->buf->str, r->buf->len);
        } else if (c == '-' || g_ascii_isdigit(c)) {
            v = read_number(r);
        } else {
            v = read_word(r);
        }
        if (!v) break;
        if (!jd_value_line(v)) jd_value_set_pos(v, at.line, at.col);
        /* the value is finished: add it, then close what it finishes */
        while (v) {
            if (stack->len == 0) {
                root = v;
                break;
            }
            frame *f = &g_array_index(stack, frame, stack->len - 1);
            add_to(r, f, v);
            v = NULL;
            skip_space(r);
            bool object = jd_value_kind_of(f->container) == JD_VALUE_OBJECT;
            char close = object ? '}' : ']';
            if (r->i < r->len && r->s[r->i] == ',') {
                r->i++;
                if (object) read_key(r, f);
            } else if (r->i < r->len && r->s[r->i] == close) {
                r->i++;
                v = f->container;
                f->container = NULL;
                frame_clear(f);
                g_array_set_size(stack, stack->len - 1);
            } else {
                fail_expected(r, object ? "',' or '}' after a member of an object"
                                        : "',' or ']' after an element of a list");
            }
        }
    }
    if (root && !r->failed) {
        skip_space(r);
        if (r->i < r->len) fail_expected(r, "the end of the text after the value");
    }
    for (guint k = 0; k < stack->len; k++)
        frame_clear(&g_array_index(stack, frame, k));
    g_array_free(stack, TRUE);
    if (r->failed || r->bad) {
        jd_value_unref(root);
        return NULL;
    }
    return root;
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
    reader r = {text, len, 0, {0, 1, 1}, file, diags, false, false, g_string_new(NULL),
                jd_file_may_be_quoted(file), jd_builder_new()};
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) r.i = r.pos.offset = 3;
    skip_space(&r);
    jd_value *result = NULL;
    if (r.i >= len)
        jd_diags_add(diags, JD_ERROR, file, 1, 1, "empty JSON document");
    else
        result = read_text(&r);
    g_string_free(r.buf, TRUE);
    jd_builder_free(r.tree);
    return result;
}
