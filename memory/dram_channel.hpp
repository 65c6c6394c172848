// memory/dram_channel.hpp
// One HBM or DDR channel: admitted requests are served in order at bandwidth_gbps, each completing
// latency_ns after its last byte leaves the bus. At most queue_depth requests and queue_bytes bytes
// are admitted at once; the rest wait in per-source queues and are admitted either by priority (the
// lowest source id first: replays number sources in pipeline order, the compiler's static schedule)
// or round-robin (fair arbitration). Either way one stream's deep prefetch cannot starve another's. One SC_METHOD
// activation per completion, never one per cycle.
#pragma once
#include <systemc>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "memory/arbiter.hpp"
#include "sim/core/run_context.hpp"
#include "sim/core/time.hpp"

namespace rdusim {

struct DramChannelParams {
  double bandwidth_gbps = 0.0;    // required
  double latency_ns = 0.0;        // required
  uint32_t queue_depth = 64;      // default lives here and nowhere else
  uint64_t queue_bytes = 262144;  // transfer backlog admitted ahead of a request (one larger request still is)
  // Which waiting source is admitted next: a make_arbiter name, priority | round_robin.
  std::string arbitration = "priority";
};

// What runs when a request completes, called from the channel's process with the request's bytes.
// The hot paths (replay loads and writes, tier pieces) pass a plain function with a context
// pointer and an argument, which allocates nothing; anything callable with no arguments (a
// lambda, a std::function) is accepted too and kept in a std::function.
class MemDone {
 public:
  using Fn = void (*)(void* ctx, uint64_t arg, uint64_t bytes);
  MemDone() = default;
  MemDone(Fn fn, void* ctx, uint64_t arg) : m_fn(fn), m_ctx(ctx), m_arg(arg) {}
  template <typename F, typename = std::enable_if_t<!std::is_same_v<std::decay_t<F>, MemDone> &&
                                                    std::is_invocable_r_v<void, std::decay_t<F>&>>>
  MemDone(F&& f) : m_owned(std::forward<F>(f)) {}  // NOLINT: implicit, so callers pass lambdas as before
  explicit operator bool() const { return m_fn != nullptr || static_cast<bool>(m_owned); }
  void operator()(uint64_t bytes) const {
    if (m_fn)
      m_fn(m_ctx, m_arg, bytes);
    else if (m_owned)
      m_owned();
  }

 private:
  Fn m_fn = nullptr;
  void* m_ctx = nullptr;
  uint64_t m_arg = 0;
  std::function<void()> m_owned;
};

// What runs when a request is admitted and its completion time is therefore fixed (in-order service,
// one latency): the requester learns `done_ns` at once and needs no wake-up at completion, so a
// stream of loads into a StreamBuffer costs no channel activation per completion (commit_at).
struct MemScheduled {
  using Fn = void (*)(void* ctx, uint64_t arg, uint64_t bytes, double done_ns);
  Fn fn = nullptr;
  void* ctx = nullptr;
  uint64_t arg = 0;
  explicit operator bool() const { return fn != nullptr; }
  void operator()(uint64_t bytes, double done_ns) const { fn(ctx, arg, bytes, done_ns); }
};

struct MemRequest {
  uint64_t bytes = 0;
  bool write = false;
  MemDone on_done;      // called from the channel's process at completion
  uint32_t source = 0;  // requester (a stream); waiting requests are admitted by source
  MemScheduled on_scheduled;  // called at admission with the completion time (instead of on_done)
};

class DramChannel : public sc_core::sc_module {
 public:
  DramChannel(sc_core::sc_module_name name, const DramChannelParams& params, RunContext& ctx);

  // Contract: always accepted; served in arrival order; on_done runs at start + bytes/bw + latency
  // (on_scheduled runs at admission, with that time).
  void submit(MemRequest req);
  const DramChannelParams& params() const { return m_params; }
  uint64_t bytes_moved() const { return m_bytes_read + m_bytes_written; }
  double busy_ns() const { return m_busy_ns; }

 private:
  SC_HAS_PROCESS(DramChannel);
  void serve();  // SC_METHOD; sleeps until the next completion
  void admit(MemRequest req);
  void admit_waiting();
  void schedule_wake();
  void retire();  // drops requests that have completed and run no callback

  struct InService {
    double done_ns;
    MemRequest req;
  };
  DramChannelParams m_params;
  std::deque<InService> m_in_service;
  WaitingQueues m_waiting;                               // per source
  std::vector<WaitingQueues::node_type> m_spare_queues;  // emptied sources' nodes, kept for reuse
  std::unique_ptr<Arbiter> m_arbiter;
  uint64_t m_waiting_count = 0;
  uint64_t m_callbacks_in_service = 0;  // admitted requests with an on_done still to run
  bool has_room(uint64_t bytes) const;
  double m_bus_free_ns = 0.0;
  sc_core::sc_event m_wake;
  std::vector<std::pair<MemDone, uint64_t>> m_done_scratch;  // serve()'s completions, reused

  uint64_t m_bytes_read = 0;
  uint64_t m_bytes_written = 0;
  uint64_t m_requests = 0;
  uint64_t m_max_waiting = 0;
  double m_busy_ns = 0.0;
};

}  // namespace rdusim
