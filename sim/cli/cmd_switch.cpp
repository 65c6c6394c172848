// sim/cli/cmd_switch.cpp
// `rdusim switch`: the simulated time to copy one expert into HBM (replaces the old rdusim-h2d).
#include <fmt/format.h>

#include <iostream>

#include "sim/cli/args.hpp"
#include "sim/cli/commands.hpp"
#include "sim/core/error.hpp"
#include "sim/studies/switching.hpp"

namespace rdusim {

int cmd_switch(const std::vector<std::string>& args) {
  std::string machine = "sn40l-8", mode = "paper", trace;
  uint64_t bytes = 0;
  uint32_t tp = 8;
  bool json = false;
  ArgTable t("switch", "--bytes N [--machine M] [--tp T] [--mode paper|per-gpu] [--trace FILE] [--json]",
             "Times one expert copy into HBM: DDR -> HBM on every socket (RDU), host -> GPUs over PCIe (DGX).");
  t.text("--machine", "M", "a name in configs/machines or a path", &machine);
  t.uint("--bytes", "N", "bytes to copy (required)", &bytes, 1, uint64_t(1) << 53);
  t.uint("--tp", "T", "sockets or GPUs sharing the copy", &tp, 1, 1024);
  t.text("--mode", "MODE", "DGX loading: paper (one PCIe pipe) | per-gpu (each GPU its shard)", &mode);
  t.text("--trace", "FILE", "Perfetto trace", &trace);
  t.flag("--json", "one JSON object on stdout", &json);
  if (!t.parse(args)) return 0;
  if (!t.given("--bytes")) throw SimError("<command line>", "--bytes", "required (the bytes to copy)");
  SwitchResult r = simulate_switch(machine, bytes, tp, mode, trace);
  if (json) {
    std::cout << fmt::format(
        "{{\"machine\": \"{}\", \"mode\": \"{}\", \"tp\": {}, \"bytes\": {}, \"ns\": {:.1f}, "
        "\"gbps\": {:.3f}}}\n",
        machine, mode, tp, bytes, r.ns, r.gbps);
    return 0;
  }
  std::cout << fmt::format("switch {} bytes on {} (tp {}, {}): {:.3f} ms, {:.1f} GB/s\n", bytes, machine, tp, mode,
                           r.ns / 1e6, r.gbps);
  return 0;
}

}  // namespace rdusim
