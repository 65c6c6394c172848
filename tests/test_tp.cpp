// Tensor parallelism end to end on the 8-socket node.
#include <catch2/catch.hpp>

#include "sim/run/isolated.hpp"
#include "sim/run/run.hpp"

using namespace rdusim;

namespace {
Scenario decode(uint32_t tp) {
  Scenario s;
  s.machine = "sn40l-8";
  s.shape.tp = tp;
  s.shape.context = 4096;
  s.fusion = Fusion::kFused;
  return s;
}
}  // namespace

TEST_CASE("TP=1 and TP=8 run the same FLOPs in total", "[tp][sc]") {
  auto r = run_isolated({[] {
                           return nlohmann::json{{"flops", run_scenario(decode(1), {}).flops}};
                         },
                         [] {
                           return nlohmann::json{{"flops", run_scenario(decode(8), {}).flops}};
                         }},
                        2);
  // Sharding adds only the all-reduces' additions (hidden per token per all-reduce and socket).
  double f1 = r[0]["flops"], f8 = r[1]["flops"];
  CHECK(f8 == Approx(f1).epsilon(0.001));
  CHECK(f8 >= f1);
}

TEST_CASE("decode at batch 1 on 8 sockets never beats the roofline nor the node's HBM rate", "[tp][sc]") {
  RunOutcome o = run_scenario(decode(8), {});
  CHECK(o.hbm_bytes / o.total_ns / o.hbm_peak_gbps <= 1.0);
  CHECK(o.total_ns >= o.roofline_ns);
}

TEST_CASE("a model that fits in no configuration is a clear error", "[tp][sc]") {
  Scenario s = decode(8);
  s.model = "falcon-180b";
  s.machine = "sn40l";
  s.shape.tp = 1;
  CHECK_THROWS_WITH(run_scenario(s, {}), Catch::Contains("does not fit in HBM"));
}
