#include "jd_fonts.h"

#include <fontconfig/fontconfig.h>
#include <pango/pangoft2.h>
#include <pango/pangofc-fontmap.h>
#include <string.h>

/* xiaobiaosong: the heavy Song of official-document titles (小标宋, GB/T 9704) */
static const char *const logical_names[] = {"song", "hei", "kai", "fangsong", "xiaobiaosong"};
enum { N_LOGICAL = G_N_ELEMENTS(logical_names) };

typedef struct {
    char *file;   /* chosen file, or NULL when falling back to the shipped font */
    char *family; /* its family name */
    char *list;   /* pango family list: family, shipped family */
    char *wanted; /* first candidate, to say what is missing */
    char *latin_family; /* the Latin face paired with it, or NULL */
    char *latin_file;   /* its regular face */
    char *latin_wanted; /* first latin= file, to say what is missing */
    char *latin_list;   /* pango family list: Latin family, then `list` */
} logical_family;

struct jd_fonts {
    FcConfig *config;
    PangoFontMap *fontmap;
    char *shipped_file;
    char *shipped_family;
    logical_family logical[N_LOGICAL];
    GHashTable *real_lists; /* template family name -> family list (owned) */
    FcCharSet *coverage;    /* union over every font of the set */
    FcConfig *system;       /* the machine's config, loaded only if a template names a real family */
    GHashTable *added;      /* files in the configuration */
};

/* Layout measures outlines as designed: hinting would fit metrics to a pixel grid that a
 * PDF does not have. */
static void unhinted(FcPattern *pattern, gpointer data)
{
    (void)data;
    FcPatternDel(pattern, FC_HINTING);
    FcPatternAddBool(pattern, FC_HINTING, FcFalse);
    FcPatternDel(pattern, FC_HINT_STYLE);
    FcPatternAddInteger(pattern, FC_HINT_STYLE, FC_HINT_NONE);
}

/* Without a config file fontconfig has no rule for faces that lack bold; this is the rule
 * of fontconfig's own 90-synthetic.conf, so bold text gets an emboldened face (and the
 * FC_EMBOLDEN flag that backends read) instead of silently coming out regular. */
static const char synthetic_bold_rule[] =
    "<?xml version=\"1.0\"?><!DOCTYPE fontconfig SYSTEM \"urn:fontconfig:fonts.dtd\">"
    "<fontconfig><match target=\"font\">"
    "<test name=\"weight\" compare=\"less_eq\"><const>medium</const></test>"
    "<test target=\"pattern\" name=\"weight\" compare=\"more_eq\"><const>bold</const></test>"
    "<edit name=\"embolden\" mode=\"assign\"><bool>true</bool></edit>"
    "<edit name=\"weight\" mode=\"assign\"><const>bold</const></edit>"
    "</match></fontconfig>";

static char *resolve_path(const char *dir, const char *entry)
{
    return g_path_is_absolute(entry) ? g_strdup(entry) : g_build_filename(dir, entry, NULL);
}

static bool add_file(jd_fonts *fonts, const char *file)
{
    /* families share files (one Latin face for four families): each is read once */
    if (g_hash_table_contains(fonts->added, file))
        return true;
    if (FcConfigAppFontAddFile(fonts->config, (const FcChar8 *)file) != FcTrue)
        return false;
    g_hash_table_add(fonts->added, g_strdup(file));
    return true;
}

/* The family of a font file: added to the set (once), its name as fontconfig read it then.
 * Scanning a CJK face (its cmap, for the coverage) is most of what loading the fonts costs:
 * asking FreeType for the name first would scan it twice. NULL if it is no font. */
static char *family_of_file(jd_fonts *fonts, const char *file)
{
    if (!add_file(fonts, file))
        return NULL;
    FcFontSet *set = FcConfigGetFonts(fonts->config, FcSetApplication);
    for (int i = 0; set && i < set->nfont; i++) {
        FcChar8 *path = NULL, *fam = NULL;
        if (FcPatternGetString(set->fonts[i], FC_FILE, 0, &path) == FcResultMatch &&
            strcmp((const char *)path, file) == 0 &&
            FcPatternGetString(set->fonts[i], FC_FAMILY, 0, &fam) == FcResultMatch)
            return g_strdup((const char *)fam);
    }
    return NULL;
}

static void build_coverage(jd_fonts *fonts)
{
    if (fonts->coverage)
        FcCharSetDestroy(fonts->coverage);
    fonts->coverage = FcCharSetCreate();
    FcFontSet *set = FcConfigGetFonts(fonts->config, FcSetApplication);
    for (int i = 0; set && i < set->nfont; i++) {
        FcCharSet *cs = NULL;
        if (FcPatternGetCharSet(set->fonts[i], FC_CHARSET, 0, &cs) == FcResultMatch)
            FcCharSetMerge(fonts->coverage, cs, NULL);
    }
}

