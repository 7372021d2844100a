/* The closest known name to a misspelt one, for "did you mean" hints. */
#include <string.h>

#include "jd_base.h"

/* Optimal string alignment distance (Levenshtein plus swapping two neighbours) between two
 * strings of characters; stops early and returns `limit + 1` once it is surely over. */
static size_t distance(const gunichar *a, size_t n, const gunichar *b, size_t m, size_t limit)
{
    if ((n > m ? n - m : m - n) > limit) return limit + 1;
    size_t *rows = g_new(size_t, 3 * (m + 1));
    size_t *prev2 = rows, *prev = rows + m + 1, *cur = rows + 2 * (m + 1);
    for (size_t j = 0; j <= m; j++)
        prev[j] = j;
    for (size_t i = 1; i <= n; i++) {
        cur[0] = i;
        size_t best = cur[0];
        for (size_t j = 1; j <= m; j++) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t d = MIN(MIN(prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d = MIN(d, prev2[j - 2] + 1);
            cur[j] = d;
            best = MIN(best, d);
        }
        if (best > limit) {
            g_free(rows);
            return limit + 1;
        }
        size_t *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    size_t d = prev[m];
    g_free(rows);
    return d;
}

char *jd_closest_name(const char *word, const char *const *known)
{
    glong n = 0;
    gunichar *w = word ? g_utf8_to_ucs4(word, -1, NULL, &n, NULL) : NULL;
    if (!w) return NULL;
    /* a third of the word's characters may be wrong (one for short words): more than that
     * and the "closest" name is a guess, not a correction */
    size_t limit = MAX(1, (size_t)n / 3), best_d = limit + 1;
    const char *best = NULL;
    for (const char *const *k = known; k && *k; k++) {
        glong m = 0;
        gunichar *c = g_utf8_to_ucs4(*k, -1, NULL, &m, NULL);
        if (!c) continue;
        size_t d = strcmp(*k, word) == 0 ? limit + 1 : distance(w, (size_t)n, c, (size_t)m, limit);
        if (d < best_d) {
            best_d = d;
            best = *k;
        }
        g_free(c);
    }
    g_free(w);
    return g_strdup(best);
}
