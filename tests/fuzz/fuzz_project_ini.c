/* libFuzzer target: arbitrary bytes as a project's jindu.ini, loaded and checked by
 * jd_project_load (GKeyFile, the [project], [params] and [output NAME] groups, paths,
 * parameters, split keys, backends). The file is written into a scratch folder made once
 * for the run, beside a template and a data file the project may name. Every message is
 * formatted. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jd_project.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *scratch_dir(void)
{
    static char *dir;
    if (!dir) {
        dir = g_dir_make_tmp("jindu-fuzz-ini-XXXXXX", NULL);
        if (!dir) abort();
        char *tpl = g_build_filename(dir, "t.xml", NULL);
        char *list = g_build_filename(dir, "tasks.tsv", NULL);
        if (!g_file_set_contents(tpl, "<document><p>x</p></document>", -1, NULL) ||
            !g_file_set_contents(list, "序号\t目标任务\t责任单位\n1\t任务\t商务局\n", -1, NULL))
            abort();
        g_free(tpl);
        g_free(list);
    }
    return dir;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *dir = scratch_dir();
    char *ini = g_build_filename(dir, "jindu.ini", NULL);
    FILE *f = fopen(ini, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0) abort();
    jd_diags *diags = jd_diags_new();
    jd_project *project = jd_project_load(dir, diags);
    if (project) {
        for (const char *const *p = jd_project_watch_paths(project); p && *p; p++)
            (void)strlen(*p);
        jd_project_free(project);
    }
    for (size_t i = 0; i < jd_diags_count(diags); i++)
        g_free(jd_diag_format(jd_diags_get(diags, i)));
    jd_diags_free(diags);
    g_free(ini);
    return 0;
}
