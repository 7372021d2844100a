#include <fcntl.h>
#include <signal.h>
#include <errno.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jd_base.h"
#include "testutil.h"

START_TEST(diag_format_position_and_caret)
{
    jd_diags *d = jd_diags_new();
    jd_diags_add(d, JD_WARNING, "a.tsv", 12, 3, "extra empty field dropped");
    jd_diags_add_excerpt(d, JD_ERROR, "t.xml", 4, 5, "<p>{{ 名称 | nope }}</p>", 2, "unknown filter '%s'", "nope");
    ck_assert_int_eq(jd_diags_count(d), 2);
    ck_assert(jd_diags_has_errors(d));
    char *s0 = jd_diag_format(jd_diags_get(d, 0));
    ck_assert_str_eq(s0, "a.tsv:12:3: warning: extra empty field dropped");
    char *s1 = jd_diag_format(jd_diags_get(d, 1));
    /* caret under column 5 ('{' after "<p>{") counting characters; wide chars take two cells */
    ck_assert_str_eq(s1, "t.xml:4:5: error: unknown filter 'nope'\n    <p>{{ 名称 | nope }}</p>\n        ^~");
    g_free(s0);
    g_free(s1);
    jd_diags_free(d);
}
END_TEST

START_TEST(diag_sort_is_by_file_line_col)
{
    jd_diags *d = jd_diags_new();
    jd_diags_add(d, JD_ERROR, "b", 1, 1, "x");
    jd_diags_add(d, JD_ERROR, "a", 9, 1, "y");
    jd_diags_add(d, JD_ERROR, "a", 2, 7, "z");
    jd_diags_sort(d);
    ck_assert_str_eq(jd_diag_message(jd_diags_get(d, 0)), "z");
    ck_assert_str_eq(jd_diag_message(jd_diags_get(d, 1)), "y");
    ck_assert_str_eq(jd_diag_message(jd_diags_get(d, 2)), "x");
    jd_diags_free(d);
}
END_TEST

START_TEST(text_positions_count_characters)
{
    const char *t = "第一行\n序号\t目标";
    int line, col;
    jd_text_position(t, strlen("第一行\n序号\t"), &line, &col);
    ck_assert_int_eq(line, 2);
    ck_assert_int_eq(col, 4);
    char *l = jd_text_line(t, 2);
    ck_assert_str_eq(l, "序号\t目标");
    g_free(l);
}
END_TEST

START_TEST(outfile_commit_and_abort_keep_old_file)
{
    char *dir = jt_tmpdir();
    char *target = g_build_filename(dir, "out.txt", NULL);
    jt_write(target, "old");
    jd_diags *d = jd_diags_new();
    jd_outfile *of = jd_outfile_new(target, d);
    ck_assert_ptr_nonnull(of);
    fputs("half", jd_outfile_stream(of));
    jd_outfile_abort(of);
    char *now = jt_read(target);
    ck_assert_str_eq(now, "old");
    g_free(now);
    ck_assert(jd_write_file_atomic(target, "new", 3, d));
    now = jt_read(target);
    ck_assert_str_eq(now, "new");
    g_free(now);
    /* only the target remains: no temporary files left behind */
    GDir *gd = g_dir_open(dir, 0, NULL);
    int n = 0;
    while (g_dir_read_name(gd))
        n++;
    g_dir_close(gd);
    ck_assert_int_eq(n, 1);
    ck_assert(!jd_diags_has_errors(d));
    jd_diags_free(d);
    jt_rmrf(dir);
    g_free(target);
    g_free(dir);
}
END_TEST

/* A name from the input with a cut UTF-8 sequence at its end reaches a message as it was
 * read (the template fuzzer found it): the formatted line stops at the message's end and
 * shows the broken bytes as U+FFFD. */
START_TEST(diag_message_with_cut_utf8_is_formatted_within_it)
{
    jd_diags *d = jd_diags_new();
    jd_diags_add(d, JD_ERROR, "t.xml", 1, 2, "unknown element \xe5\x95");
    char *s = jd_diag_format(jd_diags_get(d, 0));
    ck_assert_str_eq(s, "t.xml:1:2: error: unknown element \xef\xbf\xbd\xef\xbf\xbd");
    g_free(s);
    char *shown = jd_printable("\xe5");
    ck_assert_str_eq(shown, "\xef\xbf\xbd");
    g_free(shown);
    jd_diags_free(d);
}
END_TEST

