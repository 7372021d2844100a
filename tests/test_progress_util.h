/* test_progress_util.h — helpers shared by the progress tests. */
#ifndef JD_TEST_PROGRESS_UTIL_H
#define JD_TEST_PROGRESS_UTIL_H

#include "test_import_util.h"

/* Imports tests/fixtures/progress/<name>, named <name> in messages, with `options` (NULL:
 * the defaults); checks that the result is NULL exactly when an error was reported and
 * returns every message (jti_diags_text) in *messages. */
jd_value *jtp_import(const char *name, const jd_import_options *options, jd_import_info *info,
                     char **messages);

/* Imports CSV text named `name` the same way. */
jd_value *jtp_import_text(const char *text, const char *name, const jd_import_options *options,
                          char **messages);

/* The small task list of tests/fixtures/progress/list.tsv, and the seed list. */
jd_value *jtp_list(void);
jd_value *jtp_seed_list(void);

/* A period that must parse. */
jd_period jtp_period(const char *text);

#endif
