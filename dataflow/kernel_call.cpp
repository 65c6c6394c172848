#include "dataflow/kernel_call.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "interconnect/fabric.hpp"

namespace rdusim {

void CallBreakdown::add(const CallBreakdown& o, double times) {
  host_ns += o.host_ns * times;
  launch_ns += o.launch_ns * times;
  program_load_ns += o.program_load_ns * times;
  argument_load_ns += o.argument_load_ns * times;
  fill_ns += o.fill_ns * times;
  stream_ns += o.stream_ns * times;
  drain_ns += o.drain_ns * times;
  sync_ns += o.sync_ns * times;
  collective_exec_ns += o.collective_exec_ns * times;
  allreduce_ns += o.allreduce_ns * times;
  token_host_ns += o.token_host_ns * times;
  calls += static_cast<uint64_t>(o.calls * times + 0.5);
  program_loads += static_cast<uint64_t>(o.program_loads * times + 0.5);
}

double CallBreakdown::total_ns() const {
  return host_ns + launch_ns + program_load_ns + argument_load_ns + fill_ns + stream_ns + drain_ns + sync_ns +
         collective_exec_ns + token_host_ns;
}

CallSequencer::CallSequencer(const LaunchParams& launch, const LinkParams& host_link, Orchestration orchestration,
                             std::vector<Socket*> sockets, std::vector<Replayer*> replayers, Fabric* fabric,
                             RunContext& ctx)
    : m_lp(launch),
      m_orch(orchestration),
      m_sockets(std::move(sockets)),
      m_replayers(std::move(replayers)),
      m_fabric(fabric),
      m_loaded(m_sockets.size()),
      m_calls(m_sockets.size(), 0),
      m_steps(m_sockets.size(), 0) {
  // One full-duplex host link per socket: index 2r carries host -> socket, 2r+1 socket -> host.
  LinkParams hl = host_link;
  if (hl.bandwidth_gbps <= 0) hl.bandwidth_gbps = 1.0;  // a machine file without host_link: never used by HO
  for (size_t r = 0; r < m_sockets.size(); ++r) {
    for (const char* dir : {"down", "up"}) {
      m_host_links.push_back(std::make_unique<Link>(fmt::format("host_link{}_{}", r, dir).c_str(), hl, ctx));
    }
  }
}

CallSequencer::~CallSequencer() = default;

double CallSequencer::host_path_ns() const {
  const LinkParams& p = m_host_links.front()->params();
  return m_lp.host_launch_ns + link_message_ns(p, m_lp.command_bytes) + link_message_ns(p, m_lp.completion_bytes);
}

void CallSequencer::host_send(uint32_t link, uint64_t bytes) {
  sc_core::sc_event arrived;
  bool done = false;
  m_host_links[link]->send(bytes, [&] {
    done = true;
    arrived.notify();
  });
  if (!done) sc_core::wait(arrived);
}

void CallSequencer::before_execute(uint32_t r, const SectionPlan& plan, CallBreakdown& acc) {
  double t0 = now_ns();
  if (m_orch == Orchestration::kHost) {
    // The host runtime issues the call, then its command crosses this socket's host link.
    if (m_lp.host_launch_ns > 0) sc_core::wait(ns(m_lp.host_launch_ns));
    host_send(2 * r, m_lp.command_bytes);
  }
  double t1 = now_ns();
  acc.host_ns += t1 - t0;
  if (m_lp.device_launch_ns > 0) sc_core::wait(ns(m_lp.device_launch_ns));  // AGCU sequencing
  double t2 = now_ns();
  acc.launch_ns += t2 - t1;
  if (m_loaded[r] != plan.kernel) {
    // Program Load: the configuration of every tile the kernel uses streams from HBM.
    if (m_lp.program_load_fixed_ns > 0) sc_core::wait(ns(m_lp.program_load_fixed_ns));
    uint64_t bytes = static_cast<uint64_t>((double(plan.pcus_used) + plan.pmus_used) * m_lp.config_bytes_per_tile);
    if (bytes > 0) {
      sc_core::sc_event loaded;
      bool done = false;
      m_sockets[r]->hbm.submit(bytes, false, [&] {
        done = true;
        loaded.notify();
      });
      if (!done) sc_core::wait(loaded);
    }
    m_loaded[r] = plan.kernel;
    ++acc.program_loads;
  }
  double t3 = now_ns();
  acc.program_load_ns += t3 - t2;
  if (m_lp.argument_load_ns > 0) sc_core::wait(ns(m_lp.argument_load_ns));
  acc.argument_load_ns += now_ns() - t3;
  ++acc.calls;
}

void CallSequencer::wait_all_completed(uint64_t call) {
  while (m_done_calls <= call) sc_core::wait(m_completion);
}

void CallSequencer::after_execute(uint32_t r, CallBreakdown& acc) {
  double t0 = now_ns();
  if (m_lp.done_token_ns > 0) sc_core::wait(ns(m_lp.done_token_ns));
  if (m_lp.retire_ns > 0) sc_core::wait(ns(m_lp.retire_ns));
  const uint64_t call = m_calls[r]++;
  const uint32_t T = static_cast<uint32_t>(m_sockets.size());
  if (m_orch == Orchestration::kDevice) {
    // The group's next call starts only once every socket is done: a sync over the P2P network.
    if (m_fabric && T > 1) m_fabric->collective(CollectiveKind::kAllReduce, r, T, m_lp.sync_bytes, (1ull << 62) | call);
  } else {
    host_send(2 * r + 1, m_lp.completion_bytes);
    if (++m_completed[call] == T) {
      m_completed.erase(call);
      m_done_calls = std::max(m_done_calls, call + 1);
      m_completion.notify();
    }
    wait_all_completed(call);
  }
  acc.sync_ns += now_ns() - t0;
}

namespace {
void add_exec(const SectionPlan& plan, const SectionResult& first, const SectionResult& last, double exec_start,
              CallBreakdown& acc) {
  double end = last.end_ns;
  bool collective_only = !plan.stages.empty();
  for (const auto& st : plan.stages) collective_only = collective_only && st.collective_bytes > 0;
  if (collective_only) {
    acc.collective_exec_ns += end - exec_start;
  } else if (first.first_load_ns < 0) {
    acc.drain_ns += end - exec_start;
  } else {
    acc.fill_ns += first.first_load_ns - exec_start;
    acc.stream_ns += last.last_load_ns - first.first_load_ns;
    acc.drain_ns += end - last.last_load_ns;
  }
  for (size_t k = 0; k < plan.stages.size() && k < first.stages.size(); ++k) {
    if (plan.stages[k].collective_bytes > 0) acc.allreduce_ns += first.stages[k].times.compute_ns;
  }
}
}  // namespace

SectionResult CallSequencer::call(uint32_t r, const SectionPlan& plan, const std::string& stats_prefix, bool trace,
                                  CallBreakdown& acc) {
  double start = now_ns();
  before_execute(r, plan, acc);
  SectionResult res = m_replayers[r]->run_section(plan, 0.0, stats_prefix, trace);
  add_exec(plan, res, res, res.exec_start_ns, acc);
  res.start_ns = start;
  after_execute(r, acc);
  return res;
}

std::vector<SectionResult> CallSequencer::looped_call(uint32_t r, const SectionPlan& plan, uint32_t iterations,
                                                      const std::string& stats_prefix, bool trace, CallBreakdown& acc) {
  double start = now_ns();
  before_execute(r, plan, acc);
  double exec_start = now_ns();
  std::vector<SectionResult> res = m_replayers[r]->run_looped(plan, iterations, stats_prefix, trace);
  add_exec(plan, res.front(), res.back(), exec_start, acc);
  for (size_t i = 1; i < res.size(); ++i) {
    for (size_t k = 0; k < plan.stages.size() && k < res[i].stages.size(); ++k) {
      if (plan.stages[k].collective_bytes > 0) acc.allreduce_ns += res[i].stages[k].times.compute_ns;
    }
  }
  res.front().start_ns = start;
  res.front().exec_start_ns = exec_start;
  after_execute(r, acc);
  return res;
}

void CallSequencer::start_step(uint32_t r, CallBreakdown& acc) {
  if (m_orch != Orchestration::kDevice) return;  // SO: the first call's command starts the step
  double t0 = now_ns();
  // HO: the host runtime hands the step's schedule to the AGCUs once.
  if (m_lp.host_launch_ns > 0) sc_core::wait(ns(m_lp.host_launch_ns));
  host_send(2 * r, m_lp.command_bytes);
  acc.token_host_ns += now_ns() - t0;
}

void CallSequencer::end_step(uint32_t r, uint64_t vocab, CallBreakdown& acc) {
  ++m_steps[r];
  if (r != 0) return;
  double t0 = now_ns();
  host_send(1, static_cast<uint64_t>(vocab * m_lp.logits_bytes_per_vocab));  // logits, rank 0 -> host
  if (m_lp.host_sampling_ns > 0) sc_core::wait(ns(m_lp.host_sampling_ns));
  acc.token_host_ns += now_ns() - t0;
}

namespace {

// A job whose repeats are plain calls: two passes, extrapolated by the second.
void run_passes(CallSequencer& seq, uint32_t r, const StepJob& job, JobTiming* out) {
  const uint32_t passes = std::min<uint32_t>(job.repeat, 2);
  double pass_ns[2] = {0.0, 0.0};
  CallBreakdown acc[2];
  for (uint32_t p = 0; p < passes; ++p) {
    double t0 = now_ns();
    for (const auto& plan : *job.plans) {
      bool detail = out && p == 0;
      SectionResult res = seq.call(r, plan, detail ? "ops." + job.name : "", detail, acc[p]);
      if (detail) out->first.push_back(std::move(res));
    }
    pass_ns[p] = now_ns() - t0;
  }
  if (!out) return;
  out->simulated_passes = passes;
  out->total_ns = pass_ns[0] + (job.repeat - 1) * pass_ns[passes - 1];
  out->breakdown.add(acc[0], 1.0);
  out->breakdown.add(acc[passes - 1], job.repeat - 1);
  out->calls = job.plans->size() * uint64_t(job.repeat);
}

// A looped job: one call; up to four iterations simulated, the rest extrapolated by the last.
void run_loop(CallSequencer& seq, uint32_t r, const StepJob& job, JobTiming* out) {
  const uint32_t k = std::min<uint32_t>(job.repeat, 4);
  CallBreakdown acc;
  double t0 = now_ns();
  std::vector<SectionResult> res = seq.looped_call(r, job.plans->front(), k, out ? "ops." + job.name : "", !!out, acc);
  double t1 = now_ns();
  if (!out) return;
  double per_iter = k > 1 ? res[k - 1].end_ns - res[k - 2].end_ns : 0.0;
  out->simulated_passes = k;
  out->total_ns = (t1 - t0) + (job.repeat - k) * per_iter;
  acc.stream_ns += (job.repeat - k) * per_iter;  // a steady-state iteration streams the next layer
  out->breakdown.add(acc, 1.0);
  out->calls = 1;
  out->first.push_back(res.front());
}

}  // namespace

void run_step(CallSequencer& seq, uint32_t r, const std::vector<StepJob>& jobs, uint64_t vocab,
              std::vector<JobTiming>* timings, CallBreakdown* token) {
  CallBreakdown host;
  seq.start_step(r, host);
  if (timings) timings->assign(jobs.size(), {});
  for (size_t j = 0; j < jobs.size(); ++j) {
    const StepJob& job = jobs[j];
    JobTiming* out = timings ? &(*timings)[j] : nullptr;
    if (job.looped && job.plans->size() == 1 && job.repeat > 1) {
      run_loop(seq, r, job, out);
    } else {
      run_passes(seq, r, job, out);
    }
  }
  seq.end_step(r, vocab, host);
  if (token) *token = host;
}

namespace {
struct Part {
  const char* key;
  double CallBreakdown::*field;
  const char* what;
};
const Part kParts[] = {
    {"stream_ns", &CallBreakdown::stream_ns, "weight / KV / activation streaming: first to last memory arrival"},
    {"fill_ns", &CallBreakdown::fill_ns, "call boundary: Kernel Execute start to the first memory arrival (fill)"},
    {"drain_ns", &CallBreakdown::drain_ns, "call boundary: last memory arrival to the last stage's end (drain)"},
    {"sync_ns", &CallBreakdown::sync_ns, "call boundary: done tokens + TP-group sync (HO) or completion to host (SO)"},
    {"argument_load_ns", &CallBreakdown::argument_load_ns, "call boundary: Argument Load"},
    {"launch_ns", &CallBreakdown::launch_ns, "AGCU sequencing of each call"},
    {"program_load_ns", &CallBreakdown::program_load_ns, "Program Loads (program changes only)"},
    {"host_ns", &CallBreakdown::host_ns, "SO: host runtime + commands over the host link"},
    {"collective_exec_ns", &CallBreakdown::collective_exec_ns, "Kernel Execute of all-reduce-only calls (unfused)"},
    {"token_host_ns", &CallBreakdown::token_host_ns, "per token: step start, logits read back, sampling"},
    {"allreduce_ns", &CallBreakdown::allreduce_ns, "inside execute: all-reduce stage time (overlaps streaming)"},
};
}  // namespace

void add_breakdown_stats(StatsRegistry& stats, const CallBreakdown& b) {
  for (const auto& p : kParts) stats.set(std::string("run.breakdown.") + p.key, b.*(p.field), "ns", p.what);
  stats.set("run.breakdown.calls", double(b.calls), "count", "kernel calls in the step");
  stats.set("run.breakdown.program_loads", double(b.program_loads), "count", "Program Loads in the step");
}

std::vector<std::pair<std::string, double>> breakdown_parts(const CallBreakdown& b) {
  std::vector<std::pair<std::string, double>> out;
  for (const auto& p : kParts) out.emplace_back(p.key, b.*(p.field));
  return out;
}

std::string format_breakdown(const CallBreakdown& b, double total_ns) {
  std::string s = "  step breakdown :";
  int n = 0;
  for (const auto& p : kParts) {
    double v = b.*(p.field);
    std::string key(p.key);
    if (p.field == &CallBreakdown::allreduce_ns) {  // inside Kernel Execute: not a part of the sum
      s += fmt::format(
          "\n                  inside execute (overlaps the parts above): all-reduce stages busy {:.2f} us", v / 1e3);
      continue;
    }
    s += fmt::format("{}{} {:.2f} us ({:.1f}%)", n++ % 4 == 0 && n > 1 ? "\n                  " : (n > 1 ? ", " : " "),
                     key.substr(0, key.size() - 3), v / 1e3, total_ns > 0 ? 100.0 * v / total_ns : 0.0);
  }
  s += fmt::format("\n                   {} calls, {} Program Loads\n", b.calls, b.program_loads);
  return s;
}

}  // namespace rdusim
