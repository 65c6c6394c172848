// sim/core/json_reader.cpp
#include "sim/core/json_reader.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace rdusim {
namespace {

// Iterative depth scan (strings skipped, escapes honoured): a bound checked before the
// recursive-descent structures of a parsed document exist.
void check_depth(const std::string& text, const std::string& file) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth)
        throw SimError(file, "", fmt::format("JSON nested deeper than {} levels", kMaxJsonDepth));
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
}

// "[json.exception.parse_error.101] parse error at line 1, ..." -> "parse error at line 1, ...".
std::string strip_id(const std::string& msg) {
  auto pos = msg.find("] ");
  return pos == std::string::npos ? msg : msg.substr(pos + 2);
}

}  // namespace

JsonReader::JsonReader(std::shared_ptr<nlohmann::json> doc, const nlohmann::json* node, std::string file,
                       std::string pointer, std::shared_ptr<std::set<std::string>> read_all,
                       std::shared_ptr<const Origins> origins)
    : m_doc(std::move(doc)),
      m_node(node),
      m_file(std::move(file)),
      m_pointer(std::move(pointer)),
      m_read_all(std::move(read_all)),
      m_origins(std::move(origins)) {
  if (!m_node->is_object())
    throw SimError(file_of(m_pointer), m_pointer.empty() ? "/" : m_pointer, "expected an object");
}

nlohmann::json JsonReader::parse_text(const std::string& text, const std::string& file) {
  if (text.size() > kMaxJsonBytes) throw SimError(file, "", fmt::format("larger than {} bytes", kMaxJsonBytes));
  check_depth(text, file);
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw SimError(file, "", "malformed JSON: " + strip_id(e.what()));
  } catch (const nlohmann::json::exception& e) {  // e.g. out_of_range.406: number overflow parsing '1e400'
    throw SimError(file, "", "malformed JSON: " + strip_id(e.what()));
  }
}

nlohmann::json JsonReader::parse_file(const std::string& path) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > kMaxJsonBytes) throw SimError(path, "", fmt::format("larger than {} bytes", kMaxJsonBytes));
  std::ifstream in(path);
  if (!in) throw SimError(path, "", "cannot open file");
  std::stringstream buf;
  buf << in.rdbuf();
  return parse_text(buf.str(), path);
}

JsonReader JsonReader::load_file(const std::string& path) { return from_json(parse_file(path), path); }

JsonReader JsonReader::from_json(nlohmann::json doc, const std::string& file, Origins origins) {
  auto owned = std::make_shared<nlohmann::json>(std::move(doc));
  const nlohmann::json* node = owned.get();
  return JsonReader(owned, node, file, "", std::make_shared<std::set<std::string>>(),
                    std::make_shared<const Origins>(std::move(origins)));
}

JsonReader JsonReader::at(const nlohmann::json& node, std::string pointer) const {
  return JsonReader(m_doc, &node, m_file, std::move(pointer), m_read_all, m_origins);
}

std::string JsonReader::origin_of(const Origins& origins, const std::string& pointer, const std::string& fallback) {
  if (origins.empty()) return fallback;
  for (std::string p = pointer;;) {
    auto it = origins.find(p);
    if (it != origins.end()) return it->second;
    if (p.empty()) return fallback;
    auto slash = p.rfind('/');
    p = slash == std::string::npos ? "" : p.substr(0, slash);
  }
}

std::string JsonReader::file_of(const std::string& pointer) const { return origin_of(*m_origins, pointer, m_file); }

bool JsonReader::has(const std::string& key) const { return m_node->contains(key); }

void JsonReader::mark(const std::string& key) const {
  m_known.insert(key);
  m_read.insert(key);
  m_read_all->insert(path_of(key));
}

JsonReader JsonReader::child(const std::string& key) const {
  if (!has(key)) fail(key, "required key missing");
  mark(key);
  if (!(*m_node)[key].is_object()) fail(key, "expected an object");
  return at((*m_node)[key], path_of(key));
}

std::vector<JsonReader> JsonReader::array(const std::string& key) const {
  if (!has(key)) fail(key, "required key missing");
  mark(key);
  const auto& arr = (*m_node)[key];
  if (!arr.is_array()) fail(key, "expected an array");
  std::vector<JsonReader> out;
  for (size_t i = 0; i < arr.size(); ++i) {
    std::string p = path_of(key) + "/" + std::to_string(i);
    if (!arr[i].is_object()) throw SimError(file_of(p), p, "expected an object");
    out.push_back(at(arr[i], p));
  }
  return out;
}

std::vector<std::pair<std::string, JsonReader>> JsonReader::items() const {
  std::vector<std::pair<std::string, JsonReader>> out;
  for (auto it = m_node->begin(); it != m_node->end(); ++it) {
    if (!it.key().empty() && it.key()[0] == '_') continue;
    mark(it.key());
    if (!it.value().is_object()) fail(it.key(), "expected an object");
    out.emplace_back(it.key(), at(it.value(), path_of(it.key())));
  }
  return out;
}

void JsonReader::reject_unread_keys() const {
  for (auto it = m_node->begin(); it != m_node->end(); ++it) {
    const std::string& k = it.key();
    if (!k.empty() && k[0] == '_') continue;
    if (m_read.count(k)) continue;
    std::string known;
    for (const auto& r : m_known) known += (known.empty() ? "" : ", ") + r;
    fail(k, "unknown key (known: " + known + ")");
  }
}

void JsonReader::fail(const std::string& key, const std::string& message) const {
  std::string where = key.empty() ? m_pointer : path_of(key);
  throw SimError(file_of(where), where, message);
}

void require_positive(const JsonReader& r, const std::string& key, double value) {
  r.check(std::isfinite(value) && value > 0.0, key, "must be positive (got " + std::to_string(value) + ")");
}

void require_non_negative(const JsonReader& r, const std::string& key, double value) {
  r.check(std::isfinite(value) && value >= 0.0, key, "must not be negative (got " + std::to_string(value) + ")");
}

}  // namespace rdusim
