#!/usr/bin/env bash
# Installs rdusim's build and script dependencies from Debian's packages, only what is missing.
set -euo pipefail
pkgs=(g++ cmake make pkg-config clang-format libsystemc-dev libboost-graph-dev libfmt-dev nlohmann-json3-dev catch2 python3 python3-matplotlib)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi
