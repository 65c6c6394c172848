// interconnect/nvlink.hpp
// NVLink through NVSwitch as the tensor-parallel network of a DGX: every GPU has one non-blocking
// switch port of bandwidth_gbps each way. NCCL's ring all-reduce of B bytes over n GPUs is 2(n-1)
// steps (reduce-scatter then all-gather), each sending B/n bytes out of every port at once and
// paying step_latency_ns; each call also pays collective_base_ns (NCCL kernel and stream sync).
// The GPU runner builds it as a Fabric (interconnect/fabric.hpp): a full mesh of links at the port
// rate, which for a ring (one flow per egress port, the crossbar never blocks) is the NVSwitch.
#pragma once
#include <cstdint>

#include "interconnect/fabric.hpp"

namespace rdusim {

struct NvlinkParams {
  double bandwidth_gbps = 0.0;      // per GPU, each direction (required)
  double step_latency_ns = 0.0;     // one ring step (required)
  double collective_base_ns = 0.0;  // fixed cost per all-reduce call (required)
};

inline FabricParams nvlink_fabric(const NvlinkParams& p, uint32_t gpus) {
  FabricParams f;
  f.topology = "full_mesh";
  f.endpoints = gpus;
  f.link = LinkParams{p.bandwidth_gbps, p.step_latency_ns, 0.0};
  f.algorithm = "ring";
  return f;
}

// Closed form of one all-reduce without its fixed base (tests compare the simulated fabric to it).
inline double allreduce_steps_ns(const NvlinkParams& p, uint64_t bytes, uint32_t ranks) {
  if (ranks <= 1) return 0.0;
  double step_bytes = double(bytes) / ranks;
  return 2.0 * (ranks - 1) * (p.step_latency_ns + step_bytes / p.bandwidth_gbps);
}

}  // namespace rdusim
