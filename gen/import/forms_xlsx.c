/* Pre-filled progress forms as .xlsx workbooks (libxlsxwriter): what a unit fills in with
 * Excel, WPS or LibreOffice. The same columns and rows as the CSV form (forms.c); the key
 * columns locked and shaded, the columns to fill open, 进展状态 a drop-down of the states,
 * 填报日期 a validated date, the header frozen, an instruction row, A4 landscape printing
 * with the header repeated. Data is only ever written as text: no cell is a formula, so a
 * name starting with '=' stays a name. A hidden sheet records every locked cell's text, so
 * that reading the returned form (xlsx.c) finds a locked cell edited anyway. */
#include <string.h>

#include "xlsx_out.h"

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

typedef struct {
    const jd_value *list;
    const jd_period *period;
    const char *unit;
    const char *const *states;
    char *name; /* "商务局.xlsx[填报表]", for messages */
    long rows;
} form_job;

/* Fills the form's workbook; job->rows gets the number of task rows. */
static bool fill_form(lxw_workbook *wb, void *user, jd_diags *diags)
{
    form_job *job = user;
    const jd_value *list = job->list;
    const char *unit = job->unit;
    jd_xlsx_formats fmt = jd_xlsx_make_formats(wb);
    lxw_format *note_format = workbook_add_format(wb);
    format_set_text_wrap(note_format);
    format_set_align(note_format, LXW_ALIGN_VERTICAL_TOP);
    format_set_font_color(note_format, 0x7F3F00);
    lxw_worksheet *ws = workbook_add_worksheet(wb, JD_FORM_SHEET);
    lxw_worksheet *key = workbook_add_worksheet(wb, JD_FORM_KEY_SHEET);
    worksheet_hide(key);
    worksheet_activate(ws);
    jd_xlsx_sheet sheet = {ws, job->name, diags, true};

    const char *const *columns = jd_progress_columns();
    size_t width = G_N_ELEMENTS(form_columns);
    char *title = jd_form_title(list, job->period, unit);
    worksheet_merge_range(ws, TITLE_ROW, 0, TITLE_ROW, (lxw_col_t)width - 1, "", fmt.title);
    jd_xlsx_text(&sheet, TITLE_ROW, 0, title, fmt.title, "the title");
    worksheet_set_row(ws, TITLE_ROW, 30, NULL);
    char *allowed = jd_progress_states_text(job->states);
    char *note = g_strdup_printf(
        "%s：灰色列（序号、目标任务、责任单位、报告期、本期计划）由督查部门填写，不能修改；"
        "请在白色列填写本单位每项任务的进展：进展状态从下拉列表中选择（%s），完成情况、存在问题、"
        "下步措施如实填写，填报日期写成 2023-06-25。未填写进展状态和情况的行视为未报送。",
        JD_FORM_NOTE_WORD, allowed);
    worksheet_merge_range(ws, NOTE_ROW, 0, NOTE_ROW, (lxw_col_t)width - 1, note, note_format);
    worksheet_set_row(ws, NOTE_ROW, 48, NULL);
    for (size_t c = 0; c < width; c++) {
        worksheet_write_string(ws, HEADER_ROW, (lxw_col_t)c, columns[c], fmt.header);
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, form_columns[c].width, NULL);
    }
    worksheet_set_row(ws, HEADER_ROW, 22, NULL);

    worksheet_write_string(key, 0, 0, JD_FORM_KEY_MARK, NULL);
    worksheet_write_string(key, 0, 1, JD_FORM_SHEET, NULL);
    lxw_row_t key_row = 1;
    char *period_name = jd_period_name(job->period);
    lxw_row_t row = FIRST_ROW;
    const jd_value *tasks = jd_object_get(list, "tasks");
    for (size_t t = 0; t < jd_array_length(tasks); t++) {
        const jd_value *task = jd_array_get(tasks, t);
        char *plan = jd_form_task_plan(task, unit, job->period->quarter);
        if (!plan) continue;
        char *id = g_strdup_printf("%" G_GINT64_FORMAT, jd_object_get_int(task, "id", 0));
        const char *values[] = {id, jd_object_get_string(task, "title"), unit, period_name, plan};
        int lines = 2; /* room to write in the open columns */
        for (size_t c = 0; c < G_N_ELEMENTS(values); c++)
            lines = MAX(lines, jd_xlsx_wrapped_lines(values[c], form_columns[c].width));
        worksheet_set_row(ws, row, jd_xlsx_row_height(lines), NULL);
        for (size_t c = 0; c < width; c++) {
            if (c < G_N_ELEMENTS(values)) {
                const char *text = values[c] ? values[c] : "";
                char *what = g_strdup_printf("%s of task %s", columns[c], id);
                jd_xlsx_text(&sheet, row, (lxw_col_t)c, text, fmt.shaded, what);
                g_free(what);
                record_locked(key, &key_row, row, (lxw_col_t)c, columns[c], text);
            } else {
                worksheet_write_blank(ws, row, (lxw_col_t)c, c == 10 ? fmt.date : fmt.text);
            }
        }
        g_free(id);
        g_free(plan);
        row++;
    }
    job->rows = (long)(row - FIRST_ROW);
    if (job->rows > 0) jd_xlsx_add_checks(&sheet, FIRST_ROW, row - 1, 5, 10, job->states);
    worksheet_freeze_panes(ws, FIRST_ROW, 0);
    lxw_protection protection = {0};
    protection.format_columns = 1; /* widths and heights may change; the text may not */
    protection.format_rows = 1;
    worksheet_protect(ws, NULL, &protection);
    jd_xlsx_print_setup(ws, HEADER_ROW);
    g_free(period_name);
    g_free(note);
    g_free(allowed);
    g_free(title);
    return sheet.ok;
}

char *jd_progress_form_xlsx(const jd_value *list, const jd_period *period, const char *unit,
                            const char *const *states, size_t *len, size_t *rows,
                            jd_diags *diags)
{
    char *file = jd_safe_file_name(unit);
    form_job job = {list, period, unit, states ? states : jd_progress_default_states(),
                    g_strdup_printf("%s.xlsx[%s]", file, JD_FORM_SHEET), 0};
    char *what = g_strdup_printf("the form of %s", unit);
    char *bytes = jd_xlsx_bytes("推进情况表", NULL, fill_form, &job, what, len, diags);
    if (bytes && rows) *rows = (size_t)job.rows;
    g_free(what);
    g_free(job.name);
    g_free(file);
    return bytes;
}
