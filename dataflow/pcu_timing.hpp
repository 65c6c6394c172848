// dataflow/pcu_timing.hpp
// Closed-form compute time of one chunk on a group of PCUs (no kernel needed).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>

namespace rdusim {

enum class ComputeClass { kSystolic, kSimd, kNone };

struct PcuParams {
  uint32_t count = 0;                     // PCUs per socket (required)
  double clock_ghz = 0.0;                 // required
  double systolic_flops_per_cycle = 0.0;  // per PCU, BF16 (derived from peak / (count x clock) by the loader)
  uint32_t systolic_rows = 1;             // rows of the output-stationary array (stream rows fill it)
  double simd_flops_per_cycle = 0.0;      // per PCU: lanes x stages
  uint32_t pipeline_latency_cycles = 0;   // header + body + tail fill, paid once per stage
  double peak_tflops() const { return count * clock_ghz * systolic_flops_per_cycle / 1e3; }
};

// Fraction of the systolic array a chunk of `rows` stream rows can use (rows fill the array height).
inline double systolic_row_utilization(const PcuParams& p, uint64_t rows) {
  if (rows >= p.systolic_rows) return 1.0;
  return static_cast<double>(std::max<uint64_t>(rows, 1)) / p.systolic_rows;
}

// Cycles to run `flops` on `n_pcus`: ceil(flops / (n * rate * utilization)).
inline uint64_t chunk_cycles(const PcuParams& p, ComputeClass cls, double flops, uint32_t n_pcus, uint64_t rows) {
  if (flops <= 0.0 || cls == ComputeClass::kNone) return 0;
  double rate = cls == ComputeClass::kSystolic ? p.systolic_flops_per_cycle * systolic_row_utilization(p, rows)
                                               : p.simd_flops_per_cycle;
  return static_cast<uint64_t>(std::ceil(flops / (std::max<uint32_t>(n_pcus, 1) * rate)));
}

// Cycles to run `flops` on `n_pcus` without rounding (what a stream of many chunks averages to).
inline double exact_cycles(const PcuParams& p, ComputeClass cls, double flops, uint32_t n_pcus, uint64_t rows) {
  if (flops <= 0.0 || cls == ComputeClass::kNone) return 0.0;
  double rate = cls == ComputeClass::kSystolic ? p.systolic_flops_per_cycle * systolic_row_utilization(p, rows)
                                               : p.simd_flops_per_cycle;
  return flops / (std::max<uint32_t>(n_pcus, 1) * rate);
}

inline double cycles_to_ns(const PcuParams& p, uint64_t cycles) { return cycles / p.clock_ghz; }

}  // namespace rdusim
