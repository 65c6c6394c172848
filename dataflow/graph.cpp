#include "dataflow/graph.hpp"

#include <boost/graph/topological_sort.hpp>

#include "sim/core/error.hpp"

namespace rdusim {

const char* op_kind_name(OpKind k) {
  switch (k) {
    case OpKind::kInput:
      return "input";
    case OpKind::kGemm:
      return "gemm";
    case OpKind::kNorm:
      return "norm";
    case OpKind::kRope:
      return "rope";
    case OpKind::kElementwise:
      return "elementwise";
    case OpKind::kAttnScore:
      return "attn_score";
    case OpKind::kSoftmax:
      return "softmax";
    case OpKind::kAttnValue:
      return "attn_value";
    case OpKind::kEmbedding:
      return "embedding";
    case OpKind::kAllReduce:
      return "allreduce";
  }
  return "?";
}

ComputeClass compute_class(OpKind k) {
  switch (k) {
    case OpKind::kGemm:
    case OpKind::kAttnScore:
    case OpKind::kAttnValue:
      return ComputeClass::kSystolic;
    case OpKind::kInput:
    case OpKind::kEmbedding:
    case OpKind::kAllReduce:
      return ComputeClass::kNone;
    default:
      return ComputeClass::kSimd;
  }
}

OpId add_op(Graph& g, OpNode node, const std::vector<OpId>& inputs) {
  OpId v = boost::add_vertex(std::move(node), g);
  for (OpId u : inputs) boost::add_edge(u, v, TensorEdge{g[u].out_bytes}, g);
  return v;
}

GraphTotals totals(const Graph& g) {
  GraphTotals t;
  for (auto v : boost::make_iterator_range(boost::vertices(g))) {
    t.flops += g[v].flops;
    t.weight_bytes += g[v].weight_bytes;
    t.state_bytes += g[v].state_read_bytes + g[v].state_write_bytes;
    if (g[v].kind != OpKind::kInput) ++t.ops;
  }
  return t;
}

std::vector<OpId> topo_order(const Graph& g) {
  std::vector<OpId> rev;
  try {
    boost::topological_sort(g, std::back_inserter(rev));
  } catch (const boost::not_a_dag&) {
    throw SimError("", "graph", "the dataflow graph has a cycle");
  }
  return {rev.rbegin(), rev.rend()};
}

}  // namespace rdusim
