// memory/dram_tier.hpp
// A memory tier (HBM or DDR of one socket): N identical channels with addresses interleaved every
// interleave_bytes. A request is cut into per-channel pieces; it completes when its last piece does.
// Also accounts capacity (what is placed in the tier) and samples bandwidth for the trace.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "memory/dram_channel.hpp"

namespace rdusim {

struct DramTierParams {
  std::string name;             // "hbm" or "ddr"
  double capacity_bytes = 0.0;  // required
  uint32_t channels = 1;        // required
  uint64_t interleave_bytes = 4096;
  DramChannelParams channel;  // per-channel bandwidth and latency
  double total_bandwidth_gbps() const { return channel.bandwidth_gbps * channels; }
};

class DramTier : public sc_core::sc_module, public ChannelController {
 public:
  DramTier(sc_core::sc_module_name name, const DramTierParams& params, RunContext& ctx);

  // Contract: on_done runs once, when every piece of the request has completed, with `bytes`.
  void submit(uint64_t bytes, bool write, MemDone on_done, uint32_t source = 0);
  // Contract: on_scheduled runs once, when the last piece has been admitted, with `bytes` and the
  // time the request completes (its latest piece); nothing runs at completion.
  void submit(uint64_t bytes, bool write, MemScheduled on_scheduled, uint32_t source = 0);
  const DramTierParams& params() const { return m_params; }
  double bandwidth_gbps() const { return m_params.total_bandwidth_gbps(); }
  uint64_t bytes_moved() const;

  // Capacity accounting: placement of named regions (weights, KV cache, experts).
  // Returns false when the region does not fit; never partially places.
  bool place(const std::string& region, double bytes);
  void remove(const std::string& region);
  bool holds(const std::string& region) const { return m_regions.count(region) != 0; }
  double used_bytes() const { return m_used_bytes; }
  double free_bytes() const { return m_params.capacity_bytes - m_used_bytes; }

  // Emits the bandwidth counter track (GB/s per bin) into the trace; called once after the run.
  void flush_trace(double bin_ns);
  void wake_at(uint32_t channel, const sc_core::sc_time& at) override;

 private:
  DramTierParams m_params;
  RunContext& m_ctx;
  SC_HAS_PROCESS(DramTier);
  void serve_channels();  // SC_METHOD: serves every channel due now, in channel order
  std::vector<std::unique_ptr<DramChannel>> m_channels;
  std::vector<sc_core::sc_time> m_wake_at;  // per channel
  std::vector<char> m_wake_pending;
  sc_core::sc_event m_wake;
  sc_core::sc_time m_tier_wake_at;  // m_wake's pending notification (valid when m_tier_wake_pending)
  bool m_tier_wake_pending = false;
  bool m_serving = false;  // inside serve_channels()
  uint32_t m_next_channel = 0;
  std::map<std::string, double> m_regions;
  double m_used_bytes = 0.0;
  double m_peak_used_bytes = 0.0;
  std::vector<std::pair<double, uint64_t>> m_completions;  // (time_ns, bytes) for the trace only
  // Requests with pieces outstanding, by slot; freed slots are reused (no allocation per request).
  // Scheduled requests (the replay's loads, thousands outstanding) and requests with an on_done
  // have slots of their own: the hot records stay small.
  struct Pending {
    uint32_t left = 0;
    bool trace = false;
    uint64_t bytes = 0;
    MemDone done;
  };
  struct PendingScheduled {
    uint32_t left = 0;
    bool trace = false;
    uint64_t bytes = 0;
    double done_ns = 0.0;  // latest piece completion so far
    MemScheduled scheduled;
  };
  template <typename T>
  struct Slots {
    std::vector<T> items;
    std::vector<uint32_t> free;
    uint32_t open(T p) {
      uint32_t slot;
      if (free.empty()) {
        slot = static_cast<uint32_t>(items.size());
        items.emplace_back();
      } else {
        slot = free.back();
        free.pop_back();
      }
      items[slot] = std::move(p);
      return slot;
    }
  };
  void submit_pieces(uint64_t bytes, bool write, uint32_t source, uint32_t slot, uint32_t pieces, bool scheduled);
  static void piece_scheduled(void* tier, uint64_t slot, uint64_t piece_bytes, double done_ns);
  Slots<Pending> m_pending;
  Slots<PendingScheduled> m_pending_scheduled;
  static void piece_done(void* tier, uint64_t slot, uint64_t piece_bytes);
};

}  // namespace rdusim
