// sim/studies/reproduce.cpp
#include "sim/studies/reproduce.hpp"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>

#include "sim/config/scenario.hpp"
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
    rows.push_back({"fusion." + it.key() + ".kernel_call_ratio", "unfused / fused kernel calls, " + it.key(), "x",
                    it.value()["kernel_call_ratio"].get<double>()});
  }
  rows.insert(rows.begin(),
              {{"fusion.speedup.min", "smallest fused-HO / unfused speedup over the E1 benchmarks", "x", lo},
               {"fusion.speedup.max", "largest fused-HO / unfused speedup over the E1 benchmarks", "x", hi}});
}

std::string cell(const nlohmann::json& v, const char* fmtstr = "{:.3g}") {
  return v.is_null() ? "-" : fmt::format(fmt::runtime(fmtstr), v.get<double>());
}

// The rows of every experiment, in the order of docs/validation.md.
std::vector<Row> all_rows(const Reproduction& r, const CoeStudy& cs) {
  std::vector<Row> rows;
  coe_rows(r.coe, cs, rows);
  rows.push_back({"footprint.max_reduction", "DGX nodes / SN40L nodes to host N experts, largest over N = 1..1000", "x",
                  r.footprint["max_reduction"].get<double>()});
  rows.push_back({"footprint.experts_per_sn40l_node", "7B experts one SN40L node holds (in DDR)", "experts",
                  r.footprint["experts_per_sn40l_node"].get<double>()});
  rows.push_back({"footprint.experts_per_dgx_node", "7B experts one DGX node holds (in HBM)", "experts",
                  r.footprint["experts_per_dgx_node"].get<double>()});
  std::vector<Row> frows;
  fusion_rows(r.fusion, frows);
  rows.insert(rows.end(), frows.begin(), frows.end());
  // Looped over fused-HO: every E1 decode benchmark, and the looping study's machines.
  for (const nlohmann::json* study : {&r.fusion, &r.looping}) {
    if (study->is_null()) continue;
    for (auto it = (*study)["benchmarks"].begin(); it != (*study)["benchmarks"].end(); ++it) {
      if (!it.value().contains("speedup_looped_over_ho") || it.key().find("prefill") != std::string::npos) continue;
      rows.push_back({"looping." + it.key() + ".speedup", "fused-HO-looped over fused-HO, " + it.key(), "x",
                      it.value()["speedup_looped_over_ho"].get<double>()});
    }
  }
  return rows;
}

// Each row against paper_values.json: in band when within the file's tolerance.
nlohmann::json validation_rows(const std::vector<Row>& rows, const std::string& paper_values, double& tol) {
  JsonReader pv = JsonReader::load_file(paper_values);
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
    // fit: a knob was fitted to it or it restates inputs; given: a public headline nothing was
    // fitted to; prediction: no public value.
    std::string label = figures.contains(base) ? figures[base].value("label", "given") : "prediction";
    vrows.push_back({{"id", r.id},
                     {"description", r.description},
                     {"paper", paper},
                     {"simulated", r.simulated},
                     {"unit", r.unit},
                     {"label", label},
                     {"in_band", in_band}});
  }
  return vrows;
}

std::string figures_markdown(const nlohmann::json& vrows, double tol) {
  std::string md =
      "# Validation: paper figures vs simulated\n\n"
      "Generated by `build/rdusim reproduce --doc docs/validation.md` (the README's main job); do not edit by "
      "hand. Paper values are the public headline figures of `configs/experiments/paper_values.json`; `-` "
      "means the paper gives no public value. In band: within " +
      fmt::format("{:.0f}", tol * 100) +
      " % of the paper value.\n\n"
      "Kind: `fit` — a knob was fitted to the figure, or it only restates inputs (the switching ratios are the "
      "paper's own bandwidth arithmetic, and C1 was fitted to its \">1 TB/s\"; the footprint is capacity "
      "arithmetic), so agreement there shows nothing; `given` — a public headline that nothing was fitted to, "
      "the real test; `prediction` — no public value, the simulator's own figure.\n\n"
      "| figure | kind | paper | simulated | unit | error | in band |\n|---|---|---:|---:|---|---:|:---:|\n";
  for (const auto& r : vrows) {
    std::string err =
        r["paper"].is_null()
            ? "-"
            : fmt::format("{:+.1f} %", 100.0 * (r["simulated"].get<double>() / r["paper"].get<double>() - 1));
    std::string band = r["in_band"].is_null() ? "-" : (r["in_band"].get<bool>() ? "yes" : "**no**");
    md += fmt::format("| `{}` | {} | {} | {} | {} | {} | {} |\n", r["id"].get<std::string>(),
                      r["label"].get<std::string>(), cell(r["paper"]), cell(r["simulated"], "{:.4g}"),
                      r["unit"].get<std::string>(), err, band);
  }
  return md;
}

