// sim/studies/serve.hpp
// `rdusim serve`: a Composition of Experts served on one simulated timeline, on an SN40L node or a
// DGX (dgx-a100, dgx-h100): router passes, expert switches (DDR -> HBM on the RDU, host DRAM ->
// HBM over PCIe on a DGX, in the paper's or the per-GPU loading mode), prefill and decode, with
// the tier allocator's LRU deciding residency. The CoE study of `rdusim reproduce` and Figs. 1 and
// 12 run through run_serve too (sim/studies/coe_study.cpp, coe_figures.cpp).
//
// Step reuse (serving at scale): a step (router pass, prefill, decode) of a given model, machine,
// tp, batch, context bucket and mode is simulated in detail once on the timeline's sockets and its
// timing reused for every later step with the same key; an expert switch likewise per (bytes,
// mode). Queueing, switches, router passes and prefetch overlap stay on the SystemC timeline.
#pragma once
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace rdusim {

enum class Popularity { kRouter, kUniform, kZipf, kTrace };
enum class BatchPolicy { kSequential, kBatch };

struct ServeOptions {
  std::string machine = "sn40l-8";
  nlohmann::json machine_set =
      nlohmann::json::object();  // JSON pointer -> value, applied to the machine file (--set machine/...)
  std::string composition = "samba-coe-150";
  uint32_t experts = 0;             // > 0: resize the composition's one expert group to this many (Fig. 12)
  std::string load_mode = "paper";  // DGX switching: "paper" (one pipe) or "per-gpu"
  // Requests: `batch` prompts at t = 0 (router once over all), a Poisson stream, or a trace file.
  uint32_t batch = 8, input = 128, output = 20, count = 0;
  double rate_per_s = 0.0;
  std::string requests;      // trace file
  bool closed_loop = false;  // each request arrives when the previous one completes (latency studies)
  uint64_t seed = 1;
  Popularity popularity = Popularity::kRouter;  // kRouter: the router's category mix
  double zipf_s = 1.0;                          // kZipf exponent, in (0, 10]
  BatchPolicy policy = BatchPolicy::kSequential;
  uint32_t max_batch = 8;               // kBatch: queued requests of one expert served together
  uint32_t router_max_batch = 8;        // prompts per router pass (padded up to a power of two)
  bool prefetch = false;                // switch the next queued request's expert in while one runs
  bool preload = false;                 // start with HBM filled with experts (warm residency)
  uint32_t warmup = 0;                  // first requests served but left out of the summary
  uint32_t context_bucket_tokens = 64;  // decode steps within one bucket share one timing
  bool reuse = true;                    // false: every step simulated in detail (accuracy checks)
  std::string step_cache_in;            // a serve.json of an earlier run (same machine): its "steps" seed the cache
  nlohmann::json seed_steps;            // the same, in memory (a "steps" object)
  std::string out_dir = "out";          // serve.json, serve_requests.csv / .json
  bool write_files = true;
  std::string trace;           // Perfetto trace path
  uint32_t trace_limit = 200;  // requests traced
  bool progress = false;       // a progress bar on stderr
};

// Summary (and, for the first requests, per-request rows) as JSON; throws SimError on bad input.
// When the composition fits in no tier of the machine, returns {"fits": false, "reason": ...}.
// From outside any SystemC elaboration: one call per process (run it in run_isolated for more).
nlohmann::json run_serve(const ServeOptions& options);

}  // namespace rdusim
