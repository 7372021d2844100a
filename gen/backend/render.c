/* What both backends share: options, the output format, the creation date, and the
 * checks made before anything is drawn. */
#include <errno.h>
#include <math.h>
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

bool jd_sink_write(jd_sink *sink, const void *data, size_t len)
{
    if (sink->stopped || sink->error) return false;
    if (jd_cancel_reason(sink->cancel)) {
        sink->stopped = true;
        return false;
    }
    if (len && fwrite(data, 1, len, sink->stream) != len) {
        sink->error = errno ? errno : EIO;
        return false;
    }
    return true;
}

bool jd_sink_report(const jd_sink *sink, const char *path, jd_diags *diags)
{
    if (sink->stopped)
        return jd_cancel_check(sink->cancel, path, diags);
    if (sink->error)
        jd_diags_add(diags, JD_ERROR, path, 0, 0, "cannot write: %s", g_strerror(sink->error));
    return sink->error != 0;
}

bool jd_render_pages_intact(const jd_pages *pages, const char *path, jd_diags *diags)
{
    const char *why = jd_pages_storage_error(pages);
    if (why)
        jd_diags_add(diags, JD_ERROR, path, 0, 0, "cannot read the laid-out pages back from the scratch file: %s",
                     why);
    return why == NULL;
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

/* ---- hatching ---------------------------------------------------------------------- */

/* A hatch line count beyond which a path is taken to be broken rather than drawn: at the
 * narrowest spacing a chart uses (2 pt) this covers a whole A3 page. */
#define MAX_HATCH_LINES 4096

static void path_bounds(const jd_path *p, double *x0, double *y0, double *x1, double *y1)
{
    *x0 = *y0 = G_MAXDOUBLE;
    *x1 = *y1 = -G_MAXDOUBLE;
    for (size_t i = 0; i < p->n_segs; i++) {
        const jd_path_seg *s = &p->segs[i];
        int n = s->verb == JD_PATH_CURVE ? 3 : s->verb == JD_PATH_CLOSE ? 0 : 1;
        /* a curve lies inside the hull of its points */
        for (int k = 0; k < n; k++) {
            *x0 = MIN(*x0, s->x[k]);
            *y0 = MIN(*y0, s->y[k]);
            *x1 = MAX(*x1, s->x[k]);
            *y1 = MAX(*y1, s->y[k]);
        }
    }
}

/* One family of parallel lines a·x + b·y = k·step (a, b ∈ {0, 1, −1}) cut to the box. */
static void hatch_family(double a, double b, double step, double x0, double y0, double x1, double y1,
                         jd_hatch_line_fn line, void *data)
{
    /* the range of a·x + b·y over the box */
    double lo = MIN(a * x0, a * x1) + MIN(b * y0, b * y1);
    double hi = MAX(a * x0, a * x1) + MAX(b * y0, b * y1);
    double k0 = ceil(lo / step), k1 = floor(hi / step);
    if (k1 - k0 >= MAX_HATCH_LINES)
        return;
    for (double k = k0; k <= k1; k++) {
        double c = k * step;
        if (b == 0) { /* vertical: x = c */
            line(data, c, y0, c, y1);
        } else if (a == 0) { /* horizontal: y = c */
            line(data, x0, c, x1, c);
        } else {
            /* y = (c − a·x) / b, kept inside [y0, y1] */
            double xa = x0, xb = x1;
            double ya = (c - a * xa) / b, yb = (c - a * xb) / b;
            if (ya < y0 || ya > y1) {
                ya = ya < y0 ? y0 : y1;
                xa = (c - b * ya) / a;
            }
            if (yb < y0 || yb > y1) {
                yb = yb < y0 ? y0 : y1;
                xb = (c - b * yb) / a;
            }
            if (xa <= xb)
                line(data, xa, ya, xb, yb);
        }
    }
}

void jd_hatch_lines(const jd_path *p, jd_hatch_line_fn line, void *data)
{
    const jd_hatch *h = &p->hatch;
    if (h->kind == JD_HATCH_NONE || !(h->spacing > 0) || p->n_segs == 0)
        return;
    double x0, y0, x1, y1;
    path_bounds(p, &x0, &y0, &x1, &y1);
    if (x0 > x1)
        return;
    double diagonal = h->spacing * G_SQRT2;
    if (h->kind == JD_HATCH_RISING || h->kind == JD_HATCH_CROSS)
        hatch_family(1, 1, diagonal, x0, y0, x1, y1, line, data);
    if (h->kind == JD_HATCH_FALLING || h->kind == JD_HATCH_CROSS)
        hatch_family(1, -1, diagonal, x0, y0, x1, y1, line, data);
    if (h->kind == JD_HATCH_HORIZONTAL || h->kind == JD_HATCH_GRID)
        hatch_family(0, 1, h->spacing, x0, y0, x1, y1, line, data);
    if (h->kind == JD_HATCH_VERTICAL || h->kind == JD_HATCH_GRID)
        hatch_family(1, 0, h->spacing, x0, y0, x1, y1, line, data);
}
