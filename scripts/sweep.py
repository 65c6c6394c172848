#!/usr/bin/python3
"""Parameter sweeps over rdusim runs (`rdusim run`, or `rdusim serve` with "command": "serve"):
expand a spec, run the points (locally or through Slurm), cache each result by a hash of its
resolved inputs, collect one CSV and one JSON table, and draw the spec's plots beside them.

  scripts/sweep.py SPEC.json [--backend local|slurm] [--jobs N] [--out DIR] [--cache DIR]
  scripts/sweep.py SPEC.json --list          # print the expanded points and their commands
  scripts/sweep.py SPEC.json --retries 2     # re-run a failed run up to twice more
  scripts/sweep.py SPEC.json --no-plots      # tables only

A spec (see docs/sweeps.md):
  {"name": "hbm",
   "base": {"phase": "decode", "context": 4096, "machine/socket/ddr/bandwidth_gbps": 400},
   "vary": {"product": [{"param": "machine/socket/hbm/bandwidth_gbps", "range": {"start": 900, "stop": 3600, "step": 900}},
                        {"param": "batch", "values": [1, 8]}]},
   "metrics": ["run/*"], "record_wall": false}
A parameter is a scenario key (batch, context, ...) or a JSON pointer into the machine or model
config (machine/socket/hbm/bandwidth_gbps, model/hidden); every one goes to `rdusim run` as --set.
With "command": "serve" a parameter is a serve option (experts, poisson, popularity, zipf, ...)
or machine/POINTER, and metrics are JSON pointers into serve.json (summary/latency_ms/p99).

Code: sweeplib/commands.py (the commands: parameters -> arguments, metrics), spec.py (validation,
expansion, cache keys), run.py (one point, cache, progress), backends.py (local, slurm),
table.py (CSV/JSON), plots.py (the spec's plots).

Exit codes: 0 every point ran, 1 some points failed (their errors are in the tables), 2 bad spec
or usage (also a metric that names nothing in any result: the runs are cached, no table is
written; and a plot of the spec that cannot be drawn: the tables are written), or the backend
could not run (no sbatch, no controller), 130 interrupted (what finished is cached; run again to
resume). No matplotlib: the plots are skipped with a warning, the exit code is the sweep's. Killed outright (SIGKILL, power loss), a rerun resumes the same
way: cache entries and tables are only ever renamed into place whole.
"""
import argparse
import json
import os
import shlex
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sweeplib.plots import draw_spec_plots  # noqa: E402
from sweeplib.backends import BackendError, Interrupted, on_signal, run_local, run_slurm, worker_main  # noqa: E402
from sweeplib.run import Progress, cache_load, clean_stale, kill_children  # noqa: E402
from sweeplib.spec import SpecError, default_bin, file_digest, load_spec, project_root, resolve  # noqa: E402
from sweeplib.table import build_table, unknown_metrics, write_tables  # noqa: E402


def parse_args(argv):
    ap = argparse.ArgumentParser(description="Parameter sweeps over rdusim runs (see docs/sweeps.md).")
    ap.add_argument("spec", nargs="?", help="sweep spec JSON")
    ap.add_argument("--backend", choices=("local", "slurm"), default="local")
    ap.add_argument("--jobs", "-j", type=int, default=len(os.sched_getaffinity(0)),
                    help="local: parallel rdusim processes (default: the cores)")
    ap.add_argument("--out", help="where results.csv / results.json go (default out/sweeps/<name>)")
    ap.add_argument("--cache", help="result cache, shared by sweeps (default out/sweeps/cache)")
    ap.add_argument("--bin", help="rdusim binary (default $RDUSIM_BIN or <root>/build/rdusim)")
    ap.add_argument("--progress", choices=("auto", "bar", "lines", "none"), default="auto")
    ap.add_argument("--runs-per-task", type=int, default=10, help="slurm: runs per array task")
    ap.add_argument("--sbatch-arg", action="append", default=[], help="slurm: extra sbatch argument (repeatable)")
    ap.add_argument("--timeout", type=float, help="per-run time limit in seconds (not cached when hit)")
    ap.add_argument("--retries", type=int, help="re-run a failed run up to N more times (default: the spec's "
                    "retries, else 0); slurm: also resubmit runs whose task died")
    ap.add_argument("--retry-errors", action="store_true", help="re-run points whose cached result is an error")
    ap.add_argument("--list", action="store_true", help="print the expanded points and commands, run nothing")
    ap.add_argument("--no-plots", action="store_true", help="do not draw the spec's \"plots\" at the end")
    ap.add_argument("--worker", nargs=2, metavar=("TASKS", "ID"), help=argparse.SUPPRESS)
    return ap.parse_args(argv)


class Ctx:
    pass


