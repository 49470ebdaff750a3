#!/usr/bin/env bash
# Regenerates the README's scenario reference from the schema (`essim reference`).
# Usage: tools/update_readme_reference.sh [path/to/essim]
set -euo pipefail
cd "$(dirname "$0")/.."
essim="${1:-build/essim}"
ref="$(mktemp)"
out="$(mktemp)"
trap 'rm -f "$ref" "$out"' EXIT
"$essim" reference > "$ref"
awk -v ref="$ref" '
  /<!-- BEGIN SCENARIO REFERENCE/ { print; while ((getline line < ref) > 0) print line; skip = 1; next }
  /<!-- END SCENARIO REFERENCE/ { skip = 0 }
  !skip { print }
' README.md > "$out"
cp "$out" README.md
echo "README.md scenario reference updated"
