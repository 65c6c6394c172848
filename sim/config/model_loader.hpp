// sim/config/model_loader.hpp
// Reads a model file (workloads/models/*.json; keys in docs/config.md) into a ModelConfig.
#pragma once
#include <string>

#include "sim/core/json_reader.hpp"
#include "workloads/model_config.hpp"

namespace rdusim {

ModelConfig parse_model(const JsonReader& r);
ModelConfig load_model_file(const std::string& path);

}  // namespace rdusim
