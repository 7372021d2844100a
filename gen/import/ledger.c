/* The ledger (台账): every task and unit of the list with its plan and its report for a
 * period, one sheet per period, as one .xlsx workbook — what an office passes around and
 * edits after the meeting. Its sheets have the columns of a progress form (and 责任区领导),
 * so reading a sheet back gives the reports it shows: a row left 未报送 is no report.
 * Every row carries its task's 序号 and 目标任务 (no cells merged down a task), so that
 * filtering by unit, leader or state keeps whole rows. */
#include <stdio.h>
#include <string.h>

#include "xlsx_out.h"

/* The ledger's columns, their widths in characters, and what a row shows in each. */
typedef enum {
    L_ID,
    L_TASK,
    L_UNIT,
    L_LEADERS,
    L_PERIOD,
    L_PLAN,
    L_STATE,
    L_DONE,
    L_PROBLEMS,
    L_NEXT,
    L_REPORTER,
    L_DATE,
    L_COUNT
} ledger_column;

static const struct {
    const char *heading;
    double width;
} ledger_columns[L_COUNT] = {
    {"序号", 6},      {"目标任务", 32}, {"责任单位", 12}, {"责任区领导", 10},
    {"报告期", 13},   {"本期计划", 32}, {"进展状态", 10}, {"完成情况", 36},
    {"存在问题", 24}, {"下步措施", 24}, {"填报人", 8},    {"填报日期", 12},
};

/* The report members shown in the text columns. */
static const struct {
    ledger_column col;
    const char *member;
} report_texts[] = {
    {L_DONE, "done"}, {L_PROBLEMS, "problems"}, {L_NEXT, "next"}, {L_REPORTER, "reporter"}};

enum { TITLE_ROW, HEADER_ROW, FIRST_ROW };

/* The custom property jindu=ledger marks a ledger jindu wrote. */
#define LEDGER_MARK "ledger"

jd_period *jd_progress_periods(const jd_value *progress, size_t *n)
{
    GArray *periods = g_array_new(FALSE, FALSE, sizeof(jd_period));
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
    const jd_value *reports = jd_object_get(progress, "reports");
    for (size_t i = 0; i < jd_array_length(reports); i++) {
        const char *text = jd_object_get_string(jd_array_get(reports, i), "period");
        jd_period period;
        if (text && g_hash_table_add(seen, (gpointer)text) && jd_period_parse(text, &period))
            g_array_append_val(periods, period);
    }
    g_hash_table_destroy(seen);
    g_array_sort(periods, (GCompareFunc)jd_period_compare);
    *n = periods->len;
    return (jd_period *)g_array_free(periods, FALSE);
}

/* The report of unit `name` on `task` for the period `wanted` (canonical), from the merged
 * reports of the task's unit rows; NULL if it did not report. */
static const jd_value *report_of(const jd_value *task, const char *name, const char *wanted)
{
    const jd_value *units = jd_object_get(task, "units");
    for (size_t u = 0; u < jd_array_length(units); u++) {
        const jd_value *reports = jd_object_get(jd_array_get(units, u), "reports");
        for (size_t r = 0; r < jd_array_length(reports); r++) {
            const jd_value *report = jd_array_get(reports, r);
            if (g_strcmp0(jd_object_get_string(report, "unit"), name) == 0 &&
                g_strcmp0(jd_object_get_string(report, "period"), wanted) == 0)
                return report;
        }
    }
    return NULL;
}

static char *joined_strings(const jd_value *array, const char *separator)
{
    GString *out = g_string_new(NULL);
    for (size_t i = 0; i < jd_array_length(array); i++) {
        const char *s = jd_value_string(jd_array_get(array, i));
        if (s) g_string_append_printf(out, "%s%s", out->len ? separator : "", s);
    }
    return g_string_free(out, FALSE);
}

/* The state names to colour: the configured state each default one stands for. */
typedef struct {
    lxw_format *late, *not_started, *done, *not_reported;
} state_colours;

static lxw_format *conditional_format(lxw_workbook *wb, lxw_color_t fill, lxw_color_t font)
{
    lxw_format *f = workbook_add_format(wb);
    format_set_bg_color(f, fill);
    format_set_font_color(f, font);
    return f;
}

/* Colours the 进展状态 cells by what they say (Excel's own light red, yellow, green and
 * grey styles), as conditional formats so that a state changed later is coloured by its
 * new value. */
