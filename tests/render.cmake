# End-to-end render tests: the seed sheet through `jindu render` with both backends, read
# back from the PDF (test_render); bad output paths, missing fonts and failed writes
# (test_render_files).
jd_test(test_render SOURCES test_render.c test_render_sheet.c test_haru_pdf.c
        LIBS jindu_data CLI)
jd_test(test_render_files SOURCES test_render_files.c CLI)
