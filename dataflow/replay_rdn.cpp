// dataflow/replay_rdn.cpp
// The on-chip network between a section's stages: a chunk sent into a PMU buffer becomes visible
// after its RDN hops (and the die-to-die link, which serialises every crossing stream).
#include <algorithm>

#include "dataflow/replay.hpp"

namespace rdusim {

void Replayer::send_chunk(StreamBuffer& buffer, const BufferPlan& plan) {
  if (plan.transport_ns <= 0.0 && !plan.crosses_die) {
    buffer.commit();
    return;
  }
  double now = now_ns(), due = now + plan.transport_ns;
  const RdnParams& rdn = m_socket.params.rdn;
  if (plan.crosses_die && rdn.d2d_bandwidth_gbps > 0.0) {
    // The die-to-die link serialises every crossing stream of this socket.
    double start = std::max(now, m_d2d_free_ns);
    m_d2d_free_ns = start + plan.chunk_bytes / rdn.d2d_bandwidth_gbps;
    due = m_d2d_free_ns + plan.transport_ns;
  }
  if (plan.crosses_die) m_d2d_bytes += plan.chunk_bytes;
  m_in_flight.push(due, &buffer, plan.crosses_die && rdn.d2d_bandwidth_gbps > 0.0, plan.transport_ns);
  m_deliver.notify(ns(std::max(0.0, m_in_flight.top().due_ns - now)));
}

void Replayer::deliver() {
  double now = now_ns();
  while (StreamBuffer* b = m_in_flight.pop_due(now + 1e-3)) b->commit();
  if (!m_in_flight.empty()) m_deliver.notify(ns(std::max(0.0, m_in_flight.top().due_ns - now)));
}

}  // namespace rdusim
