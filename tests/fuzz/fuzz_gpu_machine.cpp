// tests/fuzz/fuzz_gpu_machine.cpp
// libFuzzer target: GPU machine config (configs/machines/dgx-*.json). Input bytes -> file -> loader.
#include "sim/config/gpu_config.hpp"
#include "tests/fuzz/fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& path = rdusim::fuzz::write_input(data, size);
  return rdusim::fuzz::expect_sim_error_only(
      [&] { (void)rdusim::parse_gpu_machine(rdusim::JsonReader::load_file(path)); });
}
