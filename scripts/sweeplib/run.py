"""Running one rdusim point, the result cache (one JSON file per key, written atomically) and the
progress bar.

Crash safety: every file the sweep writes (cache entries, tables, Slurm task files) goes to a
temporary file in the same directory, is fsynced, and is renamed over its final name, so a reader
sees the old content or the new one, never a part. A temporary name carries its writer's pid and
host (`.tmp-<pid>@<host>-<random>`, run folders `tmp/run-<pid>@<host>-<random>`); `clean_stale`
removes those whose writer is gone. A cache entry that cannot be read back whole and valid is
treated as missing (the point is computed again), never trusted."""
import json
import math
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

_UMASK = os.umask(0)
os.umask(_UMASK)
HOST = socket.gethostname()
TMP_PREFIX = ".tmp-"
RUN_PREFIX = "run-"
FOREIGN_TMP_AGE_S = 3600          # a temporary file from another host is stale after this long
FOREIGN_RUN_AGE_S = 24 * 3600     # a run folder from another host (its rdusim may still run)
# children die with the thread that started them, even if this process is SIGKILLed
_DEATHSIG = ["setpriv", "--pdeathsig", "KILL", "--"] if shutil.which("setpriv") else []


def _owner_tag():
    return f"{os.getpid()}@{HOST}-"


def cache_path(cache_dir, key):
    return os.path.join(cache_dir, key[:2], key + ".json")


def _is_num(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def valid_record(rec, key):
    """A cache entry as run_point writes it, for this key (a damaged or misplaced file is not)."""
    return (isinstance(rec, dict) and rec.get("key") == key and rec.get("status") in ("ok", "error")
            and isinstance(rec.get("error"), str) and isinstance(rec.get("inputs"), dict)
            and _is_num(rec.get("wall_s"))
            and (rec["status"] != "ok" or isinstance(rec.get("stats"), dict)))


def cache_load(cache_dir, key, damaged=None):
    """The cached record for key, or None when there is none or it is unreadable, truncated, not
    JSON or not a valid record (then the point is simply computed again; its path is appended to
    `damaged` when given)."""
    path = cache_path(cache_dir, key)
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None
    try:
        rec = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError):   # truncated, not UTF-8, not JSON, absurdly nested
        rec = None
    if valid_record(rec, key):
        return rec
    if damaged is not None:
        damaged.append(path)
    return None


def _unlink(path):
    try:
        os.unlink(path)
    except OSError:
        pass


