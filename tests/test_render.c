/* The seed sheet — the real 123-task list of samples/xiqing-2023 with templates/task-list.xml
 * — rendered through `jindu render` by each backend and read back from the PDF: every cell's
 * text exactly once (again only after a （续） mark), the header on every page, embedded
 * subset fonts, no line starting or ending with the wrong punctuation, reproducible bytes,
 * the page size, metadata and outline. Each backend renders the sample once, for all of its
 * tests; a checker test shows that the cell matching fails when it should. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_haru_pdf.h"
#include "test_render_sheet.h"
#include "testutil.h"

static const char *const header_labels[] = {"序号",       "目标任务", "责任单位", "进度安排",
                                            "第一季度",   "第二季度", "第三季度", "第四季度",
                                            "责任区领导", NULL};

/* A4 landscape, as templates/partials/page-landscape.xml asks. */
#define PAGE_WIDTH "841.89"
#define PAGE_HEIGHT "595.28"

/* The sample as one backend rendered it, shared by the tests of its test case. */
static struct {
    const char *backend;
    char *dir, *template_path, *data_path, *pdf, *dump;
    jd_value *list;
    rs_sheet *sheet;
    GString *failure; /* why the sample could not be prepared */
} S;

/* `jindu render` of the sample with this test case's backend; `env` goes before the command
 * (variable assignments), `args` after it. Returns the exit status. */
static int render(const char *env, const char *out, const char *args, char **err)
{
    char *cmd = g_strdup_printf("%s '%s' render '%s' --data '%s' --backend %s -o '%s' %s", env,
                                JD_CLI, S.template_path, S.data_path, S.backend, out, args);
    int rc = jt_run(cmd, NULL, err);
    g_free(cmd);
    return rc;
}

static char *read_or_note(const char *path)
{
    char *text = NULL;
    if (!g_file_get_contents(path, &text, NULL, NULL))
        g_string_append_printf(S.failure, "cannot read %s\n", path);
    return text;
}

/* Unchecked fixture: it runs once, in the runner itself, so it notes failures in S.failure
 * for the tests to report instead of asserting. */
static void prepare(const char *backend)
{
    S.backend = backend;
    S.failure = g_string_new(NULL);
    S.dir = jt_tmpdir();
    S.template_path = jt_src("templates/task-list.xml");
    S.data_path = jt_src("samples/xiqing-2023/tasks.tsv");
    S.pdf = g_build_filename(S.dir, "sample.pdf", NULL);
    char *dump_path = g_build_filename(S.dir, "sample.dump", NULL),
         *json_path = g_build_filename(S.dir, "sample.json", NULL);
    char *err = NULL;
    if (render("", S.pdf, "", &err) != 0)
        g_string_append_printf(S.failure, "render failed: %s\n", err);
    g_free(err);
    if (jt_cli(NULL, &err, "layout '%s' --data '%s' --dump -o '%s'", S.template_path, S.data_path,
               dump_path) != 0)
        g_string_append_printf(S.failure, "layout failed: %s\n", err);
    g_free(err);
    if (jt_cli(NULL, &err, "import '%s' -o '%s'", S.data_path, json_path) != 0)
        g_string_append_printf(S.failure, "import failed: %s\n", err);
    g_free(err);
    char *json = S.failure->len ? NULL : read_or_note(json_path);
    if (json) {
        jd_diags *diags = jd_diags_new();
        S.list = jd_value_from_json(json, strlen(json), json_path, diags);
        if (!S.list) g_string_append(S.failure, "the imported JSON does not read back\n");
        jd_diags_free(diags);
    }
    S.dump = S.failure->len ? NULL : read_or_note(dump_path);
    if (!S.failure->len) S.sheet = rs_sheet_read(S.pdf, S.dump, header_labels);
    g_free(json);
    g_free(dump_path);
    g_free(json_path);
}

static void prepare_cairo(void)
{
    prepare("cairo");
}

static void prepare_haru(void)
{
    prepare("haru");
}

static void release(void)
{
    rs_sheet_free(S.sheet);
    jd_value_unref(S.list);
    jt_rmrf(S.dir);
    g_free(S.dir);
    g_free(S.template_path);
    g_free(S.data_path);
    g_free(S.pdf);
    g_free(S.dump);
    g_string_free(S.failure, TRUE);
    memset(&S, 0, sizeof S);
}

