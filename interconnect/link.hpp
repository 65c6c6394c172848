// interconnect/link.hpp
// A unidirectional point-to-point link (RDU peer-to-peer, NVLink port, PCIe): messages are
// serialised in order at bandwidth_gbps, each paying per_message_ns of overhead on the wire, and
// are delivered latency_ns after their last byte. Built on the in-order DramChannel server.
#pragma once
#include <functional>

#include "memory/dram_channel.hpp"

namespace rdusim {

struct LinkParams {
  double bandwidth_gbps = 0.0;  // required, one direction
  double latency_ns = 0.0;      // required
  double per_message_ns = 0.0;  // wire time added to every message (headers, DMA descriptor)
};

class Link : public sc_core::sc_module {
 public:
  Link(sc_core::sc_module_name name, const LinkParams& params, RunContext& ctx);

  // Contract: delivered in send order; on_delivered runs at start + per_message + bytes/bw + latency.
  void send(uint64_t bytes, std::function<void()> on_delivered);
  const LinkParams& params() const { return m_params; }
  uint64_t bytes_sent() const { return m_bytes; }

 private:
  LinkParams m_params;
  DramChannel m_pipe;
  uint64_t m_bytes = 0;
  uint64_t m_messages = 0;
};

// Closed form of one message on an idle link.
inline double link_message_ns(const LinkParams& p, uint64_t bytes) {
  return p.per_message_ns + bytes / p.bandwidth_gbps + p.latency_ns;
}

}  // namespace rdusim
