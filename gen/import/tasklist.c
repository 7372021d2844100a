/* Task-list interpretation: the rows of a 重点工作任务清单 export → the canonical tree.
 * docs/data-format.md describes every rule with an example. */
#include <stdarg.h>
#include <string.h>

#include "jd_import_layers.h"

enum { QUARTERS = 4, HEADER_CELL_MAX_BYTES = 64 };

/* What a header cell names, after its spaces are removed. */
typedef enum {
    HEADER_EMPTY,
    HEADER_OTHER, /* a column a task list does not use (备注, say) */
    HEADER_ID,
    HEADER_TASK,
    HEADER_UNITS,
    HEADER_LEADERS,
    HEADER_PLAN, /* 进度安排, spanning the quarter columns */
    HEADER_QUARTER,
} header_kind;

/* Where each column of the current page section is (field index, -1 if absent). */
typedef struct {
    int id, task, units, leaders;
    int quarter[QUARTERS];
    size_t width; /* columns the header names; fields beyond them are surplus */
} columns;

typedef struct {
    jd_value *value;   /* the task object, owned by the tree */
    const char *title; /* its "title" (borrowed from it) */
    int line;
    /* the names in value's "leaders" (borrowed from it), once there are more than a few:
     * a hash table per task was a tenth of a long list's memory */
    GHashTable *leaders;
} task;

typedef struct {
    const jd_records *records;
    const char *name;
    jd_diags *diags;
    GString *title; /* the list's title: the text above the first header */
    int title_line, title_col;
    jd_value *tasks;
    GHashTable *by_id; /* id → task*, owning the task */
    task *current;     /* the task that continuation rows add units to */
    /* After a rejected task row its continuation rows are skipped without more errors. */
    bool skipping_rejected;
    bool have_header, header_usable;
    size_t numbered_row; /* 1 + the first row above any header that looks like a task row */
    /* -1: not yet known; else whether the sheet merges quarter cells (see read_plan) */
    int quarter_merges;
    /* The plans' "from" and "to" (1 to 4), made once and shared by every segment: they carry
     * no position, and two small ints per segment were a fifth of a long list's tree. */
    jd_value *quarter_number[QUARTERS + 1];
    jd_builder *tree; /* the tree's keys (one copy each for the whole list) and values */
    columns cols;
    GHashTable *unused_columns; /* header words already warned about */
} builder;

/* ---- cells ---------------------------------------------------------------------------- */

/* Up to `max` characters of `text`, with "…" if it was longer: enough to recognise a
 * cell in a message without flooding the terminal. */

/* ---- header rows ------------------------------------------------------------------------ */

/* 第一季度, 一季度, 1季度, 第1季度, Q1 → 1; 0 for anything else. */
static int quarter_of(const char *word)
{
    static const char *const numerals[QUARTERS] = {"一", "二", "三", "四"};
    if (word[0] == 'Q' && word[1] >= '1' && word[1] <= '4' && word[2] == '\0') return word[1] - '0';
    if (g_str_has_prefix(word, "第")) word += strlen("第");
    int q = 0;
    if (*word >= '1' && *word <= '4') {
        q = *word++ - '0';
    } else {
        for (int i = 0; i < QUARTERS && !q; i++) {
            if (g_str_has_prefix(word, numerals[i])) {
                q = i + 1;
                word += strlen(numerals[i]);
            }
        }
    }
    return q && strcmp(word, "季度") == 0 ? q : 0;
}

static void ascii_upper(char *word)
{
    for (char *p = word; *p; p++)
        *p = g_ascii_toupper(*p);
}

/* The header word of a cell with its spaces removed ("责任 区领导" → 责任区领导) and
 * full-width letters and digits made ASCII ("Ｑ１" → Q1), letters in upper case. */
static char *header_word(const char *cell)
{
    char *word = jd_text_compact(cell);
    ascii_upper(word);
    return word;
}

static const struct {
    const char *word;
    header_kind kind;
} header_words[] = {
    {"序号", HEADER_ID},
    {"编号", HEADER_ID},
    {"目标任务", HEADER_TASK},
    {"重点任务", HEADER_TASK},
    {"工作任务", HEADER_TASK},
    {"主要任务", HEADER_TASK},
    {"任务", HEADER_TASK},
    {"责任单位", HEADER_UNITS},
    {"牵头单位", HEADER_UNITS},
    {"责任部门", HEADER_UNITS},
    {"牵头部门", HEADER_UNITS},
    {"责任区领导", HEADER_LEADERS},
    {"责任领导", HEADER_LEADERS},
    {"区领导", HEADER_LEADERS},
    {"牵头领导", HEADER_LEADERS},
    {"分管领导", HEADER_LEADERS},
    {"牵头区领导", HEADER_LEADERS},
    {"进度安排", HEADER_PLAN},
    {"进度计划", HEADER_PLAN},
    {"计划进度", HEADER_PLAN},
    {"时间安排", HEADER_PLAN},
};

static const char *const quarter_names[QUARTERS] = {"第一季度", "第二季度", "第三季度", "第四季度"};

