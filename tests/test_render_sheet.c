#include "test_render_sheet.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_haru_pdf.h"

/* Dump coordinates have one decimal: borders within this are the same border. */
#define SAME_X 0.3
/* Words whose middles are closer than this (pt) are on one drawn line (the sheet's lines
 * are 9–12pt apart). */
#define SAME_LINE 3.0
/* pdftotext's word boxes use the font's ascent and descent, which may reach a little past
 * the cell padding. */
#define BORDER_SLACK 1.0

static const char *const marks[] = {"（续）"};

/* A full-width mark compressed at a line's end (its blank right half) or start (an opening
 * mark's blank left half) has a box that reaches past the text's edge by half an em, its
 * ink does not. */
static double hanging_blank(const hp_word *w, bool at_end)
{
    static const char closing[] = "，。、；：？！）》」』”’〕】", opening[] = "（《「『“‘〔【";
    const char *c = at_end ? g_utf8_find_prev_char(w->text, w->text + strlen(w->text)) : w->text;
    if (!c || !*c) return 0;
    char ch[8] = {0};
    g_unichar_to_utf8(g_utf8_get_char(c), ch);
    return strstr(at_end ? closing : opening, ch) ? 0.5 * (w->y_max - w->y_min) : 0;
}

char *rs_squeeze(const char *text)
{
    GString *out = g_string_new(NULL);
    for (const char *p = text; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (!g_unichar_isspace(c)) g_string_append_unichar(out, c);
    }
    return g_string_free(out, FALSE);
}

/* ---- the layout dump ---------------------------------------------------------------- */

static void free_run(gpointer p)
{
    rs_run *run = p;
    g_free(run->text);
    g_free(run->family);
    g_free(run);
}

static void free_dump_page(gpointer p)
{
    rs_dump_page *page = p;
    g_array_unref(page->rules);
    g_ptr_array_unref(page->runs);
    g_free(page);
}

/* The tokens of a dump line: bare words, and quoted strings with \" \\ \n unescaped. */
static GPtrArray *dump_tokens(const char *line)
{
    GPtrArray *tokens = g_ptr_array_new_with_free_func(g_free);
    const char *p = line;
    for (;;) {
        while (*p == ' ')
            p++;
        if (!*p) break;
        GString *tok = g_string_new(NULL);
        if (*p == '"') {
            for (p++; *p && *p != '"'; p++) {
                if (*p == '\\' && p[1])
                    p++, g_string_append_c(tok, *p == 'n' ? '\n' : *p);
                else
                    g_string_append_c(tok, *p);
            }
            if (*p == '"') p++;
        } else {
            while (*p && *p != ' ')
                g_string_append_c(tok, *p++);
        }
        g_ptr_array_add(tokens, g_string_free(tok, FALSE));
    }
    return tokens;
}

static bool parse_point(const char *text, double *x, double *y)
{
    char *end;
    *x = g_ascii_strtod(text, &end);
    if (*end != ',') return false;
    *y = g_ascii_strtod(end + 1, &end);
    return *end == '\0';
}

