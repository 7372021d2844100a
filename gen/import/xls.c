/* Workbooks in the older binary format (.xls: BIFF in a compound file), read with FreeXL:
 * one worksheet → records whose positions are cells.
 *
 * FreeXL gives cell values (text in UTF-8 whatever the file's code page, dates already as
 * YYYY-MM-DD in the workbook's date system) but not merged cells, hidden rows or number
 * formats: the records do not know merges (the structure is read as from a CSV export), and
 * a number with a fraction is read without its format, with one warning, since a percentage
 * would otherwise read silently as 0.055. docs/data-format.md ("Workbooks") says so. */
#include <string.h>

#include <freexl.h>

#include "jd_import_layers.h"

/* A compound file (OLE2): an .xls, or an .xlsx encrypted with a password. */
bool jd_is_compound_file(const char *data, size_t len)
{
    return len >= 8 && memcmp(data, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0;
}

/* Why FreeXL could not open the file, in words a clerk can act on. */
static const char *open_problem(int code)
{
    switch (code) {
    case FREEXL_FILE_NOT_FOUND:
        return "cannot read the file";
    case FREEXL_INSUFFICIENT_MEMORY:
        return "the workbook is too large to read";
    case FREEXL_BIFF_WORKBOOK_NOT_FOUND:
        return "a compound file without a workbook: an .xlsx encrypted with a password, or "
               "another Office file (save the workbook without a password, as .xlsx)";
    case FREEXL_CRAFTED_FILE:
        return "the file is damaged or crafted to harm readers";
    default:
        return "not a readable .xls workbook (the file is damaged)";
    }
}

/* The text of cell (row, col) of the active sheet, newly allocated ("" for none). */
static char *cell_text(const void *handle, unsigned row, unsigned short col, bool *fraction)
{
    FreeXL_CellValue value;
    if (freexl_get_cell_value(handle, row, col, &value) != FREEXL_OK) return g_strdup("");
    switch (value.type) {
    case FREEXL_CELL_INT:
        return g_strdup_printf("%d", value.value.int_value);
    case FREEXL_CELL_DOUBLE:
        *fraction |= value.value.double_value != (double)(gint64)value.value.double_value;
        return jd_number_text(value.value.double_value);
    case FREEXL_CELL_TEXT:
    case FREEXL_CELL_SST_TEXT:
    case FREEXL_CELL_DATE:
    case FREEXL_CELL_DATETIME:
    case FREEXL_CELL_TIME: {
        const char *text = value.value.text_value ? value.value.text_value : "";
        /* line ends as text files are read */
        char *copy = g_strdup(text);
        char *out = copy;
        for (const char *p = text; *p; p++) {
            if (*p == '\r') {
                *out++ = '\n';
                if (p[1] == '\n') p++;
            } else {
                *out++ = *p;
            }
        }
        *out = '\0';
        return copy;
    }
    default:
        return g_strdup("");
    }
}

jd_records *jd_xls_read(const char *path, const char *name, const char *sheet,
                        char **source_name, jd_diags *diags)
{
    *source_name = NULL;
    const void *handle = NULL;
    int rc = freexl_open(path, &handle);
    if (rc != FREEXL_OK) {
        jd_diags_add(diags, JD_ERROR, name, 0, 0, "%s", open_problem(rc));
        freexl_close(handle);
        return NULL;
    }
    unsigned int count = 0, password = 0;
    freexl_get_info(handle, FREEXL_BIFF_SHEET_COUNT, &count);
    freexl_get_info(handle, FREEXL_BIFF_PASSWORD, &password);
    if (password == FREEXL_BIFF_OBFUSCATED) {
        jd_diags_add(diags, JD_ERROR, name, 0, 0,
                     "the workbook is protected with a password: save it without one");
        freexl_close(handle);
        return NULL;
    }
    GString *names = g_string_new(NULL);
    int chosen = -1;
    const char *chosen_name = NULL;
    for (unsigned short i = 0; i < count; i++) {
        const char *sheet_name = NULL;
        if (freexl_get_worksheet_name(handle, i, &sheet_name) != FREEXL_OK || !sheet_name)
            continue;
        g_string_append_printf(names, "%s%s", names->len ? ", " : "", sheet_name);
        if (chosen < 0 && (!sheet || strcmp(sheet, sheet_name) == 0)) {
            chosen = i;
            chosen_name = sheet_name;
        }
    }
    jd_records *records = NULL;
    unsigned int rows = 0;
    unsigned short cols = 0;
    if (chosen < 0) {
        jd_diags_add(diags, JD_ERROR, name, 0, 0, "the workbook has no sheet %s%s%s (its sheets: %s)",
                     sheet ? "'" : "", sheet ? sheet : "to read", sheet ? "'" : "",
                     names->len ? names->str : "none");
    } else if (freexl_select_active_worksheet(handle, (unsigned short)chosen) != FREEXL_OK ||
               freexl_worksheet_dimensions(handle, &rows, &cols) != FREEXL_OK) {
        jd_diags_add(diags, JD_ERROR, name, 0, 0, "cannot read sheet '%s': the file is damaged",
                     chosen_name);
    } else if ((guint64)rows * cols > jd_xlsx_max_cells) {
        jd_diags_add(diags, JD_ERROR, name, 0, 0,
                     "sheet '%s' spans %u rows × %u columns, more cells than jindu reads (%zu)",
                     chosen_name, rows, cols, jd_xlsx_max_cells);
    } else {
        char *source = jd_sheet_source_name(name, chosen_name);
        records = jd_records_new_sheet(false);
        bool fraction = false;
        int fraction_row = 0, fraction_col = 0;
        for (unsigned r = 0; r < rows; r++) {
            GPtrArray *texts = g_ptr_array_new_with_free_func(g_free);
            size_t width = 0;
            for (unsigned short c = 0; c < cols; c++) {
                bool had = fraction;
                char *text = cell_text(handle, r, c, &fraction);
                if (fraction && !had) {
                    fraction_row = (int)r + 1;
                    fraction_col = c + 1;
                }
                if (*text) width = c + 1;
                g_ptr_array_add(texts, text);
            }
            if (width) {
                size_t row = jd_records_add_sheet_row(records, (int)r + 1, width);
                for (size_t c = 0; c < width; c++)
                    jd_records_set_text(records, row, c, g_strdup(g_ptr_array_index(texts, c)));
            }
            g_ptr_array_free(texts, TRUE);
        }
        if (fraction)
            jd_diags_add(diags, JD_WARNING, source, fraction_row, fraction_col,
                         "an .xls gives numbers without their format (a percentage 5.5%% reads "
                         "as 0.055): check the numbers, or save the workbook as .xlsx");
        *source_name = source;
    }
    g_string_free(names, TRUE);
    freexl_close(handle);
    return records;
}
