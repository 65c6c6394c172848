#!/usr/bin/env python3
# Usage: scripts/convergence_table.py BIN MODELS CHUNKS [PHASES [MODES]]  e.g. build-cc/rdusim llama2-7b,llama2-70b 64,256,1024,4096 decode,prefill fused-ho,unfused
# (docs/performance.md, "Chunk count")
# Convergence table: whole-model TP8 on sn40l-8, simulated ns per (model, phase, mode, chunks).
import json, subprocess, sys, concurrent.futures as cf, time
BIN = sys.argv[1]
models = sys.argv[2].split(",")
chunks = [int(c) for c in sys.argv[3].split(",")]
phases = sys.argv[4].split(",") if len(sys.argv) > 4 else ["decode", "prefill"]
modes = sys.argv[5].split(",") if len(sys.argv) > 5 else ["fused-ho", "unfused"]
def one(m, ph, mode, c):
    out = f"/tmp/rdusim-conv-{m}-{ph}-{mode}-{c}"
    a = [BIN, "run", "--machine", "sn40l-8", "--model", m, "--tp", "8", "--scope", "model", "--phase", ph,
         "--fusion", mode, "--chunks", str(c), "--quiet", "--out", out]
    if ph == "decode": a += ["--context", "4096"]
    else: a += ["--seq", "4096"]
    t0 = time.time()
    p = subprocess.run(a, capture_output=True, text=True)
    if p.returncode != 0: return (m, ph, mode, c, None, p.stderr.strip()[:200], time.time() - t0)
    s = json.load(open(out + "/stats.json"))
    return (m, ph, mode, c, s["run.total_ns"]["value"] if "run.total_ns" in s else s["run"]["total_ns"]["value"], "", time.time() - t0)
jobs = [(m, ph, mode, c) for m in models for ph in phases for mode in modes for c in chunks]
with cf.ThreadPoolExecutor(2) as ex:
    for r in ex.map(lambda j: one(*j), jobs):
        print(json.dumps(r), flush=True)
