/* Indicators: what a figure written by a clerk says (number, unit, qualifier words), and
 * how an actual figure measures up to the annual target for a period. docs/data-format.md
 * ("Indicators") states every rule with its formula; tests/test_indicator_rules.c checks
 * each with exact numbers. */
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "jd_domain.h"

/* ---- measures and directions ----------------------------------------------------------- */

static const char *const measure_names[] = {"growth", "level", "stock", "share"};

const char *jd_measure_name(jd_measure measure)
{
    return measure_names[measure];
}

/* Words that name a measure or a direction (compared after jd_text_compact). */
typedef struct {
    const char *word;
    int value;
} word_value;

static bool find_word(const word_value *table, size_t n, const char *text, int *value)
{
    char *word = jd_text_compact(text ? text : "");
    bool found = false;
    for (size_t i = 0; i < n && !found; i++) {
        if (strcmp(table[i].word, word) == 0) {
            *value = table[i].value;
            found = true;
        }
    }
    g_free(word);
    return found;
}

bool jd_measure_parse(const char *text, jd_measure *measure)
{
    static const word_value words[] = {
        {"growth", JD_MEASURE_GROWTH}, {"增速", JD_MEASURE_GROWTH},   {"增长率", JD_MEASURE_GROWTH},
        {"增幅", JD_MEASURE_GROWTH},   {"增长", JD_MEASURE_GROWTH},   {"level", JD_MEASURE_LEVEL},
        {"总量", JD_MEASURE_LEVEL},    {"总额", JD_MEASURE_LEVEL},    {"累计", JD_MEASURE_LEVEL},
        {"累计值", JD_MEASURE_LEVEL},  {"绝对值", JD_MEASURE_LEVEL},  {"绝对量", JD_MEASURE_LEVEL},
        {"stock", JD_MEASURE_STOCK},   {"存量", JD_MEASURE_STOCK},    {"时点", JD_MEASURE_STOCK},
        {"时点值", JD_MEASURE_STOCK},  {"share", JD_MEASURE_SHARE},   {"比重", JD_MEASURE_SHARE},
        {"占比", JD_MEASURE_SHARE},    {"比例", JD_MEASURE_SHARE},    {"比率", JD_MEASURE_SHARE},
        {"均值", JD_MEASURE_SHARE},    {"平均值", JD_MEASURE_SHARE},
    };
    int value;
    if (!find_word(words, G_N_ELEMENTS(words), text, &value)) return false;
    *measure = (jd_measure)value;
    return true;
}

const char *jd_direction_name(jd_direction direction)
{
    return direction == JD_LOWER_IS_BETTER ? "lower" : "higher";
}

bool jd_direction_parse(const char *text, jd_direction *direction)
{
    static const word_value words[] = {
        {"higher", JD_HIGHER_IS_BETTER},   {"正向", JD_HIGHER_IS_BETTER},
        {"越大越好", JD_HIGHER_IS_BETTER}, {"越高越好", JD_HIGHER_IS_BETTER},
        {"越多越好", JD_HIGHER_IS_BETTER}, {"lower", JD_LOWER_IS_BETTER},
        {"逆向", JD_LOWER_IS_BETTER},      {"负向", JD_LOWER_IS_BETTER},
        {"越小越好", JD_LOWER_IS_BETTER},  {"越低越好", JD_LOWER_IS_BETTER},
        {"越少越好", JD_LOWER_IS_BETTER},
    };
    int value;
    if (!find_word(words, G_N_ELEMENTS(words), text, &value)) return false;
    *direction = (jd_direction)value;
    return true;
}

static bool contains_any(const char *text, const char *const *words)
{
    for (const char *const *w = words; *w; w++)
        if (strstr(text, *w)) return true;
    return false;
}

bool jd_measure_guess(const char *name, const char *unit, const char *target, jd_measure *measure,
                      char **why)
{
    static const char *const growth_target[] = {"增长", "下降", "持平", "增速", "增幅",
                                                "减少", "降低", NULL};
    static const char *const growth_name[] = {"增速", "增长", "增幅", NULL};
    static const char *const share_name[] = {"比重", "占比", "比例", "率", "强度", "浓度", "均值", NULL};
    char *t = jd_text_compact(target ? target : "");
    char *u = jd_text_compact(unit ? unit : "");
    bool ok = true;
    if (contains_any(t, growth_target) || contains_any(name, growth_name))
        *measure = JD_MEASURE_GROWTH;
    else if (contains_any(name, share_name))
        *measure = JD_MEASURE_SHARE;
    else if (*u && strcmp(u, "%") != 0)
        *measure = JD_MEASURE_LEVEL;
    else {
        ok = false;
        *why = g_strdup_printf("is '%s' a growth rate, a share or an amount? Say so in a 指标类型 "
                               "column (增速, 比重, 总量 or 存量)",
                               name);
    }
    g_free(u);
    g_free(t);
    return ok;
}

/* ---- reading a figure ----------------------------------------------------------------- */

