/* What the workbooks jindu writes share: see xlsx_out.h. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <zip.h>

#include "xlsx_out.h"

/* The most characters a cell holds (Excel's limit; libxlsxwriter refuses more). */
enum { CELL_MAX_CHARS = 32767 };

void jd_xlsx_text(jd_xlsx_sheet *s, lxw_row_t row, lxw_col_t col, const char *text,
                  lxw_format *format, const char *what)
{
    glong chars = g_utf8_strlen(text, -1);
    lxw_error err = chars > CELL_MAX_CHARS ? LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED
                                           : worksheet_write_string(s->ws, row, col, text, format);
    if (err == LXW_NO_ERROR) return;
    /* a sheet's name "台账.xlsx[2023年第二季度]" with a place prints as …!H3 */
    if (err == LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED)
        jd_diags_add(s->diags, JD_ERROR, s->name, (int)row + 1, (int)col + 1,
                     "%s has %ld characters, more than a cell of a workbook holds (%d)", what,
                     chars, CELL_MAX_CHARS);
    else
        jd_diags_add(s->diags, JD_ERROR, s->name, (int)row + 1, (int)col + 1,
                     "%s cannot be written: %s", what, lxw_strerror(err));
    s->ok = false;
}

lxw_format *jd_xlsx_text_format(lxw_workbook *wb)
{
    lxw_format *f = workbook_add_format(wb);
    format_set_num_format(f, "@");
    return f;
}

/* A bordered, top-aligned cell format. */
static lxw_format *cell_format(lxw_workbook *wb, bool locked)
{
    lxw_format *f = workbook_add_format(wb);
    format_set_border(f, LXW_BORDER_THIN);
    format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
    if (!locked) format_set_unlocked(f);
    return f;
}

jd_xlsx_formats jd_xlsx_make_formats(lxw_workbook *wb)
{
    jd_xlsx_formats f;
    f.title = workbook_add_format(wb);
    format_set_bold(f.title);
    format_set_font_size(f.title, 14);
    format_set_align(f.title, LXW_ALIGN_CENTER);
    format_set_align(f.title, LXW_ALIGN_VERTICAL_CENTER);
    f.header = workbook_add_format(wb);
    format_set_bold(f.header);
    format_set_border(f.header, LXW_BORDER_THIN);
    format_set_bg_color(f.header, 0xD9D9D9);
    format_set_align(f.header, LXW_ALIGN_CENTER);
    format_set_align(f.header, LXW_ALIGN_VERTICAL_CENTER);
    format_set_text_wrap(f.header);
    f.text = cell_format(wb, false);
    format_set_text_wrap(f.text);
    format_set_num_format(f.text, "@");
    f.shaded = cell_format(wb, true);
    format_set_text_wrap(f.shaded);
    format_set_num_format(f.shaded, "@");
    format_set_bg_color(f.shaded, 0xEDEDED);
    f.date = cell_format(wb, false);
    format_set_num_format(f.date, "yyyy-mm-dd");
    format_set_align(f.date, LXW_ALIGN_CENTER);
    f.number = cell_format(wb, false);
    format_set_align(f.number, LXW_ALIGN_CENTER);
    return f;
}

void jd_xlsx_add_checks(jd_xlsx_sheet *s, lxw_row_t first, lxw_row_t last, lxw_col_t state_col,
                        lxw_col_t date_col, const char *const *states)
{
    char *allowed = g_strjoinv("、", (char **)states);
    char *state_message = g_strdup_printf("请从下拉列表中选择：%s", allowed);
    lxw_data_validation state = {0};
    state.validate = LXW_VALIDATION_TYPE_LIST;
    state.value_list = (char **)states;
    state.show_input = LXW_VALIDATION_ON;
    state.show_error = LXW_VALIDATION_ON;
    state.error_type = LXW_VALIDATION_ERROR_TYPE_STOP;
    state.input_title = "进展状态";
    state.input_message = state_message;
    state.error_title = "进展状态";
    state.error_message = state_message;
    if (worksheet_data_validation_range(s->ws, first, state_col, last, state_col, &state) !=
        LXW_NO_ERROR) {
        jd_diags_add(s->diags, JD_ERROR, s->name, 0, 0,
                     "the states %s cannot be a drop-down list (at most 255 characters in all)",
                     allowed);
        s->ok = false;
    }
    lxw_data_validation date = {0};
    date.validate = LXW_VALIDATION_TYPE_DATE;
    date.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
    date.minimum_datetime = (lxw_datetime){2000, 1, 1, 0, 0, 0};
    date.maximum_datetime = (lxw_datetime){2099, 12, 31, 0, 0, 0};
    date.show_input = LXW_VALIDATION_ON;
    date.show_error = LXW_VALIDATION_ON;
    date.error_type = LXW_VALIDATION_ERROR_TYPE_STOP;
    date.input_title = "填报日期";
    date.input_message = "填写日期，如 2023-06-25";
    date.error_title = "填报日期";
    date.error_message = "请填写日期，如 2023-06-25";
    worksheet_data_validation_range(s->ws, first, date_col, last, date_col, &date);
    g_free(state_message);
    g_free(allowed);
}

