#!/bin/sh
# Regenerates the JPEG decoder fixtures. Needs Go and libjpeg-turbo's cjpeg and djpeg (Debian
# package libjpeg-turbo-progs; the committed files were made with libjpeg-turbo 2.1.5).
#
# For each fixture NAME, NAME.jpg is the test picture (drawn by gen.go, 61x45 so that no
# dimension is a multiple of the MCU size) encoded with the cjpeg options listed below, and
# NAME.ppm (colour) or NAME.pgm (grey) is djpeg's output with default settings, the expected
# decode. cmyk.jpg and ycck.jpg come from gen.go itself, since cjpeg cannot write CMYK.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go run gen.go -ppm "$tmp/picture.ppm"
# A scan script for a sequential file with one scan per component (non-interleaved).
printf '0;\n1;\n2;\n' > "$tmp/separate.scans"

while read -r name opts; do
	[ -n "$name" ] || continue
	opts=$(printf '%s' "$opts" | sed "s|SEPARATE|$tmp/separate.scans|")
	# shellcheck disable=SC2086 # opts is a list of options
	cjpeg $opts -outfile "$name.jpg" "$tmp/picture.ppm"
done <<'LIST'
b444          -sample 1x1
b422          -sample 2x1
b420          -sample 2x2
b411          -sample 4x1
b440          -sample 1x2
b410          -sample 4x2
b32           -sample 3x2
mixed         -sample 2x2,1x2,2x1
grey          -grayscale
optimize      -optimize
q100          -quality 100 -sample 1x1
q5            -quality 5
separate      -scans SEPARATE
prog420       -progressive
prog444       -progressive -sample 1x1
proggrey      -progressive -grayscale
arith420      -arithmetic
arith444      -arithmetic -sample 1x1
arithgrey     -arithmetic -grayscale
arithprog     -arithmetic -progressive
restartrow    -restart 1
restartmcu    -restart 1B
progrestart   -progressive -restart 1B
arithrestart  -arithmetic -restart 1B
arithprogrst  -arithmetic -progressive -restart 2B
rgb           -rgb
rgbprog       -rgb -progressive
LIST
go run gen.go -cmyk cmyk.jpg
go run gen.go -ycck ycck.jpg

for f in *.jpg; do
	name=${f%.jpg}
	djpeg -outfile "$tmp/out" "$f"
	case $(head -c 2 "$tmp/out") in
	P5) mv "$tmp/out" "$name.pgm" ;;
	*) mv "$tmp/out" "$name.ppm" ;;
	esac
done
