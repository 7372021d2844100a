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

/* ---- decoding with offset maps ----------------------------------------------------- */

typedef struct {
    GString *text;
    GArray *map; /* uint32_t raw offset of each byte of text */
} decoded;

static void put(decoded *d, const char *bytes, size_t n, size_t raw)
{
    g_string_append_len(d->text, bytes, (gssize)n);
    uint32_t r = (uint32_t)raw;
    for (size_t i = 0; i < n; i++)
        g_array_append_val(d->map, r);
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
    const char *s = src->text;
    for (size_t i = start; i < end;) {
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
        } else if (c == '\r' || (attribute && (c == '\n' || c == '\t'))) {
            put(d, attribute ? " " : "\n", 1, i);
            i += c == '\r' && i + 1 < end && s[i + 1] == '\n' ? 2 : 1;
        } else {
            put(d, &c, 1, i);
            i++;
        }
    }
    return true;
}

/* ---- raw tree ---------------------------------------------------------------------- */

static void raw_attr_free(gpointer p)
{
    tpl_raw_attr *a = p;
    g_free(a->name);
    g_free(a->value);
    g_free(a->map);
    g_free(a);
}

void tpl_raw_free(tpl_raw *raw)
{
    if (!raw) return;
    g_free(raw->name);
    g_free(raw->text);
    g_free(raw->map);
    if (raw->attrs) g_ptr_array_free(raw->attrs, TRUE);
    if (raw->children) g_ptr_array_free(raw->children, TRUE);
    g_free(raw);
}

static void raw_free_cb(gpointer p)
{
    tpl_raw_free(p);
}

/* ---- scanner ----------------------------------------------------------------------- */

typedef struct {
    const tpl_source *src;
    tpl_errors *errs;
    size_t pos;
    bool lost; /* the scan lost its way: stop, report once */
} scanner;

static bool at(const scanner *sc, const char *s)
{
    size_t n = strlen(s);
    return sc->pos + n <= sc->src->len && memcmp(sc->src->text + sc->pos, s, n) == 0;
}

static void skip_space(scanner *sc)
{
    while (sc->pos < sc->src->len && strchr(" \t\r\n", sc->src->text[sc->pos]))
        sc->pos++;
}

/* Moves past the next `close` (e.g. "-->"). */
static void skip_past(scanner *sc, const char *close)
{
    const char *hit =
        g_strstr_len(sc->src->text + sc->pos, (gssize)(sc->src->len - sc->pos), close);
    sc->pos = hit ? (size_t)(hit - sc->src->text) + strlen(close) : sc->src->len;
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

/* A text run being assembled from text nodes and CDATA sections. */
typedef struct {
    decoded d;
    GString *expected; /* what libxml2 read, to check the scan against */
    size_t start;
    bool open;
} text_run;

static void run_add(scanner *sc, text_run *run, size_t start, size_t end, bool cdata,
                    const xmlChar *content)
{
    if (!run->open) {
        run->d.text = g_string_new(NULL);
        run->d.map = g_array_new(FALSE, FALSE, sizeof(uint32_t));
        run->expected = g_string_new(NULL);
        run->start = start;
        run->open = true;
    }
    g_string_append(run->expected, content ? (const char *)content : "");
    if (cdata) {
        /* only line ends are normalised inside CDATA */
        for (size_t i = start; i < end; i++) {
            char c = sc->src->text[i];
            if (c == '\r') {
                put(&run->d, "\n", 1, i);
                if (i + 1 < end && sc->src->text[i + 1] == '\n') i++;
            } else {
                put(&run->d, &c, 1, i);
            }
        }
    } else if (!decode(sc->src, start, end, false, &run->d)) {
        lost(sc, "a character reference");
    }
}

static void run_flush(scanner *sc, text_run *run, GPtrArray *children)
{
    if (!run->open) return;
    run->open = false;
    uint32_t end = (uint32_t)sc->pos;
    g_array_append_val(run->d.map, end);
    tpl_raw *t = g_new0(tpl_raw, 1);
    t->is_text = true;
    t->start = t->name_end = run->start;
    if (strcmp(run->d.text->str, run->expected->str) != 0) {
        /* cannot happen with a well-formed document; keep libxml2's text, positioned at the
         * start of the run, rather than trust a scan that went wrong */
        g_string_assign(run->d.text, run->expected->str);
        g_array_set_size(run->d.map, run->d.text->len + 1);
        for (guint i = 0; i < run->d.map->len; i++)
            g_array_index(run->d.map, uint32_t, i) = (uint32_t)run->start;
    }
    t->text_len = run->d.text->len;
    t->text = g_string_free(run->d.text, FALSE);
    t->map = (uint32_t *)g_array_free(run->d.map, FALSE);
    g_string_free(run->expected, TRUE);
    g_ptr_array_add(children, t);
}

static tpl_raw *scan_element(scanner *sc, xmlNodePtr node);

static void scan_attributes(scanner *sc, tpl_raw *raw)
{
    const char *s = sc->src->text;
    for (;;) {
        skip_space(sc);
        if (sc->pos >= sc->src->len || s[sc->pos] == '>' || at(sc, "/>")) return;
        size_t name_start = sc->pos;
        while (sc->pos < sc->src->len && !strchr(" \t\r\n=/>", s[sc->pos]))
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
        decoded d = {g_string_new(NULL), g_array_new(FALSE, FALSE, sizeof(uint32_t))};
        if (!decode(sc->src, value_start, value_end, true, &d)) lost(sc, "a character reference");
        uint32_t end = (uint32_t)value_end;
        g_array_append_val(d.map, end);
        tpl_raw_attr *a = g_new0(tpl_raw_attr, 1);
        a->name = g_strndup(s + name_start, name_end - name_start);
        a->name_start = name_start;
        a->name_end = name_end;
        a->value_len = d.text->len;
        a->value = g_string_free(d.text, FALSE);
        a->map = (uint32_t *)g_array_free(d.map, FALSE);
        g_ptr_array_add(raw->attrs, a);
    }
}

static void scan_content(scanner *sc, xmlNodePtr node, tpl_raw *raw)
{
    text_run run = {0};
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
            run_flush(sc, &run, raw->children);
            tpl_raw *el = scan_element(sc, child);
            if (el) g_ptr_array_add(raw->children, el);
            break;
        }
        default:
            lost(sc, "a node");
            break;
        }
    }
    run_flush(sc, &run, raw->children);
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
    tpl_raw *raw = g_new0(tpl_raw, 1);
    raw->start = sc->pos++;
    while (sc->pos < sc->src->len && !strchr(" \t\r\n/>", s[sc->pos]))
        sc->pos++;
    raw->name_end = sc->pos;
    raw->name = g_strndup(s + raw->start + 1, raw->name_end - raw->start - 1);
    raw->attrs = g_ptr_array_new_with_free_func(raw_attr_free);
    raw->children = g_ptr_array_new_with_free_func(raw_free_cb);
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

tpl_raw *tpl_scan(const tpl_source *src, tpl_errors *errs)
{
    const char *bad = NULL;
    if (!g_utf8_validate(src->text, (gssize)src->len, &bad)) {
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
     * through a global channel, out of the way. */
    xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_IGNORE_ENC);
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
        scanner sc = {src, errs, 0, false};
        skip_prolog(&sc);
        root = scan_element(&sc, el);
        if (sc.lost) {
            tpl_raw_free(root);
            root = NULL;
        }
    } else if (ok) {
        tpl_error_file(errs, src->path, 1, 1, "empty template");
    }
    xmlFreeDoc(doc);
    return root;
}