/* What a word before or after the number does. */
typedef enum {
    W_FILLER,  /* says nothing the rules need (同比, 实现, 达到 …) */
    W_RISE,    /* 增长: a growth rate follows */
    W_FALL,    /* 下降: a growth rate follows, to be negated */
    W_BOUND,   /* a target's bound (以上, 超过, 以内 …); for an actual, its side */
    W_STRIVE,  /* 力争: kept in the qualifier, no rule of its own */
    W_FLAT,    /* 持平: a growth rate of 0, within the tolerance */
    W_ABOUT,   /* 左右, 约: within the tolerance; for an actual, the number as it is */
    W_UNDER,   /* 近, 不到: an actual just under the number */
} word_kind;

enum { ROLE_TARGET = 1 << JD_FIGURE_TARGET, ROLE_FIGURES = (1 << JD_FIGURE_BASELINE) | (1 << JD_FIGURE_ACTUAL) };

typedef struct {
    const char *text;
    word_kind kind;
    jd_bound bound; /* W_BOUND */
    int side;       /* what the word means in an actual */
    unsigned roles; /* where it may appear */
    bool recorded;  /* kept in the qualifier */
} word;

/* Longest words first where one begins another (不低于 before 低于). */
static const word prefix_words[] = {
    {"同比", W_FILLER, JD_BOUND_NONE, 0, ROLE_TARGET | ROLE_FIGURES, false},
    {"比上年", W_FILLER, JD_BOUND_NONE, 0, ROLE_TARGET | ROLE_FIGURES, false},
    {"较上年", W_FILLER, JD_BOUND_NONE, 0, ROLE_TARGET | ROLE_FIGURES, false},
    {"全年", W_FILLER, JD_BOUND_NONE, 0, ROLE_TARGET | ROLE_FIGURES, false},
    {"年内", W_FILLER, JD_BOUND_NONE, 0, ROLE_TARGET | ROLE_FIGURES, false},
    {"预计", W_FILLER, JD_BOUND_NONE, 0, ROLE_FIGURES, false},
    {"实现", W_FILLER, JD_BOUND_NONE, 0, ROLE_TARGET | ROLE_FIGURES, false},
    {"完成", W_FILLER, JD_BOUND_NONE, 0, ROLE_TARGET | ROLE_FIGURES, false},
    {"达到", W_FILLER, JD_BOUND_NONE, 0, ROLE_TARGET | ROLE_FIGURES, false},
    {"保持", W_FILLER, JD_BOUND_NONE, 0, ROLE_TARGET | ROLE_FIGURES, false},
    {"累计", W_FILLER, JD_BOUND_NONE, 0, ROLE_TARGET | ROLE_FIGURES, false},
    {"增长", W_RISE, JD_BOUND_NONE, 0, ROLE_TARGET | ROLE_FIGURES, false},
    {"增加", W_RISE, JD_BOUND_NONE, 0, ROLE_TARGET | ROLE_FIGURES, false},
    {"提高", W_RISE, JD_BOUND_NONE, 0, ROLE_TARGET | ROLE_FIGURES, false},
    {"增速", W_RISE, JD_BOUND_NONE, 0, ROLE_TARGET | ROLE_FIGURES, false},
    {"增幅", W_RISE, JD_BOUND_NONE, 0, ROLE_TARGET | ROLE_FIGURES, false},
    {"下降", W_FALL, JD_BOUND_NONE, 0, ROLE_TARGET | ROLE_FIGURES, false},
    {"减少", W_FALL, JD_BOUND_NONE, 0, ROLE_TARGET | ROLE_FIGURES, false},
    {"降低", W_FALL, JD_BOUND_NONE, 0, ROLE_TARGET | ROLE_FIGURES, false},
    {"力争突破", W_BOUND, JD_BOUND_AT_LEAST, 1, ROLE_TARGET, true},
    {"力争", W_STRIVE, JD_BOUND_NONE, 0, ROLE_TARGET, true},
    {"确保", W_STRIVE, JD_BOUND_NONE, 0, ROLE_TARGET, true},
    {"争取", W_STRIVE, JD_BOUND_NONE, 0, ROLE_TARGET, true},
    {"不低于", W_BOUND, JD_BOUND_AT_LEAST, 0, ROLE_TARGET | ROLE_FIGURES, true},
    {"不少于", W_BOUND, JD_BOUND_AT_LEAST, 0, ROLE_TARGET | ROLE_FIGURES, true},
    {"至少", W_BOUND, JD_BOUND_AT_LEAST, 0, ROLE_TARGET | ROLE_FIGURES, true},
    {"突破", W_BOUND, JD_BOUND_AT_LEAST, 1, ROLE_TARGET | ROLE_FIGURES, true},
    {"超过", W_BOUND, JD_BOUND_ABOVE, 1, ROLE_TARGET | ROLE_FIGURES, true},
    {"高于", W_BOUND, JD_BOUND_ABOVE, 1, ROLE_TARGET | ROLE_FIGURES, true},
    {"不超过", W_BOUND, JD_BOUND_AT_MOST, 0, ROLE_TARGET | ROLE_FIGURES, true},
    {"不高于", W_BOUND, JD_BOUND_AT_MOST, 0, ROLE_TARGET | ROLE_FIGURES, true},
    {"控制在", W_BOUND, JD_BOUND_AT_MOST, 0, ROLE_TARGET, true},
    {"低于", W_BOUND, JD_BOUND_BELOW, -1, ROLE_TARGET | ROLE_FIGURES, true},
    {"基本持平", W_FLAT, JD_BOUND_ABOUT, 0, ROLE_TARGET | ROLE_FIGURES, true},
    {"持平", W_FLAT, JD_BOUND_ABOUT, 0, ROLE_TARGET | ROLE_FIGURES, true},
    {"大约", W_ABOUT, JD_BOUND_ABOUT, 0, ROLE_TARGET | ROLE_FIGURES, true},
    {"约", W_ABOUT, JD_BOUND_ABOUT, 0, ROLE_TARGET | ROLE_FIGURES, true},
    {"接近", W_UNDER, JD_BOUND_NONE, -1, ROLE_FIGURES, true},
    {"近", W_UNDER, JD_BOUND_NONE, -1, ROLE_FIGURES, true},
    {"不到", W_UNDER, JD_BOUND_NONE, -1, ROLE_FIGURES, true},
    {"不足", W_UNDER, JD_BOUND_NONE, -1, ROLE_FIGURES, true},
};

