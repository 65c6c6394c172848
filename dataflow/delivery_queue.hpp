// dataflow/delivery_queue.hpp
// Chunks in flight on the RDN, earliest due first (ties: send order). Streams with the same
// transport delay send in time order, so their deliveries are already sorted: the queue keeps one
// FIFO lane per (die crossing, delay) and takes the earliest lane head, which gives the same order
// as one priority queue over all chunks without its O(log n) per chunk (n: chunks in flight, in
// the thousands at 4096 chunks per stream). A push that would break a lane's order opens a new
// lane, so the order holds whatever the delays.
#pragma once
#include <cstdint>
#include <deque>
#include <vector>

namespace rdusim {

class StreamBuffer;

class DeliveryQueue {
 public:
  struct Delivery {
    double due_ns;
    uint64_t seq;
    StreamBuffer* buffer;
    bool before(const Delivery& o) const { return due_ns != o.due_ns ? due_ns < o.due_ns : seq < o.seq; }
  };

  void push(double due_ns, StreamBuffer* buffer, bool d2d, double transport_ns) {
    Delivery d{due_ns, m_seq++, buffer};
    for (Lane& l : m_lanes) {
      if (l.d2d == d2d && l.transport_ns == transport_ns && (l.q.empty() || !d.before(l.q.back()))) {
        l.q.push_back(d);
        ++m_size;
        return;
      }
    }
    m_lanes.push_back({d2d, transport_ns, {d}});
    ++m_size;
  }
  bool empty() const { return m_size == 0; }
  // Contract: not empty.
  const Delivery& top() const { return m_lanes[head()].q.front(); }
  // Pops the earliest delivery if it is due by `due_ns`; returns its buffer, or null.
  StreamBuffer* pop_due(double due_ns) {
    if (m_size == 0) return nullptr;
    Lane& l = m_lanes[head()];
    if (l.q.front().due_ns > due_ns) return nullptr;
    StreamBuffer* b = l.q.front().buffer;
    l.q.pop_front();
    --m_size;
    return b;
  }

 private:
  struct Lane {
    bool d2d;
    double transport_ns;
    std::deque<Delivery> q;
  };
  size_t head() const {
    size_t best = m_lanes.size();
    for (size_t i = 0; i < m_lanes.size(); ++i) {
      if (m_lanes[i].q.empty()) continue;
      if (best == m_lanes.size() || m_lanes[i].q.front().before(m_lanes[best].q.front())) best = i;
    }
    return best;
  }
  std::vector<Lane> m_lanes;
  uint64_t m_seq = 0;
  size_t m_size = 0;
};

}  // namespace rdusim
