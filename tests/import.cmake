# The importer: one test program per layer group, and the command line.
set(import_test_util test_import_util.c)
jd_test(test_import_layers SOURCES test_import_layers.c ${import_test_util} LIBS jindu_import)
jd_test(test_import_tasklist SOURCES test_import_tasklist.c ${import_test_util} LIBS jindu_import)
jd_test(test_import_seed SOURCES test_import_seed.c ${import_test_util} LIBS jindu_import)
jd_test(test_import_cli CLI SOURCES test_import_cli.c ${import_test_util} LIBS jindu_import)
jd_test(test_xlsx SOURCES test_xlsx.c ${import_test_util} LIBS jindu_import)
