# Charts: the page list's path items drawn by both backends (test_chart_items).
jd_test(test_chart_items SOURCES test_chart_items.c test_haru_pdf.c LIBS jindu_backend)
# <chart> in templates: the CHART node, and every error at load time and with bad data.
jd_test(test_chart_template SOURCES test_chart_template.c LIBS jd_template_testutil)
# Charts laid out and drawn: nice ticks, geometry from the page list, labels that never
# overlap, both backends alike, determinism.
jd_test(test_chart SOURCES test_chart.c test_haru_pdf.c LIBS jindu_template jindu_layout jindu_backend CLI)
if(TARGET test_chart)
  # it measures laid-out charts through the layout's own helpers
  target_include_directories(test_chart PRIVATE ${PROJECT_SOURCE_DIR}/gen/layout)
endif()
