/* Parsing a template: libxml2 checks well-formedness and builds the tree; a scan of the raw
 * source, in step with that tree, finds where every element, attribute value and text run
 * starts, so messages can point at a column.
 *
 * Why not libxml2's own positions: its tree keeps lines only, and with record_info the
 * begin offsets that libxml2 2.9.14 records for elements with content are wrong (only end
 * offsets and empty elements are right). The scan relies on the document being well-formed,
 * which libxml2 has established by then, and checks itself against libxml2's text.
 */
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <string.h>

#include "tpl.h"

typedef struct {
    const tpl_source *src;
    tpl_errors *errs;
} scan_ctx;

/* Byte offset of 1-based (line, column in characters). */
static size_t offset_of(const tpl_source *src, int line, int col)
{
    size_t off = 0;
    for (int l = 1; l < line && off < src->len; off++)
        if (src->text[off] == '\n') l++;
    for (int c = 1; c < col && off < src->len && src->text[off] != '\n'; c++)
        off = (size_t)(g_utf8_next_char(src->text + off) - src->text);
    return MIN(off, src->len);
}

static void on_xml_error(void *data, xmlErrorPtr err)
{
    xmlParserCtxtPtr ctxt = data;
    scan_ctx *sc = ctxt->_private;
    char *msg = g_strstrip(g_strdup(err->message ? err->message : "error"));
    size_t off = offset_of(sc->src, err->line > 0 ? err->line : 1, err->int2 > 0 ? err->int2 : 1);
    tpl_error(sc->errs, sc->src, off, off, "malformed XML: %s", msg);
    g_free(msg);
}

/* ---- the raw tree's memory -------------------------------------------------------- */

/* Every piece of the raw tree (elements, attributes, names, decoded text and offset maps:
 * thousands of small pieces for a real template) comes from the caller's arena and goes
 * with it; a malloc and a free each would cost more than scanning them. */
static void *arena_zero(jd_arena *arena, size_t n)
{
    return memset(jd_arena_alloc(arena, n), 0, n);
}

/* ---- decoding with offset maps ----------------------------------------------------- */

/* A decoded text being built: the scanner keeps one of these and reuses it for every
 * value and text run, then copies the result into the arena. Its own growth rather than a
 * GString and a GArray: it takes a run at a time, thousands of times per template. */
typedef struct {
    char *text;    /* NUL-terminated */
    uint32_t *map; /* raw offset of each byte of text, and room for one more */
    size_t len, cap;
} decoded;

static void reserve(decoded *d, size_t n)
{
    if (d->len + n + 1 <= d->cap) return;
    d->cap = MAX(d->cap * 2, d->len + n + 1);
    d->text = g_realloc(d->text, d->cap);
    d->map = g_realloc_n(d->map, d->cap, sizeof(uint32_t));
}

/* Appends `n` bytes that all come from raw offset `raw` (a reference, a line end). */
static void put(decoded *d, const char *bytes, size_t n, size_t raw)
{
    reserve(d, n);
    memcpy(d->text + d->len, bytes, n);
    for (size_t i = 0; i < n; i++)
        d->map[d->len + i] = (uint32_t)raw;
    d->len += n;
    d->text[d->len] = '\0';
}

/* Appends raw bytes [start, end) as they are, each from its own offset. */
static void put_run(decoded *d, const char *s, size_t start, size_t end)
{
    size_t n = end - start;
    reserve(d, n);
    memcpy(d->text + d->len, s + start, n);
    for (size_t i = 0; i < n; i++)
        d->map[d->len + i] = (uint32_t)(start + i);
    d->len += n;
    d->text[d->len] = '\0';
}

/* Decodes raw [start, end): character and predefined entity references, line ends
 * (CRLF and CR become LF), and for attribute values the normalisation of white space to
 * spaces. Returns false on a reference it does not know (libxml2 would have refused it). */
