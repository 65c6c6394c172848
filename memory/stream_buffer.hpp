// memory/stream_buffer.hpp
// A bounded stream buffer between a producer and a consumer, held in PMU SRAM: capacity_chunks
// credits. The producer reserves a slot (stalls while all credits are taken), then commits it (the
// chunk becomes visible); the consumer waits until enough chunks were committed and releases
// slots when done with them. Stall time on both sides is accounted. Not a module: replays create
// one per stream while the simulation runs.
//
// Commits and releases may be scheduled ahead (commit_at, release_at): the chunk is in flight (an
// RDN hop, a DRAM request whose completion time is already fixed) or the consumer runs ahead of
// the kernel's time (dataflow/replay.cpp), so the time it takes effect is known. The buffer keeps
// those times itself, so no process has to wake to make them happen: a party that waits for one
// sleeps until that time, and nothing runs at all when nobody waits. Everything a party observes
// is what holds at the time it asks about (now, or a run-ahead party's own later time).
#pragma once
#include <cstdint>
#include <deque>
#include <string>
#include <utility>

#include "sim/core/time.hpp"

namespace rdusim {

class StreamBuffer {
 public:
  StreamBuffer(std::string name, uint32_t capacity_chunks) : m_name(std::move(name)), m_capacity(capacity_chunks) {}

  // Producer side. Contract: reserve() returns once a credit is held; commit() makes one reserved
  // chunk visible now (commits never exceed reserves).
  void reserve();
  bool try_reserve();
  void commit();
  // The reserved chunk becomes visible at `base` + `delay_ns` (base >= now; the delay rounded to
  // the kernel's resolution as a timed notification would be). Returns that time.
  sc_core::sc_time commit_at(const sc_core::sc_time& base, double delay_ns);
  // Run-ahead producer at time `at` (>= now): takes a credit if one is free by then or freed by a
  // release already scheduled, moving `at` to that release when it is later. False when no known
  // release frees one: wait_release_scheduled() and ask again.
  bool reserve_by(sc_core::sc_time& at);
  void wait_release_scheduled();

  // Consumer side. Contract: wait_committed(n) returns once n chunks in total have been committed;
  // release(n) frees n credits (the oldest chunks).
  void wait_committed(uint64_t n);
  // When the n-th chunk is (or was) visible, if that is known already (committed or in flight).
  bool visible_at(uint64_t n, sc_core::sc_time& at) const;
  void wait_scheduled(uint64_t n);  // returns once visible_at(n) is known
  void release(uint64_t n);
  void release_at(uint64_t n, const sc_core::sc_time& at);  // the credits free at `at` (>= now)

  const std::string& name() const { return m_name; }
  uint32_t capacity() const { return m_capacity; }
  uint64_t committed() const {  // visible now
    settle();
    return m_committed;
  }
  uint64_t released() const {
    settle();
    return m_released;
  }
  uint64_t occupancy() const {
    settle();
    return m_reserved - m_released;
  }
  double producer_stall_ns() const { return m_producer_stall_ns; }  // in reserve()
  double consumer_stall_ns() const { return m_consumer_stall_ns; }  // in wait_committed()
  // What a stalled party waits for, for deadlock reports ("" when nobody waits).
  std::string waiting_on() const;

 private:
  void settle() const;  // applies scheduled commits and releases that are due
  bool full() const { return m_reserved - m_released >= m_capacity; }
  std::string m_name;
  uint32_t m_capacity;
  uint64_t m_reserved = 0;
  mutable uint64_t m_committed = 0;
  mutable uint64_t m_released = 0;
  mutable std::deque<sc_core::sc_time> m_in_flight;                       // commits ahead, sorted
  mutable std::deque<std::pair<sc_core::sc_time, uint64_t>> m_releasing;  // releases ahead, sorted
  mutable uint64_t m_releasing_total = 0;
  uint64_t m_consumer_wants = 0;
  uint32_t m_data_waiters = 0, m_space_waiters = 0;  // processes waiting on m_data / m_space
  // How the waiting party sleeps: on the event until what it needs is scheduled at all (a
  // run-ahead party wants to hear of it at once; a plain one only at the time it takes effect).
  bool m_consumer_on_event = false, m_consumer_runs_ahead = false;
  bool m_producer_on_event = false, m_producer_runs_ahead = false;
  bool m_producer_waiting = false;
  double m_producer_stall_ns = 0.0;
  double m_consumer_stall_ns = 0.0;
  double m_last_delay_ns = -1.0;  // commit_at's last delay and its kernel time
  sc_core::sc_time m_last_delay;
  sc_core::sc_event m_space;
  sc_core::sc_event m_data;
};

}  // namespace rdusim