GPtrArray *rs_dump_parse(const char *dump)
{
    GPtrArray *pages = g_ptr_array_new_with_free_func(free_dump_page);
    char **lines = g_strsplit(dump, "\n", -1);
    rs_dump_page *page = NULL;
    for (int i = 0; lines[i]; i++) {
        GPtrArray *tok = dump_tokens(lines[i]);
        const char *kind = tok->len ? g_ptr_array_index(tok, 0) : "";
        if (strcmp(kind, "page") == 0) {
            page = g_new0(rs_dump_page, 1);
            if (tok->len >= 3) /* page N WxH */
                sscanf(g_ptr_array_index(tok, 2), "%lfx%lf", &page->width, &page->height);
            page->rules = g_array_new(FALSE, FALSE, sizeof(rs_rule));
            page->runs = g_ptr_array_new_with_free_func(free_run);
            g_ptr_array_add(pages, page);
        } else if (page && strcmp(kind, "rule") == 0 && tok->len >= 3) {
            /* rule X1,Y1 X2,Y2 w=W [#colour] */
            rs_rule r = {0};
            for (guint k = 3; k < tok->len; k++) {
                const char *t = g_ptr_array_index(tok, k);
                if (g_str_has_prefix(t, "w=")) r.width = g_ascii_strtod(t + 2, NULL);
                if (t[0] == '#') r.color = (uint32_t)strtoul(t + 1, NULL, 16);
            }
            if (parse_point(g_ptr_array_index(tok, 1), &r.x1, &r.y1) &&
                parse_point(g_ptr_array_index(tok, 2), &r.x2, &r.y2))
                g_array_append_val(page->rules, r);
        } else if (page && strcmp(kind, "text") == 0 && tok->len >= 6) {
            /* text X,Y w=W "family" SIZE [bold] [#colour] [turned=DEG] "TEXT" */
            rs_run *run = g_new0(rs_run, 1);
            parse_point(g_ptr_array_index(tok, 1), &run->x, &run->y);
            run->width = g_ascii_strtod((const char *)g_ptr_array_index(tok, 2) + 2, NULL);
            run->family = g_strdup(g_ptr_array_index(tok, 3));
            run->size = g_ascii_strtod(g_ptr_array_index(tok, 4), NULL);
            for (guint k = 5; k + 1 < tok->len; k++) {
                const char *t = g_ptr_array_index(tok, k);
                if (t[0] == '#') run->color = (uint32_t)strtoul(t + 1, NULL, 16);
                if (g_str_has_prefix(t, "turned=")) run->turned = atoi(t + 7);
            }
            run->text = g_strdup(g_ptr_array_index(tok, tok->len - 1));
            g_ptr_array_add(page->runs, run);
        }
        g_ptr_array_unref(tok);
    }
    g_strfreev(lines);
    return pages;
}

/* ---- cells -------------------------------------------------------------------------- */

static bool is_vertical(const rs_rule *r)
{
    return fabs(r->x1 - r->x2) < 0.01;
}

static bool is_horizontal(const rs_rule *r)
{
    return fabs(r->y1 - r->y2) < 0.01;
}

/* The borders around (x, y): the nearest rules on each side that pass the point. False
 * when the point is outside the table. */
static bool enclosing_borders(const rs_dump_page *page, double x, double y, double box[4])
{
    double left = -INFINITY, top = -INFINITY, right = INFINITY, bottom = INFINITY;
    for (guint i = 0; i < page->rules->len; i++) {
        const rs_rule *r = &g_array_index(page->rules, rs_rule, i);
        if (is_vertical(r) && MIN(r->y1, r->y2) <= y && y <= MAX(r->y1, r->y2)) {
            if (r->x1 <= x)
                left = MAX(left, r->x1);
            else
                right = MIN(right, r->x1);
        } else if (is_horizontal(r) && MIN(r->x1, r->x2) <= x && x <= MAX(r->x1, r->x2)) {
            if (r->y1 <= y)
                top = MAX(top, r->y1);
            else
                bottom = MIN(bottom, r->y1);
        }
    }
    box[0] = left, box[1] = top, box[2] = right, box[3] = bottom;
    return isfinite(left) && isfinite(top) && isfinite(right) && isfinite(bottom);
}

void rs_cell_free(rs_cell *c)
{
    g_ptr_array_unref(c->lines);
    g_free(c->text);
    g_free(c);
}

static int word_by_line(gconstpointer a, gconstpointer b)
{
    const hp_word *u = *(hp_word *const *)a, *v = *(hp_word *const *)b;
    double du = (u->y_min + u->y_max) / 2, dv = (v->y_min + v->y_max) / 2;
    return du < dv ? -1 : du > dv ? 1 : (u->x_min > v->x_min) - (u->x_min < v->x_min);
}

static int word_by_x(gconstpointer a, gconstpointer b)
{
    const hp_word *u = *(hp_word *const *)a, *v = *(hp_word *const *)b;
    return (u->x_min > v->x_min) - (u->x_min < v->x_min);
}

/* Groups words into drawn lines, top down, each line's words left to right; returns the
 * lines' texts with whitespace removed. */
