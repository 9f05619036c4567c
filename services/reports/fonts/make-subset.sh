#!/usr/bin/env bash
# How the fonts in this folder were made (run again only to change the character set).
# DejaVu Sans and DejaVu Sans Bold 2.37 (Debian fonts-dejavu-core), cut to Latin (with the
# extended and Vietnamese ranges), Greek, Cyrillic, punctuation, currency and a few symbols,
# hinting and the OpenType layout tables dropped: 136 KB + 136 KB instead of 760 KB + 709 KB.
# pdf-lib places glyphs by their advance widths and ignores kerning anyway, and without layout
# tables fontkit maps characters to glyphs directly (a 2,000-claim report drew 3x faster).
# Text is NFC-normalised before drawing, so accented letters are single precomposed glyphs.
# Needs fonttools (apt: fonttools).
# Licence: LICENSE beside this file (Bitstream Vera licence; DejaVu changes public domain).
set -euo pipefail
cd "$(dirname "$0")"
SRC=${SRC:-/usr/share/fonts/truetype/dejavu}
UNICODES="U+0020-007E,U+00A0-024F,U+0259,U+02B0-036F,U+0370-03FF,U+0400-052F,U+1E00-1EFF,U+1F00-1FFF,U+2000-206F,U+20A0-20CF,U+2100-215F,U+2190-21FF,U+2212,U+2264,U+2265,U+2260,U+221E,U+2022,U+25A0-25FF,U+2713,U+2717,U+FFFD"
for f in DejaVuSans DejaVuSans-Bold; do
  pyftsubset "$SRC/$f.ttf" --unicodes="$UNICODES" --no-hinting --layout-features='' --drop-tables+=GSUB,GPOS,GDEF,kern --name-IDs='*' --output-file="$f.ttf"
done
