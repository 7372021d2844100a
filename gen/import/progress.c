/* Progress data: the rows of a progress export, or a JSON tree, → canonical reports; a
 * folder of returned forms read as one; the summary `jindu import` prints.
 * docs/data-format.md ("Progress data") describes every rule with an example. */
#include <stdarg.h>
#include <string.h>

#include "jd_import_layers.h"

/* The columns of a progress export. */
typedef enum {
    COL_ID,
    COL_TASK,
    COL_UNIT,
    COL_PERIOD,
    COL_PLAN, /* what the form showed the unit; not read back */
    COL_STATE,
    COL_DONE,
    COL_PROBLEMS,
    COL_NEXT,
    COL_REPORTER,
    COL_DATE,
    COL_COUNT,
    COL_EMPTY = COL_COUNT,
    COL_OTHER,
    COL_LIST_ONLY, /* a task-list column a progress sheet may show (the ledger's 责任区领导) */
} column;

const char *const *jd_progress_columns(void)
{
    static const char *const names[COL_COUNT + 1] = {"序号",     "目标任务", "责任单位", "报告期",
                                                     "本期计划", "进展状态", "完成情况", "存在问题",
                                                     "下步措施", "填报人",   "填报日期", NULL};
    return names;
}

/* The members of a report, in canonical order. */
static const char *const report_members[] = {"task",     "unit", "period",   "state", "done",
                                             "problems", "next", "reporter", "date"};

/* The free-text members of a report, and the columns they come from. */
static const struct {
    const char *key;
    column col;
} text_members[] = {
    {"done", COL_DONE}, {"problems", COL_PROBLEMS}, {"next", COL_NEXT}, {"reporter", COL_REPORTER}};

static const struct {
    const char *word;
    column col;
} header_words[] = {
    {"序号", COL_ID},           {"目标任务", COL_TASK},   {"责任单位", COL_UNIT},
    {"填报单位", COL_UNIT},     {"报告期", COL_PERIOD},   {"填报期间", COL_PERIOD},
    {"期间", COL_PERIOD},       {"本期计划", COL_PLAN},   {"本季度计划", COL_PLAN},
    {"本月计划", COL_PLAN},     {"进展状态", COL_STATE},  {"完成状态", COL_STATE},
    {"状态", COL_STATE},        {"完成情况", COL_DONE},   {"进展情况", COL_DONE},
    {"存在问题", COL_PROBLEMS}, {"问题", COL_PROBLEMS},   {"下步措施", COL_NEXT},
    {"下一步工作", COL_NEXT},   {"填报人", COL_REPORTER}, {"联系人", COL_REPORTER},
    {"填报日期", COL_DATE},     {"日期", COL_DATE},       {"责任区领导", COL_LIST_ONLY},
    {"责任领导", COL_LIST_ONLY},
};

static column classify(const char *cell)
{
    /* every row is asked whether it is a header: a cell longer than any header word is
     * none, known without compacting all its text. Room for the longest (five characters,
     * 15 bytes) and no more: a longer one added to header_words needs more. */
    char word[16];
    if (!jd_text_compact_to(cell ? cell : "", word, sizeof word)) return COL_OTHER;
    column col = *word ? COL_OTHER : COL_EMPTY;
    for (size_t i = 0; i < G_N_ELEMENTS(header_words) && col == COL_OTHER; i++)
        if (word[0] == header_words[i].word[0] && strcmp(word, header_words[i].word) == 0)
            col = header_words[i].col;
    return col;
}

/* The column a header word that is no column's name resembles, with its usual name in
 * *name; COL_OTHER when it resembles none (备注, say). */
static column resembled_column(const char *word, const char **name)
{
    if (g_utf8_strlen(word, -1) > 12) return COL_OTHER; /* header words are short */
    const char *known[G_N_ELEMENTS(header_words) + 1];
    for (size_t i = 0; i < G_N_ELEMENTS(header_words); i++)
        known[i] = header_words[i].word;
    known[G_N_ELEMENTS(header_words)] = NULL;
    char *near = jd_closest_name(word, known);
    column col = near ? classify(near) : COL_OTHER;
    for (size_t i = 0; i < G_N_ELEMENTS(header_words) && near; i++)
        if (header_words[i].col == col) {
            *name = header_words[i].word; /* the first name of a column is its usual one */
            break;
        }
    g_free(near);
    return col;
}

/* A header row names 序号 and 责任单位; *progress tells whether it also names a state
 * or 完成情况 column. */
static bool is_header_row(const jd_records *records, size_t r, bool *progress)
{
    bool seen[COL_LIST_ONLY + 1] = {false};
    for (size_t i = 0; i < jd_records_width(records, r); i++)
        seen[classify(jd_records_field(records, r, i))] = true;
    *progress = seen[COL_STATE] || seen[COL_DONE];
    /* a misspelt state or 完成情况 column still makes it progress, so that the typo is
     * named as a progress column's (and the file not taken for a task list) */
    for (size_t i = 0; seen[COL_ID] && seen[COL_UNIT] && !*progress && i < jd_records_width(records, r); i++) {
        const char *cell = jd_records_field(records, r, i);
        if (classify(cell) != COL_OTHER) continue;
        char *word = jd_text_compact(cell);
        const char *name;
        column near = resembled_column(word, &name);
        *progress = near == COL_STATE || near == COL_DONE;
        g_free(word);
    }
    return seen[COL_ID] && seen[COL_UNIT];
}

bool jd_records_are_progress(const jd_records *records)
{
    bool progress = false;
    for (size_t r = 0; r < jd_records_count(records); r++)
        if (is_header_row(records, r, &progress)) return progress;
    return false;
}

/* ---- reading rows ------------------------------------------------------------------------ */

typedef struct {
    const jd_records *records;
    const char *name;
    jd_diags *diags;
    const char *const *states;
    char *default_period; /* canonical, or NULL */
    jd_value *file;       /* the file name, shared by every report's source */
    jd_builder *tree;     /* the reports' keys (one copy each) and values */
    GString *title;
    jd_value *reports;
    bool have_header, header_usable;
    int cols[COL_COUNT]; /* field of each column, -1 if the header has none */
    size_t header_row;   /* the last header row read */
    size_t width;        /* its fields up to the last non-empty one */
    size_t raw_width;    /* all its fields */
    GHashTable *unused_columns;
    /* The task that rows with an empty 序号 continue (0: none or rejected), and its
     * 目标任务 (NULL before the first task row). A rejected task row that carried no report
     * was not reported; `quiet_rejection` is its line, for the rows that continue it. */
    int64_t current_id;
    char *current_title;
    int quiet_rejection;
    jd_value *rejects;      /* see jd_import_options.rejects; NULL: strict */
    size_t rejected_errors; /* the errors of the reports left out */
} reader;

