#define _GNU_SOURCE /* O_TMPFILE, linkat; realpath */
#include "jd_base.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* The output is written to a file without a name (O_TMPFILE) in the target's folder and
 * given a name only when it is complete: a run killed in the middle — by Ctrl-C, a
 * full disk's SIGXFSZ, or kill -9 — leaves nothing behind. On a file system without
 * unnamed files the temporary file is named (.NAME.jindu-N) and removed on failure or
 * when the run is asked to stop; one that a run killed at once left is removed by the
 * next write of the same target. Every temporary file is locked (flock) while it is
 * written: that is how a file left behind is told from one another run is writing. */
struct jd_outfile {
    char *target;
    char *dir;
    char *base;
    char *temp; /* the named temporary file, or NULL while it has no name */
    FILE *stream;
};

enum { MAX_TEMPS = 8, MAX_TEMP_BASE = 200 };

/* .NAME.jindu-N beside the target; a name too long for the file system is cut at a
 * character and ends with a digest of the whole, so each target keeps its own names. */
static char *temp_name(const char *dir, const char *base, int n)
{
    if (strlen(base) <= MAX_TEMP_BASE) return g_strdup_printf("%s/.%s.jindu-%d", dir, base, n);
    const char *cut = g_utf8_find_prev_char(base, base + MAX_TEMP_BASE - 8);
    char *digest = g_compute_checksum_for_string(G_CHECKSUM_SHA256, base, -1);
    char *name = g_strdup_printf("%s/.%.*s~%.8s.jindu-%d", dir, (int)((cut ? cut : base) - base), base,
                                 digest, n);
    g_free(digest);
    return name;
}

/* Takes the lock that marks a temporary file as being written. False when another process
 * holds it; true, too, where the file system has no locks (nothing can be told apart
 * there, and nothing is removed). */
static bool lock_temp(int fd)
{
    return flock(fd, LOCK_EX | LOCK_NB) == 0 || errno != EWOULDBLOCK;
}

/* Is `fd` still the file called `path`? (It may have been removed as left behind between
 * its creation and its lock.) */
static bool still_named(int fd, const char *path)
{
    struct stat a, b;
    return fstat(fd, &a) == 0 && lstat(path, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* Removes `path` if it is a temporary file a killed run left: a regular file of ours that
 * nobody holds the lock of. True if it was removed. */
static bool remove_if_left_behind(const char *path)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return false;
    struct stat st;
    bool removed = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
                   flock(fd, LOCK_EX | LOCK_NB) == 0 && still_named(fd, path) && unlink(path) == 0;
    close(fd); /* and the lock with it */
    return removed;
}

/* Names the temporary file: links the unnamed file `fd` (>= 0) under the first free name
 * .NAME.jindu-N, or creates a new named file there (fd < 0; its descriptor in *created).
 * A name taken by a file left behind is freed first. */
static char *claim_temp_name(jd_outfile *of, int fd, int *created)
{
    char proc[64];
    g_snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    int freed = 0;
    for (int n = 0; n < MAX_TEMPS; n++) {
        char *name = temp_name(of->dir, of->base, n);
        if (fd >= 0 && linkat(AT_FDCWD, proc, AT_FDCWD, name, AT_SYMLINK_FOLLOW) == 0) return name;
        if (fd < 0) {
            int nfd = open(name, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0644);
            if (nfd >= 0) {
                /* locked and still ours: another run's sweep may have taken it in between */
                if (lock_temp(nfd) && still_named(nfd, name)) {
                    *created = nfd;
                    return name;
                }
                close(nfd);
                errno = EEXIST;
            }
        }
        int err = errno;
        bool retry = err == EEXIST && freed < MAX_TEMPS && remove_if_left_behind(name);
        g_free(name);
        if (retry) {
            freed++;
            n--;
        } else if (err != EEXIST) {
            errno = err;
            return NULL;
        }
    }
    errno = EBUSY; /* every name is being written by another run */
    return NULL;
}

/* After a commit: what killed runs left of this target's temporary files goes. */
static void remove_left_behind(const jd_outfile *of)
{
    for (int n = 0; n < MAX_TEMPS; n++) {
        char *name = temp_name(of->dir, of->base, n);
        remove_if_left_behind(name);
        g_free(name);
    }
}

static int open_unnamed(const char *dir, mode_t mode)
{
#ifdef O_TMPFILE
    return open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, mode);
#else
    (void)dir, (void)mode;
    errno = EOPNOTSUPP;
    return -1;
#endif
}

