// dataflow/replay_stage.cpp
// One replayed stage: its chunks' inputs, compute and outputs, run ahead of the kernel's time.
#include <algorithm>

#include "dataflow/replay_rt.hpp"

namespace rdusim {

namespace {
// A write request completed: its credit returns.
void write_done(void* credits, uint64_t, uint64_t) {
  auto* wb = static_cast<StreamBuffer*>(credits);
  wb->commit();
  wb->release(1);
}
}  // namespace

// A stage runs ahead of the kernel: it keeps its own time `at` (never behind the kernel's) and
// advances it by its compute, by the arrival times of inputs already in flight and by releases of
// output credits already scheduled, all of which its buffers know (memory/stream_buffer.hpp). It
// blocks only for an input or a credit that nobody has scheduled yet, and catches the kernel up
// (waits until `at`) before it touches what other parties share in real time: DRAM requests, the
// die-to-die link, all-reduces. A stage that ran chunk by chunk at the kernel's time would see
// the same times; it would only cost one wake-up per chunk and per wait.
void Replayer::stage_body(SectionRt& sec, StageRt& st) {
  const StagePlan& p = *st.plan;
  st.times.start_ns = now_ns();
  const uint32_t C = p.chunks;
  const double flops_per_chunk = p.flops / C;
  bool trace = sec.trace_detail && m_ctx.trace.on();
  bool flow_drawn = false;
  const uint32_t write_source = st.write_source;
  uint64_t pending_act = 0, pending_state = 0;
  // An all-reduce stage with several chunks in flight (StagePlan::collective_inflight): chunk i's
  // all-reduce runs on a worker while the stage takes chunk i + 1; chunk i's outputs leave in order
  // once its all-reduce is done. With one in flight the stage waits for each chunk in turn.
  const bool collective = p.collective_bytes > 0 && m_group.fabric && m_group.ranks > 1;
  std::shared_ptr<CollectivePipe> pipe;
  if (collective && p.collective_inflight > 1) pipe = start_collective_pipe(sec.seq, st.index, p);
  const bool run_ahead = !collective && m_replay.run_ahead;  // an all-reduce stage: at the kernel's time
  const double chunk_t = m_socket.pcu.chunk_ns(p.cls, flops_per_chunk, p.pcus, p.chunk_rows);
  const sc_core::sc_time chunk_dt = chunk_t > 0 ? ns(chunk_t) : sc_core::SC_ZERO_TIME;
  sc_core::sc_time at = now_stamp();
  auto catch_up = [&] {
    const sc_core::sc_time& now = now_stamp();
    if (at > now) sc_core::wait(at - now);
    at = now_stamp();
  };
  auto advance = [&](double t) {
    at += ns(t);
    if (!run_ahead) catch_up();
  };
  uint32_t emitted = 0;  // chunks whose outputs have left (pipelined all-reduce)
  // What leaves the stage for chunk j: on-chip outputs, then HBM writes.
  auto emit = [&](uint32_t j) {
    double w0 = to_ns(at);
    for (int o : p.outputs) {
      StreamBuffer& b = *sec.buffers[o];
      const BufferPlan& bp = sec.plan->buffers[o];
      if (!b.reserve_by(at)) {
        st.waiting.set(StageWait::Kind::kOutput, &b);
        while (!b.reserve_by(at)) b.wait_release_scheduled();
        st.waiting.clear();
        if (at < now_stamp()) at = now_stamp();
      }
      if (!run_ahead || bp.crosses_die) catch_up();
      send_chunk(b, bp, at);
    }
    // Writes are coalesced (the AGCU gathers small results) into requests of at least one
    // interleave granule, and issued without stalling compute until write credits run out.
    auto write = [&](uint64_t total, Tier tier, uint64_t& pending) {
      pending += total / C + (j + 1 == C ? total % C : 0);
      DramTier& t = m_socket.tier(tier == Tier::kDdr);
      if (pending == 0 || (pending < t.params().interleave_bytes && j + 1 < C)) return;
      catch_up();
      st.waiting.set(StageWait::Kind::kWriteCredits);
      st.writes->reserve();
      at = now_stamp();
      StreamBuffer* wb = st.writes.get();
      t.submit(pending, true, MemDone(&write_done, wb, 0), write_source);
      pending = 0;
    };
    write(p.write_bytes, Tier::kHbm, pending_act);
    write(p.state_write_bytes, p.state_tier, pending_state);
    st.waiting.clear();
    st.times.wait_output_ns += to_ns(at) - w0;
  };
  for (uint32_t i = 0; i < C; ++i) {
    for (size_t k = 0; k < p.inputs.size(); ++k) {
      const StageInput& in = p.inputs[k];
      StreamBuffer& b = in.from_memory ? *st.loads[in.stream] : *sec.buffers[in.buffer];
      uint64_t need = chunks_needed(in.dep, i, in.producer_chunks, C);
      sc_core::sc_time seen;
      if (b.visible_at(need, seen) && seen <= at) continue;
      double t0 = to_ns(at);
      st.waiting.set(StageWait::Kind::kInput, &b, need, b.committed());
      if (run_ahead) {
        b.wait_scheduled(need);
        b.visible_at(need, seen);
        at = std::max(seen, std::max(at, now_stamp()));
      } else {
        b.wait_committed(need);
        at = now_stamp();
      }
      st.waiting.clear();
      (in.from_memory ? st.times.wait_memory_ns : st.times.wait_input_ns) += to_ns(at) - t0;
    }
    ++m_chunk_events;
    double t0 = to_ns(at);
    m_socket.pcu.account(flops_per_chunk, chunk_t, p.pcus);
    double t = chunk_t;
    if (t > 0) {
      at += chunk_dt;
      if (!run_ahead) catch_up();
    }
    if (collective && !pipe) {
      // One all-reduce per chunk.
      st.waiting.set(StageWait::Kind::kAllReduce, nullptr, i);
      run_collective_chunk(sec.seq, st.index, p, i);
      st.waiting.clear();
      at = now_stamp();
      t = to_ns(at) - t0;
    } else if (pipe) {
      issue_collective_chunk(pipe, i);
    }
    if (i == 0 && p.cls != ComputeClass::kNone) {
      double fill = cycles_to_ns(m_socket.pcu.params(), m_socket.pcu.params().pipeline_latency_cycles);
      advance(fill);
      t += fill;
    }
    st.times.compute_ns += t;
    if (trace && t > 0) {
      m_ctx.trace.slice(st.track, p.name, t0, to_ns(at), {{"chunk", i}, {"pcus", p.pcus}});
      if (!flow_drawn && st.first_load_done_ns >= 0 && st.first_load_done_ns <= t0 && !p.loads.empty()) {
        m_ctx.trace.flow(st.load_tracks[st.first_load], st.first_load_done_ns - 0.001, st.track, t0 + 0.001,
                         "weights->compute");
        flow_drawn = true;
      }
    }
    if (!pipe) {
      emit(i);
    } else {
      // Outputs leave in chunk order; at most collective_inflight all-reduces are outstanding.
      double c0 = now_ns();
      while (emitted <= i && (pipe->done[emitted] || i + 1 - emitted >= p.collective_inflight || i + 1 == C)) {
        st.waiting.set(StageWait::Kind::kAllReduce, nullptr, emitted);
        while (!pipe->done[emitted]) sc_core::wait(pipe->completed);
        st.waiting.clear();
        at = now_stamp();
        emit(emitted++);
      }
      st.times.compute_ns += now_ns() - c0;
    }
    // Free what the next chunk no longer needs.
    for (size_t k = 0; k < p.inputs.size(); ++k) {
      const StageInput& in = p.inputs[k];
      if (in.dep != Dep::kProportional && i + 1 < C) continue;
      uint64_t keep_from = i + 1 < C ? (uint64_t(i + 1) * in.producer_chunks) / C : in.producer_chunks;
      StreamBuffer& b = in.from_memory ? *st.loads[in.stream] : *sec.buffers[in.buffer];
      if (keep_from > st.released[k]) {
        b.release_at(keep_from - st.released[k], at);
        st.released[k] = keep_from;
      }
    }
  }
  catch_up();
  if (pipe) {
    pipe->closed = true;
    pipe->issued.notify();
  }
  if (st.writes && st.writes->occupancy() > 0) {
    double t0 = now_ns();
    st.waiting.set(StageWait::Kind::kOutstandingWrites);
    while (st.writes->occupancy() > 0) st.writes->wait_committed(st.writes->committed() + 1);
    st.waiting.clear();
    st.times.wait_output_ns += now_ns() - t0;
  }
  st.times.end_ns = now_ns();
  st.done = true;
  st.done_ev.notify();
  if (--sec.running == 0) sec.all_done.notify();
}

}  // namespace rdusim
