// sim/studies/bench.cpp
#include "sim/studies/bench.hpp"

#include <fmt/format.h>

#include "sim/core/error.hpp"
#include "sim/run/isolated.hpp"
#include "sim/run/run.hpp"

namespace rdusim {

nlohmann::json run_bench(uint32_t chunks) {
  struct Case {
    std::string name;
    Scenario sc;
  };
  std::vector<Case> cases;
  for (auto fusion : {Fusion::kFused, Fusion::kUnfused}) {
    Scenario d;
    d.shape.phase = Phase::kDecode;
    d.shape.context = 4096;
    d.fusion = fusion;
    d.chunks = chunks;
    cases.push_back({fmt::format("llama2-7b decode layer ctx4096 {}", fusion_name(fusion)), d});
    Scenario p = d;
    p.shape.phase = Phase::kPrefill;
    p.shape.seq = 4096;
    p.shape.context = 0;
    cases.push_back({fmt::format("llama2-7b prefill layer seq4096 {}", fusion_name(fusion)), p});
  }
  std::vector<std::function<nlohmann::json()>> tasks;
  for (const auto& c : cases) {
    tasks.push_back([sc = c.sc] {
      RunOptions opt;
      opt.quiet = true;
      RunOutcome o = run_scenario(sc, opt);
      return nlohmann::json{{"events", o.events}, {"wall_s", o.wall_s}, {"sim_us", o.total_ns / 1e3}};
    });
  }
  auto results = run_isolated(tasks, 1);  // one at a time: timings must not share cores
  nlohmann::json rows = nlohmann::json::array();
  for (size_t i = 0; i < cases.size(); ++i) {
    nlohmann::json r = results[i];
    if (r.contains("error")) throw SimError("", cases[i].name, r["error"].get<std::string>());
    r["scenario"] = cases[i].name;
    rows.push_back(r);
  }
  return rows;
}

}  // namespace rdusim
