// sim/config/machine_config.cpp
// The only place that knows the JSON shape of an RDU machine. Every key is checked; unknown keys
// are rejected; "_..." keys (sources, notes) are always allowed.
#include "sim/config/machine_config.hpp"

#include "sim/core/json_reader.hpp"

namespace rdusim {
namespace {

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
  require_positive(r, "clock_ghz", p.clock_ghz);
  require_positive(r, "peak_bf16_tflops", peak_tflops);
  r.check(p.systolic_rows > 0, "systolic_rows", "must be positive");
  require_positive(r, "simd_lanes", simd_lanes);
  require_positive(r, "simd_stages", simd_stages);
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
  require_positive(r, "sram_mb_total", total_mb);
  r.check(p.usable_fraction > 0 && p.usable_fraction <= 1, "usable_fraction", "must be in (0, 1]");
  p.sram_bytes = total_mb * 1e6 / p.count;
  r.reject_unread_keys();
  return p;
}

// --- model branch (issue 11): the kernel-call lifecycle and per-token host work ---------------
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
}
// --- end model branch -----------------------------------------------------------------------

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
    require_non_negative(r, k, v);
  }
  r.reject_unread_keys();
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
  std::string arbitration = "priority";
  r.optional("arbitration", arbitration);
  r.check(arbitration == "priority" || arbitration == "round_robin", "arbitration",
          "unknown \"" + arbitration + "\" (known: priority, round_robin)");
  p.channel.round_robin = arbitration == "round_robin";
  r.check(p.channel.queue_bytes >= 1, "queue_bytes", "must be positive");
  require_positive(r, "capacity_gb", capacity_gb);
  require_positive(r, "bandwidth_gbps", bandwidth_gbps);
  r.check(p.channels > 0, "channels", "must be positive");
  require_non_negative(r, "latency_ns", p.channel.latency_ns);
  r.check(p.interleave_bytes > 0, "interleave_bytes", "must be positive");
  r.check(p.channel.queue_depth >= 1, "queue_depth", "must be at least 1");
  p.capacity_bytes = capacity_gb * 1e9;
  // Channels serve at the sustained share of the datasheet peak (refresh, bank conflicts, turnarounds).
  p.channel.bandwidth_gbps = bandwidth_gbps * sustained / p.channels;
  r.reject_unread_keys();
  return p;
}

LinkParams parse_link(const JsonReader& r) {
  LinkParams p;
  r.required("bandwidth_gbps", p.bandwidth_gbps);
  r.required("latency_ns", p.latency_ns);
  r.optional("per_message_ns", p.per_message_ns);
  require_positive(r, "bandwidth_gbps", p.bandwidth_gbps);
  require_non_negative(r, "latency_ns", p.latency_ns);
  require_non_negative(r, "per_message_ns", p.per_message_ns);
  r.reject_unread_keys();
  return p;
}

FabricParams parse_fabric(const JsonReader& r, uint32_t endpoints) {
  FabricParams p;
  p.endpoints = endpoints;
  r.required("topology", p.topology);
  r.check(p.topology == "ring" || p.topology == "full_mesh" || p.topology == "switch", "topology",
          "unknown \"" + p.topology + "\" (known: full_mesh, ring, switch)");
  r.required("algorithm", p.algorithm);
  r.check(p.algorithm == "ring" || p.algorithm == "direct", "algorithm",
          "unknown \"" + p.algorithm + "\" (known: direct, ring)");
  p.link = parse_link(r.child("link"));
  r.reject_unread_keys();
  return p;
}

// --- model branch (issue 11): in-flight bounds of the replay in bytes, not chunks ---------------
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
}
// --- end model branch -----------------------------------------------------------------------

ReplayParams parse_replay(const JsonReader& r) {
  ReplayParams p;
  r.optional("chunks_per_stream", p.chunks_per_stream);
  parse_replay_byte_bounds(r, p);
  r.optional("token_stream_min_rows", p.token_stream_min_rows);
  r.optional("fused_pcu_fraction", p.fused_pcu_fraction);
  r.optional("trace_bin_ns", p.trace_bin_ns);
  r.optional("collective_min_chunk_bytes", p.collective_min_chunk_bytes);
  r.check(p.collective_min_chunk_bytes >= 1, "collective_min_chunk_bytes", "must be positive");
  r.check(p.chunks_per_stream >= 1 && p.chunks_per_stream <= 4096, "chunks_per_stream", "must be in [1, 4096]");
  r.check(p.fused_pcu_fraction > 0 && p.fused_pcu_fraction <= 1, "fused_pcu_fraction", "must be in (0, 1]");
  require_positive(r, "trace_bin_ns", p.trace_bin_ns);
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
  JsonReader s = r.child("socket");
  m.socket.pcu = parse_pcu(s.child("pcu"));
  m.socket.pmu = parse_pmu(s.child("pmu"));
  m.socket.hbm = parse_dram_tier(s.child("hbm"), "hbm");
  m.socket.ddr = parse_dram_tier(s.child("ddr"), "ddr");
  m.socket.launch = parse_launch(s.child("kernel_launch"));
  if (s.has("rdn")) {
    JsonReader d = s.child("rdn");
    RdnParams& p = m.socket.rdn;
    d.required("hop_ns", p.hop_ns);
    d.required("dies", p.dies);
    d.required("d2d_latency_ns", p.d2d_latency_ns);
    d.required("d2d_bandwidth_gbps", p.d2d_bandwidth_gbps);
    require_non_negative(d, "hop_ns", p.hop_ns);
    d.check(p.dies >= 1, "dies", "must be at least 1");
    require_non_negative(d, "d2d_latency_ns", p.d2d_latency_ns);
    require_non_negative(d, "d2d_bandwidth_gbps", p.d2d_bandwidth_gbps);
    d.reject_unread_keys();
  }
  if (s.has("dma")) {
    JsonReader d = s.child("dma");
    d.optional("chunk_bytes", m.socket.dma.chunk_bytes);
    d.optional("outstanding", m.socket.dma.outstanding);
    d.check(m.socket.dma.chunk_bytes >= 1, "chunk_bytes", "must be positive");
    d.check(m.socket.dma.outstanding >= 1, "outstanding", "must be at least 1");
    d.reject_unread_keys();
  }
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

MachineConfig load_machine_file(const std::string& path) { return parse_machine(JsonReader::load_file(path)); }

}  // namespace rdusim
