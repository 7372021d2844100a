/* Pre-filled progress forms as .xlsx workbooks (libxlsxwriter): what a unit fills in with
 * Excel, WPS or LibreOffice. The same columns and rows as the CSV form (forms.c); the key
 * columns locked and shaded, the columns to fill open, 进展状态 a drop-down of the states,
 * 填报日期 a validated date, the header frozen, an instruction row, A4 landscape printing
 * with the header repeated. Data is only ever written as text: no cell is a formula, so a
 * name starting with '=' stays a name. A hidden sheet records every locked cell's text, so
 * that reading the returned form (xlsx.c) finds a locked cell edited anyway. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <xlsxwriter.h>

#include "jd_import_layers.h"

/* The columns of jd_progress_columns(): which are pre-filled and locked, and their widths
 * in characters. */
static const struct {
    bool locked;
    double width;
} form_columns[] = {
    {true, 6},   /* 序号 */
    {true, 36},  /* 目标任务 */
    {true, 12},  /* 责任单位 */
    {true, 14},  /* 报告期 */
    {true, 40},  /* 本期计划 */
    {false, 11}, /* 进展状态 */
    {false, 40}, /* 完成情况 */
    {false, 28}, /* 存在问题 */
    {false, 28}, /* 下步措施 */
    {false, 10}, /* 填报人 */
    {false, 13}, /* 填报日期 */
};

enum { TITLE_ROW, NOTE_ROW, HEADER_ROW, FIRST_ROW };

typedef struct {
    lxw_format *title, *note, *header, *locked, *open, *date;
} form_formats;

static form_formats make_formats(lxw_workbook *wb)
{
    form_formats f;
    f.title = workbook_add_format(wb);
    format_set_bold(f.title);
    format_set_font_size(f.title, 14);
    format_set_align(f.title, LXW_ALIGN_CENTER);
    format_set_align(f.title, LXW_ALIGN_VERTICAL_CENTER);
    f.note = workbook_add_format(wb);
    format_set_text_wrap(f.note);
    format_set_align(f.note, LXW_ALIGN_VERTICAL_TOP);
    format_set_font_color(f.note, 0x7F3F00);
    f.header = workbook_add_format(wb);
    format_set_bold(f.header);
    format_set_border(f.header, LXW_BORDER_THIN);
    format_set_bg_color(f.header, 0xD9D9D9);
    format_set_align(f.header, LXW_ALIGN_CENTER);
    format_set_align(f.header, LXW_ALIGN_VERTICAL_CENTER);
    format_set_text_wrap(f.header);
    f.locked = workbook_add_format(wb);
    format_set_border(f.locked, LXW_BORDER_THIN);
    format_set_bg_color(f.locked, 0xEDEDED);
    format_set_text_wrap(f.locked);
    format_set_align(f.locked, LXW_ALIGN_VERTICAL_TOP);
    f.open = workbook_add_format(wb);
    format_set_border(f.open, LXW_BORDER_THIN);
    format_set_text_wrap(f.open);
    format_set_align(f.open, LXW_ALIGN_VERTICAL_TOP);
    format_set_unlocked(f.open);
    f.date = workbook_add_format(wb);
    format_set_border(f.date, LXW_BORDER_THIN);
    format_set_align(f.date, LXW_ALIGN_VERTICAL_TOP);
    format_set_num_format(f.date, "yyyy-mm-dd");
    format_set_unlocked(f.date);
    return f;
}

