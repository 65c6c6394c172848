// dataflow/replay.hpp
// Replays mapped sections on a socket: each stage is a thread that waits for its input chunks
// (PMU stream buffers or memory loads), occupies its PCUs, and pushes output chunks against
// credits, so stalls and backpressure come out of the simulation. Stages run ahead of the
// kernel's time where their buffers already know what will happen (dataflow/replay_stage.cpp).
// Stages and loaders start while the simulation runs (on reused sc_spawn threads), so one
// elaboration replays any number of sections.
#pragma once
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "dataflow/replay_params.hpp"
#include "dataflow/section.hpp"
#include "dataflow/socket.hpp"
#include "interconnect/fabric.hpp"
#include "memory/stream_buffer.hpp"

namespace rdusim {

// Per-stage accounting, summed into the stats registry under `<prefix>.<stage>`.
struct StageTimes {
  double compute_ns = 0.0;
  double wait_input_ns = 0.0;   // on-chip producer not ready
  double wait_memory_ns = 0.0;  // weights / KV / activations not yet loaded
  double wait_output_ns = 0.0;  // consumer buffer full or write credits exhausted
  double start_ns = 0.0, end_ns = 0.0;
};

struct StageResult {
  std::string name;
  uint32_t pcus = 0;
  StageTimes times;
};

struct SectionResult {
  std::string name;
  double start_ns = 0.0;       // launch begins
  double exec_start_ns = 0.0;  // kernel execute begins
  double end_ns = 0.0;
  std::vector<StageResult> stages;
  // First and last memory chunk arrivals of the call (-1: it loads nothing): exec splits into
  // fill (exec start to first arrival), streaming (first to last) and drain (last to end).
  double first_load_ns = -1.0, last_load_ns = -1.0;
  double launch_ns() const { return exec_start_ns - start_ns; }
  double fill_ns() const { return first_load_ns < 0 ? 0.0 : first_load_ns - exec_start_ns; }
  double stream_ns() const { return first_load_ns < 0 ? 0.0 : last_load_ns - first_load_ns; }
  double drain_ns() const { return first_load_ns < 0 ? exec_ns() : end_ns - last_load_ns; }
  double exec_ns() const { return end_ns - exec_start_ns; }
};

// The tensor-parallel group a socket belongs to: all-reduce stages run through the fabric.
struct CollectiveGroup {
  Fabric* fabric = nullptr;  // null: single socket (all-reduce stages are no-ops)
  uint32_t rank = 0;
  uint32_t ranks = 1;
};

class Replayer {
 public:
  Replayer(Socket& socket, RunContext& ctx, const ReplayParams& replay, CollectiveGroup group = {});
  ~Replayer();

  // From an SC_THREAD: waits `launch_ns`, runs every stage of the section to completion.
  // `stats_prefix` names the accounting ("layer.decoder"); `trace_detail` emits per-chunk slices.
  SectionResult run_section(const SectionPlan& plan, double launch_ns, const std::string& stats_prefix,
                            bool trace_detail);
  // Kernel looping: one call of `iterations` iterations of `plan` (identical layers) with a pipelined
  // outer loop: stage k of iteration l+1 starts (and streams its weights) once stage k of iteration l
  // is done; its inputs from memory (the previous layer's output) wait for iteration l to finish.
  // One result per iteration; the call's start is the first's exec_start_ns.
  std::vector<SectionResult> run_looped(const SectionPlan& plan, uint32_t iterations, const std::string& stats_prefix,
                                        bool trace_detail);
  // Stages that have not finished and what each waits for (for deadlock reports).
  std::vector<std::string> stalled() const;
  // Model events so far: stage chunk steps plus memory chunk loads (DRAM pieces are counted by the channels).
  uint64_t chunk_events() const { return m_chunk_events; }

 private:
  struct StageRt;
  struct SectionRt;
  struct LoadRt;
  void stage_body(SectionRt& sec, StageRt& st);
  // Pipelined all-reduce chunks of one stage: the stage queues chunk indices, workers run them.
  // Workers are spawned as chunks find none idle, up to collective_inflight: a stage that keeps
  // few all-reduces in flight creates few threads.
  struct CollectivePipe {
    std::deque<uint32_t> queue;
    std::vector<char> done;
    bool closed = false;
    uint64_t section_seq = 0, stage_index = 0;
    const StagePlan* plan = nullptr;
    uint32_t workers = 0, idle = 0;
    sc_core::sc_event issued, completed;
  };
  void run_collective_chunk(uint64_t section_seq, uint64_t stage_index, const StagePlan& p, uint32_t i);
  std::shared_ptr<CollectivePipe> start_collective_pipe(uint64_t section_seq, uint64_t stage_index, const StagePlan& p);
  void issue_collective_chunk(const std::shared_ptr<CollectivePipe>& pipe, uint32_t i);
  void loader_body(SectionRt& sec, StageRt& st, size_t load);
  static void load_scheduled(void* loader, uint64_t chunk, uint64_t bytes, double done_ns);
  std::shared_ptr<SectionRt> make_section(const SectionPlan& plan, bool trace_detail);
  // Spawns the section's loaders and stages; with `prev`, each stage first waits for the same stage
  // of the previous loop iteration (and memory inputs for the whole previous iteration).
  void spawn_section(const std::shared_ptr<SectionRt>& sec, const std::shared_ptr<SectionRt>& prev);
  // Runs `job` on a thread of its own: one that finished an earlier job, or a new one. Spawning a
  // SystemC thread allocates, guards and first-touches a stack; a replay runs thousands of jobs.
  struct PoolThread {
    std::function<void()> job;
    sc_core::sc_event go;
  };
  void run_on_thread(std::function<void()> job);
  std::vector<std::shared_ptr<PoolThread>> m_idle_threads;
  SectionResult collect(SectionRt& sec, const std::string& stats_prefix);

  // RDN transport: chunks in flight between two stages become visible at their due time.
  void send_chunk(StreamBuffer& buffer, const BufferPlan& plan, const sc_core::sc_time& at);
  double m_d2d_free_ns = 0.0;
  uint64_t m_d2d_bytes = 0;

  Socket& m_socket;
  RunContext& m_ctx;
  ReplayParams m_replay;
  CollectiveGroup m_group;
  uint64_t m_sections_run = 0;  // identical on every rank: collective tags derive from it
  std::vector<std::shared_ptr<SectionRt>> m_live;
  uint64_t m_chunk_events = 0;
  uint32_t m_next_source = 1;  // memory requester ids (0: untagged)
};

// First producer chunk count consumer chunk i needs.
uint64_t chunks_needed(Dep dep, uint64_t i, uint64_t producer_chunks, uint64_t consumer_chunks);

}  // namespace rdusim
