// memory/arbiter.hpp
// Which waiting source a DramChannel admits next when a queue slot frees. Variants: priority (the
// lowest source id first: replays number sources in pipeline order, the compiler's static
// schedule) and round_robin (fair: the first source after the one admitted last, wrapping).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "memory/fifo.hpp"
#include "memory/mem_request.hpp"

namespace rdusim {

// One source's waiting requests, in order. Consecutive requests of a stream are alike but for
// their callback's arg (a chunk index or a tier slot), so they are kept as runs: one request and
// a count, with the args beside them, 8 bytes per waiting request instead of a whole one (queues
// are hundreds deep at every channel: memory traffic, not work, was what admitting them cost).
class SourceQueue {
 public:
  void push_back(MemRequest r) {
    uint64_t arg = r.on_scheduled ? r.on_scheduled.arg : r.on_done.arg();
    if (!m_runs.empty() && same_but_arg(m_runs.back().proto, r)) {
      ++m_runs.back().count;
    } else {
      m_runs.push_back(Run{std::move(r), 1});
    }
    m_args.push_back(arg);
  }
  bool empty() const { return m_runs.empty(); }
  uint64_t front_bytes() const { return m_runs.front().proto.bytes; }
  // Contract: not empty.
  MemRequest pop_front() {
    Run& run = m_runs.front();
    uint64_t arg = m_args.front();
    m_args.pop_front();
    MemRequest out;
    if (--run.count == 0) {  // the run's last request: the stored one, whose arg was the run's first
      out = std::move(run.proto);
      m_runs.pop_front();
      if (out.on_done.plain()) out.on_done = out.on_done.with_arg(arg);
    } else {
      out.bytes = run.proto.bytes;
      out.write = run.proto.write;
      out.source = run.proto.source;
      out.on_scheduled = run.proto.on_scheduled;
      if (run.proto.on_done) out.on_done = run.proto.on_done.with_arg(arg);  // a longer run is plain
    }
    if (out.on_scheduled) out.on_scheduled.arg = arg;
    return out;
  }

 private:
  struct Run {
    MemRequest proto;
    uint32_t count = 0;
  };
  Fifo<Run> m_runs;
  Fifo<uint64_t> m_args;
};

class WaitingQueues {
 public:
  struct Entry {
    uint32_t source = 0;
    SourceQueue q;
  };
  using iterator = std::vector<Entry>::iterator;
  using const_iterator = std::vector<Entry>::const_iterator;
  bool empty() const { return m_entries.empty(); }
  const_iterator begin() const { return m_entries.begin(); }
  const_iterator end() const { return m_entries.end(); }
  const_iterator lower_bound(uint32_t source) const {
    auto it = m_entries.begin();
    while (it != m_entries.end() && it->source < source) ++it;
    return it;
  }
  iterator find(uint32_t source) {
    for (auto it = m_entries.begin(); it != m_entries.end(); ++it)
      if (it->source == source) return it;
    return m_entries.end();
  }
  // The queue of `source`, made (in order) when it has none.
  SourceQueue& operator[](uint32_t source) {
    auto it = m_entries.begin();
    while (it != m_entries.end() && it->source < source) ++it;
    if (it != m_entries.end() && it->source == source) return it->q;
    Entry e;
    e.source = source;
    if (!m_spare.empty()) {
      e.q = std::move(m_spare.back());
      m_spare.pop_back();
    }
    return m_entries.insert(it, std::move(e))->q;
  }
  // Contract: the queue is empty. Its storage is kept for the next source that waits.
  void erase(iterator it) {
    m_spare.push_back(std::move(it->q));
    m_entries.erase(it);
  }

 private:
  std::vector<Entry> m_entries;  // the queues themselves, in source order: no pointer to follow
  std::vector<SourceQueue> m_spare;
};

class Arbiter {
 public:
  virtual ~Arbiter() = default;
  virtual uint32_t pick(const WaitingQueues& waiting) const = 0;
  virtual void admitted(uint32_t source) = 0;
};

// Throws SimError "unknown \"x\" (known: priority, round_robin)" for an unknown name.
std::unique_ptr<Arbiter> make_arbiter(const std::string& name);

}  // namespace rdusim
