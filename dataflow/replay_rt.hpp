// dataflow/replay_rt.hpp
// The replay's run-time state of a section, its stages and their memory streams: private to the
// replayer's files (replay*.cpp).
#pragma once
#include <memory>
#include <vector>

#include "dataflow/replay.hpp"
#include "dataflow/stage_wait.hpp"

namespace rdusim {

// One memory stream's loader, the context of its chunk completions (no allocation per chunk).
struct Replayer::LoadRt {
  Replayer* self = nullptr;
  SectionRt* sec = nullptr;
  StageRt* st = nullptr;
  size_t load = 0;
  StreamBuffer* buf = nullptr;
  const MemStream* ms = nullptr;
  bool trace = false;
  double last_done = 0.0;
  std::vector<double> issued;  // per chunk, kept only when tracing
};

struct Replayer::StageRt {
  const StagePlan* plan = nullptr;
  std::vector<std::unique_ptr<StreamBuffer>> loads;  // one per memory stream
  std::unique_ptr<StreamBuffer> writes;              // write credits
  std::vector<uint64_t> released;                    // per input
  StageTimes times;
  bool done = false;
  StageWait waiting;  // for deadlock reports
  size_t index = 0;   // position in the section
  // Memory requester ids, numbered in pipeline order at spawn time (SystemC's run order of newly
  // spawned processes is not program order): lower ids win priority arbitration.
  std::vector<uint32_t> sources;
  uint32_t write_source = 0;
  TraceTrack track{};
  std::vector<TraceTrack> load_tracks;  // one per memory stream
  double first_load_done_ns = -1.0;
  size_t first_load = 0;
  std::vector<std::unique_ptr<LoadRt>> loaders;  // one per memory stream, made by its loader
  sc_core::sc_event done_ev;                     // the stage finished (kernel looping starts the next iteration's)
};

struct Replayer::SectionRt {
  const SectionPlan* plan = nullptr;
  std::vector<std::unique_ptr<StreamBuffer>> buffers;
  std::vector<std::unique_ptr<StageRt>> stages;
  size_t running = 0;
  sc_core::sc_event all_done;
  bool trace_detail = false;
  uint64_t seq = 0;  // section sequence number on this replayer
  double first_load_ns = -1.0, last_load_ns = -1.0;
  double start_ns = 0.0;
};

}  // namespace rdusim
