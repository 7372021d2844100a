/* The filters expressions can apply: `x | name(args)`.
 *
 * Conventions, so that a non-strict template prints a missing value as empty text rather
 * than failing: filters that transform one value (text, number and date formatting) pass
 * null through; filters over lists treat null as an empty list. Anything else of the wrong
 * type is an error naming the filter, what it expects and what it got.
 */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "jd_domain.h"
#include "tpl.h"

/* ---- shared helpers ---------------------------------------------------------------- */

const char *tpl_kind_phrase(jd_value_kind k)
{
    switch (k) {
    case JD_VALUE_NULL:
        return "null";
    case JD_VALUE_BOOL:
        return "a bool";
    case JD_VALUE_INT:
        return "an int";
    case JD_VALUE_DOUBLE:
        return "a number";
    case JD_VALUE_STRING:
        return "a string";
    case JD_VALUE_ARRAY:
        return "a list";
    default:
        return "an object";
    }
}

/* "a list", "a string \"abc\"", "an int (5)": the kind, and the value when it is short. */
static char *describe(const jd_value *v)
{
    jd_value_kind k = jd_value_kind_of(v);
    if (k == JD_VALUE_NULL || k == JD_VALUE_ARRAY || k == JD_VALUE_OBJECT)
        return g_strdup(tpl_kind_phrase(k));
    char *text = jd_value_to_text(v);
    if (g_utf8_strlen(text, -1) > 20) {
        char *cut = g_utf8_substring(text, 0, 20);
        g_free(text);
        text = g_strconcat(cut, "…", NULL);
        g_free(cut);
    }
    char *out = k == JD_VALUE_STRING ? g_strdup_printf("%s \"%s\"", tpl_kind_phrase(k), text)
                                     : g_strdup_printf("%s (%s)", tpl_kind_phrase(k), text);
    g_free(text);
    return out;
}

jd_value *tpl_filter_error(const tpl_filter_call *call, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tpl_errorv(call->ev->errs, call->src, call->start, call->end, fmt, ap);
    va_end(ap);
    return NULL;
}

jd_value *tpl_filter_type_error(const tpl_filter_call *call, const char *expected,
                                const jd_value *got)
{
    char *what = describe(got);
    tpl_filter_error(call, "filter '%s' expects %s, got %s", call->name, expected, what);
    g_free(what);
    return NULL;
}

jd_value *tpl_value_member_path(const jd_value *v, const char *path)
{
    const char *p = path;
    jd_value *cur = (jd_value *)v;
    while (cur && *p) {
        const char *dot = strchr(p, '.');
        if (!dot) /* the last part (and most paths have one): no copy needed */
            return jd_object_get(cur, p);
        size_t n = (size_t)(dot - p);
        char *key = g_strndup(p, n);
        cur = jd_object_get(cur, key);
        g_free(key);
        p += n + 1;
    }
    return cur;
}

static int kind_rank(const jd_value *v)
{
    switch (jd_value_kind_of(v)) {
    case JD_VALUE_NULL:
        return 0;
    case JD_VALUE_BOOL:
        return 1;
    case JD_VALUE_INT:
    case JD_VALUE_DOUBLE:
        return 2;
    case JD_VALUE_STRING:
        return 3;
    default:
        return 4;
    }
}

char *tpl_value_identity(const jd_value *v)
{
    /* kind rank first, so 1 and "1" stay distinct while 1 and 1.0 do not */
    char *text = jd_value_is_number(v) ? jd_value_to_text(v) : jd_value_to_json(v, false);
    char *id = g_strdup_printf("%d:%s", kind_rank(v), text);
    g_free(text);
    return id;
}

int tpl_value_compare(const jd_value *a, const jd_value *b)
{
    int ra = kind_rank(a), rb = kind_rank(b);
    if (ra != rb) return ra < rb ? -1 : 1;
    switch (ra) {
    case 1:
        return (int)jd_value_bool(a) - (int)jd_value_bool(b);
    case 2: {
        double x = jd_value_number(a), y = jd_value_number(b);
        return x < y ? -1 : x > y;
    }
    case 3:
        return strcmp(jd_value_string(a), jd_value_string(b));
    default:
        return 0;
    }
}

/* Whether the input can be read as a list (null is an empty one); reports it if not. */
static bool as_list(const tpl_filter_call *call, const jd_value *input)
{
    if (jd_value_kind_of(input) == JD_VALUE_ARRAY || jd_value_is_null(input)) return true;
    tpl_filter_type_error(call, "a list", input);
    return false;
}

/* A number from a number or a string that is one ("12.5" as imported from a sheet). */
static bool as_number(const jd_value *v, double *out)
{
    if (jd_value_is_number(v)) {
        *out = jd_value_number(v);
        return true;
    }
    const char *s = jd_value_string(v);
    if (!s || !*s) return false;
    char *end = NULL;
    double d = g_ascii_strtod(s, &end);
    if (*end || !isfinite(d) || g_ascii_isspace(*s)) return false;
    *out = d;
    return true;
}

/* A whole number in [lo, hi] from an argument, or an error naming what it is for. */
static bool int_arg(const tpl_filter_call *call, const jd_value *arg, const char *what, int lo,
                    int hi, int *out)
{
    double d;
    if (as_number(arg, &d) && d == floor(d) && d >= lo && d <= hi) {
        *out = (int)d;
        return true;
    }
    char *got = describe(arg);
    tpl_filter_error(call, "filter '%s': %s must be a whole number from %d to %d, got %s",
                     call->name, what, lo, hi, got);
    g_free(got);
    return false;
}