static void assert_prepared(void)
{
    if (S.failure->len) fprintf(stderr, "%s: %s", S.backend, S.failure->str);
    ck_assert_msg(S.failure->len == 0, "%s: the sample could not be prepared (see stderr)",
                  S.backend);
}

static const char *list_title(void)
{
    return jd_object_get_string(S.list, "title");
}

/* The last line of `text` (without its line break). Newly allocated. */
static char *last_line(const char *text)
{
    char **lines = g_strsplit(text, "\n", -1);
    guint n = g_strv_length(lines);
    while (n > 0 && !*lines[n - 1])
        n--;
    char *line = g_strdup(n ? lines[n - 1] : "");
    g_strfreev(lines);
    return line;
}

/* Fails with the problems found, the first few of them in the message (Check's messages
 * are short) and all of them on standard error. */
static void assert_no_problems(const GString *problems)
{
    if (problems->len == 0) return;
    fprintf(stderr, "%s: %s", S.backend, problems->str);
    char *head = g_utf8_make_valid(problems->str, MIN(problems->len, 1500));
    ck_abort_msg("%s: %d problems, the first:\n%s", S.backend, jt_count(problems->str, "\n"), head);
}

/* 1. Every cell's text once, again only after a mark, nothing else in the table. */
START_TEST(every_cell_text_once)
{
    assert_prepared();
    assert_no_problems(S.sheet->problems);
    ck_assert_int_eq(S.sheet->columns, 8);
    GPtrArray *slots = rs_slots(S.list, S.sheet);
    GString *problems = g_string_new(NULL);
    rs_counts counts = {0};
    size_t expected = 0, marked = 0;
    for (guint i = 0; i < slots->len; i++) {
        const rs_slot *slot = g_ptr_array_index(slots, i);
        rs_slot_match(slot, &counts, problems);
        expected += slot->expected->len;
        for (guint k = 0; k < slot->pieces->len; k++)
            marked += ((const rs_cell *)g_ptr_array_index(slot->pieces, k))->mark != NULL;
    }
    assert_no_problems(problems);
    ck_assert_uint_eq(counts.cells, expected);
    /* every mark the layout drew heads a cell piece of the PDF */
    ck_assert_uint_eq(marked, S.sheet->marks);
    ck_assert_uint_gt(counts.repeats, 0);
    fprintf(stderr,
            "%s: %zu cells read back whole, %zu of them across pages; %zu shown again after "
            "（续） (%zu marks)\n",
            S.backend, counts.cells, counts.continued, counts.repeats, marked);
    g_string_free(problems, TRUE);
    g_ptr_array_unref(slots);
}
END_TEST

/* 1. Outside the table there is the title (page 1) and each page's footer, nothing else. */
START_TEST(only_title_and_footers_outside_the_table)
{
    assert_prepared();
    for (int p = 1; p <= S.sheet->pages; p++) {
        char *want = g_strdup_printf("%s%s第%d页共%d页", p == 1 ? list_title() : "",
                                     p == 1 ? "\n" : "", p, S.sheet->pages);
        ck_assert_str_eq(g_ptr_array_index(S.sheet->outside, p - 1), want);
        g_free(want);
    }
}
END_TEST

/* 2. Every page carries the header, in column order; page 1 has the title before it. */
START_TEST(every_table_page_carries_the_header)
{
    assert_prepared();
    char *want = g_strjoinv("|", (char **)header_labels);
    GPtrArray *per_page = g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
    for (int p = 0; p < S.sheet->pages; p++)
        g_ptr_array_add(per_page, g_ptr_array_new());
    for (guint i = 0; i < S.sheet->header->len; i++) {
        const rs_cell *c = g_ptr_array_index(S.sheet->header, i);
        g_ptr_array_add(g_ptr_array_index(per_page, c->page - 1), c->text);
    }
    for (int p = 1; p <= S.sheet->pages; p++) {
        GPtrArray *labels = g_ptr_array_index(per_page, p - 1);
        g_ptr_array_add(labels, NULL);
        char *got = g_strjoinv("|", (char **)labels->pdata);
        ck_assert_msg(strcmp(got, want) == 0, "page %d header: %s", p, got);
        g_free(got);
        /* in drawing order the header comes first on the page, after the title on page 1 */
        char *text = hp_page_text(S.pdf, p);
        char *start = g_strconcat(p == 1 ? list_title() : "", "序号", NULL);
        ck_assert_msg(g_str_has_prefix(text, start), "page %d starts: %.60s", p, text);
        g_free(start);
        g_free(text);
    }
    g_ptr_array_unref(per_page);
    g_free(want);
}
END_TEST

