// interconnect/collective.cpp
#include "interconnect/collective.hpp"

#include "sim/core/registry.hpp"

namespace rdusim {
namespace {

uint32_t phases_of(CollectiveKind kind) { return kind == CollectiveKind::kAllReduce ? 2 : 1; }
uint64_t shard_of(uint32_t ranks, uint64_t bytes) { return (bytes + ranks - 1) / ranks; }

// Ring: (ranks - 1) steps per phase; each step passes one shard to the next rank.
class RingCollective : public CollectiveAlgorithm {
 public:
  std::vector<CollectiveStep> decompose(CollectiveKind kind, uint32_t rank, uint32_t ranks,
                                        uint64_t bytes) const override {
    const uint32_t steps = phases_of(kind) * (ranks - 1);
    const uint32_t next = (rank + 1) % ranks;
    return std::vector<CollectiveStep>(steps, CollectiveStep{{{next, shard_of(ranks, bytes)}}, 1});
  }
};

// Direct: each phase sends my shard to every other rank, then waits for theirs.
class DirectCollective : public CollectiveAlgorithm {
 public:
  std::vector<CollectiveStep> decompose(CollectiveKind kind, uint32_t rank, uint32_t ranks,
                                        uint64_t bytes) const override {
    CollectiveStep step;
    for (uint32_t k = 1; k < ranks; ++k) step.sends.push_back({(rank + k) % ranks, shard_of(ranks, bytes)});
    step.receives = ranks - 1;
    return std::vector<CollectiveStep>(phases_of(kind), step);
  }
};

template <typename T>
std::unique_ptr<CollectiveAlgorithm> make() {
  return std::make_unique<T>();
}

}  // namespace

std::unique_ptr<CollectiveAlgorithm> make_collective(const std::string& name) {
  static const Registry<CollectiveAlgorithm> kAlgorithms{{"direct", make<DirectCollective>},
                                                         {"ring", make<RingCollective>}};
  return kAlgorithms.create(name);
}

}  // namespace rdusim
