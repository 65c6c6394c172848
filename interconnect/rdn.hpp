// interconnect/rdn.hpp
// Parameters of the on-chip reconfigurable dataflow network (RDN); dataflow/mapper.cpp places
// stages on it and dataflow/replay.cpp charges the hops and die crossings.
#pragma once
#include <cstdint>

namespace rdusim {

// The on-chip network (RDN) at the level a fused pipeline feels it: a stream between two stages
// pays hop latency for the distance between their tiles, and a stream crossing from one die to the
// other also pays the die-to-die link (latency, and bandwidth shared by all crossing streams).
struct RdnParams {
  double hop_ns = 0.0;              // per switch hop
  uint32_t dies = 1;                // PCUs are split evenly over the dies, stages placed in order
  double d2d_latency_ns = 0.0;      // die-to-die crossing
  double d2d_bandwidth_gbps = 0.0;  // one direction, shared by crossing streams (0: unlimited)
};

}  // namespace rdusim
