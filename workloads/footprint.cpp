// workloads/footprint.cpp
#include "workloads/footprint.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "sim/core/error.hpp"

namespace rdusim {
namespace {

uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

[[noreturn]] void missing(const std::string& what, uint64_t need, uint64_t have) {
  throw SimError("", "footprint",
                 fmt::format("{} needs {:.1f} GB but holds {:.1f} GB: {:.1f} GB missing", what, need / 1e9, have / 1e9,
                             (need - have) / 1e9));
}

}  // namespace

FootprintResult machine_footprint(const FootprintParams& p) {
  if (p.expert_bytes == 0) throw SimError("", "footprint", "expert_bytes must be positive");
  const Sn40lNodeCapacity& s = p.sn40l;
  const DgxNodeCapacity& d = p.dgx;
  FootprintResult r;

  // SN40L: HBM holds the router, the serving state and the active-expert region; DDR every expert.
  const uint64_t region = uint64_t(std::max(1u, s.active_experts)) * p.expert_bytes;
  const uint64_t sn_hbm_need = p.router_bytes + s.serving_bytes + region;
  if (sn_hbm_need > s.hbm_bytes) {
    missing("SN40L node HBM (router + serving + active experts)", sn_hbm_need, s.hbm_bytes);
  }
  const uint64_t ddr_usable = s.ddr_bytes > s.ddr_reserve_bytes ? s.ddr_bytes - s.ddr_reserve_bytes : 0;
  if (ddr_usable < p.expert_bytes) {
    missing("SN40L node DDR (one expert)", s.ddr_reserve_bytes + p.expert_bytes, s.ddr_bytes);
  }
  r.experts_per_sn40l_node = ddr_usable / p.expert_bytes;

  // DGX: HBM holds the router, the serving state and every expert the node hosts.
  uint64_t dgx_fixed = p.router_bytes + d.serving_bytes;
  if (dgx_fixed + p.expert_bytes > d.hbm_bytes) {
    missing("DGX node HBM (router + serving + one expert)", dgx_fixed + p.expert_bytes, d.hbm_bytes);
  }
  r.experts_per_dgx_node = (d.hbm_bytes - dgx_fixed) / p.expert_bytes;
  r.experts_per_dgx_node_spill = std::max<uint64_t>(r.experts_per_dgx_node, d.host_dram_bytes / p.expert_bytes);

  for (uint32_t n = 1; n <= p.max_experts; ++n) {
    FootprintPoint pt;
    pt.experts = n;
    pt.sn40l_nodes = ceil_div(n, r.experts_per_sn40l_node);
    pt.dgx_nodes = ceil_div(n, r.experts_per_dgx_node);
    pt.dgx_nodes_spill = ceil_div(n, r.experts_per_dgx_node_spill);
    pt.reduction = double(pt.dgx_nodes) / double(pt.sn40l_nodes);
    if (pt.reduction > r.max_reduction) {
      r.max_reduction = pt.reduction;
      r.max_reduction_at = n;
    }
    r.curve.push_back(pt);
  }
  return r;
}

uint64_t serving_bytes(const ModelConfig& m, uint32_t batch, uint32_t context_tokens, uint32_t dtype_bytes,
                       uint64_t reserve_bytes) {
  uint64_t tokens = uint64_t(batch) * context_tokens;
  uint64_t kv = tokens * m.kv_bytes_per_token(dtype_bytes);
  uint64_t activations = tokens * (4ull * m.hidden + 2ull * m.ffn) * dtype_bytes;
  return kv + activations + reserve_bytes;
}

}  // namespace rdusim