int jd_xlsx_wrapped_lines(const char *text, double width)
{
    int lines = 0;
    char **paragraphs = g_strsplit(text ? text : "", "\n", -1);
    for (char **p = paragraphs; *p; p++) {
        double used = 0;
        for (const char *c = *p; *c; c = g_utf8_next_char(c))
            used += g_unichar_iswide(g_utf8_get_char(c)) ? 2 : 1;
        lines += MAX(1, (int)((used + width - 2) / (width - 1)));
    }
    g_strfreev(paragraphs);
    return MAX(lines, 1);
}

double jd_xlsx_row_height(int lines)
{
    /* 14.5 points a line of the default 11-point font; a row is at most 409 points */
    return 14.5 * MIN(lines, 28);
}

void jd_xlsx_print_setup(lxw_worksheet *ws, lxw_row_t header_row)
{
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9); /* A4 */
    worksheet_set_margins(ws, 0.4, 0.4, 0.6, 0.6);
    worksheet_repeat_rows(ws, header_row, header_row);
    worksheet_fit_to_pages(ws, 1, 0);
    worksheet_set_footer(ws, "&C第 &P 页 共 &N 页");
}

/* The whole of the scratch file `fd` (NULL with errno on a read error). */
static char *read_back(int fd, size_t *len)
{
    struct stat st;
    if (fstat(fd, &st) != 0) return NULL;
    char *bytes = g_malloc((size_t)st.st_size + 1);
    size_t got = (size_t)st.st_size;
    if (!jd_pread_all(fd, bytes, got, 0)) {
        g_free(bytes);
        return NULL;
    }
    bytes[got] = '\0';
    *len = got;
    return bytes;
}

char *jd_xlsx_bytes(const char *title, const char *marker, jd_xlsx_fill fill, void *user,
                    const char *what, size_t *len, jd_diags *diags)
{
    /* libxlsxwriter 1.1.4 writes only to a named file: one that never shows in a folder */
    char *tmp = NULL;
    int fd = jd_scratch_file(&tmp);
    if (fd < 0) {
        jd_diags_add(diags, JD_ERROR, NULL, 0, 0, "cannot write %s: %s", what, g_strerror(errno));
        return NULL;
    }
    lxw_workbook_options options = {0};
    lxw_workbook *wb = workbook_new_opt(tmp, &options);
    bool ok = wb != NULL;
    if (ok) {
        /* a fixed creation time: the same data gives the same bytes */
        lxw_doc_properties properties = {0};
        properties.title = (char *)title;
        properties.created = JD_XLSX_EPOCH;
        workbook_set_properties(wb, &properties);
        if (marker) workbook_set_custom_property_string(wb, "jindu", (char *)marker);
        /* a fill that failed has said why; the workbook is closed (and freed) either way */
        bool filled = fill(wb, user, diags);
        lxw_error closed = workbook_close(wb);
        if (filled && closed != LXW_NO_ERROR)
            jd_diags_add(diags, JD_ERROR, NULL, 0, 0, "cannot write %s: %s", what,
                         lxw_strerror(closed));
        ok = filled && closed == LXW_NO_ERROR;
    } else {
        jd_diags_add(diags, JD_ERROR, NULL, 0, 0, "cannot write %s", what);
    }
    size_t size = 0;
    char *bytes = ok ? read_back(fd, &size) : NULL;
    if (ok && !bytes) {
        jd_diags_add(diags, JD_ERROR, NULL, 0, 0, "cannot write %s: %s", what, g_strerror(errno));
        ok = false;
    }
    close(fd);
    g_free(tmp);
    if (!ok) return NULL;
    *len = size;
    return bytes;
}

/* The text of a small part of a zip archive; NULL if it is missing or not small. */
static char *small_part(zip_t *zip, const char *part)
{
    enum { MAX_PART = 64 << 10 };
    zip_stat_t st;
    if (zip_stat(zip, part, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE) || st.size > MAX_PART)
        return NULL;
    zip_file_t *f = zip_fopen(zip, part, 0);
    if (!f) return NULL;
    char *text = g_malloc0(st.size + 1);
    /* a lying size stops at the buffer's end */
    zip_int64_t got = zip_fread(f, text, st.size);
    zip_fclose(f);
    if (got != (zip_int64_t)st.size) {
        g_free(text);
        return NULL;
    }
    return text;
}

bool jd_xlsx_unsaved_since_written(const char *data, size_t len, const char *marker)
{
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t *source = zip_source_buffer_create(data, len, 0, &error);
    zip_t *zip = source ? zip_open_from_source(source, ZIP_RDONLY, &error) : NULL;
    if (!zip) zip_source_free(source);
    zip_error_fini(&error);
    if (!zip) return false;
    char *core = small_part(zip, "docProps/core.xml");
    char *custom = small_part(zip, "docProps/custom.xml");
    zip_discard(zip);
    char *modified = g_strdup_printf(">%s</dcterms:modified>", JD_XLSX_EPOCH_TEXT);
    char *mark = g_markup_printf_escaped("name=\"jindu\"><vt:lpwstr>%s</vt:lpwstr>", marker);
    bool unsaved = core && custom && strstr(core, modified) && strstr(custom, mark);
    g_free(mark);
    g_free(modified);
    g_free(custom);
    g_free(core);
    return unsaved;
}
