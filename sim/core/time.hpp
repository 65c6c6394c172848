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

namespace detail {
// The kernel's time resolution is SystemC's default 1 ps (rdusim never changes it): then now_ns()
// and ns() below do sc_time's own arithmetic inline (to_seconds: value * 1000 fs * 1e-15; the
// double constructor: int64(v * 1000 + 0.5)), bit for bit the library's result (checked on 2e7
// random values, half-picosecond ties included), without its out-of-line calls on the hot path.
inline bool default_resolution() {
  static const bool kDefault = sc_core::sc_get_time_resolution() == sc_core::sc_time(1, sc_core::SC_PS);
  return kDefault;
}
}  // namespace detail

inline double to_ns(const sc_core::sc_time& t) {
  if (!detail::default_resolution()) return t.to_seconds() * 1e9;
  return static_cast<double>(t.value()) * 1000.0 * 1e-15 * 1e9;
}
// The kernel's current time: sc_time_stamp() without its out-of-line call (the simcontext's
// accessors are inline in SystemC's header; the hot paths ask for the time at every chunk).
inline const sc_core::sc_time& now_stamp() { return sc_core::sc_get_curr_simcontext()->time_stamp(); }
inline double now_ns() { return to_ns(now_stamp()); }
// Contract: throws SimError "simulated time: X ns exceeds the simulator's range" instead of
// scheduling an overflowing (wrapped or clamped) time.
inline sc_core::sc_time ns(double v) {
  if (!(v <= kMaxSimTimeNs)) {
    throw SimError("", "simulated time",
                   fmt::format("{} ns exceeds the simulator's range ({} ns): check the durations, latencies and "
                               "bandwidths in the config",
                               v, kMaxSimTimeNs));
  }
  if (!detail::default_resolution()) return sc_core::sc_time(v, sc_core::SC_NS);
  if (v == 0) return sc_core::SC_ZERO_TIME;
  volatile double ps = v * 1000.0 + 0.5;  // as sc_time(double, SC_NS) rounds (volatile: no excess precision)
  return sc_core::sc_time::from_value(static_cast<sc_core::sc_time::value_type>(static_cast<int64_t>(ps)));
}
// "rdu0" for "rdu0.hbm.ch3": the socket (trace process) an object belongs to.
inline std::string socket_name(const sc_core::sc_object& obj) {
  std::string n = obj.name();
  return n.substr(0, n.find('.'));
}

}  // namespace rdusim