/* Every header word, for "did you mean …?" (NULL-terminated; g_free the array). */
static const char **known_words(void)
{
    size_t n = G_N_ELEMENTS(header_words);
    const char **words = g_new0(const char *, n + QUARTERS + 1);
    for (size_t i = 0; i < n; i++)
        words[i] = header_words[i].word;
    for (int q = 0; q < QUARTERS; q++)
        words[n + (size_t)q] = quarter_names[q];
    return words;
}

static header_kind classify(const char *cell, int *quarter)
{
    *quarter = 0;
    /* header words are a few characters: a longer cell (a task's text) is none of them */
    if (cell && strnlen(cell, HEADER_CELL_MAX_BYTES + 1) > HEADER_CELL_MAX_BYTES)
        return HEADER_OTHER;
    /* the header word, made on the stack: every cell of every row is asked, and one whose
     * compact form is longer than the longest header word (five characters, 15 bytes; a
     * longer one added to header_words needs more room) is none, nor a quarter's name */
    char word[16];
    if (!jd_text_compact_to(cell ? cell : "", word, sizeof word)) return HEADER_OTHER;
    ascii_upper(word);
    header_kind kind = *word ? HEADER_OTHER : HEADER_EMPTY;
    *quarter = quarter_of(word);
    if (*quarter) kind = HEADER_QUARTER;
    for (size_t i = 0; i < G_N_ELEMENTS(header_words) && kind == HEADER_OTHER; i++)
        if (word[0] == header_words[i].word[0] && strcmp(word, header_words[i].word) == 0)
            kind = header_words[i].kind;
    return kind;
}

/* The first header row names at least 序号, 目标任务 and 责任单位. */
static bool is_header_row(const jd_records *records, size_t r)
{
    bool id = false, task_col = false, units = false;
    int quarter;
    for (size_t i = 0; i < jd_records_width(records, r); i++) {
        header_kind kind = classify(jd_records_field(records, r, i), &quarter);
        id |= kind == HEADER_ID;
        task_col |= kind == HEADER_TASK;
        units |= kind == HEADER_UNITS;
    }
    return id && task_col && units;
}

static int header_likeness(const jd_records *records, size_t r);

bool jd_records_are_tasklist(const jd_records *records)
{
    /* a header with a typo is a task list's too: it names two kinds of its columns */
    for (size_t r = 0; r < jd_records_count(records); r++)
        if (is_header_row(records, r) || header_likeness(records, r) >= 2) return true;
    return false;
}

/* The second header row holds only quarter names (and perhaps 进度安排) — or, when one is
 * misspelt ("第三李度"), the others and a short word, reported as the misspelt column. */
static bool is_quarter_row(const jd_records *records, size_t r)
{
    int quarters = 0, others = 0;
    int quarter;
    for (size_t i = 0; i < jd_records_width(records, r); i++) {
        const char *cell = jd_records_field(records, r, i);
        header_kind kind = classify(cell, &quarter);
        if (kind == HEADER_OTHER) {
            char *word = header_word(cell);
            bool short_word = g_utf8_strlen(word, -1) <= 6 && strspn(word, "0123456789") < strlen(word);
            g_free(word);
            if (!short_word) return false;
            others++;
        } else if (kind != HEADER_EMPTY && kind != HEADER_QUARTER && kind != HEADER_PLAN) {
            return false;
        }
        quarters += kind == HEADER_QUARTER;
    }
    return quarters > 0 && (others == 0 || (quarters >= 2 && others < quarters));
}

/* A header cell that names no task-list column. */
typedef struct {
    size_t row, field;
    char *word;
} unknown_cell;

/* Records the columns row `r` names into `cols`, and the cells that name none into
 * `unknown`. */
static void read_header_cells(builder *b, size_t r, columns *cols, GArray *unknown)
{
    for (size_t i = 0; i < jd_records_width(b->records, r); i++) {
        const char *cell = jd_records_field(b->records, r, i);
        int quarter;
        header_kind kind = classify(cell, &quarter);
        int *slot = kind == HEADER_ID        ? &cols->id
                    : kind == HEADER_TASK    ? &cols->task
                    : kind == HEADER_UNITS   ? &cols->units
                    : kind == HEADER_LEADERS ? &cols->leaders
                    : kind == HEADER_QUARTER ? &cols->quarter[quarter - 1]
                                             : NULL;
        if (slot && *slot < 0) *slot = (int)i;
        if (kind != HEADER_EMPTY) cols->width = MAX(cols->width, i + 1);
        if (kind == HEADER_OTHER) {
            unknown_cell u = {r, i, header_word(cell)};
            g_array_append_val(unknown, u);
        }
    }
}

/* The columns a header should have and has not (序号, 目标任务 and 责任单位 are what makes
 * a header; the leaders and the four quarters are needed too), as header words. */
