// sim/studies/serve.hpp
// A Composition of Experts served on an RDU node on one simulated timeline (sim/studies/serve.cpp).
// The command line (sim/cli/cmd_serve.cpp) fills ServeOptions; run_serve does the rest.
#pragma once
#include <cstdint>
#include <string>

namespace rdusim {

struct ServeOptions {
  std::string machine = "sn40l-8", composition = "samba-coe-150", trace, out_dir = "out", requests;
  uint32_t tp = 8, batch = 8, input = 128, output = 20, count = 0;  // tp: set from the machine
  double rate_per_s = 0.0;
  uint64_t seed = 1;
};

// Serves the requests, writes out_dir/serve.json (and the trace), prints the table. Returns 0.
int run_serve(ServeOptions o);

}  // namespace rdusim
