#!/usr/bin/env python3
"""Validates the DGX A100 / H100 machines against the published GPU measurements
(shared/reference/gpu-measurements.md) with ONE set of machine parameters, and writes
docs/validation_dgx.md.

    python3 scripts/validate_dgx.py [--build build] [--jobs 2] [--out docs/validation_dgx.md]
"""
import argparse
import concurrent.futures as cf
import json
import os
import subprocess
import sys
import tempfile

GPT_FAST = "pytorch-labs/gpt-fast README"
TRT = "NVIDIA TensorRT-LLM docs/source/performance.md (release 0.5)"
VLLM = "LambdaLabsML/vllm-benchmark results"
BWTEST = "CUDA bandwidthTest reports"

# (label, measured, unit, source, kind, args). gpt-fast decodes ~200 tokens after a short prompt
# (context ~100 on average); vLLM's 10 x 2000-token prompts decode at batch 10 over ~2000 tokens.
def decode(machine, model, tp, batch=1, context=100):
    return ["run", "--machine", machine, "--model", model, "--phase", "decode", "--batch", str(batch),
            "--context", str(context), "--tp", str(tp), "--scope", "model"]

def prefill(machine, model, tp, seq):
    return ["run", "--machine", machine, "--model", model, "--phase", "prefill", "--seq", str(seq),
            "--tp", str(tp), "--scope", "model"]

ROWS = [
    ("1x A100 Llama-2-7B batch-1 decode", 1000 / 104.9, "ms/token", GPT_FAST, decode("dgx-a100", "llama2-7b", 1)),
    ("2x A100 TP Llama-2-7B batch-1 decode", 1000 / 136.3, "ms/token", GPT_FAST, decode("dgx-a100", "llama2-7b", 2)),
    ("4x A100 TP Llama-2-7B batch-1 decode", 1000 / 168.8, "ms/token", GPT_FAST, decode("dgx-a100", "llama2-7b", 4)),
    ("8x A100 TP Llama-2-7B batch-1 decode", 1000 / 179.3, "ms/token", GPT_FAST, decode("dgx-a100", "llama2-7b", 8)),
    ("2x A100 TP Llama-2-70B batch-1 decode", 1000 / 20.5, "ms/token", GPT_FAST, decode("dgx-a100", "llama2-70b", 2)),
    ("4x A100 TP Llama-2-70B batch-1 decode", 1000 / 34.2, "ms/token", GPT_FAST, decode("dgx-a100", "llama2-70b", 4)),
    ("8x A100 TP Llama-2-70B batch-1 decode", 1000 / 47.3, "ms/token", GPT_FAST, decode("dgx-a100", "llama2-70b", 8)),
    ("1x A100 LLaMA-7B TTFT, 128 tokens", 16.0, "ms", TRT, prefill("dgx-a100", "llama2-7b", 1, 128)),
    ("1x A100 LLaMA-7B TTFT, 2048 tokens", 133.0, "ms", TRT, prefill("dgx-a100", "llama2-7b", 1, 2048)),
    ("4x A100 TP LLaMA-70B TTFT, 128 tokens", 47.0, "ms", TRT, prefill("dgx-a100", "llama2-70b", 4, 128)),
    ("4x A100 TP LLaMA-70B TTFT, 2048 tokens", 377.0, "ms", TRT, prefill("dgx-a100", "llama2-70b", 4, 2048)),
    ("1x A100 Mistral-7B TPOT, 10 x 2000-token prompts", 12.1, "ms", VLLM, decode("dgx-a100", "mistral-7b", 1, 10, 2000)),
    ("1x H100 Mistral-7B TPOT, 10 x 2000-token prompts", 9.0, "ms", VLLM, decode("dgx-h100", "mistral-7b", 1, 10, 2000)),
    ("A100 PCIe Gen4 x16 pinned host -> device copy", 25.5, "GB/s", BWTEST + " (25-26 GB/s)",
     ["switch", "--machine", "dgx-a100", "--mode", "per-gpu", "--tp", "1", "--bytes", "1e9", "--json"]),
]


def simulate(build, args):
    if args[0] == "switch":
        cmd = [os.path.join(build, "rdusim")] + args
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        return json.loads(out)["gbps"], cmd
    with tempfile.TemporaryDirectory() as d:
        cmd = [os.path.join(build, "rdusim")] + args + ["--quiet", "--out", d]
        subprocess.run(cmd, check=True, capture_output=True, text=True)
        stats = json.load(open(os.path.join(d, "stats.json")))
        cmd = cmd[:-3]
        return stats["run"]["total_ns"]["value"] / 1e6, cmd


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out", default="docs/validation_dgx.md")
    a = ap.parse_args()
    with cf.ThreadPoolExecutor(a.jobs) as ex:
        sims = list(ex.map(lambda r: simulate(a.build, r[4]), ROWS))
    lines = ["| row | measured | source | simulated | error | within 15% | command |", "|---|---|---|---|---|---|---|"]
    misses = 0
    for (label, measured, unit, source, _), (sim, cmd) in zip(ROWS, sims):
        err = (sim - measured) / measured
        ok = abs(err) <= 0.15
        misses += 0 if ok else 1
        shown = " ".join(["build/" + os.path.basename(cmd[0])] + cmd[1:])
        lines.append(f"| {label} | {measured:.2f} {unit} | {source} | {sim:.2f} {unit} | {100 * err:+.1f}% | "
                     f"{'yes' if ok else 'NO'} | `{shown}` |")
    table = "\n".join(lines)
    print(table)
    print(f"{len(ROWS) - misses}/{len(ROWS)} rows within 15%")
    if a.out:
        text = open(a.out).read() if os.path.exists(a.out) else ""
        begin, end = "<!-- table:begin -->", "<!-- table:end -->"
        if begin in text and end in text:
            text = text[: text.index(begin) + len(begin)] + "\n" + table + "\n" + text[text.index(end):]
        else:
            text += f"\n{begin}\n{table}\n{end}\n"
        with open(a.out, "w") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
