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
  for (uint32_t w = 0; w < p.collective_inflight; ++w) {
    sc_core::sc_spawn(
        [this, pipe, section_seq, stage_index, &p] {
          for (;;) {
            while (pipe->queue.empty() && !pipe->closed) sc_core::wait(pipe->issued);
            if (pipe->queue.empty()) return;
            uint32_t i = pipe->queue.front();
            pipe->queue.pop_front();
            run_collective_chunk(section_seq, stage_index, p, i);
            pipe->done[i] = 1;
            pipe->completed.notify();
          }
        },
        nullptr);
  }
  return pipe;
}

}  // namespace rdusim
