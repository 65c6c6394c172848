// memory/pmu.hpp
// The PMU array of one socket: count PMUs, each a banked SRAM scratchpad of sram_bytes. Sections
// allocate stream buffers and weight buffers here; capacity is enforced (the mapper splits or
// rejects what does not fit) and occupancy is traced as a counter.
#pragma once
#include <cstdint>
#include <string>

#include "sim/core/run_context.hpp"
#include "sim/core/time.hpp"

namespace rdusim {

struct PmuParams {
  uint32_t count = 0;            // required
  double sram_bytes = 0.0;       // per PMU, required
  uint32_t banks = 16;           // per PMU
  double usable_fraction = 0.9;  // share of SRAM a compiled section may use (rest: compiler overheads)
  double total_bytes() const { return count * sram_bytes; }
  double usable_bytes() const { return total_bytes() * usable_fraction; }
};

class PmuArray : public sc_core::sc_module {
 public:
  PmuArray(sc_core::sc_module_name name, const PmuParams& params, RunContext& ctx);

  // Contract: all-or-nothing; returns false when `bytes` more would exceed the usable SRAM.
  bool allocate(double bytes);
  void free(double bytes);
  double allocated_bytes() const { return m_allocated; }
  const PmuParams& params() const { return m_params; }

 private:
  PmuParams m_params;
  RunContext& m_ctx;
  double m_allocated = 0.0;
  double m_peak = 0.0;
};

}  // namespace rdusim
