// dataflow/replay_rdn.cpp
// The on-chip network between a section's stages: a chunk sent into a PMU buffer becomes visible
// after its RDN hops (and the die-to-die link, which serialises every crossing stream). The arrival
// time is known when the chunk is sent, so the buffer holds it as a deferred commit: no process
// runs per delivery. `at` is the sender's time (a run-ahead stage's own, dataflow/replay.cpp); a
// chunk that crosses the dies is sent at the kernel's time, since the link is shared.
#include <algorithm>

#include "dataflow/replay.hpp"

namespace rdusim {

void Replayer::send_chunk(StreamBuffer& buffer, const BufferPlan& plan, const sc_core::sc_time& at) {
  if (plan.transport_ns <= 0.0 && !plan.crosses_die) {
    buffer.commit_at(at, 0.0);
    return;
  }
  double now = to_ns(at), due = now + plan.transport_ns;
  const RdnParams& rdn = m_socket.params.rdn;
  if (plan.crosses_die && rdn.d2d_bandwidth_gbps > 0.0) {
    // The die-to-die link serialises every crossing stream of this socket.
    double start = std::max(now, m_d2d_free_ns);
    m_d2d_free_ns = start + plan.chunk_bytes / rdn.d2d_bandwidth_gbps;
    due = m_d2d_free_ns + plan.transport_ns;
  }
  if (plan.crosses_die) m_d2d_bytes += plan.chunk_bytes;
  buffer.commit_at(at, due - now);
}

}  // namespace rdusim
