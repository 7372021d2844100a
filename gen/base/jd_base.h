/* jd_base.h — diagnostics and safe output files, shared by every jindu module.
 *
 * Errors travel up as values: a function that can fail takes a `jd_diags *`, appends
 * what it finds (all problems, not only the first) and returns NULL/false. Nothing in
 * the library prints or exits; the CLI prints the list with jd_diags_print().
 */
#ifndef JD_BASE_H
#define JD_BASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <glib.h>

#define JD_VERSION "0.1.0"

/* ---- diagnostics ------------------------------------------------------------------- */

typedef enum { JD_ERROR, JD_WARNING, JD_NOTE } jd_severity;

typedef struct jd_diag jd_diag;
typedef struct jd_diags jd_diags;

jd_diags *jd_diags_new(void);
void jd_diags_free(jd_diags *diags);

/* Adds a message. `file` may be NULL; `line`/`col` are 1-based, 0 means unknown.
 * Columns count characters (not bytes), as editors do. */
void jd_diags_add(jd_diags *diags, jd_severity sev, const char *file, int line, int col,
                  const char *fmt, ...) G_GNUC_PRINTF(6, 7);
/* Same, with the arguments as a va_list (for functions that take a format themselves). */
void jd_diags_addv(jd_diags *diags, jd_severity sev, const char *file, int line, int col,
                   const char *fmt, va_list ap) G_GNUC_PRINTF(6, 0);

/* Same, with the source line to show under the message and a caret (^~~~) under
 * characters [col, col + span) of it (span 0 or 1 gives a single caret). */
void jd_diags_add_excerpt(jd_diags *diags, jd_severity sev, const char *file, int line, int col,
                          const char *source_line, int span, const char *fmt, ...)
    G_GNUC_PRINTF(8, 9);

/* Same, for a line given by its bytes (`line_len` of them from `line_text`, not
 * NUL-terminated) and the byte offset of column `col` in it: a message on a line of
 * megabytes keeps only a window of it, and finding the column costs nothing more. */
void jd_diags_add_excerpt_at(jd_diags *diags, jd_severity sev, const char *file, int line,
                             int col, const char *line_text, size_t line_len, size_t col_offset,
                             int span, const char *fmt, ...) G_GNUC_PRINTF(10, 11);

/* Appends copies of every message of `from`. */
void jd_diags_append(jd_diags *diags, const jd_diags *from);

/* Messages kept (at most 10,000: later ones are counted, not kept). */
size_t jd_diags_count(const jd_diags *diags);
/* Messages of a severity ever added, kept or not. */
size_t jd_diags_count_severity(const jd_diags *diags, jd_severity sev);
/* Messages added after the list was full; jd_diags_print says how many. */
size_t jd_diags_dropped(const jd_diags *diags);
bool jd_diags_has_errors(const jd_diags *diags);
const jd_diag *jd_diags_get(const jd_diags *diags, size_t index);

/* A function that reports every problem it finds, and fails when one of them is an error,
 * counts the errors it added. It counts them in a list of its own when its caller passes
 * none, so its success never depends on whether anyone collects the messages:
 *     jd_tally t;
 *     diags = jd_tally_begin(&t, diags);   (the caller's list, or a private one)
 *     … report into diags …
 *     bool ok = jd_tally_errors(&t) == 0;
 *     jd_tally_end(&t);                     (frees the private list) */
typedef struct {
    jd_diags *diags, *own;
    size_t errors, warnings; /* counts when it began */
} jd_tally;

jd_diags *jd_tally_begin(jd_tally *t, jd_diags *diags);
size_t jd_tally_errors(const jd_tally *t);   /* errors added since jd_tally_begin */
size_t jd_tally_warnings(const jd_tally *t); /* warnings added since jd_tally_begin */
void jd_tally_end(jd_tally *t);

/* Sorts messages by file, line, column (stable), so output order does not depend on
 * the order in which checks ran. */
