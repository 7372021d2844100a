/* libFuzzer target: jindu's CSV writer and reader as a pair. The input is split at NUL bytes
 * into fields (at most 50; CRs made LFs, as decoding makes them before records are read);
 * written as one row with jd_csv_append_row (formula-like text gets its ' guard) and read
 * back with jd_records_new, every field must come back as it was. Then the input is read as
 * delimited text both ways, every field and position looked at. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jd_import_layers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(const uint8_t *data, size_t size)
{
    GPtrArray *fields = g_ptr_array_new_with_free_func(g_free);
    size_t at = 0;
    while (at <= size && fields->len < 50) {
        const char *start = (const char *)data + at;
        size_t n = strnlen(start, size - at);
        g_ptr_array_add(fields, g_strdelimit(g_strndup(start, n), "\r", '\n'));
        at += n + 1;
    }
    GString *csv = g_string_new(NULL);
    jd_csv_append_row(csv, (const char *const *)fields->pdata, fields->len);
    /* the row's own CRLF, as decoding leaves it */
    g_string_truncate(csv, csv->len - 2);
    g_string_append_c(csv, '\n');
    jd_records *records = jd_records_new(csv->str, csv->len, ',', "fuzz.csv", NULL);
    bool same = jd_records_count(records) == 1 && jd_records_width(records, 0) == fields->len;
    for (guint i = 0; same && i < fields->len; i++)
        same = strcmp(jd_records_field(records, 0, i), g_ptr_array_index(fields, i)) == 0;
    if (!same) {
        fprintf(stderr, "CSV row does not read back the same:\n%s\n", csv->str);
        abort();
    }
    jd_records_free(records);
    g_string_free(csv, TRUE);
    g_ptr_array_free(fields, TRUE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    round_trip(data, size);
    for (int d = 0; d < 2; d++) {
        jd_diags *diags = jd_diags_new();
        jd_records *records =
            jd_records_new((const char *)data, size, d ? ',' : '\t', "fuzz", diags);
        for (size_t r = 0; r < jd_records_count(records); r++)
            for (size_t f = 0; f < jd_records_width(records, r); f++) {
                (void)jd_records_field(records, r, f);
                (void)jd_records_field_line(records, r, f);
                (void)jd_records_field_col(records, r, f);
            }
        jd_records_free(records);
        jd_diags_free(diags);
    }
    return 0;
}
