// sim/config/gpu_config.cpp
// The only place that knows the JSON shape of a GPU machine (configs/machines/dgx-*.json). Every
// key is checked; unknown keys are rejected; "_..." keys (sources) are always allowed.
#include "sim/config/gpu_config.hpp"

#include "sim/config/ranges.hpp"
#include "sim/core/json_reader.hpp"

namespace rdusim {

// Defined in sim/config_machine.cpp.
ReplayParams parse_replay(const JsonReader& r);

namespace {

void require_positive_all(const JsonReader& r, std::initializer_list<std::pair<const char*, double>> kv) {
  for (auto [k, v] : kv) require_positive(r, k, v);
}

PcuParams parse_sm(const JsonReader& r, uint32_t& units_per_sm, double& prologue_ns) {
  PcuParams p;
  double peak_tflops = 0.0, simd_tflops = 0.0;
  r.required("count", p.count);
  r.required("tensor_cores_per_sm", units_per_sm);
  r.check(units_per_sm >= 1, "tensor_cores_per_sm", "must be at least 1");
  r.required("clock_ghz", p.clock_ghz);
  r.required("peak_bf16_tflops", peak_tflops);
  r.required("simd_tflops", simd_tflops);
  r.optional("pipeline_latency_cycles", p.pipeline_latency_cycles);
  r.check(p.count > 0, "count", "must be positive");
  r.check_range("count", p.count, 1, kMaxUnits);
  r.check_range("tensor_cores_per_sm", units_per_sm, 1, 64);
  require_positive_all(r,
                       {{"clock_ghz", p.clock_ghz}, {"peak_bf16_tflops", peak_tflops}, {"simd_tflops", simd_tflops}});
  r.check_range("clock_ghz", p.clock_ghz, 0.0, 100.0);
  r.check_range("peak_bf16_tflops", peak_tflops, 0.0, 1e6);
  r.check_range("simd_tflops", simd_tflops, 0.0, 1e6);
  r.check_range("pipeline_latency_cycles", p.pipeline_latency_cycles, 0, 1000000);
  // One "PCU" per tensor core (SM sub-partition); tensor-core shape losses live in the kernel model
  // (gpu_kernel_model.hpp), which sets how many units' worth of peak a kernel gets, so the row
  // utilization is 1 here.
  p.count *= units_per_sm;
  // A fused kernel's ops run in the same CTAs: the prologue is paid once per kernel (the runner
  // adds it to the launch), not once per stage as on the RDU's pipelined tiles.
  prologue_ns = p.pipeline_latency_cycles / p.clock_ghz;
  p.pipeline_latency_cycles = 0;
  p.systolic_flops_per_cycle = peak_tflops * 1e3 / (p.count * p.clock_ghz);
  p.simd_flops_per_cycle = simd_tflops * 1e3 / (p.count * p.clock_ghz);
  p.systolic_rows = 1;
  r.reject_unread_keys();
  return p;
}

GemmTileParams parse_gemm(const JsonReader& r) {
  GemmTileParams p;
  r.required("mma_rows", p.mma_rows);
  r.required("cta_tile_m", p.cta_tile_m);
  r.required("cta_tile_n", p.cta_tile_n);
  r.required("peak_fraction", p.peak_fraction);
  r.check(p.mma_rows > 0, "mma_rows", "must be positive");
  r.check_range("mma_rows", p.mma_rows, 1, 65536);
  r.check_range("cta_tile_m", p.cta_tile_m, 1, 65536);
  r.check_range("cta_tile_n", p.cta_tile_n, 0, 65536);
  r.check(p.cta_tile_m >= p.mma_rows && p.cta_tile_m % p.mma_rows == 0, "cta_tile_m", "must be a multiple of mma_rows");
  r.check(p.cta_tile_n > 0, "cta_tile_n", "must be positive");
  r.check(p.peak_fraction > 0 && p.peak_fraction <= 1, "peak_fraction", "must be in (0, 1]");
  r.reject_unread_keys();
  return p;
}

DramTierParams parse_hbm(const JsonReader& r, double& peak_gbps) {
  DramTierParams p;
  p.name = "hbm";
  double capacity_gb = 0.0, sustained = 0.0;
  r.required("capacity_gb", capacity_gb);
  r.required("bandwidth_gbps", peak_gbps);
  r.required("sustained_fraction", sustained);
  r.required("channels", p.channels);
  r.required("latency_ns", p.channel.latency_ns);
  r.optional("interleave_bytes", p.interleave_bytes);
  r.optional("queue_depth", p.channel.queue_depth);
  r.check(sustained > 0 && sustained <= 1, "sustained_fraction", "must be in (0, 1]");
  finish_dram_tier(r, p, capacity_gb, peak_gbps, sustained);
  return p;
}

DramTierParams parse_host(const JsonReader& r) {
  DramTierParams p;
  p.name = "host";
  double capacity_gb = 0.0, bandwidth = 0.0;
  r.required("dram_gb", capacity_gb);
  r.required("bandwidth_gbps", bandwidth);
  r.required("channels", p.channels);
  r.required("latency_ns", p.channel.latency_ns);
  check_positive_at_most(r, "dram_gb", capacity_gb, kMaxCapacityGb);
  check_bandwidth_gbps(r, "bandwidth_gbps", bandwidth);
  r.check(p.channels > 0, "channels", "must be positive");
  r.check_range("channels", p.channels, 1, 4096);
  check_latency_ns(r, "latency_ns", p.channel.latency_ns);
  p.capacity_bytes = capacity_gb * 1e9;
  p.channel.bandwidth_gbps = bandwidth / p.channels;
  r.reject_unread_keys();
  return p;
}

NvlinkParams parse_nvlink(const JsonReader& r) {
  NvlinkParams p;
  r.required("bandwidth_gbps", p.bandwidth_gbps);
  r.required("step_latency_ns", p.step_latency_ns);
  r.required("collective_base_ns", p.collective_base_ns);
  check_bandwidth_gbps(r, "bandwidth_gbps", p.bandwidth_gbps);
  check_latency_ns(r, "step_latency_ns", p.step_latency_ns);
  check_latency_ns(r, "collective_base_ns", p.collective_base_ns);
  r.reject_unread_keys();
  return p;
}

PcieParams parse_pcie(const JsonReader& r) {
  PcieParams p;
  r.required("theoretical_gbps", p.theoretical_gbps);
  r.required("dma_efficiency", p.dma_efficiency);
  r.required("latency_ns", p.latency_ns);
  r.required("gpus_per_uplink", p.gpus_per_uplink);
  r.required("paper_gbps", p.paper_gbps);
  check_bandwidth_gbps(r, "theoretical_gbps", p.theoretical_gbps);
  check_bandwidth_gbps(r, "paper_gbps", p.paper_gbps);
  r.check(p.dma_efficiency > 0 && p.dma_efficiency <= 1, "dma_efficiency", "must be in (0, 1]");
  check_latency_ns(r, "latency_ns", p.latency_ns);
  r.check(p.gpus_per_uplink >= 1, "gpus_per_uplink", "must be at least 1");
  r.check_range("gpus_per_uplink", p.gpus_per_uplink, 1, 4096);
  r.reject_unread_keys();
  return p;
}

}  // namespace

std::string machine_kind(const JsonReader& r) {
  const auto& j = r.raw();
  if (j.is_object() && j.contains("kind") && j["kind"].is_string()) return j["kind"].get<std::string>();
  return "rdu";
}

GpuMachineConfig parse_gpu_machine(const JsonReader& r) {
  GpuMachineConfig m;
  m.file = r.file();
  std::string kind;
  r.required("name", m.name);
  r.required("kind", kind);
  r.check(kind == "gpu", "kind", "expected \"gpu\"");
  r.required("gpus", m.gpus);
  r.check(m.gpus >= 1, "gpus", "must be at least 1");
  r.check_range("gpus", m.gpus, 1, 4096);
  JsonReader g = r.child("gpu");
  m.gpu.pcu = parse_sm(g.child("sm"), m.units_per_sm, m.kernel_prologue_ns);
  m.gemm = parse_gemm(g.child("gemm"));
  double l2_mb = 0.0, smem_kb = 0.0;
  g.required("l2_mb", l2_mb);
  g.required("smem_kb_per_sm", smem_kb);
  check_positive_at_most(g, "l2_mb", l2_mb, 1e6);
  check_positive_at_most(g, "smem_kb_per_sm", smem_kb, 1e6);
  // On-chip buffering: one "PMU" per SM holding its shared memory plus its slice of L2.
  m.gpu.pmu.count = m.sms();
  m.gpu.pmu.sram_bytes = smem_kb * 1e3 + l2_mb * 1e6 / m.sms();
  m.gpu.pmu.usable_fraction = 1.0;
  m.gpu.hbm = parse_hbm(g.child("hbm"), m.hbm_peak_gbps);
  g.required("kernel_launch_ns", m.kernel_launch_ns);
  check_latency_ns(g, "kernel_launch_ns", m.kernel_launch_ns);
  g.reject_unread_keys();
  m.gpu.launch.host_launch_ns = m.kernel_launch_ns;
  m.nvlink = parse_nvlink(r.child("nvlink"));
  m.pcie = parse_pcie(r.child("pcie"));
  m.gpu.ddr = parse_host(r.child("host"));
  if (r.has("replay")) m.replay = parse_replay(r.child("replay"));
  r.reject_unread_keys();
  return m;
}

}  // namespace rdusim
