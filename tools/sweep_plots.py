#!/usr/bin/python3
"""Figures from a sweep database (`essim sweep`), and an example of reading one.

    /usr/bin/python3 tools/sweep_plots.py out/sweeps/sizing [--out DIR]
        [--metric revenue_yuan.net] [--x KEY] [--group KEY] [--heat KEY KEY]

Writes two PNG files:
  metric_vs_<x>.png   the metric against one swept parameter, one line per value of another
                      (default: net revenue against storage energy, one line per export limit)
  heatmap.png         the metric over two swept parameters (mean over the others)

The database has a table `cases` (one row per case: case_id, status, the swept
parameters, every KPI of summary.json) and a table `parameters` (key, numeric, unit).
Numeric parameters are stored in essim's canonical unit (MW, MWh, s, yuan/MWh ...).
Needs Debian's python3-pandas and python3-matplotlib.
"""
import argparse
import os
import sqlite3
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402


def load(path):
    """The ok cases and the parameter table of a sweep database (or its folder)."""
    db = os.path.join(path, "sweep.sqlite") if os.path.isdir(path) else path
    if not os.path.exists(db):
        sys.exit(f"sweep_plots: no database at {db}")
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        cases = pd.read_sql_query("SELECT * FROM cases WHERE status = 'ok' ORDER BY case_index", con)
        params = pd.read_sql_query("SELECT * FROM parameters ORDER BY position", con)
    return cases, params


def label(key, params):
    unit = params.loc[params.key == key, "unit"]
    return f"{key} [{unit.iloc[0]}]" if len(unit) and unit.iloc[0] else key


def pick(params, word, exclude=()):
    numeric = [k for k, n in zip(params.key, params.numeric) if n and k not in exclude]
    for k in numeric:
        if word in k:
            return k
    return numeric[0] if numeric else None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sweep", help="sweep output folder or its sweep.sqlite")
    ap.add_argument("--out", help="folder for the PNG files (default: the sweep folder)")
    ap.add_argument("--metric", default="revenue_yuan.net", help="KPI column (default revenue_yuan.net)")
    ap.add_argument("--x", help="parameter on the x axis (default: the first with 'energy' in its key)")
    ap.add_argument("--group", help="one line per value of this parameter (default: the first with 'export_limit')")
    ap.add_argument("--heat", nargs=2, metavar="KEY", help="the two parameters of the heat map")
    a = ap.parse_args()

    cases, params = load(a.sweep)
    if cases.empty:
        sys.exit("sweep_plots: the database holds no successful case")
    if a.metric not in cases:
        sys.exit(f"sweep_plots: no column {a.metric!r}")
    x = a.x or pick(params, "energy")
    group = a.group or pick(params, "export_limit", exclude=(x,))
    if x is None:
        sys.exit("sweep_plots: the sweep has no numeric parameter to plot against")
    out = a.out or (a.sweep if os.path.isdir(a.sweep) else os.path.dirname(a.sweep))
    os.makedirs(out, exist_ok=True)
    scale, unit = (1e6, "M yuan") if a.metric.endswith("_yuan") or "yuan" in a.metric else (1.0, "")

    # The metric against x, one line per group value (mean over the other parameters).
    fig, ax = plt.subplots(figsize=(7, 4.5))
    if group and group != x:
        for g, part in cases.groupby(group):
            line = part.groupby(x)[a.metric].mean() / scale
            ax.plot(line.index, line.values, marker="o", label=f"{g:g}")
        ax.legend(title=label(group, params), fontsize=8)
    else:
        line = cases.groupby(x)[a.metric].mean() / scale
        ax.plot(line.index, line.values, marker="o")
    ax.set_xlabel(label(x, params))
    ax.set_ylabel(f"{a.metric} [{unit}]" if unit else a.metric)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    name = "metric_vs_" + "".join(c if c.isalnum() else "_" for c in x) + ".png"
    fig.savefig(os.path.join(out, name), dpi=110)
    plt.close(fig)

    # Heat map over two parameters.
    hx, hy = a.heat if a.heat else (x, group or pick(params, "power", exclude=(x,)))
    if hy is not None and hy != hx:
        grid = cases.pivot_table(index=hy, columns=hx, values=a.metric, aggfunc="mean") / scale
        fig, ax = plt.subplots(figsize=(7, 4.5))
        im = ax.imshow(grid.values, origin="lower", aspect="auto", cmap="viridis")
        ax.set_xticks(range(len(grid.columns)), [f"{v:g}" for v in grid.columns])
        ax.set_yticks(range(len(grid.index)), [f"{v:g}" for v in grid.index])
        for i in range(grid.shape[0]):
            for j in range(grid.shape[1]):
                ax.text(j, i, f"{grid.values[i, j]:.4g}", ha="center", va="center", fontsize=7, color="w")
        ax.set_xlabel(label(hx, params))
        ax.set_ylabel(label(hy, params))
        fig.colorbar(im, ax=ax, label=f"{a.metric} [{unit}]" if unit else a.metric)
        fig.tight_layout()
        fig.savefig(os.path.join(out, "heatmap.png"), dpi=110)
        plt.close(fig)
    print(f"sweep_plots: {len(cases)} cases -> {out}")


if __name__ == "__main__":
    main()
