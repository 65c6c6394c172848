// memory/host_dma.hpp
// Host-to-GPU weight loading (expert switching on a DGX) as a DMA over PCIe, in two modes:
//  - paper:   the SN40L paper's assumption (section VI.C): the whole expert through one pipe of
//             paper_gbps (32 GB/s DGX A100, 64 GB/s DGX H100): exactly bytes / paper_gbps;
//  - per-gpu: each of the tp GPUs pulls its tensor-parallel shard (bytes / tp) over its own PCIe
//             link at the measured-typical DMA rate; GPUs sharing a PCIe switch share its uplink,
//             and every chunk also crosses host DRAM, where all GPUs contend.
// Per-gpu copies move in chunks that reserve each resource on their path (host DRAM, switch
// uplink, GPU link) in order, so contention is simulated, not assumed.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "sim/core/run_context.hpp"
#include "sim/core/time.hpp"

namespace rdusim {

enum class LoadMode { kPaper, kPerGpu };
LoadMode parse_load_mode(const std::string& name, const std::string& file, const std::string& where);
const char* load_mode_name(LoadMode m);

// One PCIe link per GPU to host DRAM; gpus_per_uplink GPUs share a switch uplink of the same width.
struct PcieParams {
  double theoretical_gbps = 0.0;  // per direction (required)
  double dma_efficiency = 1.0;    // measured-typical fraction of theoretical for pinned copies
  double latency_ns = 0.0;        // per copy
  uint32_t gpus_per_uplink = 1;   // GPUs behind one switch uplink
  double paper_gbps = 0.0;        // the SN40L paper's one-pipe switching rate (required)
  double dma_gbps() const { return theoretical_gbps * dma_efficiency; }
};

class HostDma : public sc_core::sc_module {
 public:
  static constexpr uint64_t kChunkBytes = 4ull << 20;  // DMA chunk (descriptor batch) of the per-gpu mode

  HostDma(sc_core::sc_module_name name, const PcieParams& params, double host_dram_gbps, uint32_t gpus,
          RunContext& ctx);

  // From an SC_THREAD: copies an expert of `bytes` from host DRAM into the HBM of GPUs 0..tp-1;
  // returns when the last GPU has its shard (ns spent).
  double load_expert(uint64_t bytes, LoadMode mode, uint32_t tp);
  const PcieParams& params() const { return m_params; }

 private:
  struct Resource {
    double gbps = 0.0;
    double free_ns = 0.0;
  };
  void load_shard(uint32_t gpu, uint64_t bytes);
  double reserve(Resource& r, double ready_ns, uint64_t bytes);

  PcieParams m_params;
  RunContext& m_ctx;
  uint32_t m_gpus;
  Resource m_host;
  std::vector<Resource> m_uplinks;
  std::vector<Resource> m_links;
  std::vector<TraceTrack> m_tracks;
  TraceTrack m_paper_track{};
  uint64_t m_bytes = 0;
  uint64_t m_loads = 0;
  double m_busy_ns = 0.0;
};

}  // namespace rdusim
