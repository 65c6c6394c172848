// dataflow/socket.hpp
// One RDU socket assembled from its config: PCU array, PMU array, HBM and DDR tiers.
#pragma once
#include "dataflow/launch.hpp"
#include "dataflow/pcu.hpp"
#include "interconnect/rdn.hpp"
#include "memory/dma.hpp"
#include "memory/dram_tier.hpp"
#include "memory/pmu.hpp"

namespace rdusim {

struct SocketParams {
  PcuParams pcu;
  PmuParams pmu;
  DramTierParams hbm;
  DramTierParams ddr;
  LaunchParams launch;
  DmaParams dma;
  RdnParams rdn;
};

class Socket : public sc_core::sc_module {
 public:
  Socket(sc_core::sc_module_name name, const SocketParams& params, RunContext& ctx)
      : sc_core::sc_module(name),
        params(params),
        pcu("pcu", params.pcu, ctx),
        pmu("pmu", params.pmu, ctx),
        hbm("hbm", params.hbm, ctx),
        ddr("ddr", params.ddr, ctx),
        dma("dma", params.dma, ctx) {}

  const SocketParams params;
  PcuArray pcu;
  PmuArray pmu;
  DramTier hbm;
  DramTier ddr;
  DmaEngine dma;
  DramTier& tier(bool ddr_tier) { return ddr_tier ? ddr : hbm; }
};

}  // namespace rdusim
