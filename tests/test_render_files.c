/* `jindu render` when the output cannot be written or the fonts are missing, with each
 * backend: exit status 1, the exact message, no new file, the previous output byte for byte
 * as it was, and none of the hidden .NAME.* files jd_outfile writes first left beside the
 * target. */
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "testutil.h"

static const char *const backends[] = {"cairo", "haru"};

static char *tmp, *template_path, *small_data, *out;
static const char *backend;

static void setup(void)
{
    tmp = jt_tmpdir();
    template_path = jt_src("templates/task-list.xml");
    small_data = jt_fixture("render/small.tsv");
    out = g_build_filename(tmp, "out.pdf", NULL);
}

static void teardown(void)
{
    jt_rmrf(tmp);
    g_free(tmp);
    g_free(template_path);
    g_free(small_data);
    g_free(out);
}

/* `jindu render` of `data` to `target` with the backend under test; `env` goes before the
 * command (variable assignments, shell settings). Returns the exit status. */
static int render_to(const char *env, const char *data, const char *target, char **err)
{
    char *cmd = g_strdup_printf("%s '%s' render '%s' --data '%s' --backend %s -o '%s'", env, JD_CLI,
                                template_path, data, backend, target);
    int rc = jt_run(cmd, NULL, err);
    g_free(cmd);
    return rc;
}

/* Renders the small list to `out`: the previous output later failures must not touch.
 * Returns its bytes. */
static GBytes *previous_output(void)
{
    char *err = NULL;
    ck_assert_msg(render_to("", small_data, out, &err) == 0, "%s", err);
    ck_assert_str_eq(err, "");
    g_free(err);
    gsize len = 0;
    char *data = NULL;
    ck_assert(g_file_get_contents(out, &data, &len, NULL));
    return g_bytes_new_take(data, len);
}

static void assert_unchanged(GBytes *before)
{
    gsize len = 0;
    char *data = NULL;
    ck_assert_msg(g_file_get_contents(out, &data, &len, NULL), "%s is gone", out);
    GBytes *now = g_bytes_new_take(data, len);
    ck_assert_msg(g_bytes_equal(before, now), "%s changed", out);
    g_bytes_unref(now);
}

/* A failed render: status 1 and exactly `message` (one line) on standard error. */
static void assert_refused(const char *env, const char *data, const char *target,
                           const char *message)
{
    char *err = NULL;
    int rc = render_to(env, data, target, &err);
    char *want = g_strconcat(message, "\n", NULL);
    ck_assert_msg(rc == 1, "%s: exit status %d, stderr: %s", backend, rc, err);
    ck_assert_str_eq(err, want);
    g_free(want);
    g_free(err);
}

static void assert_listing(const char *dir, const char *names)
{
    char *got = jt_dir_listing(dir);
    ck_assert_str_eq(got, names);
    g_free(got);
}

START_TEST(output_in_a_missing_directory)
{
    backend = backends[_i];
    char *dir = g_build_filename(tmp, "missing", NULL);
    char *target = g_build_filename(dir, "x.pdf", NULL);
    char *message =
        g_strdup_printf("%s: error: cannot write: directory %s does not exist", target, dir);
    assert_refused("", small_data, target, message);
    ck_assert(!jt_exists(dir));
    assert_listing(tmp, "");
    g_free(message);
    g_free(target);
    g_free(dir);
}
END_TEST

START_TEST(output_is_a_directory)
{
    backend = backends[_i];
    ck_assert_int_eq(g_mkdir(out, 0755), 0);
    char *inside = g_build_filename(out, "kept.txt", NULL);
    jt_write(inside, "kept");
    char *message = g_strdup_printf("%s: error: cannot write: it is a directory", out);
    assert_refused("", small_data, out, message);
    ck_assert(g_file_test(out, G_FILE_TEST_IS_DIR));
    assert_listing(out, "kept.txt");
    assert_listing(tmp, "out.pdf");
    g_free(message);
    g_free(inside);
}
END_TEST

/* Root may write anywhere, so "unwritable" is a path no one can create: under a regular
 * file, or in /proc. */
START_TEST(output_under_a_regular_file)
{
    backend = backends[_i];
    char *file = g_build_filename(tmp, "file", NULL);
    jt_write(file, "previous");
    char *target = g_build_filename(file, "x.pdf", NULL);
    char *message =
        g_strdup_printf("%s: error: cannot write: %s is a file, not a directory", target, file);
    assert_refused("", small_data, target, message);
    char *content = jt_read(file);
    ck_assert_str_eq(content, "previous");
    assert_listing(tmp, "file");
    g_free(content);
    g_free(message);
    g_free(target);
    g_free(file);
}
END_TEST

START_TEST(output_in_proc)
{
    backend = backends[_i];
    assert_refused("", small_data, "/proc/x.pdf",
                   "/proc/x.pdf: error: cannot write: No such file or directory");
    ck_assert(!jt_exists("/proc/x.pdf"));
}
END_TEST