static GPtrArray *missing_columns(const columns *cols)
{
    GPtrArray *missing = g_ptr_array_new();
    if (cols->leaders < 0) g_ptr_array_add(missing, (gpointer) "责任区领导");
    for (int q = 0; q < QUARTERS; q++)
        if (cols->quarter[q] < 0) g_ptr_array_add(missing, (gpointer)quarter_names[q]);
    return missing;
}

/* The name in `missing` of the column that header word `word` names, if `missing` has it
 * (责任领导 → 责任区领导: both name the leaders' column). */
static const char *missing_name_of(const GPtrArray *missing, const char *word)
{
    int quarter, q;
    header_kind kind = classify(word, &quarter);
    for (guint k = 0; k < missing->len && g_ptr_array_index(missing, k); k++) {
        const char *name = g_ptr_array_index(missing, k);
        if (classify(name, &q) == kind && q == quarter) return name;
    }
    return NULL;
}

/* An unknown header word that resembles the name of a column the header lacks is that
 * column misspelt: an error, not a warning, or the column would be silently dropped (a
 * typo in 责任区领导 gave a list without leaders, and every leader's sheet vanished). Other
 * unknown columns (备注, 填报日期) are ignored with a warning. Returns the missing columns
 * that were found misspelt (a hash set of `missing`'s strings). */
