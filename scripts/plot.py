#!/usr/bin/python3
"""Line and heat-map plots from a sweep table (results.json or results.csv of scripts/sweep.py),
written as PNG and SVG.

  scripts/plot.py TABLE --kind line --x hbm_gbps --series batch --metric run.total_ns --out out/p
  scripts/plot.py TABLE --kind heatmap --x hbm_gbps --y ddr_gbps --metric run.total_ns --out out/h
  scripts/plot.py TABLE --spec SPEC.json --outdir docs/img     # every entry of the spec's "plots"

Only rows with status "ok" are drawn. --metric may repeat for line plots (one panel each).
--where COL=VALUE keeps only matching rows. A metric ending in _ns can be shown in us or ms with
--scale (e.g. --scale 1e-3 --unit us).
"""
import argparse
import csv
import json
import os
import sys

PLOT_KEYS = ("kind", "x", "y", "series", "metric", "where", "logx", "logy", "title", "file", "scale", "unit",
             "annotate")


def load_table(path):
    if path.endswith(".json"):
        with open(path) as f:
            doc = json.load(f)
        return doc["columns"], doc["rows"]
    with open(path) as f:
        rows = list(csv.DictReader(f))
    cols = list(rows[0]) if rows else []
    return cols, [{k: _parse(v) for k, v in r.items()} for r in rows]


def _parse(v):
    if v == "":
        return None
    for conv in (int, float):
        try:
            return conv(v)
        except ValueError:
            pass
    return v


def ordered(values):
    """Distinct values: sorted when all are numbers, else in the table's order (a sweep's order)."""
    distinct = list(dict.fromkeys(values))
    if all(isinstance(v, (int, float)) for v in distinct):
        return sorted(distinct)
    return distinct


def select(rows, where):
    out = [r for r in rows if r.get("status", "ok") == "ok"]
    for cond in where or []:
        col, _, val = cond.partition("=")
        out = [r for r in out if str(r.get(col)) == val or _parse(val) == r.get(col)]
    return out


def _label(metric, p):
    unit = p.get("unit")
    return f"{metric} ({unit})" if unit else metric


def plot(cols, rows, p, out_prefix):
    import matplotlib
    matplotlib.use("Agg")
    matplotlib.rcParams["svg.hashsalt"] = "rdusim"   # stable ids: the same table gives the same SVG
    import matplotlib.pyplot as plt

    for c in [p.get("x"), p.get("y"), p.get("series")] + list(p["metric"]):
        if c and c not in cols:
            raise SystemExit(f"plot: no column {c!r} in the table (columns: {', '.join(cols)})")
    rows = select(rows, p.get("where"))
    if not rows:
        raise SystemExit("plot: no ok rows to draw")
    scale = float(p.get("scale", 1.0))
    if p["kind"] == "line":
        fig, axes = plt.subplots(len(p["metric"]), 1, figsize=(6.4, 3.2 * len(p["metric"]) + 0.6), sharex=True,
                                 squeeze=False)
        series = ordered(r.get(p["series"]) for r in rows) if p.get("series") else [None]
        xs = ordered(r[p["x"]] for r in rows)
        for ax, metric in zip(axes[:, 0], p["metric"]):
            for s in series:
                pts = sorted(((r[p["x"]], r[metric]) for r in rows
                              if (s is None or r.get(p["series"]) == s) and r.get(metric) is not None),
                             key=lambda t: xs.index(t[0]))
                if not pts:
                    continue
                ax.plot([x for x, _ in pts], [y * scale for _, y in pts], marker="o", markersize=3,
                        label=None if s is None else f"{p['series']}={s}")
            ax.set_ylabel(_label(metric, p) if metric == p["metric"][0] else metric)
            if p.get("logx"):
                ax.set_xscale("log", base=2)
            if p.get("logy"):
                ax.set_yscale("log")
            ax.grid(True, alpha=0.3)
            if p.get("series"):
                ax.legend(fontsize=7)
        axes[-1, 0].set_xlabel(p["x"])
    elif p["kind"] == "heatmap":
        xs = ordered(r[p["x"]] for r in rows)
        ys = ordered(r[p["y"]] for r in rows)
        metric = p["metric"][0]
        grid = [[float("nan")] * len(xs) for _ in ys]
        for r in rows:
            if r.get(metric) is not None:
                grid[ys.index(r[p["y"]])][xs.index(r[p["x"]])] = r[metric] * scale
        fig, ax = plt.subplots(figsize=(1.0 + 0.62 * len(xs), 1.2 + 0.42 * len(ys)))
        im = ax.imshow(grid, origin="lower", aspect="auto", cmap="viridis")
        ax.set_xticks(range(len(xs)), [str(x) for x in xs], rotation=45, fontsize=7)
        ax.set_yticks(range(len(ys)), [str(y) for y in ys], fontsize=7)
        ax.set_xlabel(p["x"])
        ax.set_ylabel(p["y"])
        fig.colorbar(im, ax=ax, label=_label(metric, p))
        if p.get("annotate", len(xs) * len(ys) <= 64):
            finite = [v for row in grid for v in row if v == v]
            mid = (min(finite) + max(finite)) / 2 if finite else 0
            for i, row in enumerate(grid):
                for j, v in enumerate(row):
                    if v == v:
                        ax.text(j, i, f"{v:.3g}", ha="center", va="center", fontsize=6,
                                color="white" if v < mid else "black")
    else:
        raise SystemExit(f"plot: unknown kind {p['kind']!r} (known: line, heatmap)")
    if p.get("title"):
        fig.suptitle(p["title"], fontsize=10)
    fig.tight_layout()
    os.makedirs(os.path.dirname(os.path.abspath(out_prefix)), exist_ok=True)
    for ext in p.get("formats", ("png", "svg")):
        fig.savefig(f"{out_prefix}.{ext}", dpi=90, metadata={"Date": None} if ext == "svg" else {"Software": None})
    plt.close(fig)
    print(f"plot: wrote {out_prefix}.{{{','.join(p.get('formats', ('png', 'svg')))}}}", file=sys.stderr)


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
    if a.spec:
        with open(a.spec) as f:
            plots = json.load(f).get("plots", [])
        if not plots:
            raise SystemExit(f"plot: {a.spec} has no \"plots\"")
        for i, p in enumerate(plots):
            unknown = [k for k in p if k not in PLOT_KEYS and not k.startswith("_")]
            if unknown:
                raise SystemExit(f"plot: {a.spec}:/plots/{i}/{unknown[0]}: unknown key (known: {', '.join(PLOT_KEYS)})")
            p = dict(p)
            p["metric"] = p["metric"] if isinstance(p["metric"], list) else [p["metric"]]
            p["formats"] = formats
            plot(cols, rows, p, os.path.join(a.outdir, p["file"]))
        return 0
    if not (a.x and a.metric and a.out) or (a.kind == "heatmap" and not a.y):
        ap.error("needs --x, --metric and --out (and --y for a heatmap), or --spec")
    plot(cols, rows, {"kind": a.kind, "x": a.x, "y": a.y, "series": a.series, "metric": a.metric,
                      "where": a.where, "logx": a.logx, "logy": a.logy, "title": a.title, "scale": a.scale,
                      "unit": a.unit, "formats": formats}, a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
