/* Workbooks in Office Open XML (.xlsx, .xlsm): one worksheet → records whose positions are
 * cells and which keep the sheet's merged cells.
 *
 * The zip container is read with libzip and each XML part with libxml2's streaming reader,
 * fed from the zip entry as it inflates: memory holds the cells and the shared strings,
 * never a part's text. Every part is read under a byte budget, so a zip bomb (or an entry
 * whose declared size lies) stops with an error after a bounded amount of work; a DOCTYPE
 * is refused (no entity tricks), nothing is fetched from a network. Part names, content
 * types and relationships are followed as OPC defines them, so a renamed .docx, an .ods or a
 * plain zip are told apart from a workbook. docs/data-format.md ("Workbooks") has the
 * rules and the limits. */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlreader.h>
#include <zip.h>

#include "jd_import_layers.h"

#define MIB (1024u * 1024u)

enum {
    /* every part read, inflated, together: a real list is a few MB */
    BUDGET_BYTES = 128 * MIB,
    MAX_ZIP_ENTRIES = 10000,
    MAX_SHARED_STRINGS = 1 << 18,
    MAX_SHARED_TEXT_BYTES = 32 * MIB,
    MAX_SHEET_ROWS = 1048576, /* the format's own limits */
    MAX_SHEET_COLS = 16384,
    MAX_STYLES = 65536,
};

const size_t jd_xlsx_max_cells = (size_t)1 << 21;

/* ---- the container ----------------------------------------------------------------------- */

typedef struct {
    zip_t *zip;
    const char *name; /* the file, for messages */
    jd_diags *diags;
    guint64 budget; /* bytes of parts that may still be inflated */
    bool failed;    /* an error was reported: stop */
} book;

static void book_error(book *bk, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static void book_error(book *bk, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (!bk->failed) jd_diags_addv(bk->diags, JD_ERROR, bk->name, 0, 0, fmt, ap);
    va_end(ap);
    bk->failed = true;
}

/* A part being parsed. */
typedef struct {
    book *bk;
    const char *part;
    zip_file_t *file;
    guint64 read;
    bool over_budget, broken;
    char *xml_error; /* the first XML error, with its line */
} part_stream;

static int stream_read(void *ctx, char *buffer, int len)
{
    part_stream *ps = ctx;
    if (len <= 0) return 0;
    zip_int64_t n = zip_fread(ps->file, buffer, (zip_uint64_t)len);
    if (n < 0) {
        ps->broken = true;
        return -1;
    }
    ps->read += (guint64)n;
    if ((guint64)n > ps->bk->budget) {
        ps->over_budget = true;
        return -1;
    }
    ps->bk->budget -= (guint64)n;
    return (int)n;
}

static int stream_close(void *ctx)
{
    (void)ctx;
    return 0;
}

static void on_xml_error(void *ctx, xmlErrorPtr error)
{
    part_stream *ps = ctx;
    if (ps->xml_error || !error) return;
    char *message = g_strstrip(g_strdup(error->message ? error->message : "malformed XML"));
    ps->xml_error = g_strdup_printf("line %d: %s", error->line, message);
    g_free(message);
}

/* The index of part `part` (no leading '/'; part names ignore case), or -1. */
static zip_int64_t locate(book *bk, const char *part)
{
    while (*part == '/')
        part++;
    return zip_name_locate(bk->zip, part, ZIP_FL_NOCASE);
}

static bool has_part(book *bk, const char *part)
{
    return locate(bk, part) >= 0;
}

/* Opens part `part` for parsing. NULL when it is missing (an error if `required`) or cannot
 * be read. */
static xmlTextReaderPtr open_part(book *bk, const char *part, bool required, part_stream *ps)
{
    memset(ps, 0, sizeof *ps);
    ps->bk = bk;
    ps->part = part;
    if (bk->failed) return NULL;
    zip_int64_t index = locate(bk, part);
    if (index < 0) {
        if (required) book_error(bk, "the workbook has no part %s: the file is damaged", part);
        return NULL;
    }
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(bk->zip, (zip_uint64_t)index, 0, &st) == 0 &&
        (st.valid & ZIP_STAT_SIZE) && st.size > bk->budget) {
        book_error(bk,
                   "part %s inflates to %" G_GUINT64_FORMAT " bytes, more than jindu reads "
                   "from a workbook (%u MB in all): not a real workbook, or a zip bomb",
                   part, (guint64)st.size, (unsigned)(BUDGET_BYTES / MIB));
        return NULL;
    }
    ps->file = zip_fopen_index(bk->zip, (zip_uint64_t)index, 0);
    if (!ps->file) {
        book_error(bk, "cannot read part %s: %s", part, zip_strerror(bk->zip));
        return NULL;
    }
    xmlTextReaderPtr reader =
        xmlReaderForIO(stream_read, stream_close, ps, NULL, NULL, XML_PARSE_NONET);
    if (!reader) {
        zip_fclose(ps->file);
        ps->file = NULL;
        book_error(bk, "cannot read part %s", part);
        return NULL;
    }
    xmlTextReaderSetStructuredErrorHandler(reader, on_xml_error, ps);
    return reader;
}

/* Ends the parse of a part; `status` is the last xmlTextReaderRead() result. False (with
 * an error) when the part was not read to its end. */
static bool close_part(part_stream *ps, xmlTextReaderPtr reader, int status)
{
    book *bk = ps->bk;
    if (!reader) return false;
    bool ok = status == 0 && !ps->xml_error && !bk->failed;
    if (ps->over_budget)
        book_error(bk,
                   "part %s inflates to more than jindu reads from a workbook (%u MB in all): "
                   "not a real workbook, or a zip bomb",
                   ps->part, BUDGET_BYTES / MIB);
    else if (ps->broken)
        book_error(bk, "cannot read part %s: %s", ps->part, zip_file_strerror(ps->file));
    else if (ps->xml_error)
        book_error(bk, "part %s is not well-formed XML (%s)", ps->part, ps->xml_error);
    else if (status != 0 && !bk->failed)
        book_error(bk, "part %s is not well-formed XML", ps->part);
    xmlFreeTextReader(reader);
    zip_fclose(ps->file);
    g_free(ps->xml_error);
    return ok;
}

/* The next node of a parse: into the children, or past them when `skip`. Refuses a
 * DOCTYPE: no part of a workbook has one, and entity declarations are how XML attacks
 * start. */
static int next_node(part_stream *ps, xmlTextReaderPtr reader, bool skip)
{
    int status = skip ? xmlTextReaderNext(reader) : xmlTextReaderRead(reader);
    if (status == 1 && xmlTextReaderNodeType(reader) == XML_READER_TYPE_DOCUMENT_TYPE) {
        book_error(ps->bk, "part %s has a DOCTYPE, which no workbook part has", ps->part);
        return -1;
    }
    return status;
}

static bool is_element(xmlTextReaderPtr reader, const char *local)
{
    return xmlTextReaderNodeType(reader) == XML_READER_TYPE_ELEMENT &&
           strcmp((const char *)xmlTextReaderConstLocalName(reader), local) == 0;
}

static bool is_end(xmlTextReaderPtr reader, const char *local)
{
    return xmlTextReaderNodeType(reader) == XML_READER_TYPE_END_ELEMENT &&
           strcmp((const char *)xmlTextReaderConstLocalName(reader), local) == 0;
}

/* An attribute without a namespace, newly allocated, or NULL. */
static char *attribute(xmlTextReaderPtr reader, const char *name)
{
    return (char *)xmlTextReaderGetAttribute(reader, (const xmlChar *)name);
}

