#include "memory/pmu.hpp"

namespace rdusim {

PmuArray::PmuArray(sc_core::sc_module_name name, const PmuParams& params, RunContext& ctx)
    : sc_core::sc_module(name), m_params(params), m_ctx(ctx) {
  ctx.stats.add(*this, "peak_allocated_bytes", m_peak, "bytes", "most SRAM held by one section's buffers");
}

bool PmuArray::allocate(double bytes) {
  if (m_allocated + bytes > m_params.usable_bytes()) return false;
  m_allocated += bytes;
  m_peak = std::max(m_peak, m_allocated);
  if (m_ctx.trace.on())
    m_ctx.trace.counter(m_ctx.trace.process(socket_name(*this)), "PMU SRAM MB", now_ns(), m_allocated / 1e6);
  return true;
}

void PmuArray::free(double bytes) {
  m_allocated = std::max(0.0, m_allocated - bytes);
  if (m_ctx.trace.on())
    m_ctx.trace.counter(m_ctx.trace.process(socket_name(*this)), "PMU SRAM MB", now_ns(), m_allocated / 1e6);
}

}  // namespace rdusim
