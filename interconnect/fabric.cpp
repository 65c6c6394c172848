#include "interconnect/fabric.hpp"

#include <fmt/format.h>

#include "sim/core/error.hpp"

namespace rdusim {

namespace {
constexpr uint32_t kSwitch = 0xffffffffu;
}

Fabric::Fabric(sc_core::sc_module_name name, const FabricParams& params, RunContext& ctx)
    : sc_core::sc_module(name), m_params(params) {
  const uint32_t n = params.endpoints;
  auto add = [&](uint32_t a, uint32_t b, const std::string& nm) {
    m_links[{a, b}] = std::make_unique<Link>(nm.c_str(), params.link, ctx);
  };
  for (uint32_t i = 0; i < n; ++i) {
    m_arrived.push_back(std::make_unique<sc_core::sc_event>());
    if (params.topology == "switch") {
      add(i, kSwitch, fmt::format("up{}", i));
      add(kSwitch, i, fmt::format("down{}", i));
    } else if (params.topology == "ring") {
      if (n > 1) add(i, (i + 1) % n, fmt::format("l{}_{}", i, (i + 1) % n));
      if (n > 2) add(i, (i + n - 1) % n, fmt::format("l{}_{}", i, (i + n - 1) % n));
    } else {
      for (uint32_t j = 0; j < n; ++j)
        if (i != j) add(i, j, fmt::format("l{}_{}", i, j));
    }
  }
  ctx.stats.add(*this, "collectives", m_collectives, "count", "collective calls (per rank)");
}

std::vector<Link*> Fabric::route(uint32_t from, uint32_t to) {
  std::vector<Link*> r;
  const uint32_t n = m_params.endpoints;
  if (m_params.topology == "switch") {
    r = {m_links.at({from, kSwitch}).get(), m_links.at({kSwitch, to}).get()};
  } else if (m_params.topology == "ring") {
    uint32_t fwd = (to + n - from) % n;
    bool forward = fwd <= n - fwd;
    for (uint32_t at = from; at != to;) {
      uint32_t next = forward ? (at + 1) % n : (at + n - 1) % n;
      r.push_back(m_links.at({at, next}).get());
      at = next;
    }
  } else {
    r = {m_links.at({from, to}).get()};
  }
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
  const uint64_t shard = (bytes + ranks - 1) / ranks;
  const uint32_t phases = kind == CollectiveKind::kAllReduce ? 2 : 1;
  if (m_params.algorithm == "direct") {
    // Each phase: send my shard to every other rank, then wait for theirs.
    for (uint32_t ph = 0; ph < phases; ++ph) {
      for (uint32_t k = 1; k < ranks; ++k) {
        uint32_t dst = (rank + k) % ranks;
        transfer(rank, dst, shard, [this, tag, ph, dst] { post(tag, ph, dst); });
      }
      receive(tag, ph, rank, ranks - 1);
    }
    return;
  }
  // Ring: (ranks - 1) steps per phase; each step passes one shard to the next rank.
  const uint32_t steps = phases * (ranks - 1);
  const uint32_t next = (rank + 1) % ranks;
  for (uint32_t s = 0; s < steps; ++s) {
    transfer(rank, next, shard, [this, tag, s, next] { post(tag, s, next); });
    receive(tag, s, rank, 1);
  }
}

}  // namespace rdusim