static jd_outfile *outfile_new(const char *target_path, bool named, jd_diags *diags)
{
    char *dir = g_path_get_dirname(target_path);
    if (!g_file_test(dir, G_FILE_TEST_IS_DIR)) {
        if (g_file_test(dir, G_FILE_TEST_EXISTS))
            jd_diags_add(diags, JD_ERROR, target_path, 0, 0, "cannot write: %s is a file, not a directory", dir);
        else
            jd_diags_add(diags, JD_ERROR, target_path, 0, 0, "cannot write: directory %s does not exist", dir);
        g_free(dir);
        return NULL;
    }
    if (g_file_test(target_path, G_FILE_TEST_IS_DIR)) {
        jd_diags_add(diags, JD_ERROR, target_path, 0, 0, "cannot write: it is a directory");
        g_free(dir);
        return NULL;
    }
    jd_outfile *of = g_new0(jd_outfile, 1);
    of->target = g_strdup(target_path);
    of->dir = dir;
    of->base = g_path_get_basename(target_path);
    /* beside the target: same file system, so the final rename() is atomic */
    int fd = -1;
    if (!named) {
        fd = open_unnamed(dir, 0644);
        if (fd >= 0)
            lock_temp(fd); /* unnamed, nobody else can hold it */
        else if (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)
            named = true;
    }
    if (named && (of->temp = claim_temp_name(of, -1, &fd)) == NULL)
        fd = -1;
    if (fd < 0 || !(of->stream = fdopen(fd, "wb"))) {
        jd_diags_add(diags, JD_ERROR, target_path, 0, 0, "cannot write: %s",
                     errno == EBUSY ? "other runs are writing it" : g_strerror(errno));
        if (fd >= 0) close(fd);
        jd_outfile_abort(of);
        return NULL;
    }
    return of;
}

jd_outfile *jd_outfile_new(const char *target_path, jd_diags *diags)
{
    return outfile_new(target_path, false, diags);
}

jd_outfile *jd_outfile_new_named(const char *target_path, jd_diags *diags)
{
    return outfile_new(target_path, true, diags);
}

FILE *jd_outfile_stream(jd_outfile *of)
{
    return of->stream;
}

static void outfile_free(jd_outfile *of)
{
    g_free(of->temp);
    g_free(of->dir);
    g_free(of->base);
    g_free(of->target);
    g_free(of);
}

bool jd_outfile_commit(jd_outfile *of, jd_diags *diags)
{
    bool ok = true, linked = false;
    int err = 0;
    /* (after a failed write, errno still tells why: "File too large", "No space left") */
    if (fflush(of->stream) != 0 || ferror(of->stream))
        ok = false, err = errno;
    int fd = fileno(of->stream);
    /* a file replaced keeps its permissions (a sheet made read-only for others stays so) */
    GStatBuf st;
    bool exists = g_lstat(of->target, &st) == 0;
    if (ok && exists && g_stat(of->target, &st) == 0 && S_ISREG(st.st_mode) && fchmod(fd, st.st_mode & 07777) != 0)
        ok = false, err = errno;
    if (ok && fsync(fd) != 0 && errno != EINVAL)
        ok = false, err = errno;
    if (ok && !of->temp) {
        /* an unnamed file takes the target's name at once when there is none yet (linkat
         * replaces nothing); otherwise a temporary name, for the rename over it */
        char proc[64];
        g_snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
        linked = !exists && linkat(AT_FDCWD, proc, AT_FDCWD, of->target, AT_SYMLINK_FOLLOW) == 0;
        if (!linked && !(of->temp = claim_temp_name(of, fd, NULL)))
            ok = false, err = errno;
    }
    if (ok && !linked && g_rename(of->temp, of->target) != 0)
        ok = false, err = errno;
    if (!ok && of->temp)
        g_unlink(of->temp);
    /* closed (and unlocked) only once the temporary name is gone */
    if (fclose(of->stream) != 0 && ok)
        ok = false, err = errno;
    of->stream = NULL;
    if (ok)
        remove_left_behind(of);
    else
        jd_diags_add(diags, JD_ERROR, of->target, 0, 0, "cannot write: %s",
                     err == EBUSY ? "other runs are writing it" : err ? g_strerror(err) : "write failed");
    outfile_free(of);
    return ok;
}

