#!/usr/bin/env python3
"""Benchmark (not a test): the rolling-horizon year of issue 5 through `essim run`, on one
core, for several forecast set-ups of one scenario: a year at its time step, replanned
as the scenario says (compare-strategies.yaml: 48 h horizon, every hour). Each case runs
--repeat times, interleaved with the others; the best and worst whole-run wall times are
printed with the solver's share, the iterations and the net revenue.

Cases (each a list of --set overrides on top of the scenario):
  benchmark          noisy PV (5 % at 1 h, 25 % at 24 h), day-persistence prices
  persistence        day persistence for PV, load and price
  noisy              noisy PV, load and price (the shipped variant rolling_horizon_noisy)
  perfect            perfect forecasts
  noisy-whole-station  all noisy, the station set to two 500 MW / 1000 MWh phases in
                     service from the first step (the default's phase 2 enters in June)

Run with any Python 3:  tools/bench_rolling.py [--essim build/essim]
    [--scenario scenarios/compare-strategies.yaml] [--cases benchmark,noisy] [--repeat 3]
    [--set KEY=VALUE ...] (extra overrides for every case, e.g. a tolerance or a station)
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

RH = "dispatch.rolling_horizon."
NOISY_PV = RH + "pv_forecast={model: noisy, sigma_1h: 5 %, sigma_24h: 25 %, seed: 11}"
CASES = {
    "benchmark": [NOISY_PV, RH + "price_forecast={model: persistence_day}"],
    "persistence": [RH + f"{x}_forecast={{model: persistence_day}}" for x in ("pv", "load", "price")],
    "noisy": [NOISY_PV,
              RH + "load_forecast={model: noisy, sigma_1h: 2 %, sigma_24h: 8 %, seed: 12}",
              RH + "price_forecast={model: noisy, sigma_1h: 5 %, sigma_24h: 15 %, seed: 13}"],
    "perfect": [RH + f"{x}_forecast={{model: perfect}}" for x in ("pv", "load", "price")],
}
# The whole station (both 500 MW / 1000 MWh phases) in service from the first step, all noisy.
CASES["noisy-whole-station"] = CASES["noisy"] + [
    "storage.phases=[{name: phase-1, power: 500 MW, energy: 1000 MWh, aux_power: 5 MW}, "
    "{name: phase-2, power: 500 MW, energy: 1000 MWh, aux_power: 5 MW}]"]


def run_case(essim, scenario, sets, out):
    cmd = [essim, "run", scenario, "--strategy", "rolling_horizon", "--json", "--out", out]
    for s in sets:
        cmd += ["--set", s]
    if shutil.which("taskset"):
        cmd = ["taskset", "-c", "0"] + cmd  # one core, as the issue states
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"essim failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr}")
    s = json.loads(p.stdout.strip().splitlines()[-1])
    return (s["wall_time_s"]["total"], s["solver"]["solve_time_s"], s["solver"]["iterations"],
            s["solver"]["windows"], s["revenue_yuan"]["net"], s["solver"]["status"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--essim", default="build/essim")
    ap.add_argument("--scenario", default="scenarios/compare-strategies.yaml")
    ap.add_argument("--cases", default=",".join(CASES))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--set", action="append", default=[], help="extra override for every case")
    a = ap.parse_args()
    names = [c.strip() for c in a.cases.split(",") if c.strip()]
    for n in names:
        if n not in CASES:
            sys.exit(f"unknown case {n!r}; known: {', '.join(CASES)}")
    tmp = tempfile.mkdtemp(prefix="essim-bench-rolling-")
    runs = {n: [] for n in names}
    for _ in range(max(1, a.repeat)):
        for n in names:
            runs[n].append(run_case(a.essim, a.scenario, CASES[n] + a.set, os.path.join(tmp, n)))
    shutil.rmtree(tmp, ignore_errors=True)
    print(f"scenario {a.scenario}, strategy rolling_horizon, one core; {max(1, a.repeat)} interleaved runs per case")
    print(f"{'case':<20} {'wall s (best-worst)':>20} {'solver s':>9} {'iterations':>11} {'windows':>8} "
          f"{'net revenue yuan':>18} status")
    for n in names:
        r = runs[n]
        best = min(r)
        print(f"{n:<20} {best[0]:>9.3f}-{max(x[0] for x in r):<10.3f} {best[1]:>9.3f} {best[2]:>11} {best[3]:>8} "
              f"{best[4]:>18.1f} {best[5]}")


if __name__ == "__main__":
    main()
