// sim/studies/serve_machine.cpp
#include "sim/studies/serve_machine.hpp"

#include <fmt/format.h>

#include "dataflow/gpu_mapper.hpp"
#include "dataflow/kernel_call.hpp"
#include "dataflow/launch.hpp"
#include "dataflow/mapper.hpp"
#include "dataflow/replay.hpp"
#include "dataflow/socket.hpp"
#include "interconnect/fabric.hpp"
#include "memory/host_dma.hpp"
#include "sim/config/gpu_config.hpp"
#include "sim/config/machine_config.hpp"
#include "sim/config/overrides.hpp"
#include "sim/config/scenario.hpp"
#include "sim/run/all_ranks.hpp"

namespace rdusim {
namespace {

constexpr double kServeTraceBinNs = 100000.0;  // bandwidth counters of a long serving trace

// Runs `body(job)` once per graph on rank r; a graph repeated k times is simulated once and the
// clock advanced by (k - 1) times its measured time less `saving`: what a repeat's launch costs
// less than the first's (the same kernel again needs no program load). body returns {launch,
// saving}. Returns rank r's launch time.
template <typename Body>
double run_repeated(size_t jobs, const std::vector<StepGraph>& graphs, Body body) {
  double launch = 0.0;
  for (size_t j = 0; j < jobs; ++j) {
    double t0 = now_ns();
    auto [l, saving] = body(j);
    const uint32_t more = graphs[j].repeat - 1;
    launch += l + (l - saving) * more;
    if (more > 0) sc_core::wait(ns((now_ns() - t0 - saving) * more));
  }
  return launch;
}

class RduMachine : public ServeMachine {
 public:
  RduMachine(const JsonReader& doc, RunContext& ctx) : m_mc(parse_machine(doc)) {
    for (uint32_t r = 0; r < m_mc.sockets; ++r)
      m_sockets.push_back(std::make_unique<Socket>(fmt::format("rdu{}", r).c_str(), m_mc.socket, ctx));
    if (m_mc.sockets > 1) m_fabric = std::make_unique<Fabric>("p2p", m_mc.fabric, ctx);
    for (uint32_t r = 0; r < m_mc.sockets; ++r)
      m_rp.push_back(std::make_unique<Replayer>(*m_sockets[r], ctx, m_mc.replay,
                                                CollectiveGroup{m_fabric.get(), r, m_mc.sockets}));
    std::vector<Socket*> sockets;
    std::vector<Replayer*> replayers;
    for (uint32_t r = 0; r < m_mc.sockets; ++r)
      sockets.push_back(m_sockets[r].get()), replayers.push_back(m_rp[r].get());
    m_calls = std::make_unique<CallSequencer>(m_mc.socket.launch, m_mc.host_link, Orchestration::kDevice, sockets,
                                              replayers, m_fabric.get(), ctx);
  }
  const std::string& name() const override { return m_mc.name; }
  const std::string& file() const override { return m_mc.file; }
  uint32_t tp() const override { return m_mc.sockets; }
  MachineTiers tiers() const override {
    return {m_mc.socket.hbm.capacity_bytes * m_mc.sockets, m_mc.socket.ddr.capacity_bytes * m_mc.sockets, "ddr"};
  }
  // Fused sections, hardware-orchestrated, through the same kernel-call lifecycle as `rdusim run`
  // (dataflow/kernel_call.hpp): the host starts the step, the AGCUs sequence the calls (Program
  // Load only when the kernel changes, done tokens, the TP group's sync), and the host reads the
  // logits back and samples at the end of the step.
  StepTiming run_step(const std::vector<StepGraph>& graphs, const ModelConfig& model, const StepShape&) override {
    std::vector<std::vector<SectionPlan>> plans;
    for (const auto& g : graphs) plans.push_back(map_graph(g.graph, Fusion::kFused, m_mc.socket, m_mc.replay, g.name));
    std::vector<StepJob> jobs;
    for (size_t j = 0; j < graphs.size(); ++j) jobs.push_back({graphs[j].name, &plans[j], graphs[j].repeat, false});
    double t0 = now_ns();
    CallBreakdown token;
    std::vector<JobTiming> timings;
    run_on_all_ranks(tp(), [&](uint32_t r) {
      rdusim::run_step(*m_calls, r, jobs, model.vocab, r == 0 ? &timings : nullptr, r == 0 ? &token : nullptr);
    });
    // Repeated layers beyond the passes simulated in detail are extrapolated (as `rdusim run`
    // accounts them): the clock advances by the rest of the step.
    CallBreakdown b = token;
    double total_ns = token.total_ns();
    for (const auto& t : timings) b.add(t.breakdown, 1.0), total_ns += t.total_ns;
    double elapsed = now_ns() - t0;
    if (total_ns > elapsed) sc_core::wait(ns(total_ns - elapsed));
    double boundaries = b.host_ns + b.launch_ns + b.program_load_ns + b.argument_load_ns + b.sync_ns + b.token_host_ns;
    return {now_ns() - t0, boundaries};
  }
  double copy_expert(uint64_t bytes, const std::string& name) override {
    double t0 = now_ns();
    uint64_t shard = (bytes + tp() - 1) / tp();
    run_on_all_ranks(tp(), [&](uint32_t r) {
      m_sockets[r]->dma.copy(m_sockets[r]->ddr, m_sockets[r]->hbm, shard, "switch " + name);
      m_sockets[r]->hbm.place(name, double(shard));
    });
    return now_ns() - t0;
  }
  void evict(const std::string& name) override {
    for (auto& s : m_sockets) s->hbm.remove(name);
  }
  void flush_trace() override {
    for (auto& s : m_sockets) {
      s->ddr.flush_trace(kServeTraceBinNs);
      s->hbm.flush_trace(kServeTraceBinNs);
    }
  }

