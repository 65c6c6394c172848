// sim/core/trace.hpp
// The run's one trace sink. Modules ask for tracks at elaboration (or when a replay starts) and
// emit slices, async intervals, counters and flows; sim/perfetto_trace.cpp writes them as a Chrome
// JSON trace that ui.perfetto.dev opens. Every call is cheap when tracing is off: guard with on().
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace rdusim {

using TraceArgs = std::vector<std::pair<std::string, double>>;

struct TraceTrack {
  uint32_t pid = 0;
  uint32_t tid = 0;
};

class TraceSink {
 public:
  bool on() const { return m_on; }
  void enable(bool on) { m_on = on; }

  // A thread track in a process; same names give the same track. Ids follow creation order.
  TraceTrack track(const std::string& process, const std::string& thread);
  // A complete slice [start_ns, end_ns) on a thread; slices on one thread must nest.
  void slice(TraceTrack t, const std::string& name, double start_ns, double end_ns, const TraceArgs& args = {});
  // An async interval (may overlap others on its track), e.g. concurrent DMAs.
  void async(TraceTrack t, const std::string& name, double start_ns, double end_ns, const TraceArgs& args = {});
  // A counter sample; the counter is drawn as a track of the process.
  void counter(uint32_t pid, const std::string& name, double t_ns, double value);
  // A flow arrow from a point inside one slice to a point inside another.
  void flow(TraceTrack from, double from_ns, TraceTrack to, double to_ns, const std::string& name);
  uint32_t process(const std::string& process);

  // Writes the Chrome JSON trace atomically (temp file then rename). Throws SimError on I/O failure.
  void write(const std::string& path) const;
  size_t event_count() const { return m_events.size(); }

 private:
  struct Event {
    char phase;
    uint32_t pid, tid;
    uint64_t id;
    double ts_ns, dur_ns;
    std::string name;
    TraceArgs args;
  };
  bool m_on = false;
  std::map<std::string, uint32_t> m_pids;
  std::vector<std::string> m_pid_names;
  std::map<std::pair<uint32_t, std::string>, uint32_t> m_tids;
  std::vector<std::pair<uint32_t, std::string>> m_tid_names;  // index = tid - 1
  std::vector<Event> m_events;
  uint64_t m_next_id = 1;
};

}  // namespace rdusim
