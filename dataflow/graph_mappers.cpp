// dataflow/graph_mappers.cpp
// The two GraphMapper implementations: thin wrappers over map_graph (RDU) and map_gpu_graph (GPU).
#include <fmt/format.h>

#include "dataflow/gpu_mapper.hpp"
#include "dataflow/mapper.hpp"

namespace rdusim {

MappedGraph RduMapper::map(const Graph& g, const std::string& graph_name) const {
  MappedGraph out;
  for (auto& p : map_graph(g, m_fusion, m_socket, m_replay, graph_name)) {
    // A section of one all-reduce stage is a collective kernel; an all-reduce fused into a larger
    // section overlaps the rest of it.
    bool collective = p.stages.size() == 1 && p.collective_bytes > 0;
    uint64_t bytes = p.collective_bytes;
    out.kernels.push_back({std::move(p), collective, collective ? bytes : 0});
  }
  if (out.kernels.size() > 1 && m_fusion == Fusion::kFused) {
    out.notes.push_back(
        fmt::format("{}: fused graph split into {} sections to fit PMU SRAM", graph_name, out.kernels.size()));
  }
  return out;
}

MappedGraph GpuMapper::map(const Graph& g, const std::string& graph_name) const {
  MappedGraph out;
  for (auto& k : map_gpu_graph(g, m_context, graph_name)) {
    out.kernels.push_back({std::move(k.plan), k.collective, k.allreduce_bytes});
  }
  return out;
}

}  // namespace rdusim
