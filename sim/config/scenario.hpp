// sim/config/scenario.hpp
// What `rdusim run` simulates: machine, model, step shape, fusion, orchestration and scope.
// Read from a scenario JSON and/or CLI flags (flags become a JSON overlay, so both are validated
// by the same reader).
#pragma once
#include <string>

#include "dataflow/fusion.hpp"
#include "dataflow/launch.hpp"
#include "sim/config/composition_loader.hpp"  // re-exported: callers that had the loaders from workloads/
#include "sim/config/model_loader.hpp"
#include "sim/config/overrides.hpp"
#include "sim/config/requests_loader.hpp"
#include "sim/core/json_reader.hpp"
#include "workloads/decoder.hpp"
#include "workloads/step_graphs.hpp"

namespace rdusim {

enum class Scope { kLayer, kModel, kRouter };

struct Scenario {
  std::string machine = "sn40l";    // name in configs/machines/ or a path
  std::string model = "llama2-7b";  // name in workloads/models/ or a path
  std::string composition;          // scope "router": the composition whose router runs
  StepShape shape;
  Fusion fusion = Fusion::kFused;
  Orchestration orchestration = Orchestration::kHost;
  bool looped = false;  // kernel looping (fusion "fused-ho-looped")
  Scope scope = Scope::kLayer;
  uint32_t chunks = 0;          // 0: the machine's replay.chunks_per_stream
  std::string file;             // where it was read from (error messages)
  Overrides machine_overrides;  // --set machine/<pointer>=value
  Overrides model_overrides;    // --set model/<pointer>=value
};

Scenario parse_scenario(const JsonReader& r);

// What a scenario runs, machine aside: the model (the composition's router for scope "router"),
// the file it came from (for errors), and the step's graphs in order with their repeat counts.
struct Workload {
  std::string file;
  ModelConfig model;
  std::vector<StepGraph> graphs;
};
Workload load_workload(const Scenario& sc);
// Resolves a config name to a path: an existing path is taken as is, else <root>/<dir>/<name>.json.
std::string resolve_config(const std::string& name_or_path, const std::string& dir);
// The source tree holding configs/ and workloads/ (RDUSIM_ROOT env, else the build-time source dir).
std::string project_root();

}  // namespace rdusim
