// workloads/decoder.cpp
// One transformer decoder layer as a graph of operators with FLOPs and bytes:
//   x -> norm -> Q,K,V -> RoPE -> QK^T -> softmax -> PV -> O -> (all-reduce) -> +x
//     -> norm -> gate,up -> act*mul -> down -> (all-reduce) -> +residual
// with the variants of models.json: parallel attention (falcon), GELU MLP, ALiBi (bloom), biases,
// GQA/MQA, sliding windows and mixture-of-experts FFNs.
// eager_kernels records how many kernels PyTorch eager (Hugging Face modelling code) launches per
// op, which the unfused baseline replays one by one:
//   RMSNorm: to(fp32), pow, mean, add eps, rsqrt, mul, to(bf16), mul weight = 8
//   LayerNorm: native layer_norm = 1          RoPE: mul cos, neg, cat (rotate_half), mul sin, add = 5
//   scores: matmul = 1; softmax: scale, mask/ALiBi add, softmax(fp32), to(bf16) = 4
//   P V: matmul, transpose + reshape copy = 2  SiLU x mul: silu, mul = 2; GELU: 1; residual add: 1
#include "workloads/decoder.hpp"

#include <algorithm>

namespace rdusim {
namespace {

uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

struct Builder {
  const ModelConfig& m;
  const StepShape& s;
  ShardDims d;
  Graph g;
  uint64_t M;  // stream rows
  uint64_t B;  // bytes per element

