// memory/dram_channel.hpp
// One HBM or DDR channel: requests are served in arrival order at bandwidth_gbps, each completing
// latency_ns after its last byte leaves the bus; at most queue_depth requests are in service, later
// ones wait in arrival order. One SC_METHOD activation per completion, never one per cycle.
#pragma once
#include <systemc>

#include <cstdint>
#include <deque>
#include <functional>

#include "sim/run_context.hpp"
#include "sim/sc_time_util.hpp"

namespace rdusim {

struct DramChannelParams {
  double bandwidth_gbps = 0.0;  // required
  double latency_ns = 0.0;      // required
  uint32_t queue_depth = 64;    // default lives here and nowhere else
};

struct MemRequest {
  uint64_t bytes = 0;
  bool write = false;
  std::function<void()> on_done;  // called from the channel's process at completion
};

class DramChannel : public sc_core::sc_module {
 public:
  DramChannel(sc_core::sc_module_name name, const DramChannelParams& params, RunContext& ctx);

  // Contract: always accepted; served in arrival order; on_done runs at start + bytes/bw + latency.
  void submit(MemRequest req);
  const DramChannelParams& params() const { return m_params; }
  uint64_t bytes_moved() const { return m_bytes_read + m_bytes_written; }
  double busy_ns() const { return m_busy_ns; }

 private:
  SC_HAS_PROCESS(DramChannel);
  void serve();  // SC_METHOD; sleeps until the next completion
  void admit(MemRequest req);

  struct InService {
    double done_ns;
    MemRequest req;
  };
  DramChannelParams m_params;
  std::deque<InService> m_in_service;
  std::deque<MemRequest> m_waiting;
  double m_bus_free_ns = 0.0;
  sc_core::sc_event m_wake;

  uint64_t m_bytes_read = 0;
  uint64_t m_bytes_written = 0;
  uint64_t m_requests = 0;
  uint64_t m_max_waiting = 0;
  double m_busy_ns = 0.0;
};

}  // namespace rdusim
