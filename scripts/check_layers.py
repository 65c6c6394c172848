#!/usr/bin/python3
"""Checks the layering of docs/architecture.md: a folder includes only its own layer and the
layers below it. Prints one line per violation (file:line: what) and exits 1 if there is any.

  /usr/bin/python3 scripts/check_layers.py [ROOT]      check the tree at ROOT (default: the repo)
  /usr/bin/python3 scripts/check_layers.py --self-test  check that a wrong include is caught
"""
import os
import re
import sys
import tempfile

# Lowest first. A file in layer i may include "<folder>/..." of layers 0..i only.
LAYERS = ["sim/core", "memory", "interconnect", "dataflow", "workloads",
          "sim/config", "sim/run", "sim/studies", "sim/cli"]
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def layer_of(path):
    """Index of the layer a repo-relative path belongs to, or None (tests/, tools, ...)."""
    best = None
    for i, folder in enumerate(LAYERS):
        if path == folder or path.startswith(folder + "/"):
            if best is None or len(folder) > len(LAYERS[best]):
                best = i
    return best


def check(root):
    problems = []
    for folder in LAYERS:
        base = os.path.join(root, folder)
        if not os.path.isdir(base):
            problems.append(f"{folder}: missing layer folder")
            continue
        for dirpath, _, files in os.walk(base):
            for name in sorted(files):
                if not name.endswith((".hpp", ".cpp", ".h")):
                    continue
                full = os.path.join(dirpath, name)
                rel = os.path.relpath(full, root)
                own = layer_of(rel)
                if own is None or LAYERS[own] != folder and not rel.startswith(LAYERS[own] + "/"):
                    continue
                with open(full, encoding="utf-8") as f:
                    for lineno, line in enumerate(f, 1):
                        m = INCLUDE.match(line)
                        if not m:
                            continue
                        target = m.group(1)
                        tl = layer_of(target)
                        if tl is None:
                            if "/" in target:
                                problems.append(f"{rel}:{lineno}: includes \"{target}\", which is in no layer")
                            continue
                        if tl > own:
                            problems.append(f"{rel}:{lineno}: {LAYERS[own]}/ may not include \"{target}\" "
                                            f"({LAYERS[tl]}/ is above it; allowed: {', '.join(LAYERS[:own + 1])})")
    return sorted(set(problems))


def self_test():
    """A tree with one wrong include (a model folder reaching into sim/config) must fail."""
    with tempfile.TemporaryDirectory() as d:
        for folder in LAYERS:
            os.makedirs(os.path.join(d, folder))
        with open(os.path.join(d, "memory", "bad.hpp"), "w") as f:
            f.write('#include "sim/core/error.hpp"\n#include "sim/config/machine_config.hpp"\n')
        with open(os.path.join(d, "sim", "run", "good.cpp"), "w") as f:
            f.write('#include "sim/config/scenario.hpp"\n#include "memory/dma.hpp"\n')
        problems = check(d)
        for p in problems:
            print("self-test found:", p)
        ok = len(problems) == 1 and problems[0].startswith("memory/bad.hpp:2:")
        print("self-test:", "the wrong include was caught" if ok else "FAILED")
        return 0 if ok else 1


def main(argv):
    if argv[1:] == ["--self-test"]:
        return self_test()
    root = argv[1] if len(argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    problems = check(root)
    for p in problems:
        print(p)
    print(f"layers: {len(problems)} violation(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
