#!/usr/bin/env bash
# scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
# Builds the libFuzzer targets (tests/fuzz, clang, ASan + UBSan) in build-fuzz and runs each for
# SECONDS_PER_TARGET (default 60; `bash scripts/fuzz.sh 10` is the CI smoke). The seed corpus is
# generated from configs/ and workloads/ at run time; the growing corpus stays in
# build-fuzz/fuzz/corpus/<target>, crash inputs go to build-fuzz/fuzz/findings/<target>.
# Prints one line per target (executions, crashes seen, distinct findings among the new crash
# inputs) and exits 1 if any target found something. Runs one fuzzing process at a time (fork mode,
# one job, going on after a crash). RDUSIM_FUZZ_IGNORE_KNOWN=1 stops counting the known finding K1
# (1e400 -> nlohmann out_of_range 406, see tests/fuzz/fuzz_common.hpp) so long runs find new ones.
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
# Regression seeds for known finding K2 (deep nesting; docs/reliability.md): 20000 nested arrays
# inside otherwise valid documents, where a loader copies the value.
deep=$(printf '%*s' 20000 '' | tr ' ' '[')$(printf '%*s' 20000 '' | tr ' ' ']')
printf '[{"arrival_us": 0, "input_tokens": 1, "output_tokens": 1, "_x": %s}]' "$deep" > "$work/seeds/trace/deep.json"
/usr/bin/python3 - "$work/seeds/fusion_study/deep.json" "$deep" << 'PY'
import json, sys
d = json.load(open("configs/experiments/fusion.json"))
d["benchmarks"] = [dict(d["benchmarks"][1], _x="DEEP")]
open(sys.argv[1], "w").write(json.dumps(d).replace('"DEEP"', sys.argv[2]))
PY

export RDUSIM_ROOT=$root SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
export ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 UBSAN_OPTIONS=print_stacktrace=1
status=0
printf '%-13s %10s %8s %8s  %s\n' target execs crashes distinct "findings (count x first line)"
for t in "${targets[@]}"; do
  mkdir -p "$work/corpus/$t" "$work/findings/$t"
  log=$work/$t.log
  touch "$work/$t.start"
  "$build/fuzz_$t" "$work/corpus/$t" "$work/seeds/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -dict=tests/fuzz/json.dict -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
    -artifact_prefix="$work/findings/$t/" > "$log" 2>&1 || true
  execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
  crashes=$(grep -oE 'oom/timeout/crash: [0-9]+/[0-9]+/[0-9]+' "$log" | tail -1 | awk -F'[ /]' '{print $4+$5+$6}')
  crashes=${crashes:-0}
  new_inputs=$(find "$work/findings/$t" -type f -newer "$work/$t.start" | wc -l)
  if [ "$new_inputs" -gt "$crashes" ]; then crashes=$new_inputs; fi  # a crashing seed is not in the status line
  # Distinct findings: each new crash input replayed once, named by its first sanitizer summary,
  # uncaught exception or signal; plus multi-line errors reported in the log. Deduplicated.
  sigs=$(grep -hE 'RDUSIM-FINDING' "$log" | cut -c1-120 || true)
  for f in $(find "$work/findings/$t" -type f -newer "$work/$t.start" -printf '%f\n'); do
    case $f in
      timeout-*) sigs+=$'\n'"hang (over -timeout=10 s)"; continue ;;
      oom-*) sigs+=$'\n'"out of memory (over 2 GB)"; continue ;;
    esac
    sig=$(timeout 30 "$build/fuzz_$t" "$work/findings/$t/$f" 2>&1 | grep -m1 -E 'what\(\)|^SUMMARY: [A-Za-z]*Sanitizer|ERROR: AddressSanitizer|runtime error' |
      sed -E "s/0x[0-9a-f]+//g; s/'[^']*'/'...'/g; s/==[0-9]+==//" | cut -c1-120 || true)
    sigs+=$'\n'"${sig:-unknown (replay did not reproduce: $f)}"
  done
  findings=$(printf '%s\n' "$sigs" | grep . | sort | uniq -c | sort -rn || true)
  distinct=$(printf '%s' "$findings" | grep -c . || true)
  known=$(grep -m1 -oE 'RDUSIM-KNOWN [A-Z0-9]+' "$log" || true)
  printf '%-13s %10s %8s %8s  %s\n' "$t" "${execs:-0}" "${crashes:-0}" "$distinct" \
    "$(printf '%s' "$findings" | head -4 | tr -s ' ' | tr '\n' ';')${known:+ [$known seen]}"
  if [ "$crashes" -gt 0 ] || [ "$distinct" -gt 0 ]; then status=1; fi
done
echo "logs: $work/<target>.log; crash inputs: $work/findings/<target>/"
exit $status
