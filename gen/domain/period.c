/* Reporting periods, report dates and progress states: the forms people write them in →
 * canonical text. docs/data-format.md ("Progress data") lists what is accepted. */
#include <string.h>

#include "jd_domain.h"

enum { QUARTERS = 4, MONTHS = 12, FIRST_YEAR = 1900 };

static const char *const quarter_numerals[QUARTERS] = {"一", "二", "三", "四"};

/* The length of the character at `p` (a byte of 0x80 or more) when it is well formed and
 * surely neither white space nor a full-width form, so that copying its bytes is what
 * decoding it and encoding it again would give; 0 otherwise. Every white space character
 * of Unicode (Zs, Zl, Zp) starts with 0xC2, 0xE1, 0xE2 or 0xE3 and the full-width forms
 * with 0xEF, none of the lead bytes taken here; 0xE0, 0xED and 0xF0 can start overlong or
 * surrogate sequences. Most Chinese text (U+4000 to U+9FFF) is copied this way. */
static size_t plain_char_len(const unsigned char *p)
{
    unsigned char b = p[0];
    size_t n = b >= 0xC3 && b <= 0xDF                ? 2
               : b >= 0xE4 && b <= 0xEE && b != 0xED ? 3
               : b >= 0xF1 && b <= 0xF3              ? 4
                                                     : 0;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80) return 0;
    return n;
}

/* The ASCII characters g_unichar_isspace() takes. */
static bool ascii_space(unsigned char b)
{
    return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\f';
}

bool jd_text_space_at(const char *p)
{
    unsigned char b = (unsigned char)*p;
    if (b < 0x80) return ascii_space(b);
    return !plain_char_len((const unsigned char *)p) && g_unichar_isspace(g_utf8_get_char(p));
}

bool jd_text_compact_to(const char *text, char *out, size_t size)
{
    size_t len = 0;
    for (const char *p = text; *p;) {
        unsigned char b = (unsigned char)*p;
        char encoded[8];
        const char *bytes = p;
        size_t n;
        if (b < 0x80) {
            n = ascii_space(b) ? 0 : 1;
            p++;
        } else if ((n = plain_char_len((const unsigned char *)p))) {
            p += n;
        } else {
            gunichar c = g_utf8_get_char(p);
            bool space = g_unichar_isspace(c);
            if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0;
            n = space ? 0 : (size_t)g_unichar_to_utf8(c, encoded);
            bytes = encoded;
            p = g_utf8_next_char(p);
        }
        if (len + n >= size) return false;
        memcpy(out + len, bytes, n);
        len += n;
    }
    if (len >= size) return false;
    out[len] = '\0';
    return true;
}

char *jd_text_compact(const char *text)
{
    /* compact text is never longer than the text, unless a malformed byte decodes to a
     * character whose encoding is longer (at most six bytes) */
    for (size_t size = strlen(text) + 1;; size *= 6) {
        char *out = g_malloc(size);
        if (jd_text_compact_to(text, out, size)) return out;
        g_free(out);
    }
}

/* Reads 1 to `max_digits` ASCII digits at *p into *n and moves *p past them. */
static bool read_number(const char **p, int max_digits, int *n)
{
    int digits = 0;
    *n = 0;
    while (digits < max_digits && g_ascii_isdigit(**p)) {
        *n = *n * 10 + (**p - '0');
        (*p)++;
        digits++;
    }
    return digits > 0 && !g_ascii_isdigit(**p);
}

/* A number from 1 to 12 written in Chinese numerals (一 … 十二) at *p. */
static bool read_chinese_number(const char **p, int *n)
{
    static const char *const numerals[] = {"十二", "十一", "十", "九", "八", "七",
                                           "六",   "五",   "四", "三", "二", "一"};
    for (size_t i = 0; i < G_N_ELEMENTS(numerals); i++) {
        if (g_str_has_prefix(*p, numerals[i])) {
            *p += strlen(numerals[i]);
            *n = MONTHS - (int)i;
            return true;
        }
    }
    return false;
}

