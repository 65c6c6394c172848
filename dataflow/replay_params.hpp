// dataflow/replay_params.hpp
// How finely the replayer cuts streams and how much it may keep in flight (simulator fidelity, not
// hardware): the "replay" section of a machine file.
#pragma once
#include <cstdint>

namespace rdusim {

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

}  // namespace rdusim
