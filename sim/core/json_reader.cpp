// sim/core/json_reader.cpp
#include "sim/core/json_reader.hpp"

#include <cmath>
#include <fstream>
#include <sstream>

namespace rdusim {

JsonReader::JsonReader(std::shared_ptr<nlohmann::json> doc, const nlohmann::json* node, std::string file,
                       std::string pointer, std::shared_ptr<std::set<std::string>> read_all)
    : m_doc(std::move(doc)),
      m_node(node),
      m_file(std::move(file)),
      m_pointer(std::move(pointer)),
      m_read_all(std::move(read_all)) {
  if (!m_node->is_object()) throw SimError(m_file, m_pointer.empty() ? "/" : m_pointer, "expected an object");
}

JsonReader JsonReader::load_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw SimError(path, "", "cannot open file");
  std::stringstream buf;
  buf << in.rdbuf();
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(buf.str());
  } catch (const nlohmann::json::parse_error& e) {
    std::string msg = e.what();
    auto pos = msg.find("parse error");
    throw SimError(path, "", "malformed JSON: " + (pos == std::string::npos ? msg : msg.substr(pos)));
  }
  return from_json(std::move(doc), path);
}

JsonReader JsonReader::from_json(nlohmann::json doc, const std::string& file) {
  auto owned = std::make_shared<nlohmann::json>(std::move(doc));
  const nlohmann::json* node = owned.get();
  return JsonReader(owned, node, file, "", std::make_shared<std::set<std::string>>());
}

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
  return JsonReader(m_doc, &(*m_node)[key], m_file, path_of(key), m_read_all);
}

std::vector<JsonReader> JsonReader::array(const std::string& key) const {
  if (!has(key)) fail(key, "required key missing");
  mark(key);
  const auto& arr = (*m_node)[key];
  if (!arr.is_array()) fail(key, "expected an array");
  std::vector<JsonReader> out;
  for (size_t i = 0; i < arr.size(); ++i) {
    std::string p = path_of(key) + "/" + std::to_string(i);
    if (!arr[i].is_object()) throw SimError(m_file, p, "expected an object");
    out.push_back(JsonReader(m_doc, &arr[i], m_file, p, m_read_all));
  }
  return out;
}

std::vector<std::pair<std::string, JsonReader>> JsonReader::items() const {
  std::vector<std::pair<std::string, JsonReader>> out;
  for (auto it = m_node->begin(); it != m_node->end(); ++it) {
    if (!it.key().empty() && it.key()[0] == '_') continue;
    mark(it.key());
    if (!it.value().is_object()) fail(it.key(), "expected an object");
    out.emplace_back(it.key(), JsonReader(m_doc, &it.value(), m_file, path_of(it.key()), m_read_all));
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
  throw SimError(m_file, key.empty() ? m_pointer : path_of(key), message);
}

void require_positive(const JsonReader& r, const std::string& key, double value) {
  r.check(std::isfinite(value) && value > 0.0, key, "must be positive (got " + std::to_string(value) + ")");
}

void require_non_negative(const JsonReader& r, const std::string& key, double value) {
  r.check(std::isfinite(value) && value >= 0.0, key, "must not be negative (got " + std::to_string(value) + ")");
}

}  // namespace rdusim
