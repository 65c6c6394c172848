#include "dataflow/replay.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "dataflow/replay_rt.hpp"

namespace rdusim {

uint64_t chunks_needed(Dep dep, uint64_t i, uint64_t producer_chunks, uint64_t consumer_chunks) {
  if (dep == Dep::kAll) return producer_chunks;
  return std::min(producer_chunks, ((i + 1) * producer_chunks + consumer_chunks - 1) / consumer_chunks);
}

Replayer::Replayer(Socket& socket, RunContext& ctx, const ReplayParams& replay, CollectiveGroup group)
    : m_socket(socket), m_ctx(ctx), m_replay(replay), m_group(group) {
  ctx.stats.add(socket, "rdn_d2d_bytes", m_d2d_bytes, "bytes", "stream bytes that crossed between the dies");
}

Replayer::~Replayer() = default;

void Replayer::loader_body(SectionRt& sec, StageRt& st, size_t load) {
  const MemStream& ms = st.plan->loads[load];
  DramTier& tier = m_socket.tier(ms.tier == Tier::kDdr);
  uint64_t per = ms.bytes / ms.chunks, extra = ms.bytes % ms.chunks;
  auto rt = std::make_unique<LoadRt>();
  rt->self = this;
  rt->sec = &sec;
  rt->st = &st;
  rt->load = load;
  rt->buf = st.loads[load].get();
  rt->ms = &ms;
  rt->trace = sec.trace_detail && m_ctx.trace.on();
  rt->last_done = now_ns();
  if (rt->trace) rt->issued.resize(ms.chunks);
  LoadRt* ctx = rt.get();
  st.loaders[load] = std::move(rt);
  const uint32_t source = st.sources[load];
  for (uint32_t j = 0; j < ms.chunks; ++j) {
    ctx->buf->reserve();
    uint64_t bytes = per + (j < extra ? 1 : 0);
    if (ctx->trace) ctx->issued[j] = now_ns();
    tier.submit(bytes, false, MemScheduled{&Replayer::load_scheduled, ctx, j}, source);
    ++m_chunk_events;
  }
}

// A memory chunk's completion time is fixed (every piece admitted): it becomes visible in the
// stage's buffer then, without a wake-up at completion.
void Replayer::load_scheduled(void* loader, uint64_t j, uint64_t bytes, double done_ns) {
  LoadRt& rt = *static_cast<LoadRt*>(loader);
  SectionRt& sec = *rt.sec;
  StageRt& st = *rt.st;
  double t = to_ns(rt.buf->commit_at(now_stamp(), done_ns - now_ns()));  // on the kernel's time grid
  if (rt.trace) {
    double from = std::min(t, std::max(rt.issued[j], rt.last_done));
    rt.self->m_ctx.trace.slice(st.load_tracks[rt.load], rt.ms->name, from, t, {{"chunk", j}, {"bytes", double(bytes)}});
  }
  rt.last_done = std::max(rt.last_done, t);
  if (sec.first_load_ns < 0 || t < sec.first_load_ns) sec.first_load_ns = t;
  sec.last_load_ns = std::max(sec.last_load_ns, t);
  if (st.first_load_done_ns < 0 || t < st.first_load_done_ns) {
    st.first_load_done_ns = t;
    st.first_load = rt.load;
  }
}

std::shared_ptr<Replayer::SectionRt> Replayer::make_section(const SectionPlan& plan, bool trace_detail) {
  auto sec = std::make_shared<SectionRt>();
  sec->plan = &plan;
  sec->trace_detail = trace_detail;
  sec->seq = m_sections_run++;
  sec->start_ns = now_ns();
  for (const auto& b : plan.buffers) sec->buffers.push_back(std::make_unique<StreamBuffer>(b.name, b.capacity_chunks));
  std::string socket = m_socket.name();
  for (const auto& sp : plan.stages) {
    auto st = std::make_unique<StageRt>();
    st->plan = &sp;
    st->index = sec->stages.size();
    for (size_t l = 0; l < sp.loads.size(); ++l) st->sources.push_back(m_next_source++);
    st->write_source = m_next_source++;
    for (const auto& l : sp.loads) st->loads.push_back(std::make_unique<StreamBuffer>(l.name, l.buffer_chunks));
    if (sp.write_bytes + sp.state_write_bytes > 0) {
      // Write credits bound the bytes outstanding, not the requests: a request is at least one
      // interleave granule (writes are coalesced), so finer chunking never shrinks what is in flight.
      uint64_t request = std::max<uint64_t>(m_socket.params.hbm.interleave_bytes,
                                            (sp.write_bytes + sp.state_write_bytes) / std::max<uint32_t>(sp.chunks, 1));
      st->writes = std::make_unique<StreamBuffer>(
          sp.name + ".writes",
          byte_credits(m_replay.write_buffer_bytes, request, 2 * std::max<uint32_t>(sp.chunks, 1)));
    }
    st->released.assign(sp.inputs.size(), 0);
    st->loaders.resize(sp.loads.size());
    if (trace_detail && m_ctx.trace.on()) {
      st->track = m_ctx.trace.track(socket, "stage " + sp.name);
      for (const auto& l : sp.loads) st->load_tracks.push_back(m_ctx.trace.track(socket, "agcu load " + l.name));
    }
    sec->stages.push_back(std::move(st));
  }
  m_live.push_back(sec);
  sec->running = sec->stages.size();
  return sec;
}

void Replayer::run_on_thread(std::function<void()> job) {
  if (!m_idle_threads.empty()) {
    std::shared_ptr<PoolThread> t = std::move(m_idle_threads.back());
    m_idle_threads.pop_back();
    t->job = std::move(job);
    t->go.notify();  // runs in this evaluation phase, as a newly spawned thread would
    return;
  }
  auto t = std::make_shared<PoolThread>();
  t->job = std::move(job);
  // The thread owns its PoolThread (and outlives this replayer, idle, until the kernel ends).
  sc_core::sc_spawn(
      [this, t] {
        for (;;) {
          std::function<void()> job = std::move(t->job);
          t->job = nullptr;
          job();
          job = nullptr;  // drops what the job held (its section) now
          m_idle_threads.push_back(t);
          sc_core::wait(t->go);
        }
      },
      nullptr);
}

void Replayer::spawn_section(const std::shared_ptr<SectionRt>& sec, const std::shared_ptr<SectionRt>& prev) {
  for (auto& st : sec->stages) {
    StageRt* s = st.get();
    run_on_thread([this, sec, prev, s] {
      if (prev) {
        StageRt& before = *prev->stages[s->index];
        if (!before.done) sc_core::wait(before.done_ev);
      }
      for (size_t l = 0; l < s->loads.size(); ++l) {
        bool activation = s->plan->loads[l].name.find(".in.") != std::string::npos;
        run_on_thread([this, sec, prev, s, l, activation] {
          // The previous layer's output exists only once that iteration has finished.
          if (prev && activation && prev->running > 0) sc_core::wait(prev->all_done);
          loader_body(*sec, *s, l);
        });
      }
      stage_body(*sec, *s);
    });
  }
}

SectionResult Replayer::collect(SectionRt& sec, const std::string& stats_prefix) {
  SectionResult res;
  res.name = sec.plan->name;
  res.end_ns = now_ns();
  res.first_load_ns = sec.first_load_ns;
  res.last_load_ns = sec.last_load_ns;
  StatsRegistry& stats = m_ctx.stats;
  res.stages.reserve(sec.stages.size());
  for (const auto& st : sec.stages) {
    res.stages.push_back({st->plan->name, st->plan->pcus, st->times});
    if (stats_prefix.empty()) continue;
    std::string base = stats_prefix + "." + st->plan->name + ".";
    stats.accumulate(base + "compute_ns", st->times.compute_ns, "ns", "PCU busy time of the stage");
    stats.accumulate(base + "wait_input_ns", st->times.wait_input_ns, "ns", "waiting for an on-chip producer");
    stats.accumulate(base + "wait_memory_ns", st->times.wait_memory_ns, "ns",
                     "waiting for weights/KV/activations from memory");
    stats.accumulate(base + "wait_output_ns", st->times.wait_output_ns, "ns", "waiting for buffer or write credits");
    stats.accumulate(base + "span_ns", st->times.end_ns - st->times.start_ns, "ns",
                     "first chunk start to last chunk end");
  }
  return res;
}

SectionResult Replayer::run_section(const SectionPlan& plan, double launch_ns, const std::string& stats_prefix,
                                    bool trace_detail) {
  double start = now_ns();
  if (launch_ns > 0) sc_core::wait(ns(launch_ns));
  double exec_start = now_ns();
  auto sec = make_section(plan, trace_detail);
  m_socket.pmu.allocate(plan.sram_bytes);  // the mapper already checked the fit
  spawn_section(sec, nullptr);
  if (sec->running > 0) sc_core::wait(sec->all_done);
  m_socket.pmu.free(plan.sram_bytes);
  m_live.erase(std::find(m_live.begin(), m_live.end(), sec));
  SectionResult res = collect(*sec, stats_prefix);
  res.start_ns = start;
  res.exec_start_ns = exec_start;
  if (m_ctx.trace.on()) {
    m_ctx.trace.slice(m_ctx.trace.track(m_socket.name(), "kernels"), plan.name, res.start_ns, res.end_ns,
                      {{"launch_ns", res.launch_ns()}, {"stages", double(plan.stages.size())}});
  }
  return res;
}

std::vector<SectionResult> Replayer::run_looped(const SectionPlan& plan, uint32_t iterations,
                                                const std::string& stats_prefix, bool trace_detail) {
  std::vector<std::shared_ptr<SectionRt>> secs;
  m_socket.pmu.allocate(plan.sram_bytes);  // iteration l+1 reuses iteration l's buffers stage by stage
  for (uint32_t it = 0; it < iterations; ++it) {
    secs.push_back(make_section(plan, trace_detail && it == 0));
    spawn_section(secs.back(), it > 0 ? secs[it - 1] : nullptr);
  }
  std::vector<SectionResult> out;
  double prev_end = now_ns();
  for (auto& sec : secs) {
    if (sec->running > 0) sc_core::wait(sec->all_done);
    SectionResult res = collect(*sec, stats_prefix);
    res.start_ns = res.exec_start_ns = prev_end;  // an iteration's share: from the previous one's end
    prev_end = res.end_ns;
    out.push_back(std::move(res));
  }
  m_socket.pmu.free(plan.sram_bytes);
  for (auto& sec : secs) m_live.erase(std::find(m_live.begin(), m_live.end(), sec));
  if (m_ctx.trace.on() && !out.empty()) {
    m_ctx.trace.slice(m_ctx.trace.track(m_socket.name(), "kernels"), plan.name + " (looped)", out.front().start_ns,
                      out.back().end_ns, {{"iterations", double(iterations)}});
  }
  return out;
}

std::vector<std::string> Replayer::stalled() const {
  std::vector<std::string> out;
  for (const auto& sec : m_live) {
    for (const auto& st : sec->stages) {
      if (st->done) continue;
      out.push_back(fmt::format("{}.{}: waiting on {}", sec->plan->name, st->plan->name,
                                st->waiting.kind == StageWait::Kind::kNone
                                    ? "nothing (never scheduled)"
                                    : st->waiting.describe(m_group.rank, m_group.ranks)));
    }
  }
  return out;
}

}  // namespace rdusim
