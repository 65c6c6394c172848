// sim/config/ranges.hpp
// The ranges every config number is checked against (docs/config.md states them per key). They
// keep each duration computed from a config inside SystemC's time range (sim/core/time.hpp holds
// the backstop): a fixed latency is at most 1 s, a bandwidth at least 1 MB/s, so one
// 1 TB transfer takes at most 1e12 ns (17 minutes of simulated time).
#pragma once
#include <string>

#include "sim/core/json_reader.hpp"

namespace rdusim {

inline constexpr double kMaxLatencyNs = 1e9;  // any fixed latency, overhead or launch cost
inline constexpr double kMinBandwidthGbps = 1e-3;
inline constexpr double kMaxBandwidthGbps = 1e6;
inline constexpr double kMaxCapacityGb = 1e6;
inline constexpr uint32_t kMaxUnits = 1u << 20;  // PCUs, PMUs, SMs, channels: counts of hardware

// A duration in ns: [0, kMaxLatencyNs]. Negative values keep their "must not be negative" message.
inline void check_latency_ns(const JsonReader& r, const std::string& key, double v) {
  require_non_negative(r, key, v);
  r.check_range(key, v, 0.0, kMaxLatencyNs);
}
// A bandwidth in GB/s: [kMinBandwidthGbps, kMaxBandwidthGbps].
inline void check_bandwidth_gbps(const JsonReader& r, const std::string& key, double v) {
  require_positive(r, key, v);
  r.check_range(key, v, kMinBandwidthGbps, kMaxBandwidthGbps);
}
// A positive quantity with an upper bound: (0, hi].
inline void check_positive_at_most(const JsonReader& r, const std::string& key, double v, double hi) {
  require_positive(r, key, v);
  r.check_range(key, v, 0.0, hi);
}

}  // namespace rdusim
