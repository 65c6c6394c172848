// sim/studies/fusion_explain.hpp
// Why fused beats unfused, per benchmark, from the two runs' step breakdowns
// (dataflow/kernel_call.hpp CallBreakdown): the breakdown parts are grouped into four terms
//   streaming       = stream_ns (weights, KV cache, materialised activations)
//   call boundaries = fill_ns + drain_ns + sync_ns + argument_load_ns
//   launch + load   = launch_ns + program_load_ns
//   host            = host_ns + token_host_ns
//   all-reduce calls = collective_exec_ns (unfused: each all-reduce is a call of its own)
// which add up to the step time. The time saved is split over the terms; the explanation names the
// term that saves most and the one that dominates each mode.
#pragma once
#include <nlohmann/json.hpp>

#include <string>

namespace rdusim {

// `unfused` and `fused` are {"ms", "kernel_calls", "breakdown": {part_ns: value}} of one benchmark.
// Returns {"terms_ms": {term: {"unfused", "fused_ho", "saved"}}, "dominant_saved": term,
//          "dominant_saved_share", "text": one sentence}.
nlohmann::json explain_speedup(const nlohmann::json& unfused, const nlohmann::json& fused);

}  // namespace rdusim
