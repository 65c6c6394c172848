#!/usr/bin/env bash
# The main job: install what is missing, build, reproduce the paper's figures with the embedded
# default configs (writes out/ and docs/validation.md).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh
bash scripts/build.sh build
./build/rdusim reproduce --out out --doc docs/validation.md
