#!/usr/bin/python3
"""Compares two output sets made by scripts/snapshot_outputs.sh. Files must be byte-identical, or
identical once wall-clock fields (keys containing "wall", the "simulated in X s" and "M events/s"
lines) and the absolute paths of the two trees are masked. A stats.json may gain fields (e.g.
descriptions, the config section): it counts as the same when every value the older one holds is
still there, identical. Prints one line per file that differs and exits 1 if any does.

  /usr/bin/python3 scripts/compare_outputs.py BEFORE AFTER
"""
import json
import os
import re
import sys


def strip(x):
    if isinstance(x, dict):
        return {k: strip(v) for k, v in x.items() if "wall" not in k}
    if isinstance(x, list):
        return [strip(v) for v in x]
    return x


def normalised(path):
    text = open(path, encoding="utf-8", errors="replace").read()
    try:
        return json.dumps(strip(json.loads(text)), sort_keys=True, indent=1)
    except ValueError:
        text = re.sub(r"[0-9.]+ s wall \([0-9.]+ M events/s\)", "<wall>", text)
        text = re.sub(r"simulated in [0-9.]+ s of wall time", "simulated in <wall>", text)
        return re.sub(r"/(tmp|work)/[^ ,]*/(docs|out)/", r"<root>/\2/", text)


def leaves(x, path=""):
    if isinstance(x, dict):
        for k, v in x.items():
            yield from leaves(v, path + "/" + k)
    elif isinstance(x, list):
        for i, v in enumerate(x):
            yield from leaves(v, path + "/" + str(i))
    else:
        yield path, x


def stats_superset(pa, pb):
    """(same, count of values checked, count of new fields) for two stats.json files."""
    a = dict(leaves(strip(json.load(open(pa)))))
    b = dict(leaves(strip(json.load(open(pb)))))
    same = all(k in b and b[k] == v for k, v in a.items())
    return same, len(a), len(set(b) - set(a))


def files(root):
    return sorted(os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs)


def main(a, b):
    bad = 0
    fa, fb = files(a), files(b)
    for f in sorted(set(fa) | set(fb)):
        pa, pb = os.path.join(a, f), os.path.join(b, f)
        if not os.path.exists(pa) or not os.path.exists(pb):
            print(f"only in {'after' if os.path.exists(pb) else 'before'}: {f}")
            bad += 1
        elif open(pa, "rb").read() != open(pb, "rb").read():
            if normalised(pa) == normalised(pb):
                print(f"same (timing aside): {f}")
            elif os.path.basename(f) == "stats.json" and stats_superset(pa, pb)[0]:
                _, n, new = stats_superset(pa, pb)
                print(f"same values (all {n} earlier values identical; {new} new fields): {f}")
            else:
                print(f"DIFFERS: {f}")
                bad += 1
    print(f"compare: {len(set(fa) | set(fb))} files, {bad} differ")
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
