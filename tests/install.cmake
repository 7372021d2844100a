# Installs like a real tool: cmake --install to a temporary prefix from a copy of the source
# tree that is then renamed, rendering from the installed jindu (also once the prefix is
# moved), public headers only, and a program built with pkg-config (tests/install/).
add_test(NAME install COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/install/install.sh ${PROJECT_SOURCE_DIR})
set_tests_properties(install PROPERTIES TIMEOUT 900 ENVIRONMENT "SOURCE_DATE_EPOCH=")