def main(argv=None):
    a = parse_args(sys.argv[1:] if argv is None else argv)
    if a.worker:
        return worker_main(*a.worker)
    if not a.spec:
        print("sweep: a spec is required (scripts/sweep.py SPEC.json)", file=sys.stderr)
        return 2
    try:
        spec = load_spec(a.spec)
    except SpecError as e:
        print(f"sweep: {e}", file=sys.stderr)
        return 2
    ctx = Ctx()
    ctx.root = os.path.abspath(project_root())
    ctx.bin = os.path.abspath(a.bin or default_bin(ctx.root))
    ctx.name = spec["name"]
    ctx.out = os.path.abspath(a.out or os.path.join("out", "sweeps", spec["name"]))
    ctx.cache = os.path.abspath(a.cache or os.path.join("out", "sweeps", "cache"))
    ctx.jobs = max(1, a.jobs)
    ctx.timeout_s = a.timeout if a.timeout is not None else spec.get("timeout_s")
    ctx.retries = a.retries if a.retries is not None else spec.get("retries", 0)
    if ctx.retries < 0:
        print("sweep: --retries must be 0 or more", file=sys.stderr)
        return 2
    ctx.runs_per_task, ctx.sbatch_args = a.runs_per_task, a.sbatch_arg
    ctx.fresh = {}
    if not os.path.isfile(ctx.bin):
        print(f"sweep: rdusim binary not found: {ctx.bin} (build it, or pass --bin)", file=sys.stderr)
        return 2
    memo = {}
    bin_digest = file_digest(ctx.bin, memo)
    jobs = [resolve(spec, p, ctx.root, bin_digest, memo) for p in spec["_points"]]
    if a.list:
        for i, j in enumerate(jobs):
            print(i, json.dumps(j["point"], sort_keys=True), "rdusim " + shlex.join(j["args"] + j["extra"]))
        return 0

    # what a killed sweep left behind: temporary files of dead writers (never partial entries:
    # those are renamed into place whole)
    stale = clean_stale(ctx.cache, ctx.out)
    if stale:
        print(f"sweep: removed {stale} temporary files left by killed sweeps", file=sys.stderr)
    cached, damaged = {}, []
    for j in jobs:
        rec = cache_load(ctx.cache, j["key"], damaged)
        if rec is not None and not (a.retry_errors and rec["status"] != "ok"):
            cached[j["key"]] = rec
    if damaged:
        print(f"sweep: {len(damaged)} cache entries are damaged (e.g. {damaged[0]}); computing them again",
              file=sys.stderr)
    todo, seen = [], set(cached)
    for j in jobs:
        if j["key"] not in seen:
            todo.append(j)
            seen.add(j["key"])
    print(f"sweep: {spec['name']}: {len(jobs)} points, {len(jobs) - len(todo)} cached, {len(todo)} to run "
          f"({a.backend}{', ' + str(ctx.jobs) + ' processes' if a.backend == 'local' else ''})", file=sys.stderr)
    progress = Progress(len(todo), a.progress)
    old = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    t0 = time.monotonic()
    try:
        (run_slurm if a.backend == "slurm" else run_local)(todo, ctx, progress)
    except Interrupted:
        kill_children()
        print("\nsweep: interrupted; finished points are cached, run again to resume", file=sys.stderr)
        return 130
    except BackendError as e:
        print(f"sweep: {e}", file=sys.stderr)
        return 2
    finally:
        for s, h in old.items():
            signal.signal(s, h)
    elapsed = time.monotonic() - t0
    # errors that are not cached (timeouts, crashes) are reported from this run's records
    records = [ctx.fresh.get(j["key"]) or cache_load(ctx.cache, j["key"]) for j in jobs]
    unknown = unknown_metrics(spec, records)
    for line in unknown:
        print(f"sweep: {line}", file=sys.stderr)
    if unknown:
        print("sweep: no table written; the runs are cached, fix the metrics and run again", file=sys.stderr)
        return 2
    columns, rows = build_table(spec, jobs, records)
    write_tables(ctx.out, spec, columns, rows)
    bad = [r for r in rows if r["status"] != "ok"]
    print(f"sweep: {spec['name']}: computed {len(todo)}, cached {len(jobs) - len(todo)}, failed {len(bad)} "
          f"in {elapsed:.1f} s -> {os.path.join(ctx.out, 'results.csv')}", file=sys.stderr)
    for r, rec in zip(rows, records):
        if r["status"] != "ok":
            params = {c: r[c] for c in columns[1:columns.index("status")]}
            tries = f" ({rec['attempts']} attempts)" if rec and rec.get("attempts", 1) > 1 else ""
            print(f"sweep: point {r['point']} {json.dumps(params, sort_keys=True)}: {r['error']}{tries}",
                  file=sys.stderr)
    plots_failed = 0 if a.no_plots else draw_spec_plots(spec, columns, rows, ctx.out)[1]
    return 2 if plots_failed else 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
