#!/usr/bin/env bash
# Seeds the (git-ignored) fuzz/corpus/<target> folders from ../shared/corpus.
set -euo pipefail
cd "$(dirname "$0")"
src=../../shared/corpus
for target in strip stripper; do
  mkdir -p "corpus/$target"
  find "$src" -type f ! -name '*.tsv' ! -name '*.md' -size -200k -exec cp -t "corpus/$target" {} +
done
echo "seeded: $(ls corpus/strip | wc -l) files per target"
