// workloads/requests.cpp
#include "workloads/requests.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <sstream>

#include "sim/core/json_reader.hpp"
#include "workloads/random.hpp"

namespace rdusim {

std::vector<Request> make_batch(uint32_t batch, UseCase use_case) {
  std::vector<Request> out;
  for (uint32_t i = 0; i < batch; ++i) out.push_back({i, 0.0, use_case.input_tokens, use_case.output_tokens});
  return out;
}

std::vector<Request> poisson_stream(const PoissonStreamParams& p) {
  if (!(std::isfinite(p.rate_per_s) && p.rate_per_s > 0.0)) {
    throw SimError("", "poisson_stream", fmt::format("rate_per_s must be positive (got {})", p.rate_per_s));
  }
  const double mean_us = 1e6 / p.rate_per_s;
  std::mt19937_64 rng(p.seed);
  std::vector<Request> out;
  out.reserve(p.count);
  double t = p.start_us;
  for (uint32_t i = 0; i < p.count; ++i) {
    t += exponential(rng, mean_us);
    out.push_back({i, t, p.use_case.input_tokens, p.use_case.output_tokens});
  }
  return out;
}

std::vector<Request> parse_trace(const std::string& text, const std::string& file) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    std::string msg = e.what();
    auto pos = msg.find("parse error");
    throw SimError(file, "", "malformed JSON: " + (pos == std::string::npos ? msg : msg.substr(pos)));
  }
  if (!doc.is_array()) throw SimError(file, "/", "expected a list of requests");
  std::vector<Request> out;
  for (size_t i = 0; i < doc.size(); ++i) {
    // Each element gets its own reader; its errors are re-rooted at /<index>.
    try {
      // Moved, not copied: a copy recurses once per nesting level (a deeply nested element overflowed
      // the stack before the reader could refuse it).
      JsonReader r = JsonReader::from_json(std::move(doc[i]), file);
      Request q;
      q.id = i;
      r.optional("id", q.id);
      r.required("arrival_us", q.arrival_us);
      r.required("input_tokens", q.input_tokens);
      r.required("output_tokens", q.output_tokens);
      require_non_negative(r, "arrival_us", q.arrival_us);
      r.check(out.empty() || q.arrival_us >= out.back().arrival_us, "arrival_us",
              "arrivals must not decrease (previous request arrives later)");
      r.check(q.input_tokens >= 1, "input_tokens", "must be at least 1");
      r.check(q.output_tokens >= 1, "output_tokens", "must be at least 1");
      r.reject_unread_keys();
      out.push_back(q);
    } catch (const SimError& e) {
      std::string where = e.where() == "/" ? "" : e.where();
      throw SimError(file, "/" + std::to_string(i) + where, e.what());
    }
  }
  return out;
}

std::vector<Request> load_trace_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw SimError(path, "", "cannot open file");
  std::stringstream buf;
  buf << in.rdbuf();
  return parse_trace(buf.str(), path);
}

}  // namespace rdusim
