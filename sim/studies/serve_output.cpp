// sim/studies/serve_output.cpp
#include "sim/studies/serve_output.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <unistd.h>

#include "sim/core/error.hpp"

namespace rdusim {

ServeRecorder::ServeRecorder(const ServeOptions& o, const Composition& comp, size_t total)
    : m_opt(o), m_comp(comp), m_total(total) {
  size_t measured = total > o.warmup ? total - o.warmup : 0;
  m_latency_ms.reserve(measured);
  m_ttft_ms.reserve(measured);
  m_tpot_ms.reserve(measured);
  if (!o.write_files) return;
  std::filesystem::create_directories(o.out_dir);
  m_csv_path = o.out_dir + "/serve_requests.csv";
  m_json_path = o.out_dir + "/serve_requests.json";
  m_csv.open(m_csv_path + ".tmp");
  m_json.open(m_json_path + ".tmp");
  if (!m_csv || !m_json) throw SimError(o.out_dir, "", "cannot write the per-request files");
  m_csv << "id,arrival_ms,expert,hit,batch,start_ms,latency_ms,ttft_ms,tpot_ms,output_tokens\n";
  m_json << "[";
}

ServeRecorder::~ServeRecorder() {
  if (!m_csv.is_open()) return;
  m_csv.close();
  m_json.close();
  std::error_code ec;
  std::filesystem::remove(m_csv_path + ".tmp", ec);
  std::filesystem::remove(m_json_path + ".tmp", ec);
}

void ServeRecorder::record(const RequestRecord& r) {
  double latency = (r.end_ns - r.arrival_ns) / 1e6, ttft = (r.first_token_ns - r.arrival_ns) / 1e6;
  double tpot = r.output > 1 ? (r.end_ns - r.first_token_ns) / 1e6 / (r.output - 1) : 0.0;
  const std::string& expert = m_comp.instances.at(r.expert).name;
  if (r.index >= m_opt.warmup) {
    m_latency_ms.push_back(float(latency));
    m_ttft_ms.push_back(float(ttft));
    if (r.output > 1) m_tpot_ms.push_back(float(tpot));
    m_hits += r.hit;
    m_tokens += r.output;
    m_first_arrival_ns = std::min(m_first_arrival_ns, r.arrival_ns);
    m_last_end_ns = std::max(m_last_end_ns, r.end_ns);
  }
  nlohmann::json row = {{"id", r.id},
                        {"arrival_ms", r.arrival_ns / 1e6},
                        {"expert", expert},
                        {"hit", r.hit},
                        {"batch", r.batch},
                        {"latency_ms", latency},
                        {"ttft_ms", ttft},
                        {"tpot_ms", tpot},
                        {"output_tokens", r.output}};
  if (m_rows.size() < kJsonRows) m_rows.push_back(row);
  if (m_csv.is_open()) {
    m_csv << fmt::format("{},{:.6f},{},{},{},{:.6f},{:.6f},{:.6f},{:.6f},{}\n", r.id, r.arrival_ns / 1e6, expert,
                         r.hit ? 1 : 0, r.batch, r.start_ns / 1e6, latency, ttft, tpot, r.output);
    m_json << (m_seen ? ",\n" : "\n") << row.dump();
  }
  ++m_seen;
  if (m_opt.progress && m_total >= 100 && isatty(2) && m_seen * 50 / m_total > m_progress) {
    m_progress = m_seen * 50 / m_total;
    std::cerr << fmt::format("\rserve [{:<50}] {}/{}", std::string(m_progress, '#'), m_seen, m_total)
              << (m_seen == m_total ? "\n" : "") << std::flush;
  }
}

namespace {

nlohmann::json percentiles(std::vector<float> v) {
  if (v.empty()) return nullptr;
  std::sort(v.begin(), v.end());
  auto at = [&](double p) { return double(v[size_t(std::max(1.0, std::ceil(p / 100.0 * v.size()))) - 1]); };
  double sum = 0;
  for (float x : v) sum += x;
  return {{"mean", sum / v.size()}, {"p50", at(50)}, {"p90", at(90)}, {"p99", at(99)}, {"max", double(v.back())}};
}

}  // namespace

nlohmann::json ServeRecorder::summary() const {
  size_t n = m_latency_ms.size();
  double span_s = n ? (m_last_end_ns - m_first_arrival_ns) / 1e9 : 0.0;
  return {{"requests", m_seen},
          {"measured", n},
          {"warmup", std::min<size_t>(m_opt.warmup, m_seen)},
          {"latency_ms", percentiles(m_latency_ms)},
          {"ttft_ms", percentiles(m_ttft_ms)},
          {"tpot_ms", percentiles(m_tpot_ms)},
          {"request_hit_rate", n ? double(m_hits) / n : 0.0},
          {"throughput_requests_per_s", span_s > 0 ? n / span_s : 0.0},
          {"throughput_tokens_per_s", span_s > 0 ? m_tokens / span_s : 0.0}};
}

std::vector<std::string> ServeRecorder::commit() {
  if (!m_csv.is_open()) return {};
  m_json << "\n]\n";
  m_csv.close();
  m_json.close();
  if (!m_csv || !m_json) throw SimError(m_csv_path, "", "write failed");
  std::filesystem::rename(m_csv_path + ".tmp", m_csv_path);
  std::filesystem::rename(m_json_path + ".tmp", m_json_path);
  return {m_csv_path, m_json_path};
}

}  // namespace rdusim
