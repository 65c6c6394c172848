// tests/fuzz/fuzz_trace.cpp
// libFuzzer target: a requests trace (`rdusim serve --requests FILE`), parsed from the text.
#include "sim/config/requests_loader.hpp"
#include "tests/fuzz/fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  return rdusim::fuzz::expect_sim_error_only([&] { (void)rdusim::parse_trace(text, "<fuzz>"); });
}
