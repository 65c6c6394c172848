#!/usr/bin/env python3
# Usage: scripts/calibrate_retire.py BIN RETIRE_NS [BATCH] [FUSION]  (docs/assumptions.md, C4)
# C4 calibration: LLM-Inference-Bench Llama-2-7B batch 1, 8 sockets; e2e(L) = prefill(L) + L x decode(ctx 1.5 L) + RTT.
import json, subprocess, sys, concurrent.futures as cf
BIN = sys.argv[1]; retire = sys.argv[2]; batch = int(sys.argv[3]) if len(sys.argv) > 3 else 1
Ls = [128, 256, 512, 1024, 2048] if batch == 1 else [1024]
mode = sys.argv[4] if len(sys.argv) > 4 else "fused-ho"
def run(ph, L):
    out = f"/tmp/rdusim-conv-cal-{ph}-{L}-{retire}-{batch}-{mode}"
    a = [BIN, "run", "--machine", "sn40l-8", "--model", "llama2-7b", "--tp", "8", "--scope", "model", "--batch", str(batch),
         "--fusion", mode, "--set", f"machine/socket/kernel_launch/retire_ns={retire}", "--quiet", "--out", out, "--phase", ph]
    a += ["--seq", str(L)] if ph == "prefill" else ["--context", str(int(1.5 * L))]
    p = subprocess.run(a, capture_output=True, text=True)
    if p.returncode: print(p.stderr, file=sys.stderr); return None
    s = json.load(open(out + "/stats.json"))
    def g(k):
        d = s
        for p in k.split("."): d = d[p]
        return d["value"]
    return g("run.total_ns"), g("run.breakdown.calls")
jobs = [(ph, L) for L in Ls for ph in ("prefill", "decode")]
with cf.ThreadPoolExecutor(2) as ex: res = dict(zip(jobs, ex.map(lambda j: run(*j), jobs)))
meas = {128: 0.373, 256: 0.687, 512: 1.316, 1024: 1.711, 2048: 5.026}
rows = []
for L in Ls:
    pf, _ = res[("prefill", L)]; dc, calls = res[("decode", L)]
    e2e = (pf + L * dc) / 1e9
    rows.append((L, pf / 1e6, dc / 1e6, calls, e2e))
    print(f"L={L}: prefill {pf/1e6:.3f} ms, decode step {dc/1e6:.4f} ms ({calls:.0f} calls), sim e2e without RTT {e2e:.4f} s, measured {meas[L]} s")
if batch == 1:
    fitL = [r for r in rows if r[0] != 1024]
    n = len(fitL); mx = sum(r[0] for r in fitL) / n; my = sum(r[4] for r in fitL) / n
    a = sum((r[0] - mx) * (r[4] - my) for r in fitL) / sum((r[0] - mx) ** 2 for r in fitL); b = my - a * mx
    print(f"simulated slope {a*1e3:.4f} ms per L (measured 2.4215), intercept {b*1e3:.2f} ms (measured 68.28); constant per request (RTT) = {(0.068278 - b)*1e3:.2f} ms")
    for r in rows: print(f"  L={r[0]}: sim e2e + RTT {r[4] + (0.068278 - b) :.4f} s vs measured {meas[r[0]]} s, residual {(r[4] + 0.068278 - b - meas[r[0]])*1e3:+.1f} ms")
