/* jd_domain.h — what the data means: reporting periods, progress states, a unit row's
 * report for a period, and who did not report. The importer (reading and merging data)
 * and the template filters (what a sheet shows) both use these rules, so a period or a
 * state means the same thing wherever it is read. Depends on data and base only.
 */
#ifndef JD_DOMAIN_H
#define JD_DOMAIN_H

#include <stdbool.h>

#include "jd_base.h"
#include "jd_data.h"

/* ---- text ---------------------------------------------------------------------------- */

/* `text` without white space and with full-width ASCII made ASCII ("２０２３年 ５月" →
 * "2023年5月"), as header words, periods, dates and states are compared. Newly allocated. */
char *jd_text_compact(const char *text);
/* jd_text_compact() into `out`, `size` bytes with the NUL, without allocating: false when
 * it does not fit (a header word is a few characters: a longer cell is none, and need not
 * be compacted whole to know it). */
bool jd_text_compact_to(const char *text, char *out, size_t size);
/* g_unichar_isspace(g_utf8_get_char(p)), decoding only a character whose first byte can
 * begin white space: most Chinese text is known not to be from its first byte. */
bool jd_text_space_at(const char *p);

/* ---- periods and dates ------------------------------------------------------------------ */

/* A reporting period: a quarter, or a month of a year. The functions below expect the
 * values jd_period_parse() gives (quarter 1–4 always set, month 0 or in that quarter). */
typedef struct {
    int year;
    int quarter; /* 1–4; for a month, the quarter it belongs to (whose plan is in force) */
    int month;   /* 1–12, or 0 for a whole quarter */
} jd_period;

/* Reads "2023Q2", "2023 Q2", "2023年第二季度", "2023年二季度", "2023-05", "2023.05",
 * "2023/5", "2023年5月" (spaces ignored, full-width digits accepted). */
bool jd_period_parse(const char *text, jd_period *period);
/* The quarter (1–4) of a period written any of those ways; 0 if `text` is not a period. */
int jd_period_quarter(const char *text);
/* Canonical text: "2023Q2" or "2023-05". Newly allocated. */
char *jd_period_format(const jd_period *period);
/* As people write it: "2023年第二季度" or "2023年5月". Newly allocated. */
char *jd_period_name(const jd_period *period);
/* Chronological by the period's last month; a month comes before the quarter it ends. */
int jd_period_compare(const jd_period *a, const jd_period *b);

/* Reads "2023-06-25", "2023/6/25", "2023.6.25", "2023年6月25日", optionally followed by a
 * time of day ("2023-06-25 00:00:00", as Excel writes dates), into "2023-06-25" (newly
 * allocated in *iso). False for anything else, or a day that does not exist. */
bool jd_date_parse(const char *text, char **iso);

/* ---- progress states ------------------------------------------------------------------- */

/* 已完成, 序时推进, 滞后, 未启动 (NULL-terminated). */
const char *const *jd_progress_default_states(void);
/* The state of `states` that `text` names: the state itself, or a common variant of it
 * ("完成" → 已完成, "正常推进" → 序时推进, "滞后于序时" → 滞后, "未开始" → 未启动; spaces
 * ignored). The variants are interchangeable: with 正常推进 among `states`, "序时推进"
 * gives 正常推进. NULL if `text` names none of them. */
const char *jd_progress_state(const char *text, const char *const *states);
/* The states as a message lists them: "已完成, 序时推进, 滞后 or 未启动". Newly allocated. */
char *jd_progress_states_text(const char *const *states);

/* The state shown for a unit that has not reported for a period. */
#define JD_STATE_NOT_REPORTED "未报送"

/* Whether `text` is 未报送 (spaces and full-width forms aside): what a sheet shows for no
 * report, so a progress row saying only that is no report. */
bool jd_progress_not_reported(const char *text);

/* ---- reports ------------------------------------------------------------------------------ */

/* What a merged unit row reports for `period`, as a sheet shows it:
 *   { "state": …, "done": …, "problems": …, "next": …, "reporter": …, "date": …,
 *     "units": [names that reported], "missing": [names that did not] }
 * With no report at all the state is "未报送" and the texts are empty. When several names
 * of the row reported, the state is the most worrying one (滞后, then 未启动, 序时推进, 已完成,
 * then any other) and each text line starts with its unit ("商务局：…"). New reference. */
jd_value *jd_progress_report(const jd_value *unit_row, const jd_period *period);
/* Its "state" alone, without building the rest (borrowed from the row; "" for a report
 * without a state, as the report would hold). */
const char *jd_progress_report_state(const jd_value *unit_row, const jd_period *period);
/* The same for one unit of the row only (`only` one of its names): its own state and texts,
 * 未报送 when it has not reported however the row's other units did. */
jd_value *jd_progress_report_of(const jd_value *unit_row, const jd_period *period, const char *only);

/* The distinct unit names of a task's unit rows, in the order they first appear: the units
 * that each report on the task (borrowed from the task; free the array with
 * g_ptr_array_free(names, TRUE)). */
GPtrArray *jd_task_unit_names(const jd_value *task);

