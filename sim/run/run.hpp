// sim/run/run.hpp
// One `rdusim run` on any machine: resolves the machine and picks its per-kind part
// (sim/run/target.hpp: RDU or GPU), maps the workload through the machine's GraphMapper,
// elaborates the node (sim/run/node.hpp), replays the step on every rank, and accounts the
// result once for both kinds (sim/run/outcome.hpp).
#pragma once
#include "sim/config/scenario.hpp"
#include "sim/run/outcome.hpp"
#include "sim/run/target.hpp"

namespace rdusim {

// Throws SimError for bad input (a flag that does not apply to the machine included), an
// unfittable model or a deadlock (naming the stalled stages).
RunOutcome run_scenario(const Scenario& scenario, const RunOptions& options);

}  // namespace rdusim
