/* haru_private.h — the parts of the libharu backend (haru.c draws, haru_fonts.c vets and
 * loads fonts, haru_save.c writes the file).
 *
 * libharu 2.3.0 draws text by character, not by glyph: CID = Unicode BMP code point, and
 * the font's (3,1) character map picks the glyph. So before anything is drawn, every
 * glyph the layout placed is checked to be exactly what libharu will draw for its
 * character; whatever libharu would draw blank, broken or different is refused with a
 * message instead.
 */
#ifndef HARU_PRIVATE_H
#define HARU_PRIVATE_H

#include <hpdf.h>
#include <stdio.h>

#include "backend_private.h"

/* True if every glyph of the cluster is pango's empty glyph (a character that shows
 * nothing, like a line separator): there is nothing to draw. */
bool haru_cluster_is_blank(const jd_glyph_run *r, const jd_glyph_cluster *c);

typedef struct haru_fonts haru_fonts;

haru_fonts *haru_fonts_new(const jd_pages *pages);
void haru_fonts_free(haru_fonts *fonts);

/* Checks every glyph run of `pages` against what libharu can draw and adds a message to
 * `diags` for each problem (`path` is the output file the messages are about). Returns
 * false if anything was refused. */
bool haru_fonts_vet(haru_fonts *fonts, const jd_pages *pages, const char *path, jd_diags *diags);

/* The libharu font for font `id` of the page list, loaded into `pdf` on first use. NULL
 * if libharu failed; its error handler has the reason. */
HPDF_Font haru_fonts_get(haru_fonts *fonts, HPDF_Doc pdf, int id);

/* Gives the TrueType font `name` loaded into `pdf` a character map libharu looks up in
 * constant time, with the same answers (false: left as it was). */
bool haru_fonts_index_cmap(HPDF_Doc pdf, const char *name);

/* “Family” (file) of font `id`, for messages. */
const char *haru_fonts_label(const haru_fonts *fonts, int id);

/* The advance libharu gives `glyph` of font `id` at `size`, in pt (the width it writes in
 * the PDF): where the next character lands when both are shown in one piece. Read from
 * the font with FreeType, because libharu's own measuring searches the character map
 * linearly for every character. Only for vetted fonts. */
double haru_glyph_advance(const haru_fonts *fonts, int id, uint32_t glyph, double size);

/* Writes the finished document to `out` (which says why, when a write failed or a stop
 * was asked for). An encrypted document gets a file identifier
 * (/ID, which seeds the encryption key) that is a digest of its unencrypted content, where
 * libharu would hash the clock: equal input gives equal bytes. */
HPDF_STATUS haru_save(HPDF_Doc pdf, jd_sink *out);

/* Finished pages' contents in a scratch file instead of memory (haru_spill.c). */
typedef struct haru_spill haru_spill;

haru_spill *haru_spill_new(void);
/* Closes the scratch file: after HPDF_Free, whose page streams read from it. */
void haru_spill_free(haru_spill *spill);
/* Moves the contents of `page` (number `index`, drawn and never drawn on again) out of
 * memory; libharu reads them back when it writes the file. Left in memory when there is
 * no scratch file or writing to it failed. */
void haru_spill_page(haru_spill *spill, HPDF_Page page, size_t index);
/* True, with an error naming `path`, if reading contents back failed while saving. */
bool haru_spill_report(const haru_spill *spill, const char *path, jd_diags *diags);
/* The bytes of page contents libharu holds in memory for the `n` pages. */
size_t haru_spill_held(HPDF_Page const *pages, size_t n);

#endif