/* The part after "年": 第二季度, 二季度, 2季度, Q2 → quarter; 5月, 五月 → month. */
static bool read_chinese_period(const char *p, jd_period *period)
{
    int n = 0;
    if (*p == 'Q' || *p == 'q') {
        p++;
        if (!read_number(&p, 1, &n) || *p != '\0' || n < 1 || n > QUARTERS) return false;
        period->quarter = n;
        return true;
    }
    bool ordinal = g_str_has_prefix(p, "第");
    if (ordinal) p += strlen("第");
    if (!read_number(&p, 2, &n) && !read_chinese_number(&p, &n)) return false;
    if (strcmp(p, "季度") == 0 && n >= 1 && n <= QUARTERS) {
        period->quarter = n;
        return true;
    }
    if (strcmp(p, "月") == 0 && !ordinal && n >= 1 && n <= MONTHS) {
        period->month = n;
        return true;
    }
    return false;
}

bool jd_period_parse(const char *text, jd_period *period)
{
    char *word = jd_text_compact(text ? text : "");
    const char *p = word;
    jd_period found = {0, 0, 0};
    bool ok = read_number(&p, 4, &found.year) && found.year >= FIRST_YEAR && p - word == 4;
    if (ok && (*p == 'Q' || *p == 'q')) {
        p++;
        ok = read_number(&p, 1, &found.quarter) && *p == '\0' && found.quarter >= 1 &&
             found.quarter <= QUARTERS;
    } else if (ok && (*p == '-' || *p == '.' || *p == '/')) {
        p++;
        ok = read_number(&p, 2, &found.month) && *p == '\0' && found.month >= 1 &&
             found.month <= MONTHS;
    } else if (ok && g_str_has_prefix(p, "年")) {
        ok = read_chinese_period(p + strlen("年"), &found);
    } else {
        ok = false;
    }
    g_free(word);
    if (!ok) return false;
    if (found.month) found.quarter = (found.month - 1) / 3 + 1;
    *period = found;
    return true;
}

int jd_period_quarter(const char *text)
{
    jd_period period;
    return jd_period_parse(text, &period) ? period.quarter : 0;
}

char *jd_period_format(const jd_period *period)
{
    /* what the printf formats below give, written out for the usual years, months and
     * quarters: a report's period is compared with this text for every report read */
    int y = period->year, m = period->month, q = period->quarter;
    if (y >= 0 && y <= 9999 && m >= 0 && m <= 12 && (m || (q >= 1 && q <= 9))) {
        char *out = g_malloc(8), *p = out;
        *p++ = (char)('0' + y / 1000);
        *p++ = (char)('0' + y / 100 % 10);
        *p++ = (char)('0' + y / 10 % 10);
        *p++ = (char)('0' + y % 10);
        if (m) {
            *p++ = '-';
            *p++ = (char)('0' + m / 10);
            *p++ = (char)('0' + m % 10);
        } else {
            *p++ = 'Q';
            *p++ = (char)('0' + q);
        }
        *p = '\0';
        return out;
    }
    if (period->month) return g_strdup_printf("%04d-%02d", period->year, period->month);
    return g_strdup_printf("%04dQ%d", period->year, period->quarter);
}

char *jd_period_name(const jd_period *period)
{
    if (period->month) return g_strdup_printf("%d年%d月", period->year, period->month);
    return g_strdup_printf("%d年第%s季度", period->year, quarter_numerals[period->quarter - 1]);
}

int jd_period_compare(const jd_period *a, const jd_period *b)
{
    int a_end = a->month ? a->month : a->quarter * 3, b_end = b->month ? b->month : b->quarter * 3;
    if (a->year != b->year) return a->year < b->year ? -1 : 1;
    if (a_end != b_end) return a_end < b_end ? -1 : 1;
    /* the month that ends a quarter, then the quarter */
    return (a->month == 0) - (b->month == 0);
}

/* A time of day as Excel writes it after a date: "00:00", "0:00:00", "12:30:05". */
static bool is_time_of_day(const char *p)
{
    int hours, minutes, seconds = 0;
    if (!read_number(&p, 2, &hours) || *p++ != ':' || !read_number(&p, 2, &minutes)) return false;
    if (*p == ':') {
        p++;
        if (!read_number(&p, 2, &seconds)) return false;
    }
    return *p == '\0' && hours <= 23 && minutes <= 59 && seconds <= 59;
}

