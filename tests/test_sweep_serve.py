#!/usr/bin/python3
"""Tests of scripts/sweep.py's commands (sweeplib/commands.py): a `serve` sweep end to end (its
table holds serve.json's values, a switch costs expert bytes / DDR bandwidth), the checks of a spec
against its command (one line, exit 2), `run` cache keys as before commands existed, layered
machine files in the cache key, and the plots drawn at the end of a sweep.
  RDUSIM_ROOT=. RDUSIM_BIN=build/rdusim /usr/bin/python3 tests/test_sweep_serve.py
"""
import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_sweep import BIN, ROOT, Harness, sweep  # noqa: E402

HAVE_MPL = importlib.util.find_spec("matplotlib") is not None


def load(spec, path="s.json"):
    return sweep.check_spec(json.loads(json.dumps(spec)), path)


SERVE_BASE = {"poisson": 4, "count": 20, "popularity": "zipf", "zipf": 1.0, "seed": 1}


class SpecChecks(unittest.TestCase):
    def error(self, spec):
        with self.assertRaises(sweep.SpecError) as cm:
            load(spec)
        return str(cm.exception)

    def test_serve_arguments(self):
        spec = load({"command": "serve", "base": dict(SERVE_BASE, prefetch=True, preload=False),
                     "vary": {"param": "machine/socket/ddr/bandwidth_gbps", "values": [100]}})
        job = sweep.resolve(spec, spec["_points"][0], ROOT, "bin0", {})
        self.assertEqual(job["args"], ["serve", "--count", "20", "--set", "machine/socket/ddr/bandwidth_gbps=100",
                                       "--poisson", "4", "--popularity", "zipf", "--prefetch", "--seed", "1",
                                       "--zipf", "1.0"])
        self.assertEqual((job["extra"], job["result"]), ([], "serve.json"))
        self.assertEqual(job["inputs"]["command"], "serve")
        # the default machine and composition are hashed, with the machine's base and the models
        self.assertEqual(sorted(job["inputs"]["files"]),
                         ["composition", "composition.model.llama2-7b", "machine", "machine.base1"])

    def test_run_key_is_the_one_before_commands(self):
        """Closed form of the key format that existing caches hold (no "command" field)."""
        spec = load({"base": {"phase": "decode"}, "vary": {"param": "batch", "values": [2]}})
        job = sweep.resolve(spec, spec["_points"][0], ROOT, "bin0", {})

        def digest(rel):
            with open(os.path.join(ROOT, rel), "rb") as f:
                return hashlib.sha256(f.read()).hexdigest()
        inputs = {"args": ["run", "--set", "batch=2", "--set", 'phase="decode"'],
                  "files": {"machine": digest("configs/machines/sn40l.json"),
                            "model": digest("workloads/models/llama2-7b.json")},
                  "rdusim": "bin0", "format": 1}
        self.assertEqual(job["key"], hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest())
        self.assertEqual(job["extra"], ["--quiet"])

    def test_a_layered_machine_file_s_base_is_in_the_key(self):
        tmp = tempfile.mkdtemp(prefix="sweep-layer-")
        try:
            for name, doc in (("base", {"a": 1}), ("child", {"base": "base", "b": 2})):
                with open(os.path.join(tmp, name + ".json"), "w") as f:
                    json.dump(doc, f)
            spec = load({"base": {"machine": os.path.join(tmp, "child.json")}, "vary": {"param": "batch", "values": [1]}})
            k1 = sweep.resolve(spec, spec["_points"][0], ROOT, "bin0", {})["key"]
            with open(os.path.join(tmp, "base.json"), "w") as f:
                json.dump({"a": 2}, f)
            self.assertNotEqual(k1, sweep.resolve(spec, spec["_points"][0], ROOT, "bin0", {})["key"])
        finally:
            shutil.rmtree(tmp)

    def test_errors_name_the_file_and_path(self):
        vary = {"param": "count", "values": [1]}
        cases = [
            ({"command": "exp", "vary": vary}, "s.json:/command: unknown command \"exp\" (known: run, serve)"),
            ({"command": "serve", "base": {"bogus": 1}, "vary": vary}, "s.json:/base/bogus: \"bogus\" is not an option"),
            ({"command": "serve", "vary": {"param": "model/hidden", "values": [1]}},
             "s.json:/vary/param: \"model/hidden\": a path must start with machine/"),
            ({"command": "serve", "base": {"prefetch": 1}, "vary": vary}, "s.json:/base/prefetch: \"prefetch\" is an on/off"),
            ({"command": "serve", "vary": {"param": "count", "values": [1, [2]]}}, "s.json:/vary/values/1: \"count\" takes"),
            ({"command": "serve", "vary": vary, "metrics": ["summary//p99"]}, "s.json:/metrics/0: 'summary//p99'"),
            ({"command": "serve", "vary": vary, "plots": [{"x": "count", "metric": "p99", "file": "f"}]},
             "s.json:/plots/0/metric: no column \"p99\""),
            ({"vary": {"param": "batch", "values": [1]}, "plots": [{"kind": "pie", "x": "batch", "metric": "m", "file": "f"}]},
             "s.json:/plots/0/kind: unknown kind"),
        ]
        for spec, want in cases:
            self.assertIn(want, self.error(spec))

    def test_every_example_spec_loads(self):
        for name in sorted(os.listdir(os.path.join(ROOT, "configs", "sweeps"))):
            spec = sweep.load_spec(os.path.join(ROOT, "configs", "sweeps", name))
            self.assertTrue(spec["_points"], name)


