// workloads/router.cpp
// Router graphs and two-step routing.
#include "workloads/router.hpp"

#include <map>

#include "workloads/random.hpp"

namespace rdusim {
namespace {

uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

struct HeadBuilder {
  Graph g;
  uint64_t rows;  // one pooled row per prompt
  uint64_t B;     // bytes per element

  OpId op(const std::string& name, OpKind kind, std::vector<OpId> ins, double flops, uint64_t out_bytes,
          uint64_t weight_bytes = 0) {
    OpNode n;
    n.name = name;
    n.kind = kind;
    n.rows = rows;
    n.flops = flops;
    n.out_bytes = out_bytes;
    n.weight_bytes = weight_bytes;
    n.kernel_group = "classifier";
    return add_op(g, n, ins);
  }
  OpId gemm(const std::string& name, OpId in, uint64_t k, uint64_t n_cols) {
    return op(name, OpKind::kGemm, {in}, 2.0 * rows * k * n_cols, rows * n_cols * B, k * n_cols * B);
  }
};

}  // namespace

StepShape router_prefill_shape(const RouterShape& s) {
  StepShape st;
  st.phase = Phase::kPrefill;
  st.batch = s.batch;
  st.seq = s.prompt_tokens;
  st.context = 0;
  st.tp = s.tp;
  st.dtype_bytes = s.dtype_bytes;
  return st;
}

std::vector<RouterStage> build_router_stages(const Composition& c, const RouterShape& s) {
  const ModelConfig& m = c.router_model();
  StepShape st = router_prefill_shape(s);
  std::vector<RouterStage> stages;
  stages.push_back({"embedding", build_embedding(m, st), 1});
  std::map<std::string, std::pair<uint32_t, uint32_t>> kinds;  // signature -> (first layer, count)
  for (uint32_t l = 0; l < m.layers; ++l) {
    auto [it, fresh] = kinds.try_emplace(layer_signature(m, l), l, 0);
    it->second.second++;
  }
  for (const auto& [sig, fc] : kinds) {
    stages.push_back({"layer_" + sig, build_decoder_layer(m, st, fc.first), fc.second});
  }
  stages.push_back({"classifier", build_router_head(c, s), 1});
  return stages;
}

Graph build_router_head(const Composition& c, const RouterShape& s) {
  const ModelConfig& m = c.router_model();
  HeadBuilder b{{}, s.batch, s.dtype_bytes};
  const uint64_t h = m.hidden, D = c.router_embedding_dim(), tp = s.tp;
  const bool ln = m.norm_type == NormType::kLayerNormWithBias;

  OpNode pooled;  // last-token pooling: a strided read of the backbone output, no arithmetic
  pooled.name = "pooled";
  pooled.kind = OpKind::kInput;
  pooled.rows = b.rows;
  pooled.out_bytes = b.rows * h * b.B;
  OpId x = add_op(b.g, pooled);
  x = b.op("final_norm", OpKind::kNorm, {x}, (ln ? 8.0 : 5.0) * b.rows * h, b.rows * h * b.B, (ln ? 2 : 1) * h * b.B);
  if (D != h) x = b.gemm("pool_proj", x, h, D);

  OpId out;
  if (c.router.classifier == ClassifierKind::kLinear) {
    const uint64_t K = c.num_classes();
    out = b.gemm("classifier", x, D, ceil_div(K, tp));
    if (tp > 1) out = b.op("logits_gather", OpKind::kAllReduce, {out}, 0.0, b.rows * K * b.B);
    out = b.op("class_softmax", OpKind::kSoftmax, {out}, 5.0 * b.rows * K, b.rows * K * b.B);
  } else {
    const uint64_t N = c.router.knn_entries, k = c.router.knn_top_k;
    const uint64_t n_shard = ceil_div(N, tp);
    const uint64_t cand_bytes = b.B + 4;  // a score and a table index per candidate
    x = b.op("l2_normalize", OpKind::kNorm, {x}, 3.0 * b.rows * D, b.rows * D * b.B);
    out = b.gemm("knn_similarity", x, D, n_shard);
    out = b.op("knn_topk", OpKind::kElementwise, {out}, 1.0 * b.rows * n_shard, b.rows * k * cand_bytes);
    if (tp > 1) out = b.op("topk_gather", OpKind::kAllReduce, {out}, 0.0, b.rows * k * tp * cand_bytes);
    out = b.op("knn_vote", OpKind::kElementwise, {out}, 1.0 * b.rows * k * tp, b.rows * 4);
  }
  b.g[out].graph_output = true;
  return std::move(b.g);
}

Route route_prompt(const Composition& c, uint64_t seed, uint64_t prompt_index) {
  std::mt19937_64 rng = item_rng(seed, prompt_index);
  double total = 0.0;
  for (const auto& cat : c.categories) total += cat.weight;
  const double x = uniform01(rng) * total;
  Route r;
  double cum = 0.0;
  for (size_t i = 0; i < c.categories.size(); ++i) {
    if (c.categories[i].weight <= 0.0) continue;
    r.category = i;  // the last positive-weight category catches rounding at the top end
    cum += c.categories[i].weight;
    if (x < cum) break;
  }
  r.expert = c.categories[r.category].expert;
  r.confidence = c.confidence.min + (c.confidence.max - c.confidence.min) * uniform01(rng);
  if (c.fallback && r.confidence < c.fallback->confidence_threshold) {
    r.fallback = true;
    r.expert = c.fallback->expert;
  }
  return r;
}

std::vector<Route> route_batch(const Composition& c, uint64_t seed, uint64_t first_index, uint32_t count) {
  std::vector<Route> out;
  out.reserve(count);
  for (uint32_t i = 0; i < count; ++i) out.push_back(route_prompt(c, seed, first_index + i));
  return out;
}

}  // namespace rdusim
