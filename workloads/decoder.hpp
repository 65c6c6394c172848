// workloads/decoder.hpp
// Builds the dataflow graph of one decoder layer (per socket, for a tensor-parallel degree tp),
// and of the model's embedding and head, for prefill or decode.
#pragma once
#include <cstdint>
#include <string>

#include "dataflow/graph.hpp"
#include "workloads/model_config.hpp"

namespace rdusim {

enum class Phase { kPrefill, kDecode };

struct StepShape {
  Phase phase = Phase::kDecode;
  uint32_t batch = 1;        // sequences
  uint32_t seq = 1;          // new tokens per sequence (prefill: prompt length; decode: 1)
  uint32_t context = 0;      // tokens already in the KV cache per sequence (decode)
  uint32_t tp = 1;           // sockets the layer is split over
  uint32_t dtype_bytes = 2;  // BF16
  uint64_t rows() const { return uint64_t(batch) * seq; }
};

// Per-socket shard sizes for tensor parallelism (Megatron: heads, KV heads and FFN columns split;
// KV heads replicated when fewer than tp).
struct ShardDims {
  uint64_t heads, kv_heads, q_dim, kv_dim, ffn;
};
ShardDims shard_dims(const ModelConfig& m, uint32_t tp);

// One decoder layer; `layer` picks local/global attention for alternating-window models.
Graph build_decoder_layer(const ModelConfig& m, const StepShape& s, uint32_t layer = 0);
// Token embedding lookup (first) and final norm + LM head (last; logits of the last token of each
// sequence only, as serving does).
Graph build_embedding(const ModelConfig& m, const StepShape& s);
Graph build_head(const ModelConfig& m, const StepShape& s);

// Memory one tensor-parallel shard (socket or GPU) holds for this step: its share of the weights,
// and the KV cache of the step's sequences at full context (KV heads replicated when fewer than tp).
double shard_weight_bytes(const ModelConfig& m, const StepShape& s);
double shard_kv_bytes(const ModelConfig& m, const StepShape& s);

// Context length a layer attends over (sliding windows cut it).
uint64_t attended_context(const ModelConfig& m, uint32_t layer, uint64_t context);
// Layers with identical graphs share one signature (the runner simulates one per signature).
std::string layer_signature(const ModelConfig& m, uint32_t layer);

}  // namespace rdusim
