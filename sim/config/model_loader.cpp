// sim/config/model_loader.cpp
// The only place that knows the JSON shape of a model (workloads/models/*.json).
#include "sim/config/model_loader.hpp"

namespace rdusim {

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

namespace {

// The architecture's variants: FFN, norm, position encoding, sliding-window pattern.
void parse_kinds(const JsonReader& r, ModelConfig& m) {
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
}

// Every dimension positive and bounded, so derived products (parameters, bytes) stay far inside
// 64 bits; heads and experts consistent.
void check_dimensions(const JsonReader& r, const ModelConfig& m) {
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
  r.check_range("hidden", m.hidden, 1, 1u << 20);
  r.check_range("ffn", m.ffn, 1, 1u << 22);
  r.check_range("layers", m.layers, 1, 4096);
  r.check_range("heads", m.heads, 1, 65536);
  r.check_range("kv_heads", m.kv_heads, 1, 65536);
  r.check_range("head_dim", m.head_dim, 1, 65536);
  r.check_range("vocab", m.vocab, 1, 1u << 24);
  r.check_range("experts", m.experts, 1, 65536);
  r.check_range("norms_per_layer", m.norms_per_layer, 0, 16);
  if (m.sliding_window) r.check_range("sliding_window", *m.sliding_window, 1, 1u << 30);
  r.check(m.heads % m.kv_heads == 0, "kv_heads", "must divide heads");
  r.check(m.experts_per_token <= m.experts, "experts_per_token", "must not exceed experts");
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
  parse_kinds(r, m);
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
  check_dimensions(r, m);
  r.reject_unread_keys();
  return m;
}

ModelConfig load_model_file(const std::string& path) { return parse_model(JsonReader::load_file(path)); }

}  // namespace rdusim
