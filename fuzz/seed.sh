#!/usr/bin/env bash
# Seeds the (git-ignored) fuzz/corpus/<target> folders from ../shared/corpus, or
# DIR/<target> when called as `seed.sh DIR` (CI seeds a temporary folder, so that each run
# starts from the seeds alone).
#
# `strip` and `stripper` get every corpus file. Each per-format target gets the files of its
# format's folders (`jpeg` ← corpus/jpeg and malformed/jpeg_*, `heif` ← corpus/heif,
# corpus/avif and malformed/heif_*, avif_*), with the bytes the target writes itself taken
# off again, so that a seed turns back into the original file inside the target:
#   jpeg: the 2-byte SOI; png: the 8-byte signature; gif: `GIF8?a`; bmp: `BM`;
#   webp: `RIFF` and `WEBP` around the RIFF size; heif: `ftyp` after the first box size;
#   jxl (from ../shared/corpus-jxl): the 12-byte signature box.
# Files over 200 KB are left out (they slow every execution down and add little).
set -euo pipefail
dest=$(realpath -m "${1:-$(dirname "$0")/corpus}")
cd "$(dirname "$0")"
src=../../shared/corpus
jxl=../../shared/corpus-jxl
[ -d "$src" ] || { echo "seed.sh: no corpus at $src" >&2; exit 1; }
[ -d "$jxl" ] || { echo "seed.sh: no JPEG XL corpus at $jxl" >&2; exit 1; }

small() { find "$@" -type f ! -name '*.tsv' ! -name '*.md' -size -200k -print0 2>/dev/null; }

for target in strip stripper; do
  mkdir -p "$dest/$target"
  small "$src" "$jxl" | xargs -0 cp -t "$dest/$target"
done

# seed TARGET SKIP_HEAD KEEP_HEAD SKIP_MORE FOLDERS...: each file becomes its bytes
# [SKIP_HEAD, SKIP_HEAD + KEEP_HEAD) followed by those from SKIP_HEAD + KEEP_HEAD + SKIP_MORE on.
seed() {
  local target=$1 skip=$2 keep=$3 more=$4
  shift 4
  mkdir -p "$dest/$target"
  local f n=0
  while IFS= read -r -d '' f; do
    {
      if [ "$keep" -gt 0 ]; then head -c $((skip + keep)) "$f" | tail -c "$keep"; fi
      tail -c +$((skip + keep + more + 1)) "$f"
    } >"$dest/$target/$(basename "$(dirname "$f")")_$(basename "$f")"
    n=$((n + 1))
  done < <(small "$@")
  echo "seeded $target: $n files"
}

seed jpeg 2 0 0 "$src/jpeg" "$src"/malformed/jpeg_*
seed png 8 0 0 "$src/png" "$src"/malformed/png_*
seed gif 6 0 0 "$src/gif" "$src"/malformed/gif_*
seed bmp 2 0 0 "$src/bmp" "$src"/malformed/bmp_*
seed webp 4 4 4 "$src/webp" "$src"/malformed/webp_*
seed heif 0 4 4 "$src/heif" "$src/avif" "$src"/malformed/heif_* "$src"/malformed/avif_*
seed jxl 12 0 0 "$jxl/jxl" "$jxl/malformed"
echo "seeded strip, stripper: $(ls "$dest/strip" | wc -l) files each"
