/* Lengths, colours and style properties: parsed once (at load time for static values) and
 * applied to jd_style records during expansion. */
#include <math.h>
#include <string.h>

#include "tpl.h"

/* ---- lengths ----------------------------------------------------------------------- */

/* Traditional Chinese type sizes (字号), in points. */
static const struct {
    const char *name;
    double pt;
} cn_sizes[] = {
    {"初号", 42},  {"小初", 36},  {"一号", 26},  {"小一", 24}, {"二号", 22},   {"小二", 18},
    {"三号", 16},  {"小三", 15},  {"四号", 14},  {"小四", 12}, {"五号", 10.5}, {"小五", 9},
    {"六号", 7.5}, {"小六", 6.5}, {"七号", 5.5}, {"八号", 5},
};

static const struct {
    const char *unit;
    double pt; /* points per unit; 0 for the relative units */
    tpl_len_unit kind;
    unsigned needs; /* TPL_ALLOW_* flag the unit needs, 0 if always allowed */
} units[] = {
    {"pt", 1, TPL_LEN_PT, 0},
    {"mm", 72 / 25.4, TPL_LEN_PT, 0},
    {"cm", 72 / 2.54, TPL_LEN_PT, 0},
    {"in", 72, TPL_LEN_PT, 0},
    {"px", 0.75, TPL_LEN_PT, 0},
    {"em", 0, TPL_LEN_EM, TPL_ALLOW_EM},
    {"字", 0, TPL_LEN_ZI, TPL_ALLOW_ZI_HANG},
    {"行", 0, TPL_LEN_HANG, TPL_ALLOW_ZI_HANG},
    {"%", 0, TPL_LEN_PERCENT, TPL_ALLOW_PERCENT},
    {"fr", 0, TPL_LEN_FR, TPL_ALLOW_FR},
};

bool tpl_parse_length(const char *text, unsigned allow, tpl_length *out, char **why)
{
    char *s = g_strstrip(g_strdup(text));
    bool ok = false;
    *why = NULL;
    for (size_t i = 0; i < G_N_ELEMENTS(cn_sizes) && !ok; i++)
        if (strcmp(s, cn_sizes[i].name) == 0) {
            *out = (tpl_length){cn_sizes[i].pt, TPL_LEN_PT};
            ok = true;
        }
    if (!ok && strcmp(s, "auto") == 0) {
        if (allow & TPL_ALLOW_AUTO) {
            *out = (tpl_length){0, TPL_LEN_AUTO};
            ok = true;
        } else {
            *why = g_strdup("'auto' is only for column widths");
        }
    }
    const char *p = s;
    if (!ok && !*why) {
        if (*p == '-' || *p == '+') p++;
        size_t digits = strspn(p, "0123456789");
        if (p[digits] == '.') digits += 1 + strspn(p + digits + 1, "0123456789");
        if (digits == 0 || (digits == 1 && *p == '.')) {
            *why = g_strdup("not a length");
        } else {
            double value = g_ascii_strtod(s, NULL);
            const char *unit = p + digits;
            if (!*unit) {
                if (value == 0) {
                    *out = (tpl_length){0, TPL_LEN_PT};
                    ok = true;
                } else {
                    *why = g_strdup(allow & TPL_ALLOW_ZI_HANG
                                        ? "a unit is needed (pt, mm, cm, in, px, em, 字 or 行)"
                                        : "a unit is needed (pt, mm, cm, in, px or em)");
                }
            }
            for (size_t i = 0; i < G_N_ELEMENTS(units) && !ok && !*why; i++) {
                if (strcmp(unit, units[i].unit) != 0) continue;
                if (units[i].needs && !(allow & units[i].needs)) {
                    *why = g_strdup_printf(units[i].kind == TPL_LEN_FR
                                               ? "'%s' is only for column widths"
                                               : "'%s' is not allowed here",
                                           units[i].unit);
                } else {
                    *out = (tpl_length){units[i].pt ? value * units[i].pt : value, units[i].kind};
                    ok = true;
                }
            }
            if (!ok && !*why) *why = g_strdup_printf("unknown unit '%s'", unit);
            if (ok && value < 0 && !(allow & TPL_ALLOW_NEGATIVE)) {
                ok = false;
                *why = g_strdup("it cannot be negative");
            }
        }
    }
    g_free(s);
    return ok;
}