void jd_outfile_abort(jd_outfile *of)
{
    if (!of)
        return;
    if (of->temp)
        g_unlink(of->temp);
    if (of->stream)
        fclose(of->stream);
    outfile_free(of);
}

int jd_scratch_file(char **path)
{
    const char *dir = g_get_tmp_dir();
    int fd = open_unnamed(dir, 0600);
    if (fd < 0) {
        /* no unnamed files here: a named one, unlinked as soon as it is open */
        char *name = g_build_filename(dir, "jindu-XXXXXX", NULL);
        fd = g_mkstemp_full(name, O_RDWR | O_CLOEXEC, 0600);
        if (fd >= 0) g_unlink(name);
        g_free(name);
    }
    if (fd >= 0) *path = g_strdup_printf("/proc/self/fd/%d", fd);
    return fd;
}

/* pread or pwrite until all of `len` has moved. */
static bool transfer_all(int fd, guint8 *p, size_t len, gint64 offset, bool writing)
{
    while (len > 0) {
        ssize_t n = writing ? pwrite(fd, p, len, (off_t)offset) : pread(fd, p, len, (off_t)offset);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            if (n == 0) errno = EIO;
            return false;
        }
        p += n, len -= (size_t)n, offset += n;
    }
    return true;
}

bool jd_pwrite_all(int fd, const void *data, size_t len, gint64 offset)
{
    return transfer_all(fd, (guint8 *)data, len, offset, true); /* only read from when writing */
}

bool jd_pread_all(int fd, void *data, size_t len, gint64 offset)
{
    return transfer_all(fd, data, len, offset, false);
}

bool jd_write_file_atomic(const char *path, const void *data, size_t len, jd_diags *diags)
{
    jd_outfile *of = jd_outfile_new(path, diags);
    if (!of)
        return false;
    if (len && fwrite(data, 1, len, jd_outfile_stream(of)) != len) {
        jd_diags_add(diags, JD_ERROR, path, 0, 0, "cannot write: %s", g_strerror(errno));
        jd_outfile_abort(of);
        return false;
    }
    return jd_outfile_commit(of, diags);
}

/* What a file that is not a regular one is, for "cannot read: …"; NULL for a regular file. */
static const char *not_regular(mode_t mode)
{
    return S_ISREG(mode)    ? NULL
           : S_ISDIR(mode)  ? "it is a directory"
           : S_ISFIFO(mode) ? "it is a pipe (FIFO), not a file"
           : S_ISCHR(mode) || S_ISBLK(mode) ? "it is a device, not a file"
                                            : "it is not a regular file";
}

const char *jd_not_a_file(const char *path)
{
    GStatBuf st;
    return g_stat(path, &st) == 0 ? not_regular(st.st_mode) : NULL;
}

bool jd_parse_size(const char *text, size_t *out)
{
    if (!text || !g_ascii_isdigit(*text)) return false;
    char *end = NULL;
    guint64 n = g_ascii_strtoull(text, &end, 10);
    int shift = 0;
    switch (g_ascii_toupper(*end)) {
    case 'K':
        shift = 10;
        break;
    case 'M':
        shift = 20;
        break;
    case 'G':
        shift = 30;
        break;
    case '\0':
        break;
    default:
        return false;
    }
    if (shift && *++end == 'i') end++; /* KiB, MiB… */
    if (shift && g_ascii_toupper(*end) == 'B') end++;
    if (*end || n == 0 || n > (G_MAXSIZE >> shift)) return false;
    *out = (size_t)(n << shift);
    return true;
}

size_t jd_input_limit(jd_input_kind kind)
{
    size_t limit = JD_DEFAULT_MAX_INPUT;
    jd_parse_size(g_getenv("JINDU_MAX_INPUT"), &limit); /* unset or malformed: the default */
    return kind == JD_INPUT_TEMPLATE ? MAX(limit / JD_TEMPLATE_LIMIT_DIVISOR, 1) : limit;
}

