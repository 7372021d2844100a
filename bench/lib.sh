# bench/lib.sh — sourced by bench scripts that time jindu commands; the caller sets $root
# (the checkout) before, and $runs (or calls bench_args).

# bench_args [BUILD_DIR] [RUNS] DEFAULT_RUNS: the usual arguments → $build, $runs, $jindu;
# stops when jindu is not built there
bench_args() {
    build=${1:-$root/build}
    runs=${2:-$3}
    jindu=$build/jindu
    [ -x "$jindu" ] || { echo "no $jindu: build first (cmake --build $build)" >&2; exit 2; }
}

# need_valgrind: stops the script when valgrind is not installed (callgrind_millions needs it)
need_valgrind() {
    command -v valgrind >/dev/null || { echo "bench: valgrind is needed: apt-get install valgrind" >&2; exit 2; }
}

# callgrind_millions [VALGRIND_OPTION...] COMMAND...: callgrind's instruction count of COMMAND
# in millions (deterministic, so it compares on a busy machine)
callgrind_millions() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
        awk '/I *refs:/ { gsub(",", "", $NF); printf "%.2f", $NF / 1e6 }'
}

# median of the numbers on standard input
median() {
    sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# measure PREPARE COMMAND → "wall-ms cpu-ms peak-KiB". PREPARE is shell code run before every
# run (':' for none, or e.g. removing a build's outputs). Wall time is the median of $runs
# runs after one warm-up; CPU time and peak memory are GNU time's for one more run ('-'
# without /usr/bin/time). CPU time is the one to compare on a busy machine.
measure() {
    eval "$1"
    sh -c "$2" >/dev/null 2>&1 || { echo "failed: $2" >&2; exit 1; }
    ms=$(i=0; while [ "$i" -lt "$runs" ]; do
        eval "$1"
        start=$(date +%s.%N); sh -c "$2" >/dev/null 2>&1; end=$(date +%s.%N)
        awk -v a="$start" -v b="$end" 'BEGIN { print (b - a) * 1000 }'
        i=$((i + 1))
    done | median)
    cpu=- kib=-
    if [ -x /usr/bin/time ]; then
        eval "$1"
        set -- $(/usr/bin/time -f '%U %S %M' sh -c "$2 >/dev/null 2>&1" 2>&1 | tail -n 1)
        cpu=$(awk -v u="$1" -v s="$2" 'BEGIN { print (u + s) * 1000 }')
        kib=$3
    fi
    echo "$ms $cpu $kib"
}

# The sample project, its three inputs as words for `eval` (or `sh -c`), and the parameters of
# its 通报 (the 2023Q2 circular the project builds); the sheets take only the period.
sample=$root/samples/xiqing-2023
sample_data="--data '$sample/tasks.tsv' --data '$sample/progress' --data '$sample/indicators.csv'"
summary_params="-D date=2023-07-10 -D office=西青区人民政府督查室 -D number=西青督〔2023〕5号"