static bool decode(const tpl_source *src, size_t start, size_t end, bool attribute, decoded *d)
{
    static const struct {
        const char *name;
        const char *text;
    } predefined[] = {{"lt", "<"}, {"gt", ">"}, {"amp", "&"}, {"quot", "\""}, {"apos", "'"}};
    /* the bytes decoding changes; the others stay as they are, copied in runs */
    static const bool text_special[256] = {['&'] = true, ['\r'] = true};
    static const bool attr_special[256] = {['&'] = true, ['\r'] = true, ['\n'] = true, ['\t'] = true};
    const bool *special = attribute ? attr_special : text_special;
    const char *s = src->text;
    for (size_t i = start; i < end;) {
        size_t plain = i;
        while (plain < end && !special[(unsigned char)s[plain]])
            plain++;
        if (plain > i) {
            put_run(d, s, i, plain);
            i = plain;
            continue;
        }
        char c = s[i];
        if (c == '&') {
            const char *semi = memchr(s + i, ';', end - i);
            if (!semi) return false;
            size_t n = (size_t)(semi - (s + i)) - 1; /* between '&' and ';' */
            const char *ref = s + i + 1;
            char buf[8];
            const char *text = NULL;
            size_t text_len = 0;
            if (n >= 2 && ref[0] == '#') {
                bool hex = ref[1] == 'x';
                char *num = g_strndup(ref + (hex ? 2 : 1), n - (hex ? 2 : 1));
                guint64 cp = 0;
                if (!*num ||
                    !g_ascii_string_to_unsigned(num, hex ? 16 : 10, 1, 0x10ffff, &cp, NULL)) {
                    g_free(num);
                    return false;
                }
                g_free(num);
                text_len = (size_t)g_unichar_to_utf8((gunichar)cp, buf);
                text = buf;
            } else {
                for (size_t k = 0; k < G_N_ELEMENTS(predefined); k++)
                    if (strlen(predefined[k].name) == n && strncmp(ref, predefined[k].name, n) == 0)
                        text = predefined[k].text, text_len = 1;
            }
            if (!text) return false;
            put(d, text, text_len, i);
            i += n + 2;
        } else {
            put(d, attribute ? " " : "\n", 1, i);
            i += c == '\r' && i + 1 < end && s[i + 1] == '\n' ? 2 : 1;
        }
    }
    return true;
}

/* ---- scanner ----------------------------------------------------------------------- */

typedef struct {
    const tpl_source *src;
    tpl_errors *errs;
    jd_arena *arena;
    size_t pos;
    bool lost;         /* the scan lost its way: stop, report once */
    decoded d;         /* the value or text run being decoded */
    GString *expected; /* what libxml2 read of the text run, to check the scan against */
} scanner;

static bool at(const scanner *sc, const char *s)
{
    size_t n = strlen(s);
    return sc->pos + n <= sc->src->len && memcmp(sc->src->text + sc->pos, s, n) == 0;
}

static bool is_xml_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* A byte that ends an element's name (and, with '=', an attribute's). NUL cannot occur:
 * the text is valid UTF-8 without NUL. */
static bool ends_name(char c)
{
    return is_xml_space(c) || c == '/' || c == '>';
}

static void skip_space(scanner *sc)
{
    while (sc->pos < sc->src->len && is_xml_space(sc->src->text[sc->pos]))
        sc->pos++;
}

/* Moves past the next `close` (e.g. "-->"), found by its first byte with memchr: comments
 * are long. */
static void skip_past(scanner *sc, const char *close)
{
    size_t n = strlen(close);
    const char *s = sc->src->text, *end = s + sc->src->len;
    for (const char *p = s + sc->pos; (p = memchr(p, close[0], (size_t)(end - p))); p++)
        if ((size_t)(end - p) >= n && memcmp(p, close, n) == 0) {
            sc->pos = (size_t)(p - s) + n;
            return;
        }
    sc->pos = sc->src->len;
}

static size_t find_char(const scanner *sc, size_t from, char c)
{
    const char *hit = memchr(sc->src->text + from, c, sc->src->len - from);
    return hit ? (size_t)(hit - sc->src->text) : sc->src->len;
}

