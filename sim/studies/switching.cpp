// sim/studies/switching.cpp
#include "sim/studies/switching.hpp"

#include <fmt/format.h>

#include <memory>
#include <vector>

#include "dataflow/socket.hpp"
#include "memory/host_dma.hpp"
#include "sim/config/gpu_config.hpp"
#include "sim/config/machine_config.hpp"
#include "sim/config/scenario.hpp"
#include "sim/run/executor.hpp"
#include "sim/run/node.hpp"

namespace rdusim {

std::string machine_kind(const std::string& machine_path) {
  // The kind may come from the file's base chain (a layered file need not repeat it).
  return machine_kind(JsonReader::from_json(resolved_machine_doc(machine_path), machine_path));
}

namespace {

SwitchResult switch_rdu(const MachineConfig& mc, uint64_t bytes, uint32_t tp, const std::string& trace_path) {
  RunContext ctx;
  ctx.trace.enable(!trace_path.empty());
  NodeSpec spec;  // sockets only: a DMA per socket needs neither the fabric nor replayers
  spec.rank_prefix = "rdu";
  spec.ranks = tp;
  spec.socket = mc.socket;
  Node node(spec, ctx);
  const uint64_t shard = (bytes + tp - 1) / tp;
  node.run("switch", [&](uint32_t r) {
    node.socket(r).dma.copy(node.socket(r).ddr, node.socket(r).hbm, shard, "expert DDR->HBM");
  });
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