tpl_units tpl_units_of(const jd_style *s, double grid_pitch)
{
    double line = s->line_height_pt ? s->line_height : s->line_height * s->font_size;
    return (tpl_units){s->font_size, s->font_size + s->letter_spacing, grid_pitch > 0 ? grid_pitch : line};
}

jd_length tpl_length_resolve(tpl_length len, const tpl_units *u)
{
    switch (len.unit) {
    case TPL_LEN_EM:
        return (jd_length){len.value * u->em, JD_UNIT_PT};
    case TPL_LEN_ZI:
        return (jd_length){len.value * u->zi, JD_UNIT_PT};
    case TPL_LEN_HANG:
        return (jd_length){len.value * u->hang, JD_UNIT_PT};
    case TPL_LEN_PERCENT:
        return (jd_length){len.value, JD_UNIT_PERCENT};
    case TPL_LEN_FR:
        return (jd_length){len.value, JD_UNIT_FR};
    case TPL_LEN_AUTO:
        return (jd_length){0, JD_UNIT_AUTO};
    default:
        return (jd_length){len.value, JD_UNIT_PT};
    }
}

/* ---- colours ----------------------------------------------------------------------- */

static const struct {
    const char *name;
    uint32_t rgb;
} colour_names[] = {
    {"black", 0x000000},  {"white", 0xffffff},  {"red", 0xff0000},    {"green", 0x008000},
    {"blue", 0x0000ff},   {"gray", 0x808080},   {"grey", 0x808080},   {"silver", 0xc0c0c0},
    {"maroon", 0x800000}, {"navy", 0x000080},   {"purple", 0x800080}, {"fuchsia", 0xff00ff},
    {"lime", 0x00ff00},   {"olive", 0x808000},  {"yellow", 0xffff00}, {"teal", 0x008080},
    {"aqua", 0x00ffff},   {"orange", 0xffa500},
};

bool tpl_parse_color(const char *text, uint32_t *out)
{
    char *s = g_strstrip(g_strdup(text));
    bool ok = false;
    size_t n = strlen(s);
    if (s[0] == '#' && (n == 4 || n == 7) && strspn(s + 1, "0123456789abcdefABCDEF") == n - 1) {
        uint32_t v = (uint32_t)strtoul(s + 1, NULL, 16);
        if (n == 4) /* #rgb: each digit doubled */
            v = ((v & 0xf00) << 12 | (v & 0xf00) << 8) | ((v & 0x0f0) << 8 | (v & 0x0f0) << 4) |
                ((v & 0x00f) << 4 | (v & 0x00f));
        *out = v;
        ok = true;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(colour_names) && !ok; i++)
        if (g_ascii_strcasecmp(s, colour_names[i].name) == 0) {
            *out = colour_names[i].rgb;
            ok = true;
        }
    g_free(s);
    return ok;
}

/* ---- properties -------------------------------------------------------------------- */

static const char *const prop_names[TPL_PROP_COUNT] = {
    "font-family", "font-size",      "font-weight", "font-style",    "color",
    "text-align",  "vertical-align", "line-height", "text-indent",   "letter-spacing",
    "padding",     "border",         "border-top",  "border-right",  "border-bottom",
    "border-left", "background",     "margin-top",  "margin-bottom", "keep-with-next",
    "cjk-latin-spacing", "white-space", "punctuation", "snap-to-grid",
};

int tpl_prop_lookup(const char *name)
{
    for (int i = 0; i < TPL_PROP_COUNT; i++)
        if (prop_names[i][0] == name[0] && strcmp(prop_names[i], name) == 0) return i;
    return -1;
}

const char *tpl_prop_name(tpl_prop_id id)
{
    return prop_names[id];
}

