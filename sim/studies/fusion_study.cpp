// sim/studies/fusion_study.cpp
// `rdusim experiment configs/experiments/fusion.json`: the fusion study (E1). Every benchmark runs
// whole-model in each mode (unfused, fused-so, fused-ho, fused-ho-looped; a study's "modes" may
// name fewer), each in its own process, two at a time; the table goes to stdout and to
// out/fusion.{json,md}.
#include "sim/studies/fusion_study.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <set>
#include <thread>

#include "sim/run/isolated.hpp"
#include "sim/run/run.hpp"
#include "sim/studies/fusion_explain.hpp"

namespace rdusim {

namespace {
const std::vector<std::string> kModes = {"unfused", "fused-so", "fused-ho", "fused-ho-looped"};
std::string key_of(const std::string& mode) {
  std::string k = mode;
  for (auto& c : k) c = c == '-' ? '_' : c;
  return k;
}
nlohmann::json breakdown_json(const CallBreakdown& b) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [key, ns] : breakdown_parts(b)) j[key] = ns;
  return j;
}
// The comparisons between modes of one benchmark, for the modes that ran.
void summarise(std::map<std::string, nlohmann::json>& by, nlohmann::json& row) {
  auto has = [&](const char* m) { return by.count(m) > 0; };
  auto ms = [&](const char* m) { return by[m]["ms"].get<double>(); };
  if (has("fused-ho")) {
    row["kernel_calls_fused"] = by["fused-ho"]["kernel_calls"];
    row["hbm_bw_fraction"] = by["fused-ho"]["hbm_bw_fraction"];
    row["pcu_utilization"] = by["fused-ho"]["pcu_utilization"];
  }
  if (has("fused-ho-looped")) row["kernel_calls_looped"] = by["fused-ho-looped"]["kernel_calls"];
  if (has("fused-ho") && has("fused-ho-looped")) row["speedup_looped_over_ho"] = ms("fused-ho") / ms("fused-ho-looped");
  if (has("unfused")) {
    row["kernel_calls_unfused"] = by["unfused"]["kernel_calls"];
    if (has("fused-so")) row["speedup_fused_so"] = ms("unfused") / ms("fused-so");
  }
  if (has("unfused") && has("fused-ho")) {
    row["kernel_call_ratio"] =
        by["unfused"]["kernel_calls"].get<double>() / by["fused-ho"]["kernel_calls"].get<double>();
    row["speedup_fused_ho"] = ms("unfused") / ms("fused-ho");
    row["breakdown_unfused"] = by["unfused"]["breakdown"];
    row["breakdown_fused_ho"] = by["fused-ho"]["breakdown"];
    row["explanation"] = explain_speedup(by["unfused"], by["fused-ho"]);
  }
}

}  // namespace

FusionStudy load_fusion_study(const std::string& path) {
  JsonReader r = JsonReader::load_file(path);
  FusionStudy st;
  std::string kind;
  r.required("experiment", kind);
  r.check(kind == "fusion", "experiment", "unknown \"" + kind + "\" (known: fusion)");
  r.required("machine", st.machine);
  r.optional("tp", st.tp);
  r.optional("batch", st.batch);
  st.modes = kModes;
  if (r.has("modes")) {
    r.accept("modes");
    const auto& m = r.raw()["modes"];
    r.check(m.is_array() && !m.empty(), "modes", "must be a non-empty array of fusion modes");
    st.modes.clear();
    for (const auto& v : m) {
      bool known = v.is_string() && std::find(kModes.begin(), kModes.end(), v.get<std::string>()) != kModes.end();
      r.check(known, "modes",
              "unknown mode " + v.dump() + " (known: " + fmt::format("{}", fmt::join(kModes, ", ")) + ")");
      st.modes.push_back(v.get<std::string>());
    }
  }
  std::set<std::string> names;
  for (const auto& b : r.array("benchmarks")) {
    FusionBenchmark fb;
    b.required("name", fb.name);
    b.check(names.insert(fb.name).second, "name", "duplicate benchmark name \"" + fb.name + "\"");
    nlohmann::json doc = b.raw();
    for (auto it = doc.begin(); it != doc.end();) {
      if (it.key() == "name" || it.key()[0] == '_')
        it = doc.erase(it);
      else
        ++it;
    }
    if (!doc.contains("machine")) doc["machine"] = st.machine;
    doc["scope"] = "model";
    if (!doc.contains("tp")) doc["tp"] = st.tp;
    if (!doc.contains("batch")) doc["batch"] = st.batch;
    // Validate now (file + path of the benchmark), so a bad entry fails before any run.
    Scenario probe = parse_scenario(JsonReader::from_json(doc, path + ":" + b.pointer()));
    (void)probe;
    fb.scenario = doc;
    st.benchmarks.push_back(fb);
  }
  r.check(!st.benchmarks.empty(), "benchmarks", "must list at least one benchmark");
  r.reject_unread_keys();
  return st;
}

