// memory/arbiter.cpp
#include "memory/arbiter.hpp"

#include "memory/dram_channel.hpp"
#include "sim/core/registry.hpp"

namespace rdusim {
namespace {

class PriorityArbiter : public Arbiter {
 public:
  uint32_t pick(const WaitingQueues& waiting) const override { return waiting.begin()->source; }
  void admitted(uint32_t) override {}
};

class RoundRobinArbiter : public Arbiter {
 public:
  uint32_t pick(const WaitingQueues& waiting) const override {
    auto it = waiting.lower_bound(m_next_source);
    return (it == waiting.end() ? waiting.begin() : it)->source;
  }
  void admitted(uint32_t source) override { m_next_source = source + 1; }

 private:
  uint32_t m_next_source = 0;
};

template <typename T>
std::unique_ptr<Arbiter> make() {
  return std::make_unique<T>();
}

}  // namespace

std::unique_ptr<Arbiter> make_arbiter(const std::string& name) {
  static const Registry<Arbiter> kArbiters{{"priority", make<PriorityArbiter>},
                                           {"round_robin", make<RoundRobinArbiter>}};
  return kArbiters.create(name);
}

}  // namespace rdusim
