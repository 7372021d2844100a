/* The domain's indicator rules, each with exact numbers: cumulative periods, figures as
 * clerks write them (numbers, units, qualifiers), 序时进度, completion and the state for every
 * qualifier and direction; and a task's state from its units' reports. */
#include <math.h>
#include <string.h>

#include "jd_domain.h"
#include "testutil.h"

/* ---- cumulative periods ------------------------------------------------------------------- */

START_TEST(cumulative_periods_in_every_form)
{
    static const struct {
        const char *text;
        int year, months;
        const char *canonical, *name;
    } cases[] = {
        {"2023-01/2023-06", 2023, 6, "2023-01/2023-06", "上半年"},
        {"一季度", 2023, 3, "2023-01/2023-03", "一季度"},
        {"第一季度", 2023, 3, "2023-01/2023-03", "一季度"},
        {"2023Q1", 2023, 3, "2023-01/2023-03", "一季度"},
        {"上半年", 2023, 6, "2023-01/2023-06", "上半年"},
        {"2023年上半年", 2023, 6, "2023-01/2023-06", "上半年"},
        {"前三季度", 2023, 9, "2023-01/2023-09", "前三季度"},
        {"全年", 2023, 12, "2023-01/2023-12", "全年"},
        {"2024年全年", 2024, 12, "2024-01/2024-12", "全年"},
        {"1-2月", 2023, 2, "2023-01/2023-02", "1-2月"},
        {"1—5月", 2023, 5, "2023-01/2023-05", "1-5月"},
        {"1~7月", 2023, 7, "2023-01/2023-07", "1-7月"},
        {"１－１１月", 2023, 11, "2023-01/2023-11", "1-11月"},
        {"1至6月", 2023, 6, "2023-01/2023-06", "上半年"},
        {"一至六月", 2023, 6, "2023-01/2023-06", "上半年"},
        {"2023年1-12月", 2023, 12, "2023-01/2023-12", "全年"},
        {"1月", 2023, 1, "2023-01/2023-01", "1月"},
        {"2023-01", 2023, 1, "2023-01/2023-01", "1月"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        jd_ytd ytd;
        char *why = NULL;
        ck_assert_msg(jd_ytd_parse(cases[i].text, 2023, &ytd, &why), "'%s': %s", cases[i].text, why);
        ck_assert_int_eq(ytd.year, cases[i].year);
        ck_assert_int_eq(ytd.months, cases[i].months);
        char *canonical = jd_ytd_format(&ytd), *name = jd_ytd_name(&ytd);
        ck_assert_str_eq(canonical, cases[i].canonical);
        ck_assert_str_eq(name, cases[i].name);
        g_free(canonical);
        g_free(name);
    }
}
END_TEST

START_TEST(cumulative_periods_refused)
{
    static const struct {
        const char *text, *why;
    } cases[] = {
        {"二季度", "the 二 quarter alone is not cumulative; indicator figures are cumulative from "
                   "January: write 上半年 or 1-6月"},
        {"2023Q2", "the 二 quarter alone is not cumulative; indicator figures are cumulative from "
                   "January: write 上半年 or 1-6月"},
        {"第四季度", "the 四 quarter alone is not cumulative; indicator figures are cumulative from "
                     "January: write 全年 or 1-12月"},
        {"6月", "6月 alone is one month; indicator figures are cumulative from January: write 1-6月"},
        {"2023-06", "2023-06 is one month; indicator figures are cumulative from January: write "
                    "2023-01/2023-06"},
        {"3-6月", "3-6月 does not start in January; indicator figures are cumulative from January: "
                  "write 1-6月"},
        {"下半年", "下半年 does not start in January; indicator figures are cumulative from January "
                   "(全年 or 1-12月)"},
        {"上半年", "上半年: which year? (2023年上半年)"}, /* without a default year */
        {"1-13月", NULL},
        {"2023-01/2024-06", NULL},
        {"2023-02/2023-06", NULL},
        {"完成情况", NULL},
        {"", NULL},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        jd_ytd ytd;
        char *why = NULL;
        int year = strcmp(cases[i].text, "上半年") == 0 ? 0 : 2023;
        ck_assert_msg(!jd_ytd_parse(cases[i].text, year, &ytd, &why), "'%s' was accepted", cases[i].text);
        if (cases[i].why)
            ck_assert_str_eq(why, cases[i].why);
        else
            ck_assert_ptr_null(why);
        g_free(why);
    }
    /* a reporting period ends a cumulative one */
    jd_period q2 = {2023, 2, 0}, may = {2023, 2, 5};
    ck_assert_int_eq(jd_ytd_of_period(&q2).months, 6);
    ck_assert_int_eq(jd_ytd_of_period(&may).months, 5);
}
END_TEST

/* ---- figures -------------------------------------------------------------------------------- */

typedef struct {
    const char *text, *name;
    jd_measure measure;
    const char *unit;
    jd_figure_role role;
    double value;
    jd_bound bound;
    int side;
    const char *qualifier;
    bool number, decline, level_only;
} figure_case;

START_TEST(figures_as_clerks_write_them)
{
    const jd_measure G = JD_MEASURE_GROWTH, L = JD_MEASURE_LEVEL, S = JD_MEASURE_STOCK,
                     H = JD_MEASURE_SHARE;
    const jd_figure_role T = JD_FIGURE_TARGET, A = JD_FIGURE_ACTUAL, B = JD_FIGURE_BASELINE;
    const figure_case cases[] = {
        {"增长5%", "地区生产总值", G, "亿元", T, 5, JD_BOUND_NONE, 0, "", true, false, false},
        {"5", "地区生产总值", G, "%", T, 5, JD_BOUND_NONE, 0, "", true, false, false},
        {"地区生产总值增长5%", "地区生产总值", G, "亿元", T, 5, JD_BOUND_NONE, 0, "", true, false, false},
        {"增长5%以上", "x", G, "%", T, 5, JD_BOUND_AT_LEAST, 0, "以上", true, false, false},
        {"增长5%左右", "x", G, "%", T, 5, JD_BOUND_ABOUT, 0, "左右", true, false, false},
        {"同比持平", "x", G, "%", T, 0, JD_BOUND_ABOUT, 0, "持平", true, false, false},
        {"下降3%以上", "能耗", G, "%", T, -3, JD_BOUND_AT_MOST, 0, "以上", true, true, false},
        {"下降3%以内", "x", G, "%", T, -3, JD_BOUND_AT_LEAST, 0, "以内", true, true, false},
        {"同比增长3%左右", "x", G, "亿元", A, 3, JD_BOUND_NONE, 0, "左右", true, false, false},
        {"超过990亿元，同比增长3%", "x", G, "亿元", B, 3, JD_BOUND_NONE, 0, "", true, false, false},
        {"70亿元，同比增长4.2%", "x", G, "亿元", A, 4.2, JD_BOUND_NONE, 0, "", true, false, false},
        {"67亿元", "x", G, "亿元", B, 67, JD_BOUND_NONE, 0, "", true, false, true},
        {"-0.5%", "x", G, "%", A, -0.5, JD_BOUND_NONE, 0, "", true, false, false},
        {"−0.5%", "x", G, "%", A, -0.5, JD_BOUND_NONE, 0, "", true, false, false},
        {"４．５％", "x", G, "%", A, 4.5, JD_BOUND_NONE, 0, "", true, false, false},
        {"下降近3%", "x", G, "%", A, -3, JD_BOUND_NONE, 1, "近", true, true, false},
        {"990亿元", "x", L, "亿元", A, 990, JD_BOUND_NONE, 0, "", true, false, false},
        {"１，２００亿元", "x", L, "亿元", A, 1200, JD_BOUND_NONE, 0, "", true, false, false},
        {"1,200", "x", L, "个", A, 1200, JD_BOUND_NONE, 0, "", true, false, false},
        {"1,200,000元", "x", L, "元", A, 1200000, JD_BOUND_NONE, 0, "", true, false, false},
        {"５", "x", L, "家", A, 5, JD_BOUND_NONE, 0, "", true, false, false},
        {"5300余人", "x", L, "人", A, 5300, JD_BOUND_NONE, 1, "余", true, false, false},
        {"4800多件", "x", L, "件", A, 4800, JD_BOUND_NONE, 1, "余", true, false, false},
        {"3.1万余件", "x", L, "万件", A, 3.1, JD_BOUND_NONE, 1, "余", true, false, false},
        {"7.5余万亩", "x", L, "万亩", B, 7.5, JD_BOUND_NONE, 1, "余", true, false, false},
        {"近6000人", "x", L, "人", A, 6000, JD_BOUND_NONE, -1, "近", true, false, false},
        {"超过100亿元", "x", L, "亿元", T, 100, JD_BOUND_ABOVE, 0, "超过", true, false, false},
        {"超过100亿元", "x", L, "亿元", A, 100, JD_BOUND_NONE, 1, "超过", true, false, false},
        {"不低于8万亩", "x", L, "万亩", T, 8, JD_BOUND_AT_LEAST, 0, "不低于", true, false, false},
        {"不少于100个", "x", L, "个", T, 100, JD_BOUND_AT_LEAST, 0, "不少于", true, false, false},
        {"力争500台", "x", L, "台", T, 500, JD_BOUND_NONE, 0, "力争", true, false, false},
        {"力争突破1000家", "x", S, "家", T, 1000, JD_BOUND_AT_LEAST, 0, "力争突破", true, false, false},
        {"力争技术合同交易额突破100亿元", "技术合同交易额", L, "亿元", T, 100, JD_BOUND_AT_LEAST, 0,
         "力争突破", true, false, false},
        {"达到110家", "x", S, "家", T, 110, JD_BOUND_NONE, 0, "", true, false, false},
        {"控制在39微克/立方米以内", "x", H, "微克/立方米", T, 39, JD_BOUND_AT_MOST, 0, "控制在以内", true,
         false, false},
        {"不超过3.5%", "x", H, "%", T, 3.5, JD_BOUND_AT_MOST, 0, "不超过", true, false, false},
        {"低于3.5%", "x", H, "%", T, 3.5, JD_BOUND_BELOW, 0, "低于", true, false, false},
        {"100亿元左右", "x", L, "亿元", T, 100, JD_BOUND_ABOUT, 0, "左右", true, false, false},
        {"实现稳定增长", "x", G, "%", T, 0, JD_BOUND_NONE, 0, "", false, false, false},
        {"与经济发展同步增长", "x", L, "元", T, 0, JD_BOUND_NONE, 0, "", false, false, false},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        const figure_case *c = &cases[i];
        jd_figure f;
        char *error = NULL;
        ck_assert_msg(jd_figure_parse(c->text, c->name, c->measure, c->unit, c->role, &f, &error),
                      "'%s': %s", c->text, error);
        ck_assert_msg(f.number == c->number && f.value == c->value && f.bound == c->bound &&
                          f.side == c->side && f.decline == c->decline && f.level_only == c->level_only,
                      "'%s': number %d value %g bound %d side %d decline %d level_only %d", c->text,
                      f.number, f.value, f.bound, f.side, f.decline, f.level_only);
        ck_assert_str_eq(f.qualifier, c->qualifier);
        jd_figure_clear(&f);
    }
}
END_TEST

START_TEST(figures_refused_with_what_was_expected)
{
    static const struct {
        const char *text;
        jd_measure measure;
        const char *unit;
        jd_figure_role role;
        const char *error;
    } cases[] = {
        {"5%", JD_MEASURE_LEVEL, "亿元", JD_FIGURE_ACTUAL,
         "a percent, but '投资额' is measured in 亿元 (its 计量单位); write the figure in 亿元"},
        {"较快增长", JD_MEASURE_GROWTH, "%", JD_FIGURE_ACTUAL,
         "not a number: write it as 5%, 4.5, 990亿元 or 1,200"},
        {"增长5%附近", JD_MEASURE_GROWTH, "%", JD_FIGURE_TARGET, "unknown qualifier '附近'"},
        {"大概5%", JD_MEASURE_GROWTH, "%", JD_FIGURE_TARGET, "unknown qualifier '大概'"},
        {"990万元", JD_MEASURE_LEVEL, "亿元", JD_FIGURE_ACTUAL,
         "after the number: expected 亿元 (the 计量单位), or a qualifier (以上, 以内, 左右 …), not '万元'"},
        {"5000余人", JD_MEASURE_LEVEL, "人", JD_FIGURE_TARGET,
         "'余' and '多' make a target vague: write the number with 以上 or 超过"},
        {"近100亿元", JD_MEASURE_LEVEL, "亿元", JD_FIGURE_TARGET, "'近' does not belong in a target"},
        {"力争100亿元", JD_MEASURE_LEVEL, "亿元", JD_FIGURE_ACTUAL,
         "'力争' does not belong in an actual figure"},
        {"不低于5%以内", JD_MEASURE_SHARE, "%", JD_FIGURE_TARGET,
         "qualifiers that contradict each other ('不低于' and '以内')"},
        {"持平", JD_MEASURE_LEVEL, "亿元", JD_FIGURE_TARGET,
         "持平 is a growth rate of 0, but '投资额' is not a growth rate"},
        {"增长70亿元", JD_MEASURE_GROWTH, "亿元", JD_FIGURE_ACTUAL,
         "增长 and 下降 take a rate in % (增长4.2%), not an amount in 亿元"},
        {"增长百分之五", JD_MEASURE_GROWTH, "%", JD_FIGURE_TARGET,
         "write the number in digits (5%), or the target in words without one"},
        {"1,2", JD_MEASURE_LEVEL, "个", JD_FIGURE_ACTUAL, "two figures in one cell; '投资额' has one"},
        {"70亿元", JD_MEASURE_GROWTH, "亿元", JD_FIGURE_ACTUAL,
         "'投资额' is a growth rate: an actual figure needs one, such as 增长5%"},
        {"下降-3%", JD_MEASURE_GROWTH, "%", JD_FIGURE_TARGET, "下降 and a minus sign: write 下降3% or -3%"},
        {"", JD_MEASURE_LEVEL, "个", JD_FIGURE_ACTUAL, "empty"},
        {"70亿元，增长", JD_MEASURE_GROWTH, "亿元", JD_FIGURE_ACTUAL, "expected a number after '增长'"},
        {"增长", JD_MEASURE_GROWTH, "%", JD_FIGURE_ACTUAL, "not a number: write it as 5%, 4.5, 990亿元 or 1,200"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        jd_figure f;
        char *error = NULL;
        ck_assert_msg(!jd_figure_parse(cases[i].text, "投资额", cases[i].measure, cases[i].unit,
                                       cases[i].role, &f, &error),
                      "'%s' was accepted", cases[i].text);
        ck_assert_str_eq(error, cases[i].error);
        ck_assert_ptr_null(f.qualifier);
        g_free(error);
    }
}
END_TEST

START_TEST(measures_and_directions)
{
    jd_measure m;
    static const struct {
        const char *word;
        jd_measure measure;
    } words[] = {{"增速", JD_MEASURE_GROWTH}, {"增长率", JD_MEASURE_GROWTH}, {"growth", JD_MEASURE_GROWTH},
                 {"总量", JD_MEASURE_LEVEL},  {"累计", JD_MEASURE_LEVEL},   {"存量", JD_MEASURE_STOCK},
                 {"比重", JD_MEASURE_SHARE},  {"占 比", JD_MEASURE_SHARE},  {"share", JD_MEASURE_SHARE}};
    for (size_t i = 0; i < G_N_ELEMENTS(words); i++) {
        ck_assert_msg(jd_measure_parse(words[i].word, &m), "%s", words[i].word);
        ck_assert_int_eq(m, words[i].measure);
    }
    ck_assert(!jd_measure_parse("快", &m));
    ck_assert_str_eq(jd_measure_name(JD_MEASURE_STOCK), "stock");
    jd_direction d;
    ck_assert(jd_direction_parse("逆向", &d) && d == JD_LOWER_IS_BETTER);
    ck_assert(jd_direction_parse("越大越好", &d) && d == JD_HIGHER_IS_BETTER);
    ck_assert(!jd_direction_parse("向上", &d));
    /* guessed from the name, unit and target */
    char *why = NULL;
    ck_assert(jd_measure_guess("地区生产总值", "亿元", "增长5%", &m, &why) && m == JD_MEASURE_GROWTH);
    ck_assert(jd_measure_guess("优良天数比例", "%", "80%", &m, &why) && m == JD_MEASURE_SHARE);
    ck_assert(jd_measure_guess("PM2.5浓度", "微克/立方米", "39", &m, &why) && m == JD_MEASURE_SHARE);
    ck_assert(jd_measure_guess("引进人才", "人", "5000人", &m, &why) && m == JD_MEASURE_LEVEL);
    ck_assert(!jd_measure_guess("研发投入", "%", "3.4%", &m, &why));
    ck_assert_str_eq(why, "is '研发投入' a growth rate, a share or an amount? Say so in a 指标类型 column "
                          "(增速, 比重, 总量 or 存量)");
    g_free(why);
}
END_TEST

/* ---- rules --------------------------------------------------------------------------------- */

START_TEST(elapsed_share_by_months_and_by_days)
{
    jd_indicator_rules rules;
    jd_indicator_rules_init(&rules);
    jd_ytd h1 = {2023, 6}, q1 = {2023, 3}, m5 = {2023, 5}, fy = {2023, 12}, h1_leap = {2024, 6};
    ck_assert_double_eq(jd_elapsed_percent(&h1, &rules), 50);
    ck_assert_double_eq(jd_elapsed_percent(&q1, &rules), 25);
    ck_assert_double_eq_tol(jd_elapsed_percent(&m5, &rules), 41.6666666667, 1e-9);
    ck_assert_double_eq(jd_elapsed_percent(&fy, &rules), 100);
    char *why = NULL;
    ck_assert(jd_indicator_rules_set(&rules, "elapsed", "days", &why));
    /* 31+28+31+30+31+30 = 181 of 365 days; 2024 is a leap year: 182 of 366 */
    ck_assert_double_eq_tol(jd_elapsed_percent(&h1, &rules), 181 * 100.0 / 365, 1e-12);
    ck_assert_double_eq_tol(jd_elapsed_percent(&h1_leap, &rules), 182 * 100.0 / 366, 1e-12);
    ck_assert_double_eq(jd_elapsed_percent(&fy, &rules), 100);
    ck_assert(!jd_indicator_rules_set(&rules, "elapsed", "weeks", &why));
    ck_assert_str_eq(why, "elapsed is months or days, not 'weeks'");
    g_free(why);
    why = NULL;
    ck_assert(!jd_indicator_rules_set(&rules, "about_points", "-1", &why));
    ck_assert_str_eq(why, "about_points is a number from 0 to 100, not '-1'");
    g_free(why);
    why = NULL;
    ck_assert(!jd_indicator_rules_set(&rules, "tolerance", "1", &why));
    ck_assert_str_eq(why, "unknown indicator rule 'tolerance' (known: elapsed, about_points, about_percent)");
    g_free(why);
    /* as a value and back */
    ck_assert(jd_indicator_rules_set(&rules, "about_points", "0.5", NULL));
    jd_value *v = jd_indicator_rules_value(&rules);
    char *json = jd_value_to_json(v, false);
    ck_assert_str_eq(json, "{\"elapsed\":\"days\",\"about_points\":0.5,\"about_percent\":2}");
    jd_indicator_rules back;
    ck_assert(jd_indicator_rules_from_value(v, &back, NULL));
    ck_assert(back.elapsed == JD_ELAPSED_DAYS && back.about_points == 0.5 && back.about_percent == 2);
    g_free(json);
    jd_value_unref(v);
}
END_TEST

/* An indicator of the canonical tree with one actual (months 0: none). */
static jd_value *indicator(const char *measure, const char *unit, const char *direction,
                           const char *target, const char *baseline, int months, const char *actual)
{
    jd_value *ind = jd_value_new_object();
    jd_object_set(ind, "name", jd_value_new_string("指标"));
    jd_object_set(ind, "unit", jd_value_new_string(unit));
    jd_object_set(ind, "measure", jd_value_new_string(measure));
    jd_object_set(ind, "direction", jd_value_new_string(direction));
    jd_value *b = jd_value_new_object();
    jd_object_set(b, "text", jd_value_new_string(baseline));
    jd_object_set(ind, "baseline", baseline ? b : jd_value_new_null());
    if (!baseline) jd_value_unref(b);
    jd_value *t = jd_value_new_object();
    jd_object_set(t, "text", jd_value_new_string(target));
    jd_object_set(ind, "target", t);
    jd_value *actuals = jd_value_new_array();
    if (months) {
        jd_value *a = jd_value_new_object();
        jd_ytd p = {2023, months};
        jd_object_set(a, "period", jd_value_new_string_take(jd_ytd_format(&p)));
        jd_object_set(a, "text", jd_value_new_string(actual));
        jd_array_append(actuals, a);
    }
    jd_object_set(ind, "actuals", actuals);
    return ind;
}

typedef struct {
    const char *measure, *unit, *direction, *target, *baseline;
    int months;
    const char *actual, *state, *completion;
} status_case;

static void check_status(const status_case *c, const jd_indicator_rules *rules, int n)
{
    jd_value *ind = indicator(c->measure, c->unit, c->direction, c->target, c->baseline, c->months, c->actual);
    jd_ytd period = {2023, c->months ? c->months : 6};
    char *error = NULL;
    jd_value *status = jd_indicator_status(ind, &period, rules, &error);
    ck_assert_msg(status, "case %d: %s", n, error);
    ck_assert_msg(strcmp(jd_object_get_string(status, "state"), c->state) == 0, "case %d (%s, %s): %s, not %s", n,
                  c->target, c->actual, jd_object_get_string(status, "state"), c->state);
    ck_assert_msg(strcmp(jd_object_get_string(status, "completion_text"), c->completion) == 0,
                  "case %d (%s, %s): completion %s, not %s", n, c->target, c->actual,
                  jd_object_get_string(status, "completion_text"), c->completion);
    jd_value_unref(status);
    jd_value_unref(ind);
}

#define DONE JD_INDICATOR_DONE
#define ON JD_INDICATOR_ON_SCHEDULE
#define BEHIND JD_INDICATOR_BEHIND
#define WORDS JD_INDICATOR_QUALITATIVE

START_TEST(every_qualifier_and_direction)
{
    static const status_case cases[] = {
        /* growth, no qualifier: at least the target; the boundary counts */
        {"growth", "%", "higher", "增长5%", NULL, 6, "5%", ON, "0.0个百分点"},
        {"growth", "%", "higher", "增长5%", NULL, 6, "4.9%", BEHIND, "-0.1个百分点"},
        {"growth", "%", "higher", "增长5%", NULL, 12, "5%", DONE, "0.0个百分点"},
        {"growth", "%", "higher", "增长5%", NULL, 12, "5.3%", DONE, "+0.3个百分点"},
        {"growth", "亿元", "higher", "增长4.5%", "67亿元", 12, "70亿元，同比增长4.2%", BEHIND, "-0.3个百分点"},
        /* 以上 includes the boundary, 超过 excludes it */
        {"growth", "%", "higher", "增长5%以上", NULL, 12, "5%", DONE, "0.0个百分点"},
        {"growth", "%", "higher", "超过5%", NULL, 12, "5%", BEHIND, "0.0个百分点"},
        {"growth", "%", "higher", "超过5%", NULL, 12, "5.01%", DONE, "0.0个百分点"},
        /* an actual's own words: 余 just over, 近 just under */
        {"level", "亿元", "higher", "超过100亿元", NULL, 12, "100亿元", BEHIND, "100.0%"},
        {"level", "亿元", "higher", "超过100亿元", NULL, 12, "100余亿元", DONE, "100.0%"},
        {"level", "人", "higher", "5000人", NULL, 12, "近5000人", BEHIND, "100.0%"},
        {"level", "人", "higher", "不低于4000人", NULL, 12, "近5000人", DONE, "125.0%"},
        /* 左右: 0.2 percentage points on a rate, 2% of the target on an amount */
        {"growth", "%", "higher", "增长5%左右", NULL, 12, "4.8%", DONE, "-0.2个百分点"},
        {"growth", "%", "higher", "增长5%左右", NULL, 12, "4.79%", BEHIND, "-0.2个百分点"},
        {"level", "亿元", "higher", "100亿元左右", NULL, 12, "98亿元", DONE, "98.0%"},
        {"level", "亿元", "higher", "100亿元左右", NULL, 12, "97.9亿元", BEHIND, "97.9%"},
        {"share", "%", "lower", "3%左右", NULL, 12, "3.2%", DONE, "+0.2个百分点"},
        {"share", "%", "lower", "3%左右", NULL, 12, "3.21%", BEHIND, "+0.2个百分点"},
        /* 持平: a rate of 0 within the tolerance */
        {"growth", "%", "higher", "持平", NULL, 12, "-0.2%", DONE, "-0.2个百分点"},
        {"growth", "%", "higher", "持平", NULL, 12, "-0.21%", BEHIND, "-0.2个百分点"},
        /* ceilings: 以内, 不超过 include the boundary, 低于 excludes it */
        {"share", "微克/立方米", "lower", "控制在39微克/立方米以内", NULL, 6, "39", ON, "0.0微克/立方米"},
        {"share", "微克/立方米", "lower", "控制在39微克/立方米以内", NULL, 12, "39", DONE, "0.0微克/立方米"},
        {"share", "微克/立方米", "lower", "控制在39微克/立方米以内", NULL, 12, "39.1", BEHIND, "+0.1微克/立方米"},
        {"share", "%", "lower", "不超过3.5%", NULL, 12, "3.5%", DONE, "0.0个百分点"},
        {"share", "%", "lower", "不超过3.5%", NULL, 12, "3.6%", BEHIND, "+0.1个百分点"},
        {"share", "%", "lower", "低于3.5%", NULL, 12, "3.5%", BEHIND, "0.0个百分点"},
        {"share", "%", "lower", "低于3.5%", NULL, 12, "3.49%", DONE, "0.0个百分点"},
        /* 下降: the words bound the decline */
        {"growth", "%", "lower", "下降3%以上", NULL, 12, "下降3.5%", DONE, "-0.5个百分点"},
        {"growth", "%", "lower", "下降3%以上", NULL, 12, "-3%", DONE, "0.0个百分点"},
        {"growth", "%", "lower", "下降3%以上", NULL, 12, "下降2.9%", BEHIND, "+0.1个百分点"},
        {"growth", "%", "higher", "下降3%以内", NULL, 12, "下降2%", DONE, "+1.0个百分点"},
        {"growth", "%", "higher", "下降3%以内", NULL, 12, "下降3.1%", BEHIND, "-0.1个百分点"},
        /* an amount over the year: cumulative ÷ target against 序时进度 (months ÷ 12) */
        {"level", "亿元", "higher", "100亿元", NULL, 6, "50亿元", ON, "50.0%"},
        {"level", "亿元", "higher", "100亿元", NULL, 6, "49.9亿元", BEHIND, "49.9%"},
        {"level", "亿元", "higher", "100亿元", NULL, 3, "25亿元", ON, "25.0%"},
        {"level", "亿元", "higher", "100亿元", NULL, 3, "24.9亿元", BEHIND, "24.9%"},
        {"level", "亿元", "higher", "100亿元", NULL, 5, "41.67亿元", ON, "41.7%"},
        {"level", "亿元", "higher", "100亿元", NULL, 5, "41.66亿元", BEHIND, "41.7%"},
        {"level", "亿元", "higher", "100亿元", NULL, 6, "100亿元", DONE, "100.0%"},
        {"level", "亿元", "higher", "100亿元", NULL, 12, "99.9亿元", BEHIND, "99.9%"},
        {"level", "亿元", "higher", "超过100亿元", NULL, 6, "50亿元", ON, "50.0%"},
        {"level", "亿元", "higher", "力争突破100亿元", NULL, 6, "47.9亿元", BEHIND, "47.9%"},
        {"level", "亿元", "higher", "力争突破100亿元", NULL, 12, "111.3亿元", DONE, "111.3%"},
        /* 4.1 ÷ 8 = 51.25%: shown rounded half away from zero */
        {"level", "万亩", "higher", "不低于8万亩", "7.5余万亩", 6, "4.1万亩", ON, "51.3%"},
        /* an amount under a ceiling: the pace before the year is over, the ceiling after */
        {"level", "万吨", "lower", "控制在1000万吨以内", NULL, 6, "500万吨", ON, "50.0%"},
        {"level", "万吨", "lower", "控制在1000万吨以内", NULL, 6, "501万吨", BEHIND, "50.1%"},
        {"level", "万吨", "lower", "控制在1000万吨以内", NULL, 12, "1000万吨", DONE, "100.0%"},
        {"level", "万吨", "lower", "控制在1000万吨以内", NULL, 12, "1001万吨", BEHIND, "100.1%"},
        /* a stock: done once reached; before, the way from the baseline against 序时进度 */
        {"stock", "家", "higher", "达到110家", "100家", 6, "105家", ON, "95.5%"},
        {"stock", "家", "higher", "达到110家", "100家", 6, "104家", BEHIND, "94.5%"},
        {"stock", "家", "higher", "达到110家", "100家", 6, "110家", DONE, "100.0%"},
        {"stock", "家", "higher", "达到110家", "100家", 12, "109家", BEHIND, "99.1%"},
        {"stock", "家", "higher", "达到110家", NULL, 6, "105家", WORDS, "95.5%"},
        {"stock", "家", "lower", "控制在50家以内", NULL, 6, "50家", ON, "100.0%"},
        {"stock", "家", "lower", "控制在50家以内", NULL, 6, "51家", BEHIND, "102.0%"},
        /* a share compared directly */
        {"share", "%", "higher", "达到70%", NULL, 6, "70%", ON, "0.0个百分点"},
        {"share", "%", "higher", "达到70%", NULL, 12, "69.9%", BEHIND, "-0.1个百分点"},
        /* a target in words, and no figure */
        {"level", "元", "higher", "实现稳定增长", "47300元", 12, "49200元", WORDS, ""},
        {"level", "元", "higher", "实现稳定增长", NULL, 0, NULL, JD_STATE_NOT_REPORTED, ""},
        {"growth", "%", "higher", "增长5%", NULL, 0, NULL, JD_STATE_NOT_REPORTED, ""},
    };
    jd_indicator_rules rules;
    jd_indicator_rules_init(&rules);
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++)
        check_status(&cases[i], &rules, (int)i);
}
END_TEST

START_TEST(tolerance_and_elapsed_rule_are_configurable)
{
    jd_indicator_rules rules;
    jd_indicator_rules_init(&rules);
    ck_assert(jd_indicator_rules_set(&rules, "about_points", "0.5", NULL));
    ck_assert(jd_indicator_rules_set(&rules, "about_percent", "5", NULL));
    static const status_case wider[] = {
        {"growth", "%", "higher", "增长5%左右", NULL, 12, "4.5%", DONE, "-0.5个百分点"},
        {"growth", "%", "higher", "增长5%左右", NULL, 12, "4.49%", BEHIND, "-0.5个百分点"},
        {"level", "亿元", "higher", "100亿元左右", NULL, 12, "95亿元", DONE, "95.0%"},
        {"level", "亿元", "higher", "100亿元左右", NULL, 12, "94.9亿元", BEHIND, "94.9%"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(wider); i++)
        check_status(&wider[i], &rules, (int)i);
    /* by days, 序时进度 of 上半年 is 181/365 = 49.59%: 49.6 is on schedule, 49.58 is not */
    ck_assert(jd_indicator_rules_set(&rules, "elapsed", "days", NULL));
    static const status_case days[] = {
        {"level", "亿元", "higher", "100亿元", NULL, 6, "49.6亿元", ON, "49.6%"},
        {"level", "亿元", "higher", "100亿元", NULL, 6, "49.58亿元", BEHIND, "49.6%"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(days); i++)
        check_status(&days[i], &rules, (int)i);
    /* the status object itself */
    jd_value *ind = indicator("level", "亿元", "higher", "100亿元", NULL, 6, "49.6亿元");
    jd_ytd h1 = {2023, 6};
    jd_value *status = jd_indicator_status(ind, &h1, &rules, NULL);
    char *json = jd_value_to_json(status, false);
    ck_assert_str_eq(json, "{\"period\":\"2023-01/2023-06\",\"period_name\":\"上半年\",\"actual\":{\"period\":"
                           "\"2023-01/2023-06\",\"text\":\"49.6亿元\"},\"actual_text\":\"49.6亿元\","
                           "\"elapsed\":49.589041,\"elapsed_text\":\"49.6%\",\"completion\":49.6,"
                           "\"completion_unit\":\"%\",\"completion_text\":\"49.6%\",\"state\":\"达到序时进度\"}");
    g_free(json);
    jd_value_unref(status);
    jd_value_unref(ind);
    /* an indicator that is not one */
    jd_value *bad = indicator("level", "亿元", "higher", "大概100亿元", NULL, 6, "50亿元");
    char *error = NULL;
    ck_assert_ptr_null(jd_indicator_status(bad, &h1, &rules, &error));
    ck_assert_str_eq(error, "indicator '指标': target: unknown qualifier '大概'");
    g_free(error);
    jd_value_unref(bad);
}
END_TEST

/* ---- a task's state ------------------------------------------------------------------------- */

/* A merged task: rows of "name,name:state@period;…" — a report per name and period. */
static jd_value *task(int id, const char *const *rows)
{
    jd_value *t = jd_value_new_object();
    jd_object_set(t, "id", jd_value_new_int(id));
    jd_value *units = jd_value_new_array();
    for (const char *const *r = rows; *r; r++) {
        char **parts = g_strsplit(*r, "|", 2);
        jd_value *row = jd_value_new_object(), *names = jd_value_new_array(), *reports = jd_value_new_array();
        char **n = g_strsplit(parts[0], ",", -1);
        for (char **p = n; *p; p++)
            jd_array_append(names, jd_value_new_string(*p));
        char **reps = g_strsplit(parts[1] ? parts[1] : "", ";", -1);
        for (char **p = reps; *p && **p; p++) {
            char **f = g_strsplit_set(*p, ":@", 3); /* unit:state@period */
            jd_value *rep = jd_value_new_object();
            jd_object_set(rep, "task", jd_value_new_int(id));
            jd_object_set(rep, "unit", jd_value_new_string(f[0]));
            jd_object_set(rep, "period", jd_value_new_string(f[2]));
            jd_object_set(rep, "state", jd_value_new_string(f[1]));
            jd_array_append(reports, rep);
            g_strfreev(f);
        }
        jd_object_set(row, "names", names);
        jd_object_set(row, "reports", reports);
        jd_array_append(units, row);
        g_strfreev(reps);
        g_strfreev(n);
        g_strfreev(parts);
    }
    jd_object_set(t, "units", units);
    return t;
}

START_TEST(task_state_from_its_units)
{
    static const struct {
        const char *rows[3], *state;
    } cases[] = {
        {{"商务局|商务局:已完成@2023Q2", "财政局|财政局:已完成@2023Q2", NULL}, "已完成"},
        {{"商务局|商务局:已完成@2023Q2", "财政局|财政局:序时推进@2023Q2", NULL}, "序时推进"},
        /* a unit that did not report: the task cannot be called done */
        {{"商务局|商务局:已完成@2023Q2", "财政局|财政局:已完成@2023Q1", NULL}, "未报送"},
        {{"商务局,财政局|商务局:序时推进@2023Q2", NULL}, "未报送"},
        /* known problems come before missing reports */
        {{"商务局|商务局:滞后@2023Q2", "财政局|", NULL}, "滞后"},
        {{"商务局|商务局:未启动@2023Q2", "财政局|", NULL}, "未启动"},
        {{"商务局|商务局:未启动@2023Q2", "财政局|财政局:滞后@2023Q2", NULL}, "滞后"},
        /* a state of the office's own list ranks after 未启动, before 未报送 */
        {{"商务局|商务局:暂缓@2023Q2", "财政局|", NULL}, "暂缓"},
        /* variants count as their state and are kept as written */
        {{"商务局|商务局:正常推进@2023Q2", "财政局|财政局:已完成@2023Q2", NULL}, "正常推进"},
        /* a name in two rows counts once */
        {{"各街镇|各街镇:序时推进@2023Q2", "各街镇,商务局|商务局:已完成@2023Q2", NULL}, "序时推进"},
        {{"商务局|", NULL, NULL}, "未报送"},
    };
    jd_period q2 = {2023, 2, 0};
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        jd_value *t = task((int)i + 1, cases[i].rows);
        ck_assert_msg(strcmp(jd_task_state(t, &q2), cases[i].state) == 0, "case %zu: %s, not %s", i,
                      jd_task_state(t, &q2), cases[i].state);
        jd_value_unref(t);
    }
}
END_TEST

START_TEST(task_counts_list_every_state)
{
    static const char *const done[] = {"a|a:已完成@2023Q2", NULL};
    static const char *const lag[] = {"a|a:滞后@2023Q2", NULL};
    static const char *const ok[] = {"a|a:正常推进@2023Q2", NULL};
    static const char *const missing[] = {"a|", NULL};
    static const char *const paused[] = {"a|a:暂缓@2023Q2", NULL};
    const char *const *tasks[] = {done, lag, ok, missing, paused, lag};
    jd_value *list = jd_value_new_array();
    for (size_t i = 0; i < G_N_ELEMENTS(tasks); i++)
        jd_array_append(list, task((int)i + 1, tasks[i]));
    jd_period q2 = {2023, 2, 0};
    /* the office's own states, in their order; a state outside them after them */
    static const char *const states[] = {"已完成", "正常推进", "滞后", "未启动", NULL};
    jd_value *counts = jd_task_state_counts(list, states, &q2);
    char *json = jd_value_to_json(counts, false);
    ck_assert_str_eq(json, "{\"已完成\":1,\"正常推进\":1,\"滞后\":2,\"未启动\":0,\"暂缓\":1,\"未报送\":1}");
    g_free(json);
    jd_value_unref(counts);
    /* no tasks: every default state, at 0 */
    jd_value *none = jd_value_new_array();
    counts = jd_task_state_counts(none, NULL, &q2);
    json = jd_value_to_json(counts, false);
    ck_assert_str_eq(json, "{\"已完成\":0,\"序时推进\":0,\"滞后\":0,\"未启动\":0,\"未报送\":0}");
    g_free(json);
    jd_value_unref(counts);
    jd_value_unref(none);
    jd_value_unref(list);
}
END_TEST

START_TEST(row_report_ranks_variants_as_their_state)
{
    /* 正常推进 is 序时推进: more worrying than 已完成, whatever the list calls it */
    static const char *const rows[] = {"商务局,财政局|商务局:正常推进@2023Q2;财政局:已完成@2023Q2", NULL};
    jd_value *t = task(1, rows);
    jd_period q2 = {2023, 2, 0};
    jd_value *report = jd_progress_report(jd_array_get(jd_object_get(t, "units"), 0), &q2);
    ck_assert_str_eq(jd_object_get_string(report, "state"), "正常推进");
    jd_value_unref(report);
    jd_value_unref(t);
}
END_TEST

/* A unit's own sheet shows its own report of a row it shares: not the row's most worrying
 * state, not the other unit's texts, and 未报送 when it has not reported though the other did
 * (the row's report would show the other's state as if it were this unit's). */
START_TEST(one_units_report_of_a_shared_row)
{
    static const char *const rows[] = {"商务局,财政局|财政局:滞后@2023Q2", NULL};
    jd_value *t = task(1, rows);
    const jd_value *row = jd_array_get(jd_object_get(t, "units"), 0);
    jd_period q2 = {2023, 2, 0};
    jd_value *whole = jd_progress_report(row, &q2);
    ck_assert_str_eq(jd_object_get_string(whole, "state"), "滞后");
    jd_value *own = jd_progress_report_of(row, &q2, "商务局");
    ck_assert_str_eq(jd_object_get_string(own, "state"), "未报送");
    char *json = jd_value_to_json(jd_object_get(own, "missing"), false);
    ck_assert_str_eq(json, "[\"商务局\"]");
    g_free(json);
    ck_assert_int_eq(jd_array_length(jd_object_get(own, "entries")), 0);
    jd_value *other = jd_progress_report_of(row, &q2, "财政局");
    ck_assert_str_eq(jd_object_get_string(other, "state"), "滞后");
    ck_assert_int_eq(jd_array_length(jd_object_get(other, "units")), 1);
    ck_assert_int_eq(jd_array_length(jd_object_get(other, "missing")), 0);
    jd_value_unref(whole);
    jd_value_unref(own);
    jd_value_unref(other);
    jd_value_unref(t);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("indicator rules");
    TCase *tc = tcase_create("periods");
    tcase_add_test(tc, cumulative_periods_in_every_form);
    tcase_add_test(tc, cumulative_periods_refused);
    suite_add_tcase(s, tc);
    tc = tcase_create("figures");
    tcase_add_test(tc, figures_as_clerks_write_them);
    tcase_add_test(tc, figures_refused_with_what_was_expected);
    tcase_add_test(tc, measures_and_directions);
    suite_add_tcase(s, tc);
    tc = tcase_create("states");
    tcase_add_test(tc, elapsed_share_by_months_and_by_days);
    tcase_add_test(tc, every_qualifier_and_direction);
    tcase_add_test(tc, tolerance_and_elapsed_rule_are_configurable);
    suite_add_tcase(s, tc);
    tc = tcase_create("tasks");
    tcase_add_test(tc, task_state_from_its_units);
    tcase_add_test(tc, task_counts_list_every_state);
    tcase_add_test(tc, row_report_ranks_variants_as_their_state);
    tcase_add_test(tc, one_units_report_of_a_shared_row);
    suite_add_tcase(s, tc);
    return jt_main(s);
}
