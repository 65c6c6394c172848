#include "memory/stream_buffer.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "sim/core/error.hpp"

namespace rdusim {

void StreamBuffer::settle() const {
  if (m_in_flight.empty() && m_releasing.empty()) return;
  const sc_core::sc_time& now = now_stamp();
  while (!m_in_flight.empty() && m_in_flight.front() <= now) {
    m_in_flight.pop_front();
    ++m_committed;
  }
  while (!m_releasing.empty() && m_releasing.front().first <= now) {
    m_released += m_releasing.front().second;
    m_releasing_total -= m_releasing.front().second;
    m_releasing.pop_front();
  }
}

void StreamBuffer::reserve() {
  settle();
  if (full()) {
    double t0 = now_ns();
    m_producer_waiting = true;
    ++m_space_waiters;
    while (settle(), full()) {
      if (!m_releasing.empty()) {  // the next scheduled release frees a credit
        m_producer_on_event = false;
        sc_core::wait(m_releasing.front().first - now_stamp());
      } else {
        m_producer_on_event = true;
        sc_core::wait(m_space);
      }
    }
    m_producer_on_event = false;
    --m_space_waiters;
    m_producer_waiting = false;
    m_producer_stall_ns += now_ns() - t0;
  }
  ++m_reserved;
}

bool StreamBuffer::try_reserve() {
  settle();
  if (full()) return false;
  ++m_reserved;
  return true;
}

bool StreamBuffer::reserve_by(sc_core::sc_time& at) {
  settle();
  uint64_t occupied = m_reserved - m_released;
  if (occupied < m_capacity) {
    ++m_reserved;
    return true;
  }
  for (const auto& [when, n] : m_releasing) {
    occupied -= std::min(occupied, n);
    if (occupied < m_capacity) {
      if (when > at) at = when;
      ++m_reserved;
      return true;
    }
  }
  return false;
}

void StreamBuffer::wait_release_scheduled() {
  m_producer_waiting = true;
  m_producer_on_event = m_producer_runs_ahead = true;
  ++m_space_waiters;
  sc_core::wait(m_space);
  --m_space_waiters;
  m_producer_on_event = m_producer_runs_ahead = false;
  m_producer_waiting = false;
}

void StreamBuffer::commit() {
  if (m_committed + m_in_flight.size() >= m_reserved) throw SimError("", m_name, "commit without a reserved slot");
  ++m_committed;
  if (m_data_waiters > 0) m_data.notify();  // with nobody waiting, an immediate notify does nothing
}

sc_core::sc_time StreamBuffer::commit_at(const sc_core::sc_time& base, double delay_ns) {
  const sc_core::sc_time& now = now_stamp();
  if (delay_ns != m_last_delay_ns) {  // a stream's hop repeats: convert it once
    m_last_delay_ns = delay_ns;
    m_last_delay = ns(std::max(0.0, delay_ns));
  }
  sc_core::sc_time at = base + m_last_delay;
  if (at <= now) {
    commit();
    return now;
  }
  if (m_committed + m_in_flight.size() >= m_reserved) throw SimError("", m_name, "commit without a reserved slot");
  if (m_in_flight.empty() || !(at < m_in_flight.back())) {
    m_in_flight.push_back(at);
  } else {  // out of order (not seen from the replays, whose streams each have one delay): keep sorted
    m_in_flight.insert(std::upper_bound(m_in_flight.begin(), m_in_flight.end(), at), at);
  }
  // A consumer waiting for this very chunk hears of it: a run-ahead one at once, a plain one when
  // the chunk arrives (the earlier of two timed notifications wins, so a later chunk never delays it).
  if (m_data_waiters > 0 && m_consumer_on_event && m_committed + m_in_flight.size() >= m_consumer_wants) {
    if (m_consumer_runs_ahead)
      m_data.notify();
    else
      m_data.notify(at - now);
  }
  return at;
}

bool StreamBuffer::visible_at(uint64_t n, sc_core::sc_time& at) const {
  settle();
  if (n <= m_committed) {
    at = sc_core::SC_ZERO_TIME;
    return true;
  }
  uint64_t k = n - m_committed - 1;  // the chunk asked about, counted into the deferred commits
  if (k >= m_in_flight.size()) return false;
  at = m_in_flight[k];
  return true;
}

void StreamBuffer::wait_scheduled(uint64_t n) {
  sc_core::sc_time at;
  if (visible_at(n, at)) return;
  m_consumer_wants = n;
  ++m_data_waiters;
  m_consumer_on_event = m_consumer_runs_ahead = true;
  while (!visible_at(n, at)) sc_core::wait(m_data);
  m_consumer_on_event = m_consumer_runs_ahead = false;
  --m_data_waiters;
  m_consumer_wants = 0;
}

void StreamBuffer::wait_committed(uint64_t n) {
  settle();
  if (m_committed >= n) return;
  double t0 = now_ns();
  m_consumer_wants = n;
  ++m_data_waiters;
  while (true) {
    settle();
    if (m_committed >= n) break;
    uint64_t k = n - m_committed - 1;
    if (k < m_in_flight.size()) {
      m_consumer_on_event = false;
      sc_core::wait(m_in_flight[k] - now_stamp());
    } else {
      m_consumer_on_event = true;
      sc_core::wait(m_data);
    }
  }
  m_consumer_on_event = false;
  --m_data_waiters;
  m_consumer_wants = 0;
  m_consumer_stall_ns += now_ns() - t0;
}

void StreamBuffer::release(uint64_t n) {
  if (n == 0) return;
  settle();
  if (m_released + m_releasing_total + n > m_committed) throw SimError("", m_name, "release of chunks never committed");
  m_released += n;
  if (m_space_waiters > 0) m_space.notify();
}

void StreamBuffer::release_at(uint64_t n, const sc_core::sc_time& at) {
  if (n == 0) return;
  const sc_core::sc_time& now = now_stamp();
  if (at <= now && m_releasing.empty()) {
    release(n);
    return;
  }
  settle();
  // A chunk released ahead must be visible by then: committed or in flight up to `at`.
  sc_core::sc_time seen;
  if (!visible_at(m_released + m_releasing_total + n, seen) || seen > at)
    throw SimError("", m_name, "release of chunks never committed");
  sc_core::sc_time when = at < now ? now : at;
  if (!m_releasing.empty() && when < m_releasing.back().first) when = m_releasing.back().first;  // in order
  m_releasing.emplace_back(when, n);
  m_releasing_total += n;
  if (m_space_waiters > 0 && m_producer_on_event) {
    if (m_producer_runs_ahead)
      m_space.notify();
    else
      m_space.notify(when - now);
  }
}

std::string StreamBuffer::waiting_on() const {
  settle();
  if (m_producer_waiting) return fmt::format("{} full ({}/{} chunks)", m_name, m_reserved - m_released, m_capacity);
  if (m_consumer_wants > m_committed)
    return fmt::format("{} empty (needs chunk {}, has {})", m_name, m_consumer_wants, m_committed);
  return "";
}

}  // namespace rdusim