static GHashTable *report_unknown_columns(builder *b, GArray *unknown, GPtrArray *missing)
{
    GHashTable *found = g_hash_table_new(g_str_hash, g_str_equal);
    const char **known = known_words();
    g_ptr_array_add(missing, NULL);
    for (guint i = 0; i < unknown->len; i++) {
        unknown_cell *u = &g_array_index(unknown, unknown_cell, i);
        char *near = jd_closest_name(u->word, (const char *const *)missing->pdata);
        bool misspelt = near != NULL;
        if (!near) near = jd_closest_name(u->word, known);
        /* near another name of a missing column (责任领导人 is near 责任领导, a name of the
         * leaders' column): that column misspelt too */
        const char *missing_name = near && !misspelt ? missing_name_of(missing, near) : NULL;
        if (missing_name) {
            g_free(near);
            near = g_strdup(missing_name);
            misspelt = true;
        }
        int line = jd_records_field_line(b->records, u->row, u->field);
        int col = jd_records_field_col(b->records, u->row, u->field);
        if (misspelt)
        {
            for (guint k = 0; k + 1 < missing->len; k++)
                if (strcmp(g_ptr_array_index(missing, k), near) == 0)
                    g_hash_table_add(found, g_ptr_array_index(missing, k));
            jd_diags_add(b->diags, JD_ERROR, b->name, line, col,
                         "column '%s' is not a task-list column: did you mean '%s'? (the header has no '%s' "
                         "column: its cells would be dropped)",
                         u->word, near, near);
        }
        else if (g_hash_table_add(b->unused_columns, g_strdup(u->word))) {
            jd_diags_add(b->diags, JD_WARNING, b->name, line, col,
                         "column '%s' is not a task-list column; its cells are ignored%s%s%s", u->word,
                         near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
        }
        g_free(near);
        g_free(u->word);
    }
    g_ptr_array_set_size(missing, missing->len - 1);
    g_free(known);
    return found;
}

/* Reads the header that starts at row `r` (one row, or two when the quarter names are in
 * a second row) and returns the last row it used. */
static size_t read_header(builder *b, size_t r)
{
    columns cols = {-1, -1, -1, -1, {-1, -1, -1, -1}, 0};
    size_t last = r;
    GArray *unknown = g_array_new(FALSE, FALSE, sizeof(unknown_cell));
    read_header_cells(b, r, &cols, unknown);
    if (r + 1 < jd_records_count(b->records) && is_quarter_row(b->records, r + 1))
        read_header_cells(b, ++last, &cols, unknown);
    GPtrArray *missing = missing_columns(&cols);
    size_t errors = jd_diags_count_severity(b->diags, JD_ERROR);
    GHashTable *misspelt = report_unknown_columns(b, unknown, missing);
    /* the quarters missing that no misspelt word explains */
    GString *quarters = g_string_new(NULL);
    for (int q = 0; q < QUARTERS; q++)
        if (cols.quarter[q] < 0 && !g_hash_table_contains(misspelt, quarter_names[q]))
            g_string_append_printf(quarters, "%s%s", quarters->len ? ", " : "", quarter_names[q]);
    if (quarters->len)
        jd_diags_add(b->diags, JD_ERROR, b->name, jd_records_field_line(b->records, r, 0), 1,
                     "the header has no column for %s (the quarters are named in the header or "
                     "in the row below it: 第一季度 … 第四季度)",
                     quarters->str);
    b->have_header = true;
    b->header_usable = jd_diags_count_severity(b->diags, JD_ERROR) == errors;
    g_hash_table_destroy(misspelt);
    g_string_free(quarters, TRUE);
    g_ptr_array_free(missing, TRUE);
    g_array_free(unknown, TRUE);
    b->cols = cols;
    return last;
}

/* Text above the first header: the list's title, but not an attachment label (附件1). */
static void add_title_row(builder *b, size_t r)
{
    char *row_text = jd_records_row_text(b->records, r);
    const char *rest = row_text + (g_str_has_prefix(row_text, "附件") ? strlen("附件") : 0);
    bool label = rest != row_text && strspn(rest, "0123456789:： ") == strlen(rest);
    if (*row_text && !label) {
        if (!b->title->len) {
            b->title_line = jd_records_field_line(b->records, r, 0);
            b->title_col = jd_records_field_col(b->records, r, 0);
        }
        g_string_append_printf(b->title, "%s%s", b->title->len ? "\n" : "", row_text);
    }
    g_free(row_text);
}

/* ---- data rows -------------------------------------------------------------------------- */

static void report(builder *b, jd_severity sev, size_t r, size_t field, const char *fmt, ...)
    G_GNUC_PRINTF(5, 6);

/* Adds a message at the start of field `field` of row `r`. */
static void report(builder *b, jd_severity sev, size_t r, size_t field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    jd_diags_addv(b->diags, sev, b->name, jd_records_field_line(b->records, r, field),
                  jd_records_field_col(b->records, r, field), fmt, ap);
    va_end(ap);
}

/* Maps the fields of row `r` onto the header's columns (map[k]: the field of column k, or
 * -1). A row with more fields than the header loses its trailing empty fields; if it is
 * still too wide, the export inserted empty cells after a merged quarter cell, and empty
 * fields inside the widened quarter block are dropped. False (with an error) when the
 * surplus fields are not empty. */
static bool fit_row(builder *b, size_t r, int *map)
{
    const jd_records *records = b->records;
    size_t width = b->cols.width, n = jd_records_width(records, r);
    size_t trailing = 0;
    while (n - trailing > width && jd_cell_is_blank(jd_records_field(records, r, n - trailing - 1)))
        trailing++;
    if (trailing)
        report(b, JD_WARNING, r, n - trailing,
               "dropped %zu empty field%s after the last column (the header has %zu columns)",
               trailing, trailing == 1 ? "" : "s", width);
    n -= trailing;
    bool *dropped = g_new0(bool, n);
    if (n > width) {
        size_t surplus = n - width;
        int first = b->cols.quarter[0], last = b->cols.quarter[0];
        for (int q = 1; q < QUARTERS; q++) {
            first = MIN(first, b->cols.quarter[q]);
            last = MAX(last, b->cols.quarter[q]);
        }
        size_t block_end = MIN((size_t)last + surplus, n - 1);
        GArray *empties = g_array_new(FALSE, FALSE, sizeof(size_t));
        bool after_filled = false;
        for (size_t i = (size_t)first; i <= block_end; i++) {
            bool blank = jd_cell_is_blank(jd_records_field(records, r, i));
            if (blank && after_filled) g_array_append_val(empties, i);
            after_filled |= !blank;
        }
        if (empties->len < surplus) {
            char *text = jd_cell_excerpt(jd_records_field(records, r, n - 1), 20);
            report(b, JD_ERROR, r, n - 1,
                   "row has %zu fields but the header has %zu: extra non-empty field %zu ('%s')", n,
                   width, n, text);
            g_free(text);
            g_array_free(empties, TRUE);
            g_free(dropped);
            return false;
        }
        for (size_t k = empties->len - surplus; k < empties->len; k++) {
            size_t i = g_array_index(empties, size_t, k);
            dropped[i] = true;
            report(b, JD_WARNING, r, i,
                   "dropped empty field %zu inside the quarter cells: the row has %zu fields "
                   "but the header has %zu (an export artifact after a merged cell)",
                   i + 1, n, width);
        }
        g_array_free(empties, TRUE);
    }
    size_t column = 0;
    for (size_t i = 0; i < n && column < width; i++)
        if (!dropped[i]) map[column++] = (int)i;
    while (column < width)
        map[column++] = -1;
    g_free(dropped);
    return true;
}

/* One row as the header's columns see it. */
typedef struct {
    builder *b;
    size_t r;
    const int *map;
} row_view;

static const char *cell(const row_view *v, int column)
{
    const char *text = column >= 0 && v->map[column] >= 0
                           ? jd_records_field(v->b->records, v->r, (size_t)v->map[column])
                           : NULL;
    return text ? text : "";
}

/* The cell as a reader sees it: a cell merged down from the row above shows that row's
 * text (a unit or a leader written once for several rows of a sheet). */
static const char *cell_down(const row_view *v, int column)
{
    const char *text = column >= 0 && v->map[column] >= 0
                           ? jd_records_field_down(v->b->records, v->r, (size_t)v->map[column])
                           : NULL;
    return text ? text : "";
}

/* The field a message about `column` points at: the column's own, else the row's first. */
static size_t field_of(const row_view *v, int column)
{
    return column >= 0 && v->map[column] >= 0 ? (size_t)v->map[column] : 0;
}

static void set_pos(jd_value *value, const row_view *v, int column)
{
    size_t f = field_of(v, column);
    jd_value_set_pos(value, jd_records_field_line(v->b->records, v->r, f),
                     jd_records_field_col(v->b->records, v->r, f));
}

/* 序号: digits (full-width ones too), optionally followed by "." or "、". */
static bool parse_id(const char *text, int *id)
{
    GString *digits = g_string_new(NULL);
    const char *p = text;
    for (; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (c >= 0xFF10 && c <= 0xFF19) c -= 0xFEE0;
        if (c < '0' || c > '9') break;
        g_string_append_c(digits, (char)c);
    }
    if (g_str_has_prefix(p, ".") || g_str_has_prefix(p, "．") || g_str_has_prefix(p, "、"))
        p = g_utf8_next_char(p);
    /* nine digits keep the value inside an int */
    bool ok = *p == '\0' && digits->len > 0 && digits->len <= 9;
    *id = ok ? (int)g_ascii_strtoll(digits->str, NULL, 10) : 0;
    g_string_free(digits, TRUE);
    return ok && *id > 0;
}

static task *new_task(builder *b, int id, const char *title, const row_view *v)
{
    task *t = g_new0(task, 1);
    t->line = jd_records_field_line(b->records, v->r, field_of(v, b->cols.id));
    t->value = jd_value_new_object_in(b->tree);
    jd_object_reserve(t->value, 4); /* id, title, leaders, units: one block */
    set_pos(t->value, v, b->cols.id);
    jd_value *id_value = jd_value_new_int_in(b->tree, id);
    set_pos(id_value, v, b->cols.id);
    jd_object_set_with(t->value, b->tree, "id", id_value);
    jd_value *title_value = jd_value_new_string_in(b->tree, title);
    set_pos(title_value, v, b->cols.task);
    jd_object_set_with(t->value, b->tree, "title", title_value);
    t->title = jd_value_string(title_value);
    jd_object_set_with(t->value, b->tree, "leaders", jd_value_new_array_in(b->tree));
    jd_object_set_with(t->value, b->tree, "units", jd_value_new_array_in(b->tree));
    jd_array_append(b->tasks, t->value);
    g_hash_table_insert(b->by_id, GINT_TO_POINTER(id), t);
    return t;
}

/* Whether the sheet merges quarter cells anywhere: then its merged cells are the plans'
 * structure, and an empty quarter cell that no merge covers is a quarter without a plan. A
 * sheet without such merges (delimited text, or a workbook made from it) has lost them, and
 * they are guessed back as in an export. */
static bool uses_quarter_merges(builder *b)
{
    if (b->quarter_merges >= 0) return b->quarter_merges;
    b->quarter_merges = 0;
    const jd_records *records = b->records;
    for (size_t r = 0; jd_records_know_merges(records) && r < jd_records_count(records); r++) {
        for (int q = 0; q < QUARTERS && !b->quarter_merges; q++) {
            size_t first_row, field = (size_t)b->cols.quarter[q];
            b->quarter_merges = jd_records_merged_into(records, r, field, &first_row, NULL) &&
                                first_row == r;
        }
    }
    return b->quarter_merges;
}

/* A new reference to the int `n` (1 to 4), shared by every segment. */
static jd_value *quarter_number(builder *b, int n)
{
    if (!b->quarter_number[n]) b->quarter_number[n] = jd_value_new_int(n);
    return jd_value_ref(b->quarter_number[n]);
}

/* Each plan cell covers its own quarter and the quarters its merged cell spans: known from
 * a sheet that merges quarter cells, else guessed as the empty ones after it (a merged cell
 * of the original table, lost in the export). A quarter cell merged down from the row above
 * has that row's plan. Empty quarters before the first plan have none. */
static jd_value *read_plan(const row_view *v)
{
    builder *b = v->b;
    bool exact = uses_quarter_merges(b);
    jd_value *plan = jd_value_new_array_in(b->tree);
    char *texts[QUARTERS];
    bool continues[QUARTERS]; /* part of the plan of the quarter before it */
    for (int q = 0; q < QUARTERS; q++) {
        int column = b->cols.quarter[q];
        size_t first_row, first_field;
        if (v->map[column] >= 0 && jd_records_merged_into(b->records, v->r, (size_t)v->map[column],
                                                          &first_row, &first_field)) {
            bool down = first_field == (size_t)v->map[column];
            texts[q] = jd_cell_text(down ? jd_records_field(b->records, first_row, first_field) : "");
            continues[q] = !down;
        } else {
            texts[q] = jd_cell_text(cell(v, column));
            continues[q] = !exact && !*texts[q];
        }
    }
    int q = 0;
    while (q < QUARTERS) {
        if (!*texts[q]) {
            q++;
            continue;
        }
        int end = q + 1;
        while (end < QUARTERS && !*texts[end] && continues[end])
            end++;
        jd_value *segment = jd_value_new_object_in(b->tree);
        jd_object_reserve(segment, 3);
        set_pos(segment, v, b->cols.quarter[q]);
        jd_object_set_with(segment, b->tree, "from", quarter_number(b, q + 1));
        jd_object_set_with(segment, b->tree, "to", quarter_number(b, end));
        jd_value *text = jd_value_new_string_in(b->tree, texts[q]);
        set_pos(text, v, b->cols.quarter[q]);
        jd_object_set_with(segment, b->tree, "text", text);
        jd_array_append(plan, segment);
        q = end;
    }
    for (q = 0; q < QUARTERS; q++)
        g_free(texts[q]);
    return plan;
}

/* The names of a 责任单位 cell, each once: a name written twice is kept once, with a
 * warning (the canonical tree, and its JSON, never repeats a name in a row). */
static jd_value *names_array(char **names, const row_view *v, int column)
{
    jd_value *array = jd_value_new_array_in(v->b->tree);
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal); /* a cell may hold thousands */
    for (char **n = names; *n; n++) {
        if (!g_hash_table_add(seen, *n)) {
            report(v->b, JD_WARNING, v->r, field_of(v, column), "'%s' is written twice in this cell; kept once", *n);
            continue;
        }
        jd_value *name = jd_value_new_string_in(v->b->tree, *n);
        set_pos(name, v, column);
        jd_array_append(array, name);
    }
    g_hash_table_destroy(seen);
    return array;
}

