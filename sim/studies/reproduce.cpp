// sim/studies/reproduce.cpp
// `rdusim reproduce`: runs every experiment (fusion study, CoE latency and switching, footprint),
// writes out/validation.json, out/*.json, regenerates docs/validation.md and draws the plots.
#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <iostream>
#include <thread>

#include "sim/cli/commands.hpp"
#include "sim/config/scenario.hpp"
#include "sim/core/atomic_file.hpp"
#include "sim/studies/coe_figures.hpp"
#include "sim/studies/coe_study.hpp"
#include "sim/studies/footprint_study.hpp"
#include "sim/studies/fusion_study.hpp"

namespace rdusim {
namespace {

struct Row {
  std::string id, description, unit;
  double simulated = 0.0;
};

std::string short_name(const std::string& machine) { return machine.rfind("sn40l", 0) == 0 ? "sn40l" : machine; }

void coe_rows(const nlohmann::json& coe, const CoeStudy& st, std::vector<Row>& rows) {
  const auto& ms = coe["machines"];
  const auto& rdu = ms[st.rdu_machine];
  for (const char* suffix : {"", ".per_gpu"}) {
    std::string pg = suffix[0] ? "_per_gpu" : "";
    for (const auto& dgx : st.dgx_machines) {
      const auto& d = ms[dgx];
      for (auto it = rdu["overall_ms"].begin(); it != rdu["overall_ms"].end(); ++it) {
        double v = d["overall_ms" + pg][it.key()].get<double>() / it.value().get<double>();
        rows.push_back({fmt::format("coe.overall.{}.vs_{}{}", it.key(), dgx, suffix),
                        fmt::format("overall latency (router + switching + expert), {}: {} / SN40L{}", it.key(), dgx,
                                    pg.empty() ? "" : ", DGX loading per GPU"),
                        "x", v});
      }
      for (auto it = rdu["expert_only_ms"].begin(); it != rdu["expert_only_ms"].end(); ++it) {
        double v = d["expert_only_ms"][it.key()].get<double>() / it.value().get<double>();
        rows.push_back({fmt::format("coe.expert_only.{}.vs_{}{}", it.key(), dgx, suffix),
                        fmt::format("expert-only latency, {}: {} / SN40L", it.key(), dgx), "x", v});
      }
      double sw = d["switch_ms" + pg].get<double>() / rdu["switch_ms"].get<double>();
      rows.push_back({fmt::format("coe.switching.vs_{}{}", dgx, suffix),
                      fmt::format("model switching time (one expert into HBM): {} / SN40L{}", dgx,
                                  pg.empty() ? " (paper's one-pipe PCIe assumption)" : " (each GPU loads its shard)"),
                      "x", sw});
    }
  }
  for (auto mit = ms.begin(); mit != ms.end(); ++mit) {
    std::string name = short_name(mit.key());
    for (const char* metric : {"overall_ms", "expert_only_ms"}) {
      for (auto it = mit.value()[metric].begin(); it != mit.value()[metric].end(); ++it) {
        std::string m = std::string(metric).substr(0, std::string(metric).size() - 3);
        rows.push_back(
            {fmt::format("coe.{}.{}.{}.ms", name, m, it.key()),
             fmt::format("{} {} latency, {}", mit.key(), m == "overall" ? "overall" : "expert-only", it.key()), "ms",
             it.value().get<double>()});
      }
    }
  }
}

void fusion_rows(const nlohmann::json& fusion, std::vector<Row>& rows) {
  double lo = 1e300, hi = 0;
  for (auto it = fusion["benchmarks"].begin(); it != fusion["benchmarks"].end(); ++it) {
    double s = it.value()["speedup_fused_ho"].get<double>();
    lo = std::min(lo, s);
    hi = std::max(hi, s);
    rows.push_back({"fusion." + it.key() + ".speedup", "fused-HO over unfused, " + it.key(), "x", s});
  }
  rows.insert(rows.begin(),
              {{"fusion.speedup.min", "smallest fused-HO / unfused speedup over the E1 benchmarks", "x", lo},
               {"fusion.speedup.max", "largest fused-HO / unfused speedup over the E1 benchmarks", "x", hi}});
}

std::string cell(const nlohmann::json& v, const char* fmtstr = "{:.3g}") {
  return v.is_null() ? "-" : fmt::format(fmt::runtime(fmtstr), v.get<double>());
}

}  // namespace

int cmd_reproduce(const std::vector<std::string>& args) {
  std::string out_dir = "out", doc_path = project_root() + "/docs/validation.md";
  unsigned jobs = std::max(1u, std::thread::hardware_concurrency());
  bool plots = true;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--out" && i + 1 < args.size())
      out_dir = args[++i];
    else if (args[i] == "--doc" && i + 1 < args.size())
      doc_path = args[++i];
    else if (args[i] == "--jobs" && i + 1 < args.size())
      jobs = static_cast<unsigned>(std::stoul(args[++i]));
    else if (args[i] == "--no-plots")
      plots = false;
    else
      throw SimError("<command line>", args[i], "unknown option (known: --out DIR, --doc FILE, --jobs N, --no-plots)");
  }
  const std::string exp_dir = project_root() + "/configs/experiments/";
  auto t0 = std::chrono::steady_clock::now();

