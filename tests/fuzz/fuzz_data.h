/* fuzz_data.h — the data both template fuzz targets expand against: a small task list in
 * the canonical shape, parameters, and a few values of every kind. */
#ifndef JD_FUZZ_DATA_H
#define JD_FUZZ_DATA_H

#include <string.h>

#include "jd_data.h"

static const char fuzz_data_json[] =
    "{\"list\": {\"title\": \"西青区重点工作任务清单\", \"tasks\": ["
    "{\"id\": 1, \"title\": \"任务<一>&\", \"leaders\": [\"殷学武\"], \"units\": ["
    "{\"names\": [\"区政府办公室\"], \"plan\": [{\"from\": 1, \"to\": 4, \"text\": "
    "\"全年\\n推进\"}]}]},"
    "{\"id\": 2, \"title\": \"任务二\", \"leaders\": [\"殷学武\", \"鲍杰\"], \"units\": ["
    "{\"names\": [\"商务局\", \"各街镇\"], \"plan\": [{\"from\": 1, \"to\": 1, \"text\": \"一\"},"
    "{\"from\": 3, \"to\": 4, \"text\": \"{{ x }}\"}]},"
    "{\"names\": [\"审计局\"], \"plan\": []}]}]},"
    " \"params\": {\"quarter\": 2, \"name\": \"abc\"},"
    " \"nums\": [3, 1.5, -2, 0, 9223372036854775807], \"day\": \"2023-01-17\","
    " \"empty\": \"\", \"nothing\": null, \"yes\": true, \"obj\": {\"a\": {\"b\": [1, 2]}}}";

/* Built once for the whole run (and reachable, so leak checks ignore it). */
static jd_value *fuzz_globals(void)
{
    static jd_value *globals;
    if (!globals) {
        jd_diags *diags = jd_diags_new();
        globals = jd_value_from_json(fuzz_data_json, strlen(fuzz_data_json), "fuzz", diags);
        jd_diags_free(diags);
    }
    return globals;
}

#endif
