jd_test(test_project SOURCES test_project.c LIBS jindu_project CLI)
jd_test(test_outputs CLI SOURCES test_outputs.c)
