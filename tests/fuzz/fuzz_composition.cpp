// tests/fuzz/fuzz_composition.cpp
// libFuzzer target: composition (configs/compositions/*.json); model names resolve in workloads/models. Input bytes ->
// file -> loader.
#include "sim/config/composition_loader.hpp"
#include "sim/config/scenario.hpp"
#include "tests/fuzz/fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& path = rdusim::fuzz::write_input(data, size);
  return rdusim::fuzz::expect_sim_error_only([&] {
    (void)rdusim::parse_composition(rdusim::JsonReader::load_file(path), rdusim::project_root() + "/workloads/models");
  });
}
