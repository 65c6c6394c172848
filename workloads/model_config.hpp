// workloads/model_config.hpp
// An LLM's architecture as given by its Hugging Face config (the fields of
// shared/reference/models.json). Parameter counts, weight bytes and KV bytes are derived here,
// never stored.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace rdusim {

enum class FfnType { kSwiglu, kGegluTanh, kGeluMlp };
enum class NormType { kRms, kLayerNormWithBias };
enum class PositionType { kRope, kAlibi };

struct ModelConfig {
  std::string id;
  std::string arch;
  uint32_t hidden = 0, ffn = 0, layers = 0, heads = 0, kv_heads = 0, head_dim = 0, vocab = 0;
  std::optional<uint32_t> max_ctx;
  std::optional<uint32_t> sliding_window;
  bool sliding_window_alternate = false;  // gemma-2: local and global layers alternate
  FfnType ffn_type = FfnType::kSwiglu;
  NormType norm_type = NormType::kRms;
  PositionType position = PositionType::kRope;
  bool parallel_attn = false;  // falcon: attention and MLP both read the layer input
  bool tied_embeddings = false;
  bool lm_head = true;
  bool qkv_bias = false;
  bool bias = false;  // biases on every linear layer (bloom)
  bool embedding_layernorm = false;
  uint32_t norms_per_layer = 2;
  uint32_t experts = 1, experts_per_token = 1;
  std::optional<uint32_t> embedding_dim;  // embedding models: output of last-token pooling

  uint64_t q_dim() const { return uint64_t(heads) * head_dim; }
  uint64_t kv_dim() const { return uint64_t(kv_heads) * head_dim; }
  // Parameters of one decoder layer; `active_only` counts experts_per_token experts, not all.
  uint64_t layer_params(bool active_only = false) const;
  uint64_t embedding_params() const { return uint64_t(vocab) * hidden; }
  uint64_t head_params() const;  // final norm + LM head (0 for the head when tied or absent)
  uint64_t total_params() const;
  uint64_t active_params() const;
  // KV cache bytes for one token of one sequence over all layers.
  uint64_t kv_bytes_per_token(uint32_t dtype_bytes) const { return 2ull * kv_dim() * dtype_bytes * layers; }
};

// The JSON loader (parse_model, load_model_file) is sim/config/model_loader.hpp.

}  // namespace rdusim
