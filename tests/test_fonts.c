/* The font set: what each family resolves to, coverage, and `jindu fonts`. */
#include <string.h>

#include "jd_fonts.h"
#include "testutil.h"

START_TEST(families_resolve_to_the_listed_files)
{
    jd_diags *d = jd_diags_new();
    jd_fonts *f = jd_fonts_new(NULL, d);
    ck_assert_ptr_nonnull(f);
    /* hei is the shipped font; every family falls back to it */
    ck_assert_str_eq(jd_fonts_family_list(f, "hei", d), "WenQuanYi Micro Hei");
    ck_assert_str_eq(jd_fonts_family_list(f, "song", d), "AR PL SungtiL GB,WenQuanYi Micro Hei");
    ck_assert_str_eq(jd_fonts_family_list(f, "kai", d), "AR PL KaitiM GB,WenQuanYi Micro Hei");
    /* the shipped Fandol cuts: 仿宋 and the 小标宋 stand-in */
    ck_assert_str_eq(jd_fonts_family_list(f, "fangsong", d), "FandolFang,WenQuanYi Micro Hei");
    ck_assert_str_eq(jd_fonts_family_list(f, "xiaobiaosong", d), "FandolSong,WenQuanYi Micro Hei");
    /* a family that is not installed: a warning, once, and the shipped font */
    ck_assert_str_eq(jd_fonts_family_list(f, "No Such Family", d), "WenQuanYi Micro Hei");
    ck_assert_str_eq(jd_fonts_family_list(f, "No Such Family", d), "WenQuanYi Micro Hei");
    ck_assert_int_eq(jd_diags_count(d), 1);
    ck_assert_str_eq(jd_diag_message(jd_diags_get(d, 0)),
                     "font family 'No Such Family' is not installed; using WenQuanYi Micro Hei instead");
    /* each logical family has a proportional Latin face: a Times-compatible serif with the
     * serif families, a sans with hei; a real family keeps its own Latin */
    ck_assert_str_eq(jd_fonts_latin_family_list(f, "song"), "Liberation Serif,AR PL SungtiL GB,WenQuanYi Micro Hei");
    ck_assert_str_eq(jd_fonts_latin_family_list(f, "fangsong"), "Liberation Serif,FandolFang,WenQuanYi Micro Hei");
    ck_assert_str_eq(jd_fonts_latin_family_list(f, "kai"), "Liberation Serif,AR PL KaitiM GB,WenQuanYi Micro Hei");
    ck_assert_str_eq(jd_fonts_latin_family_list(f, "hei"), "Liberation Sans,WenQuanYi Micro Hei");
    ck_assert_ptr_null(jd_fonts_latin_family_list(f, "No Such Family"));
    char *text = jd_fonts_describe(f);
    ck_assert_int_eq(jt_count(text, "\n"), 11);
    ck_assert(strstr(text, "\nfangsong     FandolFang ("));
    ck_assert(strstr(text, "/fonts/fandol-fang-gb2312.ttf)\n             Latin: Liberation Serif ("
                           "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf)\nxiaobiaosong FandolSong ("));
    ck_assert(g_str_has_prefix(text, "song         AR PL SungtiL GB (/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf)\n"
                                     "             Latin: Liberation Serif (/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf)\n"));
    g_free(text);
    jd_fonts_free(f);
    jd_diags_free(d);
}
END_TEST

START_TEST(missing_characters_are_listed_once)
{
    jd_diags *d = jd_diags_new();
    jd_fonts *f = jd_fonts_new(NULL, d);
    ck_assert(jd_fonts_covers(f, 0x897F)); /* 西 */
    ck_assert(!jd_fonts_covers(f, 0x2CD02));
    char *missing = jd_fonts_missing_chars(f, "西青𬴂区 𬴂\n𠮷");
    ck_assert_str_eq(missing, "𬴂𠮷");
    g_free(missing);
    jd_fonts_free(f);
    jd_diags_free(d);
}
END_TEST

START_TEST(a_folder_without_fonts_is_an_error)
{
    char *dir = jt_tmpdir();
    jd_diags *d = jd_diags_new();
    ck_assert_ptr_null(jd_fonts_new(dir, d));
    ck_assert_int_eq(jd_diags_count(d), 1);
    ck_assert(g_str_has_prefix(jd_diag_message(jd_diags_get(d, 0)), "cannot read the font configuration: "));
    jd_diags_free(d);
    jt_rmrf(dir);
    g_free(dir);
}
END_TEST

START_TEST(fonts_check_names_where_a_character_occurs)
{
    char *data = jt_fixture("render/rare-char.tsv");
    char *out = NULL, *err = NULL;
    int rc = jt_cli(&out, &err, "fonts check '%s'", data);
    ck_assert_int_eq(rc, 1);
    char *want = g_strdup_printf("%s: 1 character is in no font of the font set\n", data);
    ck_assert_str_eq(out, want);
    char *where = g_strdup_printf("%s:3:3: error: 𬴂 (U+2CD02) is in no font of the font set, in tasks[0].title\n", data);
    ck_assert_str_eq(err, where);
    g_free(want), g_free(where), g_free(out), g_free(err);
    char *seed = jt_src("samples/xiqing-2023/tasks.tsv");
    rc = jt_cli(&out, NULL, "fonts check '%s' 2>/dev/null", seed);
    ck_assert_int_eq(rc, 0);
    want = g_strdup_printf("%s: every character is in the font set\n", seed);
    ck_assert_str_eq(out, want);
    g_free(want), g_free(out), g_free(seed), g_free(data);
    ck_assert_int_eq(jt_cli(&out, NULL, "fonts"), 0);
    ck_assert(g_str_has_prefix(out, "song         AR PL SungtiL GB"));
    g_free(out);
    ck_assert_int_eq(jt_cli(NULL, NULL, "fonts check"), 2);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fonts");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, families_resolve_to_the_listed_files);
    tcase_add_test(tc, missing_characters_are_listed_once);
    tcase_add_test(tc, a_folder_without_fonts_is_an_error);
    tcase_add_test(tc, fonts_check_names_where_a_character_occurs);
    suite_add_tcase(s, tc);
    return jt_main(s);
}
