// sim/studies/coe_study.hpp
// Experiment E2: Samba-CoE serving latency on one SN40L node vs DGX A100 / H100, every number a
// run of the serving timeline (run_serve, sim/studies/serve.hpp): a batch of prompts at t = 0,
// one batched router pass, then each (prompt, expert) pair in turn, the expert switched into HBM
// unless resident (cold cache), one prefill (output token 1) and n - 1 decode steps. The same
// timeline gives Figs. 1 and 12 (coe_figures.hpp).
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

// Fig. 12: latency of `output_tokens` at batch 1 against the number of experts.
struct ExpertsFigure {
  std::vector<uint32_t> counts;
  uint32_t warmup = 200, requests = 400;  // closed-loop requests per point (after warm-up)
  uint32_t input_tokens = 128, output_tokens = 20;
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
  uint32_t context_bucket_tokens = 64;
  ExpertsFigure experts_figure;
};

CoeStudy load_coe_study(const std::string& path);

// {"machines": {name: {"overall_ms": {"bs8.out20": ..}, "overall_ms_per_gpu": {..}, "expert_only_ms":
//   {..}, "switch_ms": .., "switch_ms_per_gpu": .., "components": {...}, "runs": {...}}}}
nlohmann::json run_coe_study(const CoeStudy& study, unsigned jobs);

}  // namespace rdusim
