// sim/config/scenario.cpp
#include "sim/config/scenario.hpp"

#include <cstdlib>
#include <filesystem>

#include "workloads/composition.hpp"
#include "workloads/router.hpp"

namespace rdusim {
namespace {

void check_shape(const JsonReader& r, const Scenario& s) {
  r.check(s.shape.batch >= 1, "batch", "must be at least 1");
  r.check(s.shape.seq >= 1, "seq", "must be at least 1");
  r.check(s.shape.tp >= 1, "tp", "must be at least 1");
  r.check(s.shape.dtype_bytes >= 1 && s.shape.dtype_bytes <= 8, "dtype_bytes", "must be in [1, 8]");
  r.check(s.chunks <= 4096, "chunks", "must be at most 4096");
  r.check_range("batch", s.shape.batch, 1, 65536);
  r.check_range("seq", s.shape.seq, 1, 1u << 20);
  r.check_range("context", s.shape.context, 0, 1u << 24);
  r.check_range("tp", s.shape.tp, 1, 4096);
}

}  // namespace

Scenario parse_scenario(const JsonReader& r) {
  Scenario s;
  s.file = r.file();
  std::string phase = "decode", fusion = "fused", orch = "host", scope = "layer";
  r.optional("machine", s.machine);
  r.optional("model", s.model);
  r.optional("phase", phase);
  r.optional("batch", s.shape.batch);
  r.optional("seq", s.shape.seq);
  r.optional("context", s.shape.context);
  r.optional("tp", s.shape.tp);
  r.optional("dtype_bytes", s.shape.dtype_bytes);
  r.optional("fusion", fusion);
  r.optional("orchestration", orch);
  r.optional("scope", scope);
  r.optional("chunks", s.chunks);
  r.optional("composition", s.composition);
  if (phase == "decode") {
    s.shape.phase = Phase::kDecode;
    if (!r.has("seq")) s.shape.seq = 1;
  } else if (phase == "prefill") {
    s.shape.phase = Phase::kPrefill;
    if (!r.has("seq")) s.shape.seq = 4096;
  } else {
    r.fail("phase", "unknown \"" + phase + "\" (known: prefill, decode)");
  }
  // fused-so / fused-ho name the paper's configurations: fused with software (host) or hardware
  // (device) orchestration.
  // fused-ho-looped (issue 11, model branch): fused-ho with kernel looping over identical layers.
  if (fusion == "fused-so" || fusion == "fused-ho" || fusion == "fused-ho-looped") {
    r.check(!r.has("orchestration"), "orchestration", "is implied by fusion \"" + fusion + "\"");
    orch = fusion == "fused-so" ? "host" : "device";
    s.looped = fusion == "fused-ho-looped";
    fusion = "fused";
  }
  s.fusion = parse_fusion_name(fusion, r.file(), r.path_of("fusion"));
  if (orch == "host")
    s.orchestration = Orchestration::kHost;
  else if (orch == "device")
    s.orchestration = Orchestration::kDevice;
  else
    r.fail("orchestration", "unknown \"" + orch + "\" (known: host, device)");
  if (scope == "layer")
    s.scope = Scope::kLayer;
  else if (scope == "model")
    s.scope = Scope::kModel;
  else if (scope == "router")
    s.scope = Scope::kRouter;
  else
    r.fail("scope", "unknown \"" + scope + "\" (known: layer, model, router)");
  r.check(s.scope != Scope::kRouter || !s.composition.empty(), "composition", "required with scope \"router\"");
  r.check(s.scope == Scope::kRouter || s.composition.empty(), "composition", "only used with scope \"router\"");
  check_shape(r, s);
  r.reject_unread_keys();
  return s;
}

std::string project_root() {
  if (const char* env = std::getenv("RDUSIM_ROOT")) return env;
#ifdef RDUSIM_SOURCE_DIR
  return RDUSIM_SOURCE_DIR;
#else
  return ".";
#endif
}

std::string resolve_config(const std::string& name_or_path, const std::string& dir) {
  std::error_code ec;  // a name longer than the OS allows is not a file (ENAMETOOLONG), not a crash
  if (std::filesystem::exists(name_or_path, ec) || name_or_path.find('/') != std::string::npos ||
      name_or_path.ends_with(".json")) {
    return name_or_path;
  }
  return project_root() + "/" + dir + "/" + name_or_path + ".json";
}

}  // namespace rdusim

namespace rdusim {

Workload load_workload(const Scenario& sc) {
  Workload w;
  if (sc.scope == Scope::kRouter) {
    w.file = resolve_config(sc.composition, "configs/compositions");
    Composition c = load_composition_file(w.file, project_root() + "/workloads/models");
    w.model = c.router_model();
    RouterShape rs{sc.shape.batch, sc.shape.seq, sc.shape.tp, sc.shape.dtype_bytes};
    for (auto& st : build_router_stages(c, rs)) w.graphs.push_back({st.name, std::move(st.graph), st.repeat});
    return w;
  }
  w.file = resolve_config(sc.model, "workloads/models");
  w.model = parse_model(load_with_overrides(w.file, sc.model_overrides));
  w.graphs = model_step_graphs(w.model, sc.shape, sc.scope == Scope::kModel);
  return w;
}

}  // namespace rdusim
