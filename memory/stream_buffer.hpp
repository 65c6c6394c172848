// memory/stream_buffer.hpp
// A bounded stream buffer between a producer and a consumer, held in PMU SRAM: capacity_chunks
// credits. The producer reserves a slot (stalls while all credits are taken), then commits it (the
// chunk becomes visible); the consumer waits until enough chunks were committed and releases
// slots when done with them. Stall time on both sides is accounted. Not a module: replays create
// one per stream while the simulation runs.
#pragma once
#include <cstdint>
#include <string>

#include "sim/core/time.hpp"

namespace rdusim {

class StreamBuffer {
 public:
  StreamBuffer(std::string name, uint32_t capacity_chunks) : m_name(std::move(name)), m_capacity(capacity_chunks) {}

  // Producer side. Contract: reserve() returns once a credit is held; commit() makes one reserved
  // chunk visible (commits never exceed reserves).
  void reserve();
  bool try_reserve();
  void commit();
  // Consumer side. Contract: wait_committed(n) returns once n chunks in total have been committed;
  // release(n) frees n credits (the oldest chunks).
  void wait_committed(uint64_t n);
  void release(uint64_t n);

  const std::string& name() const { return m_name; }
  uint32_t capacity() const { return m_capacity; }
  uint64_t committed() const { return m_committed; }
  uint64_t released() const { return m_released; }
  uint64_t occupancy() const { return m_reserved - m_released; }
  double producer_stall_ns() const { return m_producer_stall_ns; }
  double consumer_stall_ns() const { return m_consumer_stall_ns; }
  // What a stalled party waits for, for deadlock reports ("" when nobody waits).
  std::string waiting_on() const;

 private:
  std::string m_name;
  uint32_t m_capacity;
  uint64_t m_reserved = 0;
  uint64_t m_committed = 0;
  uint64_t m_released = 0;
  uint64_t m_consumer_wants = 0;
  uint32_t m_data_waiters = 0, m_space_waiters = 0;  // processes waiting on m_data / m_space
  bool m_producer_waiting = false;
  double m_producer_stall_ns = 0.0;
  double m_consumer_stall_ns = 0.0;
  sc_core::sc_event m_space;
  sc_core::sc_event m_data;
};

}  // namespace rdusim
