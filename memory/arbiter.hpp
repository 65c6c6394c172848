// memory/arbiter.hpp
// Which waiting source a DramChannel admits next when a queue slot frees. Variants: priority (the
// lowest source id first: replays number sources in pipeline order, the compiler's static
// schedule) and round_robin (fair: the first source after the one admitted last, wrapping).
#pragma once
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>

namespace rdusim {

struct MemRequest;
using WaitingQueues = std::map<uint32_t, std::deque<MemRequest>>;  // per source, never an empty deque

// Contract: pick(waiting) for a non-empty `waiting` returns the id of one of its sources and
// changes nothing; admitted(source) is called once per request admitted from `source` and is the
// only state change.
class Arbiter {
 public:
  virtual ~Arbiter() = default;
  virtual uint32_t pick(const WaitingQueues& waiting) const = 0;
  virtual void admitted(uint32_t source) = 0;
};

// Throws SimError "unknown \"x\" (known: priority, round_robin)" for an unknown name.
std::unique_ptr<Arbiter> make_arbiter(const std::string& name);

}  // namespace rdusim
