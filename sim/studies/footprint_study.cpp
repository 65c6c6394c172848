// sim/studies/footprint_study.cpp
#include "sim/studies/footprint_study.hpp"

#include "sim/config/machine_config.hpp"
#include "sim/config/scenario.hpp"
#include "workloads/composition.hpp"
#include "workloads/footprint.hpp"

namespace rdusim {

Sn40lNodeCapacity sn40l_node_capacity(const MachineConfig& mc) {
  Sn40lNodeCapacity c;
  c.ddr_bytes = static_cast<uint64_t>(mc.sockets * mc.socket.ddr.capacity_bytes);
  c.hbm_bytes = static_cast<uint64_t>(mc.sockets * mc.socket.hbm.capacity_bytes);
  return c;
}

nlohmann::json run_footprint_study(const std::string& path) {
  JsonReader r = JsonReader::load_file(path);
  std::string kind, comp_name, rdu, dgx;
  uint32_t max_experts = 1000, batch = 8, context = 400;
  r.required("experiment", kind);
  r.check(kind == "footprint", "experiment", "unknown \"" + kind + "\" (known: footprint)");
  r.required("composition", comp_name);
  r.required("rdu_machine", rdu);
  r.required("dgx_machine", dgx);
  r.optional("max_experts", max_experts);
  r.optional("serving_batch", batch);
  r.optional("serving_context", context);
  r.reject_unread_keys();

  Composition comp =
      load_composition_file(resolve_config(comp_name, "configs/compositions"), project_root() + "/workloads/models");
  const ModelConfig& expert = comp.expert_model(0);
  FootprintParams p;
  p.expert_bytes = comp.expert_bytes(0);
  p.router_bytes = comp.router_params() * comp.dtype_bytes;
  p.max_experts = max_experts;
  uint64_t serving = serving_bytes(expert, batch, context, comp.dtype_bytes);
  p.sn40l = sn40l_node_capacity(load_machine_file(resolve_config(rdu, "configs/machines")));
  p.sn40l.serving_bytes = serving;
  // A DGX node's capacities: gpus x HBM, host DRAM (the only keys this study needs).
  std::string dgx_path = resolve_config(dgx, "configs/machines");
  JsonReader d = JsonReader::load_file(dgx_path);
  uint32_t gpus = 0;
  double hbm_gb = 0, host_gb = 0;
  d.required("gpus", gpus);
  d.child("gpu").child("hbm").required("capacity_gb", hbm_gb);
  d.child("host").required("dram_gb", host_gb);
  p.dgx.hbm_bytes = static_cast<uint64_t>(gpus * hbm_gb * 1e9);
  p.dgx.host_dram_bytes = static_cast<uint64_t>(host_gb * 1e9);
  p.dgx.serving_bytes = serving;
  FootprintResult f = machine_footprint(p);
  nlohmann::json out = {{"max_reduction", f.max_reduction},
                        {"max_reduction_at", f.max_reduction_at},
                        {"experts_per_sn40l_node", f.experts_per_sn40l_node},
                        {"experts_per_dgx_node", f.experts_per_dgx_node},
                        {"experts_per_dgx_node_spill", f.experts_per_dgx_node_spill},
                        {"expert_bytes", p.expert_bytes},
                        {"serving_bytes", serving}};
  for (const auto& pt : f.curve) {
    out["curve"].push_back({{"experts", pt.experts},
                            {"sn40l_nodes", pt.sn40l_nodes},
                            {"dgx_nodes", pt.dgx_nodes},
                            {"reduction", pt.reduction}});
  }
  return out;
}

}  // namespace rdusim
