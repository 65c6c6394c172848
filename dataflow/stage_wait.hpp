// dataflow/stage_wait.hpp
// What a replayed stage waits for (deadlock reports): plain fields set on the hot path, formatted
// only when a report is asked for.
#pragma once
#include <fmt/format.h>

#include <cstdint>
#include <string>

#include "memory/stream_buffer.hpp"

namespace rdusim {

struct StageWait {
  enum class Kind : uint8_t { kNone, kInput, kAllReduce, kOutput, kWriteCredits, kOutstandingWrites };
  Kind kind = Kind::kNone;
  const StreamBuffer* buffer = nullptr;
  uint64_t a = 0, b = 0;  // input: chunks needed, committed; all-reduce: the chunk
  void set(Kind k, const StreamBuffer* buf = nullptr, uint64_t x = 0, uint64_t y = 0) {
    kind = k;
    buffer = buf;
    a = x;
    b = y;
  }
  void clear() { kind = Kind::kNone; }
  std::string describe(uint32_t rank, uint32_t ranks) const {
    switch (kind) {
      case Kind::kInput:
        return fmt::format("input {} (needs chunk {}, has {})", buffer->name(), a, b);
      case Kind::kAllReduce:
        return fmt::format("all-reduce chunk {} (rank {} of {})", a, rank, ranks);
      case Kind::kOutput:
        return fmt::format("output {} (full)", buffer->name());
      case Kind::kWriteCredits:
        return "write credits";
      case Kind::kOutstandingWrites:
        return "outstanding writes";
      case Kind::kNone:
        break;
    }
    return "";
  }
};

}  // namespace rdusim
