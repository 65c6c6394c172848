// sim/studies/coe_study.cpp
#include "sim/studies/coe_study.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>

#include "sim/config/scenario.hpp"
#include "sim/run/isolated.hpp"
#include "sim/studies/serve.hpp"
#include "sim/studies/switching.hpp"

namespace rdusim {

CoeStudy load_coe_study(const std::string& path) {
  JsonReader r = JsonReader::load_file(path);
  CoeStudy s;
  s.file = path;
  std::string kind;
  r.required("experiment", kind);
  r.check(kind == "coe", "experiment", "unknown \"" + kind + "\" (known: coe)");
  r.required("composition", s.composition);
  r.required("rdu_machine", s.rdu_machine);
  r.optional("rdu_fusion", s.rdu_fusion);
  r.check(s.rdu_fusion == "fused-ho", "rdu_fusion", "the serving timeline runs fused-ho (known: fused-ho)");
  r.required("dgx_machines", s.dgx_machines);
  r.optional("tp", s.tp);
  r.optional("batches", s.batches);
  r.optional("seed", s.seed);
  r.optional("context_bucket_tokens", s.context_bucket_tokens);
  r.check(s.context_bucket_tokens >= 1, "context_bucket_tokens", "must be at least 1");
  for (const auto& u : r.array("use_cases")) {
    ServingCase uc;
    u.required("name", uc.name);
    u.required("input_tokens", uc.input_tokens);
    u.required("output_tokens", uc.output_tokens);
    u.check(uc.input_tokens >= 1 && uc.output_tokens >= 1, "output_tokens", "tokens must be positive");
    u.reject_unread_keys();
    s.use_cases.push_back(uc);
  }
  if (r.has("experts_figure")) {
    JsonReader f = r.child("experts_figure");
    ExpertsFigure& e = s.experts_figure;
    f.required("counts", e.counts);
    f.optional("warmup", e.warmup);
    f.optional("requests", e.requests);
    f.optional("input_tokens", e.input_tokens);
    f.optional("output_tokens", e.output_tokens);
    for (uint32_t c : e.counts) f.check(c >= 1, "counts", "expert counts must be at least 1");
    f.check(e.requests >= 1, "requests", "must be at least 1");
    f.reject_unread_keys();
  }
  r.check(!s.batches.empty(), "batches", "must not be empty");
  // The components table and the paper's rows compare batch 1 with batch 8.
  for (uint32_t need : {1u, 8u}) {
    r.check(
        std::find(s.batches.begin(), s.batches.end(), need) != s.batches.end(), "batches",
        "must include " + std::to_string(need) + " (the components table and the paper's rows use batches 1 and 8)");
  }
  r.reject_unread_keys();
  return s;
}

namespace {

struct Run {
  std::string machine, mode, use_case;
  uint32_t batch = 1;
  ServeOptions opt;
};

std::vector<nlohmann::json> run_all(const std::vector<Run>& runs, unsigned jobs) {
  std::vector<std::function<nlohmann::json()>> tasks;
  for (const auto& r : runs) tasks.push_back([o = r.opt] { return run_serve(o); });
  auto res = run_isolated(tasks, jobs);
  for (size_t i = 0; i < res.size(); ++i)
    if (res[i].contains("error"))
      throw SimError("", fmt::format("coe/{}/{}/bs{}", runs[i].machine, runs[i].use_case, runs[i].batch),
                     res[i]["error"].get<std::string>());
  return res;
}

double step_ms(const nlohmann::json& run, const std::string& key) {
  return run["steps"].at(key)["total_ns"].get<double>() / 1e6;
}

// Every (machine, mode, use case, batch) as a run of the serving timeline. The largest batch of
// each (machine, use case) in the paper mode runs first; the others reuse its step timings.
std::vector<Run> plan_runs(const CoeStudy& st, bool first_wave, const std::vector<std::string>& machines) {
  std::vector<Run> runs;
  uint32_t big = *std::max_element(st.batches.begin(), st.batches.end());
  for (const auto& m : machines) {
    bool rdu = machine_kind(resolve_config(m, "configs/machines")) == "rdu";
    for (std::string mode : rdu ? std::vector<std::string>{"paper"} : std::vector<std::string>{"paper", "per-gpu"})
      for (const auto& uc : st.use_cases)
        for (uint32_t b : st.batches) {
          if ((b == big && mode == "paper") != first_wave) continue;
          Run r{m, mode, uc.name, b, {}};
          r.opt.machine = m;
          r.opt.composition = st.composition;
          r.opt.load_mode = mode;
          r.opt.batch = b;
          r.opt.input = uc.input_tokens;
          r.opt.output = uc.output_tokens;
          r.opt.seed = st.seed;
          r.opt.router_max_batch = std::max(8u, b);
          r.opt.context_bucket_tokens = st.context_bucket_tokens;
          r.opt.write_files = false;
          runs.push_back(r);
        }
  }
  return runs;
}

}  // namespace

namespace {

// The step whose key starts with `prefix` and ends with `suffix` (ms), or -1.
double find_step_ms(const nlohmann::json& run, const std::string& prefix, const std::string& suffix) {
  for (auto it = run["steps"].begin(); it != run["steps"].end(); ++it)
    if (it.key().rfind(prefix, 0) == 0 && it.key().ends_with(suffix)) return it.value()["total_ns"].get<double>() / 1e6;
  return -1.0;
}

void add_run(nlohmann::json& mj, const Run& run, const nlohmann::json& res, const ServingCase& uc) {
  std::string tag = fmt::format("bs{}.out{}", run.batch, uc.output_tokens), pg = run.mode == "paper" ? "" : "_per_gpu";
  mj["overall_ms" + pg][tag] = res["total_ms"];
  mj["runs"][run.mode][tag] = {
      {"total_ms", res["total_ms"]}, {"switches", res["switches"]}, {"accounting", res["accounting"]}};
  double router = step_ms(res, fmt::format("router|b{}|s{}", run.batch, uc.input_tokens));
  mj["components"][uc.name][fmt::format("router_ms_bs{}", run.batch)] = router;
  for (auto it = res["steps"].begin(); it != res["steps"].end(); ++it)
    if (it.key().rfind("switch|" + run.mode + "|", 0) == 0) {
      double sw = it.value()["total_ns"].get<double>() / 1e6;
      double bytes = std::stod(it.key().substr(it.key().rfind('|') + 1));
      mj["switch_ms" + pg] = sw;
      mj["expert_bytes"] = bytes;
      if (pg.empty()) mj["switch_gbps"] = bytes / (sw * 1e6);
    }
  if (run.batch != 1 || run.mode != "paper") return;
  // Batch 1: the request's expert time is the run less its router pass and its switch.
  const auto& acc = res["accounting"];
  double expert = res["total_ms"].get<double>() - router - acc["switch_ms"].get<double>();
  double prefill = find_step_ms(res, "prefill|", fmt::format("|b1|s{}", uc.input_tokens));
  nlohmann::json& c = mj["components"][uc.name];
  mj["expert_only_ms"][fmt::format("bs1.out{}", uc.output_tokens)] = expert;
  c["prefill_ms"] = prefill;
  c["decode_ms"] = expert - prefill;
  c["decode_steps"] = acc["decode_steps"];
  c["decode_ms_per_token"] = uc.output_tokens > 1 ? (expert - prefill) / (uc.output_tokens - 1) : 0.0;
}

}  // namespace

nlohmann::json run_coe_study(const CoeStudy& st, unsigned jobs) {
  std::vector<std::string> machines = {st.rdu_machine};
  machines.insert(machines.end(), st.dgx_machines.begin(), st.dgx_machines.end());
  std::vector<Run> first = plan_runs(st, true, machines), rest = plan_runs(st, false, machines);
  std::vector<nlohmann::json> r1 = run_all(first, jobs);
  for (auto& r : rest)
    for (size_t i = 0; i < first.size(); ++i)
      if (first[i].machine == r.machine && first[i].use_case == r.use_case) r.opt.seed_steps = r1[i]["steps"];
  std::vector<nlohmann::json> r2 = run_all(rest, jobs);
  first.insert(first.end(), rest.begin(), rest.end());
  r1.insert(r1.end(), r2.begin(), r2.end());
  nlohmann::json out;
  out["composition"] = st.composition;
  for (size_t i = 0; i < first.size(); ++i) {
    if (!r1[i]["fits"].get<bool>()) throw SimError(st.file, "/composition", r1[i]["reason"].get<std::string>());
    const ServingCase& uc =
        *std::find_if(st.use_cases.begin(), st.use_cases.end(), [&](auto& u) { return u.name == first[i].use_case; });
    add_run(out["machines"][first[i].machine], first[i], r1[i], uc);
  }
  return out;
}

}  // namespace rdusim
