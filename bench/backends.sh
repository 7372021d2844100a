#!/bin/sh
# Render time and PDF size of the seed sheet (samples/xiqing-2023, 123 tasks, with
# templates/task-list.xml) through the cairo and the haru backend, and their ratio.
#
# usage: bench/backends.sh [BUILD_DIR] [RUNS]      (defaults: build, 11 runs)
# Time is the median wall time of RUNS renders (hyperfine if installed, else a loop
# timed with `date +%s.%N`); the first render of each backend is a warm-up.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/lib.sh"
bench_args "${1:-}" "${2:-}" 11
template=$root/templates/task-list.xml
data=$root/samples/xiqing-2023/tasks.tsv

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

measure() { # backend → seconds
    cmd="'$jindu' render '$template' --data '$data' -o '$out/$1.pdf' --backend $1"
    sh -c "$cmd" 2>/dev/null || { echo "render with --backend $1 failed" >&2; exit 1; }
    if command -v hyperfine >/dev/null 2>&1; then
        hyperfine --style none --runs "$runs" --warmup 1 --export-csv "$out/$1.csv" "$cmd 2>/dev/null" >/dev/null
        # columns: command,mean,stddev,median,user,system,min,max
        tail -n 1 "$out/$1.csv" | awk -F, '{ print $4 }'
    else
        i=0
        while [ "$i" -lt "$runs" ]; do
            start=$(date +%s.%N)
            sh -c "$cmd" 2>/dev/null
            end=$(date +%s.%N)
            awk -v a="$start" -v b="$end" 'BEGIN { print b - a }'
            i=$((i + 1))
        done | median
    fi
}

cairo_s=$(measure cairo)
haru_s=$(measure haru)
cairo_b=$(wc -c <"$out/cairo.pdf")
haru_b=$(wc -c <"$out/haru.pdf")
pages=$(pdfinfo "$out/cairo.pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')

echo "seed sheet: ${pages:-?} pages, median of $runs runs"
printf '%-10s %10s %12s\n' backend "time (ms)" "PDF (bytes)"
awk -v cs="$cairo_s" -v hs="$haru_s" -v cb="$cairo_b" -v hb="$haru_b" 'BEGIN {
    printf "%-10s %10.1f %12d\n", "cairo", cs * 1000, cb
    printf "%-10s %10.1f %12d\n", "haru", hs * 1000, hb
    printf "%-10s %10.2f %12.2f\n", "haru/cairo", hs / cs, hb / cb
}'