/* A message on a long line keeps a window of it: the excerpt shown is the same whether the
 * line was given whole or by its bytes and the column's offset, at the line's start, middle
 * and end, and the window's ends say the line goes on. */
START_TEST(diag_excerpt_of_a_long_line_is_a_window)
{
    GString *line = g_string_new(NULL);
    for (int i = 0; i < 600; i++)
        g_string_append(line, i % 7 ? "甲" : "a");
    static const int cols[] = {1, 30, 300, 560, 600, 601};
    for (size_t i = 0; i < G_N_ELEMENTS(cols); i++) {
        jd_diags *d = jd_diags_new();
        jd_diags_add_excerpt(d, JD_ERROR, "l.txt", 3, cols[i], line->str, 2, "bad");
        const char *at = g_utf8_offset_to_pointer(line->str, cols[i] - 1);
        jd_diags_add_excerpt_at(d, JD_ERROR, "l.txt", 3, cols[i], line->str, line->len,
                                (size_t)(at - line->str), 2, "bad");
        char *whole = jd_diag_format(jd_diags_get(d, 0));
        char *window = jd_diag_format(jd_diags_get(d, 1));
        ck_assert_str_eq(whole, window);
        char **lines = g_strsplit(window, "\n", -1);
        ck_assert_int_eq(g_strv_length(lines), 3);
        ck_assert_int_eq(g_str_has_prefix(lines[1], "    …"), cols[i] > 41);
        ck_assert_int_eq(g_str_has_suffix(lines[1], "…"), cols[i] < 541);
        ck_assert_int_eq(g_utf8_strlen(lines[1], -1), 4 + 100 + (cols[i] > 41) + (cols[i] < 541));
        ck_assert(strstr(lines[2], "^~") != NULL);
        g_strfreev(lines);
        g_free(whole);
        g_free(window);
        jd_diags_free(d);
    }
    g_string_free(line, TRUE);
}
END_TEST

START_TEST(outfile_missing_directory_is_an_error)
{
    jd_diags *d = jd_diags_new();
    ck_assert(!jd_write_file_atomic("/nonexistent-dir-jindu/x.pdf", "x", 1, d));
    ck_assert_int_eq(jd_diags_count(d), 1);
    char *s = jd_diag_format(jd_diags_get(d, 0));
    ck_assert_str_eq(s, "/nonexistent-dir-jindu/x.pdf: error: cannot write: directory /nonexistent-dir-jindu does not exist");
    g_free(s);
    jd_diags_free(d);
}
END_TEST

/* A run killed while it writes — Ctrl-C, kill, a hang-up, a full disk's SIGXFSZ, kill -9 —
 * leaves neither a truncated target nor a temporary file beside it. */
START_TEST(outfile_killed_leaves_nothing)
{
    static const int signals[] = {SIGINT, SIGTERM, SIGHUP, SIGXFSZ, SIGKILL};
    char *dir = jt_tmpdir();
    char *path = g_build_filename(dir, "out.pdf", NULL);
    jt_write(path, "previous");
    for (size_t i = 0; i < G_N_ELEMENTS(signals); i++) {
        pid_t pid = fork();
        if (pid == 0) {
            signal(signals[i], SIG_DFL);
            jd_outfile *of = jd_outfile_new(path, NULL);
            if (!of) _exit(3);
            fputs("half a document", jd_outfile_stream(of));
            fflush(jd_outfile_stream(of));
            raise(signals[i]);
            _exit(4);
        }
        int status = 0;
        ck_assert_int_eq(waitpid(pid, &status, 0), pid);
        ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == signals[i], "child status %d", status);
        char *listing = jt_dir_listing(dir);
        ck_assert_msg(strcmp(listing, "out.pdf") == 0, "after signal %d: %s", signals[i], listing);
        g_free(listing);
        char *text = jt_read(path);
        ck_assert_str_eq(text, "previous");
        g_free(text);
    }
    g_free(path);
    jt_rmrf(dir);
    g_free(dir);
}
END_TEST

START_TEST(outfile_keeps_the_permissions_of_what_it_replaces)
{
    char *dir = jt_tmpdir();
    char *path = g_build_filename(dir, "sheet.pdf", NULL);
    jt_write(path, "old");
    ck_assert_int_eq(chmod(path, 0640), 0);
    ck_assert(jd_write_file_atomic(path, "new", 3, NULL));
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 07777, 0640);
    char *text = jt_read(path);
    ck_assert_str_eq(text, "new");
    g_free(text);
    char *listing = jt_dir_listing(dir);
    ck_assert_str_eq(listing, "sheet.pdf");
    g_free(listing);
    g_free(path);
    jt_rmrf(dir);
    g_free(dir);
}
END_TEST

