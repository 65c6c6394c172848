// sim/core/registry.hpp
// An explicit name -> factory table for a variant family (topologies, collective algorithms, DRAM
// arbiters). A table is greppable and links from a static archive, unlike self-registration from
// static initializers (STYLE.md section 4).
#pragma once
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "sim/core/error.hpp"

namespace rdusim {

template <typename Base, typename... Args>
class Registry {
 public:
  using Factory = std::function<std::unique_ptr<Base>(Args...)>;
  Registry(std::initializer_list<std::pair<const std::string, Factory>> entries) : m_table(entries) {}

  bool contains(const std::string& name) const { return m_table.count(name) != 0; }
  // "full_mesh, ring, switch": the known names in sorted order.
  std::string known() const {
    std::string s;
    for (const auto& [name, factory] : m_table) s += (s.empty() ? "" : ", ") + name;
    return s;
  }
  // Contract: an unknown name is a SimError "unknown \"x\" (known: a, b)" with no location; a loader
  // that catches it re-raises it at the config key that holds the name.
  std::unique_ptr<Base> create(const std::string& name, Args... args) const {
    auto it = m_table.find(name);
    if (it == m_table.end()) throw SimError("", "", "unknown \"" + name + "\" (known: " + known() + ")");
    return it->second(std::forward<Args>(args)...);
  }

 private:
  std::map<std::string, Factory> m_table;
};

}  // namespace rdusim
