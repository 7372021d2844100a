/* Where outputs go and what the command line accepts: names that would share one file,
 * reserved and option-like names, a project writing outside its folder, output extensions,
 * pipes and devices given as files, and option values that are mistakes. */
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

#define HEADER "序号\t目标任务\t责任单位\t第一季度\t第二季度\t第三季度\t第四季度\t责任区领导\n"

static char *write_in(const char *dir, const char *name, const char *text)
{
    char *path = g_build_filename(dir, name, NULL);
    jt_write(path, text);
    return path;
}

/* A run of jindu that must end with `rc`, and its standard error. */
static char *run(int rc, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static char *run(int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *args = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    char *out = NULL, *err = NULL;
    int got = jt_cli(&out, &err, "%s", args);
    ck_assert_msg(got == rc, "jindu %s: exit %d, not %d\n%s%s", args, got, rc, out, err);
    g_free(out);
    g_free(args);
    return err;
}

START_TEST(option_values_that_are_mistakes_are_usage_errors)
{
    static const char *const bad[][2] = {
        {"--page 0", "--page takes a page number, 1 or more"},
        {"--page -1", "--page takes a page number, 1 or more"},
        {"--dpi 0", "--dpi takes a resolution from 10 to 600"},
        {"--dpi -5", "--dpi takes a resolution from 10 to 600"},
        {"--dpi 5000", "--dpi takes a resolution from 10 to 600"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        char *err = run(2, "render task-list.xml -o /tmp/never.png %s", bad[i][0]);
        ck_assert_msg(strstr(err, bad[i][1]) != NULL, "%s: %s", bad[i][0], err);
        g_free(err);
    }
    char *dir = jt_tmpdir();
    for (int watch = 0; watch <= 1; watch++) {
        char *err = run(2, "%s '%s' -j 0", watch ? "watch" : "build", dir);
        ck_assert_str_eq(err, watch ? "jindu watch: -j takes a number of workers, 1 or more\n"
                                    : "jindu build: -j takes a number of workers, 1 or more\n");
        g_free(err);
    }
    jt_rmrf(dir);
    g_free(dir);
}
END_TEST

/* A project like the test fixture, with `ini` as its jindu.ini. */
static char *project(const char *ini)
{
    char *dir = jt_tmpdir();
    char *src = jt_fixture("project");
    char *cmd = g_strdup_printf("cp -r '%s'/. '%s'/", src, dir);
    ck_assert_int_eq(jt_run(cmd, NULL, NULL), 0);
    g_free(cmd);
    g_free(src);
    g_free(write_in(dir, "jindu.ini", ini));
    return dir;
}

START_TEST(project_settings_that_are_mistakes)
{
    char *dir = project("[project]\ndata=tasks.tsv;progress\njobs=0\n\n[params]\nperiod=2023Q2\n\n"
                        "[output 督查表]\ntemplate=quarterly-sheet.xml\nfile=督查表.pdf\n");
    char *err = run(1, "build '%s'", dir);
    ck_assert_ptr_nonnull(strstr(err, "jindu.ini:3:1: error: [project]: jobs= takes a number of workers (1 or more), not '0'\n"));
    g_free(err);
    /* a key that did nothing is refused, a misspelt one gets the closest known one */
    char *path = write_in(dir, "jindu.ini", "[project]\ntitle=某区督查\ndat=tasks.tsv\n\n"
                                            "[output 清单]\ntemplate=task-list.xml\nfile=清单.pdf\n");
    err = run(1, "check '%s'", dir);
    char *expected = g_strdup_printf(
        "%s:2:1: error: [project]: title= is not used (a sheet's title comes from its data and template); remove "
        "it, or keep it as a comment: # title=…\n"
        "%s:3:1: error: [project]: unknown key 'dat': did you mean 'data'? (known: data, states, out, backend, jobs, mark-changes-since, "
        "mark-label)\n",
        path, path);
    ck_assert_str_eq(err, expected);
    g_free(expected), g_free(err), g_free(path);
    char *ini = g_build_filename(dir, "jindu.ini", NULL);
    jt_write(ini, "[project]\ndata=tasks.tsv;progress\njobs=64\n\n[params]\nperiod=2023Q2\n\n"
                  "[output 督查表]\ntemplate=quarterly-sheet.xml\nfile=督查表.pdf\n");
    /* many workers asked for: capped, and the build works */
    err = run(0, "build '%s' -j 1000", dir);
    g_free(err);
    /* --only with a name no output has */
    err = run(1, "build '%s' --only 督察表", dir);
    char *want = g_strdup_printf("%s: error: --only 督察表: no output of this name; did you mean '督查表'? (the "
                                 "outputs: 督查表)\n", ini);
    ck_assert_str_eq(err, want);
    g_free(want), g_free(err), g_free(ini);
    jt_rmrf(dir);
    g_free(dir);
}
END_TEST

/* A project cannot write outside its folder (out=../victim), nor a PDF over a file of
 * another kind (file=victim.txt), nor through a link out of its output folder. */
START_TEST(a_project_writes_only_pdfs_inside_its_folder)
{
    char *top = jt_tmpdir();
    char *victim_dir = g_build_filename(top, "victimdir", NULL);
    g_mkdir(victim_dir, 0755);
    char *victim = write_in(victim_dir, "victim.pdf", "someone's file");
    char *dir = g_build_filename(top, "proj", NULL);
    g_mkdir(dir, 0755);
    char *src = jt_fixture("project");
    char *cmd = g_strdup_printf("cp -r '%s'/. '%s'/", src, dir);
    ck_assert_int_eq(jt_run(cmd, NULL, NULL), 0);
    g_free(cmd), g_free(src);
    char *ini = write_in(dir, "jindu.ini", "[project]\ndata=tasks.tsv\nout=../victimdir\n\n"
                                           "[output 清单]\ntemplate=task-list.xml\nfile=victim.pdf\n");
    char *err = run(1, "build '%s'", dir);
    char *want = g_strdup_printf("%s:3:1: error: [project]: out=../victimdir is outside the project folder: the "
                                 "outputs go in a folder inside it\n", ini);
    ck_assert_str_eq(err, want);
    g_free(want), g_free(err);
    jt_write(ini, "[project]\ndata=tasks.tsv\n\n[output 清单]\ntemplate=task-list.xml\nfile=victim.txt\n");
    err = run(1, "build '%s'", dir);
    want = g_strdup_printf("%s:6:1: error: [output 清单]: file=victim.txt does not end in .pdf (a build writes "
                           "PDF files)\n", ini);
    ck_assert_str_eq(err, want);
    g_free(want), g_free(err);
    /* a link inside the output folder leading out of it */
    char *out = g_build_filename(dir, "out", NULL);
    g_mkdir(out, 0755);
    char *link = g_build_filename(out, "link", NULL);
    ck_assert_int_eq(symlink(victim_dir, link), 0);
    jt_write(ini, "[project]\ndata=tasks.tsv\n\n[output 清单]\ntemplate=task-list.xml\nfile=link/victim.pdf\n");
    err = run(1, "build '%s'", dir);
    ck_assert_ptr_nonnull(strstr(err, "is outside the output folder"));
    g_free(err);
    char *text = jt_read(victim);
    ck_assert_str_eq(text, "someone's file");
    g_free(text);
    g_free(link), g_free(out), g_free(ini), g_free(dir), g_free(victim), g_free(victim_dir);
    jt_rmrf(top);
    g_free(top);
}
END_TEST

/* Units whose names make the same file name: both refused, naming both, the others
 * written; names that look like options or that Windows reserves get safe names; long
 * names differing only at their end stay two files. */
START_TEST(split_names_that_would_share_a_file_are_refused)
{
    char *dir = jt_tmpdir();
    GString *longa = g_string_new(NULL), *longb = g_string_new(NULL);
    for (int i = 0; i < 60; i++) {
        g_string_append(longa, "局");
        g_string_append(longb, "局");
    }
    g_string_append(longa, "甲");
    g_string_append(longb, "乙");
    char *tsv = g_strdup_printf(HEADER "1\t任务一\ta:b\t甲\t乙\t丙\t丁\t张三\n"
                                       "2\t任务二\ta?b\t甲\t乙\t丙\t丁\t张三\n"
                                       "3\t任务三\tsub/dir\t甲\t乙\t丙\t丁\t张三\n"
                                       "4\t任务四\tsub_dir\t甲\t乙\t丙\t丁\t张三\n"
                                       "5\t任务五\tBureau\t甲\t乙\t丙\t丁\t张三\n"
                                       "6\t任务六\tbureau\t甲\t乙\t丙\t丁\t张三\n"
                                       "7\t任务七\t-rf\t甲\t乙\t丙\t丁\t张三\n"
                                       "8\t任务八\tCON\t甲\t乙\t丙\t丁\t张三\n"
                                       "9\t任务九\t%s\t甲\t乙\t丙\t丁\t张三\n"
                                       "10\t任务十\t%s\t甲\t乙\t丙\t丁\t张三\n",
                                longa->str, longb->str);
    char *tasks = write_in(dir, "tasks.tsv", tsv);
    char *out = NULL, *err = NULL;
    int rc = jt_cli(&out, &err, "render task-list.xml --data '%s' --split unit -o '%s/u/{key}.pdf'", tasks, dir);
    ck_assert_int_eq(rc, 1);
    ck_assert_str_eq(out, "4 of 10 documents written\n");
    char *want = g_strdup_printf("%s/u/a_b.pdf: error: units 'a:b' and 'a?b' would both be written to this file: "
                                 "neither is written\n"
                                 "%s/u/sub_dir.pdf: error: units 'sub/dir' and 'sub_dir' would both be written to "
                                 "this file: neither is written\n"
                                 "%s/u/bureau.pdf: error: units 'Bureau' and 'bureau' would both be written to this "
                                 "file: neither is written\n",
                                 dir, dir, dir);
    ck_assert_str_eq(err, want);
    char *u = g_build_filename(dir, "u", NULL);
    char *listing = jt_dir_listing(u);
    ck_assert_msg(g_str_has_prefix(listing, "CON_.pdf _rf.pdf 局局局"), "%s", listing);
    ck_assert_int_eq(jt_count(listing, ".pdf"), 4);
    g_free(listing), g_free(u), g_free(want), g_free(out), g_free(err), g_free(tasks), g_free(tsv);
    g_string_free(longa, TRUE);
    g_string_free(longb, TRUE);
    jt_rmrf(dir);
    g_free(dir);
}
END_TEST

START_TEST(project_outputs_that_would_share_a_file_are_refused)
{
    char *dir = project("[project]\ndata=tasks.tsv;progress\n\n[params]\nperiod=2023Q2\n\n"
                        "[output 清单]\ntemplate=task-list.xml\nfile=表.pdf\n\n"
                        "[output 督查表]\ntemplate=quarterly-sheet.xml\nfile=表.pdf\n\n"
                        "[output 领导]\ntemplate=leader-sheet.xml\nsplit=leader\nfile=领导/{key}.pdf\n");
    char *out = NULL, *err = NULL;
    int rc = jt_cli(&out, &err, "build '%s'", dir);
    ck_assert_int_eq(rc, 1);
    char *want = g_strdup_printf("%s/jindu.ini:13:1: error: [output 清单] and [output 督查表] would both be written "
                                 "to out/表.pdf: give them different file names\n"
                                 "  failed out/表.pdf: %s/jindu.ini:13: [output 清单] and [output 督查表] would both "
                                 "be written to it\n"
                                 "  failed out/表.pdf: %s/jindu.ini:13: [output 清单] and [output 督查表] would both "
                                 "be written to it\n",
                                 dir, dir, dir);
    ck_assert_str_eq(err, want);
    ck_assert(g_str_has_prefix(out, "3 built, 0 unchanged, 2 failed (5 outputs)"));
    char *table = g_build_filename(dir, "out", "表.pdf", NULL);
    ck_assert(!jt_exists(table));
    g_free(table), g_free(want), g_free(out), g_free(err);
    jt_rmrf(dir);
    g_free(dir);
}
END_TEST

/* A pipe, a device or a folder given as a template, an include, an image or data is
 * refused at once (a pipe used to hang, /dev/zero to fill the memory). A folder given as
 * data is a progress folder, read as such. */
START_TEST(pipes_devices_and_folders_are_not_files)
{
    char *dir = jt_tmpdir();
    char *fifo = g_build_filename(dir, "pipe.xml", NULL);
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    char *includes = write_in(dir, "inc.xml", "<document><include src=\"pipe.xml\"/></document>");
    char *tasks = jt_src("samples/xiqing-2023/tasks.tsv");
    const char *const cases[][2] = {
        {fifo, "it is a pipe (FIFO), not a file"},
        {dir, "it is a directory"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        char *err = run(1, "render '%s' --data '%s' -o '%s/x.pdf'", cases[i][0], tasks, dir);
        ck_assert_msg(strstr(err, cases[i][1]) != NULL, "%s", err);
        g_free(err);
    }
    char *err = run(1, "render '%s' --data '%s' -o '%s/x.pdf'", includes, tasks, dir);
    ck_assert_msg(strstr(err, "pipe.xml': cannot read: it is a pipe (FIFO), not a file") != NULL, "%s", err);
    g_free(err);
    err = run(1, "render task-list.xml --data '%s' -o '%s/x.pdf'", fifo, dir);
    ck_assert_ptr_nonnull(strstr(err, "pipe.xml: error: cannot read: it is a pipe (FIFO), not a file"));
    g_free(err);
    err = run(1, "render task-list.xml --data /dev/zero -o '%s/x.pdf'", dir);
    ck_assert_str_eq(err, "/dev/zero: error: cannot read: it is a device, not a file\n");
    g_free(err);
    /* a device as the template, a folder as data: refused as well */
    err = run(1, "render /dev/zero --data '%s' -o '%s/x.pdf'", tasks, dir);
    ck_assert_ptr_nonnull(strstr(err, "/dev/zero: error: cannot read: it is a device, not a file\n"));
    g_free(err);
    char *sub = g_build_filename(dir, "sub", NULL);
    ck_assert_int_eq(g_mkdir(sub, 0755), 0);
    char *include_dir = write_in(dir, "inc-dir.xml", "<document><include src=\"sub\"/></document>");
    err = run(1, "render '%s' -o '%s/x.pdf'", include_dir, dir);
    ck_assert_msg(strstr(err, "inc-dir.xml:1:25: error: cannot include '") &&
                      strstr(err, "sub': cannot read: it is a directory\n"),
                  "%s", err);
    g_free(err);
    /* an image that is a pipe (the layout would wait on it for ever) */
    char *image_pipe = g_build_filename(dir, "logo.png", NULL);
    ck_assert_int_eq(mkfifo(image_pipe, 0600), 0);
    char *image = write_in(dir, "image.xml", "<document><p>甲</p><image src=\"logo.png\"/></document>");
    err = run(1, "render '%s' -o '%s/x.pdf'", image, dir);
    ck_assert_msg(strstr(err, "image.xml:1:31: error: image 'logo.png' cannot be read: it is a pipe (FIFO), not a "
                              "file\n") != NULL,
                  "%s", err);
    g_free(err);
    char *listing = jt_dir_listing(dir);
    ck_assert_str_eq(listing, "image.xml inc-dir.xml inc.xml logo.png pipe.xml sub");
    g_free(listing);
    /* in a project too: its data is hashed without being read */
    char *proj = project("[project]\ndata=pipe.tsv\n\n[output 清单]\ntemplate=task-list.xml\nfile=清单.pdf\n");
    char *pipe2 = g_build_filename(proj, "pipe.tsv", NULL);
    ck_assert_int_eq(mkfifo(pipe2, 0600), 0);
    err = run(1, "build '%s'", proj);
    ck_assert_ptr_nonnull(strstr(err, "pipe.tsv: error: cannot read: it is a pipe (FIFO), not a file"));
    g_free(err);
    jt_rmrf(proj);
    g_free(proj), g_free(pipe2);
    /* a template= that is a pipe, and a pipe named like a report in a progress folder (it
     * was passed over without a word, its unit shown as 未报送) */
    proj = project("[project]\ndata=tasks.tsv;progress\n\n[params]\nperiod=2023Q2\n\n"
                   "[output 清单]\ntemplate=pipe.xml\nfile=清单.pdf\n");
    pipe2 = g_build_filename(proj, "pipe.xml", NULL);
    ck_assert_int_eq(mkfifo(pipe2, 0600), 0);
    err = run(1, "build '%s'", proj);
    ck_assert_msg(strstr(err, "jindu.ini:8:1: error: [output 清单]: template pipe.xml cannot be read: it is a pipe "
                              "(FIFO), not a file\n") != NULL,
                  "%s", err);
    g_free(err), g_free(pipe2);
    pipe2 = g_build_filename(proj, "progress", "2023Q3.csv", NULL);
    ck_assert_int_eq(mkfifo(pipe2, 0600), 0);
    err = run(1, "check '%s/progress'", proj);
    ck_assert_msg(strstr(err, "2023Q3.csv: error: cannot read: it is a pipe (FIFO), not a file\n") != NULL, "%s", err);
    g_free(err);
    jt_rmrf(proj);
    g_free(proj), g_free(pipe2), g_free(tasks), g_free(includes), g_free(fifo), g_free(image), g_free(image_pipe);
    g_free(sub), g_free(include_dir);
    jt_rmrf(dir);
    g_free(dir);
}
END_TEST

/* A file jindu replaces keeps its permission bits (a sheet made readable by the office
 * only stays so): render, a build, import -o. */
START_TEST(replaced_outputs_keep_their_permissions)
{
    char *dir = project("[project]\ndata=tasks.tsv;progress\nout=out\n\n[params]\nperiod=2023Q2\n\n"
                        "[output 督查表]\ntemplate=quarterly-sheet.xml\nfile=督查表.pdf\n");
    char *tasks = g_build_filename(dir, "tasks.tsv", NULL);
    char *pdf = g_build_filename(dir, "x.pdf", NULL), *json = g_build_filename(dir, "x.json", NULL);
    char *built = g_build_filename(dir, "out", "督查表.pdf", NULL);
    g_free(run(0, "build '%s'", dir));
    jt_write(pdf, "previous");
    jt_write(json, "previous");
    static const mode_t modes[] = {0600, 0640, 0444};
    for (size_t i = 0; i < G_N_ELEMENTS(modes); i++) {
        ck_assert_int_eq(chmod(pdf, modes[i]), 0);
        ck_assert_int_eq(chmod(json, modes[i]), 0);
        ck_assert_int_eq(chmod(built, modes[i]), 0);
        g_free(run(0, "render task-list.xml --data '%s' -o '%s'", tasks, pdf));
        g_free(run(0, "import '%s' -o '%s'", tasks, json));
        g_free(run(0, "build --force '%s'", dir));
        const char *const paths[] = {pdf, json, built};
        for (size_t k = 0; k < G_N_ELEMENTS(paths); k++) {
            struct stat st;
            ck_assert_int_eq(stat(paths[k], &st), 0);
            ck_assert_msg((st.st_mode & 07777) == modes[i], "%s: mode %o, not %o", paths[k],
                          (unsigned)(st.st_mode & 07777), (unsigned)modes[i]);
            ck_assert_int_gt(st.st_size, 100); /* replaced, not left as it was */
        }
    }
    g_free(built), g_free(json), g_free(pdf), g_free(tasks);
    jt_rmrf(dir);
    g_free(dir);
}
END_TEST

/* A check that checks nothing says why: a split over leaders of a list that has none. */
START_TEST(zero_outputs_checked_says_why)
{
    char *dir = project("[project]\ndata=list.tsv\n\n[params]\nperiod=2023Q2\n\n"
                        "[output 领导]\ntemplate=task-list.xml\nsplit=leader\nfile=领导/{key}.pdf\n");
    g_free(write_in(dir, "list.tsv", "序号\t目标任务\t责任单位\t第一季度\t第二季度\t第三季度\t第四季度\n"
                                     "1\t任务\t商务局\t甲\t乙\t丙\t丁\n"));
    char *out = NULL, *err = NULL;
    int rc = jt_cli(&out, &err, "check '%s'", dir);
    ck_assert_int_eq(rc, 0);
    char *want = g_strdup_printf("%s/jindu.ini:9:1: warning: [output 领导]: split=leader, but the list names no "
                                 "leader: this output makes no document\n", dir);
    ck_assert_str_eq(err, want);
    g_free(want);
    want = g_strdup_printf("%s: 0 outputs checked: the project makes no document (see the warnings)\n", dir);
    ck_assert_str_eq(out, want);
    g_free(want), g_free(out), g_free(err);
    jt_rmrf(dir);
    g_free(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("outputs");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, option_values_that_are_mistakes_are_usage_errors);
    tcase_add_test(tc, project_settings_that_are_mistakes);
    tcase_add_test(tc, a_project_writes_only_pdfs_inside_its_folder);
    tcase_add_test(tc, split_names_that_would_share_a_file_are_refused);
    tcase_add_test(tc, project_outputs_that_would_share_a_file_are_refused);
    tcase_add_test(tc, pipes_devices_and_folders_are_not_files);
    tcase_add_test(tc, replaced_outputs_keep_their_permissions);
    tcase_add_test(tc, zero_outputs_checked_says_why);
    suite_add_tcase(s, tc);
    return jt_main(s);
}