/* The r:id of a <sheet>: the attribute named "id" in the relationships namespace
 * (transitional or strict), whatever its prefix. */
static char *relationship_id(xmlTextReaderPtr reader)
{
    char *id = NULL;
    while (!id && xmlTextReaderMoveToNextAttribute(reader) == 1) {
        const char *local = (const char *)xmlTextReaderConstLocalName(reader);
        const char *ns = (const char *)xmlTextReaderConstNamespaceUri(reader);
        if (strcmp(local, "id") == 0 && ns && strstr(ns, "relationships"))
            id = (char *)xmlTextReaderValue(reader);
    }
    xmlTextReaderMoveToElement(reader);
    return id;
}

static bool flag_attribute(xmlTextReaderPtr reader, const char *name)
{
    char *value = attribute(reader, name);
    bool on = value && (strcmp(value, "1") == 0 || g_ascii_strcasecmp(value, "true") == 0);
    xmlFree(value);
    return on;
}

/* ---- OPC: content types and relationships -------------------------------------------------- */

/* The folder of a part, with its trailing '/' ("xl/" for "xl/workbook.xml"). */
static char *part_folder(const char *part)
{
    const char *slash = strrchr(part, '/');
    return slash ? g_strndup(part, (gsize)(slash - part + 1)) : g_strdup("");
}

/* The part a relationship target names, resolved against the source part's folder:
 * "worksheets/sheet1.xml" from "xl/workbook.xml" is "xl/worksheets/sheet1.xml"; an
 * absolute target ("/xl/...") starts at the root; ".." steps up. */
static char *resolve_target(const char *source_part, const char *target)
{
    char *folder = part_folder(source_part);
    char *joined = target[0] == '/' ? g_strdup(target + 1) : g_strconcat(folder, target, NULL);
    g_free(folder);
    char **segments = g_strsplit(joined, "/", -1);
    GPtrArray *kept = g_ptr_array_new();
    for (char **s = segments; *s; s++) {
        if (strcmp(*s, "..") == 0) {
            if (kept->len) g_ptr_array_remove_index(kept, kept->len - 1);
        } else if (**s && strcmp(*s, ".") != 0) {
            g_ptr_array_add(kept, *s);
        }
    }
    g_ptr_array_add(kept, NULL);
    char *part = g_strjoinv("/", (char **)kept->pdata);
    g_ptr_array_free(kept, TRUE);
    g_strfreev(segments);
    g_free(joined);
    return part;
}

typedef struct {
    char *id, *type, *target; /* target resolved to a part name */
} relationship;

static void relationship_free(gpointer p)
{
    relationship *r = p;
    g_free(r->id);
    g_free(r->type);
    g_free(r->target);
    g_free(r);
}

/* The relationships of `source` ("" for the package), from its .rels part; NULL after an
 * error, empty when the part is missing and not `required`. */
static GPtrArray *read_relationships(book *bk, const char *source, bool required)
{
    char *folder = part_folder(source);
    const char *base = source + strlen(folder);
    char *rels = g_strdup_printf("%s_rels/%s.rels", folder, base);
    part_stream ps;
    xmlTextReaderPtr reader = open_part(bk, rels, required, &ps);
    GPtrArray *list = g_ptr_array_new_with_free_func(relationship_free);
    int status = reader ? next_node(&ps, reader, false) : 0;
    for (; status == 1; status = next_node(&ps, reader, false)) {
        if (!is_element(reader, "Relationship")) continue;
        char *target = attribute(reader, "Target");
        char *mode = attribute(reader, "TargetMode");
        if (target && !(mode && strcmp(mode, "External") == 0)) {
            relationship *r = g_new0(relationship, 1);
            char *id = attribute(reader, "Id"), *type = attribute(reader, "Type");
            r->id = g_strdup(id ? id : "");
            r->type = g_strdup(type ? type : "");
            r->target = resolve_target(source, target);
            xmlFree(id);
            xmlFree(type);
            g_ptr_array_add(list, r);
        }
        xmlFree(target);
        xmlFree(mode);
    }
    bool ok = reader ? close_part(&ps, reader, status) : !bk->failed;
    g_free(rels);
    g_free(folder);
    if (!ok) {
        g_ptr_array_free(list, TRUE);
        return NULL;
    }
    return list;
}

/* The first relationship whose type ends with "/`kind`". */
static const relationship *relationship_of_type(const GPtrArray *list, const char *kind)
{
    for (guint i = 0; list && i < list->len; i++) {
        const relationship *r = g_ptr_array_index(list, i);
        const char *slash = strrchr(r->type, '/');
        if (slash && strcmp(slash + 1, kind) == 0) return r;
    }
    return NULL;
}

static const relationship *relationship_by_id(const GPtrArray *list, const char *id)
{
    for (guint i = 0; list && id && i < list->len; i++) {
        const relationship *r = g_ptr_array_index(list, i);
        if (strcmp(r->id, id) == 0) return r;
    }
    return NULL;
}

/* The content type of `part` by [Content_Types].xml (an Override, else the Default of its
 * extension); NULL if none. */
static char *content_type(book *bk, const char *part)
{
    part_stream ps;
    xmlTextReaderPtr reader = open_part(bk, "[Content_Types].xml", true, &ps);
    const char *dot = strrchr(part, '.');
    char *by_override = NULL, *by_default = NULL;
    int status = reader ? next_node(&ps, reader, false) : 0;
    for (; status == 1; status = next_node(&ps, reader, false)) {
        if (is_element(reader, "Override") && !by_override) {
            char *name = attribute(reader, "PartName");
            if (name && g_ascii_strcasecmp(name + (name[0] == '/'), part) == 0)
                by_override = attribute(reader, "ContentType");
            xmlFree(name);
        } else if (is_element(reader, "Default") && !by_default && dot) {
            char *extension = attribute(reader, "Extension");
            if (extension && g_ascii_strcasecmp(extension, dot + 1) == 0)
                by_default = attribute(reader, "ContentType");
            xmlFree(extension);
        }
    }
    close_part(&ps, reader, status);
    char *type = g_strdup(by_override ? by_override : by_default);
    xmlFree(by_override);
    xmlFree(by_default);
    return type;
}

/* Why a package that is not a workbook is not one, from its main part's content type. */
static void report_not_workbook(book *bk, const char *type)
{
    if (strstr(type, "wordprocessingml") || strstr(type, "ms-word"))
        book_error(bk, "a Word document (.docx), not a workbook: copy its table into a "
                       "spreadsheet and save that as .xlsx");
    else if (strstr(type, "presentationml") || strstr(type, "ms-powerpoint"))
        book_error(bk, "a PowerPoint presentation, not a workbook");
    else
        book_error(bk, "not a workbook: its main part is '%s'", type);
}

/* The workbook part, from the package relationships, checked by its content type. NULL
 * (with an error) for anything that is not a spreadsheet. */
