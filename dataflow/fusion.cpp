#include "dataflow/fusion.hpp"

#include "sim/core/error.hpp"

namespace rdusim {

Fusion parse_fusion_name(const std::string& name, const std::string& file, const std::string& where) {
  if (name == "fused") return Fusion::kFused;
  if (name == "unfused") return Fusion::kUnfused;
  throw SimError(file, where,
                 "unknown fusion \"" + name + "\" (known: fused, fused-ho, fused-ho-looped, fused-so, unfused)");
}

const char* fusion_name(Fusion f) { return f == Fusion::kFused ? "fused" : "unfused"; }

Sectioning cut_sections(const Graph& g, Fusion fusion) {
  Sectioning out;
  for (OpId v : topo_order(g)) {
    if (g[v].kind == OpKind::kInput) continue;
    if (fusion == Fusion::kUnfused || out.empty()) out.emplace_back();
    out.back().push_back(v);
  }
  return out;
}

}  // namespace rdusim
