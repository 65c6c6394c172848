// dataflow/pcu.hpp
// The PCU array of one socket: count PCUs at clock_ghz. Stages of a section own groups of PCUs
// (the mapper decides how many); a chunk occupies its group for chunk_cycles(). One module models
// all PCUs: thousands of tiles as stage groups, not thousands of processes.
#pragma once
#include "dataflow/pcu_timing.hpp"
#include "sim/core/run_context.hpp"
#include "sim/core/time.hpp"

namespace rdusim {

class PcuArray : public sc_core::sc_module {
 public:
  PcuArray(sc_core::sc_module_name name, const PcuParams& params, RunContext& ctx);

  // Called from a stage's thread: occupies n_pcus for the chunk's compute time, returns the ns spent.
  double execute(ComputeClass cls, double flops, uint32_t n_pcus, uint64_t rows);
  // The parts of execute() without the wait, for a stage that keeps its own time (replay
  // run-ahead): a chunk's time, and its accounting (a stage's chunks all take the same).
  double chunk_ns(ComputeClass cls, double flops, uint32_t n_pcus, uint64_t rows) const;
  void account(double flops, double t, uint32_t n_pcus);
  const PcuParams& params() const { return m_params; }
  double pcu_busy_ns() const { return m_pcu_busy_ns; }

 private:
  PcuParams m_params;
  double m_flops = 0.0;
  double m_pcu_busy_ns = 0.0;  // sum over PCUs of busy time
  uint64_t m_chunks = 0;
};

}  // namespace rdusim
