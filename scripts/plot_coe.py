#!/usr/bin/python3
"""Figs. 1 and 12 of the CoE study (run by `rdusim reproduce`): reads OUT/coe_experts.json and
OUT/coe_breakdown.json; writes OUT/coe_experts.png (latency of one request vs the number of
experts, one curve per machine and DGX loading mode, "out of memory" where it fits nowhere) and
OUT/coe_breakdown.png (stacked bars: router, switching, prefill, decode, host/launch)."""
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def load(out, name):
    with open(os.path.join(out, name)) as f:
        return json.load(f)


def label(row):
    return row["machine"] + ("" if row["machine"].startswith("sn40l") else f" ({row['load_mode']})")


def plot_experts(out):
    doc = load(out, "coe_experts.json")
    curves = {}
    for r in doc["rows"]:
        curves.setdefault(label(r), []).append(r)
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for name, rows in curves.items():
        ok = [r for r in rows if r["fits"]]
        line, = ax.plot([r["experts"] for r in ok], [r["mean_ms"] for r in ok], marker=".", label=name + " mean")
        ax.plot([r["experts"] for r in ok], [r["p99_ms"] for r in ok], ls=":", color=line.get_color(), lw=1)
        oom = [r["experts"] for r in rows if not r["fits"]]
        if oom:
            ax.axvline(min(oom), color=line.get_color(), ls="--", lw=0.8)
            ax.text(min(oom), ax.get_ylim()[1] * 0.9 if ax.get_ylim()[1] > 0 else 1, " out of memory",
                    color=line.get_color(), fontsize=8, rotation=90, va="top")
    ax.set_xlabel("experts in the composition")
    ax.set_ylabel("latency of one request, ms (solid mean, dotted p99)")
    ax.set_title(f"Fig. 12: 20 output tokens at batch 1, uniform routing, after {doc['warmup']} warm-up requests",
                 fontsize=10)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "coe_experts.png"), dpi=120)


def plot_breakdown(out):
    doc = load(out, "coe_breakdown.json")
    rows = doc["rows"]
    parts = [("router_ms", "router"), ("switch_ms", "switching"), ("prefill_ms", "prefill"),
             ("decode_ms", "decode"), ("launch_ms", "host/launch")]
    fig, ax = plt.subplots(figsize=(8, 4.5))
    xs = range(len(rows))
    bottom = [0.0] * len(rows)
    for key, name in parts:
        vals = [r[key] for r in rows]
        ax.bar(xs, vals, bottom=bottom, label=name)
        bottom = [b + v for b, v in zip(bottom, vals)]
    ax.set_xticks(list(xs))
    ax.set_xticklabels([label(r) for r in rows], rotation=15, ha="right", fontsize=8)
    ax.set_ylabel("ms")
    ax.set_title("Fig. 1: one 20-token request (cold expert), split by the serving timeline", fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "coe_breakdown.png"), dpi=120)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "out"
    plot_experts(out)
    plot_breakdown(out)
    print(f"wrote {out}/coe_experts.png, {out}/coe_breakdown.png")


if __name__ == "__main__":
    main()
