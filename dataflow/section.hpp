// dataflow/section.hpp
// The mapped form of a graph: sections (kernels) of stages connected by PMU stream buffers, with
// memory streams for weights, KV cache and activations that cross a section boundary. Produced by
// mapper.cpp, consumed by replay.cpp. Plain data: no SystemC.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "dataflow/graph.hpp"

namespace rdusim {

// How a consumer chunk depends on a producer's chunks.
enum class Dep {
  kProportional,  // chunk i needs the producer's first ceil((i+1) Cp / Cc) chunks, then frees them
  kAll,           // chunk 0 needs every producer chunk (a contraction over the streamed dimension)
  kPrefix,        // like proportional, but chunks are kept until the stage ends (causal attention's K, V)
};
const char* dep_name(Dep d);

// Which dimension a section's streams are cut along.
enum class StreamMode {
  kToken,   // rows of tokens stream; weights are loaded whole into PMUs first
  kWeight,  // weight columns stream from memory (decode: few rows, weights dominate)
};

enum class Tier { kHbm, kDdr };

struct MemStream {
  std::string name;  // "q_proj.weights"
  Tier tier = Tier::kHbm;
  uint64_t bytes = 0;
  uint32_t chunks = 1;
  uint32_t buffer_chunks = 1;  // PMU credits the loader may fill ahead
};

struct StageInput {
  bool from_memory = false;
  int buffer = -1;  // index in SectionPlan::buffers (on-chip edge)
  int stream = -1;  // index in StagePlan::loads (memory)
  uint32_t producer_chunks = 1;
  Dep dep = Dep::kProportional;
};

struct StagePlan {
  std::string name;
  OpKind kind = OpKind::kElementwise;
  ComputeClass cls = ComputeClass::kSimd;
  double flops = 0.0;
  uint64_t rows = 1;
  uint64_t chunk_rows = 1;  // rows one chunk carries (token mode: rows / chunks; weight mode: all rows)
  uint32_t chunks = 1;
  uint32_t pcus = 0;
  std::vector<StageInput> inputs;
  std::vector<MemStream> loads;      // weights, KV cache, activations from memory
  std::vector<int> outputs;          // on-chip buffers this stage fills
  uint64_t write_bytes = 0;          // activations written to HBM
  uint64_t state_write_bytes = 0;    // KV cache appends
  Tier state_tier = Tier::kHbm;      // where the KV cache lives
  uint64_t collective_bytes = 0;     // all-reduce payload (per socket), 0 when not a collective
  uint32_t collective_inflight = 1;  // all-reduce chunks outstanding at once (buffer bytes / chunk bytes)
};

struct BufferPlan {
  std::string name;  // "q_proj->rope_q"
  uint32_t capacity_chunks = 2;
  uint64_t chunk_bytes = 0;
  int producer = -1, consumer = -1;  // stage indices
  double transport_ns = 0.0;         // RDN hops (+ die-to-die latency) between the two stages
  bool crosses_die = false;          // also serialised on the die-to-die link
};

struct SectionPlan {
  std::string name;    // "decoder.fused" or "decoder.q_proj"
  std::string kernel;  // kernel identity: consecutive launches of the same kernel skip Program Load
  StreamMode mode = StreamMode::kWeight;
  std::vector<StagePlan> stages;
  std::vector<BufferPlan> buffers;
  uint32_t pcus_used = 0;
  uint32_t pmus_used = 0;
  double sram_bytes = 0.0;
  // Roofline inputs.
  double flops = 0.0;
  uint64_t hbm_bytes = 0;
  uint64_t ddr_bytes = 0;
  uint64_t collective_bytes = 0;
};

}  // namespace rdusim
