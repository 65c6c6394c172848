#include <catch2/catch.hpp>

#include "dataflow/pcu_timing.hpp"

using namespace rdusim;

namespace {
PcuParams pcu() {
  PcuParams p;
  p.count = 1040;
  p.clock_ghz = 1.6;
  p.systolic_flops_per_cycle = 638e3 / (1040 * 1.6);
  p.systolic_rows = 16;
  p.simd_flops_per_cycle = 192;
  return p;
}
}  // namespace

TEST_CASE("a GEMM chunk takes ceil(FLOPs / (n x rate)) cycles when it fills the array", "[pcu]") {
  PcuParams p = pcu();
  double flops = 2.0 * 256 * 4096 * 4096;
  uint64_t c = chunk_cycles(p, ComputeClass::kSystolic, flops, 100, 256);
  CHECK(c == static_cast<uint64_t>(std::ceil(flops / (100 * p.systolic_flops_per_cycle))));
  CHECK(p.peak_tflops() == Approx(638.0));
}

TEST_CASE("a chunk with fewer rows than the array height uses a fraction of it", "[pcu]") {
  PcuParams p = pcu();
  CHECK(systolic_row_utilization(p, 1) == Approx(1.0 / 16));
  CHECK(systolic_row_utilization(p, 64) == Approx(1.0));
  uint64_t full = chunk_cycles(p, ComputeClass::kSystolic, 1e6, 10, 16);
  uint64_t one_row = chunk_cycles(p, ComputeClass::kSystolic, 1e6, 10, 1);
  CHECK(one_row == Approx(16.0 * full).epsilon(0.01));
}

TEST_CASE("elementwise work uses the SIMD rate and no-compute ops take no time", "[pcu]") {
  PcuParams p = pcu();
  CHECK(chunk_cycles(p, ComputeClass::kSimd, 192.0 * 1000, 1, 1) == 1000);
  CHECK(chunk_cycles(p, ComputeClass::kNone, 1e9, 1, 1) == 0);
  CHECK(cycles_to_ns(p, 1600) == Approx(1000.0));
}
