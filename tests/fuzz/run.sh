#!/bin/sh
# tests/fuzz/run.sh [SECONDS] — builds the libFuzzer targets with clang in build-fuzz and
# runs each of them for SECONDS (default 60) on its seed corpus (tests/fuzz/corpus/NAME/,
# plus what earlier runs found, kept in tests/fuzz/corpus-run/NAME/). Exits non-zero as soon
# as a target finds a crash, a leak, undefined behaviour or a timeout; the input that did it
# is left in build-fuzz/ (crash-*, leak-*, timeout-*).
set -eu
seconds=${1:-60}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build="$root/build-fuzz"

cmake -S "$root" -B "$build" -DCMAKE_C_COMPILER=clang -DJINDU_FUZZ=ON \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target fuzz -j"$(nproc)"

status=0
for target in "$build"/tests/fuzz/fuzz_*; do
    [ -x "$target" ] || continue
    name=$(basename "$target")
    found="$here/corpus-run/$name"
    mkdir -p "$found"
    set -- -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
    [ -f "$here/$name.dict" ] && set -- "$@" -dict="$here/$name.dict"
    echo "== $name: ${seconds}s"
    if ! (cd "$build" && "$target" "$@" "$found" "$here/corpus/$name"); then
        echo "== $name FAILED (see the crash/leak/timeout file in $build)"
        status=1
    fi
done
exit $status
