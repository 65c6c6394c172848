// sim/studies/serve_output.hpp
// What `serve` keeps of finished requests: per-request rows streamed to serve_requests.csv and
// serve_requests.json (written beside, renamed into place at the end: never half-written), the
// first rows in serve.json, and the latency / TTFT / TPOT samples the summary's percentiles need.
#pragma once
#include <nlohmann/json.hpp>

#include <fstream>
#include <string>
#include <vector>

#include "sim/studies/serve_timeline.hpp"

namespace rdusim {

class ServeRecorder : public RequestSink {
 public:
  static constexpr size_t kJsonRows = 1000;  // rows listed in serve.json
  ServeRecorder(const ServeOptions& o, const Composition& comp, size_t total);
  ~ServeRecorder();  // drops the temp files of a run that failed
  void record(const RequestRecord& r) override;
  // p50/p90/p99 of latency, TTFT and TPOT over the measured requests, throughput, hit rate.
  nlohmann::json summary() const;
  const nlohmann::json& rows() const { return m_rows; }
  // Moves the per-request files into place; returns their paths.
  std::vector<std::string> commit();

 private:
  const ServeOptions& m_opt;
  const Composition& m_comp;
  size_t m_total, m_seen = 0, m_progress = 0;
  std::vector<float> m_latency_ms, m_ttft_ms, m_tpot_ms;
  uint64_t m_hits = 0, m_tokens = 0;
  double m_first_arrival_ns = 1e300, m_last_end_ns = 0.0;
  nlohmann::json m_rows = nlohmann::json::array();
  std::string m_csv_path, m_json_path;
  std::ofstream m_csv, m_json;
};

}  // namespace rdusim