void jd_diags_sort(jd_diags *diags);

jd_severity jd_diag_severity(const jd_diag *d);
const char *jd_diag_file(const jd_diag *d); /* may be NULL */
int jd_diag_line(const jd_diag *d);
int jd_diag_col(const jd_diag *d);
const char *jd_diag_message(const jd_diag *d);

/* "file:line:col: error: message" (parts that are unknown are left out), then the
 * excerpt and caret lines if any. Returns a newly allocated string. */
char *jd_diag_format(const jd_diag *d);

/* Prints every message, one per line (plus excerpts), to `out`. */
void jd_diags_print(const jd_diags *diags, FILE *out);

/* ---- positions in a workbook ----------------------------------------------------------
 *
 * A sheet of a workbook is a source named "FILE[SHEET]" (jd_sheet_source_name()); its
 * positions are cells: line = row number, col = column number (A = 1). Messages at such a
 * source are written as spreadsheet users name cells: "tasks.xlsx[清单]!C12: error: …". */

/* "FILE[SHEET]". Newly allocated. */
char *jd_sheet_source_name(const char *file, const char *sheet);
/* Whether `name` names a sheet: it ends with ']' and holds a '['. */
bool jd_is_sheet_source(const char *name);
/* The cell reference of row `row` and column `col` (1-based): "C12". Newly allocated. */
char *jd_cell_ref(int row, int col);
/* The column letters of column `col` (1-based): "A", "Z", "AA". Newly allocated. */
char *jd_column_letters(int col);
/* How a message names a place in `file`: "file:12:3" for text, "file!C12" for a sheet;
 * `line` 0 gives the file alone, `col` 0 the line ("file:12", "file row 12"). Newly
 * allocated. */
char *jd_place_text(const char *file, int line, int col);
/* "line" for a text source, "row" for a sheet: the word for `line` in a message. */
const char *jd_line_word(const char *file);

/* ---- text helpers ------------------------------------------------------------------ */

/* `text` as it may reach a terminal: control characters (BEL, ESC, line ends…) and the
 * bidirectional formatting characters written as \x1b, \n, \u202e and the like, so that
 * data quoted in a message or a summary cannot ring, move the cursor, retitle the window or
 * reorder the line. jd_diag_format does this to every message. Newly allocated. */
char *jd_printable(const char *text);

/* Number of characters in the first `nbytes` bytes of valid UTF-8 `s`, plus one: the
 * 1-based column of byte offset `nbytes`. */
int jd_utf8_column(const char *s, size_t nbytes);

/* Line and column (1-based, column in characters) of byte `offset` within `text`. */
void jd_text_position(const char *text, size_t offset, int *line, int *col);

/* Newly allocated copy of line `line` (1-based) of `text`, without its end of line. */
char *jd_text_line(const char *text, int line);

/* The name of `known` (NULL-terminated) closest to `word`, when it is close enough to be
 * what was meant (a third of its characters wrong at most; case and a swap of two
 * neighbours count as one), for "did you mean 'title'?". Newly allocated, or NULL. */
char *jd_closest_name(const char *word, const char *const *known);

/* ---- shares ------------------------------------------------------------------------ */

/* The shares of `values` (non-negative; n of them) in their total, in units of 10^-decimals
 * percent (decimals 0–3), each rounded half up on its own (so they may add up to 99.9% or
 * 100.1%, as statistical tables print them); all 0 when the total is 0. */
void jd_shares(const double *values, size_t n, int decimals, long *units);
/* A share as jd_shares gives it, as text: "12.2%" (decimals 1). Newly allocated. */
char *jd_share_text(long units, int decimals);

/* ---- jindu's own files ------------------------------------------------------------- */

/* The folder of jindu's own files named `what` ("templates", "fonts"): $JINDU_DATA_DIR/what
 * when that is set; else share/jindu/what beside the bin/ folder of the running program (an
 * installed jindu, wherever it was installed or moved to); else the source tree it was
 * built from, while that exists; else the install prefix it was configured with. Newly
 * allocated. */
