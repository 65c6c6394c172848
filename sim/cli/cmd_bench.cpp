// sim/cli/cmd_bench.cpp
// `rdusim bench`: the simulator's speed on the reference scenarios, as a table on stdout.
#include <fmt/format.h>

#include <iostream>

#include "sim/cli/args.hpp"
#include "sim/cli/commands.hpp"
#include "sim/studies/bench.hpp"

namespace rdusim {

int cmd_bench(const std::vector<std::string>& args) {
  uint32_t chunks = 0;
  ArgTable t("bench", "[--chunks N]", "Times the simulator on the reference scenarios (events per second).");
  t.uint("--chunks", "N", "pipeline chunks (0 = the mapper's choice)", &chunks, 0, 4096);
  if (!t.parse(args)) return 0;
  nlohmann::json rows = run_bench(chunks);
  std::cout << fmt::format("{:<44} {:>12} {:>10} {:>12} {:>14}\n", "scenario", "model events", "wall s", "M events/s",
                           "simulated us");
  for (const auto& r : rows) {
    double ev = r["events"].get<double>(), wall = r["wall_s"].get<double>();
    std::cout << fmt::format("{:<44} {:>12.0f} {:>10.3f} {:>12.2f} {:>14.2f}\n", r["scenario"].get<std::string>(), ev,
                             wall, ev / wall / 1e6, r["sim_us"].get<double>());
  }
  return 0;
}

}  // namespace rdusim