/* The Latin faces paired with a logical family: `latin=` lists the files of one family
 * (regular first, then bold, italic…); all present ones join the set, so a bold Latin is
 * the real bold face. Without the regular face there is no pairing. */
static void load_latin(jd_fonts *fonts, logical_family *lf, GKeyFile *ini, const char *dir, const char *group)
{
    char **files = g_key_file_get_string_list(ini, group, "latin", NULL, NULL);
    for (int k = 0; files && files[k]; k++) {
        char *path = resolve_path(dir, g_strstrip(files[k]));
        if (k == 0)
            lf->latin_wanted = g_strdup(path);
        char *fam = NULL;
        if (g_file_test(path, G_FILE_TEST_IS_REGULAR) && (k > 0 || (fam = family_of_file(fonts, path)))) {
            if (k > 0 && !lf->latin_family) {
                g_free(path);
                break; /* no regular face: no pairing at all */
            }
            if (add_file(fonts, path) && k == 0) {
                lf->latin_family = fam;
                lf->latin_file = g_strdup(path);
                fam = NULL;
            }
        }
        g_free(fam);
        g_free(path);
    }
    g_strfreev(files);
    if (lf->latin_family)
        lf->latin_list = g_strdup_printf("%s,%s", lf->latin_family, lf->list);
}

char *jd_fonts_default_dir(void)
{
    const char *env = g_getenv("JINDU_FONTS_DIR");
    return env && *env ? g_strdup(env) : jd_data_path("fonts");
}

static jd_fonts *fonts_load(const char *dir, jd_diags *diags)
{
    char *ini_path = g_build_filename(dir, "fonts.ini", NULL);
    GKeyFile *ini = g_key_file_new();
    GError *err = NULL;
    if (!g_key_file_load_from_file(ini, ini_path, G_KEY_FILE_NONE, &err)) {
        jd_diags_add(diags, JD_ERROR, ini_path, 0, 0, "cannot read the font configuration: %s",
                     err->message);
        g_error_free(err);
        g_key_file_free(ini);
        g_free(ini_path);
        return NULL;
    }
    jd_fonts *fonts = g_new0(jd_fonts, 1);
    fonts->config = FcConfigCreate();
    fonts->added = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    FcConfigParseAndLoadFromMemory(fonts->config, (const FcChar8 *)synthetic_bold_rule, FcFalse);
    fonts->real_lists = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);

    char *shipped = g_key_file_get_string(ini, "shipped", "file", NULL);
    if (shipped) {
        fonts->shipped_file = resolve_path(dir, shipped);
        g_free(shipped);
    }
    if (!fonts->shipped_file || !g_file_test(fonts->shipped_file, G_FILE_TEST_IS_REGULAR) ||
        !(fonts->shipped_family = family_of_file(fonts, fonts->shipped_file))) {
        jd_diags_add(diags, JD_ERROR, ini_path, 0, 0,
                     "the shipped font %s is missing or unreadable (fonts/regenerate.sh makes it)",
                     fonts->shipped_file ? fonts->shipped_file : "([shipped] file=)");
        g_key_file_free(ini);
        g_free(ini_path);
        jd_fonts_free(fonts);
        return NULL;
    }

    for (int i = 0; i < N_LOGICAL; i++) {
        logical_family *lf = &fonts->logical[i];
        char **cands = g_key_file_get_string_list(ini, logical_names[i], "candidates", NULL, NULL);
        for (int c = 0; cands && cands[c]; c++) {
            char *path = resolve_path(dir, g_strstrip(cands[c]));
            if (!lf->wanted)
                lf->wanted = g_strdup(path);
            char *fam = NULL;
            if (g_file_test(path, G_FILE_TEST_IS_REGULAR) && (fam = family_of_file(fonts, path))) {
                lf->file = path;
                lf->family = fam;
                break;
            }
            g_free(fam);
            g_free(path);
        }
        g_strfreev(cands);
        if (!lf->family)
            lf->family = g_strdup(fonts->shipped_family);
        lf->list = strcmp(lf->family, fonts->shipped_family) == 0
                       ? g_strdup(lf->family)
                       : g_strdup_printf("%s,%s", lf->family, fonts->shipped_family);
        load_latin(fonts, lf, ini, dir, logical_names[i]);
    }
    g_key_file_free(ini);
    g_free(ini_path);

    fonts->fontmap = jd_fonts_new_fontmap(fonts);
    build_coverage(fonts);
    return fonts;
}