/* A pipe, a device or a folder is refused at once: never waited on, never read. */
START_TEST(only_regular_files_are_read)
{
    char *dir = jt_tmpdir();
    char *fifo = g_build_filename(dir, "fifo", NULL);
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    const char *const paths[] = {fifo, "/dev/zero", dir};
    const char *const reasons[] = {"it is a pipe (FIFO), not a file", "it is a device, not a file",
                                   "it is a directory"};
    for (size_t i = 0; i < G_N_ELEMENTS(paths); i++) {
        jd_diags *d = jd_diags_new();
        ck_assert_ptr_null(jd_read_file(paths[i], NULL, d));
        ck_assert_uint_eq(jd_diags_count(d), 1);
        char *want = g_strdup_printf("cannot read: %s", reasons[i]);
        ck_assert_str_eq(jd_diag_message(jd_diags_get(d, 0)), want);
        ck_assert_str_eq(jd_not_a_file(paths[i]), reasons[i]);
        g_free(want);
        jd_diags_free(d);
    }
    ck_assert_ptr_null(jd_not_a_file("/nonexistent/x"));
    g_free(fifo);
    jt_rmrf(dir);
    g_free(dir);
}
END_TEST


/* On a file system without unnamed files the temporary file has a name while it is
 * written (.NAME.jindu-N); it goes when the write is committed or aborted. */
START_TEST(outfile_named_temporary_goes_on_commit_and_abort)
{
    char *dir = jt_tmpdir();
    char *path = g_build_filename(dir, "out.pdf", NULL);
    jt_write(path, "previous");
    jd_outfile *of = jd_outfile_new_named(path, NULL);
    ck_assert_ptr_nonnull(of);
    fputs("half", jd_outfile_stream(of));
    char *listing = jt_dir_listing(dir);
    ck_assert_str_eq(listing, ".out.pdf.jindu-0 out.pdf");
    g_free(listing);
    jd_outfile_abort(of);
    listing = jt_dir_listing(dir);
    ck_assert_str_eq(listing, "out.pdf");
    g_free(listing);
    of = jd_outfile_new_named(path, NULL);
    fputs("new", jd_outfile_stream(of));
    ck_assert(jd_outfile_commit(of, NULL));
    listing = jt_dir_listing(dir);
    ck_assert_str_eq(listing, "out.pdf");
    g_free(listing);
    char *text = jt_read(path);
    ck_assert_str_eq(text, "new");
    g_free(text);
    g_free(path);
    jt_rmrf(dir);
    g_free(dir);
}
END_TEST

/* A run killed at once (kill -9) cannot remove its named temporary file: the next write of
 * the same target does — named or not — and a second run writing meanwhile, whose file is
 * locked, keeps its own. */
START_TEST(outfile_temporary_left_by_kill_9_goes_next_time)
{
    char *dir = jt_tmpdir();
    char *path = g_build_filename(dir, "out.pdf", NULL);
    for (int unnamed = 0; unnamed <= 1; unnamed++) {
        pid_t pid = fork();
        if (pid == 0) {
            jd_outfile *of = jd_outfile_new_named(path, NULL);
            if (!of) _exit(3);
            fputs("half a document", jd_outfile_stream(of));
            fflush(jd_outfile_stream(of));
            raise(SIGKILL);
            _exit(4);
        }
        int status = 0;
        ck_assert_int_eq(waitpid(pid, &status, 0), pid);
        ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
        char *listing = jt_dir_listing(dir);
        ck_assert_str_eq(listing, unnamed ? ".out.pdf.jindu-0 out.pdf" : ".out.pdf.jindu-0");
        g_free(listing);
        jd_outfile *of = unnamed ? jd_outfile_new(path, NULL) : jd_outfile_new_named(path, NULL);
        ck_assert_ptr_nonnull(of);
        fputs("whole", jd_outfile_stream(of));
        /* with a named file, another run writing meanwhile: its file is locked, so it stays */
        jd_outfile *other = unnamed ? NULL : jd_outfile_new_named(path, NULL);
        listing = jt_dir_listing(dir);
        ck_assert_str_eq(listing, unnamed ? ".out.pdf.jindu-0 out.pdf" : ".out.pdf.jindu-0 .out.pdf.jindu-1");
        g_free(listing);
        ck_assert(jd_outfile_commit(of, NULL));
        listing = jt_dir_listing(dir);
        ck_assert_str_eq(listing, unnamed ? "out.pdf" : ".out.pdf.jindu-1 out.pdf");
        g_free(listing);
        jd_outfile_abort(other);
        listing = jt_dir_listing(dir);
        ck_assert_str_eq(listing, "out.pdf");
        g_free(listing);
        char *text = jt_read(path);
        ck_assert_str_eq(text, "whole");
        g_free(text);
    }
    g_free(path);
    jt_rmrf(dir);
    g_free(dir);
}
END_TEST

