# Indicators: the domain's rules (periods, figures, states, a task's state), reading
# indicator tables (CSV, TSV, JSON, every error at its position), the sample indicators,
# the command line, templates and projects.
jd_test(test_indicator_rules SOURCES test_indicator_rules.c LIBS jindu_domain)
jd_test(test_indicators_import SOURCES test_indicators_import.c test_import_util.c LIBS jindu_import)
jd_test(test_indicators_cli CLI SOURCES test_indicators_cli.c LIBS jindu_project)
