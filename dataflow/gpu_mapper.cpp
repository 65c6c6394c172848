#include "dataflow/gpu_mapper.hpp"

#include <cmath>
#include <map>
#include <set>

#include "dataflow/mapper.hpp"
#include "sim/error.hpp"

namespace rdusim {

std::vector<std::vector<OpId>> gpu_kernels(const Graph& g) {
  std::vector<std::vector<OpId>> groups;
  std::vector<std::string> names;
  std::map<std::string, size_t> index;
  std::vector<int> group_of(boost::num_vertices(g), -1);
  for (OpId v : topo_order(g)) {
    if (g[v].kind == OpKind::kInput) continue;
    std::string key = g[v].kernel_group.empty() ? "#" + g[v].name : g[v].kernel_group;
    auto [it, fresh] = index.try_emplace(key, groups.size());
    if (fresh) groups.emplace_back();
    groups[it->second].push_back(v);
    group_of[v] = static_cast<int>(it->second);
  }
  // Kahn's algorithm over the kernel DAG; the ready kernel that appeared first goes next.
  std::vector<std::set<size_t>> succ(groups.size());
  std::vector<size_t> indeg(groups.size(), 0);
  for (auto e : boost::make_iterator_range(boost::edges(g))) {
    int a = group_of[boost::source(e, g)], b = group_of[boost::target(e, g)];
    if (a < 0 || b < 0 || a == b) continue;
    if (succ[a].insert(b).second) ++indeg[b];
  }
  std::set<size_t> ready;
  for (size_t i = 0; i < groups.size(); ++i) {
    if (indeg[i] == 0) ready.insert(i);
  }
  std::vector<std::vector<OpId>> out;
  while (!ready.empty()) {
    size_t k = *ready.begin();
    ready.erase(ready.begin());
    out.push_back(groups[k]);
    for (size_t s : succ[k]) {
      if (--indeg[s] == 0) ready.insert(s);
    }
  }
  if (out.size() != groups.size()) {
    throw SimError("", "graph node " + g[groups[0][0]].name, "kernel groups depend on each other in a cycle");
  }
  return out;
}

namespace {

std::string kernel_name(const Graph& g, const std::vector<OpId>& ops) {
  const std::string& grp = g[ops.front()].kernel_group;
  return grp.empty() ? g[ops.front()].name : grp;
}

// Gives each stage its SMs: the fused GEMM of the kernel (GEMMs of one kernel share their input,
// as fused QKV or gate+up do: one GEMM with the columns summed) and the attention ops get the SMs'
// worth of peak the efficiency model allows, split by FLOPs; SIMD work spreads over all SMs.
void assign_sms(SectionPlan& plan, const Graph& g, const std::vector<OpId>& ops, const GpuMapContext& c) {
  const uint32_t sms = c.gpu.pcu.count;
  double gemm_flops = 0.0, attn_flops = 0.0;
  uint64_t m = 1, n_sum = 0, k = 1;
  for (OpId v : ops) {
    const OpNode& op = g[v];
    if (op.kind == OpKind::kGemm && op.rows > 0 && op.flops > 0) {
      uint64_t n = std::max<uint64_t>(1, op.out_bytes / (op.rows * c.dtype_bytes));
      m = op.rows;
      n_sum += n;
      k = std::max<uint64_t>(k, static_cast<uint64_t>(op.flops / (2.0 * op.rows * n)));
      gemm_flops += op.flops;
    } else if (op.kind == OpKind::kAttnScore || op.kind == OpKind::kAttnValue) {
      attn_flops += op.flops;
    }
  }
  double e_gemm = gemm_flops > 0 ? gemm_efficiency(c.gemm, sms, m, n_sum, k) : 0.0;
  double e_attn = attention_efficiency(c.gemm, c.attention_rows);
  for (size_t i = 0; i < plan.stages.size(); ++i) {
    StagePlan& st = plan.stages[i];
    const OpNode& op = g[ops[i]];
    if (st.cls == ComputeClass::kNone || op.flops <= 0) {
      st.pcus = 0;
    } else if (op.kind == OpKind::kGemm) {
      st.pcus = std::max<uint32_t>(1, static_cast<uint32_t>(std::lround(sms * e_gemm * op.flops / gemm_flops)));
    } else if (st.cls == ComputeClass::kSystolic) {
      st.pcus = std::max<uint32_t>(1, static_cast<uint32_t>(std::lround(sms * e_attn * op.flops / attn_flops)));
    } else {
      st.pcus = sms;
    }
  }
  plan.pcus_used = sms;
  plan.pmus_used = sms;
}

}  // namespace

std::vector<GpuKernelPlan> map_gpu_graph(const Graph& g, const GpuMapContext& c, const std::string& graph_name) {
  std::vector<GpuKernelPlan> out;
  for (const auto& ops : gpu_kernels(g)) {
    GpuKernelPlan k;
    std::string name = graph_name + "." + kernel_name(g, ops);
    if (ops.size() == 1 && g[ops[0]].kind == OpKind::kAllReduce) {
      k.collective = true;
      k.allreduce_bytes = g[ops[0]].out_bytes;
      k.plan.name = name;
      k.plan.kernel = name;
      k.plan.collective_bytes = k.allreduce_bytes;
      out.push_back(std::move(k));
      continue;
    }
    k.plan = plan_section(g, ops, c.gpu, c.replay, true, graph_name);
    k.plan.name = name;
    k.plan.kernel = name;
    assign_sms(k.plan, g, ops, c);
    out.push_back(std::move(k));
  }
  return out;
}

}  // namespace rdusim
