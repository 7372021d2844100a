#!/bin/sh
# jindu installs like a real tool: a copy of the source tree is built and installed to a
# temporary prefix (cmake --install BUILD --prefix P), then the source copy is renamed and
# its build tree deleted; the installed jindu must still render from P/share/jindu, after P
# itself is moved too; only the public headers are installed; and a program of one's own
# built with `pkg-config --cflags --libs jindu` renders a template.
#   tests/install/install.sh SOURCE_DIR
set -eu
src=$(cd "$1" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/jindu-install.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "install test: $*" >&2; exit 1; }

# the source as a clean checkout has it (no build trees, no outputs of earlier runs)
mkdir "$work/src"
(cd "$src" && tar cf - --exclude='./build*' --exclude=./.git --exclude='./samples/*/out' \
    --exclude='./samples/*/.jindu-cache' .) | (cd "$work/src" && tar xf -)
cmake -S "$work/src" -B "$work/build" -DBUILD_TESTING=OFF -DCMAKE_BUILD_TYPE=Release >"$work/cmake.log" 2>&1 ||
    { cat "$work/cmake.log"; fail "configure failed"; }
cmake --build "$work/build" -j2 >"$work/build.log" 2>&1 || { tail -30 "$work/build.log"; fail "build failed"; }
cmake --install "$work/build" --prefix "$work/prefix" >"$work/install.log" 2>&1 ||
    { cat "$work/install.log"; fail "install failed"; }

# nothing of the source or build tree may be needed any more
mv "$work/src" "$work/moved-src"
rm -rf "$work/build"
sample="$work/moved-src/samples/xiqing-2023"

for f in bin/jindu share/jindu/templates/quarterly-sheet.xml share/jindu/templates/partials/states.xml \
         share/jindu/fonts/fonts.ini share/jindu/fonts/wqy-microhei-gb2312.ttf include/jindu/jd_project.h \
         lib/libjindu_base.a lib/pkgconfig/jindu.pc; do
    [ -e "$work/prefix/$f" ] || fail "$f is not installed"
done
others=$(ls "$work/prefix/include/jindu" | grep -v '^jd_.*\.h$' || true)
[ -z "$others" ] || fail "private headers installed: $others"

check_pdf() { # FILE TEXT: a PDF holding TEXT
    pdfinfo "$1" >/dev/null 2>&1 || fail "$1 is not a PDF"
    pdftotext "$1" - | tr -d ' \n' | grep -q "$2" || fail "$1 does not show $2"
}

cd "$work"
for prefix in prefix moved-prefix; do
    if [ "$prefix" = moved-prefix ]; then mv "$work/prefix" "$work/moved-prefix"; fi
    jindu="$work/$prefix/bin/jindu"
    "$jindu" render quarterly-sheet.xml --data "$sample/tasks.tsv" --data "$sample/progress" -D period=2023Q2 \
        -o "$work/q.pdf" 2>"$work/render.err" || { cat "$work/render.err"; fail "render from $prefix failed"; }
    check_pdf "$work/q.pdf" "2023年第二季度推进情况督查表"
    "$jindu" params unit-sheet.xml | grep -q 'period=2023Q2' || fail "jindu params from $prefix"
    "$jindu" fonts | grep -q "$work/$prefix/share/jindu/fonts" || fail "the fonts are not the installed ones"
    rm -f "$work/q.pdf"
done

# a program of one's own, built with pkg-config
export PKG_CONFIG_PATH="$work/moved-prefix/lib/pkgconfig"
cc -o "$work/prog" "$src/tests/install/prog.c" $(pkg-config --cflags --libs jindu) 2>"$work/cc.err" ||
    { cat "$work/cc.err"; fail "a program cannot be built with pkg-config --cflags --libs jindu"; }
JINDU_DATA_DIR=$(pkg-config --variable=datadir jindu) "$work/prog" task-list.xml "$sample/tasks.tsv" "$work/list.pdf" \
    >"$work/prog.out" 2>"$work/prog.err" || { cat "$work/prog.err"; fail "the program failed"; }
check_pdf "$work/list.pdf" "西青区"
echo "install test: installed, moved and rendered; $(cat "$work/prog.out") from a program built with pkg-config"
