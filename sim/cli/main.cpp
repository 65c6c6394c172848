// sim/cli/main.cpp
// rdusim's command line: dispatches to sim/cli/cmd_<name>.cpp. `rdusim <command> --help` prints
// each command's options from its table. Every error is one line on stderr and exit code 2.
#include <fmt/format.h>
#include <systemc>

#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "sim/cli/commands.hpp"
#include "sim/core/error.hpp"

namespace rdusim {
namespace {

struct Command {
  const char* name;
  int (*run)(const std::vector<std::string>&);
  const char* summary;
};

const Command kCommands[] = {
    {"run", cmd_run, "one scenario (file and/or flags) -> summary, DIR/stats.json, trace"},
    {"experiment", cmd_experiment, "the fusion study of an experiment file -> DIR/fusion.{json,md}"},
    {"reproduce", cmd_reproduce, "every experiment -> DIR/validation.json, *.json, plots (the main job)"},
    {"switch", cmd_switch, "time one expert copy into HBM"},
    {"serve", cmd_serve, "a CoE served on the RDU node on one timeline -> DIR/serve.json"},
    {"bench", cmd_bench, "time the simulator on the reference scenarios (events per second)"},
};

std::string usage() {
  std::string s = "usage: rdusim <command> [options]     (rdusim <command> --help for its options)\n";
  for (const auto& c : kCommands) s += fmt::format("  {:<11} {}\n", c.name, c.summary);
  return s;
}

}  // namespace

unsigned default_jobs() { return std::max(1u, std::thread::hardware_concurrency()); }

int cli_main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    (args.empty() ? std::cerr : std::cout) << usage();
    return args.empty() ? 2 : 0;
  }
  std::string cmd = args[0];
  args.erase(args.begin());
  try {
    for (const auto& c : kCommands)
      if (cmd == c.name) return c.run(args);
    std::string known;
    for (const auto& c : kCommands) known += (known.empty() ? "" : ", ") + std::string(c.name);
    throw SimError("<command line>", cmd, "unknown command (known: " + known + ")");
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
