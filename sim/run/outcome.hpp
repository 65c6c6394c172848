// sim/run/outcome.hpp
// What one `rdusim run` produced, on any machine kind: the figures the summary prints, the
// per-section records, and stats.json. One definition for RDU and GPU machines.
//
// Definitions (the same on every machine kind):
//  - roofline_ns of a section: max(flops / peak, bytes / rate per memory tier), the rate being
//    the tier's datasheet rate as the machine part states it (sim/run/target.hpp: RDU sockets
//    use DramTierParams::total_bandwidth_gbps(), GPUs the datasheet hbm_peak_gbps; both numbers
//    are the ones each machine printed before the run paths were unified). The run's roofline_ns
//    sums the sections', repeated layers counted as often as they run.
//  - the reporting scope: the ranks whose work the node-level figures (flops, hbm_bytes, PCU
//    utilization, peaks) add up. RDU: all tp sockets; GPU: GPU 0 (both as before).
//  - collective_ns: time in collective kernels (kernels that are only an all-reduce), their
//    fixed collective cost included; an all-reduce fused into a larger RDU section overlaps it
//    and is not counted.
#pragma once
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "dataflow/kernel_call.hpp"
#include "dataflow/replay.hpp"
#include "sim/config/scenario.hpp"
#include "sim/core/stats.hpp"

namespace rdusim {

struct SectionRecord {
  SectionResult result;
  double roofline_ns = 0.0;  // max(flops / peak, bytes / rate per tier)
  double flops = 0.0;
  uint64_t hbm_bytes = 0;
  uint32_t pcus_used = 0;
  std::string graph;
};

struct RunOutcome {
  // The step time by kind: on an RDU from the kernel-call lifecycle (dataflow/kernel_call.hpp); on
  // a GPU, which launches kernel by kernel, only launches and execution (stream) are filled.
  CallBreakdown breakdown;
  bool call_lifecycle = false;  // the breakdown came from simulated call boundaries
  std::string title;
  double total_ns = 0.0;       // the scope's simulated time (layers repeated where identical)
  double simulated_ns = 0.0;   // time actually simulated in the kernel
  double launch_ns = 0.0;      // of total_ns, spent launching kernels
  double collective_ns = 0.0;  // of total_ns, in collective kernels (see above)
  uint64_t kernel_calls = 0;
  double flops = 0.0;      // reporting scope
  double hbm_bytes = 0.0;  // reporting scope
  double roofline_ns = 0.0;
  uint64_t events = 0;  // delta cycles + timed notifications seen by the kernel (approx.)
  double wall_s = 0.0;
  std::vector<SectionRecord> sections;
  std::vector<std::string> notes;
  nlohmann::json stats;        // stats.json: the registry's dump plus "config"
  double hbm_peak_gbps = 0.0;  // aggregate over the reporting scope
  double pcu_busy_ns = 0.0;    // PCU-ns (tensor-core-ns on a GPU), reporting scope, layers repeated
  uint64_t pcu_count = 0;      // reporting scope
  uint32_t sockets = 1;        // ranks in the reporting scope
  double peak_tflops = 0.0;    // reporting scope
  double clock_ghz = 0.0;
};

// The run.* statistics, the same keys on every machine kind; `scope` names the reporting scope
// in the descriptions ("all sockets", "GPU 0").
void record_run_stats(StatsRegistry& stats, const RunOutcome& outcome, const std::string& scope);
// stats.json's "config": the machine and model documents after --set overrides, the scenario as
// parsed.
nlohmann::json run_config(const nlohmann::json& machine, const nlohmann::json& model, const Scenario& scenario);
std::string format_summary(const RunOutcome& outcome);

}  // namespace rdusim