static bool string_arg(const tpl_filter_call *call, const jd_value *arg, const char *what,
                       const char **out)
{
    *out = jd_value_string(arg);
    if (*out) return true;
    char *got = describe(arg);
    tpl_filter_error(call, "filter '%s': %s must be a string, got %s", call->name, what, got);
    g_free(got);
    return false;
}

/* Item `path` of a list element; NULL (missing) when the element is not an object. */
static jd_value *attr_of(const jd_value *item, const char *path)
{
    return jd_value_kind_of(item) == JD_VALUE_OBJECT ? tpl_value_member_path(item, path) : NULL;
}

/* ---- text -------------------------------------------------------------------------- */

static jd_value *too_long(const tpl_filter_call *call)
{
    return tpl_filter_error(call, "filter '%s' would make a text longer than %zu MiB", call->name,
                            TPL_MAX_TEXT >> 20);
}

static jd_value *f_length(const tpl_filter_call *call, jd_value *in, jd_value **args, int n)
{
    switch (jd_value_kind_of(in)) {
    case JD_VALUE_NULL:
        return jd_value_new_int(0);
    case JD_VALUE_STRING:
        return jd_value_new_int(g_utf8_strlen(jd_value_string(in), -1));
    case JD_VALUE_ARRAY:
        return jd_value_new_int((int64_t)jd_array_length(in));
    case JD_VALUE_OBJECT:
        return jd_value_new_int((int64_t)jd_object_size(in));
    default:
        return tpl_filter_type_error(call, "a list, a string or an object", in);
    }
}

static jd_value *f_join(const tpl_filter_call *call, jd_value *in, jd_value **args, int n)
{
    const char *sep = "";
    if (n > 0 && !string_arg(call, args[0], "the separator", &sep)) return NULL;
    if (!as_list(call, in)) return NULL;
    GString *out = g_string_new(NULL);
    for (size_t i = 0; i < jd_array_length(in); i++) {
        const jd_value *item = jd_array_get(in, i);
        jd_value_kind k = jd_value_kind_of(item);
        if (k == JD_VALUE_ARRAY || k == JD_VALUE_OBJECT) {
            g_string_free(out, TRUE);
            char *expected = g_strdup_printf("a list of text or numbers (item %zu is %s)", i + 1,
                                             k == JD_VALUE_ARRAY ? "a list" : "an object");
            tpl_filter_error(call, "filter 'join' expects %s", expected);
            g_free(expected);
            return NULL;
        }
        if (i > 0) g_string_append(out, sep);
        char *text = jd_value_to_text(item);
        g_string_append(out, text);
        g_free(text);
        if (out->len > TPL_MAX_TEXT) {
            g_string_free(out, TRUE);
            return too_long(call);
        }
    }
    return jd_value_new_string_take(g_string_free(out, FALSE));
}

static jd_value *f_default(const tpl_filter_call *call, jd_value *in, jd_value **args, int n)
{
    bool empty = jd_value_is_null(in) ||
                 (jd_value_kind_of(in) == JD_VALUE_STRING && jd_value_string_len(in) == 0);
    return jd_value_ref(empty ? args[0] : in);
}

/* A string filter's input: true with *s set, or true with *s NULL for null (passed through). */
static bool text_input(const tpl_filter_call *call, const jd_value *in, const char **s)
{
    *s = jd_value_string(in);
    if (*s || jd_value_is_null(in)) return true;
    tpl_filter_type_error(call, "a string", in);
    return false;
}

static jd_value *f_upper(const tpl_filter_call *call, jd_value *in, jd_value **args, int n)
{
    const char *s;
    if (!text_input(call, in, &s)) return NULL;
    return s ? jd_value_new_string_take(g_utf8_strup(s, -1)) : jd_value_ref(in);
}

static jd_value *f_lower(const tpl_filter_call *call, jd_value *in, jd_value **args, int n)
{
    const char *s;
    if (!text_input(call, in, &s)) return NULL;
    return s ? jd_value_new_string_take(g_utf8_strdown(s, -1)) : jd_value_ref(in);
}

/* Trims Unicode white space, so the ideographic space (U+3000) of Chinese sheets goes too. */
/* Whether `c` is one of `chars` (UTF-8), or white space when `chars` is NULL. */
static bool trimmed(gunichar c, const char *chars)
{
    if (!chars) return g_unichar_isspace(c);
    for (const char *p = chars; *p; p = g_utf8_next_char(p))
        if (g_utf8_get_char(p) == c) return true;
    return false;
}

/* White space at both ends dropped, or with an argument the characters it lists: a
 * problem reported as "资金未到位。" goes into a sentence as `trim('。；， ')`. */
static jd_value *f_trim(const tpl_filter_call *call, jd_value *in, jd_value **args, int n)
{
    const char *s, *chars = NULL;
    if (n > 0 && !string_arg(call, args[0], "the characters to drop", &chars)) return NULL;
    if (!text_input(call, in, &s)) return NULL;
    if (!s) return jd_value_ref(in);
    const char *start = s, *end = s + strlen(s);
    while (start < end && trimmed(g_utf8_get_char(start), chars))
        start = g_utf8_next_char(start);
    while (end > start) {
        const char *prev = g_utf8_prev_char(end);
        if (!trimmed(g_utf8_get_char(prev), chars)) break;
        end = prev;
    }
    return jd_value_new_string_len(start, (size_t)(end - start));
}

