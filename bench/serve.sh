#!/bin/sh
# bench/serve.sh [RUNS] [BUILD_RUNS] — how fast `jindu serve` answers, on a copy of the sample
# project (samples/xiqing-2023): a page load (the page, its script and style, the overview,
# the documents), a form checked (refused at a bad cell; valid and saved), and a build from
# the page against the same build from the command line (all 65 outputs forced, and after
# one form changed). Prints medians of RUNS (default 20) and BUILD_RUNS (default 3) runs.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
jindu=${JINDU:-$top/build/jindu}
[ -x "$jindu" ] || { echo "bench: build jindu first ($jindu missing)" >&2; exit 1; }
exec python3 "$here/serve.py" --jindu "$jindu" --runs "${1:-20}" --build-runs "${2:-3}"