static GPtrArray *lines_of(GPtrArray *words)
{
    g_ptr_array_sort(words, word_by_line);
    GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < words->len;) {
        const hp_word *first = g_ptr_array_index(words, i);
        double mid = (first->y_min + first->y_max) / 2;
        GPtrArray *line = g_ptr_array_new();
        for (; i < words->len; i++) {
            const hp_word *w = g_ptr_array_index(words, i);
            if ((w->y_min + w->y_max) / 2 - mid > SAME_LINE) break;
            g_ptr_array_add(line, (gpointer)w);
        }
        g_ptr_array_sort(line, word_by_x);
        GString *text = g_string_new(NULL);
        for (guint k = 0; k < line->len; k++)
            g_string_append(text, ((const hp_word *)g_ptr_array_index(line, k))->text);
        g_ptr_array_add(lines, rs_squeeze(text->str));
        g_string_free(text, TRUE);
        g_ptr_array_unref(line);
    }
    return lines;
}

static char *joined(GPtrArray *lines, const char *separator)
{
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < lines->len; i++) {
        if (i > 0) g_string_append(s, separator);
        g_string_append(s, g_ptr_array_index(lines, i));
    }
    return g_string_free(s, FALSE);
}

static int by_value(gconstpointer a, gconstpointer b)
{
    double u = *(const double *)a, v = *(const double *)b;
    return (u > v) - (u < v);
}

/* Every vertical border's x over all pages, equal ones merged. */
static GArray *column_borders(GPtrArray *dump)
{
    GArray *xs = g_array_new(FALSE, FALSE, sizeof(double));
    for (guint p = 0; p < dump->len; p++) {
        const rs_dump_page *page = g_ptr_array_index(dump, p);
        for (guint i = 0; i < page->rules->len; i++) {
            const rs_rule *r = &g_array_index(page->rules, rs_rule, i);
            if (!is_vertical(r)) continue;
            guint k = 0;
            while (k < xs->len && fabs(g_array_index(xs, double, k) - r->x1) >= SAME_X)
                k++;
            if (k == xs->len) g_array_append_val(xs, r->x1);
        }
    }
    g_array_sort(xs, by_value);
    return xs;
}

static int column_at(const rs_sheet *s, double x)
{
    for (int i = 0; i <= s->columns; i++)
        if (fabs(s->column_x[i] - x) < SAME_X) return i;
    return -1;
}

static bool is_label(const char *text, const char *const *labels)
{
    for (int i = 0; labels && labels[i]; i++)
        if (strcmp(text, labels[i]) == 0) return true;
    return false;
}

static int cell_by_column(gconstpointer a, gconstpointer b)
{
    const rs_cell *u = *(rs_cell *const *)a, *v = *(rs_cell *const *)b;
    if (fabs(u->left - v->left) >= SAME_X) return u->left < v->left ? -1 : 1;
    return (u->top > v->top) - (u->top < v->top);
}

static int cell_by_row(gconstpointer a, gconstpointer b)
{
    const rs_cell *u = *(rs_cell *const *)a, *v = *(rs_cell *const *)b;
    if (fabs(u->top - v->top) >= SAME_X) return u->top < v->top ? -1 : 1;
    return (u->left > v->left) - (u->left < v->left);
}

/* A cell of the page being read, with the words found in it so far. */
typedef struct {
    rs_cell *cell;
    GPtrArray *words; /* hp_word*, borrowed */
} cell_words;

static void free_cell_words(gpointer p)
{
    cell_words *cw = p;
    g_ptr_array_unref(cw->words);
    g_free(cw);
}

static char *borders_key(const double box[4])
{
    return g_strdup_printf("%.1f %.1f %.1f %.1f", box[0], box[1], box[2], box[3]);
}

/* Fills c->text (the lines without the layout's mark), c->col and c->colspan. */
static void finish_cell(rs_sheet *s, rs_cell *c)
{
    char *all = joined(c->lines, "");
    if (c->mark && g_str_has_suffix(all, c->mark)) {
        c->text = g_strndup(all, strlen(all) - strlen(c->mark));
    } else {
        if (c->mark)
            g_string_append_printf(s->problems,
                                   "page %d: the layout marks the cell at x %.1f, y %.1f %s, but "
                                   "its text in the PDF is '%s'\n",
                                   c->page, c->left, c->top, c->mark, all);
        c->text = g_strdup(all);
    }
    g_free(all);
    c->col = column_at(s, c->left);
    int end = column_at(s, c->right);
    c->colspan = end - c->col;
    if (c->col < 0 || end <= c->col)
        g_string_append_printf(s->problems,
                               "page %d: the cell '%s' at x %.1f–%.1f is not between column "
                               "borders\n",
                               c->page, c->text, c->left, c->right);
}

