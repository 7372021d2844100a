#!/bin/sh
# bench/xlsx.sh [RUNS] — importing the seed list (samples/xiqing-2023/tasks.tsv, 123 tasks)
# as TSV against the same list as an .xlsx made by LibreOffice with its merged cells
# (tests/fixtures/xlsx/seed-merged.xlsx) and as .xls; prints the mean wall time of
# `jindu import` for each over RUNS runs (default 20), and its peak memory. Then writing the
# ledger (`jindu export`): the sample with its progress (2 sheets, 464 rows), and the list
# 1×, 10× and 100× over with two periods of 未报送 rows (cost should grow linearly).
set -u
runs=${1:-20}
root=$(cd "$(dirname "$0")/.." && pwd)
jindu="$root/build/jindu"
[ -x "$jindu" ] || { echo "build jindu first: cmake --build build" >&2; exit 1; }
# mean_us COMMAND...: the mean wall time of RUNS runs, in microseconds
mean_us() {
    start=$(date +%s%N)
    i=0
    while [ "$i" -lt "$runs" ]; do
        "$@" >/dev/null 2>&1
        i=$((i + 1))
    done
    end=$(date +%s%N)
    echo $(( (end - start) / runs / 1000 ))
}
peak_kb() {
    memfile=$(mktemp)
    /usr/bin/time -f %M -o "$memfile" "$@" >/dev/null 2>&1
    cat "$memfile"
    rm -f "$memfile"
}
for f in "$root/samples/xiqing-2023/tasks.tsv" "$root/tests/fixtures/xlsx/seed-merged.xlsx" \
         "$root/tests/fixtures/xlsx/seed-merged.xls"; do
    ms=$(mean_us "$jindu" import "$f")
    mem=$(peak_kb "$jindu" import "$f")
    printf '%-20s %6d.%03d ms per import   peak %s KB   (%s bytes)\n' "$(basename "$f")" \
        $((ms / 1000)) $((ms % 1000)) "$mem" "$(stat -c %s "$f")"
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
list="$root/samples/xiqing-2023/tasks.tsv"
export_cmd() { "$jindu" export --force "$@"; }
us=$(mean_us export_cmd -d "$list" -d "$root/samples/xiqing-2023/progress" -o "$tmp/l.xlsx")
mem=$(peak_kb "$jindu" export --force -d "$list" -d "$root/samples/xiqing-2023/progress" -o "$tmp/l.xlsx")
printf '%-20s %6d.%03d ms per export   peak %s KB   (%s bytes written)\n' "ledger, sample" \
    $((us / 1000)) $((us % 1000)) "$mem" "$(stat -c %s "$tmp/l.xlsx")"
for n in 1 10 100; do
    "$root/bench/scale-list.sh" "$n" "$list" > "$tmp/list$n.tsv"
    us=$(mean_us export_cmd -d "$tmp/list$n.tsv" -p 2023Q1,2023Q2 -o "$tmp/l$n.xlsx")
    mem=$(peak_kb "$jindu" export --force -d "$tmp/list$n.tsv" -p 2023Q1,2023Q2 -o "$tmp/l$n.xlsx")
    rows=$("$jindu" export --force -d "$tmp/list$n.tsv" -p 2023Q1,2023Q2 -o "$tmp/l$n.xlsx" 2>/dev/null |
           sed 's/.*), \([0-9]*\) task rows/\1/')
    printf '%-20s %6d.%03d ms per export   peak %s KB   (%s rows, %s bytes)\n' "ledger, list ${n}x" \
        $((us / 1000)) $((us % 1000)) "$mem" "$rows" "$(stat -c %s "$tmp/l$n.xlsx")"
done
