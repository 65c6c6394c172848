// sim/config/requests_loader.hpp
// Reads a request trace: a JSON list of {"arrival_us", "input_tokens", "output_tokens", "id"?}
// in non-decreasing arrival order (keys in docs/config.md).
#pragma once
#include <string>
#include <vector>

#include "workloads/requests.hpp"

namespace rdusim {

std::vector<Request> load_trace_file(const std::string& path);
std::vector<Request> parse_trace(const std::string& text, const std::string& file);

}  // namespace rdusim
