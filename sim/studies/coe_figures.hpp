// sim/studies/coe_figures.hpp
// Figs. 1 and 12 of the SN40L paper from the serving timeline (run_serve):
//  - breakdown (Fig. 1): per machine (and DGX loading mode), one request of the experts figure's
//    shape at batch 1 with a cold expert cache, its latency split by the timeline's accounting into
//    router, switching, prefill, decode and host/launch time;
//  - experts (Fig. 12): closed-loop requests at batch 1 routed uniformly over N experts, HBM
//    preloaded and the first `warmup` requests left out; mean / p50 / p99 latency and HBM hit rate
//    per N; "fits": false where the composition fits in no tier of the machine.
// The breakdown runs simulate every step once; the experts runs reuse their step timings.
#pragma once
#include <nlohmann/json.hpp>

#include "sim/studies/coe_study.hpp"

namespace rdusim {

// {"breakdown": {"rows": [...]}, "experts": {"rows": [...]}}
nlohmann::json run_coe_figures(const CoeStudy& study, unsigned jobs);

}  // namespace rdusim