/* The field of column `col` in row `r`, or the row's first field when the row is too short
 * to have one: where a message or a value points. */
static size_t field_of(const reader *rd, size_t r, column col)
{
    int field = rd->cols[col];
    return field >= 0 && (size_t)field < jd_records_width(rd->records, r) ? (size_t)field : 0;
}

static void row_problem(reader *rd, size_t r, column col, const char *fmt, ...) G_GNUC_PRINTF(4, 5);

/* Adds an error at the cell of column `col` in row `r`. */
static void row_problem(reader *rd, size_t r, column col, const char *fmt, ...)
{
    size_t field = field_of(rd, r, col);
    va_list ap;
    va_start(ap, fmt);
    jd_diags_addv(rd->diags, JD_ERROR, rd->name, jd_records_field_line(rd->records, r, field),
                  jd_records_field_col(rd->records, r, field), fmt, ap);
    va_end(ap);
}

static void set_pos(jd_value *value, const reader *rd, size_t r, column col)
{
    size_t field = field_of(rd, r, col);
    jd_value_set_pos(value, jd_records_field_line(rd->records, r, field),
                     jd_records_field_col(rd->records, r, field));
}

static void read_header(reader *rd, size_t r)
{
    for (int c = 0; c < COL_COUNT; c++)
        rd->cols[c] = -1;
    rd->header_row = r;
    rd->raw_width = rd->width = jd_records_width(rd->records, r);
    while (rd->width > 0 && jd_cell_is_blank(jd_records_field(rd->records, r, rd->width - 1)))
        rd->width--;
    for (size_t i = 0; i < jd_records_width(rd->records, r); i++) {
        const char *cell = jd_records_field(rd->records, r, i);
        column col = classify(cell);
        if (col < COL_COUNT && rd->cols[col] < 0) rd->cols[col] = (int)i;
    }
    /* a word that resembles a column the header lacks is that column misspelt: an error,
     * or its cells would be dropped (a misspelt 进展状态 made the header unusable, with the
     * typo itself only warned about); any other is ignored with a warning */
    bool misspelt[COL_COUNT] = {false};
    for (size_t i = 0; i < jd_records_width(rd->records, r); i++) {
        const char *cell = jd_records_field(rd->records, r, i);
        if (classify(cell) != COL_OTHER) continue;
        char *word = jd_text_compact(cell);
        const char *name = NULL;
        column near = resembled_column(word, &name);
        int line = jd_records_field_line(rd->records, r, i), col = jd_records_field_col(rd->records, r, i);
        if (near < COL_COUNT && rd->cols[near] < 0 && !misspelt[near]) {
            misspelt[near] = true;
            jd_diags_add(rd->diags, JD_ERROR, rd->name, line, col,
                         "column '%s' is not a progress column: did you mean '%s'? (the header has no "
                         "'%s' column: its cells would be dropped)",
                         word, name, name);
        } else if (g_hash_table_add(rd->unused_columns, g_strdup(word))) {
            jd_diags_add(rd->diags, JD_WARNING, rd->name, line, col,
                         "column '%s' is not a progress column; its cells are ignored", word);
        }
        g_free(word);
    }
    static const column required[] = {COL_ID, COL_UNIT, COL_STATE, COL_PERIOD};
    GString *missing = g_string_new(NULL);
    bool usable = true;
    for (size_t i = 0; i < G_N_ELEMENTS(required); i++) {
        bool absent = rd->cols[required[i]] < 0 && (required[i] != COL_PERIOD || !rd->default_period);
        usable &= !absent;
        if (absent && !misspelt[required[i]])
            g_string_append_printf(missing, "%s%s", missing->len ? ", " : "",
                                   jd_progress_columns()[required[i]]);
    }
    for (int c = 0; c < COL_COUNT; c++)
        usable &= !misspelt[c];
    rd->have_header = true;
    rd->header_usable = usable;
    if (missing->len)
        jd_diags_add(rd->diags, JD_ERROR, rd->name, jd_records_field_line(rd->records, r, 0), 1,
                     "the header has no column for %s%s", missing->str,
                     rd->cols[COL_PERIOD] < 0 && !rd->default_period && !misspelt[COL_PERIOD]
                         ? " (without a 报告期 column, give the period: --period 2023Q2)"
                         : "");
    g_string_free(missing, TRUE);
}

/* A title row, unless it is a form's instructions (填报说明：…), which are no title. */
static void add_title_row(reader *rd, size_t r)
{
    char *row_text = jd_records_row_text(rd->records, r);
    if (*row_text && !g_str_has_prefix(row_text, JD_FORM_NOTE_WORD))
        g_string_append_printf(rd->title, "%s%s", rd->title->len ? "\n" : "", row_text);
    g_free(row_text);
}

/* 序号: ASCII or full-width digits. 0 if it is not a number. */
static int64_t parse_task_id(const char *text)
{
    char *digits = jd_text_compact(text);
    guint64 id = 0;
    bool ok = g_ascii_string_to_unsigned(digits, 10, 1, G_MAXINT32, &id, NULL);
    g_free(digits);
    return ok ? (int64_t)id : 0;
}

/* The task of row `r`: its 序号, or for a row with an empty 序号 (a merged cell in the
 * original sheet) the task above. Problems are reported only for rows that carry a report;
 * 0 if there is no task. */
static int64_t task_of_row(reader *rd, size_t r, const char *id_text, const char *title,
                           bool reported)
{
    bool continues =
        !*id_text && (!*title || (rd->current_title && strcmp(title, rd->current_title) == 0));
    if (continues) {
        if (!rd->current_title && reported)
            row_problem(rd, r, COL_ID, "row has no 序号 and no task above it");
        else if (!rd->current_id && rd->quiet_rejection && reported)
            row_problem(rd, r, COL_ID,
                        "row has no 序号 and the task row above it (line %d) has no valid one",
                        rd->quiet_rejection);
        return rd->current_id;
    }
    /* a task row; once rejected, rows continuing it are skipped without more messages */
    int64_t id = *id_text ? parse_task_id(id_text) : 0;
    if (!id && reported && *id_text)
        row_problem(rd, r, COL_ID, "序号 '%s' is not a task number", id_text);
    else if (!id && reported)
        row_problem(rd, r, COL_TASK, "row has a 目标任务 but no 序号");
    rd->quiet_rejection = !id && !reported ? jd_records_field_line(rd->records, r, 0) : 0;
    rd->current_id = id;
    g_free(rd->current_title);
    rd->current_title = g_strdup(title);
    return id;
}

