// dataflow/replay_params.hpp
// How finely the replayer cuts streams (simulator fidelity, not hardware) and how many bytes it may
// keep in flight (hardware bounds: PMU buffer bytes, outstanding write bytes): the "replay" section
// of a machine file. Every in-flight bound is in bytes, so results converge as chunks grow.
#pragma once
#include <algorithm>
#include <cstdint>

namespace rdusim {

// Simulator fidelity settings (not hardware): how finely streams are cut.
struct ReplayParams {
  uint32_t chunks_per_stream = 64;               // chunks each op's stream is cut into
  uint64_t stream_buffer_bytes = 2097152;        // PMU bytes of an on-chip stream buffer (N-buffering)
  uint64_t weight_buffer_bytes = 4194304;        // weight bytes a stage may prefetch (weight-streaming mode)
  uint64_t write_buffer_bytes = 1048576;         // outstanding write bytes per stage
  uint32_t token_stream_min_rows = 64;           // at or above this many rows a section streams tokens
  double fused_pcu_fraction = 0.9;               // share of PCUs a fused section may place stages on
  double trace_bin_ns = 1000.0;                  // bandwidth counter resolution in the trace
  uint64_t collective_min_chunk_bytes = 262144;  // a collective is cut into chunks of at least this
  // Stages run ahead of the kernel's time (dataflow/replay_stage.cpp); false: every stage waits
  // chunk by chunk at the kernel's time, the reference the run-ahead is tested against. Speed only.
  bool run_ahead = true;
};

// Credits a buffer of `buffer_bytes` gives a stream cut into `chunks` pieces of `chunk_bytes`: as
// many chunks as fit, at least two (double buffering, so a chunk larger than the buffer still
// flows), at most every chunk.
inline uint32_t byte_credits(uint64_t buffer_bytes, uint64_t chunk_bytes, uint32_t chunks) {
  uint64_t fit = chunk_bytes == 0 ? chunks : buffer_bytes / chunk_bytes;
  uint64_t lo = std::min<uint64_t>(2, chunks);
  return static_cast<uint32_t>(std::clamp<uint64_t>(fit, std::max<uint64_t>(lo, 1), std::max<uint32_t>(chunks, 1)));
}

}  // namespace rdusim
