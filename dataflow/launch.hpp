// dataflow/launch.hpp
// The kernel-launch model: Program Load -> Argument Load -> Kernel Execute. Host orchestration
// (software, SO) pays a host round trip per kernel; device orchestration (hardware, HO) runs the
// launch schedule on the AGCUs. Program Load is skipped when the same kernel runs again.
#pragma once
#include <string>

#include "dataflow/section.hpp"
#include "sim/machine_config.hpp"

namespace rdusim {

enum class Orchestration { kHost, kDevice };

inline double program_load_ns(const SectionPlan& s, const LaunchParams& lp, double hbm_gbps) {
  return lp.program_load_fixed_ns + (double(s.pcus_used) + s.pmus_used) * lp.config_bytes_per_tile / hbm_gbps;
}

// Launch cost of `s` given the kernel that ran before it on this socket.
inline double launch_ns(const SectionPlan& s, const LaunchParams& lp, Orchestration o, const std::string& prev_kernel,
                        double hbm_gbps) {
  double t = (o == Orchestration::kHost ? lp.host_launch_ns : lp.device_launch_ns) + lp.argument_load_ns;
  if (s.kernel != prev_kernel) t += program_load_ns(s, lp, hbm_gbps);
  return t;
}

}  // namespace rdusim