static jd_value *string_at(const char *text, const reader *rd, size_t r, column col)
{
    jd_value *v = jd_value_new_string_in(rd->tree, text);
    set_pos(v, rd, r, col);
    return v;
}

/* The period of a row: its 报告期 cell, else the default period. NULL after an error. */
static char *row_period(reader *rd, size_t r, const char *text)
{
    jd_period period;
    if (!*text && rd->default_period) return g_strdup(rd->default_period);
    if (!*text)
        row_problem(rd, r, COL_PERIOD, "报告期 is empty");
    else if (!jd_period_parse(text, &period))
        row_problem(rd, r, COL_PERIOD,
                    "报告期 '%s' is not a period (write 2023Q2 or 2023年第二季度, or a month: "
                    "2023-05 or 2023年5月)",
                    text);
    else
        return jd_period_format(&period);
    return NULL;
}

static const char *row_state(reader *rd, size_t r, const char *text)
{
    const char *state = jd_progress_state(text, rd->states);
    if (!state) {
        char *allowed = jd_progress_states_text(rd->states);
        if (*text)
            row_problem(rd, r, COL_STATE, "进展状态 '%s' is not a state: use %s", text, allowed);
        else
            row_problem(rd, r, COL_STATE, "进展状态 is empty: use %s", allowed);
        g_free(allowed);
    }
    return state;
}

/* "" for an empty cell, else the date as YYYY-MM-DD; NULL after an error. */
static char *row_date(reader *rd, size_t r, const char *text)
{
    char *iso = NULL;
    if (!*text) return g_strdup("");
    if (!jd_date_parse(text, &iso))
        row_problem(rd, r, COL_DATE,
                    "填报日期 '%s' is not a date (write 2023-06-25, 2023/6/25 or 2023年6月25日)",
                    text);
    return iso;
}

static jd_value *new_source(jd_value *file, jd_value *title, jd_builder *tree)
{
    jd_value *source = jd_value_new_object_in(tree);
    jd_object_set_with(source, tree, "file", jd_value_ref(file));
    if (title) jd_object_set_with(source, tree, "title", title);
    return source;
}

/* Adds one report per unit name of the row. */
static void add_reports(reader *rd, size_t r, int64_t id, char **text, char **names,
                        const char *period, const char *state, const char *date)
{
    for (char **n = names; *n; n++) {
        jd_value *report = jd_value_new_object_in(rd->tree);
        jd_object_reserve(report, G_N_ELEMENTS(report_members) + 1); /* and its source */
        set_pos(report, rd, r, COL_ID);
        jd_value *task = jd_value_new_int_in(rd->tree, id);
        set_pos(task, rd, r, COL_ID);
        jd_object_set_with(report, rd->tree, "task", task);
        jd_object_set_with(report, rd->tree, "unit", string_at(*n, rd, r, COL_UNIT));
        jd_object_set_with(report, rd->tree, "period", string_at(period, rd, r, COL_PERIOD));
        jd_object_set_with(report, rd->tree, "state", string_at(state, rd, r, COL_STATE));
        for (size_t i = 0; i < G_N_ELEMENTS(text_members); i++)
            jd_object_set_with(report, rd->tree, text_members[i].key,
                          string_at(text[text_members[i].col], rd, r, text_members[i].col));
        jd_object_set_with(report, rd->tree, "date", string_at(date, rd, r, COL_DATE));
        jd_value *title = *text[COL_TASK] ? string_at(text[COL_TASK], rd, r, COL_TASK) : NULL;
        jd_object_set_with(report, rd->tree, "source", new_source(rd->file, title, rd->tree));
        jd_array_append(rd->reports, report);
    }
}

/* A row is a report unless its state and texts are all empty: a unit that did not report
 * leaves its line of the form blank. */
/* Whether row `r` has the header's shape. A row with more fields than the header row had
 * a cell split by an unquoted comma (完成情况 "…,3个小区已进场施工"): every cell after it
 * would be read into the next column, and when the cells at the end were empty nothing
 * else shows it, so even empty extra fields are refused — unless the header row has empty
 * cells there too (a padded export). A row ending before the header's last column had two
 * cells merged, or lost its end: refused too. */
static bool row_fits_header(reader *rd, size_t r)
{
    size_t n = jd_records_width(rd->records, r);
    /* a sheet's cells sit in their columns, and its rows end at their last value */
    if (jd_records_are_cells(rd->records) || (n <= rd->raw_width && n >= rd->width)) return true;
    size_t last = n;
    while (last > 1 && jd_cell_is_blank(jd_records_field(rd->records, r, last - 1)))
        last--;
    size_t at = last ? last - 1 : 0;
    char *shown = jd_cell_excerpt(jd_records_field(rd->records, r, at), 20);
    if (n > rd->raw_width) {
        char *heading = at < rd->raw_width
                           ? jd_text_compact(jd_records_field(rd->records, rd->header_row, at))
                           : g_strdup("");
        char *placed = *heading ? g_strdup_printf("would be read as %s", heading)
                                : g_strdup("has no column at all");
        jd_diags_add(rd->diags, JD_ERROR, rd->name, jd_records_field_line(rd->records, r, at),
                     jd_records_field_col(rd->records, r, at),
                     "row has %zu fields but the header has %zu: a comma inside a cell moved the "
                     "cells after it into the wrong columns (field %zu, '%s', %s); put that cell "
                     "in double quotes or write '，'",
                     n, rd->raw_width, at + 1, shown, placed);
        g_free(placed);
        g_free(heading);
    } else
        jd_diags_add(rd->diags, JD_ERROR, rd->name, jd_records_field_line(rd->records, r, at),
                     jd_records_field_col(rd->records, r, at),
                     "row has %zu fields but the header has %zu: with a field missing, its cells "
                     "cannot be placed in their columns (the last one is '%s')",
                     n, rd->width, shown);
    g_free(shown);
    return false;
}

