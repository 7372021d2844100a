/* Cell text: HTML fragments, flattened paragraphs and stray spaces → clean paragraphs;
 * units and leaders cells → names. The rules are in docs/data-format.md. */
#include <string.h>

#include "jd_import_layers.h"

/* Block-level tags: where an office system's rich-text editor had a paragraph break. */
static bool is_break_tag(const char *name, size_t len)
{
    static const char *const break_tags[] = {"p", "br", "li", "ol", "ul", "div"};
    for (size_t i = 0; i < G_N_ELEMENTS(break_tags); i++)
        if (strlen(break_tags[i]) == len && g_ascii_strncasecmp(name, break_tags[i], len) == 0)
            return true;
    return false;
}

/* Appends the character of the entity at `p` ('&') and returns its length in bytes, or
 * returns 0 if `p` does not start a known, well-formed entity. */
static size_t decode_entity(const char *p, GString *out)
{
    static const struct {
        const char *name;
        gunichar c;
    } named[] = {{"amp", '&'},  {"lt", '<'},    {"gt", '>'},
                 {"quot", '"'}, {"apos", '\''}, {"nbsp", 0xA0}};
    if (p[1] == '#') {
        bool hex = p[2] == 'x' || p[2] == 'X';
        const char *digits = p + 2 + hex;
        size_t n = 0;
        guint32 c = 0;
        /* at most 7 digits: every code point fits and the value cannot overflow */
        while (n < 7 && (hex ? g_ascii_isxdigit(digits[n]) : g_ascii_isdigit(digits[n]))) {
            c = c * (hex ? 16 : 10) +
                (guint32)(hex ? g_ascii_xdigit_value(digits[n]) : g_ascii_digit_value(digits[n]));
            n++;
        }
        if (n == 0 || digits[n] != ';' || c == 0 || !g_unichar_validate(c)) return 0;
        g_string_append_unichar(out, c);
        return (size_t)(digits + n + 1 - p);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(named); i++) {
        size_t len = strlen(named[i].name);
        if (strncmp(p + 1, named[i].name, len) == 0 && p[1 + len] == ';') {
            g_string_append_unichar(out, named[i].c);
            return len + 2;
        }
    }
    return 0;
}

/* Appends `cell` with tags and entities resolved: block tags become '\n', other tags
 * vanish. A '<' is a tag only if a letter or '/' follows and a '>' comes later in the
 * cell, so that text such as "<5%" survives. */
static void html_to_text(const char *cell, GString *out)
{
    const char *last_gt = strrchr(cell, '>');
    for (const char *p = cell; *p;) {
        if (*p == '<' && last_gt && last_gt > p && (g_ascii_isalpha(p[1]) || p[1] == '/')) {
            const char *name = p + (p[1] == '/' ? 2 : 1);
            size_t len = 0;
            while (g_ascii_isalnum(name[len]))
                len++;
            if (is_break_tag(name, len)) g_string_append_c(out, '\n');
            p = strchr(p, '>') + 1;
            continue;
        }
        if (*p == '&') {
            size_t used = decode_entity(p, out);
            if (used) {
                p += used;
                continue;
            }
        }
        /* the plain text up to the next tag or entity */
        size_t plain = 1 + strcspn(p + 1, "<&");
        g_string_append_len(out, p, (gssize)plain);
        p += plain;
    }
}

static bool is_sentence_end(gunichar c)
{
    return c == 0x3002 /* 。 */ || c == 0xFF1B /* ； */ || c == 0xFF01 /* ！ */ ||
           c == 0xFF1F /* ？ */;
}

static bool is_digit(gunichar c)
{
    return (c >= '0' && c <= '9') || (c >= 0xFF10 && c <= 0xFF19);
}

/* Skips the digits at `p`; NULL if there are none. */
static const char *skip_digits(const char *p)
{
    const char *start = p;
    while (is_digit(g_utf8_get_char(p)))
        p = g_utf8_next_char(p);
    return p == start ? NULL : p;
}

/* "1." "1、" "（1）" "(1)" — but not "4.7", a decimal number. */
static bool is_list_marker(const char *p)
{
    gunichar c = g_utf8_get_char(p);
    if (c == '(' || c == 0xFF08) {
        p = skip_digits(g_utf8_next_char(p));
        c = p ? g_utf8_get_char(p) : 0;
        return c == ')' || c == 0xFF09;
    }
    p = skip_digits(p);
    if (!p) return false;
    c = g_utf8_get_char(p);
    if (c != '.' && c != 0x3001 /* 、 */ && c != 0xFF0E /* ． */) return false;
    return !is_digit(g_utf8_get_char(g_utf8_next_char(p)));
}

