// sim/run/run_gpu.cpp
// `rdusim run --machine dgx-a100|dgx-h100`: machine + model + scenario -> kernels -> replay on GPU 0.
#include "sim/run/run_gpu.hpp"

#include <fmt/format.h>

#include <chrono>
#include <map>
#include <optional>

#include "dataflow/gpu_mapper.hpp"
#include "dataflow/socket.hpp"
#include "interconnect/fabric.hpp"
#include "sim/run/all_ranks.hpp"
#include "sim/run/executor.hpp"
#include "workloads/router.hpp"
#include "workloads/step_graphs.hpp"

namespace rdusim {
namespace {

struct GpuJob {
  std::string name;
  Graph graph;
  uint32_t repeat = 1;
  std::vector<GpuKernelPlan> kernels;
};

// Weights and KV cache shards live in each GPU's HBM.
void check_fits_gpu(const ModelConfig& m, const StepShape& s, const GpuMachineConfig& mc,
                    const std::string& model_path) {
  double weights = shard_weight_bytes(m, s), kv = shard_kv_bytes(m, s);
  double cap = mc.gpu.hbm.capacity_bytes;
  if (weights + kv > cap) {
    throw SimError(
        model_path, "",
        fmt::format("does not fit in HBM: needs {:.1f} GB per GPU (weights {:.1f} GB + KV cache {:.1f} GB at "
                    "tp={}) but {}:/gpu/hbm/capacity_gb gives {:.1f} GB",
                    (weights + kv) / 1e9, weights / 1e9, kv / 1e9, s.tp, mc.file, cap / 1e9));
  }
}

double gpu_roofline(const SectionPlan& p, const GpuMachineConfig& mc) {
  double compute = p.flops / (mc.gpu.pcu.peak_tflops() * 1e3);
  double hbm = p.hbm_bytes / mc.hbm_peak_gbps;
  return std::max(compute, hbm);
}

// The rows of queries that share one K/V tile in attention (GQA packs a KV head's query heads).
uint64_t attention_rows(const ModelConfig& m, const StepShape& s) {
  uint64_t group = std::max<uint64_t>(1, m.heads / std::max<uint64_t>(1, m.kv_heads));
  return s.phase == Phase::kDecode ? uint64_t(s.seq) * group : s.seq;
}

// Sums GPU 0's kernels into the outcome (repeated layers counted `repeat` times); returns the
// time spent in all-reduces, NCCL's fixed cost included.
double account_jobs(const std::vector<GpuJob>& jobs, const std::vector<std::vector<SectionResult>>& results,
                    const GpuMachineConfig& mc, RunOutcome& out) {
  double allreduce_ns = 0.0;
  for (size_t j = 0; j < jobs.size(); ++j) {
    const GpuJob& job = jobs[j];
    double exec_ns = 0.0, job_launch = 0.0;
    for (size_t k = 0; k < job.kernels.size(); ++k) {
      const SectionResult& r = results[j][k];
      const SectionPlan& p = job.kernels[k].plan;
      exec_ns += r.exec_ns();
      job_launch += r.launch_ns();
      if (job.kernels[k].collective) allreduce_ns += (r.exec_ns() + mc.nvlink.collective_base_ns) * job.repeat;
      SectionRecord rec{r, gpu_roofline(p, mc), p.flops, p.hbm_bytes, p.pcus_used, job.name};
      out.sections.push_back(rec);
      out.flops += p.flops * job.repeat;
      out.hbm_bytes += double(p.hbm_bytes) * job.repeat;
      out.roofline_ns += rec.roofline_ns * job.repeat;
    }
    out.launch_ns += job_launch * job.repeat;  // every kernel pays its launch, repeated or not
    out.total_ns += (exec_ns + job_launch) * job.repeat;
    out.kernel_calls += job.kernels.size() * job.repeat;
    if (job.repeat > 1) {
      out.notes.push_back(
          fmt::format("{}: 1 layer simulated in detail, timing reused for {} identical layers", job.name, job.repeat));
    }
  }
  return allreduce_ns;
}

}  // namespace

RunOutcome run_gpu_scenario(const Scenario& sc, const RunOptions& opt, const JsonReader& machine) {
  auto wall0 = std::chrono::steady_clock::now();
  GpuMachineConfig mc = parse_gpu_machine(machine);
  Workload workload = load_workload(sc);
  const std::string& model_path = workload.file;
  const ModelConfig& model = workload.model;
  if (sc.chunks) mc.replay.chunks_per_stream = sc.chunks;
  const StepShape& shape = sc.shape;
  if (shape.tp > mc.gpus) {
    throw SimError(sc.file, "/tp", fmt::format("tp={} exceeds the {} GPU(s) of {}", shape.tp, mc.gpus, mc.file));
  }
  check_fits_gpu(model, shape, mc, model_path);

  GpuMapContext mctx{mc.gpu, mc.gemm, mc.replay, mc.units_per_sm, shape.dtype_bytes, attention_rows(model, shape)};
  std::vector<GpuJob> jobs;
  for (auto& g : workload.graphs) jobs.push_back({g.name, std::move(g.graph), g.repeat, {}});
  for (auto& j : jobs) j.kernels = map_gpu_graph(j.graph, mctx, j.name);

  // Elaboration: one GPU per tensor-parallel rank, the NVLink fabric, one replayer per GPU.
  RunContext ctx;
  ctx.trace.enable(!opt.trace_path.empty());
  const uint32_t T = shape.tp;
  std::vector<std::unique_ptr<Socket>> gpus;
  for (uint32_t r = 0; r < T; ++r)
    gpus.push_back(std::make_unique<Socket>(fmt::format("gpu{}", r).c_str(), mc.gpu, ctx));
  std::unique_ptr<Fabric> nvlink;
  if (T > 1) nvlink = std::make_unique<Fabric>("nvlink", nvlink_fabric(mc.nvlink, T), ctx);
  std::vector<std::unique_ptr<Replayer>> replayers;
  for (uint32_t r = 0; r < T; ++r) {
    replayers.push_back(std::make_unique<Replayer>(*gpus[r], ctx, mc.replay, CollectiveGroup{nvlink.get(), r, T}));
  }
  std::vector<std::vector<SectionResult>> results(jobs.size());  // GPU 0's, for the report
  auto rank_script = [&](uint32_t r) {
    for (size_t j = 0; j < jobs.size(); ++j) {
      for (const auto& k : jobs[j].kernels) {
        // Launch (and prologue) before every kernel; an all-reduce also pays NCCL's fixed cost.
        double launch = mc.kernel_overhead_ns() + (k.collective ? mc.nvlink.collective_base_ns : 0.0);
        SectionResult res = replayers[r]->run_section(k.plan, launch, r == 0 ? "ops." + jobs[j].name : "", r == 0);
        if (r == 0) results[j].push_back(std::move(res));
      }
    }
  };
  Executor exec("run", [&] { run_on_all_ranks(T, rank_script); });
  sc_core::sc_start();
  exec.rethrow();
  if (!exec.finished()) {
    std::string list;
    for (const auto& rep : replayers) {
      for (const auto& s : rep->stalled()) list += (list.empty() ? "" : "; ") + s;
    }
    throw SimError("", "graph", "deadlock at " + fmt::format("{:.3f}", now_ns() / 1e3) + " us, stalled: " + list);
  }

  RunOutcome out;
  out.simulated_ns = now_ns();
  out.hbm_peak_gbps = mc.hbm_peak_gbps;
  out.peak_tflops = mc.gpu.pcu.peak_tflops();
  out.clock_ghz = mc.gpu.pcu.clock_ghz;
  double allreduce_ns = account_jobs(jobs, results, mc, out);
  out.notes.push_back(
      fmt::format("{} GPU(s) simulated, GPU 0 reported; all-reduces {:.2f} us ({:.1f}% of the time, "
                  "NCCL fixed cost included) on NVLink",
                  shape.tp, allreduce_ns / 1e3, 100.0 * allreduce_ns / std::max(out.total_ns, 1e-9)));
  out.title = fmt::format("{} {} {}, batch {}, {} {}, kernel by kernel, tp {} on {}", model.id,
                          shape.phase == Phase::kDecode ? "decode" : "prefill",
                          sc.scope == Scope::kLayer ? "layer" : (sc.scope == Scope::kModel ? "model" : "router"),
                          shape.batch, shape.phase == Phase::kDecode ? "context" : "seq",
                          shape.phase == Phase::kDecode ? shape.context : shape.seq, shape.tp, mc.name);

  uint64_t dram_requests = 0;
  for (uint32_t r = 0; r < T; ++r) {
    for (uint32_t c = 0; c < mc.gpu.hbm.channels; ++c) {
      dram_requests += static_cast<uint64_t>(ctx.stats.value(fmt::format("gpu{}.hbm.ch{}.requests", r, c)));
    }
  }
  out.events = dram_requests;
  for (const auto& rep : replayers) out.events += rep->chunk_events();
  StatsRegistry& st = ctx.stats;
  st.set("run.total_ns", out.total_ns, "ns", "simulated time of the scope");
  st.set("run.simulated_ns", out.simulated_ns, "ns", "time simulated in detail");
  st.set("run.launch_ns", out.launch_ns, "ns", "time spent launching kernels");
  st.set("run.allreduce_ns", allreduce_ns, "ns", "time in NVLink all-reduces");
  st.set("run.kernel_calls", double(out.kernel_calls), "count", "kernel launches");
  st.set("run.flops", out.flops, "flop", "floating-point operations (per GPU)");
  st.set("run.hbm_bytes", out.hbm_bytes, "bytes", "HBM traffic (per GPU)");
  st.set("run.roofline_ns", out.roofline_ns, "ns", "sum of per-kernel roofline bounds (datasheet peaks)");
  st.set("run.model_events", double(out.events), "count", "chunk steps, chunk loads and DRAM requests");
  if (ctx.trace.on()) {
    for (auto& g : gpus) g->hbm.flush_trace(mc.replay.trace_bin_ns);
  }
  out.stats = st.dump();
  if (!opt.trace_path.empty()) ctx.trace.write(opt.trace_path);
  out.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  return out;
}

}  // namespace rdusim