/* "17 bytes", "1.0 GiB" — sizes as people read them (g_format_size puts a no-break space
 * before the unit, which some terminals show oddly). */
static char *size_text(guint64 n)
{
    if (n < 1024) return g_strdup_printf("%" G_GUINT64_FORMAT " bytes", n);
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB"};
    double v = (double)n / 1024;
    size_t u = 0;
    while (v >= 1024 && u + 1 < G_N_ELEMENTS(units)) {
        v /= 1024;
        u++;
    }
    return g_strdup_printf("%.1f %s", v, units[u]);
}

static void too_large(const char *path, jd_input_kind kind, guint64 size, bool size_known,
                      jd_diags *diags)
{
    char *limit_text = size_text(jd_input_limit(kind));
    const char *what = kind == JD_INPUT_TEMPLATE ? "template" : "data";
    if (size_known) {
        char *file_text = size_text(size);
        jd_diags_add(diags, JD_ERROR, path, 0, 0,
                     "too large: %s, and jindu reads %s files of at most %s (set JINDU_MAX_INPUT "
                     "to allow more)",
                     file_text, what, limit_text);
        g_free(file_text);
    } else {
        jd_diags_add(diags, JD_ERROR, path, 0, 0,
                     "too large: more than %s, the most jindu reads of a %s file (set "
                     "JINDU_MAX_INPUT to allow more)",
                     limit_text, what);
    }
    g_free(limit_text);
}

char *jd_read_input(const char *path, jd_input_kind kind, size_t *len_out, jd_diags *diags)
{
    /* opened without waiting (a FIFO would block until a writer came) and checked on the
     * open file, so that what is read is what was checked: a pipe or /dev/zero would hang
     * or fill the memory */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        jd_diags_add(diags, JD_ERROR, path, 0, 0, "cannot read: %s",
                     errno == ENOENT ? "no such file" : g_strerror(errno));
        return NULL;
    }
    struct stat st;
    const char *why = fstat(fd, &st) != 0 ? g_strerror(errno) : not_regular(st.st_mode);
    if (why) {
        jd_diags_add(diags, JD_ERROR, path, 0, 0, "cannot read: %s", why);
        close(fd);
        return NULL;
    }
    /* Refused before anything is read: memory grows with what is read (several times the
     * file's size for the data tree), and a clear message beats running out. Reading stops
     * at the limit too, should the file grow meanwhile. */
    size_t limit = jd_input_limit(kind);
    if ((guint64)st.st_size > limit) {
        too_large(path, kind, (guint64)st.st_size, true, diags);
        close(fd);
        return NULL;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    GString *data = g_string_sized_new((gsize)st.st_size + 1);
    char buf[65536];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 || data->len + (size_t)MAX(n, 0) > limit) {
            if (n < 0)
                jd_diags_add(diags, JD_ERROR, path, 0, 0, "cannot read: %s", g_strerror(errno));
            else
                too_large(path, kind, 0, false, diags);
            close(fd);
            g_string_free(data, TRUE);
            return NULL;
        }
        if (n == 0) break;
        g_string_append_len(data, buf, n);
    }
    close(fd);
    if (len_out)
        *len_out = data->len;
    return g_string_free(data, FALSE);
}

char *jd_read_file(const char *path, size_t *len_out, jd_diags *diags)
{
    return jd_read_input(path, JD_INPUT_DATA, len_out, diags);
}

bool jd_file_may_be_quoted(const char *path)
{
    if (!path) return true;
    char *real = realpath(path, NULL);
    /* no such file: a name for text in memory (or a sheet, "book.xlsx[清单]") */
    if (!real) return !g_file_test(path, G_FILE_TEST_EXISTS);
    static const char *const system_dirs[] = {"/etc/", "/proc/", "/sys/", "/dev/", "/boot/",
                                              "/run/"};
    static const char *const extensions[] = {".tsv", ".csv", ".txt", ".tab", ".json",
                                             ".xml", ".ini", ".xlsx", ".xls"};
    bool ok = false;
    const char *base = strrchr(real, '/');
    const char *dot = strrchr(base ? base : real, '.');
    for (size_t i = 0; dot && i < G_N_ELEMENTS(extensions); i++)
        ok |= g_ascii_strcasecmp(dot, extensions[i]) == 0;
    for (size_t i = 0; i < G_N_ELEMENTS(system_dirs); i++)
        ok &= !g_str_has_prefix(real, system_dirs[i]);
    free(real);
    return ok;
}

