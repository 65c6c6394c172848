// Model tests of the GPU machines (one elaboration per TEST_CASE): decode is bounded by HBM, launch
// overhead shows in many small kernels, the paper's switching mode is exact, per-GPU loads contend.
#include <catch2/catch.hpp>

#include "dataflow/gpu_mapper.hpp"
#include "dataflow/socket.hpp"
#include "interconnect/nvlink.hpp"
#include "memory/host_dma.hpp"
#include "sim/config/gpu_config.hpp"
#include "sim/run/executor.hpp"
#include "sim/run/run.hpp"

using namespace rdusim;

namespace {
GpuMachineConfig dgx(const std::string& name) {
  return parse_gpu_machine(JsonReader::load_file(resolve_config(name, "configs/machines")));
}
OpNode op(const std::string& name, OpKind kind, double flops, uint64_t out_bytes, bool output,
          const std::string& group) {
  OpNode n;
  n.name = name;
  n.kind = kind;
  n.flops = flops;
  n.out_bytes = out_bytes;
  n.graph_output = output;
  n.kernel_group = group;
  return n;
}
Scenario decode(const std::string& machine, const std::string& model, uint32_t tp, uint32_t batch, uint32_t context) {
  Scenario s;
  s.machine = machine;
  s.model = model;
  s.scope = Scope::kModel;
  s.shape.tp = tp;
  s.shape.batch = batch;
  s.shape.context = context;
  return s;
}
void check_hbm_bound(const RunOutcome& o) {
  REQUIRE(!o.sections.empty());
  for (const auto& s : o.sections) {
    INFO(s.result.name);
    CHECK(s.result.exec_ns() >= s.roofline_ns * (1 - 1e-9));
  }
  double exec_ns = o.total_ns - o.launch_ns;
  CHECK(o.hbm_bytes / exec_ns <= o.hbm_peak_gbps);
  CHECK(o.total_ns >= o.roofline_ns);
}
}  // namespace

TEST_CASE("Llama-2-7B decode on one A100 never beats HBM bandwidth", "[gpu][sc]") {
  RunOutcome o = run_scenario(decode("dgx-a100", "llama2-7b", 1, 1, 128), {});
  check_hbm_bound(o);
  // gpt-fast's shape: batch-1 decode of a 7B model reaches 55-70% of peak HBM bandwidth.
  double frac = o.hbm_bytes / o.total_ns / o.hbm_peak_gbps;
  CHECK(frac > 0.5);
  CHECK(frac < 0.85);
}

TEST_CASE("Mistral-7B batch-10 decode on one H100 never beats HBM bandwidth", "[gpu][sc]") {
  check_hbm_bound(run_scenario(decode("dgx-h100", "mistral-7b", 1, 10, 2000), {}));
}

TEST_CASE("Llama-2-70B TP8 decode on DGX A100 pays its all-reduces", "[gpu][sc]") {
  RunOutcome o = run_scenario(decode("dgx-a100", "llama2-70b", 8, 1, 128), {});
  check_hbm_bound(o);
  CHECK(o.collective_ns > 0.1 * o.total_ns);
  CHECK(o.stats["run"]["collective_ns"]["value"].get<double>() == o.collective_ns);
}

TEST_CASE("launch overhead dominates a graph of many small kernels", "[gpu][sc]") {
  GpuMachineConfig mc = dgx("dgx-a100");
  const int kOps = 200;
  Graph many, one;
  for (Graph* g : {&many, &one}) {
    OpId prev = add_op(*g, op("x", OpKind::kInput, 0, 8192, false, ""));
    for (int i = 0; i < kOps; ++i) {
      std::string group = g == &many ? "k" + std::to_string(i) : "fused";
      prev = add_op(*g, op("op" + std::to_string(i), OpKind::kElementwise, 4096, 8192, i == kOps - 1, group), {prev});
    }
  }
  GpuMapContext c{mc.gpu, mc.gemm, mc.replay, mc.units_per_sm, 2, 1};
  auto many_k = map_gpu_graph(many, c, "many");
  auto one_k = map_gpu_graph(one, c, "one");
  REQUIRE(many_k.size() == size_t(kOps));
  REQUIRE(one_k.size() == 1u);
  RunContext ctx;
  Socket gpu("gpu0", mc.gpu, ctx);
  Replayer rep(gpu, ctx, mc.replay);
  double many_ns = 0, many_launch = 0, one_ns = 0;
  Executor exec("run", [&] {
    for (const auto& k : many_k) {
      SectionResult r = rep.run_section(k.plan, mc.kernel_overhead_ns(), "many", false);
      many_ns += r.end_ns - r.start_ns;
      many_launch += r.launch_ns();
    }
    for (const auto& k : one_k) {
      SectionResult r = rep.run_section(k.plan, mc.kernel_overhead_ns(), "one", false);
      one_ns += r.end_ns - r.start_ns;
    }
  });
  sc_core::sc_start();
  exec.rethrow();
  REQUIRE(exec.finished());
  CHECK(many_launch == Approx(kOps * mc.kernel_overhead_ns()));
  CHECK(many_launch > 0.5 * many_ns);  // launches, not work, set the time
  CHECK(one_ns < many_ns / 20);        // the same ops as one kernel
}