static void lost(scanner *sc, const char *what)
{
    if (!sc->lost)
        tpl_error(sc->errs, sc->src, sc->pos, sc->pos,
                  "internal error: cannot locate %s in the source", what);
    sc->lost = true;
}

static void decoded_reset(scanner *sc)
{
    sc->d.len = 0;
    reserve(&sc->d, 0); /* the text is "" */
    sc->d.text[0] = '\0';
}

/* The decoded text and its map (with `end` appended) copied into the arena. */
static void decoded_keep(scanner *sc, size_t end, char **text, size_t *len, uint32_t **map)
{
    sc->d.map[sc->d.len] = (uint32_t)end;
    *len = sc->d.len;
    *text = jd_arena_strndup(sc->arena, sc->d.text, sc->d.len);
    *map = jd_arena_alloc(sc->arena, (sc->d.len + 1) * sizeof(uint32_t));
    memcpy(*map, sc->d.map, (sc->d.len + 1) * sizeof(uint32_t));
}

/* Children are linked as they are scanned. */
typedef struct {
    tpl_raw **tail;
} child_list;

static void add_child(child_list *list, tpl_raw *child)
{
    *list->tail = child;
    list->tail = &child->next;
}

/* A text run being assembled from text nodes and CDATA sections (in sc->d). */
typedef struct {
    size_t start;
    bool open;
} text_run;

static void run_add(scanner *sc, text_run *run, size_t start, size_t end, bool cdata,
                    const xmlChar *content)
{
    if (!run->open) {
        decoded_reset(sc);
        g_string_truncate(sc->expected, 0);
        run->start = start;
        run->open = true;
    }
    g_string_append(sc->expected, content ? (const char *)content : "");
    if (cdata) {
        /* only line ends are normalised inside CDATA */
        for (size_t i = start; i < end;) {
            size_t plain = i;
            while (plain < end && sc->src->text[plain] != '\r')
                plain++;
            if (plain > i) {
                put_run(&sc->d, sc->src->text, i, plain);
                i = plain;
                continue;
            }
            put(&sc->d, "\n", 1, i);
            i += i + 1 < end && sc->src->text[i + 1] == '\n' ? 2 : 1;
        }
    } else if (!decode(sc->src, start, end, false, &sc->d)) {
        lost(sc, "a character reference");
    }
}

static void run_flush(scanner *sc, text_run *run, child_list *children)
{
    if (!run->open) return;
    run->open = false;
    size_t end = sc->pos;
    if (strcmp(sc->d.text, sc->expected->str) != 0) {
        /* cannot happen with a well-formed document; keep libxml2's text, positioned at the
         * start of the run, rather than trust a scan that went wrong */
        decoded_reset(sc);
        put(&sc->d, sc->expected->str, sc->expected->len, run->start);
        end = run->start;
    }
    tpl_raw *t = arena_zero(sc->arena, sizeof *t);
    t->is_text = true;
    t->start = t->name_end = run->start;
    decoded_keep(sc, end, &t->text, &t->text_len, &t->map);
    add_child(children, t);
}

static tpl_raw *scan_element(scanner *sc, xmlNodePtr node);

static void scan_attributes(scanner *sc, tpl_raw *raw)
{
    const char *s = sc->src->text;
    tpl_raw_attr **tail = &raw->attrs;
    for (;;) {
        skip_space(sc);
        if (sc->pos >= sc->src->len || s[sc->pos] == '>' || at(sc, "/>")) return;
        size_t name_start = sc->pos;
        while (sc->pos < sc->src->len && !ends_name(s[sc->pos]) && s[sc->pos] != '=')
            sc->pos++;
        size_t name_end = sc->pos;
        skip_space(sc);
        if (sc->pos >= sc->src->len || s[sc->pos] != '=') {
            lost(sc, "an attribute value");
            return;
        }
        sc->pos++;
        skip_space(sc);
        char quote = sc->pos < sc->src->len ? s[sc->pos] : 0;
        if (quote != '"' && quote != '\'') {
            lost(sc, "an attribute value");
            return;
        }
        size_t value_start = ++sc->pos;
        size_t value_end = find_char(sc, value_start, quote);
        sc->pos = MIN(value_end + 1, sc->src->len);
        decoded_reset(sc);
        if (!decode(sc->src, value_start, value_end, true, &sc->d))
            lost(sc, "a character reference");
        tpl_raw_attr *a = arena_zero(sc->arena, sizeof *a);
        a->name = jd_arena_strndup(sc->arena, s + name_start, name_end - name_start);
        a->name_start = name_start;
        a->name_end = name_end;
        decoded_keep(sc, value_end, &a->value, &a->value_len, &a->map);
        *tail = a;
        tail = &a->next;
    }
}

