"""The result table: one row per point in expansion order, written as CSV and JSON; and the check
that every metric of the spec names something in the results."""
import csv
import io
import json
import os

from sweeplib import commands
from sweeplib.run import write_atomic


def _command(spec):
    return commands.COMMANDS[spec.get("command", "run")]


def metric_columns(metric, stats, cmd=commands.COMMANDS["run"]):
    """'run/total_ns' -> [('run.total_ns', value)]; 'run/*' -> every leaf directly under run."""
    return commands.metric_columns(cmd, metric, stats)


def unknown_metrics(spec, records):
    """One-line errors ('file:/metrics/i: ...') for the metrics that name nothing in the result
    file of any point that ran (a typo, a stat that does not exist); [] when no point ran."""
    cmd = _command(spec)
    docs = [r["stats"] for r in records if r and r.get("status") == "ok"]
    if not docs:
        return []
    errors = []
    for i, m in enumerate(spec["metrics"]):
        if any(v is not None for d in docs for _, v in metric_columns(m, d, cmd)):
            continue
        errors.append(f"{spec.get('_path', '<spec>')}:/metrics/{i}: \"{m}\" names no value in the "
                      f"{cmd.result_file} of any of the {len(docs)} points that ran "
                      f"({commands.known_at(cmd, m, docs[0])})")
    return errors


def build_table(spec, jobs, records):
    cmd = _command(spec)
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
            for col, val in metric_columns(m, rec.get("stats", {}) if rec and rec["status"] == "ok" else {}, cmd):
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
