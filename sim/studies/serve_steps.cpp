// sim/studies/serve_steps.cpp
// The steps of the serving timeline: one group's prefill and decode, and the keyed step runs
// (simulated once per key, reused after). Decode steps whose context falls in one bucket of
// context_bucket_tokens share the timing of the bucket's middle context: decode cost is affine in
// the context (KV traffic and attention FLOPs grow linearly), so the error of a step is at most
// half a bucket's worth of that slope (tests/test_serve.cpp measures it against full simulation).
#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "sim/studies/serve_timeline.hpp"
#include "workloads/router.hpp"

namespace rdusim {

StepTiming ServeTimeline::model_step(const ModelConfig& m, Phase phase, uint32_t batch, uint32_t tokens) {
  const uint32_t tp = m_machine.tp(), dt = m_comp.dtype_bytes;
  std::string key;
  StepShape shape;
  if (phase == Phase::kPrefill) {
    key = fmt::format("prefill|{}|b{}|s{}", m.id, batch, tokens);
    shape = {Phase::kPrefill, batch, tokens, 0, tp, dt};
  } else {
    uint32_t w = std::max<uint32_t>(1, m_opt.context_bucket_tokens), lo = tokens / w * w;
    key = fmt::format("decode|{}|b{}|c{}", m.id, batch, lo);
    // Without reuse every step runs at its own context (the accuracy reference).
    shape = {Phase::kDecode, batch, 1, w == 1 || !m_opt.reuse ? tokens : lo + w / 2, tp, dt};
  }
  StepTiming t = m_cache.run(key, [&] { return m_machine.run_step(model_step_graphs(m, shape, true), m, shape); });
  (phase == Phase::kPrefill ? m_acc.prefill_ns : m_acc.decode_ns) += t.total_ns - t.launch_ns;
  (phase == Phase::kPrefill ? m_acc.prefill_steps : m_acc.decode_steps)++;
  m_acc.launch_ns += t.launch_ns;
  return t;
}

StepTiming ServeTimeline::router_step(uint32_t batch, uint32_t tokens) {
  RouterShape rs{batch, tokens, m_machine.tp(), m_comp.dtype_bytes};
  StepTiming t = m_cache.run(fmt::format("router|b{}|s{}", batch, tokens), [&] {
    std::vector<StepGraph> gs;
    for (auto& st : build_router_stages(m_comp, rs)) gs.push_back({st.name, std::move(st.graph), st.repeat});
    return m_machine.run_step(gs, m_comp.router_model(), router_prefill_shape(rs));
  });
  m_acc.router_ns += t.total_ns - t.launch_ns;
  m_acc.launch_ns += t.launch_ns;
  m_acc.router_passes++;
  return t;
}

// Decode steps 1 .. n - 1 of the group (step j reads a KV cache of input + j - 1 tokens); the
// batch shrinks as requests finish. Runs of steps with one key advance the clock at once.
double ServeTimeline::decode_group(std::vector<size_t> group, std::vector<double>& end_ns) {
  std::vector<size_t> order(group.size());
  std::iota(order.begin(), order.end(), 0);
  auto out = [&](size_t k) { return m_reqs[group[order[k]]].output; };
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return m_reqs[group[a]].output < m_reqs[group[b]].output; });
  uint32_t ctx0 = 0;
  for (size_t i : group) ctx0 = std::max(ctx0, m_reqs[i].input);
  const ModelConfig& m = m_comp.expert_model(m_reqs[group[0]].expert);
  const uint32_t w = std::max<uint32_t>(1, m_opt.context_bucket_tokens);
  size_t pos = 0, b = group.size();
  for (; pos < b && out(pos) <= 1; ++pos) end_ns[order[pos]] = now_ns();
  double t0 = now_ns();
  for (uint32_t j = 1; pos < b;) {
    uint32_t ctx = ctx0 + j - 1, batch = uint32_t(b - pos);
    uint32_t seg_end = std::min(out(pos) - 1, (ctx / w + 1) * w - ctx0);  // last step of the run
    uint32_t k = seg_end - j + 1;
    StepTiming t = model_step(m, Phase::kDecode, batch, ctx);
    std::string key = fmt::format("decode|{}|b{}|c{}", m.id, batch, ctx / w * w);
    if (k > 1 && m_cache.has(key)) {
      sc_core::wait(ns(t.total_ns * (k - 1)));
      m_cache.count_uses(key, k - 1);
      m_acc.decode_ns += (t.total_ns - t.launch_ns) * (k - 1);
      m_acc.launch_ns += t.launch_ns * (k - 1);
      m_acc.decode_steps += k - 1;
    } else {
      for (uint32_t s = 1; s < k; ++s) model_step(m, Phase::kDecode, batch, ctx + s);
    }
    j = seg_end + 1;
    while (pos < b && out(pos) - 1 < j) end_ns[order[pos++]] = now_ns();
  }
  return t0;
}

void ServeTimeline::serve_group(const std::vector<size_t>& group) {
  const uint32_t e = m_reqs[group[0]].expert;
  const auto& inst = m_comp.instances.at(e);
  const double start = now_ns();
  bool hit = switch_in(e);
  if (traced(group[0]) && !hit) m_ctx.trace.slice(m_track, "switch " + inst.name, start, now_ns());
  start_prefetch(e);
  uint32_t seq = 0;
  for (size_t i : group) seq = std::max(seq, m_reqs[i].input);
  double t1 = now_ns();
  model_step(m_comp.expert_model(e), Phase::kPrefill, uint32_t(group.size()), seq);
  const double first = now_ns();
  std::vector<double> end(group.size());
  decode_group(group, end);
  if (traced(group[0])) {
    m_ctx.trace.slice(m_track, fmt::format("prefill r{} x{} ({})", m_reqs[group[0]].id, group.size(), inst.name), t1,
                      first);
    m_ctx.trace.slice(m_track, fmt::format("decode r{} x{}", m_reqs[group[0]].id, group.size()), first, now_ns());
  }
  for (size_t k = 0; k < group.size(); ++k) {
    const ServeRequest& q = m_reqs[group[k]];
    m_sink.record({group[k], q.id, q.arrival_ns, start, first, end[k], e, q.output, uint32_t(group.size()), hit});
  }
  m_done += group.size();
}

}  // namespace rdusim
