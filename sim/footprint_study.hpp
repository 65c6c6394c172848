// sim/footprint_study.hpp
// Experiment E3: SN40L nodes vs DGX nodes needed to host N experts (N = 1..max), from the machine
// configs' capacities and the composition's expert and router sizes.
#pragma once
#include <nlohmann/json.hpp>

#include <string>

namespace rdusim {

// Reads configs/experiments/footprint.json; returns {"max_reduction", "experts_per_sn40l_node",
// "experts_per_dgx_node", "curve": [{experts, sn40l_nodes, dgx_nodes}, ...]}.
nlohmann::json run_footprint_study(const std::string& path);

}  // namespace rdusim