static const word suffix_words[] = {
    {"以上", W_BOUND, JD_BOUND_AT_LEAST, 0, ROLE_TARGET | ROLE_FIGURES, true},
    {"以内", W_BOUND, JD_BOUND_AT_MOST, 0, ROLE_TARGET | ROLE_FIGURES, true},
    {"以下", W_BOUND, JD_BOUND_AT_MOST, 0, ROLE_TARGET | ROLE_FIGURES, true},
    {"左右", W_ABOUT, JD_BOUND_ABOUT, 0, ROLE_TARGET | ROLE_FIGURES, true},
    {"上下", W_ABOUT, JD_BOUND_ABOUT, 0, ROLE_TARGET | ROLE_FIGURES, true},
};

/* "more than" written right after the number or inside its unit: 5300余人, 3.1万余件. */
static const char *const over_marks[] = {"余", "多"};

static const word *match_word(const word *table, size_t n, const char *p)
{
    for (size_t i = 0; i < n; i++)
        if (g_str_has_prefix(p, table[i].text)) return &table[i];
    return NULL;
}

/* One figure of a cell: "超过990亿元" or "增长3%". */
typedef struct {
    bool has_number;
    double value;
    bool percent;   /* written with % */
    bool unit;      /* written with the indicator's unit (not %) */
    bool rise, fall;
    bool flat; /* 持平: a rate of 0 */
    int side;
    jd_bound bound;
    bool strive;
    GString *qualifier;
} part;

