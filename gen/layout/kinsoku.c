/* Chinese line breaking rules (禁则 / 避头尾), after GB/T 15834-2011 and W3C clreq:
 * a line must not start with a closing or pause mark, nor end with an opening one. */
#include <string.h>

#include "layout_private.h"

/* Closing brackets and quotes, pause and stop marks, the connector marks, full-width and
 * half-width forms alike, and the iteration marks of Japanese text. */
static const gunichar no_start[] = {
    0x3001, 0x3002, 0xFF0C, 0xFF0E, 0xFF1A, 0xFF1B, 0xFF01, 0xFF1F, /* 、。，．：；！？ */
    0xFF09, 0x3011, 0x300B, 0x3009, 0x300D, 0x300F, 0x3015, 0x3017, 0x3019, 0x301B, 0xFF3D,
    0xFF5D, 0x201D, 0x2019, 0x301E, 0x301F,                         /* ）】》〉」』〕〗〙〛］｝”’〞〟 */
    0x2026, 0x2025, 0x00B7, 0x30FB, 0xFF5E, 0x301C,                 /* …‥·・～〜 */
    0xFF05, 0x2030, 0x2103, 0x00B0, 0x2032, 0x2033,                 /* ％‰℃°′″ */
    0x3005, 0x309D, 0x309E, 0x30FD, 0x30FE, 0x30FC,                 /* 々ゝゞヽヾー */
    ',',    '.',    ':',    ';',    '!',    '?',    ')',    ']',    '}',    '%',
};

static const gunichar no_end[] = {
    0xFF08, 0x3010, 0x300A, 0x3008, 0x300C, 0x300E, 0x3014, 0x3016, 0x3018, 0x301A, 0xFF3B,
    0xFF5B, 0x201C, 0x2018, 0x301D,                                 /* （【《〈「『〔〖〘〚［｛“‘〝 */
    '(',    '[',    '{',
};

static bool in_set(gunichar ch, const gunichar *set, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (set[i] == ch)
            return true;
    return false;
}

/* Neither list has a character in [0x3100, 0xFF00): ideographs, most of a Chinese text, are
 * answered without a search (asked for every character of every paragraph). */
static bool outside_lists(gunichar ch)
{
    return ch >= 0x3100 && ch < 0xFF00;
}

bool jl_forbidden_at_line_start(gunichar ch)
{
    return !outside_lists(ch) && in_set(ch, no_start, G_N_ELEMENTS(no_start));
}

bool jl_forbidden_at_line_end(gunichar ch)
{
    return !outside_lists(ch) && in_set(ch, no_end, G_N_ELEMENTS(no_end));
}

bool jl_inseparable(gunichar ch)
{
    return ch == 0x2014 || ch == 0x2026 || ch == 0x2015 || ch == 0x2E3A; /* — … ― ⸺ */
}

bool jl_is_cjk(gunichar ch)
{
    return (ch >= 0x2E80 && ch <= 0x9FFF) ||  /* radicals, CJK symbols, kana, ideographs */
           (ch >= 0xAC00 && ch <= 0xD7AF) ||  /* hangul */
           (ch >= 0xF900 && ch <= 0xFAFF) ||  /* compatibility ideographs */
           (ch >= 0xFE30 && ch <= 0xFE4F) ||  /* compatibility forms */
           (ch >= 0xFF00 && ch <= 0xFFEF) ||  /* full-width forms */
           (ch >= 0x20000 && ch <= 0x3FFFF) || /* supplementary ideographs */
           ch == 0x201C || ch == 0x201D || ch == 0x2018 || ch == 0x2019 || ch == 0x2014 ||
           ch == 0x2026 || ch == 0x00B7;
}

/* Full-width marks whose blank half may be compressed (标点挤压), by where the ink sits in a
 * mainland (GB) font: opening marks on the right half, closing and pause/stop marks on the
 * left half, middle dots in the middle. */
