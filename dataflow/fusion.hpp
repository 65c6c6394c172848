// dataflow/fusion.hpp
// Cuts a graph into sections (kernels).
// - `fused`: the whole graph is one section (split by the mapper only where the PMU SRAM cannot
//   hold it).
// - `unfused` (the paper's baseline, docs/assumptions.md A21): one kernel per operator of the
//   model's inference implementation, the operators the graph names by OpNode::kernel_group (RMSNorm,
//   the fused QKV projection, RoPE, scaled-dot-product attention, ...); inside a kernel its ops
//   stream on chip, between kernels every tensor goes through HBM.
// - `unfused-eager`: one section per graph op, which the mapper expands into the kernels PyTorch
//   eager launches for it (OpNode::eager_kernels: an RMSNorm is eight); the finest cut.
// Contract: every non-input op is in exactly one section; sections are in topological order.
#pragma once
#include <string>
#include <vector>

#include "dataflow/graph.hpp"

namespace rdusim {

enum class Fusion { kUnfused, kUnfusedEager, kFused };
Fusion parse_fusion_name(const std::string& name, const std::string& file, const std::string& where);
const char* fusion_name(Fusion f);

using Sectioning = std::vector<std::vector<OpId>>;
Sectioning cut_sections(const Graph& g, Fusion fusion);

// Ops grouped by OpNode::kernel_group (an op without a group is a kernel of its own), the groups
// in a topological order of the kernel DAG (among ready kernels, the one that appears first in the
// graph's topological order goes first). Throws SimError if the groups depend on each other in a
// cycle. The GPU mapper runs these as its kernels; the unfused RDU baseline as its kernel calls.
Sectioning operator_kernels(const Graph& g);

}  // namespace rdusim
