#!/usr/bin/python3
"""Tests of scripts/sweep.py (and a smoke test of scripts/plot.py): expansion, caching, resume,
bad points, CSV/JSON tables, crash safety (SIGKILL at many moments, then resume; damaged cache
entries; atomic writes) and retries. End-to-end cases run the real rdusim ($RDUSIM_BIN, else
<root>/build/rdusim) through a wrapper that logs each execution, so runs can be counted.
  RDUSIM_ROOT=. RDUSIM_BIN=build/rdusim /usr/bin/python3 tests/test_sweep.py
"""
import csv
import importlib.util
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
from unittest import mock

ROOT = os.path.abspath(os.environ.get("RDUSIM_ROOT") or os.path.join(os.path.dirname(__file__), ".."))
BIN = os.path.abspath(os.environ.get("RDUSIM_BIN") or os.path.join(ROOT, "build", "rdusim"))
SWEEP = os.path.join(ROOT, "scripts", "sweep.py")
PLOT = os.path.join(ROOT, "scripts", "plot.py")

sys.path.insert(0, os.path.join(ROOT, "scripts"))
from sweeplib import spec as sweep  # noqa: E402  (expansion and resolution, tested without running)
from sweeplib import run as sweeprun  # noqa: E402  (the cache's atomic writes)


def points(vary):
    return sweep.expand(vary)[0]


class Expansion(unittest.TestCase):
    def test_list(self):
        self.assertEqual(points({"param": "batch", "values": [1, 2, 4]}), [{"batch": 1}, {"batch": 2}, {"batch": 4}])

    def test_range_includes_stop_and_keeps_ints(self):
        got = [p["context"] for p in points({"param": "context", "range": {"start": 512, "stop": 2048, "step": 512}})]
        self.assertEqual(got, [512, 1024, 1536, 2048])
        self.assertTrue(all(isinstance(v, int) for v in got))

    def test_float_range_has_no_noise(self):
        got = [p["machine/x"] for p in points({"param": "machine/x", "range": {"start": 0.1, "stop": 0.5, "step": 0.1}})]
        self.assertEqual(got, [0.1, 0.2, 0.3, 0.4, 0.5])

    def test_descending_range_linspace_geom(self):
        self.assertEqual([p["batch"] for p in points({"param": "batch", "range": {"start": 8, "stop": 2, "step": -3}})],
                         [8, 5, 2])
        self.assertEqual([p["model/x"] for p in points({"param": "model/x", "linspace": {"start": 0, "stop": 1, "num": 5}})],
                         [0.0, 0.25, 0.5, 0.75, 1.0])
        self.assertEqual([p["chunks"] for p in points({"param": "chunks", "geom": {"start": 8, "stop": 128, "factor": 2}})],
                         [8, 16, 32, 64, 128])

    def test_product_first_factor_varies_slowest(self):
        got = points({"product": [{"param": "batch", "values": [1, 2]}, {"param": "context", "values": [10, 20, 30]}]})
        self.assertEqual(len(got), 6)
        self.assertEqual(got[0], {"batch": 1, "context": 10})
        self.assertEqual(got[1], {"batch": 1, "context": 20})
        self.assertEqual(got[-1], {"batch": 2, "context": 30})
        self.assertEqual(points([{"param": "batch", "values": [1, 2]}, {"param": "seq", "values": [3]}]),
                         [{"batch": 1, "seq": 3}, {"batch": 2, "seq": 3}])   # a bare list is a product

    def test_zip_and_nesting(self):
        z = {"zip": [{"param": "model/hidden", "values": [2048, 4096]}, {"param": "model/ffn", "values": [5504, 11008]}]}
        self.assertEqual(points(z), [{"model/hidden": 2048, "model/ffn": 5504}, {"model/hidden": 4096, "model/ffn": 11008}])
        nested = points({"product": [z, {"param": "batch", "values": [1, 8]}]})
        self.assertEqual(len(nested), 4)
        self.assertEqual(nested[3], {"model/hidden": 4096, "model/ffn": 11008, "batch": 8})

    def test_concat_and_points(self):
        got = points({"concat": [{"param": "batch", "values": [1]}, {"points": [{"batch": 2, "context": 64}]}]})
        self.assertEqual(got, [{"batch": 1}, {"batch": 2, "context": 64}])

    def test_column_names(self):
        _, names = sweep.expand({"param": "machine/socket/hbm/bandwidth_gbps", "name": "hbm_gbps", "values": [1]})
        self.assertEqual(names, {"machine/socket/hbm/bandwidth_gbps": "hbm_gbps"})

    def test_errors_name_the_path(self):
        cases = [
            ({"zip": [{"param": "batch", "values": [1, 2]}, {"param": "seq", "values": [1]}]}, "/vary/zip", "unequal"),
            ({"product": [{"param": "batch", "values": [1]}, {"param": "batch", "values": [2]}]}, "/vary/product/1",
             "also varied"),
            ({"param": "batch", "values": []}, "/vary/values", "non-empty"),
            ({"param": "batch", "range": {"start": 1, "stop": 4}}, "/vary/range/step", "required"),
            ({"param": "batch", "range": {"start": 1, "stop": 4, "step": -1}}, "/vary/range/step", "non-zero"),
            ({"param": "socket/hbm", "values": [1]}, "/vary/param", "machine/ or model/"),
            ({"param": "batch", "valuez": [1]}, "/vary/valuez", "unknown key"),
        ]
        for vary, where, what in cases:
            with self.assertRaises(sweep.SpecError) as cm:
                sweep.expand(vary, "s.json:/vary")
            self.assertIn("s.json:" + where, str(cm.exception))
            self.assertIn(what, str(cm.exception))

    def test_unknown_spec_key(self):
        with self.assertRaises(sweep.SpecError) as cm:
            sweep.check_spec({"vary": {"param": "batch", "values": [1]}, "metric": []}, "s.json")
        self.assertIn("s.json:/metric: unknown key", str(cm.exception))


