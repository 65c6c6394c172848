#include "dataflow/mapper.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>

#include "sim/core/error.hpp"

namespace rdusim {

const char* dep_name(Dep d) {
  switch (d) {
    case Dep::kProportional:
      return "proportional";
    case Dep::kAll:
      return "all";
    case Dep::kPrefix:
      return "prefix";
  }
  return "?";
}

Dep dependency(OpKind consumer, OpKind producer, StreamMode mode) {
  const bool attention = consumer == OpKind::kAttnScore || consumer == OpKind::kAttnValue;
  if (mode == StreamMode::kToken) {
    // Token rows stream; causal attention keeps every earlier K/V (and Q) row until it ends.
    if (attention && producer != OpKind::kSoftmax) return Dep::kPrefix;
    return Dep::kProportional;
  }
  // Weight-streaming: outputs are cut along columns, so a contraction needs its whole input.
  switch (consumer) {
    case OpKind::kGemm:
    case OpKind::kAttnScore:
    case OpKind::kNorm:
    case OpKind::kSoftmax:
      return Dep::kAll;
    case OpKind::kAttnValue:
      return producer == OpKind::kSoftmax ? Dep::kProportional : Dep::kAll;
    default:
      return Dep::kProportional;
  }
}

namespace {

uint64_t chunk_of(uint64_t bytes, uint32_t chunks) { return (bytes + chunks - 1) / chunks; }

double compute_weight(const OpNode& op, const PcuParams& pcu, uint64_t rows) {
  ComputeClass cls = compute_class(op.kind);
  if (cls == ComputeClass::kNone || op.flops <= 0) return 0.0;
  double rate = cls == ComputeClass::kSystolic ? pcu.systolic_flops_per_cycle * systolic_row_utilization(pcu, rows)
                                               : pcu.simd_flops_per_cycle;
  return op.flops / rate;
}

// Longest path (in edges) from u to v inside the section that avoids the direct edge u->v; -1 if
// none. A reconvergent edge must buffer the skew between its two paths or the producer deadlocks.
int longest_other_path(const Graph& g, OpId u, OpId v, const std::set<OpId>& members) {
  std::map<OpId, int> best;
  // Members are in topological order when iterated by OpId within one graph built in order.
  std::function<int(OpId)> from = [&](OpId x) -> int {
    if (x == v) return 0;
    auto it = best.find(x);
    if (it != best.end()) return it->second;
    int r = -1;
    for (auto e : boost::make_iterator_range(boost::out_edges(x, g))) {
      OpId y = boost::target(e, g);
      if (!members.count(y) || (x == u && y == v)) continue;
      int d = from(y);
      if (d >= 0) r = std::max(r, d + 1);
    }
    return best[x] = r;
  };
  return from(u);
}

// Stages are laid out in pipeline order over the PCUs (split evenly over the dies); a stream pays
// one hop per row of tiles between producer and consumer, plus the die-to-die crossing.
void place_on_rdn(SectionPlan& plan, const SocketParams& socket) {
  const RdnParams& rdn = socket.rdn;
  const double per_die = double(socket.pcu.count) / std::max<uint32_t>(1, rdn.dies);
  const double row = std::max(1.0, std::sqrt(per_die));
  std::vector<double> mid;
  double at = 0.0;
  for (const auto& st : plan.stages) {
    double width = std::max<uint32_t>(st.pcus, 1);
    mid.push_back(std::min(at + width / 2, double(socket.pcu.count) - 0.5));
    at += width;
  }
  auto die = [&](double x) { return static_cast<uint32_t>(x / per_die); };
  for (auto& b : plan.buffers) {
    double hops = 1.0 + std::floor(std::abs(mid[b.producer] - mid[b.consumer]) / row);
    b.crosses_die = die(mid[b.producer]) != die(mid[b.consumer]);
    b.transport_ns = hops * rdn.hop_ns + (b.crosses_die ? rdn.d2d_latency_ns : 0.0);
  }
}

void allocate_pcus(SectionPlan& plan, const std::vector<double>& work, uint32_t available) {
  double total = 0.0;
  uint32_t computing = 0;
  for (double w : work) {
    total += w;
    computing += w > 0 ? 1 : 0;
  }
  uint32_t used = 0;
  for (size_t i = 0; i < plan.stages.size(); ++i) {
    if (work[i] <= 0) continue;
    // Every computing stage gets at least one PCU; the rest in proportion to its compute time.
    uint32_t spare = available > computing ? available - computing : 0;
    plan.stages[i].pcus = 1 + static_cast<uint32_t>(std::floor(spare * work[i] / total));
    used += plan.stages[i].pcus;
  }
  plan.pcus_used = used;
}

}  // namespace

SectionPlan plan_section(const Graph& g, const std::vector<OpId>& ops, const SocketParams& socket,
                         const ReplayParams& replay, bool fused, const std::string& graph_name) {
  SectionPlan plan;
  const uint32_t C = replay.chunks_per_stream;
  std::set<OpId> members(ops.begin(), ops.end());
  uint64_t max_rows = 0;
  for (OpId v : ops) max_rows = std::max(max_rows, g[v].rows);
  plan.mode = max_rows >= replay.token_stream_min_rows ? StreamMode::kToken : StreamMode::kWeight;
  // An unfused kernel of several ops (an operator such as attention) is named for its operator.
  std::string unfused_name =
      ops.size() > 1 && !g[ops[0]].kernel_group.empty() ? g[ops[0]].kernel_group : g[ops[0]].name;
  plan.name = graph_name + "." + (fused ? (ops.size() == 1 ? g[ops[0]].name : std::string("fused")) : unfused_name);
  plan.kernel = plan.name;
  if (fused && ops.size() > 1) plan.name += "@" + g[ops[0]].name;

  // Collectives are cut into chunks of at least collective_min_chunk_bytes (a tiny all-reduce is
  // one message, not C latency-bound ones); every other op into C chunks.
  auto chunks_of = [&](OpId v) -> uint32_t {
    const OpNode& op = g[v];
    if (op.kind != OpKind::kAllReduce) return C;
    uint64_t n = (op.out_bytes + replay.collective_min_chunk_bytes - 1) / replay.collective_min_chunk_bytes;
    return static_cast<uint32_t>(std::clamp<uint64_t>(n, 1, C));
  };
  std::map<OpId, int> stage_of;
  std::vector<double> work;
  for (OpId v : ops) {
    const OpNode& op = g[v];
    StagePlan st;
    st.name = op.name;
    st.kind = op.kind;
    st.cls = compute_class(op.kind);
    st.flops = op.flops;
    st.rows = op.rows;
    st.chunks = chunks_of(v);
    // The systolic array streams all of the op's rows whatever the chunking, so its row
    // utilisation follows the op's rows (chunking is a simulation artefact, not hardware).
    st.chunk_rows = op.rows;
    // A memory stream is cut into at most the stage's chunks and no piece smaller than one
    // interleave granule: a tiny tensor is one request, not 64 latency-bound ones.
    // A proportional stream keeps `buffer_bytes` in flight (PMU buffer bytes, whatever the chunking)
    // plus the chunks one consumer chunk needs; a stream needed whole is buffered whole.
    auto add_load = [&](const std::string& what, uint64_t bytes, Dep dep, uint64_t buffer_bytes,
                        Tier tier = Tier::kHbm) {
      if (bytes == 0) return;
      uint64_t granule = (tier == Tier::kHbm ? socket.hbm : socket.ddr).interleave_bytes;
      uint32_t n = static_cast<uint32_t>(std::clamp<uint64_t>((bytes + granule - 1) / granule, 1, st.chunks));
      StageInput in;
      in.from_memory = true;
      in.stream = static_cast<int>(st.loads.size());
      in.producer_chunks = n;
      in.dep = dep;
      uint32_t cap =
          dep == Dep::kProportional
              ? std::min(n, byte_credits(buffer_bytes, chunk_of(bytes, n), n) + (n + st.chunks - 1) / st.chunks)
              : n;
      st.loads.push_back({op.name + "." + what, tier, bytes, n, cap});
      st.inputs.push_back(in);
    };
    for (auto e : boost::make_iterator_range(boost::in_edges(v, g))) {
      OpId u = boost::source(e, g);
      Dep dep = dependency(op.kind, g[u].kind, plan.mode);
      uint32_t cp = chunks_of(u);
      uint32_t cap = dep == Dep::kProportional
                         ? std::min(cp, byte_credits(replay.stream_buffer_bytes, chunk_of(g[e].bytes, cp), cp) +
                                            (cp + st.chunks - 1) / st.chunks)
                         : cp;
      if (members.count(u)) {
        int skew = longest_other_path(g, u, v, members);
        // A reconvergent edge (a residual) buffers the whole tensor: the other path may hold a
        // contraction or a collective that needs every chunk before it emits one.
        if (skew > 0) cap = cp;
        StageInput in;
        in.buffer = static_cast<int>(plan.buffers.size());
        in.producer_chunks = cp;
        in.dep = dep;
        plan.buffers.push_back({g[u].name + "->" + op.name, cap, chunk_of(g[e].bytes, cp), stage_of.at(u),
                                static_cast<int>(plan.stages.size())});
        st.inputs.push_back(in);
        plan.stages[stage_of.at(u)].outputs.push_back(in.buffer);  // sections are in topological order
      } else {
        add_load("in." + g[u].name, g[e].bytes, dep, replay.stream_buffer_bytes);
      }
    }
    if (plan.mode == StreamMode::kToken) {
      add_load("weights", op.weight_bytes, Dep::kAll, op.weight_bytes);
    } else {
      add_load("weights", op.weight_bytes, Dep::kProportional, replay.weight_buffer_bytes);
    }
    Tier state_tier = op.state_in_ddr ? Tier::kDdr : Tier::kHbm;
    add_load("kv_cache", op.state_read_bytes, Dep::kProportional, replay.stream_buffer_bytes, state_tier);
    bool leaves = op.graph_output;
    for (auto e : boost::make_iterator_range(boost::out_edges(v, g))) {
      if (!members.count(boost::target(e, g))) leaves = true;
    }
    st.write_bytes = leaves ? op.out_bytes : 0;
    st.state_write_bytes = op.state_write_bytes;
    st.state_tier = state_tier;
    if (op.kind == OpKind::kAllReduce) {
      st.collective_bytes = op.out_bytes;
      // The all-reduce keeps as many chunks in flight as a stream buffer's bytes hold (A20).
      st.collective_inflight = byte_credits(replay.stream_buffer_bytes, chunk_of(op.out_bytes, st.chunks), st.chunks);
    }
    stage_of[v] = static_cast<int>(plan.stages.size());
    work.push_back(compute_weight(op, socket.pcu, st.chunk_rows));
    plan.stages.push_back(std::move(st));
  }
  uint32_t available_pcus =
      fused ? static_cast<uint32_t>(socket.pcu.count * replay.fused_pcu_fraction) : socket.pcu.count;
  allocate_pcus(plan, work, std::max<uint32_t>(available_pcus, 1));
  place_on_rdn(plan, socket);
  // Weight streaming prefetches whole weights (and KV cache) into PMUs when they fit in SRAM: the
  // data exists before the step, so the compiler stages it early; otherwise each stage keeps
  // weight_buffer_bytes in flight.
  auto sram_needed = [&] {
    double b = 0.0;
    for (const auto& buf : plan.buffers) b += double(buf.capacity_chunks) * buf.chunk_bytes;
    for (const auto& st : plan.stages)
      for (const auto& l : st.loads) b += double(l.buffer_chunks) * chunk_of(l.bytes, l.chunks);
    return b;
  };
  if (plan.mode == StreamMode::kWeight) {
    for (auto& st : plan.stages)
      for (auto& l : st.loads)
        if (l.name.ends_with(".weights") || l.name.ends_with(".kv_cache")) l.buffer_chunks = l.chunks;
    if (sram_needed() > socket.pmu.usable_bytes()) {
      for (auto& st : plan.stages)
        for (auto& l : st.loads)
          if (l.name.ends_with(".kv_cache"))
            l.buffer_chunks = byte_credits(replay.stream_buffer_bytes, chunk_of(l.bytes, l.chunks), l.chunks);
    }
    if (sram_needed() > socket.pmu.usable_bytes()) {
      for (auto& st : plan.stages)
        for (auto& l : st.loads)
          if (l.name.ends_with(".weights"))
            l.buffer_chunks = byte_credits(replay.weight_buffer_bytes, chunk_of(l.bytes, l.chunks), l.chunks);
    }
  }
  plan.sram_bytes = sram_needed();
  for (const auto& st : plan.stages) {
    plan.flops += st.flops;
    plan.collective_bytes += st.collective_bytes;
    plan.hbm_bytes += st.write_bytes;
    (st.state_tier == Tier::kHbm ? plan.hbm_bytes : plan.ddr_bytes) += st.state_write_bytes;
    for (const auto& l : st.loads) {
      (l.tier == Tier::kHbm ? plan.hbm_bytes : plan.ddr_bytes) += l.bytes;
    }
  }
  plan.pmus_used = std::min<uint32_t>(
      socket.pmu.count,
      std::max<uint32_t>(plan.pcus_used, static_cast<uint32_t>(std::ceil(plan.sram_bytes / socket.pmu.sram_bytes))));
  return plan;
}

// PyTorch eager runs some ops as several kernels (an RMSNorm is eight): the first carries the
// op's inputs, weights and KV traffic; each further kernel reads the previous kernel's output from
// HBM and writes its own, with an equal share of the FLOPs.
void append_eager_kernels(std::vector<SectionPlan>& out, SectionPlan plan, const OpNode& op, const ReplayParams& replay,
                          uint64_t granule_bytes) {
  const uint32_t k = std::max<uint32_t>(1, op.eager_kernels);
  plan.stages[0].flops /= k;
  plan.flops /= k;
  SectionPlan follow = plan;
  out.push_back(std::move(plan));
  StagePlan& st = follow.stages[0];
  st.inputs.clear();
  st.loads.clear();
  st.state_write_bytes = 0;
  st.collective_bytes = 0;
  st.write_bytes = op.out_bytes;
  // The previous kernel's output is read back in pieces of at least one interleave granule.
  uint32_t n =
      static_cast<uint32_t>(std::clamp<uint64_t>((op.out_bytes + granule_bytes - 1) / granule_bytes, 1, st.chunks));
  MemStream in{op.name + ".in.prev", Tier::kHbm, op.out_bytes, n,
               std::min(n, byte_credits(replay.stream_buffer_bytes, chunk_of(op.out_bytes, n), n) +
                               (n + st.chunks - 1) / st.chunks)};
  if (op.out_bytes > 0) {
    st.loads.push_back(in);
    st.inputs.push_back({true, -1, 0, n, Dep::kProportional});
  }
  follow.hbm_bytes = 2 * op.out_bytes;
  follow.ddr_bytes = 0;
  follow.collective_bytes = 0;
  follow.sram_bytes = double(in.buffer_chunks) * chunk_of(op.out_bytes, n);
  std::string base = follow.name;
  for (uint32_t j = 1; j < k; ++j) {
    follow.name = follow.kernel = base + "#" + std::to_string(j);
    out.push_back(follow);
  }
}

std::vector<SectionPlan> map_graph(const Graph& g, Fusion fusion, const SocketParams& socket,
                                   const ReplayParams& replay, const std::string& graph_name) {
  std::vector<SectionPlan> out;
  const double sram = socket.pmu.usable_bytes();
  for (const auto& section : cut_sections(g, fusion)) {
    if (fusion == Fusion::kUnfused) {
      out.push_back(plan_section(g, section, socket, replay, false, graph_name));
    } else if (fusion == Fusion::kUnfusedEager) {
      append_eager_kernels(out, plan_section(g, section, socket, replay, false, graph_name), g[section.front()], replay,
                           socket.hbm.interleave_bytes);
    } else {
      // Greedy: grow the section op by op while its buffers fit in SRAM.
      std::vector<OpId> current;
      for (OpId v : section) {
        current.push_back(v);
        if (current.size() > 1 && plan_section(g, current, socket, replay, true, graph_name).sram_bytes > sram) {
          current.pop_back();
          out.push_back(plan_section(g, current, socket, replay, true, graph_name));
          current = {v};
        }
      }
      out.push_back(plan_section(g, current, socket, replay, true, graph_name));
    }
    const SectionPlan& last = out.back();
    if (last.sram_bytes > sram) {
      throw SimError("", "graph node " + graph_name + "." + last.stages.front().name,
                     "needs " + std::to_string(static_cast<uint64_t>(last.sram_bytes / 1e6)) +
                         " MB of PMU SRAM, more than the " + std::to_string(static_cast<uint64_t>(sram / 1e6)) +
                         " MB usable");
    }
  }
  return out;
}

}  // namespace rdusim
