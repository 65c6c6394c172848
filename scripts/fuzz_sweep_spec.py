#!/usr/bin/env python3
"""Random-mutation fuzzer for the sweep spec loader (scripts/sweeplib/spec.py), bounded in time.

    python3 scripts/fuzz_sweep_spec.py [SECONDS] [--seed N]

Seeds are configs/sweeps/*.json. Each case mutates a seed (structurally: hostile numbers, wrong
types, deleted or duplicated keys, deep nesting, huge ranges, another "command"; or as text: byte
flips, cuts), writes
it to a temp file and calls load_spec() and resolve() on the first points. A SpecError is the
expected outcome of bad input; any other exception, a case over 1 s (SIGALRM) or over 1 GiB
(MemoryError) is a finding. Prints cases run and the distinct findings (exception type and the
line that raised it, with one example input); exits 1 when there are findings."""
import copy
import glob
import json
import os
import random
import resource
import signal
import sys
import tempfile
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from sweeplib import spec as specmod  # noqa: E402

COMMANDS = ["run", "serve", "experiment", "", "RUN", 1, None, ["serve"]]
HOSTILE = [0, -1, 1, 0.5, 1e-300, 1e300, 1e400, -1e400, float("nan"), 2**64, 2**31, 10**12, "", "x", "a/b",
           "machine/", "model/x", None, True, [], {}, [[]], {"values": []}, "\u0000", "9" * 400]


class Timeout(Exception):
    pass


def on_alarm(signum, frame):
    raise Timeout()


def nodes(doc):
    """(path, node) pairs, breadth first, at most 2000 (deeply nested mutants stay cheap)."""
    out, queue = [], [((), doc)]
    while queue and len(out) < 2000:
        path, node = queue.pop(0)
        out.append((path, node))
        if isinstance(node, dict):
            queue += [(path + (k,), v) for k, v in node.items()]
        elif isinstance(node, list):
            queue += [(path + (i,), v) for i, v in enumerate(node)]
    return out


def set_at(doc, path, value):
    if not path:
        return value
    parent = doc
    for p in path[:-1]:
        parent = parent[p]
    parent[path[-1]] = value
    return doc


def mutate_tree(rng, doc):
    doc = copy.deepcopy(doc)
    for _ in range(rng.randint(1, 4)):
        all_nodes = nodes(doc)
        path, node = rng.choice(all_nodes)
        op = rng.randrange(9)
        if op == 0:
            doc = set_at(doc, path, rng.choice(HOSTILE))
        elif op == 1 and isinstance(node, dict) and node:
            del node[rng.choice(list(node))]
        elif op == 2 and isinstance(node, list) and node:
            node.append(copy.deepcopy(rng.choice(node)))
        elif op == 3:  # a huge or degenerate numeric leaf
            kind = rng.choice(["range", "linspace", "geom"])
            arg = {"range": {"start": 0, "stop": rng.choice([1e12, 1e6, 10]), "step": rng.choice([1, 1e-9, -1, 0])},
                   "linspace": {"start": 0, "stop": 1, "num": rng.choice([10**9, 0, 1, 2.5])},
                   "geom": {"start": rng.choice([1e-300, 1, 0]), "stop": 1e300,
                            "factor": rng.choice([1.0000001, 2, 1])}}[kind]
            doc = set_at(doc, path, {"param": "batch", kind: arg})
        elif op == 4:  # deep nesting of vary expressions
            depth = rng.choice([10, 100, 300])  # deeper nesting comes from the text mutations
            leaf = {"param": "batch", "values": [1]}
            for _ in range(depth):
                leaf = {"product": [leaf]}
            doc = set_at(doc, path, leaf)
        elif op == 5:  # a wide product
            lists = [{"param": f"p{i}", "values": list(range(rng.choice([2, 100, 1000])))} for i in range(5)]
            doc = set_at(doc, path, {"product": lists})
        elif op == 6 and isinstance(node, dict):
            node[rng.choice(["inputs", "metrics", "base", "name", "vary", "_c", "plots", "command"])] = rng.choice(HOSTILE)
        elif op == 7 and isinstance(node, (dict, list)):
            doc = set_at(doc, path, rng.choice([[node], {"zip": [node, node]}, {"concat": [node]}]))
        elif op == 8 and isinstance(doc, dict):  # the command: a run spec read as serve, and back
            doc["command"] = rng.choice(COMMANDS)
    try:
        return json.dumps(doc, allow_nan=True)
    except (RecursionError, ValueError):
        return "{}"  # the mutant nested too deep for the encoder itself


