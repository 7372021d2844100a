# Progress data: periods, dates and states; reading and merging; pre-filled forms and
# their round trip; the sample progress of samples/xiqing-2023 and its generator.
add_executable(jd_make_sample_progress
  ${PROJECT_SOURCE_DIR}/samples/xiqing-2023/progress/make-progress.c)
target_link_libraries(jd_make_sample_progress PRIVATE jindu_import)

set(progress_test_util test_progress_util.c test_import_util.c)
jd_test(test_progress_read SOURCES test_progress_read.c ${progress_test_util} LIBS jindu_import)
jd_test(test_progress_merge SOURCES test_progress_merge.c ${progress_test_util} LIBS jindu_import)
jd_test(test_progress_forms SOURCES test_progress_forms.c ${progress_test_util} LIBS jindu_import)
jd_test(test_progress_cli CLI SOURCES test_progress_cli.c ${progress_test_util} LIBS jindu_import)
if(TARGET test_progress_cli)
  add_dependencies(test_progress_cli jd_make_sample_progress)
  target_compile_definitions(test_progress_cli PRIVATE
    JD_MAKE_SAMPLE_PROGRESS="$<TARGET_FILE:jd_make_sample_progress>")
endif()
# The ledger (台账): jd_ledger_xlsx and `jindu export`, read back with jindu's own reader.
jd_test(test_ledger CLI SOURCES test_ledger.c ${progress_test_util} LIBS jindu_import)
