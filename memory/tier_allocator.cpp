// memory/tier_allocator.cpp
#include "memory/tier_allocator.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "sim/core/error.hpp"

namespace rdusim {

TierAllocator::TierAllocator(TierAllocatorParams params, std::vector<PinnedRegion> pinned,
                             std::vector<ExpertSize> experts)
    : m_params(std::move(params)), m_pinned(std::move(pinned)), m_experts(std::move(experts)) {
  const TierSpec& fast = m_params.fast;
  uint64_t largest = 0;
  for (const auto& p : m_pinned) m_pinned_bytes += p.bytes;
  for (const auto& e : m_experts) {
    m_all_experts_bytes += e.bytes;
    largest = std::max(largest, e.bytes);
  }
  if (m_pinned_bytes > fast.capacity_bytes) missing("pinned regions", fast, m_pinned_bytes, fast.capacity_bytes);
  const uint64_t left = fast.capacity_bytes - m_pinned_bytes;
  m_pos.resize(m_experts.size());
  m_resident.assign(m_experts.size(), false);

  if (m_params.experts_in_fast) {
    // Every expert is placed once, for good: the region is exactly all of them.
    if (m_all_experts_bytes > left)
      missing("pinned regions + all experts", fast, m_pinned_bytes + m_all_experts_bytes, fast.capacity_bytes);
    m_region_bytes = m_all_experts_bytes;
    for (size_t i = 0; i < m_experts.size(); ++i) place(i);
    return;
  }
  m_region_bytes = m_params.expert_region_bytes ? m_params.expert_region_bytes : left;
  if (m_region_bytes > left)
    missing("pinned regions + expert region", fast, m_pinned_bytes + m_region_bytes, fast.capacity_bytes);
  if (largest > m_region_bytes) {
    missing("pinned regions + the largest expert", fast, m_pinned_bytes + largest, m_pinned_bytes + m_region_bytes);
  }
  if (m_all_experts_bytes > m_params.home.capacity_bytes) {
    missing("all experts", m_params.home, m_all_experts_bytes, m_params.home.capacity_bytes);
  }
}

void TierAllocator::missing(const std::string& what, const TierSpec& tier, uint64_t need, uint64_t have) const {
  throw SimError(m_params.source, "",
                 fmt::format("{} need {:.1f} GB of {} but it holds {:.1f} GB: {:.1f} GB missing", what, need / 1e9,
                             tier.name, have / 1e9, (need - have) / 1e9));
}

void TierAllocator::place(size_t expert) {
  m_pos[expert] = m_lru.insert(m_lru.end(), expert);
  m_resident[expert] = true;
  m_region_used_bytes += m_experts[expert].bytes;
}

TierAllocator::Access TierAllocator::acquire(size_t expert) {
  Access a;
  if (m_resident.at(expert)) {
    m_lru.splice(m_lru.end(), m_lru, m_pos[expert]);  // most recently used
    a.hit = true;
    ++m_hits;
    return a;
  }
  const uint64_t bytes = m_experts[expert].bytes;
  while (m_region_bytes - m_region_used_bytes < bytes) {  // the constructor checked bytes <= m_region_bytes
    size_t victim = m_lru.front();
    m_lru.pop_front();
    m_resident[victim] = false;
    m_region_used_bytes -= m_experts[victim].bytes;
    a.evicted.push_back(victim);
    ++m_evictions;
  }
  place(expert);
  a.copy_bytes = bytes;
  ++m_misses;
  m_bytes_copied += bytes;
  return a;
}

size_t TierAllocator::preload(const std::vector<size_t>& experts) {
  size_t placed = 0;
  for (size_t e : experts) {
    if (m_resident.at(e)) continue;
    if (m_region_bytes - m_region_used_bytes < m_experts[e].bytes) break;
    place(e);
    ++placed;
  }
  return placed;
}

}  // namespace rdusim
