#!/usr/bin/env bash
# The whole test suite: install what is missing, build and run the tests, then the same suite
# under AddressSanitizer + UndefinedBehaviorSanitizer in a second build directory.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
bash scripts/build.sh build
(cd build && ctest -j"$(nproc)" --output-on-failure)
# The Slurm backend of scripts/sweep.py against a real slurmctld/slurmd on localhost (as root it
# installs slurm-wlm and munge if missing); prints "N passed, M failed".
if [ "$(id -u)" -eq 0 ]; then RDUSIM_BIN=build/rdusim bash scripts/test_slurm.sh; else echo "test_slurm.sh skipped (needs root)"; fi
bash scripts/build.sh build-asan -DRDUSIM_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
(cd build-asan && ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1 ctest -j"$(nproc)" --output-on-failure -LE slow)
