// sim/studies/footprint_study.hpp
// Experiment E3: SN40L nodes vs DGX nodes needed to host N experts (N = 1..max), from the machine
// configs' capacities and the composition's expert and router sizes.
#pragma once
#include <nlohmann/json.hpp>

#include <string>

#include "workloads/footprint.hpp"

namespace rdusim {

struct MachineConfig;
// An RDU node's capacities from its machine config: sockets x socket.ddr / socket.hbm capacity
// (the serving fields stay 0 and active_experts 1: the caller sets them).
Sn40lNodeCapacity sn40l_node_capacity(const MachineConfig& mc);

// Reads configs/experiments/footprint.json; returns {"max_reduction", "experts_per_sn40l_node",
// "experts_per_dgx_node", "curve": [{experts, sn40l_nodes, dgx_nodes}, ...]}.
nlohmann::json run_footprint_study(const std::string& path);

}  // namespace rdusim
