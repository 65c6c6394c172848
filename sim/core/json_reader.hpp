// sim/core/json_reader.hpp
// A view of one JSON object that knows its file and JSON pointer, records the keys read, and
// turns every mistake into a SimError naming file:/path. The only way configs are read.
// Every JSON input is bounded before it is parsed: at most kMaxJsonBytes bytes and kMaxJsonDepth
// levels of nesting (checked by an iterative scan, so no input can overflow the stack). Numbers are
// read without wrapping or rounding into the target type, and must be finite.
#pragma once
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "sim/core/error.hpp"

namespace rdusim {

inline constexpr uint64_t kMaxJsonBytes = 64ull << 20;
inline constexpr int kMaxJsonDepth = 64;

class JsonReader {
 public:
  // JSON pointer -> file that supplied the value there (layered configs: a base file and the file
  // over it). An error names the file of the longest prefix of its pointer; empty: `file`.
  using Origins = std::map<std::string, std::string>;

  // Parses a file; malformed JSON, a number out of range, too deep or too large input, or a missing
  // file is a SimError naming the file.
  static JsonReader load_file(const std::string& path);
  static nlohmann::json parse_file(const std::string& path);
  // Parses text with the same bounds; `file` names it in errors.
  static nlohmann::json parse_text(const std::string& text, const std::string& file);
  // Wraps an in-memory document (tests, --set overrides); `file` names it in errors.
  static JsonReader from_json(nlohmann::json doc, const std::string& file, Origins origins = {});

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
  // Numbers with a range: "must be in [lo, hi] (got v)". The optional form checks the default too.
  template <typename T>
  void required_in(const std::string& key, T& out, std::type_identity_t<T> lo, std::type_identity_t<T> hi) const {
    required(key, out);
    check_range(key, out, lo, hi);
  }
  template <typename T>
  void optional_in(const std::string& key, T& out, std::type_identity_t<T> lo, std::type_identity_t<T> hi) const {
    optional(key, out);
    check_range(key, out, lo, hi);
  }
  template <typename T>
  void check_range(const std::string& key, T value, std::type_identity_t<T> lo, std::type_identity_t<T> hi) const {
    if (!(value >= lo && value <= hi)) fail(key, fmt::format("must be in [{}, {}] (got {})", lo, hi, value));
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
  // The file that supplied the value at `pointer` (see Origins).
  std::string file_of(const std::string& pointer) const;
  static std::string origin_of(const Origins& origins, const std::string& pointer, const std::string& fallback);
  // Every key read anywhere in this document so far, as JSON pointers (for docs/config.md checks).
  std::set<std::string> read_paths() const { return *m_read_all; }

 private:
  JsonReader(std::shared_ptr<nlohmann::json> doc, const nlohmann::json* node, std::string file, std::string pointer,
             std::shared_ptr<std::set<std::string>> read_all, std::shared_ptr<const Origins> origins);
  JsonReader at(const nlohmann::json& node, std::string pointer) const;
  template <typename T>
  void read_into(const std::string& key, T& out) const {
    mark(key);
    const auto& v = (*m_node)[key];
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
      read_integer(key, v, out);
    } else if constexpr (std::is_floating_point_v<T>) {
      if (!v.is_number()) fail(key, "expected a number");
      double d = v.get<double>();
      if (!std::isfinite(d)) fail(key, "must be finite");
      out = T(d);
    } else {
      try {
        out = v.get<T>();
      } catch (const nlohmann::json::exception&) {
        fail(key, "wrong type (" + std::string(v.type_name()) + ")");
      }
    }
  }
  // Integers are range-checked in 64 bits before narrowing: 4294967297 is no uint32_t.
  template <typename T>
  void read_integer(const std::string& key, const nlohmann::json& v, T& out) const {
    if (!v.is_number_integer()) fail(key, "expected an integer");
    constexpr auto kMax = std::numeric_limits<T>::max();
    constexpr auto kMin = std::numeric_limits<T>::min();
    if (v.is_number_unsigned()) {
      uint64_t u = v.get<uint64_t>();
      if (u > uint64_t(kMax)) fail(key, fmt::format("must be at most {} (got {})", kMax, u));
      out = T(u);
      return;
    }
    int64_t s = v.get<int64_t>();
    if constexpr (std::is_unsigned_v<T>) {
      if (s < 0) fail(key, "must not be negative");
      if (uint64_t(s) > uint64_t(kMax)) fail(key, fmt::format("must be at most {} (got {})", kMax, s));
    } else {
      if (s < int64_t(kMin) || s > int64_t(kMax)) fail(key, fmt::format("must be in [{}, {}] (got {})", kMin, kMax, s));
    }
    out = T(s);
  }
  void mark(const std::string& key) const;

  std::shared_ptr<nlohmann::json> m_doc;
  const nlohmann::json* m_node;
  std::string m_file;
  std::string m_pointer;
  std::shared_ptr<std::set<std::string>> m_read_all;
  std::shared_ptr<const Origins> m_origins;
  mutable std::set<std::string> m_read;
  mutable std::set<std::string> m_known;  // asked for, present or not
};

// Numbers: reject negative or non-finite values for fields that are physical quantities.
void require_positive(const JsonReader& r, const std::string& key, double value);
void require_non_negative(const JsonReader& r, const std::string& key, double value);

}  // namespace rdusim
