#!/bin/sh
# bench/linear.sh [RUNS] — the inputs whose cost grew faster than their size (issue 12,
# items 10–12), each at four sizes: wall time (median of RUNS runs, default 3), peak
# memory, and time per unit of input, which stays flat when the cost is linear.
#
#   one-line JSON   a task list as minified JSON on one line       jindu check
#   paragraphs      one task whose title cell is "甲<br>" × N      jindu render task-list.xml
#   units           one task whose 责任单位 cell names N units     jindu render task-list.xml
#
# Before the fixes: one-line JSON 460 KB 8.5 s, 920 KB 35 s, 4.6 MB over 10 minutes;
# paragraphs 10k/20k/40k/160k 0.44/1.4/5.9/93 s; units 10k/20k/40k 2.0/6.0/24.7 s.
# Needs GNU time (Debian package `time`) and python3.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
runs=${1:-3}
jindu=${JINDU:-$top/build/jindu}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ -x "$jindu" ] || { echo "bench: build jindu first ($jindu missing)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench: GNU time is needed: apt-get install time" >&2; exit 1; }

# measure CMD... -> "median_seconds peak_kib"
measure() {
    i=0
    : > "$work/times"
    while [ "$i" -lt "$runs" ]; do
        /usr/bin/time -f "%e %M" -o "$work/t" "$@" > /dev/null 2> "$work/err" || true
        cat "$work/t" >> "$work/times"
        i=$((i + 1))
    done
    sort -n "$work/times" | awk -v n="$runs" 'NR == int((n + 1) / 2) { print $1, $2 }'
}

make_input() { # KIND N FILE
    python3 - "$1" "$2" "$3" <<'EOF'
import sys
kind, n, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
header = "序号\t目标任务\t责任单位\t第一季度\t第二季度\t第三季度\t第四季度\t责任区领导\n"
if kind == "json":
    task = ('{"id":%d,"title":"加快推进重点项目建设","leaders":["梁军"],"units":[{"names":'
            '["区商务局","各街镇"],"plan":[{"from":1,"to":4,"text":"全年推进"}]}]}')
    text = '{"title":"清单","tasks":[' + ",".join(task % i for i in range(1, n + 1)) + "]}"
elif kind == "paragraphs":
    text = "清单\n" + header + "1\t" + "甲<br>" * n + "\t商务局\t一\t二\t三\t四\t梁军\n"
else:
    units = "、".join("单位%d" % i for i in range(n))
    text = "清单\n" + header + "1\t任务\t" + units + "\t一\t二\t三\t四\t梁军\n"
open(path, "w", encoding="utf-8").write(text)
EOF
}

printf '%-12s %9s %10s %8s %9s %14s\n' input size bytes wall_s peak_MiB "µs per unit"
for spec in "json 2500" "json 5000" "json 10000" "json 25000" \
            "paragraphs 10000" "paragraphs 20000" "paragraphs 40000" "paragraphs 160000" \
            "units 10000" "units 20000" "units 40000" "units 80000"; do
    set -- $spec
    kind=$1 n=$2
    case $kind in
    json) in="$work/list.json"; make_input json "$n" "$in"
          r=$(measure "$jindu" check "$in") ;;
    *)    in="$work/list.tsv"; make_input "$kind" "$n" "$in"
          r=$(measure "$jindu" render "$top/templates/task-list.xml" --data "$in" -o "$work/out.pdf") ;;
    esac
    set -- $r
    bytes=$(wc -c < "$in")
    printf '%-12s %9s %10s %8s %9.1f %14.2f\n' "$kind" "$n" "$bytes" "$1" \
        "$(echo "$2" | awk '{ print $1 / 1024 }')" "$(echo "$1 $n" | awk '{ print $1 * 1e6 / $2 }')"
done