static void add_unit(task *t, const row_view *v)
{
    builder *b = v->b;
    char **names = jd_cell_names(cell_down(v, b->cols.units));
    if (!names[0]) {
        report(b, JD_ERROR, v->r, field_of(v, b->cols.units), "row has no 责任单位");
    } else {
        jd_value *unit = jd_value_new_object_in(b->tree);
        jd_object_reserve(unit, 2);
        set_pos(unit, v, b->cols.units);
        jd_object_set_with(unit, b->tree, "names", names_array(names, v, b->cols.units));
        jd_object_set_with(unit, b->tree, "plan", read_plan(v));
        jd_array_append(jd_object_get(t->value, "units"), unit);
    }
    g_strfreev(names);
}

/* Leaders a task lists before a hash table finds them faster than a look at each. */
enum { FEW_LEADERS = 8 };

static bool has_leader(task *t, const jd_value *leaders, const char *name)
{
    if (t->leaders) return g_hash_table_contains(t->leaders, name);
    for (size_t i = 0; i < jd_array_length(leaders); i++)
        if (strcmp(jd_value_string(jd_array_get(leaders, i)), name) == 0) return true;
    return false;
}

/* A task split by a page break repeats its leaders: each is listed once. */
static void add_leaders(task *t, const row_view *v)
{
    char **names = jd_cell_names(cell_down(v, v->b->cols.leaders));
    jd_value *leaders = jd_object_get(t->value, "leaders");
    for (char **n = names; *n; n++) {
        if (has_leader(t, leaders, *n)) continue;
        jd_value *name = jd_value_new_string_in(v->b->tree, *n);
        set_pos(name, v, v->b->cols.leaders);
        jd_array_append(leaders, name);
        if (!t->leaders && jd_array_length(leaders) > FEW_LEADERS) {
            t->leaders = g_hash_table_new(g_str_hash, g_str_equal);
            for (size_t i = 0; i < jd_array_length(leaders); i++)
                g_hash_table_add(t->leaders, (gpointer)jd_value_string(jd_array_get(leaders, i)));
        } else if (t->leaders) {
            g_hash_table_add(t->leaders, (gpointer)jd_value_string(name));
        }
    }
    g_strfreev(names);
}

