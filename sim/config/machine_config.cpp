// sim/config/machine_config.cpp
// The only place that knows the JSON shape of an RDU machine. Every key is checked; unknown keys
// are rejected; "_..." keys (sources, notes) are always allowed.
#include "sim/config/machine_config.hpp"

#include "interconnect/collective.hpp"
#include "interconnect/topology.hpp"
#include "memory/arbiter.hpp"
#include "sim/config/ranges.hpp"
#include "sim/core/json_reader.hpp"

namespace rdusim {
namespace {

// A variant name is valid when its factory accepts it; the factory's "unknown ... (known: ...)"
// message is re-raised at the key.
template <typename F>
void check_name(const JsonReader& r, const std::string& key, F make) {
  try {
    make();
  } catch (const SimError& e) {
    r.fail(key, e.what());
  }
}

PcuParams parse_pcu(const JsonReader& r) {
  PcuParams p;
  double peak_tflops = 0.0, simd_lanes = 0.0, simd_stages = 0.0;
  r.required("count", p.count);
  r.required("clock_ghz", p.clock_ghz);
  r.required("peak_bf16_tflops", peak_tflops);
  r.required("systolic_rows", p.systolic_rows);
  r.required("simd_lanes", simd_lanes);
  r.required("simd_stages", simd_stages);
  r.optional("pipeline_latency_cycles", p.pipeline_latency_cycles);
  r.check(p.count > 0, "count", "must be positive");
  r.check_range("count", p.count, 1, kMaxUnits);
  check_positive_at_most(r, "clock_ghz", p.clock_ghz, 100.0);
  check_positive_at_most(r, "peak_bf16_tflops", peak_tflops, 1e6);
  r.check(p.systolic_rows > 0, "systolic_rows", "must be positive");
  r.check_range("systolic_rows", p.systolic_rows, 1, 65536);
  check_positive_at_most(r, "simd_lanes", simd_lanes, 65536.0);
  check_positive_at_most(r, "simd_stages", simd_stages, 65536.0);
  r.check_range("pipeline_latency_cycles", p.pipeline_latency_cycles, 0, 1000000);
  // FLOPs/cycle/PCU follow from the published peak, the PCU count and the (assumed) clock.
  p.systolic_flops_per_cycle = peak_tflops * 1e3 / (p.count * p.clock_ghz);
  p.simd_flops_per_cycle = simd_lanes * simd_stages;
  r.reject_unread_keys();
  return p;
}

PmuParams parse_pmu(const JsonReader& r) {
  PmuParams p;
  double total_mb = 0.0;
  r.required("count", p.count);
  r.required("sram_mb_total", total_mb);
  r.optional("banks", p.banks);
  r.optional("usable_fraction", p.usable_fraction);
  r.check(p.count > 0, "count", "must be positive");
  r.check_range("count", p.count, 1, kMaxUnits);
  check_positive_at_most(r, "sram_mb_total", total_mb, 1e6);
  r.check_range("banks", p.banks, 0, 65536);
  r.check(p.usable_fraction > 0 && p.usable_fraction <= 1, "usable_fraction", "must be in (0, 1]");
  p.sram_bytes = total_mb * 1e6 / p.count;
  r.reject_unread_keys();
  return p;
}

// The kernel-call lifecycle and the per-token host work (dataflow/kernel_call.hpp).
void parse_call_lifecycle(const JsonReader& r, LaunchParams& p) {
  r.optional("done_token_ns", p.done_token_ns);
  r.optional("retire_ns", p.retire_ns);
  r.optional("sync_bytes", p.sync_bytes);
  r.optional("command_bytes", p.command_bytes);
  r.optional("completion_bytes", p.completion_bytes);
  r.optional("logits_bytes_per_vocab", p.logits_bytes_per_vocab);
  r.optional("host_sampling_ns", p.host_sampling_ns);
  require_non_negative(r, "done_token_ns", p.done_token_ns);
  require_non_negative(r, "retire_ns", p.retire_ns);
  require_non_negative(r, "logits_bytes_per_vocab", p.logits_bytes_per_vocab);
  require_non_negative(r, "host_sampling_ns", p.host_sampling_ns);
  check_latency_ns(r, "done_token_ns", p.done_token_ns);
  check_latency_ns(r, "retire_ns", p.retire_ns);
  check_latency_ns(r, "host_sampling_ns", p.host_sampling_ns);
  r.check_range("sync_bytes", p.sync_bytes, 0, 1ull << 30);
  r.check_range("command_bytes", p.command_bytes, 0, 1ull << 30);
  r.check_range("completion_bytes", p.completion_bytes, 0, 1ull << 30);
  r.check_range("logits_bytes_per_vocab", p.logits_bytes_per_vocab, 0.0, 16.0);
}

LaunchParams parse_launch(const JsonReader& r) {
  LaunchParams p;
  parse_call_lifecycle(r, p);
  r.required("host_launch_ns", p.host_launch_ns);
  r.required("device_launch_ns", p.device_launch_ns);
  r.required("program_load_fixed_ns", p.program_load_fixed_ns);
  r.required("config_bytes_per_tile", p.config_bytes_per_tile);
  r.required("argument_load_ns", p.argument_load_ns);
  for (auto [k, v] : {std::pair<const char*, double>{"host_launch_ns", p.host_launch_ns},
                      {"device_launch_ns", p.device_launch_ns},
                      {"program_load_fixed_ns", p.program_load_fixed_ns},
                      {"config_bytes_per_tile", p.config_bytes_per_tile},
                      {"argument_load_ns", p.argument_load_ns}}) {
    check_latency_ns(r, k, v);  // config_bytes_per_tile shares the range: [0, 1e9] bytes
  }
  r.reject_unread_keys();
  return p;
}

RdnParams parse_rdn(const JsonReader& d) {
  RdnParams p;
  d.required("hop_ns", p.hop_ns);
  d.required("dies", p.dies);
  d.required("d2d_latency_ns", p.d2d_latency_ns);
  d.required("d2d_bandwidth_gbps", p.d2d_bandwidth_gbps);
  check_latency_ns(d, "hop_ns", p.hop_ns);
  d.check(p.dies >= 1, "dies", "must be at least 1");
  d.check_range("dies", p.dies, 1, 64);
  check_latency_ns(d, "d2d_latency_ns", p.d2d_latency_ns);
  require_non_negative(d, "d2d_bandwidth_gbps", p.d2d_bandwidth_gbps);
  d.check_range("d2d_bandwidth_gbps", p.d2d_bandwidth_gbps, 0.0, kMaxBandwidthGbps);
  d.reject_unread_keys();
  return p;
}

DmaParams parse_dma(const JsonReader& d, DmaParams p) {
  d.optional("chunk_bytes", p.chunk_bytes);
  d.optional("outstanding", p.outstanding);
  d.check(p.chunk_bytes >= 1, "chunk_bytes", "must be positive");
  d.check_range("chunk_bytes", p.chunk_bytes, 1, uint64_t(1) << 40);
  d.check(p.outstanding >= 1, "outstanding", "must be at least 1");
  d.check_range("outstanding", p.outstanding, 1, 65536);
  d.reject_unread_keys();
  return p;
}

}  // namespace

DramTierParams parse_dram_tier(const JsonReader& r, const std::string& name) {
  DramTierParams p;
  p.name = name;
  double capacity_gb = 0.0, bandwidth_gbps = 0.0, sustained = 1.0;
  r.required("capacity_gb", capacity_gb);
  r.required("bandwidth_gbps", bandwidth_gbps);
  r.optional("sustained_fraction", sustained);
  r.check(sustained > 0 && sustained <= 1, "sustained_fraction", "must be in (0, 1]");
  r.required("channels", p.channels);
  r.required("latency_ns", p.channel.latency_ns);
  r.optional("interleave_bytes", p.interleave_bytes);
  r.optional("queue_depth", p.channel.queue_depth);
  r.optional("queue_bytes", p.channel.queue_bytes);
  r.optional("arbitration", p.channel.arbitration);
  check_name(r, "arbitration", [&] { make_arbiter(p.channel.arbitration); });
  r.check(p.channel.queue_bytes >= 1, "queue_bytes", "must be positive");
  r.check_range("queue_bytes", p.channel.queue_bytes, 1, uint64_t(1) << 40);
  finish_dram_tier(r, p, capacity_gb, bandwidth_gbps, sustained);
  return p;
}

void finish_dram_tier(const JsonReader& r, DramTierParams& p, double capacity_gb, double peak_gbps, double sustained) {
  check_positive_at_most(r, "capacity_gb", capacity_gb, kMaxCapacityGb);
  check_bandwidth_gbps(r, "bandwidth_gbps", peak_gbps);
  r.check(p.channels > 0, "channels", "must be positive");
  r.check_range("channels", p.channels, 1, 4096);
  check_latency_ns(r, "latency_ns", p.channel.latency_ns);
  r.check(p.interleave_bytes > 0, "interleave_bytes", "must be positive");
  r.check_range("interleave_bytes", p.interleave_bytes, 1, uint64_t(1) << 30);
  r.check(p.channel.queue_depth >= 1, "queue_depth", "must be at least 1");
  r.check_range("queue_depth", p.channel.queue_depth, 1, kMaxUnits);
  p.capacity_bytes = capacity_gb * 1e9;
  // Channels serve at the sustained share of the datasheet peak (refresh, bank conflicts, turnarounds).
  p.channel.bandwidth_gbps = peak_gbps * sustained / p.channels;
  r.reject_unread_keys();
}

LinkParams parse_link(const JsonReader& r) {
  LinkParams p;
  r.required("bandwidth_gbps", p.bandwidth_gbps);
  r.required("latency_ns", p.latency_ns);
  r.optional("per_message_ns", p.per_message_ns);
  check_bandwidth_gbps(r, "bandwidth_gbps", p.bandwidth_gbps);
  check_latency_ns(r, "latency_ns", p.latency_ns);
  check_latency_ns(r, "per_message_ns", p.per_message_ns);
  r.reject_unread_keys();
  return p;
}

FabricParams parse_fabric(const JsonReader& r, uint32_t endpoints) {
  FabricParams p;
  p.endpoints = endpoints;
  r.required("topology", p.topology);
  check_name(r, "topology", [&] { make_topology(p.topology); });
  r.required("algorithm", p.algorithm);
  check_name(r, "algorithm", [&] { make_collective(p.algorithm); });
  p.link = parse_link(r.child("link"));
  r.reject_unread_keys();
  return p;
}

// In-flight bounds of the replay in bytes, not chunks (docs/assumptions.md A14).
static void parse_replay_byte_bounds(const JsonReader& r, ReplayParams& p) {
  for (const char* old : {"stream_buffer_chunks", "weight_buffer_chunks", "write_buffer_chunks"}) {
    std::string key(old);
    r.check(
        !r.has(key), key,
        "replaced by " + key.substr(0, key.size() - 6) + "bytes (in-flight bounds are bytes, docs/assumptions.md A14)");
  }
  r.optional("stream_buffer_bytes", p.stream_buffer_bytes);
  r.optional("weight_buffer_bytes", p.weight_buffer_bytes);
  r.optional("write_buffer_bytes", p.write_buffer_bytes);
  r.check(p.stream_buffer_bytes >= 1, "stream_buffer_bytes", "must be positive");
  r.check(p.weight_buffer_bytes >= 1, "weight_buffer_bytes", "must be positive");
  r.check(p.write_buffer_bytes >= 1, "write_buffer_bytes", "must be positive");
  r.check_range("stream_buffer_bytes", p.stream_buffer_bytes, 1, 1ull << 40);
  r.check_range("weight_buffer_bytes", p.weight_buffer_bytes, 1, 1ull << 40);
  r.check_range("write_buffer_bytes", p.write_buffer_bytes, 1, 1ull << 40);
}

ReplayParams parse_replay(const JsonReader& r) {
  ReplayParams p;
  r.optional("chunks_per_stream", p.chunks_per_stream);
  parse_replay_byte_bounds(r, p);
  r.optional("token_stream_min_rows", p.token_stream_min_rows);
  r.optional("fused_pcu_fraction", p.fused_pcu_fraction);
  r.optional("trace_bin_ns", p.trace_bin_ns);
  r.optional("collective_min_chunk_bytes", p.collective_min_chunk_bytes);
  r.optional("run_ahead", p.run_ahead);
  r.check(p.collective_min_chunk_bytes >= 1, "collective_min_chunk_bytes", "must be positive");
  r.check_range("collective_min_chunk_bytes", p.collective_min_chunk_bytes, 1, uint64_t(1) << 40);
  r.check(p.chunks_per_stream >= 1 && p.chunks_per_stream <= 4096, "chunks_per_stream", "must be in [1, 4096]");
  r.check(p.fused_pcu_fraction > 0 && p.fused_pcu_fraction <= 1, "fused_pcu_fraction", "must be in (0, 1]");
  require_positive(r, "trace_bin_ns", p.trace_bin_ns);
  r.check_range("trace_bin_ns", p.trace_bin_ns, 1e-3, kMaxLatencyNs);
  r.reject_unread_keys();
  return p;
}

MachineConfig parse_machine(const JsonReader& r) {
  MachineConfig m;
  m.file = r.file();
  std::string kind;
  r.required("name", m.name);
  r.required("kind", kind);
  r.check(kind == "rdu", "kind", "unknown \"" + kind + "\" (known: rdu)");
  r.required("sockets", m.sockets);
  r.check(m.sockets >= 1, "sockets", "must be at least 1");
  r.check_range("sockets", m.sockets, 1, 4096);
  JsonReader s = r.child("socket");
  m.socket.pcu = parse_pcu(s.child("pcu"));
  m.socket.pmu = parse_pmu(s.child("pmu"));
  m.socket.hbm = parse_dram_tier(s.child("hbm"), "hbm");
  m.socket.ddr = parse_dram_tier(s.child("ddr"), "ddr");
  m.socket.launch = parse_launch(s.child("kernel_launch"));
  if (s.has("rdn")) m.socket.rdn = parse_rdn(s.child("rdn"));
  if (s.has("dma")) m.socket.dma = parse_dma(s.child("dma"), m.socket.dma);
  s.reject_unread_keys();
  if (r.has("replay")) m.replay = parse_replay(r.child("replay"));
  if (r.has("interconnect")) {
    m.fabric = parse_fabric(r.child("interconnect"), m.sockets);
    m.has_fabric = true;
  }
  r.check(m.sockets == 1 || m.has_fabric, "interconnect", "required when sockets > 1");
  if (r.has("host_link")) m.host_link = parse_link(r.child("host_link"));
  r.reject_unread_keys();
  return m;
}

MachineConfig load_machine_file(const std::string& path) { return parse_machine(load_with_overrides(path, {})); }

nlohmann::json resolved_machine_doc(const std::string& path, const Overrides& overrides) {
  return resolve_doc(path, overrides).doc;
}

}  // namespace rdusim
