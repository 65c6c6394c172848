// sim/studies/fusion_study.cpp
// `rdusim experiment configs/experiments/fusion.json`: the fusion study (E1). Every benchmark runs
// whole-model in three configurations (unfused, fused-so, fused-ho), each in its own process, two
// at a time; the table goes to stdout and to out/fusion.{json,md}.
#include "sim/studies/fusion_study.hpp"

#include <fmt/format.h>

#include <iostream>
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
    doc["machine"] = st.machine;
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
    for (const auto& mode : kModes) {
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
  nlohmann::json out = nlohmann::json::object();
  nlohmann::json table = nlohmann::json::object();
  for (size_t i = 0; i < st.benchmarks.size(); ++i) {
    nlohmann::json row;
    for (size_t m = 0; m < kModes.size(); ++m) {
      const auto& r = results[i * kModes.size() + m];
      if (r.contains("error"))
        throw SimError("", st.benchmarks[i].name + " (" + kModes[m] + ")", r["error"].get<std::string>());
      row[key_of(kModes[m]) + "_ms"] = r["ms"];
      row[key_of(kModes[m]) + "_launch_ms"] = r["launch_ms"];
      row["events_" + key_of(kModes[m])] = r["events"];
      row["wall_s_" + key_of(kModes[m])] = r["wall_s"];
    }
    const size_t M = kModes.size();
    const auto &un = results[i * M], &so = results[i * M + 1], &ho = results[i * M + 2], &lo = results[i * M + 3];
    row["kernel_calls_unfused"] = un["kernel_calls"];
    row["kernel_calls_fused"] = ho["kernel_calls"];
    row["kernel_calls_looped"] = lo["kernel_calls"];
    row["kernel_call_ratio"] = un["kernel_calls"].get<double>() / ho["kernel_calls"].get<double>();
    row["speedup_looped_over_ho"] = ho["ms"].get<double>() / lo["ms"].get<double>();
    row["hbm_bw_fraction"] = ho["hbm_bw_fraction"];
    row["pcu_utilization"] = ho["pcu_utilization"];
    row["speedup_fused_so"] = un["ms"].get<double>() / so["ms"].get<double>();
    row["speedup_fused_ho"] = un["ms"].get<double>() / ho["ms"].get<double>();
    row["breakdown_unfused"] = un["breakdown"];
    row["breakdown_fused_ho"] = ho["breakdown"];
    row["explanation"] = explain_speedup(un, ho);
    table[st.benchmarks[i].name] = row;
  }
  out["benchmarks"] = table;
  out["machine"] = st.machine;
  out["tp"] = st.tp;
  return out;
}

std::string fusion_markdown(const nlohmann::json& result, const std::vector<std::string>& order) {
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
      "Load, host):\n\n| benchmark | explanation |\n|---|---|\n";
  for (const auto& name : order) {
    md += fmt::format("| {} | {} |\n", name, result["benchmarks"][name]["explanation"]["text"].get<std::string>());
  }
  return md;
}

}  // namespace rdusim
