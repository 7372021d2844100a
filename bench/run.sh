#!/bin/sh
# bench/run.sh [RUNS] — speed and memory of rendering the task-list sheet.
#
# For the seed list (123 tasks) and generated 10x and 100x lists of the same shape, prints
# wall time (median of RUNS runs, default 5; one run at 100x), peak resident memory, pages
# and PDF size for `jindu render templates/task-list.xml`, for both backends; and the same
# for Typst (via the npm package @myriaddreamin/typst-ts-node-compiler, installed into
# bench/.peers on first use) and WeasyPrint (when the `weasyprint` command is installed),
# with jindu's advantage as a ratio. Needs GNU time (Debian package `time`) and poppler-utils.
#
# Issue 11 (typography) against the commit before it (5f8d222: the old binary needs its own
# templates, so run that tree's bench/run.sh). The lists grew from 31/305/3,050 pages to
# 33/325/3,250 (name columns wide enough for whole names). On 2026-12-06 the 2-core machine
# was shared (load 6-9): wall times moved ±50% between identical runs, so what compares are
# callgrind instruction counts (`valgrind --tool=callgrind jindu render ...`; `perf stat`
# has no hardware counters here) and CPU seconds (user+sys, median of 11 runs, old and new
# alternating), alongside the wall medians of the same runs:
#                 instructions (G)         CPU s          wall s
#   seed cairo    1.26 -> 1.29 (+2%)      0.13 -> 0.14   0.31 -> 0.33
#   seed haru     3.31 -> 1.41 (-57%)     0.22 -> 0.15   0.54 -> 0.35
#   10x  cairo    7.59 -> 7.76 (+2%)      0.75 -> 0.75   1.67 -> 1.72
#   10x  haru    13.69 -> 8.22 (-40%)     0.98 -> 0.75   2.11 -> 1.63
#   100x cairo / haru, user s, one run:   7.0 -> 6.7 / 8.9 -> 7.1
# Before the shaping cache and the haru character map (see docs/backends.md) the typography
# had cost +10%, +9%, +14% and +9% in instructions. What remains of the cairo figures is
# cairo's own work per page (cairo_show_page: number formatting and deflate), which grows
# with the 6.5% more pages; jindu's shaping and layout take fewer instructions than before.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
runs=${1:-5}
jindu=${JINDU:-$top/build/jindu}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ -x "$jindu" ] || { echo "bench: build jindu first ($jindu missing)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench: GNU time is needed: apt-get install time" >&2; exit 1; }

# measure RUNS CMD... -> prints "median_seconds peak_kib" (peak of the median run)
measure() {
    n=$1; shift
    i=0
    : > "$work/times"
    while [ "$i" -lt "$n" ]; do
        /usr/bin/time -f "%e %M" -o "$work/t" "$@" > /dev/null 2> "$work/err" || { cat "$work/err" >&2; return 1; }
        cat "$work/t" >> "$work/times"
        i=$((i + 1))
    done
    sort -n "$work/times" | awk -v n="$n" 'NR == int((n + 1) / 2) { print $1, $2 }'
}

pages() { pdfinfo "$1" 2>/dev/null | awk '/^Pages:/ { print $2 }'; }
kib() { echo $(( $(wc -c < "$1") / 1024 )); }

peers=""
if command -v node > /dev/null 2>&1; then
    if [ ! -d "$here/.peers/node_modules/@myriaddreamin/typst-ts-node-compiler" ]; then
        npm install --silent --prefix "$here/.peers" @myriaddreamin/typst-ts-node-compiler > /dev/null 2>&1 || true
    fi
    [ -d "$here/.peers/node_modules/@myriaddreamin/typst-ts-node-compiler" ] && peers="$peers typst"
fi
command -v weasyprint > /dev/null 2>&1 && peers="$peers weasyprint"

printf '%-6s %-12s %8s %9s %6s %8s %s\n' list tool wall_s peak_MiB pages pdf_KiB "jindu is faster / leaner"
for scale in 1 10 100; do
    tsv="$work/list-$scale.tsv"
    "$here/scale-list.sh" "$scale" "$top/samples/xiqing-2023/tasks.tsv" > "$tsv"
    n=$runs
    [ "$scale" -eq 100 ] && n=1
    name="${scale}x"
    [ "$scale" -eq 1 ] && name=seed
    base=""
    for backend in cairo haru; do
        out="$work/jindu-$backend.pdf"
        r=$(measure "$n" "$jindu" render "$top/templates/task-list.xml" --data "$tsv" -o "$out" --backend "$backend")
        set -- $r
        [ "$backend" = cairo ] && base="$1 $2"
        printf '%-6s %-12s %8s %9.1f %6s %8s\n' "$name" "jindu-$backend" "$1" "$(echo "$2" | awk '{ print $1 / 1024 }')" "$(pages "$out")" "$(kib "$out")"
    done
    if [ -n "$peers" ]; then
        "$jindu" import "$tsv" -o "$work/list.json" > /dev/null 2>&1
        for peer in $peers; do
            out="$work/$peer.pdf"
            [ "$scale" -eq 100 ] && [ "$peer" = weasyprint ] && continue   # minutes per run
            case $peer in
            typst) r=$(NODE_PATH="$here/.peers/node_modules" measure "$n" node "$here/peers/sheet.js" typst "$work/list.json" "$out" "$top/fonts") || continue ;;
            weasyprint)
                node "$here/peers/sheet.js" html "$work/list.json" "$work/sheet.html"
                r=$(measure 1 weasyprint "$work/sheet.html" "$out") || continue ;;
            esac
            set -- $r
            ratio=$(echo "$base $1 $2" | awk '{ printf "%.1fx time, %.1fx memory", $3 / $1, $4 / $2 }')
            printf '%-6s %-12s %8s %9.1f %6s %8s %s\n' "$name" "$peer" "$1" "$(echo "$2" | awk '{ print $1 / 1024 }')" "$(pages "$out")" "$(kib "$out")" "$ratio"
        done
    fi
done
