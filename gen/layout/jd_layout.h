/* jd_layout.h — layout: a document tree → pages of positioned items.
 *
 * Paragraphs are shaped with pango (HarfBuzz, fontconfig fallback) and broken into lines
 * by jindu's own breaker, which adds the Chinese line-start and line-end rules (避头尾) to
 * Unicode line breaking, compresses punctuation (标点挤压) in the document's style, puts a
 * quarter em between Han and Latin, justifies between characters but never inside a Latin
 * run, keeps unbreakable text (names) whole and avoids one-character last lines.
 * Tables are paginated with repeated header rows, rows split between lines of text, and
 * rowspan groups continued on the next page with their spanning cells repeated (续).
 * Two passes give "page N of M" totals. Each cell is measured once.
 */
#ifndef JD_LAYOUT_H
#define JD_LAYOUT_H

#include "jd_base.h"
#include "jd_doc.h"
#include "jd_fonts.h"
#include "jd_pages.h"

/* Lays out `doc` with `fonts`. Returns NULL (and messages in `diags`) if the document cannot
 * be laid out: a line taller than a page, an image that cannot be read, a character no
 * font has (an error, so nothing prints as tofu). */
jd_pages *jd_layout(const jd_doc *doc, jd_fonts *fonts, jd_diags *diags);

typedef struct {
    /* Threads that shape table cells, the calling one included: 0 = one per core (at most
     * 4), 1 = the calling thread only. The pages are the same whatever the number. */
    int threads;
    /* Asked to stop: the layout ends at the next page, with the error "interrupted" (NULL:
     * never). */
    const jd_cancel *cancel;
    /* If set, gets the most table cells the layout held at once: a table's cells exist only
     * while the layout is in their row group, so this is one group's, not a long table's
     * (for tests and benchmarks). */
    size_t *cells_peak;
} jd_layout_options;

/* jd_layout with options (NULL: the defaults). */
jd_pages *jd_layout_with(const jd_doc *doc, jd_fonts *fonts, const jd_layout_options *opts,
                         jd_diags *diags);

#endif
