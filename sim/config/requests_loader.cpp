// sim/config/requests_loader.cpp
// The only place that knows the JSON shape of a request trace (`serve --requests`).
#include "sim/config/requests_loader.hpp"

#include <fstream>
#include <sstream>

#include "sim/core/json_reader.hpp"

namespace rdusim {

std::vector<Request> parse_trace(const std::string& text, const std::string& file) {
  nlohmann::json doc = JsonReader::parse_text(text, file);
  if (!doc.is_array()) throw SimError(file, "/", "expected a list of requests");
  std::vector<Request> out;
  for (size_t i = 0; i < doc.size(); ++i) {
    // Each element gets its own reader; its errors are re-rooted at /<index>.
    try {
      JsonReader r = JsonReader::from_json(std::move(doc[i]), file);
      Request q;
      q.id = i;
      r.optional("id", q.id);
      r.required("arrival_us", q.arrival_us);
      r.required("input_tokens", q.input_tokens);
      r.required("output_tokens", q.output_tokens);
      r.optional("expert", q.expert);
      require_non_negative(r, "arrival_us", q.arrival_us);
      r.check(out.empty() || q.arrival_us >= out.back().arrival_us, "arrival_us",
              "arrivals must not decrease (previous request arrives later)");
      r.check(q.input_tokens >= 1, "input_tokens", "must be at least 1");
      r.check(q.output_tokens >= 1, "output_tokens", "must be at least 1");
      r.check_range("arrival_us", q.arrival_us, 0.0, 1e11);  // 28 hours; in ns far inside sc_time
      r.check_range("input_tokens", q.input_tokens, 1, 1u << 20);
      r.check_range("output_tokens", q.output_tokens, 1, 1u << 20);
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
  return parse_trace(buf.str(), path);  // parse_text bounds the size and depth
}

}  // namespace rdusim