static char *find_workbook(book *bk)
{
    if (!has_part(bk, "[Content_Types].xml")) {
        if (has_part(bk, "OFD.xml"))
            book_error(bk, "an OFD document (版式文件, printed like a PDF), not data: give the "
                           "workbook (.xlsx) or the text export (.csv) of the table instead");
        else if (has_part(bk, "mimetype") && has_part(bk, "content.xml"))
            book_error(bk, "an OpenDocument file (.ods), not an .xlsx workbook: save it as "
                           ".xlsx (Excel 2007-365) and read that");
        else
            book_error(bk, "a zip archive, but not an Office document (it has no "
                           "[Content_Types].xml)");
        return NULL;
    }
    GPtrArray *rels = read_relationships(bk, "", true);
    const relationship *main_rel = relationship_of_type(rels, "officeDocument");
    char *part = NULL;
    if (rels && !main_rel) book_error(bk, "the package names no main document: the file is damaged");
    if (main_rel && !has_part(bk, main_rel->target))
        book_error(bk, "the workbook has no part %s: the file is damaged", main_rel->target);
    else if (main_rel) {
        char *type = content_type(bk, main_rel->target);
        if (!bk->failed && !type)
            book_error(bk, "part %s has no content type: the file is damaged", main_rel->target);
        else if (!bk->failed && !strstr(type, "spreadsheetml.sheet.main") &&
                 !strstr(type, "spreadsheetml.template.main") && !strstr(type, "ms-excel"))
            report_not_workbook(bk, type);
        else if (!bk->failed)
            part = g_strdup(main_rel->target);
        g_free(type);
    }
    if (rels) g_ptr_array_free(rels, TRUE);
    return part;
}

/* ---- the workbook part --------------------------------------------------------------------- */

typedef struct {
    char *name;
    char *part; /* NULL: not a worksheet (a chart sheet …) */
    bool visible;
} sheet_entry;

static void sheet_entry_free(gpointer p)
{
    sheet_entry *s = p;
    g_free(s->name);
    g_free(s->part);
    g_free(s);
}

typedef struct {
    GPtrArray *sheets; /* sheet_entry*, in workbook order */
    bool date1904;
    char *shared_strings, *styles; /* parts, or NULL */
} workbook_info;

static bool read_workbook(book *bk, const char *part, workbook_info *wb)
{
    GPtrArray *rels = read_relationships(bk, part, false);
    if (!rels) return false;
    const relationship *sst = relationship_of_type(rels, "sharedStrings");
    const relationship *styles = relationship_of_type(rels, "styles");
    wb->shared_strings = sst ? g_strdup(sst->target) : NULL;
    wb->styles = styles ? g_strdup(styles->target) : NULL;
    wb->sheets = g_ptr_array_new_with_free_func(sheet_entry_free);
    part_stream ps;
    xmlTextReaderPtr reader = open_part(bk, part, true, &ps);
    int status = reader ? next_node(&ps, reader, false) : 0;
    for (; status == 1; status = next_node(&ps, reader, false)) {
        if (is_element(reader, "workbookPr")) {
            wb->date1904 = flag_attribute(reader, "date1904");
        } else if (is_element(reader, "sheet")) {
            sheet_entry *s = g_new0(sheet_entry, 1);
            char *name = attribute(reader, "name"), *state = attribute(reader, "state");
            char *id = relationship_id(reader);
            const relationship *r = relationship_by_id(rels, id);
            s->name = g_strdup(name ? name : "");
            s->visible = !state || strcmp(state, "visible") == 0;
            const char *slash = r ? strrchr(r->type, '/') : NULL;
            if (slash && strcmp(slash + 1, "worksheet") == 0) s->part = g_strdup(r->target);
            g_ptr_array_add(wb->sheets, s);
            xmlFree(name);
            xmlFree(state);
            xmlFree(id);
        }
    }
    g_ptr_array_free(rels, TRUE);
    return close_part(&ps, reader, status);
}

/* ---- shared strings and styles ---------------------------------------------------------------- */

/* `text` with the OOXML escapes _xHHHH_ decoded (how a workbook writes characters XML
 * cannot hold) and CR LF / CR made LF, as text files are read. Takes `text`. */
static char *unescape_text(char *text)
{
    if (!strchr(text, '_') && !strchr(text, '\r')) return text;
    GString *out = g_string_sized_new(strlen(text));
    for (const char *p = text; *p;) {
        unsigned v = 0;
        if (p[0] == '_' && p[1] == 'x' && g_ascii_isxdigit(p[2]) && g_ascii_isxdigit(p[3]) &&
            g_ascii_isxdigit(p[4]) && g_ascii_isxdigit(p[5]) && p[6] == '_') {
            for (int i = 2; i < 6; i++)
                v = v * 16 + (unsigned)g_ascii_xdigit_value(p[i]);
            if (v != 0 && g_unichar_validate(v)) {
                if (v == '\r') {
                    g_string_append_c(out, '\n');
                    p += 7;
                    if (g_str_has_prefix(p, "\n")) p++;
                    else if (g_str_has_prefix(p, "_x000A_") || g_str_has_prefix(p, "_x000a_"))
                        p += 7;
                    continue;
                }
                g_string_append_unichar(out, v);
                p += 7;
                continue;
            }
        }
        if (*p == '\r') {
            g_string_append_c(out, '\n');
            p += p[1] == '\n' ? 2 : 1;
            continue;
        }
        g_string_append_c(out, *p++);
    }
    g_free(text);
    return g_string_free(out, FALSE);
}

/* Reads the text of a string item (<si> or <is>) at the reader: its <t> and the <t> of its
 * rich-text runs <r>, in order; phonetic runs (<rPh>) are left out. */
static char *read_string_item(part_stream *ps, xmlTextReaderPtr reader, int *status)
{
    const char *item = (const char *)xmlTextReaderConstLocalName(reader);
    char *item_name = g_strdup(item);
    GString *text = g_string_new(NULL);
    if (!xmlTextReaderIsEmptyElement(reader)) {
        bool skip = false;
        while ((*status = next_node(ps, reader, skip)) == 1) {
            skip = false;
            if (is_end(reader, item_name)) break;
            if (is_element(reader, "rPh")) {
                skip = true;
            } else if (is_element(reader, "t")) {
                xmlChar *t = xmlTextReaderReadString(reader);
                if (t) g_string_append(text, (const char *)t);
                xmlFree(t);
            }
        }
    }
    g_free(item_name);
    return unescape_text(g_string_free(text, FALSE));
}

/* The shared-string table, or NULL after an error. */
static GPtrArray *read_shared_strings(book *bk, const char *part)
{
    GPtrArray *strings = g_ptr_array_new_with_free_func(g_free);
    if (!part) return strings;
    part_stream ps;
    xmlTextReaderPtr reader = open_part(bk, part, true, &ps);
    size_t bytes = 0;
    int status = reader ? next_node(&ps, reader, false) : 0;
    for (; status == 1; status = next_node(&ps, reader, false)) {
        if (!is_element(reader, "si")) continue;
        if (strings->len >= MAX_SHARED_STRINGS) {
            book_error(bk, "the shared-string table has more than %d strings, more than jindu "
                           "reads from a workbook", MAX_SHARED_STRINGS);
            break;
        }
        char *s = read_string_item(&ps, reader, &status);
        bytes += strlen(s);
        g_ptr_array_add(strings, s);
        if (bytes > MAX_SHARED_TEXT_BYTES) {
            book_error(bk, "the shared-string table holds more than %u MB of text, more than "
                           "jindu reads from a workbook", MAX_SHARED_TEXT_BYTES / MIB);
            break;
        }
        if (status != 1) break;
    }
    if (!close_part(&ps, reader, bk->failed ? 0 : status)) {
        g_ptr_array_free(strings, TRUE);
        return NULL;
    }
    return strings;
}

/* How a number is shown: the parts of a number format that matter for data. */
typedef enum { SHOW_GENERAL, SHOW_FIXED, SHOW_PERCENT, SHOW_DATE, SHOW_TIME, SHOW_DATETIME } show_kind;

typedef struct {
    show_kind kind;
    int decimals; /* FIXED and PERCENT */
} number_show;

/* A format code with its quoted text, [brackets], escapes and fills removed, and only its
 * first section (positive numbers). */