/* The drop-down of states and the date check, on the rows to fill. */
static void add_validations(lxw_worksheet *ws, lxw_row_t last_row, const char *const *states)
{
    GPtrArray *list = g_ptr_array_new();
    for (const char *const *s = states; *s; s++)
        g_ptr_array_add(list, (gpointer)*s);
    g_ptr_array_add(list, NULL);
    char *allowed = g_strjoinv("、", (char **)list->pdata);
    char *state_message = g_strdup_printf("请从下拉列表中选择：%s", allowed);
    lxw_data_validation state = {0};
    state.validate = LXW_VALIDATION_TYPE_LIST;
    state.value_list = (char **)list->pdata;
    state.show_input = LXW_VALIDATION_ON;
    state.show_error = LXW_VALIDATION_ON;
    state.error_type = LXW_VALIDATION_ERROR_TYPE_STOP;
    state.input_title = "进展状态";
    state.input_message = state_message;
    state.error_title = "进展状态";
    state.error_message = state_message;
    worksheet_data_validation_range(ws, FIRST_ROW, 5, last_row, 5, &state);
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
    worksheet_data_validation_range(ws, FIRST_ROW, 10, last_row, 10, &date);
    g_free(state_message);
    g_free(allowed);
    g_ptr_array_free(list, TRUE);
}

/* Records a locked cell on the hidden sheet: its reference, its column's name, its text. */
static void record_locked(lxw_worksheet *key, lxw_row_t *key_row, lxw_row_t row, lxw_col_t col,
                          const char *column, const char *text)
{
    char *ref = jd_cell_ref((int)row + 1, (int)col + 1);
    worksheet_write_string(key, *key_row, 0, ref, NULL);
    worksheet_write_string(key, *key_row, 1, column, NULL);
    worksheet_write_string(key, *key_row, 2, text, NULL);
    (*key_row)++;
    g_free(ref);
}

/* Lines a text takes in a column `width` characters wide (a Chinese character is two), so
 * that a row is tall enough to show its wrapped cells: spreadsheet programs do not fit a
 * row's height to wrapped text when they open a file. */
static int wrapped_lines(const char *text, double width)
{
    int lines = 0;
    char **paragraphs = g_strsplit(text, "\n", -1);
    for (char **p = paragraphs; *p; p++) {
        double used = 0;
        for (const char *c = *p; *c; c = g_utf8_next_char(c))
            used += g_unichar_iswide(g_utf8_get_char(c)) ? 2 : 1;
        lines += MAX(1, (int)((used + width - 2) / (width - 1)));
    }
    g_strfreev(paragraphs);
    return MAX(lines, 1);
}

