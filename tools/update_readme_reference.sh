#!/usr/bin/env bash
# Regenerates the README's scenario reference from the schema (`essim reference`).
# Usage: tools/update_readme_reference.sh [path/to/essim]
set -euo pipefail
cd "$(dirname "$0")/.."
essim="${1:-build/essim}"
ref="$(mktemp)"
out="$(mktemp)"
trap 'rm -f "$ref" "$out"' EXIT
sref="$(mktemp)"
trap 'rm -f "$ref" "$out" "$sref"' EXIT
"$essim" reference > "$ref"
"$essim" reference --sweep > "$sref"
awk -v ref="$ref" -v sref="$sref" '
  /<!-- BEGIN SCENARIO REFERENCE/ { print; while ((getline line < ref) > 0) print line; skip = 1; next }
  /<!-- END SCENARIO REFERENCE/ { skip = 0 }
  /<!-- BEGIN SWEEP REFERENCE/ { print; while ((getline line < sref) > 0) print line; skip = 1; next }
  /<!-- END SWEEP REFERENCE/ { skip = 0 }
  !skip { print }
' README.md > "$out"
cp "$out" README.md
echo "README.md scenario and sweep references updated"
