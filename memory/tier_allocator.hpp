// memory/tier_allocator.hpp
// Which experts live where: pinned regions (router weights, KV cache) and an LRU cache of active
// experts in the fast tier (HBM), and every expert's home copy in the home tier (DDR on the SN40L,
// host DRAM on a DGX, or HBM itself). Capacity accounting only: copies are timed elsewhere (DMA).
#pragma once
#include <cstdint>
#include <list>
#include <string>
#include <vector>

namespace rdusim {

struct TierSpec {
  std::string name;             // "hbm", "ddr", "host_dram": used in messages
  uint64_t capacity_bytes = 0;  // summed over the sockets / GPUs
};

// Bytes that stay in the fast tier for the whole run and are never evicted.
struct PinnedRegion {
  std::string name;
  uint64_t bytes = 0;
};

struct ExpertSize {
  std::string name;
  uint64_t bytes = 0;  // all shards together
};

struct TierAllocatorParams {
  TierSpec fast;                     // the tier experts run from
  TierSpec home;                     // every expert's copy; unused when experts_in_fast
  bool experts_in_fast = false;      // every expert lives in the fast tier (DGX holding experts in HBM): no switching
  uint64_t expert_region_bytes = 0;  // the LRU region; 0: all of the fast tier the pinned regions leave
  std::string source;                // names the configuration in errors (e.g. the composition file)
};

// Residency manager of a Composition of Experts: hits, misses and LRU eviction over one fast tier.
class TierAllocator {
 public:
  // Contract: throws SimError(source, "", "... N GB missing") (GB = 1e9 bytes) when the pinned
  // regions do not fit in the fast tier, when the expert region is larger than what they leave or
  // smaller than the largest expert, or when the experts do not fit in their home tier.
  TierAllocator(TierAllocatorParams params, std::vector<PinnedRegion> pinned, std::vector<ExpertSize> experts);

  struct Access {
    bool hit = false;
    uint64_t copy_bytes = 0;      // home -> fast copy this access needs (0 on a hit)
    std::vector<size_t> evicted;  // experts dropped to make room, least recently used first
  };
  // Contract: makes `expert` resident and most recently used. A hit copies nothing. A miss evicts
  // least recently used experts until the expert fits in the region (never a pinned region) and
  // counts its bytes as copied. Read-only weights: an eviction writes nothing back.
  Access acquire(size_t expert);
  // Lookup without touching the LRU order or the stats.
  bool resident(size_t expert) const { return m_resident.at(expert); }
  // Warm start: makes the listed experts resident, in order, while they fit without evicting;
  // counts no stats. Returns how many were placed.
  size_t preload(const std::vector<size_t>& experts);

  std::vector<size_t> lru_order() const { return {m_lru.begin(), m_lru.end()}; }  // least recent first
  size_t num_experts() const { return m_experts.size(); }
  uint64_t expert_bytes(size_t expert) const { return m_experts.at(expert).bytes; }
  uint64_t pinned_bytes() const { return m_pinned_bytes; }
  uint64_t expert_region_bytes() const { return m_region_bytes; }
  uint64_t expert_region_used_bytes() const { return m_region_used_bytes; }
  uint64_t fast_used_bytes() const { return m_pinned_bytes + m_region_used_bytes; }
  uint64_t home_used_bytes() const { return m_params.experts_in_fast ? 0 : m_all_experts_bytes; }
  const TierAllocatorParams& params() const { return m_params; }

  uint64_t hits() const { return m_hits; }
  uint64_t misses() const { return m_misses; }
  uint64_t evictions() const { return m_evictions; }
  uint64_t bytes_copied() const { return m_bytes_copied; }
  double hit_rate() const { return m_hits + m_misses ? double(m_hits) / double(m_hits + m_misses) : 0.0; }

 private:
  void place(size_t expert);
  [[noreturn]] void missing(const std::string& what, const TierSpec& tier, uint64_t need, uint64_t have) const;

  TierAllocatorParams m_params;
  std::vector<PinnedRegion> m_pinned;
  std::vector<ExpertSize> m_experts;
  uint64_t m_pinned_bytes = 0;
  uint64_t m_all_experts_bytes = 0;
  uint64_t m_region_bytes = 0;
  uint64_t m_region_used_bytes = 0;
  std::list<size_t> m_lru;                         // resident experts, least recently used first
  std::vector<std::list<size_t>::iterator> m_pos;  // each resident expert's place in m_lru
  std::vector<bool> m_resident;
  uint64_t m_hits = 0;       // accesses that found the expert resident
  uint64_t m_misses = 0;     // accesses that copied it in
  uint64_t m_evictions = 0;  // experts dropped from the region
  uint64_t m_bytes_copied = 0;
};

}  // namespace rdusim
