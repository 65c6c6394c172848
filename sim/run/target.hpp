// sim/run/target.hpp
// The per-kind part of `rdusim run`: what differs between an SN40L node (kind "rdu") and a DGX
// (kind "gpu"). Everything else (elaboration, execution, deadlock report, accounting, stats,
// summary) is written once in sim/run/run.cpp, sim/run/node.cpp and sim/run/outcome.cpp.
#pragma once
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "dataflow/graph_mapper.hpp"
#include "dataflow/kernel_call.hpp"
#include "sim/config/scenario.hpp"
#include "sim/run/node.hpp"
#include "sim/run/outcome.hpp"

namespace rdusim {

struct RunOptions {
  std::string out_dir;     // stats.json goes here ("" = none)
  std::string trace_path;  // Perfetto JSON ("" = no trace)
  bool quiet = false;
  std::set<std::string> cli_keys;  // scenario keys given as command-line flags (for error locations)
};

// How repeated layers pay their launches.
enum class RepeatLaunch {
  kRecomputed,   // RDU: each repeat's launch is recomputed (a layer that follows itself skips Program Load)
  kSameAsFirst,  // GPU: every kernel pays the launch the simulated layer paid
};

// Per-rank figures of the machine, for the roofline and the summary.
struct TargetTraits {
  std::string machine_name;
  std::string scope;                 // the reporting scope in words ("all sockets", "GPU 0")
  bool report_all_ranks = true;      // node-level figures add up every rank (else rank 0 only)
  double peak_tflops = 0.0;          // per rank
  double roofline_hbm_gbps = 0.0;    // per rank, the HBM rate of the roofline (datasheet)
  double roofline_ddr_gbps = 0.0;    // per rank, the DDR rate of the roofline
  double collective_fixed_ns = 0.0;  // per collective kernel, counted in run.collective_ns
  uint32_t compute_units = 0;        // per rank (PCUs; tensor cores on a GPU)
  double clock_ghz = 0.0;
  std::vector<std::string> tiers;  // DRAM tiers counted in the model events and traced
  RepeatLaunch repeat_launch = RepeatLaunch::kRecomputed;
};

class Target {
 public:
  virtual ~Target() = default;
  const TargetTraits& traits() const { return m_traits; }
  // Rejects what does not apply to the machine (flags, tp); checks that the workload fits.
  virtual void check(const Scenario& sc, const Workload& w, const RunOptions& opt) = 0;
  // Notes the summary prints before the per-graph ones (e.g. a KV cache that spilled).
  virtual std::vector<std::string> leading_notes() const { return {}; }
  // A note the summary prints after them ("" = none).
  virtual std::string trailing_note(const RunOutcome& o, const Scenario& sc) const = 0;
  // Sockets, fabric and replayers for `ranks` ranks.
  virtual NodeSpec node(uint32_t ranks) const = 0;
  // Sets the graph's placement attributes, then maps it (dataflow/graph_mapper.hpp).
  virtual MappedGraph map(Graph& g, const std::string& graph_name) const = 0;
  // The kernel-call lifecycle of a machine whose sockets sequence their own calls (RDU:
  // dataflow/kernel_call.hpp, simulated events); nullptr where the host launches kernel by kernel
  // at the cost launch_ns() gives (GPU). Created after the node, before the run.
  virtual std::unique_ptr<CallSequencer> sequencer(Node&, RunContext&) const { return nullptr; }
  // Without a sequencer: paid once before the first kernel, and per kernel `k` after `prev_kernel`.
  virtual double schedule_launch_ns() const { return 0.0; }
  virtual double launch_ns(const KernelPlan&, const std::string&) const { return 0.0; }
  // The title's words for how the step runs ("fused, host orchestration", "kernel by kernel").
  virtual std::string execution(const Scenario& sc) const = 0;
  virtual double trace_bin_ns() const = 0;

 protected:
  TargetTraits m_traits;
};

// The machine document (overrides applied) decides the kind; `sc.chunks` is applied.
std::unique_ptr<Target> make_target(const JsonReader& machine, const Scenario& sc);
std::unique_ptr<Target> make_rdu_target(const JsonReader& machine, const Scenario& sc);
std::unique_ptr<Target> make_gpu_target(const JsonReader& machine, const Scenario& sc);

}  // namespace rdusim
