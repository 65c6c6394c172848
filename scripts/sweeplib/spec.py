"""Sweep specs: validation, expansion of a vary expression into points, and resolution of a point
into rdusim arguments and a cache key (see docs/sweeps.md)."""
import hashlib
import itertools
import json
import math
import os

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))   # scripts/
SPEC_KEYS = ("name", "base", "vary", "metrics", "record_wall", "inputs", "plots", "timeout_s", "retries")
CACHE_FORMAT = 1
MAX_VALUES = 100000    # per parameter
MAX_POINTS = 100000    # per vary expression (checked before a product is built)


class SpecError(Exception):
    """A bad spec: `where` is 'file:/json/path'."""

    def __init__(self, where, message):
        super().__init__(f"{where}: {message}")


def project_root():
    return os.environ.get("RDUSIM_ROOT") or os.path.dirname(HERE)


def default_bin(root):
    return os.environ.get("RDUSIM_BIN") or os.path.join(root, "build", "rdusim")



def _num(x):
    """Tidies float noise from range arithmetic (0.1 * 3 -> 0.3)."""
    return float(f"{x:.12g}")


def _is_num(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _values(leaf, where):
    kinds = [k for k in ("values", "range", "linspace", "geom") if k in leaf]
    if len(kinds) != 1:
        raise SpecError(where, "a parameter needs exactly one of values, range, linspace, geom")
    kind = kinds[0]
    arg = leaf[kind]
    w = f"{where}/{kind}"
    if kind == "values":
        if not isinstance(arg, list) or not arg:
            raise SpecError(w, "must be a non-empty list")
        return list(arg)
    if not isinstance(arg, dict):
        raise SpecError(w, "must be an object")
    need = {"range": ("start", "stop", "step"), "linspace": ("start", "stop", "num"),
            "geom": ("start", "stop", "factor")}[kind]
    for k in arg:
        if k not in need:
            raise SpecError(f"{w}/{k}", f"unknown key (known: {', '.join(need)})")
    for k in need:
        if not _is_num(arg.get(k)):
            raise SpecError(f"{w}/{k}", "required number missing")
    if not all(math.isfinite(arg[k]) for k in need):
        raise SpecError(w, "numbers must be finite")
    start, stop = arg["start"], arg["stop"]
    all_int = all(isinstance(arg[k], int) for k in need)
    if kind == "range":
        step = arg["step"]
        if step == 0 or (stop - start) * step < 0:
            raise SpecError(f"{w}/step", "must be non-zero and point from start to stop")
        n = int(math.floor((stop - start) / step + 1e-9)) + 1   # stop is included when hit
        if n > MAX_VALUES:
            raise SpecError(w, f"expands to {n} values (at most {MAX_VALUES})")
        out = [start + i * step for i in range(n)]
    elif kind == "linspace":
        num = arg["num"]
        if not isinstance(num, int) or num < 1:
            raise SpecError(f"{w}/num", "must be a positive integer")
        if num > MAX_VALUES:
            raise SpecError(w, f"expands to {num} values (at most {MAX_VALUES})")
        out = [start] if num == 1 else [start + (stop - start) * i / (num - 1) for i in range(num)]
        all_int = all_int and all(float(v).is_integer() for v in out)
        out = [int(round(v)) if all_int else v for v in out]
    else:
        factor = arg["factor"]
        if start <= 0 or stop < start or factor <= 1:
            raise SpecError(w, "needs 0 < start <= stop and factor > 1")
        out, v = [], start
        while v <= stop * (1 + 1e-9) and len(out) <= MAX_VALUES:
            out.append(v)
            v = v * factor
    if len(out) > MAX_VALUES:
        raise SpecError(w, f"expands to more than {MAX_VALUES} values")
    return [v if all_int else _num(float(v)) for v in out]


def expand(expr, where="spec:/vary"):
    """Returns (points, names): points is a list of dicts param -> value in run order; names maps a
    param to its column name (the 'name' of a leaf, else the param itself)."""
    if isinstance(expr, list):   # a bare list of expressions means their product
        expr = {"product": expr}
    if not isinstance(expr, dict):
        raise SpecError(where, "must be an object (param, product, zip, concat or points)")
    ops = [k for k in ("param", "product", "zip", "concat", "points") if k in expr]
    if len(ops) != 1:
        raise SpecError(where, "needs exactly one of param, product, zip, concat, points")
    op = ops[0]
    if op == "param":
        allowed = ("param", "name", "values", "range", "linspace", "geom")
        for k in expr:
            if k not in allowed:
                raise SpecError(f"{where}/{k}", f"unknown key (known: {', '.join(allowed)})")
        param = expr["param"]
        check_param(param, f"{where}/param")
        name = expr.get("name", param)
        return [{param: v} for v in _values(expr, where)], {param: name}
    extra = [k for k in expr if k != op]
    if extra:
        raise SpecError(f"{where}/{extra[0]}", f"unknown key next to {op}")
    parts = expr[op]
    if not isinstance(parts, list) or not parts:
        raise SpecError(f"{where}/{op}", "must be a non-empty list")
    if op == "points":
        names = {}
        for i, p in enumerate(parts):
            if not isinstance(p, dict) or not p:
                raise SpecError(f"{where}/points/{i}", "must be a non-empty object param -> value")
            for k in p:
                check_param(k, f"{where}/points/{i}/{k}")
                names[k] = k
        return [dict(p) for p in parts], names
    expanded = [expand(p, f"{where}/{op}/{i}") for i, p in enumerate(parts)]
    names = {}
    for pts, nm in expanded:
        names.update(nm)
    if op == "concat":
        return [p for pts, _ in expanded for p in pts], names
    seen = {}
    for i, (pts, nm) in enumerate(expanded):
        for param in nm:
            if param in seen:
                raise SpecError(f"{where}/{op}/{i}", f"parameter {param} is also varied by {op}/{seen[param]}")
            seen[param] = i
    if op == "zip":
        lengths = [len(pts) for pts, _ in expanded]
        if len(set(lengths)) != 1:
            raise SpecError(f"{where}/zip", f"lists of unequal lengths {lengths}")
        combos = zip(*[pts for pts, _ in expanded])
    else:
        total = math.prod(len(pts) for pts, _ in expanded)
        if total > MAX_POINTS:
            raise SpecError(f"{where}/{op}", f"expands to {total} points (at most {MAX_POINTS})")
        combos = itertools.product(*[pts for pts, _ in expanded])
    out = []
    for combo in combos:
        merged = {}
        for p in combo:
            merged.update(p)
        out.append(merged)
    return out, names


def check_param(param, where):
    if not isinstance(param, str) or not param:
        raise SpecError(where, "must be a non-empty string")
    if param.startswith("machine/") or param.startswith("model/"):
        return
    if "/" in param:
        raise SpecError(where, f"\"{param}\": a path must start with machine/ or model/")


# ---------------------------------------------------------------------------------------------
# Spec loading and resolution of a point into a command and a cache key

def load_spec(path):
    try:
        with open(path) as f:
            spec = json.load(f)
    except OSError as e:
        raise SpecError(path, f"cannot read: {e.strerror}")
    except json.JSONDecodeError as e:
        raise SpecError(path, f"not JSON: {e}")
    except UnicodeDecodeError:
        raise SpecError(path, "not UTF-8 text")
    except RecursionError:
        raise SpecError(path, "nested too deeply")
    try:
        return check_spec(spec, path)
    except RecursionError:
        raise SpecError(f"{path}:/vary", "nested too deeply")


def check_spec(spec, path="<spec>"):
    if not isinstance(spec, dict):
        raise SpecError(f"{path}:", "must be a JSON object")
    for k in spec:
        if k not in SPEC_KEYS and not k.startswith("_"):
            raise SpecError(f"{path}:/{k}", f"unknown key (known: {', '.join(SPEC_KEYS)})")
    if "vary" not in spec:
        raise SpecError(f"{path}:/vary", "required key missing")
    base = spec.setdefault("base", {})
    if not isinstance(base, dict):
        raise SpecError(f"{path}:/base", "must be an object")
    for k in base:
        if not k.startswith("_"):
            check_param(k, f"{path}:/base/{k}")
    spec.setdefault("name", os.path.splitext(os.path.basename(path))[0])
    inputs = spec.get("inputs", [])
    if not isinstance(inputs, list) or not all(isinstance(i, str) and i for i in inputs):
        raise SpecError(f"{path}:/inputs", "must be a list of file paths")
    metrics = spec.setdefault("metrics", ["run/*"])
    if not isinstance(metrics, list) or not all(isinstance(m, str) and m for m in metrics):
        raise SpecError(f"{path}:/metrics", "must be a list of stat paths like run/total_ns")
    if "timeout_s" in spec and not (_is_num(spec["timeout_s"]) and spec["timeout_s"] > 0):
        raise SpecError(f"{path}:/timeout_s", "must be a positive number of seconds")
    if "retries" in spec and not (isinstance(spec["retries"], int) and not isinstance(spec["retries"], bool)
                                  and 0 <= spec["retries"] <= 100):
        raise SpecError(f"{path}:/retries", "must be an integer from 0 to 100")
    spec["_points"], spec["_names"] = expand(spec["vary"], f"{path}:/vary")
    return spec


def _resolve_config(value, subdir, root):
    """Mirrors rdusim's resolve_config: a path is taken as is (relative to the root, where rdusim
    runs), a name is <root>/<subdir>/<name>.json."""
    if not isinstance(value, str):
        return None
    if os.path.isabs(value):
        return value
    if "/" in value or value.endswith(".json") or os.path.exists(os.path.join(root, value)):
        return os.path.join(root, value)
    return os.path.join(root, subdir, value + ".json")


def file_digest(path, memo):
    if path not in memo:
        try:
            with open(path, "rb") as f:
                memo[path] = hashlib.sha256(f.read()).hexdigest()
        except (OSError, ValueError):   # ValueError: a name that is not a valid path
            memo[path] = "missing"
    return memo[path]


def resolve(spec, point, root, bin_digest, memo):
    """A point -> a job: the rdusim arguments (without --out) and the cache key over the arguments,
    the content of every config file they read, and the simulator binary."""
    params = {k: v for k, v in spec["base"].items() if not k.startswith("_")}
    params.update(point)
    args = ["run"]
    for k in sorted(params):
        args += ["--set", f"{k}={json.dumps(params[k], sort_keys=True, separators=(',', ':'))}"]
    files = {
        "machine": _resolve_config(params.get("machine", "sn40l"), "configs/machines", root),
        "model": _resolve_config(params.get("model", "llama2-7b"), "workloads/models", root),
    }
    for i, extra in enumerate(spec.get("inputs", [])):
        files[f"input{i}"] = extra if os.path.isabs(extra) else os.path.join(root, extra)
    digests = {role: file_digest(p, memo) for role, p in files.items() if p}
    inputs = {"args": args, "files": digests, "rdusim": bin_digest, "format": CACHE_FORMAT}
    key = hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()
    return {"key": key, "args": args, "inputs": inputs, "point": point}
