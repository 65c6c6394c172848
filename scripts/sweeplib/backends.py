"""Backends: `local` (a pool of rdusim processes) and `slurm` (an sbatch job array, one task per chunk
of runs). Both write the same cache entries through run_point."""
import json
import os
import shlex
import subprocess
import sys
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

from sweeplib.run import _ensure, cache_load, kill_children, run_point, write_atomic

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
                                    python=shlex.quote(sys.executable), script=shlex.quote(SWEEP_PY))
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
