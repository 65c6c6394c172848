// sim/cli/cmd_serve.cpp
// `rdusim serve`: options -> ServeOptions -> run_serve (sim/studies/serve.hpp) -> a summary on
// stdout; the output folder is one OutputSet (all or nothing).
#include <fmt/format.h>

#include <iostream>
#include <optional>

#include "sim/cli/args.hpp"
#include "sim/cli/commands.hpp"
#include "sim/core/atomic_file.hpp"
#include "sim/core/json_reader.hpp"
#include "sim/studies/serve.hpp"

namespace rdusim {
namespace {

struct ServeArgs {
  ServeOptions o;
  std::string popularity = "router", policy = "sequential";
  std::vector<std::string> sets;
  bool no_reuse = false;
};

ArgTable serve_table(ServeArgs& a) {
  ServeOptions& o = a.o;
  ArgTable t("serve",
             "[--machine M] [--composition C] [--batch N | --poisson RATE [--count N] | --requests TRACE.json] "
             "[options]",
             "Serves a Composition of Experts on an SN40L node or a DGX on one simulated timeline.");
  t.text("--machine", "M", "a name in configs/machines or a path (sn40l-8, dgx-a100, dgx-h100)", &o.machine);
  t.text("--composition", "C", "a name in configs/compositions or a path", &o.composition);
  t.uint("--experts", "N", "resize the composition's expert group to N experts (0 = as in the file)", &o.experts, 0,
         100000);
  t.text("--load-mode", "MODE", "DGX expert loading: paper (one PCIe pipe) | per-gpu", &o.load_mode);
  t.uint("--batch", "N", "prompts at t = 0 (batch mode)", &o.batch, 1, 4096);
  t.real("--poisson", "RATE", "requests per second of a seeded Poisson stream (stream mode)", &o.rate_per_s, 1e-6, 1e9);
  o.count = 16;  // run_serve reads 0 as 16; shown as the default here
  t.uint("--count", "N", "requests in the Poisson stream or the closed loop", &o.count, 1, 10000000);
  t.text("--requests", "TRACE.json", "requests from a trace file (stream mode)", &o.requests);
  t.flag("--closed-loop", "each request arrives when the previous one completes", &o.closed_loop);
  t.uint("--input", "N", "prompt tokens per request", &o.input, 1, 1u << 20);
  t.uint("--output", "N", "generated tokens per request", &o.output, 1, 1u << 20);
  t.uint("--seed", "S", "seed of the router and the stream", &o.seed, 0, UINT64_MAX);
  t.text("--popularity", "P", "expert popularity: router | uniform | zipf | trace", &a.popularity);
  t.real("--zipf", "S", "Zipf exponent (implies --popularity zipf)", &o.zipf_s, 1e-3, 10.0);
  t.text("--policy", "P", "sequential (the paper's) | batch (queued requests of one expert together)", &a.policy);
  t.uint("--max-batch", "N", "batch policy: requests of one expert served together", &o.max_batch, 1, 4096);
  t.uint("--router-max-batch", "N", "prompts per router pass", &o.router_max_batch, 1, 4096);
  t.flag("--prefetch", "switch the next queued request's expert in while one runs", &o.prefetch);
  t.flag("--preload", "start with HBM filled with experts (warm residency)", &o.preload);
  t.uint("--warmup", "N", "first requests served but left out of the summary", &o.warmup, 0, 10000000);
  t.uint("--context-bucket", "TOKENS", "decode steps within one context bucket share one timing",
         &o.context_bucket_tokens, 1, 1u << 20);
  t.flag("--no-reuse", "simulate every step in detail (accuracy checks; slow)", &a.no_reuse);
  t.text("--step-cache", "SERVE.json", "seed step timings from an earlier run's serve.json", &o.step_cache_in);
  t.repeated("--set", "machine/POINTER=VALUE", "override a key of the machine file", &a.sets);
  t.text("--trace", "FILE", "Perfetto trace (inside DIR: written with the set)", &o.trace);
  t.uint("--trace-limit", "N", "requests traced", &o.trace_limit, 0, 1000000);
  t.text("--out", "DIR", "output folder (serve.json, serve_requests.csv/.json), replaced as a whole", &o.out_dir);
  return t;
}

void finish_options(ServeArgs& a, const ArgTable& t) {
  ServeOptions& o = a.o;
  o.progress = true;
  o.reuse = !a.no_reuse;
  if (t.given("--zipf") && a.popularity == "router") a.popularity = "zipf";
  static const std::pair<const char*, Popularity> kPop[] = {{"router", Popularity::kRouter},
                                                            {"uniform", Popularity::kUniform},
                                                            {"zipf", Popularity::kZipf},
                                                            {"trace", Popularity::kTrace}};
  bool known = false;
  for (const auto& [name, p] : kPop)
    if (a.popularity == name) o.popularity = p, known = true;
  if (!known)
    throw SimError("<command line>", "--popularity",
                   "unknown \"" + a.popularity + "\" (known: router, uniform, zipf, trace)");
  if (a.policy != "sequential" && a.policy != "batch")
    throw SimError("<command line>", "--policy", "unknown \"" + a.policy + "\" (known: sequential, batch)");
  o.policy = a.policy == "batch" || t.given("--max-batch") ? BatchPolicy::kBatch : BatchPolicy::kSequential;
  for (const auto& kv : a.sets) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || kv.rfind("machine/", 0) != 0)
      throw SimError("<command line>", "--set", "expects machine/POINTER=VALUE, got \"" + kv + "\"");
    std::string v = kv.substr(eq + 1);
    nlohmann::json val;
    if (!v.empty() && (v.front() == '[' || v.front() == '{'))
      val = JsonReader::parse_text(v, "<command line>:--set");
    else
      val = nlohmann::json::parse(v, nullptr, false);
    o.machine_set[kv.substr(7, eq - 7)] = val.is_discarded() ? nlohmann::json(v) : val;
  }
}

