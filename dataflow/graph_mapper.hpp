// dataflow/graph_mapper.hpp
// One contract for turning a workload graph into what one rank of a machine runs.
//
// Contract: a GraphMapper is built with one rank's hardware (SocketParams: the RDU socket or the
// GPU, plus the replay parameters and whatever else its mapping needs). map() takes one graph
// (op attributes already final, e.g. OpNode::state_in_ddr when the KV cache spilled) and returns
// its kernels in the order they launch: each a SectionPlan the Replayer runs, with its launch
// attributes (SectionPlan::kernel names the program: a kernel that follows itself skips Program
// Load) and its collective attributes (`collective`: the kernel is only an all-reduce, run
// through the fabric, and pays the machine's fixed collective cost). `notes` say what the mapping
// decided that a reader of the summary should know. map() throws SimError when the graph cannot
// be mapped (an op that fits nowhere, a cycle between kernels). Two implementations: RduMapper
// (dataflow/mapper.hpp: sections of fused ops on PCUs/PMUs) and GpuMapper (dataflow/gpu_mapper.hpp:
// kernel by kernel on SMs).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "dataflow/graph.hpp"
#include "dataflow/section.hpp"

namespace rdusim {

struct KernelPlan {
  SectionPlan plan;
  bool collective = false;        // only an all-reduce (one NCCL call on a GPU)
  uint64_t collective_bytes = 0;  // its payload per rank, 0 when not a collective
};

struct MappedGraph {
  std::vector<KernelPlan> kernels;
  std::vector<std::string> notes;
};

class GraphMapper {
 public:
  virtual ~GraphMapper() = default;
  virtual MappedGraph map(const Graph& g, const std::string& graph_name) const = 0;
};

}  // namespace rdusim
