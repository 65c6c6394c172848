// sim/core/json_reader.hpp
// A view of one JSON object that knows its file and JSON pointer, records the keys read, and
// turns every mistake into a SimError naming file:/path. The only way configs are read.
#pragma once
#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "sim/core/error.hpp"

namespace rdusim {

class JsonReader {
 public:
  // Parses a file; malformed JSON or a missing file is a SimError naming the file.
  static JsonReader load_file(const std::string& path);
  // Wraps an in-memory document (tests, --set overrides); `file` names it in errors.
  static JsonReader from_json(nlohmann::json doc, const std::string& file);

  const std::string& file() const { return m_file; }
  const std::string& pointer() const { return m_pointer; }
  const nlohmann::json& raw() const { return *m_node; }
  bool has(const std::string& key) const;

  template <typename T>
  void required(const std::string& key, T& out) const {
    m_known.insert(key);
    if (!has(key)) fail(key, "required key missing");
    read_into(key, out);
  }
  template <typename T>
  void optional(const std::string& key, T& out) const {
    m_known.insert(key);
    if (has(key)) read_into(key, out);
  }
  // A nested object; missing is an error.
  JsonReader child(const std::string& key) const;
  // Declares a key as known without reading it (it is read some other way, e.g. raw()).
  void accept(const std::string& key) const {
    m_known.insert(key);
    if (has(key)) mark(key);
  }
  std::vector<JsonReader> array(const std::string& key) const;
  // For maps of named sections: every (key, object) pair, in key order.
  std::vector<std::pair<std::string, JsonReader>> items() const;

  void check(bool ok, const std::string& key, const std::string& message) const {
    if (!ok) fail(key, message);
  }
  // Keys starting with '_' (e.g. "_source") are comments and always allowed.
  void reject_unread_keys() const;
  [[noreturn]] void fail(const std::string& key, const std::string& message) const;
  std::string path_of(const std::string& key) const { return m_pointer + "/" + key; }
  // Every key read anywhere in this document so far, as JSON pointers (for docs/config.md checks).
  std::set<std::string> read_paths() const { return *m_read_all; }

 private:
  JsonReader(std::shared_ptr<nlohmann::json> doc, const nlohmann::json* node, std::string file, std::string pointer,
             std::shared_ptr<std::set<std::string>> read_all);
  template <typename T>
  void read_into(const std::string& key, T& out) const {
    mark(key);
    const auto& v = (*m_node)[key];
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
      if (!v.is_number_integer()) fail(key, "expected an integer");
      if constexpr (std::is_unsigned_v<T>) {
        if (!v.is_number_unsigned() && v.get<int64_t>() < 0) fail(key, "must not be negative");
      }
    }
    if constexpr (std::is_floating_point_v<T>) {
      if (!v.is_number()) fail(key, "expected a number");
    }
    try {
      out = v.get<T>();
    } catch (const nlohmann::json::exception&) {
      fail(key, "wrong type (" + std::string((*m_node)[key].type_name()) + ")");
    }
  }
  void mark(const std::string& key) const;

  std::shared_ptr<nlohmann::json> m_doc;
  const nlohmann::json* m_node;
  std::string m_file;
  std::string m_pointer;
  std::shared_ptr<std::set<std::string>> m_read_all;
  mutable std::set<std::string> m_read;
  mutable std::set<std::string> m_known;  // asked for, present or not
};

// Numbers: reject negative or non-finite values for fields that are physical quantities.
void require_positive(const JsonReader& r, const std::string& key, double value);
void require_non_negative(const JsonReader& r, const std::string& key, double value);

}  // namespace rdusim
