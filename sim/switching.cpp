#include "sim/switching.hpp"

#include <fmt/format.h>

#include <memory>
#include <vector>

#include "memory/host_dma.hpp"
#include "sim/all_ranks.hpp"
#include "sim/executor.hpp"
#include "sim/gpu_config.hpp"
#include "sim/machine_config.hpp"
#include "sim/scenario.hpp"
#include "sim/socket.hpp"

namespace rdusim {

std::string machine_kind(const std::string& machine_path) {
  JsonReader r = JsonReader::load_file(machine_path);
  std::string kind;
  r.required("kind", kind);
  return kind;
}

namespace {

SwitchResult switch_rdu(const MachineConfig& mc, uint64_t bytes, uint32_t tp, const std::string& trace_path) {
  RunContext ctx;
  ctx.trace.enable(!trace_path.empty());
  std::vector<std::unique_ptr<Socket>> sockets;
  for (uint32_t r = 0; r < tp; ++r) sockets.push_back(std::make_unique<Socket>(fmt::format("rdu{}", r).c_str(), mc.socket, ctx));
  const uint64_t shard = (bytes + tp - 1) / tp;
  Executor exec("switch", [&] {
    run_on_all_ranks(tp, [&](uint32_t r) { sockets[r]->dma.copy(sockets[r]->ddr, sockets[r]->hbm, shard, "expert DDR->HBM"); });
  });
  sc_core::sc_start();
  exec.rethrow();
  if (!trace_path.empty()) ctx.trace.write(trace_path);
  double t = now_ns();
  return {t, bytes / t};
}

}  // namespace

SwitchResult simulate_switch(const std::string& machine, uint64_t bytes, uint32_t tp, const std::string& mode,
                             const std::string& trace_path) {
  std::string path = resolve_config(machine, "configs/machines");
  std::string kind = machine_kind(path);
  if (kind == "rdu") {
    MachineConfig mc = load_machine_file(path);
    if (tp > mc.sockets) throw SimError(path, "/sockets", fmt::format("a switch over {} sockets needs that many", tp));
    return switch_rdu(mc, bytes, tp, trace_path);
  }
  // A DGX: the expert comes from host DRAM over PCIe (paper: one pipe; per-gpu: shards per link).
  GpuMachineConfig mc = parse_gpu_machine(JsonReader::load_file(path));
  if (tp > mc.gpus) throw SimError(path, "/gpus", fmt::format("a switch over {} GPUs needs that many", tp));
  LoadMode lm = parse_load_mode(mode, "<switch>", "mode");
  RunContext ctx;
  ctx.trace.enable(!trace_path.empty());
  HostDma dma("host_dma", mc.pcie, mc.gpu.ddr.total_bandwidth_gbps(), mc.gpus, ctx);
  double t = 0.0;
  Executor exec("switch", [&] { t = dma.load_expert(bytes, lm, tp); });
  sc_core::sc_start();
  exec.rethrow();
  if (!trace_path.empty()) ctx.trace.write(trace_path);
  return {t, bytes / t};
}

}  // namespace rdusim

#include <iostream>

#include "sim/cli_commands.hpp"

namespace rdusim {

// `rdusim switch --machine M --bytes N [--tp T] [--mode paper|per-gpu] [--trace FILE]`
int cmd_switch(const std::vector<std::string>& args) {
  std::string machine = "sn40l-8", mode = "paper", trace;
  uint64_t bytes = 0;
  uint32_t tp = 8;
  for (size_t i = 0; i + 1 < args.size() + 1; ++i) {
    auto value = [&]() -> std::string {
      if (i + 1 >= args.size()) throw SimError("<command line>", args[i], "expects a value");
      return args[++i];
    };
    if (i >= args.size()) break;
    if (args[i] == "--machine") machine = value();
    else if (args[i] == "--bytes") bytes = std::stoull(value());
    else if (args[i] == "--tp") tp = static_cast<uint32_t>(std::stoul(value()));
    else if (args[i] == "--mode") mode = value();
    else if (args[i] == "--trace") trace = value();
    else throw SimError("<command line>", args[i], "unknown option (known: --machine, --bytes, --tp, --mode, --trace)");
  }
  if (bytes == 0) throw SimError("<command line>", "--bytes", "expects a positive byte count");
  SwitchResult r = simulate_switch(machine, bytes, tp, mode, trace);
  std::cout << fmt::format("switch {} bytes on {} (tp {}, {}): {:.3f} ms, {:.1f} GB/s\n", bytes, machine, tp, mode,
                           r.ns / 1e6, r.gbps);
  return 0;
}

}  // namespace rdusim
