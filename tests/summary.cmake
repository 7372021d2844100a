# The meeting summary (templates/meeting-summary.xml, a GB/T 9704 通报) on the sample
# project: its sentences and counts, the indicator table read back from the PDF, the grid,
# page numbers and charts in the layout dump, both backends, bad input, build and watch.
jd_test(test_summary CLI SOURCES test_summary.c test_gongwen_lines.c test_render_sheet.c test_haru_pdf.c
        LIBS jindu_import)