TEST_CASE("paper switching mode: exactly size / 32 GB/s (DGX A100) and size / 64 GB/s (DGX H100)", "[gpu][sc]") {
  GpuMachineConfig a = dgx("dgx-a100"), h = dgx("dgx-h100");
  RunContext ctx;
  HostDma dma_a("a100_dma", a.pcie, a.gpu.ddr.total_bandwidth_gbps(), a.gpus, ctx);
  HostDma dma_h("h100_dma", h.pcie, h.gpu.ddr.total_bandwidth_gbps(), h.gpus, ctx);
  const uint64_t bytes = 13'476'839'424ull;  // Llama-2-7B in BF16
  double ta = 0, th = 0, ta8 = 0;
  Executor exec("run", [&] {
    ta = dma_a.load_expert(bytes, LoadMode::kPaper, 8);
    th = dma_h.load_expert(bytes, LoadMode::kPaper, 8);
    ta8 = dma_a.load_expert(bytes, LoadMode::kPaper, 1);
  });
  sc_core::sc_start();
  exec.rethrow();
  CHECK(ta == Approx(bytes / 32.0).epsilon(1e-9));
  CHECK(th == Approx(bytes / 64.0).epsilon(1e-9));
  CHECK(ta8 == Approx(bytes / 32.0).epsilon(1e-9));  // one pipe whatever the tensor-parallel degree
}

TEST_CASE("per-gpu loading: one GPU at the measured DMA rate, eight contend at the switch uplinks", "[gpu][sc]") {
  GpuMachineConfig a = dgx("dgx-a100");
  RunContext ctx;
  HostDma dma("a100_dma", a.pcie, a.gpu.ddr.total_bandwidth_gbps(), a.gpus, ctx);
  const uint64_t bytes = 8ull << 30;
  double t1 = 0, t8 = 0;
  Executor exec("run", [&] {
    t1 = dma.load_expert(bytes, LoadMode::kPerGpu, 1);
    t8 = dma.load_expert(bytes, LoadMode::kPerGpu, 8);
  });
  sc_core::sc_start();
  exec.rethrow();
  double rate1 = bytes / t1;
  CHECK(rate1 == Approx(a.pcie.dma_gbps()).epsilon(0.01));  // 25.5 GB/s: the bandwidthTest figure
  CHECK(rate1 >= 25.0);
  CHECK(rate1 <= 26.0);
  // Pairs of GPUs share an uplink: 4 uplinks x 25.5 GB/s, not 8 x.
  CHECK(bytes / t8 == Approx(4 * a.pcie.dma_gbps()).epsilon(0.02));
}

TEST_CASE("an all-reduce on the NVLink fabric takes the ring closed form", "[gpu][sc]") {
  GpuMachineConfig a = dgx("dgx-a100");
  RunContext ctx;
  Fabric nv("nvlink", nvlink_fabric(a.nvlink, 8), ctx);
  const uint64_t bytes = 16ull << 20;
  std::vector<double> t(8, 0.0);
  Executor exec("run", [&] {
    uint32_t left = 7;
    sc_core::sc_event done;
    for (uint32_t r = 1; r < 8; ++r) {
      sc_core::sc_spawn([&, r] {
        nv.collective(CollectiveKind::kAllReduce, r, 8, bytes, 1);
        t[r] = now_ns();
        if (--left == 0) done.notify();
      });
    }
    nv.collective(CollectiveKind::kAllReduce, 0, 8, bytes, 1);
    t[0] = now_ns();
    if (left > 0) sc_core::wait(done);
  });
  sc_core::sc_start();
  exec.rethrow();
  for (double x : t) CHECK(x == Approx(allreduce_steps_ns(a.nvlink, bytes, 8)).epsilon(1e-3));
}

TEST_CASE("Llama-2-7B TP8 decode runs eight GPUs whose all-reduces meet on NVLink", "[gpu][sc]") {
  RunOutcome o = run_scenario(decode("dgx-a100", "llama2-7b", 8, 1, 100), {});
  check_hbm_bound(o);
  // 2 all-reduces per layer, each at least its NCCL base cost plus 14 ring steps.
  GpuMachineConfig a = dgx("dgx-a100");
  double ar = o.stats["run"]["collective_ns"]["value"].get<double>();
  CHECK(ar >= 64 * (a.nvlink.collective_base_ns + 14 * a.nvlink.step_latency_ns));
  CHECK(o.stats["nvlink"].is_object());
}