  FusionStudy fs = load_fusion_study(exp_dir + "fusion.json");
  nlohmann::json fusion = run_fusion_study(fs, jobs);
  std::vector<std::string> order;
  for (const auto& b : fs.benchmarks) order.push_back(b.name);
  write_file_atomic(out_dir + "/fusion.json", fusion.dump(2) + "\n");
  write_file_atomic(out_dir + "/fusion.md", fusion_markdown(fusion, order));

  CoeStudy cs = load_coe_study(exp_dir + "coe.json");
  nlohmann::json coe = run_coe_study(cs, jobs);
  write_file_atomic(out_dir + "/coe.json", coe.dump(2) + "\n");
  nlohmann::json coe_figs = run_coe_figures(cs, jobs);  // Figs. 1 and 12 on the serving timeline
  write_file_atomic(out_dir + "/coe_breakdown.json", coe_figs["breakdown"].dump(2) + "\n");
  write_file_atomic(out_dir + "/coe_experts.json", coe_figs["experts"].dump(2) + "\n");

  nlohmann::json footprint = run_footprint_study(exp_dir + "footprint.json");
  write_file_atomic(out_dir + "/footprint.json", footprint.dump(2) + "\n");

  std::vector<Row> rows;
  coe_rows(coe, cs, rows);
  rows.push_back({"footprint.max_reduction", "DGX nodes / SN40L nodes to host N experts, largest over N = 1..1000", "x",
                  footprint["max_reduction"].get<double>()});
  rows.push_back({"footprint.experts_per_sn40l_node", "7B experts one SN40L node holds (in DDR)", "experts",
                  footprint["experts_per_sn40l_node"].get<double>()});
  rows.push_back({"footprint.experts_per_dgx_node", "7B experts one DGX node holds (in HBM)", "experts",
                  footprint["experts_per_dgx_node"].get<double>()});
  std::vector<Row> frows;
  fusion_rows(fusion, frows);
  rows.insert(rows.end(), frows.begin(), frows.end());

