// sim/run/isolated.hpp
// SystemC allows one elaboration per process, so independent runs (bench scenarios, experiment
// rows) each run in a forked child that returns JSON through a pipe. Up to `jobs` children run at
// once; results come back in input order, so output is deterministic whatever the scheduling.
#pragma once
#include <nlohmann/json.hpp>

#include <functional>
#include <vector>

namespace rdusim {

// Each task returns JSON; a SimError inside a task becomes {"error": "<one line>"}.
std::vector<nlohmann::json> run_isolated(const std::vector<std::function<nlohmann::json()>>& tasks, unsigned jobs);

}  // namespace rdusim
