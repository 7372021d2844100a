jd_test(test_project SOURCES test_project.c LIBS jindu_project CLI)