  JsonReader pv = JsonReader::load_file(exp_dir + "paper_values.json");
  double tol = 0.1;
  pv.required("tolerance", tol);
  const auto& figures = pv.raw()["figures"];
  pv.accept("figures");
  nlohmann::json vrows = nlohmann::json::array();
  for (const auto& r : rows) {
    std::string base = r.id;
    if (base.ends_with(".per_gpu")) base = base.substr(0, base.size() - 8);
    nlohmann::json paper = figures.contains(base) ? figures[base]["value"] : nlohmann::json();
    nlohmann::json in_band;
    if (!paper.is_null()) in_band = std::abs(r.simulated - paper.get<double>()) <= tol * paper.get<double>();
    vrows.push_back({{"id", r.id},
                     {"description", r.description},
                     {"paper", paper},
                     {"simulated", r.simulated},
                     {"unit", r.unit},
                     {"in_band", in_band}});
  }
  nlohmann::json validation = {{"rows", vrows}};
  write_file_atomic(out_dir + "/validation.json", validation.dump(2) + "\n");

  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::string md =
      "# Validation: paper figures vs simulated\n\n"
      "Generated by `build/rdusim reproduce` (the README's main job); do not edit by hand. "
      "Paper values are the public headline figures of `configs/experiments/paper_values.json`; `-` "
      "means the paper gives no public value. In band: within " +
      fmt::format("{:.0f}", tol * 100) +
      " % of the paper value.\n\n"
      "| figure | paper | simulated | unit | error | in band |\n|---|---:|---:|---|---:|:---:|\n";
  for (const auto& r : vrows) {
    std::string err =
        r["paper"].is_null()
            ? "-"
            : fmt::format("{:+.1f} %", 100.0 * (r["simulated"].get<double>() / r["paper"].get<double>() - 1));
    std::string band = r["in_band"].is_null() ? "-" : (r["in_band"].get<bool>() ? "yes" : "**no**");
    md += fmt::format("| `{}` | {} | {} | {} | {} | {} |\n", r["id"].get<std::string>(), cell(r["paper"]),
                      cell(r["simulated"], "{:.4g}"), r["unit"].get<std::string>(), err, band);
  }
  md += "\n## Fusion study (E1): " + fs.machine + ", tp " + std::to_string(fs.tp) + ", whole models\n\n" +
        fusion_markdown(fusion, order);
  md +=
      "\n## CoE components (E2), per machine\n\n| machine | use case | router ms (bs1 / bs8) | expert prefill ms | "
      "decode ms per token | switch ms (paper / per-gpu) |\n|---|---|---:|---:|---:|---:|\n";
  for (auto mit = coe["machines"].begin(); mit != coe["machines"].end(); ++mit) {
    for (auto cit = mit.value()["components"].begin(); cit != mit.value()["components"].end(); ++cit) {
      const auto& c = cit.value();
      md +=
          fmt::format("| {} | {} | {:.3f} / {:.3f} | {:.3f} | {:.3f} | {:.2f} / {} |\n", mit.key(), cit.key(),
                      c["router_ms_bs1"].get<double>(), c["router_ms_bs8"].get<double>(), c["prefill_ms"].get<double>(),
                      c["decode_ms_per_token"].get<double>(), mit.value()["switch_ms"].get<double>(),
                      mit.value().contains("switch_ms_per_gpu")
                          ? fmt::format("{:.2f}", mit.value()["switch_ms_per_gpu"].get<double>())
                          : "-");
    }
  }
  md +=
      "\nThe DGX machines against published GPU measurements (single GPU and tensor-parallel decode, time to "
      "first token, host-to-device copies): `docs/validation_dgx.md`, regenerated by `scripts/validate_dgx.py`.\n";
  md +=
      "\nCommand: `build/rdusim reproduce` (or `bash scripts/main.sh`). Raw results: `out/validation.json`, "
      "`out/fusion.json`, `out/coe.json`, `out/footprint.json`; plots: `out/speedup.png`, `out/switching.png`, "
      "`out/fusion.png`, `out/footprint.png`.\n";
  write_file_atomic(doc_path, md);
  std::cout << md;
  std::cout << fmt::format("reproduction simulated in {:.1f} s of wall time ({} parallel processes)\n", wall, jobs);
  if (plots) {
    std::string cmd = "/usr/bin/python3 " + project_root() + "/scripts/plot_validation.py " + out_dir;
    if (std::system(cmd.c_str()) != 0) std::cerr << "rdusim: warning: plotting failed (" << cmd << ")\n";
    cmd = "/usr/bin/python3 " + project_root() + "/scripts/plot_coe.py " + out_dir;
    if (std::system(cmd.c_str()) != 0) std::cerr << "rdusim: warning: plotting failed (" << cmd << ")\n";
  }
  std::cout << "wrote " << out_dir << "/validation.json, " << doc_path << "\n";
  return 0;
}

}  // namespace rdusim
