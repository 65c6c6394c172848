// memory/dram_channel.hpp
// One HBM or DDR channel: admitted requests are served in order at bandwidth_gbps, each completing
// latency_ns after its last byte leaves the bus. At most queue_depth requests and queue_bytes bytes
// are admitted at once; the rest wait in per-source queues and are admitted either by priority (the
// lowest source id first: replays number sources in pipeline order, the compiler's static schedule)
// or round-robin (fair arbitration). Either way one stream's deep prefetch cannot starve another's.
// A request's completion time is fixed at admission; the channel wakes only to admit a waiting
// request or to run an on_done callback, never once per cycle. In a tier the tier's process wakes
// it (ChannelController); a standalone channel has its own SC_METHOD.
#pragma once
#include <systemc>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "memory/arbiter.hpp"
#include "memory/mem_request.hpp"
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

// Wakes channels for their controller: a tier serves all its channels from one process, so
// channels due at the same time (the pieces of one striped request) cost one activation.
class ChannelController {
 public:
  virtual ~ChannelController() = default;
  virtual void wake_at(uint32_t channel, const sc_core::sc_time& at) = 0;
};

class DramChannel : public sc_core::sc_module {
 public:
  DramChannel(sc_core::sc_module_name name, const DramChannelParams& params, RunContext& ctx);
  // Hands the channel's wake-ups to `controller` (which then calls serve() at those times); a
  // channel without one wakes its own process.
  void set_controller(ChannelController* controller, uint32_t index) {
    m_controller = controller;
    m_index = index;
  }
  void serve();  // the channel's work at a wake-up: completions, admissions, the next wake-up

  // Contract: always accepted; served in arrival order; on_done runs at start + bytes/bw + latency
  // (on_scheduled runs at admission, with that time).
  void submit(MemRequest req);
  const DramChannelParams& params() const { return m_params; }
  uint64_t bytes_moved() const { return m_bytes_read + m_bytes_written; }
  double busy_ns() const { return m_busy_ns; }

 private:
  SC_HAS_PROCESS(DramChannel);
  void admit(MemRequest req);
  void admit_waiting();
  void schedule_wake();
  void retire();  // drops requests that have completed and run no callback

  // Admitted requests, in completion order: a compact record each (read once, long after it was
  // written), and the rare ones with a callback in their own queue.
  struct InService {
    double done_ns;
    bool callback;
  };
  struct Callback {
    double done_ns;
    uint64_t bytes;
    MemDone on_done;
  };
  DramChannelParams m_params;
  ChannelController* m_controller = nullptr;
  uint32_t m_index = 0;
  Fifo<InService> m_in_service;
  Fifo<Callback> m_callbacks;
  WaitingQueues m_waiting;  // per source
  std::unique_ptr<Arbiter> m_arbiter;
  uint64_t m_waiting_count = 0;
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