/* The (task, unit) pairs of a merged list without a report for `period`, in list order,
 * each unit once per task: [{"task": 5, "unit": "商务局"}, ...] (a new array). What a
 * summary counts as 未报送. */
jd_value *jd_progress_missing(const jd_value *merged, const jd_period *period);

/* ---- tasks ------------------------------------------------------------------------------ */

/* The state of a task of a merged list for `period`, from what each of its unit names
 * reports (a name in several rows counts once; several reports of one name: the most
 * worrying). The most worrying of them, in this order: 滞后, 未启动, any other state,
 * 未报送 (a name without a report: the task cannot be called on schedule or done), 序时推进,
 * 已完成 — so a task is 已完成 only when every unit reports it done. Variants count as
 * their state (正常推进 as 序时推进) and are returned as written. Borrowed from the task,
 * or JD_STATE_NOT_REPORTED. */
const char *jd_task_state(const jd_value *task, const jd_period *period);

/* What each unit of a merged task reports for `period`, one entry per distinct unit name
 * in the order jd_task_unit_names gives: [{"unit", "state", "done", "problems", "next",
 * "reporter", "date"}] — the name's most worrying report (as jd_task_state weighs it),
 * 未报送 with empty texts when it has none. So a summary names the units that lag once
 * each, however many rows name them. New reference. */
jd_value *jd_task_unit_reports(const jd_value *task, const jd_period *period);

/* How many tasks of `tasks` (an array of merged tasks) are in each state for `period`: an
 * object with every state of `states` in its order (NULL-terminated; NULL: the four
 * defaults), 0 when no task is in it, then any other state in the order first met, then
 * 未报送. New reference. */
jd_value *jd_task_state_counts(const jd_value *tasks, const char *const *states,
                               const jd_period *period);
/* The same counts from the tasks' states already known (`n` of them, as jd_task_state gives
 * them), for a caller that keeps them. */
jd_value *jd_state_counts(const char *const *task_states, size_t n, const char *const *states);

/* ---- indicators ---------------------------------------------------------------------------
 *
 * An indicator (指标) has an annual target and actual figures for cumulative periods as
 * statistics offices publish them (一季度, 上半年, 前三季度, 全年, 1-2月 … 1-12月: always
 * from January). docs/data-format.md ("Indicators") gives every rule with its formula. */

/* A cumulative period: January through `months` of `year`. */
typedef struct {
    int year;
    int months; /* 1–12 */
} jd_ytd;

/* Reads "2023-01/2023-06" (the canonical form), "一季度", "第一季度", "上半年", "前三季度",
 * "全年", "1-6月" (also 1—6月, 1~6月, 1至6月, 一至六月), "1月", each optionally after a year
 * ("2023年上半年", "2023年1-6月"); forms without a year take `year` (0: a year is required).
 * A single quarter or month other than the first ("二季度", "2023Q2", "6月") is not
 * cumulative and is refused with a hint in *why (may be NULL; newly allocated). */
bool jd_ytd_parse(const char *text, int year, jd_ytd *ytd, char **why);
/* The cumulative period a reporting period ends: 2023Q2 → January–June, 2023-05 → January–May. */
jd_ytd jd_ytd_of_period(const jd_period *period);
/* "2023-01/2023-06" (ISO 8601 interval). Newly allocated. */
char *jd_ytd_format(const jd_ytd *ytd);
/* As statistics offices name it, without the year: 一季度, 上半年, 前三季度, 全年, else "1-5月"
 * ("1月" for January). Newly allocated. */
char *jd_ytd_name(const jd_ytd *ytd);

typedef enum {
    JD_MEASURE_GROWTH, /* 增速: a rate in %, compared with the target rate */
    JD_MEASURE_LEVEL,  /* 总量: an amount that accumulates over the year, against 序时进度 */
    JD_MEASURE_STOCK,  /* 存量: a count or size at a point in time (企业数, 播种面积) */
    JD_MEASURE_SHARE,  /* 比重: a ratio or average compared directly (占比, 年均浓度) */
} jd_measure;

typedef enum { JD_HIGHER_IS_BETTER, JD_LOWER_IS_BETTER } jd_direction;

/* What a target's words demand of the (signed) value. */
typedef enum {
    JD_BOUND_NONE,     /* only a number: its direction decides (at least / at most) */
    JD_BOUND_AT_LEAST, /* 以上, 不低于, 不少于, 突破: ≥ */
    JD_BOUND_ABOVE,    /* 超过, 高于: > */
    JD_BOUND_AT_MOST,  /* 以内, 以下, 不超过, 控制在: ≤ */
    JD_BOUND_BELOW,    /* 低于: < */
    JD_BOUND_ABOUT,    /* 左右, 上下, 约, 持平: within the tolerance on the unfavourable side */
} jd_bound;

/* "growth", "level", "stock", "share"; parse also takes 增速, 总量, 存量, 比重 and their
 * variants (docs/data-format.md). */
const char *jd_measure_name(jd_measure measure);
bool jd_measure_parse(const char *text, jd_measure *measure);
/* "higher", "lower"; parse also takes 正向, 逆向, 越大越好, 越小越好 …. */
const char *jd_direction_name(jd_direction direction);
bool jd_direction_parse(const char *text, jd_direction *direction);

