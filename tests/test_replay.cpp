// Model tests: replayed sections against analytic bounds, deadlock reports, chunk convergence.
#include <catch2/catch.hpp>

#include "dataflow/mapper.hpp"
#include "sim/config/machine_config.hpp"
#include "sim/run/executor.hpp"
#include "sim/run/isolated.hpp"
#include "sim/run/run.hpp"

using namespace rdusim;

namespace {
Scenario scenario(Phase phase, Fusion fusion) {
  Scenario s;
  s.shape.phase = phase;
  s.shape.seq = phase == Phase::kPrefill ? 4096 : 1;
  s.shape.context = phase == Phase::kDecode ? 4096 : 0;
  s.fusion = fusion;
  return s;
}
void check_roofline(const RunOutcome& o) {
  REQUIRE(!o.sections.empty());
  for (const auto& s : o.sections) {
    INFO(s.result.name);
    CHECK(s.result.exec_ns() >= s.roofline_ns * (1 - 1e-9));
  }
  CHECK(o.total_ns >= o.roofline_ns);
}
}  // namespace

TEST_CASE("fused decode never beats the roofline and is HBM-bandwidth bound", "[replay][sc]") {
  RunOutcome o = run_scenario(scenario(Phase::kDecode, Fusion::kFused), {});
  check_roofline(o);
  double exec_ns = o.total_ns - o.launch_ns;
  double hbm_fraction = o.hbm_bytes / exec_ns / o.hbm_peak_gbps;
  CHECK(hbm_fraction > 0.85);
  CHECK(hbm_fraction <= 1.0);
}

TEST_CASE("unfused decode never beats the roofline", "[replay][sc]") {
  check_roofline(run_scenario(scenario(Phase::kDecode, Fusion::kUnfused), {}));
}

TEST_CASE("fused prefill never beats the roofline", "[replay][sc]") {
  check_roofline(run_scenario(scenario(Phase::kPrefill, Fusion::kFused), {}));
}

TEST_CASE("unfused prefill never beats the roofline", "[replay][sc]") {
  check_roofline(run_scenario(scenario(Phase::kPrefill, Fusion::kUnfused), {}));
}

TEST_CASE("a single large GEMM runs within 15% of its roofline bound", "[replay][sc]") {
  MachineConfig m = load_machine_file(resolve_config("sn40l", "configs/machines"));
  Graph g;
  OpNode x{"x", OpKind::kInput, 8192, 0, 0, 0, 0, 8192ull * 8192 * 2, false, ""};
  OpId in = add_op(g, x);
  OpNode mm{"gemm", OpKind::kGemm, 8192, 2.0 * 8192 * 8192 * 8192, 8192ull * 8192 * 2, 0, 0, 8192ull * 8192 * 2, true,
            ""};
  add_op(g, mm, {in});
  auto plans = map_graph(g, Fusion::kUnfused, m.socket, m.replay, "gemm");
  REQUIRE(plans.size() == 1);
  RunContext ctx;
  Socket socket("rdu0", m.socket, ctx);
  Replayer rp(socket, ctx, m.replay);
  SectionResult r;
  Executor ex("run", [&] { r = rp.run_section(plans[0], 0.0, "gemm", false); });
  sc_core::sc_start();
  REQUIRE(ex.finished());
  double bound = plans[0].flops / (m.socket.pcu.peak_tflops() * 1e3);
  CHECK(r.exec_ns() >= bound);
  CHECK(r.exec_ns() <= 1.15 * bound);
}

TEST_CASE("a deadlocked section is detected and its stalled stages are named", "[replay][sc]") {
  MachineConfig m = load_machine_file(resolve_config("sn40l", "configs/machines"));
  // a -> b needs all of a; a -> c is a shallow buffer; c also needs b. a fills a->c and blocks.
  SectionPlan p;
  p.name = "bad";
  p.buffers = {{"a->b", 8, 64}, {"a->c", 2, 64}, {"b->c", 2, 64}};
  StagePlan a, b, c;
  a.name = "a";
  b.name = "b";
  c.name = "c";
  for (StagePlan* s : {&a, &b, &c}) {
    s->chunks = 8;
    s->pcus = 1;
    s->flops = 8000;
  }
  a.outputs = {0, 1};
  b.inputs = {{false, 0, -1, 8, Dep::kAll}};
  b.outputs = {2};
  c.inputs = {{false, 1, -1, 8, Dep::kProportional}, {false, 2, -1, 8, Dep::kProportional}};
  p.stages = {a, b, c};
  RunContext ctx;
  Socket socket("rdu0", m.socket, ctx);
  Replayer rp(socket, ctx, m.replay);
  Executor ex("run", [&] { rp.run_section(p, 0.0, "bad", false); });
  sc_core::sc_start();
  REQUIRE_FALSE(ex.finished());
  auto stalled = rp.stalled();
  REQUIRE(stalled.size() == 3);
  CHECK(stalled[0].find("bad.a: waiting on output a->c (full)") == 0);
  CHECK(stalled[1].find("bad.b: waiting on input a->b") == 0);
  CHECK(stalled[2].find("bad.c: waiting on input b->c") == 0);
}

TEST_CASE("results converge as the chunk count grows", "[replay][sc]") {
  std::vector<std::function<nlohmann::json()>> tasks;
  for (Phase ph : {Phase::kDecode, Phase::kPrefill}) {
    for (uint32_t chunks : {64u, 128u, 256u}) {
      tasks.push_back([ph, chunks] {
        Scenario s = scenario(ph, Fusion::kFused);
        s.chunks = chunks;
        return nlohmann::json{{"ns", run_scenario(s, {}).total_ns}};
      });
    }
  }
  auto r = run_isolated(tasks, 2);
  for (int ph = 0; ph < 2; ++ph) {
    double a = r[ph * 3]["ns"], b = r[ph * 3 + 1]["ns"], c = r[ph * 3 + 2]["ns"];
    INFO("phase " << ph << ": " << a << " " << b << " " << c);
    // Chunking changes pipeline fill and request interleaving only. Measured spread over 64-256
    // chunks: decode about 7%, prefill about 3% (docs/performance.md); this bounds it at 10%.
    double mean = (a + b + c) / 3;
    for (double t : {a, b, c}) CHECK(std::abs(t - mean) / mean < 0.10);
  }
}
