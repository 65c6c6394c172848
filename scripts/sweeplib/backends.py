"""Backends: `local` (a pool of rdusim processes) and `slurm` (sbatch job arrays, one task per chunk
of runs). Both write the same cache entries through run_point, which also retries a failed run.
The Slurm backend retries at a second level too: runs whose array task died before recording
anything (node failure, time limit, a killed worker) are submitted again, one run per task."""
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

from sweeplib.run import _DEATHSIG, _ensure, cache_load, kill_children, run_point, write_atomic

SWEEP_PY = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "sweep.py")


class Interrupted(Exception):
    pass


class BackendError(Exception):
    """The backend could not run the sweep at all (e.g. no Slurm controller)."""


def on_signal(signum, frame):
    raise Interrupted()


def run_local(jobs, ctx, progress):
    """A pool of ctx.jobs rdusim processes (threads each driving one child process)."""
    done = failed = 0
    pool = ThreadPoolExecutor(max_workers=ctx.jobs)
    futures = {pool.submit(run_point, j, ctx.bin, ctx.root, ctx.cache, ctx.timeout_s, ctx.retries): j
               for j in jobs}
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
#SBATCH --output={dir}/task-{round}-%a.log
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=1
exec {python} {script} --worker {dir}/tasks-{round}.json "$SLURM_ARRAY_TASK_ID"
"""


def _result_path(work, rnd, task):
    return os.path.join(work, f"result-{rnd}-{task}.json")


def _read_json(path):
    try:
        with open(path, "rb") as f:
            return json.loads(f.read().decode("utf-8"))
    except (OSError, ValueError, RecursionError):
        return None


def _collect(ctx, work, rnd, chunks, recs):
    """Fills recs (key -> record) for this round's runs: the cache, else the worker's result file
    (which also holds the failures that are not cached, such as timeouts and crashes)."""
    for t, chunk in enumerate(chunks):
        results = None
        for j in chunk:
            if j["key"] in recs:
                continue
            rec = cache_load(ctx.cache, j["key"])
            if rec is None:
                if results is None:
                    doc = _read_json(_result_path(work, rnd, t))
                    results = doc if isinstance(doc, dict) else {}
                rec = results.get(j["key"])
                if not (isinstance(rec, dict) and rec.get("status") in ("ok", "error")):
                    rec = None
            if rec is not None:
                recs[j["key"]] = rec
    return recs


def _log_tail(path):
    try:
        with open(path, errors="replace") as f:
            lines = [ln.strip() for ln in f.read().splitlines() if ln.strip()]
    except OSError:
        return "no task log"
    return lines[-1] if lines else "empty task log"


def run_slurm(jobs, ctx, progress):
    """Writes the pending runs as chunks, submits one sbatch job array (a task per chunk), waits
    for it (sbatch --wait) while the progress bar counts results, then collects. Runs that got no
    result because their task died are submitted again (one per task), up to ctx.retries times;
    after that they are reported as failed with the end of their task's log."""
    if not jobs:
        return
    per = max(1, ctx.runs_per_task)
    work = _ensure(os.path.join(os.path.abspath(ctx.out), "slurm", time.strftime("%Y%m%d-%H%M%S")
                                + f"-{os.getpid()}"))
    ctx.slurm_dir = work
    recs = {}
    pending = jobs
    for rnd in range(ctx.retries + 1):
        chunks = [pending[i:i + per] for i in range(0, len(pending), per)]
        job_id = _submit_and_wait(ctx, work, rnd, chunks, jobs, recs, progress)
        lost = [(t, j) for t, c in enumerate(chunks) for j in c if j["key"] not in recs]
        if not lost:
            break
        if rnd < ctx.retries:
            print(f"sweep: slurm: {len(lost)} runs got no result from job {job_id} (their tasks died); "
                  f"submitting them again (retry {rnd + 1} of {ctx.retries})", file=sys.stderr)
            pending, per = [j for _, j in lost], 1   # one run per task: a bad run cannot take others down
            continue
        for t, j in lost:
            log = os.path.join(work, f"task-{rnd}-{t}.log")
            recs[j["key"]] = {"key": j["key"], "inputs": j["inputs"], "returncode": None, "wall_s": None,
                              "status": "error", "attempts": rnd + 1,
                              "error": f"no result from Slurm (job {job_id} task {t}, submitted "
                                       f"{'once' if rnd == 0 else f'{rnd + 1} times'}): {_log_tail(log)} [{log}]"}
    for j in jobs:
        if j["key"] in recs:
            ctx.fresh[j["key"]] = recs[j["key"]]
    progress.update(len(recs), sum(r["status"] != "ok" for r in recs.values()), force=True)