jd_fonts *jd_fonts_new(const char *dir, jd_diags *diags)
{
    char *default_dir = dir && *dir ? NULL : jd_fonts_default_dir();
    jd_fonts *fonts = fonts_load(default_dir ? default_dir : dir, diags);
    g_free(default_dir);
    return fonts;
}

void jd_fonts_free(jd_fonts *fonts)
{
    if (!fonts)
        return;
    jd_fonts_free_fontmap(fonts->fontmap);
    if (fonts->config)
        FcConfigDestroy(fonts->config);
    if (fonts->system)
        FcConfigDestroy(fonts->system);
    if (fonts->coverage)
        FcCharSetDestroy(fonts->coverage);
    for (int i = 0; i < N_LOGICAL; i++) {
        g_free(fonts->logical[i].file);
        g_free(fonts->logical[i].family);
        g_free(fonts->logical[i].list);
        g_free(fonts->logical[i].wanted);
        g_free(fonts->logical[i].latin_family);
        g_free(fonts->logical[i].latin_file);
        g_free(fonts->logical[i].latin_wanted);
        g_free(fonts->logical[i].latin_list);
    }
    g_hash_table_destroy(fonts->real_lists);
    if (fonts->added)
        g_hash_table_destroy(fonts->added);
    g_free(fonts->shipped_file);
    g_free(fonts->shipped_family);
    g_free(fonts);
}

PangoFontMap *jd_fonts_fontmap(jd_fonts *fonts)
{
    return fonts->fontmap;
}

PangoFontMap *jd_fonts_new_fontmap(jd_fonts *fonts)
{
    /* pango's FreeType font map, not pango-cairo's: layout then never touches cairo, so it
     * may run beside a cairo backend on another thread (cairo 1.16 deadlocks when two
     * threads use one FreeType font through it). Glyph advances come from HarfBuzz either
     * way; 72 dpi makes 1 pt one unit. */
    /* pango's FreeType map substitutes its patterns with fontconfig's current configuration,
     * not the one it is given: unset, that is the machine's /etc/fonts rules (output that
     * depends on them, and 40 M instructions a render), and pango's start-up thread loads
     * it. Every jd_fonts configuration has the same rules (synthetic_bold_rule), so
     * whichever of them is current substitutes alike. */
    FcConfigSetCurrent(fonts->config);
    PangoFontMap *map = pango_ft2_font_map_new();
    pango_ft2_font_map_set_resolution(PANGO_FT2_FONT_MAP(map), 72, 72);
    pango_fc_font_map_set_default_substitute(PANGO_FC_FONT_MAP(map), unhinted, NULL, NULL);
    pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(map), fonts->config);
    return map;
}

void jd_fonts_free_fontmap(PangoFontMap *map)
{
    if (!map)
        return;
    /* the font map's caches hold references back to it: break the cycle; and pango 1.50
     * keeps its reference to the configuration when the map is finalized unless the
     * configuration is taken off first */
    pango_fc_font_map_shutdown(PANGO_FC_FONT_MAP(map));
    pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(map), NULL);
    g_object_unref(map);
}

/* The file of an installed family, from the machine's own fontconfig. */
static char *system_file_for_family(jd_fonts *fonts, const char *family)
{
    if (!fonts->system)
        fonts->system = FcInitLoadConfigAndFonts();
    if (!fonts->system)
        return NULL;
    FcPattern *pat = FcPatternCreate();
    FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)family);
    FcObjectSet *os = FcObjectSetBuild(FC_FILE, FC_WEIGHT, NULL);
    FcFontSet *set = FcFontList(fonts->system, pat, os);
    char *file = NULL;
    /* prefer the regular face when the family has several */
    int best = -1;
    for (int i = 0; set && i < set->nfont; i++) {
        int weight = 0;
        FcPatternGetInteger(set->fonts[i], FC_WEIGHT, 0, &weight);
        if (best < 0 || abs(weight - FC_WEIGHT_REGULAR) < abs(best - FC_WEIGHT_REGULAR)) {
            FcChar8 *f = NULL;
            if (FcPatternGetString(set->fonts[i], FC_FILE, 0, &f) == FcResultMatch) {
                g_free(file);
                file = g_strdup((const char *)f);
                best = weight;
            }
        }
    }
    if (set)
        FcFontSetDestroy(set);
    FcObjectSetDestroy(os);
    FcPatternDestroy(pat);
    return file;
}

