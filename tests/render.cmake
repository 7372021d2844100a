# End-to-end render tests: the seed sheet through `jindu render` with both backends, read
# back from the PDF (test_render); bad output paths, missing fonts and failed writes
# (test_render_files).
jd_test(test_render SOURCES test_render.c test_render_sheet.c test_haru_pdf.c
        LIBS jindu_data CLI)
jd_test(test_render_files SOURCES test_render_files.c CLI)
# These tests compare the command's standard error exactly: under the sanitizers, keep
# LeakSanitizer from adding its list of the suppressions it used.
if(TARGET test_render)
  set_property(TEST test_render test_render_files APPEND PROPERTY ENVIRONMENT
    "LSAN_OPTIONS=suppressions=${CMAKE_CURRENT_SOURCE_DIR}/lsan.supp:print_suppressions=0")
endif()
