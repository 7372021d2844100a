#!/bin/sh
# bench/build.sh [RUNS] — how long `jindu build` takes on the sample project
# (samples/xiqing-2023: every quarterly, unit and leader sheet and the 通报, 66 PDFs), on a copy of it:
#   full      a build from nothing, -j 2
#   no-change a build right after, nothing edited
#   one-edit  a build after one unit's report for one task was changed
#   indicator-edit  a build after one figure of indicators.csv was changed (only the 通报
#             reads the indicators: it alone is expanded and rebuilt)
# Prints the median of RUNS runs (default 5) of each, in seconds, and peak memory.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
runs=${1:-5}
jindu=${JINDU:-$top/build/jindu}
[ -x "$jindu" ] || { echo "bench: build jindu first ($jindu missing)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench: GNU time is needed: apt-get install time" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$top/samples/xiqing-2023/." "$work/"
rm -rf "$work/out" "$work/.jindu-cache"

# median seconds and the peak memory of that run, over $runs runs of: prepare; build
run() {
    prepare=$1
    : > "$work/times"
    i=0
    while [ "$i" -lt "$runs" ]; do
        eval "$prepare"
        /usr/bin/time -f "%e %M" -o "$work/t" "$jindu" build "$work" -j2 > "$work/summary" 2> /dev/null
        cat "$work/t" >> "$work/times"
        i=$((i + 1))
    done
    sort -n "$work/times" | awk -v n="$runs" 'NR == int((n + 1) / 2) { printf "%6.3f s  %6.1f MiB", $1, $2 / 1024 }'
}

q2="$work/progress/2023Q2.csv"
flip() {
    # one report of 商务局 (task 20) switches between two wordings
    if grep -q '示例编辑一' "$q2"; then sed -i 's/示例编辑一/示例编辑二/' "$q2"
    elif grep -q '示例编辑二' "$q2"; then sed -i 's/示例编辑二/示例编辑一/' "$q2"
    else sed -i '0,/^20,\(.*\),商务局,\([^,]*\),\([^,]*\),/s//20,\1,商务局,\2,\3,示例编辑一：/' "$q2"; fi
}

printf '%-10s %s\n' full "$(run 'rm -rf "$work/out" "$work/.jindu-cache"')"
"$jindu" build "$work" -j2 -q > /dev/null 2>&1
printf '%-10s %s\n' no-change "$(run ':')"
printf '%-10s %s   (%s)\n' one-edit "$(run 'flip')" "$(cat "$work/summary" 2>/dev/null || true)"
ind="$work/indicators.csv"
flip_indicator() {
    # 地区生产总值's 上半年 figure switches between 4.1% and 4.2%
    if grep -q '增长4.1%' "$ind"; then sed -i 's/增长4.1%/增长4.2%/' "$ind"; else sed -i 's/增长4.2%/增长4.1%/' "$ind"; fi
}
printf '%-10s %s   (%s)\n' indicator-edit "$(run 'flip_indicator')" "$(cat "$work/summary" 2>/dev/null || true)"
"$jindu" build "$work" -j2 2>/dev/null | tail -1
