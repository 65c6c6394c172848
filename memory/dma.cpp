#include "memory/dma.hpp"

#include "memory/stream_buffer.hpp"

namespace rdusim {

DmaEngine::DmaEngine(sc_core::sc_module_name name, const DmaParams& params, RunContext& ctx)
    : sc_core::sc_module(name), m_params(params), m_ctx(ctx) {
  m_track = ctx.trace.track(socket_name(*this), "dma");
  ctx.stats.add(*this, "bytes_copied", m_bytes, "bytes", "bytes copied tier to tier");
  ctx.stats.add(*this, "copies", m_copies, "count", "bulk copies");
  ctx.stats.add(*this, "busy_ns", m_busy_ns, "ns", "time with a copy in progress");
}

void DmaEngine::copy(DramTier& src, DramTier& dst, uint64_t bytes, const std::string& label) {
  if (bytes == 0) return;
  double t0 = now_ns();
  const uint64_t chunk = m_params.chunk_bytes;
  const uint64_t n = (bytes + chunk - 1) / chunk;
  StreamBuffer credits(std::string(name()) + ".credits", m_params.outstanding);
  constexpr uint32_t kReadSource = 0xfffffff0u, kWriteSource = 0xfffffff1u;  // behind compute streams
  for (uint64_t i = 0; i < n; ++i) {
    credits.reserve();
    uint64_t b = i + 1 == n ? bytes - chunk * (n - 1) : chunk;
    src.submit(
        b, false,
        [&dst, &credits, b] {
          dst.submit(
              b, true,
              [&credits] {
                credits.commit();
                credits.release(1);
              },
              kWriteSource);
        },
        kReadSource);
  }
  while (credits.occupancy() > 0) credits.wait_committed(credits.committed() + 1);
  m_bytes += bytes;
  ++m_copies;
  m_busy_ns += now_ns() - t0;
  if (m_ctx.trace.on()) m_ctx.trace.async(m_track, label, t0, now_ns(), {{"bytes", double(bytes)}});
}

}  // namespace rdusim
