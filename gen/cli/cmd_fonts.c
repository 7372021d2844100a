/* jindu fonts [check DATA...]: what the font families resolve to, and which characters of
 * a data file no font has (before they print as empty boxes). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "jd_fonts.h"
#include "jd_import.h"

enum { MAX_PLACES_PER_CHAR = 5 };

typedef struct {
    jd_fonts *fonts;
    const char *file;
    jd_diags *diags;
    GHashTable *counts; /* gunichar -> occurrences */
} check_ctx;

static void check_string(check_ctx *c, const jd_value *v, const char *path)
{
    const char *s = jd_value_string(v);
    for (const char *p = s; *p; p = g_utf8_next_char(p)) {
        gunichar ch = g_utf8_get_char(p);
        if (g_unichar_isspace(ch) || g_unichar_iscntrl(ch) || jd_fonts_covers(c->fonts, ch))
            continue;
        int n = GPOINTER_TO_INT(g_hash_table_lookup(c->counts, GUINT_TO_POINTER(ch))) + 1;
        g_hash_table_insert(c->counts, GUINT_TO_POINTER(ch), GINT_TO_POINTER(n));
        if (n > MAX_PLACES_PER_CHAR)
            continue;
        char buf[8] = {0};
        g_unichar_to_utf8(ch, buf);
        jd_diags_add(c->diags, JD_ERROR, c->file, jd_value_line(v), jd_value_col(v),
                     "%s (U+%04X) is in no font of the font set, in %s", buf, ch, path);
    }
}

static void walk(check_ctx *c, const jd_value *v, const char *path)
{
    switch (jd_value_kind_of(v)) {
    case JD_VALUE_STRING:
        check_string(c, v, path);
        break;
    case JD_VALUE_ARRAY:
        for (size_t i = 0; i < jd_array_length(v); i++) {
            char *p = g_strdup_printf("%s[%zu]", path, i);
            walk(c, jd_array_get(v, i), p);
            g_free(p);
        }
        break;
    case JD_VALUE_OBJECT:
        for (size_t i = 0; i < jd_object_size(v); i++) {
            char *p = *path ? g_strdup_printf("%s.%s", path, jd_object_key(v, i)) : g_strdup(jd_object_key(v, i));
            walk(c, jd_object_value(v, i), p);
            g_free(p);
        }
        break;
    default:
        break;
    }
}

int jd_cmd_fonts(int argc, char **argv)
{
    const GOptionEntry entries[] = {{NULL}};
    const jd_cli_usage usage = {"[check DATA...]",
                                "List what each font family resolves to, or check data for characters no font has.",
                                "Families: song, hei, kai, fangsong, xiaobiaosong (see fonts/fonts.ini). `check` exits with 1 "
                                "when a character of the data is in no font of the set."};
    int rc = JD_EXIT_OK;
    if (!jd_cli_parse(&argc, &argv, entries, &usage, &rc))
        return rc;
    bool check = argc >= 2 && strcmp(argv[1], "check") == 0;
    if ((argc >= 2 && !check) || (check && argc < 3)) {
        fprintf(stderr, "%s: usage: jindu fonts [check DATA...]\n", argv[0]);
        return JD_EXIT_USAGE;
    }
    jd_diags *diags = jd_diags_new();
    jd_fonts *fonts = jd_fonts_new(NULL, diags);
    if (fonts && !check) {
        char *text = jd_fonts_describe(fonts);
        fputs(text, stdout);
        g_free(text);
    }
    for (int i = 2; fonts && check && i < argc; i++) {
        jd_value *data = jd_import_file(argv[i], JD_FORMAT_AUTO, NULL, diags);
        if (!data)
            continue;
        check_ctx c = {fonts, argv[i], diags, g_hash_table_new(g_direct_hash, g_direct_equal)};
        walk(&c, data, "");
        GHashTableIter it;
        gpointer key, value;
        g_hash_table_iter_init(&it, c.counts);
        int chars = 0;
        while (g_hash_table_iter_next(&it, &key, &value)) {
            chars++;
            if (GPOINTER_TO_INT(value) > MAX_PLACES_PER_CHAR) {
                char buf[8] = {0};
                g_unichar_to_utf8(GPOINTER_TO_UINT(key), buf);
                jd_diags_add(diags, JD_NOTE, argv[i], 0, 0, "%s occurs %d more times", buf,
                             GPOINTER_TO_INT(value) - MAX_PLACES_PER_CHAR);
            }
        }
        if (chars == 0)
            printf("%s: every character is in the font set\n", argv[i]);
        else
            printf("%s: %d character%s in no font of the font set\n", argv[i], chars,
                   chars == 1 ? " is" : "s are");
        g_hash_table_destroy(c.counts);
        jd_value_unref(data);
    }
    jd_diags_sort(diags);
    rc = jd_cli_report(diags);
    if (!fonts)
        rc = JD_EXIT_BAD_INPUT;
    jd_fonts_free(fonts);
    jd_diags_free(diags);
    return rc;
}