static jd_value *f_replace(const tpl_filter_call *call, jd_value *in, jd_value **args, int n)
{
    const char *s, *from, *to;
    if (!string_arg(call, args[0], "the text to replace", &from) ||
        !string_arg(call, args[1], "the replacement", &to) || !text_input(call, in, &s))
        return NULL;
    if (!*from) return tpl_filter_error(call, "filter 'replace': the text to replace is empty");
    if (!s) return jd_value_ref(in);
    GString *out = g_string_new(NULL);
    size_t from_len = strlen(from);
    for (const char *p = s, *hit; *p; p = hit + from_len) {
        hit = strstr(p, from);
        if (!hit) {
            g_string_append(out, p);
            break;
        }
        g_string_append_len(out, p, hit - p);
        g_string_append(out, to);
        if (out->len > TPL_MAX_TEXT) {
            g_string_free(out, TRUE);
            return too_long(call);
        }
    }
    return jd_value_new_string_take(g_string_free(out, FALSE));
}

/* ---- numbers ----------------------------------------------------------------------- */

/* A number filter's input: true with *d set, or true with !*present for null (passed through). */
static bool number_input(const tpl_filter_call *call, const jd_value *in, double *d, bool *present)
{
    *present = !jd_value_is_null(in);
    if (!*present || as_number(in, d)) return true;
    tpl_filter_type_error(call, "a number", in);
    return false;
}

static char *fixed(double d, int decimals)
{
    char fmt[16], buf[G_ASCII_DTOSTR_BUF_SIZE + 64];
    g_snprintf(fmt, sizeof fmt, "%%.%df", decimals);
    g_ascii_formatd(buf, sizeof buf, fmt, d);
    /* no "-0" or "-0.00" for values that round to zero */
    if (buf[0] == '-' && strspn(buf + 1, "0.") == strlen(buf + 1)) return g_strdup(buf + 1);
    return g_strdup(buf);
}

static jd_value *format_number(const tpl_filter_call *call, jd_value *in, jd_value **args, int n,
                               double scale, const char *suffix)
{
    int decimals = 0;
    if (n > 0 && !int_arg(call, args[0], "the number of decimals", 0, 10, &decimals)) return NULL;
    double d;
    bool present;
    if (!number_input(call, in, &d, &present)) return NULL;
    if (!present) return jd_value_ref(in);
    if (fabs(d * scale) >= 1e18)
        return tpl_filter_error(call, "filter '%s': %g is too large to print", call->name, d);
    char *text = fixed(d * scale, decimals);
    char *out = g_strconcat(text, suffix, NULL);
    g_free(text);
    return jd_value_new_string_take(out);
}

static jd_value *f_number(const tpl_filter_call *call, jd_value *in, jd_value **args, int n)
{
    return format_number(call, in, args, n, 1, "");
}

static jd_value *f_percent(const tpl_filter_call *call, jd_value *in, jd_value **args, int n)
{
    return format_number(call, in, args, n, 100, "%");
}

static const char *const cn_digits[] = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"};

static jd_value *f_cn_number(const tpl_filter_call *call, jd_value *in, jd_value **args, int n)
{
    double d;
    bool present;
    if (!number_input(call, in, &d, &present)) return NULL;
    if (!present) return jd_value_ref(in);
    if (d != floor(d) || d < 0 || d > 9999) {
        char *got = describe(in);
        tpl_filter_error(call, "filter 'cn_number' expects a whole number from 0 to 9999, got %s",
                         got);
        g_free(got);
        return NULL;
    }
    int v = (int)d;
    if (v == 0) return jd_value_new_string("零");
    static const char *const units[] = {"", "十", "百", "千"};
    GString *out = g_string_new(NULL);
    if (v >= 10 && v < 20) {
        /* 十, 十一 … 十九: no leading 一 */
        g_string_append(out, "十");
        if (v % 10) g_string_append(out, cn_digits[v % 10]);
        return jd_value_new_string_take(g_string_free(out, FALSE));
    }
    bool started = false, zero_pending = false;
    for (int pos = 3, div = 1000; pos >= 0; pos--, div /= 10) {
        int digit = v / div % 10;
        if (digit == 0) {
            zero_pending = started;
            continue;
        }
        if (zero_pending) g_string_append(out, "零");
        g_string_append(out, cn_digits[digit]);
        g_string_append(out, units[pos]);
        started = true;
        zero_pending = false;
    }
    return jd_value_new_string_take(g_string_free(out, FALSE));
}

static jd_value *f_quarter_name(const tpl_filter_call *call, jd_value *in, jd_value **args, int n)
{
    double d;
    bool present;
    if (!number_input(call, in, &d, &present)) return NULL;
    if (!present) return jd_value_ref(in);
    if (d != floor(d) || d < 1 || d > 4) {
        char *got = describe(in);
        tpl_filter_error(call, "filter 'quarter_name' expects a quarter from 1 to 4, got %s", got);
        g_free(got);
        return NULL;
    }
    return jd_value_new_string_take(g_strdup_printf("第%s季度", cn_digits[(int)d]));
}

/* ---- dates ------------------------------------------------------------------------- */

