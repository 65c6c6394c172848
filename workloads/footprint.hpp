// workloads/footprint.hpp
// Machine footprint of a Composition of Experts (paper E3, Fig. 13): how many SN40L nodes and how
// many DGX nodes host N experts of one model, N = 1..max_experts. Pure capacity arithmetic.
// The SN40L keeps every expert in DDR and copies the active one into an HBM region; the DGX keeps
// every expert in HBM (switching over PCIe would miss the TP8 latency), so its HBM bounds it.
#pragma once
#include <cstdint>
#include <vector>

#include "workloads/model_config.hpp"

namespace rdusim {

// One SN40L node (fed from configs/machines: sockets x socket.ddr / socket.hbm capacity).
struct Sn40lNodeCapacity {
  uint64_t ddr_bytes = 0;          // all sockets (8 x 1.5 TB)
  uint64_t hbm_bytes = 0;          // all sockets (8 x 64 GB)
  uint64_t ddr_reserve_bytes = 0;  // DDR not available to experts (runtime, spills)
  uint64_t serving_bytes = 0;      // HBM pinned besides router and experts: KV cache + activations + reserve
  uint32_t active_experts = 1;     // size of the HBM region for active experts, in experts
};

// One DGX node (fed from configs/machines: gpus x hbm capacity, host DRAM).
struct DgxNodeCapacity {
  uint64_t hbm_bytes = 0;        // all GPUs (8 x 80 GB)
  uint64_t host_dram_bytes = 0;  // 2 TB: only for the informational spill curve
  uint64_t serving_bytes = 0;    // HBM held besides router and experts: KV cache + activations + reserve
};

struct FootprintParams {
  uint64_t expert_bytes = 0;  // one expert's weights
  uint64_t router_bytes = 0;  // the router's weights, in HBM on every node
  uint32_t max_experts = 1000;
  Sn40lNodeCapacity sn40l;
  DgxNodeCapacity dgx;
};

struct FootprintPoint {
  uint32_t experts = 0;
  uint64_t sn40l_nodes = 0;      // ceil(N / experts_per_sn40l_node)
  uint64_t dgx_nodes = 0;        // ceil(N / experts_per_dgx_node)
  uint64_t dgx_nodes_spill = 0;  // if the DGX kept experts in host DRAM (pays PCIe switching; not the comparison)
  double reduction = 0.0;        // dgx_nodes / sn40l_nodes
};

struct FootprintResult {
  uint64_t experts_per_sn40l_node = 0;      // floor((ddr - ddr_reserve) / expert)
  uint64_t experts_per_dgx_node = 0;        // floor((hbm - router - serving) / expert)
  uint64_t experts_per_dgx_node_spill = 0;  // max(experts_per_dgx_node, floor(host_dram / expert))
  double max_reduction = 0.0;               // max over the curve of dgx_nodes / sn40l_nodes
  uint32_t max_reduction_at = 0;            // smallest N reaching it
  std::vector<FootprintPoint> curve;        // N = 1..max_experts
};

// Contract: pure; counts are exact integer arithmetic on the byte capacities. Throws SimError
// ("", "footprint", "... N GB missing") when a node cannot serve even one expert: the SN40L HBM
// cannot hold router + serving + the active-expert region, its DDR no expert, or the DGX HBM
// not router + serving + one expert.
FootprintResult machine_footprint(const FootprintParams& p);

// HBM a node needs to serve besides weights: the KV cache of `batch` sequences of `context_tokens`
// plus one layer's activations (layers run one after another: a working set of
// batch x context x (4 x hidden + 2 x ffn) elements), plus `reserve_bytes`.
uint64_t serving_bytes(const ModelConfig& m, uint32_t batch, uint32_t context_tokens, uint32_t dtype_bytes,
                       uint64_t reserve_bytes = 0);

}  // namespace rdusim
