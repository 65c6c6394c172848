// sim/cli/cmd_bench.cpp
// `rdusim bench`: the simulator's speed on the reference scenarios against the bare SystemC
// kernel's, as a table (or JSON) on stdout.
#include <fmt/format.h>

#include <iostream>

#include "sim/cli/args.hpp"
#include "sim/cli/commands.hpp"
#include "sim/studies/bench.hpp"

namespace rdusim {
namespace {

void print_table(const nlohmann::json& b) {
  const nlohmann::json& k = b["kernel"];
  std::cout << fmt::format(
      "bare SystemC kernel: {} timed SC_METHOD activations in {:.3f} s wall, {:.3f} s CPU ({:.2f} M/s wall, {:.2f} "
      "M/CPU-s)\n",
      k["activations"].get<uint64_t>(), k["wall_s"].get<double>(), k["cpu_s"].get<double>(),
      k["rate_per_s"].get<double>() / 1e6, k["rate_per_cpu_s"].get<double>() / 1e6);
  std::cout << fmt::format("{:<48} {:>6} {:>12} {:>8} {:>10} {:>6} {:>7} {:>9} {:>14}\n", "scenario", "chunks",
                           "model events", "wall s", "M events/s", "ratio", "CPU s", "ratio CPU", "simulated us");
  for (const auto& r : b["scenarios"]) {
    std::cout << fmt::format("{:<48} {:>6} {:>12.0f} {:>8.3f} {:>10.2f} {:>6.3f} {:>7.3f} {:>9.3f} {:>14.2f}\n",
                             r["scenario"].get<std::string>(), r["chunks"].get<uint32_t>(), r["events"].get<double>(),
                             r["wall_s"].get<double>(), r["events_per_s"].get<double>() / 1e6, r["ratio"].get<double>(),
                             r["cpu_s"].get<double>(), r["ratio_cpu"].get<double>(), r["sim_us"].get<double>());
  }
  std::cout << "ratio = (model events per wall-s) / (bare kernel activations per wall-s); ratio CPU: the same per "
               "CPU-s\n";
}

}  // namespace

int cmd_bench(const std::vector<std::string>& args) {
  BenchOptions opt;
  bool json = false;
  ArgTable t("bench", "[--chunks N] [--only TEXT] [--kernel-activations N] [--json]",
             "Times the simulator on the reference scenarios (model events per second) against the bare SystemC "
             "kernel (timed SC_METHOD activations per second), each in its own process.");
  t.uint("--chunks", "N", "pipeline chunks for every scenario (0 = each scenario's own)", &opt.chunks, 0, 4096);
  t.text("--only", "TEXT", "run only the scenarios whose name contains TEXT", &opt.only);
  t.uint("--kernel-activations", "N", "size of the bare-kernel measurement", &opt.kernel_activations, 1000,
         10'000'000'000ULL);
  t.flag("--json", "print the results as JSON", &json);
  if (!t.parse(args)) return 0;
  nlohmann::json b = run_bench(opt);
  if (json)
    std::cout << b.dump(1) << "\n";
  else
    print_table(b);
  return 0;
}

}  // namespace rdusim
