// sim/config/composition_loader.hpp
// Reads a composition (configs/compositions/*.json; keys in docs/config.md) and the models it
// names (from models_dir) into a Composition.
#pragma once
#include <string>

#include "sim/core/json_reader.hpp"
#include "workloads/composition.hpp"

namespace rdusim {

Composition parse_composition(const JsonReader& r, const std::string& models_dir);
Composition load_composition_file(const std::string& path, const std::string& models_dir);

}  // namespace rdusim