static void read_page(rs_sheet *s, int pageno, const rs_dump_page *page, GPtrArray *words,
                      const char *const *header_labels)
{
    GHashTable *by_borders = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    GPtrArray *cells = g_ptr_array_new_with_free_func(free_cell_words);
    GPtrArray *outside = g_ptr_array_new();
    for (guint i = 0; i < words->len; i++) {
        hp_word *w = g_ptr_array_index(words, i);
        if (w->page != pageno) continue;
        double box[4];
        if (!enclosing_borders(page, (w->x_min + w->x_max) / 2, (w->y_min + w->y_max) / 2, box)) {
            g_ptr_array_add(outside, w);
            continue;
        }
        if (w->x_min < box[0] - BORDER_SLACK - hanging_blank(w, false) ||
            w->x_max > box[2] + BORDER_SLACK + hanging_blank(w, true) ||
            w->y_min < box[1] - BORDER_SLACK || w->y_max > box[3] + BORDER_SLACK)
            g_string_append_printf(s->problems,
                                   "page %d: '%s' (x %.1f–%.1f, y %.1f–%.1f) crosses the borders "
                                   "of its cell (x %.1f–%.1f, y %.1f–%.1f)\n",
                                   pageno, w->text, w->x_min, w->x_max, w->y_min, w->y_max, box[0],
                                   box[2], box[1], box[3]);
        char *key = borders_key(box);
        cell_words *cw = g_hash_table_lookup(by_borders, key);
        if (!cw) {
            cw = g_new0(cell_words, 1);
            cw->cell = g_new0(rs_cell, 1);
            *cw->cell = (rs_cell){pageno, box[0], box[1], box[2], box[3], -1, 0, NULL, NULL, NULL};
            cw->words = g_ptr_array_new();
            g_hash_table_insert(by_borders, g_strdup(key), cw);
            g_ptr_array_add(cells, cw);
        }
        g_ptr_array_add(cw->words, w);
        g_free(key);
    }
    /* a mark is the last line of its cell, under what it continues: a run reading （续）
     * higher in a cell is text */
    char **run_cell = g_new0(char *, page->runs->len); /* each run's cell key, or NULL */
    for (guint i = 0; i < page->runs->len; i++) {
        const rs_run *run = g_ptr_array_index(page->runs, i);
        double box[4];
        if (enclosing_borders(page, run->x + run->width / 2, run->y - run->size / 3, box))
            run_cell[i] = borders_key(box);
    }
    for (guint i = 0; i < page->runs->len; i++) {
        const rs_run *run = g_ptr_array_index(page->runs, i);
        const char *mark = NULL;
        for (size_t m = 0; m < G_N_ELEMENTS(marks); m++)
            if (strcmp(run->text, marks[m]) == 0) mark = marks[m];
        bool last = run_cell[i] != NULL;
        for (guint k = 0; mark && last && k < page->runs->len; k++)
            if (k != i && run_cell[k] && strcmp(run_cell[k], run_cell[i]) == 0 &&
                ((const rs_run *)g_ptr_array_index(page->runs, k))->y > run->y)
                last = false;
        if (!mark || !last) continue;
        s->marks++;
        cell_words *cw = g_hash_table_lookup(by_borders, run_cell[i]);
        if (!cw || cw->cell->mark)
            g_string_append_printf(s->problems,
                                   "page %d: the layout's mark %s at %.1f,%.1f is not the last "
                                   "text of a cell in the PDF\n",
                                   pageno, mark, run->x, run->y);
        else
            cw->cell->mark = mark;
    }
    for (guint i = 0; i < page->runs->len; i++)
        g_free(run_cell[i]);
    g_free(run_cell);
    double header_bottom = INFINITY;
    for (guint i = 0; i < cells->len; i++) {
        cell_words *cw = g_ptr_array_index(cells, i);
        cw->cell->lines = lines_of(cw->words);
        finish_cell(s, cw->cell);
        if (!is_label(cw->cell->text, header_labels))
            header_bottom = MIN(header_bottom, cw->cell->top);
    }
    GPtrArray *header = g_ptr_array_new(), *body = g_ptr_array_new();
    for (guint i = 0; i < cells->len; i++) {
        rs_cell *c = ((cell_words *)g_ptr_array_index(cells, i))->cell;
        g_ptr_array_add(c->bottom <= header_bottom + SAME_X ? header : body, c);
    }
    g_ptr_array_sort(header, cell_by_column);
    g_ptr_array_sort(body, cell_by_row);
    g_ptr_array_extend_and_steal(s->header, header);
    g_ptr_array_extend_and_steal(s->body, body);
    GPtrArray *outside_lines = lines_of(outside);
    g_ptr_array_add(s->outside, joined(outside_lines, "\n"));
    g_ptr_array_unref(outside_lines);
    g_ptr_array_unref(outside);
    g_ptr_array_unref(cells);
    g_hash_table_destroy(by_borders);
}