static char *format_core(const char *code)
{
    GString *core = g_string_new(NULL);
    for (const char *p = code; *p && *p != ';'; p++) {
        if (*p == '"') {
            const char *end = strchr(p + 1, '"');
            if (!end) break;
            p = end;
        } else if (*p == '[') {
            const char *end = strchr(p, ']');
            if (!end) break;
            /* elapsed time ([h], [mm]) is a time; colours, locales, conditions are not shown */
            if (end == p + 2 || (end > p + 1 && strchr("hHmMsS", p[1]) && p[1] == p[end - p - 1]))
                g_string_append_c(core, 'h');
            p = end;
        } else if (*p == '\\' || *p == '_' || *p == '*') {
            if (p[1]) p++;
        } else {
            g_string_append_c(core, *p);
        }
    }
    return g_string_free(core, FALSE);
}

static number_show show_of_code(const char *code)
{
    number_show show = {SHOW_GENERAL, 0};
    char *core = format_core(code);
    char *lower = g_ascii_strdown(core, -1);
    bool date = strpbrk(lower, "yd") != NULL;
    bool time = strpbrk(lower, "hs") != NULL;
    bool month = strchr(lower, 'm') != NULL;
    if (strstr(lower, "general")) date = time = month = false;
    if (date || (month && !time)) {
        show.kind = time ? SHOW_DATETIME : SHOW_DATE;
    } else if (time) {
        show.kind = SHOW_TIME;
    } else if (!strstr(lower, "e+") && !strstr(lower, "e-") && !strchr(lower, '/') &&
               strpbrk(lower, "0#?")) {
        show.kind = strchr(lower, '%') ? SHOW_PERCENT : SHOW_FIXED;
        const char *dot = strchr(lower, '.');
        for (const char *p = dot ? dot + 1 : ""; *p && strchr("0#?", *p); p++)
            show.decimals++;
    }
    g_free(lower);
    g_free(core);
    return show;
}

/* The built-in number formats (ECMA-376 18.8.30, with the Chinese locale's date formats
 * 27–36 and 50–58). */
static number_show show_of_builtin(int id)
{
    switch (id) {
    case 1: case 3: case 37: case 38:
        return (number_show){SHOW_FIXED, 0};
    case 2: case 4: case 39: case 40:
        return (number_show){SHOW_FIXED, 2};
    case 9:
        return (number_show){SHOW_PERCENT, 0};
    case 10:
        return (number_show){SHOW_PERCENT, 2};
    case 14: case 15: case 16: case 17: case 27: case 28: case 29: case 30: case 31: case 36:
    case 50: case 51: case 52: case 53: case 54: case 57: case 58:
        return (number_show){SHOW_DATE, 0};
    case 22:
        return (number_show){SHOW_DATETIME, 0};
    case 18: case 19: case 20: case 21: case 32: case 33: case 34: case 35: case 45: case 46:
    case 47: case 55: case 56:
        return (number_show){SHOW_TIME, 0};
    default:
        return (number_show){SHOW_GENERAL, 0};
    }
}

/* How each cell style (the s="N" of a cell) shows numbers; NULL after an error. */
static GArray *read_styles(book *bk, const char *part)
{
    GArray *styles = g_array_new(FALSE, FALSE, sizeof(number_show));
    if (!part) return styles;
    part_stream ps;
    xmlTextReaderPtr reader = open_part(bk, part, false, &ps);
    GHashTable *codes = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    bool in_cell_xfs = false;
    int status = reader ? next_node(&ps, reader, false) : 0;
    for (; status == 1; status = next_node(&ps, reader, false)) {
        if (is_element(reader, "numFmt")) {
            char *id = attribute(reader, "numFmtId"), *code = attribute(reader, "formatCode");
            if (id && code)
                g_hash_table_replace(codes, GINT_TO_POINTER(atoi(id)), g_strdup(code));
            xmlFree(id);
            xmlFree(code);
        } else if (is_element(reader, "cellXfs")) {
            in_cell_xfs = !xmlTextReaderIsEmptyElement(reader);
        } else if (is_end(reader, "cellXfs")) {
            in_cell_xfs = false;
        } else if (in_cell_xfs && is_element(reader, "xf")) {
            if (styles->len >= MAX_STYLES) {
                book_error(bk, "part %s has more than %d cell styles", part, MAX_STYLES);
                break;
            }
            char *id_text = attribute(reader, "numFmtId");
            int id = id_text ? atoi(id_text) : 0;
            xmlFree(id_text);
            const char *code = g_hash_table_lookup(codes, GINT_TO_POINTER(id));
            number_show show = code ? show_of_code(code) : show_of_builtin(id);
            g_array_append_val(styles, show);
        }
    }
    g_hash_table_destroy(codes);
    if (reader && !close_part(&ps, reader, bk->failed ? 0 : status)) {
        g_array_free(styles, TRUE);
        return NULL;
    }
    return styles;
}

/* ---- numbers as text ------------------------------------------------------------------------ */

/* `value` rounded to `decimals` places the way a spreadsheet shows it: from its 15
 * significant digits, halves away from zero (2.675 with 2 places is 2.68, not the 2.67 of
 * the binary value). */
static char *fixed_text(double value, int decimals)
{
    char digits[64];
    g_snprintf(digits, sizeof digits, "%.14e", fabs(value)); /* d.dddddddddddddde±XX */
    char *e = strchr(digits, 'e');
    int exponent = atoi(e + 1);
    char mantissa[16];
    size_t n = 0;
    for (const char *p = digits; p < e; p++)
        if (g_ascii_isdigit(*p)) mantissa[n++] = *p;
    /* the number is 0.mantissa × 10^(exponent+1); keep exponent+1+decimals digits */
    int keep = exponent + 1 + decimals;
    GString *kept = g_string_new(NULL);
    if (keep >= 0) {
        for (int i = 0; i < keep; i++)
            g_string_append_c(kept, i < (int)n ? mantissa[i] : '0');
        bool round_up = keep < (int)n && mantissa[keep] >= '5';
        if (round_up) {
            int i = (int)kept->len - 1;
            while (i >= 0 && kept->str[i] == '9')
                kept->str[i--] = '0';
            if (i >= 0)
                kept->str[i]++;
            else
                g_string_prepend_c(kept, '1');
        }
    }
    /* kept holds the digits of round(|value| × 10^decimals) */
    while ((int)kept->len < decimals + 1)
        g_string_prepend_c(kept, '0');
    if (decimals > 0) g_string_insert_c(kept, (gssize)kept->len - decimals, '.');
    bool zero = strspn(kept->str, "0.") == kept->len;
    if (value < 0 && !zero) g_string_prepend_c(kept, '-');
    return g_string_free(kept, FALSE);
}

char *jd_number_text(double value)
{
    char text[G_ASCII_DTOSTR_BUF_SIZE];
    g_ascii_formatd(text, sizeof text, "%.15g", value);
    return g_strdup(strcmp(text, "-0") == 0 ? "0" : text);
}

