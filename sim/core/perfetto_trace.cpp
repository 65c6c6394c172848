// sim/core/perfetto_trace.cpp
// The Chrome JSON trace writer (the only file that knows the format). Perfetto reads ts/dur as
// microseconds; we print them with nanosecond resolution. Output is byte-identical run to run.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>

#include "sim/core/atomic_file.hpp"
#include "sim/core/trace.hpp"

namespace rdusim {

uint32_t TraceSink::process(const std::string& process) {
  auto it = m_pids.find(process);
  if (it != m_pids.end()) return it->second;
  uint32_t pid = static_cast<uint32_t>(m_pid_names.size()) + 1;
  m_pids.emplace(process, pid);
  m_pid_names.push_back(process);
  return pid;
}

TraceTrack TraceSink::track(const std::string& process_name, const std::string& thread) {
  uint32_t pid = process(process_name);
  auto key = std::make_pair(pid, thread);
  auto it = m_tids.find(key);
  if (it != m_tids.end()) return {pid, it->second};
  uint32_t tid = static_cast<uint32_t>(m_tid_names.size()) + 1;
  m_tids.emplace(key, tid);
  m_tid_names.push_back(key);
  return {pid, tid};
}

void TraceSink::slice(TraceTrack t, const std::string& name, double start_ns, double end_ns, const TraceArgs& args) {
  if (!m_on) return;
  m_events.push_back({'X', t.pid, t.tid, 0, start_ns, end_ns - start_ns, name, args});
}

void TraceSink::async(TraceTrack t, const std::string& name, double start_ns, double end_ns, const TraceArgs& args) {
  if (!m_on) return;
  uint64_t id = m_next_id++;
  m_events.push_back({'b', t.pid, t.tid, id, start_ns, 0.0, name, args});
  m_events.push_back({'e', t.pid, t.tid, id, end_ns, 0.0, name, {}});
}

void TraceSink::counter(uint32_t pid, const std::string& name, double t_ns, double value) {
  if (!m_on) return;
  m_events.push_back({'C', pid, 0, 0, t_ns, 0.0, name, {{"value", value}}});
}

void TraceSink::flow(TraceTrack from, double from_ns, TraceTrack to, double to_ns, const std::string& name) {
  if (!m_on) return;
  uint64_t id = m_next_id++;
  m_events.push_back({'s', from.pid, from.tid, id, from_ns, 0.0, name, {}});
  m_events.push_back({'f', to.pid, to.tid, id, to_ns, 0.0, name, {}});
}

namespace {
// Times are rounded to integer picoseconds before printing, so a slice's end (ts + dur) equals the
// next slice's start exactly when the model says so: slices that touch never appear to overlap.
long long to_ps(double ns) { return std::llround(ns * 1000.0); }
std::string us_from_ps(long long ps) {
  const char* sign = ps < 0 ? "-" : "";
  long long a = ps < 0 ? -ps : ps;
  return fmt::format("{}{}.{:06d}", sign, a / 1000000, a % 1000000);
}
std::string us(double ns) { return us_from_ps(to_ps(ns)); }
std::string quoted(const std::string& s) { return nlohmann::json(s).dump(); }
std::string number(double v) {
  if (v == static_cast<double>(static_cast<long long>(v)) && v < 1e15 && v > -1e15) {
    return fmt::format("{}", static_cast<long long>(v));
  }
  return fmt::format("{:.6g}", v);
}
}  // namespace

void TraceSink::write(const std::string& path) const {
  std::string out = "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n";
  bool first = true;
  auto emit = [&](const std::string& line) {
    if (!first) out += ",\n";
    out += line;
    first = false;
  };
  for (size_t i = 0; i < m_pid_names.size(); ++i) {
    uint32_t pid = static_cast<uint32_t>(i + 1);
    emit(fmt::format(R"({{"ph":"M","pid":{},"tid":0,"name":"process_name","args":{{"name":{}}}}})", pid,
                     quoted(m_pid_names[i])));
    emit(fmt::format(R"({{"ph":"M","pid":{},"tid":0,"name":"process_sort_index","args":{{"sort_index":{}}}}})", pid,
                     pid));
  }
  for (size_t i = 0; i < m_tid_names.size(); ++i) {
    uint32_t tid = static_cast<uint32_t>(i + 1);
    emit(fmt::format(R"({{"ph":"M","pid":{},"tid":{},"name":"thread_name","args":{{"name":{}}}}})",
                     m_tid_names[i].first, tid, quoted(m_tid_names[i].second)));
    emit(fmt::format(R"({{"ph":"M","pid":{},"tid":{},"name":"thread_sort_index","args":{{"sort_index":{}}}}})",
                     m_tid_names[i].first, tid, tid));
  }
  for (const Event& e : m_events) {
    std::string args;
    for (const auto& [k, v] : e.args) args += (args.empty() ? "" : ",") + quoted(k) + ":" + number(v);
    std::string line;
    switch (e.phase) {
      case 'X':
        line = fmt::format(R"({{"ph":"X","pid":{},"tid":{},"ts":{},"dur":{},"name":{},"args":{{{}}}}})", e.pid, e.tid,
                           us(e.ts_ns), us_from_ps(to_ps(e.ts_ns + e.dur_ns) - to_ps(e.ts_ns)), quoted(e.name), args);
        break;
      case 'b':
      case 'e':
        line = fmt::format(R"({{"ph":"{}","cat":"async","id":{},"pid":{},"tid":{},"ts":{},"name":{},"args":{{{}}}}})",
                           e.phase, e.id, e.pid, e.tid, us(e.ts_ns), quoted(e.name), args);
        break;
      case 'C':
        line = fmt::format(R"({{"ph":"C","pid":{},"tid":0,"ts":{},"name":{},"args":{{{}}}}})", e.pid, us(e.ts_ns),
                           quoted(e.name), args);
        break;
      case 's':
      case 'f':
        line = fmt::format(R"({{"ph":"{}","cat":"flow","id":{},"pid":{},"tid":{},"ts":{},"name":{}{}}})", e.phase, e.id,
                           e.pid, e.tid, us(e.ts_ns), quoted(e.name), e.phase == 'f' ? R"(,"bp":"e")" : "");
        break;
    }
    emit(line);
  }
  out += "\n]}\n";
  write_file_atomic(path, out);
}

}  // namespace rdusim
