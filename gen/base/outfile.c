#include "jd_base.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct jd_outfile {
    char *target;
    char *temp;
    FILE *stream;
};

jd_outfile *jd_outfile_new(const char *target_path, jd_diags *diags)
{
    char *dir = g_path_get_dirname(target_path);
    char *base = g_path_get_basename(target_path);
    if (!g_file_test(dir, G_FILE_TEST_IS_DIR)) {
        if (g_file_test(dir, G_FILE_TEST_EXISTS))
            jd_diags_add(diags, JD_ERROR, target_path, 0, 0, "cannot write: %s is a file, not a directory", dir);
        else
            jd_diags_add(diags, JD_ERROR, target_path, 0, 0, "cannot write: directory %s does not exist", dir);
        g_free(dir);
        g_free(base);
        return NULL;
    }
    if (g_file_test(target_path, G_FILE_TEST_IS_DIR)) {
        jd_diags_add(diags, JD_ERROR, target_path, 0, 0, "cannot write: it is a directory");
        g_free(dir);
        g_free(base);
        return NULL;
    }
    /* hidden temporary beside the target: same file system, so rename() is atomic */
    char *tmpl = g_strdup_printf("%s/.%s.XXXXXX", dir, base);
    g_free(dir);
    g_free(base);
    int fd = g_mkstemp_full(tmpl, O_RDWR | O_CLOEXEC, 0644);
    if (fd < 0) {
        jd_diags_add(diags, JD_ERROR, target_path, 0, 0, "cannot write: %s", g_strerror(errno));
        g_free(tmpl);
        return NULL;
    }
    jd_outfile *of = g_new0(jd_outfile, 1);
    of->target = g_strdup(target_path);
    of->temp = tmpl;
    of->stream = fdopen(fd, "wb");
    if (!of->stream) {
        close(fd);
        jd_diags_add(diags, JD_ERROR, target_path, 0, 0, "cannot write: %s", g_strerror(errno));
        jd_outfile_abort(of);
        return NULL;
    }
    return of;
}

FILE *jd_outfile_stream(jd_outfile *of)
{
    return of->stream;
}

bool jd_outfile_commit(jd_outfile *of, jd_diags *diags)
{
    bool ok = true;
    int err = 0;
    if (of->stream) {
        if (fflush(of->stream) != 0 || ferror(of->stream))
            ok = false, err = errno;
        if (ok && fsync(fileno(of->stream)) != 0 && errno != EINVAL)
            ok = false, err = errno;
        if (fclose(of->stream) != 0 && ok)
            ok = false, err = errno;
        of->stream = NULL;
    }
    if (ok && g_rename(of->temp, of->target) != 0)
        ok = false, err = errno;
    if (!ok) {
        jd_diags_add(diags, JD_ERROR, of->target, 0, 0, "cannot write: %s",
                     err ? g_strerror(err) : "write failed");
        g_unlink(of->temp);
    }
    g_free(of->temp);
    g_free(of->target);
    g_free(of);
    return ok;
}

void jd_outfile_abort(jd_outfile *of)
{
    if (!of)
        return;
    if (of->stream)
        fclose(of->stream);
    g_unlink(of->temp);
    g_free(of->temp);
    g_free(of->target);
    g_free(of);
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

char *jd_read_file(const char *path, size_t *len_out, jd_diags *diags)
{
    char *data = NULL;
    gsize len = 0;
    GError *err = NULL;
    if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
        jd_diags_add(diags, JD_ERROR, path, 0, 0, "cannot read: it is a directory");
        return NULL;
    }
    if (!g_file_get_contents(path, &data, &len, &err)) {
        jd_diags_add(diags, JD_ERROR, path, 0, 0, "cannot read: %s",
                     err->code == G_FILE_ERROR_NOENT ? "no such file" : err->message);
        g_error_free(err);
        return NULL;
    }
    if (len_out)
        *len_out = len;
    return data;
}

enum { MAX_NAME_BYTES = 120 };

char *jd_safe_file_name(const char *name)
{
    GString *s = g_string_new(NULL);
    for (const char *p = name ? name : ""; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char_validated(p, -1);
        bool unsafe = c == (gunichar)-1 || c == (gunichar)-2 || c < 0x20 || c == 0x7F ||
                      (c < 0x80 && strchr("/\\:*?\"<>|", (int)c)) || (c == '.' && s->len == 0);
        size_t before = s->len;
        if (unsafe)
            g_string_append_c(s, '_');
        else
            g_string_append_unichar(s, c);
        if (s->len > MAX_NAME_BYTES) {
            g_string_truncate(s, before);
            break;
        }
        if (c == (gunichar)-1 || c == (gunichar)-2)
            break; /* invalid UTF-8: stop rather than guess where the next character starts */
    }
    if (s->len == 0)
        g_string_append_c(s, '_');
    return g_string_free(s, FALSE);
}
