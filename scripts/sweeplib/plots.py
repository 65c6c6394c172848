"""Line and heat-map plots of a sweep table (scripts/plot.py's and scripts/sweep.py's), the check of
a spec's "plots" list at load time, and drawing that list at the end of a sweep.

Files are written like the tables: to a temporary name in the same folder, then renamed."""
import json
import os
import sys
import tempfile

from sweeplib.run import TMP_PREFIX, _owner_tag

PLOT_KEYS = ("kind", "x", "y", "series", "metric", "where", "logx", "logy", "title", "file", "scale", "unit",
             "annotate")
KINDS = ("line", "heatmap")


class PlotError(Exception):
    """A plot that cannot be drawn from this table (a missing column, no rows selected)."""


class NoMatplotlib(PlotError):
    pass


def _is_num(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def check_plots(plots, where, columns, metrics, error):
    """Raises error(where, message) for a bad "plots" list. columns: the table's parameter columns
    (and wall_s); metrics: the spec's metrics, whose columns are the paths with '.' for '/' (a
    metric ending in /* stands for every column under its prefix)."""
    if not isinstance(plots, list):
        raise error(where, "must be a list of plots")
    exact = set(columns) | {m.replace("/", ".") for m in metrics if isinstance(m, str) and not m.endswith("*")}
    prefixes = tuple(m[:-1].replace("/", ".") for m in metrics if isinstance(m, str) and m.endswith("/*"))
    for i, p in enumerate(plots):
        w = f"{where}/{i}"
        if not isinstance(p, dict):
            raise error(w, "must be an object")
        for k in p:
            if k not in PLOT_KEYS and not k.startswith("_"):
                raise error(f"{w}/{k}", f"unknown key (known: {', '.join(PLOT_KEYS)})")
        kind = p.get("kind", "line")
        if kind not in KINDS:
            raise error(f"{w}/kind", f"unknown kind {json.dumps(kind)} (known: {', '.join(KINDS)})")
        need = ("x", "metric", "file") + (("y",) if kind == "heatmap" else ())
        for k in need:
            if k not in p:
                raise error(f"{w}/{k}", "required key missing")
        f = p["file"]
        if not isinstance(f, str) or not f or "/" in f or f.startswith("."):
            raise error(f"{w}/file", "must be a file name without folder or extension (written beside results.csv)")
        metric = p["metric"] if isinstance(p["metric"], list) else [p["metric"]]
        if not metric or (kind == "heatmap" and len(metric) != 1):
            raise error(f"{w}/metric", "a column, or a non-empty list of columns (a heatmap takes one)")
        for k, cols in (("x", [p["x"]]), ("y", [p.get("y")]), ("series", [p.get("series")]), ("metric", metric)):
            for j, c in enumerate(cols):
                if c is None and k in ("y", "series"):
                    continue
                cw = f"{w}/{k}" + (f"/{j}" if k == "metric" and isinstance(p["metric"], list) else "")
                if not isinstance(c, str) or not c:
                    raise error(cw, "must be a column name")
                if c not in exact and not c.startswith(prefixes):
                    raise error(cw, f"no column {json.dumps(c)} in the table (columns: {', '.join(sorted(exact))})")
        wh = p.get("where", [])
        if not isinstance(wh, list) or not all(isinstance(c, str) and "=" in c for c in wh):
            raise error(f"{w}/where", "must be a list of \"COLUMN=VALUE\" strings")
        for k in ("logx", "logy", "annotate"):
            if k in p and not isinstance(p[k], bool):
                raise error(f"{w}/{k}", "must be true or false")
        if "scale" in p and not (_is_num(p["scale"]) and p["scale"] == p["scale"] and p["scale"] != 0):
            raise error(f"{w}/scale", "must be a non-zero number")
        for k in ("title", "unit"):
            if k in p and not isinstance(p[k], str):
                raise error(f"{w}/{k}", "must be a string")


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


def _save(fig, path, ext):
    """fig -> path, atomically (a temporary file in the same folder, then a rename)."""
    d = os.path.dirname(os.path.abspath(path))
    os.makedirs(d, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=d, prefix=TMP_PREFIX + _owner_tag())
    try:
        with os.fdopen(fd, "wb") as f:
            fig.savefig(f, format=ext, dpi=90, metadata={"Date": None} if ext == "svg" else {"Software": None})
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _line(plt, rows, p, scale):
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
    return fig


def _heatmap(plt, rows, p, scale):
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
    return fig


def plot(cols, rows, p, out_prefix, formats=("png", "svg")):
    """Draws plot p (metric: a list) of the table (cols, rows) to out_prefix.<format>. Raises
    PlotError when it cannot (NoMatplotlib when matplotlib is missing). Returns the files."""
    try:
        import matplotlib
    except ImportError:
        raise NoMatplotlib(f"no matplotlib for {sys.executable} (Debian: python3-matplotlib, "
                           "for /usr/bin/python3)") from None
    matplotlib.use("Agg")
    matplotlib.rcParams["svg.hashsalt"] = "rdusim"   # stable ids: the same table gives the same SVG
    import matplotlib.pyplot as plt

    for c in [p.get("x"), p.get("y"), p.get("series")] + list(p["metric"]):
        if c and c not in cols:
            raise PlotError(f"no column {c!r} in the table (columns: {', '.join(cols)})")
    rows = select(rows, p.get("where"))
    if not rows:
        raise PlotError("no ok rows to draw" + (f" where {' and '.join(p['where'])}" if p.get("where") else ""))
    scale = float(p.get("scale", 1.0))
    kind = p.get("kind", "line")
    if kind not in KINDS:
        raise PlotError(f"unknown kind {kind!r} (known: {', '.join(KINDS)})")
    fig = (_line if kind == "line" else _heatmap)(plt, rows, p, scale)
    if p.get("title"):
        fig.suptitle(p["title"], fontsize=10)
    fig.tight_layout()
    files = []
    try:
        for ext in formats:
            _save(fig, f"{out_prefix}.{ext}", ext)
            files.append(f"{out_prefix}.{ext}")
    finally:
        plt.close(fig)
    return files


def spec_plots(spec_plots_list, formats):
    """A spec's "plots" entries as plot() takes them."""
    out = []
    for p in spec_plots_list:
        p = dict(p)
        p["metric"] = p["metric"] if isinstance(p["metric"], list) else [p["metric"]]
        p["formats"] = formats
        out.append(p)
    return out


def draw_spec_plots(spec, columns, rows, out_dir, formats=("png", "svg"), stream=sys.stderr):
    """The end of a sweep: every plot of the spec, beside results.csv. One line per plot drawn or
    not drawn. Returns (drawn, failed): a plot of a table without ok rows is skipped (the failed
    points are reported already), no matplotlib skips all with one warning; neither counts as
    failed."""
    plots = spec_plots(spec.get("plots", []), formats)
    if not plots:
        return 0, 0
    if not any(r.get("status") == "ok" for r in rows):
        print("sweep: plots: none drawn, no point ran", file=stream)
        return 0, 0
    drawn = failed = 0
    for i, p in enumerate(plots):
        try:
            files = plot(columns, rows, p, os.path.join(out_dir, p["file"]), formats)
        except NoMatplotlib as e:
            print(f"sweep: warning: plots not drawn: {e}; --no-plots skips them", file=stream)
            return drawn, failed
        except PlotError as e:
            print(f"sweep: {spec.get('_path', '<spec>')}:/plots/{i}: {e}", file=stream)
            failed += 1
            continue
        except Exception as e:   # matplotlib on odd data (strings in a metric column, log of 0)
            print(f"sweep: {spec.get('_path', '<spec>')}:/plots/{i}: {type(e).__name__}: {e}", file=stream)
            failed += 1
            continue
        drawn += 1
        print(f"sweep: plot {', '.join(files)}", file=stream)
    return drawn, failed
