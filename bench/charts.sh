#!/bin/sh
# Chart cost: render time of the meeting summary's three charts (tests/fixtures/chart, on the
# sample project) with both backends, and of one bar chart of N categories × 8 series and
# one line chart of N points × 8 series as N grows (labels are shaped and placed without
# overlap, so this shows how that scales).
#
# usage: bench/charts.sh [BUILD_DIR] [RUNS]      (defaults: build, 5 runs)
# The generated data has one row per line: json.c's column counting is slow on one very
# long line, and that is not what this measures.
# Time is the median wall time of RUNS renders (a loop timed with `date +%s.%N`) after one
# warm-up; peak memory is /usr/bin/time's maximum resident set when it is installed.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/lib.sh"
bench_args "${1:-}" "${2:-}" 5

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

summary="'$jindu' render '$root/tests/fixtures/chart/summary-charts.xml' --data '$sample/tasks.tsv' --data '$sample/progress/' --data rows='$root/tests/fixtures/chart/indicators.json' -D period=2023Q2"
# CPU time is the one to compare on a busy machine: wall time waits for the processor too
printf '%-30s %10s %10s %10s\n' "document" "wall (ms)" "cpu (ms)" "peak (KiB)"
for backend in cairo haru; do
    set -- $(measure : "$summary --backend $backend -o '$out/summary-$backend.pdf'")
    printf '%-30s %10.1f %10s %10s\n' "summary charts, $backend" "$1" "$2" "$3"
done

cat >"$out/stress.xml" <<'XML'
<document><page size="A4" orientation="landscape" margin="15mm"/>
<chart kind="bar" data="{{ d }}" label="{{ item.name }}" height="170mm">
  <for each="s in [0, 1, 2, 3, 4, 5, 6, 7]"><series name="系列{{ s + 1 }}" value="{{ item.v[s] }}"/></for>
</chart>
<chart kind="line" data="{{ d }}" label="{{ item.name }}" height="170mm">
  <for each="s in [0, 1, 2, 3, 4, 5, 6, 7]"><series name="系列{{ s + 1 }}" value="{{ item.v[s] }}"/></for>
</chart>
</document>
XML
for n in 10 100 1000; do
    awk -v n="$n" 'BEGIN {
        printf "["
        for (i = 0; i < n; i++) {
            printf "%s{\"name\": \"第%d个单位\", \"v\": [", i ? ",\n" : "", i + 1
            for (s = 0; s < 8; s++) printf "%s%d", s ? ", " : "", (i * 37 + s * 11) % 100
            printf "]}"
        }
        print "]"
    }' >"$out/d$n.json"
    set -- $(measure : "'$jindu' render '$out/stress.xml' --data d='$out/d$n.json' -o '$out/stress$n.pdf'")
    printf '%-30s %10.1f %10s %10s\n' "bar + line, $n × 8 values" "$1" "$2" "$3"
done