/* Only what jindu made is removed: a regular file named like the target's temporary files,
 * owned by the user and locked by nobody. Another program's temporary name, another
 * target's, a pipe or a folder of that name, and a file held locked stay. */
START_TEST(outfile_removes_only_its_own_temporaries)
{
    char *dir = jt_tmpdir();
    char *path = g_build_filename(dir, "x.pdf", NULL);
    const char *const regular[] = {".x.pdf.jindu-0", ".x.pdf.ABC123", ".y.pdf.jindu-0", ".x.pdf.jindu-3"};
    for (size_t i = 0; i < G_N_ELEMENTS(regular); i++) {
        char *p = g_build_filename(dir, regular[i], NULL);
        jt_write(p, "left");
        g_free(p);
    }
    char *fifo = g_build_filename(dir, ".x.pdf.jindu-1", NULL);
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    char *folder = g_build_filename(dir, ".x.pdf.jindu-2", NULL);
    ck_assert_int_eq(mkdir(folder, 0700), 0);
    char *held = g_build_filename(dir, ".x.pdf.jindu-3", NULL);
    int fd = open(held, O_RDONLY);
    ck_assert_int_eq(flock(fd, LOCK_EX), 0);
    ck_assert(jd_write_file_atomic(path, "pdf", 3, NULL));
    char *listing = jt_dir_listing(dir);
    ck_assert_str_eq(listing, ".x.pdf.ABC123 .x.pdf.jindu-1 .x.pdf.jindu-2 .x.pdf.jindu-3 .y.pdf.jindu-0 x.pdf");
    g_free(listing);
    /* a named temporary file takes the first name that is free */
    jd_outfile *of = jd_outfile_new_named(path, NULL);
    ck_assert_ptr_nonnull(of);
    listing = jt_dir_listing(dir);
    ck_assert_str_eq(listing, ".x.pdf.ABC123 .x.pdf.jindu-0 .x.pdf.jindu-1 .x.pdf.jindu-2 .x.pdf.jindu-3 "
                              ".y.pdf.jindu-0 x.pdf");
    g_free(listing);
    jd_outfile_abort(of);
    close(fd);
    g_free(held), g_free(folder), g_free(fifo), g_free(path);
    jt_rmrf(dir);
    g_free(dir);
}
END_TEST

/* A target of a name so long that the temporary name would be too long for the file
 * system: the temporary name is cut (and made unique by a digest). */
START_TEST(outfile_long_target_names)
{
    char *dir = jt_tmpdir();
    GString *name = g_string_new(NULL);
    while (name->len < 240)
        g_string_append(name, "督查");
    g_string_append(name, ".pdf");
    char *path = g_build_filename(dir, name->str, NULL);
    for (int named = 0; named <= 1; named++) {
        jd_outfile *of = named ? jd_outfile_new_named(path, NULL) : jd_outfile_new(path, NULL);
        ck_assert_ptr_nonnull(of);
        fputs("pdf", jd_outfile_stream(of));
        jd_diags *d = jd_diags_new();
        ck_assert(jd_outfile_commit(of, d));
        jd_diags_free(d);
        char *listing = jt_dir_listing(dir);
        ck_assert_str_eq(listing, name->str);
        g_free(listing);
    }
    g_free(path);
    g_string_free(name, TRUE);
    jt_rmrf(dir);
    g_free(dir);
}
END_TEST

static jd_cancel *handler_cancel;

static void cancel_on_signal(int sig)
{
    jd_cancel_request(handler_cancel, sig);
}