static void scan_content(scanner *sc, xmlNodePtr node, tpl_raw *raw)
{
    text_run run = {0};
    child_list children = {&raw->children};
    for (xmlNodePtr child = node->children; child && !sc->lost; child = child->next) {
        switch (child->type) {
        case XML_TEXT_NODE: {
            size_t end = find_char(sc, sc->pos, '<');
            run_add(sc, &run, sc->pos, end, false, child->content);
            sc->pos = end;
            break;
        }
        case XML_CDATA_SECTION_NODE: {
            if (!at(sc, "<![CDATA[")) {
                lost(sc, "a CDATA section");
                break;
            }
            size_t start = sc->pos + 9;
            sc->pos = start;
            skip_past(sc, "]]>");
            run_add(sc, &run, start, sc->pos - 3, true, child->content);
            break;
        }
        case XML_COMMENT_NODE:
            /* a comment does not end a text run: "a<!-- -->b" is "ab" */
            if (!at(sc, "<!--"))
                lost(sc, "a comment");
            else
                skip_past(sc, "-->");
            break;
        case XML_PI_NODE:
            if (!at(sc, "<?"))
                lost(sc, "a processing instruction");
            else
                skip_past(sc, "?>");
            break;
        case XML_ELEMENT_NODE: {
            run_flush(sc, &run, &children);
            tpl_raw *el = scan_element(sc, child);
            if (el) add_child(&children, el);
            break;
        }
        default:
            lost(sc, "a node");
            break;
        }
    }
    run_flush(sc, &run, &children);
    if (sc->lost) return;
    if (!at(sc, "</")) {
        lost(sc, "an end tag");
        return;
    }
    sc->pos = MIN(find_char(sc, sc->pos, '>') + 1, sc->src->len);
}

static tpl_raw *scan_element(scanner *sc, xmlNodePtr node)
{
    const char *s = sc->src->text;
    if (sc->pos >= sc->src->len || s[sc->pos] != '<') {
        lost(sc, "an element");
        return NULL;
    }
    tpl_raw *raw = arena_zero(sc->arena, sizeof *raw);
    raw->start = sc->pos++;
    while (sc->pos < sc->src->len && !ends_name(s[sc->pos]))
        sc->pos++;
    raw->name_end = sc->pos;
    raw->name = jd_arena_strndup(sc->arena, s + raw->start + 1, raw->name_end - raw->start - 1);
    if (strcmp(raw->name, (const char *)node->name) != 0 && !node->ns) {
        lost(sc, "an element name");
        return raw;
    }
    scan_attributes(sc, raw);
    if (sc->lost) return raw;
    if (at(sc, "/>")) {
        sc->pos += 2;
        return raw;
    }
    sc->pos++; /* '>' */
    scan_content(sc, node, raw);
    return raw;
}

/* Skips the XML declaration, comments and processing instructions before the root. */
static void skip_prolog(scanner *sc)
{
    if (at(sc, "\xef\xbb\xbf")) sc->pos += 3;
    for (;;) {
        skip_space(sc);
        if (at(sc, "<?"))
            skip_past(sc, "?>");
        else if (at(sc, "<!--"))
            skip_past(sc, "-->");
        else
            return;
    }
}

/* g_utf8_validate with the same answer (and the same first bad byte), quicker on the ASCII
 * that most of a template is: eight bytes at a time while they are ASCII and not NUL, and
 * GLib for each run of other bytes (a run ends where ASCII starts, at a character
 * boundary, or at a truncated character that GLib reports at the same byte). */
