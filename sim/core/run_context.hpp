// sim/core/run_context.hpp
// What every module of one run shares: the stats registry and the trace sink.
#pragma once
#include "sim/core/stats.hpp"
#include "sim/core/trace.hpp"

namespace rdusim {

struct RunContext {
  StatsRegistry stats;
  TraceSink trace;
};

}  // namespace rdusim
