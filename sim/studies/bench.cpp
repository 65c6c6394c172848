// sim/studies/bench.cpp
// `rdusim bench`: how fast the simulator runs its reference scenarios (a benchmark, not a test).
// Each scenario runs in its own process (one elaboration per process).
#include <fmt/format.h>

#include <iostream>

#include "sim/cli/commands.hpp"
#include "sim/core/error.hpp"
#include "sim/run/isolated.hpp"
#include "sim/run/run.hpp"

namespace rdusim {

int cmd_bench(const std::vector<std::string>& args) {
  uint32_t chunks = 0;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--chunks" && i + 1 < args.size())
      chunks = static_cast<uint32_t>(std::stoul(args[++i]));
    else
      throw SimError("<command line>", args[i], "unknown option (known: --chunks N)");
  }
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
  std::cout << fmt::format("{:<44} {:>12} {:>10} {:>12} {:>14}\n", "scenario", "model events", "wall s", "M events/s",
                           "simulated us");
  for (size_t i = 0; i < cases.size(); ++i) {
    const auto& r = results[i];
    if (r.contains("error")) throw SimError("", cases[i].name, r["error"].get<std::string>());
    double ev = r["events"].get<double>(), wall = r["wall_s"].get<double>();
    std::cout << fmt::format("{:<44} {:>12.0f} {:>10.3f} {:>12.2f} {:>14.2f}\n", cases[i].name, ev, wall,
                             ev / wall / 1e6, r["sim_us"].get<double>());
  }
  return 0;
}

}  // namespace rdusim