def mutate_text(rng, text):
    b = bytearray(text.encode())
    for _ in range(rng.randint(1, 8)):
        i = rng.randrange(len(b)) if b else 0
        op = rng.randrange(4)
        if op == 0 and b:
            b[i] = rng.randrange(256)
        elif op == 1:
            del b[i:i + rng.randint(1, 16)]
        elif op == 2:
            b[i:i] = rng.choice([b"[", b"{", b"1e400", b"NaN", b"Infinity", b"\\ud800", b"\"", b"[" * 100000])
        else:
            b[i:i] = b[rng.randrange(len(b)):][:rng.randint(1, 64)] if b else b""
    return bytes(b)


def run_case(path):
    spec = specmod.load_spec(path)
    memo = {}
    for point in spec["_points"][:20]:
        specmod.resolve(spec, point, ROOT, "bin", memo)


def where_raised(e):
    tb = [f for f in traceback.extract_tb(e.__traceback__) if "fuzz_sweep_spec" not in f.filename]
    return f"{os.path.basename(tb[-1].filename)}:{tb[-1].lineno}" if tb else "?"


def classify(path):
    """None for the expected SpecError, else a finding's name."""
    try:
        try:
            signal.setitimer(signal.ITIMER_REAL, 1.0)
            run_case(path)
            return None
        except specmod.SpecError:
            return None
        except Timeout as e:
            return f"hang over 1 s at {where_raised(e)}"
        except (MemoryError, Exception) as e:  # noqa: B014 (the point is to name them)
            return f"{type(e).__name__} at {where_raised(e)}"
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except Timeout:  # the alarm went off while the finding was being named
        return "hang over 1 s"


def main():
    args = sys.argv[1:]
    seed = 1
    if "--seed" in args:
        i = args.index("--seed")
        seed = int(args[i + 1])
        del args[i:i + 2]
    seconds = float(args[0]) if args else 30
    rng = random.Random(seed)
    seeds = []
    for f in sorted(glob.glob(os.path.join(ROOT, "configs", "sweeps", "*.json"))):
        with open(f) as fh:
            seeds.append(fh.read())
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (min(1 << 30 if hard < 0 else hard, 4 << 30), hard))
    signal.signal(signal.SIGALRM, on_alarm)
    findings = {}
    cases = expected = 0  # expected: valid specs and SpecErrors
    fd, path = tempfile.mkstemp(suffix=".json", prefix="rdusim_fuzz_spec_")
    os.close(fd)
    t_end = time.monotonic() + seconds
    try:
        while time.monotonic() < t_end:
            text = rng.choice(seeds)
            try:
                data = mutate_tree(rng, json.loads(text)).encode() if rng.random() < 0.7 else mutate_text(rng, text)
            except RecursionError:  # the mutant nested too deep for the mutator itself
                data = text.encode()
            with open(path, "wb") as fh:
                fh.write(data)
            cases += 1
            key = classify(path)
            if key is None:
                expected += 1
                continue
            if key not in findings:
                findings[key] = [0, data[:160]]
            findings[key][0] += 1
    finally:
        os.remove(path)
    print(f"fuzz_sweep_spec: {cases} cases in {seconds:.0f} s (seed {seed}), {expected} accepted or SpecError, "
          f"{len(findings)} distinct findings")
    for key, (n, example) in sorted(findings.items(), key=lambda kv: -kv[1][0]):
        print(f"  {n:6d} x {key}   e.g. {example!r}")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
