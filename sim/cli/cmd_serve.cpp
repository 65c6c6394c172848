// sim/cli/cmd_serve.cpp
// `rdusim serve`: options -> ServeOptions -> run_serve (sim/studies/serve.cpp).
#include "sim/cli/args.hpp"
#include "sim/cli/commands.hpp"
#include "sim/studies/serve.hpp"

namespace rdusim {

int cmd_serve(const std::vector<std::string>& args) {
  ServeOptions o;
  o.count = 16;  // serve.cpp reads 0 as 16
  ArgTable t("serve",
             "[--composition C] [--batch N | --poisson RATE [--count N] | --requests TRACE.json] [--input N] "
             "[--output N] [--seed S] [--trace FILE] [--out DIR]",
             "Serves a Composition of Experts on the RDU node on one simulated timeline.");
  t.text("--machine", "M", "a name in configs/machines or a path", &o.machine);
  t.text("--composition", "C", "a name in configs/compositions or a path", &o.composition);
  t.uint("--batch", "N", "prompts at t = 0 (batch mode)", &o.batch, 1, 4096);
  t.real("--poisson", "RATE", "requests per second of a seeded Poisson stream (stream mode)", &o.rate_per_s, 1e-6, 1e9);
  t.uint("--count", "N", "requests in the Poisson stream", &o.count, 1, 100000);
  t.text("--requests", "TRACE.json", "requests from a trace file (stream mode)", &o.requests);
  t.uint("--input", "N", "prompt tokens per request", &o.input, 1, 1u << 20);
  t.uint("--output", "N", "generated tokens per request", &o.output, 1, 1u << 20);
  t.uint("--seed", "S", "seed of the router and the stream", &o.seed, 0, UINT64_MAX);
  t.text("--trace", "FILE", "Perfetto trace", &o.trace);
  t.text("--out", "DIR", "output folder (serve.json)", &o.out_dir);
  if (!t.parse(args)) return 0;
  return run_serve(o);
}

}  // namespace rdusim
