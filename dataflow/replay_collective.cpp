// dataflow/replay_collective.cpp
// The all-reduce stages of a section: one chunk's all-reduce on the group's fabric, and the
// workers that keep several chunks in flight (StagePlan::collective_inflight).
#include "dataflow/replay.hpp"

namespace rdusim {

void Replayer::run_collective_chunk(uint64_t section_seq, uint64_t stage_index, const StagePlan& p, uint32_t i) {
  const uint32_t C = p.chunks;
  // Tagged identically on every rank of the group.
  uint64_t tag = (section_seq << 32) ^ (stage_index << 16) ^ i;
  m_group.fabric->collective(CollectiveKind::kAllReduce, m_group.rank, m_group.ranks,
                             p.collective_bytes / C + (i + 1 == C ? p.collective_bytes % C : 0), tag);
}

std::shared_ptr<Replayer::CollectivePipe> Replayer::start_collective_pipe(uint64_t section_seq, uint64_t stage_index,
                                                                          const StagePlan& p) {
  auto pipe = std::make_shared<CollectivePipe>();
  pipe->done.assign(p.chunks, 0);
  pipe->section_seq = section_seq;
  pipe->stage_index = stage_index;
  pipe->plan = &p;
  return pipe;
}

void Replayer::issue_collective_chunk(const std::shared_ptr<CollectivePipe>& pipe, uint32_t i) {
  pipe->queue.push_back(i);
  pipe->issued.notify();  // idle workers (woken, not yet run, still count as idle) take queued chunks
  if (pipe->queue.size() <= pipe->idle || pipe->workers >= pipe->plan->collective_inflight) return;
  ++pipe->workers;  // no idle worker for this chunk: one more, as if it had been waiting all along
  run_on_thread([this, pipe] {
    for (;;) {
      if (!pipe->queue.empty()) {
        uint32_t c = pipe->queue.front();
        pipe->queue.pop_front();
        run_collective_chunk(pipe->section_seq, pipe->stage_index, *pipe->plan, c);
        pipe->done[c] = 1;
        pipe->completed.notify();
        continue;
      }
      if (pipe->closed) return;
      ++pipe->idle;
      sc_core::wait(pipe->issued);
      --pipe->idle;
    }
  });
}

}  // namespace rdusim
