#!/usr/bin/python3
"""Line and heat-map plots from a sweep table (results.json or results.csv of scripts/sweep.py),
written as PNG and SVG. scripts/sweep.py draws its spec's "plots" itself at the end of a sweep;
this is for drawing again, or other plots of a table.

  scripts/plot.py TABLE --kind line --x hbm_gbps --series batch --metric run.total_ns --out out/p
  scripts/plot.py TABLE --kind heatmap --x hbm_gbps --y ddr_gbps --metric run.total_ns --out out/h
  scripts/plot.py TABLE --spec SPEC.json --outdir docs/img     # every entry of the spec's "plots"

Only rows with status "ok" are drawn. --metric may repeat for line plots (one panel each).
--where COL=VALUE keeps only matching rows. A metric ending in _ns can be shown in us or ms with
--scale (e.g. --scale 1e-3 --unit us). Errors are one line, exit code 2. The code is in
sweeplib/plots.py.
"""
import argparse
import csv
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sweeplib.plots import PLOT_KEYS, PlotError, _parse, plot, spec_plots  # noqa: E402


def load_table(path):
    if path.endswith(".json"):
        with open(path) as f:
            doc = json.load(f)
        return doc["columns"], doc["rows"]
    with open(path) as f:
        rows = list(csv.DictReader(f))
    cols = list(rows[0]) if rows else []
    return cols, [{k: _parse(v) for k, v in r.items()} for r in rows]


def draw(cols, rows, p, prefix, formats):
    for f in plot(cols, rows, p, prefix, formats):
        print(f"plot: wrote {f}", file=sys.stderr)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Line and heat-map plots of a sweep table.")
    ap.add_argument("table", help="results.json or results.csv from scripts/sweep.py")
    ap.add_argument("--kind", choices=("line", "heatmap"), default="line")
    ap.add_argument("--x")
    ap.add_argument("--y", help="heatmap: the row parameter")
    ap.add_argument("--series", help="line: one line per value of this column")
    ap.add_argument("--metric", action="append", help="column to draw (repeatable for line plots)")
    ap.add_argument("--where", action="append", default=[], help="COL=VALUE: keep only matching rows")
    ap.add_argument("--logx", action="store_true", help="log2 x axis")
    ap.add_argument("--logy", action="store_true")
    ap.add_argument("--scale", type=float, default=1.0, help="multiply the metric (1e-3: ns -> us)")
    ap.add_argument("--unit", help="unit shown in the metric's label")
    ap.add_argument("--title")
    ap.add_argument("--out", help="output prefix: writes PREFIX.png and PREFIX.svg")
    ap.add_argument("--spec", help="draw every entry of this sweep spec's \"plots\" list")
    ap.add_argument("--outdir", default=".", help="with --spec: where PNG/SVG files go")
    ap.add_argument("--formats", default="png,svg", help="comma-separated: png, svg (default both)")
    a = ap.parse_args(argv)
    cols, rows = load_table(a.table)
    formats = tuple(f for f in a.formats.split(",") if f)
    try:
        if a.spec:
            with open(a.spec) as f:
                plots = json.load(f).get("plots", [])
            if not plots:
                raise PlotError(f"{a.spec} has no \"plots\"")
            for i, p in enumerate(spec_plots(plots, formats)):
                unknown = [k for k in p if k not in PLOT_KEYS + ("formats",) and not k.startswith("_")]
                if unknown:
                    raise PlotError(f"{a.spec}:/plots/{i}/{unknown[0]}: unknown key (known: {', '.join(PLOT_KEYS)})")
                draw(cols, rows, p, os.path.join(a.outdir, p["file"]), formats)
            return 0
        if not (a.x and a.metric and a.out) or (a.kind == "heatmap" and not a.y):
            ap.error("needs --x, --metric and --out (and --y for a heatmap), or --spec")
        draw(cols, rows, {"kind": a.kind, "x": a.x, "y": a.y, "series": a.series, "metric": a.metric,
                          "where": a.where, "logx": a.logx, "logy": a.logy, "title": a.title, "scale": a.scale,
                          "unit": a.unit}, a.out, formats)
    except PlotError as e:
        print(f"plot: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
