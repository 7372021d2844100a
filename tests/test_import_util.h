/* test_import_util.h — helpers shared by the importer's tests. */
#ifndef JD_TEST_IMPORT_UTIL_H
#define JD_TEST_IMPORT_UTIL_H

#include "jd_import_layers.h"
#include "testutil.h"

/* Every message, sorted by position and formatted as the CLI prints it, one per line
 * ("" when there is none). Newly allocated. */
char *jti_diags_text(jd_diags *diags);

/* Success never depends on whether the caller collects messages: `without` (the same call
 * made with NULL diags; taken over) is NULL exactly when `with` is, and equal to it. */
void jti_assert_same_without_diags(const jd_value *with, jd_value *without);

/* Imports tests/fixtures/import/<name>, naming it <name> in messages. */
jd_value *jti_import_fixture(const char *name, jd_format format, jd_import_info *info,
                             jd_diags *diags);

/* Imports bytes named `name`; checks that the result is NULL exactly when an error was
 * reported, and returns the messages through jti_diags_text in *messages. */
jd_value *jti_import_bytes(const char *data, size_t len, const char *name, jd_format format,
                           jd_import_info *info, char **messages);

/* The sample task list (samples/xiqing-2023/tasks.tsv). */
char *jti_seed(size_t *len);

/* The task with id `id` (borrowed), or NULL. */
const jd_value *jti_task(const jd_value *list, int64_t id);

/* Compact JSON of `v` (newly allocated), for exact comparisons. */
char *jti_json(const jd_value *v);

/* tests/fixtures/xlsx/<name>. Newly allocated. */
char *jti_xlsx_fixture(const char *name);

/* The text of part `part` ("xl/worksheets/sheet1.xml") of the .xlsx workbook in `data`
 * (fails the test if it has none). Newly allocated. */
char *jti_workbook_part(const char *data, size_t len, const char *part);

#endif
