// workloads/composition.hpp
// A Composition of Experts as typed structs: the router (backbone model + classifier head), the
// experts (groups of identical copies), the category -> expert map of two-step routing, the
// optional low-confidence fallback, and the category mix of the prompts. configs/compositions/*.json.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "memory/tier_allocator.hpp"
#include "sim/core/json_reader.hpp"
#include "workloads/model_config.hpp"

namespace rdusim {

enum class ClassifierKind {
  kLinear,  // a GEMM hidden x K over the K categories, then a softmax
  kKnn,     // similarities against a stored table of N embeddings, then a top-k vote
};
const char* classifier_kind_name(ClassifierKind k);

// The router: one prefill pass of `model` over the prompt, last-token pooling, a classifier head.
struct RouterSpec {
  std::string model;  // name in workloads/models/
  ClassifierKind classifier = ClassifierKind::kLinear;
  uint32_t knn_entries = 0;  // kNN: N stored embeddings (the head's weights)
  uint32_t knn_top_k = 1;    // kNN: neighbours that vote
};

// A group of `count` experts built on the same model (e.g. 150 Llama-2-7B fine-tunes).
struct ExpertGroup {
  std::string name;
  std::string model;  // name in workloads/models/
  uint32_t count = 1;
};

// One deployed expert: an element of a group. Instances are what the tier allocator holds.
struct ExpertInstance {
  std::string name;  // "<group>" when count is 1, else "<group>/<i>"
  std::string model;
  size_t group = 0;     // index into Composition::groups
  uint64_t params = 0;  // total parameters of its model
};

// One router output class; `expert` indexes Composition::instances.
struct Category {
  std::string name;
  size_t expert = 0;
  double weight = 0.0;  // share of prompts in this category (relative, not normalised)
};

// An uncertain router falls back to a generalist: routing draws a confidence c ~ U[min, max) per
// prompt and sends it to `expert` when c < threshold.
struct FallbackSpec {
  size_t expert = 0;  // index into Composition::instances
  double confidence_threshold = 0.0;
};
struct ConfidenceSpec {
  double min = 0.0;
  double max = 1.0;
};

struct Composition {
  std::string name;
  std::string file;          // where it was read from (errors)
  uint32_t dtype_bytes = 2;  // BF16 weights
  uint64_t seed = 1;         // default routing seed
  RouterSpec router;
  std::vector<ExpertGroup> groups;
  std::vector<ExpertInstance> instances;
  std::vector<Category> categories;  // expanded: one per router class
  std::optional<FallbackSpec> fallback;
  ConfidenceSpec confidence;
  std::map<std::string, ModelConfig> models;  // every model named above, by name

  const ModelConfig& router_model() const { return models.at(router.model); }
  const ModelConfig& expert_model(size_t instance) const { return models.at(instances.at(instance).model); }
  // Width of the pooled embedding the head reads: the model's embedding_dim, else its hidden size.
  uint32_t router_embedding_dim() const;
  // K of the linear head: the number of categories.
  uint32_t num_classes() const { return static_cast<uint32_t>(categories.size()); }
  uint64_t expert_bytes(size_t instance) const { return instances.at(instance).params * dtype_bytes; }
  uint64_t total_expert_params() const;
  uint64_t router_params() const;  // backbone + head weights (kNN: the table)
  // Mean expert parameters per prompt under the category mix (fallback ignored).
  double mean_active_expert_params() const;
};

// The JSON shape (configs/compositions/*.json; keys starting with '_' are comments):
//   {"name", "dtype_bytes"?: 2, "seed"?: 1,
//    "router": {"model", "classifier": "linear" | "knn", "knn"?: {"entries", "top_k"?: 1}},
//    "experts": [{"name", "model", "count"?: 1}],
//    "categories": [{"name", "expert", "instance"?: 0, "count"?: 1, "weight"?: 1.0}],
//    "fallback"?: {"expert", "instance"?: 0, "confidence_threshold"},
//    "confidence"?: {"min"?: 0.0, "max"?: 1.0}}
// A category entry with count c expands to c classes "<name>/<j>"; class j maps to instance
// (instance + j) mod count of its expert group and gets weight / c.
// Contract: every model file exists and parses; every category and the fallback name an existing
// expert group (and an instance inside it); weights are finite, non-negative and not all zero;
// names are unique. Errors are SimError(file, JSON path, message).
// Model names resolve to <models_dir>/<name>.json.
// The JSON loader (parse_composition, load_composition_file) is sim/config/composition_loader.hpp.

// The composition with its one expert group resized to `count` instances, one category each, all
// of equal weight (Fig. 12: latency against the number of experts). Throws SimError(file, "/experts")
// when the composition has more than one group or no category maps to it.
Composition with_expert_count(const Composition& c, uint32_t count);

// Every expert instance with its weight bytes, in Composition::instances order (TierAllocator input).
std::vector<ExpertSize> expert_sizes(const Composition& c);

}  // namespace rdusim
