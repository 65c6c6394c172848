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
  std::string machine;             // the default; a benchmark may name its own
  std::vector<std::string> modes;  // fusion modes each benchmark runs in (default: all four)
  uint32_t tp = 8;
  uint32_t batch = 1;
  std::vector<FusionBenchmark> benchmarks;
};

FusionStudy load_fusion_study(const std::string& path);
// {"benchmarks": {name: {unfused_ms, fused_so_ms, fused_ho_ms, kernel_calls_unfused, ...}}}
nlohmann::json run_fusion_study(const FusionStudy& study, unsigned jobs);
// The E1 table (every mode) plus the explanation of each speedup; a study of other modes gets one
// column per mode plus looped / HO where both ran.
std::string fusion_markdown(const nlohmann::json& result, const std::vector<std::string>& order);

}  // namespace rdusim