std::string components_markdown(const nlohmann::json& coe) {
  std::string md =
      "\n## CoE components (E2), per machine\n\n| machine | use case | router ms (bs1 / bs8) | expert prefill ms | "
      "decode ms per token | switch ms (paper / per-gpu) |\n|---|---|---:|---:|---:|---:|\n";
  for (auto mit = coe["machines"].begin(); mit != coe["machines"].end(); ++mit) {
    const auto& m = mit.value();
    std::string per_gpu =
        m.contains("switch_ms_per_gpu") ? fmt::format("{:.2f}", m["switch_ms_per_gpu"].get<double>()) : "-";
    for (auto cit = m["components"].begin(); cit != m["components"].end(); ++cit) {
      const auto& c = cit.value();
      md +=
          fmt::format("| {} | {} | {:.3f} / {:.3f} | {:.3f} | {:.3f} | {:.2f} / {} |\n", mit.key(), cit.key(),
                      c["router_ms_bs1"].get<double>(), c["router_ms_bs8"].get<double>(), c["prefill_ms"].get<double>(),
                      c["decode_ms_per_token"].get<double>(), m["switch_ms"].get<double>(), per_gpu);
    }
  }
  return md;
}

std::vector<std::string> names_of(const FusionStudy& st) {
  std::vector<std::string> order;
  for (const auto& b : st.benchmarks) order.push_back(b.name);
  return order;
}

}  // namespace

Reproduction run_reproduction(const ReproduceInputs& in) {
  const std::string dir = in.experiments_dir + "/";
  Reproduction r;
  // Every experiment file is read before anything runs: a bad one fails at once, nothing half done.
  FusionStudy fs = load_fusion_study(dir + "fusion.json");
  CoeStudy cs = load_coe_study(dir + "coe.json");
  const bool looping = std::filesystem::exists(dir + "looping.json");
  FusionStudy ls = looping ? load_fusion_study(dir + "looping.json") : FusionStudy{};
  r.fusion = run_fusion_study(fs, in.jobs);
  r.fusion_md = fusion_markdown(r.fusion, names_of(fs));
  if (looping) {
    r.looping = run_fusion_study(ls, in.jobs);
    r.looping_md = fusion_markdown(r.looping, names_of(ls));
  }
  r.coe = run_coe_study(cs, in.jobs);
  nlohmann::json figs = run_coe_figures(cs, in.jobs);
  r.coe_breakdown = figs["breakdown"];
  r.coe_experts = figs["experts"];
  r.footprint = run_footprint_study(dir + "footprint.json");

  double tol = 0.1;
  nlohmann::json vrows = validation_rows(all_rows(r, cs), dir + "paper_values.json", tol);
  r.validation = {{"rows", vrows}};
  r.validation_md = figures_markdown(vrows, tol);
  r.validation_md +=
      "\n## Fusion study (E1): " + fs.machine + ", tp " + std::to_string(fs.tp) + ", whole models\n\n" + r.fusion_md;
  if (looping) {
    r.validation_md += "\n## Kernel looping: fused-HO vs fused-HO-looped, whole-model decode\n\n" + r.looping_md;
  }
  r.validation_md += components_markdown(r.coe);
  r.validation_md +=
      "\nThe DGX machines against published GPU measurements (single GPU and tensor-parallel decode, time to "
      "first token, host-to-device copies): `docs/validation_dgx.md`, regenerated by `scripts/validate_dgx.py`.\n";
  r.validation_md +=
      "\nCommand: `build/rdusim reproduce --out out --doc docs/validation.md` (or `bash scripts/main.sh`). Raw "
      "results: `out/validation.json`, `out/fusion.json`, `out/looping.json`, `out/coe_breakdown.json`, "
      "`out/coe_experts.json`, `out/coe.json`, `out/footprint.json`; plots: "
      "`out/speedup.png`, `out/switching.png`, `out/fusion.png`, `out/footprint.png`.\n";
  return r;
}

}  // namespace rdusim