static void read_report_row(reader *rd, size_t r)
{
    if (!row_fits_header(rd, r)) return;
    char *text[COL_COUNT] = {NULL};
    for (int c = 0; c < COL_COUNT; c++) {
        if (c == COL_PLAN || c == COL_UNIT)
            continue; /* the plan is not read back; the unit cell is read as names below */
        /* a cell merged down from the row above (one state or text for several units, a
         * unit written once for its rows) reads as that row's */
        const char *cell =
            rd->cols[c] >= 0 ? jd_records_field_down(rd->records, r, (size_t)rd->cols[c]) : NULL;
        text[c] = jd_cell_text(cell ? cell : "");
    }
    /* a state of 未报送 with nothing written is a unit that did not report, as the ledger
     * shows it (unless 未报送 is one of the configured states); 未报送 beside a text is no
     * state, an error below */
    const char *state_text = text[COL_STATE];
    bool texts = *text[COL_DONE] || *text[COL_PROBLEMS] || *text[COL_NEXT];
    bool reported = texts || (*state_text && (!jd_progress_not_reported(state_text) ||
                                              jd_progress_state(state_text, rd->states)));
    int64_t id = task_of_row(rd, r, text[COL_ID], text[COL_TASK], reported);
    if (reported) {
        const char *unit_cell = jd_records_field_down(rd->records, r, (size_t)rd->cols[COL_UNIT]);
        char **names = jd_cell_names(unit_cell ? unit_cell : "");
        if (!names[0]) row_problem(rd, r, COL_UNIT, "row has no 责任单位");
        char *period = row_period(rd, r, text[COL_PERIOD]);
        const char *state = row_state(rd, r, text[COL_STATE]);
        char *date = row_date(rd, r, text[COL_DATE]);
        /* each of these is missing exactly when its cell was reported as wrong */
        if (id && names[0] && period && state && date)
            add_reports(rd, r, id, text, names, period, state, date);
        g_free(date);
        g_free(period);
        g_strfreev(names);
    }
    for (int c = 0; c < COL_COUNT; c++)
        g_free(text[c]);
}

/* Reads row `r`; read leniently, a row with an error is left out and described in the
 * rejects with what it was about, as far as its cells can be read: its 序号 (or the task
 * it continues), its 责任单位 and its 报告期. (A row that did not fit the header has its
 * cells in doubt: what it names is checked against the list before it counts.) */
static void read_row_or_reject(reader *rd, size_t r)
{
    size_t errors = jd_diags_count_severity(rd->diags, JD_ERROR), from = jd_diags_count(rd->diags);
    read_report_row(rd, r);
    size_t added = jd_diags_count_severity(rd->diags, JD_ERROR) - errors;
    if (!rd->rejects || !added) return;
    rd->rejected_errors += added;
    const char *id_cell = rd->cols[COL_ID] >= 0 ? jd_records_field(rd->records, r, (size_t)rd->cols[COL_ID]) : NULL;
    char *id_text = jd_cell_text(id_cell ? id_cell : "");
    int64_t task = *id_text ? parse_task_id(id_text) : rd->current_id;
    const char *unit_cell = jd_records_field_down(rd->records, r, (size_t)rd->cols[COL_UNIT]);
    char **units = jd_cell_names(unit_cell ? unit_cell : "");
    const char *period_cell =
        rd->cols[COL_PERIOD] >= 0 ? jd_records_field_down(rd->records, r, (size_t)rd->cols[COL_PERIOD]) : NULL;
    char *period_text = jd_cell_text(period_cell ? period_cell : "");
    jd_period period;
    char *canonical = jd_period_parse(period_text, &period) ? jd_period_format(&period)
                      : !*period_text && rd->default_period ? g_strdup(rd->default_period)
                                                             : NULL;
    jd_progress_reject(rd->rejects, rd->diags, from, rd->name, task, units, canonical);
    g_free(canonical);
    g_free(period_text);
    g_strfreev(units);
    g_free(id_text);
}

/* The default period of `options` in canonical form; NULL (with an error if it was given
 * but is not a period) otherwise. */
static char *default_period(const jd_import_options *options, const char *name, jd_diags *diags)
{
    jd_period period;
    if (!options || !options->period) return NULL;
    if (jd_period_parse(options->period, &period)) return jd_period_format(&period);
    jd_diags_add(diags, JD_ERROR, name, 0, 0, "the default period '%s' is not a period",
                 options->period);
    return NULL;
}

/* Takes over `reports`. */
static jd_value *new_progress(const char *title, int title_line, int title_col, jd_value *reports)
{
    jd_value *progress = jd_value_new_object();
    jd_value_set_pos(progress, 1, 1);
    jd_value *title_value = jd_value_new_string(title);
    jd_value_set_pos(title_value, title_line, title_col);
    jd_object_set(progress, "title", title_value);
    jd_object_set(progress, "reports", reports);
    return progress;
}

jd_value *jd_progress_from_records(const jd_records *records, const char *name,
                                   const jd_import_options *options, jd_diags *diags)
{
    jd_tally tally;
    diags = jd_tally_begin(&tally, diags);
    reader rd = {0};
    rd.records = records;
    rd.name = name;
    rd.diags = diags;
    rd.states = options && options->states ? options->states : jd_progress_default_states();
    rd.default_period = default_period(options, name, diags);
    rd.file = jd_value_new_string(name);
    rd.tree = jd_builder_new();
    rd.title = g_string_new(NULL);
    rd.reports = jd_value_new_array();
    rd.unused_columns = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    rd.rejects = options ? options->rejects : NULL;
    int title_line = 0;
    for (size_t r = 0; r < jd_records_count(records); r++) {
        bool progress_header;
        if (jd_records_row_is_blank(records, r)) continue;
        if (is_header_row(records, r, &progress_header)) {
            read_header(&rd, r);
        } else if (!rd.have_header) {
            if (!title_line) title_line = jd_records_field_line(records, r, 0);
            add_title_row(&rd, r);
        } else if (rd.header_usable) {
            read_row_or_reject(&rd, r);
        }
    }
    if (!rd.have_header)
        jd_diags_add(diags, JD_ERROR, name, 1, 1,
                     "no header row: expected a row with 序号, 责任单位 and 进展状态 …");
    jd_value *reports = jd_progress_drop_duplicates(rd.reports, rd.rejects, &rd.rejected_errors, diags);
    jd_value *progress = NULL;
    if (jd_tally_errors(&tally) == rd.rejected_errors)
        progress = new_progress(rd.title->str, title_line, title_line ? 1 : 0, jd_value_ref(reports));
    jd_value_unref(reports);
    jd_tally_end(&tally);
    jd_value_unref(rd.reports);
    jd_value_unref(rd.file);
    jd_builder_free(rd.tree);
    g_string_free(rd.title, TRUE);
    g_free(rd.current_title);
    g_free(rd.default_period);
    g_hash_table_destroy(rd.unused_columns);
    return progress;
}

/* ---- JSON -------------------------------------------------------------------------------- */

typedef struct {
    const char *name;
    jd_diags *diags;
    const char *const *states;
    const char *default_period;
    jd_value *file;
    jd_builder *tree; /* the reports' keys (one copy each) and values */
} json_reader;

