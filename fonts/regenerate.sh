#!/bin/sh
# Regenerates fonts/wqy-microhei-gb2312.ttf, the font jindu ships, from Debian packages:
#   apt-get install fonts-wqy-microhei fonttools
# It is WenQuanYi Micro Hei cut down to GB 2312 (all 6763 hanzi and 682 symbols), ASCII,
# Latin-1 and the punctuation of Chinese reports. Cutting it down keeps it small (~1.3 MB)
# and keeps every glyph id below 32768, which libharu's TrueType subsetter needs (it reads
# composite glyph ids as signed 16-bit numbers and loses glyphs of the full font).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=/usr/share/fonts/truetype/wqy/wqy-microhei.ttc
[ -f "$src" ] || { echo "regenerate.sh: $src missing: apt-get install fonts-wqy-microhei" >&2; exit 1; }
command -v pyftsubset >/dev/null || { echo "regenerate.sh: pyftsubset missing: apt-get install fonttools" >&2; exit 1; }
chars=$(mktemp)
trap 'rm -f "$chars"' EXIT
# Debian's interpreter (fonttools is a Debian package; a pyenv python on PATH would not see it)
/usr/bin/python3 - "$chars" <<'PY'
import sys
out = []
for hi in range(0xA1, 0xF8):          # GB 2312: rows 0xA1..0xF7, cells 0xA1..0xFE
    for lo in range(0xA1, 0xFF):
        try:
            out.append(bytes([hi, lo]).decode('gb2312'))
        except UnicodeDecodeError:
            pass
out += [chr(c) for c in range(0x20, 0x7F)] + [chr(c) for c in range(0xA0, 0x100)]
out += list('·—–‘’“”…‰′″※℃№™、。〃〈〉《》「」『』【】〔〕〖〗〝〞！（），．：；？［］｛｝～￥•●○■□▲△◆◇★☆√×÷±≤≥≠∞→←↑↓')
open(sys.argv[1], 'w', encoding='utf-8').write(''.join(sorted(set(out))))
PY
pyftsubset "$src" --font-number=0 --text-file="$chars" --layout-features='*' \
    --output-file="$here/wqy-microhei-gb2312.ttf"
echo "wrote $here/wqy-microhei-gb2312.ttf ($(wc -c < "$here/wqy-microhei-gb2312.ttf") bytes)"
