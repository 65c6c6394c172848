#include "memory/dram_channel.hpp"

#include <vector>

#include "memory/dram_timing.hpp"

namespace rdusim {

DramChannel::DramChannel(sc_core::sc_module_name name, const DramChannelParams& params, RunContext& ctx)
    : sc_core::sc_module(name), m_params(params), m_arbiter(make_arbiter(params.arbitration)) {
  SC_METHOD(serve);
  sensitive << m_wake;
  dont_initialize();
  ctx.stats.add(*this, "bytes_read", m_bytes_read, "bytes", "bytes served to readers");
  ctx.stats.add(*this, "bytes_written", m_bytes_written, "bytes", "bytes accepted from writers");
  ctx.stats.add(*this, "requests", m_requests, "count", "requests served");
  ctx.stats.add(*this, "busy_ns", m_busy_ns, "ns", "time the data bus was transferring");
  ctx.stats.add(*this, "max_waiting", m_max_waiting, "count", "most requests waiting for a queue slot");
}

// Room is counted in bytes not yet on the bus (the backlog), so the latency after the last byte
// never throttles bandwidth: a full queue is queue_bytes of transfer ahead of a new request.
bool DramChannel::has_room(uint64_t bytes) const {
  if (m_in_service.empty()) return true;
  double backlog_bytes = std::max(0.0, m_bus_free_ns - now_ns()) * m_params.bandwidth_gbps;
  if (m_in_service.size() >= m_params.queue_depth) return false;
  return backlog_bytes < 1e-6 || backlog_bytes + bytes <= m_params.queue_bytes;
}

// Requests whose completion runs nothing leave the queue when the next request arrives (the channel
// does not wake for them); one with an on_done waits for serve(), and so do the ones behind it.
void DramChannel::retire() {
  double now = now_ns();
  while (!m_in_service.empty() && !m_in_service.front().callback && m_in_service.front().done_ns <= now + 1e-3)
    m_in_service.pop_front();
}

void DramChannel::submit(MemRequest req) {
  retire();
  if (m_waiting_count == 0 && has_room(req.bytes)) {
    bool callback = static_cast<bool>(req.on_done);
    admit(std::move(req));
    // Nothing waits, and an admitted request without a callback moves no wake-up.
    if (callback) schedule_wake();
    return;
  }
  const bool was_waiting = m_waiting_count > 0;
  const uint32_t pick_before = was_waiting ? m_arbiter->pick(m_waiting) : 0;
  m_waiting[req.source].push_back(std::move(req));
  m_max_waiting = std::max<uint64_t>(m_max_waiting, ++m_waiting_count);
  // With requests already waiting a wake-up is pending for the one picked next; it stands unless
  // the newcomer is picked before it.
  if (!was_waiting || m_arbiter->pick(m_waiting) != pick_before) schedule_wake();
}

void DramChannel::admit(MemRequest req) {
  double now = now_ns();
  ChannelSlot slot = schedule_in_order(now, m_bus_free_ns, req.bytes, m_params.bandwidth_gbps, m_params.latency_ns);
  m_busy_ns += transfer_ns(req.bytes, m_params.bandwidth_gbps);
  m_bus_free_ns = slot.bus_free_ns;
  (req.write ? m_bytes_written : m_bytes_read) += req.bytes;
  ++m_requests;
  MemScheduled scheduled = req.on_scheduled;
  m_in_service.push_back({slot.done_ns, static_cast<bool>(req.on_done)});
  if (req.on_done) m_callbacks.push_back({slot.done_ns, req.bytes, std::move(req.on_done)});
  if (scheduled) scheduled(req.bytes, slot.done_ns);
}

void DramChannel::serve() {
  double now = now_ns();
  // Completions are in order because every request has the same latency. SystemC time has 1 ps
  // resolution, so a wake-up may land up to 0.5 ps before done_ns: compare with 1 ps slack.
  std::vector<std::pair<MemDone, uint64_t>> done;
  done.swap(m_done_scratch);  // reuses the buffer: no allocation per activation
  done.clear();
  while (!m_in_service.empty() && m_in_service.front().done_ns <= now + 1e-3) m_in_service.pop_front();
  while (!m_callbacks.empty() && m_callbacks.front().done_ns <= now + 1e-3) {
    done.emplace_back(std::move(m_callbacks.front().on_done), m_callbacks.front().bytes);
    m_callbacks.pop_front();
  }
  admit_waiting();
  for (auto& [fn, bytes] : done) fn(bytes);  // may submit more requests
  done.clear();
  m_done_scratch.swap(done);
  schedule_wake();
}

void DramChannel::admit_waiting() {
  while (m_waiting_count > 0) {
    auto it = m_waiting.find(m_arbiter->pick(m_waiting));
    if (!has_room(it->q.front_bytes())) break;
    MemRequest next = it->q.pop_front();
    --m_waiting_count;
    m_arbiter->admitted(it->source);
    if (it->q.empty()) m_waiting.erase(it);
    admit(std::move(next));
  }
}

// With requests waiting: wake when the next one can be admitted, that is when the bus backlog
// will have drained enough for it (so latency after the last byte never idles the bus) or, when
// every queue slot is taken, at the next completion. Apart from that, only at the next completion
// that has an on_done to run (a completion with none frees a slot, nothing else).
void DramChannel::schedule_wake() {
  double now = now_ns();
  double next = -1.0;
  if (!m_callbacks.empty()) next = m_callbacks.front().done_ns;
  if (m_waiting_count > 0) {
    if (!m_in_service.empty() && m_in_service.size() >= m_params.queue_depth &&
        (next < 0 || m_in_service.front().done_ns < next))
      next = m_in_service.front().done_ns;
    auto it = m_waiting.find(m_arbiter->pick(m_waiting));
    double room_at =
        m_bus_free_ns -
        double(m_params.queue_bytes - std::min(m_params.queue_bytes, it->q.front_bytes())) / m_params.bandwidth_gbps;
    // room_at not ahead (rounding kept the request out just now): the next completion, as ever.
    if (room_at <= now + 1e-3 && !m_in_service.empty()) room_at = m_in_service.front().done_ns;
    if (next < 0 || room_at < next) next = room_at;
  }
  if (next < 0) return;
  sc_core::sc_time delay = ns(std::max(0.0, next - now));
  if (m_controller)
    m_controller->wake_at(m_index, now_stamp() + delay);
  else
    m_wake.notify(delay);
}

}  // namespace rdusim
