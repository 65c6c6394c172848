#include "workloads/step_graphs.hpp"

#include <map>

namespace rdusim {

std::vector<StepGraph> model_step_graphs(const ModelConfig& m, const StepShape& s, bool whole_model) {
  std::vector<StepGraph> out;
  if (!whole_model) {
    out.push_back({"layer", build_decoder_layer(m, s, 0), 1});
    return out;
  }
  out.push_back({"embedding", build_embedding(m, s), 1});
  std::map<std::string, std::pair<uint32_t, uint32_t>> kinds;  // signature -> (first layer, count)
  for (uint32_t l = 0; l < m.layers; ++l) kinds.try_emplace(layer_signature(m, l), l, 0).first->second.second++;
  for (const auto& [sig, fc] : kinds) out.push_back({"layer_" + sig, build_decoder_layer(m, s, fc.first), fc.second});
  out.push_back({"head", build_head(m, s), 1});
  return out;
}

}  // namespace rdusim
