/* typo_metrics.h — measuring the typography of laid-out pages from their glyph positions.
 *
 * Works on a page list (what both backends draw): glyph runs that abut on one baseline are
 * one line; each glyph cluster has its drawn position and its natural advance, read from
 * the font file with FreeType (not from the layout), so the measures do not trust the code
 * they measure. The measures are the ones of issue 11's table:
 *
 *   latin pairs      adjacent letters/digits of a Latin run ("2023", "5G"), and how many
 *                    of them have extra space between them (more than 0.02 pt)
 *   punct pairs      adjacent full-width CJK marks ("”，", "）：") inside a line, and how
 *                    many take their full 2 em (the pair's pitch less the line's Han–Han
 *                    justification gap, >= 1.95 em)
 *   han-latin gap    space between a Han character and an adjacent Latin letter or digit
 *                    beyond the line's Han–Han gap, in em (mean)
 *   spaced numbers   a Han character, an ASCII space, then a letter or digit (or the
 *                    other way round): spaces written around numbers
 *   broken names     a line that is all part of a name (a unit or leader of the data)
 *                    whose next line in the same column continues that name
 *   single lines     a one-character line under a longer line of the same column
 *   kinsoku          lines that start with a closing mark or end with an opening one
 *   latin faces      Latin letters/digits drawn in a font without Han glyphs, CJK marks
 *                    (“”‘’—…、，。) drawn in such a font (must be 0), Latin clusters in a
 *                    synthetic bold */
#ifndef TYPO_METRICS_H
#define TYPO_METRICS_H

#include <glib.h>
#include <stdio.h>

#include "jd_pages.h"

typedef struct {
    size_t lines;
    size_t latin_pairs, latin_pairs_spaced;
    size_t punct_pairs, punct_pairs_full;
    double punct_pair_em_sum;
    size_t han_latin_pairs;
    double han_latin_em_sum;
    size_t spaced_numbers;
    size_t broken_names;
    size_t single_lines;
    size_t kinsoku;
    size_t latin_clusters, latin_in_latin_face, cjk_marks_in_latin_face, latin_synthetic_bold;
} tm_counts;

typedef struct tm_ctx tm_ctx;

/* `names`: the unit and leader names of the data (may be NULL). `list`: where to print each
 * finding ("kind page: text"), or NULL. */
tm_ctx *tm_new(GPtrArray *names, FILE *list);
void tm_free(tm_ctx *tm);
/* Adds the measures of `pages` to `c`. */
void tm_measure(tm_ctx *tm, const jd_pages *pages, tm_counts *c);
/* Prints the counts as a table, one measure per line. */
void tm_print(const tm_counts *c, FILE *out);

#endif
