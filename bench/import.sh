#!/bin/sh
# bench/import.sh [BUILD_DIR] [RUNS] — importing the sample project's data: callgrind
# instruction counts of jd_bind_data alone in the 通报's render (the three --data inputs
# every render of the sample binds) and of `jindu import` of each input (the whole
# process), which are deterministic and so compare on a busy machine, and the median wall
# time of RUNS runs (default 11) of `jindu import` of the progress folder. Needs valgrind.
#
# 2026-12-06, the import work of that day (compacting without decoding Chinese text, header
# cells compacted only as far as the longest header word, plain cells copied, fields
# scanned eight bytes at a time, objects given their blocks at once) against main before it:
#   bind (three inputs)      88.24 -> 44.86 M
#   import progress          84.64 -> 58.48 M   (the whole process)
#   import tasks.tsv         64.48 -> 52.82 M
#   import indicators.csv    40.43 -> 38.24 M
#   wall, median of 21 alternating runs on the shared 2-core machine:
#   jindu import progress    15.1 -> 13.2 ms
#   jindu render of the 通报  80.3 -> 77.6 ms
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/lib.sh"
bench_args "${1:-}" "${2:-}" 11
need_valgrind
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

printf '%-24s %8s M\n' "bind (three inputs)" "$(eval "callgrind_millions --toggle-collect=jd_bind_data '$jindu' \
    render '$root/templates/meeting-summary.xml' $sample_data -D period=2023Q2 $summary_params -o '$out/summary.pdf'")"
for input in progress tasks.tsv indicators.csv; do
    printf '%-24s %8s M\n' "import $input" "$(callgrind_millions "$jindu" import "$sample/$input" -o /dev/null)"
done
printf '%-24s %8.1f ms (median of %s)\n' "import progress" \
    "$(measure : "'$jindu' import '$sample/progress' -o /dev/null" | cut -d' ' -f1)" "$runs"
