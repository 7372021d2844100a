#!/bin/sh
# bench/summary.sh [BUILD_DIR] [RUNS] — the meeting summary (templates/meeting-summary.xml,
# the 2023Q2 通报 of the sample project) against the quarterly sheet of the same quarter,
# and the whole sample project built from nothing.
#   summary    jindu render meeting-summary.xml, sample data, period 2023Q2 (cairo): the
#              default attachment (a row per leader), 12 pages
#   + tasks    the same with -D attachment=tasks (every leader's tasks attached), 32 pages
#   sheet      jindu render quarterly-sheet.xml, the same data and period
#   build      jindu build on a copy of samples/xiqing-2023 with no out/ and no cache,
#              as `./build/jindu build samples/xiqing-2023` runs it (default workers)
#   one line   the same data rendered through a one-paragraph template: what every render
#              of this data pays before its first page (start-up, reading the data, the
#              fonts, writing a PDF). The last lines divide what each document costs above
#              that by its pages, so the two are compared page for page too.
# Prints the median wall time of RUNS runs (default 5; after one warm-up), the CPU time and
# peak memory of one run (GNU time), and the pages of each document. The summary's target:
# the whole build within 2 s on the development machine (2 cores).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/lib.sh"
bench_args "${1:-}" "${2:-}" 5
[ -x /usr/bin/time ] || { echo "bench: GNU time is needed: apt-get install time" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

data=$sample_data
summary="'$jindu' render '$root/templates/meeting-summary.xml' $data -D period=2023Q2 $summary_params \
    -o '$work/summary.pdf'"
sheet="'$jindu' render '$root/templates/quarterly-sheet.xml' $data -D period=2023Q2 -o '$work/sheet.pdf'"
printf '<document font-family="fangsong"><p>全区重点工作任务落实情况。</p></document>\n' >"$work/one.xml"
one="'$jindu' render '$work/one.xml' $data -o '$work/one.pdf'"
cp -r "$sample" "$work/project"
clean="rm -rf '$work/project/out' '$work/project/.jindu-cache'"

printf '%-34s %10s %10s %10s %6s\n' "" "wall (ms)" "cpu (ms)" "peak (KiB)" "pages"
set -- $(measure : "$summary")
summary_pages=$(pdfinfo "$work/summary.pdf" 2>/dev/null | awk '/^Pages/ { print $2 }')
printf '%-34s %10.1f %10.1f %10s %6s\n' "meeting summary, 2023Q2" "$1" "$2" "$3" "$summary_pages"
summary_ms=$1
set -- $(measure : "$summary -D attachment=tasks")
printf '%-34s %10.1f %10.1f %10s %6s\n' "  with every leader's tasks" "$1" "$2" "$3" \
    "$(pdfinfo "$work/summary.pdf" 2>/dev/null | awk '/^Pages/ { print $2 }')"
set -- $(measure : "$sheet")
sheet_pages=$(pdfinfo "$work/sheet.pdf" 2>/dev/null | awk '/^Pages/ { print $2 }')
printf '%-34s %10.1f %10.1f %10s %6s\n' "quarterly sheet, 2023Q2" "$1" "$2" "$3" "$sheet_pages"
sheet_ms=$1
set -- $(measure : "$one")
printf '%-34s %10.1f %10.1f %10s %6s\n' "one line, the same data" "$1" "$2" "$3" \
    "$(pdfinfo "$work/one.pdf" 2>/dev/null | awk '/^Pages/ { print $2 }')"
one_ms=$1
set -- $(measure "$clean" "'$jindu' build '$work/project'")
printf '%-34s %10.1f %10.1f %10s %6s\n' "sample build, from clean" "$1" "$2" "$3" \
    "$(ls "$work/project/out"/*.pdf "$work/project/out"/*/*.pdf | wc -l | awk '{ print $1 " PDFs" }')"
awk -v s="$summary_ms" -v q="$sheet_ms" -v b="$1" -v o="$one_ms" -v sp="$summary_pages" -v qp="$sheet_pages" 'BEGIN {
    printf "summary / sheet: %.2f; whole build: %.2f s (target 2 s)\n", s / q, b / 1000
    printf "above the one-line render: summary %.1f ms (%.2f a page), sheet %.1f ms (%.2f a page); %.2f\n",
        s - o, (s - o) / sp, q - o, (q - o) / qp, (s - o) / (q - o) }'
