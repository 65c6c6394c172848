// workloads/step_graphs.hpp
// The graphs of one model step, in order, each with how many times it runs back to back:
// identical decoder layers (same signature) share one graph, simulated once and repeated.
#pragma once
#include <string>
#include <vector>

#include "dataflow/graph.hpp"
#include "workloads/decoder.hpp"

namespace rdusim {

struct StepGraph {
  std::string name;  // "embedding", "layer_global", "head", "layer"
  Graph graph;
  uint32_t repeat = 1;
};

// whole_model: embedding, one graph per layer signature, head; else one decoder layer.
std::vector<StepGraph> model_step_graphs(const ModelConfig& m, const StepShape& s, bool whole_model);

}  // namespace rdusim
