/* backend_private.h — what the cairo and the libharu backend share (render.c). */
#ifndef BACKEND_PRIVATE_H
#define BACKEND_PRIVATE_H

#include "jd_backend.h"

/* The options a render goes by (`opts`, or the defaults written into `defaults`); NULL,
 * with an error, when there is nothing to draw. */
const jd_render_options *jd_render_begin(const jd_pages *pages, const char *path,
                                         const jd_render_options *opts, jd_render_options *defaults,
                                         jd_diags *diags);

#endif
