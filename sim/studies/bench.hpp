// sim/studies/bench.hpp
// How fast the simulator runs its reference scenarios (a benchmark, not a test).
#pragma once
#include <nlohmann/json.hpp>

#include <cstdint>

namespace rdusim {
// Runs llama2-7b decode (ctx 4096) and prefill (seq 4096) layers, fused and unfused, one at a
// time, each in its own process. `chunks` = 0: the mapper's choice. Returns
// [{"scenario", "events", "wall_s", "sim_us"}, ...]; a failed case throws SimError naming it.
nlohmann::json run_bench(uint32_t chunks);
}  // namespace rdusim
