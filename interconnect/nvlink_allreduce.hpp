// interconnect/nvlink_allreduce.hpp
// NVLink through NVSwitch as the tensor-parallel all-reduce of a DGX: every GPU has one
// non-blocking switch port of bandwidth_gbps each way. A ring all-reduce of B bytes over n GPUs is
// 2(n-1) steps (reduce-scatter then all-gather), each sending B/n bytes out of every port at once
// and paying step_latency_ns; each call also pays collective_base_ns (NCCL kernel and stream sync).
// The switch does not block, so every rank's port carries only its own steps and rank 0's port
// stands for all of them: the model simulates that port (its steps serialise on it).
#pragma once
#include <cstdint>

#include "sim/run_context.hpp"
#include "sim/sc_time_util.hpp"

namespace rdusim {

struct NvlinkParams {
  double bandwidth_gbps = 0.0;      // per GPU, each direction (required)
  double step_latency_ns = 0.0;     // one ring step (required)
  double collective_base_ns = 0.0;  // fixed cost per all-reduce call (required)
};

// Closed form of one all-reduce (tests compare the simulated port against it).
inline double allreduce_ns(const NvlinkParams& p, uint64_t bytes, uint32_t ranks) {
  if (ranks <= 1) return 0.0;
  double step_bytes = double(bytes) / ranks;
  return p.collective_base_ns + 2.0 * (ranks - 1) * (p.step_latency_ns + step_bytes / p.bandwidth_gbps);
}

class NvlinkAllReduce : public sc_core::sc_module {
 public:
  NvlinkAllReduce(sc_core::sc_module_name name, const NvlinkParams& params, RunContext& ctx);

  // From an SC_THREAD of rank 0: runs one ring all-reduce step by step on the port; returns ns spent.
  double all_reduce(uint64_t bytes, uint32_t ranks);
  const NvlinkParams& params() const { return m_params; }

 private:
  NvlinkParams m_params;
  RunContext& m_ctx;
  TraceTrack m_track{};
  uint64_t m_calls = 0;
  uint64_t m_bytes_sent = 0;
  double m_busy_ns = 0.0;
};

}  // namespace rdusim
