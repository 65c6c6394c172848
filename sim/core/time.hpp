// sim/core/time.hpp
// Small bridges between SystemC time and the nanosecond doubles the models compute with.
#pragma once
#include <fmt/format.h>
#include <systemc>

#include <string>

#include "sim/core/error.hpp"

namespace rdusim {

// sc_time counts picoseconds in 64 bits (2^64 ps = 1.8e16 ns); a duration beyond this bound, or
// NaN, is a config that asks for more than the simulator can represent (the config ranges in
// sim/config/ranges.hpp keep every shipped combination far below it).
inline constexpr double kMaxSimTimeNs = 1e15;  // 11.6 days

inline double now_ns() { return sc_core::sc_time_stamp().to_seconds() * 1e9; }
// Contract: throws SimError "simulated time: X ns exceeds the simulator's range" instead of
// scheduling an overflowing (wrapped or clamped) time.
inline sc_core::sc_time ns(double v) {
  if (!(v <= kMaxSimTimeNs)) {
    throw SimError("", "simulated time",
                   fmt::format("{} ns exceeds the simulator's range ({} ns): check the durations, latencies and "
                               "bandwidths in the config",
                               v, kMaxSimTimeNs));
  }
  return sc_core::sc_time(v, sc_core::SC_NS);
}
// "rdu0" for "rdu0.hbm.ch3": the socket (trace process) an object belongs to.
inline std::string socket_name(const sc_core::sc_object& obj) {
  std::string n = obj.name();
  return n.substr(0, n.find('.'));
}

}  // namespace rdusim
