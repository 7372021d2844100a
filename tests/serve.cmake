# jindu serve: HTTP-level tests of every endpoint (tests/serve/http_test.py, standard-library
# Python), and the page end to end in headless Chromium driven over the DevTools protocol
# (tests/serve/e2e_test.py, Debian's python3 with python3-websocket and chromium).
find_program(JD_PYTHON3 python3)
if(JD_PYTHON3)
  set(serve_http_args "")
  if(JINDU_SANITIZE)
    set(serve_http_args --sanitized) # no memory limits: AddressSanitizer keeps freed memory
  endif()
  add_test(NAME serve_http COMMAND ${JD_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/serve/http_test.py
                                   --jindu $<TARGET_FILE:jindu> ${serve_http_args})
  set_tests_properties(serve_http PROPERTIES TIMEOUT 900
    ENVIRONMENT "SOURCE_DATE_EPOCH=;LSAN_OPTIONS=suppressions=${CMAKE_CURRENT_SOURCE_DIR}/lsan.supp:print_suppressions=0")
else()
  message(WARNING "python3 not found: jindu serve's HTTP tests are not run")
endif()

# The end-to-end test needs Chromium and a python3 that has the websocket module: Debian's
# (a python3 earlier on PATH, from pyenv or a virtualenv, may not see python3-websocket).
find_program(JD_CHROMIUM NAMES chromium chromium-browser)
set(JD_PYTHON_WS "")
foreach(py /usr/bin/python3 ${JD_PYTHON3})
  if(NOT JD_PYTHON_WS AND EXISTS ${py})
    execute_process(COMMAND ${py} -c "import websocket" RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
    if(rc EQUAL 0)
      set(JD_PYTHON_WS ${py})
    endif()
  endif()
endforeach()
if(JD_CHROMIUM AND JD_PYTHON_WS)
  add_test(NAME serve_e2e COMMAND ${JD_PYTHON_WS} ${CMAKE_CURRENT_SOURCE_DIR}/serve/e2e_test.py
                                  --jindu $<TARGET_FILE:jindu> --artefacts ${PROJECT_BINARY_DIR}/serve-e2e)
  # one browser at a time is plenty for two cores
  set_tests_properties(serve_e2e PROPERTIES TIMEOUT 900 RUN_SERIAL TRUE
    ENVIRONMENT "SOURCE_DATE_EPOCH=;LSAN_OPTIONS=suppressions=${CMAKE_CURRENT_SOURCE_DIR}/lsan.supp:print_suppressions=0")
else()
  message(WARNING "chromium or python3-websocket missing: jindu serve's end-to-end test is not run "
                  "(.ci/packages.txt lists both)")
endif()
