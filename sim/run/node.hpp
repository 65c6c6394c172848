// sim/run/node.hpp
// One node of a machine, elaborated: a socket (RDU socket or GPU) per rank, the fabric between
// them when there is more than one, and a Replayer per rank. run() executes a script on every rank
// at once and turns a run that stops short into one SimError naming the stalled stages. Used by
// `rdusim run` (sim/run/run.cpp) and by other commands that need a node (sim/studies/switching.cpp).
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dataflow/replay.hpp"
#include "dataflow/socket.hpp"
#include "interconnect/fabric.hpp"
#include "sim/core/run_context.hpp"

namespace rdusim {

struct NodeSpec {
  std::string rank_prefix = "rdu";  // socket r is "<prefix><r>" ("rdu0", "gpu3")
  uint32_t ranks = 1;
  SocketParams socket;
  std::string fabric_name = "p2p";     // module name of the fabric ("p2p", "nvlink")
  std::optional<FabricParams> fabric;  // elaborated when ranks > 1 and set
  std::optional<ReplayParams> replay;  // a Replayer per rank when set
};

class Node {
 public:
  Node(const NodeSpec& spec, RunContext& ctx);
  ~Node();
  uint32_t ranks() const { return m_spec.ranks; }
  const NodeSpec& spec() const { return m_spec; }
  Socket& socket(uint32_t rank) { return *m_sockets[rank]; }
  Replayer& replayer(uint32_t rank) { return *m_replayers[rank]; }
  Fabric* fabric() { return m_fabric.get(); }  // nullptr with one rank

  // Runs `script(rank)` on every rank in one top-level process named `process` until every rank
  // is done. Rethrows what a script threw; throws SimError "deadlock at T us, stalled: ..." when
  // the kernel ran out of events first.
  void run(const std::string& process, const std::function<void(uint32_t)>& script);
  // DRAM requests served by the named tiers ("hbm", "ddr") of every rank.
  uint64_t dram_requests(const StatsRegistry& stats, const std::vector<std::string>& tiers) const;
  // Writes the bandwidth counters of the named tiers into the trace (when it is on).
  void flush_traces(const std::vector<std::string>& tiers, double bin_ns);
  // Chunk steps and loads every rank's Replayer saw.
  uint64_t chunk_events() const;

 private:
  DramTier& tier(uint32_t rank, const std::string& name);
  NodeSpec m_spec;
  RunContext& m_ctx;
  std::vector<std::unique_ptr<Socket>> m_sockets;
  std::unique_ptr<Fabric> m_fabric;
  std::vector<std::unique_ptr<Replayer>> m_replayers;
};

}  // namespace rdusim
