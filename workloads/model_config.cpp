// workloads/model_config.cpp
#include "workloads/model_config.hpp"

namespace rdusim {

uint64_t ModelConfig::layer_params(bool active_only) const {
  const uint64_t h = hidden, f = ffn;
  uint64_t attn = h * q_dim() + 2 * h * kv_dim() + q_dim() * h;
  if (qkv_bias || bias) attn += q_dim() + 2 * kv_dim();
  if (bias) attn += h;  // output projection bias
  uint64_t mlp = ffn_type == FfnType::kGeluMlp ? 2 * h * f : 3 * h * f;
  if (bias) mlp += ffn_type == FfnType::kGeluMlp ? f + h : 2 * f + h;
  uint64_t n_experts = active_only ? experts_per_token : experts;
  uint64_t moe = mlp * n_experts + (experts > 1 ? h * experts : 0);
  uint64_t norm = norm_type == NormType::kLayerNormWithBias ? 2 * h : h;
  return attn + moe + norms_per_layer * norm;
}

uint64_t ModelConfig::head_params() const {
  uint64_t norm = norm_type == NormType::kLayerNormWithBias ? 2ull * hidden : hidden;
  uint64_t head = (lm_head && !tied_embeddings) ? uint64_t(vocab) * hidden : 0;
  return norm + head;
}

uint64_t ModelConfig::total_params() const {
  uint64_t emb_norm = embedding_layernorm ? 2ull * hidden : 0;
  return embedding_params() + emb_norm + layers * layer_params(false) + head_params();
}

uint64_t ModelConfig::active_params() const {
  uint64_t emb_norm = embedding_layernorm ? 2ull * hidden : 0;
  return embedding_params() + emb_norm + layers * layer_params(true) + head_params();
}

}  // namespace rdusim
