#!/bin/sh
# Regenerates the fonts jindu ships in fonts/, from Debian packages:
#
#   wqy-microhei-gb2312.ttf    WenQuanYi Micro Hei          fonts-wqy-microhei     (the fallback of every family)
#   fandol-fang-gb2312.ttf     FandolFang Regular           texlive-lang-chinese   (fangsong: GB/T 9704 body text)
#   fandol-song-bold-gb2312.ttf FandolSong Bold             texlive-lang-chinese   (xiaobiaosong: titles, the red mark)
#
#   apt-get install fonts-wqy-microhei fonttools python3-fonttools
#   fonts/regenerate.sh [texlive-lang-chinese_*.deb]
#
# Each is cut down to GB 2312 (all 6763 hanzi and 682 symbols), ASCII, Latin-1 and the
# punctuation of Chinese reports. Cutting down keeps them small and keeps every glyph id
# below 32768, which libharu's TrueType subsetter needs (it reads composite glyph ids as
# signed 16-bit numbers). The Fandol fonts are OpenType/CFF, which libharu cannot read at
# all, so their outlines are converted to TrueType quadratic curves (fontTools cu2qu, at
# most 2/1000 em from the original cubic: 0.03 pt at 16 pt); hinting and glyph names are
# dropped, the vertical metrics (880/−120, the ideographic em box) kept as they are, and a
# Bold face's weight class set to 700 as its style already says.
#
# The Fandol fonts are not a Debian font package: they come inside texlive-lang-chinese
# (49 MB). Without an argument the script fetches that .deb with `apt-get download` into
# a temporary folder and unpacks it with dpkg-deb (no TeX is installed).
# Output is deterministic: the same packages give the same bytes.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
python=/usr/bin/python3 # Debian's interpreter: a pyenv python on PATH would not see Debian's fontTools
wqy=/usr/share/fonts/truetype/wqy/wqy-microhei.ttc
[ -f "$wqy" ] || { echo "regenerate.sh: $wqy missing: apt-get install fonts-wqy-microhei" >&2; exit 1; }
command -v pyftsubset >/dev/null || { echo "regenerate.sh: pyftsubset missing: apt-get install fonttools" >&2; exit 1; }
$python -c 'import fontTools.pens.cu2quPen' 2>/dev/null ||
    { echo "regenerate.sh: Debian's fontTools missing: apt-get install python3-fonttools" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chars=$work/chars.txt
$python - "$chars" <<'PY'
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

pyftsubset "$wqy" --font-number=0 --text-file="$chars" --layout-features='*' \
    --output-file="$here/wqy-microhei-gb2312.ttf"
echo "wrote $here/wqy-microhei-gb2312.ttf ($(wc -c < "$here/wqy-microhei-gb2312.ttf") bytes)"

deb=${1:-}
if [ -z "$deb" ]; then
    (cd "$work" && apt-get download texlive-lang-chinese >/dev/null) ||
        { echo "regenerate.sh: apt-get download texlive-lang-chinese failed; pass the .deb as an argument" >&2; exit 1; }
    deb=$(ls "$work"/texlive-lang-chinese_*.deb)
fi
dpkg-deb -x "$deb" "$work/deb"
fandol=$work/deb/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol

$python - "$chars" "$fandol/FandolFang-Regular.otf" "$here/fandol-fang-gb2312.ttf" \
    "$fandol/FandolSong-Bold.otf" "$here/fandol-song-bold-gb2312.ttf" <<'PY'
import sys
from fontTools import subset
from fontTools.ttLib import TTFont, newTable
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen

MAX_ERR = 2.0  # font units (1/1000 em) between a cubic curve and its quadratic stand-in
NOTE = '; GB 2312 subset converted to TrueType outlines by jindu fonts/regenerate.sh'

def in_code_point_order(font):
    """The glyphs numbered in the order of the characters they draw (.notdef first, then
    glyphs reached only through layout features in their old order). cairo finds the
    character of each glyph it embeds by scanning the font's cmap: with ids in character
    order every range of the cmap is a run of consecutive ids (a delta segment) and the
    scan ends early; in the converted fonts' own order a third of the ranges list their
    ids one by one, and finding a glyph there took a tenth of rendering a 通报."""
    cmap = font.getBestCmap()
    first_char = {}
    for code in sorted(cmap):
        first_char.setdefault(cmap[code], code)
    old = font.getGlyphOrder()
    rest = [g for g in old[1:] if g not in first_char]
    return [old[0]] + sorted(first_char, key=first_char.get) + rest

def resort_positioning(font):
    """A coverage table lists glyphs by id, and a format 2 single adjustment holds one value
    per covered glyph in that order: both re-sorted for the new ids. The Fandol fonts
    position with single adjustments only (cpct, halt, vhal …); anything else stops here
    rather than writing a font whose lookups miss."""
    gid = font.getGlyphID
    for tag in ('GSUB', 'GDEF', 'BASE', 'JSTF', 'MATH'):
        assert tag not in font, tag + ': re-sorting its glyph lists is not written'
    if 'GPOS' not in font:
        return
    for lookup in font['GPOS'].table.LookupList.Lookup:
        assert lookup.LookupType == 1, 'GPOS lookup type %d: re-sorting is not written' % lookup.LookupType
        for st in lookup.SubTable:
            glyphs = st.Coverage.glyphs
            if st.Format == 1:
                st.Coverage.glyphs = sorted(glyphs, key=gid)
            else:
                pairs = sorted(zip(glyphs, st.Value), key=lambda p: gid(p[0]))
                st.Coverage.glyphs = [g for g, _ in pairs]
                st.Value = [v for _, v in pairs]

def cut_and_convert(text, src, dst):
    font = TTFont(src, recalcTimestamp=False)
    opts = subset.Options()
    opts.layout_features = ['*']
    opts.name_IDs = ['*']
    opts.name_languages = ['*']
    opts.notdef_outline = True
    opts.hinting = False
    opts.glyph_names = False
    sub = subset.Subsetter(opts)
    sub.populate(text=text)
    sub.subset(font)

    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, MAX_ERR, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font['loca'] = newTable('loca')
    font['glyf'] = glyf = newTable('glyf')
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    del font['CFF ']
    if 'VORG' in font:
        del font['VORG']  # vertical origins of CFF fonts only
    glyf.compile(font)
    hmtx = font['hmtx']
    for name, g in glyphs.items():
        hmtx[name] = (hmtx[name][0], getattr(g, 'xMin', 0))  # TrueType: lsb = xMin
    maxp = font['maxp'] = newTable('maxp')
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    for field in ('maxTwilightPoints', 'maxStorage', 'maxFunctionDefs', 'maxInstructionDefs',
                  'maxStackElements', 'maxSizeOfInstructions', 'maxComponentElements'):
        setattr(maxp, field, 0)
    font['post'].formatType = 3.0  # no glyph names
    font['head'].glyphDataFormat = 0
    os2 = font['OS/2']
    if os2.fsSelection & 0x20:  # a Bold face whose weight class says 400: fontconfig would
        os2.usWeightClass = 700  # call it regular and embolden it again when bold is asked for
    for rec in font['name'].names:  # GPL: a modified version says so
        if rec.nameID == 5:
            rec.string = rec.toUnicode() + NOTE
    font.sfntVersion = '\0\1\0\0'
    font.ensureDecompiled()  # every table holds glyph names, compiled back to the new ids
    order = in_code_point_order(font)
    font.setGlyphOrder(order)
    font['glyf'].glyphOrder = order
    resort_positioning(font)
    assert len(order) < 32768, 'libharu needs glyph ids below 32768'
    font.save(dst)

text = open(sys.argv[1], encoding='utf-8').read()
for src, dst in zip(sys.argv[2::2], sys.argv[3::2]):
    cut_and_convert(text, src, dst)
PY
for f in fandol-fang-gb2312.ttf fandol-song-bold-gb2312.ttf; do
    echo "wrote $here/$f ($(wc -c < "$here/$f") bytes)"
done
