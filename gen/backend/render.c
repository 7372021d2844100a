/* What both backends share: options, the output format, the creation date, and the
 * checks made before anything is drawn. */
#include <string.h>

#include "backend_private.h"

void jd_render_options_init(jd_render_options *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->format = JD_OUTPUT_PDF;
    opts->page = 1;
    opts->dpi = 96;
}

bool jd_output_format_from_path(const char *path, jd_output_format *format)
{
    const char *dot = strrchr(path, '.');
    if (!dot)
        return false;
    if (g_ascii_strcasecmp(dot, ".pdf") == 0)
        *format = JD_OUTPUT_PDF;
    else if (g_ascii_strcasecmp(dot, ".png") == 0)
        *format = JD_OUTPUT_PNG;
    else if (g_ascii_strcasecmp(dot, ".svg") == 0)
        *format = JD_OUTPUT_SVG;
    else
        return false;
    return true;
}

/* Fixed creation date when neither the caller, the document nor SOURCE_DATE_EPOCH gives
 * one: output must not depend on when it was made. */
#define DEFAULT_DATE "2000-01-01T00:00:00Z"

char *jd_render_creation_date(const jd_pages *pages, const jd_render_options *opts, const char *path,
                              jd_diags *diags)
{
    const char *d = opts && opts->creation_date ? opts->creation_date : jd_pages_meta(pages, JD_META_DATE);
    char *iso = NULL;
    if (d && *d) {
        /* a bare date is midnight in China (UTC+8), where these documents are dated */
        iso = strlen(d) == 10 ? g_strdup_printf("%sT00:00:00+08:00", d) : g_strdup(d);
        GTimeZone *utc = g_time_zone_new_utc();
        GDateTime *dt = g_date_time_new_from_iso8601(iso, utc);
        g_time_zone_unref(utc);
        if (!dt) {
            jd_diags_add(diags, JD_ERROR, path, 0, 0,
                         "the creation date “%s” is not an ISO 8601 date (2023-01-17 or 2023-01-17T08:00:00+08:00)", d);
            g_free(iso);
            return NULL;
        }
        g_date_time_unref(dt);
        return iso;
    }
    const char *epoch = g_getenv("SOURCE_DATE_EPOCH");
    if (epoch && *epoch) {
        char *end;
        gint64 secs = g_ascii_strtoll(epoch, &end, 10);
        if (*end == '\0' && secs >= 0) {
            GDateTime *dt = g_date_time_new_from_unix_utc(secs);
            if (dt) {
                char *s = g_date_time_format(dt, "%Y-%m-%dT%H:%M:%SZ");
                g_date_time_unref(dt);
                return s;
            }
        }
    }
    return g_strdup(DEFAULT_DATE);
}

const jd_render_options *jd_render_begin(const jd_pages *pages, const char *path,
                                         const jd_render_options *opts, jd_render_options *defaults,
                                         jd_diags *diags)
{
    if (!opts) {
        jd_render_options_init(defaults);
        opts = defaults;
    }
    if (jd_pages_count(pages) == 0) {
        jd_diags_add(diags, JD_ERROR, path, 0, 0, "the document has no pages");
        return NULL;
    }
    return opts;
}

bool jd_next_glyph_cluster(const jd_glyph_run *r, size_t *pos, jd_glyph_cluster *c)
{
    if (*pos >= r->n_glyphs) return false;
    c->first = *pos;
    c->last = c->first + 1;
    while (c->last < r->n_glyphs && r->glyphs[c->last].cluster == r->glyphs[c->first].cluster)
        c->last++;
    c->start = r->glyphs[c->first].cluster;
    c->end = c->last < r->n_glyphs ? r->glyphs[c->last].cluster : (uint32_t)r->text_len;
    *pos = c->last;
    return true;
}
