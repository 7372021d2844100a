#!/bin/sh
# bench/memory.sh [SIZES...] — peak memory and time of long documents (issue 12, item 13):
# `jindu render templates/task-list.xml` with both backends on
#
#   list N    the sample list N times over (bench/scale-list.sh): 1, 10, 30, 100 (3,250 pages)
#   rows N    N tasks of one unit and short texts each: 10,000, 30,000, 100,000 rows
#
# and prints, for each, the pages, wall seconds, peak resident memory (MiB) and milliseconds
# per page, which stays flat when time is linear. The pages no longer count, nor do a
# table's cells: what grows is the data tree and the document, in proportion to the input
# (the peak is at the end of expansion, when both are held); with haru, libharu's objects
# for each page and bookmark.
# SIZES are "list N" or "rows N" words, e.g. `bench/memory.sh list 100 rows 100000`.
# Before the pages were kept in a scratch file (and the data freed before the layout, and the
# document in an arena): the 100x list 378 MiB (cairo) and 479 MiB (haru), 100,000 rows
# 1,302 MiB; after: 149, 221 and 684 MiB. With nodes of 32 bytes instead of 96, equal texts
# stored once and tables holding one row group's cells at a time: the 100x list 120 MiB
# (cairo; haru 226, its pages), 100,000 rows 471 MiB (cairo) and 521 MiB (haru), of which
# the data tree is most (the document about 100 MB). With the data tree compact (an
# object's members in one block with shared keys, one-element lists without a block,
# shared quarter numbers; gen/data/value.c): the 100x list 90 MiB (cairo; haru 218),
# 100,000 rows 287 MiB (cairo) and 466 MiB (haru), the tree now about 120 MiB of the rows'
# peak; `jindu check` of the 100,000 rows alone 343 MiB before, 152 MiB after. With
# document nodes of 24 bytes (16 a text), lone number attributes (a cell's rowspan=1)
# stored once and equal texts found through a fixed table: the 100x list 83 MiB (cairo;
# haru 218, its pages), 100,000 rows 247 MiB (cairo; haru 466, its pages), the document
# about 60 MB of it. With an importer's values carved from slabs (no allocator header per
# value) and JSON that is canonical read back without a copy: the 100x list 82 MiB
# (cairo), 100,000 rows 232 MiB (cairo; haru 466), the tree about 100 MiB of it; `jindu
# check` of the rows 136 MiB, of the same rows as JSON 197 MiB (618 MiB before the tree
# was compact). With haru's page contents in a scratch file once drawn (libharu kept every
# page's, ~26 KB each, until it wrote the file): haru 10,000 / 30,000 / 100,000 rows 73 /
# 161 / 466 MiB before, 58 / 112 / 303 after (cairo 51 / 94 / 246 in the same run), the
# 100x list 218 before, 86 after (cairo 84); what haru still adds is libharu's objects,
# about 6 KB a page and 2.5 KB a bookmark (one per task), held when it writes the file.
# Needs GNU time (Debian package `time`), python3 and poppler-utils.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
jindu=${JINDU:-$top/build/jindu}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ -x "$jindu" ] || { echo "bench: build jindu first ($jindu missing)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench: GNU time is needed: apt-get install time" >&2; exit 1; }
[ $# -gt 0 ] || set -- list 1 list 10 list 30 list 100 rows 10000 rows 30000 rows 100000

make_rows() { # N FILE
    python3 - "$1" "$2" <<'EOF'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
units = ["区商务局", "区发展改革委", "区财政局", "区住房建设委", "区生态环境局", "区科技局"]
with open(path, "w", encoding="utf-8") as f:
    f.write("重点工作任务清单\n序号\t目标任务\t责任单位\t第一季度\t第二季度\t第三季度\t第四季度\t责任区领导\n")
    for i in range(1, n + 1):
        f.write("%d\t推进第%d项重点工作\t%s\t启动\t推进\t推进\t完成\t梁军\n" % (i, i, units[i % len(units)]))
EOF
}

printf '%-6s %7s %6s %7s %8s %9s %9s\n' input size pages backend wall_s peak_MiB ms/page
while [ $# -ge 2 ]; do
    kind=$1 n=$2
    shift 2
    in="$work/$kind-$n.tsv"
    case $kind in
    list) sh "$here/scale-list.sh" "$n" "$top/samples/xiqing-2023/tasks.tsv" > "$in" ;;
    rows) make_rows "$n" "$in" ;;
    *) echo "bench: '$kind' is neither list nor rows" >&2; exit 2 ;;
    esac
    for backend in cairo haru; do
        /usr/bin/time -f "%e %M" -o "$work/t" "$jindu" render "$top/templates/task-list.xml" \
            --data "$in" -o "$work/out.pdf" --backend "$backend" > /dev/null 2> "$work/err" ||
            { tail -3 "$work/err" >&2; exit 1; }
        pages=$(pdfinfo "$work/out.pdf" | awk '/^Pages:/ { print $2 }')
        read -r wall peak < "$work/t"
        printf '%-6s %7s %6s %7s %8s %9.1f %9.2f\n' "$kind" "$n" "$pages" "$backend" "$wall" \
            "$(echo "$peak" | awk '{ print $1 / 1024 }')" "$(echo "$wall $pages" | awk '{ print $1 * 1000 / $2 }')"
    done
done