 private:
  MachineConfig m_mc;
  std::vector<std::unique_ptr<Socket>> m_sockets;
  std::unique_ptr<Fabric> m_fabric;
  std::vector<std::unique_ptr<Replayer>> m_rp;
  std::unique_ptr<CallSequencer> m_calls;  // after the sockets and replayers it points to
};

// The query rows sharing one K/V tile in attention (as sim/run/run_gpu.cpp).
uint64_t attention_rows(const ModelConfig& m, const StepShape& s) {
  uint64_t group = std::max<uint64_t>(1, m.heads / std::max<uint64_t>(1, m.kv_heads));
  return s.phase == Phase::kDecode ? uint64_t(s.seq) * group : s.seq;
}

class GpuMachine : public ServeMachine {
 public:
  GpuMachine(const JsonReader& doc, const std::string& mode, RunContext& ctx)
      : m_mc(parse_gpu_machine(doc)), m_mode(parse_load_mode(mode, "<command line>", "--load-mode")) {
    for (uint32_t r = 0; r < m_mc.gpus; ++r)
      m_gpus.push_back(std::make_unique<Socket>(fmt::format("gpu{}", r).c_str(), m_mc.gpu, ctx));
    if (m_mc.gpus > 1) m_nvlink = std::make_unique<Fabric>("nvlink", nvlink_fabric(m_mc.nvlink, m_mc.gpus), ctx);
    for (uint32_t r = 0; r < m_mc.gpus; ++r)
      m_rp.push_back(
          std::make_unique<Replayer>(*m_gpus[r], ctx, m_mc.replay, CollectiveGroup{m_nvlink.get(), r, m_mc.gpus}));
    m_dma = std::make_unique<HostDma>("host_dma", m_mc.pcie, m_mc.gpu.ddr.total_bandwidth_gbps(), m_mc.gpus, ctx);
  }
  const std::string& name() const override { return m_mc.name; }
  const std::string& file() const override { return m_mc.file; }
  uint32_t tp() const override { return m_mc.gpus; }
  MachineTiers tiers() const override {
    return {m_mc.gpu.hbm.capacity_bytes * m_mc.gpus, m_mc.gpu.ddr.capacity_bytes, "host_dram"};
  }
  // Kernel by kernel: every kernel pays launch + prologue, an all-reduce also NCCL's fixed cost.
  StepTiming run_step(const std::vector<StepGraph>& graphs, const ModelConfig& model, const StepShape& s) override {
    GpuMapContext mctx{m_mc.gpu, m_mc.gemm, m_mc.replay, m_mc.units_per_sm, s.dtype_bytes, attention_rows(model, s)};
    std::vector<std::vector<GpuKernelPlan>> kernels;
    for (const auto& g : graphs) kernels.push_back(map_gpu_graph(g.graph, mctx, g.name));
    double t0 = now_ns(), launch0 = 0.0;
    run_on_all_ranks(tp(), [&](uint32_t r) {
      double l = run_repeated(kernels.size(), graphs, [&](size_t j) {
        double sum = 0.0;
        for (const auto& k : kernels[j]) {
          double launch = m_mc.kernel_overhead_ns() + (k.collective ? m_mc.nvlink.collective_base_ns : 0.0);
          sum += m_rp[r]->run_section(k.plan, launch, "", false).launch_ns();
        }
        return std::pair<double, double>{sum, 0.0};  // every kernel launch costs the same
      });
      if (r == 0) launch0 = l;
    });
    return {now_ns() - t0, launch0};
  }
  double copy_expert(uint64_t bytes, const std::string&) override { return m_dma->load_expert(bytes, m_mode, tp()); }
  void flush_trace() override {
    for (auto& g : m_gpus) g->hbm.flush_trace(kServeTraceBinNs);
  }

 private:
  GpuMachineConfig m_mc;
  LoadMode m_mode;
  std::vector<std::unique_ptr<Socket>> m_gpus;
  std::unique_ptr<Fabric> m_nvlink;
  std::vector<std::unique_ptr<Replayer>> m_rp;
  std::unique_ptr<HostDma> m_dma;
};

}  // namespace

std::unique_ptr<ServeMachine> ServeMachine::create(const std::string& machine, const nlohmann::json& overrides,
                                                   const std::string& load_mode, RunContext& ctx) {
  std::string path = resolve_config(machine, "configs/machines");
  Overrides set;
  for (auto it = overrides.begin(); it != overrides.end(); ++it) set[it.key()] = it.value();
  JsonReader r = load_with_overrides(path, set);
  if (machine_kind(r) == "gpu") return std::make_unique<GpuMachine>(r, load_mode, ctx);
  parse_load_mode(load_mode, "<command line>", "--load-mode");  // reject a bad mode on every machine
  return std::make_unique<RduMachine>(r, ctx);
}

}  // namespace rdusim
