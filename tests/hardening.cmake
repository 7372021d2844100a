# Regression tests for what the hostile-input probe of issue 12 found (one test per finding),
# run through the jindu command.
jd_test(test_hardening SOURCES test_hardening.c LIBS jindu_import CLI)
