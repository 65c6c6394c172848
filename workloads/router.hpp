// workloads/router.hpp
// The CoE router as dataflow graphs (backbone prefill over the prompt, last-token pooling, a
// linear or kNN classifier head) and the pure two-step routing decision (category, then expert,
// with a low-confidence fallback).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "dataflow/graph.hpp"
#include "workloads/composition.hpp"
#include "workloads/decoder.hpp"

namespace rdusim {

// One router pass: `batch` prompts of `prompt_tokens` each, run together, split over tp sockets.
struct RouterShape {
  uint32_t batch = 1;
  uint32_t prompt_tokens = 128;
  uint32_t tp = 1;
  uint32_t dtype_bytes = 2;
};

// The backbone's step: a prefill over the prompts with an empty KV cache.
StepShape router_prefill_shape(const RouterShape& s);

// A graph the runner replays `repeat` times back to back (identical decoder layers share one).
struct RouterStage {
  std::string name;
  Graph graph;
  uint32_t repeat = 1;
};

// In order: "embedding", "layer_<signature>" (one per distinct layer signature, repeat = its layer
// count), "classifier". Per socket, like build_decoder_layer.
std::vector<RouterStage> build_router_stages(const Composition& c, const RouterShape& s);

// The classifier head over the pooled last token of each prompt (per socket: the K classes or the
// N table rows are split over tp, so each socket holds 1/tp of the head's weights):
//   pooled -> final_norm [-> pool_proj when embedding_dim != hidden] ->
//     linear: classifier GEMM (D x K) [-> logits_gather] -> class_softmax (5 FLOPs per logit)
//     knn:    l2_normalize (3 FLOPs per element) -> knn_similarity GEMM (D x N, weights = the table)
//             -> knn_topk (1 compare per score) [-> topk_gather] -> knn_vote (1 compare per candidate)
Graph build_router_head(const Composition& c, const RouterShape& s);

// The decision for one prompt.
struct Route {
  size_t category = 0;  // index into Composition::categories
  size_t expert = 0;    // index into Composition::instances (after the fallback)
  double confidence = 1.0;
  bool fallback = false;  // the generalist was chosen because confidence < threshold
};

// Contract: pure and deterministic in (seed, prompt_index), whatever order prompts are routed in.
// The prompt's RNG is item_rng(seed, prompt_index) (workloads/random.hpp). First draw u1 picks the
// category: the first i with u1 * sum(w) < w_0 + ... + w_i. Second draw u2 gives the confidence
// c = min + (max - min) * u2, i.e. c ~ U[min, max); the prompt falls back when c < threshold, so
// P(fallback) = (threshold - min) / (max - min) clamped to [0, 1].
Route route_prompt(const Composition& c, uint64_t seed, uint64_t prompt_index);
std::vector<Route> route_batch(const Composition& c, uint64_t seed, uint64_t first_index, uint32_t count);

}  // namespace rdusim
