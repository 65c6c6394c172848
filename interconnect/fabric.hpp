// interconnect/fabric.hpp
// The network between sockets (or GPUs): endpoints joined by Links in a topology (ring,
// full_mesh, or a switch with one up- and one down-link per endpoint), and collectives
// (all-reduce, reduce-scatter, all-gather; ring or direct algorithms) decomposed into link
// transfers, so concurrent collectives and transfers contend for the same links.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "interconnect/collective.hpp"
#include "interconnect/link.hpp"
#include "interconnect/topology.hpp"

namespace rdusim {

struct FabricParams {
  std::string topology = "full_mesh";  // a make_topology name: full_mesh | ring | switch
  uint32_t endpoints = 1;
  LinkParams link;                 // every link of the topology
  std::string algorithm = "ring";  // a make_collective name: direct | ring
};

class Fabric : public sc_core::sc_module {
 public:
  Fabric(sc_core::sc_module_name name, const FabricParams& params, RunContext& ctx);

  // Contract: done runs when `bytes` from `from` have arrived at `to` (store-and-forward per hop).
  void transfer(uint32_t from, uint32_t to, uint64_t bytes, std::function<void()> done);
  // Called from a process of each rank 0..ranks-1 with the same tag; returns when this rank's
  // part is complete. `bytes` is the full tensor each rank holds (all-reduce, reduce-scatter input,
  // all-gather output).
  void collective(CollectiveKind kind, uint32_t rank, uint32_t ranks, uint64_t bytes, uint64_t tag);
  const FabricParams& params() const { return m_params; }
  // Bytes the algorithm puts on links for one collective (for tests and rooflines).
  static uint64_t traffic_bytes(CollectiveKind kind, uint32_t ranks, uint64_t bytes);

 private:
  void hop(std::vector<Link*> route, size_t i, uint64_t bytes, std::function<void()> done);
  std::vector<Link*> route(uint32_t from, uint32_t to);
  void post(uint64_t tag, uint32_t step, uint32_t to);
  void receive(uint64_t tag, uint32_t step, uint32_t rank, uint32_t count);

  FabricParams m_params;
  std::unique_ptr<Topology> m_topology;
  std::unique_ptr<CollectiveAlgorithm> m_algorithm;
  std::map<std::pair<uint32_t, uint32_t>, std::unique_ptr<Link>> m_links;  // (from, to) or (ep, switch)
  std::map<std::tuple<uint64_t, uint32_t, uint32_t>, uint32_t> m_mailbox;  // (tag, step, dst) -> arrived
  std::vector<std::unique_ptr<sc_core::sc_event>> m_arrived;               // per endpoint
  uint64_t m_collectives = 0;
};

}  // namespace rdusim
