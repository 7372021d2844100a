#!/bin/sh
# bench/xlsx.sh [RUNS] — importing the seed list (samples/xiqing-2023/tasks.tsv, 123 tasks)
# as TSV against the same list as an .xlsx made by LibreOffice with its merged cells
# (tests/fixtures/xlsx/seed-merged.xlsx) and as .xls; prints the mean wall time of
# `jindu import` for each over RUNS runs (default 20), and its peak memory.
set -u
runs=${1:-20}
root=$(cd "$(dirname "$0")/.." && pwd)
jindu="$root/build/jindu"
[ -x "$jindu" ] || { echo "build jindu first: cmake --build build" >&2; exit 1; }
for f in "$root/samples/xiqing-2023/tasks.tsv" "$root/tests/fixtures/xlsx/seed-merged.xlsx" \
         "$root/tests/fixtures/xlsx/seed-merged.xls"; do
    start=$(date +%s%N)
    i=0
    while [ "$i" -lt "$runs" ]; do
        "$jindu" import "$f" >/dev/null 2>&1
        i=$((i + 1))
    done
    end=$(date +%s%N)
    memfile=$(mktemp)
    /usr/bin/time -f %M -o "$memfile" "$jindu" import "$f" >/dev/null 2>&1
    mem=$(cat "$memfile")
    rm -f "$memfile"
    ms=$(( (end - start) / runs / 1000 ))
    printf '%-20s %6d.%03d ms per import   peak %s KB   (%s bytes)\n' "$(basename "$f")" \
        $((ms / 1000)) $((ms % 1000)) "$mem" "$(stat -c %s "$f")"
done
