// tests/fuzz/fuzz_overrides.cpp
// libFuzzer target: `--set POINTER=VALUE` overrides on the shipped configs/machines/sn40l.json.
// Each input line is one override; VALUE is JSON when it parses, else a string (as the CLI does).
// The first byte picks the machine file (RDU or GPU), so both parsers see overridden documents.
#include <nlohmann/json.hpp>

#include <sstream>

#include "sim/config/gpu_config.hpp"
#include "sim/config/machine_config.hpp"
#include "sim/config/overrides.hpp"
#include "sim/config/scenario.hpp"
#include "tests/fuzz/fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const bool gpu = data[0] & 1;
  std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  rdusim::Overrides set;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string value = line.substr(eq + 1);
    nlohmann::json v = nlohmann::json::parse(value, nullptr, false);
    if (v.is_discarded()) v = value;
    set[line.substr(0, eq)] = v;
  }
  const std::string root = rdusim::project_root() + "/configs/machines/";
  return rdusim::fuzz::expect_sim_error_only([&] {
    if (gpu)
      (void)rdusim::parse_gpu_machine(rdusim::load_with_overrides(root + "dgx-h100.json", set));
    else
      (void)rdusim::parse_machine(rdusim::load_with_overrides(root + "sn40l.json", set));
  });
}
