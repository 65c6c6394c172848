#!/usr/bin/python3
"""Parameter sweeps over rdusim runs: expand a spec, run the points (locally or through Slurm),
cache each result by a hash of its resolved inputs, and collect one CSV and one JSON table.

  scripts/sweep.py SPEC.json [--backend local|slurm] [--jobs N] [--out DIR] [--cache DIR]
  scripts/sweep.py SPEC.json --list          # print the expanded points and their commands

A spec (see docs/sweeps.md):
  {"name": "hbm",
   "base": {"phase": "decode", "context": 4096, "machine/socket/ddr/bandwidth_gbps": 400},
   "vary": {"product": [{"param": "machine/socket/hbm/bandwidth_gbps", "range": {"start": 900, "stop": 3600, "step": 900}},
                        {"param": "batch", "values": [1, 8]}]},
   "metrics": ["run/*"], "record_wall": false}
A parameter is a scenario key (batch, context, ...) or a JSON pointer into the machine or model
config (machine/socket/hbm/bandwidth_gbps, model/hidden); every one goes to `rdusim run` as --set.

Exit codes: 0 every point ran, 1 some points failed (their errors are in the tables), 2 bad spec
or usage, or the backend could not run (no sbatch, no controller), 130 interrupted (what finished is cached; run again to resume).
"""
import argparse
import csv
import hashlib
import io
import itertools
import json
import math
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIO_KEYS = ("machine", "model", "phase", "batch", "seq", "context", "tp", "dtype_bytes", "fusion",
                 "orchestration", "scope", "chunks")
SPEC_KEYS = ("name", "base", "vary", "metrics", "record_wall", "inputs", "plots", "timeout_s")
CACHE_FORMAT = 1
_UMASK = os.umask(0)
os.umask(_UMASK)


class SpecError(Exception):
    """A bad spec: `where` is 'file:/json/path'."""

    def __init__(self, where, message):
        super().__init__(f"{where}: {message}")


def project_root():
    return os.environ.get("RDUSIM_ROOT") or os.path.dirname(HERE)


def default_bin(root):
    return os.environ.get("RDUSIM_BIN") or os.path.join(root, "build", "rdusim")


# ---------------------------------------------------------------------------------------------
# Expansion: a vary expression -> an ordered list of points (dicts param -> value)

def _num(x):
    """Tidies float noise from range arithmetic (0.1 * 3 -> 0.3)."""
    return float(f"{x:.12g}")


