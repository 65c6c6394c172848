// sim/config/gpu_config.hpp
// A GPU machine (DGX A100 / DGX H100) as typed structs: what configs/machines/dgx-*.json describe.
// One GPU is a Socket of the same simulator: SMs are the compute pool (PcuParams, one "PCU" per
// SM), HBM a DramTier, L2 + shared memory the on-chip buffer capacity (PmuParams), host DRAM the
// second tier. sim/config_gpu.cpp is the only place that knows the file's shape.
#pragma once
#include <string>

#include "dataflow/gpu_kernel_model.hpp"
#include "interconnect/nvlink.hpp"
#include "memory/host_dma.hpp"
#include "sim/config/machine_config.hpp"

namespace rdusim {

struct GpuMachineConfig {
  std::string name;
  std::string file;
  uint32_t gpus = 1;
  SocketParams gpu;           // pcu = tensor cores (units), pmu = SMs' shared memory + L2, hbm, ddr = host DRAM
  uint32_t units_per_sm = 1;  // compute-pool units (tensor cores) per SM
  uint32_t sms() const { return gpu.pcu.count / units_per_sm; }
  GemmTileParams gemm;
  double kernel_launch_ns = 0.0;    // per kernel: issue gap between dependent kernels
  double kernel_prologue_ns = 0.0;  // per kernel: CTAs launched, first tiles through the pipeline
  double kernel_overhead_ns() const { return kernel_launch_ns + kernel_prologue_ns; }
  double hbm_peak_gbps = 0.0;  // datasheet rate (the tier serves at sustained_fraction of it)
  NvlinkParams nvlink;
  PcieParams pcie;
  ReplayParams replay;
};

// Peeks a machine document's "kind" ("rdu" when absent).
std::string machine_kind(const JsonReader& r);
GpuMachineConfig parse_gpu_machine(const JsonReader& r);

}  // namespace rdusim
