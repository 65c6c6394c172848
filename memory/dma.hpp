// memory/dma.hpp
// A socket's DMA engine (in the AGCUs): bulk tier-to-tier copies (DDR -> HBM for an expert switch)
// as a stream of chunks, each read from the source tier and then written to the destination tier,
// with at most `outstanding` chunks in flight. The rate is whatever the two tiers' channels give.
#pragma once
#include "memory/dram_tier.hpp"
#include "sim/core/run_context.hpp"

namespace rdusim {

struct DmaParams {
  uint64_t chunk_bytes = 4ull << 20;  // bytes per descriptor
  uint32_t outstanding = 8;           // chunks in flight
};

class DmaEngine : public sc_core::sc_module {
 public:
  DmaEngine(sc_core::sc_module_name name, const DmaParams& params, RunContext& ctx);

  // From an SC_THREAD: copies `bytes` from `src` to `dst`; returns when the last write completes.
  // `label` names the copy in the trace (an async slice on the socket's "dma" track).
  void copy(DramTier& src, DramTier& dst, uint64_t bytes, const std::string& label);
  const DmaParams& params() const { return m_params; }

 private:
  DmaParams m_params;
  RunContext& m_ctx;
  TraceTrack m_track{};
  uint64_t m_bytes = 0;
  uint64_t m_copies = 0;
  double m_busy_ns = 0.0;
};

}  // namespace rdusim
