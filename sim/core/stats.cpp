// sim/core/stats.cpp
#include "sim/core/stats.hpp"

#include <systemc>

#include "sim/core/error.hpp"

namespace rdusim {
namespace {
std::string join(const sc_core::sc_object& owner, const std::string& name) {
  return std::string(owner.name()) + "." + name;
}
}  // namespace

StatsRegistry::Entry& StatsRegistry::entry(const std::string& path) {
  auto [it, inserted] = m_entries.try_emplace(path);
  (void)inserted;
  return it->second;
}

void StatsRegistry::add(const sc_core::sc_object& owner, const std::string& name, const uint64_t& counter,
                        const std::string& unit, const std::string& description) {
  const uint64_t* p = &counter;
  derived(
      owner, name, unit, [p] { return static_cast<double>(*p); }, description);
}

void StatsRegistry::add(const sc_core::sc_object& owner, const std::string& name, const double& counter,
                        const std::string& unit, const std::string& description) {
  const double* p = &counter;
  derived(
      owner, name, unit, [p] { return *p; }, description);
}

void StatsRegistry::derived(const sc_core::sc_object& owner, const std::string& name, const std::string& unit,
                            std::function<double()> fn, const std::string& description) {
  Entry& e = entry(join(owner, name));
  e.read = std::move(fn);
  e.is_owned = false;
  e.unit = unit;
  e.description = description;
}

void StatsRegistry::set(const std::string& path, double value, const std::string& unit,
                        const std::string& description) {
  Entry& e = entry(path);
  e.is_owned = true;
  e.owned = value;
  e.unit = unit;
  if (!description.empty()) e.description = description;
}

void StatsRegistry::accumulate(const std::string& path, double delta, const std::string& unit,
                               const std::string& description) {
  Entry& e = entry(path);
  e.is_owned = true;
  e.owned += delta;
  e.unit = unit;
  if (!description.empty()) e.description = description;
}

double StatsRegistry::value(const std::string& path) const {
  auto it = m_entries.find(path);
  if (it == m_entries.end()) return 0.0;
  return it->second.is_owned ? it->second.owned : it->second.read();
}

nlohmann::json StatsRegistry::dump() const {
  nlohmann::json root = nlohmann::json::object();
  for (const auto& [path, e] : m_entries) {
    nlohmann::json* node = &root;
    size_t start = 0;
    while (true) {
      size_t dot = path.find('.', start);
      std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
      node = &(*node)[part];
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    double v = e.is_owned ? e.owned : e.read();
    (*node)["value"] = v;
    (*node)["unit"] = e.unit;
    (*node)["description"] = e.description;
  }
  return root;
}

}  // namespace rdusim
