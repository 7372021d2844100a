jd_test(test_base SOURCES test_base.c LIBS jindu_base)
jd_test(test_data SOURCES test_data.c LIBS jindu_data)
jd_test(test_doc SOURCES test_doc.c LIBS jindu_doc)
jd_test(test_pages SOURCES test_pages.c LIBS jindu_pages)
