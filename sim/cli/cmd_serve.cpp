// sim/cli/cmd_serve.cpp
// `rdusim serve`: options -> run_serve (sim/studies/serve.hpp) -> a summary on stdout. A minimal
// parser until the shared option parser lands.
#include <fmt/format.h>

#include <functional>
#include <iostream>
#include <map>

#include "sim/cli/commands.hpp"
#include "sim/core/error.hpp"
#include "sim/studies/serve.hpp"

namespace rdusim {
namespace {

uint32_t to_u32(const std::string& opt, const std::string& v) {
  try {
    size_t pos = 0;
    long long x = std::stoll(v, &pos);
    if (pos == v.size() && x >= 0 && x <= 0xffffffffll) return uint32_t(x);
  } catch (...) {
  }
  throw SimError("<command line>", opt, "expects a non-negative integer (got \"" + v + "\")");
}

double to_double(const std::string& opt, const std::string& v) {
  try {
    size_t pos = 0;
    double x = std::stod(v, &pos);
    if (pos == v.size()) return x;
  } catch (...) {
  }
  throw SimError("<command line>", opt, "expects a number (got \"" + v + "\")");
}

Popularity to_popularity(const std::string& v, ServeOptions& o) {
  if (v == "router") return Popularity::kRouter;
  if (v == "uniform") return Popularity::kUniform;
  if (v == "trace") return Popularity::kTrace;
  if (v.rfind("zipf", 0) == 0) {
    if (v.size() > 5 && v[4] == ':') o.zipf_s = to_double("--popularity", v.substr(5));
    return Popularity::kZipf;
  }
  throw SimError("<command line>", "--popularity", "unknown \"" + v + "\" (known: router, uniform, zipf[:S], trace)");
}

using Setter = std::function<void(ServeOptions&, const std::string&, const std::string&)>;

const std::map<std::string, Setter>& value_options() {
  static const std::map<std::string, Setter> m = {
      {"--machine", [](auto& o, auto&, auto& v) { o.machine = v; }},
      {"--composition", [](auto& o, auto&, auto& v) { o.composition = v; }},
      {"--experts", [](auto& o, auto& k, auto& v) { o.experts = to_u32(k, v); }},
      {"--load-mode", [](auto& o, auto&, auto& v) { o.load_mode = v; }},
      {"--trace", [](auto& o, auto&, auto& v) { o.trace = v; }},
      {"--trace-limit", [](auto& o, auto& k, auto& v) { o.trace_limit = to_u32(k, v); }},
      {"--out", [](auto& o, auto&, auto& v) { o.out_dir = v; }},
      {"--requests", [](auto& o, auto&, auto& v) { o.requests = v; }},
      {"--batch", [](auto& o, auto& k, auto& v) { o.batch = to_u32(k, v); }},
      {"--input", [](auto& o, auto& k, auto& v) { o.input = to_u32(k, v); }},
      {"--output", [](auto& o, auto& k, auto& v) { o.output = to_u32(k, v); }},
      {"--poisson", [](auto& o, auto& k, auto& v) { o.rate_per_s = to_double(k, v); }},
      {"--count", [](auto& o, auto& k, auto& v) { o.count = to_u32(k, v); }},
      {"--seed", [](auto& o, auto& k, auto& v) { o.seed = to_u32(k, v); }},
      {"--popularity", [](auto& o, auto&, auto& v) { o.popularity = to_popularity(v, o); }},
      {"--zipf", [](auto& o, auto& k, auto& v) { o.popularity = Popularity::kZipf, o.zipf_s = to_double(k, v); }},
      {"--max-batch", [](auto& o, auto& k, auto& v) { o.policy = BatchPolicy::kBatch, o.max_batch = to_u32(k, v); }},
      {"--router-max-batch", [](auto& o, auto& k, auto& v) { o.router_max_batch = to_u32(k, v); }},
      {"--warmup", [](auto& o, auto& k, auto& v) { o.warmup = to_u32(k, v); }},
      {"--context-bucket", [](auto& o, auto& k, auto& v) { o.context_bucket_tokens = to_u32(k, v); }},
      {"--step-cache", [](auto& o, auto&, auto& v) { o.step_cache_in = v; }},
      {"--set",
       [](auto& o, auto& k, auto& v) {
         auto eq = v.find('=');
         if (eq == std::string::npos || v.rfind("machine/", 0) != 0)
           throw SimError("<command line>", k, "expects machine/POINTER=VALUE, got \"" + v + "\"");
         nlohmann::json val = nlohmann::json::parse(v.substr(eq + 1), nullptr, false);
         o.machine_set[v.substr(7, eq - 7)] = val.is_discarded() ? nlohmann::json(v.substr(eq + 1)) : val;
       }},
      {"--policy",
       [](auto& o, auto& k, auto& v) {
         if (v != "sequential" && v != "batch")
           throw SimError("<command line>", k, "unknown \"" + v + "\" (known: sequential, batch)");
         o.policy = v == "batch" ? BatchPolicy::kBatch : BatchPolicy::kSequential;
       }},
  };
  return m;
}

ServeOptions parse(const std::vector<std::string>& args) {
  ServeOptions o;
  o.progress = true;
  const std::map<std::string, bool ServeOptions::*> flags = {{"--prefetch", &ServeOptions::prefetch},
                                                             {"--preload", &ServeOptions::preload},
                                                             {"--closed-loop", &ServeOptions::closed_loop}};
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (auto f = flags.find(a); f != flags.end()) {
      o.*(f->second) = true;
    } else if (a == "--no-reuse") {
      o.reuse = false;
    } else if (auto it = value_options().find(a); it != value_options().end()) {
      if (i + 1 >= args.size()) throw SimError("<command line>", a, "expects a value");
      it->second(o, a, args[++i]);
    } else {
      throw SimError("<command line>", a, "unknown option (see rdusim --help)");
    }
  }
  return o;
}

}  // namespace

int cmd_serve(const std::vector<std::string>& args) {
  ServeOptions o = parse(args);
  nlohmann::json r = run_serve(o);
  if (!r["fits"].get<bool>()) throw SimError("<command line>", "--composition", r["reason"].get<std::string>());
  const auto& s = r["summary"];
  auto pct = [](const nlohmann::json& p) {
    return p.is_null() ? std::string("-")
                       : fmt::format("p50 {:.3f} / p90 {:.3f} / p99 {:.3f}", p["p50"].get<double>(),
                                     p["p90"].get<double>(), p["p99"].get<double>());
  };
  std::cout << fmt::format(
      "serve {} on {} ({}, {}): {} requests, {:.3f} ms in all, {} switches ({:.1f} GB), HBM hit rate {:.3f}\n"
      "  latency ms {}\n  TTFT ms    {}\n  TPOT ms    {}\n  throughput {:.2f} requests/s, {:.1f} tokens/s\n",
      r["composition"].get<std::string>(), r["machine"].get<std::string>(), r["mode"].get<std::string>(),
      r["policy"].get<std::string>(), s["requests"].get<size_t>(), r["total_ms"].get<double>(),
      r["switches"].get<uint64_t>(), r["bytes_switched"].get<double>() / 1e9, r["hbm_hit_rate"].get<double>(),
      pct(s["latency_ms"]), pct(s["ttft_ms"]), pct(s["tpot_ms"]), s["throughput_requests_per_s"].get<double>(),
      s["throughput_tokens_per_s"].get<double>());
  std::cout << "wrote " << o.out_dir << "/serve.json, serve_requests.csv, serve_requests.json"
            << (o.trace.empty() ? "" : ", " + o.trace) << "\n";
  return 0;
}

}  // namespace rdusim
