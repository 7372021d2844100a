#!/bin/sh
# bench/template.sh [BUILD_DIR] [RUNS] — loading and expanding the bundled templates with the
# sample project's 2023Q2 data: callgrind instruction counts of jd_template_load and
# jd_template_expand alone (deterministic, so they compare on a busy machine), and the
# median wall time of RUNS runs (default 11) of `jindu expand` (load, import, expand).
# Needs valgrind.
#
# 2026-12-06, the template work of that day (arenas for the raw and compiled trees, a memo
# of task states and indicator statuses per expansion, jd_object_with) against main with
# gen/template, gen/domain and gen/data as before it (11 runs each; wall times on a shared
# 2-core machine, so the instructions are what compare):
#                        load (M)        expand (M)      jindu expand (ms)
#   meeting-summary      17.40 -> 8.34   28.12 -> 13.83  22.9 -> 21.2
#   quarterly-sheet       4.19 -> 2.13   36.44 -> 30.16  25.5 -> 23.7
#   task-list             1.93 -> 0.99   25.15 -> 25.09  22.9 -> 23.7
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/lib.sh"
bench_args "${1:-}" "${2:-}" 11
need_valgrind
data="$sample_data -D period=2023Q2"

# instructions FUNCTION TEMPLATE ARGS: what callgrind counts inside FUNCTION, in millions
instructions() {
    eval "callgrind_millions --toggle-collect=$1 '$jindu' expand '$root/templates/$2' $data $3"
}

printf '%-22s %10s %12s %14s\n' "" "load (M)" "expand (M)" "expand (ms)"
for t in meeting-summary quarterly-sheet task-list; do
    extra=""
    [ "$t" = meeting-summary ] && extra=$summary_params
    set -- "$(instructions jd_template_load "$t.xml" "$extra")" \
        "$(instructions jd_template_expand "$t.xml" "$extra")" \
        "$(measure : "'$jindu' expand '$root/templates/$t.xml' $data $extra" | cut -d' ' -f1)"
    printf '%-22s %10s %12s %14.1f\n' "$t" "$1" "$2" "$3"
done
