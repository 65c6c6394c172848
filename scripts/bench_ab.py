#!/usr/bin/python3
"""Times two rdusim builds on the `rdusim bench` scenarios, alternating them run by run so that a
shared machine's drifting load hits both alike, and prints a Markdown table: model events, the
median `run_scenario` wall seconds and events per second of each build, and each build's ratio to
the bare SystemC kernel's rate (measured by the second build's `bench`, before and after the
runs; the median of those).

  /usr/bin/python3 scripts/bench_ab.py BEFORE_BIN AFTER_BIN [RUNS] [--also-7b]

The scenarios are the `run` options of sim/studies/bench.cpp's cases (kept in step by hand: the
older build's bench may have other scenarios, so `run` is what both builds share).
"""
import json
import re
import statistics
import subprocess
import sys

SCENARIOS = [
    ("llama2-13b tp8 sn40l-8 decode b8 ctx4096 fused-ho",
     "--machine sn40l-8 --tp 8 --scope model --model llama2-13b --phase decode --context 4096 --batch 8 --fusion fused-ho --chunks 4096"),
    ("llama2-13b tp8 sn40l-8 prefill seq4096 fused-ho",
     "--machine sn40l-8 --tp 8 --scope model --model llama2-13b --phase prefill --seq 4096 --fusion fused-ho --chunks 1024"),
    ("llama2-13b tp8 sn40l-8 decode b8 ctx4096 unfused",
     "--machine sn40l-8 --tp 8 --scope model --model llama2-13b --phase decode --context 4096 --batch 8 --fusion unfused --chunks 4096"),
    ("llama2-70b tp8 dgx-h100 prefill seq4096",
     "--machine dgx-h100 --tp 8 --scope model --model llama2-70b --phase prefill --seq 4096 --chunks 1024"),
]
# The bench's earlier scenarios (Llama-2-7B; `--also-7b`): too short to time well since the
# run-ahead replay, kept for comparison with the earlier tables of docs/performance.md.
SCENARIOS_7B = [
    ("llama2-7b tp8 sn40l-8 decode ctx4096 fused-ho",
     "--machine sn40l-8 --tp 8 --scope model --model llama2-7b --phase decode --context 4096 --fusion fused-ho --chunks 4096"),
    ("llama2-7b tp8 sn40l-8 prefill seq4096 fused-ho",
     "--machine sn40l-8 --tp 8 --scope model --model llama2-7b --phase prefill --seq 4096 --fusion fused-ho --chunks 1024"),
    ("llama2-7b tp8 sn40l-8 decode ctx4096 unfused",
     "--machine sn40l-8 --tp 8 --scope model --model llama2-7b --phase decode --context 4096 --fusion unfused --chunks 4096"),
    ("llama2-70b tp8 dgx-h100 decode ctx8192",
     "--machine dgx-h100 --tp 8 --scope model --model llama2-70b --phase decode --context 8192 --chunks 4096"),
]
LINE = re.compile(r"simulator\s*: (\d+) model events in ([0-9.]+) s wall")


def run_once(binary, args):
    out = subprocess.run([binary, "run"] + args.split() + ["--out", ""], capture_output=True, text=True, check=True)
    m = LINE.search(out.stdout)
    if not m:
        raise SystemExit(f"bench_ab: no simulator line from {binary} run {args}")
    return int(m.group(1)), float(m.group(2))


def kernel_rate(binary):
    out = subprocess.run([binary, "bench", "--only", "no scenario has this name", "--json"], capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout)["kernel"]["rate_per_s"]


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    before, after = sys.argv[1], sys.argv[2]
    rest = [a for a in sys.argv[3:] if a != "--also-7b"]
    runs = int(rest[0]) if rest else 3
    scenarios = SCENARIOS + (SCENARIOS_7B if "--also-7b" in sys.argv else [])
    rates = [kernel_rate(after)]
    rows = []
    for name, args in scenarios:
        walls = {before: [], after: []}
        events = {}
        for _ in range(runs):
            for b in (before, after):
                n, w = run_once(b, args)
                events[b] = n
                walls[b].append(w)
        rows.append((name, events, {b: statistics.median(v) for b, v in walls.items()}, walls))
    rates.append(kernel_rate(after))
    rate = statistics.median(rates)
    print(f"bare kernel: {' / '.join(f'{r / 1e6:.2f}' for r in rates)} M activations per wall-s (median {rate / 1e6:.2f})")
    print()
    print("| scenario | model events (before / after) | wall s before (runs; median) | wall s after (runs; median) | "
          "M events/s before / after | ratio before / after |")
    print("|---|---|---|---|---|---|")
    for name, events, med, walls in rows:
        eb, ea = events[before], events[after]
        rb, ra = eb / med[before], ea / med[after]
        print(f"| {name} | {eb} / {ea} | {' '.join(f'{w:.3f}' for w in walls[before])}; **{med[before]:.3f}** | "
              f"{' '.join(f'{w:.3f}' for w in walls[after])}; **{med[after]:.3f}** | {rb / 1e6:.2f} / {ra / 1e6:.2f} | "
              f"{rb / rate:.3f} / **{ra / rate:.3f}** |")


if __name__ == "__main__":
    main()
