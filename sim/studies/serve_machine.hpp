// sim/studies/serve_machine.hpp
// The machine a CoE is served on, as the serving timeline sees it: run a step (a list of graphs,
// identical layers repeated) on every tensor-parallel rank at once, copy an expert into HBM. The
// SN40L node runs each graph as fused sections (device orchestration, one host launch per step)
// through Socket/Replayer/Fabric; a DGX runs it kernel by kernel (dataflow/gpu_mapper.hpp) on its
// GPUs and NVLink, and loads experts from host DRAM over PCIe (memory/host_dma.hpp).
#pragma once
#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

#include "sim/core/run_context.hpp"
#include "workloads/decoder.hpp"
#include "workloads/step_graphs.hpp"

namespace rdusim {

// One step on rank 0: total time and the part spent launching (host launch, program and argument
// loads on the RDU; kernel launch and prologue, NCCL fixed cost on a GPU).
struct StepTiming {
  double total_ns = 0.0;
  double launch_ns = 0.0;
};

// Memory the residency manager works with, summed over the ranks.
struct MachineTiers {
  double hbm_bytes = 0.0;
  double home_bytes = 0.0;
  std::string home_name;  // "ddr" (SN40L) or "host_dram" (DGX)
};

class ServeMachine {
 public:
  virtual ~ServeMachine() = default;
  // Reads configs/machines/<machine> (RDU or GPU); `load_mode` is the DGX switching mode.
  // `overrides` maps JSON pointers of the machine document to values (as `run --set machine/...`).
  static std::unique_ptr<ServeMachine> create(const std::string& machine, const nlohmann::json& overrides,
                                              const std::string& load_mode, RunContext& ctx);
  virtual const std::string& name() const = 0;
  virtual const std::string& file() const = 0;
  virtual uint32_t tp() const = 0;
  virtual MachineTiers tiers() const = 0;
  // From an SC_THREAD: simulates the step in detail on every rank.
  virtual StepTiming run_step(const std::vector<StepGraph>& graphs, const ModelConfig& model,
                              const StepShape& shape) = 0;
  // From an SC_THREAD: copies an expert of `bytes` (all shards) into HBM; returns ns.
  virtual double copy_expert(uint64_t bytes, const std::string& name) = 0;
  virtual void evict(const std::string& /*name*/) {}
  virtual void flush_trace() {}
};

}  // namespace rdusim
