# Template engine tests (gen/template) and `jindu expand`.
add_library(jd_template_testutil STATIC test_template_util.c)
target_link_libraries(jd_template_testutil PUBLIC jd_testutil jindu_template)

jd_test(test_template_expr SOURCES test_template_expr.c LIBS jd_template_testutil)
jd_test(test_template SOURCES test_template.c LIBS jd_template_testutil)
jd_test(test_template_cli SOURCES test_template_cli.c CLI)

if(JINDU_FUZZ)
  add_subdirectory(fuzz)
endif()
jd_test(test_template_params CLI SOURCES test_template_params.c LIBS jd_template_testutil)
# test_template drives the expander directly (tpl_expand with a small step budget)
if(TARGET test_template)
  target_include_directories(test_template PRIVATE ${PROJECT_SOURCE_DIR}/gen/template)
endif()
