#include "dataflow/gpu_mapper.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "dataflow/mapper.hpp"
#include "sim/core/error.hpp"

namespace rdusim {

std::vector<std::vector<OpId>> gpu_kernels(const Graph& g) { return operator_kernels(g); }

namespace {

std::string kernel_name(const Graph& g, const std::vector<OpId>& ops) {
  const std::string& grp = g[ops.front()].kernel_group;
  return grp.empty() ? g[ops.front()].name : grp;
}

// Gives each stage its compute units (tensor cores): the fused GEMM of the kernel (GEMMs of one
// kernel share their input, as fused QKV or gate+up do: one GEMM with the columns summed) and the
// attention ops get the units' worth of peak the efficiency model allows, split by FLOPs and
// rounded up so that every part finishes with the whole; SIMD work spreads over all units.
void assign_units(SectionPlan& plan, const Graph& g, const std::vector<OpId>& ops, const GpuMapContext& c) {
  const uint32_t units = c.gpu.pcu.count;
  const uint32_t sms = std::max<uint32_t>(1, units / c.units_per_sm);
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
  auto share = [&](double e, double part, double whole) {
    return std::max<uint32_t>(1, static_cast<uint32_t>(std::ceil(units * e * part / whole - 1e-9)));
  };
  for (size_t i = 0; i < plan.stages.size(); ++i) {
    StagePlan& st = plan.stages[i];
    const OpNode& op = g[ops[i]];
    if (st.cls == ComputeClass::kNone || op.flops <= 0)
      st.pcus = 0;
    else if (op.kind == OpKind::kGemm)
      st.pcus = share(e_gemm, op.flops, gemm_flops);
    else if (st.cls == ComputeClass::kSystolic)
      st.pcus = share(e_attn, op.flops, attn_flops);
    else
      st.pcus = units;
  }
  plan.pcus_used = units;
  plan.pmus_used = sms;
}

// A GPU keeps about twice the bandwidth-latency product of every streamed operand in flight
// (Little's law, with slack): many small chunks all at once, a few large ones. Streams a stage
// needs whole (Dep::kAll) keep their full buffers.
void set_load_windows(SectionPlan& plan, const GpuMapContext& c) {
  const double window_bytes = 2.0 * c.gpu.hbm.total_bandwidth_gbps() * c.gpu.hbm.channel.latency_ns;
  for (auto& st : plan.stages) {
    for (const auto& in : st.inputs) {
      if (!in.from_memory || in.dep != Dep::kProportional) continue;
      MemStream& ms = st.loads[in.stream];
      double chunk = std::max(1.0, std::ceil(double(ms.bytes) / ms.chunks));
      ms.buffer_chunks = std::clamp<uint32_t>(static_cast<uint32_t>(std::ceil(window_bytes / chunk)), 2, ms.chunks);
    }
  }
}

}  // namespace

std::vector<GpuKernelPlan> map_gpu_graph(const Graph& g, const GpuMapContext& c, const std::string& graph_name) {
  std::vector<GpuKernelPlan> out;
  for (const auto& ops : gpu_kernels(g)) {
    GpuKernelPlan k;
    std::string name = graph_name + "." + kernel_name(g, ops);
    k.plan = plan_section(g, ops, c.gpu, c.replay, true, graph_name);
    k.plan.name = name;
    k.plan.kernel = name;
    if (ops.size() == 1 && g[ops[0]].kind == OpKind::kAllReduce) {
      // One NCCL call per all-reduce (not one per chunk): the whole tensor in one step.
      k.collective = true;
      k.allreduce_bytes = g[ops[0]].out_bytes;
      StagePlan& st = k.plan.stages.front();
      st.chunks = 1;
      for (auto& l : st.loads) l.chunks = l.buffer_chunks = 1;
      for (auto& in : st.inputs) in.producer_chunks = 1;
      out.push_back(std::move(k));
      continue;
    }
    assign_units(k.plan, g, ops, c);
    set_load_windows(k.plan, c);
    out.push_back(std::move(k));
  }
  return out;
}

}  // namespace rdusim
