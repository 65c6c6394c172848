// sim/run/run_gpu.hpp
// `rdusim run` on a GPU machine (kind "gpu": DGX A100, DGX H100): the same scenario keys as on the
// SN40L. The workload graph is the same; each of the tp GPUs runs it kernel by kernel
// (dataflow/gpu_mapper.hpp) with a launch overhead per kernel, and the all-reduces go through the
// NVLink fabric (interconnect/nvlink.hpp). GPU 0 is reported.
#pragma once
#include "sim/config/gpu_config.hpp"
#include "sim/run/run.hpp"

namespace rdusim {

// `machine` is the machine document with overrides already applied.
RunOutcome run_gpu_scenario(const Scenario& scenario, const RunOptions& options, const JsonReader& machine);

}  // namespace rdusim
