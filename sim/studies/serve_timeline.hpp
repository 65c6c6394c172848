// sim/studies/serve_timeline.hpp
// The serving timeline: requests arrive, the router routes the arrived ones in batched passes, a
// single server takes the oldest queued request (and, under the batch policy, the queued requests
// for the same expert up to max_batch), switches its expert in unless resident (optionally
// prefetched while the previous one ran), runs one prefill (output token 1) and n - 1 decode steps.
// Steps come from the StepCache: simulated in detail the first time a key is seen, then reused.
#pragma once
#include <nlohmann/json.hpp>

#include <deque>
#include <map>
#include <string>
#include <vector>

#include "memory/tier_allocator.hpp"
#include "sim/core/time.hpp"
#include "sim/studies/serve.hpp"
#include "sim/studies/serve_machine.hpp"
#include "workloads/composition.hpp"

namespace rdusim {

// A request as the timeline keeps it (compact: streams hold 10^5 of them).
struct ServeRequest {
  uint64_t id = 0;
  double arrival_ns = 0.0;
  uint32_t input = 0, output = 0;
  uint32_t expert = 0;  // index into Composition::instances (decided before the run)
};

// What the output keeps of a finished request.
struct RequestRecord {
  uint64_t index = 0, id = 0;
  double arrival_ns = 0.0, start_ns = 0.0, first_token_ns = 0.0, end_ns = 0.0;
  uint32_t expert = 0, output = 0, batch = 1;
  bool hit = false;
};

class RequestSink {
 public:
  virtual ~RequestSink() = default;
  virtual void record(const RequestRecord& r) = 0;
};

// Time on the server's critical path, by what it was spent on (Fig. 1's accounting).
struct Accounting {
  double router_ns = 0, switch_ns = 0, prefill_ns = 0, decode_ns = 0, launch_ns = 0, idle_ns = 0;
  double switch_hidden_ns = 0;  // prefetched switch time overlapped with compute
  uint64_t router_passes = 0, prefill_steps = 0, decode_steps = 0, switches = 0, switch_bytes = 0;
  nlohmann::json to_json() const;
};

// Step timings by key: simulated once, reused after (unless reuse is off).
class StepCache {
 public:
  struct Entry {
    StepTiming timing;
    uint64_t uses = 0;
    bool simulated = false;  // simulated in this run (not seeded)
  };
  explicit StepCache(bool reuse) : m_reuse(reuse) {}
  // The timing of `key`: from the cache (advancing the clock by it), or by `simulate` (which runs
  // on the timeline and advances the clock itself).
  template <typename F>
  StepTiming run(const std::string& key, F simulate) {
    auto it = m_entries.find(key);
    if (m_reuse && it != m_entries.end()) {
      it->second.uses++;
      sc_core::wait(ns(it->second.timing.total_ns));
      return it->second.timing;
    }
    StepTiming t = simulate();
    Entry& e = m_entries[key];
    e.timing = t;
    e.uses++;
    e.simulated = true;
    return t;
  }
  bool has(const std::string& key) const { return m_reuse && m_entries.count(key); }
  const StepTiming& timing(const std::string& key) const { return m_entries.at(key).timing; }
  void count_uses(const std::string& key, uint64_t n) { m_entries.at(key).uses += n; }
  // {key: {"total_ns", "launch_ns", "uses", "simulated"}}; seed() reads the same shape.
  nlohmann::json to_json() const;
  void seed(const nlohmann::json& steps, const std::string& file);

 private:
  bool m_reuse;
  std::map<std::string, Entry> m_entries;
};

struct TimelineSetup {
  const ServeOptions& options;
  const Composition& comp;
  ServeMachine& machine;
  TierAllocator& alloc;
  RunContext& ctx;
  StepCache& cache;
};

class ServeTimeline {
 public:
  ServeTimeline(TimelineSetup setup, std::vector<ServeRequest> requests, RequestSink& sink);
  void run();  // from an SC_THREAD
  const Accounting& accounting() const { return m_acc; }

 private:
  void wait_for_arrival();
  void route_arrived();
  std::vector<size_t> take_group();
  bool switch_in(uint32_t expert);
  void start_prefetch(uint32_t current);
  double copy_expert(uint32_t expert);
  void serve_group(const std::vector<size_t>& group);
  double decode_group(std::vector<size_t> group, std::vector<double>& end_ns);
  StepTiming model_step(const ModelConfig& m, Phase phase, uint32_t batch, uint32_t tokens);
  StepTiming router_step(uint32_t batch, uint32_t tokens);
  bool traced(size_t index) const { return m_ctx.trace.on() && index < m_opt.trace_limit; }

  const ServeOptions& m_opt;
  const Composition& m_comp;
  ServeMachine& m_machine;
  TierAllocator& m_alloc;
  RunContext& m_ctx;
  StepCache& m_cache;
  RequestSink& m_sink;
  std::vector<ServeRequest> m_reqs;
  size_t m_next = 0;                                   // first request not yet routed
  std::deque<size_t> m_fifo;                           // routed requests, oldest first (lazy removal)
  std::vector<bool> m_taken;                           // served or being served
  std::map<uint32_t, std::deque<size_t>> m_by_expert;  // routed requests per expert
  size_t m_done = 0;
  Accounting m_acc;
  TraceTrack m_track{}, m_reuse_track{};
  // Prefetch in flight (or done): its expert and completion.
  int64_t m_prefetch = -1;
  double m_prefetch_end_ns = 0.0, m_prefetch_ns = 0.0;
  sc_core::sc_event m_prefetch_done;
};

}  // namespace rdusim