/* 3. pdffonts: every font embedded, subset, with a Unicode map; the Latin face among them. */
START_TEST(only_embedded_subset_fonts)
{
    assert_prepared();
    GPtrArray *fonts = hp_fonts(S.pdf);
    ck_assert_uint_ge(fonts->len, 1);
    /* the numbers are in the Latin face paired with Song, in either backend */
    bool latin = false;
    for (guint i = 0; i < fonts->len; i++)
        latin = latin || strstr(g_ptr_array_index(fonts, i), "+LiberationSerif ");
    ck_assert_msg(latin, "%s: no Liberation Serif in the PDF", S.backend);
    for (guint i = 0; i < fonts->len; i++) {
        const char *row = g_ptr_array_index(fonts, i);
        char **cols = g_strsplit_set(row, " ", -1);
        GPtrArray *words = g_ptr_array_new();
        for (int k = 0; cols[k]; k++)
            if (*cols[k]) g_ptr_array_add(words, cols[k]);
        /* name type… encoding emb sub uni object generation */
        ck_assert_uint_ge(words->len, 7);
        const char *emb = g_ptr_array_index(words, words->len - 5),
                   *sub = g_ptr_array_index(words, words->len - 4),
                   *uni = g_ptr_array_index(words, words->len - 3);
        ck_assert_msg(strcmp(emb, "yes") == 0 && strcmp(sub, "yes") == 0 && strcmp(uni, "yes") == 0,
                      "%s", row);
        const char *name = g_ptr_array_index(words, 0);
        ck_assert_msg(strlen(name) > 7 && name[6] == '+', "no subset tag: %s", row);
        g_ptr_array_unref(words);
        g_strfreev(cols);
    }
    g_ptr_array_unref(fonts);
}
END_TEST

/* 4. No drawn line starts with a closing or pausing mark, none ends with an opening one. */
static const char forbidden_start[] = "，。、；：？！）》」』”’,.;:?!)]}%";
static const char forbidden_end[] = "（《「『“‘";

static void check_line(const char *line, const char *where, int *lines, GString *bad)
{
    if (!*line) return;
    (*lines)++;
    char first[8] = {0}, last[8] = {0};
    g_unichar_to_utf8(g_utf8_get_char(line), first);
    g_unichar_to_utf8(g_utf8_get_char(g_utf8_find_prev_char(line, line + strlen(line))), last);
    if (strstr(forbidden_start, first))
        g_string_append_printf(bad, "%s: starts with %s: %s\n", where, first, line);
    if (strstr(forbidden_end, last))
        g_string_append_printf(bad, "%s: ends with %s: %s\n", where, last, line);
}

static void check_cell_lines(GPtrArray *cells, int *lines, GString *bad)
{
    for (guint i = 0; i < cells->len; i++) {
        const rs_cell *c = g_ptr_array_index(cells, i);
        char *where = g_strdup_printf("page %d, cell at x %.1f y %.1f", c->page, c->left, c->top);
        for (guint k = 0; k < c->lines->len; k++)
            check_line(g_ptr_array_index(c->lines, k), where, lines, bad);
        g_free(where);
    }
}

