// dataflow/gpu_mapper.hpp
// Maps a graph onto one GPU the way a production inference stack runs it: kernel by kernel. Ops
// with the same OpNode::kernel_group form one kernel (fused QKV, FlashAttention-style attention,
// fused residual + norm, fused act x mul, ...); inside a kernel ops stream through on-chip
// buffers (registers / shared memory / L2), between kernels every activation goes through HBM.
// Each kernel is a SectionPlan the Replayer runs on the GPU's Socket; its stages get SMs from the
// per-kernel efficiency model (gpu_kernel_model.hpp). An all-reduce is a kernel of one stage and
// one chunk (one NCCL call) that the Replayer runs through the NVLink fabric.
#pragma once
#include <string>
#include <vector>

#include "dataflow/gpu_kernel_model.hpp"
#include "dataflow/graph_mapper.hpp"
#include "dataflow/replay_params.hpp"
#include "dataflow/section.hpp"
#include "dataflow/socket.hpp"

namespace rdusim {

struct GpuKernelPlan {
  SectionPlan plan;              // name, stages, roofline inputs
  bool collective = false;       // an all-reduce: one stage, one chunk, run through the NVLink fabric
  uint64_t allreduce_bytes = 0;  // payload per GPU
};

// What the efficiency model needs beyond the graph.
struct GpuMapContext {
  SocketParams gpu;
  GemmTileParams gemm;
  ReplayParams replay;
  uint32_t units_per_sm = 1;  // compute-pool units (tensor cores) per SM: gpu.pcu.count / units_per_sm SMs
  uint32_t dtype_bytes = 2;
  uint64_t attention_rows = 1;  // query rows sharing one K/V tile (new tokens x query heads per KV head)
};

// Ops grouped into kernels, kernels in dependency order (ties: first appearance in topological
// order). Throws SimError when kernel groups depend on each other in a cycle.
std::vector<std::vector<OpId>> gpu_kernels(const Graph& g);

std::vector<GpuKernelPlan> map_gpu_graph(const Graph& g, const GpuMapContext& c, const std::string& graph_name);

// map_gpu_graph behind the GraphMapper contract (dataflow/graph_mapper.hpp).
class GpuMapper final : public GraphMapper {
 public:
  explicit GpuMapper(const GpuMapContext& context) : m_context(context) {}
  MappedGraph map(const Graph& g, const std::string& graph_name) const override;

 private:
  GpuMapContext m_context;
};

}  // namespace rdusim
