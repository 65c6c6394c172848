// The PCU array executes a chunk in FLOPs / rate and accounts utilisation.
#include <catch2/catch.hpp>

#include "dataflow/pcu.hpp"

using namespace rdusim;

TEST_CASE("PCU compute time for a GEMM chunk matches FLOPs / rate", "[pcu][sc]") {
  RunContext ctx;
  PcuParams p;
  p.count = 1040;
  p.clock_ghz = 1.6;
  p.systolic_flops_per_cycle = 638e3 / (1040 * 1.6);
  p.systolic_rows = 16;
  p.simd_flops_per_cycle = 192;
  PcuArray pcu("pcu", p, ctx);
  double flops = 2.0 * 64 * 4096 * 4096;
  double returned = 0;
  sc_core::sc_spawn([&] { returned = pcu.execute(ComputeClass::kSystolic, flops, 1040, 64); });
  sc_core::sc_start();
  double expect_ns = flops / (638e3);  // full chip at peak: FLOPs / (TFLOPS x 1e3) ns
  CHECK(now_ns() == Approx(expect_ns).epsilon(0.001));
  CHECK(returned == Approx(now_ns()));
  CHECK(ctx.stats.value("pcu.utilization") == Approx(1.0).epsilon(0.001));
}