static void colour_states(lxw_workbook *wb, lxw_worksheet *ws, lxw_row_t last,
                          const char *const *states)
{
    const struct {
        const char *state;
        lxw_color_t fill, font;
    } colours[] = {
        {jd_progress_state("滞后", states), 0xFFC7CE, 0x9C0006},
        {jd_progress_state("未启动", states), 0xFFEB9C, 0x9C5700},
        {jd_progress_state("已完成", states), 0xC6EFCE, 0x006100},
        {JD_STATE_NOT_REPORTED, 0xE7E6E6, 0x595959},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(colours); i++) {
        if (!colours[i].state) continue; /* not among the configured states */
        /* a text constant in the rule's formula: "…" with its quotes doubled */
        GString *quoted = g_string_new("\"");
        for (const char *p = colours[i].state; *p; p++) {
            if (*p == '"') g_string_append_c(quoted, '"');
            g_string_append_c(quoted, *p);
        }
        g_string_append_c(quoted, '"');
        lxw_conditional_format rule = {0};
        rule.type = LXW_CONDITIONAL_TYPE_CELL;
        rule.criteria = LXW_CONDITIONAL_CRITERIA_EQUAL_TO;
        rule.value_string = quoted->str;
        rule.format = conditional_format(wb, colours[i].fill, colours[i].font);
        worksheet_conditional_format_range(ws, FIRST_ROW, L_STATE, last, L_STATE, &rule);
        g_string_free(quoted, TRUE);
    }
}

typedef struct {
    const jd_value *merged;
    const jd_period *periods;
    size_t n_periods;
    const char *const *states; /* the configured ones */
    const char *name;          /* the file, for messages */
    size_t rows;
} ledger_job;

/* One task × unit row of a period's sheet. */
static void write_row(jd_xlsx_sheet *sheet, const jd_xlsx_formats *fmt, lxw_row_t row,
                      const jd_value *task, const char *unit, const jd_period *period,
                      const char *period_name, const char *wanted)
{
    gint64 id = jd_object_get_int(task, "id", 0);
    char *plan = jd_form_task_plan(task, unit, period->quarter);
    char *leaders = joined_strings(jd_object_get(task, "leaders"), "、");
    const jd_value *report = report_of(task, unit, wanted);
    const char *text[L_COUNT] = {NULL};
    text[L_TASK] = jd_object_get_string(task, "title");
    text[L_UNIT] = unit;
    text[L_LEADERS] = leaders;
    text[L_PERIOD] = period_name;
    text[L_PLAN] = plan;
    text[L_STATE] = report ? jd_object_get_string(report, "state") : JD_STATE_NOT_REPORTED;
    for (size_t i = 0; i < G_N_ELEMENTS(report_texts); i++)
        text[report_texts[i].col] = report ? jd_object_get_string(report, report_texts[i].member)
                                           : NULL;
    int lines = 1;
    for (int c = 0; c < L_COUNT; c++)
        lines = MAX(lines, jd_xlsx_wrapped_lines(text[c], ledger_columns[c].width));
    worksheet_set_row(sheet->ws, row, jd_xlsx_row_height(lines), NULL);

    worksheet_write_number(sheet->ws, row, L_ID, (double)id, fmt->number);
    for (int c = L_TASK; c < L_DATE; c++) {
        char *what = g_strdup_printf("%s of task %" G_GINT64_FORMAT " (%s)",
                                     ledger_columns[c].heading, id, unit);
        jd_xlsx_text(sheet, row, (lxw_col_t)c, text[c] ? text[c] : "", fmt->text, what);
        g_free(what);
    }
    const char *date = report ? jd_object_get_string(report, "date") : NULL;
    int y, m, d;
    /* a real date, for sorting and filtering by date; the reports' dates are YYYY-MM-DD */
    if (date && sscanf(date, "%4d-%2d-%2d", &y, &m, &d) == 3) {
        lxw_datetime when = {y, m, d, 0, 0, 0};
        worksheet_write_datetime(sheet->ws, row, L_DATE, &when, fmt->date);
    } else {
        worksheet_write_blank(sheet->ws, row, L_DATE, fmt->date);
    }
    g_free(leaders);
    g_free(plan);
}

