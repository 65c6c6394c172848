// sim/config/machine_config.hpp
// A machine as typed structs: what configs/machines/*.json describe. No module reads JSON; the
// loader (sim/config/machine_config.cpp) is the only place that knows the file's shape.
#pragma once
#include <string>

#include "dataflow/replay_params.hpp"
#include "dataflow/socket.hpp"
#include "interconnect/fabric.hpp"
#include "sim/config/overrides.hpp"

namespace rdusim {

struct MachineConfig {
  std::string name;
  std::string file;
  uint32_t sockets = 1;
  SocketParams socket;
  ReplayParams replay;
  bool has_fabric = false;  // sockets > 1 need the peer-to-peer network
  FabricParams fabric;      // socket-to-socket (P2P) network
  LinkParams host_link;     // each socket's link to the host (PCIe)
};

class JsonReader;
MachineConfig parse_machine(const JsonReader& r);
LinkParams parse_link(const JsonReader& r);
FabricParams parse_fabric(const JsonReader& r, uint32_t endpoints);
// Resolves the file's "base" chain (sim/config/overrides.hpp) before parsing.
MachineConfig load_machine_file(const std::string& path);
// The checks and the derived values every DRAM tier shares (RDU HBM and DDR, GPU HBM): capacity,
// bandwidth, channels, latency, interleave and queue depth in range (docs/config.md); capacity in
// bytes and the per-channel rate peak x sustained / channels filled in; no unread key left.
void finish_dram_tier(const JsonReader& r, DramTierParams& p, double capacity_gb, double peak_gbps, double sustained);
// The machine document a run simulates: the base chain merged and `overrides` applied, as parsed
// (for recording next to the results).
nlohmann::json resolved_machine_doc(const std::string& path, const Overrides& overrides = {});

}  // namespace rdusim
