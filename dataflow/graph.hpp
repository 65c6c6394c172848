// dataflow/graph.hpp
// The graph IR: a Boost.Graph adjacency_list whose vertices are operators (with their shapes'
// FLOPs and bytes already computed by ops.cpp) and whose edges are tensor streams.
#pragma once
#include <boost/graph/adjacency_list.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "dataflow/pcu_timing.hpp"

namespace rdusim {

enum class OpKind {
  kInput,        // a tensor that lives in memory before the graph runs (layer input, embeddings' ids)
  kGemm,         // activations x weights
  kNorm,         // RMSNorm / LayerNorm: reduction over the hidden dimension
  kRope,         // rotary position embedding
  kElementwise,  // residual add, SiLU x mul, GELU, bias
  kAttnScore,    // Q K^T over the context (reads the K cache)
  kSoftmax,      // row softmax over the context
  kAttnValue,    // P V over the context (reads the V cache)
  kEmbedding,    // table lookup (reads rows of the table)
  kAllReduce,    // tensor-parallel reduction across sockets
};

const char* op_kind_name(OpKind k);
ComputeClass compute_class(OpKind k);

struct OpNode {
  std::string name;
  OpKind kind = OpKind::kElementwise;
  uint64_t rows = 1;  // stream rows (tokens x batch) this op processes
  double flops = 0.0;
  uint64_t weight_bytes = 0;       // parameters read from memory
  uint64_t state_read_bytes = 0;   // KV cache read from memory
  uint64_t state_write_bytes = 0;  // KV cache appended to memory
  uint64_t out_bytes = 0;          // the output tensor
  bool graph_output = false;       // its output leaves the graph (written to memory)
  bool state_in_ddr = false;       // the KV cache it reads/appends was spilled to DDR
  std::string kernel_group;        // ops a GPU-style stack would fuse into one kernel (same group)
  uint32_t eager_kernels = 1;      // kernels PyTorch eager launches for this op (the unfused baseline)
};

struct TensorEdge {
  uint64_t bytes = 0;
};

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, OpNode, TensorEdge>;
using OpId = Graph::vertex_descriptor;

// Adds an op and edges from `inputs` (each carrying the producer's out_bytes).
OpId add_op(Graph& g, OpNode node, const std::vector<OpId>& inputs = {});

struct GraphTotals {
  double flops = 0.0;
  uint64_t weight_bytes = 0;
  uint64_t state_bytes = 0;  // KV read + write
  size_t ops = 0;
};
GraphTotals totals(const Graph& g);

// Ops in topological order; throws SimError naming a node on a cycle.
std::vector<OpId> topo_order(const Graph& g);

}  // namespace rdusim
