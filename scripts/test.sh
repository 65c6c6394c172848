#!/usr/bin/env bash
# The whole test suite: install what is missing, check the layering and size rules, build and run
# the tests, the real-Slurm sweep test, then the same suite under AddressSanitizer +
# UndefinedBehaviorSanitizer in a second build directory, with a bounded fuzz smoke run of every
# loader's fuzz target (the coverage-guided libFuzzer run is scripts/fuzz.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
# A model folder includes only sim/core/ and the folders below it; files <= 400 lines, functions in
# sim/ <= 60 (docs/architecture.md). The layer check first proves it catches a planted wrong include.
/usr/bin/python3 scripts/check_layers.py --self-test
/usr/bin/python3 scripts/check_layers.py
/usr/bin/python3 scripts/check_sizes.py
# The house style (.clang-format): every C++ file as clang-format lays it out.
find sim memory interconnect dataflow workloads tests -name '*.cpp' -o -name '*.hpp' | sort |
  xargs clang-format --dry-run --Werror
bash scripts/build.sh build
# Beside everything that follows (they need only build/rdusim and mostly wait): the Slurm backend
# of scripts/sweep.py against a real slurmctld/slurmd on localhost (as root it installs slurm-wlm
# and munge if missing; prints "N passed, M failed"), then the sweep-spec loader under seeded
# random mutations for a bounded time. Their output is printed, and their status checked, at the end.
side_log=$(mktemp)
(
  if [ "$(id -u)" -eq 0 ]; then RDUSIM_BIN=build/rdusim bash scripts/test_slurm.sh; else echo "test_slurm.sh skipped (needs root)"; fi
  /usr/bin/python3 scripts/fuzz_sweep_spec.py 10
) > "$side_log" 2>&1 &
side=$!
trap 'kill "$side" 2> /dev/null || true' EXIT
(cd build && ctest -j"$(nproc)" --output-on-failure)
bash scripts/build.sh build-asan -DRDUSIM_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
(cd build-asan && ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1 ctest -j"$(nproc)" --output-on-failure -LE slow)
side_status=0
wait "$side" || side_status=$?
trap - EXIT
cat "$side_log"
rm -f "$side_log"
if [ "$side_status" -ne 0 ]; then
  echo "test.sh: the Slurm test or the sweep-spec fuzz failed (exit $side_status)" >&2
  exit "$side_status"
fi
