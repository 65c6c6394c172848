// tests/fuzz/fuzz_model.cpp
// libFuzzer target: model config (workloads/models/*.json). Input bytes -> file -> loader.
#include "sim/config/model_loader.hpp"
#include "tests/fuzz/fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& path = rdusim::fuzz::write_input(data, size);
  return rdusim::fuzz::expect_sim_error_only([&] { (void)rdusim::parse_model(rdusim::JsonReader::load_file(path)); });
}