static bool utf8_valid(const char *text, size_t len, const char **bad)
{
    const uint64_t high = UINT64_C(0x8080808080808080), ones = UINT64_C(0x0101010101010101);
    size_t i = 0;
    while (i < len) {
        uint64_t w;
        if (i + 8 <= len && (memcpy(&w, text + i, 8), !(w & high) && !((w - ones) & ~w & high))) {
            i += 8;
        } else if (text[i] == '\0') {
            *bad = text + i;
            return false;
        } else if (!(text[i] & 0x80)) {
            i++;
        } else {
            size_t j = i + 1;
            while (j < len && (text[j] & 0x80))
                j++;
            if (!g_utf8_validate(text + i, (gssize)(j - i), bad)) return false;
            i = j;
        }
    }
    return true;
}

tpl_raw *tpl_scan(const tpl_source *src, tpl_errors *errs, jd_arena *arena)
{
    const char *bad = NULL;
    if (!utf8_valid(src->text, src->len, &bad)) {
        /* no excerpt: the line cannot be shown */
        size_t off = (size_t)(bad - src->text);
        int line, col;
        jd_text_position(src->text, off, &line, &col);
        if (off < src->len && src->text[off] == '\0')
            tpl_error_file(errs, src->path, line, col, "a template cannot contain NUL bytes");
        else
            tpl_error_file(errs, src->path, line, col,
                           "a template must be UTF-8 text (invalid byte 0x%02x)",
                           (unsigned char)src->text[off]);
        return NULL;
    }
    if (src->len == 0) {
        tpl_error(errs, src, 0, 0, "the template is empty");
        return NULL;
    }
    if (src->len > G_MAXINT / 2) {
        tpl_error_file(errs, src->path, 0, 0, "template too large");
        return NULL;
    }
    xmlParserCtxtPtr ctxt = xmlCreateMemoryParserCtxt(src->text, (int)src->len);
    if (!ctxt) {
        tpl_error_file(errs, src->path, 0, 0, "cannot create an XML parser");
        return NULL;
    }
    guint errors_before = tpl_errors_count(errs);
    scan_ctx sc_ctx = {src, errs};
    ctxt->_private = &sc_ctx;
    ctxt->sax->serror = on_xml_error;
    /* no network, no DTD loading, no entity substitution: a template cannot pull in
     * anything but its own text. It is UTF-8 (checked above) whatever its XML declaration
     * says, and ignoring that declaration also keeps libxml2's converters, which report
     * through a global channel, out of the way. The tree is only read, so short text
     * nodes (most are the white space between elements) can live inside their node. */
    xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_IGNORE_ENC | XML_PARSE_COMPACT);
    xmlParseDocument(ctxt);
    xmlDocPtr doc = ctxt->myDoc;
    ctxt->myDoc = NULL;
    bool ok = ctxt->wellFormed && doc && tpl_errors_count(errs) == errors_before;
    xmlFreeParserCtxt(ctxt);
    tpl_raw *root = NULL;
    if (ok && (doc->intSubset || doc->extSubset)) {
        const char *decl = strstr(src->text, "<!DOCTYPE");
        size_t off = decl ? (size_t)(decl - src->text) : 0;
        tpl_error(errs, src, off, off + 9, "DOCTYPE declarations are not allowed in templates");
        ok = false;
    }
    xmlNodePtr el = ok ? xmlDocGetRootElement(doc) : NULL;
    if (el) {
        scanner sc = {src, errs, arena, 0, false, {NULL, NULL, 0, 0}, g_string_new(NULL)};
        skip_prolog(&sc);
        root = scan_element(&sc, el);
        if (sc.lost) root = NULL;
        g_free(sc.d.text);
        g_free(sc.d.map);
        g_string_free(sc.expected, TRUE);
    } else if (ok) {
        tpl_error_file(errs, src->path, 1, 1, "empty template");
    }
    xmlFreeDoc(doc);
    return root;
}
