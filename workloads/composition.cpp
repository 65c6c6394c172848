// workloads/composition.cpp
// The only place that knows the JSON shape of a composition (configs/compositions/*.json).
#include "workloads/composition.hpp"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <set>

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

namespace {

struct Parser {
  const std::string& models_dir;
  Composition c;
  std::map<std::string, size_t> group_index;  // group name -> index into c.groups
  std::vector<size_t> first_instance;         // per group: index of its instance 0

  void load_model(const JsonReader& r, const std::string& key, std::string& name) {
    r.required(key, name);
    if (c.models.count(name)) return;
    std::string path = models_dir + "/" + name + ".json";
    r.check(!name.empty() && name.find('/') == std::string::npos && std::filesystem::exists(path), key,
            fmt::format("unknown model \"{}\" (no {})", name, path));
    c.models.emplace(name, load_model_file(path));
  }

  void parse_router(const JsonReader& r) {
    load_model(r, "model", c.router.model);
    std::string kind;
    r.required("classifier", kind);
    if (kind == "linear") {
      c.router.classifier = ClassifierKind::kLinear;
      r.check(!r.has("knn"), "knn", "only a \"knn\" classifier takes a knn table");
    } else if (kind == "knn") {
      c.router.classifier = ClassifierKind::kKnn;
      JsonReader k = r.child("knn");
      k.required("entries", c.router.knn_entries);
      k.optional("top_k", c.router.knn_top_k);
      k.check(c.router.knn_top_k >= 1, "top_k", "must be at least 1");
      k.check(c.router.knn_entries >= c.router.knn_top_k, "entries", "must be at least top_k");
      k.reject_unread_keys();
    } else {
      r.fail("classifier", "unknown \"" + kind + "\" (known: linear, knn)");
    }
    r.reject_unread_keys();
  }

  void parse_experts(const JsonReader& root) {
    auto arr = root.array("experts");
    root.check(!arr.empty(), "experts", "must list at least one expert group");
    for (const JsonReader& r : arr) {
      ExpertGroup g;
      r.required("name", g.name);
      r.check(!g.name.empty() && g.name.find('/') == std::string::npos, "name", "must be non-empty, without '/'");
      r.check(!group_index.count(g.name), "name", "duplicate expert group \"" + g.name + "\"");
      load_model(r, "model", g.model);
      r.optional("count", g.count);
      r.check(g.count >= 1, "count", "must be at least 1");
      r.reject_unread_keys();
      group_index[g.name] = c.groups.size();
      first_instance.push_back(c.instances.size());
      uint64_t params = c.models.at(g.model).total_params();
      for (uint32_t i = 0; i < g.count; ++i) {
        std::string n = g.count == 1 ? g.name : fmt::format("{}/{}", g.name, i);
        c.instances.push_back({n, g.model, c.groups.size(), params});
      }
      c.groups.push_back(g);
    }
  }

  // An expert reference: {"expert": group, "instance": i}; returns the group index and first instance.
  std::pair<size_t, uint32_t> expert_ref(const JsonReader& r) {
    std::string name;
    uint32_t instance = 0;
    r.required("expert", name);
    auto it = group_index.find(name);
    if (it == group_index.end()) {
      std::string known;
      for (const auto& g : c.groups) known += (known.empty() ? "" : ", ") + g.name;
      r.fail("expert", fmt::format("unknown expert \"{}\" (known: {})", name, known));
    }
    r.optional("instance", instance);
    r.check(instance < c.groups[it->second].count, "instance",
            fmt::format("expert \"{}\" has {} instance(s)", name, c.groups[it->second].count));
    return {it->second, instance};
  }

  // A category group of `count` classes maps class j to instance (instance + j) % group count; its
  // weight is split evenly over its classes.
  void parse_categories(const JsonReader& root) {
    auto arr = root.array("categories");
    root.check(!arr.empty(), "categories", "must list at least one category");
    std::set<std::string> names;
    double total = 0.0;
    for (const JsonReader& r : arr) {
      std::string name;
      uint32_t count = 1;
      double weight = 1.0;
      r.required("name", name);
      r.check(names.insert(name).second, "name", "duplicate category \"" + name + "\"");
      r.optional("count", count);
      r.check(count >= 1, "count", "must be at least 1");
      r.optional("weight", weight);
      require_non_negative(r, "weight", weight);
      auto [g, first] = expert_ref(r);
      r.reject_unread_keys();
      for (uint32_t j = 0; j < count; ++j) {
        size_t inst = first_instance[g] + (first + j) % c.groups[g].count;
        c.categories.push_back({count == 1 ? name : fmt::format("{}/{}", name, j), inst, weight / count});
      }
      total += weight;
    }
    root.check(total > 0.0, "categories", "weights must not all be zero");
  }

  void parse_fallback(const JsonReader& root) {
    if (root.has("fallback")) {
      JsonReader r = root.child("fallback");
      FallbackSpec f;
      auto [g, inst] = expert_ref(r);
      f.expert = first_instance[g] + inst;
      r.required("confidence_threshold", f.confidence_threshold);
      r.check(f.confidence_threshold >= 0.0 && f.confidence_threshold <= 1.0, "confidence_threshold",
              "must be in [0, 1]");
      r.reject_unread_keys();
      c.fallback = f;
    }
    if (root.has("confidence")) {
      JsonReader r = root.child("confidence");
      r.optional("min", c.confidence.min);
      r.optional("max", c.confidence.max);
      r.check(c.confidence.min >= 0.0 && c.confidence.min < c.confidence.max && c.confidence.max <= 1.0, "min",
              "need 0 <= min < max <= 1");
      r.reject_unread_keys();
    }
  }
};

}  // namespace

Composition parse_composition(const JsonReader& r, const std::string& models_dir) {
  Parser p{models_dir, {}, {}, {}};
  p.c.file = r.file();
  r.required("name", p.c.name);
  r.optional("dtype_bytes", p.c.dtype_bytes);
  r.check(p.c.dtype_bytes >= 1 && p.c.dtype_bytes <= 8, "dtype_bytes", "must be in [1, 8]");
  r.optional("seed", p.c.seed);
  p.parse_router(r.child("router"));
  p.parse_experts(r);
  p.parse_categories(r);
  p.parse_fallback(r);
  r.reject_unread_keys();
  return std::move(p.c);
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

Composition load_composition_file(const std::string& path, const std::string& models_dir) {
  return parse_composition(JsonReader::load_file(path), models_dir);
}

}  // namespace rdusim
