// sim/studies/bench.hpp
// How fast the simulator runs its reference scenarios (a benchmark, not a test), against the bare
// SystemC kernel's rate of timed SC_METHOD activations measured in the same run.
#pragma once
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace rdusim {

struct BenchOptions {
  uint32_t chunks = 0;                       // 0: each scenario's own chunk count
  std::string only;                          // run only the scenarios whose name contains this
  uint64_t kernel_activations = 10'000'000;  // bare-kernel measurement size
};

// The reference scenarios: whole-model steps (Llama-2-7B TP8 on sn40l-8 decode and prefill,
// fused-HO and unfused, and a Llama-2-70B dgx-h100 decode), each in its own forked process, one at a time,
// after the bare-kernel measurement (also forked). Returns
// {"kernel": {"activations", "wall_s", "cpu_s", "rate_per_s", "rate_per_cpu_s"},
//  "scenarios": [{"scenario", "chunks", "events", "wall_s", "cpu_s", "sim_us", "events_per_s", "ratio",
//  "events_per_cpu_s", "ratio_cpu"}, ...]}; wall_s is run_scenario's (parsing, mapping, elaboration, simulation,
//  stats); a failed case throws SimError naming it.
nlohmann::json run_bench(const BenchOptions& options);

// The bare kernel: a fixed set of SC_METHODs, each re-triggering itself with a timed
// next_trigger, run until `activations` activations are done. Needs a fresh process (one
// elaboration per process). Returns the "kernel" object above; wall_s and cpu_s are sc_start's.
nlohmann::json bare_kernel_rate(uint64_t activations);

}  // namespace rdusim
