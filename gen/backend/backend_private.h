/* backend_private.h — what the cairo and the libharu backend share (render.c). */
#ifndef BACKEND_PRIVATE_H
#define BACKEND_PRIVATE_H

#include "jd_backend.h"

/* The options a render goes by (`opts`, or the defaults written into `defaults`); NULL,
 * with an error, when there is nothing to draw. */
const jd_render_options *jd_render_begin(const jd_pages *pages, const char *path,
                                         const jd_render_options *opts, jd_render_options *defaults,
                                         jd_diags *diags);

/* Where a backend's bytes go: the output's stream, and why writing stopped — a failed
 * write (its errno: "File too large", "No space left on device", which the libraries'
 * own errors do not say) or a request to stop, seen between any two writes. */
typedef struct {
    FILE *stream;
    const jd_cancel *cancel;
    int error;    /* errno of the write that failed, or 0 */
    bool stopped; /* a stop was asked for */
} jd_sink;

/* Writes `len` bytes; false (and error or stopped set) when they were not written. */
bool jd_sink_write(jd_sink *sink, const void *data, size_t len);
/* When the sink stopped or failed: the message that says so, naming `path` ("interrupted",
 * "cannot write: File too large"), and true; false when it knows of nothing wrong. */
bool jd_sink_report(const jd_sink *sink, const char *path, jd_diags *diags);

/* False, with an error naming `path`, when pages could not be read back from the page
 * list's scratch file (what was drawn of them is wrong). */
bool jd_render_pages_intact(const jd_pages *pages, const char *path, jd_diags *diags);

/* One glyph cluster of a run: glyphs [first, last) show the run's bytes [start, end). */
typedef struct {
    size_t first, last;
    uint32_t start, end;
} jd_glyph_cluster;

/* The cluster at glyph `*pos` of `r`; advances `*pos`. False past the last glyph. A cluster
 * whose end is before its start means the run's clusters are out of order. */
bool jd_next_glyph_cluster(const jd_glyph_run *r, size_t *pos, jd_glyph_cluster *c);

/* The hatch lines of a path (jd_pages.h says which), each cut to the path's bounding box;
 * the backend clips them to the path itself. */
typedef void (*jd_hatch_line_fn)(void *data, double x1, double y1, double x2, double y2);
void jd_hatch_lines(const jd_path *path, jd_hatch_line_fn line, void *data);

#endif
