#include "dataflow/pcu.hpp"

namespace rdusim {

PcuArray::PcuArray(sc_core::sc_module_name name, const PcuParams& params, RunContext& ctx)
    : sc_core::sc_module(name), m_params(params) {
  ctx.stats.add(*this, "flops", m_flops, "flop", "floating-point operations executed");
  ctx.stats.add(*this, "pcu_busy_ns", m_pcu_busy_ns, "PCU-ns", "busy time summed over PCUs");
  ctx.stats.add(*this, "chunks", m_chunks, "count", "chunks executed");
  ctx.stats.derived(
      *this, "utilization", "ratio",
      [this] {
        double t = now_ns();
        return t > 0 ? m_pcu_busy_ns / (m_params.count * t) : 0.0;
      },
      "busy PCU-time over (PCUs x simulated time)");
  ctx.stats.derived(
      *this, "achieved_tflops", "TFLOPS",
      [this] {
        double t = now_ns();
        return t > 0 ? m_flops / t / 1e3 : 0.0;
      },
      "flops over simulated time");
}

double PcuArray::execute(ComputeClass cls, double flops, uint32_t n_pcus, uint64_t rows) {
  double t = chunk_ns(cls, flops, n_pcus, rows);
  account(flops, t, n_pcus);
  if (t > 0) sc_core::wait(ns(t));
  return t;
}

double PcuArray::chunk_ns(ComputeClass cls, double flops, uint32_t n_pcus, uint64_t rows) const {
  // Exact (fractional) cycles: a chunk is a simulation artefact, so rounding each one up to a whole
  // cycle would make compute time grow with the chunk count.
  return exact_cycles(m_params, cls, flops, n_pcus, rows) / m_params.clock_ghz;
}

void PcuArray::account(double flops, double t, uint32_t n_pcus) {
  m_flops += flops;
  m_pcu_busy_ns += t * n_pcus;
  ++m_chunks;
}

}  // namespace rdusim
