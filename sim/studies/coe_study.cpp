// sim/studies/coe_study.cpp
#include "sim/studies/coe_study.hpp"

#include <fmt/format.h>

#include <functional>
#include <map>
#include <set>

#include "memory/tier_allocator.hpp"
#include "sim/config/gpu_config.hpp"
#include "sim/config/machine_config.hpp"
#include "sim/run/isolated.hpp"
#include "sim/run/run.hpp"
#include "sim/studies/switching.hpp"
#include "workloads/composition.hpp"
#include "workloads/router.hpp"

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
  r.required("dgx_machines", s.dgx_machines);
  r.optional("tp", s.tp);
  r.optional("batches", s.batches);
  r.optional("seed", s.seed);
  for (const auto& u : r.array("use_cases")) {
    ServingCase uc;
    u.required("name", uc.name);
    u.required("input_tokens", uc.input_tokens);
    u.required("output_tokens", uc.output_tokens);
    u.check(uc.input_tokens >= 1 && uc.output_tokens >= 1, "output_tokens", "tokens must be positive");
    u.reject_unread_keys();
    s.use_cases.push_back(uc);
  }
  r.check(!s.batches.empty(), "batches", "must not be empty");
  r.reject_unread_keys();
  return s;
}

namespace {

// One simulation to run: a scenario document or an expert switch.
struct Probe {
  std::string key;
  std::function<nlohmann::json()> task;
};

Probe scenario_probe(const std::string& key, nlohmann::json doc) {
  return {key, [doc] {
            Scenario sc = parse_scenario(JsonReader::from_json(doc, "coe study"));
            RunOptions opt;
            opt.quiet = true;
            RunOutcome o = run_scenario(sc, opt);
            return nlohmann::json{{"ns", o.total_ns}, {"events", o.events}, {"wall_s", o.wall_s}};
          }};
}

// Sum of the decode steps from context c0 to c0 + n - 1: decode cost is affine in the context (the
// KV traffic and attention FLOPs grow linearly), so the two ends are simulated and the steps
// between interpolated.
double decode_total_ns(double first_ns, double last_ns, uint32_t steps) { return steps * (first_ns + last_ns) / 2.0; }

// The residency manager of a machine: experts homed in DDR (RDU) or host DRAM (DGX), run from HBM,
// the router pinned in HBM.
TierAllocator machine_allocator(const std::string& machine, const Composition& comp) {
  std::string path = resolve_config(machine, "configs/machines");
  double hbm, home;
  std::string home_name;
  if (machine_kind(path) == "rdu") {
    MachineConfig mc = load_machine_file(path);
    hbm = mc.socket.hbm.capacity_bytes * mc.sockets;
    home = mc.socket.ddr.capacity_bytes * mc.sockets;
    home_name = "ddr";
  } else {
    GpuMachineConfig gc = parse_gpu_machine(JsonReader::load_file(path));
    hbm = gc.gpu.hbm.capacity_bytes * gc.gpus;
    home = gc.gpu.ddr.capacity_bytes;
    home_name = "host_dram";
  }
  return TierAllocator({{"hbm", uint64_t(hbm)}, {home_name, uint64_t(home)}, false, 0, comp.file},
                       {{"router", comp.router_params() * comp.dtype_bytes}}, expert_sizes(comp));
}

}  // namespace

