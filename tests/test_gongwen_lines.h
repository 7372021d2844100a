/* test_gongwen_lines.h — the GB/T 9704 type area and the drawn lines of a page in the
 * layout dump (`jindu layout --dump`): what the gongwen and meeting-summary tests measure. */
#ifndef TEST_GONGWEN_LINES_H
#define TEST_GONGWEN_LINES_H

#include <check.h>
#include <glib.h>
#include <math.h>
#include <stdint.h>

#include "test_render_sheet.h"

#define MM (72.0 / 25.4)
/* the type area of portrait.xml: A4 (595.28 × 841.89 pt), 37 mm top, 28 mm left, 156 × 225 mm */
#define TOP (37 * MM)
#define LEFT (28 * MM)
#define RIGHT (LEFT + 156 * MM)
#define BOTTOM (TOP + 225 * MM)
#define PITCH (225 * MM / 22) /* 28.99 pt */
#define CHAR (156 * MM / 28)  /* 15.79 pt */
/* the dump has one decimal */
#define NEAR 0.06
/* FandolFang and FandolSong: ascent 880, descent 120 per 1000 (the ideographic em box) */
#define ASCENT 0.88
/* AR PL SungtiL GB (the song family, page numbers): ascent 900, descent 123 per 1024 */
#define SONG_MIDDLE ((900.0 - 123.0) / 2 / 1024)

/* A drawn line: the runs of one size on one baseline (the hanzi's face and the paired
 * Latin face's), joined left to right. */
typedef struct {
    double x, right, y; /* left and right ends, baseline */
    char *text;
    const char *family; /* of the first run */
    char *families;     /* of every run, each followed by a newline */
    uint32_t color;
    int turned;
} line;

/* The lines of a page in `size` that have a run in `family` (NULL: any), in drawing
 * order. A turned line's x and right are along its baseline (the page's y). Free with
 * g_ptr_array_unref. */
GPtrArray *lines_of(const rs_dump_page *page, const char *family, double size);
line *line_at(GPtrArray *lines, guint i);
/* The page number line of a page ("— N —", 4号), or NULL; freed with `keep`. */
line *page_number(const rs_dump_page *page, GPtrArray **keep);

#define ck_assert_near(a, b) ck_assert_msg(fabs((a) - (b)) < NEAR, "%s = %.3f, expected %.3f", #a, (double)(a), (double)(b))

#endif