/* "YYYY-MM-DD", optionally followed by a time ("T08:00:00+08:00" or " 08:00"). */
static bool parse_date(const char *s, int *y, int *m, int *d)
{
    if (!s || strlen(s) < 10) return false;
    for (int i = 0; i < 10; i++)
        if (i == 4 || i == 7 ? s[i] != '-' : !g_ascii_isdigit(s[i])) return false;
    if (s[10] && s[10] != 'T' && s[10] != ' ') return false;
    *y = atoi(s);
    *m = atoi(s + 5);
    *d = atoi(s + 8);
    return g_date_valid_dmy((GDateDay)*d, (GDateMonth)*m, (GDateYear)*y);
}

static bool date_input(const tpl_filter_call *call, const jd_value *in, int *y, int *m, int *d,
                       bool *present)
{
    *present = !jd_value_is_null(in);
    if (!*present || parse_date(jd_value_string(in), y, m, d)) return true;
    tpl_filter_type_error(call, "a date like 2023-01-17", in);
    return false;
}

/* strftime-like: %Y %m %d %-m %-d %%. */
static bool format_percent(const tpl_filter_call *call, const char *fmt, int y, int m, int d,
                           GString *out)
{
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            g_string_append_c(out, *p);
            continue;
        }
        bool no_pad = p[1] == '-';
        char c = p[no_pad ? 2 : 1];
        if (c == 'Y' && !no_pad)
            g_string_append_printf(out, "%04d", y);
        else if (c == 'm')
            g_string_append_printf(out, no_pad ? "%d" : "%02d", m);
        else if (c == 'd')
            g_string_append_printf(out, no_pad ? "%d" : "%02d", d);
        else if (c == '%' && !no_pad)
            g_string_append_c(out, '%');
        else {
            int len = c ? (no_pad ? 3 : 2) : (no_pad ? 2 : 1);
            tpl_filter_error(call, "filter 'date': unknown directive '%.*s' in the format", len, p);
            return false;
        }
        p += no_pad ? 2 : 1;
    }
    return true;
}

/* By example, on the reference date 2023-01-17: 2023 is the year, 01 the month with two
 * digits, 1 the month, 17 the day (two digits when the month has two). */
static bool format_example(const tpl_filter_call *call, const char *fmt, int y, int m, int d,
                           GString *out)
{
    bool two_digit = strstr(fmt, "01") != NULL;
    for (const char *p = fmt; *p;) {
        if (!g_ascii_isdigit(*p)) {
            g_string_append_c(out, *p++);
            continue;
        }
        size_t n = strspn(p, "0123456789");
        if (n == 4 && strncmp(p, "2023", 4) == 0)
            g_string_append_printf(out, "%04d", y);
        else if (n == 2 && strncmp(p, "01", 2) == 0)
            g_string_append_printf(out, "%02d", m);
        else if (n == 1 && *p == '1')
            g_string_append_printf(out, "%d", m);
        else if (n == 2 && strncmp(p, "17", 2) == 0)
            g_string_append_printf(out, two_digit ? "%02d" : "%d", d);
        else {
            tpl_filter_error(
                call,
                "filter 'date': '%.*s' in the format is not part of the reference date "
                "2023-01-17 (use 2023, 01 or 1, 17, or %%Y %%m %%d)",
                (int)n, p);
            return false;
        }
        p += n;
    }
    return true;
}

static jd_value *f_date(const tpl_filter_call *call, jd_value *in, jd_value **args, int n)
{
    const char *fmt;
    if (!string_arg(call, args[0], "the format", &fmt)) return NULL;
    int y = 0, m = 0, d = 0;
    bool present;
    if (!date_input(call, in, &y, &m, &d, &present)) return NULL;
    if (!present) return jd_value_ref(in);
    GString *out = g_string_new(NULL);
    bool ok = strchr(fmt, '%') ? format_percent(call, fmt, y, m, d, out)
                               : format_example(call, fmt, y, m, d, out);
    if (!ok) {
        g_string_free(out, TRUE);
        return NULL;
    }
    return jd_value_new_string_take(g_string_free(out, FALSE));
}

static jd_value *f_cn_date(const tpl_filter_call *call, jd_value *in, jd_value **args, int n)
{
    int y = 0, m = 0, d = 0;
    bool present;
    if (!date_input(call, in, &y, &m, &d, &present)) return NULL;
    if (!present) return jd_value_ref(in);
    return jd_value_new_string_take(g_strdup_printf("%d年%d月%d日", y, m, d));
}

/* ---- lists ------------------------------------------------------------------------- */

/* The values a list filter works on: the items, or their member `attr` when given. */
static jd_value *item_or_attr(const jd_value *item, const char *attr)
{
    return attr ? attr_of(item, attr) : (jd_value *)item;
}

static bool optional_attr(const tpl_filter_call *call, jd_value **args, int n, const char **attr)
{
    *attr = NULL;
    return n == 0 || string_arg(call, args[0], "the member name", attr);
}

static jd_value *f_sum(const tpl_filter_call *call, jd_value *in, jd_value **args, int n)
{
    const char *attr;
    if (!optional_attr(call, args, n, &attr) || !as_list(call, in)) return NULL;
    int64_t isum = 0;
    double dsum = 0;
    bool all_int = true;
    for (size_t i = 0; i < jd_array_length(in); i++) {
        const jd_value *v = item_or_attr(jd_array_get(in, i), attr);
        if (jd_value_is_null(v)) continue;
        double d;
        if (!as_number(v, &d)) {
            char *got = describe(v);
            tpl_filter_error(call, "filter 'sum' expects a list of numbers, item %zu is %s", i + 1,
                             got);
            g_free(got);
            return NULL;
        }
        dsum += d;
        if (all_int && jd_value_kind_of(v) == JD_VALUE_INT &&
            !__builtin_add_overflow(isum, jd_value_int(v), &isum))
            continue;
        all_int = false;
    }
    return all_int ? jd_value_new_int(isum) : jd_value_new_double(dsum);
}

