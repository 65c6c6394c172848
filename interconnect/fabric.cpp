// interconnect/fabric.cpp
#include "interconnect/fabric.hpp"

#include <fmt/format.h>

#include "sim/core/error.hpp"

namespace rdusim {

Fabric::Fabric(sc_core::sc_module_name name, const FabricParams& params, RunContext& ctx)
    : sc_core::sc_module(name),
      m_params(params),
      m_topology(make_topology(params.topology)),
      m_algorithm(make_collective(params.algorithm)) {
  for (uint32_t i = 0; i < params.endpoints; ++i) m_arrived.push_back(std::make_unique<sc_core::sc_event>());
  for (const TopologyLink& l : m_topology->links(params.endpoints))
    m_links[l.ends] = std::make_unique<Link>(l.name.c_str(), params.link, ctx);
  ctx.stats.add(*this, "collectives", m_collectives, "count", "collective calls (per rank)");
}

std::vector<Link*> Fabric::route(uint32_t from, uint32_t to) {
  std::vector<Link*> r;
  for (const LinkEnds& ends : m_topology->route(from, to, m_params.endpoints)) r.push_back(m_links.at(ends).get());
  return r;
}

void Fabric::hop(std::vector<Link*> route, size_t i, uint64_t bytes, std::function<void()> done) {
  Link* l = route[i];
  l->send(bytes, [this, route = std::move(route), i, bytes, done = std::move(done)]() mutable {
    if (i + 1 == route.size()) {
      done();
    } else {
      hop(std::move(route), i + 1, bytes, std::move(done));
    }
  });
}

void Fabric::transfer(uint32_t from, uint32_t to, uint64_t bytes, std::function<void()> done) {
  if (from >= m_params.endpoints || to >= m_params.endpoints) {
    throw SimError("", name(), fmt::format("transfer {} -> {} outside {} endpoints", from, to, m_params.endpoints));
  }
  if (from == to) {
    done();
    return;
  }
  hop(route(from, to), 0, bytes, std::move(done));
}

void Fabric::post(uint64_t tag, uint32_t step, uint32_t to) {
  ++m_mailbox[{tag, step, to}];
  m_arrived[to]->notify();
}

void Fabric::receive(uint64_t tag, uint32_t step, uint32_t rank, uint32_t count) {
  auto key = std::make_tuple(tag, step, rank);
  while (m_mailbox[key] < count) sc_core::wait(*m_arrived[rank]);
  m_mailbox.erase(key);
}

uint64_t Fabric::traffic_bytes(CollectiveKind kind, uint32_t ranks, uint64_t bytes) {
  uint64_t shard = (bytes + ranks - 1) / ranks;
  uint64_t per_phase = uint64_t(ranks) * (ranks - 1) * shard;
  return kind == CollectiveKind::kAllReduce ? 2 * per_phase : per_phase;
}

void Fabric::collective(CollectiveKind kind, uint32_t rank, uint32_t ranks, uint64_t bytes, uint64_t tag) {
  ++m_collectives;
  if (ranks <= 1) return;
  const std::vector<CollectiveStep> steps = m_algorithm->decompose(kind, rank, ranks, bytes);
  for (uint32_t s = 0; s < steps.size(); ++s) {
    for (const auto& [dst, n] : steps[s].sends)
      transfer(rank, dst, n, [this, tag, s, dst = dst] { post(tag, s, dst); });
    receive(tag, s, rank, steps[s].receives);
  }
}

}  // namespace rdusim
