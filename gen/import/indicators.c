/* Indicator tables: the rows of a CSV/TSV export, or a JSON tree, → the canonical indicator
 * tree; the summary `jindu import` prints. What a figure means (numbers, units, qualifier
 * words) is the domain's (gen/domain/indicator.c); this file finds the figures and says
 * where a bad one is. docs/data-format.md ("Indicators") describes every rule. */
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "jd_import_layers.h"

/* ---- building one indicator (both readers) --------------------------------------------- */

/* A cell as the builder sees it: its text (NULL: the file has no such cell), where it is,
 * and what to call it in a message (目标值, or indicators[2].target for JSON). */
typedef struct {
    const char *text;
    int line, col;
    const char *label;
} icell;

typedef struct {
    icell cell;
    jd_ytd period;
} actual_in;

typedef struct {
    icell name, unit, measure, direction, baseline, target, target_note, note;
    int baseline_year;  /* 0: the year before the targets' */
    icell baseline_year_cell;
    jd_value *lead_units, *co_units; /* lists of names, taken over */
    GArray *actuals;                 /* actual_in */
} indicator_in;

typedef struct {
    const char *file;
    jd_diags *diags;
    int year; /* of the targets */
} builder;

static void error_at(const builder *b, const icell *c, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static void error_at(const builder *b, const icell *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    jd_diags_addv(b->diags, JD_ERROR, b->file, c->line, c->col, fmt, ap);
    va_end(ap);
}

static bool has_text(const icell *c)
{
    return c->text && *c->text;
}

/* Cells that mean "no figure": empty, or a dash as tables print for "not available". */
static bool is_no_figure(const char *text)
{
    static const char *const dashes[] = {"", "-", "--", "—", "——", "–", "/", "／", "－", NULL};
    char *word = jd_text_compact(text ? text : "");
    bool none = g_strv_contains(dashes, word);
    g_free(word);
    return none;
}

static jd_value *string_at(const char *text, const icell *c)
{
    jd_value *v = jd_value_new_string(text ? text : "");
    jd_value_set_pos(v, c->line, c->col);
    return v;
}

/* A number as JSON keeps it: whole numbers as integers. */
static jd_value *new_number(double v)
{
    if (v == floor(v) && fabs(v) < 1e15) return jd_value_new_int(v == 0 ? 0 : (int64_t)v);
    return jd_value_new_double(v);
}

/* {text, qualifier, value}: value is the figure the rules compare, null for a target in
 * words or a growth baseline given only as an amount. */
static void set_figure(jd_value *obj, const icell *c, const jd_figure *f)
{
    jd_value_set_pos(obj, c->line, c->col);
    jd_object_reserve(obj, jd_object_size(obj) + 3); /* its members and these three: one block */
    jd_object_set(obj, "text", string_at(c->text, c));
    jd_object_set(obj, "qualifier", string_at(f->qualifier, c));
    jd_value *value = f->number && !f->level_only ? new_number(f->value) : jd_value_new_null();
    jd_value_set_pos(value, c->line, c->col);
    jd_object_set(obj, "value", value);
}

static bool read_figure(const builder *b, const icell *c, const char *name, jd_measure measure,
                        const char *unit, jd_figure_role role, jd_figure *f)
{
    char *why = NULL;
    if (jd_figure_parse(c->text, name, measure, unit, role, f, &why)) return true;
    error_at(b, c, "%s '%s': %s", c->label, c->text, why);
    g_free(why);
    return false;
}

/* The measure: written, else guessed from the name, unit and target. */
static bool indicator_measure(const builder *b, const indicator_in *in, const char *unit,
                              const icell *target, jd_measure *measure)
{
    if (has_text(&in->measure)) {
        if (jd_measure_parse(in->measure.text, measure)) return true;
        error_at(b, &in->measure, "%s '%s' is not a kind of indicator: use 增速, 总量, 存量 or 比重",
                 in->measure.label, in->measure.text);
        return false;
    }
    char *why = NULL;
    if (jd_measure_guess(in->name.text, unit, target->text, measure, &why)) return true;
    error_at(b, &in->name, "%s", why);
    g_free(why);
    return false;
}

/* The direction: written (and then it must agree with the target's words), else what the
 * target's words imply. */
static bool indicator_direction(const builder *b, const indicator_in *in, const icell *target,
                                const jd_figure *t, jd_direction *direction)
{
    jd_direction implied = jd_figure_direction(t);
    if (!has_text(&in->direction)) {
        *direction = implied;
        return true;
    }
    if (!jd_direction_parse(in->direction.text, direction)) {
        error_at(b, &in->direction, "%s '%s' is not a direction: use 正向 (higher is better) or 逆向",
                 in->direction.label, in->direction.text);
        return false;
    }
    bool ceiling = t->bound == JD_BOUND_AT_MOST || t->bound == JD_BOUND_BELOW;
    bool floor_ = t->bound == JD_BOUND_AT_LEAST || t->bound == JD_BOUND_ABOVE;
    if ((ceiling && *direction == JD_HIGHER_IS_BETTER) || (floor_ && *direction == JD_LOWER_IS_BETTER)) {
        error_at(b, target, "%s '%s' is a %s, but %s says %s", target->label, target->text,
                 ceiling ? "ceiling" : "floor", in->direction.label,
                 *direction == JD_HIGHER_IS_BETTER ? "higher is better" : "lower is better");
        return false;
    }
    return true;
}

/* A target written both as 目标值 and as 目标说明 must say the same. */
static bool target_note_agrees(const builder *b, const indicator_in *in, const char *unit,
                               jd_measure measure, const jd_figure *t)
{
    jd_figure note;
    if (!has_text(&in->target) || !has_text(&in->target_note) ||
        !jd_figure_parse(in->target_note.text, in->name.text, measure, unit, JD_FIGURE_TARGET, &note, NULL))
        return true; /* a note in words says nothing the rules read */
    bool same = !note.number || (t->number && note.value == t->value && note.bound == t->bound);
    if (!same)
        error_at(b, &in->target_note, "%s '%s' and %s '%s' are different targets: write one, or the "
                                      "same in both",
                 in->target_note.label, in->target_note.text, in->target.label, in->target.text);
    jd_figure_clear(&note);
    return same;
}

/* The canonical indicator, or NULL after reporting its problems. Takes over in's lists. */
static jd_value *build_indicator(const builder *b, indicator_in *in)
{
    size_t errors_before = jd_diags_count_severity(b->diags, JD_ERROR);
    const char *name = in->name.text;
    const icell *target = has_text(&in->target) ? &in->target : &in->target_note;
    char *unit = g_strdup(has_text(&in->unit) ? in->unit.text : "");
    jd_measure measure = JD_MEASURE_LEVEL;
    jd_direction direction = JD_HIGHER_IS_BETTER;
    jd_figure t = {0}, base = {0};
    bool ok = true;
    if (!has_text(target)) {
        error_at(b, &in->target, "%s is empty: every indicator needs its target (增长5%%, 100亿元, or "
                                 "in words: 实现稳定增长)",
                 in->target.label);
        ok = false;
    }
    ok = ok && indicator_measure(b, in, unit, target, &measure);
    if (ok && !*unit && measure == JD_MEASURE_GROWTH) {
        g_free(unit);
        unit = g_strdup("%");
    } else if (ok && !*unit) {
        error_at(b, in->unit.text ? &in->unit : &in->name,
                 "%s is empty: write the unit the figures of '%s' are in (亿元, 家, %% …)",
                 in->unit.label, name);
        ok = false;
    }
    /* with a measure and a unit every figure can be read: all their problems at once */
    if (ok && read_figure(b, target, name, measure, unit, JD_FIGURE_TARGET, &t) &&
        target_note_agrees(b, in, unit, measure, &t))
        indicator_direction(b, in, target, &t, &direction);
    int base_year = in->baseline_year ? in->baseline_year : b->year - 1;
    if (ok && has_text(&in->baseline) && !is_no_figure(in->baseline.text)) {
        if (base_year >= b->year)
            error_at(b, in->baseline_year ? &in->baseline_year_cell : &in->baseline,
                     "the baseline year %d is not before %d, the year of the targets", base_year, b->year);
        read_figure(b, &in->baseline, name, measure, unit, JD_FIGURE_BASELINE, &base);
    }
    jd_value *actuals = jd_value_new_array();
    for (guint i = 0; ok && in->actuals && i < in->actuals->len; i++) {
        const actual_in *a = &g_array_index(in->actuals, actual_in, i);
        jd_figure f;
        if (is_no_figure(a->cell.text) ||
            !read_figure(b, &a->cell, name, measure, unit, JD_FIGURE_ACTUAL, &f))
            continue;
        jd_value *obj = jd_value_new_object();
        char *period = jd_ytd_format(&a->period);
        jd_object_set(obj, "period", string_at(period, &a->cell));
        g_free(period);
        set_figure(obj, &a->cell, &f);
        jd_array_append(actuals, obj);
        jd_figure_clear(&f);
    }
    jd_value *out = NULL;
    if (ok && jd_diags_count_severity(b->diags, JD_ERROR) == errors_before) {
        out = jd_value_new_object();
        jd_object_reserve(out, 11); /* the members below: one block */
        jd_value_set_pos(out, in->name.line, in->name.col);
        jd_object_set(out, "name", string_at(name, &in->name));
        jd_object_set(out, "unit", string_at(unit, has_text(&in->unit) ? &in->unit : &in->name));
        jd_object_set(out, "measure", string_at(jd_measure_name(measure), has_text(&in->measure) ? &in->measure : &in->name));
        jd_object_set(out, "direction",
                      string_at(jd_direction_name(direction), has_text(&in->direction) ? &in->direction : target));
        if (base.qualifier) {
            jd_value *baseline = jd_value_new_object();
            jd_value *year = jd_value_new_int(base_year);
            jd_value_set_pos(year, in->baseline.line, in->baseline.col);
            jd_object_set(baseline, "year", year);
            set_figure(baseline, &in->baseline, &base);
            jd_object_set(out, "baseline", baseline);
        } else {
            jd_object_set(out, "baseline", jd_value_new_null());
        }
        jd_value *target_value = jd_value_new_object();
        set_figure(target_value, target, &t);
        jd_object_set(out, "target", target_value);
        jd_object_set(out, "target_note", string_at(in->target_note.text, &in->target_note));
        jd_object_set(out, "lead_units", in->lead_units ? in->lead_units : jd_value_new_array());
        jd_object_set(out, "co_units", in->co_units ? in->co_units : jd_value_new_array());
        in->lead_units = in->co_units = NULL;
        jd_object_set(out, "actuals", jd_value_ref(actuals));
        jd_object_set(out, "note", string_at(in->note.text, &in->note));
    }
    jd_value_unref(actuals);
    jd_value_unref(in->lead_units);
    jd_value_unref(in->co_units);
    in->lead_units = in->co_units = NULL;
    jd_figure_clear(&t);
    jd_figure_clear(&base);
    g_free(unit);
    return out;
}

/* Reports an indicator whose name an earlier one has. */
static void check_duplicate(const builder *b, GHashTable *seen, const icell *name)
{
    gpointer line = g_hash_table_lookup(seen, name->text);
    if (line)
        error_at(b, name, "indicator '%s' is already at line %d", name->text, GPOINTER_TO_INT(line));
    else
        g_hash_table_insert(seen, g_strdup(name->text), GINT_TO_POINTER(name->line ? name->line : 1));
}

/* The periods, sorted, as canonical text. */
static jd_value *periods_value(const bool months[13], int year)
{
    jd_value *list = jd_value_new_array();
    for (int m = 1; m <= 12; m++) {
        if (!months[m]) continue;
        jd_ytd p = {year, m};
        jd_array_append(list, jd_value_new_string_take(jd_ytd_format(&p)));
    }
    return list;
}

/* Takes over `periods`, `rules` and `indicators`. */
static jd_value *new_tree(const char *title, int title_line, int year, jd_value *periods,
                          jd_value *rules, jd_value *indicators)
{
    jd_value *tree = jd_value_new_object();
    jd_value_set_pos(tree, 1, 1);
    jd_value *t = jd_value_new_string(title);
    jd_value_set_pos(t, title_line, title_line ? 1 : 0);
    jd_object_set(tree, "title", t);
    jd_object_set(tree, "year", jd_value_new_int(year));
    jd_object_set(tree, "periods", periods);
    jd_object_set(tree, "rules", rules);
    jd_object_set(tree, "indicators", indicators);
    return tree;
}

/* ---- the header of a table ----------------------------------------------------------------- */

typedef enum {
    COL_ID,
    COL_NAME,
    COL_UNIT,
    COL_MEASURE,
    COL_DIRECTION,
    COL_BASELINE,
    COL_BASE_YEAR,
    COL_TARGET,
    COL_TARGET_NOTE,
    COL_LEAD,
    COL_CO,
    COL_NOTE,
    COL_KINDS,
    COL_PERIOD = COL_KINDS, /* a cumulative period: 一季度, 上半年, 1-5月 … */
    COL_BAD_PERIOD,         /* looks like a period but is not cumulative (二季度) */
    COL_EMPTY,
    COL_OTHER,
} column;

static const char *const column_labels[COL_KINDS] = {
    "序号",     "指标名称", "计量单位", "指标类型", "方向",     "基期值",
    "基期年份", "目标值",   "目标说明", "牵头单位", "配合单位", "备注"};

typedef struct {
    column col;
    int year;   /* a year written in the header (2022年完成值, 2023年上半年); 0 if none */
    int months; /* COL_PERIOD */
    char *why;  /* COL_BAD_PERIOD */
    int line, field_col;
} header_cell;

static bool word_in(const char *word, const char *const *words)
{
    return g_strv_contains(words, word);
}

/* "2023年…" → 2023 and the rest; 0 when the word has no year in front. */
static int year_prefix(const char *word, const char **rest)
{
    int year = 0;
    for (int i = 0; i < 4; i++) {
        if (!g_ascii_isdigit(word[i])) return 0;
        year = year * 10 + (word[i] - '0');
    }
    if (!g_str_has_prefix(word + 4, "年")) return 0;
    *rest = word + 4 + strlen("年");
    return year;
}

/* A period column: its header without the words offices add (上半年完成值 → 上半年). */
static void classify_period(const char *word, header_cell *h)
{
    static const char *const endings[] = {"完成值", "完成", "实际值", "实际", "累计值", "累计",
                                          "实绩", "情况", "数据", "值"};
    char *bare = g_strdup(word);
    for (size_t i = 0; i < G_N_ELEMENTS(endings); i++) {
        if (g_str_has_suffix(bare, endings[i]) && strlen(bare) > strlen(endings[i])) {
            bare[strlen(bare) - strlen(endings[i])] = '\0';
            break;
        }
    }
    const char *rest = bare;
    int year = year_prefix(bare, &rest);
    jd_ytd ytd;
    char *why = NULL;
    /* any year will do here: the table's year is settled with the whole header */
    if (jd_ytd_parse(rest, 2000, &ytd, &why)) {
        h->col = COL_PERIOD;
        h->months = ytd.months;
        h->year = year;
    } else if (why) {
        h->col = COL_BAD_PERIOD;
        h->why = why;
    }
    g_free(bare);
}

static const struct {
    const char *word;
    column col;
} header_words[] = {
    {"序号", COL_ID},          {"编号", COL_ID},          {"指标名称", COL_NAME},
    {"指标", COL_NAME},        {"主要指标", COL_NAME},    {"指标项", COL_NAME},
    {"计量单位", COL_UNIT},    {"单位", COL_UNIT},        {"指标类型", COL_MEASURE},
    {"类型", COL_MEASURE},     {"指标属性", COL_MEASURE}, {"方向", COL_DIRECTION},
    {"指标方向", COL_DIRECTION}, {"考核方向", COL_DIRECTION}, {"基期年份", COL_BASE_YEAR},
    {"基期年", COL_BASE_YEAR}, {"目标说明", COL_TARGET_NOTE}, {"目标描述", COL_TARGET_NOTE},
    {"目标表述", COL_TARGET_NOTE}, {"牵头单位", COL_LEAD}, {"责任单位", COL_LEAD},
    {"牵头部门", COL_LEAD},    {"责任部门", COL_LEAD},    {"配合单位", COL_CO},
    {"协办单位", COL_CO},      {"配合部门", COL_CO},      {"协同单位", COL_CO},
    {"备注", COL_NOTE},        {"注", COL_NOTE},          {"说明", COL_NOTE},
};
static const char *const baseline_words[] = {"基期值", "基期", "基数", "上年完成", "上年实际",
                                             "上年值", NULL};
static const char *const baseline_year_words[] = {"基期值", "基期", "完成", "完成值", "实际",
                                                  "实际值", "实际完成", NULL};
static const char *const target_words[] = {"目标值", "目标", "年度目标", "全年目标", "预期目标",
                                           "年度目标值", "计划目标", NULL};

static header_cell classify(const char *cell)
{
    header_cell h = {COL_OTHER, 0, 0, NULL, 0, 0};
    char *word = jd_text_compact(cell ? cell : "");
    const char *rest = word;
    int year = year_prefix(word, &rest);
    if (!*word) {
        h.col = COL_EMPTY;
    } else if (word_in(word, baseline_words)) {
        h.col = COL_BASELINE;
    } else if (word_in(word, target_words)) {
        h.col = COL_TARGET;
    } else if (year && word_in(rest, baseline_year_words)) {
        h.col = COL_BASELINE; /* 2022年完成值; the targets' own year makes it 全年 (see below) */
        h.year = year;
    } else if (year && word_in(rest, target_words)) {
        h.col = COL_TARGET;
        h.year = year;
    } else {
        for (size_t i = 0; i < G_N_ELEMENTS(header_words) && h.col == COL_OTHER; i++)
            if (strcmp(word, header_words[i].word) == 0) h.col = header_words[i].col;
        if (h.col == COL_OTHER) classify_period(word, &h);
    }
    g_free(word);
    return h;
}

/* The column a header word that names none resembles (指标明称 → 指标名称, 2023年目标直 →
 * 目标值), with its usual name in *name; COL_OTHER when it resembles none. */
static column resembled_column(const char *cell, const char **name)
{
    char *word = jd_text_compact(cell ? cell : "");
    const char *rest = word;
    year_prefix(word, &rest);
    if (g_utf8_strlen(rest, -1) > 12) { /* header words are short: a longer cell is data */
        g_free(word);
        return COL_OTHER;
    }
    GPtrArray *known = g_ptr_array_new();
    for (size_t i = 0; i < G_N_ELEMENTS(header_words); i++)
        g_ptr_array_add(known, (gpointer)header_words[i].word);
    for (const char *const *w = target_words; *w; w++)
        g_ptr_array_add(known, (gpointer)*w);
    for (const char *const *w = baseline_words; *w; w++)
        g_ptr_array_add(known, (gpointer)*w);
    g_ptr_array_add(known, NULL);
    char *near = jd_closest_name(rest, (const char *const *)known->pdata);
    column col = COL_OTHER;
    if (near) {
        header_cell h = classify(near);
        col = h.col;
        g_free(h.why);
        if (col < COL_KINDS) *name = column_labels[col];
    }
    g_free(near);
    g_ptr_array_free(known, TRUE);
    g_free(word);
    return col < COL_KINDS ? col : COL_OTHER;
}

static bool row_names_columns(const jd_records *records, size_t r, bool *name, bool *target)
{
    *name = *target = false;
    bool others = false;
    int known = 0;
    for (size_t i = 0; i < jd_records_width(records, r); i++) {
        header_cell h = classify(jd_records_field(records, r, i));
        *name |= h.col == COL_NAME;
        *target |= h.col == COL_TARGET || h.col == COL_TARGET_NOTE;
        others |= h.col == COL_OTHER;
        known += h.col < COL_KINDS || h.col == COL_PERIOD;
        g_free(h.why);
    }
    /* with one of the two misspelt it is still the header (the typo is named when it is
     * read), not a task list or a title — when the row names another column too, so that
     * rows of data are not searched for near words */
    for (size_t i = 0; others && known >= 2 && *name != *target && i < jd_records_width(records, r); i++) {
        header_cell h = classify(jd_records_field(records, r, i));
        const char *label;
        if (h.col == COL_OTHER) {
            column near = resembled_column(jd_records_field(records, r, i), &label);
            *name |= near == COL_NAME;
            *target |= near == COL_TARGET || near == COL_TARGET_NOTE;
        }
        g_free(h.why);
    }
    return *name && *target;
}

static bool is_header_row(const jd_records *records, size_t r)
{
    bool name, target;
    return row_names_columns(records, r, &name, &target);
}

bool jd_records_are_indicators(const jd_records *records)
{
    for (size_t r = 0; r < jd_records_count(records); r++) {
        if (is_header_row(records, r)) return true;
        /* the header of a task list or of progress reports comes first: not indicators */
        for (size_t i = 0; i < jd_records_width(records, r); i++) {
            char *word = jd_text_compact(jd_records_field(records, r, i));
            bool other = strcmp(word, "目标任务") == 0 || strcmp(word, "进展状态") == 0;
            g_free(word);
            if (other) return false;
        }
    }
    return false;
}

/* ---- reading the rows ---------------------------------------------------------------------- */

typedef struct {
    const jd_records *records;
    builder b;
    GString *title;
    int title_line;
    bool have_header, header_ok;
    int header_line;
    GArray *header;      /* header_cell per field of the current header */
    int cols[COL_KINDS]; /* field of each column, -1 if none */
    int header_year;     /* a year the header states for the baseline column */
    bool months[13];     /* the periods the file defines */
    GHashTable *unused_columns, *names;
    jd_value *indicators;
} reader;

static void header_free(reader *rd)
{
    for (guint i = 0; rd->header && i < rd->header->len; i++)
        g_free(g_array_index(rd->header, header_cell, i).why);
    if (rd->header) g_array_free(rd->header, TRUE);
    rd->header = NULL;
}

static void header_error(reader *rd, const header_cell *h, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static void header_error(reader *rd, const header_cell *h, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    jd_diags_addv(rd->b.diags, JD_ERROR, rd->b.file, h->line, h->field_col, fmt, ap);
    va_end(ap);
}

/* The cells of row `r` as header cells. */
static GArray *classify_row(const reader *rd, size_t r)
{
    GArray *cells = g_array_new(FALSE, TRUE, sizeof(header_cell));
    for (size_t i = 0; i < jd_records_width(rd->records, r); i++) {
        header_cell h = classify(jd_records_field(rd->records, r, i));
        h.line = jd_records_field_line(rd->records, r, i);
        h.field_col = jd_records_field_col(rd->records, r, i);
        g_array_append_val(cells, h);
    }
    return cells;
}

/* A second header row under merged cells (完成情况 over 一季度, 上半年 …): only periods. */
static bool is_period_row(const reader *rd, size_t r)
{
    if (r >= jd_records_count(rd->records)) return false;
    GArray *cells = classify_row(rd, r);
    bool periods = false, others = false;
    for (guint i = 0; i < cells->len; i++) {
        header_cell *h = &g_array_index(cells, header_cell, i);
        periods |= h->col == COL_PERIOD || h->col == COL_BAD_PERIOD;
        others |= h->col != COL_PERIOD && h->col != COL_BAD_PERIOD && h->col != COL_EMPTY;
        g_free(h->why);
    }
    g_array_free(cells, TRUE);
    return periods && !others;
}

/* The targets' year from the header: the target column's year, else the periods', else the
 * baseline column's plus one. 0 when the header states none. */
static int header_target_year(reader *rd)
{
    int target = 0, period = 0, baseline = 0;
    for (guint i = 0; i < rd->header->len; i++) {
        header_cell *h = &g_array_index(rd->header, header_cell, i);
        if (h->col == COL_TARGET && h->year) target = h->year;
        if (h->col == COL_BASELINE && h->year) baseline = h->year;
        if (h->col == COL_PERIOD && h->year && !period) period = h->year;
    }
    int year = target ? target : period ? period : baseline ? baseline + 1 : 0;
    for (guint i = 0; year && i < rd->header->len; i++) {
        header_cell *h = &g_array_index(rd->header, header_cell, i);
        if (h->col == COL_PERIOD && h->year && h->year != year) {
            header_error(rd, h, "this column is for %d, but the targets are for %d: a file holds "
                                "one year",
                         h->year, year);
            rd->header_ok = false;
        }
        if (h->col == COL_BASELINE && h->year == year) { /* 2023年完成 in a 2023 table: 全年 */
            h->col = COL_PERIOD;
            h->months = 12;
        } else if (h->col == COL_BASELINE && h->year > year) {
            header_error(rd, h, "the baseline year %d is not before %d, the year of the targets",
                         h->year, year);
            rd->header_ok = false;
        }
    }
    return year;
}

/* The targets' year from a 基期年份 column when no header states it: one year after the
 * baseline year every row gives. */
static int base_year_column_year(reader *rd, size_t from)
{
    int field = rd->cols[COL_BASE_YEAR], year = 0;
    for (size_t r = from; field >= 0 && r < jd_records_count(rd->records); r++) {
        if (is_header_row(rd->records, r)) break;
        char *text = jd_text_compact(jd_records_field(rd->records, r, (size_t)field));
        guint64 y = 0;
        bool ok = *text && g_ascii_string_to_unsigned(text, 10, 1900, 9999, &y, NULL);
        g_free(text);
        if (!ok) continue;
        if (year && (int)y != year) return 0;
        year = (int)y;
    }
    return year ? year + 1 : 0;
}

/* Reads the header at row `r` (and the row of periods under it, if any); returns the rows
 * it took. */
static size_t read_header(reader *rd, size_t r)
{
    header_free(rd);
    rd->have_header = rd->header_ok = true;
    rd->header = classify_row(rd, r);
    rd->header_line = jd_records_field_line(rd->records, r, 0);
    size_t used = 1;
    if (is_period_row(rd, r + 1)) {
        GArray *below = classify_row(rd, r + 1);
        for (guint i = 0; i < below->len; i++) {
            header_cell *h = &g_array_index(below, header_cell, i);
            if (h->col == COL_EMPTY) continue;
            if (i >= rd->header->len) g_array_set_size(rd->header, i + 1);
            g_free(g_array_index(rd->header, header_cell, i).why);
            g_array_index(rd->header, header_cell, i) = *h;
            h->why = NULL;
        }
        g_array_free(below, TRUE);
        used = 2;
    }
    /* the year first: it turns 2023年完成 in a 2023 table into the 全年 column */
    int year = header_target_year(rd);
    for (int c = 0; c < COL_KINDS; c++)
        rd->cols[c] = -1;
    int period_field[13];
    for (int m = 0; m <= 12; m++)
        period_field[m] = -1;
    for (guint i = 0; i < rd->header->len; i++) {
        header_cell *h = &g_array_index(rd->header, header_cell, i);
        if (h->col < COL_KINDS && rd->cols[h->col] >= 0) {
            header_error(rd, h, "a second %s column (the first is column %d)", column_labels[h->col],
                         rd->cols[h->col] + 1);
            rd->header_ok = false;
        } else if (h->col < COL_KINDS) {
            rd->cols[h->col] = (int)i;
        } else if (h->col == COL_BAD_PERIOD) {
            header_error(rd, h, "%s", h->why);
            rd->header_ok = false;
        } else if (h->col == COL_PERIOD && period_field[h->months] >= 0) {
            jd_ytd p = {2000, h->months};
            char *period = jd_ytd_name(&p);
            header_error(rd, h, "a second column for %s (the first is column %d)", period,
                         period_field[h->months] + 1);
            g_free(period);
            rd->header_ok = false;
        } else if (h->col == COL_PERIOD) {
            period_field[h->months] = (int)i;
        }
    }
    /* a word that resembles a column the header lacks is that column misspelt: an error,
     * or its cells would be dropped (a misspelt 目标值 left the targets to 目标说明); any
     * other is ignored with a warning */
    bool misspelt[COL_KINDS] = {false};
    for (guint i = 0; i < rd->header->len; i++) {
        header_cell *h = &g_array_index(rd->header, header_cell, i);
        if (h->col != COL_OTHER) continue;
        const char *cell = jd_records_field(rd->records, h->line == rd->header_line ? r : r + 1, i);
        char *word = jd_text_compact(cell ? cell : "");
        const char *name = NULL;
        column near = resembled_column(word, &name);
        if (near != COL_OTHER && rd->cols[near] < 0 && !misspelt[near]) {
            misspelt[near] = true;
            header_error(rd, h, "column '%s' is not an indicator column: did you mean '%s'? (the header has no '%s' "
                                "column: its cells would be dropped)",
                         word, name, name);
            rd->header_ok = false;
        } else if (g_hash_table_add(rd->unused_columns, g_strdup(word))) {
            jd_diags_add(rd->b.diags, JD_WARNING, rd->b.file, h->line, h->field_col,
                         "column '%s' is not an indicator column; its cells are ignored", word);
        }
        g_free(word);
    }
    bool any_misspelt = false;
    for (int c = 0; c < COL_KINDS; c++)
        any_misspelt |= misspelt[c];
    if (!year) year = base_year_column_year(rd, r + used);
    if (!year && any_misspelt) {
        rd->header_ok = false; /* the year may be in the misspelt column: one message is enough */
    } else if (!year) {
        jd_diags_add(rd->b.diags, JD_ERROR, rd->b.file, rd->header_line, 1,
                     "which year are the targets for? Write it in a header (2023年目标值, "
                     "2023年上半年, 2022年完成值) or give every row's 基期年份");
        rd->header_ok = false;
    } else if (rd->b.year && year != rd->b.year) {
        jd_diags_add(rd->b.diags, JD_ERROR, rd->b.file, rd->header_line, 1,
                     "this header is for %d, the one above for %d: a file holds one year", year,
                     rd->b.year);
        rd->header_ok = false;
    } else {
        rd->b.year = year;
    }
    rd->header_year = 0;
    for (guint i = 0; i < rd->header->len; i++) {
        header_cell *h = &g_array_index(rd->header, header_cell, i);
        if (h->col == COL_BASELINE && h->year) rd->header_year = h->year;
        if (h->col == COL_PERIOD && rd->header_ok) rd->months[h->months] = true;
    }
    return used;
}

static void add_title_row(reader *rd, size_t r)
{
    char *row_text = jd_records_row_text(rd->records, r);
    if (*row_text) {
        g_string_append_printf(rd->title, "%s%s", rd->title->len ? "\n" : "", row_text);
        if (!rd->title_line) rd->title_line = jd_records_field_line(rd->records, r, 0);
    }
    g_free(row_text);
}

/* The cleaned text of column `col` in row `r` (NULL without that column) and where it is:
 * the cell, or the row's first cell when the column is missing. Names cells stay as they
 * are: jd_cell_names() cleans and splits them (its spaces separate names). */
static icell row_cell(const reader *rd, size_t r, column col, GPtrArray *texts)
{
    int field = rd->cols[col];
    size_t at = field >= 0 && (size_t)field < jd_records_width(rd->records, r) ? (size_t)field : 0;
    icell c = {NULL, jd_records_field_line(rd->records, r, at), jd_records_field_col(rd->records, r, at),
               column_labels[col]};
    if (field >= 0) {
        const char *cell = jd_records_field(rd->records, r, (size_t)field);
        char *text = col == COL_LEAD || col == COL_CO ? g_strdup(cell ? cell : "") : jd_cell_text(cell ? cell : "");
        g_ptr_array_add(texts, text);
        c.text = text;
    }
    return c;
}

static jd_value *names_at(const icell *c)
{
    jd_value *list = jd_value_new_array();
    char **names = jd_cell_names(c->text ? c->text : "");
    for (char **n = names; *n; n++)
        jd_array_append(list, string_at(*n, c));
    g_strfreev(names);
    return list;
}

static void read_row(reader *rd, size_t r)
{
    GPtrArray *texts = g_ptr_array_new_with_free_func(g_free);
    indicator_in in = {0};
    in.name = row_cell(rd, r, COL_NAME, texts);
    in.unit = row_cell(rd, r, COL_UNIT, texts);
    in.measure = row_cell(rd, r, COL_MEASURE, texts);
    in.direction = row_cell(rd, r, COL_DIRECTION, texts);
    in.baseline = row_cell(rd, r, COL_BASELINE, texts);
    in.target = row_cell(rd, r, COL_TARGET, texts);
    in.target_note = row_cell(rd, r, COL_TARGET_NOTE, texts);
    in.note = row_cell(rd, r, COL_NOTE, texts);
    icell lead = row_cell(rd, r, COL_LEAD, texts), co = row_cell(rd, r, COL_CO, texts);
    in.baseline_year_cell = row_cell(rd, r, COL_BASE_YEAR, texts);
    in.baseline_year = rd->header_year;
    if (!has_text(&in.name)) {
        error_at(&rd->b, &in.name, "row has no 指标名称");
        g_ptr_array_free(texts, TRUE);
        return;
    }
    check_duplicate(&rd->b, rd->names, &in.name);
    if (has_text(&in.baseline_year_cell)) {
        char *y = jd_text_compact(in.baseline_year_cell.text);
        guint64 year = 0;
        if (!g_ascii_string_to_unsigned(y, 10, 1900, 9999, &year, NULL))
            error_at(&rd->b, &in.baseline_year_cell, "基期年份 '%s' is not a year (2022)", in.baseline_year_cell.text);
        in.baseline_year = (int)year;
        g_free(y);
    }
    in.actuals = g_array_new(FALSE, FALSE, sizeof(actual_in));
    for (size_t i = 0; i < jd_records_width(rd->records, r); i++) {
        const header_cell *h = i < rd->header->len ? &g_array_index(rd->header, header_cell, i) : NULL;
        const char *cell = jd_records_field(rd->records, r, i);
        if (h && h->col != COL_PERIOD && h->col != COL_EMPTY) continue;
        char *text = jd_cell_text(cell ? cell : "");
        g_ptr_array_add(texts, text);
        icell c = {text, jd_records_field_line(rd->records, r, i), jd_records_field_col(rd->records, r, i), NULL};
        if (!h || h->col == COL_EMPTY) {
            if (!is_no_figure(text))
                error_at(&rd->b, &c, "'%s' is in a column without a header: which period is it for? "
                                     "(一季度, 上半年, 前三季度, 全年, 1-5月 …)",
                         text);
            continue;
        }
        jd_ytd p = {rd->b.year, h->months};
        char *label = jd_ytd_name(&p);
        g_ptr_array_add(texts, label);
        c.label = label;
        actual_in a = {c, p};
        g_array_append_val(in.actuals, a);
    }
    in.lead_units = names_at(&lead);
    in.co_units = names_at(&co);
    jd_value *indicator = build_indicator(&rd->b, &in);
    if (indicator) jd_array_append(rd->indicators, indicator);
    g_array_free(in.actuals, TRUE);
    g_ptr_array_free(texts, TRUE);
}

jd_value *jd_indicators_from_records(const jd_records *records, const char *name, jd_diags *diags)
{
    jd_tally tally;
    diags = jd_tally_begin(&tally, diags);
    reader rd = {0};
    rd.records = records;
    rd.b = (builder){name, diags, 0};
    rd.title = g_string_new(NULL);
    rd.unused_columns = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    rd.names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    rd.indicators = jd_value_new_array();
    for (size_t r = 0; r < jd_records_count(records);) {
        if (jd_records_row_is_blank(records, r)) {
            r++;
        } else if (is_header_row(records, r)) {
            r += read_header(&rd, r);
        } else if (!rd.have_header) {
            add_title_row(&rd, r++);
        } else {
            if (rd.header_ok) read_row(&rd, r);
            r++;
        }
    }
    if (!rd.have_header)
        jd_diags_add(diags, JD_ERROR, name, 1, 1, "no header row: expected a row with 指标名称 and 目标值 …");
    jd_value *tree = NULL;
    if (jd_tally_errors(&tally) == 0) {
        jd_indicator_rules rules;
        jd_indicator_rules_init(&rules);
        tree = new_tree(rd.title->str, rd.title_line, rd.b.year, periods_value(rd.months, rd.b.year),
                        jd_indicator_rules_value(&rules), jd_value_ref(rd.indicators));
    }
    jd_value_unref(rd.indicators);
    header_free(&rd);
    g_hash_table_destroy(rd.names);
    g_hash_table_destroy(rd.unused_columns);
    g_string_free(rd.title, TRUE);
    jd_tally_end(&tally);
    return tree;
}

/* ---- JSON ---------------------------------------------------------------------------------- */

typedef struct {
    builder b;
    bool months[13];
    GPtrArray *strings; /* texts and labels the cells point to */
} json_reader;

static void problem(json_reader *jr, jd_severity sev, const jd_value *at, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);

static void problem(json_reader *jr, jd_severity sev, const jd_value *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    jd_diags_addv(jr->b.diags, sev, jr->b.file, jd_value_line(at), jd_value_col(at), fmt, ap);
    va_end(ap);
}

static const char *keep(json_reader *jr, char *s)
{
    g_ptr_array_add(jr->strings, s);
    return s;
}

static void warn_unknown(json_reader *jr, const jd_value *obj, const char *path, const char *const *known)
{
    for (size_t i = 0; i < jd_object_size(obj); i++)
        if (!g_strv_contains(known, jd_object_key(obj, i)))
            problem(jr, JD_WARNING, jd_object_value(obj, i), "%s: unknown member \"%s\" is ignored", path,
                    jd_object_key(obj, i));
}

/* A string member as a cell (text NULL when missing; another kind is an error). */
static icell string_cell(json_reader *jr, const jd_value *obj, const char *path, const char *key, bool required)
{
    const jd_value *v = jd_object_get(obj, key);
    const jd_value *at = v ? v : obj;
    icell c = {NULL, jd_value_line(at), jd_value_col(at), keep(jr, g_strdup_printf("%s.%s", path, key))};
    if (!v && required)
        problem(jr, JD_ERROR, obj, "%s: missing \"%s\" (a string)", path, key);
    else if (v && jd_value_kind_of(v) != JD_VALUE_STRING)
        problem(jr, JD_ERROR, v, "%s must be a string, not %s", c.label, jd_value_kind_name(jd_value_kind_of(v)));
    else if (v)
        c.text = jd_value_string(v);
    return c;
}

/* A figure: a string, a number, or {text (or value), qualifier, value}. */
static icell figure_cell(json_reader *jr, const jd_value *v, const char *path)
{
    icell c = {NULL, jd_value_line(v), jd_value_col(v), path};
    if (jd_value_kind_of(v) == JD_VALUE_OBJECT) {
        const jd_value *text = jd_object_get(v, "text");
        const jd_value *value = jd_object_get(v, "value");
        if (text) v = text;
        else if (value && !jd_value_is_null(value)) v = value;
        else {
            problem(jr, JD_ERROR, v, "%s: missing \"text\" (the figure as written)", path);
            return c;
        }
        c.line = jd_value_line(v);
        c.col = jd_value_col(v);
    }
    if (jd_value_kind_of(v) == JD_VALUE_STRING)
        c.text = jd_value_string(v);
    else if (jd_value_is_number(v))
        c.text = keep(jr, jd_value_to_text(v));
    else
        problem(jr, JD_ERROR, v, "%s must be a figure (text such as \"增长5%%\", or a number), not %s", path,
                jd_value_kind_name(jd_value_kind_of(v)));
    return c;
}

/* The members of a figure object a file states beyond its text must be what jindu reads
 * from the text; a mismatch is an error, never a silent choice of one. */
static void check_stated(json_reader *jr, const jd_value *in, const jd_value *built, const char *path)
{
    static const char *const derived[] = {"qualifier", "value", "year", "period"};
    if (jd_value_kind_of(in) != JD_VALUE_OBJECT || !built) return;
    for (size_t i = 0; i < G_N_ELEMENTS(derived); i++) {
        const jd_value *stated = jd_object_get(in, derived[i]), *read = jd_object_get(built, derived[i]);
        if (!stated || !read || jd_value_equal(stated, read)) continue;
        if (strcmp(derived[i], "period") == 0 && jd_value_kind_of(stated) == JD_VALUE_STRING)
            continue; /* written another way (上半年); checked when read */
        char *s = jd_value_to_json(stated, false), *r = jd_value_to_json(read, false);
        problem(jr, JD_ERROR, stated, "%s.%s is %s, but its text '%s' says %s", path, derived[i], s,
                jd_object_get_string(built, "text"), r);
        g_free(s);
        g_free(r);
    }
}

/* lead_units / co_units: a list of names, or one text split as a table cell is. */
static jd_value *names_member(json_reader *jr, const jd_value *obj, const char *path, const char *key)
{
    const jd_value *v = jd_object_get(obj, key);
    jd_value *list = jd_value_new_array();
    if (!v) return list;
    if (jd_value_kind_of(v) == JD_VALUE_STRING) {
        icell c = {jd_value_string(v), jd_value_line(v), jd_value_col(v), key};
        jd_value_unref(list);
        return names_at(&c);
    }
    if (jd_value_kind_of(v) != JD_VALUE_ARRAY) {
        problem(jr, JD_ERROR, v, "%s.%s must be a list of names, not %s", path, key,
                jd_value_kind_name(jd_value_kind_of(v)));
        return list;
    }
    for (size_t i = 0; i < jd_array_length(v); i++) {
        const jd_value *n = jd_array_get(v, i);
        if (jd_value_kind_of(n) != JD_VALUE_STRING || !jd_value_string_len(n))
            problem(jr, JD_ERROR, n, "%s.%s[%zu] must be a name", path, key, i);
        else
            jd_array_append(list, jd_value_copy(n));
    }
    return list;
}

static void read_actuals(json_reader *jr, const jd_value *obj, const char *path, indicator_in *in,
                         GPtrArray *inputs)
{
    const jd_value *list = jd_object_get(obj, "actuals");
    if (!list) return;
    if (jd_value_kind_of(list) != JD_VALUE_ARRAY) {
        problem(jr, JD_ERROR, list, "%s.actuals must be a list, not %s", path, jd_value_kind_name(jd_value_kind_of(list)));
        return;
    }
    bool seen[13] = {false};
    for (size_t i = 0; i < jd_array_length(list); i++) {
        const jd_value *a = jd_array_get(list, i);
        const char *apath = keep(jr, g_strdup_printf("%s.actuals[%zu]", path, i));
        if (jd_value_kind_of(a) != JD_VALUE_OBJECT) {
            problem(jr, JD_ERROR, a, "%s must be an object with \"period\" and \"text\"", apath);
            continue;
        }
        static const char *const known[] = {"period", "text", "qualifier", "value", NULL};
        warn_unknown(jr, a, apath, known);
        icell period = string_cell(jr, a, apath, "period", true);
        jd_ytd ytd;
        char *why = NULL;
        if (!period.text) continue;
        if (!jd_ytd_parse(period.text, jr->b.year, &ytd, &why)) {
            error_at(&jr->b, &period, "%s '%s' is not a cumulative period%s%s", period.label, period.text,
                     why ? ": " : " (2023-01/2023-06, 上半年, 1-5月)", why ? why : "");
            g_free(why);
            continue;
        }
        jd_ytd p = {jr->b.year, ytd.months};
        char *name = jd_ytd_name(&p);
        if (ytd.year != jr->b.year || !jr->months[ytd.months]) {
            GString *defined = g_string_new(NULL);
            for (int m = 1; m <= 12; m++) {
                jd_ytd d = {jr->b.year, m};
                char *n = jr->months[m] ? jd_ytd_name(&d) : NULL;
                if (n) g_string_append_printf(defined, "%s%s", defined->len ? ", " : "", n);
                g_free(n);
            }
            char *which = ytd.year == jr->b.year ? g_strdup(name) : g_strdup_printf("%d年%s", ytd.year, name);
            error_at(&jr->b, &period, "%s: %s is not one of the file's periods (%s)", period.label, which,
                     defined->len ? defined->str : "it has none");
            g_free(which);
            g_string_free(defined, TRUE);
        } else if (seen[ytd.months]) {
            error_at(&jr->b, &period, "%s: a second figure for %s", period.label, name);
        } else {
            seen[ytd.months] = true;
            actual_in ai = {figure_cell(jr, a, keep(jr, g_strdup_printf("%s (%s)", apath, name))), p};
            if (ai.cell.text) {
                g_array_append_val(in->actuals, ai);
                g_ptr_array_add(inputs, (gpointer)a);
            }
        }
        g_free(name);
    }
}

static jd_value *json_indicator(json_reader *jr, const jd_value *obj, const char *path, GHashTable *names)
{
    if (jd_value_kind_of(obj) != JD_VALUE_OBJECT) {
        problem(jr, JD_ERROR, obj, "%s must be an object, not %s", path, jd_value_kind_name(jd_value_kind_of(obj)));
        return NULL;
    }
    static const char *const known[] = {"name",       "unit",     "measure",  "direction",
                                        "baseline",   "target",   "target_note", "lead_units",
                                        "co_units",   "actuals",  "note",     NULL};
    warn_unknown(jr, obj, path, known);
    size_t errors_before = jd_diags_count_severity(jr->b.diags, JD_ERROR);
    indicator_in in = {0};
    in.name = string_cell(jr, obj, path, "name", true);
    in.unit = string_cell(jr, obj, path, "unit", false);
    in.measure = string_cell(jr, obj, path, "measure", false);
    in.direction = string_cell(jr, obj, path, "direction", false);
    in.target_note = string_cell(jr, obj, path, "target_note", false);
    in.note = string_cell(jr, obj, path, "note", false);
    const jd_value *target = jd_object_get(obj, "target"), *baseline = jd_object_get(obj, "baseline");
    in.target = target ? figure_cell(jr, target, keep(jr, g_strdup_printf("%s.target", path)))
                       : (icell){NULL, jd_value_line(obj), jd_value_col(obj), keep(jr, g_strdup_printf("%s.target", path))};
    in.baseline = (icell){NULL, 0, 0, keep(jr, g_strdup_printf("%s.baseline", path))};
    if (baseline && !jd_value_is_null(baseline)) {
        in.baseline = figure_cell(jr, baseline, in.baseline.label);
        const jd_value *year = jd_object_get(baseline, "year");
        if (year && (jd_value_kind_of(year) != JD_VALUE_INT || jd_value_int(year) < 1900 || jd_value_int(year) > 9999))
            problem(jr, JD_ERROR, year, "%s.baseline.year must be a year (2022)", path);
        else if (year) {
            in.baseline_year = (int)jd_value_int(year);
            in.baseline_year_cell = (icell){NULL, jd_value_line(year), jd_value_col(year), "year"};
        }
    }
    in.lead_units = names_member(jr, obj, path, "lead_units");
    in.co_units = names_member(jr, obj, path, "co_units");
    in.actuals = g_array_new(FALSE, FALSE, sizeof(actual_in));
    GPtrArray *actual_inputs = g_ptr_array_new();
    read_actuals(jr, obj, path, &in, actual_inputs);
    if (in.name.text && !*in.name.text) problem(jr, JD_ERROR, jd_object_get(obj, "name"), "%s.name is empty", path);
    if (has_text(&in.name)) check_duplicate(&jr->b, names, &in.name);
    jd_value *out = NULL;
    if (jd_diags_count_severity(jr->b.diags, JD_ERROR) == errors_before) {
        out = build_indicator(&jr->b, &in);
    } else {
        jd_value_unref(in.lead_units);
        jd_value_unref(in.co_units);
    }
    if (out) {
        check_stated(jr, target, jd_object_get(out, "target"), in.target.label);
        check_stated(jr, baseline, jd_object_get(out, "baseline"), in.baseline.label);
        const jd_value *built = jd_object_get(out, "actuals");
        for (guint i = 0; i < actual_inputs->len && i < jd_array_length(built); i++)
            check_stated(jr, g_ptr_array_index(actual_inputs, i), jd_array_get(built, i),
                         g_array_index(in.actuals, actual_in, i).cell.label);
    }
    g_ptr_array_free(actual_inputs, TRUE);
    g_array_free(in.actuals, TRUE);
    return out;
}

/* year, periods and rules: what the whole file shares. */
static bool json_header(json_reader *jr, const jd_value *tree, jd_indicator_rules *rules)
{
    const jd_value *year = jd_object_get(tree, "year");
    if (!year) {
        problem(jr, JD_ERROR, tree, "indicators: missing \"year\" (the year of the targets, e.g. 2023)");
        return false;
    }
    if (jd_value_kind_of(year) != JD_VALUE_INT || jd_value_int(year) < 1901 || jd_value_int(year) > 9999) {
        problem(jr, JD_ERROR, year, "indicators.year must be a year (2023)");
        return false;
    }
    jr->b.year = (int)jd_value_int(year);
    const jd_value *periods = jd_object_get(tree, "periods");
    if (jd_value_kind_of(periods) != JD_VALUE_ARRAY) {
        problem(jr, JD_ERROR, periods ? periods : tree,
                "indicators.periods must be the list of periods the file has figures for "
                "([\"2023-01/2023-03\", \"2023-01/2023-06\", …])");
        return false;
    }
    for (size_t i = 0; i < jd_array_length(periods); i++) {
        const jd_value *p = jd_array_get(periods, i);
        jd_ytd ytd;
        char *why = NULL;
        if (jd_value_kind_of(p) != JD_VALUE_STRING || !jd_ytd_parse(jd_value_string(p), jr->b.year, &ytd, &why))
            problem(jr, JD_ERROR, p, "indicators.periods[%zu] is not a cumulative period%s%s", i,
                    why ? ": " : " (2023-01/2023-06, 上半年, 1-5月)", why ? why : "");
        else if (ytd.year != jr->b.year)
            problem(jr, JD_ERROR, p, "indicators.periods[%zu] is in %d, not %d, the year of the targets", i,
                    ytd.year, jr->b.year);
        else if (jr->months[ytd.months])
            problem(jr, JD_ERROR, p, "indicators.periods[%zu] is there twice", i);
        else
            jr->months[ytd.months] = true;
        g_free(why);
    }
    /* each rule checked on its own, so that a message points at the value at fault */
    jd_indicator_rules_init(rules);
    const jd_value *r = jd_object_get(tree, "rules");
    bool rules_ok = true;
    if (r && jd_value_kind_of(r) != JD_VALUE_OBJECT) {
        problem(jr, JD_ERROR, r, "indicators.rules must be an object (elapsed, about_points, about_percent)");
        rules_ok = false;
    }
    for (size_t i = 0; rules_ok && r && i < jd_object_size(r); i++) {
        jd_value *single = jd_value_new_object();
        jd_object_set(single, jd_object_key(r, i), jd_value_ref(jd_object_value(r, i)));
        jd_indicator_rules scratch;
        char *why = NULL;
        if (!jd_indicator_rules_from_value(single, &scratch, &why)) {
            problem(jr, JD_ERROR, jd_object_value(r, i), "indicators.rules.%s: %s", jd_object_key(r, i), why);
            rules_ok = false;
        }
        g_free(why);
        jd_value_unref(single);
    }
    if (r && rules_ok) jd_indicator_rules_from_value(r, rules, NULL);
    return true;
}

jd_value *jd_indicators_from_json(const jd_value *tree, const char *name, jd_diags *diags)
{
    jd_tally tally;
    diags = jd_tally_begin(&tally, diags);
    json_reader jr = {{name, diags, 0}, {false}, g_ptr_array_new_with_free_func(g_free)};
    static const char *const known[] = {"title", "year", "periods", "rules", "indicators", NULL};
    warn_unknown(&jr, tree, "indicators", known);
    icell title = string_cell(&jr, tree, "indicators", "title", false);
    jd_indicator_rules rules;
    jd_value *indicators = jd_value_new_array();
    GHashTable *names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    if (json_header(&jr, tree, &rules)) {
        const jd_value *list = jd_object_get(tree, "indicators");
        if (jd_value_kind_of(list) != JD_VALUE_ARRAY)
            problem(&jr, JD_ERROR, list, "indicators.indicators must be a list, not %s",
                    jd_value_kind_name(jd_value_kind_of(list)));
        for (size_t i = 0; i < jd_array_length(list); i++) {
            char *path = g_strdup_printf("indicators.indicators[%zu]", i);
            jd_value *indicator = json_indicator(&jr, jd_array_get(list, i), path, names);
            if (indicator) jd_array_append(indicators, indicator);
            g_free(path);
        }
    }
    jd_value *out = NULL;
    if (jd_tally_errors(&tally) == 0)
        out = new_tree(title.text ? title.text : "", title.line, jr.b.year, periods_value(jr.months, jr.b.year),
                       jd_indicator_rules_value(&rules), jd_value_ref(indicators));
    jd_value_unref(indicators);
    g_hash_table_destroy(names);
    g_ptr_array_free(jr.strings, TRUE);
    jd_tally_end(&tally);
    return out;
}

/* ---- summary -------------------------------------------------------------------------------- */

char *jd_indicators_summary(const jd_value *tree, const jd_import_info *info)
{
    const jd_value *indicators = jd_object_get(tree, "indicators");
    const jd_value *periods = jd_object_get(tree, "periods");
    size_t measures[4] = {0}, in_words = 0;
    for (size_t i = 0; i < jd_array_length(indicators); i++) {
        const jd_value *ind = jd_array_get(indicators, i);
        jd_measure m;
        if (jd_measure_parse(jd_object_get_string(ind, "measure"), &m)) measures[m]++;
        in_words += jd_value_is_null(jd_object_get(jd_object_get(ind, "target"), "value"));
    }
    GString *out = g_string_new("indicators");
    if (info) jd_summary_append_source(out, info);
    jd_summary_append_title(out, tree);
    g_string_append_printf(out, "  indicators: %zu   year: %" G_GINT64_FORMAT "\n", jd_array_length(indicators),
                           jd_object_get_int(tree, "year", 0));
    g_string_append_printf(out, "  measures: growth %zu, level %zu, stock %zu, share %zu; targets in words %zu\n",
                           measures[JD_MEASURE_GROWTH], measures[JD_MEASURE_LEVEL], measures[JD_MEASURE_STOCK],
                           measures[JD_MEASURE_SHARE], in_words);
    g_string_append(out, "  figures:");
    for (size_t p = 0; p < jd_array_length(periods); p++) {
        const char *period = jd_value_string(jd_array_get(periods, p));
        size_t n = 0;
        for (size_t i = 0; i < jd_array_length(indicators); i++) {
            const jd_value *actuals = jd_object_get(jd_array_get(indicators, i), "actuals");
            for (size_t a = 0; a < jd_array_length(actuals); a++)
                n += g_strcmp0(jd_object_get_string(jd_array_get(actuals, a), "period"), period) == 0;
        }
        jd_ytd ytd;
        char *name = jd_ytd_parse(period, 0, &ytd, NULL) ? jd_ytd_name(&ytd) : g_strdup(period);
        g_string_append_printf(out, "%s %s %zu", p ? "," : "", name, n);
        g_free(name);
    }
    g_string_append(out, jd_array_length(periods) ? "\n" : " (no periods)\n");
    if (info) g_string_append_printf(out, "  warnings: %zu\n", info->warnings);
    return g_string_free(out, FALSE);
}
