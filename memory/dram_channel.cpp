#include "memory/dram_channel.hpp"

#include "memory/dram_timing.hpp"

namespace rdusim {

DramChannel::DramChannel(sc_core::sc_module_name name, const DramChannelParams& params, RunContext& ctx)
    : sc_core::sc_module(name), m_params(params) {
  SC_METHOD(serve);
  sensitive << m_wake;
  dont_initialize();
  ctx.stats.add(*this, "bytes_read", m_bytes_read, "bytes", "bytes served to readers");
  ctx.stats.add(*this, "bytes_written", m_bytes_written, "bytes", "bytes accepted from writers");
  ctx.stats.add(*this, "requests", m_requests, "count", "requests served");
  ctx.stats.add(*this, "busy_ns", m_busy_ns, "ns", "time the data bus was transferring");
  ctx.stats.add(*this, "max_waiting", m_max_waiting, "count", "most requests waiting for a queue slot");
}

void DramChannel::submit(MemRequest req) {
  if (m_in_service.size() >= m_params.queue_depth) {
    m_waiting.push_back(std::move(req));
    m_max_waiting = std::max<uint64_t>(m_max_waiting, m_waiting.size());
    return;
  }
  admit(std::move(req));
}

void DramChannel::admit(MemRequest req) {
  double now = now_ns();
  ChannelSlot slot = schedule_in_order(now, m_bus_free_ns, req.bytes, m_params.bandwidth_gbps, m_params.latency_ns);
  m_busy_ns += transfer_ns(req.bytes, m_params.bandwidth_gbps);
  m_bus_free_ns = slot.bus_free_ns;
  (req.write ? m_bytes_written : m_bytes_read) += req.bytes;
  ++m_requests;
  bool was_empty = m_in_service.empty();
  m_in_service.push_back({slot.done_ns, std::move(req)});
  if (was_empty) m_wake.notify(ns(slot.done_ns - now));
}

void DramChannel::serve() {
  double now = now_ns();
  // Completions are in order because every request has the same latency. SystemC time has 1 ps
  // resolution, so a wake-up may land up to 0.5 ps before done_ns: compare with 1 ps slack.
  while (!m_in_service.empty() && m_in_service.front().done_ns <= now + 1e-3) {
    MemRequest req = std::move(m_in_service.front().req);
    m_in_service.pop_front();
    if (!m_waiting.empty()) {
      admit(std::move(m_waiting.front()));
      m_waiting.pop_front();
    }
    if (req.on_done) req.on_done();
  }
  if (!m_in_service.empty()) m_wake.notify(ns(std::max(0.0, m_in_service.front().done_ns - now)));
}

}  // namespace rdusim