rs_sheet *rs_sheet_read(const char *pdf, const char *dump, const char *const *header_labels)
{
    rs_sheet *s = g_new0(rs_sheet, 1);
    s->problems = g_string_new(NULL);
    s->header = g_ptr_array_new_with_free_func((GDestroyNotify)rs_cell_free);
    s->body = g_ptr_array_new_with_free_func((GDestroyNotify)rs_cell_free);
    s->outside = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *pages = rs_dump_parse(dump);
    s->pages = hp_page_count(pdf);
    if (s->pages != (int)pages->len)
        g_string_append_printf(s->problems, "the PDF has %d pages, the layout %u\n", s->pages,
                               pages->len);
    GArray *xs = column_borders(pages);
    s->columns = xs->len > 0 ? (int)xs->len - 1 : 0;
    s->column_x = (double *)(void *)g_array_free(xs, FALSE);
    GPtrArray *words = hp_words(pdf);
    for (guint p = 0; p < pages->len && (int)p < s->pages; p++)
        read_page(s, (int)p + 1, g_ptr_array_index(pages, p), words, header_labels);
    g_ptr_array_unref(words);
    g_ptr_array_unref(pages);
    return s;
}

void rs_sheet_free(rs_sheet *sheet)
{
    if (!sheet) return;
    g_free(sheet->column_x);
    g_ptr_array_unref(sheet->header);
    g_ptr_array_unref(sheet->body);
    g_ptr_array_unref(sheet->outside);
    g_string_free(sheet->problems, TRUE);
    g_free(sheet);
}

/* ---- matching cells ----------------------------------------------------------------- */

/* At most `chars` characters of `text`, with … when cut: long cells stay readable in a
 * message. Newly allocated. */
static char *excerpt(const char *text, long chars)
{
    if (g_utf8_strlen(text, -1) <= chars) return g_strdup(text);
    char *head = g_utf8_substring(text, 0, chars);
    char *out = g_strconcat(head, "…", NULL);
    g_free(head);
    return out;
}

static void problem(GString *problems, const rs_slot *slot, const rs_cell *piece, const char *fmt,
                    ...) G_GNUC_PRINTF(4, 5);

static void problem(GString *problems, const rs_slot *slot, const rs_cell *piece, const char *fmt,
                    ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *what = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (piece)
        g_string_append_printf(problems, "%s, page %d: %s\n", slot->name, piece->page, what);
    else
        g_string_append_printf(problems, "%s: %s\n", slot->name, what);
    g_free(what);
}