char *jd_data_path(const char *what);

/* ---- safe output files ------------------------------------------------------------- */

/* A file name made safe from any text (a unit's or a leader's name): path separators,
 * control characters and the characters Windows forbids (:*?"<>|) become '_', a leading
 * '.', '=', '+', '-' or '@' becomes '_' (no hidden files, no "..", no formula or option), a
 * trailing '.' or space becomes '_', a name Windows reserves (CON, NUL, COM1, LPT1 … in any
 * case, with any extension) gets '_' after it ("CON_"), never empty. At most 120 bytes: a
 * longer name is cut on a character boundary and ends with '~' and 7 hex digits of a digest
 * of the whole name, so two names differing only after the cut stay two files. Chinese is
 * kept. Newly allocated. */
char *jd_safe_file_name(const char *name);

/* The files one run writes, to find two documents that would land in one file: the same
 * path, or paths differing only in case or Unicode normalisation (one file on Windows and
 * macOS, where the sheets are often copied). */
typedef struct jd_path_set jd_path_set;

jd_path_set *jd_path_set_new(void);
void jd_path_set_free(jd_path_set *set);
/* Adds `path`, written for `owner` (a text naming it in messages: "unit 'a:b'"); returns
 * the owner that already has that file, or NULL. */
const char *jd_path_set_add(jd_path_set *set, const char *path, const char *owner);

/* An output file is written beside its target as a file without a name (O_TMPFILE) and
 * named over the target only by jd_outfile_commit(), so a failed or killed run never
 * leaves a truncated file, and never damages the previous one. On a file system without
 * unnamed files (FAT, some network file systems) the temporary file is named
 * .NAME.jindu-N (N from 0; the same names for the moment an unnamed one gets a name before
 * it replaces the target). Such a file is held under a lock (flock) while it is written,
 * so one left by a run killed at once (kill -9, a power cut) is told from one being
 * written: the next write of the same target removes it — only a regular file of that
 * name, owned by the same user and locked by nobody. A target that is replaced keeps its
 * permission bits. A run that is asked to stop (jd_cancel) aborts its jd_outfile, which
 * removes the named file. */
typedef struct jd_outfile jd_outfile;

/* Creates the temporary file. Returns NULL with a message in `diags` if the directory
 * does not exist or is not writable. */
jd_outfile *jd_outfile_new(const char *target_path, jd_diags *diags);
/* The same with a named temporary file even where the file system has unnamed ones: what
 * every output gets on a file system without them (tests use it to see that path). */
jd_outfile *jd_outfile_new_named(const char *target_path, jd_diags *diags);
/* The open stream on the temporary file. */
FILE *jd_outfile_stream(jd_outfile *of);
/* Flushes, syncs and renames over the target (then removes what killed runs left of the
 * target's temporary files). On failure the temporary file is removed, a message is added
 * and false is returned. Frees `of` in every case. */
bool jd_outfile_commit(jd_outfile *of, jd_diags *diags);
/* Removes the temporary file and frees `of`; the target is untouched. NULL is allowed. */
void jd_outfile_abort(jd_outfile *of);

/* A scratch file for libraries that read or write only by file name (libxlsxwriter,
 * FreeXL), which never shows in a folder: a file without a name in the temporary folder,
 * or one whose name is removed as soon as it is made. *path gets a name that opens it
 * while the descriptor is open (/proc/self/fd/N; g_free it). Returns the descriptor, or
 * -1 with errno set. */
int jd_scratch_file(char **path);
/* All `len` bytes at `offset` of `fd`, retrying what a signal or a short transfer cut off.
 * false with errno set (EIO when the file ends first). */
bool jd_pwrite_all(int fd, const void *data, size_t len, gint64 offset);
bool jd_pread_all(int fd, void *data, size_t len, gint64 offset);