/* A serial date of the workbook's date system as YYYY-MM-DD; FALSE when out of range. */
static bool serial_date(double serial, bool date1904, char *out, size_t size, int *seconds)
{
    if (!(serial >= 0 && serial < 2958466)) return false;
    double days = floor(serial);
    long secs = lround((serial - days) * 86400.0);
    if (secs >= 86400) {
        days += 1;
        secs -= 86400;
    }
    *seconds = (int)secs;
    long d = (long)days;
    GDate date;
    if (date1904) {
        g_date_set_dmy(&date, 1, G_DATE_JANUARY, 1904);
        g_date_add_days(&date, (guint)d);
    } else if (d == 60) {
        /* the 1900 system counts a 29 February 1900 that never was */
        g_snprintf(out, size, "1900-02-29");
        return true;
    } else if (d == 0) {
        g_snprintf(out, size, "1900-01-00");
        return true;
    } else {
        g_date_set_dmy(&date, 31, G_DATE_DECEMBER, 1899);
        g_date_add_days(&date, (guint)(d < 60 ? d : d - 1));
    }
    g_snprintf(out, size, "%04d-%02d-%02d", g_date_get_year(&date), g_date_get_month(&date),
               g_date_get_day(&date));
    return true;
}

static char *number_text(double value, number_show show, bool date1904)
{
    char date[32];
    int seconds = 0;
    switch (show.kind) {
    case SHOW_FIXED:
        return fixed_text(value, show.decimals);
    case SHOW_PERCENT: {
        char *number = fixed_text(value * 100, show.decimals);
        char *text = g_strconcat(number, "%", NULL);
        g_free(number);
        return text;
    }
    case SHOW_DATE:
    case SHOW_DATETIME:
        if (!serial_date(value, date1904, date, sizeof date, &seconds)) break;
        if (show.kind == SHOW_DATE || seconds == 0) return g_strdup(date);
        return g_strdup_printf("%s %02d:%02d", date, seconds / 3600, seconds / 60 % 60);
    case SHOW_TIME:
        if (!serial_date(value, date1904, date, sizeof date, &seconds)) break;
        return g_strdup_printf("%02d:%02d", seconds / 3600, seconds / 60 % 60);
    case SHOW_GENERAL:
        break;
    }
    return jd_number_text(value);
}

/* ---- the worksheet ---------------------------------------------------------------------------- */

typedef struct {
    int row, col;
    char *text;
} cell_value;

typedef struct {
    int r1, c1, r2, c2;
} cell_range;

typedef struct {
    book *bk;
    const char *source; /* "file[sheet]", for messages at cells */
    const GPtrArray *strings;
    const GArray *styles;
    bool date1904;
    GArray *cells;  /* cell_value */
    GArray *merges; /* cell_range */
    GArray *hidden_rows; /* int, rows marked hidden */
    GArray *hidden_cols; /* cell_range with only c1, c2 */
    bool cell_errors;    /* a cell was reported as wrong: every cell is read, nothing kept */
} sheet_reader;

static void cell_problem(sheet_reader *sr, jd_severity sev, int row, int col, const char *fmt, ...)
    G_GNUC_PRINTF(5, 6);

static void cell_problem(sheet_reader *sr, jd_severity sev, int row, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    jd_diags_addv(sr->bk->diags, sev, sr->source, row, col, fmt, ap);
    va_end(ap);
    if (sev == JD_ERROR) sr->cell_errors = true;
}

