"""Sweep specs: validation, expansion of a vary expression into points, and resolution of a point
into rdusim arguments and a cache key (see docs/sweeps.md)."""
import hashlib
import itertools
import json
import math
import os

from sweeplib.commands import COMMANDS, arguments, check_metric, check_name, check_value
from sweeplib.plots import check_plots

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))   # scripts/
SPEC_KEYS = ("name", "command", "base", "vary", "metrics", "record_wall", "inputs", "plots", "timeout_s", "retries")
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


def expand(expr, where="spec:/vary", cmd=COMMANDS["run"]):
    """Returns (points, names): points is a list of dicts param -> value in run order; names maps a
    param to its column name (the 'name' of a leaf, else the param itself). Parameters and values
    are checked against cmd, the command the spec runs."""
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
        check_name(cmd, param, f"{where}/param", SpecError)
        name = expr.get("name", param)
        if not isinstance(name, str) or not name:
            raise SpecError(f"{where}/name", "must be a non-empty string (the column name)")
        values = _values(expr, where)
        for i, v in enumerate(values):
            check_value(cmd, param, v, f"{where}/values/{i}", SpecError)
        return [{param: v} for v in values], {param: name}
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
                check_name(cmd, k, f"{where}/points/{i}/{k}", SpecError)
                check_value(cmd, k, p[k], f"{where}/points/{i}/{k}", SpecError)
                names[k] = k
        return [dict(p) for p in parts], names
    expanded = [expand(p, f"{where}/{op}/{i}", cmd) for i, p in enumerate(parts)]
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
    command = spec.setdefault("command", "run")
    if not isinstance(command, str) or command not in COMMANDS:
        raise SpecError(f"{path}:/command", f"unknown command {json.dumps(command)} (known: {', '.join(COMMANDS)})")
    cmd = COMMANDS[command]
    spec["_path"] = path
    if "vary" not in spec:
        raise SpecError(f"{path}:/vary", "required key missing")
    base = spec.setdefault("base", {})
    if not isinstance(base, dict):
        raise SpecError(f"{path}:/base", "must be an object")
    for k in base:
        if not k.startswith("_"):
            check_name(cmd, k, f"{path}:/base/{k}", SpecError)
            check_value(cmd, k, base[k], f"{path}:/base/{k}", SpecError)
    spec.setdefault("name", os.path.splitext(os.path.basename(path))[0])
    inputs = spec.get("inputs", [])
    if not isinstance(inputs, list) or not all(isinstance(i, str) and i for i in inputs):
        raise SpecError(f"{path}:/inputs", "must be a list of file paths")
    metrics = spec.setdefault("metrics", list(cmd.default_metrics))
    if not isinstance(metrics, list) or not metrics:
        raise SpecError(f"{path}:/metrics", f"must be a non-empty list of paths into {cmd.result_file} "
                                            f"like {cmd.default_metrics[0]}")
    for i, m in enumerate(metrics):
        check_metric(cmd, m, f"{path}:/metrics/{i}", SpecError)
    if "timeout_s" in spec and not (_is_num(spec["timeout_s"]) and spec["timeout_s"] > 0):
        raise SpecError(f"{path}:/timeout_s", "must be a positive number of seconds")
    if "retries" in spec and not (isinstance(spec["retries"], int) and not isinstance(spec["retries"], bool)
                                  and 0 <= spec["retries"] <= 100):
        raise SpecError(f"{path}:/retries", "must be an integer from 0 to 100")
    spec["_points"], spec["_names"] = expand(spec["vary"], f"{path}:/vary", cmd)
    columns = set(spec["_names"].values()) | ({"wall_s"} if spec.get("record_wall") else set())
    check_plots(spec.get("plots", []), f"{path}:/plots", columns, metrics, SpecError)
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


MAX_BASE_CHAIN = 8   # as rdusim's kMaxBaseChain


def _config_files(role, path, root, memo):
    """(role, path) of a config file and of the files it reads: a machine file's "base" chain (a
    file name in the same folder), a composition's router and expert models."""
    out = [(role, path)]
    doc = memo.get(("json", path))
    if doc is None:
        try:
            with open(path, "rb") as f:
                doc = json.loads(f.read().decode("utf-8"))
        except (OSError, ValueError, RecursionError):
            doc = {}
        memo[("json", path)] = doc
    if not isinstance(doc, dict):
        return out
    base, seen = doc, 0
    while isinstance(base.get("base"), str) and seen < MAX_BASE_CHAIN and "/" not in base["base"]:
        seen += 1
        bpath = os.path.join(os.path.dirname(path), base["base"] + ".json")
        out.append((f"{role}.base{seen}", bpath))
        try:
            with open(bpath, "rb") as f:
                base = json.loads(f.read().decode("utf-8"))
        except (OSError, ValueError, RecursionError):
            break
        if not isinstance(base, dict):
            break
    if role == "composition":
        groups = [doc.get("router")] + (doc.get("experts") if isinstance(doc.get("experts"), list) else [])
        models = sorted({g["model"] for g in groups if isinstance(g, dict) and isinstance(g.get("model"), str)})
        out += [(f"composition.model.{m}", _resolve_config(m, "workloads/models", root)) for m in models]
    return out


def resolve(spec, point, root, bin_digest, memo):
    """A point -> a job: the rdusim arguments (without --out), what to append to them, the file its
    metrics come from, and the cache key over the arguments, the content of every config file
    they read, and the simulator binary. A `run` key is what it was before commands existed."""
    cmd = COMMANDS[spec.get("command", "run")]
    params = {k: v for k, v in spec["base"].items() if not k.startswith("_")}
    params.update(point)
    args = arguments(cmd, params)
    files = {}
    for role, default, folder in cmd.configs:
        value = params.get(role, default)
        if not isinstance(value, str):
            continue
        if folder:
            path = _resolve_config(value, folder, root)
        else:   # a plain file (a request trace): relative to the root, where rdusim runs
            path = value if os.path.isabs(value) else os.path.join(root, value)
        extra = _config_files(role, path, root, memo) if role in ("machine", "composition") else [(role, path)]
        files.update((r, p) for r, p in extra if p)
    for i, extra in enumerate(spec.get("inputs", [])):
        files[f"input{i}"] = extra if os.path.isabs(extra) else os.path.join(root, extra)
    digests = {role: file_digest(p, memo) for role, p in files.items() if p}
    inputs = {"args": args, "files": digests, "rdusim": bin_digest, "format": CACHE_FORMAT}
    if cmd.name != "run":
        inputs["command"] = cmd.name
    key = hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()
    return {"key": key, "args": args, "inputs": inputs, "point": point, "extra": cmd.extra_args,
            "result": cmd.result_file}