def _is_num(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _values(leaf, where):
    kinds = [k for k in ("values", "range", "linspace", "geom") if k in leaf]
    if len(kinds) != 1:
        raise SpecError(where, "a parameter needs exactly one of values, range, linspace, geom")
    kind = kinds[0]
    arg = leaf[kind]
    w = f"{where}/{kind}"
    if kind == "values":
        if not isinstance(arg, list) or not arg:
            raise SpecError(w, "must be a non-empty list")
        return list(arg)
    if not isinstance(arg, dict):
        raise SpecError(w, "must be an object")
    need = {"range": ("start", "stop", "step"), "linspace": ("start", "stop", "num"),
            "geom": ("start", "stop", "factor")}[kind]
    for k in arg:
        if k not in need:
            raise SpecError(f"{w}/{k}", f"unknown key (known: {', '.join(need)})")
    for k in need:
        if not _is_num(arg.get(k)):
            raise SpecError(f"{w}/{k}", "required number missing")
    start, stop = arg["start"], arg["stop"]
    all_int = all(isinstance(arg[k], int) for k in need)
    if kind == "range":
        step = arg["step"]
        if step == 0 or (stop - start) * step < 0:
            raise SpecError(f"{w}/step", "must be non-zero and point from start to stop")
        n = int(math.floor((stop - start) / step + 1e-9)) + 1   # stop is included when hit
        out = [start + i * step for i in range(n)]
    elif kind == "linspace":
        num = arg["num"]
        if not isinstance(num, int) or num < 1:
            raise SpecError(f"{w}/num", "must be a positive integer")
        out = [start] if num == 1 else [start + (stop - start) * i / (num - 1) for i in range(num)]
        all_int = all_int and all(float(v).is_integer() for v in out)
        out = [int(round(v)) if all_int else v for v in out]
    else:
        factor = arg["factor"]
        if start <= 0 or stop < start or factor <= 1:
            raise SpecError(w, "needs 0 < start <= stop and factor > 1")
        out, v = [], start
        while v <= stop * (1 + 1e-9):
            out.append(v)
            v = v * factor
    if len(out) > 100000:
        raise SpecError(w, f"expands to {len(out)} values")
    return [v if all_int else _num(float(v)) for v in out]


def expand(expr, where="spec:/vary"):
    """Returns (points, names): points is a list of dicts param -> value in run order; names maps a
    param to its column name (the 'name' of a leaf, else the param itself)."""
    if isinstance(expr, list):   # a bare list of expressions means their product
        expr = {"product": expr}
    if not isinstance(expr, dict):
        raise SpecError(where, "must be an object (param, product, zip, concat or points)")
    ops = [k for k in ("param", "product", "zip", "concat", "points") if k in expr]
    if len(ops) != 1:
        raise SpecError(where, "needs exactly one of param, product, zip, concat, points")
    op = ops[0]
    if op == "param":
        allowed = ("param", "name", "values", "range", "linspace", "geom")
        for k in expr:
            if k not in allowed:
                raise SpecError(f"{where}/{k}", f"unknown key (known: {', '.join(allowed)})")
        param = expr["param"]
        check_param(param, f"{where}/param")
        name = expr.get("name", param)
        return [{param: v} for v in _values(expr, where)], {param: name}
    extra = [k for k in expr if k != op]
    if extra:
        raise SpecError(f"{where}/{extra[0]}", f"unknown key next to {op}")
    parts = expr[op]
    if not isinstance(parts, list) or not parts:
        raise SpecError(f"{where}/{op}", "must be a non-empty list")
    if op == "points":
        names = {}
        for i, p in enumerate(parts):
            if not isinstance(p, dict) or not p:
                raise SpecError(f"{where}/points/{i}", "must be a non-empty object param -> value")
            for k in p:
                check_param(k, f"{where}/points/{i}/{k}")
                names[k] = k
        return [dict(p) for p in parts], names
    expanded = [expand(p, f"{where}/{op}/{i}") for i, p in enumerate(parts)]
    names = {}
    for pts, nm in expanded:
        names.update(nm)
    if op == "concat":
        return [p for pts, _ in expanded for p in pts], names
    seen = {}
    for i, (pts, nm) in enumerate(expanded):
        for param in nm:
            if param in seen:
                raise SpecError(f"{where}/{op}/{i}", f"parameter {param} is also varied by {op}/{seen[param]}")
            seen[param] = i
    if op == "zip":
        lengths = [len(pts) for pts, _ in expanded]
        if len(set(lengths)) != 1:
            raise SpecError(f"{where}/zip", f"lists of unequal lengths {lengths}")
        combos = zip(*[pts for pts, _ in expanded])
    else:
        combos = itertools.product(*[pts for pts, _ in expanded])
    out = []
    for combo in combos:
        merged = {}
        for p in combo:
            merged.update(p)
        out.append(merged)
    return out, names


def check_param(param, where):
    if not isinstance(param, str) or not param:
        raise SpecError(where, "must be a non-empty string")
    if param.startswith("machine/") or param.startswith("model/"):
        return
    if "/" in param:
        raise SpecError(where, f"\"{param}\": a path must start with machine/ or model/")


# ---------------------------------------------------------------------------------------------
# Spec loading and resolution of a point into a command and a cache key

def load_spec(path):
    try:
        with open(path) as f:
            spec = json.load(f)
    except OSError as e:
        raise SpecError(path, f"cannot read: {e.strerror}")
    except json.JSONDecodeError as e:
        raise SpecError(path, f"not JSON: {e}")
    return check_spec(spec, path)


def check_spec(spec, path="<spec>"):
    if not isinstance(spec, dict):
        raise SpecError(f"{path}:", "must be a JSON object")
    for k in spec:
        if k not in SPEC_KEYS and not k.startswith("_"):
            raise SpecError(f"{path}:/{k}", f"unknown key (known: {', '.join(SPEC_KEYS)})")
    if "vary" not in spec:
        raise SpecError(f"{path}:/vary", "required key missing")
    base = spec.setdefault("base", {})
    if not isinstance(base, dict):
        raise SpecError(f"{path}:/base", "must be an object")
    for k in base:
        if not k.startswith("_"):
            check_param(k, f"{path}:/base/{k}")
    spec.setdefault("name", os.path.splitext(os.path.basename(path))[0])
    metrics = spec.setdefault("metrics", ["run/*"])
    if not isinstance(metrics, list) or not all(isinstance(m, str) and m for m in metrics):
        raise SpecError(f"{path}:/metrics", "must be a list of stat paths like run/total_ns")
    spec["_points"], spec["_names"] = expand(spec["vary"], f"{path}:/vary")
    return spec


def _resolve_config(value, subdir, root):
    """Mirrors rdusim's resolve_config: a path is taken as is (relative to the root, where rdusim
    runs), a name is <root>/<subdir>/<name>.json."""
    if not isinstance(value, str):
        return None
    if os.path.isabs(value):
        return value
    if "/" in value or value.endswith(".json") or os.path.exists(os.path.join(root, value)):
        return os.path.join(root, value)
    return os.path.join(root, subdir, value + ".json")


def file_digest(path, memo):
    if path not in memo:
        try:
            with open(path, "rb") as f:
                memo[path] = hashlib.sha256(f.read()).hexdigest()
        except OSError:
            memo[path] = "missing"
    return memo[path]


def resolve(spec, point, root, bin_digest, memo):
    """A point -> a job: the rdusim arguments (without --out) and the cache key over the arguments,
    the content of every config file they read, and the simulator binary."""
    params = {k: v for k, v in spec["base"].items() if not k.startswith("_")}
    params.update(point)
    args = ["run"]
    for k in sorted(params):
        args += ["--set", f"{k}={json.dumps(params[k], sort_keys=True, separators=(',', ':'))}"]
    files = {
        "machine": _resolve_config(params.get("machine", "sn40l"), "configs/machines", root),
        "model": _resolve_config(params.get("model", "llama2-7b"), "workloads/models", root),
    }
    for i, extra in enumerate(spec.get("inputs", [])):
        files[f"input{i}"] = extra if os.path.isabs(extra) else os.path.join(root, extra)
    digests = {role: file_digest(p, memo) for role, p in files.items() if p}
    inputs = {"args": args, "files": digests, "rdusim": bin_digest, "format": CACHE_FORMAT}
    key = hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()
    return {"key": key, "args": args, "inputs": inputs, "point": point}


# ---------------------------------------------------------------------------------------------
# Running one point and the cache (one JSON file per key, written atomically)

def cache_path(cache_dir, key):
    return os.path.join(cache_dir, key[:2], key + ".json")


def cache_load(cache_dir, key):
    try:
        with open(cache_path(cache_dir, key)) as f:
            return json.load(f)
    except (OSError, json.JSONDecodeError):
        return None


def write_atomic(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(tmp, 0o666 & ~_UMASK)   # mkstemp makes 0600; give the file the usual mode
    os.replace(tmp, path)


_children = set()
_children_lock = threading.Lock()


def run_point(job, bin_path, root, cache_dir, timeout_s=None):
    """Runs one rdusim process and caches its outcome when it is deterministic (exit 0, or exit 2
    with its one-line error). Returns the cache record."""
    out_dir = tempfile.mkdtemp(prefix="run-", dir=_ensure(os.path.join(cache_dir, "tmp")))
    argv = [bin_path] + job["args"] + ["--quiet", "--out", out_dir]
    env = dict(os.environ, RDUSIM_ROOT=root)
    t0 = time.monotonic()
    proc = subprocess.Popen(argv, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with _children_lock:
        _children.add(proc)
    try:
        stdout, stderr = proc.communicate(timeout=timeout_s)
        rc = proc.returncode
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        stderr, rc = f"timed out after {timeout_s} s", None
    finally:
        with _children_lock:
            _children.discard(proc)
    wall_s = time.monotonic() - t0
    record = {"key": job["key"], "inputs": job["inputs"], "returncode": rc, "wall_s": round(wall_s, 4)}
    if rc == 0:
        try:
            with open(os.path.join(out_dir, "stats.json")) as f:
                record.update(status="ok", error="", stats=json.load(f))
        except (OSError, json.JSONDecodeError) as e:
            record.update(status="error", error=f"stats.json unreadable: {e}")
    else:
        lines = [ln for ln in (stderr or "").strip().splitlines() if ln.strip()]
        reason = lines[-1] if lines else f"exit code {rc}"
        record.update(status="error", error=reason.strip())
    _rmtree(out_dir)
    deterministic = rc == 0 and record["status"] == "ok" or rc == 2
    if deterministic:
        write_atomic(cache_path(cache_dir, job["key"]), json.dumps(record, sort_keys=True) + "\n")
    return record


def _ensure(d):
    os.makedirs(d, exist_ok=True)
    return d


def _rmtree(d):
    for dirpath, dirnames, filenames in os.walk(d, topdown=False):
        for n in filenames:
            os.unlink(os.path.join(dirpath, n))
        for n in dirnames:
            os.rmdir(os.path.join(dirpath, n))
    os.rmdir(d)


def kill_children():
    with _children_lock:
        for p in list(_children):
            try:
                p.kill()
            except OSError:
                pass


# ---------------------------------------------------------------------------------------------
# Progress bar with ETA on stderr

class Progress:
    def __init__(self, total, mode, stream=sys.stderr):
        self.total, self.done, self.failed = total, 0, 0
        self.stream = stream
        self.mode = ("bar" if stream.isatty() else "lines") if mode == "auto" else mode
        self.t0 = time.monotonic()
        self.last = 0.0
        self.closed = False
        self.last_text = ""

    def update(self, done, failed, force=False):
        self.done, self.failed = done, failed
        now = time.monotonic()
        if self.mode == "none" or self.total == 0 or self.closed:
            return
        every = 0.1 if self.mode == "bar" else 2.0
        if not force and now - self.last < every and done < self.total:
            return
        self.last = now
        self.closed = done >= self.total
        elapsed = now - self.t0
        eta = elapsed / done * (self.total - done) if done else float("nan")
        width = 30
        fill = int(width * done / self.total)
        bar = "#" * fill + "." * (width - fill)
        eta_s = "?" if math.isnan(eta) else f"{eta:5.1f}s"
        text = (f"[{bar}] {done}/{self.total} {100 * done / self.total:3.0f}%  "
                f"elapsed {elapsed:5.1f}s  ETA {eta_s}" + (f"  failed {failed}" if failed else ""))
        if text == self.last_text:
            return
        self.last_text = text
        if self.mode == "bar":
            self.stream.write("\r" + text + ("\n" if done >= self.total else ""))
        else:
            self.stream.write(text + "\n")
        self.stream.flush()


# ---------------------------------------------------------------------------------------------
# Backends

class Interrupted(Exception):
    pass


class BackendError(Exception):
    """The backend could not run the sweep at all (e.g. no Slurm controller)."""


def _on_signal(signum, frame):
    raise Interrupted()


def run_local(jobs, ctx, progress):
    """A pool of ctx.jobs rdusim processes (threads each driving one child process)."""
    done = failed = 0
    pool = ThreadPoolExecutor(max_workers=ctx.jobs)
    futures = {pool.submit(run_point, j, ctx.bin, ctx.root, ctx.cache, ctx.timeout_s): j for j in jobs}
    try:
        pending = set(futures)
        while pending:
            finished, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            for f in finished:
                rec = f.result()
                ctx.fresh[rec["key"]] = rec
                done += 1
                failed += rec["status"] != "ok"
            progress.update(done, failed)
    except BaseException:
        for f in futures:
            f.cancel()
        kill_children()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    progress.update(done, failed, force=True)


SBATCH_TEMPLATE = """#!/bin/bash
#SBATCH --job-name={name}
#SBATCH --array=0-{last}
#SBATCH --output={dir}/task-%a.log
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=1
exec {python} {script} --worker {dir}/tasks.json "$SLURM_ARRAY_TASK_ID"
"""


def run_slurm(jobs, ctx, progress):
    """Writes the pending runs as chunks, submits one sbatch job array (a task per chunk), waits
    for it (sbatch --wait) while the progress bar counts cache entries, then collects."""
    if not jobs:
        return
    per = max(1, ctx.runs_per_task)
    chunks = [jobs[i:i + per] for i in range(0, len(jobs), per)]
    work = _ensure(os.path.join(os.path.abspath(ctx.out), "slurm", time.strftime("%Y%m%d-%H%M%S")
                                + f"-{os.getpid()}"))
    tasks = {"bin": ctx.bin, "root": ctx.root, "cache": ctx.cache, "timeout_s": ctx.timeout_s,
             "chunks": [[{"key": j["key"], "args": j["args"], "inputs": j["inputs"]} for j in c] for c in chunks]}
    write_atomic(os.path.join(work, "tasks.json"), json.dumps(tasks, sort_keys=True, indent=1) + "\n")
    script = SBATCH_TEMPLATE.format(name="rdusim-sweep-" + ctx.name, last=len(chunks) - 1, dir=work,
                                    python=shlex.quote(sys.executable), script=shlex.quote(os.path.abspath(__file__)))
    script_path = os.path.join(work, "job.sbatch")
    write_atomic(script_path, script)
    cmd = ["sbatch", "--parsable", "--wait"] + ctx.sbatch_args + [script_path]
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except OSError as e:
        raise BackendError(f"slurm: cannot run sbatch: {e.strerror} (is Slurm installed and on PATH?)")
    job_id = None
    print(f"sweep: slurm: submitting {len(chunks)} array tasks ({per} runs each) from {script_path}",
          file=sys.stderr)
    try:
        line = proc.stdout.readline().strip()
        job_id = line.split(";")[0] if line else None
        if job_id:
            print(f"sweep: slurm: job {job_id}", file=sys.stderr)
        while proc.poll() is None:
            time.sleep(0.5)
            recs = [cache_load(ctx.cache, j["key"]) for j in jobs]
            progress.update(sum(r is not None for r in recs), sum(r is not None and r["status"] != "ok" for r in recs))
            # sbatch --wait polls the controller every few seconds; once every result is in and no
            # task is pending or running, stop waiting for it
            if job_id and all(r is not None for r in recs) and not _slurm_active(job_id):
                proc.terminate()
                proc.wait()
                proc.returncode = 0
    except BaseException:
        if job_id:
            subprocess.run(["scancel", job_id], check=False)
        proc.kill()
        raise
    err = proc.stderr.read().strip()
    if not job_id:
        raise BackendError(f"slurm: sbatch could not submit (exit {proc.returncode}): "
                           + " | ".join(err.splitlines()[-2:]))
    recs = [cache_load(ctx.cache, j["key"]) for j in jobs]
    progress.update(sum(r is not None for r in recs), sum(r is not None and r["status"] != "ok" for r in recs),
                    force=True)
    if proc.returncode != 0:
        print(f"sweep: slurm: sbatch exited {proc.returncode}: {err or '(no message)'}", file=sys.stderr)
    ctx.slurm_dir = work


def _slurm_active(job_id):
    """True while a task of the job is pending, running or completing (or squeue cannot tell)."""
    r = subprocess.run(["squeue", "-h", "-j", job_id, "-t", "PD,R,CG,CF,S", "-o", "%i"],
                       capture_output=True, text=True)
    return r.returncode != 0 or bool(r.stdout.strip())


def worker_main(tasks_path, task_id):
    """Runs inside a Slurm array task: one chunk of runs, each cached like a local run."""
    with open(tasks_path) as f:
        tasks = json.load(f)
    bad = 0
    for job in tasks["chunks"][int(task_id)]:
        if cache_load(tasks["cache"], job["key"]) is not None:
            continue
        rec = run_point(job, tasks["bin"], tasks["root"], tasks["cache"], tasks["timeout_s"])
        print(f"{job['key'][:12]} {rec['status']} {rec['wall_s']}s {rec['error']}", flush=True)
        bad += rec["status"] != "ok"
    return 0


# ---------------------------------------------------------------------------------------------
# The table: one row per point in expansion order

def _stat_value(node):
    return node.get("value") if isinstance(node, dict) and "value" in node else None


def metric_columns(metric, stats):
    """'run/total_ns' -> [('run.total_ns', value)]; 'run/*' -> every leaf directly under run."""
    parts = [p for p in metric.split("/") if p]
    if parts and parts[-1] == "*":
        node = stats
        for p in parts[:-1]:
            node = node.get(p, {}) if isinstance(node, dict) else {}
        return [(".".join(parts[:-1] + [k]), _stat_value(node[k]))
                for k in sorted(node) if isinstance(node, dict) and _stat_value(node[k]) is not None]
    node = stats
    for p in parts:
        node = node.get(p) if isinstance(node, dict) else None
    return [(".".join(parts), _stat_value(node))]


def build_table(spec, jobs, records):
    names = spec["_names"]
    params = list(dict.fromkeys(p for j in jobs for p in j["point"]))   # first-seen order
    param_cols = [names.get(p, p) for p in params]
    metric_cols = []
    rows = []
    for i, (job, rec) in enumerate(zip(jobs, records)):
        row = {"point": i}
        for p, col in zip(params, param_cols):
            row[col] = job["point"].get(p)
        row["status"] = rec["status"] if rec else "missing"
        row["error"] = rec["error"] if rec else "no result (interrupted, or the Slurm task failed)"
        for m in spec["metrics"]:
            for col, val in metric_columns(m, rec.get("stats", {}) if rec and rec["status"] == "ok" else {}):
                row[col] = val
                if col not in metric_cols:
                    metric_cols.append(col)
        if spec.get("record_wall"):
            row["wall_s"] = rec["wall_s"] if rec else None
        row["key"] = job["key"][:16]
        rows.append(row)
    if rows and not metric_cols:   # every point failed: still name the metric columns asked for
        metric_cols = [m.replace("/", ".") for m in spec["metrics"] if not m.endswith("*")]
    columns = ["point"] + param_cols + ["status", "error"] + metric_cols
    columns += (["wall_s"] if spec.get("record_wall") else []) + ["key"]
    return columns, [{c: r.get(c) for c in columns} for r in rows]


def _csv_cell(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (dict, list)):
        return json.dumps(v, sort_keys=True, separators=(",", ":"))
    return repr(v) if isinstance(v, float) else str(v)


def write_tables(out_dir, spec, columns, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for r in rows:
        w.writerow([_csv_cell(r[c]) for c in columns])
    write_atomic(os.path.join(out_dir, "results.csv"), buf.getvalue())
    doc = {"name": spec["name"], "columns": columns, "rows": rows}
    write_atomic(os.path.join(out_dir, "results.json"), json.dumps(doc, sort_keys=True, indent=1) + "\n")


# ---------------------------------------------------------------------------------------------

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
    ap.add_argument("--retry-errors", action="store_true", help="re-run points whose cached result is an error")
    ap.add_argument("--list", action="store_true", help="print the expanded points and commands, run nothing")
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
            print(i, json.dumps(j["point"], sort_keys=True), "rdusim " + shlex.join(j["args"]))
        return 0

    cached = {}
    for j in jobs:
        rec = cache_load(ctx.cache, j["key"])
        if rec is not None and not (a.retry_errors and rec["status"] != "ok"):
            cached[j["key"]] = rec
    todo, seen = [], set(cached)
    for j in jobs:
        if j["key"] not in seen:
            todo.append(j)
            seen.add(j["key"])
    print(f"sweep: {spec['name']}: {len(jobs)} points, {len(jobs) - len(todo)} cached, {len(todo)} to run "
          f"({a.backend}{', ' + str(ctx.jobs) + ' processes' if a.backend == 'local' else ''})", file=sys.stderr)
    progress = Progress(len(todo), a.progress)
    old = {s: signal.signal(s, _on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
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
    records = [cache_load(ctx.cache, j["key"]) or ctx.fresh.get(j["key"]) for j in jobs]
    columns, rows = build_table(spec, jobs, records)
    write_tables(ctx.out, spec, columns, rows)
    bad = [r for r in rows if r["status"] != "ok"]
    print(f"sweep: {spec['name']}: computed {len(todo)}, cached {len(jobs) - len(todo)}, failed {len(bad)} "
          f"in {elapsed:.1f} s -> {os.path.join(ctx.out, 'results.csv')}", file=sys.stderr)
    for r in bad:
        params = {c: r[c] for c in columns[1:columns.index("status")]}
        print(f"sweep: point {r['point']} {json.dumps(params, sort_keys=True)}: {r['error']}", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
