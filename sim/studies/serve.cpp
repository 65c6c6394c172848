// sim/studies/serve.cpp
// run_serve: configs -> requests (with their experts) -> residency -> the serving timeline on one
// SystemC elaboration -> summary JSON and output files. The timeline: serve_timeline.cpp and
// serve_steps.cpp; the machine: serve_machine.cpp; per-request output: serve_output.cpp.
#include "sim/studies/serve.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <optional>

#include "sim/config/scenario.hpp"
#include "sim/core/atomic_file.hpp"
#include "sim/run/executor.hpp"
#include "sim/studies/serve_output.hpp"
#include "workloads/random.hpp"
#include "workloads/requests.hpp"
#include "workloads/router.hpp"

namespace rdusim {
namespace {

void check_options(const ServeOptions& o) {
  auto bad = [](const char* opt, const std::string& msg) { throw SimError("<command line>", opt, msg); };
  if (o.max_batch < 1) bad("--max-batch", "must be at least 1");
  if (o.router_max_batch < 1) bad("--router-max-batch", "must be at least 1");
  if (o.popularity == Popularity::kZipf && !(o.zipf_s > 0.0 && o.zipf_s <= 10.0))
    bad("--zipf", fmt::format("exponent must be in (0, 10] (got {})", o.zipf_s));
  if (o.context_bucket_tokens < 1) bad("--context-bucket", "must be at least 1 token");
  if (o.output < 1 || o.input < 1) bad("--output", "token counts must be at least 1");
  if (!o.requests.empty() && o.rate_per_s > 0) bad("--requests", "give either a trace or --poisson, not both");
  if (o.rate_per_s < 0 || !std::isfinite(o.rate_per_s)) bad("--poisson", "rate must be positive");
}

std::vector<Request> make_requests(const ServeOptions& o) {
  if (!o.requests.empty()) return load_trace_file(o.requests);
  if (o.rate_per_s > 0) return poisson_stream({o.seed, o.rate_per_s, o.count ? o.count : 16, {o.input, o.output}, 0.0});
  return make_batch(o.count && o.closed_loop ? o.count : o.batch, {o.input, o.output});
}

// Each request's expert: the router's category mix, uniform, Zipf(s) over the experts in index
// order (expert 0 the most popular), or as the trace names it. Pure in (seed, request id).
std::vector<ServeRequest> assign_experts(const std::vector<Request>& reqs, const Composition& comp,
                                         const ServeOptions& o) {
  const size_t n = comp.instances.size();
  std::vector<double> cdf;
  if (o.popularity == Popularity::kZipf) {
    double sum = 0.0;
    for (size_t k = 1; k <= n; ++k) cdf.push_back(sum += 1.0 / std::pow(double(k), o.zipf_s));
    for (double& c : cdf) c /= sum;
  }
  std::vector<ServeRequest> out;
  out.reserve(reqs.size());
  for (size_t i = 0; i < reqs.size(); ++i) {
    const Request& q = reqs[i];
    uint32_t e = 0;
    if (o.popularity == Popularity::kRouter) {
      e = uint32_t(route_prompt(comp, o.seed, q.id).expert);
    } else if (o.popularity == Popularity::kTrace) {
      std::string where = fmt::format("/{}/expert", i);
      if (q.expert.empty()) throw SimError(o.requests, where, "required with --popularity trace");
      auto it = std::find_if(comp.instances.begin(), comp.instances.end(), [&](auto& x) { return x.name == q.expert; });
      if (it == comp.instances.end())
        throw SimError(o.requests, where, fmt::format("unknown expert \"{}\" (not in {})", q.expert, comp.name));
      e = uint32_t(it - comp.instances.begin());
    } else {
      auto rng = item_rng(o.seed, q.id);
      double u = uniform01(rng);
      e = o.popularity == Popularity::kUniform ? uint32_t(std::min<double>(u * n, n - 1))
                                               : uint32_t(std::lower_bound(cdf.begin(), cdf.end(), u) - cdf.begin());
      e = std::min<uint32_t>(e, uint32_t(n - 1));
    }
    out.push_back({q.id, q.arrival_us * 1e3, q.input_tokens, q.output_tokens, e});
  }
  return out;
}

// Experts homed in DDR / host DRAM and run from an LRU region of HBM (router pinned there); when
// the home tier cannot hold them but HBM can, they all live in HBM. Neither: out of memory.
TierAllocator make_allocator(const MachineTiers& t, const Composition& comp) {
  std::vector<PinnedRegion> pinned = {{"router", comp.router_params() * comp.dtype_bytes}};
  try {
    return TierAllocator({{"hbm", uint64_t(t.hbm_bytes)}, {t.home_name, uint64_t(t.home_bytes)}, false, 0, comp.file},
                         pinned, expert_sizes(comp));
  } catch (const SimError& home) {
    try {
      return TierAllocator({{"hbm", uint64_t(t.hbm_bytes)}, {t.home_name, uint64_t(t.home_bytes)}, true, 0, comp.file},
                           pinned, expert_sizes(comp));
    } catch (const SimError& hbm) {
      throw SimError(comp.file, "", std::string(home.what()) + "; nor in HBM alone: " + hbm.what());
    }
  }
}

Composition load_comp(const ServeOptions& o) {
  Composition c = load_composition_file(resolve_config(o.composition, "configs/compositions"),
                                        project_root() + "/workloads/models");
  return o.experts ? with_expert_count(c, o.experts) : c;
}

nlohmann::json result_json(const ServeOptions& o, ServeMachine& m, const Composition& comp, const TierAllocator& a,
                           double total_ns) {
  return {{"machine", m.name()},
          {"composition", comp.name},
          {"experts", comp.instances.size()},
          {"fits", true},
          {"load_mode", o.load_mode},
          {"mode", o.rate_per_s > 0 || !o.requests.empty() ? "stream" : (o.closed_loop ? "closed-loop" : "batch")},
          {"policy", o.policy == BatchPolicy::kBatch ? fmt::format("batch<={}", o.max_batch) : "sequential"},
          {"prefetch", o.prefetch},
          {"context_bucket_tokens", o.context_bucket_tokens},
          {"hbm_hit_rate", a.hit_rate()},
          {"switches", a.misses()},
          {"bytes_switched", a.bytes_copied()},
          {"expert_region_gb", a.expert_region_bytes() / 1e9},
          {"experts_resident_max", a.expert_region_bytes() / std::max<uint64_t>(1, a.expert_bytes(0))},
          {"total_ms", total_ns / 1e6}};
}

}  // namespace

nlohmann::json run_serve(const ServeOptions& options) {
  check_options(options);
  ServeOptions o = options;
  // A batch at t = 0 is routed in one pass, as the paper's runtime does.
  if (o.requests.empty() && o.rate_per_s <= 0 && !o.closed_loop)
    o.router_max_batch = std::max(o.router_max_batch, o.batch);
  Composition comp = load_comp(o);
  std::vector<ServeRequest> reqs = assign_experts(make_requests(o), comp, o);
  RunContext ctx;
  ctx.trace.enable(!o.trace.empty());
  auto machine = ServeMachine::create(o.machine, o.machine_set, o.load_mode, ctx);
  std::optional<TierAllocator> alloc;
  try {
    alloc.emplace(make_allocator(machine->tiers(), comp));
  } catch (const SimError& e) {
    return {{"machine", machine->name()}, {"experts", comp.instances.size()}, {"fits", false}, {"reason", e.what()}};
  }
  if (o.preload) {
    std::vector<size_t> all(comp.instances.size());
    for (size_t i = 0; i < all.size(); ++i) all[i] = i;
    alloc->preload(all);
  }
  StepCache cache(o.reuse);
  if (!o.step_cache_in.empty()) {
    std::ifstream in(o.step_cache_in);
    nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_discarded() || !j.contains("steps")) throw SimError(o.step_cache_in, "", "not a serve.json with steps");
    cache.seed(j["steps"], o.step_cache_in);
  }
  if (!o.seed_steps.is_null()) cache.seed(o.seed_steps, "<seed steps>");
  ServeRecorder rec(o, comp, reqs.size());
  ServeTimeline tl({o, comp, *machine, *alloc, ctx, cache}, std::move(reqs), rec);
  Executor exec("serve", [&] { tl.run(); });
  sc_core::sc_start();
  exec.rethrow();
  if (!exec.finished()) throw SimError("", "serve", "the serving run did not finish (deadlock)");
  nlohmann::json out = result_json(o, *machine, comp, *alloc, now_ns());
  out["summary"] = rec.summary();
  out["accounting"] = tl.accounting().to_json();
  out["steps"] = cache.to_json();
  out["requests"] = rec.rows();
  if (ctx.trace.on()) {
    machine->flush_trace();
    ctx.trace.write(o.trace);
  }
  if (o.write_files) {
    rec.commit();
    out["files"] = {"serve_requests.csv", "serve_requests.json"};  // beside serve.json
    write_file_atomic(o.out_dir + "/serve.json", out.dump(2) + "\n");
  }
  return out;
}

}  // namespace rdusim
