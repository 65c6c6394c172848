// sim/run/node.cpp
#include "sim/run/node.hpp"

#include <fmt/format.h>

#include "sim/core/error.hpp"
#include "sim/run/all_ranks.hpp"
#include "sim/run/executor.hpp"

namespace rdusim {

Node::Node(const NodeSpec& spec, RunContext& ctx) : m_spec(spec), m_ctx(ctx) {
  const uint32_t T = spec.ranks;
  for (uint32_t r = 0; r < T; ++r) {
    m_sockets.push_back(std::make_unique<Socket>(fmt::format("{}{}", spec.rank_prefix, r).c_str(), spec.socket, ctx));
  }
  if (T > 1 && spec.fabric) m_fabric = std::make_unique<Fabric>(spec.fabric_name.c_str(), *spec.fabric, ctx);
  if (!spec.replay) return;
  for (uint32_t r = 0; r < T; ++r) {
    m_replayers.push_back(
        std::make_unique<Replayer>(*m_sockets[r], ctx, *spec.replay, CollectiveGroup{m_fabric.get(), r, T}));
  }
}

Node::~Node() = default;

void Node::run(const std::string& process, const std::function<void(uint32_t)>& script) {
  Executor exec(process.c_str(), [&] { run_on_all_ranks(m_spec.ranks, script); });
  sc_core::sc_start();
  exec.rethrow();
  if (exec.finished()) return;
  std::string list;
  for (const auto& rp : m_replayers) {
    for (const auto& s : rp->stalled()) list += (list.empty() ? "" : "; ") + s;
  }
  throw SimError("", "graph", "deadlock at " + fmt::format("{:.3f}", now_ns() / 1e3) + " us, stalled: " + list);
}

DramTier& Node::tier(uint32_t rank, const std::string& name) {
  if (name == "hbm") return m_sockets[rank]->hbm;
  if (name == "ddr") return m_sockets[rank]->ddr;
  throw SimError("", "tier", "unknown memory tier \"" + name + "\" (known: hbm, ddr)");
}

uint64_t Node::dram_requests(const StatsRegistry& stats, const std::vector<std::string>& tiers) const {
  uint64_t n = 0;
  for (uint32_t r = 0; r < m_spec.ranks; ++r) {
    for (const auto& t : tiers) {
      uint32_t channels = t == "hbm" ? m_spec.socket.hbm.channels : m_spec.socket.ddr.channels;
      for (uint32_t c = 0; c < channels; ++c) {
        n += static_cast<uint64_t>(stats.value(fmt::format("{}{}.{}.ch{}.requests", m_spec.rank_prefix, r, t, c)));
      }
    }
  }
  return n;
}

void Node::flush_traces(const std::vector<std::string>& tiers, double bin_ns) {
  if (!m_ctx.trace.on()) return;
  for (uint32_t r = 0; r < m_spec.ranks; ++r) {
    for (const auto& t : tiers) tier(r, t).flush_trace(bin_ns);
  }
}

uint64_t Node::chunk_events() const {
  uint64_t n = 0;
  for (const auto& rp : m_replayers) n += rp->chunk_events();
  return n;
}

}  // namespace rdusim