static void problem(json_reader *jr, jd_severity sev, const jd_value *at, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);

static void problem(json_reader *jr, jd_severity sev, const jd_value *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    jd_diags_addv(jr->diags, sev, jr->name, jd_value_line(at), jd_value_col(at), fmt, ap);
    va_end(ap);
}

/* Member `key` of `obj` as a string; missing gives NULL (reported if `required`), another
 * kind is reported and gives NULL too. */
static const jd_value *string_member(json_reader *jr, const jd_value *obj, const char *path,
                                     const char *key, bool required)
{
    const jd_value *v = jd_object_get(obj, key);
    if (!v && required)
        problem(jr, JD_ERROR, obj, "%s: missing \"%s\" (a string)", path, key);
    else if (v && jd_value_kind_of(v) != JD_VALUE_STRING)
        problem(jr, JD_ERROR, v, "%s.%s must be a string, not %s", path, key,
                jd_value_kind_name(jd_value_kind_of(v)));
    return v && jd_value_kind_of(v) == JD_VALUE_STRING ? v : NULL;
}

/* A copy of string `v` with `text` in place of its own (its position kept); "" if `v` is
 * NULL. */
static jd_value *restring(const jd_value *v, const char *text)
{
    jd_value *copy = jd_value_new_string(text ? text : jd_value_string(v));
    if (v) jd_value_set_pos(copy, jd_value_line(v), jd_value_col(v));
    return copy;
}

/* Checks one report and returns its canonical form, or NULL after an error. */
static jd_value *json_report(json_reader *jr, const jd_value *in, const char *path)
{
    if (jd_value_kind_of(in) != JD_VALUE_OBJECT) {
        problem(jr, JD_ERROR, in, "%s must be an object, not %s", path,
                jd_value_kind_name(jd_value_kind_of(in)));
        return NULL;
    }
    size_t errors_before = jd_diags_count_severity(jr->diags, JD_ERROR);
    for (size_t i = 0; i < jd_object_size(in); i++) {
        const char *key = jd_object_key(in, i);
        bool known = false;
        for (size_t k = 0; k < G_N_ELEMENTS(report_members) && !known; k++)
            known = strcmp(report_members[k], key) == 0;
        if (!known)
            problem(jr, JD_WARNING, jd_object_value(in, i), "%s: unknown member \"%s\" is ignored",
                    path, key);
    }
    const jd_value *task = jd_object_get(in, "task");
    if (!task)
        problem(jr, JD_ERROR, in, "%s: missing \"task\" (a whole number)", path);
    else if (jd_value_kind_of(task) != JD_VALUE_INT || jd_value_int(task) < 1)
        problem(jr, JD_ERROR, task, "%s.task must be a task number (1 or more)", path);
    const jd_value *unit = string_member(jr, in, path, "unit", true);
    if (unit && !jd_value_string_len(unit)) problem(jr, JD_ERROR, unit, "%s.unit is empty", path);

    const jd_value *period = string_member(jr, in, path, "period", !jr->default_period);
    jd_period parsed;
    char *period_text = NULL;
    if (period && jd_period_parse(jd_value_string(period), &parsed))
        period_text = jd_period_format(&parsed);
    else if (period)
        problem(jr, JD_ERROR, period, "%s.period '%s' is not a period (write 2023Q2 or 2023-05)",
                path, jd_value_string(period));
    else if (!jd_object_get(in, "period"))
        period_text = g_strdup(jr->default_period);

    const jd_value *state_value = string_member(jr, in, path, "state", true);
    const char *state =
        state_value ? jd_progress_state(jd_value_string(state_value), jr->states) : NULL;
    if (state_value && !state) {
        char *allowed = jd_progress_states_text(jr->states);
        problem(jr, JD_ERROR, state_value, "%s.state '%s' is not a state: use %s", path,
                jd_value_string(state_value), allowed);
        g_free(allowed);
    }
    const jd_value *date = string_member(jr, in, path, "date", false);
    char *iso = NULL;
    if (date && jd_value_string_len(date) && !jd_date_parse(jd_value_string(date), &iso))
        problem(jr, JD_ERROR, date, "%s.date '%s' is not a date (write 2023-06-25)", path,
                jd_value_string(date));
    const jd_value *texts[G_N_ELEMENTS(text_members)];
    for (size_t i = 0; i < G_N_ELEMENTS(text_members); i++)
        texts[i] = string_member(jr, in, path, text_members[i].key, false);

    jd_value *report = NULL;
    if (jd_diags_count_severity(jr->diags, JD_ERROR) == errors_before) {
        report = jd_value_new_object();
        jd_value_set_pos(report, jd_value_line(in), jd_value_col(in));
        jd_object_set_with(report, jr->tree, "task", jd_value_copy(task));
        jd_object_set_with(report, jr->tree, "unit", jd_value_copy(unit));
        jd_value *period_value = restring(period, period_text);
        if (!period) jd_value_set_pos(period_value, jd_value_line(in), jd_value_col(in));
        jd_object_set_with(report, jr->tree, "period", period_value);
        jd_object_set_with(report, jr->tree, "state", restring(state_value, state));
        for (size_t i = 0; i < G_N_ELEMENTS(text_members); i++)
            jd_object_set_with(report, jr->tree, text_members[i].key, restring(texts[i], NULL));
        jd_object_set_with(report, jr->tree, "date", restring(date, iso ? iso : ""));
        jd_object_set_with(report, jr->tree, "source", new_source(jr->file, NULL, jr->tree));
    }
    g_free(iso);
    g_free(period_text);
    return report;
}

