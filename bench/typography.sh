#!/bin/sh
# bench/typography.sh — the typography measures of issue 11 (tests/typo_metrics.h says how
# each is taken from glyph positions), for the seed list through templates/task-list.xml and
# added up over every output of the sample project (as samples/xiqing-2023/jindu.ini makes
# them). Needs the build's typo-measure (built with the tests).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
tool=${TYPO_MEASURE:-$top/build/tests/typo-measure}
templates=${TEMPLATES:-$top/templates}
sample=$top/samples/xiqing-2023
[ -x "$tool" ] || { echo "typography: build the tests first ($tool missing)" >&2; exit 1; }
list=""
[ "${1:-}" = --list ] && list=--list

echo "== seed list, task-list.xml"
"$tool" "$templates/task-list.xml" --data "$sample/tasks.tsv" $list 2>/dev/null

total() {
    awk '
    /^documents/ { docs += $2 }
    /^lines/ { lines += $2 }
    /^Latin-run pairs/ { lp += $6; lpt += $8 }
    /^adjacent CJK mark pairs/ { pp += $9; ppt += $11 }
    /^Han-Latin gap/ { n = $11 + 0; hl_n += n; hl += $7 * n }
    /^ASCII spaces/ { sp += $7 }
    /^names broken/ { bn += $5 }
    /^one-character/ { sl += $4 }
    /^kinsoku/ { k += $3 }
    /^Latin letters\/digits in a Latin face/ { lf += $7; lft += $9; sb += $12 + 0 }
    /^CJK marks in a Latin face/ { mf += $7 }
    END {
        printf "documents                               %d\n", docs
        printf "lines                                   %d\n", lines
        printf "Latin-run pairs with extra space        %d of %d\n", lp, lpt
        printf "adjacent CJK mark pairs at full 2 em    %d of %d\n", pp, ppt
        printf "Han-Latin gap beyond the Han-Han gap    %.3f em (mean of %d)\n", hl_n ? hl / hl_n : 0, hl_n
        printf "ASCII spaces between Han and Latin      %d\n", sp
        printf "names broken across lines               %d\n", bn
        printf "one-character last lines                %d\n", sl
        printf "kinsoku violations                      %d\n", k
        printf "Latin letters/digits in a Latin face    %d of %d (synthetic bold %d)\n", lf, lft, sb
        printf "CJK marks in a Latin face               %d\n", mf
    }'
}

echo "== every output of the sample project"
data="--data $sample/tasks.tsv --data $sample/progress"
{
    "$tool" "$templates/task-list.xml" $data -D year=2023 -D period=2023Q2
    "$tool" "$templates/quarterly-sheet.xml" $data -D year=2023 -D period=2023Q1
    "$tool" "$templates/quarterly-sheet.xml" $data -D year=2023 -D period=2023Q2
    "$tool" "$templates/unit-sheet.xml" $data -D year=2023 -D period=2023Q2 --split unit
    "$tool" "$templates/leader-sheet.xml" $data -D year=2023 -D period=2023Q2 --split leader
} 2>/dev/null | total