/* Memory freed all at once (a document's nodes, a page's items): allocations carved from a
 * few large chunks, with no header each and no free of their own. Aligned for any type,
 * not zeroed. */
typedef struct jd_arena jd_arena;
jd_arena *jd_arena_new(void);
void *jd_arena_alloc(jd_arena *arena, size_t n);
/* A copy of `len` bytes of `s`, NUL-terminated. */
char *jd_arena_strndup(jd_arena *arena, const char *s, size_t len);
/* NULL is allowed. */
void jd_arena_free(jd_arena *arena);

/* A request to stop, for the stages that take long (layout, rendering, builds): the
 * caller makes it — from a signal handler, typically, for Ctrl-C or kill — and they stop
 * at the next page, remove their temporary files, leave every target as it was and fail
 * with the error "interrupted". The library installs no signal handler itself. */
typedef struct jd_cancel jd_cancel;

jd_cancel *jd_cancel_new(void);
void jd_cancel_free(jd_cancel *cancel);
/* Asks to stop, for `reason` (a signal number, or any non-zero number). Async-signal-safe:
 * a signal handler may call it. The first reason given is kept. */
void jd_cancel_request(jd_cancel *cancel, int reason);
/* The reason given, or 0 while no stop was asked for (and for a NULL cancel). Any thread. */
int jd_cancel_reason(const jd_cancel *cancel);
/* When a stop was asked for: adds the error "interrupted" (naming `file`, which may be
 * NULL) and returns true. */
bool jd_cancel_check(const jd_cancel *cancel, const char *file, jd_diags *diags);

/* Writes `len` bytes to `path` through a jd_outfile. */
bool jd_write_file_atomic(const char *path, const void *data, size_t len, jd_diags *diags);

/* ---- reading input files ---------------------------------------------------------- */

/* Every input file has a size limit, checked before it is read: memory grows with the
 * input (the data tree takes several bytes per byte of a file, a template's element tree
 * far more), and a clear error must come before memory runs out. The limit is
 * JINDU_MAX_INPUT (bytes, or with a K, M or G suffix) for data and project files, and a
 * sixteenth of it for templates; 128 MiB (8 MiB for templates) when it is not set. */
enum { JD_DEFAULT_MAX_INPUT = 128 << 20, JD_TEMPLATE_LIMIT_DIVISOR = 16 };

typedef enum { JD_INPUT_DATA, JD_INPUT_TEMPLATE } jd_input_kind;

/* The limit for a kind of input, from JINDU_MAX_INPUT or the default. */
size_t jd_input_limit(jd_input_kind kind);
/* Parses "300000", "64K", "512M", "2G", "2GiB" (powers of 1024) into bytes; false when
 * malformed or 0. */
bool jd_parse_size(const char *text, size_t *out);

/* Reads a whole input file of `kind`. On failure (unreadable; a directory, a pipe (FIFO) or
 * a device, refused at once, never waited on or read; larger than the limit) adds "file:
 * error: …" and returns NULL. */
char *jd_read_input(const char *path, jd_input_kind kind, size_t *len_out, jd_diags *diags);
/* jd_read_input for a data file. */
char *jd_read_file(const char *path, size_t *len_out, jd_diags *diags);

/* Why `path` cannot be read as a file ("it is a pipe (FIFO), not a file"), or NULL for a
 * regular file or one that does not exist. */
const char *jd_not_a_file(const char *path);
/* Whether a message may quote the contents of the file at `path`: only when it is plausibly
 * the user's own data or template — its real name (after symbolic links) ends in an
 * extension jindu reads (.tsv .csv .txt .tab .json .xml .ini .xlsx .xls) and it is not under
 * /etc, /proc, /sys, /dev, /boot or /run. `template=/etc/passwd`, or a link named a.csv in a
 * progress folder that points there, must not print the file's first line. A name that is
 * no file (text in memory) may be quoted. */
bool jd_file_may_be_quoted(const char *path);

#endif