nlohmann::json run_coe_study(const CoeStudy& st, unsigned jobs) {
  std::string comp_path = resolve_config(st.composition, "configs/compositions");
  Composition comp = load_composition_file(comp_path, project_root() + "/workloads/models");
  std::vector<std::string> machines = {st.rdu_machine};
  machines.insert(machines.end(), st.dgx_machines.begin(), st.dgx_machines.end());

  // Which experts each batch touches (same routing on every machine).
  std::map<uint32_t, std::vector<Route>> routes;
  for (uint32_t b : st.batches) routes[b] = route_batch(comp, st.seed, 0, b);
  const std::string expert_model = comp.instances.at(routes.begin()->second.front().expert).model;
  for (const auto& [b, rs] : routes)
    for (const auto& r : rs)
      if (comp.instances.at(r.expert).model != expert_model)
        throw SimError(comp_path, "/experts", "the latency study needs experts of one model (the paper's Samba-CoE)");
  const uint64_t expert_bytes = comp.expert_bytes(routes.begin()->second.front().expert);

  std::vector<Probe> probes;
  for (const auto& m : machines) {
    bool rdu = machine_kind(resolve_config(m, "configs/machines")) == "rdu";
    nlohmann::json base = {{"machine", m}, {"tp", st.tp}};
    if (rdu) base["fusion"] = st.rdu_fusion;
    for (const auto& uc : st.use_cases) {
      for (uint32_t b : st.batches) {
        nlohmann::json d = base;
        d.update({{"scope", "router"},
                  {"composition", st.composition},
                  {"phase", "prefill"},
                  {"seq", uc.input_tokens},
                  {"batch", b}});
        probes.push_back(scenario_probe(fmt::format("{}|router|{}|{}", m, uc.name, b), d));
      }
      nlohmann::json p = base;
      p.update(
          {{"scope", "model"}, {"model", expert_model}, {"phase", "prefill"}, {"seq", uc.input_tokens}, {"batch", 1}});
      probes.push_back(scenario_probe(fmt::format("{}|prefill|{}", m, uc.name), p));
      for (uint32_t ctx : {uc.input_tokens, uc.input_tokens + uc.output_tokens - 1}) {
        nlohmann::json d = base;
        d.update({{"scope", "model"}, {"model", expert_model}, {"phase", "decode"}, {"context", ctx}, {"batch", 1}});
        probes.push_back(scenario_probe(fmt::format("{}|decode|{}|{}", m, uc.name, ctx), d));
      }
    }
    for (std::string mode : rdu ? std::vector<std::string>{"paper"} : std::vector<std::string>{"paper", "per-gpu"}) {
      uint32_t tp = st.tp;
      probes.push_back({fmt::format("{}|switch|{}", m, mode), [m, expert_bytes, tp, mode] {
                          SwitchResult r = simulate_switch(m, expert_bytes, tp, mode);
                          return nlohmann::json{{"ns", r.ns}, {"gbps", r.gbps}};
                        }});
    }
  }
  std::vector<std::function<nlohmann::json()>> tasks;
  for (const auto& p : probes) tasks.push_back(p.task);
  auto results = run_isolated(tasks, jobs);
  std::map<std::string, nlohmann::json> got;
  for (size_t i = 0; i < probes.size(); ++i) {
    if (results[i].contains("error")) throw SimError("", probes[i].key, results[i]["error"].get<std::string>());
    got[probes[i].key] = results[i];
  }
  auto ns = [&](const std::string& k) { return got.at(k)["ns"].get<double>(); };

  nlohmann::json out;
  out["composition"] = comp.name;
  out["expert_bytes"] = expert_bytes;
  for (const auto& [b, rs] : routes) {
    std::vector<std::string> names;
    for (const auto& r : rs) names.push_back(comp.instances.at(r.expert).name);
    out["routes"][fmt::format("bs{}", b)] = names;
  }
  for (const auto& m : machines) {
    nlohmann::json mj;
    std::vector<std::string> modes = {"paper"};
    if (got.count(m + "|switch|per-gpu")) modes.push_back("per-gpu");
    for (const auto& mode : modes)
      mj["switch_ms" + std::string(mode == "paper" ? "" : "_per_gpu")] = ns(m + "|switch|" + mode) / 1e6;
    mj["switch_gbps"] = got.at(m + "|switch|paper")["gbps"];
    for (const auto& uc : st.use_cases) {
      double prefill = ns(fmt::format("{}|prefill|{}", m, uc.name));
      double decode = decode_total_ns(
          ns(fmt::format("{}|decode|{}|{}", m, uc.name, uc.input_tokens)),
          ns(fmt::format("{}|decode|{}|{}", m, uc.name, uc.input_tokens + uc.output_tokens - 1)), uc.output_tokens);
      std::string tag = fmt::format("out{}", uc.output_tokens);
      mj["components"][uc.name] = {{"prefill_ms", prefill / 1e6},
                                   {"decode_ms", decode / 1e6},
                                   {"decode_ms_per_token", decode / uc.output_tokens / 1e6}};
      mj["expert_only_ms"][fmt::format("bs1.{}", tag)] = (prefill + decode) / 1e6;
      for (uint32_t b : st.batches) {
        double router = ns(fmt::format("{}|router|{}|{}", m, uc.name, b));
        mj["components"][uc.name][fmt::format("router_ms_bs{}", b)] = router / 1e6;
        for (const auto& mode : modes) {
          // Cold expert cache: the tier allocator decides which pairs copy their expert in (and
          // checks that router and experts fit the machine's tiers).
          uint64_t copies = 0;
          TierAllocator alloc = machine_allocator(m, comp);
          for (const auto& r : routes.at(b)) copies += alloc.acquire(r.expert).hit ? 0 : 1;
          double total = router + copies * ns(m + "|switch|" + mode) + b * (prefill + decode);
          mj[mode == "paper" ? "overall_ms" : "overall_ms_per_gpu"][fmt::format("bs{}.{}", b, tag)] = total / 1e6;
        }
      }
    }
    double events = 0, wall = 0;
    for (const auto& [k, v] : got)
      if (k.rfind(m + "|", 0) == 0) {
        events += v.value("events", 0.0);
        wall += v.value("wall_s", 0.0);
      }
    mj["simulator"] = {{"events", events}, {"wall_s", wall}};
    out["machines"][m] = mj;
  }
  return out;
}

}  // namespace rdusim