START_TEST(fonts_folder_without_configuration)
{
    backend = backends[_i];
    GBytes *before = previous_output();
    char *fonts = g_build_filename(tmp, "fonts", NULL);
    ck_assert_int_eq(g_mkdir(fonts, 0755), 0);
    char *env = g_strdup_printf("JINDU_FONTS_DIR='%s'", fonts);
    char *message = g_strdup_printf(
        "%s/fonts.ini: error: cannot read the font configuration: No such file or directory",
        fonts);
    assert_refused(env, small_data, out, message);
    assert_unchanged(before);
    assert_listing(tmp, "fonts out.pdf");
    g_free(message);
    g_free(env);
    g_free(fonts);
    g_bytes_unref(before);
}
END_TEST

START_TEST(configuration_names_a_missing_shipped_font)
{
    backend = backends[_i];
    GBytes *before = previous_output();
    char *fonts = jt_fixture("render/missing-shipped-font");
    char *env = g_strdup_printf("JINDU_FONTS_DIR='%s'", fonts);
    char *message = g_strdup_printf("%s/fonts.ini: error: the shipped font "
                                    "%s/wqy-microhei-gb2312.ttf is missing or unreadable "
                                    "(fonts/regenerate.sh makes it)",
                                    fonts, fonts);
    assert_refused(env, small_data, out, message);
    assert_unchanged(before);
    assert_listing(tmp, "out.pdf");
    g_free(message);
    g_free(env);
    g_free(fonts);
    g_bytes_unref(before);
}
END_TEST

START_TEST(character_in_no_font)
{
    backend = backends[_i];
    GBytes *before = previous_output();
    char *data = jt_fixture("render/rare-char.tsv");
    /* the message names the template element the text came from, and the text around */
    char *tpl = jt_read(template_path);
    const char *cell = strstr(tpl, "{{ t.title }}</td>");
    ck_assert_ptr_nonnull(cell);
    int line = 1;
    for (const char *p = tpl; p < cell; p++)
        line += *p == '\n';
    g_free(tpl);
    char *message = g_strdup_printf("%s:%d: error: character 𬴂 (U+2CD02) in “建设𬴂河公园” is in no font "
                                    "of the font set; it would print as an empty box (`jindu fonts "
                                    "check` lists every such character of a data file)",
                                    template_path, line);
    assert_refused("", data, out, message);
    g_free(message);
    assert_unchanged(before);
    assert_listing(tmp, "out.pdf");
    g_free(data);
    g_bytes_unref(before);
}
END_TEST

/* The disk fills up while the file is written: a file size limit of 64 blocks (32 or 64 KiB
 * as the shell counts them), its signal ignored so that writes fail instead. */
#define FILE_SIZE_LIMIT "trap '' XFSZ; ulimit -f 64;"

START_TEST(write_failing_midway)
{
    backend = backends[_i];
    GBytes *before = previous_output();
    ck_assert_uint_gt(g_bytes_get_size(before), 64 * 1024);
    char *err = NULL;
    int rc = render_to(FILE_SIZE_LIMIT, small_data, out, &err);
    ck_assert_msg(rc == 1, "%s: exit status %d, stderr: %s", backend, rc, err);
    /* the write that failed says why (libharu and cairo only say that one did) */
    char *want = g_strdup_printf("%s: error: cannot write: File too large\n", out);
    ck_assert_str_eq(err, want);
    g_free(want);
    assert_unchanged(before);
    assert_listing(tmp, "out.pdf");
    g_free(err);
    g_bytes_unref(before);
}
END_TEST

/* Images fail the same way (cairo draws them; libharu writes PDF only). */
START_TEST(image_write_failing_midway)
{
    backend = "cairo";
    static const char *const names[] = {"out.png", "out.svg"};
    char *target = g_build_filename(tmp, names[_i], NULL);
    jt_write(target, "previous");
    char *cmd = g_strdup_printf(FILE_SIZE_LIMIT " '%s' render '%s' --data '%s' -o '%s' --dpi 300",
                                JD_CLI, template_path, small_data, target);
    char *err = NULL;
    ck_assert_int_eq(jt_run(cmd, NULL, &err), 1);
    char *want = g_strdup_printf("%s: error: cannot write: File too large\n", target);
    ck_assert_str_eq(err, want);
    char *content = jt_read(target);
    ck_assert_str_eq(content, "previous");
    assert_listing(tmp, names[_i]);
    g_free(content);
    g_free(want);
    g_free(err);
    g_free(cmd);
    g_free(target);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("render-files");
    TCase *tc = tcase_create("refusals");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    int n = (int)G_N_ELEMENTS(backends);
    tcase_add_loop_test(tc, output_in_a_missing_directory, 0, n);
    tcase_add_loop_test(tc, output_is_a_directory, 0, n);
    tcase_add_loop_test(tc, output_under_a_regular_file, 0, n);
    tcase_add_loop_test(tc, output_in_proc, 0, n);
    tcase_add_loop_test(tc, fonts_folder_without_configuration, 0, n);
    tcase_add_loop_test(tc, configuration_names_a_missing_shipped_font, 0, n);
    tcase_add_loop_test(tc, character_in_no_font, 0, n);
    tcase_add_loop_test(tc, write_failing_midway, 0, n);
    tcase_add_loop_test(tc, image_write_failing_midway, 0, 2);
    suite_add_tcase(s, tc);
    return jt_main(s);
}
