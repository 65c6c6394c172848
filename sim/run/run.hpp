// sim/run/run.hpp
// One `rdusim run`: elaborates the machine, maps the workload, replays it, and returns what the
// summary, stats.json and the trace need.
#pragma once
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "dataflow/kernel_call.hpp"
#include "dataflow/replay.hpp"
#include "sim/config/scenario.hpp"

namespace rdusim {

struct RunOptions {
  std::string out_dir;     // stats.json goes here ("" = none)
  std::string trace_path;  // Perfetto JSON ("" = no trace)
  bool quiet = false;
};

struct SectionRecord {
  SectionResult result;
  double roofline_ns = 0.0;  // max(flops / peak, bytes / bandwidth per tier)
  double flops = 0.0;
  uint64_t hbm_bytes = 0;
  uint32_t pcus_used = 0;
  std::string graph;
};

struct RunOutcome {
  std::string title;
  double total_ns = 0.0;      // the scope's simulated time (layers repeated where identical)
  double simulated_ns = 0.0;  // time actually simulated in the kernel
  double launch_ns = 0.0;     // of total_ns, spent launching kernels
  uint64_t kernel_calls = 0;
  double flops = 0.0;
  double hbm_bytes = 0.0;
  double roofline_ns = 0.0;
  uint64_t events = 0;  // delta cycles + timed notifications seen by the kernel (approx.)
  double wall_s = 0.0;
  std::vector<SectionRecord> sections;
  std::vector<std::string> notes;
  nlohmann::json stats;
  double hbm_peak_gbps = 0.0;  // aggregate over the sockets used
  double pcu_busy_ns = 0.0;    // PCU-ns, all sockets, layers repeated
  uint64_t pcu_count = 0;
  uint32_t sockets = 1;
  double peak_tflops = 0.0;
  double clock_ghz = 0.0;
  CallBreakdown breakdown;  // the step time by kind (dataflow/kernel_call.hpp)
};

// Throws SimError for bad input, an unfittable model or a deadlock (naming the stalled stages).
RunOutcome run_scenario(const Scenario& scenario, const RunOptions& options);
std::string format_summary(const RunOutcome& outcome);

}  // namespace rdusim
