#!/usr/bin/python3
"""Plots of the reproduction (run by `rdusim reproduce`): reads OUT/validation.json, OUT/coe.json,
OUT/fusion.json and OUT/footprint.json; writes OUT/speedup.png, OUT/switching.png, OUT/fusion.png
and OUT/footprint.png. Debian's python3-matplotlib only."""
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

plt.rcParams["svg.hashsalt"] = "rdusim"


def load(out, name):
    with open(os.path.join(out, name)) as f:
        return json.load(f)


def bars(ax, labels, series, ylabel, title, paper=None):
    width = 0.8 / len(series)
    for i, (name, values) in enumerate(series.items()):
        xs = [x + i * width for x in range(len(labels))]
        ax.bar(xs, values, width, label=name)
    ax.set_xticks([x + width * (len(series) - 1) / 2 for x in range(len(labels))])
    ax.set_xticklabels(labels, rotation=20, ha="right", fontsize=8)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    for value, label in paper or []:
        ax.axhline(value, ls="--", lw=0.8, color="grey")
        ax.text(len(labels) - 0.5, value, label, fontsize=7, va="bottom", ha="right")
    ax.legend(fontsize=7)


def main(out):
    rows = {r["id"]: r for r in load(out, "validation.json")["rows"]}
    tags = ["bs1.out20", "bs1.out200", "bs8.out20", "bs8.out200"]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for ax, suffix, title in ((axes[0], "", "paper switching assumption"), (axes[1], ".per_gpu", "per-GPU loading")):
        series = {}
        for dgx in ("dgx-a100", "dgx-h100"):
            series["overall vs " + dgx] = [rows[f"coe.overall.{t}.vs_{dgx}{suffix}"]["simulated"] for t in tags]
        bars(ax, tags, series, "SN40L speedup (x)", "CoE overall latency speedup, " + title,
             paper=[(3.7, "paper 3.7x (H100, bs8 out20)"), (6.6, "paper 6.6x (A100)")])
    fig.tight_layout()
    fig.savefig(os.path.join(out, "speedup.png"), dpi=110)

    coe = load(out, "coe.json")["machines"]
    fig, ax = plt.subplots(figsize=(6, 4))
    names = list(coe.keys())
    bars(ax, names, {"paper mode": [coe[m]["switch_ms"] for m in names],
                     "per-gpu mode": [coe[m].get("switch_ms_per_gpu", coe[m]["switch_ms"]) for m in names]},
         "ms", "Model switching: one 7B expert into HBM")
    ax.set_yscale("log")
    fig.tight_layout()
    fig.savefig(os.path.join(out, "switching.png"), dpi=110)

    fusion = load(out, "fusion.json")["benchmarks"]
    fig, ax = plt.subplots(figsize=(10, 4))
    names = list(fusion.keys())
    bars(ax, names, {"fused-SO": [fusion[n]["speedup_fused_so"] for n in names],
                     "fused-HO": [fusion[n]["speedup_fused_ho"] for n in names]},
         "speedup over unfused (x)", "Fusion study, 8 sockets", paper=[(2, "paper 2x"), (13, "paper 13x")])
    fig.tight_layout()
    fig.savefig(os.path.join(out, "fusion.png"), dpi=110)

    fp = load(out, "footprint.json")
    fig, ax = plt.subplots(figsize=(6, 4))
    xs = [p["experts"] for p in fp["curve"]]
    ax.plot(xs, [p["sn40l_nodes"] for p in fp["curve"]], label="SN40L nodes")
    ax.plot(xs, [p["dgx_nodes"] for p in fp["curve"]], label="DGX nodes")
    ax.set_xlabel("7B experts")
    ax.set_ylabel("nodes")
    ax.set_title(f"Machine footprint (max reduction {fp['max_reduction']:.1f}x)", fontsize=10)
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(out, "footprint.png"), dpi=110)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "out")
