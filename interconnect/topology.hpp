// interconnect/topology.hpp
// How the endpoints of a Fabric are wired: the links that exist and the route a transfer takes.
// Variants: full_mesh (a link between every ordered pair), ring (links to both neighbours,
// shortest direction, ties forward), switch (one up- and one down-link per endpoint).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace rdusim {

// A link by its two ends; kSwitchPort stands for the switch of a switched topology.
using LinkEnds = std::pair<uint32_t, uint32_t>;
inline constexpr uint32_t kSwitchPort = 0xffffffffu;

struct TopologyLink {
  LinkEnds ends;
  std::string name;  // module name of the Link ("l0_1", "up3")
};

// Contract: pure (no simulation time, no state); links(n) lists every link once, in the order the
// Fabric creates them; route(from, to, n) for from != to, both < n, is a non-empty chain of links
// from links(n) whose first starts at `from` and whose last ends at `to`.
class Topology {
 public:
  virtual ~Topology() = default;
  virtual std::vector<TopologyLink> links(uint32_t endpoints) const = 0;
  virtual std::vector<LinkEnds> route(uint32_t from, uint32_t to, uint32_t endpoints) const = 0;
};

// Throws SimError "unknown \"x\" (known: full_mesh, ring, switch)" for an unknown name.
std::unique_ptr<Topology> make_topology(const std::string& name);

}  // namespace rdusim