enum { MAX_NAME_BYTES = 120, HASH_CHARS = 8 };

/* Names Windows reserves for devices, whatever the case and the extension ("con.pdf"): a
 * sheet copied there under such a name cannot be opened. */
static bool reserved_on_windows(const char *name)
{
    static const char *const devices[] = {"CON", "PRN", "AUX", "NUL", NULL};
    size_t base = strcspn(name, ".");
    for (const char *const *d = devices; *d; d++)
        if (base == 3 && g_ascii_strncasecmp(name, *d, 3) == 0) return true;
    return base == 4 && (g_ascii_strncasecmp(name, "COM", 3) == 0 || g_ascii_strncasecmp(name, "LPT", 3) == 0) &&
           name[3] >= '1' && name[3] <= '9';
}

char *jd_safe_file_name(const char *name)
{
    GString *s = g_string_new(NULL);
    bool cut = false;
    const char *p = name ? name : "";
    for (; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char_validated(p, -1);
        bool invalid = c == (gunichar)-1 || c == (gunichar)-2;
        bool unsafe = invalid || c < 0x20 || c == 0x7F || (c < 0x80 && strchr("/\\:*?\"<>|", (int)c)) ||
                      /* no hidden files, no "..", nothing a spreadsheet or a shell would read
                       * as a formula or an option when the name is shown in one */
                      (s->len == 0 && c < 0x80 && strchr(".=+-@", (int)c));
        size_t before = s->len;
        if (unsafe)
            g_string_append_c(s, '_');
        else
            g_string_append_unichar(s, c);
        if (s->len > MAX_NAME_BYTES - 1 - HASH_CHARS) {
            g_string_truncate(s, before);
            cut = true;
            break;
        }
        if (invalid)
            break; /* invalid UTF-8: stop rather than guess where the next character starts */
    }
    cut = cut && *p;
    /* Windows drops a trailing dot or space, which would make two names one */
    if (s->len && (s->str[s->len - 1] == '.' || s->str[s->len - 1] == ' '))
        s->str[s->len - 1] = '_';
    if (s->len == 0)
        g_string_append_c(s, '_');
    if (reserved_on_windows(s->str))
        g_string_insert_c(s, (gssize)strcspn(s->str, "."), '_');
    if (cut) {
        /* a long name cut short ends with a digest of the whole name, so that two names
         * differing only after the cut still get two files */
        char *digest = g_compute_checksum_for_string(G_CHECKSUM_SHA256, name, -1);
        g_string_append_printf(s, "~%.*s", HASH_CHARS - 1, digest);
        g_free(digest);
    }
    return g_string_free(s, FALSE);
}

/* ---- paths of one run ---------------------------------------------------------------- */

struct jd_path_set {
    GHashTable *owners; /* folded path → owner (owned strings) */
};

jd_path_set *jd_path_set_new(void)
{
    jd_path_set *set = g_new0(jd_path_set, 1);
    set->owners = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    return set;
}

void jd_path_set_free(jd_path_set *set)
{
    if (!set) return;
    g_hash_table_destroy(set->owners);
    g_free(set);
}

const char *jd_path_set_add(jd_path_set *set, const char *path, const char *owner)
{
    /* the same file where names differ only in case or in Unicode normalisation: so it is
     * on the file systems of Windows and macOS, where the sheets are often copied */
    char *canonical = g_canonicalize_filename(path, NULL);
    char *normal = g_utf8_normalize(canonical, -1, G_NORMALIZE_ALL_COMPOSE);
    char *key = g_utf8_casefold(normal ? normal : canonical, -1);
    g_free(normal);
    g_free(canonical);
    const char *other = g_hash_table_lookup(set->owners, key);
    if (other) {
        g_free(key);
        return other;
    }
    g_hash_table_insert(set->owners, key, g_strdup(owner));
    return NULL;
}
