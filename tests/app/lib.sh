# Shared by the end-to-end test scripts: `source` it after setting ESSIM.
# Gives $tmp (a scratch folder removed on exit), check NAME CONDITION... and finish NAME.
set -u
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fails=0
passes=0
check() {  # check NAME CONDITION...: runs CONDITION, counts it, names it when it fails
  local name="$1"; shift
  if "$@"; then passes=$((passes + 1)); else echo "FAIL: $name"; fails=$((fails + 1)); fi
}
finish() {  # finish NAME: prints the tally; the script's status is 0 only if nothing failed
  echo "$1: $passes passed, $fails failed"
  test "$fails" -eq 0
}