void rs_slot_match(const rs_slot *slot, rs_counts *counts, GString *problems)
{
    guint next = 0;  /* the expected cell being read */
    size_t pos = 0;  /* bytes of it read so far */
    int pieces = 0;  /* pieces it was read from */
    int repeat = -1; /* the cell being shown again after a mark, if not yet in full */
    size_t repeat_pos = 0;
    int last_page = 0; /* of the previous piece */
    for (guint i = 0; i < slot->pieces->len; i++) {
        const rs_cell *c = g_ptr_array_index(slot->pieces, i);
        size_t len = strlen(c->text);
        bool next_page = c->page == last_page + 1;
        char *shown = excerpt(c->text, 30);
        if (repeat >= 0) {
            const rs_expected *e = g_ptr_array_index(slot->expected, repeat);
            if (c->mark && next_page && strncmp(e->text + repeat_pos, c->text, len) == 0) {
                repeat_pos += len;
                if (!e->text[repeat_pos]) counts->repeats++, repeat = -1;
                last_page = c->page;
                g_free(shown);
                continue;
            }
            problem(problems, slot, c, "%s is shown again after its mark only in part (next: '%s')",
                    e->label, shown);
            repeat = -1;
        }
        if (c->mark && len == 0) {
            /* the mark alone: the cell's text follows on a later page */
            last_page = c->page;
            g_free(shown);
            continue;
        }
        if (c->mark && pos == 0 && next > 0) {
            /* after a mark: the cell just read, shown again — or the next cell, when it
             * began on an earlier page without a line of its text */
            const rs_expected *done = g_ptr_array_index(slot->expected, next - 1);
            const rs_expected *e =
                next < slot->expected->len ? g_ptr_array_index(slot->expected, next) : NULL;
            bool again = g_str_has_prefix(done->text, c->text);
            bool starts_next = e && g_str_has_prefix(e->text, c->text);
            if (again) {
                repeat_pos = len;
                if (done->text[repeat_pos])
                    repeat = (int)next - 1;
                else
                    counts->repeats++;
            } else if (!starts_next) {
                /* reported without taking the next cell, so later cells stay in step */
                problem(problems, slot, c,
                        "'%s' follows a mark but is neither %s again nor the start of %s", shown,
                        done->label, e ? e->label : "another cell");
            }
            if (again || !starts_next) {
                last_page = c->page;
                g_free(shown);
                continue;
            }
        }
        if (next >= slot->expected->len) {
            problem(problems, slot, c, "'%s' is more than the data has", shown);
        } else {
            const rs_expected *e = g_ptr_array_index(slot->expected, next);
            if (pos > 0 && !next_page)
                problem(problems, slot, c, "%s goes on from page %d, not from the page before",
                        e->label, last_page);
            if (strncmp(e->text + pos, c->text, len) == 0) {
                pos += len, pieces++;
                if (!e->text[pos]) {
                    counts->cells++;
                    if (pieces > 1) counts->continued++;
                    next++, pos = 0, pieces = 0;
                }
            } else {
                char *want = excerpt(e->text + pos, 30);
                problem(problems, slot, c, "%s should read '%s'%s, the PDF has '%s'%s", e->label,
                        want, pos ? " (its rest)" : "", shown, c->mark ? " after a mark" : "");
                g_free(want);
                next++, pos = 0, pieces = 0;
            }
        }
        last_page = c->page;
        g_free(shown);
    }
    if (repeat >= 0)
        problem(problems, slot, NULL, "%s is shown again after its mark only in part",
                ((const rs_expected *)g_ptr_array_index(slot->expected, repeat))->label);
    for (; next < slot->expected->len; next++, pos = 0) {
        const rs_expected *e = g_ptr_array_index(slot->expected, next);
        char *want = excerpt(e->text, 30);
        if (pos > 0)
            problem(problems, slot, NULL, "%s is cut: only %ld characters of '%s' are in the PDF",
                    e->label, g_utf8_strlen(e->text, (gssize)pos), want);
        else
            problem(problems, slot, NULL, "%s '%s' is not in the PDF", e->label, want);
        g_free(want);
    }
}

/* ---- the data's cells ----------------------------------------------------------------- */

static const char *const column_names[] = {"序号",     "目标任务", "责任单位", "第一季度",
                                           "第二季度", "第三季度", "第四季度", "责任区领导"};

static void free_expected(gpointer p)
{
    rs_expected *e = p;
    g_free(e->text);
    g_free(e->label);
    g_free(e);
}

rs_slot *rs_slot_new(int col, int colspan, const char *name)
{
    rs_slot *s = g_new0(rs_slot, 1);
    s->col = col, s->colspan = colspan;
    s->name = g_strdup(name);
    s->expected = g_ptr_array_new_with_free_func(free_expected);
    s->pieces = g_ptr_array_new();
    return s;
}

