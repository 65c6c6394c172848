"""The result table: one row per point in expansion order, written as CSV and JSON."""
import csv
import io
import json
import os

from sweeplib.run import write_atomic


def _stat_value(node):
    return node.get("value") if isinstance(node, dict) and "value" in node else None


def metric_columns(metric, stats):
    """'run/total_ns' -> [('run.total_ns', value)]; 'run/*' -> every leaf directly under run."""
    parts = [p for p in metric.split("/") if p]
    if parts and parts[-1] == "*":
        node = stats
        for p in parts[:-1]:
            node = node.get(p, {}) if isinstance(node, dict) else {}
        return [(".".join(parts[:-1] + [k]), _stat_value(node[k]))
                for k in sorted(node) if isinstance(node, dict) and _stat_value(node[k]) is not None]
    node = stats
    for p in parts:
        node = node.get(p) if isinstance(node, dict) else None
    return [(".".join(parts), _stat_value(node))]


def build_table(spec, jobs, records):
    names = spec["_names"]
    params = list(dict.fromkeys(p for j in jobs for p in j["point"]))   # first-seen order
    param_cols = [names.get(p, p) for p in params]
    metric_cols = []
    rows = []
    for i, (job, rec) in enumerate(zip(jobs, records)):
        row = {"point": i}
        for p, col in zip(params, param_cols):
            row[col] = job["point"].get(p)
        row["status"] = rec["status"] if rec else "missing"
        row["error"] = rec["error"] if rec else "no result (interrupted, or the Slurm task failed)"
        for m in spec["metrics"]:
            for col, val in metric_columns(m, rec.get("stats", {}) if rec and rec["status"] == "ok" else {}):
                row[col] = val
                if col not in metric_cols:
                    metric_cols.append(col)
        if spec.get("record_wall"):
            row["wall_s"] = rec["wall_s"] if rec else None
        row["key"] = job["key"][:16]
        rows.append(row)
    if rows and not metric_cols:   # every point failed: still name the metric columns asked for
        metric_cols = [m.replace("/", ".") for m in spec["metrics"] if not m.endswith("*")]
    columns = ["point"] + param_cols + ["status", "error"] + metric_cols
    columns += (["wall_s"] if spec.get("record_wall") else []) + ["key"]
    return columns, [{c: r.get(c) for c in columns} for r in rows]


def _csv_cell(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (dict, list)):
        return json.dumps(v, sort_keys=True, separators=(",", ":"))
    return repr(v) if isinstance(v, float) else str(v)


def write_tables(out_dir, spec, columns, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for r in rows:
        w.writerow([_csv_cell(r[c]) for c in columns])
    write_atomic(os.path.join(out_dir, "results.csv"), buf.getvalue())
    doc = {"name": spec["name"], "columns": columns, "rows": rows}
    write_atomic(os.path.join(out_dir, "results.json"), json.dumps(doc, sort_keys=True, indent=1) + "\n")
