/* The libharu backend (being written). */
#include "jd_backend.h"

bool jd_render_haru(const jd_pages *pages, const char *path, const jd_render_options *opts,
                    jd_diags *diags)
{
    (void)pages;
    (void)opts;
    jd_diags_add(diags, JD_ERROR, path, 0, 0, "the haru backend is not built yet");
    return false;
}
