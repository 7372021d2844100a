/* libFuzzer target: arbitrary bytes read as an .xlsx workbook (the zip container, the OPC
 * parts, shared strings, styles, the sheet, merged cells) and, when a sheet is read, through
 * the task-list and progress interpreters. Every message is formatted. A hang, a crash, a
 * leak or memory beyond the fuzzer's limit is a failure: the reader's budgets must hold. */
#include <stdint.h>

#include "jd_import_layers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    jd_diags *diags = jd_diags_new();
    char *source = NULL;
    jd_records *records = jd_xlsx_read((const char *)data, size, "fuzz.xlsx", NULL, &source, diags);
    if (records) {
        /* every field and merge query on every cell */
        for (size_t r = 0; r < jd_records_count(records); r++)
            for (size_t f = 0; f < jd_records_width(records, r); f++) {
                size_t first_row, first_field;
                (void)jd_records_field_down(records, r, f);
                if (jd_records_merged_into(records, r, f, &first_row, &first_field))
                    (void)jd_records_field(records, first_row, first_field);
            }
        jd_records_free(records);
    }
    g_free(source);
    /* the whole importer, as `jindu import` reads a workbook */
    const jd_import_options options = {JD_FORMAT_XLSX, "2023Q2", NULL, NULL, NULL};
    jd_import_info info;
    jd_value *result = jd_import_data_with((const char *)data, size, "fuzz.xlsx", &options, &info,
                                           diags);
    jd_value_unref(result);
    jd_diags_sort(diags);
    for (size_t i = 0; i < jd_diags_count(diags); i++)
        g_free(jd_diag_format(jd_diags_get(diags, i)));
    jd_diags_free(diags);
    return 0;
}
