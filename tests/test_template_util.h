/* test_template_util.h — helpers shared by the template engine's tests. */
#ifndef JD_TEST_TEMPLATE_UTIL_H
#define JD_TEST_TEMPLATE_UTIL_H

#include "jd_template.h"
#include "testutil.h"

/* Globals for expansion: {"list": <tests/fixtures/template/tasks.json>, "params": {...}}
 * plus `extra_json` members (an object in JSON text, or NULL). */
jd_value *tt_globals(const char *extra_json);

/* Loads `text` as template "t.xml" (includes and images resolve in tests/fixtures/template)
 * and expands it with `globals`. Returns the dump, or NULL with every message (formatted,
 * with excerpts, one per line) in *errors. `globals` may be NULL for the default. */
char *tt_expand(const char *text, const jd_value *globals, char **errors);

/* Same, for a template that must succeed: fails the test with the messages otherwise. */
char *tt_dump(const char *text);

/* Same, for a template that must fail: returns the messages (fails the test if it expands). */
char *tt_errors(const char *text);

/* The dump of <document><p>{{ EXPR }}</p></document> (CDATA, so EXPR may hold < and &). */
char *tt_expr(const char *expr);
char *tt_expr_errors(const char *expr);

/* Fails the test unless `actual` equals `expected`, naming the first line that differs
 * (Check cannot show whole dumps: its messages are limited in size). */
void tt_assert_text(const char *actual, const char *expected);

/* "document\n  paragraph\n    text \"X\"\n": what tt_expr gives for text X (a literal). */
#define TT_TEXT(x) "document\n  paragraph\n    text \"" x "\"\n"

#endif
