"""Running one rdusim point, the result cache (one JSON file per key, written atomically) and the
progress bar."""
import json
import math
import os
import subprocess
import sys
import tempfile
import threading
import time

_UMASK = os.umask(0)
os.umask(_UMASK)


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
