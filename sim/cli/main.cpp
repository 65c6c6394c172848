// sim/cli/main.cpp
// rdusim's command line. Every error is one line on stderr and exit code 2.
//   rdusim run [SCENARIO.json] [--machine M] [--model M] [--phase P] [--batch N] [--seq N]
//              [--context N] [--tp N] [--fusion F] [--orchestration O] [--scope S] [--chunks N]
//              [--set KEY=VALUE] [--out DIR] [--trace FILE] [--quiet]
//   rdusim bench [--chunks N]
#include <fmt/format.h>
#include <systemc>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "sim/cli/commands.hpp"
#include "sim/core/atomic_file.hpp"
#include "sim/core/error.hpp"

namespace rdusim {
namespace {

const char* kUsage =
    "usage: rdusim <command> [options]\n"
    "  run [SCENARIO.json] [--machine M] [--model M] [--phase prefill|decode] [--batch N] [--seq N]\n"
    "      [--context N] [--tp N] [--fusion fused|unfused] [--orchestration host|device]\n"
    "      [--scope layer|model] [--chunks N] [--set KEY=VALUE] [--out DIR] [--trace FILE] [--quiet]\n"
    "      --set takes a scenario key (batch=8) or a pointer into the machine or model config\n"
    "      (machine/socket/hbm/bandwidth_gbps=3600, model/hidden=8192)\n"
    "  experiment FILE [--out DIR] [--jobs N]   run an experiment (configs/experiments/*.json)\n"
    "  reproduce [--out DIR] [--jobs N] [--no-plots]   every experiment; writes out/validation.json and\n"
    "                   docs/validation.md, draws out/*.png (the main job)\n"
    "  switch --machine M --bytes N [--tp T] [--mode paper|per-gpu]   time one expert copy into HBM\n"
    "  serve [--composition C] [--batch N | --poisson RATE --count N | --requests TRACE.json] [--input N]\n"
    "        [--output N] [--seed S] [--trace FILE]   a CoE served on the RDU node on one timeline\n"
    "  bench            time the simulator on the reference scenarios (events per second)\n";

}  // namespace

int cli_main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  std::string cmd = args[0];
  args.erase(args.begin());
  try {
    if (cmd == "run") return cmd_run(args);
    if (cmd == "bench") return cmd_bench(args);
    if (cmd == "experiment") return cmd_experiment(args);
    if (cmd == "reproduce") return cmd_reproduce(args);
    if (cmd == "switch") return cmd_switch(args);
    if (cmd == "serve") return cmd_serve(args);
    throw SimError("<command line>", cmd, "unknown command (known: bench, experiment, reproduce, run, serve, switch)");
  } catch (const SimError& e) {
    std::cerr << "rdusim: " << e.one_line() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "rdusim: internal error: " << e.what() << "\n";
    return 3;
  }
}

}  // namespace rdusim

int sc_main(int argc, char** argv) { return rdusim::cli_main(argc, argv); }

// SystemC prints its banner while the kernel starts, before sc_main: silence it here.
int main(int argc, char** argv) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  return sc_core::sc_elab_and_sim(argc, argv);
}
