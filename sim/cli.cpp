// sim/cli.cpp
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

#include "sim/atomic_file.hpp"
#include "sim/cli_commands.hpp"
#include "sim/error.hpp"
#include "sim/run.hpp"

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
    "  bench            time the simulator on the reference scenarios (events per second)\n";

// "--batch 8" -> overlay["batch"] = 8 (numbers stay numbers so the reader type-checks them).
nlohmann::json scalar(const std::string& v) {
  try {
    return nlohmann::json::parse(v);
  } catch (const std::exception&) {
    return v;
  }
}

int cmd_run(const std::vector<std::string>& args) {
  nlohmann::json doc = nlohmann::json::object();
  std::string file = "<command line>";
  RunOptions opt;
  opt.out_dir = "out";
  static const std::vector<std::string> keys = {"machine", "model", "phase", "batch", "seq", "context", "tp",
                                                "fusion", "orchestration", "scope", "chunks", "dtype_bytes", "composition"};
  nlohmann::json overlay = nlohmann::json::object();
  Overrides machine_set, model_set;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= args.size()) throw SimError("<command line>", a, "expects a value");
      return args[++i];
    };
    if (a == "--out") opt.out_dir = value();
    else if (a == "--trace") opt.trace_path = value();
    else if (a == "--quiet") opt.quiet = true;
    else if (a == "--set") {
      std::string kv = value();
      auto eq = kv.find('=');
      if (eq == std::string::npos) throw SimError("<command line>", "--set", "expects KEY=VALUE, got \"" + kv + "\"");
      std::string key = kv.substr(0, eq);
      if (key.rfind("machine/", 0) == 0) machine_set[key.substr(7)] = scalar(kv.substr(eq + 1));
      else if (key.rfind("model/", 0) == 0) model_set[key.substr(5)] = scalar(kv.substr(eq + 1));
      else overlay[key] = scalar(kv.substr(eq + 1));
    } else if (a.rfind("--", 0) == 0 && std::find(keys.begin(), keys.end(), a.substr(2)) != keys.end()) {
      overlay[a.substr(2)] = scalar(value());
    } else if (a.rfind("--", 0) != 0 && file == "<command line>") {
      doc = JsonReader::load_file(a).raw();
      file = a;
    } else {
      throw SimError("<command line>", a, "unknown option");
    }
  }
  for (auto it = overlay.begin(); it != overlay.end(); ++it) doc[it.key()] = it.value();
  Scenario sc = parse_scenario(JsonReader::from_json(doc, file));
  sc.machine_overrides = machine_set;
  sc.model_overrides = model_set;
  RunOutcome o = run_scenario(sc, opt);
  if (!opt.out_dir.empty()) write_file_atomic(opt.out_dir + "/stats.json", o.stats.dump(2) + "\n");
  if (!opt.quiet) std::cout << format_summary(o);
  if (!opt.out_dir.empty() && !opt.quiet) std::cout << "  wrote          : " << opt.out_dir << "/stats.json\n";
  if (!opt.trace_path.empty() && !opt.quiet) std::cout << "  wrote          : " << opt.trace_path << "\n";
  return 0;
}

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
    throw SimError("<command line>", cmd, "unknown command (known: bench, experiment, reproduce, run, switch)");
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