@unittest.skipUnless(os.path.isfile(BIN), f"no rdusim binary at {BIN}")
class ServeSweep(Harness):
    SPEC = {"name": "serve_small", "command": "serve", "base": SERVE_BASE,
            "vary": {"param": "machine/socket/ddr/bandwidth_gbps", "name": "ddr_gbps", "values": [100, 400]},
            "metrics": ["summary/latency_ms/p50", "summary/latency_ms/p99", "hbm_hit_rate", "accounting/switches",
                        "accounting/switch_ms", "bytes_switched"],
            "plots": [{"kind": "line", "x": "ddr_gbps", "metric": ["summary.latency_ms.p99"], "file": "p99"}]}

    def test_serve_sweep_end_to_end(self):
        r = self.sweep(self.write_spec(self.SPEC))
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = self.read_csv()
        self.assertEqual(list(rows[0]), ["point", "ddr_gbps", "status", "error", "summary.latency_ms.p50",
                                         "summary.latency_ms.p99", "hbm_hit_rate", "accounting.switches",
                                         "accounting.switch_ms", "bytes_switched", "key"])
        self.assertEqual([row["status"] for row in rows], ["ok", "ok"])
        # the table holds what rdusim serve wrote: point 0 by hand
        by_hand = os.path.join(self.tmp, "by_hand")
        subprocess.run([BIN, "serve", "--poisson", "4", "--count", "20", "--popularity", "zipf", "--zipf", "1.0",
                        "--seed", "1", "--set", "machine/socket/ddr/bandwidth_gbps=100", "--out", by_hand],
                       check=True, capture_output=True, env=dict(os.environ, RDUSIM_ROOT=ROOT))
        with open(os.path.join(by_hand, "serve.json")) as f:
            doc = json.load(f)
        self.assertEqual(float(rows[0]["summary.latency_ms.p99"]), doc["summary"]["latency_ms"]["p99"])
        self.assertEqual(float(rows[0]["hbm_hit_rate"]), doc["hbm_hit_rate"])
        # a switch copies an expert DDR -> HBM: its time is bytes / bandwidth, so 4x the DDR
        # bandwidth makes it 4x shorter (within 1 %: the latency terms are microseconds); the same
        # stream switches the same experts, so the hit rate does not move
        per = [float(r["accounting.switch_ms"]) / float(r["accounting.switches"]) for r in rows]
        self.assertGreater(float(rows[0]["accounting.switches"]), 0)
        self.assertAlmostEqual(per[0] / per[1], 4.0, delta=0.04)
        self.assertEqual(rows[0]["hbm_hit_rate"], rows[1]["hbm_hit_rate"])
        self.assertEqual(rows[0]["bytes_switched"], rows[1]["bytes_switched"])
        if HAVE_MPL:   # the spec's plot, beside results.csv
            for ext in (".png", ".svg"):
                self.assertGreater(os.path.getsize(os.path.join(self.tmp, "out", "p99" + ext)), 1000)
        # again: nothing computed, same table; --no-plots draws nothing
        before = self.read_text("out", "results.csv")
        r2 = self.sweep(self.write_spec(self.SPEC), "out2", "--no-plots")
        self.assertEqual(r2.returncode, 0, r2.stderr)
        self.assertIn("computed 0, cached 2", r2.stderr)
        self.assertEqual(self.read_text("out2", "results.csv"), before)
        self.assertEqual(sorted(os.listdir(os.path.join(self.tmp, "out2"))), ["results.csv", "results.json"])

    def test_a_metric_that_names_nothing_exits_2(self):
        spec = dict(self.SPEC, metrics=["summary/latency_ms/p99", "summary/latency/p99"])
        r = self.sweep(self.write_spec(spec))
        self.assertEqual(r.returncode, 2, r.stderr)
        lines = [ln for ln in r.stderr.splitlines() if "/metrics/" in ln]
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertIn("s.json:/metrics/1: \"summary/latency/p99\" names no value in the serve.json", lines[0])
        self.assertIn("under summary: ", lines[0])   # what is there instead
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "out", "results.csv")))
        r2 = self.sweep(self.write_spec(dict(spec, metrics=["summary/latency_ms/p99"])))   # fixed: all cached
        self.assertEqual(r2.returncode, 0, r2.stderr)
        self.assertIn("computed 0, cached 2", r2.stderr)

    def test_a_bad_command_exits_2_in_one_line(self):
        r = self.sweep(self.write_spec(dict(self.SPEC, command="experiment")))
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stderr.strip().count("\n"), 0, r.stderr)
        self.assertIn("s.json:/command: unknown command", r.stderr)
        self.assertEqual(self.executions(), 0)

    @unittest.skipUnless(HAVE_MPL, "python3-matplotlib not installed")
    def test_a_plot_that_cannot_be_drawn_exits_2_after_the_tables(self):
        spec = dict(self.SPEC, plots=[{"x": "ddr_gbps", "metric": "hbm_hit_rate", "where": ["ddr_gbps=7"], "file": "a"},
                                      {"x": "ddr_gbps", "metric": "hbm_hit_rate", "file": "b"}])
        r = self.sweep(self.write_spec(spec))
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("s.json:/plots/0: no ok rows to draw where ddr_gbps=7", r.stderr)
        out = sorted(os.listdir(os.path.join(self.tmp, "out")))
        self.assertEqual(out, ["b.png", "b.svg", "results.csv", "results.json"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
