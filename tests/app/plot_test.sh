#!/usr/bin/env bash
# tools/plot_results.py on a small comparison and a single run: the right files, non-empty.
ESSIM="$1"
source "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
"$ESSIM" compare tests/data/small.yaml --strategies idle,absorb_curtailment --out "$tmp/cmp" > /dev/null 2>&1
check "compare ran" test -s "$tmp/cmp/comparison.csv"
"$PY" tools/plot_results.py "$tmp/cmp" --out "$tmp/fig" > "$tmp/list.txt" 2> "$tmp/err.txt"
check "plot script exits 0 on a comparison" test $? -eq 0
# 3 strategies (idle, absorb_curtailment, optimal): 3 dispatch weeks + monthly + SOC + regret.
check "6 comparison figures" test "$(ls "$tmp/fig"/*.png | wc -l)" -eq 6
for f in "$tmp/fig"/*.png; do check "non-empty $(basename "$f")" test -s "$f"; done
check "PNG signature" test "$(head -c 4 "$tmp/fig/regret.png" | tail -c 3)" = "PNG"
"$PY" tools/plot_results.py "$tmp/cmp/optimal" --out "$tmp/run" > /dev/null 2>&1
check "plot script exits 0 on a run" test $? -eq 0
check "3 run figures" test "$(ls "$tmp/run"/*.png | wc -l)" -eq 3
"$PY" tools/plot_results.py "$tmp/nothing-here" > /dev/null 2>&1
check "a folder without results is an error" test $? -ne 0
finish plots
