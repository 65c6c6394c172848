// sim/studies/reproduce.hpp
// The reproduction: every experiment (fusion study E1, CoE latency and switching E2, footprint
// E3) and the paper-vs-simulated table. Typed inputs in, JSON and markdown out; writing files and
// drawing plots is the caller's (sim/cli/cmd_reproduce.cpp).
#pragma once
#include <nlohmann/json.hpp>

#include <string>

namespace rdusim {

struct ReproduceInputs {
  std::string experiments_dir;  // holds fusion.json, coe.json, footprint.json, paper_values.json (and
                                // optionally looping.json: fused-HO vs looped on more machines)
  unsigned jobs = 1;            // simulations at once, one process each
};

struct Reproduction {
  nlohmann::json fusion, coe, footprint;
  nlohmann::json looping;                     // null when the experiments folder has no looping.json
  nlohmann::json coe_breakdown, coe_experts;  // Figs. 1 and 12 on the serving timeline
  nlohmann::json validation;                  // {"rows": [{id, description, paper, simulated, unit, in_band}, ...]}
  std::string fusion_md;                      // the fusion table
  std::string looping_md;                     // the looping table (empty without looping.json)
  std::string validation_md;                  // the text of docs/validation.md
};

Reproduction run_reproduction(const ReproduceInputs& in);

}  // namespace rdusim