class Resolution(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="sweep-res-")

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def test_every_parameter_goes_through_set_and_configs_are_hashed(self):
        machine = os.path.join(self.tmp, "m.json")
        with open(machine, "w") as f:
            f.write('{"a": 1}')
        spec = sweep.check_spec({"base": {"machine": machine, "phase": "decode"},
                                 "vary": {"param": "machine/socket/hbm/bandwidth_gbps", "values": [900]}})
        job = sweep.resolve(spec, spec["_points"][0], ROOT, "bin0", {})
        self.assertEqual(job["args"], ["run", "--set", "machine=" + json.dumps(machine),
                                       "--set", "machine/socket/hbm/bandwidth_gbps=900", "--set", 'phase="decode"'])
        with open(machine, "w") as f:
            f.write('{"a": 2}')
        job2 = sweep.resolve(spec, spec["_points"][0], ROOT, "bin0", {})
        self.assertEqual(job["args"], job2["args"])
        self.assertNotEqual(job["key"], job2["key"])   # same command, edited config: a new key
        self.assertNotEqual(job2["key"], sweep.resolve(spec, spec["_points"][0], ROOT, "bin1", {})["key"])

    def test_names_resolve_like_rdusim(self):
        self.assertEqual(sweep._resolve_config("sn40l", "configs/machines", ROOT),
                         os.path.join(ROOT, "configs/machines/sn40l.json"))
        self.assertEqual(sweep._resolve_config("/x/y.json", "configs/machines", ROOT), "/x/y.json")


