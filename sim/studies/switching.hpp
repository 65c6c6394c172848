// sim/studies/switching.hpp
// Model switching: the simulated time to bring one expert's weights into HBM. On an RDU node each
// socket's DMA engine copies its tensor-parallel shard DDR -> HBM through the simulated channels,
// all sockets at once; on a DGX the expert comes from host DRAM over PCIe (memory/host_dma.hpp,
// mode "paper" or "per-gpu"). One elaboration: call it in its own process (run_isolated).
#pragma once
#include <cstdint>
#include <string>

namespace rdusim {

struct SwitchResult {
  double ns = 0.0;
  double gbps = 0.0;  // bytes / ns: the aggregate copy rate achieved
};

// `machine` is a name in configs/machines/ or a path; `mode` is "paper" or "per-gpu" (GPU only).
SwitchResult simulate_switch(const std::string& machine, uint64_t bytes, uint32_t tp, const std::string& mode,
                             const std::string& trace_path = "");

// "rdu" or "gpu": the machine file's kind.
std::string machine_kind(const std::string& machine_path);

}  // namespace rdusim
