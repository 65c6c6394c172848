#include "memory/stream_buffer.hpp"

#include <fmt/format.h>

#include "sim/core/error.hpp"

namespace rdusim {

void StreamBuffer::reserve() {
  if (m_reserved - m_released >= m_capacity) {
    double t0 = now_ns();
    m_producer_waiting = true;
    ++m_space_waiters;
    while (m_reserved - m_released >= m_capacity) sc_core::wait(m_space);
    --m_space_waiters;
    m_producer_waiting = false;
    m_producer_stall_ns += now_ns() - t0;
  }
  ++m_reserved;
}

bool StreamBuffer::try_reserve() {
  if (m_reserved - m_released >= m_capacity) return false;
  ++m_reserved;
  return true;
}

void StreamBuffer::commit() {
  if (m_committed >= m_reserved) throw SimError("", m_name, "commit without a reserved slot");
  ++m_committed;
  if (m_data_waiters > 0) m_data.notify();  // with nobody waiting, an immediate notify does nothing
}

void StreamBuffer::wait_committed(uint64_t n) {
  if (m_committed >= n) return;
  double t0 = now_ns();
  m_consumer_wants = n;
  ++m_data_waiters;
  while (m_committed < n) sc_core::wait(m_data);
  --m_data_waiters;
  m_consumer_wants = 0;
  m_consumer_stall_ns += now_ns() - t0;
}

void StreamBuffer::release(uint64_t n) {
  if (n == 0) return;
  if (m_released + n > m_committed) throw SimError("", m_name, "release of chunks never committed");
  m_released += n;
  if (m_space_waiters > 0) m_space.notify();
}

std::string StreamBuffer::waiting_on() const {
  if (m_producer_waiting) return fmt::format("{} full ({}/{} chunks)", m_name, m_reserved - m_released, m_capacity);
  if (m_consumer_wants > m_committed)
    return fmt::format("{} empty (needs chunk {}, has {})", m_name, m_consumer_wants, m_committed);
  return "";
}

}  // namespace rdusim