bool jd_date_parse(const char *text, char **iso)
{
    char *date = g_strstrip(g_strdup(text ? text : ""));
    /* a time of day is the last word, after a space */
    char *space = strrchr(date, ' ');
    bool time_ok = true;
    if (space && strchr(space, ':')) {
        time_ok = is_time_of_day(space + 1);
        *space = '\0';
    }
    char *word = jd_text_compact(date);
    const char *p = word;
    int year = 0, month = 0, day = 0;
    bool ok = time_ok && read_number(&p, 4, &year) && p - word == 4 && year >= FIRST_YEAR;
    if (ok && (*p == '-' || *p == '/' || *p == '.')) {
        char separator = *p++;
        ok = read_number(&p, 2, &month) && *p++ == separator && read_number(&p, 2, &day) &&
             *p == '\0';
    } else if (ok && g_str_has_prefix(p, "年")) {
        p += strlen("年");
        ok = read_number(&p, 2, &month) && g_str_has_prefix(p, "月");
        if (ok) p += strlen("月");
        ok = ok && read_number(&p, 2, &day) && strcmp(p, "日") == 0;
    } else {
        ok = false;
    }
    ok = ok && g_date_valid_dmy((GDateDay)day, (GDateMonth)month, (GDateYear)year);
    g_free(word);
    g_free(date);
    if (ok) *iso = g_strdup_printf("%04d-%02d-%02d", year, month, day);
    return ok;
}

/* ---- states ------------------------------------------------------------------------------ */

const char *const *jd_progress_default_states(void)
{
    static const char *const states[] = {"已完成", "序时推进", "滞后", "未启动", NULL};
    return states;
}

/* Words that mean the same state; a list of states may use any one of them. */
static const char *const state_variants[][5] = {
    {"已完成", "完成", NULL},
    {"序时推进", "正常推进", "按序时推进", "序时", NULL},
    {"滞后", "滞后序时", "滞后于序时", NULL},
    {"未启动", "未开始", NULL},
};

static const char *find_state(const char *word, const char *const *states)
{
    for (const char *const *s = states; *s; s++)
        if (strcmp(*s, word) == 0) return *s;
    return NULL;
}

const char *jd_progress_state(const char *text, const char *const *states)
{
    if (!states) states = jd_progress_default_states();
    char *word = jd_text_compact(text ? text : "");
    const char *state = find_state(word, states);
    for (size_t i = 0; !state && i < G_N_ELEMENTS(state_variants); i++) {
        bool in_group = false;
        for (const char *const *v = state_variants[i]; *v && !in_group; v++)
            in_group = strcmp(*v, word) == 0;
        for (const char *const *v = state_variants[i]; in_group && *v && !state; v++)
            state = find_state(*v, states);
    }
    g_free(word);
    return state;
}

bool jd_progress_not_reported(const char *text)
{
    char *word = jd_text_compact(text ? text : "");
    bool not_reported = strcmp(word, JD_STATE_NOT_REPORTED) == 0;
    g_free(word);
    return not_reported;
}

char *jd_progress_states_text(const char *const *states)
{
    if (!states) states = jd_progress_default_states();
    GString *out = g_string_new(NULL);
    for (const char *const *s = states; *s; s++)
        g_string_append_printf(out, "%s%s", s == states ? "" : s[1] ? ", " : " or ", *s);
    return g_string_free(out, FALSE);
}

/* ---- cumulative periods (indicators) ---------------------------------------------------- */

/* The separators people put between the months of "1-6月": hyphen, dashes, tilde, 至. */
static bool skip_range_mark(const char **p)
{
    static const char *const marks[] = {"-", "~", "—", "–", "至", "到"};
    for (size_t i = 0; i < G_N_ELEMENTS(marks); i++) {
        if (g_str_has_prefix(*p, marks[i])) {
            *p += strlen(marks[i]);
            return true;
        }
    }
    return false;
}

static bool read_month_number(const char **p, int *n)
{
    return read_number(p, 2, n) || read_chinese_number(p, n);
}

/* Quarter `q` alone: months 3 for the first (一季度 is 1-3月), else refused with a hint. */
static bool quarter_alone(int q, int *months, char **why)
{
    if (q == 1) {
        *months = 3;
        return true;
    }
    *why = g_strdup_printf("the %s quarter alone is not cumulative; indicator figures are "
                           "cumulative from January: write %s or 1-%d月",
                           quarter_numerals[q - 1], q == 2 ? "上半年" : q == 3 ? "前三季度" : "全年",
                           q * 3);
    return false;
}

