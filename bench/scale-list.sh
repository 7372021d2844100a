#!/bin/sh
# scale-list.sh N IN.tsv > OUT.tsv — the same task list N times over (ids renumbered), so
# benchmarks can measure how cost grows with the number of tasks.
set -eu
n=$1
in=$2
awk -F'\t' -v OFS='\t' -v n="$n" '
    { lines[NR] = $0 }
    $1 ~ /^[0-9]+$/ { if ($1 + 0 > max) max = $1 + 0 }
    END {
        for (r = 0; r < n; r++)
            for (i = 1; i <= NR; i++) {
                line = lines[i]
                split(line, f, "\t")
                if (f[1] ~ /^[0-9]+$/) {
                    sub(/^[0-9]+/, f[1] + r * max, line)
                } else if (r > 0 && i <= 4) {
                    continue   # the title once
                }
                print line
            }
    }' "$in"
