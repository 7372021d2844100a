/* Files that are not data, told by their first bytes: a Word document, a PDF, a picture, an
 * archive, a web page saved as .xls. Read as text they would give "no header row" (or a
 * damaged workbook); the clerk who sent one needs to hear what it is and what to send
 * instead. Workbooks in zip containers (.docx, .pptx, .ods named .xlsx) are told apart by
 * the workbook reader, which looks inside them. */
#include <string.h>

#include "jd_import_layers.h"

static bool starts_with(const char *data, size_t len, const char *magic, size_t n)
{
    return len >= n && memcmp(data, magic, n) == 0;
}

/* Whether the compound file (OLE2: .doc, .xls, .ppt, and Office files encrypted with a
 * password) has a storage or stream named `name`. Directory entries are 128 bytes, aligned
 * to 128 in any sector size: a UTF-16LE name, then its length in bytes (with the final NUL)
 * at 0x40 and the entry's type (1 storage, 2 stream) at 0x42. Scanning the aligned slots is
 * enough to tell what the file is, without following the allocation table. */
static bool compound_has(const char *data, size_t len, const char *name)
{
    size_t n = strlen(name);
    for (size_t off = 512; off + 128 <= len; off += 128) {
        const unsigned char *e = (const unsigned char *)data + off;
        size_t name_bytes = (size_t)e[0x40] | (size_t)e[0x41] << 8;
        if (name_bytes != 2 * (n + 1) || (e[0x42] != 1 && e[0x42] != 2)) continue;
        bool same = true;
        for (size_t i = 0; i < n && same; i++)
            same = e[2 * i] == (unsigned char)name[i] && e[2 * i + 1] == 0;
        if (same) return true;
    }
    return false;
}

/* Skips a UTF-8 byte order mark and white space. */
static const char *text_start(const char *data, size_t len, size_t *rest)
{
    size_t i = starts_with(data, len, "\xEF\xBB\xBF", 3) ? 3 : 0;
    while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
        i++;
    *rest = len - i;
    return data + i;
}

static bool head_has(const char *data, size_t len, const char *word)
{
    char *head = g_ascii_strdown(data, (gssize)MIN(len, (size_t)4096));
    bool found = strstr(head, word) != NULL;
    g_free(head);
    return found;
}

static const char *const send_table =
    "give the workbook (.xlsx) or the text export (.csv) of the table instead";

char *jd_sniff_not_data(const char *data, size_t len)
{
    if (starts_with(data, len, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8)) {
        bool workbook = compound_has(data, len, "Workbook") || compound_has(data, len, "Book");
        if (compound_has(data, len, "EncryptedPackage"))
            return g_strdup("a workbook (or document) protected with a password: jindu cannot "
                            "read it encrypted; save it without a password (as .xlsx)");
        if (!workbook && compound_has(data, len, "WordDocument"))
            return g_strdup("a Word document (.doc or WPS .wps), not data: jindu reads tables "
                            "from workbooks (.xlsx, .xls) and text exports (.csv, .tsv); copy its "
                            "table into WPS 表格 or Excel and save that as .xlsx");
        if (!workbook && compound_has(data, len, "PowerPoint Document"))
            return g_strdup_printf("a PowerPoint presentation (.ppt), not data: %s", send_table);
        return NULL; /* a workbook, or damaged: the .xls reader says which */
    }
    size_t pdf_at = 0;
    while (pdf_at + 5 <= MIN(len, (size_t)1024) && memcmp(data + pdf_at, "%PDF-", 5) != 0)
        pdf_at++;
    if (pdf_at + 5 <= MIN(len, (size_t)1024))
        return g_strdup_printf("a PDF, a printed document, not data: %s", send_table);
    if (starts_with(data, len, "{\\rtf", 5))
        return g_strdup("a document in Rich Text Format (.rtf), not data: copy its table into "
                        "WPS 表格 or Excel and save that as .xlsx");
    static const struct {
        const char *magic;
        size_t n;
        const char *what;
    } pictures[] = {{"\x89PNG\r\n\x1A\n", 8, "PNG"}, {"\xFF\xD8\xFF", 3, "JPEG"},
                    {"GIF87a", 6, "GIF"},           {"GIF89a", 6, "GIF"},
                    {"II*\0", 4, "TIFF"},           {"MM\0*", 4, "TIFF"}};
    for (size_t i = 0; i < G_N_ELEMENTS(pictures); i++)
        if (starts_with(data, len, pictures[i].magic, pictures[i].n))
            return g_strdup_printf("a picture (%s), not data: jindu reads a table's text, not "
                                   "a photo or scan of it; %s",
                                   pictures[i].what, send_table);
    static const struct {
        const char *magic;
        size_t n;
        const char *what;
    } archives[] = {{"\x1F\x8B", 2, "gzip"}, {"7z\xBC\xAF\x27\x1C", 6, "7z"}, {"Rar!\x1A\x07", 6, "RAR"}};
    for (size_t i = 0; i < G_N_ELEMENTS(archives); i++)
        if (starts_with(data, len, archives[i].magic, archives[i].n))
            return g_strdup_printf("a %s archive, not data: unpack it and give the files in it "
                                   "(a folder of forms is read as one)",
                                   archives[i].what);
    size_t rest;
    const char *text = text_start(data, len, &rest);
    if (starts_with(text, rest, "MIME-Version:", 13) && head_has(text, rest, "multipart/related"))
        return g_strdup("a web archive (.mht, an Excel \"single file web page\"), not a "
                        "workbook: open it in WPS 表格 or Excel and save it as .xlsx");
    char *head = g_ascii_strdown(text, (gssize)MIN(rest, (size_t)4096));
    const char *why = NULL;
    if (g_str_has_prefix(head, "<?xml") && strstr(head, "urn:schemas-microsoft-com:office:spreadsheet"))
        why = "an XML Spreadsheet 2003 file, not an .xlsx workbook: open it in WPS 表格 or Excel "
              "and save it as .xlsx";
    else if (g_str_has_prefix(head, "<!doctype html") || g_str_has_prefix(head, "<html") ||
             g_str_has_prefix(head, "<table") || (g_str_has_prefix(head, "<?xml") && strstr(head, "<html")))
        why = "a web page (HTML; systems that export \"Excel\" often write one and name it .xls), "
              "not a workbook: open it in WPS 表格 or Excel and save it as .xlsx";
    g_free(head);
    if (why) return g_strdup(why);
    return NULL;
}
