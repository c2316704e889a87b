#!/usr/bin/env bash
# Rebuild static/fonts/: Source Serif 4 (SIL Open Font License 1.1, see
# static/fonts/SourceSerif4-LICENSE.md), subset to Latin and renamed
# "Inkwell Serif" (the OFL reserves the name "Source" for unmodified fonts;
# a subset is a modified version). Needs fonttools and brotli, in a throw-away
# virtualenv: python3 -m venv /tmp/fonts && /tmp/fonts/bin/pip install fonttools brotli
# Usage: scripts/build_fonts.sh <folder with SourceSerif4-{Regular,It,Semibold}*.woff2 or .ttf>
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=${1:?folder holding the Source Serif 4 files}
FONTTOOLS=${FONTTOOLS:-/tmp/fonts/bin}
LATIN="U+0000-00FF,U+0131,U+0152-0153,U+02BB-02BC,U+02C6,U+02DA,U+02DC,U+2000-206F,U+2074,U+20AC,U+2122,U+2191,U+2193,U+2212,U+2215,U+FEFF,U+FFFD"
for style in Regular It Semibold; do
  out="static/fonts/inkwell-serif-$(echo "$style" | tr 'A-Z' 'a-z').woff2"
  "$FONTTOOLS/pyftsubset" "$(ls "$SRC"/SourceSerif4-"$style"*.woff2 "$SRC"/SourceSerif4-"$style"*.ttf 2>/dev/null | head -1)" \
    --unicodes="$LATIN" --layout-features='kern,liga,clig,calt,onum,pnum,lnum' \
    --flavor=woff2 --output-file="$out"
  "$FONTTOOLS/python" - "$out" "$style" <<'PY'
import sys
from fontTools.ttLib import TTFont
path, style = sys.argv[1], {"It": "Italic"}.get(sys.argv[2], sys.argv[2])
font = TTFont(path)
names = {1: "Inkwell Serif", 2: "Italic" if style == "Italic" else "Regular",
         4: f"Inkwell Serif {style}", 6: f"InkwellSerif-{style}",
         16: "Inkwell Serif", 17: style}
for record in list(font["name"].names):
    if record.nameID in names:
        record.string = names[record.nameID]
font.flavor = "woff2"
font.save(path)
PY
  echo "$out: $(wc -c < "$out") bytes"
done