def _fsync_dir(d):
    try:
        fd = os.open(d, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass   # some file systems cannot sync a directory; the rename is still atomic
    finally:
        os.close(fd)


def write_atomic(path, text):
    """Writes text to path so that path holds the old content or the whole new one at any moment,
    even across a crash: a unique temporary file in the same directory, fsync, rename, fsync of
    the directory."""
    d = os.path.dirname(path) or "."
    data = text.encode("utf-8")
    for attempt in range(3):
        os.makedirs(d, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=d, prefix=TMP_PREFIX + _owner_tag())
        try:
            with os.fdopen(fd, "wb") as f:
                os.fchmod(f.fileno(), 0o666 & ~_UMASK)   # mkstemp makes 0600; give the usual mode
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except FileNotFoundError:
            # the temporary file (or its directory) was taken away under us, e.g. by a cleaner
            # that took this process for dead: write it again
            _unlink(tmp)
            if attempt == 2:
                raise
            continue
        except BaseException:
            _unlink(tmp)
            raise
        break
    _fsync_dir(d)


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True   # exists, owned by someone else
    return True


def _started_at(pid):
    """When process pid started (seconds since the epoch, to about a second), or None."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            ticks = int(f.read().rsplit(")", 1)[1].split()[19])   # field 22, starttime
        with open("/proc/stat") as f:
            boot = next(int(ln.split()[1]) for ln in f if ln.startswith("btime "))
        return boot + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        return None


def _stale(name, prefix, path, foreign_age_s, now):
    """True when the temporary file or folder `name` was left by a writer that is gone: one on this
    host whose pid no longer runs (or now belongs to a process started after the file was last
    written: a reused pid), or any other (another host, an old name format) older than
    foreign_age_s."""
    try:
        mtime = os.lstat(path).st_mtime
    except OSError:
        return False
    rest = name[len(prefix):]
    pid, at, tail = rest.partition("@")
    if at and pid.isdigit() and "-" in tail and tail.rsplit("-", 1)[0] == HOST:
        pid = int(pid)
        if pid == os.getpid():
            return False
        if not _pid_alive(pid):
            return True
        started = _started_at(pid)
        return started is not None and started > mtime + 2
    return now - mtime > foreign_age_s


def clean_stale(cache_dir, *dirs):
    """Removes the temporary files and run folders that killed writers left in the cache (and in
    the other folders given, e.g. the output folder). Returns how many it removed."""
    now = time.time()
    removed = 0

    def tmp_files(d):
        nonlocal removed
        try:
            entries = list(os.scandir(d))
        except OSError:
            return
        for e in entries:
            if e.name.startswith(TMP_PREFIX) and _stale(e.name, TMP_PREFIX, e.path, FOREIGN_TMP_AGE_S, now):
                _unlink(e.path)
                removed += 1

    try:
        top = list(os.scandir(cache_dir))
    except OSError:
        top = []
    for e in top:
        if len(e.name) == 2 and e.is_dir(follow_symlinks=False):
            tmp_files(e.path)
        elif e.name == "tmp" and e.is_dir(follow_symlinks=False):
            try:
                runs = list(os.scandir(e.path))
            except OSError:
                runs = []
            for r in runs:
                if r.name.startswith(RUN_PREFIX) and _stale(r.name, RUN_PREFIX, r.path, FOREIGN_RUN_AGE_S, now):
                    shutil.rmtree(r.path, ignore_errors=True)
                    removed += 1
                elif r.name.startswith("." + RUN_PREFIX) and ".rdusim-" in r.name:
                    # rdusim's output-set staging folder beside a run folder (".<run>.rdusim-new-<pid>-<n>",
                    # sim/core/atomic_file.hpp), left when a killed sweep took its rdusim down with it:
                    # stale once its run folder is gone or stale.
                    owner = r.name[1:].split(".rdusim-", 1)[0]
                    owner_path = os.path.join(e.path, owner)
                    if not os.path.exists(owner_path) or _stale(owner, RUN_PREFIX, owner_path, FOREIGN_RUN_AGE_S, now):
                        shutil.rmtree(r.path, ignore_errors=True)
                        removed += 1
    for d in dirs:
        tmp_files(d)
    return removed


_children = set()
_children_lock = threading.Lock()


def run_point(job, bin_path, root, cache_dir, timeout_s=None, retries=0):
    """Runs one point: rdusim up to 1 + retries times, until an attempt succeeds. Caches the final
    outcome when it is deterministic (exit 0, or exit 2 with its one-line error). Returns the
    record, with `attempts`."""
    attempts = 0
    while True:
        attempts += 1
        record = _attempt(job, bin_path, root, cache_dir, timeout_s)
        if record["status"] == "ok" or attempts > retries:
            break
    record["attempts"] = attempts
    deterministic = record["returncode"] in (0, 2)
    if deterministic:
        write_atomic(cache_path(cache_dir, job["key"]), json.dumps(record, sort_keys=True) + "\n")
    return record


def _attempt(job, bin_path, root, cache_dir, timeout_s):
    """One rdusim process, in a private output folder under <cache>/tmp that is removed after."""
    out_dir = tempfile.mkdtemp(prefix=RUN_PREFIX + _owner_tag(), dir=_ensure(os.path.join(cache_dir, "tmp")))
    try:
        argv = _DEATHSIG + [bin_path] + job["args"] + job.get("extra", ["--quiet"]) + ["--out", out_dir]
        result_file = job.get("result", "stats.json")   # the command's (sweeplib/commands.py)
        env = dict(os.environ, RDUSIM_ROOT=root)
        t0 = time.monotonic()
        record = {"key": job["key"], "inputs": job["inputs"]}
        try:
            proc = subprocess.Popen(argv, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True, errors="replace")
        except OSError as e:
            record.update(returncode=None, wall_s=0.0, status="error", error=f"cannot run {bin_path}: {e.strerror}")
            return record
        with _children_lock:
            _children.add(proc)
        try:
            stdout, stderr = proc.communicate(timeout=timeout_s)
            rc = proc.returncode
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            stderr, rc = f"timed out after {timeout_s} s", None
        except BaseException:   # interrupted: the child goes first, so it cannot write into a removed folder
            proc.kill()
            proc.wait()
            raise
        finally:
            with _children_lock:
                _children.discard(proc)
        record.update(returncode=rc, wall_s=round(time.monotonic() - t0, 4))
        if rc == 0:
            try:
                with open(os.path.join(out_dir, result_file), "rb") as f:
                    stats = json.loads(f.read().decode("utf-8"))
                if not isinstance(stats, dict):
                    raise ValueError("not a JSON object")
                record.update(status="ok", error="", stats=stats)   # "stats": the whole result file
            except (OSError, ValueError) as e:
                record.update(returncode=None, status="error", error=f"{result_file} unreadable: {e}")
        else:
            lines = [ln for ln in (stderr or "").strip().splitlines() if ln.strip()]
            reason = lines[-1] if lines else (f"killed by signal {-rc}" if rc and rc < 0 else f"exit code {rc}")
            record.update(status="error", error=reason.strip())
        return record
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)


def _ensure(d):
    os.makedirs(d, exist_ok=True)
    return d


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