/* The task a row with a 序号 or a new 目标任务 starts: the task with the same 序号 and
 * 目标任务 when a page break repeated it, else a new one. NULL (with an error) for a row
 * that cannot start a task. */
static task *task_of_row(const row_view *v, const char *id_text, const char *title)
{
    builder *b = v->b;
    if (!*id_text) {
        report(b, JD_ERROR, v->r, field_of(v, b->cols.task), "row has a 目标任务 but no 序号");
        return NULL;
    }
    int id;
    if (!parse_id(id_text, &id)) {
        report(b, JD_ERROR, v->r, field_of(v, b->cols.id), "序号 '%s' is not a task number",
               id_text);
        return NULL;
    }
    task *t = g_hash_table_lookup(b->by_id, GINT_TO_POINTER(id));
    if (t && *title && strcmp(title, t->title) != 0) {
        char *first = jd_cell_excerpt(t->title, 16), *here = jd_cell_excerpt(title, 16);
        report(b, JD_ERROR, v->r, field_of(v, b->cols.id),
               "序号 %d is already used by the task at line %d ('%s'); this row's 目标任务 is "
               "different ('%s')",
               id, t->line, first, here);
        g_free(first);
        g_free(here);
        return NULL;
    }
    if (!t && !*title) {
        report(b, JD_ERROR, v->r, field_of(v, b->cols.task), "task %d has no 目标任务", id);
        return NULL;
    }
    return t ? t : new_task(b, id, title, v);
}

/* A continuation row (empty 序号 and 目标任务, or only the 目标任务 of the task above
 * repeated) adds a unit to the task above; any other row starts or resumes a task. */