/* The measure an indicator without one written is taken to have, from its name, unit and
 * target text: 增长/下降/持平/增速 in the target or 增速/增长/增幅 in the name → growth;
 * 比重/占比/比例/率/强度 in the name → share; a unit other than % → level. False (with
 * *why) when that leaves it open (a % unit and nothing else). */
bool jd_measure_guess(const char *name, const char *unit, const char *target, jd_measure *measure,
                      char **why);

/* Which cell a figure comes from: the words each may use differ (a target has 力争 and
 * 以内, an actual has 近 and 余) and only a target may be words without a number. */
typedef enum { JD_FIGURE_BASELINE, JD_FIGURE_TARGET, JD_FIGURE_ACTUAL } jd_figure_role;

/* A cell read as a figure. */
typedef struct {
    bool number;       /* a number was read; false for a target in words (定性) */
    double value;      /* the figure the rules compare: for growth the rate in %, signed */
    int side;          /* an actual: -1 just under the value (近, 不到), +1 just over (余, 多) */
    jd_bound bound;    /* a target's words, on the signed value */
    bool decline;      /* written as 下降/减少/降低 (the value is negative) */
    bool level_only;   /* growth: only an amount, no rate ("67亿元" as a baseline) */
    char *qualifier;   /* the qualifier words as written, in order ("力争突破", "控制在以内") */
} jd_figure;

/* Reads `text` as a figure of an indicator named `name` with `measure` and 计量单位 `unit`:
 * words, a number (5, 4.5, -0.5, 1,200, full-width digits), the unit or %, words. Growth
 * cells may give an amount and a rate ("70亿元，增长4.2%"). False with a message in *error
 * (newly allocated) that says what was expected. Clear with jd_figure_clear(). */
bool jd_figure_parse(const char *text, const char *name, jd_measure measure, const char *unit,
                     jd_figure_role role, jd_figure *figure, char **error);
void jd_figure_clear(jd_figure *figure);

/* The direction a target implies: a ceiling (以内, 不超过 …) or 下降 → lower is better,
 * else higher. */
jd_direction jd_figure_direction(const jd_figure *target);

/* ---- indicator rules ---------------------------------------------------------------------- */

typedef enum {
    JD_ELAPSED_MONTHS, /* 序时进度 = months elapsed ÷ 12 */
    JD_ELAPSED_DAYS,   /* days from 1 January to the period's last day ÷ days of the year */
} jd_elapsed_rule;

/* The conventions an office may set (docs/data-format.md, "Indicator rules"). */
typedef struct {
    jd_elapsed_rule elapsed;
    double about_points;  /* 左右 on a rate (%): this many percentage points */
    double about_percent; /* 左右 on any other figure: this percent of the target */
} jd_indicator_rules;

/* months, 0.2 percentage points, 2 percent. */
void jd_indicator_rules_init(jd_indicator_rules *rules);
/* Sets one rule from its name ("elapsed", "about_points", "about_percent") and text
 * ("months"/"days", a number ≥ 0). False with a message in *why (newly allocated). */
bool jd_indicator_rules_set(jd_indicator_rules *rules, const char *key, const char *text,
                            char **why);
/* The rule names, NULL-terminated. */
const char *const *jd_indicator_rule_names(void);
/* {"elapsed": "months", "about_points": 0.2, "about_percent": 2}. New reference. */
jd_value *jd_indicator_rules_value(const jd_indicator_rules *rules);
/* Reads an object as jd_indicator_rules_value() writes it (members may be missing). False
 * with *why naming the member at fault. */
bool jd_indicator_rules_from_value(const jd_value *value, jd_indicator_rules *rules, char **why);

/* 序时进度 of a period in percent: 6 months → 50. */
double jd_elapsed_percent(const jd_ytd *period, const jd_indicator_rules *rules);

/* The states of an indicator for a period. */
#define JD_INDICATOR_DONE "已完成全年目标"
#define JD_INDICATOR_ON_SCHEDULE "达到序时进度"
#define JD_INDICATOR_BEHIND "滞后序时进度"
#define JD_INDICATOR_QUALITATIVE "无法量化"
/* and JD_STATE_NOT_REPORTED (未报送) when the period has no figure */

/* The five states in the order a summary lists them, NULL-terminated. */
const char *const *jd_indicator_states(void);

/* An indicator of the canonical tree for `period`, by `rules`:
 *   { "period": "2023-01/2023-06", "period_name": "上半年",
 *     "actual": {period, text, qualifier, value} or null, "actual_text": its text or "",
 *     "elapsed": 50, "elapsed_text": "50.0%",
 *     "completion": 111.3 or -0.3 or null, "completion_unit": "%" or "个百分点" or the unit,
 *     "completion_text": "111.3%", "state": "已完成全年目标" }
 * NULL with *error (newly allocated) when the indicator is not a valid one. New reference. */
jd_value *jd_indicator_status(const jd_value *indicator, const jd_ytd *period,
                              const jd_indicator_rules *rules, char **error);

#endif
