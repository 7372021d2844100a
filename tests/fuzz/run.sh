#!/bin/sh
# tests/fuzz/run.sh [SECONDS] [TARGET...] — builds the libFuzzer targets with clang in
# build-fuzz and runs each of them (or the ones named) for SECONDS (default 60), one after
# the other, then prints a table: executions, seconds, executions per second, corpus size.
#
# Each target reads its seed corpus (tests/fuzz/corpus/NAME/), the seeds make-seeds.py
# generates into build-fuzz/seeds/NAME/ (the sample project's and the tests' files, and the
# deep and large inputs of issue 12), and what earlier runs found (tests/fuzz/corpus-run/NAME/,
# where new inputs go). Limits make slowness a failure: -max_len (FUZZ_MAX_LEN, default
# 1 MiB, enough for the 100,000-deep and 100,000-token seeds), -timeout per input
# (FUZZ_TIMEOUT, 10 s: a quadratic blow-up), -rss_limit_mb (FUZZ_RSS_MB, 2048: memory that
# grows beyond a bound). A crash, leak, undefined behaviour, timeout or out-of-memory leaves
# its input in build-fuzz/ (crash-*, leak-*, timeout-*, oom-*) and makes the script exit 1
# after the other targets have run. The table also goes to build-fuzz/fuzz-report.txt.
#
#   tests/fuzz/run.sh 30                 CI: half a minute per target
#   tests/fuzz/run.sh 3600               an hour per target
#   tests/fuzz/run.sh 600 fuzz_json      ten minutes of one target
set -eu
seconds=${1:-60}
[ $# -gt 0 ] && shift
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build="$root/build-fuzz"
max_len=${FUZZ_MAX_LEN:-1048576}
timeout=${FUZZ_TIMEOUT:-10}
rss_mb=${FUZZ_RSS_MB:-2048}

cmake -S "$root" -B "$build" -DCMAKE_C_COMPILER=clang -DJINDU_FUZZ=ON \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target fuzz -j"$(nproc)"
rm -rf "$build/seeds"
python3 "$here/make-seeds.py" "$build/seeds"

if [ $# -gt 0 ]; then
    targets=$*
else
    targets=$(cd "$build/tests/fuzz" && ls fuzz_* | while read -r t; do [ -x "$t" ] && echo "$t"; done)
fi

report="$build/fuzz-report.txt"
printf '%-20s %12s %8s %10s %8s  %s\n' target executions seconds exec/s corpus result > "$report"
status=0
total_runs=0
total_seconds=0
for name in $targets; do
    target="$build/tests/fuzz/$name"
    [ -x "$target" ] || { echo "run.sh: no fuzz target $name" >&2; exit 2; }
    found="$here/corpus-run/$name"
    mkdir -p "$found"
    set -- -max_total_time="$seconds" -timeout="$timeout" -rss_limit_mb="$rss_mb" \
           -max_len="$max_len" -print_final_stats=1
    [ -f "$here/$name.dict" ] && set -- "$@" -dict="$here/$name.dict"
    dirs="$found"
    for d in "$here/corpus/$name" "$build/seeds/$name"; do
        [ -d "$d" ] && dirs="$dirs $d"
    done
    echo "== $name: ${seconds}s"
    log="$build/$name.log"
    start=$(date +%s)
    # shellcheck disable=SC2086
    if (cd "$build" && "$target" "$@" $dirs) > "$log" 2>&1; then
        result=ok
    else
        result=FAILED
        status=1
        grep -E '^(==[0-9]+==)?ERROR|SUMMARY|^artifact_prefix|Test unit written' "$log" | head -5 || true
        echo "== $name FAILED (log: $log; the input is in $build)"
    fi
    elapsed=$(( $(date +%s) - start ))
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    runs=${runs:-0}
    corpus=$(ls "$found" | wc -l)
    rate=$(( elapsed > 0 ? runs / elapsed : runs ))
    printf '%-20s %12s %8s %10s %8s  %s\n' "$name" "$runs" "$elapsed" "$rate" "$corpus" "$result" >> "$report"
    total_runs=$((total_runs + runs))
    total_seconds=$((total_seconds + elapsed))
done
printf '%-20s %12s %8s\n' total "$total_runs" "$total_seconds" >> "$report"
cat "$report"
exit $status
