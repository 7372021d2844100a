# The official document format (GB/T 9704): templates/gongwen/ partials laid out and
# rendered by both backends, measured in the layout dump and the PDFs.
jd_test(test_gongwen SOURCES test_gongwen.c test_gongwen_lines.c test_render_sheet.c test_haru_pdf.c LIBS jindu_data CLI)
