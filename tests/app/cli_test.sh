#!/usr/bin/env bash
# End-to-end checks of the essim command line: exit codes, located errors on stderr,
# nothing written for a bad scenario, outputs for a good one, --set, --json, and the
# README's scenario reference equal to `essim reference`.
ESSIM="$1"
source "$(dirname "$0")/lib.sh"

"$ESSIM" validate scenarios/jiayuguan-2025.yaml > "$tmp/v.out" 2>&1
check "validate good exits 0" test $? -eq 0

"$ESSIM" validate tests/data/bad/negative-power.yaml > "$tmp/bad.out" 2> "$tmp/bad.err"
check "validate bad exits 2" test $? -eq 2
check "error names file:line:col and key" grep -q "negative-power.yaml:5:14: storage.phases\[0\].power: expected power > 0 MW" "$tmp/bad.err"
check "error shows a caret" grep -q "^      |              ^" "$tmp/bad.err"

"$ESSIM" run tests/data/bad/csv-bad-row.yaml --out "$tmp/never" > /dev/null 2> "$tmp/csv.err"
check "bad CSV exits 2" test $? -eq 2
check "bad CSV names its row" grep -q "bad-row.csv:4:27" "$tmp/csv.err"
check "nothing written for a bad scenario" test ! -e "$tmp/never"

"$ESSIM" run tests/data/small.yaml --out "$tmp/small" > "$tmp/run.out" 2>&1
check "run exits 0" test $? -eq 0
check "timeseries written" test -s "$tmp/small/timeseries.csv"
check "summary written" test -s "$tmp/small/summary.json"
check "96 rows + header" test "$(wc -l < "$tmp/small/timeseries.csv")" -eq 97
check "no temp files left" test -z "$(ls "$tmp/small" | grep tmp)"

# A failing run (bad --set) leaves the previous outputs untouched.
cp "$tmp/small/summary.json" "$tmp/summary.before"
"$ESSIM" run tests/data/small.yaml --out "$tmp/small" --set "storage.phases[0].energy=-1 MWh" > /dev/null 2> "$tmp/set.err"
check "bad --set exits 2" test $? -eq 2
check "bad --set located" grep -q "^--set #1:1:26: storage.phases\[0\].energy" "$tmp/set.err"
check "previous outputs untouched" cmp -s "$tmp/small/summary.json" "$tmp/summary.before"

"$ESSIM" run tests/data/small.yaml --out "$tmp/json" --json --set "dispatch.strategy=absorb_curtailment" > "$tmp/j.out" 2> "$tmp/j.err"
check "--json exits 0" test $? -eq 0
check "--json prints one JSON object" test "$(head -c 1 "$tmp/j.out")" = "{"
check "--json strategy applied" grep -q '"name":"absorb_curtailment"' "$tmp/j.out"

"$ESSIM" run > /dev/null 2>&1
check "usage error exits 2" test $? -eq 2
"$ESSIM" frobnicate > /dev/null 2>&1
check "unknown command exits 2" test $? -eq 2

# Weather-driven PV with per-plant detail columns.
"$ESSIM" run tests/data/small.yaml --out "$tmp/pv" --quiet --set 'pv={source: plants, plants: [{name: a, dc_capacity: 100 MW}, {name: b, dc_capacity: 50 MW, mounting: {type: single_axis}}]}' --set output.pv_detail=true 2> "$tmp/pv.err"
check "weather-driven run exits 0" test $? -eq 0
header="$(head -1 "$tmp/pv/timeseries.csv")"
for col in solar_zenith_deg solar_azimuth_deg 'aoi_deg\[a\]' 'poa_w_m2\[b\]' 'cell_temp_c\[a\]' 'pv_dc_mw\[b\]' 'pv_ac_mw\[a\]'; do
  check "pv detail column $col" grep -q ",$col" <<< "$header"
done

# export-lp writes an MPS that an independent solver reads and solves.
"$ESSIM" export-lp tests/data/small.yaml --set dispatch.strategy=optimal -o "$tmp/lp/small.mps" > "$tmp/lp.out" 2>&1
check "export-lp exits 0" test $? -eq 0
check "export-lp wrote the file" test -s "$tmp/lp/small.mps"
if command -v glpsol > /dev/null; then
  glpsol --freemps "$tmp/lp/small.mps" -o "$tmp/lp/glp.txt" > /dev/null 2>&1
  check "glpsol solves the exported problem" grep -q "OPTIMAL" "$tmp/lp/glp.txt"
fi

# compare: several strategies on the same inputs, regret against the optimum never negative.
"$ESSIM" compare tests/data/small.yaml --strategies idle,absorb_curtailment,rolling_horizon --out "$tmp/cmp" > "$tmp/cmp.out" 2>&1
check "compare exits 0" test $? -eq 0
check "comparison.csv has 4 rows (3 + the optimum)" test "$(tail -n +2 "$tmp/cmp/comparison.csv" | wc -l)" -eq 4
# (to the solvers' tolerance: both plans are optimal to 1e-8 relative, so a strategy that
# reaches the optimum may land a few 1e-10 of the revenue above the reference)
check "every regret is >= 0" awk -F, 'function abs(v) { return v < 0 ? -v : v }
  NR > 1 && $4 < -1e-8 * (1 + abs($3)) { bad = 1 } END { exit bad }' "$tmp/cmp/comparison.csv"
check "each strategy has its own outputs" test -s "$tmp/cmp/rolling_horizon/summary.json"
"$ESSIM" compare tests/data/small.yaml --strategies idle,nonsense --out "$tmp/cmp2" > /dev/null 2>&1
check "compare with an unknown name exits 2" test $? -eq 2
check "nothing written for a bad compare" test ! -e "$tmp/cmp2"

# The year-long optimum is solved by two halves in time; one solver thread or two give
# the same bits (outputs compared byte for byte, wall times aside).
for t in 1 2; do
  "$ESSIM" run scenarios/jiayuguan-2025.yaml --strategy optimal --threads $t --out "$tmp/opt$t" > /dev/null 2>&1
  check "optimal year with --threads $t exits 0" test $? -eq 0
done
check "--threads 1 and 2: the same time series" cmp -s "$tmp/opt1/timeseries.csv" "$tmp/opt2/timeseries.csv"
check "--threads 1 and 2: the same objective" test "$(grep -o '"objective_yuan":[^,]*' "$tmp/opt1/summary.json")" = "$(grep -o '"objective_yuan":[^,]*' "$tmp/opt2/summary.json")"
"$ESSIM" run scenarios/jiayuguan-2025.yaml --strategy optimal --threads 0 --out "$tmp/opt0" > /dev/null 2>&1
check "--threads 0 is a usage error" test $? -eq 2

# The README's scenario reference is generated: it must equal `essim reference`.
"$ESSIM" reference > "$tmp/ref.md"
sed -n '/<!-- BEGIN SCENARIO REFERENCE/,/<!-- END SCENARIO REFERENCE/p' README.md | sed '1d;$d' > "$tmp/readme-ref.md"
check "README scenario reference is current (regenerate: tools/update_readme_reference.sh)" diff -q "$tmp/ref.md" "$tmp/readme-ref.md"
"$ESSIM" reference --sweep > "$tmp/sref.md"
sed -n '/<!-- BEGIN SWEEP REFERENCE/,/<!-- END SWEEP REFERENCE/p' README.md | sed '1d;$d' > "$tmp/readme-sref.md"
check "README sweep reference is current (regenerate: tools/update_readme_reference.sh)" diff -q "$tmp/sref.md" "$tmp/readme-sref.md"

finish cli
