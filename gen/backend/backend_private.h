/* backend_private.h — what the cairo and the libharu backend share (render.c). */
#ifndef BACKEND_PRIVATE_H
#define BACKEND_PRIVATE_H

#include "jd_backend.h"

/* The options a render goes by (`opts`, or the defaults written into `defaults`); NULL,
 * with an error, when there is nothing to draw. */
const jd_render_options *jd_render_begin(const jd_pages *pages, const char *path,
                                         const jd_render_options *opts, jd_render_options *defaults,
                                         jd_diags *diags);

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
