// dataflow/kernel_call.hpp
// The kernel-call lifecycle as simulated events, for every socket of a tensor-parallel group:
// Program Load (only when the socket's loaded program changes; the configuration bytes stream from
// HBM) -> Argument Load -> Kernel Execute (the replay) -> completion (done tokens gathered on the
// socket), then either a synchronisation of the group over the P2P network (HO: the schedule runs
// on the AGCUs) or, under software orchestration (SO), a completion notice to the host over the
// socket's host link; the host issues the next call (host runtime, then a command over each
// socket's host link) only once every socket has completed. The next call's loads begin only at
// its Kernel Execute, so pipeline drain and fill are simulated, not added.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "dataflow/launch.hpp"
#include "dataflow/replay.hpp"
#include "interconnect/link.hpp"

namespace rdusim {

// Where the time of a step went, summed over its calls (rank 0's view).
struct CallBreakdown {
  double host_ns = 0.0;             // SO: host runtime + commands over the host link (and waits on the host)
  double launch_ns = 0.0;           // AGCU sequencing of each call
  double program_load_ns = 0.0;     // configuration bytes streamed from HBM, only on a program change
  double argument_load_ns = 0.0;    // Argument Load
  double fill_ns = 0.0;             // Kernel Execute start to the first memory arrival
  double stream_ns = 0.0;           // first to last memory arrival (weight / KV / activation streaming)
  double drain_ns = 0.0;            // last memory arrival to the last stage's end
  double sync_ns = 0.0;             // done tokens + TP-group sync (HO) or completion to the host (SO)
  double collective_exec_ns = 0.0;  // Kernel Execute of calls that are only an all-reduce (unfused)
  double allreduce_ns = 0.0;        // inside Kernel Execute: time the all-reduce stages spent
  double token_host_ns = 0.0;       // per generated token: logits read back, sampling, next step start
  uint64_t calls = 0, program_loads = 0;
  void add(const CallBreakdown& o, double times);
  double total_ns() const;
};

class CallSequencer {
 public:
  // One sequencer per group; `replayers[r]` runs rank r's sections on `sockets[r]`.
  CallSequencer(const LaunchParams& launch, const LinkParams& host_link, Orchestration orchestration,
                std::vector<Socket*> sockets, std::vector<Replayer*> replayers, Fabric* fabric, RunContext& ctx);
  ~CallSequencer();

  // From rank r's thread, the same calls in the same order on every rank. Accumulates rank r's
  // time into `acc`.
  SectionResult call(uint32_t r, const SectionPlan& plan, const std::string& stats_prefix, bool trace,
                     CallBreakdown& acc);
  // One looped call of `iterations` iterations of `plan` (kernel looping): one boundary in all.
  std::vector<SectionResult> looped_call(uint32_t r, const SectionPlan& plan, uint32_t iterations,
                                         const std::string& stats_prefix, bool trace, CallBreakdown& acc);
  // Per generated token: the host starts the step (host runtime + a command to each socket) ...
  void start_step(uint32_t r, CallBreakdown& acc);
  // ... and, after its last call, reads rank 0's logits back and samples the next token.
  void end_step(uint32_t r, uint64_t vocab, CallBreakdown& acc);

  // Closed forms (for tests): the host path of one SO call, and one message on an idle host link.
  double host_path_ns() const;

 private:
  void before_execute(uint32_t r, const SectionPlan& plan, CallBreakdown& acc);
  void after_execute(uint32_t r, CallBreakdown& acc);
  void host_send(uint32_t r, uint64_t bytes);  // waits until delivered
  void wait_all_completed(uint64_t call);      // SO: every socket's completion of `call` arrived

  LaunchParams m_lp;
  Orchestration m_orch;
  std::vector<Socket*> m_sockets;
  std::vector<Replayer*> m_replayers;
  Fabric* m_fabric;
  std::vector<std::unique_ptr<Link>> m_host_links;  // one per socket
  std::vector<std::string> m_loaded;                // program loaded on each socket
  std::vector<uint64_t> m_calls;                    // calls issued per rank
  std::map<uint64_t, uint32_t> m_completed;         // SO: completions per call
  uint64_t m_done_calls = 0;                        // SO: calls every socket completed
  sc_core::sc_event m_completion;
  std::vector<uint64_t> m_steps;  // per rank
};

}  // namespace rdusim

namespace rdusim {

// A step (one forward pass: one generated token) as the run path hands it over: each job is a
// graph's calls, repeated `repeat` times (identical layers).
struct StepJob {
  std::string name;
  const std::vector<SectionPlan>* plans = nullptr;
  uint32_t repeat = 1;
  bool looped = false;  // kernel looping: the repeats become one looped call (single-section jobs)
};

struct JobTiming {
  double total_ns = 0.0;             // all `repeat` passes, boundaries included
  CallBreakdown breakdown;           // the same, by kind
  std::vector<SectionResult> first;  // the first pass's calls (for the report)
  uint32_t simulated_passes = 0;     // passes (or loop iterations) simulated in detail
  uint64_t calls = 0;                // kernel calls of the job in the step
};

// From rank r's thread: start the step, run every job, end the step. Repeats are simulated, not
// added: two consecutive passes of a job (so the second sees the call boundary from the same
// kernel, Program Load skipped), extrapolated by the second; a looped job simulates up to four
// iterations and extrapolates by the last one. Rank 0 fills `timings` and `token`.
void run_step(CallSequencer& seq, uint32_t r, const std::vector<StepJob>& jobs, uint64_t vocab,
              std::vector<JobTiming>* timings, CallBreakdown* token);

// `run.breakdown.*` in stats.json, and the summary lines `rdusim run` prints.
void add_breakdown_stats(StatsRegistry& stats, const CallBreakdown& b);
// The breakdown's parts as (key, ns), in the order stats.json lists them (stream_ns first).
std::vector<std::pair<std::string, double>> breakdown_parts(const CallBreakdown& b);
std::string format_breakdown(const CallBreakdown& b, double total_ns);

}  // namespace rdusim
