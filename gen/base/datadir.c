/* Where jindu's own files are: the bundled templates and the font set. */
#include <string.h>
#include <unistd.h>

#include "jd_base.h"

/* share/jindu beside the bin/ folder of the running program: an installed jindu finds its
 * files wherever it was installed to (cmake --install --prefix P), and wherever that was
 * moved. NULL when the program is not in such a layout. */
static char *beside_program(const char *what)
{
    char *exe = g_file_read_link("/proc/self/exe", NULL);
    if (!exe) return NULL;
    char *bin = g_path_get_dirname(exe);
    char *path = g_build_filename(bin, "..", "share", "jindu", what, NULL);
    char *found = g_file_test(path, G_FILE_TEST_IS_DIR) ? g_canonicalize_filename(path, NULL) : NULL;
    g_free(path);
    g_free(bin);
    g_free(exe);
    return found;
}

char *jd_data_path(const char *what)
{
    const char *env = g_getenv("JINDU_DATA_DIR");
    if (env && *env) return g_build_filename(env, what, NULL);
    char *path = beside_program(what);
    if (path) return path;
    /* not installed: the source tree this jindu was built from, while it is there */
    path = g_build_filename(JD_SOURCE_DATADIR, what, NULL);
    if (g_file_test(path, G_FILE_TEST_IS_DIR)) return path;
    g_free(path);
    return g_build_filename(JD_INSTALL_DATADIR, what, NULL);
}
