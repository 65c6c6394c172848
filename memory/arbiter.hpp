// memory/arbiter.hpp
// Which waiting source a DramChannel admits next when a queue slot frees. Variants: priority (the
// lowest source id first: replays number sources in pipeline order, the compiler's static
// schedule) and round_robin (fair: the first source after the one admitted last, wrapping).
#pragma once
#include <cstdint>
#include "memory/fifo.hpp"
#include <vector>
#include <memory>
#include <string>

#include "memory/mem_request.hpp"

namespace rdusim {

// Requests waiting at a channel: one FIFO per source, sources in ascending id order, never an
// empty FIFO. Few sources wait at once (one per stream), so the index is a flat vector scanned in
// place; the FIFOs themselves stay put, and an emptied one keeps its buffers for the next source.
class WaitingQueues {
 public:
  struct Entry {
    uint32_t source = 0;
    Fifo<MemRequest>* q = nullptr;
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
  // The FIFO of `source`, made (in order) when it has none.
  Fifo<MemRequest>& operator[](uint32_t source) {
    auto it = m_entries.begin();
    while (it != m_entries.end() && it->source < source) ++it;
    if (it != m_entries.end() && it->source == source) return *it->q;
    Fifo<MemRequest>* q;
    if (m_spare.empty()) {
      m_pool.push_back(std::make_unique<Fifo<MemRequest>>());
      q = m_pool.back().get();
    } else {
      q = m_spare.back();
      m_spare.pop_back();
    }
    return *m_entries.insert(it, Entry{source, q})->q;
  }
  // Contract: the FIFO is empty.
  void erase(iterator it) {
    m_spare.push_back(it->q);
    m_entries.erase(it);
  }

 private:
  std::vector<Entry> m_entries;
  std::vector<std::unique_ptr<Fifo<MemRequest>>> m_pool;
  std::vector<Fifo<MemRequest>*> m_spare;
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
