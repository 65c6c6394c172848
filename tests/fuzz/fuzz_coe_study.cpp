// tests/fuzz/fuzz_coe_study.cpp
// libFuzzer target: CoE experiment (configs/experiments/coe.json). Input bytes -> file -> loader.
#include "sim/studies/coe_study.hpp"
#include "tests/fuzz/fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& path = rdusim::fuzz::write_input(data, size);
  return rdusim::fuzz::expect_sim_error_only([&] { (void)rdusim::load_coe_study(path); });
}
