// sim/config/overrides.hpp
// `--set machine/socket/hbm/bandwidth_gbps=3600`: overrides applied to a config document before it
// is parsed, so an override is validated exactly like the file. A pointer must name an existing
// key (a typo is an error, not a new key).
#pragma once
#include <nlohmann/json.hpp>

#include <map>
#include <string>

#include "sim/core/json_reader.hpp"

namespace rdusim {

using Overrides = std::map<std::string, nlohmann::json>;  // JSON pointer -> value

// Loads `path` and applies `overrides`; errors name the file and the pointer.
JsonReader load_with_overrides(const std::string& path, const Overrides& overrides);

}  // namespace rdusim