void rs_slot_expect(rs_slot *slot, const char *text, const char *label)
{
    char *squeezed = rs_squeeze(text ? text : "");
    if (!*squeezed) {
        g_free(squeezed);
        return;
    }
    rs_expected *e = g_new0(rs_expected, 1);
    e->text = squeezed;
    e->label = g_strdup(label);
    g_ptr_array_add(slot->expected, e);
}

void rs_slot_free(rs_slot *slot)
{
    g_free(slot->name);
    g_ptr_array_unref(slot->expected);
    g_ptr_array_unref(slot->pieces);
    g_free(slot);
}

/* The slot of `slots` at these columns, added if new. */
static rs_slot *slot_at(GPtrArray *slots, int col, int colspan)
{
    for (guint i = 0; i < slots->len; i++) {
        rs_slot *s = g_ptr_array_index(slots, i);
        if (s->col == col && s->colspan == colspan) return s;
    }
    int last = col + colspan - 1;
    bool named = col >= 0 && last < (int)G_N_ELEMENTS(column_names);
    char *name = !named         ? g_strdup_printf("columns %d–%d", col + 1, last + 1)
                 : colspan == 1 ? g_strdup(column_names[col])
                                : g_strdup_printf("%s–%s", column_names[col], column_names[last]);
    rs_slot *s = rs_slot_new(col, colspan, name);
    g_free(name);
    g_ptr_array_add(slots, s);
    return s;
}

/* rs_slot_expect() that takes the label. */
static void expect(rs_slot *slot, const char *text, char *label)
{
    rs_slot_expect(slot, text, label);
    g_free(label);
}

/* The strings of an array joined by line breaks, as the template's join("\n"). */
static char *joined_strings(const jd_value *array)
{
    GString *s = g_string_new(NULL);
    for (size_t i = 0; i < jd_array_length(array); i++) {
        if (i) g_string_append_c(s, '\n');
        const char *item = jd_value_string(jd_array_get(array, i));
        g_string_append(s, item ? item : "");
    }
    return g_string_free(s, FALSE);
}

GPtrArray *rs_slots(const jd_value *list, const rs_sheet *sheet)
{
    GPtrArray *slots = g_ptr_array_new_with_free_func((GDestroyNotify)rs_slot_free);
    const jd_value *tasks = jd_object_get(list, "tasks");
    for (size_t t = 0; t < jd_array_length(tasks); t++) {
        const jd_value *task = jd_array_get(tasks, t);
        char *id = jd_value_to_text(jd_object_get(task, "id"));
        expect(slot_at(slots, 0, 1), id, g_strdup_printf("task %s 序号", id));
        expect(slot_at(slots, 1, 1), jd_object_get_string(task, "title"),
               g_strdup_printf("task %s 目标任务", id));
        const jd_value *units = jd_object_get(task, "units");
        for (size_t u = 0; u < jd_array_length(units); u++) {
            const jd_value *unit = jd_array_get(units, u);
            char *names = joined_strings(jd_object_get(unit, "names"));
            expect(slot_at(slots, 2, 1), names,
                   g_strdup_printf("task %s unit %zu 责任单位", id, u + 1));
            g_free(names);
            const jd_value *plan = jd_object_get(unit, "plan");
            for (size_t k = 0; k < jd_array_length(plan); k++) {
                const jd_value *segment = jd_array_get(plan, k);
                int from = (int)jd_object_get_int(segment, "from", 0);
                int to = (int)jd_object_get_int(segment, "to", 0);
                rs_slot *slot = slot_at(slots, 2 + from, to - from + 1);
                expect(slot, jd_object_get_string(segment, "text"),
                       g_strdup_printf("task %s unit %zu %s", id, u + 1, slot->name));
            }
        }
        char *leaders = joined_strings(jd_object_get(task, "leaders"));
        expect(slot_at(slots, 7, 1), leaders, g_strdup_printf("task %s 责任区领导", id));
        g_free(leaders);
        g_free(id);
    }
    for (guint i = 0; i < sheet->body->len; i++) {
        rs_cell *c = g_ptr_array_index(sheet->body, i);
        g_ptr_array_add(slot_at(slots, c->col, c->colspan)->pieces, c);
    }
    return slots;
}
