// sim/run_gpu.hpp
// `rdusim run` on a GPU machine (kind "gpu": DGX A100, DGX H100): the same scenario keys as on the
// SN40L. The workload graph is the same; the GPU runs it kernel by kernel (dataflow/gpu_mapper.hpp)
// on GPU 0 with a launch overhead per kernel, and its all-reduces over NVLink. Tensor-parallel
// ranks run the same kernels on equal shards, so GPU 0 stands for all of them.
#pragma once
#include "sim/gpu_config.hpp"
#include "sim/run.hpp"

namespace rdusim {

// `machine` is the machine document with overrides already applied.
RunOutcome run_gpu_scenario(const Scenario& scenario, const RunOptions& options, const JsonReader& machine);

}  // namespace rdusim
