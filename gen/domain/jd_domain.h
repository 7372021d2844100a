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

/* ---- reports ------------------------------------------------------------------------------ */

/* What a merged unit row reports for `period`, as a sheet shows it:
 *   { "state": …, "done": …, "problems": …, "next": …, "reporter": …, "date": …,
 *     "units": [names that reported], "missing": [names that did not] }
 * With no report at all the state is "未报送" and the texts are empty. When several names
 * of the row reported, the state is the most worrying one (滞后, then 未启动, 序时推进, 已完成,
 * then any other) and each text line starts with its unit ("商务局：…"). New reference. */
jd_value *jd_progress_report(const jd_value *unit_row, const jd_period *period);

/* The (task, unit) pairs of a merged list without a report for `period`, in list order,
 * each unit once per task: [{"task": 5, "unit": "商务局"}, ...] (a new array). What a
 * summary counts as 未报送. */
jd_value *jd_progress_missing(const jd_value *merged, const jd_period *period);

#endif