static jd_value *extreme(const tpl_filter_call *call, jd_value *in, jd_value **args, int n,
                         int sign)
{
    const char *attr;
    if (!optional_attr(call, args, n, &attr) || !as_list(call, in)) return NULL;
    const jd_value *best = NULL;
    for (size_t i = 0; i < jd_array_length(in); i++) {
        const jd_value *v = item_or_attr(jd_array_get(in, i), attr);
        if (jd_value_is_null(v)) continue;
        if (!jd_value_is_number(v) && jd_value_kind_of(v) != JD_VALUE_STRING) {
            char *got = describe(v);
            tpl_filter_error(call, "filter '%s' expects numbers or strings, item %zu is %s",
                             call->name, i + 1, got);
            g_free(got);
            return NULL;
        }
        if (best && jd_value_is_number(best) != jd_value_is_number(v))
            return tpl_filter_error(call, "filter '%s' cannot compare numbers with strings",
                                    call->name);
        if (!best || tpl_value_compare(v, best) * sign > 0) best = v;
    }
    return best ? jd_value_ref((jd_value *)best) : jd_value_new_null();
}

static jd_value *f_min(const tpl_filter_call *call, jd_value *in, jd_value **args, int n)
{
    return extreme(call, in, args, n, -1);
}

static jd_value *f_max(const tpl_filter_call *call, jd_value *in, jd_value **args, int n)
{
    return extreme(call, in, args, n, 1);
}

/* Items whose member `attr` equals `value` (or, without a value, is true). */
static bool matches(const jd_value *item, const char *attr, const jd_value *value)
{
    const jd_value *v = attr_of(item, attr);
    return value ? jd_value_equal(v, value) : tpl_truthy(v);
}

static jd_value *f_count(const tpl_filter_call *call, jd_value *in, jd_value **args, int n)
{
    const char *attr;
    if (!optional_attr(call, args, n, &attr) || !as_list(call, in)) return NULL;
    if (!attr) return jd_value_new_int((int64_t)jd_array_length(in));
    int64_t count = 0;
    for (size_t i = 0; i < jd_array_length(in); i++)
        count += matches(jd_array_get(in, i), attr, n > 1 ? args[1] : NULL);
    return jd_value_new_int(count);
}

/* The items whose member `attr` equals the value (or, without one, is true) when `keep`,
 * the others when not: select and reject. */
static jd_value *filter_items(const tpl_filter_call *call, jd_value *in, jd_value **args, int n, bool keep)
{
    const char *attr;
    if (!optional_attr(call, args, n, &attr) || !as_list(call, in)) return NULL;
    jd_value *out = jd_value_new_array();
    for (size_t i = 0; i < jd_array_length(in); i++) {
        jd_value *item = jd_array_get(in, i);
        if (matches(item, attr, n > 1 ? args[1] : NULL) == keep) jd_array_append(out, jd_value_ref(item));
    }
    return out;
}

static jd_value *f_select(const tpl_filter_call *call, jd_value *in, jd_value **args, int n)
{
    return filter_items(call, in, args, n, true);
}

/* The items select would drop. */
static jd_value *f_reject(const tpl_filter_call *call, jd_value *in, jd_value **args, int n)
{
    return filter_items(call, in, args, n, false);
}

/* The list cut into lists of `size` items (the last may have fewer): a chart or a table
 * of at most `size` rows each, however long the data. */
static jd_value *f_batch(const tpl_filter_call *call, jd_value *in, jd_value **args, int n)
{
    int size;
    if (!int_arg(call, args[0], "the size of a batch", 1, 1000000, &size) || !as_list(call, in)) return NULL;
    jd_value *out = jd_value_new_array(), *part = NULL;
    for (size_t i = 0; i < jd_array_length(in); i++) {
        if (i % (size_t)size == 0) {
            part = jd_value_new_array();
            jd_array_append(out, part);
        }
        jd_array_append(part, jd_value_ref(jd_array_get(in, i)));
    }
    return out;
}

/* An object's members as a list of {key, value}, in order, so that a template can loop
 * over counts by state: `counts | items | select('value')`. */
static jd_value *f_items(const tpl_filter_call *call, jd_value *in, jd_value **args, int n)
{
    if (jd_value_is_null(in)) return jd_value_new_array();
    if (jd_value_kind_of(in) != JD_VALUE_OBJECT) return tpl_filter_type_error(call, "an object", in);
    jd_value *out = jd_value_new_array();
    for (size_t i = 0; i < jd_object_size(in); i++) {
        jd_value *pair = jd_value_new_object();
        jd_object_set(pair, "key", jd_value_new_string(jd_object_key(in, i)));
        jd_object_set(pair, "value", jd_value_ref(jd_object_value(in, i)));
        jd_array_append(out, pair);
    }
    return out;
}

/* Each number's share of the total as text ("12.2%"), rounded so that the shares add up to
 * exactly 100% — as a pie chart's legend prints them, so a sentence and the chart beside it
 * agree. On an object (counts by state) an object with the same keys; on a list a list. */
