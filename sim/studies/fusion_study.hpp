// sim/studies/fusion_study.hpp
// Experiments: sets of runs defined in configs/experiments/*.json.
#pragma once
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "sim/config/scenario.hpp"

namespace rdusim {

struct FusionBenchmark {
  std::string name;         // <model>.<seq>.<phase>
  nlohmann::json scenario;  // a validated `rdusim run` scenario, fusion filled in per mode
};

struct FusionStudy {
  std::string machine;
  uint32_t tp = 8;
  uint32_t batch = 1;
  std::vector<FusionBenchmark> benchmarks;
};

FusionStudy load_fusion_study(const std::string& path);
// {"benchmarks": {name: {unfused_ms, fused_so_ms, fused_ho_ms, kernel_calls_unfused, ...}}}
nlohmann::json run_fusion_study(const FusionStudy& study, unsigned jobs);
std::string fusion_markdown(const nlohmann::json& result, const std::vector<std::string>& order);

}  // namespace rdusim