/* The part after the year: 上半年, 一季度, 1-6月, 1月 … → months; false with *why. */
static bool read_cumulative(const char *p, int *months, char **why)
{
    static const struct {
        const char *word;
        int months;
    } words[] = {{"上半年", 6}, {"前三季度", 9}, {"前3季度", 9}, {"1-3季度", 9},
                 {"一至三季度", 9}, {"全年", 12}, {"全年累计", 12}};
    for (size_t i = 0; i < G_N_ELEMENTS(words); i++) {
        if (strcmp(p, words[i].word) == 0) {
            *months = words[i].months;
            return true;
        }
    }
    if (strcmp(p, "下半年") == 0) {
        *why = g_strdup("下半年 does not start in January; indicator figures are cumulative from "
                        "January (全年 or 1-12月)");
        return false;
    }
    int first = 0, last = 0;
    const char *q = p;
    bool ordinal = g_str_has_prefix(q, "第");
    if (ordinal) q += strlen("第");
    if (*q == 'Q' || *q == 'q') {
        q++;
        return read_number(&q, 1, &first) && *q == '\0' && first >= 1 && first <= QUARTERS &&
               quarter_alone(first, months, why);
    }
    if (!read_month_number(&q, &first)) return false;
    if (strcmp(q, "季度") == 0 && first >= 1 && first <= QUARTERS)
        return quarter_alone(first, months, why);
    if (ordinal) return false;
    if (strcmp(q, "月") == 0 && first >= 1 && first <= MONTHS) {
        if (first == 1) {
            *months = 1;
            return true;
        }
        *why = g_strdup_printf("%d月 alone is one month; indicator figures are cumulative from "
                               "January: write 1-%d月",
                               first, first);
        return false;
    }
    if (!skip_range_mark(&q) || !read_month_number(&q, &last)) return false;
    if (strcmp(q, "月") != 0 || last < 1 || last > MONTHS) return false;
    if (first != 1) {
        *why = g_strdup_printf("%d-%d月 does not start in January; indicator figures are "
                               "cumulative from January: write 1-%d月",
                               first, last, last);
        return false;
    }
    *months = last;
    return true;
}

bool jd_ytd_parse(const char *text, int year, jd_ytd *ytd, char **why)
{
    char *word = jd_text_compact(text ? text : "");
    char *reason = NULL;
    const char *p = word;
    int y = 0, months = 0, first = 0, y2 = 0;
    bool ok = false;
    if (read_number(&p, 4, &y) && p - word == 4 && y >= FIRST_YEAR) {
        if (*p == '-' && (p++, read_number(&p, 2, &first))) {
            if (*p == '\0') { /* 2023-01: a month written as a reporting period */
                ok = first == 1;
                months = first;
                if (!ok && first >= 1 && first <= MONTHS)
                    reason = g_strdup_printf("%d-%02d is one month; indicator figures are "
                                             "cumulative from January: write %d-01/%d-%02d",
                                             y, first, y, y, first);
            } else if (*p == '/' && (p++, read_number(&p, 4, &y2)) && *p == '-' &&
                       (p++, read_number(&p, 2, &months)) && *p == '\0') {
                ok = first == 1 && y2 == y && months >= 1 && months <= MONTHS;
            }
        } else if (g_str_has_prefix(p, "年")) {
            ok = read_cumulative(p + strlen("年"), &months, &reason);
        } else if (*p == 'Q' || *p == 'q') {
            ok = read_cumulative(p, &months, &reason);
        }
    } else {
        y = year;
        ok = read_cumulative(word, &months, &reason);
        if (ok && !y) {
            ok = false;
            reason = g_strdup_printf("%s: which year? (2023年%s)", word, word);
        }
    }
    g_free(word);
    if (ok) *ytd = (jd_ytd){y, months};
    if (why)
        *why = reason;
    else
        g_free(reason);
    return ok;
}

jd_ytd jd_ytd_of_period(const jd_period *period)
{
    return (jd_ytd){period->year, period->month ? period->month : period->quarter * 3};
}

char *jd_ytd_format(const jd_ytd *ytd)
{
    return g_strdup_printf("%04d-01/%04d-%02d", ytd->year, ytd->year, ytd->months);
}

char *jd_ytd_name(const jd_ytd *ytd)
{
    switch (ytd->months) {
    case 1:
        return g_strdup("1月");
    case 3:
        return g_strdup("一季度");
    case 6:
        return g_strdup("上半年");
    case 9:
        return g_strdup("前三季度");
    case 12:
        return g_strdup("全年");
    default:
        return g_strdup_printf("1-%d月", ytd->months);
    }
}