/* Index of `s` in the NULL-terminated `words`, or -1. */
static int keyword(const char *s, const char *const *words)
{
    for (int i = 0; words[i]; i++)
        if (strcmp(s, words[i]) == 0) return i;
    return -1;
}

char *tpl_word_list(const char *const *words)
{
    GString *s = g_string_new(NULL);
    for (int i = 0; words[i]; i++) {
        if (i > 0) g_string_append(s, words[i + 1] ? ", " : " or ");
        g_string_append(s, words[i]);
    }
    return g_string_free(s, FALSE);
}

static bool parse_keyword(const char *s, const char *const *words, int *out, char **why)
{
    *out = keyword(s, words);
    if (*out >= 0) return true;
    char *list = tpl_word_list(words);
    *why = g_strconcat("use ", list, NULL);
    g_free(list);
    return false;
}

static bool parse_border(const char *s, tpl_prop *out, char **why)
{
    out->u.border.width = (tpl_length){0, TPL_LEN_PT};
    out->u.border.color = 0x000000;
    if (strcmp(s, "none") == 0) return true;
    char **words = g_strsplit_set(s, " \t\n", -1);
    bool ok = true, have_width = false;
    for (char **w = words; *w && ok; w++) {
        if (!**w || strcmp(*w, "solid") == 0) continue;
        char *length_why = NULL;
        if (!have_width && tpl_parse_length(*w, TPL_ALLOW_EM, &out->u.border.width, &length_why)) {
            have_width = true;
        } else if (!tpl_parse_color(*w, &out->u.border.color)) {
            /* a word that starts like a number was meant as the width */
            *why = strchr("0123456789.+-", **w) && length_why
                       ? g_strdup_printf("'%s': %s", *w, length_why)
                       : g_strdup_printf("'%s' is neither a width nor a colour", *w);
            ok = false;
        }
        g_free(length_why);
    }
    if (ok && !have_width) {
        *why = g_strdup("a border needs a width (e.g. \"0.5pt #333\" or \"none\")");
        ok = false;
    }
    g_strfreev(words);
    return ok;
}

/* 1 to 4 lengths in CSS order: all; vertical horizontal; top horizontal bottom; top right
 * bottom left. */
bool tpl_parse_box(const char *s, unsigned allow, tpl_length box[4], char **why)
{
    char **words = g_strsplit_set(s, " \t\n", -1);
    tpl_length v[4];
    int n = 0;
    bool ok = true;
    for (char **w = words; *w && ok; w++) {
        if (!**w) continue;
        if (n == 4) {
            *why = g_strdup("at most 4 lengths");
            ok = false;
        } else {
            ok = tpl_parse_length(*w, allow, &v[n++], why);
        }
    }
    g_strfreev(words);
    if (ok && n == 0) {
        *why = g_strdup("not a length");
        ok = false;
    }
    if (!ok) return false;
    static const int pick[4][4] = {{0, 0, 0, 0}, {0, 1, 0, 1}, {0, 1, 2, 1}, {0, 1, 2, 3}};
    for (int i = 0; i < 4; i++)
        box[i] = v[pick[n - 1][i]];
    return true;
}

static bool parse_flag(const char *s, bool *out, char **why)
{
    static const char *const words[] = {"true", "false", "yes", "no", NULL};
    int k;
    if (!parse_keyword(s, words, &k, why)) return false;
    *out = k == 0 || k == 2;
    return true;
}

bool tpl_parse_flag(const char *text, bool *out, char **why)
{
    char *s = g_strstrip(g_strdup(text));
    bool ok = parse_flag(s, out, why);
    g_free(s);
    return ok;
}

