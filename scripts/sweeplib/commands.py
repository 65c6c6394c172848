"""The rdusim commands a sweep can run (the spec's "command" key), in one table: how a parameter
becomes an argument, which config files go into the cache key, which file the metrics are read
from and how (see docs/sweeps.md, "Commands").

  run    every parameter is `--set KEY=VALUE` (a scenario key, or machine/... and model/...
         pointers); metrics are paths into stats.json whose leaves are {"value": x, ...}
  serve  a serve option (experts, poisson, count, popularity, zipf, ...) is `--<option> VALUE`
         (an on/off option such as prefetch takes true or false); machine/... is
         `--set machine/POINTER=VALUE`; metrics are JSON pointers into serve.json whose leaves
         are plain JSON values (summary/latency_ms/p99, hbm_hit_rate)

`rdusim experiment` is not in the table: it runs only the fusion study and takes no overrides,
and the CoE study runs only inside `rdusim reproduce` (every experiment at once)."""
import json

# serve option -> (flag, kind); kind: "text" and "number" take a string or number, "flag" takes
# true (the flag is given) or false (it is not). The names are `rdusim serve --help`'s, without
# the dashes, '-' written '_'.
SERVE_OPTIONS = {
    "machine": ("--machine", "text"), "composition": ("--composition", "text"),
    "experts": ("--experts", "number"), "load_mode": ("--load-mode", "text"),
    "batch": ("--batch", "number"), "poisson": ("--poisson", "number"), "count": ("--count", "number"),
    "requests": ("--requests", "text"), "closed_loop": ("--closed-loop", "flag"),
    "input": ("--input", "number"), "output": ("--output", "number"), "seed": ("--seed", "number"),
    "popularity": ("--popularity", "text"), "zipf": ("--zipf", "number"), "policy": ("--policy", "text"),
    "max_batch": ("--max-batch", "number"), "router_max_batch": ("--router-max-batch", "number"),
    "prefetch": ("--prefetch", "flag"), "preload": ("--preload", "flag"), "warmup": ("--warmup", "number"),
    "context_bucket": ("--context-bucket", "number"), "no_reuse": ("--no-reuse", "flag"),
}


class Command:
    def __init__(self, name, result_file, leaf, prefixes, options, configs, extra_args, default_metrics):
        self.name = name
        self.result_file = result_file     # what rdusim writes into --out DIR that the table reads
        self.leaf = leaf                   # "stat": {"value": x} leaves; "json": plain values
        self.prefixes = prefixes           # pointer parameters (machine/..., model/...)
        self.options = options             # None: any plain key goes as --set KEY=V; else name -> (flag, kind)
        self.configs = configs             # (param, default, folder): config files hashed into the cache key
        self.extra_args = extra_args       # appended before --out DIR
        self.default_metrics = default_metrics


COMMANDS = {
    "run": Command("run", "stats.json", "stat", ("machine/", "model/"), None,
                   [("machine", "sn40l", "configs/machines"), ("model", "llama2-7b", "workloads/models")],
                   ["--quiet"], ["run/*"]),
    "serve": Command("serve", "serve.json", "json", ("machine/",), SERVE_OPTIONS,
                     [("machine", "sn40l-8", "configs/machines"), ("composition", "samba-coe-150", "configs/compositions"),
                      ("requests", None, "")],
                     [], ["summary/latency_ms/*", "hbm_hit_rate", "switches", "bytes_switched"]),
}


def _json(v):
    return json.dumps(v, sort_keys=True, separators=(",", ":"))


def check_name(cmd, param, where, error):
    """Raises error(where, message) unless `param` is an argument of cmd."""
    if not isinstance(param, str) or not param:
        raise error(where, "must be a non-empty string")
    if any(param.startswith(p) for p in cmd.prefixes):
        return
    if "/" in param:
        raise error(where, f"\"{param}\": a path must start with {' or '.join(cmd.prefixes)}")
    if cmd.options is not None and param not in cmd.options:
        raise error(where, f"\"{param}\" is not an option of rdusim {cmd.name} "
                           f"(known: {', '.join(sorted(cmd.options))}, or {' or '.join(cmd.prefixes)}POINTER)")


def check_value(cmd, param, value, where, error):
    """Raises error(where, message) when `value` cannot be written as option `param`'s argument
    (rdusim itself validates the rest, as a failed point with its one-line error)."""
    if cmd.options is None or param not in cmd.options:
        return
    if cmd.options[param][1] == "flag":
        if not isinstance(value, bool):
            raise error(where, f"\"{param}\" is an on/off option: true or false")
    elif isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise error(where, f"\"{param}\" takes a string or a number")


def arguments(cmd, params):
    """The rdusim arguments of one point (without --out), in a fixed order: sorted by parameter."""
    args = [cmd.name]
    for k in sorted(params):
        v = params[k]
        if cmd.options is None or any(k.startswith(p) for p in cmd.prefixes):
            args += ["--set", f"{k}={_json(v)}"]
            continue
        flag, kind = cmd.options[k]
        if kind == "flag":
            args += [flag] if v else []
        else:
            args += [flag, v if isinstance(v, str) else _json(v)]
    return args


def check_metric(cmd, metric, where, error):
    parts = metric.split("/") if isinstance(metric, str) else []
    if not parts or any(not p for p in parts) or "*" in parts[:-1]:
        raise error(where, f"{metric!r}: a metric is a path like {cmd.default_metrics[0]} "
                           f"(into {cmd.result_file}; no empty parts; * only at the end)")


def _leaf(cmd, node):
    if cmd.leaf == "stat":
        return node.get("value") if isinstance(node, dict) and "value" in node else None
    return node if isinstance(node, (int, float, str, bool)) else None


def metric_columns(cmd, metric, doc):
    """'run/total_ns' -> [('run.total_ns', value or None)]; 'a/*' -> every leaf directly under a."""
    parts = metric.split("/")
    node = doc
    for p in parts[:-1] if parts[-1] == "*" else parts:
        if isinstance(node, dict):
            node = node.get(p)
        elif isinstance(node, list) and p.isdigit() and int(p) < len(node):
            node = node[int(p)]
        else:
            node = None
    if parts[-1] == "*":
        if not isinstance(node, dict):
            return []
        return [(".".join(parts[:-1] + [k]), _leaf(cmd, node[k])) for k in sorted(node)
                if _leaf(cmd, node[k]) is not None]
    return [(".".join(parts), _leaf(cmd, node))]


def known_at(cmd, metric, doc):
    """For an error message: the keys of the deepest object the metric's path reaches in doc."""
    node, path = doc, []
    for p in metric.split("/"):
        if not isinstance(node, dict) or p not in node:
            break
        node, path = node[p], path + [p]
    keys = sorted(k for k in node if not k.startswith("_")) if isinstance(node, dict) else []
    shown = ", ".join(keys[:12]) + (", ..." if len(keys) > 12 else "")
    return f"under {'/'.join(path) or 'the top'}: {shown}" if keys else f"{'/'.join(path)} is a value"
