/* testutil.h — small helpers shared by jindu's Check tests. */
#ifndef JD_TESTUTIL_H
#define JD_TESTUTIL_H

#include <check.h>
#include <glib.h>
#include <stdbool.h>

/* Absolute path of a file in the source tree / in tests/fixtures. Newly allocated. */
char *jt_src(const char *relative);
char *jt_fixture(const char *name);
/* A new empty temporary directory (removed with jt_rmrf). */
char *jt_tmpdir(void);
void jt_rmrf(const char *path);
/* Whole file as a string (fails the test if unreadable). */
char *jt_read(const char *path);
void jt_write(const char *path, const char *content);
bool jt_exists(const char *path);
/* The names in `dir`, hidden ones too, sorted, separated by spaces (fails the test if the
 * folder cannot be read). Newly allocated. */
char *jt_dir_listing(const char *dir);
/* Runs `sh -c cmdline`; returns the exit status; stdout/stderr are stored if asked. */
int jt_run(const char *cmdline, char **out, char **err);
/* printf-style jt_run with the jindu binary's path in front: jt_cli(&out, &err, "import %s", f) */
int jt_cli(char **out, char **err, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
/* Runs `jindu COMMAND ARGS` and asserts a usage error: exit status 2, nothing on stdout,
 * and on stderr exactly "jindu COMMAND: MESSAGE\nTry 'jindu COMMAND --help'.\n". */
void jt_assert_usage_error(const char *command, const char *args, const char *message);

/* Replaces the first `from` in the file at `path` by `to` (fails the test if it is not there). */
void jt_replace_in_file(const char *path, const char *from, const char *to);

/* Starts argv (a jindu watch, say) with its standard output on a pipe (*out_fd) and its
 * errors dropped (fails the test if it cannot); jt_stop ends it (SIGTERM, which must be
 * what ends it) and closes the pipe. */
GPid jt_spawn(char **argv, int *out_fd);
void jt_stop(GPid pid, int out_fd);

/* Reads from `fd` (a child's output) into `seen` until it holds `needle` or `seconds` pass;
 * whether it does. */
bool jt_wait_for(int fd, GString *seen, const char *needle, int seconds);

/* Compares `actual` with tests/golden/<name>; with JD_UPDATE_GOLDEN=1 in the environment it
 * rewrites the golden file instead. On a mismatch the first differing line is shown. */
void jt_golden(const char *actual, const char *name);
/* Number of non-overlapping occurrences of `needle` in `haystack`. */
int jt_count(const char *haystack, const char *needle);
/* Runs the suite; returns the process exit code. */
int jt_main(Suite *suite);

#endif