const char *jd_fonts_family_list(jd_fonts *fonts, const char *family, jd_diags *diags)
{
    if (!family || !*family)
        family = "song";
    for (int i = 0; i < N_LOGICAL; i++)
        if (g_ascii_strcasecmp(family, logical_names[i]) == 0)
            return fonts->logical[i].list;
    const char *known = g_hash_table_lookup(fonts->real_lists, family);
    if (known)
        return known;
    char *list;
    if (g_ascii_strcasecmp(family, fonts->shipped_family) == 0) {
        list = g_strdup(fonts->shipped_family);
    } else {
        char *file = system_file_for_family(fonts, family);
        if (file && add_file(fonts, file)) {
            pango_fc_font_map_config_changed(PANGO_FC_FONT_MAP(fonts->fontmap));
            build_coverage(fonts);
            list = g_strdup_printf("%s,%s", family, fonts->shipped_family);
        } else {
            jd_diags_add(diags, JD_WARNING, NULL, 0, 0,
                         "font family '%s' is not installed; using %s instead", family,
                         fonts->shipped_family);
            list = g_strdup(fonts->shipped_family);
        }
        g_free(file);
    }
    g_hash_table_insert(fonts->real_lists, g_strdup(family), list);
    return list;
}

const char *jd_fonts_latin_family_list(jd_fonts *fonts, const char *family)
{
    if (!family || !*family)
        family = "song";
    for (int i = 0; i < N_LOGICAL; i++)
        if (g_ascii_strcasecmp(family, logical_names[i]) == 0)
            return fonts->logical[i].latin_list;
    return NULL;
}

bool jd_fonts_font_file(PangoFont *font, const char **file, int *face_index, const char **family,
                        bool *synthetic_bold)
{
    if (!font || !PANGO_IS_FC_FONT(font))
        return false;
    FcPattern *pat = pango_fc_font_get_pattern(PANGO_FC_FONT(font));
    FcChar8 *f = NULL, *fam = NULL;
    int index = 0;
    FcBool bold = FcFalse;
    if (!pat || FcPatternGetString(pat, FC_FILE, 0, &f) != FcResultMatch)
        return false;
    FcPatternGetInteger(pat, FC_INDEX, 0, &index);
    FcPatternGetString(pat, FC_FAMILY, 0, &fam);
    FcPatternGetBool(pat, FC_EMBOLDEN, 0, &bold);
    if (file)
        *file = (const char *)f;
    if (face_index)
        *face_index = index;
    if (family)
        *family = fam ? (const char *)fam : "";
    if (synthetic_bold)
        *synthetic_bold = bold == FcTrue;
    return true;
}

bool jd_fonts_covers(jd_fonts *fonts, gunichar ch)
{
    return FcCharSetHasChar(fonts->coverage, ch) == FcTrue;
}

char *jd_fonts_describe(jd_fonts *fonts)
{
    GString *out = g_string_new(NULL);
    for (int i = 0; i < N_LOGICAL; i++) {
        const logical_family *lf = &fonts->logical[i];
        if (lf->file)
            g_string_append_printf(out, "%-12s %s (%s)\n", logical_names[i], lf->family, lf->file);
        else
            g_string_append_printf(out, "%-12s %s (%s) — %s is not installed\n", logical_names[i],
                                   fonts->shipped_family, fonts->shipped_file,
                                   lf->wanted ? lf->wanted : "no candidate listed");
        if (lf->latin_family)
            g_string_append_printf(out, "%-12s Latin: %s (%s)\n", "", lf->latin_family, lf->latin_file);
        else if (lf->latin_wanted)
            g_string_append_printf(out, "%-12s Latin: the family's own — %s is not installed\n", "",
                                   lf->latin_wanted);
    }
    g_string_append_printf(out, "%-12s %s (%s)\n", "fallback", fonts->shipped_family,
                           fonts->shipped_file);
    return g_string_free(out, FALSE);
}

char *jd_fonts_missing_chars(jd_fonts *fonts, const char *text)
{
    GString *out = g_string_new(NULL);
    GHashTable *seen = g_hash_table_new(g_direct_hash, g_direct_equal);
    for (const char *p = text; p && *p; p = g_utf8_next_char(p)) {
        gunichar ch = g_utf8_get_char(p);
        if (g_unichar_isspace(ch) || g_unichar_iscntrl(ch) || ch == 0x200B || ch == 0xFEFF)
            continue;
        if (!jd_fonts_covers(fonts, ch) && !g_hash_table_contains(seen, GUINT_TO_POINTER(ch))) {
            g_hash_table_add(seen, GUINT_TO_POINTER(ch));
            g_string_append_unichar(out, ch);
        }
    }
    g_hash_table_destroy(seen);
    return g_string_free(out, FALSE);
}