class Harness(unittest.TestCase):
    """Runs sweep.py on the real rdusim through a wrapper that logs each execution (and can be
    slowed down, SWEEP_TEST_DELAY, or made to fail once, SWEEP_TEST_FLAKY=marker file)."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="sweep-e2e-")
        self.log = os.path.join(self.tmp, "runs.log")
        self.wrapper = os.path.join(self.tmp, "rdusim")
        with open(self.wrapper, "w") as f:   # counts executions, then runs the real binary
            f.write(f'#!/bin/sh\necho "$*" >> "{self.log}"\n[ -n "$SWEEP_TEST_DELAY" ] && sleep "$SWEEP_TEST_DELAY"\n'
                    'if [ -n "$SWEEP_TEST_FLAKY" ] && [ ! -e "$SWEEP_TEST_FLAKY" ]; then\n'
                    '  : > "$SWEEP_TEST_FLAKY"; echo "flaky failure" >&2; exit 3\nfi\n'
                    f'exec "{BIN}" "$@"\n')
        os.chmod(self.wrapper, 0o755)
        self.cache = os.path.join(self.tmp, "cache")

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def write_spec(self, spec, name="s.json"):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            json.dump(spec, f)
        return path

    def sweep(self, spec_path, out="out", *extra, env=None):
        cmd = [sys.executable, SWEEP, spec_path, "--bin", self.wrapper, "--cache", self.cache,
               "--out", os.path.join(self.tmp, out), "--jobs", "2", "--progress", "lines"] + list(extra)
        return subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, RDUSIM_ROOT=ROOT, **(env or {})))

    def executions(self):
        if not os.path.exists(self.log):
            return 0
        with open(self.log) as f:
            return len(f.read().splitlines())

    def cached_results(self):
        return sum(len([n for n in os.listdir(os.path.join(self.cache, d)) if n.endswith(".json")])
                   for d in os.listdir(self.cache) if len(d) == 2)

    def read_text(self, out, name):
        with open(os.path.join(self.tmp, out, name)) as f:
            return f.read()

    def read_csv(self, out="out"):
        with open(os.path.join(self.tmp, out, "results.csv")) as f:
            return list(csv.DictReader(f))


@unittest.skipUnless(os.path.isfile(BIN), f"no rdusim binary at {BIN}")
class EndToEnd(Harness):
    SMALL = {"name": "small", "base": {"phase": "decode", "context": 256, "chunks": 8},
             "vary": {"product": [{"param": "machine/socket/hbm/bandwidth_gbps", "name": "hbm_gbps",
                                   "values": [900, 1800]},
                                  {"param": "batch", "values": [1, 2, 0]}]},
             "metrics": ["run/total_ns", "run/model_events", "rdu0/hbm/utilization"]}

    def test_tables_cache_and_bad_point(self):
        spec = self.write_spec(self.SMALL)
        r = self.sweep(spec)
        self.assertEqual(r.returncode, 1, r.stderr)   # the batch 0 points fail, the rest finish
        self.assertEqual(self.executions(), 6)
        self.assertIn("computed 6, cached 0, failed 2", r.stderr)
        self.assertIn("batch: must be at least 1", r.stderr)
        rows = self.read_csv()
        self.assertEqual([row["point"] for row in rows], [str(i) for i in range(6)])
        self.assertEqual(list(rows[0]), ["point", "hbm_gbps", "batch", "status", "error", "run.total_ns",
                                         "run.model_events", "rdu0.hbm.utilization", "key"])
        self.assertEqual([row["status"] for row in rows], ["ok", "ok", "error"] * 2)
        self.assertIn("<command line>:/batch: must be at least 1", rows[2]["error"])
        self.assertEqual(rows[2]["run.total_ns"], "")
        # the table holds what rdusim wrote: rerun point 0 by hand and compare
        subprocess.run([BIN, "run", "--phase", "decode", "--context", "256", "--chunks", "8", "--batch", "1",
                        "--set", "machine/socket/hbm/bandwidth_gbps=900", "--quiet", "--out",
                        os.path.join(self.tmp, "by_hand")], check=True, env=dict(os.environ, RDUSIM_ROOT=ROOT))
        with open(os.path.join(self.tmp, "by_hand", "stats.json")) as f:
            stats = json.load(f)
        self.assertEqual(float(rows[0]["run.total_ns"]), stats["run"]["total_ns"]["value"])
        self.assertLess(float(rows[3]["run.total_ns"]), float(rows[0]["run.total_ns"]))   # more HBM bandwidth
        # JSON table: same columns and values
        with open(os.path.join(self.tmp, "out", "results.json")) as f:
            doc = json.load(f)
        self.assertEqual(doc["columns"], list(rows[0]))
        self.assertEqual(doc["rows"][0]["run.total_ns"], stats["run"]["total_ns"]["value"])
        self.assertEqual(doc["rows"][4]["batch"], 2)
        before = {n: self.read_text("out", n) for n in ("results.csv", "results.json")}
        # second run: nothing computed (errors are cached too), identical tables
        r2 = self.sweep(spec)
        self.assertEqual(r2.returncode, 1)
        self.assertEqual(self.executions(), 6)
        self.assertIn("computed 0, cached 6, failed 2", r2.stderr)
        for n, text in before.items():
            self.assertEqual(self.read_text("out", n), text)
        # a new value computes only the new points
        grown = json.loads(json.dumps(self.SMALL))
        grown["vary"]["product"][0]["values"].append(3600)
        r3 = self.sweep(self.write_spec(grown, "grown.json"))
        self.assertIn("computed 3, cached 6", r3.stderr)
        self.assertEqual(self.executions(), 9)

    def test_editing_a_config_invalidates(self):
        machine = os.path.join(self.tmp, "machine.json")
        shutil.copy(os.path.join(ROOT, "configs", "machines", "sn40l.json"), machine)
        spec = self.write_spec({"base": {"machine": machine, "context": 256, "chunks": 8},
                                "vary": {"param": "batch", "values": [1, 2]}, "metrics": ["run/total_ns"]})
        self.assertEqual(self.sweep(spec).returncode, 0)
        self.assertEqual(self.sweep(spec).returncode, 0)
        self.assertEqual(self.executions(), 2)
        with open(machine) as f:
            doc = json.load(f)
        doc["socket"]["hbm"]["latency_ns"] = 500
        with open(machine, "w") as f:
            json.dump(doc, f)
        r = self.sweep(spec)
        self.assertIn("computed 2, cached 0", r.stderr)
        self.assertEqual(self.executions(), 4)

    def test_interrupted_sweep_resumes(self):
        spec = self.write_spec({"name": "resume", "base": {"context": 128, "chunks": 8},
                                "vary": {"param": "batch", "range": {"start": 1, "stop": 10, "step": 1}},
                                "metrics": ["run/total_ns"]})
        cmd = [sys.executable, SWEEP, spec, "--bin", self.wrapper, "--cache", self.cache, "--jobs", "1",
               "--out", os.path.join(self.tmp, "out"), "--progress", "none"]
        env = dict(os.environ, RDUSIM_ROOT=ROOT, SWEEP_TEST_DELAY="0.3")
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        deadline = time.monotonic() + 60
        while self.executions() < 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=60)
        self.assertEqual(p.returncode, 130, err)
        self.assertIn("interrupted", err)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "out", "results.csv")))
        done = self.cached_results()
        self.assertGreaterEqual(done, 2)
        self.assertLess(done, 10)
        started = self.executions()
        r = self.sweep(spec)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(f"computed {10 - done}, cached {done}", r.stderr)
        self.assertEqual(self.executions(), started + 10 - done)
        self.assertEqual([row["batch"] for row in self.read_csv()], [str(b) for b in range(1, 11)])

    def test_record_wall_and_star_metrics(self):
        spec = self.write_spec({"base": {"context": 128}, "vary": {"param": "chunks", "values": [4, 8]},
                                "metrics": ["run/*"], "record_wall": True})
        self.assertEqual(self.sweep(spec).returncode, 0)
        rows = self.read_csv()
        self.assertIn("run.total_ns", rows[0])
        self.assertIn("run.model_events", rows[0])
        self.assertGreater(float(rows[0]["wall_s"]), 0)
        self.assertLess(int(float(rows[0]["run.model_events"])), int(float(rows[1]["run.model_events"])))

    def test_bad_spec_exits_2(self):
        spec = self.write_spec({"vary": {"param": "batch", "values": [1]}, "bogus": 1})
        r = self.sweep(spec)
        self.assertEqual(r.returncode, 2)
        self.assertIn("/bogus: unknown key", r.stderr)
        self.assertEqual(self.executions(), 0)

    @unittest.skipUnless(importlib.util.find_spec("matplotlib"), "python3-matplotlib not installed")
    def test_plot_line_and_heatmap(self):
        spec = self.write_spec(self.SMALL)
        self.sweep(spec)
        table = os.path.join(self.tmp, "out", "results.csv")
        for extra in (["--kind", "line", "--x", "hbm_gbps", "--series", "batch"],
                      ["--kind", "heatmap", "--x", "hbm_gbps", "--y", "batch"]):
            prefix = os.path.join(self.tmp, "plot_" + extra[1])
            r = subprocess.run([sys.executable, PLOT, table, "--metric", "run.total_ns", "--out", prefix] + extra,
                               capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stderr)
            for ext in (".png", ".svg"):
                self.assertGreater(os.path.getsize(prefix + ext), 1000)


DEAD_PID = 2 ** 22 + 12345   # above Linux's largest pid_max: never a running process
ENTRY = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{64}\.json$")


def leftovers(cache):
    """Every file or folder in the cache that is not a whole entry <2 hex>/<key>.json (an empty
    tmp/ folder, where runs write, is fine)."""
    bad = []
    for dirpath, dirnames, filenames in os.walk(cache):
        rel = os.path.relpath(dirpath, cache)
        if rel == "tmp":
            bad += [os.path.join(rel, n) for n in dirnames + filenames]
            dirnames[:] = []
            continue
        for n in filenames:
            path = os.path.join(rel, n) if rel != "." else n
            if not ENTRY.match(path):
                bad.append(path)
            elif sweeprun.cache_load(cache, n[:-5]) is None:
                bad.append(path + " (not a valid entry)")
    return bad


class AtomicWrites(unittest.TestCase):
    """write_atomic under SIGKILL: the target is always absent or one whole version."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="sweep-atomic-")

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def test_sigkill_during_writes_never_leaves_a_part(self):
        target = os.path.join(self.tmp, "ab", "entry.json")
        versions = {"a" * 2000000 + "\n", "b" * 3000000 + "\n"}
        writer = ("import sys; sys.path.insert(0, sys.argv[1]); from sweeplib.run import write_atomic\n"
                  "i = 0\nwhile True:\n    write_atomic(sys.argv[2], ('a' * 2000000 if i % 2 == 0 else 'b' * 3000000) + '\\n')\n"
                  "    i += 1\n")
        # one whole version first: on a loaded machine a writer may be killed before its first write
        os.makedirs(os.path.dirname(target), exist_ok=True)
        sweeprun.write_atomic(target, "a" * 2000000 + "\n")
        rng = random.Random(7)
        for _ in range(6):
            p = subprocess.Popen([sys.executable, "-c", writer, os.path.join(ROOT, "scripts"), target])
            time.sleep(rng.uniform(0.05, 0.4))
            p.kill()
            p.wait()
            if os.path.exists(target):
                with open(target) as f:
                    self.assertIn(f.read(), versions)
        self.assertTrue(os.path.exists(target))
        # what the killed writers left is theirs (pid in the name) and goes away: they are dead
        sweeprun.clean_stale(self.tmp, os.path.join(self.tmp, "ab"))
        self.assertEqual(os.listdir(os.path.join(self.tmp, "ab")), ["entry.json"])

    def test_a_failed_write_leaves_no_temporary_file(self):
        target = os.path.join(self.tmp, "x.json")
        sweeprun.write_atomic(target, "old\n")
        with mock.patch("os.replace", side_effect=OSError(28, "No space left on device")):
            with self.assertRaises(OSError):
                sweeprun.write_atomic(target, "new\n")
        self.assertEqual(os.listdir(self.tmp), ["x.json"])
        with open(target) as f:
            self.assertEqual(f.read(), "old\n")
        self.assertEqual(os.stat(target).st_mode & 0o777, 0o666 & ~sweeprun._UMASK)

    def test_cache_load_rejects_damage(self):
        key = "ab" + "0" * 62
        path = sweeprun.cache_path(self.tmp, key)
        os.makedirs(os.path.dirname(path))
        good = {"key": key, "inputs": {}, "status": "ok", "error": "", "wall_s": 0.1, "returncode": 0,
                "stats": {"run": {}}}
        text = json.dumps(good)
        for damaged in (text[:len(text) // 2], "", "\xff\xfe garbage", "[" * 100000, "[]", "null",
                        json.dumps(dict(good, key="cd" + key[2:])), json.dumps(dict(good, status="maybe")),
                        json.dumps({k: v for k, v in good.items() if k != "stats"})):
            with open(path, "w", encoding="utf-8", errors="surrogateescape") as f:
                f.write(damaged)
            hits = []
            self.assertIsNone(sweeprun.cache_load(self.tmp, key, hits), damaged[:40])
            self.assertEqual(hits, [path])
        with open(path, "w") as f:
            f.write(text)
        self.assertEqual(sweeprun.cache_load(self.tmp, key), good)

    def test_which_temporary_files_are_stale(self):
        host = socket.gethostname()
        d = os.path.join(self.tmp, "ab")
        os.makedirs(d)
        names = {f".tmp-{DEAD_PID}@{host}-aaaa": True,          # its writer is gone
                 f".tmp-{os.getpid()}@{host}-bbbb": False,       # this process: still writing
                 f".tmp-1@{host}-cccc": False,                   # pid 1 runs, and ran before the file
                 f".tmp-1@{host}-dddd": True,                    # ... but not before this one: a reused pid
                 f".tmp-{DEAD_PID}@other-host-eeee": False,      # another host's, recent
                 f".tmp-{DEAD_PID}@other-host-ffff": True,       # another host's, old
                 ".tmp-oldformat": False}                        # unknown writer, recent
        for n in names:
            open(os.path.join(d, n), "w").close()
        for n in (f".tmp-1@{host}-dddd", f".tmp-{DEAD_PID}@other-host-ffff"):
            os.utime(os.path.join(d, n), (0, 0))
        self.assertEqual(sweeprun.clean_stale(self.tmp), sum(names.values()))
        self.assertEqual(sorted(os.listdir(d)), sorted(n for n, stale in names.items() if not stale))

    def test_retries_must_be_a_small_count(self):
        for bad in (-1, 1.5, True, "2", 1000):
            with self.assertRaises(sweep.SpecError) as cm:
                sweep.check_spec({"vary": {"param": "batch", "values": [1]}, "retries": bad}, "s.json")
            self.assertIn("s.json:/retries", str(cm.exception))


@unittest.skipUnless(os.path.isfile(BIN), f"no rdusim binary at {BIN}")
class KillAndResume(Harness):
    """The sweep killed with SIGKILL at any moment, then run again, ends exactly like a sweep that
    ran through: same tables byte for byte, a cache of whole entries only."""

    # 8 cheap points (one decode layer, 8 chunks: ~10 ms each), one of them a deterministic error
    SPEC = {"name": "kill", "base": {"phase": "decode", "context": 128, "chunks": 8},
            "vary": {"param": "batch", "values": [1, 2, 3, 4, 0, 5, 6, 7]},
            "metrics": ["run/total_ns", "run/model_events", "rdu0/hbm/utilization"]}
    N = 8
    DELAY = "0.15"   # each run sleeps this long first, so kills land between and during runs

    def command(self, spec, cache, out):
        return [sys.executable, SWEEP, spec, "--bin", self.wrapper, "--cache", cache, "--jobs", "2",
                "--out", os.path.join(self.tmp, out), "--progress", "none"]

    def orphans(self):
        """Processes (but this one) whose command line names this test's scratch folder."""
        found = []
        for pid in os.listdir("/proc"):
            if not pid.isdigit() or int(pid) == os.getpid():
                continue
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    if self.tmp.encode() in f.read():
                        found.append(int(pid))
            except OSError:
                pass
        return found

    def test_sigkill_at_many_moments_then_resume(self):
        spec = self.write_spec(self.SPEC)
        env = dict(os.environ, RDUSIM_ROOT=ROOT, SWEEP_TEST_DELAY=self.DELAY)
        ref_cache = os.path.join(self.tmp, "cache-ref")
        ref = subprocess.run(self.command(spec, ref_cache, "ref"), capture_output=True, text=True, env=env)
        self.assertEqual(ref.returncode, 1, ref.stderr)   # batch 0 is an error, in the table
        reference = {n: self.read_text("ref", n) for n in ("results.csv", "results.json")}
        self.assertEqual(reference["results.csv"].count(",ok,"), self.N - 1)

        def wait_for(cond, limit=20):
            deadline = time.monotonic() + limit
            while not cond() and time.monotonic() < deadline:
                time.sleep(0.005)

        # kill moments: at once (interpreter start-up), a random early instant (spec, hashing),
        # as the first run starts, after the first result is cached, half-way through what is
        # left, and once everything is cached (tables being written); then random mid-run instants
        rng = random.Random(20240607)
        triggers = [("at start", lambda s: True),
                    ("early", lambda s: True),
                    ("first run started", lambda s: self.executions() > s["runs"]),
                    ("random", lambda s: True),
                    ("first result cached", lambda s: self.cached_results() > s["cached"]),
                    ("half the rest cached", lambda s: self.cached_results() >= s["cached"] + (self.N - s["cached"]) // 2),
                    ("all cached", lambda s: self.cached_results() >= self.N)]
        landed = []
        for name, cond in triggers:
            state = {"runs": self.executions(), "cached": self.cached_results() if os.path.isdir(self.cache) else 0}
            if state["cached"] >= self.N and name != "all cached":
                continue
            p = subprocess.Popen(self.command(spec, self.cache, "out"), stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, env=env)
            extra = {"at start": 0.0, "early": rng.uniform(0.02, 0.25), "random": rng.uniform(0.1, 0.5)}.get(
                name, rng.uniform(0.0, 0.05))
            wait_for(lambda: cond(state) or p.poll() is not None)
            time.sleep(extra)
            if p.poll() is None:
                p.send_signal(signal.SIGKILL)
                landed.append(f"{name} (+{extra:.3f} s, {self.cached_results() if os.path.isdir(self.cache) else 0} cached)")
            p.wait(timeout=30)
            # a table, if this run got that far, is a whole one: the reference's
            for n, text in reference.items():
                path = os.path.join(self.tmp, "out", n)
                if os.path.exists(path):
                    self.assertEqual(self.read_text("out", n), text, f"{n} after a kill {name}")
            if sweeprun._DEATHSIG:   # no rdusim outlives the killed sweep
                wait_for(lambda: not self.orphans(), 5)
                self.assertEqual(self.orphans(), [], f"processes left after the kill {name}")
        self.assertGreaterEqual(len(landed), 5, landed)
        r = subprocess.run(self.command(spec, self.cache, "out"), capture_output=True, text=True, env=env)
        self.assertEqual(r.returncode, 1, r.stderr)
        for n, text in reference.items():
            self.assertEqual(self.read_text("out", n), text, n)
        self.assertEqual(leftovers(self.cache), [])
        self.assertEqual([n for n in os.listdir(os.path.join(self.tmp, "out")) if n.startswith(".tmp-")], [])
        print(f"\n  {len(landed)} kills landed: " + "; ".join(landed), file=sys.stderr)

    def test_damaged_entries_and_stale_files(self):
        spec = self.write_spec(dict(self.SPEC, vary={"param": "batch", "values": [1, 2, 0]}))
        env = dict(os.environ, RDUSIM_ROOT=ROOT)
        first = subprocess.run(self.command(spec, self.cache, "out"), capture_output=True, text=True, env=env)
        self.assertEqual(first.returncode, 1, first.stderr)
        reference = {n: self.read_text("out", n) for n in ("results.csv", "results.json")}
        entries = sorted(os.path.join(d, n) for d in os.listdir(self.cache) if len(d) == 2
                         for n in os.listdir(os.path.join(self.cache, d)))
        self.assertEqual(len(entries), 3)
        for rel, damage in zip(entries, (lambda t: t[:len(t) // 3], lambda t: "\x00" * 10, lambda t: "{}")):
            path = os.path.join(self.cache, rel)
            with open(path) as f:
                text = f.read()
            with open(path, "w") as f:
                f.write(damage(text))
        host = socket.gethostname()
        sub = os.path.dirname(os.path.join(self.cache, entries[0]))
        stale = [os.path.join(sub, f".tmp-{DEAD_PID}@{host}-abc123"),
                 os.path.join(self.tmp, "out", f".tmp-{DEAD_PID}@{host}-def456")]
        live = os.path.join(sub, f".tmp-{os.getpid()}@{host}-live00")   # a writer that still runs
        stale_run = os.path.join(self.cache, "tmp", f"run-{DEAD_PID}@{host}-q1w2e3")
        os.makedirs(stale_run)
        for path in stale + [live, os.path.join(stale_run, "stats.json")]:
            with open(path, "w") as f:
                f.write('{"partial": ')
        r = subprocess.run(self.command(spec, self.cache, "out"), capture_output=True, text=True, env=env)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("removed 3 temporary files", r.stderr)
        self.assertIn("3 cache entries are damaged", r.stderr)
        self.assertIn("computed 3, cached 0", r.stderr)
        for n, text in reference.items():
            self.assertEqual(self.read_text("out", n), text, n)
        self.assertTrue(os.path.exists(live))
        os.unlink(live)
        self.assertEqual(leftovers(self.cache), [])
        self.assertEqual(self.executions(), 6)


@unittest.skipUnless(os.path.isfile(BIN), f"no rdusim binary at {BIN}")
class Retries(Harness):
    def test_failed_run_is_retried_then_reported(self):
        spec = self.write_spec({"name": "retry", "base": {"context": 128, "chunks": 8},
                                "vary": {"param": "batch", "values": [1, "x", 2]}, "metrics": ["run/total_ns"],
                                "retries": 1})
        r = self.sweep(spec, "out", "--retries", "2")   # the option wins over the spec's 1
        self.assertEqual(r.returncode, 1, r.stderr)
        with open(self.log) as f:
            runs = f.read().splitlines()
        self.assertEqual(sum('batch="x"' in ln for ln in runs), 3)
        self.assertEqual(len(runs), 5)
        self.assertIn("computed 3, cached 0, failed 1", r.stderr)
        self.assertRegex(r.stderr, r'point 1 .*/batch: expected an integer \(3 attempts\)')
        self.assertEqual([row["status"] for row in self.read_csv()], ["ok", "error", "ok"])
        r2 = self.sweep(spec, "out2")   # the error is deterministic: cached, not run again
        self.assertEqual(r2.returncode, 1)
        self.assertEqual(self.executions(), 5)
        self.assertEqual(self.read_text("out", "results.csv"), self.read_text("out2", "results.csv"))

    def test_spec_retries_rescue_a_flaky_run(self):
        spec = self.write_spec({"name": "flaky", "base": {"context": 128, "chunks": 8},
                                "vary": {"param": "batch", "values": [1]}, "metrics": ["run/total_ns"], "retries": 1})
        flaky = {"SWEEP_TEST_FLAKY": os.path.join(self.tmp, "flaked-once")}
        r = self.sweep(spec, "out", env=flaky)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.executions(), 2)
        self.assertEqual(self.cached_results(), 1)
        # without retries the crash is reported, and not cached (it may pass next time)
        os.unlink(flaky["SWEEP_TEST_FLAKY"])
        shutil.rmtree(self.cache)
        r = self.sweep(spec, "out", "--retries", "0", env=flaky)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("flaky failure", r.stderr)
        self.assertEqual(self.read_csv()[0]["error"], "flaky failure")
        self.assertEqual(self.cached_results(), 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