static bool parse_prop(tpl_prop_id id, const char *s, GStringChunk *names, tpl_prop *out,
                       char **why)
{
    static const char *const aligns[] = {"left",    "center", "right", "justify",
                                         "outside", "inside", NULL};
    static const char *const valigns[] = {"top", "middle", "bottom", NULL};
    static const char *const styles[] = {"normal", "italic", "oblique", NULL};
    /* 字 and 行 wherever em is, but in font-size and letter-spacing (which they depend on) */
    const unsigned em = TPL_ALLOW_EM | TPL_ALLOW_ZI_HANG;
    int k;
    switch (id) {
    case TPL_PROP_FONT_FAMILY:
        if (!*s) {
            *why = g_strdup("empty font family");
            return false;
        }
        out->u.family = g_string_chunk_insert_const(names, s);
        return true;
    case TPL_PROP_FONT_SIZE:
        if (!tpl_parse_length(s, TPL_ALLOW_EM | TPL_ALLOW_PERCENT, &out->u.len, why)) return false;
        if (out->u.len.value <= 0) {
            *why = g_strdup("a font size must be more than 0");
            return false;
        }
        return true;
    case TPL_PROP_FONT_WEIGHT: {
        static const char *const weights[] = {"normal", "bold", NULL};
        if ((k = keyword(s, weights)) >= 0) {
            out->u.weight = k ? 700 : 400;
            return true;
        }
        guint64 w = 0;
        if (g_ascii_string_to_unsigned(s, 10, 100, 900, &w, NULL) && w % 100 == 0) {
            out->u.weight = (int)w;
            return true;
        }
        *why = g_strdup("use normal, bold or 100, 200 … 900");
        return false;
    }
    case TPL_PROP_FONT_STYLE:
        if (!parse_keyword(s, styles, &k, why)) return false;
        out->u.flag = k > 0;
        return true;
    case TPL_PROP_COLOR:
        if (tpl_parse_color(s, &out->u.color)) return true;
        *why = g_strdup("use #rgb, #rrggbb or a name such as black, gray or red");
        return false;
    case TPL_PROP_TEXT_ALIGN:
        return parse_keyword(s, aligns, &out->u.align, why);
    case TPL_PROP_VERTICAL_ALIGN:
        return parse_keyword(s, valigns, &out->u.align, why);
    case TPL_PROP_LINE_HEIGHT: {
        char *end = NULL;
        double factor = g_ascii_strtod(s, &end);
        if (*s && end && !*end && isfinite(factor) && g_ascii_isdigit(*s)) {
            if (factor <= 0) {
                *why = g_strdup("a line height must be more than 0");
                return false;
            }
            out->u.line_height.factor = true;
            out->u.line_height.len = (tpl_length){factor, TPL_LEN_PT};
            return true;
        }
        out->u.line_height.factor = false;
        return tpl_parse_length(s, em | TPL_ALLOW_PERCENT, &out->u.line_height.len, why);
    }
    case TPL_PROP_TEXT_INDENT:
        return tpl_parse_length(s, em | TPL_ALLOW_PERCENT | TPL_ALLOW_NEGATIVE, &out->u.len, why);
    case TPL_PROP_LETTER_SPACING:
        if (strcmp(s, "normal") == 0) {
            out->u.len = (tpl_length){0, TPL_LEN_PT};
            return true;
        }
        return tpl_parse_length(s, TPL_ALLOW_EM | TPL_ALLOW_NEGATIVE, &out->u.len, why);
    case TPL_PROP_PADDING:
        return tpl_parse_box(s, em, out->u.box, why);
    case TPL_PROP_BORDER:
    case TPL_PROP_BORDER_TOP:
    case TPL_PROP_BORDER_RIGHT:
    case TPL_PROP_BORDER_BOTTOM:
    case TPL_PROP_BORDER_LEFT:
        return parse_border(s, out, why);
    case TPL_PROP_BACKGROUND:
        out->u.background.none = strcmp(s, "none") == 0 || strcmp(s, "transparent") == 0;
        if (out->u.background.none || tpl_parse_color(s, &out->u.background.color)) return true;
        *why = g_strdup("use #rgb, #rrggbb, a colour name or none");
        return false;
    case TPL_PROP_MARGIN_TOP:
    case TPL_PROP_MARGIN_BOTTOM:
        return tpl_parse_length(s, em, &out->u.len, why);
    case TPL_PROP_KEEP_WITH_NEXT:
    case TPL_PROP_SNAP_TO_GRID:
        return parse_flag(s, &out->u.flag, why);
    case TPL_PROP_CJK_LATIN_SPACING:
        /* em stays a share of the font size, so it follows every element's own size */
        out->u.spacing.em = true;
        if (strcmp(s, "normal") == 0 || strcmp(s, "auto") == 0) {
            out->u.spacing.len = (tpl_length){0.25, TPL_LEN_PT};
            return true;
        }
        if (strcmp(s, "none") == 0) {
            out->u.spacing.len = (tpl_length){0, TPL_LEN_PT};
            return true;
        }
        if (!tpl_parse_length(s, TPL_ALLOW_EM, &out->u.spacing.len, why)) return false;
        out->u.spacing.em = out->u.spacing.len.unit == TPL_LEN_EM;
        return true;
    case TPL_PROP_WHITE_SPACE: {
        static const char *const words[] = {"normal", "nowrap", NULL};
        if (!parse_keyword(s, words, &k, why)) return false;
        out->u.flag = k == 1;
        return true;
    }
    case TPL_PROP_PUNCTUATION: {
        /* xeCJK's PunctStyle names, and the Chinese ones */
        static const char *const words[] = {"quanjiao", "kaiming", "hangmobanjiao", "banjiao", "plain",
                                            "全角式", "开明式", "行末半角式", "半角式", NULL};
        if (!parse_keyword(s, words, &k, why)) return false;
        out->u.align = k % 5;
        return true;
    }
    default:
        *why = g_strdup("unknown property");
        return false;
    }
}

