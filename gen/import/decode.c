/* Text decoding: the bytes of an export → UTF-8 text with LF line ends, and the format. */
#include <string.h>

#include "jd_import_layers.h"

const char *jd_encoding_name(jd_encoding e)
{
    switch (e) {
    case JD_ENCODING_UTF8:
        return "UTF-8";
    case JD_ENCODING_UTF8_BOM:
        return "UTF-8 with BOM";
    case JD_ENCODING_GB18030:
        return "GB18030";
    case JD_ENCODING_UTF16LE:
        return "UTF-16LE";
    case JD_ENCODING_UTF16BE:
        return "UTF-16BE";
    }
    return "?";
}

/* Line and column just after `prefix`, valid UTF-8 that starts at the top of the file,
 * counting line ends the way jd_text_decode normalises them. */
static void end_position(const char *prefix, size_t len, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)prefix[i];
        if (c == '\n' || (c == '\r' && (i + 1 == len || prefix[i + 1] != '\n'))) {
            (*line)++;
            *col = 1;
        } else if (c != '\r' && (c & 0xC0) != 0x80) {
            (*col)++;
        }
    }
}

/* Converts all of `data` from `charset`; on failure returns NULL and sets *bad to the
 * offset of the first byte that does not convert (a truncated last character included,
 * which g_convert leaves unconverted without an error). */
static char *convert_all(const char *data, size_t len, const char *charset, size_t *out_len,
                         size_t *bad)
{
    gsize read = 0, written = 0;
    char *out = g_convert(data, (gssize)len, "UTF-8", charset, &read, &written, NULL);
    if (out && read == len) {
        *out_len = written;
        return out;
    }
    g_free(out);
    *bad = read;
    return NULL;
}

/* Adds `message` at the position of byte `bad`, where data[skip, bad) is valid in
 * `charset` (NULL for UTF-8). */
static void error_at_byte(const char *data, size_t skip, size_t bad, const char *charset,
                          const char *name, jd_diags *diags, const char *message)
{
    int line = 1, col = 1;
    if (!charset) {
        end_position(data + skip, bad - skip, &line, &col);
    } else {
        gsize written = 0;
        char *prefix =
            g_convert(data + skip, (gssize)(bad - skip), "UTF-8", charset, NULL, &written, NULL);
        if (prefix) end_position(prefix, written, &line, &col);
        g_free(prefix);
    }
    jd_diags_add(diags, JD_ERROR, name, line, col, "%s", message);
}

/* CRLF and lone CR become LF: every later layer then sees one kind of line end, and the
 * line numbers it reports are those an editor shows for the original file. */
static char *normalise_line_ends(const char *s, size_t len, size_t *out_len)
{
    char *out = g_malloc(len + 1);
    size_t n = 0;
    /* the text between '\r's is copied whole */
    for (const char *p = s, *end = s + len; p < end;) {
        const char *cr = memchr(p, '\r', (size_t)(end - p));
        size_t run = (size_t)((cr ? cr : end) - p);
        memcpy(out + n, p, run);
        n += run;
        p += run;
        if (!cr) break;
        out[n++] = '\n';
        p++;
        if (p < end && *p == '\n') p++;
    }
    out[n] = '\0';
    *out_len = n;
    return out;
}

static char *decode_utf16(const char *data, size_t len, bool little_endian, const char *name,
                          size_t *utf8_len, jd_diags *diags)
{
    const char *charset = little_endian ? "UTF-16LE" : "UTF-16BE";
    size_t bad = 0;
    char *utf8 = convert_all(data + 2, len - 2, charset, utf8_len, &bad);
    if (!utf8) {
        char *message =
            g_strdup_printf("not valid %s text (bad code unit at byte %zu)", charset, bad + 2);
        error_at_byte(data, 2, bad + 2, charset, name, diags, message);
        g_free(message);
    }
    return utf8;
}

/* Valid UTF-8 is taken as UTF-8; anything else is tried as GB18030, the encoding Chinese
 * Windows and WPS write by default. When both fail, the encoding that got further is
 * most likely the intended one, so its first bad byte is the one reported. */
static char *decode_utf8_or_gb18030(const char *data, size_t len, const char *name,
                                    jd_encoding *encoding, size_t *utf8_len, bool *copied,
                                    jd_diags *diags)
{
    const char *end = NULL;
    if (g_utf8_validate_len(data, len, &end)) {
        *encoding = JD_ENCODING_UTF8;
        *utf8_len = len;
        *copied = false;
        return (char *)data;
    }
    size_t utf8_bad = (size_t)(end - data), gb_bad = 0;
    char *utf8 = convert_all(data, len, "GB18030", utf8_len, &gb_bad);
    if (utf8) {
        *encoding = JD_ENCODING_GB18030;
        return utf8;
    }
    size_t bad = MAX(utf8_bad, gb_bad);
    char *message = g_strdup_printf("not valid UTF-8 or GB18030 text (first bad byte 0x%02X)",
                                    (unsigned char)data[bad]);
    error_at_byte(data, 0, bad, bad == utf8_bad ? NULL : "GB18030", name, diags, message);
    g_free(message);
    return NULL;
}

