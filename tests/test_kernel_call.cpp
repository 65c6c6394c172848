// The kernel-call lifecycle (dataflow/kernel_call.hpp) against closed forms: SO minus HO is the
// host path per call, Program Load is paid on a program change only, and a looped call of N
// iterations saves N - 1 call boundaries over a chain of N calls.
#include <catch2/catch.hpp>

#include "dataflow/kernel_call.hpp"
#include "sim/config/machine_config.hpp"
#include "sim/run/executor.hpp"
#include "sim/run/isolated.hpp"
#include "sim/run/run.hpp"

using namespace rdusim;

namespace {

MachineConfig machine() { return load_machine_file(resolve_config("sn40l", "configs/machines")); }

// One call: a SIMD stage of 8 chunks, optionally streaming `weight_bytes` from HBM.
SectionPlan small_plan(const std::string& kernel, uint64_t weight_bytes) {
  SectionPlan p;
  p.name = p.kernel = kernel;
  StagePlan st;
  st.name = "op";
  st.cls = ComputeClass::kSimd;
  st.flops = 8e6;
  st.chunks = 8;
  st.pcus = 8;
  if (weight_bytes > 0) {
    st.loads.push_back({"op.weights", Tier::kHbm, weight_bytes, 8, 8});
    st.inputs.push_back({true, -1, 0, 8, Dep::kProportional});
  }
  p.stages = {st};
  p.pcus_used = p.pmus_used = 8;
  return p;
}

// Runs `calls` (a kernel name each) on one socket; looped = one looped call of that many iterations.
nlohmann::json run_calls(const std::vector<std::string>& calls, uint64_t weight_bytes, bool looped) {
  MachineConfig m = machine();
  RunContext ctx;
  Socket socket("rdu0", m.socket, ctx);
  Replayer rp(socket, ctx, m.replay);
  CallSequencer seq(m.socket.launch, m.host_link, Orchestration::kDevice, {&socket}, {&rp}, nullptr, ctx);
  std::vector<SectionPlan> plans;
  for (const auto& k : calls) plans.push_back(small_plan(k, weight_bytes));
  nlohmann::json out = nlohmann::json::array();
  CallBreakdown total;
  Executor ex("run", [&] {
    if (looped) {
      seq.looped_call(0, plans[0], static_cast<uint32_t>(plans.size()), "", false, total);
      return;
    }
    for (const auto& p : plans) {
      CallBreakdown b;
      seq.call(0, p, "", false, b);
      out.push_back({{"program_load_ns", b.program_load_ns}, {"program_loads", b.program_loads}});
      total.add(b, 1.0);
    }
  });
  sc_core::sc_start();
  return {{"ns", now_ns()}, {"calls", out}, {"program_loads", total.program_loads}};
}

// HO boundary of one call on one socket (no group to synchronise): every step is a fixed delay.
double boundary_ns(const LaunchParams& lp) {
  return lp.device_launch_ns + lp.argument_load_ns + lp.done_token_ns + lp.retire_ns;
}

}  // namespace

TEST_CASE("SO minus HO is the host path's closed form per call", "[kernel_call][sc]") {
  auto r = run_isolated({[] {
                           Scenario s;
                           s.fusion = Fusion::kUnfused;
                           s.shape.context = 4096;
                           s.orchestration = Orchestration::kHost;
                           RunOutcome o = run_scenario(s, {});
                           return nlohmann::json{{"ns", o.total_ns}, {"calls", o.kernel_calls}};
                         },
                         [] {
                           Scenario s;
                           s.fusion = Fusion::kUnfused;
                           s.shape.context = 4096;
                           s.orchestration = Orchestration::kDevice;
                           RunOutcome o = run_scenario(s, {});
                           return nlohmann::json{{"ns", o.total_ns}, {"calls", o.kernel_calls}};
                         }},
                        2);
  MachineConfig m = machine();
  const LaunchParams& lp = m.socket.launch;
  double cmd = link_message_ns(m.host_link, lp.command_bytes), done = link_message_ns(m.host_link, lp.completion_bytes);
  double calls = r[0]["calls"];
  REQUIRE(calls == double(r[1]["calls"]));
  REQUIRE(calls >= 10);  // one Llama layer: ten operator kernels
  // SO pays host runtime + command + completion per call; HO pays host runtime + command once per step.
  double expect = calls * (lp.host_launch_ns + cmd + done) - (lp.host_launch_ns + cmd);
  double so = r[0]["ns"], ho = r[1]["ns"];
  CHECK(so - ho == Approx(expect).epsilon(1e-6));
}

TEST_CASE("Program Load is paid on a program change and skipped on a repeat", "[kernel_call][sc]") {
  nlohmann::json r = run_calls({"A", "A", "B", "A"}, 0, false);
  MachineConfig m = machine();
  const LaunchParams& lp = m.socket.launch;
  const double bytes = 16 * lp.config_bytes_per_tile;
  const double floor_ns = lp.program_load_fixed_ns + bytes / m.socket.hbm.total_bandwidth_gbps();
  CHECK(r["program_loads"] == 3);
  CHECK(double(r["calls"][1]["program_load_ns"]) == 0.0);
  for (int i : {0, 2, 3}) {
    double pl = r["calls"][i]["program_load_ns"];
    CHECK(pl >= floor_ns);
    // The configuration bytes stream from HBM: at most one request latency above the transfer.
    CHECK(pl <= floor_ns + m.socket.hbm.channel.latency_ns + bytes / m.socket.hbm.channel.bandwidth_gbps);
  }
}

TEST_CASE("a chain of N identical calls costs N - 1 boundaries more than one looped call", "[kernel_call][sc]") {
  const int N = 5;
  std::vector<std::string> calls(N, "layer");
  auto r =
      run_isolated({[&] { return run_calls(calls, 0, false); }, [&] { return run_calls(calls, 0, true); },
                    [&] { return run_calls(calls, 4 << 20, false); }, [&] { return run_calls(calls, 4 << 20, true); }},
                   2);
  const double b = boundary_ns(machine().socket.launch);
  // Compute only: nothing for the next iteration to overlap, so exactly N - 1 boundaries.
  CHECK(double(r[0]["ns"]) - double(r[1]["ns"]) == Approx((N - 1) * b).epsilon(1e-6));
  // Streaming weights: iteration l+1 streams while l drains, so looping saves at least that much.
  CHECK(double(r[2]["ns"]) - double(r[3]["ns"]) >= (N - 1) * b * (1 - 1e-9));
}

TEST_CASE("fused-HO-looped decode is never slower than fused-HO", "[kernel_call][sc]") {
  std::vector<std::function<nlohmann::json()>> tasks;
  for (bool looped : {false, true}) {
    tasks.push_back([looped] {
      Scenario s;
      s.machine = "sn40l-8";
      s.shape.tp = 8;
      s.shape.context = 4096;
      s.scope = Scope::kModel;
      s.orchestration = Orchestration::kDevice;
      s.looped = looped;
      return nlohmann::json{{"ns", run_scenario(s, {}).total_ns}};
    });
  }
  auto r = run_isolated(tasks, 2);
  CHECK(double(r[1]["ns"]) <= double(r[0]["ns"]));
}