/* Writes the workbook to `path`; returns the number of task rows, or -1. */
static long write_form(const char *path, const jd_value *list, const jd_period *period,
                       const char *unit, const char *const *states)
{
    lxw_workbook_options options = {0};
    options.tmpdir = NULL;
    lxw_workbook *wb = workbook_new_opt(path, &options);
    if (!wb) return -1;
    /* a fixed creation time: the same list gives the same bytes */
    lxw_doc_properties properties = {0};
    properties.title = "推进情况表";
    properties.created = 946684800; /* 2000-01-01 */
    workbook_set_properties(wb, &properties);
    form_formats fmt = make_formats(wb);
    lxw_worksheet *ws = workbook_add_worksheet(wb, JD_FORM_SHEET);
    lxw_worksheet *key = workbook_add_worksheet(wb, JD_FORM_KEY_SHEET);
    worksheet_hide(key);
    worksheet_activate(ws);

    const char *const *columns = jd_progress_columns();
    size_t width = G_N_ELEMENTS(form_columns);
    char *title = jd_form_title(list, period, unit);
    worksheet_merge_range(ws, TITLE_ROW, 0, TITLE_ROW, (lxw_col_t)width - 1, title, fmt.title);
    worksheet_set_row(ws, TITLE_ROW, 30, NULL);
    char *allowed = jd_progress_states_text(states);
    char *note = g_strdup_printf(
        "%s：灰色列（序号、目标任务、责任单位、报告期、本期计划）由督查部门填写，不能修改；"
        "请在白色列填写本单位每项任务的进展：进展状态从下拉列表中选择（%s），完成情况、存在问题、"
        "下步措施如实填写，填报日期写成 2023-06-25。未填写进展状态和情况的行视为未报送。",
        JD_FORM_NOTE_WORD, allowed);
    worksheet_merge_range(ws, NOTE_ROW, 0, NOTE_ROW, (lxw_col_t)width - 1, note, fmt.note);
    worksheet_set_row(ws, NOTE_ROW, 48, NULL);
    for (size_t c = 0; c < width; c++) {
        worksheet_write_string(ws, HEADER_ROW, (lxw_col_t)c, columns[c], fmt.header);
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, form_columns[c].width, NULL);
    }
    worksheet_set_row(ws, HEADER_ROW, 22, NULL);

    worksheet_write_string(key, 0, 0, JD_FORM_KEY_MARK, NULL);
    worksheet_write_string(key, 0, 1, JD_FORM_SHEET, NULL);
    lxw_row_t key_row = 1;
    char *period_name = jd_period_name(period);
    lxw_row_t row = FIRST_ROW;
    const jd_value *tasks = jd_object_get(list, "tasks");
    for (size_t t = 0; t < jd_array_length(tasks); t++) {
        const jd_value *task = jd_array_get(tasks, t);
        char *plan = jd_form_task_plan(task, unit, period->quarter);
        if (!plan) continue;
        char *id = g_strdup_printf("%" G_GINT64_FORMAT, jd_object_get_int(task, "id", 0));
        const char *values[] = {id, jd_object_get_string(task, "title"), unit, period_name, plan};
        int lines = 2; /* room to write in the open columns */
        for (size_t c = 0; c < G_N_ELEMENTS(values); c++)
            lines = MAX(lines, wrapped_lines(values[c] ? values[c] : "", form_columns[c].width));
        worksheet_set_row(ws, row, 14.5 * MIN(lines, 27), NULL);
        for (size_t c = 0; c < width; c++) {
            if (c < G_N_ELEMENTS(values)) {
                const char *text = values[c] ? values[c] : "";
                worksheet_write_string(ws, row, (lxw_col_t)c, text, fmt.locked);
                record_locked(key, &key_row, row, (lxw_col_t)c, columns[c], text);
            } else {
                worksheet_write_blank(ws, row, (lxw_col_t)c, c == 10 ? fmt.date : fmt.open);
            }
        }
        g_free(id);
        g_free(plan);
        row++;
    }
    long rows = (long)(row - FIRST_ROW);
    if (rows > 0) add_validations(ws, row - 1, states);
    worksheet_freeze_panes(ws, FIRST_ROW, 0);
    lxw_protection protection = {0};
    protection.format_columns = 1; /* widths and heights may change; the text may not */
    protection.format_rows = 1;
    worksheet_protect(ws, NULL, &protection);
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9); /* A4 */
    worksheet_set_margins(ws, 0.4, 0.4, 0.6, 0.6);
    worksheet_repeat_rows(ws, HEADER_ROW, HEADER_ROW);
    worksheet_fit_to_pages(ws, 1, 0);
    worksheet_set_footer(ws, "&C第 &P 页 共 &N 页");
    g_free(period_name);
    g_free(note);
    g_free(allowed);
    g_free(title);
    return workbook_close(wb) == LXW_NO_ERROR ? rows : -1;
}

char *jd_progress_form_xlsx(const jd_value *list, const jd_period *period, const char *unit,
                            const char *const *states, size_t *len, size_t *rows,
                            jd_diags *diags)
{
    if (!states) states = jd_progress_default_states();
    char *tmp = NULL;
    GError *error = NULL;
    int fd = g_file_open_tmp("jindu-form-XXXXXX.xlsx", &tmp, &error);
    if (fd < 0) {
        jd_diags_add(diags, JD_ERROR, NULL, 0, 0, "cannot write the form of %s: %s", unit,
                     error->message);
        g_error_free(error);
        return NULL;
    }
    close(fd);
    long count = write_form(tmp, list, period, unit, states);
    gsize size = 0;
    char *bytes = NULL;
    if (count < 0 || !g_file_get_contents(tmp, &bytes, &size, NULL)) {
        jd_diags_add(diags, JD_ERROR, NULL, 0, 0, "cannot write the form of %s as .xlsx", unit);
        g_free(bytes);
        bytes = NULL;
    } else {
        *len = size;
        if (rows) *rows = (size_t)count;
    }
    g_unlink(tmp);
    g_free(tmp);
    return bytes;
}