nlohmann::json run_fusion_study(const FusionStudy& st, unsigned jobs) {
  std::vector<std::function<nlohmann::json()>> tasks;
  for (const auto& b : st.benchmarks) {
    for (const auto& mode : st.modes) {
      nlohmann::json doc = b.scenario;
      doc["fusion"] = mode;
      tasks.push_back([doc, name = b.name] {
        Scenario sc = parse_scenario(JsonReader::from_json(doc, name));
        RunOptions opt;
        opt.quiet = true;
        RunOutcome o = run_scenario(sc, opt);
        return nlohmann::json{{"ms", o.total_ns / 1e6},
                              {"kernel_calls", o.kernel_calls},
                              {"hbm_bw_fraction", o.hbm_bytes / o.total_ns / o.hbm_peak_gbps},
                              {"pcu_utilization", o.pcu_busy_ns / (double(o.pcu_count) * o.total_ns)},
                              {"launch_ms", o.launch_ns / 1e6},
                              {"breakdown", breakdown_json(o.breakdown)},
                              {"events", o.events},
                              {"wall_s", o.wall_s}};
      });
    }
  }
  auto results = run_isolated(tasks, jobs);
  nlohmann::json table = nlohmann::json::object();
  const size_t M = st.modes.size();
  for (size_t i = 0; i < st.benchmarks.size(); ++i) {
    const FusionBenchmark& b = st.benchmarks[i];
    nlohmann::json row{{"machine", b.scenario["machine"]}, {"tp", b.scenario["tp"]}};
    std::map<std::string, nlohmann::json> by;
    for (size_t m = 0; m < M; ++m) {
      const auto& r = results[i * M + m];
      if (r.contains("error")) throw SimError("", b.name + " (" + st.modes[m] + ")", r["error"].get<std::string>());
      const std::string k = key_of(st.modes[m]);
      row[k + "_ms"] = r["ms"];
      row[k + "_launch_ms"] = r["launch_ms"];
      row["events_" + k] = r["events"];
      row["wall_s_" + k] = r["wall_s"];
      by[st.modes[m]] = r;
    }
    summarise(by, row);
    table[b.name] = row;
  }
  return {{"benchmarks", table}, {"machine", st.machine}, {"tp", st.tp}, {"modes", st.modes}};
}

namespace {
// A study of some modes only (the looping study): one column per mode, looped / HO where both ran.
std::string modes_markdown(const nlohmann::json& result, const std::vector<std::string>& order) {
  std::vector<std::string> modes = result["modes"].get<std::vector<std::string>>();
  std::string md = "| benchmark | machine | tp |", rule = "|---|---|---:|";
  for (const auto& m : modes) {
    md += " " + m + " ms |";
    rule += "---:|";
  }
  const bool ratio = result["benchmarks"][order.front()].contains("speedup_looped_over_ho");
  if (ratio) {
    md += " looped / HO | kernel calls (HO / looped) |";
    rule += "---:|---:|";
  }
  md += "\n" + rule + "\n";
  for (const auto& name : order) {
    const auto& r = result["benchmarks"][name];
    md += fmt::format("| {} | {} | {} |", name, r["machine"].get<std::string>(), r["tp"].get<uint32_t>());
    for (const auto& m : modes) md += fmt::format(" {:.3f} |", r[key_of(m) + "_ms"].get<double>());
    if (ratio && r.contains("speedup_looped_over_ho")) {
      md += fmt::format(" {:.2f}x | {} / {} |", r["speedup_looped_over_ho"].get<double>(),
                        r["kernel_calls_fused"].get<uint64_t>(), r["kernel_calls_looped"].get<uint64_t>());
    }
    md += "\n";
  }
  return md;
}
}  // namespace

std::string fusion_markdown(const nlohmann::json& result, const std::vector<std::string>& order) {
  if (result["modes"].get<std::vector<std::string>>() != kModes) return modes_markdown(result, order);
  std::string md =
      "| benchmark | unfused ms | fused-SO ms | fused-HO ms | fused-HO-looped ms | speedup SO | speedup HO | "
      "looped / HO | kernel calls unfused | kernel calls fused | kernel call ratio | HBM BW fraction (HO) | "
      "PCU utilisation (HO) |\n"
      "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const auto& name : order) {
    const auto& r = result["benchmarks"][name];
    md += fmt::format(
        "| {} | {:.3f} | {:.3f} | {:.3f} | {:.3f} | {:.2f}x | {:.2f}x | {:.2f}x | {} | {} | {:.1f} | {:.3f} | "
        "{:.3f} |\n",
        name, r["unfused_ms"].get<double>(), r["fused_so_ms"].get<double>(), r["fused_ho_ms"].get<double>(),
        r["fused_ho_looped_ms"].get<double>(), r["speedup_fused_so"].get<double>(), r["speedup_fused_ho"].get<double>(),
        r["speedup_looped_over_ho"].get<double>(), r["kernel_calls_unfused"].get<uint64_t>(),
        r["kernel_calls_fused"].get<uint64_t>(), r["kernel_call_ratio"].get<double>(),
        r["hbm_bw_fraction"].get<double>(), r["pcu_utilization"].get<double>());
  }
  md +=
      "\nWhere fused-HO's speedup over unfused comes from (each run's step breakdown, `explanation` in "
      "fusion.json; terms: streaming, call boundaries = fill + drain + sync + Argument Load, launch + Program "
      "Load, host, all-reduce calls):\n\n| benchmark | explanation |\n|---|---|\n";
  for (const auto& name : order) {
    md += fmt::format("| {} | {} |\n", name, result["benchmarks"][name]["explanation"]["text"].get<std::string>());
  }
  return md;
}

}  // namespace rdusim
