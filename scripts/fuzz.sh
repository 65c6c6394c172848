#!/usr/bin/env bash
# scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
# Builds the libFuzzer targets (tests/fuzz, clang, ASan + UBSan) in build-fuzz and runs each for
# SECONDS_PER_TARGET (default 60; `bash scripts/fuzz.sh 10` is the CI smoke). The seed corpus is
# generated from configs/ and workloads/ at run time; the growing corpus stays in
# build-fuzz/fuzz/corpus/<target>, crash inputs go to build-fuzz/fuzz/findings/<target>.
# Prints one line per target (executions, new crash inputs, distinct findings) and exits 1 if any
# target found something. Runs one fuzzing process at a time (fork mode, one job).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
secs=${1:-60}
shift || true
all=(machine gpu_machine model scenario composition trace fusion_study coe_study overrides)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all[@]}")
build=${RDUSIM_FUZZ_BUILD:-build-fuzz}
launcher=()
command -v ccache > /dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DRDUSIM_FUZZ=ON -DRDUSIM_BUILD_TESTS=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" > /dev/null
cmake --build "$build" -j"${RDUSIM_FUZZ_BUILD_JOBS:-$(nproc)}" --target "${targets[@]/#/fuzz_}" > "$build/fuzz-build.log" 2>&1 ||
  { tail -40 "$build/fuzz-build.log"; exit 2; }

work=$build/fuzz
rm -rf "$work/seeds"
mkdir -p "$work/seeds"
seed() {  # seed TARGET FILE...: copy shipped files into the target's seed corpus
  local t=$1
  shift
  mkdir -p "$work/seeds/$t"
  cp "$@" "$work/seeds/$t/"
}
seed machine configs/machines/sn40l.json configs/machines/sn40l-8.json
seed gpu_machine configs/machines/dgx-a100.json configs/machines/dgx-h100.json
seed model workloads/models/*.json
seed composition configs/compositions/*.json
seed fusion_study configs/experiments/fusion.json
seed coe_study configs/experiments/coe.json
mkdir -p "$work/seeds/scenario" "$work/seeds/trace" "$work/seeds/overrides"
echo '{"machine": "sn40l", "model": "llama2-7b", "phase": "decode", "batch": 8, "context": 4096}' > "$work/seeds/scenario/decode.json"
echo '{"model": "mistral-7b", "phase": "prefill", "seq": 2048, "fusion": "fused-ho", "tp": 8, "scope": "model", "chunks": 4}' > "$work/seeds/scenario/prefill.json"
echo '{"scope": "router", "composition": "samba-coe-150", "fusion": "unfused", "orchestration": "device"}' > "$work/seeds/scenario/router.json"
echo '[{"arrival_us": 0, "input_tokens": 128, "output_tokens": 20}, {"id": 7, "arrival_us": 12.5, "input_tokens": 1, "output_tokens": 1}]' > "$work/seeds/trace/two.json"
echo '[]' > "$work/seeds/trace/empty.json"
printf '\x00/socket/hbm/bandwidth_gbps=3600\n/socket/hbm/latency_ns=250\n' > "$work/seeds/overrides/rdu"
printf '\x01/name=x\n' > "$work/seeds/overrides/gpu"

export RDUSIM_ROOT=$root SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
export ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 UBSAN_OPTIONS=print_stacktrace=1
status=0
printf '%-13s %10s %8s %8s  %s\n' target execs crashes distinct "findings (first lines)"
for t in "${targets[@]}"; do
  mkdir -p "$work/corpus/$t" "$work/findings/$t"
  log=$work/$t.log
  before=$(ls "$work/findings/$t" | wc -l)
  "$build/fuzz_$t" "$work/corpus/$t" "$work/seeds/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -dict=tests/fuzz/json.dict -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
    -artifact_prefix="$work/findings/$t/" > "$log" 2>&1 || true
  execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
  crashes=$(($(ls "$work/findings/$t" | wc -l) - before))
  # Distinct findings: sanitizer summaries, uncaught exceptions and multi-line errors, deduplicated.
  findings=$(grep -hE '^SUMMARY: |terminate called after|RDUSIM-FINDING' "$log" |
    sed -E 's/0x[0-9a-f]+//g; s/ in [^ ]+$//' | sort | uniq -c | sort -rn || true)
  distinct=$(printf '%s' "$findings" | grep -c . || true)
  printf '%-13s %10s %8s %8s  %s\n' "$t" "${execs:-0}" "$crashes" "$distinct" "$(printf '%s' "$findings" | head -3 | tr -s ' ' | tr '\n' ';')"
  if [ "$crashes" -gt 0 ] || [ "$distinct" -gt 0 ]; then status=1; fi
done
echo "logs: $work/<target>.log; crash inputs: $work/findings/<target>/"
exit $status
