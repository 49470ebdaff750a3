#!/usr/bin/env python3
"""Check (not a test; ~20 s, ~40 s with --reference): strategy `optimal` over the default scenario's year
with one key changed at a time, solved with one solver thread and with two. For each
variant it prints the status, iterations, objective, solve times and ledger, and whether
the two runs' time series and objectives are the same bits (they must be: the halves a
large problem is split into do not depend on the thread count). With --reference
PATH/TO/essim (an older build), it also prints that build's iterations and the relative
difference of its objective. Exits 1 if any run fails, ends other than optimal, or the
thread counts disagree.

    /usr/bin/python3 tools/check_optimal_variants.py [--essim build/essim] [--reference OTHER/essim]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

VARIANTS = {
    "default": [],
    "export limit 0": ["grid.export_limit=0 MW"],
    "export limit 300 MW": ["grid.export_limit=300 MW"],
    "no grid charging": ["grid.allow_grid_charging=false"],
    "no import": ["grid.import_limit=0 MW"],
    "quadratic power cost": ["dispatch.optimal.power_cost=0.01"],
    "wear 100 yuan/MWh": ["dispatch.optimal.wear_cost=100 yuan/MWh"],
    "curtailment penalty": ["dispatch.optimal.curtailment_penalty=500 yuan/MWh"],
    "terminal SOC 90 %": ["dispatch.optimal.terminal_soc=90 %"],
    "no self-discharge": ["storage.self_discharge=0 %/day"],
    "lossless": ["storage.efficiency={charge: 100 %, discharge: 100 %}"],
    "SOC window 49-51 %": ["storage.soc={min: 49 %, max: 51 %, initial: 50 %}"],
    "hourly": ["time.step=1 h"],
    "30 min": ["time.step=30 min"],
    "unequal phases": ["storage.phases[1].energy=1500 MWh"],
    "phase 2 from July": ["storage.phases[1].in_service=2025-07-01T00:00:00+08:00"],
    "90-day windows": ["dispatch.optimal.window=90 d"],
    "5 min, 4 months": ["time.step=5 min", "time.end=2025-05-01T00:00:00+08:00"],
}


def run(essim, sets, threads, out):
    cmd = [essim, "run", "scenarios/jiayuguan-2025.yaml", "--strategy", "optimal", "--json", "--out", out]
    if threads:
        cmd += ["--threads", str(threads)]
    for s in sets:
        cmd += ["--set", s]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        return None, (p.stderr or p.stdout).strip()[:300]
    s = json.loads(p.stdout.strip().splitlines()[-1])
    with open(os.path.join(out, "timeseries.csv"), "rb") as f:
        series = f.read()
    return (s["solver"], s["checks"]["max_ledger_imbalance_mw"], series), None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--essim", default="build/essim")
    ap.add_argument("--reference", help="another essim build to compare objectives with")
    a = ap.parse_args()
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    tmp = tempfile.mkdtemp(prefix="essim-variants-")
    bad = 0
    for name, sets in VARIANTS.items():
        r1, e1 = run(a.essim, sets, 1, os.path.join(tmp, "t1"))
        r2, e2 = run(a.essim, sets, 2, os.path.join(tmp, "t2"))
        if r1 is None or r2 is None:
            print(f"{name:24s} FAILED: {e1 or e2}")
            bad += 1
            continue
        s1, s2 = r1[0], r2[0]
        same = s1["objective_yuan"] == s2["objective_yuan"] and r1[2] == r2[2]
        line = (f"{name:24s} {s1['status']:>9s} {s1['iterations']:3d} it  {s1['objective_yuan']:>20.6f} yuan  "
                f"1 thread {s1['solve_time_s']:.3f} s  2 threads {s2['solve_time_s']:.3f} s  "
                f"same bits {'yes' if same else 'NO'}  ledger {r1[1]:.1e} MW")
        if a.reference:
            rr, er = run(a.reference, sets, None, os.path.join(tmp, "ref"))
            if rr is None:
                line += f"  | reference failed: {er}"
            else:
                ref = rr[0]["objective_yuan"]
                line += f"  | reference {rr[0]['iterations']} it, rel. diff {abs(ref - s1['objective_yuan']) / (1 + abs(ref)):.1e}"
        print(line, flush=True)
        bad += (s1["status"] != "optimal") + (s2["status"] != "optimal") + (not same)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
