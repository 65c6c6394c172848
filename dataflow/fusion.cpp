#include "dataflow/fusion.hpp"

#include <map>
#include <set>

#include "sim/core/error.hpp"

namespace rdusim {

Fusion parse_fusion_name(const std::string& name, const std::string& file, const std::string& where) {
  if (name == "fused") return Fusion::kFused;
  if (name == "unfused") return Fusion::kUnfused;
  if (name == "unfused-eager") return Fusion::kUnfusedEager;
  throw SimError(
      file, where,
      "unknown fusion \"" + name + "\" (known: fused, fused-ho, fused-ho-looped, fused-so, unfused, unfused-eager)");
}

const char* fusion_name(Fusion f) {
  switch (f) {
    case Fusion::kFused:
      return "fused";
    case Fusion::kUnfused:
      return "unfused";
    case Fusion::kUnfusedEager:
      return "unfused-eager";
  }
  return "?";
}

Sectioning cut_sections(const Graph& g, Fusion fusion) {
  if (fusion == Fusion::kUnfused) return operator_kernels(g);
  Sectioning out;
  for (OpId v : topo_order(g)) {
    if (g[v].kind == OpKind::kInput) continue;
    if (fusion == Fusion::kUnfusedEager || out.empty()) out.emplace_back();
    out.back().push_back(v);
  }
  return out;
}

Sectioning operator_kernels(const Graph& g) {
  Sectioning groups;
  std::map<std::string, size_t> index;
  std::vector<int> group_of(boost::num_vertices(g), -1);
  for (OpId v : topo_order(g)) {
    if (g[v].kind == OpKind::kInput) continue;
    std::string key = g[v].kernel_group.empty() ? "#" + g[v].name : g[v].kernel_group;
    auto [it, fresh] = index.try_emplace(key, groups.size());
    if (fresh) groups.emplace_back();
    groups[it->second].push_back(v);
    group_of[v] = static_cast<int>(it->second);
  }
  // Kahn's algorithm over the kernel DAG; the ready kernel that appeared first goes next.
  std::vector<std::set<size_t>> succ(groups.size());
  std::vector<size_t> indeg(groups.size(), 0);
  for (auto e : boost::make_iterator_range(boost::edges(g))) {
    int a = group_of[boost::source(e, g)], b = group_of[boost::target(e, g)];
    if (a < 0 || b < 0 || a == b) continue;
    if (succ[a].insert(b).second) ++indeg[b];
  }
  std::set<size_t> ready;
  for (size_t i = 0; i < groups.size(); ++i) {
    if (indeg[i] == 0) ready.insert(i);
  }
  Sectioning out;
  while (!ready.empty()) {
    size_t k = *ready.begin();
    ready.erase(ready.begin());
    out.push_back(groups[k]);
    for (size_t s : succ[k]) {
      if (--indeg[s] == 0) ready.insert(s);
    }
  }
  if (out.size() != groups.size()) {
    throw SimError("", "graph node " + g[groups[0][0]].name, "kernel groups depend on each other in a cycle");
  }
  return out;
}

}  // namespace rdusim
