#include "interconnect/link.hpp"

#include <cmath>

namespace rdusim {
namespace {
DramChannelParams pipe_params(const LinkParams& p) {
  DramChannelParams c;
  c.bandwidth_gbps = p.bandwidth_gbps;
  c.latency_ns = p.latency_ns;
  c.queue_depth = 1u << 30;  // a link queues without bound; senders bound themselves with credits
  return c;
}
}  // namespace

Link::Link(sc_core::sc_module_name name, const LinkParams& params, RunContext& ctx)
    : sc_core::sc_module(name), m_params(params), m_pipe("wire", pipe_params(params), ctx) {
  ctx.stats.add(*this, "bytes", m_bytes, "bytes", "payload bytes sent");
  ctx.stats.add(*this, "messages", m_messages, "count", "messages sent");
}

void Link::send(uint64_t bytes, std::function<void()> on_delivered) {
  m_bytes += bytes;
  ++m_messages;
  // The per-message overhead occupies the wire like extra bytes: (bytes + o * bw) / bw = bytes / bw + o.
  uint64_t wire = bytes + static_cast<uint64_t>(std::llround(m_params.per_message_ns * m_params.bandwidth_gbps));
  m_pipe.submit({wire, false, std::move(on_delivered)});
}

}  // namespace rdusim