jd_value *jd_progress_from_json(const jd_value *tree, const char *name,
                                const jd_import_options *options, jd_diags *diags)
{
    jd_tally tally;
    diags = jd_tally_begin(&tally, diags);
    json_reader jr = {name, diags,
                      options && options->states ? options->states : jd_progress_default_states(),
                      NULL, NULL, jd_builder_new()};
    char *period = default_period(options, name, diags);
    jr.default_period = period;
    jr.file = jd_value_new_string(name);
    for (size_t i = 0; i < jd_object_size(tree); i++) {
        const char *key = jd_object_key(tree, i);
        if (strcmp(key, "title") != 0 && strcmp(key, "reports") != 0)
            problem(&jr, JD_WARNING, jd_object_value(tree, i),
                    "progress: unknown member \"%s\" is ignored", key);
    }
    const jd_value *title = string_member(&jr, tree, "progress", "title", true);
    const jd_value *reports_in = jd_object_get(tree, "reports");
    jd_value *reports = jd_value_new_array();
    if (jd_value_kind_of(reports_in) != JD_VALUE_ARRAY)
        problem(&jr, JD_ERROR, reports_in, "progress.reports must be a list, not %s",
                jd_value_kind_name(jd_value_kind_of(reports_in)));
    jd_value *rejects = options ? options->rejects : NULL;
    size_t rejected_errors = 0;
    for (size_t i = 0; i < jd_array_length(reports_in); i++) {
        char *path = g_strdup_printf("progress.reports[%zu]", i);
        const jd_value *in = jd_array_get(reports_in, i);
        size_t errors = jd_diags_count_severity(diags, JD_ERROR), from = jd_diags_count(diags);
        jd_value *report = json_report(&jr, in, path);
        size_t added = jd_diags_count_severity(diags, JD_ERROR) - errors;
        if (report) {
            jd_array_append(reports, report);
        } else if (rejects && added) {
            /* left out, with what it was about as far as its members say */
            rejected_errors += added;
            const jd_value *task = jd_object_get(in, "task");
            const char *unit = jd_object_get_string(in, "unit");
            char *units[] = {(char *)unit, NULL};
            jd_period parsed;
            const char *period_text = jd_object_get_string(in, "period");
            char *canonical = period_text && jd_period_parse(period_text, &parsed) ? jd_period_format(&parsed)
                              : !period_text && jr.default_period ? g_strdup(jr.default_period)
                                                                  : NULL;
            jd_progress_reject(rejects, diags, from, name,
                               jd_value_kind_of(task) == JD_VALUE_INT ? jd_value_int(task) : 0, units, canonical);
            g_free(canonical);
        }
        g_free(path);
    }
    jd_value *kept = jd_progress_drop_duplicates(reports, rejects, &rejected_errors, diags);
    jd_value *progress = NULL;
    if (jd_tally_errors(&tally) == rejected_errors)
        progress = new_progress(jd_value_string(title), jd_value_line(title), jd_value_col(title),
                                jd_value_ref(kept));
    jd_tally_end(&tally);
    jd_value_unref(kept);
    jd_value_unref(reports);
    jd_value_unref(jr.file);
    jd_builder_free(jr.tree);
    g_free(period);
    return progress;
}

/* ---- shared checks and the canonical form -------------------------------------------------- */

const char *jd_progress_report_file(const jd_value *report)
{
    return jd_object_get_string(jd_object_get(report, "source"), "file");
}

