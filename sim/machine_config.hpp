// sim/machine_config.hpp
// A machine as typed structs: what configs/machines/*.json describe. No module reads JSON; the
// loader (config_machine.cpp) is the only place that knows the file's shape.
#pragma once
#include <string>

#include "dataflow/pcu_timing.hpp"
#include "interconnect/fabric.hpp"
#include "memory/dma.hpp"
#include "memory/dram_tier.hpp"
#include "memory/pmu.hpp"

namespace rdusim {

// Costs of launching one kernel (a section): Program Load -> Argument Load -> Kernel Execute.
struct LaunchParams {
  double host_launch_ns = 0.0;           // host runtime + PCIe round trip per host-issued launch
  double device_launch_ns = 0.0;         // on-chip (AGCU) sequencing per launch when hardware-orchestrated
  double program_load_fixed_ns = 0.0;    // per program load, before the bits stream
  double config_bytes_per_tile = 0.0;    // configuration bits per PCU/PMU, streamed from HBM
  double argument_load_ns = 0.0;         // per launch
};

// Simulator fidelity settings (not hardware): how finely streams are cut.
struct ReplayParams {
  uint32_t chunks_per_stream = 64;       // chunks each op's stream is cut into
  uint32_t stream_buffer_chunks = 4;     // credits of an on-chip stream buffer (N-buffering)
  uint32_t weight_buffer_chunks = 8;     // weight chunks a stage may prefetch (weight-streaming mode)
  uint32_t write_buffer_chunks = 8;      // outstanding writes per stage
  uint32_t token_stream_min_rows = 64;   // at or above this many rows a section streams tokens
  double fused_pcu_fraction = 0.9;       // share of PCUs a fused section may place stages on
  double trace_bin_ns = 1000.0;          // bandwidth counter resolution in the trace
  uint64_t collective_min_chunk_bytes = 262144;  // a collective is cut into chunks of at least this
};

struct SocketParams {
  PcuParams pcu;
  PmuParams pmu;
  DramTierParams hbm;
  DramTierParams ddr;
  LaunchParams launch;
  DmaParams dma;
};

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
MachineConfig load_machine_file(const std::string& path);

}  // namespace rdusim
