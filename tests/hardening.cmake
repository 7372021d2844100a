# Regression tests for what the hostile-input probe of issue 12 found (one test per finding),
# run through the jindu command.
jd_test(test_hardening SOURCES test_hardening.c LIBS jindu_import CLI)
# Signals in the middle of a render or a build (item 8)
jd_test(test_signals SOURCES test_signals.c CLI)

# The pathological-input suite (tests/pathological/run.py): every input of issue 12 through
# the jindu command, each within a generous time limit and, where memory was the problem, a
# limit on peak memory. Not under the sanitizers, whose own cost would dwarf the limits.
find_program(JD_PYTHON3 python3)
if(JD_PYTHON3 AND NOT JINDU_SANITIZE)
  add_test(NAME pathological
           COMMAND ${JD_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/pathological/run.py
                   --jindu $<TARGET_FILE:jindu>)
  set_tests_properties(pathological PROPERTIES TIMEOUT 1800 ENVIRONMENT "SOURCE_DATE_EPOCH=")
elseif(NOT JD_PYTHON3)
  message(WARNING "python3 not found: the pathological-input suite is not run")
endif()