static void sheet_error(sheet_reader *sr, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* An error about the sheet as a whole: reading stops. */
static void sheet_error(sheet_reader *sr, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (!sr->bk->failed) jd_diags_addv(sr->bk->diags, JD_ERROR, sr->source, 0, 0, fmt, ap);
    va_end(ap);
    sr->bk->failed = true;
}

/* "C12" → row 12, column 3; false for anything else or beyond the format's limits. */
static bool parse_ref(const char *ref, int *row, int *col)
{
    const char *p = ref;
    long c = 0, r = 0;
    while (*p == '$')
        p++;
    for (; g_ascii_isalpha(*p) && c <= MAX_SHEET_COLS; p++)
        c = c * 26 + (g_ascii_toupper(*p) - 'A' + 1);
    if (*p == '$') p++;
    for (; g_ascii_isdigit(*p) && r <= MAX_SHEET_ROWS; p++)
        r = r * 10 + (*p - '0');
    if (*p || c < 1 || c > MAX_SHEET_COLS || r < 1 || r > MAX_SHEET_ROWS) return false;
    *row = (int)r;
    *col = (int)c;
    return true;
}

static bool parse_range(const char *ref, cell_range *range)
{
    const char *colon = strchr(ref, ':');
    if (!colon) {
        if (!parse_ref(ref, &range->r1, &range->c1)) return false;
        range->r2 = range->r1;
        range->c2 = range->c1;
        return true;
    }
    char *first = g_strndup(ref, (gsize)(colon - ref));
    bool ok = parse_ref(first, &range->r1, &range->c1) && parse_ref(colon + 1, &range->r2, &range->c2);
    g_free(first);
    if (ok && (range->r1 > range->r2 || range->c1 > range->c2)) {
        int r = MIN(range->r1, range->r2), c = MIN(range->c1, range->c2);
        range->r2 = MAX(range->r1, range->r2);
        range->c2 = MAX(range->c1, range->c2);
        range->r1 = r;
        range->c1 = c;
    }
    return ok;
}

/* The text of the cell element at the reader (type `type`, style `style`); NULL for a cell
 * without a value. Reads up to the cell's end. */
static char *read_cell(sheet_reader *sr, part_stream *ps, xmlTextReaderPtr reader, int row, int col,
                       int *status)
{
    char *type = attribute(reader, "t"), *style_text = attribute(reader, "s");
    int style = style_text ? atoi(style_text) : 0;
    xmlFree(style_text);
    char *value = NULL, *inline_text = NULL, *formula = NULL;
    bool has_value = false;
    if (!xmlTextReaderIsEmptyElement(reader)) {
        while ((*status = next_node(ps, reader, false)) == 1) {
            if (is_end(reader, "c")) break;
            if (is_element(reader, "v")) {
                g_free(value);
                xmlChar *v = xmlTextReaderReadString(reader);
                value = g_strdup(v ? (const char *)v : "");
                xmlFree(v);
                has_value = true;
            } else if (is_element(reader, "is")) {
                g_free(inline_text);
                inline_text = read_string_item(ps, reader, status);
                if (*status != 1) break;
            } else if (is_element(reader, "f") && !formula) {
                xmlChar *f = xmlTextReaderReadString(reader);
                formula = g_strdup(f ? (const char *)f : "");
                xmlFree(f);
            }
        }
    }
    char *text = NULL;
    const char *t = type ? type : "n";
    if (strcmp(t, "inlineStr") == 0) {
        text = inline_text;
        inline_text = NULL;
    } else if (formula && !has_value) {
        cell_problem(sr, JD_ERROR, row, col,
                     "the formula '=%s' has no saved value: open the workbook in Excel, WPS or "
                     "LibreOffice, save it, and read it again",
                     formula);
    } else if (!has_value) {
        /* a cell with a style and nothing in it */
    } else if (strcmp(t, "s") == 0) {
        guint64 index = 0;
        if (g_ascii_string_to_unsigned(value, 10, 0, G_MAXUINT32, &index, NULL) &&
            index < sr->strings->len)
            text = g_strdup(g_ptr_array_index(sr->strings, index));
        else
            cell_problem(sr, JD_ERROR, row, col,
                         "the cell refers to shared string '%s', which the workbook does not "
                         "have (it has %u): the file is damaged",
                         value, sr->strings->len);
    } else if (strcmp(t, "str") == 0) {
        text = unescape_text(g_strdup(value));
    } else if (strcmp(t, "b") == 0) {
        text = g_strdup(strcmp(value, "1") == 0 || strcmp(value, "true") == 0 ? "TRUE" : "FALSE");
    } else if (strcmp(t, "e") == 0) {
        cell_problem(sr, JD_WARNING, row, col,
                     "the cell shows the error %s (of a formula); it is read as that text", value);
        text = g_strdup(value);
    } else if (strcmp(t, "d") == 0) {
        /* an ISO 8601 date cell: the date, and the time when there is one */
        const char *tpos = strchr(value, 'T');
        bool midnight = !tpos || g_str_has_prefix(tpos, "T00:00:00");
        text = midnight ? g_strndup(value, tpos ? (gsize)(tpos - value) : strlen(value))
                        : g_strdelimit(g_strndup(value, 16), "T", ' ');
    } else {
        char *end = NULL;
        double number = g_ascii_strtod(value, &end);
        if (!*value || *end || !isfinite(number)) {
            cell_problem(sr, JD_ERROR, row, col,
                         "the cell should hold a number but holds '%s': the file is damaged",
                         value);
        } else {
            number_show show = {SHOW_GENERAL, 0};
            if (style >= 0 && (guint)style < sr->styles->len)
                show = g_array_index(sr->styles, number_show, style);
            text = number_text(number, show, sr->date1904);
        }
    }
    xmlFree(type);
    g_free(value);
    g_free(inline_text);
    g_free(formula);
    return text;
}

static void add_cell(sheet_reader *sr, int row, int col, char *text)
{
    if (!text || !*text) {
        g_free(text);
        return;
    }
    if (sr->cells->len >= jd_xlsx_max_cells) {
        sheet_error(sr, "the sheet has more than %zu cells with values, more than jindu reads",
                    jd_xlsx_max_cells);
        g_free(text);
        return;
    }
    cell_value v = {row, col, text};
    g_array_append_val(sr->cells, v);
}

static bool read_sheet_part(sheet_reader *sr, const char *part)
{
    part_stream ps;
    xmlTextReaderPtr reader = open_part(sr->bk, part, true, &ps);
    int row = 0, col = 0;
    int status = reader ? next_node(&ps, reader, false) : 0;
    for (; status == 1 && !sr->bk->failed; status = next_node(&ps, reader, false)) {
        if (is_element(reader, "row")) {
            char *r = attribute(reader, "r");
            int n = r ? atoi(r) : row + 1;
            xmlFree(r);
            if (n < 1 || n > MAX_SHEET_ROWS || n <= row) {
                sheet_error(sr, "row %d is out of order or beyond the sheet's last row", n);
                break;
            }
            row = n;
            col = 0;
            if (flag_attribute(reader, "hidden")) g_array_append_val(sr->hidden_rows, row);
        } else if (is_element(reader, "c")) {
            char *ref = attribute(reader, "r");
            int r = row ? row : 1, c = col + 1;
            bool ok = ref ? parse_ref(ref, &r, &c) : c <= MAX_SHEET_COLS;
            xmlFree(ref);
            if (!ok || r != MAX(row, 1) || c <= col) {
                sheet_error(sr, "a cell of row %d has a bad or repeated reference", MAX(row, 1));
                break;
            }
            if (!row) row = 1;
            col = c;
            char *text = read_cell(sr, &ps, reader, r, c, &status);
            add_cell(sr, r, c, text);
            if (status != 1) break;
        } else if (is_element(reader, "col")) {
            char *min = attribute(reader, "min"), *max = attribute(reader, "max");
            cell_range cols = {0, min ? atoi(min) : 0, 0, max ? atoi(max) : 0};
            xmlFree(min);
            xmlFree(max);
            if (flag_attribute(reader, "hidden") && cols.c1 >= 1 && cols.c1 <= cols.c2)
                g_array_append_val(sr->hidden_cols, cols);
        } else if (is_element(reader, "mergeCell")) {
            char *ref = attribute(reader, "ref");
            cell_range range;
            if (ref && parse_range(ref, &range)) {
                g_array_append_val(sr->merges, range);
            } else {
                sheet_error(sr, "merged cell range '%s' is not a range of cells", ref ? ref : "");
            }
            xmlFree(ref);
        }
    }
    return close_part(&ps, reader, sr->bk->failed ? 0 : status) && !sr->bk->failed;
}

/* ---- cells → records -------------------------------------------------------------------------- */

static gint compare_ints(gconstpointer a, gconstpointer b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* The index of sheet row `row` among `rows` (sorted, distinct), or -1. */
static int row_index(const GArray *rows, int row)
{
    const int *found = bsearch(&row, rows->data, rows->len, sizeof(int), (GCompareFunc)compare_ints);
    return found ? (int)(found - (const int *)rows->data) : -1;
}

static char *range_text(const cell_range *m)
{
    char *a = jd_cell_ref(m->r1, m->c1), *b = jd_cell_ref(m->r2, m->c2);
    char *text = g_strdup_printf("%s:%s", a, b);
    g_free(a);
    g_free(b);
    return text;
}

/* Warns once per run of hidden rows, and once per run of hidden columns, that hold values:
 * a hidden row may be a task someone meant to drop, so the reader says it read it. */
static void report_hidden(sheet_reader *sr, const GArray *rows, const GArray *widths)
{
    g_array_sort(sr->hidden_rows, compare_ints);
    for (guint i = 0; i < sr->hidden_rows->len;) {
        int first = g_array_index(sr->hidden_rows, int, i), last = first;
        guint j = i + 1;
        while (j < sr->hidden_rows->len && g_array_index(sr->hidden_rows, int, j) == last + 1)
            last = g_array_index(sr->hidden_rows, int, j++);
        bool any = false;
        for (int r = first; r <= last && !any; r++)
            any = row_index(rows, r) >= 0;
        if (any && first == last)
            cell_problem(sr, JD_WARNING, first, 1,
                         "row %d is hidden in the workbook; it is read like any other row", first);
        else if (any)
            cell_problem(sr, JD_WARNING, first, 1,
                         "rows %d–%d are hidden in the workbook; they are read like any other row",
                         first, last);
        i = j;
    }
    int max_width = 0;
    for (guint i = 0; i < widths->len; i++)
        max_width = MAX(max_width, g_array_index(widths, int, i));
    for (guint i = 0; i < sr->hidden_cols->len; i++) {
        cell_range cols = g_array_index(sr->hidden_cols, cell_range, i);
        if (cols.c1 > max_width) continue;
        int last = MIN(cols.c2, max_width);
        char *a = jd_column_letters(cols.c1), *b = jd_column_letters(last);
        int first_row = rows->len ? g_array_index(rows, int, 0) : 1;
        if (cols.c1 == last)
            cell_problem(sr, JD_WARNING, first_row, cols.c1,
                         "column %s is hidden in the workbook; its cells are read like any other",
                         a);
        else
            cell_problem(sr, JD_WARNING, first_row, cols.c1,
                         "columns %s–%s are hidden in the workbook; their cells are read like any "
                         "other",
                         a, b);
        g_free(a);
        g_free(b);
    }
}

static gint compare_cells(gconstpointer a, gconstpointer b)
{
    const cell_value *x = a, *y = b;
    if (x->row != y->row) return (x->row > y->row) - (x->row < y->row);
    return (x->col > y->col) - (x->col < y->col);
}

/* The sheet's records: a row for every sheet row that holds a value or lies in a merged
 * range, as wide as its last value or merged cell. Merged ranges are cut to the cells that
 * hold values (a range over whole columns adds nothing to read); the grid is bounded. */
static jd_records *build_records(sheet_reader *sr)
{
    g_array_sort(sr->cells, compare_cells);
    int max_row = 0, max_col = 0;
    for (guint i = 0; i < sr->cells->len; i++) {
        const cell_value *v = &g_array_index(sr->cells, cell_value, i);
        max_row = MAX(max_row, v->row);
        max_col = MAX(max_col, v->col);
    }
    GArray *merges = g_array_new(FALSE, FALSE, sizeof(cell_range));
    guint64 merged_cells = 0;
    for (guint i = 0; i < sr->merges->len; i++) {
        cell_range m = g_array_index(sr->merges, cell_range, i);
        m.r2 = MIN(m.r2, max_row);
        m.c2 = MIN(m.c2, max_col);
        if (m.r1 > m.r2 || m.c1 > m.c2 || (m.r1 == m.r2 && m.c1 == m.c2)) continue;
        merged_cells += (guint64)(m.r2 - m.r1 + 1) * (guint64)(m.c2 - m.c1 + 1);
        g_array_append_val(merges, m);
    }
    if (merged_cells > jd_xlsx_max_cells) {
        sheet_error(sr, "the merged ranges cover more than %zu cells, more than jindu reads",
                    jd_xlsx_max_cells);
        g_array_free(merges, TRUE);
        return NULL;
    }
    /* the rows, sorted and distinct */
    GArray *rows = g_array_new(FALSE, FALSE, sizeof(int));
    for (guint i = 0; i < sr->cells->len; i++)
        g_array_append_val(rows, g_array_index(sr->cells, cell_value, i).row);
    for (guint i = 0; i < merges->len; i++) {
        const cell_range *m = &g_array_index(merges, cell_range, i);
        for (int r = m->r1; r <= m->r2; r++)
            g_array_append_val(rows, r);
    }
    g_array_sort(rows, compare_ints);
    guint distinct = 0;
    for (guint i = 0; i < rows->len; i++)
        if (distinct == 0 || g_array_index(rows, int, i) != g_array_index(rows, int, distinct - 1))
            g_array_index(rows, int, distinct++) = g_array_index(rows, int, i);
    g_array_set_size(rows, distinct);
    /* each row's width */
    GArray *widths = g_array_sized_new(FALSE, TRUE, sizeof(int), rows->len);
    g_array_set_size(widths, rows->len);
    for (guint i = 0; i < sr->cells->len; i++) {
        const cell_value *v = &g_array_index(sr->cells, cell_value, i);
        int *w = &g_array_index(widths, int, row_index(rows, v->row));
        *w = MAX(*w, v->col);
    }
    for (guint i = 0; i < merges->len; i++) {
        const cell_range *m = &g_array_index(merges, cell_range, i);
        for (int r = m->r1, k = row_index(rows, r); r <= m->r2; r++, k++) {
            int *w = &g_array_index(widths, int, k);
            *w = MAX(*w, m->c2);
        }
    }
    guint64 grid = 0;
    for (guint i = 0; i < widths->len; i++)
        grid += (guint64)g_array_index(widths, int, i);
    jd_records *records = NULL;
    if (grid > jd_xlsx_max_cells) {
        sheet_error(sr,
                    "the cells with values span %" G_GUINT64_FORMAT " cells (rows × columns), "
                    "more than jindu reads (%zu); delete stray cells far to the right or below",
                    grid, jd_xlsx_max_cells);
    } else {
        records = jd_records_new_sheet(true);
        for (guint i = 0; i < rows->len; i++)
            jd_records_add_sheet_row(records, g_array_index(rows, int, i),
                                     (size_t)g_array_index(widths, int, i));
        for (guint i = 0; i < sr->cells->len; i++) {
            cell_value *v = &g_array_index(sr->cells, cell_value, i);
            jd_records_set_text(records, (size_t)row_index(rows, v->row), (size_t)v->col - 1,
                                v->text);
            v->text = NULL;
        }
        for (guint i = 0; i < merges->len && !sr->bk->failed; i++) {
            const cell_range *m = &g_array_index(merges, cell_range, i);
            size_t first_row = (size_t)row_index(rows, m->r1), first_field = (size_t)m->c1 - 1;
            for (int r = m->r1, k = (int)first_row; r <= m->r2; r++, k++) {
                for (int c = m->c1; c <= m->c2; c++) {
                    if (!jd_records_set_merged(records, (size_t)k, (size_t)c - 1, first_row,
                                               first_field)) {
                        char *text = range_text(m);
                        cell_problem(sr, JD_ERROR, r, c,
                                     "merged range %s overlaps another merged range", text);
                        g_free(text);
                        r = m->r2;
                        break;
                    }
                    const char *own = jd_records_field(records, (size_t)k, (size_t)c - 1);
                    if ((r != m->r1 || c != m->c1) && *own) {
                        char *text = range_text(m);
                        cell_problem(sr, JD_WARNING, r, c,
                                     "the cell is hidden under the merged cell %s but holds "
                                     "text of its own; that text is not read",
                                     text);
                        g_free(text);
                        jd_records_set_text(records, (size_t)k, (size_t)c - 1, NULL);
                    }
                }
            }
        }
        report_hidden(sr, rows, widths);
    }
    if (sr->bk->failed || sr->cell_errors) {
        jd_records_free(records);
        records = NULL;
    }
    g_array_free(widths, TRUE);
    g_array_free(rows, TRUE);
    g_array_free(merges, TRUE);
    return records;
}

/* ---- choosing the sheet ----------------------------------------------------------------------- */

static const sheet_entry *choose_sheet(book *bk, const GPtrArray *sheets, const char *wanted)
{
    GString *names = g_string_new(NULL);
    const sheet_entry *chosen = NULL;
    for (guint i = 0; i < sheets->len; i++) {
        const sheet_entry *s = g_ptr_array_index(sheets, i);
        g_string_append_printf(names, "%s%s%s", names->len ? ", " : "", s->name,
                               s->visible ? "" : " (hidden)");
        if (!chosen && wanted && strcmp(s->name, wanted) == 0) chosen = s;
        if (!chosen && !wanted && s->visible && s->part) chosen = s;
    }
    if (!chosen && wanted)
        book_error(bk, "the workbook has no sheet '%s' (its sheets: %s)", wanted,
                   names->len ? names->str : "none");
    else if (!chosen)
        book_error(bk, "the workbook has no visible worksheet (its sheets: %s)",
                   names->len ? names->str : "none");
    else if (!chosen->part)
        book_error(bk, "sheet '%s' is a chart or dialog sheet, not a worksheet of cells",
                   chosen->name);
    else if (!has_part(bk, chosen->part))
        book_error(bk, "the workbook has no part %s for sheet '%s': the file is damaged",
                   chosen->part, chosen->name);
    g_string_free(names, TRUE);
    return bk->failed ? NULL : chosen;
}

/* ---- forms jindu wrote: locked cells ---------------------------------------------------------------- */

/* The text of the cell at sheet row `row`, column `col` of `records` ("" if none). */
static const char *text_at(const jd_records *records, GHashTable *rows, int row, int col)
{
    gpointer index;
    if (!g_hash_table_lookup_extended(rows, GINT_TO_POINTER(row), NULL, &index)) return "";
    const char *text = jd_records_field(records, GPOINTER_TO_SIZE(index), (size_t)col - 1);
    return text ? text : "";
}

/* A form jindu wrote records its locked cells on a hidden sheet (forms_xlsx.c); a locked
 * cell whose text changed (the sheet unprotected and edited anyway) is an error at the
 * cell: the report would be filed under another task or unit. */
static void check_locked_cells(sheet_reader *data, const jd_records *records, const GArray *key)
{
    GHashTable *key_cells = g_hash_table_new(g_direct_hash, g_direct_equal);
    for (guint i = 0; i < key->len; i++) {
        const cell_value *v = &g_array_index(key, cell_value, i);
        if (v->col <= 3) g_hash_table_insert(key_cells, GINT_TO_POINTER(v->row * 4 + v->col), v->text);
    }
    const char *mark = g_hash_table_lookup(key_cells, GINT_TO_POINTER(1 * 4 + 1));
    const char *sheet = g_hash_table_lookup(key_cells, GINT_TO_POINTER(1 * 4 + 2));
    const char *name = strrchr(data->source, '[');
    bool ours = mark && strcmp(mark, JD_FORM_KEY_MARK) == 0 && sheet && name &&
                strncmp(name + 1, sheet, strlen(sheet)) == 0 && name[1 + strlen(sheet)] == ']';
    GHashTable *rows = g_hash_table_new(g_direct_hash, g_direct_equal);
    for (size_t r = 0; ours && r < jd_records_count(records); r++)
        g_hash_table_insert(rows, GINT_TO_POINTER(jd_records_field_line(records, r, 0)),
                            GSIZE_TO_POINTER(r));
    int last_row = 0;
    for (guint i = 0; ours && i < key->len; i++)
        last_row = MAX(last_row, g_array_index(key, cell_value, i).row);
    for (int r = 2; ours && r <= last_row; r++) {
        const char *ref = g_hash_table_lookup(key_cells, GINT_TO_POINTER(r * 4 + 1));
        const char *column = g_hash_table_lookup(key_cells, GINT_TO_POINTER(r * 4 + 2));
        const char *was = g_hash_table_lookup(key_cells, GINT_TO_POINTER(r * 4 + 3));
        int row, col;
        if (!ref || !parse_ref(ref, &row, &col)) continue;
        const char *now = text_at(records, rows, row, col);
        if (strcmp(now, was ? was : "") == 0) continue;
        char *shown = g_utf8_substring(was ? was : "", 0, 20);
        cell_problem(data, JD_ERROR, row, col,
                     "%s is a locked column of the form jindu wrote, and this cell was changed "
                     "(it was '%s%s'): fill in only the open columns, or ask for a new form",
                     column ? column : "the cell", shown,
                     g_utf8_strlen(was ? was : "", -1) > 20 ? "…" : "");
        g_free(shown);
    }
    g_hash_table_destroy(rows);
    g_hash_table_destroy(key_cells);
}

/* The cells of the hidden sheet of locked cells, if the workbook has one; NULL otherwise. */
static GArray *read_locked_cells(book *bk, const GPtrArray *sheets, const sheet_reader *data)
{
    const sheet_entry *key = NULL;
    for (guint i = 0; i < sheets->len && !key; i++) {
        const sheet_entry *s = g_ptr_array_index(sheets, i);
        if (strcmp(s->name, JD_FORM_KEY_SHEET) == 0 && s->part && has_part(bk, s->part)) key = s;
    }
    if (!key) return NULL;
    char *source = jd_sheet_source_name(bk->name, key->name);
    sheet_reader sr = *data;
    sr.source = source;
    sr.cells = g_array_new(FALSE, FALSE, sizeof(cell_value));
    sr.merges = g_array_new(FALSE, FALSE, sizeof(cell_range));
    sr.hidden_rows = g_array_new(FALSE, FALSE, sizeof(int));
    sr.hidden_cols = g_array_new(FALSE, FALSE, sizeof(cell_range));
    bool ok = read_sheet_part(&sr, key->part) && !sr.cell_errors;
    g_array_free(sr.merges, TRUE);
    g_array_free(sr.hidden_rows, TRUE);
    g_array_free(sr.hidden_cols, TRUE);
    g_free(source);
    if (!ok) {
        for (guint i = 0; i < sr.cells->len; i++)
            g_free(g_array_index(sr.cells, cell_value, i).text);
        g_array_free(sr.cells, TRUE);
        return NULL;
    }
    return sr.cells;
}

static void free_cells(GArray *cells)
{
    for (guint i = 0; cells && i < cells->len; i++)
        g_free(g_array_index(cells, cell_value, i).text);
    if (cells) g_array_free(cells, TRUE);
}

/* ---- the whole workbook ----------------------------------------------------------------------- */

static zip_t *open_zip(const char *data, size_t len, book *bk)
{
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t *source = zip_source_buffer_create(data, len, 0, &error);
    zip_t *zip = source ? zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error) : NULL;
    if (!zip) {
        book_error(bk, "not a readable .xlsx workbook (the zip container is damaged: %s)",
                   zip_error_strerror(&error));
        if (source) zip_source_free(source);
    } else if (zip_get_num_entries(zip, 0) > MAX_ZIP_ENTRIES) {
        book_error(bk, "the zip container has %" G_GINT64_FORMAT " entries; a workbook has a "
                       "few dozen",
                   (gint64)zip_get_num_entries(zip, 0));
        zip_discard(zip);
        zip = NULL;
    }
    zip_error_fini(&error);
    return zip;
}

static jd_records *read_book(const char *data, size_t len, const char *name, const char *sheet,
                             char **source_name, bool check_locked, jd_diags *diags)
{
    book bk = {NULL, name, diags, BUDGET_BYTES, false};
    *source_name = NULL;
    bk.zip = open_zip(data, len, &bk);
    if (!bk.zip) return NULL;
    workbook_info wb = {0};
    jd_records *records = NULL;
    char *workbook_part = find_workbook(&bk);
    if (workbook_part && read_workbook(&bk, workbook_part, &wb)) {
        const sheet_entry *chosen = choose_sheet(&bk, wb.sheets, sheet);
        GPtrArray *strings = chosen ? read_shared_strings(&bk, wb.shared_strings) : NULL;
        GArray *styles = strings ? read_styles(&bk, wb.styles) : NULL;
        if (styles) {
            char *source = jd_sheet_source_name(name, chosen->name);
            sheet_reader sr = {&bk,
                               source,
                               strings,
                               styles,
                               wb.date1904,
                               g_array_new(FALSE, FALSE, sizeof(cell_value)),
                               g_array_new(FALSE, FALSE, sizeof(cell_range)),
                               g_array_new(FALSE, FALSE, sizeof(int)),
                               g_array_new(FALSE, FALSE, sizeof(cell_range)),
                               false};
            if (read_sheet_part(&sr, chosen->part)) records = build_records(&sr);
            GArray *locked = records && check_locked ? read_locked_cells(&bk, wb.sheets, &sr) : NULL;
            if (locked) check_locked_cells(&sr, records, locked);
            if (records && (sr.cell_errors || bk.failed)) {
                jd_records_free(records);
                records = NULL;
            }
            free_cells(locked);
            free_cells(sr.cells);
            g_array_free(sr.merges, TRUE);
            g_array_free(sr.hidden_rows, TRUE);
            g_array_free(sr.hidden_cols, TRUE);
            if (records)
                *source_name = source;
            else
                g_free(source);
        }
        if (styles) g_array_free(styles, TRUE);
        if (strings) g_ptr_array_free(strings, TRUE);
    }
    if (wb.sheets) g_ptr_array_free(wb.sheets, TRUE);
    g_free(wb.shared_strings);
    g_free(wb.styles);
    g_free(workbook_part);
    zip_discard(bk.zip);
    return records;
}

jd_records *jd_xlsx_read(const char *data, size_t len, const char *name, const char *sheet,
                         char **source_name, jd_diags *diags)
{
    return read_book(data, len, name, sheet, source_name, true, diags);
}

jd_records *jd_xlsx_cells(const char *data, size_t len, const char *name, const char *sheet,
                          char **source_name, jd_diags *diags)
{
    return read_book(data, len, name, sheet, source_name, false, diags);
}

bool jd_is_zip(const char *data, size_t len)
{
    return len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0;
}
