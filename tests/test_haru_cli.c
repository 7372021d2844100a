/* The seed sheet — the real 123-task list of samples/xiqing-2023 with the task-list
 * template — through `jindu render` with both backends: the same pages and text, words in
 * the same places, fonts embedded; encrypted output through the command line. */
#include <stdio.h>
#include <string.h>

#include "test_haru_pdf.h"
#include "testutil.h"

static char *tmp, *template_path, *data_path;

static void setup(void)
{
    tmp = jt_tmpdir();
    template_path = jt_src("templates/task-list.xml");
    data_path = jt_src("samples/xiqing-2023/tasks.tsv");
}

static void teardown(void)
{
    jt_rmrf(tmp);
    g_free(tmp);
    g_free(template_path);
    g_free(data_path);
}

/* `jindu render` of the seed sheet with extra arguments; returns the exit status. */
static int render(const char *out, const char *args, char **err)
{
    return jt_cli(NULL, err, "render '%s' --data '%s' -o '%s' %s", template_path, data_path, out,
                  args);
}

START_TEST(seed_sheet_matches_cairo)
{
    char *cairo = g_build_filename(tmp, "cairo.pdf", NULL),
         *haru = g_build_filename(tmp, "haru.pdf", NULL);
    char *err = NULL;
    ck_assert_msg(render(cairo, "", &err) == 0, "%s", err);
    g_free(err);
    ck_assert_msg(render(haru, "--backend haru", &err) == 0, "%s", err);
    g_free(err);
    int pages = hp_page_count(cairo);
    ck_assert_int_ge(pages, 20);
    double worst = hp_assert_parity(cairo, haru, HP_CAIRO_TOLERANCE);
    GPtrArray *fonts = hp_fonts(haru);
    ck_assert_uint_ge(fonts->len, 1);
    for (guint i = 0; i < fonts->len; i++) {
        const char *row = g_ptr_array_index(fonts, i);
        ck_assert_msg(strstr(row, "CID TrueType      Identity-H       yes yes yes"),
                      "font not embedded: %s", row);
    }
    g_ptr_array_unref(fonts);
    fprintf(stderr, "seed sheet: %d pages; words within %.3f pt of cairo's\n", pages, worst);
    g_free(cairo);
    g_free(haru);
}
END_TEST

START_TEST(seed_sheet_encrypted_and_reproducible)
{
    char *a = g_build_filename(tmp, "a.pdf", NULL), *b = g_build_filename(tmp, "b.pdf", NULL);
    const char *args =
        "--backend haru --owner-password owner-secret --user-password reader --allow print";
    char *err = NULL;
    ck_assert_msg(render(a, args, &err) == 0, "%s", err);
    g_free(err);
    ck_assert_msg(render(b, args, &err) == 0, "%s", err);
    g_free(err);
    char *enc = hp_info(a, "-upw reader", "Encrypted");
    ck_assert_str_eq(enc, "yes (print:yes copy:no change:no addNotes:no algorithm:RC4)");
    g_free(enc);
    char *ca = NULL, *cb = NULL;
    gsize la = 0, lb = 0;
    ck_assert(g_file_get_contents(a, &ca, &la, NULL) && g_file_get_contents(b, &cb, &lb, NULL));
    ck_assert_uint_eq(la, lb);
    ck_assert_msg(memcmp(ca, cb, la) == 0, "two encrypted renders differ");
    g_free(ca), g_free(cb), g_free(a), g_free(b);
}
END_TEST

/* A refusal is exit status 1 with the message, and no file. */
START_TEST(refusal_through_the_command_line)
{
    char *out = g_build_filename(tmp, "x.pdf", NULL);
    char *err = NULL;
    ck_assert_int_eq(render(out, "--backend haru --user-password reader", &err), 1);
    ck_assert_msg(
        strstr(err, "error: haru backend: a user password needs an owner password as well (libharu "
                    "encrypts only with one)"),
        "%s", err);
    ck_assert(!jt_exists(out));
    g_free(err);
    g_free(out);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("haru-cli");
    TCase *tc = tcase_create("seed");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, seed_sheet_matches_cairo);
    tcase_add_test(tc, seed_sheet_encrypted_and_reproducible);
    tcase_add_test(tc, refusal_through_the_command_line);
    suite_add_tcase(s, tc);
    return jt_main(s);
}
