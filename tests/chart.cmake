# Charts: the page list's path items drawn by both backends (test_chart_items).
jd_test(test_chart_items SOURCES test_chart_items.c test_haru_pdf.c LIBS jindu_backend)
