// tests/fuzz/fuzz_scenario.cpp
// libFuzzer target: `rdusim run` scenario. Input bytes -> file -> loader.
#include "sim/config/scenario.hpp"
#include "tests/fuzz/fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& path = rdusim::fuzz::write_input(data, size);
  return rdusim::fuzz::expect_sim_error_only(
      [&] { (void)rdusim::parse_scenario(rdusim::JsonReader::load_file(path)); });
}