static jd_value *f_shares(const tpl_filter_call *call, jd_value *in, jd_value **args, int n)
{
    int decimals = 1;
    if (n > 0 && !int_arg(call, args[0], "the number of decimals", 0, 3, &decimals)) return NULL;
    bool object = jd_value_kind_of(in) == JD_VALUE_OBJECT;
    if (!object && !as_list(call, in)) return NULL;
    size_t count = object ? jd_object_size(in) : jd_array_length(in);
    double *values = g_new(double, count ? count : 1);
    for (size_t i = 0; i < count; i++) {
        const jd_value *v = object ? jd_object_value(in, i) : jd_array_get(in, i);
        if (!as_number(v, &values[i]) || values[i] < 0) {
            char *got = describe(v);
            char *which = object ? g_strdup_printf("'%s'", jd_object_key(in, i)) : g_strdup_printf("item %zu", i + 1);
            tpl_filter_error(call, "filter 'shares': %s must be a number of at least 0, got %s", which, got);
            g_free(which);
            g_free(got);
            g_free(values);
            return NULL;
        }
    }
    long *units = g_new(long, count ? count : 1);
    jd_shares(values, count, decimals, units);
    jd_value *out = object ? jd_value_new_object() : jd_value_new_array();
    for (size_t i = 0; i < count; i++) {
        jd_value *text = jd_value_new_string_take(jd_share_text(units[i], decimals));
        if (object)
            jd_object_set(out, jd_object_key(in, i), text);
        else
            jd_array_append(out, text);
    }
    g_free(units);
    g_free(values);
    return out;
}

bool tpl_list_has(const jd_value *list, const jd_value *value)
{
    for (size_t i = 0; i < jd_array_length(list); i++)
        if (jd_value_equal(jd_array_get(list, i), value)) return true;
    return false;
}

/* Items whose list member `attr` holds `value`: the unit rows naming a unit,
 * `t.units | having("names", "商务局")`. */
static jd_value *f_having(const tpl_filter_call *call, jd_value *in, jd_value **args, int n)
{
    const char *attr;
    if (!string_arg(call, args[0], "the member", &attr) || !as_list(call, in)) return NULL;
    jd_value *out = jd_value_new_array();
    for (size_t i = 0; i < jd_array_length(in); i++) {
        jd_value *item = jd_array_get(in, i);
        if (tpl_list_has(attr_of(item, attr), args[1])) jd_array_append(out, jd_value_ref(item));
    }
    return out;
}

/* The list without the items equal to `value`. */
static jd_value *f_without(const tpl_filter_call *call, jd_value *in, jd_value **args, int n)
{
    if (!as_list(call, in)) return NULL;
    jd_value *out = jd_value_new_array();
    for (size_t i = 0; i < jd_array_length(in); i++)
        if (!jd_value_equal(jd_array_get(in, i), args[0]))
            jd_array_append(out, jd_value_ref(jd_array_get(in, i)));
    return out;
}

static jd_value *f_map(const tpl_filter_call *call, jd_value *in, jd_value **args, int n)
{
    const char *attr;
    if (!optional_attr(call, args, n, &attr) || !as_list(call, in)) return NULL;
    jd_value *out = jd_value_new_array();
    for (size_t i = 0; i < jd_array_length(in); i++) {
        jd_value *v = attr_of(jd_array_get(in, i), attr);
        jd_array_append(out, v ? jd_value_ref(v) : jd_value_new_null());
    }
    return out;
}

typedef struct {
    const char *key;
    int sign;
} sort_spec;

static gint sort_cmp(gconstpointer a, gconstpointer b, gpointer data)
{
    const sort_spec *spec = data;
    const jd_value *x = *(jd_value *const *)a, *y = *(jd_value *const *)b;
    return spec->sign * tpl_value_compare(item_or_attr(x, spec->key), item_or_attr(y, spec->key));
}

/* sort, sort("key"), sort("-key") (descending); stable. */
static jd_value *f_sort(const tpl_filter_call *call, jd_value *in, jd_value **args, int n)
{
    const char *attr;
    if (!optional_attr(call, args, n, &attr) || !as_list(call, in)) return NULL;
    sort_spec spec = {attr, 1};
    if (attr && attr[0] == '-') {
        spec.key = attr + 1;
        spec.sign = -1;
    }
    GPtrArray *items = g_ptr_array_new();
    for (size_t i = 0; i < jd_array_length(in); i++)
        g_ptr_array_add(items, jd_array_get(in, i));
    g_ptr_array_sort_with_data(items, sort_cmp, &spec);
    jd_value *out = jd_value_new_array();
    for (guint i = 0; i < items->len; i++)
        jd_array_append(out, jd_value_ref(g_ptr_array_index(items, i)));
    g_ptr_array_free(items, TRUE);
    return out;
}

static jd_value *f_unique(const tpl_filter_call *call, jd_value *in, jd_value **args, int n)
{
    if (!as_list(call, in)) return NULL;
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    jd_value *out = jd_value_new_array();
    for (size_t i = 0; i < jd_array_length(in); i++) {
        jd_value *item = jd_array_get(in, i);
        char *key = tpl_value_identity(item);
        if (g_hash_table_add(seen, key)) jd_array_append(out, jd_value_ref(item));
    }
    g_hash_table_destroy(seen);
    return out;
}

