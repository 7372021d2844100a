/* jd_backend.h — backends: a page list → PDF, PNG or SVG.
 *
 * Backends draw the items of a jd_pages at the positions the layout computed; they know
 * nothing of tables or paragraphs. Every output goes through a temporary file that is
 * renamed over the target only on success.
 *
 *   cairo  PDF (fonts subset and embedded, outline, links, metadata), PNG, SVG
 *   haru   PDF through libharu: encryption and permissions, page labels
 */
#ifndef JD_BACKEND_H
#define JD_BACKEND_H

#include <stdbool.h>

#include "jd_base.h"
#include "jd_pages.h"

typedef enum { JD_OUTPUT_PDF, JD_OUTPUT_PNG, JD_OUTPUT_SVG } jd_output_format;

/* The format a file name asks for (by extension); false if none matches. */
bool jd_output_format_from_path(const char *path, jd_output_format *format);

typedef struct {
    jd_output_format format;
    int page;        /* PNG/SVG: 1-based page to draw (0 = 1) */
    double dpi;      /* PNG: resolution (0 = 96) */
    /* The PDF creation date (ISO 8601). NULL: the document's date, else SOURCE_DATE_EPOCH,
     * else a fixed default — never the clock, so equal input gives equal bytes. */
    const char *creation_date;
    /* haru only */
    const char *owner_password;
    const char *user_password;
    bool allow_print, allow_copy, allow_edit; /* with a password; default all false */
    /* Set, if not NULL, to the most bytes of page contents (drawing operators) libharu
     * held in memory at once: a drawn page's go to a scratch file, so this is about one
     * page's, whatever the number of pages. Counting costs a pass over the pages per page. */
    size_t *contents_peak;
    /* Asked to stop: drawing ends at the next page, the temporary file is removed, the
     * target is left as it was, and the error is "interrupted" (NULL: never). */
    const jd_cancel *cancel;
} jd_render_options;

void jd_render_options_init(jd_render_options *opts);

bool jd_render_cairo(const jd_pages *pages, const char *path, const jd_render_options *opts,
                     jd_diags *diags);
bool jd_render_haru(const jd_pages *pages, const char *path, const jd_render_options *opts,
                    jd_diags *diags);

/* The creation date a render will use given `opts` and the pages' metadata (ISO 8601),
 * newly allocated; NULL, with an error naming `path`, if the date given is not an ISO 8601
 * date (a bare date YYYY-MM-DD is midnight in China, UTC+8). */
char *jd_render_creation_date(const jd_pages *pages, const jd_render_options *opts, const char *path,
                              jd_diags *diags);

#endif
