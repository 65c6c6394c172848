// sim/studies/serve_timeline.cpp
#include "sim/studies/serve_timeline.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "sim/core/error.hpp"
#include "workloads/router.hpp"

namespace rdusim {

nlohmann::json Accounting::to_json() const {
  return {{"router_ms", router_ns / 1e6},
          {"switch_ms", switch_ns / 1e6},
          {"prefill_ms", prefill_ns / 1e6},
          {"decode_ms", decode_ns / 1e6},
          {"launch_ms", launch_ns / 1e6},
          {"idle_ms", idle_ns / 1e6},
          {"switch_hidden_ms", switch_hidden_ns / 1e6},
          {"router_passes", router_passes},
          {"prefill_steps", prefill_steps},
          {"decode_steps", decode_steps},
          {"switches", switches},
          {"switch_bytes", switch_bytes}};
}

nlohmann::json StepCache::to_json() const {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, e] : m_entries)
    j[k] = {{"total_ns", e.timing.total_ns},
            {"launch_ns", e.timing.launch_ns},
            {"uses", e.uses},
            {"simulated", e.simulated}};
  return j;
}

void StepCache::seed(const nlohmann::json& steps, const std::string& file) {
  if (!steps.is_object()) throw SimError(file, "/steps", "expected an object of step timings");
  for (auto it = steps.begin(); it != steps.end(); ++it) {
    const auto& v = it.value();
    if (!v.contains("total_ns") || !v["total_ns"].is_number())
      throw SimError(file, "/steps/" + it.key() + "/total_ns", "required number missing");
    m_entries[it.key()].timing = {v["total_ns"].get<double>(), v.value("launch_ns", 0.0)};
  }
}

ServeTimeline::ServeTimeline(TimelineSetup s, std::vector<ServeRequest> requests, RequestSink& sink)
    : m_opt(s.options),
      m_comp(s.comp),
      m_machine(s.machine),
      m_alloc(s.alloc),
      m_ctx(s.ctx),
      m_cache(s.cache),
      m_sink(sink),
      m_reqs(std::move(requests)),
      m_taken(m_reqs.size(), false) {
  m_track = m_ctx.trace.track("coe", "requests");
  m_reuse_track = m_ctx.trace.track("coe", "timing reused");
}

void ServeTimeline::run() {
  while (m_done < m_reqs.size()) {
    if (m_fifo.empty()) wait_for_arrival();
    route_arrived();
    std::vector<size_t> group = take_group();
    serve_group(group);
  }
}

void ServeTimeline::wait_for_arrival() {
  ServeRequest& q = m_reqs.at(m_next);
  if (m_opt.closed_loop) q.arrival_ns = std::max(q.arrival_ns, now_ns());
  if (q.arrival_ns > now_ns()) {
    m_acc.idle_ns += q.arrival_ns - now_ns();
    sc_core::wait(ns(q.arrival_ns - now_ns()));
  }
  q.arrival_ns = std::min(q.arrival_ns, now_ns());  // the kernel's time resolution (1 ps) rounds the wait
}

// Every arrived request is routed, in passes of up to router_max_batch prompts (a pass is padded
// to a power of two, as serving stacks capture a few batch sizes).
void ServeTimeline::route_arrived() {
  // Closed loop: the next request arrives only when the server has nothing queued.
  while (m_next < m_reqs.size() && m_reqs[m_next].arrival_ns <= now_ns() && !(m_opt.closed_loop && !m_fifo.empty())) {
    size_t first = m_next;
    uint32_t tokens = 0;
    size_t cap = m_opt.closed_loop ? 1 : m_opt.router_max_batch;
    while (m_next < m_reqs.size() && m_reqs[m_next].arrival_ns <= now_ns() && m_next - first < cap)
      tokens = std::max(tokens, m_reqs[m_next++].input);
    uint32_t batch = 1;
    while (batch < m_next - first) batch *= 2;
    batch = std::min<uint32_t>(batch, std::max<uint32_t>(m_opt.router_max_batch, uint32_t(m_next - first)));
    double t0 = now_ns();
    router_step(batch, tokens);
    if (traced(first))
      m_ctx.trace.slice(m_track, fmt::format("router r{}.. ({} prompts)", first, m_next - first), t0, now_ns());
    for (size_t i = first; i < m_next; ++i) {
      m_fifo.push_back(i);
      m_by_expert[m_reqs[i].expert].push_back(i);
    }
  }
}

// The oldest queued request, and under the batch policy the queued requests of its expert.
std::vector<size_t> ServeTimeline::take_group() {
  while (m_taken[m_fifo.front()]) m_fifo.pop_front();
  size_t head = m_fifo.front();
  auto& same = m_by_expert[m_reqs[head].expert];
  uint32_t cap = m_opt.policy == BatchPolicy::kBatch ? m_opt.max_batch : 1;
  std::vector<size_t> group;
  while (!same.empty() && group.size() < cap) {
    group.push_back(same.front());
    m_taken[same.front()] = true;
    same.pop_front();
  }
  while (!m_fifo.empty() && m_taken[m_fifo.front()]) m_fifo.pop_front();
  return group;
}

double ServeTimeline::copy_expert(uint32_t e) {
  const auto& inst = m_comp.instances.at(e);
  uint64_t bytes = m_comp.expert_bytes(e);
  m_acc.switches++;
  m_acc.switch_bytes += bytes;
  double t0 = now_ns();
  m_cache.run(fmt::format("switch|{}|{}", m_opt.load_mode, bytes), [&] {
    return StepTiming{m_machine.copy_expert(bytes, inst.name), 0.0};
  });
  return now_ns() - t0;
}

// Makes the expert resident; true on a hit. The allocator's LRU decides what is evicted.
bool ServeTimeline::switch_in(uint32_t e) {
  double t0 = now_ns();
  if (m_prefetch == int64_t(e)) {
    m_prefetch = -1;
    if (m_prefetch_end_ns > now_ns()) sc_core::wait(m_prefetch_done);
    m_acc.switch_ns += now_ns() - t0;
    m_acc.switch_hidden_ns += m_prefetch_ns - (now_ns() - t0);
    return false;
  }
  auto acc = m_alloc.acquire(e);
  for (size_t v : acc.evicted) m_machine.evict(m_comp.instances[v].name);
  if (acc.hit) return true;
  copy_expert(e);
  m_acc.switch_ns += now_ns() - t0;
  return false;
}

// Prefetch: the first queued request for another, non-resident expert has it copied in now,
// while the current group computes (only when the expert region holds both experts).
void ServeTimeline::start_prefetch(uint32_t current) {
  if (!m_opt.prefetch || m_prefetch >= 0) return;
  size_t scanned = 0;
  for (size_t i : m_fifo) {
    if (++scanned > 64) return;
    uint32_t e = m_reqs[i].expert;
    if (m_taken[i] || e == current) continue;
    if (m_alloc.resident(e)) return;
    if (m_alloc.expert_region_bytes() < m_comp.expert_bytes(e) + m_comp.expert_bytes(current)) return;
    auto acc = m_alloc.acquire(e);
    for (size_t v : acc.evicted) m_machine.evict(m_comp.instances[v].name);
    m_prefetch = e;
    m_prefetch_end_ns = 1e300;
    sc_core::sc_spawn([this, e] {
      m_prefetch_ns = copy_expert(e);
      m_prefetch_end_ns = now_ns();
      m_prefetch_done.notify();
    });
    return;
  }
}

}  // namespace rdusim