START_TEST(no_line_starts_or_ends_with_forbidden_punctuation)
{
    assert_prepared();
    GString *bad = g_string_new(NULL);
    int cell_lines = 0, raw_lines = 0;
    check_cell_lines(S.sheet->header, &cell_lines, bad);
    check_cell_lines(S.sheet->body, &cell_lines, bad);
    /* pdftotext -raw: lines in drawing order (lines of neighbouring cells on one baseline
     * come out as one line, which the cell lines above check one by one) */
    char *raw = hp_run("pdftotext -q -raw '%s' -", S.pdf);
    char **lines = g_strsplit_set(raw, "\n\f", -1);
    /* poppler ends a raw line where a glyph box overlaps the one before by more than a
     * fifth of an em, which a compressed pair of marks ("”，") does: such a line goes on
     * the one before (the cell lines above are checked as drawn) */
    GString *joined = g_string_new(NULL);
    for (int i = 0; lines[i]; i++) {
        char *l = g_strstrip(lines[i]);
        char first[8] = {0};
        g_unichar_to_utf8(g_utf8_get_char(l), first);
        bool mark = *l && (unsigned char)*l >= 0x80 && strstr(forbidden_start, first);
        if (!mark && joined->len) {
            check_line(joined->str, "pdftotext -raw", &raw_lines, bad);
            g_string_truncate(joined, 0);
        }
        g_string_append(joined, l);
    }
    check_line(joined->str, "pdftotext -raw", &raw_lines, bad);
    g_string_free(joined, TRUE);
    assert_no_problems(bad);
    ck_assert_int_gt(cell_lines, 1000);
    ck_assert_int_gt(raw_lines, 1000);
    fprintf(stderr, "%s: %d cell lines and %d raw lines checked\n", S.backend, cell_lines,
            raw_lines);
    g_strfreev(lines);
    g_free(raw);
    g_string_free(bad, TRUE);
}
END_TEST

/* 5. Same input, same bytes; SOURCE_DATE_EPOCH and --date set the creation date. */
static bool same_bytes(const char *a, const char *b)
{
    char *ca = NULL, *cb = NULL;
    gsize la = 0, lb = 0;
    ck_assert(g_file_get_contents(a, &ca, &la, NULL) && g_file_get_contents(b, &cb, &lb, NULL));
    bool same = la == lb && memcmp(ca, cb, la) == 0;
    g_free(ca);
    g_free(cb);
    return same;
}

static void render_ok(const char *env, const char *out, const char *args)
{
    char *err = NULL;
    ck_assert_msg(render(env, out, args, &err) == 0, "%s", err);
    g_free(err);
}

static void assert_creation_date(const char *pdf, const char *want)
{
    char *date = hp_info(pdf, NULL, "CreationDate");
    ck_assert_msg(date && strcmp(date, want) == 0, "CreationDate %s, not %s", date, want);
    g_free(date);
}

START_TEST(two_renders_are_byte_identical)
{
    assert_prepared();
    char *again = g_build_filename(S.dir, "again.pdf", NULL);
    render_ok("", again, "");
    ck_assert_msg(same_bytes(S.pdf, again), "%s: two renders differ", S.backend);
    assert_creation_date(again, "2000-01-01T00:00:00Z");
    g_free(again);
}
END_TEST

START_TEST(source_date_epoch_and_date_set_the_creation_date)
{
    assert_prepared();
    char *epoch = g_build_filename(S.dir, "epoch.pdf", NULL),
         *dated = g_build_filename(S.dir, "dated.pdf", NULL);
    render_ok("SOURCE_DATE_EPOCH=1700000000", epoch, "");
    ck_assert_msg(!same_bytes(S.pdf, epoch), "SOURCE_DATE_EPOCH changed nothing");
    assert_creation_date(epoch, "2023-11-14T22:13:20Z");
    /* --date wins over SOURCE_DATE_EPOCH */
    render_ok("SOURCE_DATE_EPOCH=1700000000", dated, "--date 2023-06-30T09:30:00+08:00");
    assert_creation_date(dated, "2023-06-30T09:30:00+08");
    g_free(epoch);
    g_free(dated);
}
END_TEST

/* The message's wording is the backend's; it names the date and what is wrong with it. */
START_TEST(a_date_that_is_no_date_is_refused)
{
    assert_prepared();
    static const char *const dates[] = {"yesterday", "2023-13-45", "2023-06-30T25:00:00Z"};
    for (size_t i = 0; i < G_N_ELEMENTS(dates); i++) {
        char *out = g_build_filename(S.dir, "bad-date.pdf", NULL), *err = NULL;
        char *args = g_strdup_printf("--date '%s'", dates[i]);
        int rc = render("", out, args, &err);
        ck_assert_msg(rc == 1, "%s --date %s: exit status %d, %s", S.backend, dates[i], rc,
                      jt_exists(out) ? "the PDF written" : "no PDF");
        ck_assert_msg(!jt_exists(out), "%s --date %s wrote %s", S.backend, dates[i], out);
        char *what = g_strdup_printf("“%s", dates[i]), *line = last_line(err);
        ck_assert_msg(strstr(line, what) && strstr(line, "is not an ISO 8601 date"),
                      "%s --date %s: %s", S.backend, dates[i], line);
        g_free(line);
        g_free(what);
        g_free(args);
        g_free(err);
        g_free(out);
    }
}
END_TEST