START_TEST(cancel_keeps_the_first_reason)
{
    jd_cancel *c = jd_cancel_new();
    ck_assert_int_eq(jd_cancel_reason(c), 0);
    ck_assert_int_eq(jd_cancel_reason(NULL), 0);
    jd_diags *d = jd_diags_new();
    ck_assert(!jd_cancel_check(c, "x.pdf", d));
    ck_assert(!jd_cancel_check(NULL, "x.pdf", d));
    ck_assert_uint_eq(jd_diags_count(d), 0);
    /* from a signal handler, as the command line does */
    handler_cancel = c;
    signal(SIGUSR1, cancel_on_signal);
    raise(SIGUSR1);
    signal(SIGUSR1, SIG_DFL);
    ck_assert_int_eq(jd_cancel_reason(c), SIGUSR1);
    jd_cancel_request(c, SIGTERM);
    ck_assert_int_eq(jd_cancel_reason(c), SIGUSR1);
    ck_assert(jd_cancel_check(c, "x.pdf", d));
    ck_assert_uint_eq(jd_diags_count(d), 1);
    char *s = jd_diag_format(jd_diags_get(d, 0));
    ck_assert_str_eq(s, "x.pdf: error: interrupted");
    g_free(s);
    jd_diags_free(d);
    jd_cancel_free(c);
    c = jd_cancel_new();
    jd_cancel_request(c, 0); /* no reason given is still a request */
    ck_assert_int_eq(jd_cancel_reason(c), 1);
    jd_cancel_free(c);
}
END_TEST

/* A scratch file for libraries that want a file name: it can be written and read through
 * the name it gets, and shows in no folder. */
START_TEST(scratch_files_show_nowhere)
{
    char *path = NULL;
    int fd = jd_scratch_file(&path);
    ck_assert_int_ge(fd, 0);
    struct stat st;
    ck_assert_int_eq(fstat(fd, &st), 0);
    ck_assert_int_eq(st.st_nlink, 0); /* in no folder */
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    fputs("through the name", f);
    fclose(f);
    char buf[32] = {0};
    ck_assert_int_eq(pread(fd, buf, sizeof buf - 1, 0), 16);
    ck_assert_str_eq(buf, "through the name");
    close(fd);
    g_free(path);
}
END_TEST

/* Whole transfers at an offset; a read past the end is an error (EIO), not a short read. */
START_TEST(pread_and_pwrite_move_all_bytes_or_say_why)
{
    char *path = NULL;
    int fd = jd_scratch_file(&path);
    ck_assert_int_ge(fd, 0);
    ck_assert(jd_pwrite_all(fd, "0123456789", 10, 0));
    ck_assert(jd_pwrite_all(fd, "abc", 3, 20)); /* a hole of zeros between */
    char buf[23];
    ck_assert(jd_pread_all(fd, buf, sizeof buf, 0));
    ck_assert_int_eq(memcmp(buf, "0123456789\0\0\0\0\0\0\0\0\0\0abc", 23), 0);
    errno = 0;
    ck_assert(!jd_pread_all(fd, buf, 4, 21));
    ck_assert_int_eq(errno, EIO);
    ck_assert(!jd_pwrite_all(-1, "x", 1, 0));
    ck_assert_int_eq(errno, EBADF);
    close(fd);
    g_free(path);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("base");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, diag_format_position_and_caret);
    tcase_add_test(tc, diag_sort_is_by_file_line_col);
    tcase_add_test(tc, text_positions_count_characters);
    tcase_add_test(tc, outfile_commit_and_abort_keep_old_file);
    tcase_add_test(tc, outfile_missing_directory_is_an_error);
    tcase_add_test(tc, diag_message_with_cut_utf8_is_formatted_within_it);
    tcase_add_test(tc, diag_excerpt_of_a_long_line_is_a_window);
    tcase_add_test(tc, outfile_killed_leaves_nothing);
    tcase_add_test(tc, outfile_keeps_the_permissions_of_what_it_replaces);
    tcase_add_test(tc, only_regular_files_are_read);
    tcase_add_test(tc, outfile_named_temporary_goes_on_commit_and_abort);
    tcase_add_test(tc, outfile_temporary_left_by_kill_9_goes_next_time);
    tcase_add_test(tc, outfile_removes_only_its_own_temporaries);
    tcase_add_test(tc, outfile_long_target_names);
    tcase_add_test(tc, cancel_keeps_the_first_reason);
    tcase_add_test(tc, scratch_files_show_nowhere);
    tcase_add_test(tc, pread_and_pwrite_move_all_bytes_or_say_why);
    suite_add_tcase(s, tc);
    return jt_main(s);
}
