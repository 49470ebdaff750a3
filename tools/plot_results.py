#!/usr/bin/env python3
"""Figures from an essim run folder or comparison folder (PNG, no display needed).

Run with Debian's Python (numpy, pandas, matplotlib from python3-pandas, python3-matplotlib):

    /usr/bin/python3 tools/plot_results.py RESULTS_DIR [--out FIGURES_DIR] [--week 2025-07-14]

RESULTS_DIR is either a run folder (timeseries.csv + summary.json) or a comparison folder
(comparison.csv + one subfolder per strategy). Figures written:
  run:        dispatch_week.png (stack of PV, charge/discharge, export, curtailment with SOC
              and price for the chosen week), soc_distribution.png, monthly_revenue.png
  comparison: the same three per strategy subfolder (dispatch_week, soc distribution for
              all strategies in one figure), monthly_revenue.png by strategy, regret.png
It prints the list of files written.
"""
import argparse
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402


def load_run(folder):
    ts = pd.read_csv(os.path.join(folder, "timeseries.csv"))
    ts["time"] = pd.to_datetime(ts["time"].str.slice(0, 19))  # local clock of the scenario
    with open(os.path.join(folder, "summary.json")) as f:
        summary = json.load(f)
    return ts.set_index("time"), summary


def dispatch_week(ts, week_start, path, title):
    start = pd.Timestamp(week_start) if week_start else ts.index[0]
    w = ts.loc[start:start + pd.Timedelta(days=7)]
    if w.empty:
        w = ts.iloc[: 7 * 96]
    fig, ax = plt.subplots(figsize=(12, 5))
    ax.fill_between(w.index, 0, w["pv_mw"] - w["curtailed_mw"], color="#f2b134", alpha=0.6, label="PV used")
    ax.fill_between(w.index, w["pv_mw"] - w["curtailed_mw"], w["pv_mw"], color="#d1495b", alpha=0.6, label="curtailed")
    ax.plot(w.index, w["discharge_mw"] - w["charge_mw"], color="#2e4057", lw=1.2, label="storage net (+ discharge)")
    ax.plot(w.index, w["export_mw"], color="#66a182", lw=1.0, label="export")
    ax.set_ylabel("MW")
    ax2 = ax.twinx()
    ax2.plot(w.index, w["soc_mwh"], color="#00798c", lw=1.5, ls="--", label="stored energy")
    ax2.set_ylabel("MWh")
    ax3 = ax.twinx()
    ax3.spines["right"].set_position(("outward", 60))
    ax3.step(w.index, w["price_yuan_per_mwh"], color="grey", lw=0.8, where="post", label="price")
    ax3.set_ylabel("yuan/MWh")
    lines = sum((a.get_legend_handles_labels()[0] for a in (ax, ax2, ax3)), [])
    labels = sum((a.get_legend_handles_labels()[1] for a in (ax, ax2, ax3)), [])
    ax.legend(lines, labels, loc="upper left", fontsize=8, ncol=3)
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def monthly_revenue(series_by_name, path):
    fig, ax = plt.subplots(figsize=(10, 4.5))
    names = list(series_by_name)
    width = 0.8 / max(1, len(names))
    for i, name in enumerate(names):
        ts = series_by_name[name]
        dt_h = (ts.index[1] - ts.index[0]).total_seconds() / 3600.0 if len(ts) > 1 else 0.25
        value = (ts["discharge_mw"] - ts["charge_mw"] - ts["aux_mw"]) * ts["price_yuan_per_mwh"] * dt_h / 1e6
        monthly = value.groupby(ts.index.month).sum()
        ax.bar(monthly.index + (i - (len(names) - 1) / 2) * width, monthly.values, width, label=name)
    ax.set_xlabel("month")
    ax.set_ylabel("energy margin, million yuan")
    ax.set_title("Monthly energy margin (discharge − charge − aux, at the energy price)")
    if len(names) > 1:
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def soc_distribution(series_by_name, path):
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for name, ts in series_by_name.items():
        ax.hist(ts["soc_mwh"], bins=40, histtype="step", lw=1.5, label=name, density=True)
    ax.set_xlabel("stored energy, MWh")
    ax.set_ylabel("share of steps (density)")
    ax.set_title("Distribution of stored energy")
    if len(series_by_name) > 1:
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def regret_bars(comparison, path):
    c = comparison[comparison["strategy"] != "optimal"]
    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.barh(c["strategy"], c["regret_yuan"] / 1e6, color="#d1495b")
    for y, (v, pct) in enumerate(zip(c["regret_yuan"] / 1e6, c["regret_pct"])):
        ax.text(v, y, f" {pct:.2f} %", va="center", fontsize=8)
    ax.set_xlabel("regret against perfect foresight, million yuan")
    ax.set_title("Regret by strategy")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results")
    ap.add_argument("--out", default=None)
    ap.add_argument("--week", default=None, help="first day of the week to draw, YYYY-MM-DD (default: the first)")
    a = ap.parse_args()
    out = a.out or os.path.join(a.results, "figures")
    os.makedirs(out, exist_ok=True)
    written = []
    comparison_csv = os.path.join(a.results, "comparison.csv")
    if os.path.exists(comparison_csv):
        comparison = pd.read_csv(comparison_csv)
        series = {}
        for name in comparison["strategy"]:
            folder = os.path.join(a.results, name)
            if not os.path.exists(os.path.join(folder, "timeseries.csv")):
                continue
            ts, _ = load_run(folder)
            series[name] = ts
            p = os.path.join(out, f"dispatch_week_{name}.png")
            dispatch_week(ts, a.week, p, f"{name}: one week")
            written.append(p)
        for fn, path in ((monthly_revenue, "monthly_revenue.png"), (soc_distribution, "soc_distribution.png")):
            fn(series, os.path.join(out, path))
            written.append(os.path.join(out, path))
        regret_bars(comparison, os.path.join(out, "regret.png"))
        written.append(os.path.join(out, "regret.png"))
    elif os.path.exists(os.path.join(a.results, "timeseries.csv")):
        ts, summary = load_run(a.results)
        name = summary["strategy"]["name"]
        p = os.path.join(out, "dispatch_week.png")
        dispatch_week(ts, a.week, p, f"{summary['scenario']['name']} ({name}): one week")
        written.append(p)
        monthly_revenue({name: ts}, os.path.join(out, "monthly_revenue.png"))
        soc_distribution({name: ts}, os.path.join(out, "soc_distribution.png"))
        written += [os.path.join(out, "monthly_revenue.png"), os.path.join(out, "soc_distribution.png")]
    else:
        sys.exit(f"{a.results}: neither a run folder (timeseries.csv) nor a comparison folder (comparison.csv)")
    for p in written:
        print(p)


if __name__ == "__main__":
    main()
