#include "memory/host_dma.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <memory>

#include "sim/core/error.hpp"

namespace rdusim {

LoadMode parse_load_mode(const std::string& name, const std::string& file, const std::string& where) {
  if (name == "paper") return LoadMode::kPaper;
  if (name == "per-gpu") return LoadMode::kPerGpu;
  throw SimError(file, where, "unknown load mode \"" + name + "\" (known: paper, per-gpu)");
}

const char* load_mode_name(LoadMode m) { return m == LoadMode::kPaper ? "paper" : "per-gpu"; }

HostDma::HostDma(sc_core::sc_module_name name, const PcieParams& params, double host_dram_gbps, uint32_t gpus,
                 RunContext& ctx)
    : sc_core::sc_module(name), m_params(params), m_ctx(ctx), m_gpus(gpus) {
  m_host.gbps = host_dram_gbps;
  uint32_t uplinks = (gpus + params.gpus_per_uplink - 1) / params.gpus_per_uplink;
  m_uplinks.assign(uplinks, Resource{params.dma_gbps(), 0.0});
  m_links.assign(gpus, Resource{params.dma_gbps(), 0.0});
  if (ctx.trace.on()) {
    for (uint32_t g = 0; g < gpus; ++g) m_tracks.push_back(ctx.trace.track(fmt::format("gpu{}", g), "pcie h2d"));
    m_paper_track = ctx.trace.track("host", "pcie (paper one-pipe)");
  }
  ctx.stats.add(*this, "bytes", m_bytes, "bytes", "expert bytes loaded from host DRAM");
  ctx.stats.add(*this, "loads", m_loads, "count", "expert loads");
  ctx.stats.add(*this, "busy_ns", m_busy_ns, "ns", "time inside expert loads");
}

double HostDma::reserve(Resource& r, double ready_ns, uint64_t bytes) {
  double start = std::max(ready_ns, r.free_ns);
  r.free_ns = start + double(bytes) / r.gbps;
  return r.free_ns;
}

void HostDma::load_shard(uint32_t gpu, uint64_t bytes) {
  double t0 = now_ns();
  Resource& uplink = m_uplinks[gpu / m_params.gpus_per_uplink];
  Resource& link = m_links[gpu];
  double last = t0;
  for (uint64_t done = 0; done < bytes;) {
    uint64_t chunk = std::min<uint64_t>(kChunkBytes, bytes - done);
    // Store-and-forward per chunk along host DRAM -> switch uplink -> GPU link; chunks pipeline.
    double t_host = reserve(m_host, now_ns(), chunk);
    double t_up = reserve(uplink, t_host, chunk);
    last = reserve(link, t_up, chunk);
    done += chunk;
    // The next chunk is issued once this one has left host DRAM, so concurrent GPUs interleave.
    if (t_host > now_ns()) sc_core::wait(ns(t_host - now_ns()));
  }
  double end = last + m_params.latency_ns;
  if (end > now_ns()) sc_core::wait(ns(end - now_ns()));
  if (m_ctx.trace.on()) m_ctx.trace.async(m_tracks[gpu], "load shard", t0, now_ns(), {{"bytes", double(bytes)}});
}

double HostDma::load_expert(uint64_t bytes, LoadMode mode, uint32_t tp) {
  double t0 = now_ns();
  ++m_loads;
  m_bytes += bytes;
  if (mode == LoadMode::kPaper) {
    sc_core::wait(ns(double(bytes) / m_params.paper_gbps));
    if (m_ctx.trace.on()) m_ctx.trace.async(m_paper_track, "load expert", t0, now_ns(), {{"bytes", double(bytes)}});
  } else {
    if (tp < 1 || tp > m_gpus) {
      throw SimError("", "load_expert", fmt::format("tp={} must be in [1, {}]", tp, m_gpus));
    }
    auto left = std::make_shared<uint32_t>(tp);
    auto all_done = std::make_shared<sc_core::sc_event>();
    uint64_t shard = bytes / tp, extra = bytes % tp;
    for (uint32_t g = 0; g < tp; ++g) {
      uint64_t b = shard + (g < extra ? 1 : 0);
      sc_core::sc_spawn([this, g, b, left, all_done] {
        load_shard(g, b);
        if (--*left == 0) all_done->notify();
      });
    }
    sc_core::wait(*all_done);
  }
  double t = now_ns() - t0;
  m_busy_ns += t;
  return t;
}

}  // namespace rdusim
