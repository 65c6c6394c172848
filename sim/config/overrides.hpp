// sim/config/overrides.hpp
// How a config file becomes the document its loader parses, in two layers (as in DRAMSys):
//  1. base: a top-level `"base": "sn40l"` names a file of the same folder (`sn40l.json`) that the
//     file is laid over. Objects merge key by key; any other value (number, string, array)
//     replaces the base's. A base may have a base (at most kMaxBaseChain files); cycles are errors.
//  2. `--set machine/socket/hbm/bandwidth_gbps=3600`: overrides applied to the resolved document
//     before it is parsed, so an override is validated exactly like the file. A pointer must name
//     an existing key (a typo is an error, not a new key).
// Errors name the file that supplied the value (a key inherited from the base names the base).
#pragma once
#include <nlohmann/json.hpp>

#include <map>
#include <string>

#include "sim/core/json_reader.hpp"

namespace rdusim {

using Overrides = std::map<std::string, nlohmann::json>;  // JSON pointer -> value
inline constexpr int kMaxBaseChain = 8;

struct ResolvedDoc {
  nlohmann::json doc;           // base chain merged, overrides applied, "base" removed
  JsonReader::Origins origins;  // which file supplied which part
};
ResolvedDoc resolve_doc(const std::string& path, const Overrides& overrides = {});

// Loads `path`, resolves its base chain and applies `overrides`; errors name the file and pointer.
JsonReader load_with_overrides(const std::string& path, const Overrides& overrides);

}  // namespace rdusim
