// sim/core/stats.hpp
// The run's one statistics registry. Modules register plain counters (by reference) or derived
// values (evaluated at dump) under their hierarchical name; the run dumps them once as nested JSON
// with unit + description. Contract: the registry must not outlive the modules it reads counters of.
#pragma once
#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <string>

namespace sc_core {
class sc_object;
}

namespace rdusim {

class StatsRegistry {
 public:
  // Live counters, read at dump time. `owner` gives the name prefix ("rdu0.hbm.ch3").
  void add(const sc_core::sc_object& owner, const std::string& name, const uint64_t& counter, const std::string& unit,
           const std::string& description);
  void add(const sc_core::sc_object& owner, const std::string& name, const double& counter, const std::string& unit,
           const std::string& description);
  void derived(const sc_core::sc_object& owner, const std::string& name, const std::string& unit,
               std::function<double()> fn, const std::string& description = "");
  // Values owned by the registry, for things that are not modules (replayed stages, a run's totals).
  // `path` is dotted ("run.decoder.q_proj.busy_ns"); accumulate adds to what is there.
  void set(const std::string& path, double value, const std::string& unit, const std::string& description = "");
  void accumulate(const std::string& path, double delta, const std::string& unit, const std::string& description = "");
  double value(const std::string& path) const;  // 0 when absent
  bool contains(const std::string& path) const { return m_entries.count(path) != 0; }

  // {"rdu0": {"hbm": {"ch3": {"bytes_read": {"value": .., "unit": "..", "description": ".."}}}}}, sorted.
  nlohmann::json dump() const;

 private:
  struct Entry {
    std::function<double()> read;
    double owned = 0.0;
    bool is_owned = false;
    std::string unit;
    std::string description;
  };
  Entry& entry(const std::string& path);
  std::map<std::string, Entry> m_entries;
};

}  // namespace rdusim
