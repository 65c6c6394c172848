// dataflow/mapper.hpp
// Maps sections of a graph onto one socket's tiles: a stage per op, PCUs in proportion to each
// op's compute time, PMU stream buffers between stages, memory streams for what crosses the
// section boundary, and the chunking mode. A fused section that does not fit in PMU SRAM is split.
#pragma once
#include <vector>

#include "dataflow/fusion.hpp"
#include "dataflow/graph_mapper.hpp"
#include "dataflow/replay_params.hpp"
#include "dataflow/section.hpp"
#include "dataflow/socket.hpp"

namespace rdusim {

Dep dependency(OpKind consumer, OpKind producer, StreamMode mode);

// Plans one section. Throws SimError naming the op when even a single op cannot fit in SRAM.
SectionPlan plan_section(const Graph& g, const std::vector<OpId>& ops, const SocketParams& socket,
                         const ReplayParams& replay, bool fused, const std::string& graph_name);

// Cuts and plans a whole graph.
std::vector<SectionPlan> map_graph(const Graph& g, Fusion fusion, const SocketParams& socket,
                                   const ReplayParams& replay, const std::string& graph_name);

// map_graph behind the GraphMapper contract (dataflow/graph_mapper.hpp).
class RduMapper final : public GraphMapper {
 public:
  RduMapper(Fusion fusion, const SocketParams& socket, const ReplayParams& replay)
      : m_fusion(fusion), m_socket(socket), m_replay(replay) {}
  MappedGraph map(const Graph& g, const std::string& graph_name) const override;

 private:
  Fusion m_fusion;
  SocketParams m_socket;
  ReplayParams m_replay;
};

}  // namespace rdusim