static void read_task_row(builder *b, size_t r)
{
    int *map = g_new(int, b->cols.width);
    if (!fit_row(b, r, map)) {
        g_free(map);
        return;
    }
    row_view v = {b, r, map};
    char *id_text = jd_cell_text(cell(&v, b->cols.id));
    char *title = jd_cell_text(cell(&v, b->cols.task));
    task *t;
    if (!*id_text && (!*title || (b->current && strcmp(title, b->current->title) == 0))) {
        t = b->current;
        if (!t && !b->skipping_rejected) {
            size_t first = 0;
            while (jd_cell_is_blank(jd_records_field(b->records, r, first)))
                first++;
            report(b, JD_ERROR, r, first,
                   "continuation row (empty 序号 and 目标任务) before any task");
        }
    } else {
        t = task_of_row(&v, id_text, title);
        b->current = t;
        b->skipping_rejected = t == NULL;
    }
    if (t) {
        add_unit(t, &v);
        add_leaders(t, &v);
    }
    g_free(id_text);
    g_free(title);
    g_free(map);
}

/* ---- the whole list ---------------------------------------------------------------------- */

static void task_free(gpointer p)
{
    task *t = p;
    if (t->leaders) g_hash_table_destroy(t->leaders);
    g_free(t);
}

/* How many kinds of header cell row `r` has (序号, 目标任务, 责任单位, leaders, 进度安排,
 * quarters): a row with two or more is what was meant as the header. */
static int header_likeness(const jd_records *records, size_t r)
{
    bool seen[HEADER_QUARTER + 1] = {false};
    int kinds = 0, quarter;
    for (size_t i = 0; i < jd_records_width(records, r); i++) {
        header_kind kind = classify(jd_records_field(records, r, i), &quarter);
        if (kind > HEADER_OTHER && !seen[kind]) kinds++;
        seen[kind] = true;
    }
    return kinds;
}

/* Row `r` names two or more kinds of header cell but not 序号, 目标任务 and 责任单位
 * together: a header with a typo. The message names the row and the words it could not
 * place — those that resemble a column name, else all of them. */