std::string percentiles(const nlohmann::json& p) {
  return p.is_null() ? std::string("-")
                     : fmt::format("p50 {:.3f} / p90 {:.3f} / p99 {:.3f}", p["p50"].get<double>(),
                                   p["p90"].get<double>(), p["p99"].get<double>());
}

void print_summary(const nlohmann::json& r, const ServeOptions& o, const std::string& trace) {
  const auto& s = r["summary"];
  std::cout << fmt::format(
      "serve {} on {} ({}, {}): {} requests, {:.3f} ms in all, {} switches ({:.1f} GB), HBM hit rate {:.3f}\n"
      "  latency ms {}\n  TTFT ms    {}\n  TPOT ms    {}\n  throughput {:.2f} requests/s, {:.1f} tokens/s\n",
      r["composition"].get<std::string>(), r["machine"].get<std::string>(), r["mode"].get<std::string>(),
      r["policy"].get<std::string>(), s["requests"].get<size_t>(), r["total_ms"].get<double>(),
      r["switches"].get<uint64_t>(), r["bytes_switched"].get<double>() / 1e9, r["hbm_hit_rate"].get<double>(),
      percentiles(s["latency_ms"]), percentiles(s["ttft_ms"]), percentiles(s["tpot_ms"]),
      s["throughput_requests_per_s"].get<double>(), s["throughput_tokens_per_s"].get<double>());
  std::cout << "wrote " << o.out_dir << "/serve.json, serve_requests.csv, serve_requests.json"
            << (trace.empty() ? "" : ", " + trace) << "\n";
}

}  // namespace

int cmd_serve(const std::vector<std::string>& args) {
  ServeArgs a;
  ArgTable table = serve_table(a);
  if (!table.parse(args)) return 0;
  finish_options(a, table);
  ServeOptions run = a.o;
  std::optional<OutputSet> set;
  if (!a.o.out_dir.empty()) {
    set.emplace(a.o.out_dir);
    run.out_dir = set->staging_dir();
    run.trace = set->redirect(a.o.trace);
  } else {
    run.write_files = false;
  }
  nlohmann::json r = run_serve(run);
  if (!r["fits"].get<bool>()) throw SimError("<command line>", "--composition", r["reason"].get<std::string>());
  if (set) set->commit();
  print_summary(r, a.o, a.o.trace);
  return 0;
}

}  // namespace rdusim
