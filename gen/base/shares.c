/* Shares of a whole rounded so that they add up to exactly 100%: what a pie chart's legend
 * and a sentence counting tasks by state both print, so the two always agree. */
#include <math.h>

#include "jd_base.h"

void jd_shares(const double *values, size_t n, int decimals, long *units)
{
    long whole = 100;
    for (int d = 0; d < decimals; d++)
        whole *= 10;
    double total = 0;
    for (size_t i = 0; i < n; i++)
        total += values[i];
    long sum = 0;
    double *rest = g_new(double, n ? n : 1);
    for (size_t i = 0; i < n; i++) {
        double exact = total > 0 ? values[i] / total * (double)whole : 0;
        units[i] = (long)floor(exact);
        rest[i] = exact - (double)units[i];
        sum += units[i];
    }
    /* largest remainders first; among equal ones the earlier share */
    while (total > 0 && n > 0 && sum < whole) {
        size_t best = 0;
        for (size_t i = 1; i < n; i++)
            if (rest[i] > rest[best]) best = i;
        units[best]++;
        rest[best] = -1;
        sum++;
    }
    g_free(rest);
}

char *jd_share_text(long units, int decimals)
{
    long scale = 1;
    for (int d = 0; d < decimals; d++)
        scale *= 10;
    if (decimals == 0) return g_strdup_printf("%ld%%", units);
    return g_strdup_printf("%ld.%0*ld%%", units / scale, decimals, units % scale);
}
