// workloads/composition.cpp
#include "workloads/composition.hpp"

#include <fmt/format.h>

#include <cmath>

namespace rdusim {

const char* classifier_kind_name(ClassifierKind k) { return k == ClassifierKind::kKnn ? "knn" : "linear"; }

uint32_t Composition::router_embedding_dim() const {
  const ModelConfig& m = router_model();
  return m.embedding_dim ? *m.embedding_dim : m.hidden;
}

uint64_t Composition::total_expert_params() const {
  uint64_t sum = 0;
  for (const auto& e : instances) sum += e.params;
  return sum;
}

uint64_t Composition::router_params() const {
  const ModelConfig& m = router_model();
  // A classification model drops the LM head and adds its own head.
  uint64_t lm_head = (m.lm_head && !m.tied_embeddings) ? uint64_t(m.vocab) * m.hidden : 0;
  uint64_t head = router.classifier == ClassifierKind::kKnn ? uint64_t(router.knn_entries) * router_embedding_dim()
                                                            : uint64_t(router_embedding_dim()) * num_classes();
  return m.total_params() - lm_head + head;
}

double Composition::mean_active_expert_params() const {
  double wsum = 0.0, psum = 0.0;
  for (const auto& c : categories) {
    wsum += c.weight;
    psum += c.weight * double(instances[c.expert].params);
  }
  return wsum > 0.0 ? psum / wsum : 0.0;
}

std::vector<ExpertSize> expert_sizes(const Composition& c) {
  std::vector<ExpertSize> out;
  for (size_t i = 0; i < c.instances.size(); ++i) out.push_back({c.instances[i].name, c.expert_bytes(i)});
  return out;
}

Composition with_expert_count(const Composition& c, uint32_t count) {
  if (c.groups.size() != 1) throw SimError(c.file, "/experts", "resizing needs a composition of one expert group");
  if (count < 1) throw SimError(c.file, "/experts", "needs at least one expert");
  Composition r = c;
  ExpertGroup& g = r.groups[0];
  g.count = count;
  uint64_t params = c.instances.at(0).params;
  r.instances.clear();
  r.categories.clear();
  for (uint32_t i = 0; i < count; ++i) {
    std::string n = count == 1 ? g.name : fmt::format("{}/{}", g.name, i);
    r.instances.push_back({n, g.model, 0, params});
    r.categories.push_back({fmt::format("category/{}", i), i, 1.0});
  }
  if (r.fallback) r.fallback->expert = 0;
  r.name = fmt::format("{}@{}", c.name, count);
  return r;
}

}  // namespace rdusim
