/* Shares of a whole, each rounded on its own (half up): what a pie chart's legend and a
 * sentence counting tasks by state both print, so the two always agree, and what a reader
 * who divides gets (18 of 123 is 14.6%, even when the shares then add up to 99.9%; forcing
 * 100.0% would print a share the figures do not give). */
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
    for (size_t i = 0; i < n; i++) {
        double exact = total > 0 ? values[i] / total * (double)whole : 0;
        /* the tolerance keeps an exact half (1 of 8 is 12.5%) from rounding down through a
         * binary fraction a hair below it */
        units[i] = (long)floor(exact + 0.5 + 1e-9);
    }
}

char *jd_share_text(long units, int decimals)
{
    long scale = 1;
    for (int d = 0; d < decimals; d++)
        scale *= 10;
    if (decimals == 0) return g_strdup_printf("%ld%%", units);
    return g_strdup_printf("%ld.%0*ld%%", units / scale, decimals, units % scale);
}