static jd_value *f_first(const tpl_filter_call *call, jd_value *in, jd_value **args, int n)
{
    if (!as_list(call, in)) return NULL;
    size_t len = jd_array_length(in);
    return len ? jd_value_ref(jd_array_get(in, 0)) : jd_value_new_null();
}

static jd_value *f_last(const tpl_filter_call *call, jd_value *in, jd_value **args, int n)
{
    if (!as_list(call, in)) return NULL;
    size_t len = jd_array_length(in);
    return len ? jd_value_ref(jd_array_get(in, len - 1)) : jd_value_new_null();
}

static jd_value *f_flatten(const tpl_filter_call *call, jd_value *in, jd_value **args, int n)
{
    if (!as_list(call, in)) return NULL;
    jd_value *out = jd_value_new_array();
    for (size_t i = 0; i < jd_array_length(in); i++) {
        jd_value *item = jd_array_get(in, i);
        if (jd_value_kind_of(item) == JD_VALUE_ARRAY)
            for (size_t k = 0; k < jd_array_length(item); k++)
                jd_array_append(out, jd_value_ref(jd_array_get(item, k)));
        else
            jd_array_append(out, jd_value_ref(item));
    }
    return out;
}

/* The plan text in force in a quarter: the text of every segment from..to that covers it
 * (one in a valid list), or null when the quarter has no plan. */
static jd_value *f_segments_for(const tpl_filter_call *call, jd_value *in, jd_value **args, int n)
{
    int quarter;
    if (!int_arg(call, args[0], "the quarter", 1, 4, &quarter)) return NULL;
    const jd_value *plan = in;
    if (jd_value_kind_of(in) == JD_VALUE_OBJECT) {
        plan = jd_object_get(in, "plan");
        if (!plan) return tpl_filter_type_error(call, "a unit with a plan, or a plan list", in);
    }
    if (jd_value_is_null(plan)) return jd_value_new_null();
    if (jd_value_kind_of(plan) != JD_VALUE_ARRAY)
        return tpl_filter_type_error(call, "a unit with a plan, or a plan list", in);
    GString *text = NULL;
    for (size_t i = 0; i < jd_array_length(plan); i++) {
        const jd_value *seg = jd_array_get(plan, i);
        const jd_value *from = jd_object_get(seg, "from"), *to = jd_object_get(seg, "to");
        if (!jd_value_is_number(from) || !jd_value_is_number(to)) {
            if (text) g_string_free(text, TRUE);
            return tpl_filter_error(call,
                                    "filter 'segments_for': plan segment %zu has no numbers "
                                    "'from' and 'to'",
                                    i + 1);
        }
        if (jd_value_number(from) > quarter || jd_value_number(to) < quarter) continue;
        char *t = jd_value_to_text(jd_object_get(seg, "text"));
        if (text)
            g_string_append_printf(text, "\n%s", t);
        else
            text = g_string_new(t);
        g_free(t);
    }
    return text ? jd_value_new_string_take(g_string_free(text, FALSE)) : jd_value_new_null();
}

/* ---- progress ---------------------------------------------------------------------- */

bool tpl_period_arg(const tpl_filter_call *call, const jd_value *arg, jd_period *out)
{
    char *text = jd_value_to_text(arg);
    bool ok = jd_period_parse(text, out);
    if (!ok)
        tpl_filter_error(call, "filter '%s': '%s' is not a reporting period (2023Q2, 2023-05, "
                         "2023年第二季度…)", call->name, text);
    g_free(text);
    return ok;
}

/* What a unit row reports for a period (a "未报送" object when nothing). */
static jd_value *f_report(const tpl_filter_call *call, jd_value *in, jd_value **args, int n)
{
    jd_period period;
    if (!tpl_period_arg(call, args[0], &period)) return NULL;
    if (jd_value_kind_of(in) != JD_VALUE_OBJECT || !jd_object_get(in, "names"))
        return tpl_filter_type_error(call, "a unit row of a task list", in);
    if (n < 2) return jd_progress_report(in, &period);
    /* report(period, unit): one unit of a row that several share (a unit's own sheet) */
    if (jd_value_kind_of(args[1]) != JD_VALUE_STRING) return tpl_filter_type_error(call, "a unit's name", args[1]);
    const char *unit = jd_value_string(args[1]);
    const jd_value *names = jd_object_get(in, "names");
    bool named = false;
    for (size_t i = 0; i < jd_array_length(names) && !named; i++)
        named = g_strcmp0(jd_value_string(jd_array_get(names, i)), unit) == 0;
    if (!named) {
        char *row = jd_value_to_text(names);
        tpl_filter_error(call, "report(period, unit): '%s' is not one of the row's units (%s)", unit, row);
        g_free(row);
        return NULL;
    }
    return jd_progress_report_of(in, &period, unit);
}

/* The quarter (1–4) of a period. */
static jd_value *f_quarter_of(const tpl_filter_call *call, jd_value *in, jd_value **args, int n)
{
    jd_period period;
    if (!tpl_period_arg(call, in, &period)) return NULL;
    return jd_value_new_int(period.quarter);
}

/* The year of a period, so that a template taking a period needs no year beside it (one
 * that disagreed would show reports of the wrong year as 未报送). */
static jd_value *f_year_of(const tpl_filter_call *call, jd_value *in, jd_value **args, int n)
{
    jd_period period;
    if (!tpl_period_arg(call, in, &period)) return NULL;
    return jd_value_new_int(period.year);
}

