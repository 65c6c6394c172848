// sim/studies/coe_study.hpp
// Experiment E2: Samba-CoE serving latency on one SN40L node vs DGX A100 / H100. Each component is
// a simulation of its own (router pass, expert prefill, decode steps, expert switch), run in
// parallel processes, then composed per request as the runtime does it: route the batch, then for
// each (prompt, expert) pair in turn switch the expert in unless resident, prefill, decode.
#pragma once
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace rdusim {

struct ServingCase {
  std::string name;
  uint32_t input_tokens = 128;
  uint32_t output_tokens = 20;
};

struct CoeStudy {
  std::string file;
  std::string composition = "samba-coe-150";
  std::string rdu_machine = "sn40l-8";
  std::string rdu_fusion = "fused-ho";
  std::vector<std::string> dgx_machines;
  uint32_t tp = 8;
  std::vector<uint32_t> batches = {1, 8};
  std::vector<ServingCase> use_cases;
  uint64_t seed = 1;
};

CoeStudy load_coe_study(const std::string& path);

// {"machines": {name: {"overall_ms": {"bs8.out20": ..}, "expert_only_ms": {..}, "switch_ms": ..,
//   "switch_ms_per_gpu": .., "components": {...}}}}
nlohmann::json run_coe_study(const CoeStudy& study, unsigned jobs);

}  // namespace rdusim