static void report_header_like_row(builder *b, size_t r)
{
    bool has[HEADER_QUARTER + 1] = {false};
    int quarter;
    GArray *unknown = g_array_new(FALSE, FALSE, sizeof(size_t));
    for (size_t i = 0; i < jd_records_width(b->records, r); i++) {
        header_kind kind = classify(jd_records_field(b->records, r, i), &quarter);
        has[kind] = true;
        if (kind == HEADER_OTHER) g_array_append_val(unknown, i);
    }
    GString *missing = g_string_new(NULL);
    if (!has[HEADER_ID]) g_string_append(missing, "序号");
    if (!has[HEADER_TASK]) g_string_append_printf(missing, "%s目标任务", missing->len ? ", " : "");
    if (!has[HEADER_UNITS]) g_string_append_printf(missing, "%s责任单位", missing->len ? ", " : "");
    const char **known = known_words();
    GString *words = g_string_new(NULL);
    size_t at = 0;
    for (int pass = 0; pass < 2 && !words->len; pass++)
        for (guint k = 0; k < unknown->len; k++) {
            size_t i = g_array_index(unknown, size_t, k);
            char *word = header_word(jd_records_field(b->records, r, i));
            char *near = jd_closest_name(word, known);
            if (near || pass == 1) {
                if (!words->len) at = i;
                g_string_append_printf(words, "%s'%s'%s%s%s", words->len ? ", " : "", word,
                                       near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
            }
            g_free(near);
            g_free(word);
        }
    jd_diags_add(b->diags, JD_ERROR, b->name, jd_records_field_line(b->records, r, at),
                 jd_records_field_col(b->records, r, at),
                 "this row looks like the header but has no %s column%s%s", missing->str,
                 words->len ? ": it names no column with " : "", words->str);
    g_string_free(words, TRUE);
    g_string_free(missing, TRUE);
    g_free(known);
    g_array_free(unknown, TRUE);
}

/* No row names 序号, 目标任务 and responsible units together: the row that comes closest
 * is the header with a typo. False when no row comes close. */
static bool report_near_header(builder *b)
{
    size_t best = 0, n = jd_records_count(b->records);
    int best_kinds = 1;
    for (size_t r = 0; r < n; r++) {
        int kinds = jd_records_row_is_blank(b->records, r) ? 0 : header_likeness(b->records, r);
        if (kinds > best_kinds) {
            best_kinds = kinds;
            best = r;
        }
    }
    if (best_kinds < 2) return false;
    report_header_like_row(b, best);
    return true;
}

/* A row whose first cell is a task number and that has three cells or more: a task row. */
static bool looks_like_task_row(const jd_records *records, size_t r)
{
    size_t filled = 0, first = SIZE_MAX;
    for (size_t i = 0; i < jd_records_width(records, r); i++)
        if (!jd_cell_is_blank(jd_records_field(records, r, i))) {
            filled++;
            if (first == SIZE_MAX) first = i;
        }
    int id;
    if (filled < 3) return false;
    char *text = jd_cell_text(jd_records_field(records, r, first));
    bool numbered = parse_id(text, &id);
    g_free(text);
    return numbered;
}

/* Row `r` comes before any header. A header with a typo would otherwise make the rows up to
 * the next header part of the title, and their tasks vanish without a word: an error, and
 * those rows are skipped. True when the row was reported. */
static bool report_row_above_header(builder *b, size_t r)
{
    if (!b->numbered_row && looks_like_task_row(b->records, r)) b->numbered_row = r + 1;
    if (header_likeness(b->records, r) < 2) return false;
    report_header_like_row(b, r);
    b->have_header = true;
    b->header_usable = false;
    return true;
}

/* The first header is at row `r`, and a task row came before it (the first page's header
 * deleted): its tasks would be read as the title. */
static void report_numbered_row(builder *b, size_t header)
{
    size_t r = b->numbered_row - 1, first = 0;
    while (jd_cell_is_blank(jd_records_field(b->records, r, first)))
        first++;
    char *text = jd_records_row_text(b->records, r);
    char *shown = jd_cell_excerpt(text, 30);
    report(b, JD_ERROR, r, first,
           "a numbered row above the header row (line %d): '%s' — is this page's header missing?",
           jd_records_field_line(b->records, header, 0), shown);
    g_free(shown);
    g_free(text);
}

static void report_missing_header(builder *b)
{
    if (report_near_header(b)) return;
    size_t r = 0, n = jd_records_count(b->records);
    while (r < n && jd_records_row_is_blank(b->records, r))
        r++;
    if (!jd_file_may_be_quoted(b->name)) {
        jd_diags_add(b->diags, JD_ERROR, b->name, 1, 1,
                     "no header row: expected a row with 序号, 目标任务, 责任单位 … (this does not "
                     "look like a data file: its text is not shown)");
        return;
    }
    char *first = r < n ? jd_records_row_text(b->records, r) : g_strdup("");
    char *shown = jd_cell_excerpt(first, 30);
    jd_diags_add(b->diags, JD_ERROR, b->name, 1, 1,
                 "no header row: expected a row with 序号, 目标任务, 责任单位 … (the first row "
                 "is '%s')",
                 shown);
    g_free(shown);
    g_free(first);
}

/* A row below the header that names two kinds of header cell and has no task number: the
 * header repeated at a page break, with a typo. */
static bool is_misspelt_header(const jd_records *records, size_t r)
{
    return header_likeness(records, r) >= 2 && !looks_like_task_row(records, r);
}

jd_value *jd_tasklist_from_records(const jd_records *records, const char *name, jd_diags *diags)
{
    jd_tally tally;
    diags = jd_tally_begin(&tally, diags);
    builder b = {0};
    b.records = records;
    b.name = name;
    b.diags = diags;
    b.title = g_string_new(NULL);
    b.tasks = jd_value_new_array();
    b.by_id = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, task_free);
    b.unused_columns = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    b.quarter_merges = -1;
    b.tree = jd_builder_new();
    size_t header_line = 0;
    for (size_t r = 0; r < jd_records_count(records); r++) {
        if (jd_records_row_is_blank(records, r)) continue;
        if (is_header_row(records, r)) {
            if (!b.have_header && b.numbered_row) report_numbered_row(&b, r);
            if (!header_line) header_line = (size_t)jd_records_field_line(records, r, 0);
            r = read_header(&b, r);
        } else if (!b.have_header) {
            if (!report_row_above_header(&b, r)) add_title_row(&b, r);
        } else if (b.header_usable && !is_quarter_row(records, r)) {
            /* (a quarter row on its own is the second header row repeated; a row that names
             * header words is a repeated header with a typo) */
            if (is_misspelt_header(records, r))
                report_header_like_row(&b, r);
            else
                read_task_row(&b, r);
        }
    }
    if (!b.have_header)
        report_missing_header(&b);
    else if (jd_array_length(b.tasks) == 0 &&
             jd_tally_errors(&tally) == 0)
        jd_diags_add(diags, JD_ERROR, name, (int)header_line, 1, "no task rows below the header");
    jd_value *list = NULL;
    if (jd_tally_errors(&tally) == 0) {
        list = jd_value_new_object();
        jd_value_set_pos(list, 1, 1);
        jd_value *title = jd_value_new_string(b.title->str);
        jd_value_set_pos(title, b.title_line, b.title_col);
        jd_object_set(list, "title", title);
        jd_object_set(list, "tasks", jd_value_ref(b.tasks));
    }
    jd_value_unref(b.tasks);
    g_string_free(b.title, TRUE);
    g_hash_table_destroy(b.by_id);
    g_hash_table_destroy(b.unused_columns);
    for (int q = 0; q <= QUARTERS; q++)
        jd_value_unref(b.quarter_number[q]);
    jd_builder_free(b.tree);
    jd_tally_end(&tally);
    return list;
}
