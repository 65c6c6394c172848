// tests/fuzz/fuzz_common.hpp
// Shared by the libFuzzer targets (tests/fuzz/fuzz_<loader>.cpp, built with -DRDUSIM_FUZZ=ON by
// scripts/fuzz.sh). Each target feeds the input bytes to one loader exactly as the CLI does (through
// a file, so JsonReader::load_file's own parsing is fuzzed too). A SimError is the expected outcome of
// bad input; any other exception escapes and libFuzzer reports it (as a crash, like a signal, a hang
// past -timeout or a sanitizer report).
#pragma once
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <unistd.h>

#include "sim/core/error.hpp"

namespace rdusim::fuzz {

// One scratch file per process (libFuzzer -jobs/-fork runs several processes).
inline const std::string& scratch_path(const char* ext = ".json") {
  static const std::string path = "/tmp/rdusim_fuzz_" + std::to_string(::getpid()) + ext;
  return path;
}

inline const std::string& write_input(const uint8_t* data, size_t size) {
  const std::string& path = scratch_path();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return path;
}

// Runs `body`; a SimError is an expected rejection, anything else propagates to libFuzzer.
template <typename F>
int expect_sim_error_only(F&& body) {
  try {
    body();
  } catch (const SimError& e) {
    // The one-line contract: a message must not contain a newline. Reported once per process (not
    // a crash, so the run goes on looking for crashes); scripts/fuzz.sh counts these lines.
    static bool reported = false;
    if (!reported && e.one_line().find('\n') != std::string::npos) {
      reported = true;
      std::fprintf(stderr, "RDUSIM-FINDING multi-line SimError: %s\n", e.one_line().c_str());
    }
  }
  return 0;
}

}  // namespace rdusim::fuzz
