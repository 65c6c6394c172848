// interconnect/topology.cpp
#include "interconnect/topology.hpp"

#include <fmt/format.h>

#include "sim/core/registry.hpp"

namespace rdusim {
namespace {

class FullMesh : public Topology {
 public:
  std::vector<TopologyLink> links(uint32_t n) const override {
    std::vector<TopologyLink> out;
    for (uint32_t i = 0; i < n; ++i)
      for (uint32_t j = 0; j < n; ++j)
        if (i != j) out.push_back({{i, j}, fmt::format("l{}_{}", i, j)});
    return out;
  }
  std::vector<LinkEnds> route(uint32_t from, uint32_t to, uint32_t) const override { return {{from, to}}; }
};

class Ring : public Topology {
 public:
  std::vector<TopologyLink> links(uint32_t n) const override {
    std::vector<TopologyLink> out;
    for (uint32_t i = 0; i < n; ++i) {
      if (n > 1) out.push_back({{i, (i + 1) % n}, fmt::format("l{}_{}", i, (i + 1) % n)});
      if (n > 2) out.push_back({{i, (i + n - 1) % n}, fmt::format("l{}_{}", i, (i + n - 1) % n)});
    }
    return out;
  }
  std::vector<LinkEnds> route(uint32_t from, uint32_t to, uint32_t n) const override {
    std::vector<LinkEnds> r;
    uint32_t fwd = (to + n - from) % n;
    bool forward = fwd <= n - fwd;
    for (uint32_t at = from; at != to;) {
      uint32_t next = forward ? (at + 1) % n : (at + n - 1) % n;
      r.push_back({at, next});
      at = next;
    }
    return r;
  }
};

class Switch : public Topology {
 public:
  std::vector<TopologyLink> links(uint32_t n) const override {
    std::vector<TopologyLink> out;
    for (uint32_t i = 0; i < n; ++i) {
      out.push_back({{i, kSwitchPort}, fmt::format("up{}", i)});
      out.push_back({{kSwitchPort, i}, fmt::format("down{}", i)});
    }
    return out;
  }
  std::vector<LinkEnds> route(uint32_t from, uint32_t to, uint32_t) const override {
    return {{from, kSwitchPort}, {kSwitchPort, to}};
  }
};

template <typename T>
std::unique_ptr<Topology> make() {
  return std::make_unique<T>();
}

}  // namespace

std::unique_ptr<Topology> make_topology(const std::string& name) {
  static const Registry<Topology> kTopologies{
      {"full_mesh", make<FullMesh>}, {"ring", make<Ring>}, {"switch", make<Switch>}};
  return kTopologies.create(name);
}

}  // namespace rdusim