static const gunichar opening[] = {
    0xFF08, 0x3014, 0xFF3B, 0xFF5B, 0x300A, 0x3008, 0x300C, 0x300E, 0x3010, 0x3016, 0x3018,
    0x301A, 0x201C, 0x2018, 0x301D, /* （〔［｛《〈「『【〖〘〚“‘〝 */
};
static const gunichar closing[] = {
    0xFF09, 0x3015, 0xFF3D, 0xFF5D, 0x300B, 0x3009, 0x300D, 0x300F, 0x3011, 0x3017, 0x3019,
    0x301B, 0x201D, 0x2019, 0x301E, 0x301F, /* ）〕］｝》〉」』】〗〙〛”’〞〟 */
};
static const gunichar stops[] = {
    0xFF0C, 0x3002, 0x3001, 0xFF0E, 0xFF1A, 0xFF1B, 0xFF01, 0xFF1F, /* ，。、．：；！？ */
};

bool jl_is_digit(gunichar ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 0xFF10 && ch <= 0xFF19);
}

/* Units of several characters written after a number in plans, reports and statistics,
 * longest first where one begins another. A unit of one character (元, 家, 项, 人, 年 …)
 * needs no entry: the ideograph after a number always stays with it. */
static const char *const unit_words[] = {
    "个百分点", "百分点", "平方公里", "平方千米", "平方米", "立方米", "微克/立方米", "毫克/立方米",
    "吨标准煤", "千瓦时", "千瓦", "兆瓦", "公里", "千米", "公顷", "公斤", "千克", "人次", "户次",
    "架次", "车次", "标箱",
};

static bool is_magnitude(gunichar ch)
{
    return ch == 0x4EBF || ch == 0x4E07 || ch == 0x5343 || ch == 0x767E || ch == 0x5341; /* 亿万千百十 */
}

/* A number and its unit are one word to a reader: "990亿元" broken after 亿, or "64.7万平方米"
 * after 平, reads as two quantities (clreq: a number is not split; nor, in Chinese
 * practice, a number from its unit). */
size_t jl_unit_after_number(const char *s, size_t len)
{
    const char *p = s, *end = s + len;
    while (p < end && is_magnitude(g_utf8_get_char(p)))
        p = g_utf8_next_char(p);
    for (size_t i = 0; i < G_N_ELEMENTS(unit_words); i++) {
        size_t n = strlen(unit_words[i]);
        if ((size_t)(end - p) >= n && memcmp(p, unit_words[i], n) == 0)
            return (size_t)(p + n - s);
    }
    if (p < end) {
        gunichar ch = g_utf8_get_char(p);
        if (ch >= 0x4E00 && ch <= 0x9FFF)
            p = g_utf8_next_char(p);
    }
    return (size_t)(p - s);
}

jl_class jl_char_class(gunichar ch)
{
    /* most characters of a Chinese document, first */
    if (ch >= 0x4E00 && ch <= 0x9FFF)
        return JL_CLASS_HAN;
    if (ch < 0x80) {
        if (ch == ' ' || (ch >= '\t' && ch <= '\r'))
            return JL_CLASS_SPACE;
        if (g_ascii_isalnum((gchar)ch))
            return JL_CLASS_ALNUM;
        return ch < 0x20 || ch == 0x7F ? JL_CLASS_NONE : JL_CLASS_NARROW;
    }
    if (g_unichar_isspace(ch))
        return JL_CLASS_SPACE;
    if (in_set(ch, opening, G_N_ELEMENTS(opening)))
        return JL_CLASS_OPEN;
    if (in_set(ch, closing, G_N_ELEMENTS(closing)))
        return JL_CLASS_CLOSE;
    if (in_set(ch, stops, G_N_ELEMENTS(stops)))
        return ch == 0x3002 || ch == 0xFF0E || ch == 0xFF01 || ch == 0xFF1F ? JL_CLASS_FULL_STOP : JL_CLASS_STOP;
    if (ch == 0x00B7 || ch == 0x30FB)
        return JL_CLASS_MIDDLE;
    if (jl_is_cjk(ch))
        return JL_CLASS_HAN;
    if (g_unichar_isalnum(ch))
        return JL_CLASS_ALNUM;
    if (g_unichar_iszerowidth(ch) || g_unichar_iscntrl(ch))
        return JL_CLASS_NONE;
    return JL_CLASS_NARROW;
}

bool jl_latin_face_char(gunichar ch)
{
    /* General Punctuation (“”‘’—…‰) and everything above stays in the CJK face: a Latin
     * face would draw “” narrow and — short, the fault of tools that pick fonts by coverage
     * alone; so does the middle dot of names (阿依古丽·买买提) */
    return ch < 0x2000 && ch != 0x00B7 && ch >= 0x20 && !(ch >= 0x7F && ch < 0xA0);
}