/* 6. The pages' size; PNG and SVG of one page at that size; no page past the last. */
static int png_dimension(const unsigned char *ihdr_field)
{
    return (ihdr_field[0] << 24) | (ihdr_field[1] << 16) | (ihdr_field[2] << 8) | ihdr_field[3];
}

START_TEST(every_page_is_a4_landscape)
{
    assert_prepared();
    char *info = hp_run("pdfinfo -f 1 -l %d '%s'", S.sheet->pages, S.pdf);
    for (int p = 1; p <= S.sheet->pages; p++) {
        char *want = g_strdup_printf("Page %4d size:  " PAGE_WIDTH " x " PAGE_HEIGHT " pts", p);
        ck_assert_msg(strstr(info, want), "%s: no '%s' in\n%s", S.backend, want, info);
        g_free(want);
    }
    g_free(info);
}
END_TEST

START_TEST(png_and_svg_have_the_page_size)
{
    assert_prepared();
    char *png = g_build_filename(S.dir, "p.png", NULL),
         *svg = g_build_filename(S.dir, "p.svg", NULL);
    render_ok("", png, "--page 3 --dpi 96");
    gsize len = 0;
    char *data = NULL;
    ck_assert(g_file_get_contents(png, &data, &len, NULL));
    ck_assert_uint_ge(len, 24);
    ck_assert_int_eq(memcmp(data, "\x89PNG\r\n\x1a\n", 8), 0);
    ck_assert_int_eq(memcmp(data + 12, "IHDR", 4), 0);
    ck_assert_int_eq(png_dimension((unsigned char *)data + 16), lround(841.89 * 96 / 72));
    ck_assert_int_eq(png_dimension((unsigned char *)data + 20), lround(595.28 * 96 / 72));
    g_free(data);

    render_ok("", svg, "--page 2");
    char *text = jt_read(svg);
    const char *root = strstr(text, "<svg ");
    ck_assert_ptr_nonnull(root);
    char *tag = g_strndup(root, (size_t)(strchr(root, '>') - root));
    ck_assert_msg(strstr(tag, " width=\"" PAGE_WIDTH "pt\"") &&
                      strstr(tag, " height=\"" PAGE_HEIGHT "pt\""),
                  "%s", tag);
    g_free(tag);
    g_free(text);
    g_free(png);
    g_free(svg);
}
END_TEST

START_TEST(no_page_past_the_last)
{
    assert_prepared();
    char *png = g_build_filename(S.dir, "past.png", NULL), *err = NULL;
    char *args = g_strdup_printf("--page %d", S.sheet->pages + 1);
    ck_assert_int_eq(render("", png, args, &err), 1);
    char *line = last_line(err);
    char *want = g_strdup_printf("%s: error: the document has %d pages; there is no page %d", png,
                                 S.sheet->pages, S.sheet->pages + 1);
    ck_assert_str_eq(line, want);
    ck_assert(!jt_exists(png));
    g_free(want);
    g_free(line);
    g_free(args);
    g_free(err);
    g_free(png);
}
END_TEST

/* libharu writes PDF only: asking it for an image is a usage error, and writes nothing. */
START_TEST(haru_refuses_png_and_svg)
{
    assert_prepared();
    static const char *const names[] = {"p.png", "p.svg"};
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        char *out = g_build_filename(S.dir, names[i], NULL), *err = NULL;
        ck_assert_int_eq(render("", out, "--page 2", &err), 2);
        ck_assert_str_eq(err, "jindu render: the haru backend writes PDF only\n"
                              "Try 'jindu render --help'.\n");
        ck_assert(!jt_exists(out));
        g_free(err);
        g_free(out);
    }
}
END_TEST

