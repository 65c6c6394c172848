// memory/dram_timing.hpp
// Closed-form timing of DRAM transfers, usable without a kernel. 1 GB/s is 1 byte/ns.
#pragma once
#include <cstdint>

namespace rdusim {

constexpr double transfer_ns(uint64_t bytes, double bandwidth_gbps) {
  return static_cast<double>(bytes) / bandwidth_gbps;
}

// In-order channel: a request starts when both it has arrived and the previous one has left the
// data bus; it completes `latency_ns` after its last byte. Returns {bus_free_at, done_at}.
struct ChannelSlot {
  double bus_free_ns;
  double done_ns;
};
constexpr ChannelSlot schedule_in_order(double now_ns, double bus_free_ns, uint64_t bytes, double bandwidth_gbps,
                                        double latency_ns) {
  double start = now_ns > bus_free_ns ? now_ns : bus_free_ns;
  double end = start + transfer_ns(bytes, bandwidth_gbps);
  return {end, end + latency_ns};
}

}  // namespace rdusim