static void write_period_sheet(lxw_workbook *wb, ledger_job *job, const jd_xlsx_formats *fmt,
                               const jd_period *period, jd_xlsx_sheet *sheet)
{
    char *period_name = jd_period_name(period), *wanted = jd_period_format(period);
    char *sheet_ref = g_strdup_printf("%s[%s]", job->name, period_name);
    lxw_worksheet *ws = workbook_add_worksheet(wb, period_name);
    sheet->ws = ws;
    sheet->name = sheet_ref;

    const char *list_title = jd_object_get_string(job->merged, "title");
    char *flat = g_strdelimit(g_strdup(list_title ? list_title : ""), "\n", ' ');
    char *title = g_strdup_printf("%s%s%s工作台账", flat, *flat ? " " : "", period_name);
    worksheet_merge_range(ws, TITLE_ROW, 0, TITLE_ROW, L_COUNT - 1, "", fmt->title);
    jd_xlsx_text(sheet, TITLE_ROW, 0, title, fmt->title, "the title");
    worksheet_set_row(ws, TITLE_ROW, 30, NULL);
    for (int c = 0; c < L_COUNT; c++) {
        worksheet_write_string(ws, HEADER_ROW, (lxw_col_t)c, ledger_columns[c].heading,
                               fmt->header);
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, ledger_columns[c].width, NULL);
    }
    worksheet_set_row(ws, HEADER_ROW, 22, NULL);

    lxw_row_t row = FIRST_ROW;
    const jd_value *tasks = jd_object_get(job->merged, "tasks");
    for (size_t t = 0; t < jd_array_length(tasks); t++) {
        const jd_value *task = jd_array_get(tasks, t);
        GPtrArray *names = jd_task_unit_names(task);
        for (guint n = 0; n < names->len; n++)
            write_row(sheet, fmt, row++, task, g_ptr_array_index(names, n), period, period_name,
                      wanted);
        g_ptr_array_free(names, TRUE);
    }
    job->rows += row - FIRST_ROW;
    lxw_row_t last = row > FIRST_ROW ? row - 1 : FIRST_ROW;
    worksheet_autofilter(ws, HEADER_ROW, 0, last, L_COUNT - 1);
    /* the title and header stay in view, and so do 序号 and 目标任务 */
    worksheet_freeze_panes(ws, FIRST_ROW, L_UNIT);
    if (row > FIRST_ROW) {
        /* the drop-down offers the states and 未报送 (a unit that still has not reported) */
        GPtrArray *choices = g_ptr_array_new();
        for (const char *const *s = job->states; *s; s++)
            g_ptr_array_add(choices, (gpointer)*s);
        g_ptr_array_add(choices, (gpointer)JD_STATE_NOT_REPORTED);
        g_ptr_array_add(choices, NULL);
        jd_xlsx_add_checks(sheet, FIRST_ROW, last, L_STATE, L_DATE,
                           (const char *const *)choices->pdata);
        g_ptr_array_free(choices, TRUE);
        colour_states(wb, ws, last, job->states);
    }
    jd_xlsx_print_setup(ws, HEADER_ROW);
    worksheet_set_header(ws, "&C&A"); /* the sheet's name: the period */
    sheet->name = NULL;
    g_free(title);
    g_free(flat);
    g_free(sheet_ref);
    g_free(wanted);
    g_free(period_name);
}

static bool fill_ledger(lxw_workbook *wb, void *user, jd_diags *diags)
{
    ledger_job *job = user;
    jd_xlsx_formats fmt = jd_xlsx_make_formats(wb);
    jd_xlsx_sheet sheet = {NULL, NULL, diags, true};
    for (size_t p = 0; p < job->n_periods; p++)
        write_period_sheet(wb, job, &fmt, &job->periods[p], &sheet);
    /* the workbook opens on the latest period */
    worksheet_activate(sheet.ws);
    return sheet.ok;
}

char *jd_ledger_xlsx(const jd_value *merged, const jd_period *periods, size_t n_periods,
                     const char *const *states, const char *name, size_t *len, size_t *rows,
                     jd_diags *diags)
{
    ledger_job job = {merged, periods, n_periods,
                      states ? states : jd_progress_default_states(), name, 0};
    for (size_t i = 0; i < n_periods; i++)
        for (size_t j = 0; j < i; j++)
            if (jd_period_compare(&periods[i], &periods[j]) == 0) {
                char *text = jd_period_name(&periods[i]);
                jd_diags_add(diags, JD_ERROR, name, 0, 0, "the period %s is asked for twice",
                             text);
                g_free(text);
                return NULL;
            }
    if (n_periods == 0) {
        jd_diags_add(diags, JD_ERROR, name, 0, 0,
                     "no period: the progress data has no reports; name the periods");
        return NULL;
    }
    char *what = g_strdup_printf("the ledger %s", name);
    char *bytes = jd_xlsx_bytes("工作台账", LEDGER_MARK, fill_ledger, &job, what, len, diags);
    if (bytes && rows) *rows = job.rows;
    g_free(what);
    return bytes;
}

bool jd_ledger_write(const jd_value *merged, const jd_period *periods, size_t n_periods,
                     const jd_ledger_options *options, const char *path, size_t *rows,
                     jd_diags *diags)
{
    if (!options->force && g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
        size_t old_len = 0;
        jd_diags *quiet = jd_diags_new();
        char *old = jd_read_file(path, &old_len, quiet);
        bool replaceable = old && jd_xlsx_unsaved_since_written(old, old_len, LEDGER_MARK);
        g_free(old);
        jd_diags_free(quiet);
        if (!replaceable) {
            jd_diags_add(diags, JD_ERROR, path, 0, 0,
                         "is not a ledger jindu wrote and no one saved since (it may hold edits "
                         "made after the meeting): not overwritten; move it away, or give "
                         "--force");
            return false;
        }
    }
    size_t len = 0;
    char *bytes = jd_ledger_xlsx(merged, periods, n_periods, options->states, path, &len, rows,
                                 diags);
    bool ok = bytes && jd_write_file_atomic(path, bytes, len, diags);
    g_free(bytes);
    return ok;
}
