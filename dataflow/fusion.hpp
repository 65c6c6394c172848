// dataflow/fusion.hpp
// Cuts a graph into sections (kernels). `fused`: the whole graph is one section (split only where
// the PMU SRAM cannot hold it); `unfused`: one operator per section, every intermediate through
// memory. Contract: every non-input op is in exactly one section; sections are in topological order.
#pragma once
#include <string>
#include <vector>

#include "dataflow/graph.hpp"

namespace rdusim {

enum class Fusion { kUnfused, kFused };
Fusion parse_fusion_name(const std::string& name, const std::string& file, const std::string& where);
const char* fusion_name(Fusion f);

using Sectioning = std::vector<std::vector<OpId>>;
Sectioning cut_sections(const Graph& g, Fusion fusion);

}  // namespace rdusim