bool tpl_prop_parse(tpl_prop_id id, const char *text, GStringChunk *names, tpl_prop *out,
                    char **why)
{
    char *s = g_strstrip(g_strdup(text));
    memset(out, 0, sizeof *out);
    out->id = id;
    *why = NULL;
    bool ok = parse_prop(id, s, names, out, why);
    g_free(s);
    return ok;
}

/* ---- applying ---------------------------------------------------------------------- */

void tpl_style_inherit(jd_style *out, const jd_style *parent)
{
    *out = *parent;
    memset(out->padding, 0, sizeof out->padding);
    memset(out->border, 0, sizeof out->border);
    out->background = 0;
    out->has_background = false;
    out->margin_top = out->margin_bottom = 0;
    out->keep_with_next = false;
}

static double pt(tpl_length len, const tpl_units *u)
{
    return tpl_length_resolve(len, u).value;
}

static void set_border(jd_border *b, const tpl_prop *p, const tpl_units *u)
{
    b->width = pt(p->u.border.width, u);
    b->color = b->width > 0 ? p->u.border.color : 0;
}

/* Sets the property on `s`; relative lengths are worth `u` (the units of the element,
 * except while its line height is being set: then 行 is the inherited line). */
static void apply_one(jd_style *s, const tpl_prop *p, const tpl_units *u)
{
    switch (p->id) {
    case TPL_PROP_FONT_FAMILY:
        s->font_family = p->u.family;
        break;
    case TPL_PROP_FONT_WEIGHT:
        s->font_weight = p->u.weight;
        break;
    case TPL_PROP_FONT_STYLE:
        s->italic = p->u.flag;
        break;
    case TPL_PROP_COLOR:
        s->color = p->u.color;
        break;
    case TPL_PROP_TEXT_ALIGN:
        s->text_align = (jd_align)p->u.align;
        break;
    case TPL_PROP_VERTICAL_ALIGN:
        s->vertical_align = (jd_valign)p->u.align;
        break;
    case TPL_PROP_LINE_HEIGHT:
        s->line_height_pt = !p->u.line_height.factor;
        if (p->u.line_height.factor)
            s->line_height = p->u.line_height.len.value;
        else if (p->u.line_height.len.unit == TPL_LEN_PERCENT)
            s->line_height = s->font_size * p->u.line_height.len.value / 100;
        else
            s->line_height = pt(p->u.line_height.len, u);
        break;
    case TPL_PROP_TEXT_INDENT:
        s->text_indent = tpl_length_resolve(p->u.len, u);
        break;
    case TPL_PROP_LETTER_SPACING:
        s->letter_spacing = pt(p->u.len, u);
        break;
    case TPL_PROP_PADDING:
        for (int i = 0; i < 4; i++)
            s->padding[i] = pt(p->u.box[i], u);
        break;
    case TPL_PROP_BORDER:
        for (int i = 0; i < 4; i++)
            set_border(&s->border[i], p, u);
        break;
    case TPL_PROP_BORDER_TOP:
    case TPL_PROP_BORDER_RIGHT:
    case TPL_PROP_BORDER_BOTTOM:
    case TPL_PROP_BORDER_LEFT:
        set_border(&s->border[JD_TOP + (p->id - TPL_PROP_BORDER_TOP)], p, u);
        break;
    case TPL_PROP_BACKGROUND:
        s->has_background = !p->u.background.none;
        s->background = p->u.background.none ? 0 : p->u.background.color;
        break;
    case TPL_PROP_MARGIN_TOP:
        s->margin_top = pt(p->u.len, u);
        break;
    case TPL_PROP_MARGIN_BOTTOM:
        s->margin_bottom = pt(p->u.len, u);
        break;
    case TPL_PROP_KEEP_WITH_NEXT:
        s->keep_with_next = p->u.flag;
        break;
    case TPL_PROP_CJK_LATIN_SPACING:
        s->cjk_latin_spacing_pt = !p->u.spacing.em;
        s->cjk_latin_spacing = p->u.spacing.len.value;
        break;
    case TPL_PROP_WHITE_SPACE:
        s->nowrap = p->u.flag;
        break;
    case TPL_PROP_PUNCTUATION:
        s->punctuation = (jd_punctuation)p->u.align;
        break;
    case TPL_PROP_SNAP_TO_GRID:
        s->snap_to_grid = p->u.flag;
        break;
    default:
        break;
    }
}

