#include "interconnect/nvlink_allreduce.hpp"

namespace rdusim {

NvlinkAllReduce::NvlinkAllReduce(sc_core::sc_module_name name, const NvlinkParams& params, RunContext& ctx)
    : sc_core::sc_module(name), m_params(params), m_ctx(ctx) {
  ctx.stats.add(*this, "calls", m_calls, "count", "all-reduce calls");
  ctx.stats.add(*this, "bytes_sent", m_bytes_sent, "bytes", "bytes sent out of this GPU's NVLink port");
  ctx.stats.add(*this, "busy_ns", m_busy_ns, "ns", "time inside all-reduces");
  if (ctx.trace.on()) m_track = ctx.trace.track(socket_name(*this), "nvlink all-reduce");
}

double NvlinkAllReduce::all_reduce(uint64_t bytes, uint32_t ranks) {
  double t0 = now_ns();
  if (ranks <= 1) return 0.0;
  ++m_calls;
  sc_core::wait(ns(m_params.collective_base_ns));
  uint64_t step_bytes = (bytes + ranks - 1) / ranks;
  for (uint32_t s = 0; s < 2 * (ranks - 1); ++s) {
    // The port sends this step's slice while the previous hop's latency is paid.
    sc_core::wait(ns(m_params.step_latency_ns + double(step_bytes) / m_params.bandwidth_gbps));
    m_bytes_sent += step_bytes;
  }
  double t = now_ns() - t0;
  m_busy_ns += t;
  if (m_ctx.trace.on()) {
    m_ctx.trace.slice(m_track, "all-reduce", t0, now_ns(), {{"bytes", double(bytes)}, {"ranks", double(ranks)}});
  }
  return t;
}

}  // namespace rdusim
