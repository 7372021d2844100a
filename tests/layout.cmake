jd_test(test_layout SOURCES test_layout.c docbuild.c scenarios.c test_haru_pdf.c LIBS jindu_layout jindu_backend)
