// sim/h2d_main.cpp
// rdusim-h2d: one host -> GPU expert load on a GPU machine, in simulated time.
//   rdusim-h2d [--machine dgx-a100] [--bytes 13.5e9] [--mode paper|per-gpu] [--tp 8]
// Prints one JSON line: {"machine", "mode", "tp", "bytes", "ns", "gbps"}. Errors: one line, exit 2.
#include <fmt/format.h>

#include <iostream>
#include <string>
#include <vector>

#include "memory/host_dma.hpp"
#include "sim/executor.hpp"
#include "sim/gpu_config.hpp"
#include "sim/scenario.hpp"

using namespace rdusim;

namespace {
int run(const std::vector<std::string>& args) {
  std::string machine = "dgx-a100", mode_name = "per-gpu";
  double bytes = 13.5e9;
  uint32_t tp = 1;
  for (size_t i = 0; i < args.size(); ++i) {
    auto value = [&]() -> std::string {
      if (i + 1 >= args.size()) throw SimError("<command line>", args[i], "expects a value");
      return args[++i];
    };
    const std::string& a = args[i];
    if (a == "--machine") machine = value();
    else if (a == "--mode") mode_name = value();
    else if (a == "--bytes") bytes = std::stod(value());
    else if (a == "--tp") tp = static_cast<uint32_t>(std::stoul(value()));
    else throw SimError("<command line>", a, "unknown option (known: --machine, --bytes, --mode, --tp)");
  }
  LoadMode mode = parse_load_mode(mode_name, "<command line>", "--mode");
  GpuMachineConfig mc = parse_gpu_machine(JsonReader::load_file(resolve_config(machine, "configs/machines")));
  if (tp < 1 || tp > mc.gpus) throw SimError("<command line>", "--tp", fmt::format("must be in [1, {}]", mc.gpus));
  RunContext ctx;
  HostDma dma("host_dma", mc.pcie, mc.gpu.ddr.total_bandwidth_gbps(), mc.gpus, ctx);
  double t = 0.0;
  Executor exec("run", [&] { t = dma.load_expert(static_cast<uint64_t>(bytes), mode, tp); });
  sc_core::sc_start();
  exec.rethrow();
  std::cout << fmt::format("{{\"machine\": \"{}\", \"mode\": \"{}\", \"tp\": {}, \"bytes\": {:.0f}, \"ns\": {:.1f}, \"gbps\": {:.3f}}}\n",
                           mc.name, mode_name, tp, bytes, t, bytes / t);
  return 0;
}
}  // namespace

int sc_main(int argc, char** argv) {
  try {
    return run(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const SimError& e) {
    std::cerr << "rdusim-h2d: " << e.one_line() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "rdusim-h2d: " << e.what() << "\n";
    return 2;
  }
}

int main(int argc, char** argv) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  return sc_core::sc_elab_and_sim(argc, argv);
}
