// dataflow/launch.hpp
// The parameters of a kernel call (Program Load -> Argument Load -> Kernel Execute -> completion)
// and the orchestration modes. The call itself is simulated in dataflow/kernel_call.hpp.
#pragma once
#include <string>

#include "dataflow/section.hpp"

namespace rdusim {

// Costs of launching one kernel (a section): Program Load -> Argument Load -> Kernel Execute.
struct LaunchParams {
  double host_launch_ns = 0.0;         // host runtime + PCIe round trip per host-issued launch
  double device_launch_ns = 0.0;       // on-chip (AGCU) sequencing per launch when hardware-orchestrated
  double program_load_fixed_ns = 0.0;  // per program load, before the bits stream
  double config_bytes_per_tile = 0.0;  // configuration bits per PCU/PMU, streamed from HBM
  double argument_load_ns = 0.0;       // per launch
  // The call lifecycle (dataflow/kernel_call.hpp), each a simulated step:
  double done_token_ns = 0.0;     // done tokens of every stage gathered at the AGCU (control network)
  double retire_ns = 0.0;         // the socket retires the call and arms the next (calibrated C4)
  uint64_t sync_bytes = 0;        // HO: TP-group synchronisation message per socket over the P2P network
  uint64_t command_bytes = 0;     // SO: command each socket receives over its host link per call
  uint64_t completion_bytes = 0;  // SO: completion notice each socket sends to the host per call
  // Per generated token (the serving runtime's host work):
  double logits_bytes_per_vocab = 0.0;  // logits read back over rank 0's host link, per vocabulary entry
  double host_sampling_ns = 0.0;        // host sampling of the next token
};

enum class Orchestration { kHost, kDevice };

}  // namespace rdusim
