// interconnect/collective.hpp
// How one rank's part of a collective becomes point-to-point transfers. Variants: ring ((ranks-1)
// steps per phase, one shard to the next rank each step) and direct (one step per phase, the shard
// to every other rank). An all-reduce is two phases (reduce-scatter, all-gather); the others one.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace rdusim {

enum class CollectiveKind { kAllReduce, kReduceScatter, kAllGather };

// One step of one rank: send these (destination rank, bytes) transfers, then wait until
// `receives` transfers of the same step have arrived from other ranks.
struct CollectiveStep {
  std::vector<std::pair<uint32_t, uint64_t>> sends;
  uint32_t receives = 0;
};

// Contract: pure (no simulation time passes); for ranks >= 2, every rank gets the same number of
// steps; the bytes sent summed over all ranks' steps equal Fabric::traffic_bytes(kind, ranks,
// bytes); the sends addressed to a rank in step s equal that rank's `receives` in step s.
class CollectiveAlgorithm {
 public:
  virtual ~CollectiveAlgorithm() = default;
  virtual std::vector<CollectiveStep> decompose(CollectiveKind kind, uint32_t rank, uint32_t ranks,
                                                uint64_t bytes) const = 0;
};

// Throws SimError "unknown \"x\" (known: direct, ring)" for an unknown name.
std::unique_ptr<CollectiveAlgorithm> make_collective(const std::string& name);

}  // namespace rdusim
