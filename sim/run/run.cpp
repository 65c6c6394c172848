// sim/run/run.cpp
// `rdusim run`: machine + model + scenario -> sections -> replay -> outcome.
#include "sim/run/run.hpp"

#include <fmt/format.h>

#include <chrono>
#include <map>
#include <optional>

#include "dataflow/kernel_call.hpp"
#include "dataflow/mapper.hpp"
#include "dataflow/socket.hpp"
#include "interconnect/fabric.hpp"
#include "sim/run/all_ranks.hpp"
#include "sim/run/executor.hpp"
#include "sim/run/run_gpu.hpp"
#include "workloads/router.hpp"
#include "workloads/step_graphs.hpp"

namespace rdusim {
namespace {

struct Job {
  std::string name;
  Graph graph;
  uint32_t repeat = 1;
  std::vector<SectionPlan> plans;
};

// Weights (per socket shard) must fit in HBM, the model's home tier; the KV cache goes to HBM
// when it fits beside them, else it spills to DDR. Returns true when the KV cache spills.
bool place_kv(const ModelConfig& m, const StepShape& s, const MachineConfig& mc, const std::string& model_path) {
  double weights = shard_weight_bytes(m, s), kv = shard_kv_bytes(m, s);
  double cap = mc.socket.hbm.capacity_bytes;
  if (weights > cap) {
    throw SimError(model_path, "",
                   fmt::format("does not fit in HBM: needs {:.1f} GB of weights per socket at tp={} but "
                               "{}:/socket/hbm/capacity_gb gives {:.1f} GB",
                               weights / 1e9, s.tp, mc.file, cap / 1e9));
  }
  if (weights + kv <= cap) return false;
  if (kv > mc.socket.ddr.capacity_bytes) {
    throw SimError(model_path, "",
                   fmt::format("KV cache of {:.1f} GB per socket fits neither beside the weights in HBM nor in "
                               "{}:/socket/ddr/capacity_gb ({:.1f} GB)",
                               kv / 1e9, mc.file, mc.socket.ddr.capacity_bytes / 1e9));
  }
  return true;
}

double roofline(const SectionPlan& p, const SocketParams& sp) {
  double compute = p.flops / (sp.pcu.peak_tflops() * 1e3);
  double hbm = p.hbm_bytes / sp.hbm.total_bandwidth_gbps();
  double ddr = p.ddr_bytes / sp.ddr.total_bandwidth_gbps();
  return std::max({compute, hbm, ddr});
}

}  // namespace

RunOutcome run_scenario(const Scenario& sc, const RunOptions& opt) {
  auto wall0 = std::chrono::steady_clock::now();
  std::string machine_path = resolve_config(sc.machine, "configs/machines");
  JsonReader machine_doc = load_with_overrides(machine_path, sc.machine_overrides);
  if (machine_kind(machine_doc) == "gpu") return run_gpu_scenario(sc, opt, machine_doc);  // DGX machines
  MachineConfig mc = parse_machine(machine_doc);
  Workload workload = load_workload(sc);
  const std::string& model_path = workload.file;
  const ModelConfig& model = workload.model;
  if (sc.chunks) mc.replay.chunks_per_stream = sc.chunks;
  const StepShape& shape = sc.shape;
  if (shape.tp > mc.sockets) {
    throw SimError(sc.file, "/tp", fmt::format("tp={} exceeds the {} socket(s) of {}", shape.tp, mc.sockets, mc.file));
  }
  bool kv_spilled = place_kv(model, shape, mc, model_path);

  std::vector<Job> jobs;
  for (auto& g : workload.graphs) jobs.push_back({g.name, std::move(g.graph), g.repeat, {}});
  for (auto& j : jobs) {
    if (kv_spilled) {
      for (auto v : boost::make_iterator_range(boost::vertices(j.graph))) j.graph[v].state_in_ddr = true;
    }
    j.plans = map_graph(j.graph, sc.fusion, mc.socket, mc.replay, j.name);
  }

  // Elaboration: one socket per tensor-parallel rank, the P2P fabric, one replayer per socket.
  RunContext ctx;
  ctx.trace.enable(!opt.trace_path.empty());
  const uint32_t T = shape.tp;
  std::vector<std::unique_ptr<Socket>> sockets;
  for (uint32_t r = 0; r < T; ++r)
    sockets.push_back(std::make_unique<Socket>(fmt::format("rdu{}", r).c_str(), mc.socket, ctx));
  std::unique_ptr<Fabric> fabric;
  if (T > 1) fabric = std::make_unique<Fabric>("p2p", mc.fabric, ctx);
  std::vector<std::unique_ptr<Replayer>> replayers;
  for (uint32_t r = 0; r < T; ++r) {
    replayers.push_back(std::make_unique<Replayer>(*sockets[r], ctx, mc.replay, CollectiveGroup{fabric.get(), r, T}));
  }
  // The step's kernel calls through their lifecycle (dataflow/kernel_call.hpp).
  const double hbm_gbps = mc.socket.hbm.total_bandwidth_gbps();
  std::vector<StepJob> step_jobs;
  for (const auto& j : jobs) step_jobs.push_back({j.name, &j.plans, j.repeat, sc.looped});
  std::vector<Socket*> socket_ptrs;
  std::vector<Replayer*> replayer_ptrs;
  for (uint32_t r = 0; r < T; ++r) socket_ptrs.push_back(sockets[r].get()), replayer_ptrs.push_back(replayers[r].get());
  CallSequencer seq(mc.socket.launch, mc.host_link, sc.orchestration, socket_ptrs, replayer_ptrs, fabric.get(), ctx);
  std::vector<JobTiming> timings;
  CallBreakdown token;
  auto rank_script = [&](uint32_t r) {
    run_step(seq, r, step_jobs, model.vocab, r == 0 ? &timings : nullptr, r == 0 ? &token : nullptr);
  };
  Executor exec("run", [&] { run_on_all_ranks(T, rank_script); });
  sc_core::sc_start();
  exec.rethrow();
  if (!exec.finished()) {
    std::string list;
    for (const auto& rp : replayers)
      for (const auto& s : rp->stalled()) list += (list.empty() ? "" : "; ") + s;
    throw SimError("", "graph", "deadlock at " + fmt::format("{:.3f}", now_ns() / 1e3) + " us, stalled: " + list);
  }

  RunOutcome out;
  out.simulated_ns = now_ns();
  // Plans are per socket; node-level figures scale by the T sockets that run them.
  out.sockets = T;
  out.hbm_peak_gbps = hbm_gbps * T;
  out.peak_tflops = mc.socket.pcu.peak_tflops() * T;
  out.pcu_count = mc.socket.pcu.count * T;
  out.clock_ghz = mc.socket.pcu.clock_ghz;
  if (kv_spilled) out.notes.push_back("KV cache does not fit beside the weights in HBM: spilled to DDR");
  out.breakdown = token;
  out.total_ns = token.total_ns();
  for (size_t j = 0; j < jobs.size(); ++j) {
    const Job& job = jobs[j];
    const JobTiming& tm = timings[j];
    for (size_t k = 0; k < tm.first.size() && k < job.plans.size(); ++k) {
      const SectionResult& r = tm.first[k];
      SectionRecord rec{r,
                        roofline(job.plans[k], mc.socket),
                        job.plans[k].flops,
                        job.plans[k].hbm_bytes,
                        job.plans[k].pcus_used,
                        job.name};
      out.sections.push_back(rec);
    }
    for (const auto& plan : job.plans) {
      out.flops += plan.flops * job.repeat * T;
      out.hbm_bytes += double(plan.hbm_bytes) * job.repeat * T;
      out.roofline_ns += roofline(plan, mc.socket) * job.repeat;
    }
    for (const auto& r : tm.first)
      for (const auto& st : r.stages) out.pcu_busy_ns += st.times.compute_ns * st.pcus * job.repeat * T;
    out.breakdown.add(tm.breakdown, 1.0);
    out.total_ns += tm.total_ns;
    out.kernel_calls += tm.calls;
    if (job.repeat > 1) {
      out.notes.push_back(fmt::format("{}: {} {} simulated in detail, extrapolated to {} identical layers", job.name,
                                      tm.simulated_passes,
                                      sc.looped && job.plans.size() == 1 ? "loop iterations" : "layers", job.repeat));
    }
    if (job.plans.size() > 1 && sc.fusion == Fusion::kFused) {
      out.notes.push_back(
          fmt::format("{}: fused graph split into {} sections to fit PMU SRAM", job.name, job.plans.size()));
    }
  }
  const CallBreakdown& b = out.breakdown;
  out.launch_ns = b.host_ns + b.launch_ns + b.program_load_ns + b.argument_load_ns + b.sync_ns + b.token_host_ns;
  out.title = fmt::format("{} {} {}, batch {}, {} {}, {}, {} orchestration, tp {} on {}", model.id,
                          shape.phase == Phase::kDecode ? "decode" : "prefill",
                          sc.scope == Scope::kLayer ? "layer" : (sc.scope == Scope::kModel ? "model" : "router"),
                          shape.batch, shape.phase == Phase::kDecode ? "context" : "seq",
                          shape.phase == Phase::kDecode ? shape.context : shape.seq, fusion_name(sc.fusion),
                          sc.orchestration == Orchestration::kHost ? "host" : "device", shape.tp, mc.name);

  uint64_t dram_requests = 0;
  for (uint32_t r = 0; r < T; ++r) {
    for (const char* t : {"hbm", "ddr"}) {
      for (uint32_t c = 0; c < (t[0] == 'h' ? mc.socket.hbm.channels : mc.socket.ddr.channels); ++c) {
        dram_requests += static_cast<uint64_t>(ctx.stats.value(fmt::format("rdu{}.{}.ch{}.requests", r, t, c)));
      }
    }
  }
  out.events = dram_requests;
  for (const auto& rp : replayers) out.events += rp->chunk_events();
  StatsRegistry& st = ctx.stats;
  st.set("run.total_ns", out.total_ns, "ns", "simulated time of the scope");
  st.set("run.simulated_ns", out.simulated_ns, "ns", "time simulated in detail");
  st.set("run.launch_ns", out.launch_ns, "ns", "time spent launching kernels");
  st.set("run.kernel_calls", double(out.kernel_calls), "count", "kernel launches");
  st.set("run.flops", out.flops, "flop", "floating-point operations");
  st.set("run.hbm_bytes", out.hbm_bytes, "bytes", "HBM traffic");
  st.set("run.pcu_utilization", out.pcu_busy_ns / (double(out.pcu_count) * out.total_ns), "ratio",
         "busy PCU-time over (PCUs x time), all sockets");
  st.set("run.hbm_bw_fraction", out.hbm_bytes / out.total_ns / out.hbm_peak_gbps, "ratio",
         "HBM bytes over (aggregate peak bandwidth x time)");
  st.set("run.roofline_ns", out.roofline_ns, "ns", "sum of per-section roofline bounds");
  st.set("run.model_events", double(out.events), "count", "chunk steps, chunk loads and DRAM requests");
  add_breakdown_stats(st, out.breakdown);
  if (ctx.trace.on()) {
    for (auto& sk : sockets) {
      sk->hbm.flush_trace(mc.replay.trace_bin_ns);
      sk->ddr.flush_trace(mc.replay.trace_bin_ns);
    }
  }
  out.stats = st.dump();
  if (!opt.trace_path.empty()) ctx.trace.write(opt.trace_path);
  out.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  return out;
}

std::string format_summary(const RunOutcome& o) {
  std::string s = fmt::format("rdusim run: {}\n", o.title);
  double us = o.total_ns / 1e3;
  s += fmt::format("  simulated time : {:.2f} us ({:.0f} cycles at {} GHz)\n", us, o.total_ns * o.clock_ghz,
                   o.clock_ghz);
  s += fmt::format("  kernels        : {} calls, call boundaries outside execute {:.2f} us ({:.1f}% of the time)\n",
                   o.kernel_calls, o.launch_ns / 1e3, 100.0 * o.launch_ns / o.total_ns);
  s += fmt::format(
      "  achieved       : {:.2f} TFLOPS ({:.1f}% of {:.0f} peak), HBM {:.0f} GB/s ({:.1f}% of {:.0f} GB/s)\n",
      o.flops / o.total_ns / 1e3, 100.0 * o.flops / o.total_ns / 1e3 / o.peak_tflops, o.peak_tflops,
      o.hbm_bytes / o.total_ns, 100.0 * o.hbm_bytes / o.total_ns / o.hbm_peak_gbps, o.hbm_peak_gbps);
  s += fmt::format("  roofline bound : {:.2f} us; simulated / bound = {:.3f}\n", o.roofline_ns / 1e3,
                   o.total_ns / o.roofline_ns);
  s += format_breakdown(o.breakdown, o.total_ns);
  for (const auto& n : o.notes) s += "  note           : " + n + "\n";
  s += fmt::format("  {:<26} {:>5} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>9}\n", "section / stage", "pcus",
                   "launch us", "exec us", "bound us", "compute us", "wait mem", "wait in", "wait out");
  for (const auto& r : o.sections) {
    s += fmt::format("  {:<26} {:>5} {:>10.2f} {:>10.2f} {:>10.2f}\n", r.result.name.substr(0, 26), r.pcus_used,
                     r.result.launch_ns() / 1e3, r.result.exec_ns() / 1e3, r.roofline_ns / 1e3);
    if (r.result.stages.size() > 1 || r.result.stages.empty()) {
      for (const auto& st : r.result.stages) {
        s += fmt::format("    {:<24} {:>5} {:>10} {:>10} {:>10} {:>10.2f} {:>10.2f} {:>10.2f} {:>9.2f}\n",
                         st.name.substr(0, 24), st.pcus, "", "", "", st.times.compute_ns / 1e3,
                         st.times.wait_memory_ns / 1e3, st.times.wait_input_ns / 1e3, st.times.wait_output_ns / 1e3);
      }
    } else {
      const auto& st = r.result.stages.front();
      s.pop_back();
      s += fmt::format(" {:>10.2f} {:>10.2f} {:>10.2f} {:>9.2f}\n", st.times.compute_ns / 1e3,
                       st.times.wait_memory_ns / 1e3, st.times.wait_input_ns / 1e3, st.times.wait_output_ns / 1e3);
    }
  }
  s += fmt::format("  simulator      : {} model events in {:.3f} s wall ({:.2f} M events/s)\n", o.events, o.wall_s,
                   o.events / o.wall_s / 1e6);
  return s;
}

}  // namespace rdusim