/* Ideographs and full-width punctuation: Chinese text has no spaces between them. */
static bool is_cjk(gunichar c)
{
    return g_unichar_get_script(c) == G_UNICODE_SCRIPT_HAN || (c >= 0x3000 && c <= 0x303F) ||
           (c >= 0xFF00 && c <= 0xFFEF);
}

/* The last character written to `out` in the current paragraph, or 0 at its start. */
static gunichar last_char(const GString *out)
{
    if (out->len == 0) return 0;
    gunichar c = g_utf8_get_char(g_utf8_prev_char(out->str + out->len));
    return c == '\n' ? 0 : c;
}

/* Whether `cell` has no tag, no entity and no white space, so that its text is itself, as
 * most cells of a form are (a name, a date, a sentence without breaks). */
static bool is_plain_text(const char *cell)
{
    for (const char *p = cell; *p; p++)
        if (*p == '<' || *p == '&' || jd_text_space_at(p)) return false;
    return true;
}

char *jd_cell_text(const char *cell)
{
    if (is_plain_text(cell)) return g_strdup(cell);
    GString *plain = g_string_new(NULL);
    html_to_text(cell, plain);
    GString *out = g_string_sized_new(plain->len);
    const char *p = plain->str;
    while (*p) {
        const char *run = p;
        while (*p && !jd_text_space_at(p))
            p = g_utf8_next_char(p);
        g_string_append_len(out, run, p - run);
        if (!*p) break;
        bool line_end = false;
        while (*p && jd_text_space_at(p)) {
            line_end |= *p == '\n';
            p = g_utf8_next_char(p);
        }
        gunichar before = last_char(out), after = g_utf8_get_char(p);
        if (before == 0 || after == 0) continue; /* spaces at either end of a paragraph */
        if (line_end || is_sentence_end(before) || (before >= 0x80 && is_list_marker(p)))
            g_string_append_c(out, '\n');
        else if (!(is_cjk(before) && is_cjk(after)))
            g_string_append_c(out, ' ');
    }
    g_string_free(plain, TRUE);
    return g_string_free(out, FALSE);
}

static bool is_name_separator(gunichar c)
{
    return g_unichar_isspace(c) || c == 0x3001 /* 、 */ || c == 0xFF0C /* ， */ || c == ',' ||
           c == 0xFF1B /* ； */ || c == ';';
}

char **jd_cell_names(const char *cell)
{
    GString *plain = g_string_new(NULL);
    html_to_text(cell, plain);
    GPtrArray *names = g_ptr_array_new();
    /* Two-character names are padded to three with a space ("梁 军"), so a run of
     * one-character tokens is one name split by that padding. */
    GString *singles = g_string_new(NULL);
    const char *p = plain->str;
    while (*p) {
        while (*p && is_name_separator(g_utf8_get_char(p)))
            p = g_utf8_next_char(p);
        const char *start = p;
        while (*p && !is_name_separator(g_utf8_get_char(p)))
            p = g_utf8_next_char(p);
        if (p == start) break;
        if (g_utf8_next_char(start) == p) {
            g_string_append_len(singles, start, p - start);
            continue;
        }
        if (singles->len) {
            g_ptr_array_add(names, g_strdup(singles->str));
            g_string_truncate(singles, 0);
        }
        g_ptr_array_add(names, g_strndup(start, (gsize)(p - start)));
    }
    if (singles->len) g_ptr_array_add(names, g_strdup(singles->str));
    g_ptr_array_add(names, NULL);
    g_string_free(singles, TRUE);
    g_string_free(plain, TRUE);
    return (char **)g_ptr_array_free(names, FALSE);
}

char *jd_records_row_text(const jd_records *records, size_t r)
{
    GString *row_text = g_string_new(NULL);
    for (size_t i = 0; i < jd_records_width(records, r); i++) {
        char *text = jd_cell_text(jd_records_field(records, r, i));
        if (*text) g_string_append_printf(row_text, "%s%s", row_text->len ? " " : "", text);
        g_free(text);
    }
    return g_string_free(row_text, FALSE);
}

bool jd_cell_is_blank(const char *cell)
{
    /* most blank cells are empty: no text to build for them (a file of 200,000 empty rows) */
    const char *p = cell ? cell : "";
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
        p++;
    if (!*p)
        return true;
    char *text = jd_cell_text(cell);
    bool blank = *text == '\0';
    g_free(text);
    return blank;
}

bool jd_records_row_is_blank(const jd_records *records, size_t r)
{
    for (size_t i = 0; i < jd_records_width(records, r); i++)
        if (!jd_cell_is_blank(jd_records_field(records, r, i))) return false;
    return true;
}

char *jd_cell_excerpt(const char *text, long max)
{
    if (g_utf8_strlen(text, -1) <= max) return g_strdup(text);
    char *head = g_utf8_substring(text, 0, max);
    char *result = g_strconcat(head, "…", NULL);
    g_free(head);
    return result;
}
