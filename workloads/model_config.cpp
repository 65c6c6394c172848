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

namespace {
template <typename T>
void optional_nullable(const JsonReader& r, const std::string& key, std::optional<T>& out) {
  r.accept(key);
  if (r.has(key) && !r.raw()[key].is_null()) {
    T v{};
    r.optional(key, v);
    out = v;
  }
}
}  // namespace

ModelConfig parse_model(const JsonReader& r) {
  ModelConfig m;
  r.required("id", m.id);
  r.required("arch", m.arch);
  r.required("hidden", m.hidden);
  r.required("ffn", m.ffn);
  r.required("layers", m.layers);
  r.required("heads", m.heads);
  r.required("kv_heads", m.kv_heads);
  r.required("head_dim", m.head_dim);
  r.required("vocab", m.vocab);
  optional_nullable(r, "max_ctx", m.max_ctx);
  optional_nullable(r, "sliding_window", m.sliding_window);
  optional_nullable(r, "embedding_dim", m.embedding_dim);
  std::string s;
  if (r.has("ffn_type")) {
    r.required("ffn_type", s);
    if (s == "swiglu")
      m.ffn_type = FfnType::kSwiglu;
    else if (s == "geglu_tanh")
      m.ffn_type = FfnType::kGegluTanh;
    else if (s == "gelu_mlp")
      m.ffn_type = FfnType::kGeluMlp;
    else
      r.fail("ffn_type", "unknown \"" + s + "\" (known: swiglu, geglu_tanh, gelu_mlp)");
  }
  if (r.has("norm_type")) {
    r.required("norm_type", s);
    if (s == "rmsnorm")
      m.norm_type = NormType::kRms;
    else if (s == "layernorm_with_bias")
      m.norm_type = NormType::kLayerNormWithBias;
    else
      r.fail("norm_type", "unknown \"" + s + "\" (known: rmsnorm, layernorm_with_bias)");
  }
  if (r.has("position")) {
    r.required("position", s);
    if (s == "rope")
      m.position = PositionType::kRope;
    else if (s == "alibi")
      m.position = PositionType::kAlibi;
    else
      r.fail("position", "unknown \"" + s + "\" (known: rope, alibi)");
  }
  if (r.has("sliding_window_pattern")) {
    r.required("sliding_window_pattern", s);
    r.check(s == "alternate_local_global", "sliding_window_pattern",
            "unknown \"" + s + "\" (known: alternate_local_global)");
    m.sliding_window_alternate = true;
  }
  r.optional("parallel_attn", m.parallel_attn);
  r.optional("tied_embeddings", m.tied_embeddings);
  r.optional("lm_head", m.lm_head);
  r.optional("qkv_bias", m.qkv_bias);
  r.optional("bias", m.bias);
  r.optional("embedding_layernorm", m.embedding_layernorm);
  r.optional("norms_per_layer", m.norms_per_layer);
  r.optional("experts", m.experts);
  r.optional("experts_per_token", m.experts_per_token);
  // Descriptive fields that do not change the cost model.
  for (const char* k : {"rope_theta", "rope_scaling", "attn_logit_softcap", "final_logit_softcap",
                        "query_pre_attn_scalar", "recommended_max_input", "role", "source", "confidence", "note"}) {
    r.accept(k);
  }
  for (auto [key, v] : {std::pair<const char*, uint32_t>{"hidden", m.hidden},
                        {"ffn", m.ffn},
                        {"layers", m.layers},
                        {"heads", m.heads},
                        {"kv_heads", m.kv_heads},
                        {"head_dim", m.head_dim},
                        {"vocab", m.vocab},
                        {"experts", m.experts},
                        {"experts_per_token", m.experts_per_token}}) {
    r.check(v > 0, key, "must be positive");
  }
  r.check(m.heads % m.kv_heads == 0, "kv_heads", "must divide heads");
  r.check(m.experts_per_token <= m.experts, "experts_per_token", "must not exceed experts");
  r.reject_unread_keys();
  return m;
}

ModelConfig load_model_file(const std::string& path) { return parse_model(JsonReader::load_file(path)); }

}  // namespace rdusim