/* Error helper: formats into *error and returns false. */
static bool fail(char **error, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static bool fail(char **error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *message = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (error && !*error)
        *error = message;
    else
        g_free(message);
    return false;
}

static const char *role_word(jd_figure_role role)
{
    return role == JD_FIGURE_TARGET ? "a target" : role == JD_FIGURE_BASELINE ? "a baseline" : "an actual figure";
}

/* The run of characters at p that is neither a digit nor a separator, for messages. */
static char *unknown_run(const char *p)
{
    const char *end = p;
    while (*end && !g_ascii_isdigit(*end) && !strchr(",;", *end) && !g_str_has_prefix(end, "、"))
        end = g_utf8_next_char(end);
    return g_strndup(p, (gsize)(end - p));
}

/* Applies word `w` to the part; false (with *error) when it does not belong there. */
static bool apply_word(part *pt, const word *w, jd_figure_role role, char **error)
{
    if (!(w->roles & (1u << role)))
        return fail(error, "'%s' does not belong in %s", w->text, role_word(role));
    switch (w->kind) {
    case W_FILLER:
        break;
    case W_RISE:
    case W_FALL:
        if (pt->rise || pt->fall) return fail(error, "'%s' twice: one 增长 or 下降 per figure", w->text);
        pt->rise = w->kind == W_RISE;
        pt->fall = w->kind == W_FALL;
        break;
    case W_STRIVE:
        pt->strive = true;
        break;
    case W_BOUND:
    case W_FLAT:
    case W_ABOUT:
    case W_UNDER:
        pt->flat = pt->flat || w->kind == W_FLAT;
        if (role != JD_FIGURE_TARGET) {
            if (pt->side && w->side && pt->side != w->side)
                return fail(error, "qualifiers that contradict each other ('%s' and '%s')",
                            pt->qualifier->str, w->text);
            if (w->side) pt->side = w->side;
        } else if (pt->bound != JD_BOUND_NONE && w->bound != JD_BOUND_NONE && pt->bound != w->bound) {
            return fail(error, "qualifiers that contradict each other ('%s' and '%s')",
                        pt->qualifier->str, w->text);
        } else if (w->bound != JD_BOUND_NONE) {
            pt->bound = w->bound;
        }
        break;
    }
    if (w->recorded) g_string_append(pt->qualifier, w->text);
    return true;
}

/* Reads an optionally signed decimal number at *p with optional thousands separators
 * (1,200,000: a comma followed by exactly three digits). */
static bool read_decimal(const char **p, double *value)
{
    const char *s = *p;
    GString *digits = g_string_new(NULL);
    if (*s == '-' || *s == '+') g_string_append_c(digits, *s++);
    if (!g_ascii_isdigit(*s)) {
        g_string_free(digits, TRUE);
        return false;
    }
    while (g_ascii_isdigit(*s)) {
        g_string_append_c(digits, *s++);
        if (*s == ',' && g_ascii_isdigit(s[1]) && g_ascii_isdigit(s[2]) && g_ascii_isdigit(s[3]) &&
            !g_ascii_isdigit(s[4]))
            s++;
    }
    if (*s == '.' && g_ascii_isdigit(s[1])) {
        g_string_append_c(digits, *s++);
        while (g_ascii_isdigit(*s))
            g_string_append_c(digits, *s++);
    }
    *value = g_ascii_strtod(digits->str, NULL);
    g_string_free(digits, TRUE);
    *p = s;
    return true;
}

/* Whether `p` starts with `unit`, possibly with 余/多 inside it (万余件 for 万件). Moves *p past
 * it and sets *over when 余/多 was there. */
static bool match_unit(const char **p, const char *unit, bool *over)
{
    if (!*unit) return false;
    if (g_str_has_prefix(*p, unit)) {
        *p += strlen(unit);
        return true;
    }
    for (const char *split = unit; *split; split = g_utf8_next_char(split)) {
        size_t head = (size_t)(split - unit);
        for (size_t m = 0; m < G_N_ELEMENTS(over_marks); m++) {
            /* *p starts with the unit's head, the mark, then the rest of the unit: the text
             * compared in place, piece by piece, rather than built for each split and mark */
            size_t mark = strlen(over_marks[m]);
            if (strncmp(*p, unit, head) == 0 && strncmp(*p + head, over_marks[m], mark) == 0 &&
                g_str_has_prefix(*p + head + mark, split)) {
                *p += head + mark + strlen(split);
                *over = true;
                return true;
            }
        }
    }
    return false;
}

static bool at_separator(const char *p)
{
    return *p == ',' || *p == ';' || g_str_has_prefix(p, "、");
}

/* Reads one part at *p. */
static bool read_part(const char **p, const char *unit, jd_figure_role role, part *pt, char **error)
{
    const word *w;
    const char *start = *p;
    while ((w = match_word(prefix_words, G_N_ELEMENTS(prefix_words), *p))) {
        if (!apply_word(pt, w, role, error)) return false;
        *p += strlen(w->text);
    }
    if (read_decimal(p, &pt->value)) {
        pt->has_number = true;
        bool over = false;
        if (match_unit(p, "%", &over))
            pt->percent = true;
        else if (strcmp(unit, "%") != 0 && match_unit(p, unit, &over))
            pt->unit = true;
        else if (g_str_has_prefix(*p, "余") || g_str_has_prefix(*p, "多")) {
            over = true;
            *p = g_utf8_next_char(*p);
        }
        if (over) {
            if (role == JD_FIGURE_TARGET)
                return fail(error, "'余' and '多' make a target vague: write the number with 以上 "
                                   "or 超过");
            g_string_append(pt->qualifier, "余");
            pt->side = 1;
        }
    } else if (!pt->flat) {
        char *run = unknown_run(*p);
        bool r = *run ? fail(error, "unknown qualifier '%s'", run)
                      : fail(error, "expected a number after '%.*s'", (int)(*p - start), start);
        g_free(run);
        return r;
    } else {
        pt->has_number = true; /* 持平: a rate of 0 */
        pt->value = 0;
    }
    while ((w = match_word(suffix_words, G_N_ELEMENTS(suffix_words), *p))) {
        if (!apply_word(pt, w, role, error)) return false;
        *p += strlen(w->text);
    }
    if (**p && !at_separator(*p)) {
        char *run = unknown_run(*p);
        bool r;
        if (*run && pt->has_number && !pt->percent && !pt->unit)
            r = fail(error, "after the number: expected %s%s, or a qualifier (以上, 以内, 左右 …), "
                            "not '%s'",
                     !*unit || strcmp(unit, "%") == 0 ? "%" : unit,
                     *unit && strcmp(unit, "%") != 0 ? " (the 计量单位)" : "", run);
        else if (*run)
            r = fail(error, "unknown qualifier '%s'", run);
        else
            r = fail(error, "two numbers run together");
        g_free(run);
        return r;
    }
    return true;
}

static bool has_ascii_digit(const char *s)
{
    for (; *s; s++)
        if (g_ascii_isdigit(*s)) return true;
    return false;
}

/* The cell as the parser reads it: compact, with the other minus signs made '-', and the
 * indicator's own name taken out ("地区生产总值增长5%" → "增长5%"). */
static char *normalise(const char *text, const char *name)
{
    char *compact = jd_text_compact(text);
    GString *s = g_string_new(NULL);
    for (const char *p = compact; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (c == 0x2212 || c == 0x2012 || c == 0xFE63)
            g_string_append_c(s, '-');
        else
            g_string_append_unichar(s, c);
    }
    g_free(compact);
    char *n = jd_text_compact(name ? name : "");
    const char *at = *n ? strstr(s->str, n) : NULL;
    if (at) g_string_erase(s, at - s->str, (gssize)strlen(n));
    g_free(n);
    return g_string_free(s, FALSE);
}

static jd_bound flip(jd_bound b)
{
    switch (b) {
    case JD_BOUND_AT_LEAST:
        return JD_BOUND_AT_MOST;
    case JD_BOUND_AT_MOST:
        return JD_BOUND_AT_LEAST;
    case JD_BOUND_ABOVE:
        return JD_BOUND_BELOW;
    case JD_BOUND_BELOW:
        return JD_BOUND_ABOVE;
    default:
        return b;
    }
}

/* The figure from its parts: which part is measured, and checks of units and words. */
static bool combine(part *parts, int n, jd_measure measure, const char *unit, const char *name,
                    jd_figure_role role, jd_figure *figure, char **error)
{
    bool unit_is_percent = strcmp(unit, "%") == 0;
    int rate = -1, amount = -1;
    for (int i = 0; i < n; i++) {
        part *pt = &parts[i];
        if (measure != JD_MEASURE_GROWTH) {
            if (pt->rise || pt->fall)
                return fail(error, "增长 and 下降 describe a growth rate, but '%s' is %s", name,
                            measure == JD_MEASURE_SHARE ? "a share" : "an amount");
            if (pt->percent && !unit_is_percent)
                return fail(error, "a percent, but '%s' is measured in %s (its 计量单位); write the "
                                   "figure in %s",
                            name, unit, unit);
            if (n > 1) return fail(error, "two figures in one cell; '%s' has one", name);
            amount = i;
            continue;
        }
        bool is_rate = pt->percent || pt->rise || pt->fall || (!pt->unit);
        if (is_rate && pt->unit)
            return fail(error, "增长 and 下降 take a rate in %% (增长4.2%%), not an amount in %s", unit);
        if (is_rate && rate >= 0) return fail(error, "two growth rates in one cell");
        if (!is_rate && amount >= 0) return fail(error, "two amounts in one cell");
        if (is_rate)
            rate = i;
        else
            amount = i;
    }
    int measured = measure == JD_MEASURE_GROWTH ? rate : amount;
    if (measured < 0 && measure == JD_MEASURE_GROWTH && role != JD_FIGURE_BASELINE)
        return fail(error, "'%s' is a growth rate: %s needs one, such as 增长5%%", name,
                    role_word(role));
    if (measured < 0) measured = amount; /* a growth baseline given as an amount */
    part *pt = &parts[measured];
    if (pt->fall && pt->value < 0) return fail(error, "下降 and a minus sign: write 下降3%% or -3%%");
    figure->number = true;
    figure->level_only = measure == JD_MEASURE_GROWTH && measured != rate;
    figure->decline = pt->fall;
    figure->value = pt->fall ? -pt->value : pt->value;
    figure->side = pt->fall ? -pt->side : pt->side;
    figure->bound = pt->fall ? flip(pt->bound) : pt->bound;
    figure->qualifier = g_strdup(pt->qualifier->str);
    if (pt->flat && measure != JD_MEASURE_GROWTH)
        return fail(error, "持平 is a growth rate of 0, but '%s' is not a growth rate", name);
    return true;
}

bool jd_figure_parse(const char *text, const char *name, jd_measure measure, const char *unit,
                     jd_figure_role role, jd_figure *figure, char **error)
{
    memset(figure, 0, sizeof *figure);
    if (error) *error = NULL;
    unit = unit ? unit : "";
    char *s = normalise(text ? text : "", name);
    char *u = jd_text_compact(unit);
    bool ok;
    if (!*s) {
        ok = fail(error, "empty");
    } else if (!has_ascii_digit(s) && !strstr(s, "持平")) {
        if (role != JD_FIGURE_TARGET)
            ok = fail(error, "not a number: write it as 5%%, 4.5, 990亿元 or 1,200");
        else if (strstr(s, "百分之") || strstr(s, "百分点"))
            ok = fail(error, "write the number in digits (5%%), or the target in words without one");
        else {
            ok = true; /* a target in words: 实现稳定增长 */
            figure->qualifier = g_strdup("");
        }
    } else {
        part parts[2];
        int n = 0;
        const char *p = s;
        ok = true;
        while (ok && *p) {
            if (n == 2) {
                ok = fail(error, "more than two figures in one cell");
                break;
            }
            parts[n] = (part){0};
            parts[n].qualifier = g_string_new(NULL);
            ok = read_part(&p, u, role, &parts[n], error);
            n++;
            if (ok && at_separator(p)) p = g_utf8_next_char(p);
        }
        if (ok) ok = combine(parts, n, measure, u, name, role, figure, error);
        for (int i = 0; i < n; i++)
            g_string_free(parts[i].qualifier, TRUE);
    }
    if (!ok) jd_figure_clear(figure);
    g_free(u);
    g_free(s);
    return ok;
}

void jd_figure_clear(jd_figure *figure)
{
    g_free(figure->qualifier);
    memset(figure, 0, sizeof *figure);
}

jd_direction jd_figure_direction(const jd_figure *target)
{
    if (target->bound == JD_BOUND_AT_MOST || target->bound == JD_BOUND_BELOW) return JD_LOWER_IS_BETTER;
    if (target->bound == JD_BOUND_NONE || target->bound == JD_BOUND_ABOUT)
        return target->decline ? JD_LOWER_IS_BETTER : JD_HIGHER_IS_BETTER;
    return JD_HIGHER_IS_BETTER;
}

/* ---- rules ---------------------------------------------------------------------------- */

void jd_indicator_rules_init(jd_indicator_rules *rules)
{
    rules->elapsed = JD_ELAPSED_MONTHS;
    rules->about_points = 0.2;
    rules->about_percent = 2;
}

const char *const *jd_indicator_rule_names(void)
{
    static const char *const names[] = {"elapsed", "about_points", "about_percent", NULL};
    return names;
}

bool jd_indicator_rules_set(jd_indicator_rules *rules, const char *key, const char *text,
                            char **why)
{
    char *t = g_strstrip(g_strdup(text ? text : ""));
    bool ok = true;
    if (strcmp(key, "elapsed") == 0) {
        if (strcmp(t, "months") == 0)
            rules->elapsed = JD_ELAPSED_MONTHS;
        else if (strcmp(t, "days") == 0)
            rules->elapsed = JD_ELAPSED_DAYS;
        else
            ok = fail(why, "elapsed is months or days, not '%s'", t);
    } else if (strcmp(key, "about_points") == 0 || strcmp(key, "about_percent") == 0) {
        char *end = NULL;
        double v = g_ascii_strtod(t, &end);
        if (!*t || *end || !isfinite(v) || v < 0 || v > 100)
            ok = fail(why, "%s is a number from 0 to 100, not '%s'", key, t);
        else if (strcmp(key, "about_points") == 0)
            rules->about_points = v;
        else
            rules->about_percent = v;
    } else {
        ok = fail(why, "unknown indicator rule '%s' (known: elapsed, about_points, about_percent)", key);
    }
    g_free(t);
    return ok;
}

/* A number as JSON keeps it: whole numbers as integers. */
static jd_value *new_number(double v)
{
    if (v == floor(v) && fabs(v) < 1e15) return jd_value_new_int((int64_t)v);
    return jd_value_new_double(v);
}

jd_value *jd_indicator_rules_value(const jd_indicator_rules *rules)
{
    jd_value *v = jd_value_new_object();
    jd_object_set(v, "elapsed", jd_value_new_string(rules->elapsed == JD_ELAPSED_DAYS ? "days" : "months"));
    jd_object_set(v, "about_points", new_number(rules->about_points));
    jd_object_set(v, "about_percent", new_number(rules->about_percent));
    return v;
}

bool jd_indicator_rules_from_value(const jd_value *value, jd_indicator_rules *rules, char **why)
{
    jd_indicator_rules_init(rules);
    if (jd_value_kind_of(value) != JD_VALUE_OBJECT) return fail(why, "rules must be an object");
    for (size_t i = 0; i < jd_object_size(value); i++) {
        const char *key = jd_object_key(value, i);
        const jd_value *member = jd_object_value(value, i);
        bool text_ok = strcmp(key, "elapsed") == 0 ? jd_value_kind_of(member) == JD_VALUE_STRING
                                                   : jd_value_is_number(member);
        char *text = jd_value_to_text(member);
        bool ok = text_ok ? jd_indicator_rules_set(rules, key, text, why)
                          : fail(why, "rules.%s must be %s", key,
                                 strcmp(key, "elapsed") == 0 ? "\"months\" or \"days\"" : "a number");
        g_free(text);
        if (!ok) return false;
    }
    return true;
}

static int days_in_year(int year)
{
    return g_date_is_leap_year((GDateYear)year) ? 366 : 365;
}

double jd_elapsed_percent(const jd_ytd *period, const jd_indicator_rules *rules)
{
    if (rules->elapsed == JD_ELAPSED_MONTHS) return period->months * 100.0 / 12;
    int days = 0;
    for (int m = 1; m <= period->months; m++)
        days += g_date_get_days_in_month((GDateMonth)m, (GDateYear)period->year);
    return days * 100.0 / days_in_year(period->year);
}

/* ---- the state of an indicator for a period ----------------------------------------------- */

const char *const *jd_indicator_states(void)
{
    static const char *const states[] = {JD_INDICATOR_DONE, JD_INDICATOR_ON_SCHEDULE,
                                         JD_INDICATOR_BEHIND, JD_INDICATOR_QUALITATIVE,
                                         JD_STATE_NOT_REPORTED, NULL};
    return states;
}

/* Comparisons of decimal figures: equal within a relative 1e-9, so 0.1 × 3 equals 0.3; an
 * actual's side (余 just over, 近 just under) breaks a tie. */
static int compare(double a, int side, double b)
{
    double eps = 1e-9 * fmax(1, fmax(fabs(a), fabs(b)));
    if (a > b + eps) return 1;
    if (a < b - eps) return -1;
    return side > 0 ? 1 : side < 0 ? -1 : 0;
}

/* Whether value a (side) meets limit x under `bound`, `tolerance` being 左右's allowance. */
static bool meets(double a, int side, double x, jd_bound bound, jd_direction direction, double tolerance)
{
    switch (bound) {
    case JD_BOUND_AT_LEAST:
        return compare(a, side, x) >= 0;
    case JD_BOUND_ABOVE:
        return compare(a, side, x) > 0;
    case JD_BOUND_AT_MOST:
        return compare(a, side, x) <= 0;
    case JD_BOUND_BELOW:
        return compare(a, side, x) < 0;
    case JD_BOUND_ABOUT:
        return direction == JD_HIGHER_IS_BETTER ? compare(a, side, x - tolerance) >= 0
                                                : compare(a, side, x + tolerance) <= 0;
    case JD_BOUND_NONE:
        break;
    }
    return direction == JD_HIGHER_IS_BETTER ? compare(a, side, x) >= 0 : compare(a, side, x) <= 0;
}

/* Rounded to 6 decimals, so that 4.2 − 4.5 is -0.3 and not -0.2999999999999998. */
static double tidy(double v)
{
    double r = round(v * 1e6) / 1e6;
    return r == 0 ? 0 : r;
}

/* "50.0%", "+0.5个百分点", "-3.0微克/立方米": half away from zero, on the tidied value (so
 * 4.1 ÷ 8 = 51.25% shows 51.3%, not the 51.2% of its binary 51.2499…). */
static char *one_decimal(double v, bool sign, const char *unit)
{
    double r = round(tidy(v) * 10) / 10;
    if (r == 0) r = 0; /* no "-0.0" */
    return g_strdup_printf(sign && r > 0 ? "+%.1f%s" : "%.1f%s", r, unit);
}

typedef struct {
    const jd_value *indicator;
    const char *name, *unit;
    jd_measure measure;
    jd_direction direction;
    jd_figure target, baseline, actual;
    bool have_baseline;
} reading;

/* Reads the members the rules need; false with *error. */
static bool read_indicator(reading *r, const jd_value *indicator, char **error)
{
    r->indicator = indicator;
    r->name = jd_object_get_string(indicator, "name");
    r->unit = jd_object_get_string(indicator, "unit");
    if (!r->name || !r->unit) return fail(error, "not an indicator: it needs \"name\" and \"unit\"");
    if (!jd_measure_parse(jd_object_get_string(indicator, "measure"), &r->measure))
        return fail(error, "indicator '%s' has no valid \"measure\"", r->name);
    if (!jd_direction_parse(jd_object_get_string(indicator, "direction"), &r->direction))
        return fail(error, "indicator '%s' has no valid \"direction\"", r->name);
    const char *target = jd_object_get_string(jd_object_get(indicator, "target"), "text");
    char *why = NULL;
    if (!target || !jd_figure_parse(target, r->name, r->measure, r->unit, JD_FIGURE_TARGET, &r->target, &why)) {
        bool result = fail(error, "indicator '%s': target: %s", r->name, why ? why : "missing");
        g_free(why);
        return result;
    }
    const char *baseline = jd_object_get_string(jd_object_get(indicator, "baseline"), "text");
    r->have_baseline = baseline &&
                       jd_figure_parse(baseline, r->name, r->measure, r->unit, JD_FIGURE_BASELINE, &r->baseline, NULL) &&
                       !r->baseline.level_only;
    return true;
}

/* The state and completion once an actual is there. */
static const char *judge(const reading *r, const jd_ytd *period, const jd_indicator_rules *rules,
                         double *completion, bool *have_completion, const char **completion_unit)
{
    double x = r->target.value, a = r->actual.value;
    int side = r->actual.side;
    bool rate = r->measure == JD_MEASURE_GROWTH || strcmp(r->unit, "%") == 0;
    double tolerance = rate ? rules->about_points : fabs(x) * rules->about_percent / 100;
    jd_bound bound = r->target.bound;
    if (bound == JD_BOUND_NONE)
        bound = r->direction == JD_HIGHER_IS_BETTER ? JD_BOUND_AT_LEAST : JD_BOUND_AT_MOST;
    bool ceiling = bound == JD_BOUND_AT_MOST || bound == JD_BOUND_BELOW ||
                   (bound == JD_BOUND_ABOUT && r->direction == JD_LOWER_IS_BETTER);
    bool full_year = period->months == 12;
    bool met = meets(a, side, x, bound, r->direction, tolerance);
    double elapsed = jd_elapsed_percent(period, rules) / 100;

    if (r->measure == JD_MEASURE_GROWTH || r->measure == JD_MEASURE_SHARE) {
        *completion = a - x;
        *have_completion = true;
        *completion_unit = rate ? "个百分点" : r->unit;
        return !met ? JD_INDICATOR_BEHIND : full_year ? JD_INDICATOR_DONE : JD_INDICATOR_ON_SCHEDULE;
    }
    *have_completion = x != 0;
    *completion = x != 0 ? a / x * 100 : 0;
    *completion_unit = "%";
    if (ceiling) {
        /* a ceiling is only met once the year is over; before, the pace is checked (an amount)
         * or the figure itself (a stock) */
        if (full_year) return met ? JD_INDICATOR_DONE : JD_INDICATOR_BEHIND;
        if (r->measure == JD_MEASURE_STOCK) return met ? JD_INDICATOR_ON_SCHEDULE : JD_INDICATOR_BEHIND;
        double limit = (bound == JD_BOUND_ABOUT ? x + tolerance : x) * elapsed;
        return compare(a, side, limit) <= 0 ? JD_INDICATOR_ON_SCHEDULE : JD_INDICATOR_BEHIND;
    }
    if (met) return JD_INDICATOR_DONE;
    if (full_year) return JD_INDICATOR_BEHIND;
    if (r->measure == JD_MEASURE_LEVEL) {
        double pace = (bound == JD_BOUND_ABOUT ? x - tolerance : x) * elapsed;
        return compare(a, side, pace) >= 0 ? JD_INDICATOR_ON_SCHEDULE : JD_INDICATOR_BEHIND;
    }
    /* a stock below its target: on schedule when it has come the elapsed share of the way
     * from the baseline; without a baseline that cannot be told */
    double b = r->baseline.value;
    if (!r->have_baseline || compare(x, 0, b) == 0) return JD_INDICATOR_QUALITATIVE;
    return compare((a - b) / (x - b), side, elapsed) >= 0 ? JD_INDICATOR_ON_SCHEDULE : JD_INDICATOR_BEHIND;
}

static const jd_value *find_actual(const jd_value *indicator, const char *period)
{
    const jd_value *actuals = jd_object_get(indicator, "actuals");
    for (size_t i = 0; i < jd_array_length(actuals); i++) {
        const jd_value *a = jd_array_get(actuals, i);
        if (g_strcmp0(jd_object_get_string(a, "period"), period) == 0) return a;
    }
    return NULL;
}

jd_value *jd_indicator_status(const jd_value *indicator, const jd_ytd *period,
                              const jd_indicator_rules *rules, char **error)
{
    if (error) *error = NULL;
    reading r = {0};
    if (!read_indicator(&r, indicator, error)) {
        jd_figure_clear(&r.target);
        return NULL;
    }
    char *key = jd_ytd_format(period);
    const jd_value *actual = find_actual(indicator, key);
    const char *text = jd_object_get_string(actual, "text");
    char *why = NULL;
    if (actual && (!text || !jd_figure_parse(text, r.name, r.measure, r.unit, JD_FIGURE_ACTUAL, &r.actual, &why))) {
        fail(error, "indicator '%s': %s: %s", r.name, key, why ? why : "no text");
        g_free(why);
        g_free(key);
        jd_figure_clear(&r.target);
        jd_figure_clear(&r.baseline);
        return NULL;
    }
    jd_value *out = jd_value_new_object();
    jd_object_set(out, "period", jd_value_new_string_take(key));
    jd_object_set(out, "period_name", jd_value_new_string_take(jd_ytd_name(period)));
    jd_object_set(out, "actual", actual ? jd_value_ref((jd_value *)actual) : jd_value_new_null());
    jd_object_set(out, "actual_text", jd_value_new_string(actual ? text : ""));
    double elapsed = jd_elapsed_percent(period, rules);
    jd_object_set(out, "elapsed", new_number(tidy(elapsed)));
    jd_object_set(out, "elapsed_text", jd_value_new_string_take(one_decimal(elapsed, false, "%")));
    const char *state = JD_STATE_NOT_REPORTED, *completion_unit = "";
    double completion = 0;
    bool have_completion = false;
    if (actual && !r.target.number)
        state = JD_INDICATOR_QUALITATIVE;
    else if (actual)
        state = judge(&r, period, rules, &completion, &have_completion, &completion_unit);
    jd_object_set(out, "completion", have_completion ? new_number(tidy(completion)) : jd_value_new_null());
    jd_object_set(out, "completion_unit", jd_value_new_string(completion_unit));
    bool gap = strcmp(completion_unit, "%") != 0;
    jd_object_set(out, "completion_text",
                  have_completion ? jd_value_new_string_take(one_decimal(completion, gap, completion_unit))
                                  : jd_value_new_string(""));
    jd_object_set(out, "state", jd_value_new_string(state));
    jd_figure_clear(&r.target);
    jd_figure_clear(&r.baseline);
    jd_figure_clear(&r.actual);
    return out;
}
