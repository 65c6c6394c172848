// sim/cli/cmd_switch.cpp
#include <iostream>

#include <fmt/format.h>

#include "sim/cli/commands.hpp"
#include "sim/core/error.hpp"
#include "sim/studies/switching.hpp"

namespace rdusim {

// `rdusim switch --machine M --bytes N [--tp T] [--mode paper|per-gpu] [--trace FILE]`
int cmd_switch(const std::vector<std::string>& args) {
  std::string machine = "sn40l-8", mode = "paper", trace;
  double bytes = 0;
  bool json = false;
  uint32_t tp = 8;
  for (size_t i = 0; i + 1 < args.size() + 1; ++i) {
    auto value = [&]() -> std::string {
      if (i + 1 >= args.size()) throw SimError("<command line>", args[i], "expects a value");
      return args[++i];
    };
    if (i >= args.size()) break;
    if (args[i] == "--machine") machine = value();
    else if (args[i] == "--bytes") bytes = std::stod(value());
    else if (args[i] == "--json") json = true;
    else if (args[i] == "--tp") tp = static_cast<uint32_t>(std::stoul(value()));
    else if (args[i] == "--mode") mode = value();
    else if (args[i] == "--trace") trace = value();
    else throw SimError("<command line>", args[i], "unknown option (known: --machine, --bytes, --tp, --mode, --trace, --json)");
  }
  if (!(bytes >= 1)) throw SimError("<command line>", "--bytes", "expects a positive byte count");
  SwitchResult r = simulate_switch(machine, static_cast<uint64_t>(bytes), tp, mode, trace);
  if (json) {
    std::cout << fmt::format("{{\"machine\": \"{}\", \"mode\": \"{}\", \"tp\": {}, \"bytes\": {:.0f}, \"ns\": {:.1f}, "
                             "\"gbps\": {:.3f}}}\n",
                             machine, mode, tp, bytes, r.ns, r.gbps);
    return 0;
  }
  std::cout << fmt::format("switch {} bytes on {} (tp {}, {}): {:.3f} ms, {:.1f} GB/s\n", bytes, machine, tp, mode,
                           r.ns / 1e6, r.gbps);
  return 0;
}

}  // namespace rdusim
