// sim/core/time.hpp
// Small bridges between SystemC time and the nanosecond doubles the models compute with.
#pragma once
#include <systemc>

#include <string>

namespace rdusim {

inline double now_ns() { return sc_core::sc_time_stamp().to_seconds() * 1e9; }
inline sc_core::sc_time ns(double v) { return sc_core::sc_time(v, sc_core::SC_NS); }
// "rdu0" for "rdu0.hbm.ch3": the socket (trace process) an object belongs to.
inline std::string socket_name(const sc_core::sc_object& obj) {
  std::string n = obj.name();
  return n.substr(0, n.find('.'));
}

}  // namespace rdusim