/* 8. Title and creator in the document information; the outline has the title. */
START_TEST(metadata_and_outline)
{
    assert_prepared();
    char *title = hp_info(S.pdf, NULL, "Title"), *creator = hp_info(S.pdf, NULL, "Creator");
    ck_assert_str_eq(list_title(), "西青区政府工作报告2023年重点工作任务清单");
    ck_assert_pstr_eq(title, list_title());
    ck_assert_pstr_eq(creator, "jindu");
    char *xml = hp_run("pdftohtml -xml -stdout -i -q '%s'", S.pdf);
    const char *outline = strstr(xml, "<outline>"), *end = strstr(xml, "</outline>");
    ck_assert_msg(outline && end, "no outline");
    /* the title, and under it one bookmark per task, in order, at the page its row starts */
    char *want = g_strdup_printf("<outline>\n<item page=\"1\">%s</item>\n<outline>\n", list_title());
    ck_assert_msg(g_str_has_prefix(outline, want), "outline starts with: %.200s", outline);
    g_free(want);
    ck_assert_int_eq(jt_count(outline, "<item "), 124);
    ck_assert_ptr_nonnull(strstr(outline, "<item page=\"1\">1. 坚持把政治建设摆在首位</item>"));
    char *last = g_strdup_printf("<item page=\"%d\">123. 深化政务公开", hp_page_count(S.pdf));
    ck_assert_ptr_nonnull(strstr(outline, last));
    g_free(last);
    int previous = 0;
    for (const char *p = strstr(outline + 1, "<outline>"); (p = strstr(p, "<item page=\"")); p++) {
        int page = atoi(p + 12);
        ck_assert_int_ge(page, previous);
        previous = page;
    }
    g_free(xml);
    g_free(title);
    g_free(creator);
}
END_TEST

/* ---- the checker itself ------------------------------------------------------------- */

/* Matches pieces given as "page:text" (a leading * marks the piece) against the cells
 * 甲一二, 乙三, 丙四五; returns the problems (empty when none) and the counts. */
static char *match(const char *const *pieces, rs_counts *counts)
{
    static const char *const cells[] = {"甲一二", "乙三", "丙四五"};
    rs_slot *slot = rs_slot_new(1, 1, "目标任务");
    for (size_t i = 0; i < G_N_ELEMENTS(cells); i++) {
        char *label = g_strdup_printf("cell %zu", i + 1);
        rs_slot_expect(slot, cells[i], label);
        g_free(label);
    }
    GPtrArray *owned = g_ptr_array_new_with_free_func((GDestroyNotify)rs_cell_free);
    for (size_t i = 0; pieces[i]; i++) {
        const char *text = strchr(pieces[i], ':') + 1;
        rs_cell *c = g_new0(rs_cell, 1);
        c->page = atoi(pieces[i]);
        c->mark = *text == '*' ? "（续）" : NULL;
        c->text = g_strdup(c->mark ? text + 1 : text);
        c->lines = g_ptr_array_new_with_free_func(g_free);
        g_ptr_array_add(owned, c);
        g_ptr_array_add(slot->pieces, c);
    }
    GString *problems = g_string_new(NULL);
    *counts = (rs_counts){0};
    rs_slot_match(slot, counts, problems);
    rs_slot_free(slot);
    g_ptr_array_unref(owned);
    return g_string_free(problems, FALSE);
}

START_TEST(checker_accepts_split_and_marked_repeats)
{
    rs_counts n;
    /* 甲一二 repeated whole on page 2, 乙三 split over pages 2 and 3, 丙四五 continued
     * after a mark */
    const char *const ok[] = {"1:甲一二", "2:*甲一二", "2:乙", "3:三", "3:丙四", "4:*五", NULL};
    char *problems = match(ok, &n);
    ck_assert_str_eq(problems, "");
    ck_assert_uint_eq(n.cells, 3);
    ck_assert_uint_eq(n.continued, 2);
    ck_assert_uint_eq(n.repeats, 1);
    g_free(problems);
}
END_TEST