def _submit_and_wait(ctx, work, rnd, chunks, jobs, recs, progress):
    tasks = {"bin": ctx.bin, "root": ctx.root, "cache": ctx.cache, "timeout_s": ctx.timeout_s,
             "retries": ctx.retries, "round": rnd,
             "chunks": [[{k: j[k] for k in ("key", "args", "inputs", "extra", "result")} for j in c] for c in chunks]}
    write_atomic(os.path.join(work, f"tasks-{rnd}.json"), json.dumps(tasks, sort_keys=True, indent=1) + "\n")
    script = SBATCH_TEMPLATE.format(name="rdusim-sweep-" + ctx.name, last=len(chunks) - 1, dir=work, round=rnd,
                                    python=shlex.quote(sys.executable), script=shlex.quote(SWEEP_PY))
    script_path = os.path.join(work, f"job-{rnd}.sbatch")
    write_atomic(script_path, script)
    # sbatch --wait dies with this process (SIGKILL included); the job itself goes on in Slurm
    if not shutil.which("sbatch"):
        raise BackendError("slurm: no sbatch on PATH (is Slurm installed?)")
    cmd = _DEATHSIG + ["sbatch", "--parsable", "--wait"] + ctx.sbatch_args + [script_path]
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except OSError as e:
        raise BackendError(f"slurm: cannot run sbatch: {e.strerror} (is Slurm installed and on PATH?)")
    job_id = None
    runs = sum(len(c) for c in chunks)
    print(f"sweep: slurm: submitting {len(chunks)} array tasks ({runs} runs) from {script_path}", file=sys.stderr)

    def count():
        _collect(ctx, work, rnd, chunks, recs)
        progress.update(len(recs), sum(r["status"] != "ok" for r in recs.values()))

    try:
        line = proc.stdout.readline().strip()
        job_id = line.split(";")[0] if line else None
        if job_id:
            print(f"sweep: slurm: job {job_id}", file=sys.stderr)
        asked, all_in_since = 0.0, None
        while proc.poll() is None:
            time.sleep(0.5)
            count()
            # sbatch --wait polls the controller at growing intervals (up to a minute); once no task
            # is pending or running, stop waiting for it. Ask squeue as soon as every result is in,
            # else every few seconds (a task that died leaves its runs without a result).
            now = time.monotonic()
            if all(j["key"] in recs for c in chunks for j in c):
                all_in_since = all_in_since or now
            if job_id and (all_in_since or now - asked > 3):
                asked = now
                if not _slurm_active(job_id):
                    proc.terminate()
                    proc.wait()
                    proc.returncode = 0
                elif all_in_since and now - all_in_since > 2:
                    # every result is in (another sweep's job, e.g. one whose driver was killed,
                    # computed them): the tasks still queued would only find them cached
                    print(f"sweep: slurm: every result is in; cancelling what is left of job {job_id}",
                          file=sys.stderr)
                    subprocess.run(["scancel", job_id], check=False, timeout=60)
                    all_in_since = now
    except BaseException:
        if job_id:
            subprocess.run(["scancel", job_id], check=False)
        proc.kill()
        raise
    err = proc.stderr.read().strip()
    if not job_id:
        raise BackendError(f"slurm: sbatch could not submit (exit {proc.returncode}): "
                           + " | ".join(err.splitlines()[-2:]))
    count()
    if proc.returncode != 0:
        # a failed array task makes sbatch --wait exit non-zero; the runs it lost are retried
        print(f"sweep: slurm: sbatch exited {proc.returncode}: {err or '(no message)'}", file=sys.stderr)
    return job_id


def _slurm_active(job_id):
    """True while a task of the job is pending, running or completing (or squeue cannot tell)."""
    try:
        r = subprocess.run(["squeue", "-h", "-j", job_id, "-t", "PD,R,CG,CF,S", "-o", "%i"],
                           capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return True
    return r.returncode != 0 or bool(r.stdout.strip())


def worker_main(tasks_path, task_id):
    """Runs inside a Slurm array task: one chunk of runs, each cached like a local run (with the
    same retries). Every outcome, also those that are not cached (timeouts, crashes), goes to the
    task's result file as soon as it is known, so the driver can tell a failed run from a lost one."""
    # scancel sends SIGTERM: unwind (the run in progress kills its rdusim and removes its folder)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    with open(tasks_path) as f:
        tasks = json.load(f)
    work, task = os.path.dirname(os.path.abspath(tasks_path)), int(task_id)
    results_path = _result_path(work, tasks.get("round", 0), task)
    results = {}
    for job in tasks["chunks"][task]:
        rec = cache_load(tasks["cache"], job["key"])
        if rec is None:
            rec = run_point(job, tasks["bin"], tasks["root"], tasks["cache"], tasks["timeout_s"],
                            tasks.get("retries", 0))
            print(f"{job['key'][:12]} {rec['status']} {rec['wall_s']}s x{rec['attempts']} {rec['error']}", flush=True)
        results[job["key"]] = {k: rec.get(k) for k in ("key", "status", "error", "returncode", "wall_s", "attempts")}
        if rec["status"] == "ok":
            results[job["key"]]["stats"] = rec["stats"]
        write_atomic(results_path, json.dumps(results, sort_keys=True) + "\n")
    return 0