/* True (with the error) when `text` holds a NUL byte: a binary file, not an export. */
static bool reject_nul(const char *text, size_t len, const char *name, jd_diags *diags)
{
    const char *nul = memchr(text, '\0', len);
    if (!nul) return false;
    int line, col;
    end_position(text, (size_t)(nul - text), &line, &col);
    jd_diags_add(diags, JD_ERROR, name, line, col, "binary file, not a text export");
    return true;
}

char *jd_text_decode(const char *data, size_t len, const char *name, jd_encoding *encoding,
                     size_t *text_len, jd_diags *diags)
{
    const unsigned char *u = (const unsigned char *)data;
    jd_encoding found = JD_ENCODING_UTF8;
    size_t utf8_len = 0;
    char *utf8 = NULL;
    bool copied = true; /* false: utf8 points into `data` */
    if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
        found = u[0] == 0xFF ? JD_ENCODING_UTF16LE : JD_ENCODING_UTF16BE;
        utf8 = decode_utf16(data, len, found == JD_ENCODING_UTF16LE, name, &utf8_len, diags);
    } else if (reject_nul(data, len, name, diags)) {
        return NULL;
    } else if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        found = JD_ENCODING_UTF8_BOM;
        const char *end = NULL;
        if (g_utf8_validate_len(data + 3, len - 3, &end)) {
            utf8_len = len - 3;
            utf8 = (char *)data + 3;
            copied = false;
        } else {
            size_t bad = (size_t)(end - data);
            char *message = g_strdup_printf(
                "not valid UTF-8 text, although it starts with a UTF-8 byte order mark (first "
                "bad byte 0x%02X)",
                u[bad]);
            error_at_byte(data, 3, bad, NULL, name, diags, message);
            g_free(message);
        }
    } else {
        utf8 = decode_utf8_or_gb18030(data, len, name, &found, &utf8_len, &copied, diags);
    }
    if (!utf8) return NULL;
    /* valid UTF-8 is not copied before its line ends are normalised (one copy, not two,
     * of what may be a large file) */
    /* UTF-16 text can hold U+0000 without any other sign of being binary */
    if (reject_nul(utf8, utf8_len, name, diags)) {
        if (copied) g_free(utf8);
        return NULL;
    }
    /* a byte order mark that survives decoding (GB18030's 84 31 95 33, a doubled UTF-16
     * one) is not part of the text */
    size_t skip = utf8_len >= 3 && memcmp(utf8, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    char *text = normalise_line_ends(utf8 + skip, utf8_len - skip, text_len);
    if (copied) g_free(utf8);
    if (encoding) *encoding = found;
    return text;
}

const char *jd_format_name(jd_format f)
{
    switch (f) {
    case JD_FORMAT_TSV:
        return "TSV";
    case JD_FORMAT_CSV:
        return "CSV";
    case JD_FORMAT_JSON:
        return "JSON";
    case JD_FORMAT_XLSX:
        return "XLSX";
    case JD_FORMAT_XLS:
        return "XLS";
    case JD_FORMAT_AUTO:
        break;
    }
    return "auto";
}

bool jd_format_parse(const char *text, jd_format *format)
{
    static const jd_format formats[] = {JD_FORMAT_TSV, JD_FORMAT_CSV, JD_FORMAT_JSON,
                                        JD_FORMAT_XLSX, JD_FORMAT_XLS};
    for (size_t i = 0; text && i < G_N_ELEMENTS(formats); i++) {
        if (g_ascii_strcasecmp(text, jd_format_name(formats[i])) == 0) {
            *format = formats[i];
            return true;
        }
    }
    return false;
}

/* How many lines of content decide between tabs and commas: enough to get past a title
 * line or two into the header and the first rows. */
enum { SNIFF_LINES = 10 };

jd_format jd_format_detect(const char *name, const char *text)
{
    static const struct {
        const char *extension;
        jd_format format;
    } by_extension[] = {{".tsv", JD_FORMAT_TSV},
                        {".txt", JD_FORMAT_TSV},
                        {".tab", JD_FORMAT_TSV},
                        {".csv", JD_FORMAT_CSV},
                        {".json", JD_FORMAT_JSON},
                        {".xlsx", JD_FORMAT_XLSX},
                        {".xlsm", JD_FORMAT_XLSX},
                        {".xls", JD_FORMAT_XLS}};
    if (name) {
        char *lower = g_ascii_strdown(name, -1);
        for (size_t i = 0; i < G_N_ELEMENTS(by_extension); i++) {
            if (g_str_has_suffix(lower, by_extension[i].extension)) {
                g_free(lower);
                return by_extension[i].format;
            }
        }
        g_free(lower);
    }
    const char *p = text;
    while (g_ascii_isspace(*p))
        p++;
    if (*p == '{' || *p == '[') return JD_FORMAT_JSON;
    size_t tabs = 0, commas = 0;
    for (int lines = 0; *p && lines < SNIFF_LINES; p++) {
        if (*p == '\t')
            tabs++;
        else if (*p == ',')
            commas++;
        else if (*p == '\n')
            lines++;
    }
    return commas > tabs ? JD_FORMAT_CSV : JD_FORMAT_TSV;
}
