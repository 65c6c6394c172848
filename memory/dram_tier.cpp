#include "memory/dram_tier.hpp"

#include <fmt/format.h>

#include <cmath>

namespace rdusim {

DramTier::DramTier(sc_core::sc_module_name name, const DramTierParams& params, RunContext& ctx)
    : sc_core::sc_module(name), m_params(params), m_ctx(ctx) {
  for (uint32_t i = 0; i < params.channels; ++i) {
    m_channels.push_back(std::make_unique<DramChannel>(fmt::format("ch{}", i).c_str(), params.channel, ctx));
    m_channels.back()->set_controller(this, i);
  }
  m_wake_at.assign(params.channels, sc_core::SC_ZERO_TIME);
  m_wake_pending.assign(params.channels, 0);
  SC_METHOD(serve_channels);
  sensitive << m_wake;
  dont_initialize();
  ctx.stats.add(*this, "peak_used_bytes", m_peak_used_bytes, "bytes", "most bytes placed in the tier at once");
  ctx.stats.derived(
      *this, "bytes_moved", "bytes", [this] { return static_cast<double>(bytes_moved()); },
      "bytes read plus written over all channels");
  ctx.stats.derived(
      *this, "utilization", "ratio",
      [this] {
        double t = now_ns();
        return t > 0 ? static_cast<double>(bytes_moved()) / (bandwidth_gbps() * t) : 0.0;
      },
      "bytes moved over (peak bandwidth x simulated time)");
}

// A channel's wake-up: the earliest asked for stands (as for one timed notification per channel).
// The tier's own event is notified only when the wake-up is earlier than the one it has pending,
// and not at all while the tier serves (it notifies once at the end): a timed notification that
// replaces an earlier one leaves a dead entry in the kernel's queue.
void DramTier::wake_at(uint32_t channel, const sc_core::sc_time& at) {
  if (m_wake_pending[channel] && !(at < m_wake_at[channel])) return;
  m_wake_at[channel] = at;
  m_wake_pending[channel] = 1;
  if (m_serving || (m_tier_wake_pending && !(at < m_tier_wake_at))) return;
  m_tier_wake_at = at;
  m_tier_wake_pending = true;
  m_wake.notify(at - now_stamp());
}

void DramTier::serve_channels() {
  const sc_core::sc_time now = now_stamp();
  m_tier_wake_pending = false;
  m_serving = true;
  for (uint32_t i = 0; i < m_channels.size(); ++i) {
    if (!m_wake_pending[i] || m_wake_at[i] > now) continue;
    m_wake_pending[i] = 0;
    m_channels[i]->serve();  // may ask for wake-ups of this and other channels
  }
  m_serving = false;
  bool any = false;
  sc_core::sc_time next;
  for (uint32_t i = 0; i < m_channels.size(); ++i) {
    if (m_wake_pending[i] && (!any || m_wake_at[i] < next)) {
      next = m_wake_at[i];
      any = true;
    }
  }
  if (!any) return;
  m_tier_wake_at = next;
  m_tier_wake_pending = true;
  m_wake.notify(next > now ? next - now : sc_core::SC_ZERO_TIME);
}

uint64_t DramTier::bytes_moved() const {
  uint64_t sum = 0;
  for (const auto& ch : m_channels) sum += ch->bytes_moved();
  return sum;
}

namespace {
// Pieces: a request covering at least one full stripe is spread evenly over all channels; a
// smaller one touches ceil(bytes / granule) consecutive channels.
uint32_t piece_count(uint64_t bytes, uint32_t channels, uint64_t granule) {
  return bytes >= granule * channels ? channels
                                     : static_cast<uint32_t>(std::max<uint64_t>(1, (bytes + granule - 1) / granule));
}
}  // namespace

void DramTier::submit(uint64_t bytes, bool write, MemDone on_done, uint32_t source) {
  uint32_t pieces = piece_count(bytes, m_params.channels, m_params.interleave_bytes);
  uint32_t slot = m_pending.open(Pending{pieces, m_ctx.trace.on(), bytes, std::move(on_done)});
  submit_pieces(bytes, write, source, slot, pieces, false);
}

void DramTier::submit(uint64_t bytes, bool write, MemScheduled on_scheduled, uint32_t source) {
  uint32_t pieces = piece_count(bytes, m_params.channels, m_params.interleave_bytes);
  if (pieces == 1 && !m_ctx.trace.on()) {  // one piece, nothing to gather or trace: straight to its channel
    MemRequest req;
    req.bytes = bytes;
    req.write = write;
    req.source = source;
    req.on_scheduled = on_scheduled;
    m_channels[m_next_channel]->submit(std::move(req));
    m_next_channel = (m_next_channel + 1) % m_params.channels;
    return;
  }
  uint32_t slot = m_pending_scheduled.open(PendingScheduled{pieces, m_ctx.trace.on(), bytes, 0.0, on_scheduled});
  submit_pieces(bytes, write, source, slot, pieces, true);
}

void DramTier::submit_pieces(uint64_t bytes, bool write, uint32_t source, uint32_t slot, uint32_t pieces,
                             bool scheduled) {
  const uint32_t n = m_params.channels;
  uint64_t base = bytes / pieces, extra = bytes % pieces;
  for (uint32_t i = 0; i < pieces; ++i) {
    uint64_t piece = base + (i < extra ? 1 : 0);
    MemRequest req;
    req.bytes = piece;
    req.write = write;
    req.source = source;
    if (scheduled)
      req.on_scheduled = MemScheduled{&DramTier::piece_scheduled, this, slot};
    else
      req.on_done = MemDone(&DramTier::piece_done, this, slot);
    m_channels[m_next_channel]->submit(std::move(req));
    m_next_channel = (m_next_channel + 1) % n;
  }
}

void DramTier::piece_scheduled(void* tier, uint64_t slot, uint64_t piece_bytes, double done_ns) {
  auto* self = static_cast<DramTier*>(tier);
  PendingScheduled& p = self->m_pending_scheduled.items[slot];
  if (p.trace) self->m_completions.emplace_back(done_ns, piece_bytes);
  p.done_ns = std::max(p.done_ns, done_ns);
  if (--p.left > 0) return;
  MemScheduled scheduled = p.scheduled;
  uint64_t bytes = p.bytes;
  double done = p.done_ns;
  p.scheduled = MemScheduled();
  self->m_pending_scheduled.free.push_back(static_cast<uint32_t>(slot));
  scheduled(bytes, done);
}

void DramTier::piece_done(void* tier, uint64_t slot, uint64_t piece_bytes) {
  auto* self = static_cast<DramTier*>(tier);
  Pending& p = self->m_pending.items[slot];
  if (p.trace) self->m_completions.emplace_back(now_ns(), piece_bytes);
  if (--p.left > 0) return;
  MemDone done = std::move(p.done);
  uint64_t bytes = p.bytes;
  p.done = MemDone();
  self->m_pending.free.push_back(static_cast<uint32_t>(slot));
  if (done) done(bytes);  // may submit more requests (and reuse the slot)
}

bool DramTier::place(const std::string& region, double bytes) {
  if (m_regions.count(region)) return true;
  if (m_used_bytes + bytes > m_params.capacity_bytes) return false;
  m_regions[region] = bytes;
  m_used_bytes += bytes;
  m_peak_used_bytes = std::max(m_peak_used_bytes, m_used_bytes);
  if (m_ctx.trace.on())
    m_ctx.trace.counter(m_ctx.trace.process(socket_name(*this)), m_params.name + " used GB", now_ns(),
                        m_used_bytes / 1e9);
  return true;
}

void DramTier::remove(const std::string& region) {
  auto it = m_regions.find(region);
  if (it == m_regions.end()) return;
  m_used_bytes -= it->second;
  m_regions.erase(it);
  if (m_ctx.trace.on())
    m_ctx.trace.counter(m_ctx.trace.process(socket_name(*this)), m_params.name + " used GB", now_ns(),
                        m_used_bytes / 1e9);
}

void DramTier::flush_trace(double bin_ns) {
  if (!m_ctx.trace.on() || m_completions.empty() || bin_ns <= 0) return;
  std::map<int64_t, uint64_t> bins;
  for (const auto& [t, b] : m_completions) bins[static_cast<int64_t>(std::floor(t / bin_ns))] += b;
  uint32_t pid = m_ctx.trace.process(socket_name(*this));
  std::string counter = m_params.name + " GB/s";
  int64_t last = -2;
  for (const auto& [bin, b] : bins) {
    if (bin > last + 1) m_ctx.trace.counter(pid, counter, (last + 1) * bin_ns, 0.0);
    m_ctx.trace.counter(pid, counter, bin * bin_ns, static_cast<double>(b) / bin_ns);
    last = bin;
  }
  m_ctx.trace.counter(pid, counter, (last + 1) * bin_ns, 0.0);
  m_completions.clear();
}

}  // namespace rdusim
