// sim/studies/coe_figures.cpp
#include "sim/studies/coe_figures.hpp"

#include <fmt/format.h>

#include <functional>

#include "sim/config/scenario.hpp"
#include "sim/run/isolated.hpp"
#include "sim/studies/serve.hpp"
#include "sim/studies/switching.hpp"

namespace rdusim {
namespace {

struct Curve {
  std::string machine, mode;
};

std::vector<Curve> curves(const CoeStudy& st) {
  std::vector<Curve> c = {{st.rdu_machine, "paper"}};
  for (const auto& m : st.dgx_machines)
    for (const char* mode : {"paper", "per-gpu"}) c.push_back({m, mode});
  return c;
}

ServeOptions base_options(const CoeStudy& st, const Curve& c) {
  ServeOptions o;
  o.machine = c.machine;
  o.load_mode = c.mode;
  o.composition = st.composition;
  o.input = st.experts_figure.input_tokens;
  o.output = st.experts_figure.output_tokens;
  o.seed = st.seed;
  o.context_bucket_tokens = st.context_bucket_tokens;
  o.write_files = false;
  o.batch = 1;
  return o;
}

std::vector<nlohmann::json> isolated(const std::vector<ServeOptions>& opts, unsigned jobs) {
  std::vector<std::function<nlohmann::json()>> tasks;
  for (const auto& o : opts) tasks.push_back([o] { return run_serve(o); });
  auto res = run_isolated(tasks, jobs);
  for (size_t i = 0; i < res.size(); ++i)
    if (res[i].contains("error"))
      throw SimError("", fmt::format("coe figures/{}/{}", opts[i].machine, opts[i].experts),
                     res[i]["error"].get<std::string>());
  return res;
}

nlohmann::json breakdown_row(const Curve& c, const nlohmann::json& r) {
  const auto& a = r["accounting"];
  return {{"machine", c.machine},        {"load_mode", c.mode},         {"total_ms", r["total_ms"]},
          {"router_ms", a["router_ms"]}, {"switch_ms", a["switch_ms"]}, {"prefill_ms", a["prefill_ms"]},
          {"decode_ms", a["decode_ms"]}, {"launch_ms", a["launch_ms"]}, {"decode_steps", a["decode_steps"]},
          {"switches", a["switches"]}};
}

nlohmann::json experts_row(const Curve& c, uint32_t n, const nlohmann::json& r) {
  nlohmann::json row = {{"machine", c.machine}, {"load_mode", c.mode}, {"experts", n}, {"fits", r["fits"]}};
  if (!r["fits"].get<bool>()) {
    row["reason"] = r["reason"];
    return row;
  }
  const auto& s = r["summary"];
  row.update({{"mean_ms", s["latency_ms"]["mean"]},
              {"p50_ms", s["latency_ms"]["p50"]},
              {"p99_ms", s["latency_ms"]["p99"]},
              {"hbm_hit_rate", s["request_hit_rate"]},
              {"experts_resident_max", r["experts_resident_max"]},
              {"expert_region_gb", r["expert_region_gb"]}});
  return row;
}

}  // namespace

nlohmann::json run_coe_figures(const CoeStudy& st, unsigned jobs) {
  std::vector<Curve> cs = curves(st);
  std::vector<ServeOptions> cold;
  for (const auto& c : cs) cold.push_back(base_options(st, c));
  std::vector<nlohmann::json> first = isolated(cold, jobs);
  nlohmann::json out;
  out["breakdown"]["composition"] = st.composition;
  out["breakdown"]["request"] = {{"input_tokens", st.experts_figure.input_tokens},
                                 {"output_tokens", st.experts_figure.output_tokens},
                                 {"batch", 1}};
  for (size_t i = 0; i < cs.size(); ++i) out["breakdown"]["rows"].push_back(breakdown_row(cs[i], first[i]));

  const ExpertsFigure& f = st.experts_figure;
  std::vector<ServeOptions> pts;
  for (size_t i = 0; i < cs.size(); ++i)
    for (uint32_t n : f.counts) {
      ServeOptions o = base_options(st, cs[i]);
      o.experts = n;
      o.popularity = Popularity::kUniform;
      o.closed_loop = o.preload = true;
      o.count = f.warmup + f.requests;
      o.warmup = f.warmup;
      o.seed_steps = first[i]["steps"];
      pts.push_back(o);
    }
  std::vector<nlohmann::json> res = isolated(pts, jobs);
  out["experts"]["composition"] = st.composition;
  out["experts"]["warmup"] = f.warmup;
  out["experts"]["requests"] = f.requests;
  out["experts"]["rows"] = nlohmann::json::array();
  for (size_t i = 0, k = 0; i < cs.size(); ++i)
    for (uint32_t n : f.counts) out["experts"]["rows"].push_back(experts_row(cs[i], n, res[k++]));
  return out;
}

}  // namespace rdusim