/* "2023年第二季度", "2023年5月". */
static jd_value *f_period_name(const tpl_filter_call *call, jd_value *in, jd_value **args, int n)
{
    jd_period period;
    if (!tpl_period_arg(call, in, &period)) return NULL;
    return jd_value_new_string_take(jd_period_name(&period));
}

/* The states a project allows, in order: what the merge recorded on the list (`states`), or
 * the default four. */
static void configured_states(const tpl_filter_call *call, const jd_value *in, jd_value *counts)
{
    const jd_value *states = jd_object_get(in, "states");
    if (!states) states = jd_object_get(jd_object_get(call->ev->globals, "list"), "states");
    for (size_t i = 0; i < jd_array_length(states); i++)
        if (jd_value_string(jd_array_get(states, i)))
            jd_object_set(counts, jd_value_string(jd_array_get(states, i)), jd_value_new_int(0));
    for (const char *const *s = jd_progress_default_states(); !states && *s; s++)
        jd_object_set(counts, *s, jd_value_new_int(0));
}

/* How many unit rows of a list of tasks (or of a task list's `tasks`) are in each state
 * for a period: every configured state, with 0 when no row is in it, so that counts["滞后"]
 * works in a quarter without 滞后 as in one with; then any other state met; 未报送 last. */
static jd_value *f_state_counts(const tpl_filter_call *call, jd_value *in, jd_value **args, int n)
{
    jd_period period;
    if (!tpl_period_arg(call, args[0], &period)) return NULL;
    jd_value *counts = jd_value_new_object();
    configured_states(call, in, counts);
    const jd_value *tasks = jd_value_kind_of(in) == JD_VALUE_OBJECT ? jd_object_get(in, "tasks") : in;
    if (!as_list(call, tasks ? tasks : in)) {
        jd_value_unref(counts);
        return NULL;
    }
    int64_t missing = 0;
    for (size_t t = 0; t < jd_array_length(tasks); t++) {
        const jd_value *units = jd_object_get(jd_array_get(tasks, t), "units");
        for (size_t u = 0; u < jd_array_length(units); u++) {
            const char *state = jd_progress_report_state(jd_array_get(units, u), &period);
            if (strcmp(state, JD_STATE_NOT_REPORTED) == 0)
                missing++;
            else
                jd_object_set(counts, state, jd_value_new_int(jd_object_get_int(counts, state, 0) + 1));
        }
    }
    jd_object_set(counts, JD_STATE_NOT_REPORTED, jd_value_new_int(missing));
    return counts;
}

/* ---- table ------------------------------------------------------------------------- */

static const tpl_filter filters[] = {
    {"batch", 1, 1, f_batch},
    {"cn_date", 0, 0, f_cn_date},
    {"cn_number", 0, 0, f_cn_number},
    {"count", 0, 2, f_count},
    {"cumulative_name", 0, 0, tpl_f_cumulative_name},
    {"date", 1, 1, f_date},
    {"default", 1, 1, f_default},
    {"first", 0, 0, f_first},
    {"flatten", 0, 0, f_flatten},
    {"having", 2, 2, f_having},
    {"indicator_counts", 1, 1, tpl_f_indicator_counts},
    {"indicator_status", 1, 2, tpl_f_indicator_status},
    {"items", 0, 0, f_items},
    {"join", 0, 1, f_join},
    {"last", 0, 0, f_last},
    {"length", 0, 0, f_length},
    {"lower", 0, 0, f_lower},
    {"map", 1, 1, f_map},
    {"max", 0, 1, f_max},
    {"min", 0, 1, f_min},
    {"missing_reports", 1, 1, tpl_f_missing_reports},
    {"number", 0, 1, f_number},
    {"percent", 0, 1, f_percent},
    {"period_name", 0, 0, f_period_name},
    {"quarter_of", 0, 0, f_quarter_of},
    {"quarter_name", 0, 0, f_quarter_name},
    {"reject", 1, 2, f_reject},
    {"replace", 2, 2, f_replace},
    {"report", 1, 2, f_report},
    {"segments_for", 1, 1, f_segments_for},
    {"select", 1, 2, f_select},
    {"shares", 0, 1, f_shares},
    {"sort", 0, 1, f_sort},
    {"state_counts", 1, 1, f_state_counts},
    {"sum", 0, 1, f_sum},
    {"task_counts", 1, 1, tpl_f_task_counts},
    {"task_states", 1, 1, tpl_f_task_states},
    {"trim", 0, 1, f_trim},
    {"unique", 0, 0, f_unique},
    {"unit_reports", 1, 1, tpl_f_unit_reports},
    {"upper", 0, 0, f_upper},
    {"without", 1, 1, f_without},
    {"year_of", 0, 0, f_year_of},
};

char *tpl_filter_closest(const char *name, size_t len)
{
    const char **names = g_new0(const char *, G_N_ELEMENTS(filters) + 1);
    for (size_t i = 0; i < G_N_ELEMENTS(filters); i++)
        names[i] = filters[i].name;
    char *word = g_strndup(name, len);
    char *near = jd_closest_name(word, names);
    g_free(word);
    g_free(names);
    return near;
}

const tpl_filter *tpl_filter_find(const char *name, size_t len)
{
    for (size_t i = 0; i < G_N_ELEMENTS(filters); i++)
        if (filters[i].name[0] == name[0] && strlen(filters[i].name) == len &&
            strncmp(filters[i].name, name, len) == 0)
            return &filters[i];
    return NULL;
}
