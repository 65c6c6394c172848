#!/usr/bin/python3
"""Checks the size rules of docs/architecture.md: no source file over 400 lines in the code
folders, no function in sim/ over 60 lines. Prints one line per violation and exits 1 if any.

Functions are found the way clang-format lays them out (Google style, namespaces not indented):
a definition starts at column 0 and its body ends at the next line that is exactly "}". Lambdas
and local classes count towards the function that holds them.

  /usr/bin/python3 scripts/check_sizes.py [ROOT]
"""
import os
import re
import sys

CODE_FOLDERS = ["sim", "memory", "interconnect", "dataflow", "workloads"]
MAX_FILE_LINES = 400
MAX_FUNCTION_LINES = 60
FUNCTION_START = re.compile(r"^[A-Za-z_][\w:<>,\s\*&~]*\b([\w:~]+)\s*\(.*")


def functions(lines):
    """(name, first line, line count) of each column-0 function definition."""
    out = []
    i = 0
    while i < len(lines):
        m = FUNCTION_START.match(lines[i])
        if m and not lines[i].rstrip().endswith(";") and not lines[i].startswith(("namespace", "class ", "struct ",
                                                                                   "enum ", "using ", "template")):
            # the signature may continue on further lines until the body's "{"
            j = i
            while j < len(lines) and "{" not in lines[j] and not lines[j].rstrip().endswith(";"):
                j += 1
            if j < len(lines) and "{" in lines[j]:
                if lines[j].rstrip().endswith("}"):  # one-line body
                    i = j + 1
                    continue
                k = j + 1
                while k < len(lines) and lines[k].rstrip() != "}":
                    k += 1
                out.append((m.group(1), i + 1, k - i + 1))
                i = k + 1
                continue
        i += 1
    return out


def check(root):
    problems = []
    for folder in CODE_FOLDERS:
        for dirpath, _, files in os.walk(os.path.join(root, folder)):
            for name in sorted(files):
                if not name.endswith((".cpp", ".hpp")):
                    continue
                full = os.path.join(dirpath, name)
                rel = os.path.relpath(full, root)
                with open(full, encoding="utf-8") as f:
                    lines = f.read().split("\n")
                n = len(lines) - (1 if lines and lines[-1] == "" else 0)
                if n > MAX_FILE_LINES:
                    problems.append(f"{rel}: {n} lines (at most {MAX_FILE_LINES})")
                if rel.startswith("sim/") and name.endswith(".cpp"):
                    for fn, start, count in functions(lines):
                        if count > MAX_FUNCTION_LINES:
                            problems.append(f"{rel}:{start}: function {fn} has {count} lines (at most "
                                            f"{MAX_FUNCTION_LINES})")
    return problems


def main(argv):
    root = argv[1] if len(argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    problems = check(root)
    for p in problems:
        print(p)
    print(f"sizes: {len(problems)} violation(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