START_TEST(checker_finds_lost_cut_and_doubled_text)
{
    rs_counts n;
    const char *const lost[] = {"1:甲一二", "1:丙四五", NULL};
    char *problems = match(lost, &n);
    ck_assert_str_eq(problems, "目标任务, page 1: cell 2 should read '乙三', the PDF has '丙四五'\n"
                               "目标任务: cell 3 '丙四五' is not in the PDF\n");
    g_free(problems);

    const char *const cut[] = {"1:甲一", "1:乙三", "1:丙四五", NULL};
    problems = match(cut, &n);
    ck_assert_str_eq(problems, "目标任务, page 1: cell 1 goes on from page 1, not from the page "
                               "before\n"
                               "目标任务, page 1: cell 1 should read '二' (its rest), the PDF has "
                               "'乙三'\n"
                               "目标任务, page 1: cell 2 should read '乙三', the PDF has '丙四五'\n"
                               "目标任务: cell 3 '丙四五' is not in the PDF\n");
    g_free(problems);

    const char *const cut_at_the_end[] = {"1:甲一二", "1:乙三", "1:丙四", NULL};
    problems = match(cut_at_the_end, &n);
    ck_assert_str_eq(problems,
                     "目标任务: cell 3 is cut: only 2 characters of '丙四五' are in the PDF\n");
    g_free(problems);

    const char *const doubled[] = {"1:甲一二", "2:甲一二", "2:乙三", "2:丙四五", NULL};
    problems = match(doubled, &n);
    ck_assert_msg(strstr(problems, "cell 2 should read '乙三', the PDF has '甲一二'"), "%s",
                  problems);
    g_free(problems);

    const char *const repeat_too_late[] = {"1:甲一二", "1:乙三", "2:*甲一二", "2:丙四五", NULL};
    problems = match(repeat_too_late, &n);
    ck_assert_str_eq(problems, "目标任务, page 2: '甲一二' follows a mark but is neither cell 2 "
                               "again nor the start of cell 3\n");
    g_free(problems);
}
END_TEST

START_TEST(checker_finds_lines_with_forbidden_ends)
{
    static const char *const lines[] = {"，开头", "结尾（", "50%", "%以上",
                                        "（续）", "“引号”", "a)"};
    GString *bad = g_string_new(NULL);
    int checked = 0;
    for (size_t i = 0; i < G_N_ELEMENTS(lines); i++)
        check_line(lines[i], "test", &checked, bad);
    ck_assert_int_eq(checked, 7);
    ck_assert_str_eq(bad->str, "test: starts with ，: ，开头\n"
                               "test: ends with （: 结尾（\n"
                               "test: starts with %: %以上\n");
    g_string_free(bad, TRUE);
}
END_TEST

static TCase *sample_case(const char *name, void (*setup)(void), bool images)
{
    TCase *tc = tcase_create(name);
    tcase_add_unchecked_fixture(tc, setup, release);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, every_cell_text_once);
    tcase_add_test(tc, only_title_and_footers_outside_the_table);
    tcase_add_test(tc, every_table_page_carries_the_header);
    tcase_add_test(tc, only_embedded_subset_fonts);
    tcase_add_test(tc, no_line_starts_or_ends_with_forbidden_punctuation);
    tcase_add_test(tc, two_renders_are_byte_identical);
    tcase_add_test(tc, source_date_epoch_and_date_set_the_creation_date);
    tcase_add_test(tc, a_date_that_is_no_date_is_refused);
    tcase_add_test(tc, every_page_is_a4_landscape);
    if (images) {
        tcase_add_test(tc, png_and_svg_have_the_page_size);
        tcase_add_test(tc, no_page_past_the_last);
    } else {
        tcase_add_test(tc, haru_refuses_png_and_svg);
    }
    tcase_add_test(tc, metadata_and_outline);
    return tc;
}

int main(void)
{
    Suite *s = suite_create("render");
    suite_add_tcase(s, sample_case("cairo", prepare_cairo, true));
    suite_add_tcase(s, sample_case("haru", prepare_haru, false));
    TCase *checker = tcase_create("checker");
    tcase_add_test(checker, checker_accepts_split_and_marked_repeats);
    tcase_add_test(checker, checker_finds_lost_cut_and_doubled_text);
    tcase_add_test(checker, checker_finds_lines_with_forbidden_ends);
    suite_add_tcase(s, checker);
    return jt_main(s);
}
