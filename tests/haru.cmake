# The libharu backend: parity with cairo, refusals, encryption and the rest (test_haru);
# the seed sheet through the command line (test_haru_cli).
jd_test(test_haru SOURCES test_haru.c test_haru_pdf.c docbuild.c scenarios.c LIBS jindu_layout jindu_backend)
if(TARGET test_haru)
  # the character map check calls the backend's internals (haru_private.h)
  target_include_directories(test_haru PRIVATE ${PROJECT_SOURCE_DIR}/gen/backend)
endif()
jd_test(test_haru_cli SOURCES test_haru_cli.c test_haru_pdf.c CLI)