/* Shorthands before the sides they cover, so `border` + `border-top` means what CSS means
 * whatever the attribute order. */
static int apply_rank(tpl_prop_id id)
{
    return id == TPL_PROP_BORDER ? 0 : 1;
}

/* The passes of tpl_props_apply, each seeing the lengths the ones before produced. */
enum { PASS_FONT_SIZE, PASS_LETTER_SPACING, PASS_LINE_HEIGHT, PASS_REST, N_PASSES };

static int pass_of(tpl_prop_id id)
{
    switch (id) {
    case TPL_PROP_FONT_SIZE:
        return PASS_FONT_SIZE;
    case TPL_PROP_LETTER_SPACING:
        return PASS_LETTER_SPACING;
    case TPL_PROP_LINE_HEIGHT:
        return PASS_LINE_HEIGHT;
    default:
        return PASS_REST;
    }
}

void tpl_props_apply(jd_style *style, const tpl_prop *const *layers, const guint *counts,
                     guint n_layers, double grid_pitch)
{
    /* font-size: em and % of the parent's size */
    const double parent = style->font_size;
    const tpl_units parent_units = {parent, parent, parent};
    for (int pass = 0; pass < N_PASSES; pass++) {
        tpl_units u = tpl_units_of(style, grid_pitch);
        for (guint l = 0; l < n_layers; l++)
            for (int rank = 0; rank < 2; rank++)
                for (guint i = 0; i < counts[l]; i++) {
                    const tpl_prop *p = &layers[l][i];
                    if (pass_of(p->id) != pass || apply_rank(p->id) != rank) continue;
                    if (p->id != TPL_PROP_FONT_SIZE)
                        apply_one(style, p, &u);
                    else if (p->u.len.unit == TPL_LEN_PERCENT)
                        style->font_size = parent * p->u.len.value / 100;
                    else
                        style->font_size = pt(p->u.len, &parent_units);
                }
    }
}