static char *report_key(const jd_value *report)
{
    const char *unit = jd_object_get_string(report, "unit");
    const char *period = jd_object_get_string(report, "period");
    /* without printf: binding a folder makes one key per report three times over (each
     * file, the folder, the merge with the task list) */
    int64_t task = jd_object_get_int(report, "task", 0);
    guint64 magnitude = task < 0 ? -(guint64)task : (guint64)task;
    char digits[24], *p = digits + sizeof digits - 1;
    *p = '\0';
    do {
        *--p = (char)('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude);
    if (task < 0) *--p = '-';
    return g_strjoin("\x1f", p, unit ? unit : "", period ? period : "", NULL);
}

/* Reports every duplicate (and describes it in `rejects`, when not NULL); returns the keys
 * (report_key) that are reported twice or more. */
static GHashTable *find_duplicates(const jd_value *reports, jd_value *rejects, jd_diags *diags)
{
    GHashTable *twice = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    GHashTable *first = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (size_t i = 0; i < jd_array_length(reports); i++) {
        const jd_value *report = jd_array_get(reports, i);
        const char *unit = jd_object_get_string(report, "unit");
        const char *period = jd_object_get_string(report, "period");
        int64_t task = jd_object_get_int(report, "task", 0);
        char *key = report_key(report);
        const jd_value *earlier = g_hash_table_lookup(first, key);
        if (!earlier) {
            g_hash_table_insert(first, key, (gpointer)report);
            continue;
        }
        g_hash_table_add(twice, key);
        const char *file = jd_progress_report_file(report);
        const char *earlier_file = jd_progress_report_file(earlier);
        const jd_value *at = jd_object_get(report, "unit");
        char *where = g_strcmp0(file, earlier_file) == 0
                          ? g_strdup_printf("line %d", jd_value_line(earlier))
                          : g_strdup_printf("%s:%d", earlier_file ? earlier_file : "?",
                                            jd_value_line(earlier));
        size_t from = jd_diags_count(diags);
        jd_diags_add(diags, JD_ERROR, file, jd_value_line(at), jd_value_col(at),
                     "duplicate report: task %" G_GINT64_FORMAT ", %s, %s is already reported at "
                     "%s",
                     task, unit, period, where);
        char *units[] = {(char *)unit, NULL};
        jd_progress_reject(rejects, diags, from, file, task, units, period);
        g_free(where);
    }
    g_hash_table_destroy(first);
    return twice;
}

void jd_progress_check_duplicates(const jd_value *reports, jd_diags *diags)
{
    g_hash_table_destroy(find_duplicates(reports, NULL, diags));
}

jd_value *jd_progress_drop_duplicates(const jd_value *reports, jd_value *rejects, size_t *errors,
                                      jd_diags *diags)
{
    jd_tally tally;
    diags = jd_tally_begin(&tally, diags);
    GHashTable *twice = find_duplicates(reports, rejects, diags);
    jd_value *kept = jd_value_new_array();
    for (size_t i = 0; i < jd_array_length(reports); i++) {
        jd_value *report = jd_array_get(reports, i);
        /* (strict, or without duplicates, every report is kept: no key to make) */
        char *key = rejects && g_hash_table_size(twice) ? report_key(report) : NULL;
        if (!key || !g_hash_table_contains(twice, key)) jd_array_append(kept, jd_value_ref(report));
        g_free(key);
    }
    if (rejects) *errors += jd_tally_errors(&tally);
    g_hash_table_destroy(twice);
    jd_tally_end(&tally);
    return kept;
}

void jd_progress_reject(jd_value *rejects, const jd_diags *diags, size_t from, const char *file,
                        int64_t task, char *const *units, const char *period)
{
    if (!rejects) return;
    const jd_diag *error = NULL;
    for (size_t i = from; i < jd_diags_count(diags) && !error; i++)
        if (jd_diag_severity(jd_diags_get(diags, i)) == JD_ERROR) error = jd_diags_get(diags, i);
    jd_value *r = jd_value_new_object();
    jd_object_set(r, "file", jd_value_new_string(error && jd_diag_file(error) ? jd_diag_file(error) : file));
    jd_object_set(r, "line", jd_value_new_int(error ? jd_diag_line(error) : 0));
    jd_object_set(r, "col", jd_value_new_int(error ? jd_diag_col(error) : 0));
    /* past the cap of kept messages there is no text to quote */
    jd_object_set(r, "message", jd_value_new_string(error ? jd_diag_message(error) : "has errors"));
    if (task > 0) jd_object_set(r, "task", jd_value_new_int(task));
    if (units && units[0]) {
        jd_value *names = jd_value_new_array();
        for (char *const *u = units; *u; u++)
            jd_array_append(names, jd_value_new_string(*u));
        jd_object_set(r, "units", names);
    }
    if (period) jd_object_set(r, "period", jd_value_new_string(period));
    jd_array_append(rejects, r);
}

jd_value *jd_progress_canonical(const jd_value *progress)
{
    jd_value *out = jd_value_new_object();
    jd_value_set_pos(out, jd_value_line(progress), jd_value_col(progress));
    jd_object_set(out, "title", jd_value_ref(jd_object_get(progress, "title")));
    const jd_value *reports = jd_object_get(progress, "reports");
    jd_value *list = jd_value_new_array();
    jd_builder *keys = jd_builder_new();
    for (size_t i = 0; i < jd_array_length(reports); i++) {
        const jd_value *report = jd_array_get(reports, i);
        jd_value *copy = jd_value_new_object();
        jd_value_set_pos(copy, jd_value_line(report), jd_value_col(report));
        for (size_t m = 0; m < G_N_ELEMENTS(report_members); m++)
            jd_object_set_with(copy, keys, report_members[m],
                               jd_value_ref(jd_object_get(report, report_members[m])));
        jd_array_append(list, copy);
    }
    jd_builder_free(keys);
    jd_object_set(out, "reports", list);
    return out;
}

/* ---- a folder of files ------------------------------------------------------------------- */

static bool is_data_file(const char *dir, const char *name)
{
    static const char *const extensions[] = {".csv", ".tsv", ".txt", ".json",
                                             ".xlsx", ".xlsm", ".xls"};
    /* hidden files, and the lock files Excel and WPS keep beside an open workbook */
    if (name[0] == '.' || g_str_has_prefix(name, "~$")) return false;
    char *lower = g_ascii_strdown(name, -1);
    bool data = false;
    for (size_t i = 0; i < G_N_ELEMENTS(extensions) && !data; i++)
        data = g_str_has_suffix(lower, extensions[i]);
    g_free(lower);
    /* not only regular files: a pipe or a device named like a report is read, and refused
     * with a message, rather than passed over (its unit would show as 未报送 unsaid) */
    (void)dir;
    return data;
}

/* What a file in a progress folder that jindu does not read is, when it looks like a report
 * sent in the wrong form (a unit's form returned as a Word document, a scan, a PDF); NULL for
 * anything else (notes, scripts), which is skipped without a word. */
static const char *document_kind(const char *name)
{
    static const struct {
        const char *extension, *what;
    } kinds[] = {
        {".docx", "a Word document"}, {".doc", "a Word document"}, {".wps", "a WPS document"},
        {".rtf", "a Word document"},  {".odt", "a text document"}, {".pdf", "a PDF"},
        {".ofd", "an OFD document"},  {".et", "a WPS 表格 workbook (.et)"},
        {".ods", "an OpenDocument spreadsheet (.ods)"}, {".png", "a picture"},
        {".jpg", "a picture"},        {".jpeg", "a picture"},      {".zip", "an archive"},
        {".rar", "an archive"},       {".7z", "an archive"},       {".htm", "a web page"},
        {".html", "a web page"},      {".mht", "a web archive"},
    };
    char *lower = g_ascii_strdown(name, -1);
    const char *what = NULL;
    for (size_t i = 0; i < G_N_ELEMENTS(kinds) && !what; i++)
        if (g_str_has_suffix(lower, kinds[i].extension)) what = kinds[i].what;
    g_free(lower);
    return what;
}

static gint compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The data files of `dir`, sorted by name; NULL (with an error) if it cannot be read. */
/* Adds the data files of `dir`/`sub` (sub NULL: of `dir` itself) to `names`, as paths
 * relative to `dir`; the folders one level down are read too (a folder per quarter, or
 * per office), deeper ones are skipped with a warning. False if `dir` cannot be read. */
static bool add_folder_files(const char *dir, const char *sub, GPtrArray *names, jd_diags *diags)
{
    char *here = sub ? g_build_filename(dir, sub, NULL) : g_strdup(dir);
    GError *err = NULL;
    GDir *d = g_dir_open(here, 0, &err);
    if (!d) {
        jd_diags_add(diags, JD_ERROR, here, 0, 0, "cannot read: %s", err->message);
        g_error_free(err);
        g_free(here);
        return false;
    }
    for (const char *name; (name = g_dir_read_name(d));) {
        char *path = g_build_filename(here, name, NULL);
        char *relative = sub ? g_build_filename(sub, name, NULL) : g_strdup(name);
        bool folder = name[0] != '.' && g_file_test(path, G_FILE_TEST_IS_DIR);
        if (folder && !sub) {
            add_folder_files(dir, relative, names, diags);
        } else if (folder) {
            jd_diags_add(diags, JD_WARNING, path, 0, 0,
                         "sub-folder skipped: a progress folder is read with the folders directly in it");
        } else if (is_data_file(here, name)) {
            g_ptr_array_add(names, relative);
            relative = NULL;
        } else if (name[0] != '.' && !g_str_has_prefix(name, "~$") && document_kind(name)) {
            jd_diags_add(diags, JD_WARNING, path, 0, 0,
                         "skipped: %s, not a form jindu reads; if it is a unit's report, ask for it "
                         "as .xlsx or .csv (until then its reports show as 未报送)",
                         document_kind(name));
        }
        g_free(relative);
        g_free(path);
    }
    g_dir_close(d);
    g_free(here);
    return true;
}

static GPtrArray *folder_files(const char *dir, jd_diags *diags)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    if (!add_folder_files(dir, NULL, names, diags)) {
        g_ptr_array_free(names, TRUE);
        return NULL;
    }
    g_ptr_array_sort(names, compare_names);
    return names;
}

char **jd_progress_folder_files(const char *dir, jd_diags *diags)
{
    GPtrArray *names = folder_files(dir, diags);
    if (!names)
        return NULL;
    g_ptr_array_set_free_func(names, NULL);
    g_ptr_array_add(names, NULL);
    return (char **)g_ptr_array_free(names, FALSE);
}

jd_value *jd_progress_read_folder(const char *dir, const jd_import_options *options,
                                  jd_import_info *info, jd_diags *diags)
{
    jd_tally tally;
    diags = jd_tally_begin(&tally, diags);
    jd_import_info first = {options ? options->format : JD_FORMAT_AUTO, JD_ENCODING_UTF8,
                            JD_DATA_PROGRESS, 0, 0, "", JD_DATA_PROGRESS};
    GPtrArray *names = folder_files(dir, diags);
    if (names && names->len == 0)
        jd_diags_add(diags, JD_ERROR, dir, 0, 0,
                     "no .csv, .tsv, .txt, .json, .xlsx or .xls file in this folder");
    jd_value *reports = jd_value_new_array();
    char *title = NULL;
    bool titles_agree = true;
    jd_value *rejects = options ? options->rejects : NULL;
    size_t rejected_errors = 0;
    for (guint i = 0; names && i < names->len; i++) {
        char *path = g_build_filename(dir, g_ptr_array_index(names, i), NULL);
        jd_import_info file_info;
        size_t errors = jd_diags_count_severity(diags, JD_ERROR), from = jd_diags_count(diags);
        jd_value *part = jd_import_file_with(path, options, &file_info, diags);
        if (i == 0) first = file_info;
        if (part && file_info.kind != JD_DATA_PROGRESS) {
            jd_diags_add(diags, JD_ERROR, path, 0, 0, "%s, not progress data (the folder is read as progress data)",
                         file_info.kind == JD_DATA_INDICATORS ? "indicators" : "a task list");
            jd_value_unref(part);
            part = NULL;
        }
        /* read leniently, a file that cannot be read at all is left out as a whole; the
         * errors of a file read are those of the reports it left out */
        size_t added = jd_diags_count_severity(diags, JD_ERROR) - errors;
        if (rejects && added) {
            rejected_errors += added;
            if (!part) jd_progress_reject(rejects, diags, from, path, 0, NULL, NULL);
        }
        if (part) {
            const char *part_title = jd_object_get_string(part, "title");
            if (!title) title = g_strdup(part_title);
            titles_agree &= strcmp(title, part_title) == 0;
            const jd_value *part_reports = jd_object_get(part, "reports");
            for (size_t k = 0; k < jd_array_length(part_reports); k++)
                jd_array_append(reports, jd_value_ref(jd_array_get(part_reports, k)));
        }
        jd_value_unref(part);
        g_free(path);
    }
    jd_value *kept = jd_progress_drop_duplicates(reports, rejects, &rejected_errors, diags);
    jd_value *progress = NULL;
    if (jd_tally_errors(&tally) == rejected_errors)
        progress = new_progress(title && titles_agree ? title : "", 0, 0, jd_value_ref(kept));
    jd_value_unref(kept);
    jd_value_unref(reports);
    g_free(title);
    if (info) {
        *info = first;
        info->kind = progress ? JD_DATA_PROGRESS : JD_DATA_UNKNOWN;
        info->seen = JD_DATA_PROGRESS; /* a folder is read as progress data */
        info->files = names ? names->len : 0;
        info->warnings = jd_tally_warnings(&tally);
    }
    jd_tally_end(&tally);
    if (names) g_ptr_array_free(names, TRUE);
    return progress;
}

/* ---- summary ----------------------------------------------------------------------------- */

typedef struct {
    const char *key; /* borrowed from the tree */
    size_t count;
} tally;

/* Counts `key` in `tallies` (first-seen order). */
static void count(GArray *tallies, const char *key)
{
    if (!key) return;
    for (guint i = 0; i < tallies->len; i++) {
        tally *t = &g_array_index(tallies, tally, i);
        if (strcmp(t->key, key) == 0) {
            t->count++;
            return;
        }
    }
    tally t = {key, 1};
    g_array_append_val(tallies, t);
}

static gint by_period(gconstpointer a, gconstpointer b)
{
    jd_period x = {0, 0, 0}, y = {0, 0, 0};
    jd_period_parse(((const tally *)a)->key, &x);
    jd_period_parse(((const tally *)b)->key, &y);
    return jd_period_compare(&x, &y);
}

static void append_tallies(GString *out, const char *label, const GArray *tallies)
{
    g_string_append_printf(out, "  %s:", label);
    for (guint i = 0; i < tallies->len; i++) {
        const tally *t = &g_array_index(tallies, tally, i);
        g_string_append_printf(out, "%s %s %zu", i ? "," : "", t->key, t->count);
    }
    g_string_append(out, tallies->len ? "\n" : " (none)\n");
}

char *jd_progress_summary(const jd_value *progress, const jd_import_info *info)
{
    const jd_value *reports = jd_object_get(progress, "reports");
    GArray *periods = g_array_new(FALSE, FALSE, sizeof(tally));
    GArray *states = g_array_new(FALSE, FALSE, sizeof(tally));
    /* the default states first, in their order, even when no report has them */
    for (const char *const *s = jd_progress_default_states(); *s; s++)
        g_array_append_val(states, ((tally){*s, 0}));
    GHashTable *units = g_hash_table_new(g_str_hash, g_str_equal);
    GHashTable *tasks = g_hash_table_new(g_int64_hash, g_int64_equal);
    GArray *task_ids = g_array_new(FALSE, FALSE, sizeof(gint64));
    for (size_t i = 0; i < jd_array_length(reports); i++) {
        const jd_value *report = jd_array_get(reports, i);
        count(periods, jd_object_get_string(report, "period"));
        count(states, jd_object_get_string(report, "state"));
        const char *unit = jd_object_get_string(report, "unit");
        if (unit) g_hash_table_add(units, (gpointer)unit);
        gint64 id = jd_object_get_int(report, "task", 0);
        g_array_append_val(task_ids, id);
    }
    for (guint i = 0; i < task_ids->len; i++)
        g_hash_table_add(tasks, &g_array_index(task_ids, gint64, i));
    g_array_sort(periods, by_period);

    GString *out = g_string_new("progress");
    if (info && info->files > 1)
        g_string_append_printf(out, " (%zu files)", info->files);
    else if (info)
        jd_summary_append_source(out, info);
    jd_summary_append_title(out, progress);
    g_string_append_printf(out, "  reports: %zu   units: %u   tasks: %u\n",
                           jd_array_length(reports), g_hash_table_size(units),
                           g_hash_table_size(tasks));
    append_tallies(out, "periods", periods);
    append_tallies(out, "states", states);
    if (info) g_string_append_printf(out, "  warnings: %zu\n", info->warnings);
    g_hash_table_destroy(tasks);
    g_array_free(task_ids, TRUE);
    g_hash_table_destroy(units);
    g_array_free(states, TRUE);
    g_array_free(periods, TRUE);
    return g_string_free(out, FALSE);
}
