/* jd_fonts.h — the font set jindu lays out and draws with.
 *
 * jindu never uses the fonts a machine happens to have. A jd_fonts is a private
 * fontconfig configuration holding exactly the files that fonts/fonts.ini lists (the font
 * shipped in fonts/, and named system font files when they are present), and a pango
 * font map over it. Logical families — song, hei, kai, fangsong, xiaobiaosong — resolve
 * through the ordered candidate lists of fonts.ini; the first candidate present wins, and
 * the shipped font is the last resort of every family.
 *
 * A jd_fonts is not thread-safe: use one per thread.
 */
#ifndef JD_FONTS_H
#define JD_FONTS_H

#include <stdbool.h>

#include <pango/pango.h>

#include "jd_base.h"

typedef struct jd_fonts jd_fonts;

/* The folder of the font set used when none is named: $JINDU_FONTS_DIR, else jindu's own
 * fonts/ (jd_data_path). Newly allocated. */
char *jd_fonts_default_dir(void);

/* Loads `dir`/fonts.ini (dir NULL: jd_fonts_default_dir()). Adds an error and returns NULL
 * if no usable font is found. */
jd_fonts *jd_fonts_new(const char *dir, jd_diags *diags);
void jd_fonts_free(jd_fonts *fonts);

/* The pango font map to create contexts from (owned by `fonts`). */
PangoFontMap *jd_fonts_fontmap(jd_fonts *fonts);

/* Another font map over the same fonts, for another thread: font maps are not
 * thread-safe, the font configuration they read is. Free it with jd_fonts_free_fontmap
 * on that thread, before `fonts` is freed and while no other thread changes the set (a
 * template naming a new family does). */
PangoFontMap *jd_fonts_new_fontmap(jd_fonts *fonts);
void jd_fonts_free_fontmap(PangoFontMap *map);

/* The pango family list for a family named in a template: a logical name (song, hei, kai,
 * fangsong, xiaobiaosong) becomes its resolved real family followed by the shipped
 * fallback. Any other name is a real family the template asks for: it is looked up among
 * the system's fonts and its file added to the set; if it is not installed a warning is added (once) and the
 * shipped font is used. Owned by `fonts`. */
const char *jd_fonts_family_list(jd_fonts *fonts, const char *family, jd_diags *diags);

/* The pango family list for the Latin letters, digits and signs of a logical family: its
 * paired Latin face (fonts.ini `latin=`), then the family itself. NULL when the family has
 * no Latin face (a real family, or the pairing's files are missing): its own glyphs serve.
 * Owned by `fonts`. */
const char *jd_fonts_latin_family_list(jd_fonts *fonts, const char *family);

/* The font file (and face index) pango chose for a font, its family name, and whether the
 * face is emboldened synthetically (bold asked for, no bold face available). Strings are
 * owned by the font. */
bool jd_fonts_font_file(PangoFont *font, const char **file, int *face_index, const char **family,
                        bool *synthetic_bold);

/* Whether some font of the set has a glyph for `ch`. */
bool jd_fonts_covers(jd_fonts *fonts, gunichar ch);

/* A description of every logical family: what it resolves to and which file, one line
 * each, as `jindu fonts` prints it. Newly allocated. */
char *jd_fonts_describe(jd_fonts *fonts);

/* Characters of `text` that no font of the set covers (whitespace and controls aside): each
 * distinct character once, in order of first appearance, as a newly allocated UTF-8 string
 * ("" if all are covered). */
char *jd_fonts_missing_chars(jd_fonts *fonts, const char *text);

#endif
