# jindu serve: HTTP-level tests of every endpoint (tests/serve/http_test.py, standard-library
# Python), and the page end to end in headless Chromium driven over the DevTools protocol
# (tests/serve/e2e_test.py, Debian's python3 with python3-websocket and chromium).
find_program(JD_PYTHON3 python3)
if(JD_PYTHON3)
  add_test(NAME serve_http COMMAND ${JD_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/serve/http_test.py
                                   --jindu $<TARGET_FILE:jindu>)
  set_tests_properties(serve_http PROPERTIES TIMEOUT 900
    ENVIRONMENT "SOURCE_DATE_EPOCH=;LSAN_OPTIONS=suppressions=${CMAKE_CURRENT_SOURCE_DIR}/lsan.supp:print_suppressions=0")
else()
  message(WARNING "python3 not found: jindu serve's HTTP tests are not run")
endif()
