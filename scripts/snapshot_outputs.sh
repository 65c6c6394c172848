#!/usr/bin/env bash
# Runs a fixed set of rdusim commands (run on RDU and DGX machines, serve, experiment, switch,
# reproduce) and keeps every output, so two builds can be compared with scripts/compare_outputs.py:
# a restructure that changes no result must give the same files, timing fields aside.
#   bash scripts/snapshot_outputs.sh BIN ROOT OUTDIR
# BIN: the rdusim binary; ROOT: the tree whose configs/ and workloads/ it reads.
set -u
bin=$1; root=$2; o=$3
rm -rf "$o"; mkdir -p "$o"
export RDUSIM_ROOT=$root
cd "$o"
r() { local name=$1; shift; "$bin" "$@" > "$name.stdout" 2> "$name.stderr"; echo "$name rc=$?" >> rc.txt; }
r run_decode run --phase decode --context 4096 --fusion fused --out run_decode --trace run_decode/trace.json
r run_prefill_unfused run --phase prefill --seq 4096 --fusion unfused --out run_prefill_unfused --trace run_prefill_unfused/trace.json
r run_node run --machine sn40l-8 --tp 8 --scope model --fusion fused-ho --out run_node
r run_dgx run --machine dgx-h100 --tp 8 --scope model --phase decode --context 2048 --out run_dgx --trace run_dgx/trace.json
r run_dgx_router run --machine dgx-h100 --scope router --composition samba-coe-v0.1 --phase prefill --seq 64 --batch 2 --tp 8 --out run_dgx_router
r serve serve --batch 8 --trace serve/trace.json --out serve
r serve_stream serve --poisson 5 --count 6 --out serve_stream
r experiment experiment $root/configs/experiments/fusion.json --out experiment
r switch switch --machine dgx-a100 --bytes 13476831232 --mode per-gpu
r switch_rdu switch --machine sn40l-8 --bytes 13476831232
r reproduce reproduce --out reproduce --no-plots