  OpNode node(const std::string& name, OpKind kind, uint64_t out_cols) {
    OpNode n;
    n.name = name;
    n.kind = kind;
    n.rows = M;
    n.out_bytes = M * out_cols * B;
    return n;
  }
  OpId gemm(const std::string& name, OpId in, uint64_t k, uint64_t n_cols, bool has_bias, const std::string& group,
            uint64_t weight_copies = 1, uint64_t flop_copies = 1) {
    OpNode n = node(name, OpKind::kGemm, n_cols);
    n.flops = 2.0 * M * k * n_cols * flop_copies;
    n.weight_bytes = (k * n_cols + (has_bias ? n_cols : 0)) * B * weight_copies;
    n.kernel_group = group;
    return add_op(g, n, {in});
  }
  OpId simd(const std::string& name, OpKind kind, std::vector<OpId> ins, uint64_t cols, double flops_per_elem,
            const std::string& group, uint64_t weight_elems = 0) {
    OpNode n = node(name, kind, cols);
    n.flops = flops_per_elem * M * cols;
    n.weight_bytes = weight_elems * B;
    n.kernel_group = group;
    return add_op(g, n, ins);
  }
  OpId norm(const std::string& name, OpId in, const std::string& group) {
    bool ln = m.norm_type == NormType::kLayerNormWithBias;
    OpId v = simd(name, OpKind::kNorm, {in}, m.hidden, ln ? 8.0 : 5.0, group, ln ? 2 * m.hidden : m.hidden);
    g[v].eager_kernels = ln ? 1 : 8;
    return v;
  }
  OpId allreduce(const std::string& name, OpId in, const std::string& group) {
    if (s.tp <= 1) return in;
    OpNode n = node(name, OpKind::kAllReduce, m.hidden);
    n.flops = 1.0 * M * m.hidden;  // the reduction adds
    n.kernel_group = group;
    return add_op(g, n, {in});
  }
};

}  // namespace

ShardDims shard_dims(const ModelConfig& m, uint32_t tp) {
  ShardDims d;
  d.heads = ceil_div(m.heads, tp);
  d.kv_heads = std::max<uint64_t>(1, ceil_div(m.kv_heads, tp));
  d.q_dim = d.heads * m.head_dim;
  d.kv_dim = d.kv_heads * m.head_dim;
  d.ffn = ceil_div(m.ffn, tp);
  return d;
}

double shard_weight_bytes(const ModelConfig& m, const StepShape& s) {
  return double(m.total_params()) * s.dtype_bytes / s.tp;
}

double shard_kv_bytes(const ModelConfig& m, const StepShape& s) {
  return double(s.batch) * (double(s.context) + s.seq) * 2.0 * shard_dims(m, s.tp).kv_dim * s.dtype_bytes * m.layers;
}

uint64_t attended_context(const ModelConfig& m, uint32_t layer, uint64_t context) {
  bool local = m.sliding_window && (!m.sliding_window_alternate || layer % 2 == 0);
  return local ? std::min<uint64_t>(context, *m.sliding_window) : context;
}

std::string layer_signature(const ModelConfig& m, uint32_t layer) {
  bool local = m.sliding_window && (!m.sliding_window_alternate || layer % 2 == 0);
  return local ? "local" : "global";
}

Graph build_decoder_layer(const ModelConfig& m, const StepShape& s, uint32_t layer) {
  Builder b{m, s, shard_dims(m, s.tp), {}, s.rows(), s.dtype_bytes};
  const uint64_t h = m.hidden, hd = m.head_dim;
  const ShardDims& d = b.d;
  const bool bias = m.bias || m.qkv_bias;

  OpNode xin = b.node("x", OpKind::kInput, h);
  OpId x = add_op(b.g, xin);
  OpId n1 = b.norm("attn_norm", x, "norm1");
  OpId mlp_in = 0;
  if (m.parallel_attn) mlp_in = m.norms_per_layer >= 2 ? b.norm("mlp_norm", x, "norm2") : n1;

  OpId q = b.gemm("q_proj", n1, h, d.q_dim, bias, "qkv");
  OpId k = b.gemm("k_proj", n1, h, d.kv_dim, bias, "qkv");
  OpId v = b.gemm("v_proj", n1, h, d.kv_dim, bias, "qkv");
  uint64_t kv_token_bytes = d.kv_dim * b.B;
  if (m.position == PositionType::kRope) {
    q = b.simd("rope_q", OpKind::kRope, {q}, d.q_dim, 6.0, "rope");
    k = b.simd("rope_k", OpKind::kRope, {k}, d.kv_dim, 6.0, "rope");
    b.g[q].eager_kernels = b.g[k].eager_kernels = 5;
  }
  b.g[k].state_write_bytes = b.M * kv_token_bytes;  // K appended to the cache
  b.g[v].state_write_bytes = b.M * kv_token_bytes;  // V appended to the cache

  // Attention: decode attends over the cached context plus itself; prefill is causal over seq.
  uint64_t ctx = attended_context(m, layer, s.context);
  double pairs;  // (query, key) pairs per sequence and head
  uint64_t cache_tokens = 0;
  if (s.phase == Phase::kDecode) {
    pairs = static_cast<double>(s.seq) * (ctx + s.seq);
    cache_tokens = ctx;
  } else {
    uint64_t w = m.sliding_window ? attended_context(m, layer, s.seq) : s.seq;
    uint64_t S = s.seq;
    // sum over query i of min(i + 1, w)
    pairs = w >= S ? S * (S + 1) / 2.0 : w * (w + 1) / 2.0 + static_cast<double>(S - w) * w;
  }
  double score_elems = pairs * s.batch * d.heads;
  OpNode qk = b.node("attn_qk", OpKind::kAttnScore, 0);
  qk.flops = 2.0 * score_elems * hd;
  qk.out_bytes = static_cast<uint64_t>(score_elems * b.B);
  qk.state_read_bytes = s.batch * cache_tokens * kv_token_bytes;
  qk.kernel_group = "attention";
  OpId sc = add_op(b.g, qk, {q, k});
  double softmax_flops = m.position == PositionType::kAlibi ? 6.0 : 5.0;  // ALiBi adds a bias per score
  OpNode sm = b.node("softmax", OpKind::kSoftmax, 0);
  sm.flops = softmax_flops * score_elems;
  sm.out_bytes = qk.out_bytes;
  sm.kernel_group = "attention";
  sm.eager_kernels = 4;
  OpId p = add_op(b.g, sm, {sc});
  OpNode av = b.node("attn_av", OpKind::kAttnValue, d.q_dim);
  av.flops = 2.0 * score_elems * hd;
  av.state_read_bytes = s.batch * cache_tokens * kv_token_bytes;
  av.kernel_group = "attention";
  av.eager_kernels = 2;
  OpId a = add_op(b.g, av, {p, v});
  OpId o = b.gemm("o_proj", a, d.q_dim, h, m.bias, "o_proj");
  o = b.allreduce("attn_allreduce", o, "attn_allreduce");

  // MLP (on the residual stream, or on the layer input when attention runs in parallel).
  OpId r1 = 0, mlp_x;
  if (m.parallel_attn) {
    mlp_x = mlp_in;
  } else {
    r1 = b.simd("attn_residual", OpKind::kElementwise, {x, o}, h, 1.0, "norm2");
    mlp_x = b.norm("mlp_norm", r1, "norm2");
  }
  // Mixture of experts: tokens pick experts_per_token experts; the weights read are those of the
  // distinct experts the batch touches (at most all of them).
  uint64_t touched = std::min<uint64_t>(m.experts, b.M * m.experts_per_token);
  if (m.experts > 1) mlp_x = b.gemm("router_gate", mlp_x, h, m.experts, false, "moe_router");
  OpId f;
  if (m.ffn_type == FfnType::kGeluMlp) {
    OpId up = b.gemm("up_proj", mlp_x, h, d.ffn, m.bias, "up", touched, m.experts_per_token);
    f = b.simd("gelu", OpKind::kElementwise, {up}, d.ffn, 8.0, "up");
  } else {
    OpId gate = b.gemm("gate_proj", mlp_x, h, d.ffn, m.bias, "gate_up", touched, m.experts_per_token);
    OpId up = b.gemm("up_proj", mlp_x, h, d.ffn, m.bias, "gate_up", touched, m.experts_per_token);
    f = b.simd("act_mul", OpKind::kElementwise, {gate, up}, d.ffn, m.ffn_type == FfnType::kSwiglu ? 5.0 : 9.0,
               "act_mul");
    b.g[f].eager_kernels = 2;
  }
  OpId down = b.gemm("down_proj", f, d.ffn, h, m.bias, "down", touched, m.experts_per_token);
  down = b.allreduce("mlp_allreduce", down, "mlp_allreduce");
  OpId out;
  if (m.parallel_attn) {
    out = b.simd("residual", OpKind::kElementwise, {x, o, down}, h, 2.0, "residual");
  } else {
    out = b.simd("mlp_residual", OpKind::kElementwise, {r1, down}, h, 1.0, "residual");
  }
  b.g[out].graph_output = true;
  return std::move(b.g);
}

Graph build_embedding(const ModelConfig& m, const StepShape& s) {
  Builder b{m, s, shard_dims(m, s.tp), {}, s.rows(), s.dtype_bytes};
  OpNode ids = b.node("token_ids", OpKind::kInput, 0);
  ids.out_bytes = b.M * 4;
  OpId in = add_op(b.g, ids);
  OpNode e = b.node("embedding", OpKind::kEmbedding, m.hidden);
  e.weight_bytes = b.M * m.hidden * b.B;  // one table row per token
  e.kernel_group = "embedding";
  OpId out = add_op(b.g, e, {in});
  if (m.embedding_layernorm) out = b.norm("embedding_norm", out, "embedding");
  b.g[out].graph_output = true;
  return std::move(b.g);
}

Graph build_head(const ModelConfig& m, const StepShape& s) {
  StepShape last = s;
  last.seq = 1;  // logits for the last token of each sequence
  Builder b{m, last, shard_dims(m, s.tp), {}, last.rows(), s.dtype_bytes};
  OpNode xin = b.node("x", OpKind::kInput, m.hidden);
  OpId x = add_op(b.g, xin);
  OpId n = b.norm("final_norm", x, "final_norm");
  if (!m.lm_head) {
    b.g[n].graph_output = true;
    return std::move(b.g);
  }
  uint64_t vocab_shard = ceil_div(m.vocab, s.tp);
  OpId logits = b.gemm("lm_head", n, m.hidden, vocab_shard, false, "lm_head");
  b.g[logits].graph_output = true;
  return std::move(b.g);
}

}  // namespace rdusim
