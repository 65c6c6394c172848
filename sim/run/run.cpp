// sim/run/run.cpp
// `rdusim run`: machine + model + scenario -> kernels -> replay on every rank -> outcome.
#include "sim/run/run.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "sim/config/overrides.hpp"

namespace rdusim {
namespace {

struct Job {
  std::string name;
  Graph graph;
  uint32_t repeat = 1;
  MappedGraph mapped;
  std::vector<SectionPlan> plans;  // mapped.kernels' plans, in order (the call sequencer's input)
};

double roofline(const SectionPlan& p, const TargetTraits& t) {
  double compute = p.flops / (t.peak_tflops * 1e3);
  double hbm = p.hbm_bytes / t.roofline_hbm_gbps;
  double ddr = p.ddr_bytes > 0 ? p.ddr_bytes / t.roofline_ddr_gbps : 0.0;
  return std::max({compute, hbm, ddr});
}

// Replays every job on every rank of the node; returns rank 0's results per job.
std::vector<std::vector<SectionResult>> execute(Node& node, const Target& target, const std::vector<Job>& jobs) {
  std::vector<std::vector<SectionResult>> results(jobs.size());
  node.run("run", [&](uint32_t r) {
    double schedule = target.schedule_launch_ns();
    if (schedule > 0) sc_core::wait(ns(schedule));
    std::string prev;
    for (size_t j = 0; j < jobs.size(); ++j) {
      for (const auto& k : jobs[j].mapped.kernels) {
        double launch = target.launch_ns(k, prev);
        prev = k.plan.kernel;
        SectionResult res = node.replayer(r).run_section(k.plan, launch, r == 0 ? "ops." + jobs[j].name : "", r == 0);
        if (r == 0) results[j].push_back(std::move(res));
      }
    }
  });
  return results;
}

// Runs the step through the kernel-call lifecycle on every rank (RDU); rank 0's timing per job,
// and the per-token work in `token`.
std::vector<JobTiming> execute_calls(Node& node, CallSequencer& seq, const std::vector<Job>& jobs, const Scenario& sc,
                                     uint64_t vocab, CallBreakdown& token) {
  std::vector<StepJob> steps;
  for (const auto& j : jobs) steps.push_back({j.name, &j.plans, j.repeat, sc.looped});
  std::vector<JobTiming> timings;
  node.run("run",
           [&](uint32_t r) { run_step(seq, r, steps, vocab, r == 0 ? &timings : nullptr, r == 0 ? &token : nullptr); });
  return timings;
}

// Adds one job's kernels (rank 0's results, repeated layers counted `repeat` times) to `out`;
// node-level figures scale by the `scale` ranks of the reporting scope.
void account_job(const Job& job, const std::vector<SectionResult>& results, const Target& target, double scale,
                 RunOutcome& out) {
  const TargetTraits& t = target.traits();
  double exec_ns = 0.0, launch_first = 0.0, launch_repeat = 0.0;
  std::string prev = job.mapped.kernels.back().plan.kernel;  // a repeated layer follows itself
  for (size_t k = 0; k < job.mapped.kernels.size(); ++k) {
    const SectionResult& r = results[k];
    const KernelPlan& kp = job.mapped.kernels[k];
    const SectionPlan& p = kp.plan;
    exec_ns += r.exec_ns();
    launch_first += r.launch_ns();
    launch_repeat += target.launch_ns(kp, prev);
    prev = p.kernel;
    if (kp.collective) out.collective_ns += (r.exec_ns() + t.collective_fixed_ns) * job.repeat;
    SectionRecord rec{r, roofline(p, t), p.flops, p.hbm_bytes, p.pcus_used, job.name};
    out.sections.push_back(rec);
    out.flops += p.flops * job.repeat * scale;
    out.hbm_bytes += double(p.hbm_bytes) * job.repeat * scale;
    for (const auto& st : r.stages) out.pcu_busy_ns += st.times.compute_ns * st.pcus * job.repeat * scale;
    out.roofline_ns += rec.roofline_ns * job.repeat;
  }
  if (t.repeat_launch == RepeatLaunch::kRecomputed) {
    double job_launch = launch_first + (job.repeat - 1) * launch_repeat;
    out.launch_ns += job_launch;
    out.total_ns += exec_ns * job.repeat + job_launch;
  } else {
    out.launch_ns += launch_first * job.repeat;
    out.total_ns += (exec_ns + launch_first) * job.repeat;
  }
  out.kernel_calls += job.mapped.kernels.size() * job.repeat;
  if (job.repeat > 1) {
    out.notes.push_back(
        fmt::format("{}: 1 layer simulated in detail, timing reused for {} identical layers", job.name, job.repeat));
  }
  for (const auto& n : job.mapped.notes) out.notes.push_back(n);
}

std::string title(const Scenario& sc, const Workload& w, const Target& target) {
  const StepShape& shape = sc.shape;
  bool decode = shape.phase == Phase::kDecode;
  return fmt::format("{} {} {}, batch {}, {} {}, {}, tp {} on {}", w.model.id, decode ? "decode" : "prefill",
                     sc.scope == Scope::kLayer ? "layer" : (sc.scope == Scope::kModel ? "model" : "router"),
                     shape.batch, decode ? "context" : "seq", decode ? shape.context : shape.seq, target.execution(sc),
                     shape.tp, target.traits().machine_name);
}

// The model document the run used, overrides applied (the composition for scope "router").
nlohmann::json model_document(const Scenario& sc, const Workload& w) {
  if (sc.scope == Scope::kRouter) return JsonReader::load_file(w.file).raw();
  return load_with_overrides(w.file, sc.model_overrides).raw();
}

// The outcome's machine figures for the reporting scope.
RunOutcome begin_outcome(const Scenario& sc, const Target& target) {
  const TargetTraits& t = target.traits();
  const uint32_t scale = t.report_all_ranks ? sc.shape.tp : 1;
  RunOutcome out;
  out.simulated_ns = now_ns();
  out.sockets = scale;
  out.hbm_peak_gbps = t.roofline_hbm_gbps * scale;
  out.peak_tflops = t.peak_tflops * scale;
  out.pcu_count = uint64_t(t.compute_units) * scale;
  out.clock_ghz = t.clock_ghz;
  out.notes = target.leading_notes();
  return out;
}

// Adds one job's calls as the call sequencer timed them (repeats and loops included).
void account_call_job(const Job& job, const JobTiming& tm, const Target& target, double scale, const Scenario& sc,
                      RunOutcome& out) {
  const TargetTraits& t = target.traits();
  for (size_t k = 0; k < tm.first.size() && k < job.plans.size(); ++k) {
    const SectionPlan& p = job.plans[k];
    out.sections.push_back({tm.first[k], roofline(p, t), p.flops, p.hbm_bytes, p.pcus_used, job.name});
  }
  for (const auto& p : job.plans) {
    out.flops += p.flops * job.repeat * scale;
    out.hbm_bytes += double(p.hbm_bytes) * job.repeat * scale;
    out.roofline_ns += roofline(p, t) * job.repeat;
  }
  for (const auto& r : tm.first)
    for (const auto& st : r.stages) out.pcu_busy_ns += st.times.compute_ns * st.pcus * job.repeat * scale;
  out.breakdown.add(tm.breakdown, 1.0);
  out.total_ns += tm.total_ns;
  out.kernel_calls += tm.calls;
  if (job.repeat > 1) {
    bool loop = sc.looped && job.plans.size() == 1;
    out.notes.push_back(fmt::format("{}: {} {} simulated in detail, extrapolated to {} identical layers", job.name,
                                    tm.simulated_passes, loop ? "loop iterations" : "layers", job.repeat));
  }
  for (const auto& n : job.mapped.notes) out.notes.push_back(n);
}

RunOutcome account_calls(const Scenario& sc, const Workload& w, const Target& target, const std::vector<Job>& jobs,
                         const std::vector<JobTiming>& timings, const CallBreakdown& token) {
  RunOutcome out = begin_outcome(sc, target);
  const double scale = out.sockets;
  out.breakdown = token;
  out.call_lifecycle = true;
  out.total_ns = token.total_ns();
  for (size_t j = 0; j < jobs.size(); ++j) account_call_job(jobs[j], timings[j], target, scale, sc, out);
  const CallBreakdown& b = out.breakdown;
  out.launch_ns = b.host_ns + b.launch_ns + b.program_load_ns + b.argument_load_ns + b.sync_ns + b.token_host_ns;
  out.collective_ns = b.allreduce_ns;
  std::string trailing = target.trailing_note(out, sc);
  if (!trailing.empty()) out.notes.push_back(trailing);
  out.title = title(sc, w, target);
  return out;
}

RunOutcome account(const Scenario& sc, const Workload& w, const Target& target, const std::vector<Job>& jobs,
                   const std::vector<std::vector<SectionResult>>& results) {
  RunOutcome out = begin_outcome(sc, target);
  const uint32_t scale = out.sockets;
  out.launch_ns = target.schedule_launch_ns();
  out.total_ns = out.launch_ns;
  for (size_t j = 0; j < jobs.size(); ++j) account_job(jobs[j], results[j], target, scale, out);
  std::string trailing = target.trailing_note(out, sc);
  if (!trailing.empty()) out.notes.push_back(trailing);
  out.breakdown.launch_ns = out.launch_ns;  // kernel by kernel: launches, and kernels executing
  out.breakdown.stream_ns = out.total_ns - out.launch_ns;
  out.breakdown.allreduce_ns = out.collective_ns;
  out.breakdown.calls = out.kernel_calls;
  out.title = title(sc, w, target);
  return out;
}

}  // namespace

RunOutcome run_scenario(const Scenario& sc, const RunOptions& opt) {
  auto wall0 = std::chrono::steady_clock::now();
  std::string machine_path = resolve_config(sc.machine, "configs/machines");
  JsonReader machine_doc = load_with_overrides(machine_path, sc.machine_overrides);
  std::unique_ptr<Target> target = make_target(machine_doc, sc);
  Workload workload = load_workload(sc);
  target->check(sc, workload, opt);
  std::vector<Job> jobs;
  for (auto& g : workload.graphs) jobs.push_back({g.name, std::move(g.graph), g.repeat, {}});
  for (auto& j : jobs) {
    j.mapped = target->map(j.graph, j.name);
    for (const auto& k : j.mapped.kernels) j.plans.push_back(k.plan);
  }

  RunContext ctx;
  ctx.trace.enable(!opt.trace_path.empty());
  Node node(target->node(sc.shape.tp), ctx);
  RunOutcome out;
  // The sequencer's host links register stats: it lives until the registry is dumped below.
  std::unique_ptr<CallSequencer> seq = target->sequencer(node, ctx);
  if (seq) {
    CallBreakdown token;
    auto timings = execute_calls(node, *seq, jobs, sc, workload.model.vocab, token);
    out = account_calls(sc, workload, *target, jobs, timings, token);
  } else {
    out = account(sc, workload, *target, jobs, execute(node, *target, jobs));
  }
  out.events = node.dram_requests(ctx.stats, target->traits().tiers) + node.chunk_events();
  record_run_stats(ctx.stats, out, target->traits().scope);
  node.flush_traces(target->traits().tiers, target->trace_bin_ns());
  out.stats = ctx.stats.dump();
  out.stats["config"] = run_config(machine_doc.raw(), model_document(sc, workload), sc);
  if (!opt.trace_path.empty()) ctx.trace.write(opt.trace_path);
  out.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  return out;
}

}  // namespace rdusim
