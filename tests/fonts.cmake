jd_test(test_fonts SOURCES test_fonts.c LIBS jindu_fonts CLI)
