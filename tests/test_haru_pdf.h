/* test_haru_pdf.h — reading PDFs back with poppler-utils, for the haru backend's tests:
 * text per page, word boxes, fonts, pixels, and the raw (inflated) objects. */
#ifndef TEST_HARU_PDF_H
#define TEST_HARU_PDF_H

#include <glib.h>

/* Word positions of the two backends agree within this (pt). cairo 1.16 rounds each
 * glyph's advance in its PDF text operators and lets the error add up along a line: over
 * 60 Latin characters at 10pt it drifts by 0.4pt. */
#define HP_CAIRO_TOLERANCE 0.5

/* Runs a shell command that must succeed; returns its standard output. */
char *hp_run(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

int hp_page_count(const char *pdf);
/* pdfinfo's value for `key` ("Title", "Encrypted", …), extra arguments allowed (e.g. a
 * password): newly allocated, NULL if absent. */
char *hp_info(const char *pdf, const char *args, const char *key);
/* The text of 1-based page `page` in drawing order (pdftotext -raw), whitespace removed.
 * Both backends draw the page list's items in the same order; pdftotext's reading-order
 * guess, by contrast, depends on font metrics the backends write differently. */
char *hp_page_text(const char *pdf, int page);

typedef struct {
    int page; /* 1-based */
    double x_min, y_min, x_max, y_max;
    char *text;
    int line; /* for joining words into runs */
} hp_word;

/* Every word pdftotext -bbox finds, in reading order. Free with g_ptr_array_unref. */
GPtrArray *hp_words(const char *pdf);

/* pdffonts rows: "name type encoding emb sub uni" per font, one string per font. */
GPtrArray *hp_fonts(const char *pdf);

/* Asserts that every font of `pdf` is embedded and subset (a tagged name, ABCDEF+Name) and
 * that each face of `faces` (NULL-terminated, e.g. "FandolFang-Regular") is among them. */
void hp_assert_subset_fonts(const char *pdf, const char *const *faces);

/* The two files have the same pages, the same text on each page (whitespace aside), and
 * the same runs of text (words touching on one baseline, joined), each with its left and
 * right edge within `tolerance` pt of the other file's and on the same line. Returns the
 * largest x difference seen. */
double hp_assert_parity(const char *cairo_pdf, const char *haru_pdf, double tolerance);
/* The same where page `blank_page` (1-based; 0 for none) must be blank in both, as the page
 * GB/T 9704 leaves before a 版记 that would fall on an odd page. */
double hp_assert_parity_blank(const char *cairo_pdf, const char *haru_pdf, double tolerance, int blank_page);

/* Grey pixels (0 black … 255 white, row by row) of page `page` rendered by pdftoppm at
 * `dpi`; sets width and height. Newly allocated. */
guint8 *hp_grey_pixels(const char *pdf, int page, int dpi, int *w, int *h);

/* Share of pixels (of page `page` rendered in grey at `dpi`) that differ by more than a
 * quarter of the grey range between the two files. */
double hp_pixel_difference(const char *a_pdf, const char *b_pdf, int page, int dpi);

/* Share of dark pixels (below half grey) of page `page` rendered at `dpi`. */
double hp_ink(const char *pdf, int page, int dpi);

/* First occurrence of `needle` in binary `data`, or NULL. */
const char *hp_find(const char *data, size_t len, const char *needle);

/* The file with every FlateDecode stream inflated in place (unencrypted files only) and
 * NUL bytes turned into spaces: page content and object dictionaries become searchable
 * text. Encrypted streams stay as they are. */
char *hp_inflated(const char *pdf);

#endif
