/* Projects: split documents, safe names, incremental builds, shards, marking changes, and
 * `jindu watch`. The fixture (tests/fixtures/project) is 4 tasks, 6 units and 3 leaders with
 * progress for two quarters; every test builds a copy of it in a temporary folder. */
#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jd_import.h"
#include "jd_import_layers.h"
#include "jd_project.h"
#include "testutil.h"

/* ---- helpers ----------------------------------------------------------------------- */

static int path_order(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static char *copy_fixture(void)
{
    char *dir = jt_tmpdir();
    char *src = jt_fixture("project");
    char *cmd = g_strdup_printf("cp -r '%s'/. '%s'/ && rm -rf '%s/out' '%s/.jindu-cache'", src, dir, dir, dir);
    ck_assert_int_eq(jt_run(cmd, NULL, NULL), 0);
    g_free(cmd);
    g_free(src);
    return dir;
}

/* Builds `dir`; returns the sorted, comma-joined list of what was built. */
static char *build(const char *dir, int jobs, bool expect_ok, jd_build_result *out)
{
    jd_diags *d = jd_diags_new();
    jd_project *p = jd_project_load(dir, d);
    ck_assert_msg(p != NULL, "project did not load");
    jd_build_options o;
    jd_build_options_init(&o);
    o.jobs = jobs;
    jd_build_result r;
    bool ok = jd_project_build(p, &o, &r, d);
    if (ok != expect_ok)
        jd_diags_print(d, stderr);
    ck_assert_int_eq(ok, expect_ok);
    GPtrArray *paths = g_ptr_array_new();
    for (int i = 0; r.built_paths[i]; i++)
        g_ptr_array_add(paths, r.built_paths[i]);
    g_ptr_array_sort(paths, path_order);
    g_ptr_array_add(paths, NULL);
    char *joined = g_strjoinv(",", (char **)paths->pdata);
    g_ptr_array_free(paths, TRUE);
    if (out)
        *out = r;
    else
        jd_build_result_clear(&r);
    jd_project_free(p);
    jd_diags_free(d);
    return joined;
}

static const char *const all_outputs = "out/单位/住建委.pdf,out/单位/各街镇.pdf,out/单位/商务局.pdf,out/单位/城管委.pdf,"
                                       "out/单位/政务服务办.pdf,out/单位/教育局.pdf,out/督查表.pdf,out/领导/张三.pdf,"
                                       "out/领导/李四.pdf,out/领导/王五.pdf";

/* ---- names and splits -------------------------------------------------------------- */

START_TEST(safe_file_names)
{
    static const char *const cases[][2] = {
        {"商务局", "商务局"},      {"../x", "_._x"},         {"/", "_"},
        {"a/b\\c", "a_b_c"},      {"..", "__"},             {"", "_"},
        {"区政府办公室 司法局", "区政府办公室 司法局"}, {"名\n称", "名_称"}, {"*?:<>|\"", "_______"},
        /* not an option, not a name Windows keeps for a device, no trailing dot or space */
        {"-rf", "_rf"},           {"--help", "_-help"},     {"CON", "CON_"},
        {"nul.pdf", "nul_.pdf"},  {"Com1", "Com1_"},        {"LPT9", "LPT9_"},
        {"COM10", "COM10"},       {"CONSOLE", "CONSOLE"},   {"单位.", "单位_"},
        {"单位 ", "单位_"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        char *s = jd_safe_file_name(cases[i][0]);
        ck_assert_msg(strcmp(s, cases[i][1]) == 0, "'%s' gives '%s', not '%s'", cases[i][0], s, cases[i][1]);
        g_free(s);
    }
    /* long names are cut on a character boundary, at most 120 bytes, and end with a digest
     * of the whole name: two names differing only at the end stay two files */
    GString *longname = g_string_new(NULL);
    for (int i = 0; i < 100; i++)
        g_string_append(longname, "长");
    char *a = jd_safe_file_name(longname->str);
    g_string_append(longname, "甲");
    char *b = jd_safe_file_name(longname->str);
    ck_assert_uint_le(strlen(a), 120);
    ck_assert(g_utf8_validate(a, -1, NULL));
    ck_assert(g_str_has_prefix(a, "长长长"));
    ck_assert_int_eq(a[strlen(a) - 8], '~');
    ck_assert_str_ne(a, b);
    ck_assert_uint_eq(strlen(a), strlen(b));
    g_free(a);
    g_free(b);
    g_string_free(longname, TRUE);
}
END_TEST

START_TEST(file_patterns)
{
    jd_value *params = jd_value_new_object();
    jd_object_set(params, "period", jd_value_new_string("2023Q2"));
    jd_object_set(params, "quarter", jd_value_new_int(2));
    char *s = jd_expand_file_pattern("单位/{key}-{period}-{quarter}.pdf", "../商务局", params);
    ck_assert_str_eq(s, "单位/_._商务局-2023Q2-2.pdf");
    g_free(s);
    s = jd_expand_file_pattern("{unknown}/{key}.pdf", "a/b", params);
    ck_assert_str_eq(s, "{unknown}/a_b.pdf");
    g_free(s);
    jd_value_unref(params);
}
END_TEST

START_TEST(split_keys_and_documents)
{
    char *path = jt_fixture("project/tasks.tsv");
    jd_diags *d = jd_diags_new();
    jd_value *list = jd_import_file(path, JD_FORMAT_AUTO, NULL, d);
    ck_assert_ptr_nonnull(list);
    char **units = jd_split_keys(list, JD_SPLIT_UNIT), **leaders = jd_split_keys(list, JD_SPLIT_LEADER);
    char *u = g_strjoinv(",", units), *l = g_strjoinv(",", leaders);
    ck_assert_str_eq(u, "政务服务办,城管委,各街镇,住建委,商务局,教育局");
    ck_assert_str_eq(l, "张三,李四,王五");
    /* 李四's document holds tasks 2 and 3; task 3 is also in 张三's */
    jd_value *g = jd_value_new_object();
    jd_object_set(g, "list", jd_value_ref(list));
    jd_value *mine = jd_split_globals(g, JD_SPLIT_LEADER, "李四");
    const jd_value *tasks = jd_object_get(jd_object_get(mine, "list"), "tasks");
    ck_assert_uint_eq(jd_array_length(tasks), 2);
    ck_assert_int_eq(jd_object_get_int(jd_array_get(tasks, 0), "id", 0), 2);
    ck_assert_int_eq(jd_object_get_int(jd_array_get(tasks, 1), "id", 0), 3);
    ck_assert_str_eq(jd_object_get_string(jd_object_get(mine, "split"), "key"), "李四");
    ck_assert_str_eq(jd_object_get_string(jd_object_get(mine, "split"), "by"), "leader");
    /* the task values are shared, not copied */
    ck_assert_ptr_eq(jd_array_get(tasks, 0), jd_array_get(jd_object_get(list, "tasks"), 1));
    jd_value_unref(mine);
    jd_value_unref(g);
    g_free(u), g_free(l), g_strfreev(units), g_strfreev(leaders);
    jd_value_unref(list);
    jd_diags_free(d);
    g_free(path);
}
END_TEST

/* ---- incremental builds ------------------------------------------------------------ */

START_TEST(rebuilds_only_what_changed)
{
    char *dir = copy_fixture();
    char *built = build(dir, 2, true, NULL);
    ck_assert_str_eq(built, all_outputs);
    g_free(built);

    /* nothing changed: nothing built, every output unchanged */
    jd_build_result r;
    built = build(dir, 2, true, &r);
    ck_assert_str_eq(built, "");
    ck_assert_uint_eq(r.unchanged, 10);
    ck_assert_uint_eq(r.total, 10);
    jd_build_result_clear(&r);
    g_free(built);

    /* 商务局 reports 滞后 for task 3 in Q2: its sheet, the quarterly sheet, and the sheets of
     * task 3's two leaders change — no other unit's */
    char *q2 = g_build_filename(dir, "progress", "2023Q2.csv", NULL);
    jt_replace_in_file(q2, "2023Q2,序时推进,举办招商会两场。", "2023Q2,滞后,举办招商会一场。");
    built = build(dir, 2, true, &r);
    ck_assert_str_eq(built, "out/单位/商务局.pdf,out/督查表.pdf,out/领导/张三.pdf,out/领导/李四.pdf");
    ck_assert_uint_eq(r.unchanged, 6);
    jd_build_result_clear(&r);
    g_free(built);

    /* a report for Q1 only shows on the unit sheet (the others show Q2) */
    char *q1 = g_build_filename(dir, "progress", "2023Q1.csv", NULL);
    jt_replace_in_file(q1, "按计划推进。", "已完成年度计划的一半。");
    built = build(dir, 2, true, NULL);
    ck_assert_str_eq(built, "out/单位/教育局.pdf");
    g_free(built);
    g_free(q1);
    g_free(q2);
    jt_rmrf(dir);
    g_free(dir);
}
END_TEST

/* A unit renamed: its old sheet is removed with the build that makes the new one — only
 * files jindu wrote, and only while they are as it wrote them. */
START_TEST(outputs_no_longer_produced_are_removed)
{
    char *dir = copy_fixture();
    g_free(build(dir, 2, true, NULL));
    char *notes = g_build_filename(dir, "out", "单位", "说明.txt", NULL);
    jt_write(notes, "the clerk's own file");
    char *tasks = g_build_filename(dir, "tasks.tsv", NULL);
    char *q1 = g_build_filename(dir, "progress", "2023Q1.csv", NULL);
    char *q2 = g_build_filename(dir, "progress", "2023Q2.csv", NULL);
    jt_replace_in_file(tasks, "商务局", "大数据中心");
    jt_replace_in_file(q1, "商务局", "大数据中心");
    jt_replace_in_file(q2, "商务局", "大数据中心");
    jd_build_result r;
    char *built = build(dir, 2, true, &r);
    ck_assert_str_eq(built, "out/单位/大数据中心.pdf,out/督查表.pdf,out/领导/张三.pdf,out/领导/李四.pdf");
    ck_assert_uint_eq(r.removed, 1);
    ck_assert_str_eq(r.removed_paths[0], "out/单位/商务局.pdf");
    ck_assert_ptr_null(r.removed_paths[1]);
    jd_build_result_clear(&r);
    g_free(built);
    char *unit_dir = g_build_filename(dir, "out", "单位", NULL);
    char *listing = jt_dir_listing(unit_dir);
    ck_assert_str_eq(listing, "住建委.pdf 各街镇.pdf 城管委.pdf 大数据中心.pdf 政务服务办.pdf 教育局.pdf 说明.txt");
    g_free(listing);

    /* a leader's sheet someone changed since jindu wrote it is left, with a warning */
    char *wang = g_build_filename(dir, "out", "领导", "王五.pdf", NULL);
    char *pdf = jt_read(wang);
    jt_write(wang, "annotated");
    g_free(pdf);
    jt_replace_in_file(tasks, "王五", "张三");
    char *out = NULL, *err = NULL;
    int rc = jt_cli(&out, &err, "build '%s' -v", dir);
    ck_assert_int_eq(rc, 0);
    ck_assert_ptr_nonnull(strstr(err, "out/领导/王五.pdf: warning: the project no longer produces this output, "
                                      "but the file changed since jindu wrote it: left as it is\n"));
    ck_assert(jt_exists(wang));
    g_free(out), g_free(err);
    /* the rename undone: built and removed are named with -v, and the clerk's file stays */
    jt_replace_in_file(q1, "大数据中心", "商务局");
    jt_replace_in_file(q2, "大数据中心", "商务局");
    jt_replace_in_file(tasks, "大数据中心", "商务局");
    rc = jt_cli(&out, &err, "build '%s' -v", dir);
    ck_assert_int_eq(rc, 0);
    ck_assert_ptr_nonnull(strstr(out, "  built out/单位/商务局.pdf\n"));
    ck_assert_ptr_nonnull(strstr(out, "  removed out/单位/大数据中心.pdf\n"));
    ck_assert_ptr_nonnull(strstr(out, ", 1 removed (no longer produced) in "));
    ck_assert(jt_exists(notes));
    g_free(out), g_free(err);
    g_free(wang), g_free(unit_dir), g_free(q1), g_free(q2), g_free(tasks), g_free(notes);
    jt_rmrf(dir);
    g_free(dir);
}
END_TEST

/* An output truncated or damaged after it was built is built again, even when nothing
 * else changed. */
/* What tools on top of a project read: the outputs jindu wrote (only while they are its
 * files), what each build did to every output, one output's pages as they are now, the
 * values a parameter has; and a form saved into a quarter's folder of the progress folder
 * is a change (the hash of the inputs once read only the files directly in the folder). */
static char *joined_sorted(char **paths)
{
    GPtrArray *a = g_ptr_array_new();
    for (int i = 0; paths && paths[i]; i++)
        g_ptr_array_add(a, paths[i]);
    g_ptr_array_sort(a, path_order);
    g_ptr_array_add(a, NULL);
    char *joined = g_strjoinv(",", (char **)a->pdata);
    g_ptr_array_free(a, TRUE);
    return joined;
}

START_TEST(what_a_project_wrote_and_made)
{
    char *dir = copy_fixture();
    jd_build_result r;
    g_free(build(dir, 2, true, &r));
    jd_build_result_clear(&r);
    /* nothing changed: every output is named as unchanged */
    g_free(build(dir, 1, true, &r));
    char *unchanged = joined_sorted(r.unchanged_paths);
    ck_assert_str_eq(unchanged, all_outputs);
    ck_assert_ptr_nonnull(r.failed_paths);
    ck_assert_ptr_null(r.failed_paths[0]);
    jd_build_result_clear(&r);
    g_free(unchanged);

    jd_diags *d = jd_diags_new();
    jd_project *p = jd_project_load(dir, d);
    ck_assert_ptr_nonnull(p);
    GPtrArray *written = jd_project_written(p);
    GString *names = g_string_new(NULL);
    for (guint i = 0; i < written->len; i++) {
        const jd_written_file *w = g_ptr_array_index(written, i);
        g_string_append_printf(names, "%s%s", i ? "," : "", w->rel_path);
        GStatBuf st;
        ck_assert_int_eq(g_stat(w->path, &st), 0);
        ck_assert_int_eq(st.st_size, w->size);
    }
    ck_assert_str_eq(names->str, all_outputs);
    g_ptr_array_unref(written);

    /* an output edited since jindu wrote it is no longer its file */
    char *edited = g_build_filename(dir, "out", "领导", "王五.pdf", NULL);
    jt_write(edited, "not the sheet");
    written = jd_project_written(p);
    ck_assert_uint_eq(written->len, 9);
    for (guint i = 0; i < written->len; i++)
        ck_assert_str_ne(((jd_written_file *)g_ptr_array_index(written, i))->rel_path, "out/领导/王五.pdf");
    g_ptr_array_unref(written);

    /* one output's pages: as many as its PDF has, and the document in the file */
    jd_fonts *fonts = jd_fonts_new(NULL, d);
    bool current = false;
    jd_pages *pages = jd_project_output_pages(p, "out/督查表.pdf", fonts, &current, d);
    ck_assert_ptr_nonnull(pages);
    ck_assert(current);
    char *out = NULL;
    char *cmd = g_strdup_printf("pdfinfo '%s/out/督查表.pdf' | sed -n 's/^Pages: *//p'", dir);
    ck_assert_int_eq(jt_run(cmd, &out, NULL), 0);
    ck_assert_int_eq(jd_pages_count(pages), atoi(out));
    jd_pages_free(pages);
    g_free(out);
    g_free(cmd);
    ck_assert_int_eq(jd_diags_count(d), 0);
    /* no output is written at a path that is not one */
    ck_assert_ptr_null(jd_project_output_pages(p, "out/../jindu.ini", fonts, &current, d));
    ck_assert_int_eq(jd_diags_count(d), 1);
    ck_assert_str_eq(jd_diag_message(jd_diags_get(d, 0)), "no output of the project is written here");
    ck_assert_ptr_null(jd_project_output_pages(p, "out/单位/无此单位.pdf", fonts, &current, d));
    ck_assert_int_eq(jd_diags_count(d), 2);

    char **periods = jd_project_param_values(p, "period");
    char *joined = g_strjoinv(",", periods);
    ck_assert_str_eq(joined, "2023Q2");
    g_free(joined);
    g_strfreev(periods);
    jd_project_free(p);

    /* a form saved in a quarter's folder: the sheets showing 城管委's report change, and the
     * sheet pages made now are no longer the file's */
    char *quarter = g_build_filename(dir, "progress", "2023Q3", NULL);
    ck_assert_int_eq(g_mkdir(quarter, 0755), 0);
    char *form = g_build_filename(quarter, "城管委.csv", NULL);
    jt_write(form, "序号,目标任务,责任单位,报告期,进展状态,完成情况\n2,建设公园绿地,城管委,2023Q3,滞后,未完工。\n");
    char *ini = g_build_filename(dir, "jindu.ini", NULL);
    jt_replace_in_file(ini, "period=2023Q2", "period=2023Q3");
    g_free(build(dir, 1, true, &r));
    jd_build_result_clear(&r);
    jt_replace_in_file(form, "未完工。", "主体未完工。");
    char *built = build(dir, 1, true, &r);
    /* 城管委 shares its row of task 2 with 各街镇, whose sheet shows only 各街镇's own report
     * (not the row's): it is not rebuilt */
    ck_assert_str_eq(built, "out/单位/城管委.pdf,out/督查表.pdf,out/领导/李四.pdf");
    jd_build_result_clear(&r);
    g_free(built);
    p = jd_project_load(dir, d);
    jt_write(form, "序号,目标任务,责任单位,报告期,进展状态,完成情况\n2,建设公园绿地,城管委,2023Q3,已完成,已完工。\n");
    pages = jd_project_output_pages(p, "out/督查表.pdf", fonts, &current, d);
    ck_assert_ptr_nonnull(pages);
    ck_assert(!current);
    jd_pages_free(pages);
    jd_project_free(p);
    jd_fonts_free(fonts);
    jd_diags_free(d);
    g_free(ini), g_free(form), g_free(quarter), g_free(edited);
    g_string_free(names, TRUE);
    jt_rmrf(dir);
    g_free(dir);
}
END_TEST

START_TEST(a_damaged_output_is_rebuilt)
{
    char *dir = copy_fixture();
    g_free(build(dir, 1, true, NULL));
    char *sheet = g_build_filename(dir, "out", "督查表.pdf", NULL);
    char *good = jt_read(sheet);
    ck_assert(truncate(sheet, 100) == 0);
    char *built = build(dir, 1, true, NULL);
    ck_assert_str_eq(built, "out/督查表.pdf");
    g_free(built);
    char *again = jt_read(sheet);
    ck_assert_str_eq(again, good);
    g_free(again);
    /* and a file put in its place */
    jt_write(sheet, "%PDF-1.5 not a sheet");
    built = build(dir, 1, true, NULL);
    ck_assert_str_eq(built, "out/督查表.pdf");
    g_free(built);
    built = build(dir, 1, true, NULL);
    ck_assert_str_eq(built, "");
    g_free(built);
    g_free(good), g_free(sheet);
    jt_rmrf(dir);
    g_free(dir);
}
END_TEST

START_TEST(template_and_font_changes_rebuild_everything)
{
    char *dir = copy_fixture();
    /* the project's own copy of the templates (found before jindu's) */
    char *templates = jt_src("templates");
    char *cmd = g_strdup_printf("cp -r '%s'/. '%s'/", templates, dir);
    ck_assert_int_eq(jt_run(cmd, NULL, NULL), 0);
    g_free(cmd);
    g_free(build(dir, 1, true, NULL));

    /* a comment changes no document: nothing is rebuilt */
    char *page = g_build_filename(dir, "partials", "page-landscape.xml", NULL);
    jt_replace_in_file(page, "<!-- Landscape A4", "<!-- A comment. Landscape A4");
    char *built = build(dir, 1, true, NULL);
    ck_assert_str_eq(built, "");
    g_free(built);
    /* the footer of every page: everything */
    jt_replace_in_file(page, "第{{ page }}页　共{{ pages }}页", "— {{ page }} —");
    built = build(dir, 1, true, NULL);
    ck_assert_str_eq(built, all_outputs);
    g_free(built);

    /* another font set: everything */
    char *fonts = jt_tmpdir();
    char *shipped = jt_src("fonts");
    cmd = g_strdup_printf("cp '%s'/fonts.ini '%s'/wqy-microhei-gb2312.ttf '%s'/ && echo '# changed' >> '%s'/fonts.ini",
                          shipped, shipped, fonts, fonts);
    ck_assert_int_eq(jt_run(cmd, NULL, NULL), 0);
    g_setenv("JINDU_FONTS_DIR", fonts, TRUE);
    built = build(dir, 1, true, NULL);
    ck_assert_str_eq(built, all_outputs);
    g_unsetenv("JINDU_FONTS_DIR");
    g_free(built);
    g_free(cmd);
    g_free(shipped);
    jt_rmrf(fonts);
    g_free(fonts);
    g_free(page);
    g_free(templates);
    jt_rmrf(dir);
    g_free(dir);
}
END_TEST

START_TEST(a_failed_output_keeps_its_previous_file)
{
    char *dir = copy_fixture();
    char *templates = jt_src("templates");
    char *cmd = g_strdup_printf("cp -r '%s'/. '%s'/", templates, dir);
    ck_assert_int_eq(jt_run(cmd, NULL, NULL), 0);
    g_free(cmd);
    g_free(build(dir, 2, true, NULL));
    char *sheet = g_build_filename(dir, "out", "单位", "商务局.pdf", NULL);
    char *before = jt_read(sheet);
    gsize before_len = strlen(before);
    /* a typo in the unit sheet: every unit sheet fails, the others are still built */
    char *unit = g_build_filename(dir, "unit-sheet.xml", NULL);
    jt_replace_in_file(unit, "{{ split.key }}重点工作任务推进情况表</h1>", "{{ split.kee }}重点工作任务推进情况表</h1>");
    char *q2 = g_build_filename(dir, "progress", "2023Q2.csv", NULL);
    jt_replace_in_file(q2, "举办招商会两场。", "举办招商会三场。");
    jd_build_result r;
    char *built = build(dir, 2, false, &r);
    ck_assert_uint_eq(r.failed, 6);
    ck_assert_str_eq(built, "out/督查表.pdf,out/领导/张三.pdf,out/领导/李四.pdf");
    jd_build_result_clear(&r);
    char *after = jt_read(sheet);
    ck_assert_uint_eq(strlen(after), before_len);
    ck_assert(memcmp(before, after, before_len) == 0);
    /* no temporary files were left beside the outputs */
    char *out = NULL;
    cmd = g_strdup_printf("find '%s/out' -name '.*'", dir);
    ck_assert_int_eq(jt_run(cmd, &out, NULL), 0);
    ck_assert_str_eq(out, "");
    g_free(out), g_free(cmd), g_free(built), g_free(after), g_free(before), g_free(unit), g_free(q2);
    g_free(sheet), g_free(templates);
    jt_rmrf(dir);
    g_free(dir);
}
END_TEST

START_TEST(shards_are_disjoint_and_cover_everything)
{
    char *dir = copy_fixture();
    GPtrArray *seen = g_ptr_array_new_with_free_func(g_free);
    for (int i = 1; i <= 3; i++) {
        char *out = NULL;
        int rc = jt_cli(&out, NULL, "build '%s' --shard %d/3 -j1 -q", dir, i);
        ck_assert_int_eq(rc, 0);
        g_free(out);
        jd_diags *d = jd_diags_new();
        jd_project *p = jd_project_load(dir, d);
        jd_build_options o;
        jd_build_options_init(&o);
        o.shard_index = i;
        o.shard_count = 3;
        o.force = true;
        jd_build_result r;
        ck_assert(jd_project_build(p, &o, &r, d));
        for (int k = 0; r.built_paths[k]; k++) {
            for (guint s = 0; s < seen->len; s++)
                ck_assert_str_ne(g_ptr_array_index(seen, s), r.built_paths[k]);
            g_ptr_array_add(seen, g_strdup(r.built_paths[k]));
        }
        jd_build_result_clear(&r);
        jd_project_free(p);
        jd_diags_free(d);
    }
    ck_assert_uint_eq(seen->len, 10);
    g_ptr_array_free(seen, TRUE);
    char *out = NULL;
    ck_assert_int_eq(jt_cli(NULL, &out, "build '%s' --shard 4/3", dir), 2);
    ck_assert_str_eq(out, "jindu build: --shard takes I/N with 1 <= I <= N, not '4/3'\n");
    g_free(out);
    jt_rmrf(dir);
    g_free(dir);
}
END_TEST

START_TEST(hostile_names_stay_in_the_output_folder)
{
    char *dir = copy_fixture();
    char *tasks = g_build_filename(dir, "tasks.tsv", NULL);
    jt_replace_in_file(tasks, "城管委 各街镇", "../../逃出 /etc/passwd");
    char *ini = g_build_filename(dir, "jindu.ini", NULL);
    jt_write(ini, "[project]\ndata=tasks.tsv\n\n[params]\nyear=2023\nperiod=2023Q2\n\n"
                  "[output 单位]\ntemplate=unit-sheet.xml\nsplit=unit\nfile=单位/{key}.pdf\n");
    char *built = build(dir, 1, true, NULL);
    ck_assert_ptr_nonnull(strstr(built, "out/单位/_._.._逃出.pdf"));
    ck_assert_ptr_nonnull(strstr(built, "out/单位/_etc_passwd.pdf"));
    char *out = NULL;
    char *cmd = g_strdup_printf("cd '%s' && find . -name '*.pdf' | grep -v '^./out/单位/' | wc -l", dir);
    ck_assert_int_eq(jt_run(cmd, &out, NULL), 0);
    ck_assert_str_eq(out, "0\n");
    g_free(out), g_free(cmd), g_free(built), g_free(ini), g_free(tasks);
    jt_rmrf(dir);
    g_free(dir);
}
END_TEST

/* ---- marking changes --------------------------------------------------------------- */

START_TEST(changes_since_earlier_progress_are_marked)
{
    char *dir = copy_fixture();
    char *q2 = g_build_filename(dir, "progress", "2023Q2.csv", NULL);
    char *old = g_build_filename(dir, "2023Q2-old.csv", NULL);
    char *text = jt_read(q2);
    jt_write(old, text);
    jt_replace_in_file(q2, "已开工。", "主体工程完成一半。");
    const char *data[] = {NULL, NULL, NULL};
    char *tasks = g_build_filename(dir, "tasks.tsv", NULL), *prog = g_build_filename(dir, "progress", NULL);
    data[0] = tasks;
    data[1] = prog;
    jd_diags *d = jd_diags_new();
    jd_value *g = jd_bind_data(data, NULL, NULL, d);
    ck_assert_ptr_nonnull(g);
    jd_value *marked = jd_mark_changes_since(g, old, NULL, NULL, d);
    ck_assert_ptr_nonnull(marked);
    ck_assert_int_eq(jd_object_get_int(marked, "changed_count", -1), 1);
    const jd_value *t2 = jd_array_get(jd_object_get(marked, "tasks"), 1);
    ck_assert(jd_value_bool(jd_object_get(t2, "changed")));
    ck_assert(jd_value_bool(jd_object_get(jd_array_get(jd_object_get(t2, "units"), 0), "changed")));
    ck_assert(!jd_value_bool(jd_object_get(jd_array_get(jd_object_get(t2, "units"), 1), "changed")));
    ck_assert(!jd_value_bool(jd_object_get(jd_array_get(jd_object_get(marked, "tasks"), 0), "changed")));

    /* the sheet marks it: one bar beside the changed row, and the legend */
    char *out = NULL;
    int rc = jt_cli(&out, NULL, "layout '%s/templates/quarterly-sheet.xml' --data '%s' --data '%s' -D period=2023Q2 "
                               "--mark-changes-since '%s' --dump", JD_SOURCE_DIR, tasks, prog, old);
    ck_assert_int_eq(rc, 0);
    ck_assert_int_eq(jt_count(out, "fill=#1f4e9a"), 1);
    /* the legend: the count is set in the Latin face, a quarter em from the Han around it */
    const char *legend = strstr(out, "以来内容或状态有变化的\"\n");
    ck_assert_ptr_nonnull(legend);
    const char *next = legend + strlen("以来内容或状态有变化的\"\n"), *eol = strchr(next, '\n');
    ck_assert_ptr_nonnull(eol);
    char *count_run = g_strndup(next, (size_t)(eol - next));
    ck_assert_msg(g_str_has_suffix(count_run, " \"1\""), "the count: %s", count_run);
    g_free(count_run);
    /* the legend names the earlier data, never its file */
    ck_assert_ptr_null(strstr(out, "2023Q2-old"));
    ck_assert_ptr_nonnull(strstr(out, "自上次报送（"));
    g_free(out);
    rc = jt_cli(&out, NULL, "layout quarterly-sheet.xml --data '%s' --data '%s' -D period=2023Q2 "
                            "--mark-changes-since '%s' --mark-label 6月25日报送 --dump", tasks, prog, old);
    ck_assert_int_eq(rc, 0);
    ck_assert_ptr_nonnull(strstr(out, "日报送以来"));
    ck_assert_ptr_null(strstr(out, "上次报送"));
    g_free(out);
    jd_value_unref(marked);
    jd_value_unref(g);
    jd_diags_free(d);
    g_free(text), g_free(old), g_free(q2), g_free(tasks), g_free(prog);
    jt_rmrf(dir);
    g_free(dir);
}
END_TEST

/* ---- watch ------------------------------------------------------------------------- */

START_TEST(watch_rebuilds_on_save)
{
    char *dir = copy_fixture();
    char *argv[] = {JD_CLI, "watch", dir, "-j1", NULL};
    int out_fd;
    GPid pid = jt_spawn(argv, &out_fd);
    GString *seen = g_string_new(NULL);
    ck_assert_msg(jt_wait_for(out_fd, seen, "watching", 60), "no first build: %s", seen->str);
    ck_assert_ptr_nonnull(strstr(seen->str, "10 built, 0 unchanged, 0 failed (10 outputs)"));
    g_string_truncate(seen, 0);
    char *q2 = g_build_filename(dir, "progress", "2023Q2.csv", NULL);
    jt_replace_in_file(q2, "审批时限压缩一半。", "审批时限压缩三分之二。");
    ck_assert_msg(jt_wait_for(out_fd, seen, "outputs) in", 60), "no rebuild: %s", seen->str);
    ck_assert_ptr_nonnull(strstr(seen->str, "built out/单位/政务服务办.pdf"));
    ck_assert_ptr_nonnull(strstr(seen->str, "3 built, 7 unchanged, 0 failed (10 outputs)"));
    /* a bad edit: its problem is printed, the last good outputs stay */
    g_string_truncate(seen, 0);
    jt_replace_in_file(q2, "2023Q2,序时推进,审批", "2023Q2,不知道,审批");
    ck_assert_msg(jt_wait_for(out_fd, seen, "outputs) in", 60), "no rebuild after a bad edit: %s", seen->str);
    /* only the outputs with 政务服务办's task 1 wait for it */
    ck_assert_ptr_nonnull(strstr(seen->str, "0 built, 7 unchanged, 3 failed (10 outputs)"));
    jt_stop(pid, out_fd);
    char *sheet = g_build_filename(dir, "out", "单位", "政务服务办.pdf", NULL);
    ck_assert(jt_exists(sheet));
    g_free(sheet);
    g_free(q2);
    g_string_free(seen, TRUE);
    jt_rmrf(dir);
    g_free(dir);
}
END_TEST

/* The failed outputs of a build, comma-joined, each with its reason after " — ". */
static char *failures(const jd_build_result *r)
{
    GString *s = g_string_new(NULL);
    for (int i = 0; r->failed_paths[i]; i++)
        g_string_append_printf(s, "%s%s — %s", i ? "\n" : "", r->failed_paths[i], r->failed_reasons[i]);
    return g_string_free(s, FALSE);
}

/* A report with errors stops only the outputs whose document has its task and unit: the
 * other units' sheets are built, the failed ones keep their previous file, and the build
 * says which failed and why. A report whose task or unit the list does not know stops what
 * the list says it could be about; a task list with errors stops everything that reads it. */
START_TEST(a_bad_report_stops_only_what_needs_it)
{
    char *dir = copy_fixture();
    g_free(build(dir, 2, true, NULL));
    char *sheet = g_build_filename(dir, "out", "单位", "商务局.pdf", NULL);
    char *before = jt_read(sheet);
    gsize before_len = strlen(before);
    /* 商务局 typed a comma into 完成情况; 城管委 changed its text */
    char *q2 = g_build_filename(dir, "progress", "2023Q2.csv", NULL);
    jt_replace_in_file(q2, "举办招商会两场。", "举办招商会两场,签约一项。");
    jt_replace_in_file(q2, "已开工。", "已开工建设。");
    jd_build_result r;
    char *built = build(dir, 2, false, &r);
    ck_assert_str_eq(built, "out/单位/城管委.pdf");
    ck_assert_uint_eq(r.failed, 4);
    ck_assert_uint_eq(r.unchanged, 5);
    char *got = failures(&r);
    char *why = g_strdup_printf("%s:4: the report on task 3 by 商务局 has errors", q2);
    char *want = g_strdup_printf("out/督查表.pdf — %s\nout/单位/商务局.pdf — %s\nout/领导/张三.pdf — %s\n"
                                 "out/领导/李四.pdf — %s",
                                 why, why, why, why);
    ck_assert_str_eq(got, want);
    g_free(got), g_free(want), g_free(why), g_free(built);
    jd_build_result_clear(&r);
    char *after = jt_read(sheet);
    ck_assert_uint_eq(strlen(after), before_len);
    ck_assert(memcmp(before, after, before_len) == 0);
    g_free(after);
    /* the same without anyone collecting the messages */
    jd_project *p = jd_project_load(dir, NULL);
    jd_build_options o;
    jd_build_options_init(&o);
    ck_assert(!jd_project_build(p, &o, &r, NULL));
    ck_assert_uint_eq(r.failed, 4);
    jd_build_result_clear(&r);
    jd_project_free(p);
    /* the command says what failed and why, after the error itself, and exits 1 */
    char *out = NULL, *err = NULL;
    ck_assert_int_eq(jt_cli(&out, &err, "build '%s'", dir), 1);
    ck_assert(g_str_has_prefix(out, "0 built, 6 unchanged, 4 failed (10 outputs) in "));
    want = g_strdup_printf("%s:4:44: error: row has 11 fields but the header has 10: a comma inside a cell moved "
                           "the cells after it into the wrong columns (field 11, '2023-06-26', has no column at "
                           "all); put that cell in double quotes or write '，'\n"
                           "  failed out/督查表.pdf: %s:4: the report on task 3 by 商务局 has errors\n"
                           "  failed out/单位/商务局.pdf: %s:4: the report on task 3 by 商务局 has errors\n"
                           "  failed out/领导/张三.pdf: %s:4: the report on task 3 by 商务局 has errors\n"
                           "  failed out/领导/李四.pdf: %s:4: the report on task 3 by 商务局 has errors\n",
                           q2, q2, q2, q2, q2);
    ck_assert_str_eq(err, want);
    g_free(want), g_free(out), g_free(err);
    /* corrected: the four are built */
    jt_replace_in_file(q2, "举办招商会两场,签约一项。", "举办招商会两场，签约一项。");
    built = build(dir, 2, true, NULL);
    ck_assert_str_eq(built, "out/单位/商务局.pdf,out/督查表.pdf,out/领导/张三.pdf,out/领导/李四.pdf");
    g_free(built);
    /* a report on a task the list does not have, by a unit it does: every document with
     * that unit waits */
    char *q1 = g_build_filename(dir, "progress", "2023Q1.csv", NULL);
    jt_replace_in_file(q1, "4,提升教育质量,教育局", "9,提升教育质量,教育局");
    built = build(dir, 1, false, &r);
    got = failures(&r);
    why = g_strdup_printf("%s:6:1: task 9 is not in the task list", q1);
    want = g_strdup_printf("%s:6: the report on task 9 by 教育局 has errors", q1);
    char *expected = g_strdup_printf("out/督查表.pdf — %s\nout/单位/教育局.pdf — %s\nout/领导/王五.pdf — %s", want,
                                     want, want);
    ck_assert_str_eq(got, expected);
    ck_assert_str_eq(built, "");
    g_free(expected), g_free(got), g_free(want), g_free(why), g_free(built);
    jd_build_result_clear(&r);
    jt_replace_in_file(q1, "9,提升教育质量,教育局", "4,提升教育质量,教育局");
    /* the task list with a typo in its header: what reads it waits, nothing is removed */
    char *tasks = g_build_filename(dir, "tasks.tsv", NULL);
    jt_replace_in_file(tasks, "序号\t目标任务\t责任单位", "序号\t目标任务\t责任单住");
    built = build(dir, 2, false, &r);
    ck_assert_str_eq(built, "");
    got = failures(&r);
    why = g_strdup_printf("%s:3: the task list has errors", tasks);
    want = g_strdup_printf("out/督查表.pdf — %s\nout/单位/{key}.pdf — %s\nout/领导/{key}.pdf — %s", why, why, why);
    ck_assert_str_eq(got, want);
    ck_assert_uint_eq(r.removed, 0);
    ck_assert(g_file_test(sheet, G_FILE_TEST_EXISTS));
    g_free(got), g_free(want), g_free(why), g_free(built);
    jd_build_result_clear(&r);
    g_free(tasks), g_free(q1), g_free(q2), g_free(before), g_free(sheet);
    jt_rmrf(dir);
    g_free(dir);
}
END_TEST

START_TEST(build_summary_and_exit_codes)
{
    char *dir = copy_fixture();
    char *out = NULL, *err = NULL;
    int rc = jt_cli(&out, &err, "build '%s' -j2", dir);
    ck_assert_int_eq(rc, 0);
    ck_assert(g_str_has_prefix(out, "10 built, 0 unchanged, 0 failed (10 outputs) in "));
    ck_assert_str_eq(err, "");
    g_free(out), g_free(err);
    /* check: every output expanded, nothing written */
    rc = jt_cli(&out, &err, "check '%s'", dir);
    ck_assert_int_eq(rc, 0);
    /* and, as for the data files, what has not been reported */
    char *checked = g_strdup_printf("%s: progress merged onto the task list\n"
                                    "  2023Q1: 5 reports, 未报送 1: 各街镇 (2)\n"
                                    "  2023Q2: 3 reports, 未报送 3: 各街镇 (2), 住建委 (2), 教育局 (4)\n"
                                    "%s: 10 outputs checked, 0 with problems\n",
                                    dir, dir);
    ck_assert_str_eq(out, checked);
    g_free(checked);
    g_free(out), g_free(err);
    rc = jt_cli(&out, &err, "build '%s/nowhere'", dir);
    ck_assert_int_eq(rc, 1);
    ck_assert_ptr_nonnull(strstr(err, "nowhere/jindu.ini: error: cannot read: no such file"));
    g_free(out), g_free(err);
    char *ini = g_build_filename(dir, "jindu.ini", NULL);
    jt_replace_in_file(ini, "split=unit", "split=units");
    rc = jt_cli(&out, &err, "build '%s'", dir);
    ck_assert_int_eq(rc, 1);
    char *want = g_strdup_printf("%s:15:1: error: [output 单位]: split is unit, leader or none, not 'units'\n", ini);
    ck_assert_str_eq(err, want);
    g_free(want), g_free(out), g_free(err);
    /* an output's own parameter that is no KEY=VALUE stops build and check alike */
    jt_replace_in_file(ini, "split=units", "split=unit");
    jt_replace_in_file(ini, "file=督查表.pdf", "file=督查表.pdf\nparams=bad-key=1");
    want = g_strdup_printf("%s:12:1: error: [output 督查表]: a parameter is KEY=VALUE with KEY made of "
                           "letters, digits and _, not 'bad-key=1'\n",
                           ini);
    for (int check = 0; check <= 1; check++) {
        rc = jt_cli(&out, &err, "%s '%s'", check ? "check" : "build", dir);
        ck_assert_int_eq(rc, 1);
        ck_assert_str_eq(err, want);
        g_free(out), g_free(err);
    }
    g_free(want), g_free(ini);
    jt_rmrf(dir);
    g_free(dir);
}
END_TEST


/* Success never depends on whether the caller collects messages (a NULL jd_diags). */
START_TEST(success_does_not_depend_on_collecting_messages)
{
    char *dir = copy_fixture();
    char *ini = g_build_filename(dir, "jindu.ini", NULL);
    jt_replace_in_file(ini, "split=unit", "split=units");
    ck_assert_ptr_null(jd_project_load(dir, NULL));
    /* a progress folder holding one bad form */
    char *bad = g_build_filename(dir, "progress", "2023Q3.csv", NULL);
    jt_write(bad, "序号,目标任务,责任单位,报告期,进展状态,完成情况\n1,任务甲,商务局,2023Q3,不知道,x\n");
    char *folder = g_build_filename(dir, "progress", NULL);
    jd_import_options io = {JD_FORMAT_AUTO, NULL, NULL, NULL, NULL};
    ck_assert_ptr_null(jd_progress_read_folder(folder, &io, NULL, NULL));
    jd_diags *d = jd_diags_new();
    ck_assert_ptr_null(jd_progress_read_folder(folder, &io, NULL, d));
    ck_assert(jd_diags_has_errors(d));
    jd_diags_free(d);
    g_free(folder), g_free(bad), g_free(ini);
    jt_rmrf(dir);
    g_free(dir);
}
END_TEST

/* A parameter a template needs is checked before any data is read, and named with the
 * line of jindu.ini that sets it (or should) and the output. */
START_TEST(parameters_are_checked_with_their_project_line)
{
    char *dir = copy_fixture();
    char *ini = g_build_filename(dir, "jindu.ini", NULL);
    jt_replace_in_file(ini, "period=2023Q2", "period=2023Q7");
    jt_replace_in_file(ini, "file=督查表.pdf", "file=督查表.pdf\nparams=period=2023Q1;peroid=2023Q1");
    char *out = NULL, *err = NULL;
    int rc = jt_cli(&out, &err, "build '%s'", dir);
    ck_assert_int_eq(rc, 1);
    char *want = g_strdup_printf(
        "%s:12:1: error: [output 督查表]: quarterly-sheet.xml has no parameter 'peroid': did you mean "
        "'period'? (its parameters: period)\n"
        "%s:7:1: error: [output 单位]: unit-sheet.xml: parameter 'period': '2023Q7' is not a period (a "
        "quarter: 2023Q2 or 2023年第二季度; a month: 2023-05), e.g. period=2023Q2 in [params]\n"
        "%s:7:1: error: [output 领导]: leader-sheet.xml: parameter 'period': '2023Q7' is not a period (a "
        "quarter: 2023Q2 or 2023年第二季度; a month: 2023-05), e.g. period=2023Q2 in [params]\n"
        /* what was not built, each output once */
        "  failed out/督查表.pdf: %s:12:1: its parameters have errors\n"
        "  failed out/单位/{key}.pdf: %s:7:1: its parameters have errors (6 documents)\n"
        "  failed out/领导/{key}.pdf: %s:7:1: its parameters have errors (3 documents)\n",
        ini, ini, ini, ini, ini, ini);
    ck_assert_str_eq(err, want);
    g_free(want), g_free(out), g_free(err);
    /* without it at all: the output's group */
    jt_replace_in_file(ini, "period=2023Q7", "");
    jt_replace_in_file(ini, "params=period=2023Q1;peroid=2023Q1", "");
    rc = jt_cli(&out, &err, "check '%s'", dir);
    ck_assert_int_eq(rc, 1);
    ck_assert_ptr_nonnull(strstr(err, ":9:1: error: [output 督查表]: quarterly-sheet.xml needs parameter "
                                      "'period', e.g. period=2023Q2 in [params]\n"));
    g_free(out), g_free(err), g_free(ini);
    jt_rmrf(dir);
    g_free(dir);
}
END_TEST

/* A baseline named in jindu.ini: every build marks what changed since it, each sheet
 * counts its own changed rows, and the legend names the earlier reports by their period. */
START_TEST(a_project_baseline_marks_every_build)
{
    char *dir = copy_fixture();
    char *q1 = g_build_filename(dir, "progress", "2023Q1.csv", NULL);
    char *q2 = g_build_filename(dir, "progress", "2023Q2.csv", NULL);
    char *old = g_build_filename(dir, "2023Q2-sent.csv", NULL);
    char *text = jt_read(q2);
    jt_write(old, text);
    g_free(text);
    /* since then, 城管委 (task 2, led by 李四) sent a correction */
    jt_replace_in_file(q2, "已开工。", "主体工程完成一半。");
    char *ini = g_build_filename(dir, "jindu.ini", NULL);
    jt_replace_in_file(ini, "out=out", "out=out\nmark-changes-since=2023Q2-sent.csv");
    g_free(build(dir, 1, true, NULL));
    /* 李四 leads task 2; 王五's task 4 has no change */
    char *li = g_build_filename(dir, "out", "领导", "李四.pdf", NULL);
    char *wang = g_build_filename(dir, "out", "领导", "王五.pdf", NULL);
    char *legend_of[2] = {NULL, NULL};
    for (int round = 0; round < 2; round++) {
        const char *files[] = {li, wang};
        for (int f = 0; f < 2; f++) {
            char *cmd = g_strdup_printf("pdftotext '%s' - | tr -d ' \\n'", files[f]);
            char *pdf_text = NULL;
            ck_assert_int_eq(jt_run(cmd, &pdf_text, NULL), 0);
            const char *at = strstr(pdf_text, "左侧竖线标出自");
            ck_assert_msg(at != NULL, "no legend in %s", files[f]);
            const char *end = strstr(at, "行。");
            ck_assert_ptr_nonnull(end);
            g_free(legend_of[f]);
            legend_of[f] = g_strndup(at, (size_t)(end - at) + strlen("行。"));
            g_free(pdf_text);
            g_free(cmd);
        }
        ck_assert_str_eq(legend_of[0], "左侧竖线标出自上次报送（2023年第二季度）以来内容或状态有变化的1行。");
        ck_assert_str_eq(legend_of[1], "左侧竖线标出自上次报送（2023年第二季度）以来内容或状态有变化的0行。");
        /* an unrelated edit and a new build: the marks are still there */
        if (round == 0) {
            jt_replace_in_file(q2, "审批时限压缩一半。", "审批时限压缩六成。");
            g_free(build(dir, 1, true, NULL));
        }
    }
    g_free(legend_of[0]), g_free(legend_of[1]);
    g_free(li), g_free(wang), g_free(ini), g_free(old), g_free(q1), g_free(q2);
    jt_rmrf(dir);
    g_free(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("project");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, safe_file_names);
    tcase_add_test(tc, file_patterns);
    tcase_add_test(tc, split_keys_and_documents);
    tcase_add_test(tc, rebuilds_only_what_changed);
    tcase_add_test(tc, outputs_no_longer_produced_are_removed);
    tcase_add_test(tc, a_damaged_output_is_rebuilt);
    tcase_add_test(tc, what_a_project_wrote_and_made);
    tcase_add_test(tc, template_and_font_changes_rebuild_everything);
    tcase_add_test(tc, a_failed_output_keeps_its_previous_file);
    tcase_add_test(tc, shards_are_disjoint_and_cover_everything);
    tcase_add_test(tc, hostile_names_stay_in_the_output_folder);
    tcase_add_test(tc, changes_since_earlier_progress_are_marked);
    tcase_add_test(tc, a_project_baseline_marks_every_build);
    tcase_add_test(tc, watch_rebuilds_on_save);
    tcase_add_test(tc, build_summary_and_exit_codes);
    tcase_add_test(tc, a_bad_report_stops_only_what_needs_it);
    tcase_add_test(tc, success_does_not_depend_on_collecting_messages);
    tcase_add_test(tc, parameters_are_checked_with_their_project_line);
    suite_add_tcase(s, tc);
    return jt_main(s);
}
