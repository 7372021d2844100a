# Chinese typography measured from glyph positions (typo_metrics.c): the typo-measure tool
# that bench/typography.sh runs over the seed list and the sample project.
pkg_check_modules(FREETYPE REQUIRED IMPORTED_TARGET freetype2)
add_library(jd_typo_metrics STATIC typo_metrics.c)
target_include_directories(jd_typo_metrics PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(jd_typo_metrics PUBLIC jindu_pages PkgConfig::FREETYPE PkgConfig::GLIB)
add_executable(typo-measure typo_measure.c)
target_link_libraries(typo-measure PRIVATE jd_typo_metrics jindu_lib)
jd_test(test_typography SOURCES test_typography.c LIBS jd_typo_metrics jindu_lib)
