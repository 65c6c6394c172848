// sim/studies/bench.cpp
#include "sim/studies/bench.hpp"

#include <fmt/format.h>
#include <systemc>

#include <chrono>
#include <ctime>
#include <memory>

#include "sim/core/error.hpp"
#include "sim/run/isolated.hpp"
#include "sim/run/run.hpp"

namespace rdusim {
namespace {

// One self-re-triggering method: every activation is a timed notification of the kernel, the
// cheapest thing a model event can be.
struct Ticker : sc_core::sc_module {
  SC_HAS_PROCESS(Ticker);
  Ticker(sc_core::sc_module_name name, sc_core::sc_time period, uint64_t* count)
      : sc_core::sc_module(name), m_period(period), m_count(count) {
    SC_METHOD(fire);
  }
  void fire() {
    ++*m_count;
    next_trigger(m_period);
  }
  sc_core::sc_time m_period;
  uint64_t* m_count;
};

struct Case {
  std::string name;
  uint32_t chunks;  // the scenario's own chunk count (BenchOptions::chunks overrides it)
  nlohmann::json doc;
};

// Whole-model steps, long enough to time: 0.24-0.37 s each on the idle 2-core development
// machine after the run-ahead replay (docs/performance.md). Llama-2-7B steps now simulate in
// 0.1-0.2 s there, so the SN40L steps are Llama-2-13B's, decode at batch 8 (the CoE study's
// batch); the DGX step is a 70B prefill, since a DGX decode step simulates in about 0.1 s.
std::vector<Case> bench_cases() {
  nlohmann::json rdu = {{"machine", "sn40l-8"}, {"tp", 8}, {"scope", "model"}, {"model", "llama2-13b"}};
  nlohmann::json decode = rdu, prefill = rdu, unfused = rdu, dgx = rdu;
  decode.update({{"phase", "decode"}, {"context", 4096}, {"batch", 8}, {"fusion", "fused-ho"}});
  prefill.update({{"phase", "prefill"}, {"seq", 4096}, {"fusion", "fused-ho"}});
  unfused.update({{"phase", "decode"}, {"context", 4096}, {"batch", 8}, {"fusion", "unfused"}});
  dgx.update({{"machine", "dgx-h100"}, {"model", "llama2-70b"}, {"phase", "prefill"}, {"seq", 4096}});
  return {{"llama2-13b tp8 sn40l-8 decode b8 ctx4096 fused-ho", 4096, decode},
          {"llama2-13b tp8 sn40l-8 prefill seq4096 fused-ho", 1024, prefill},
          {"llama2-13b tp8 sn40l-8 decode b8 ctx4096 unfused", 4096, unfused},
          {"llama2-70b tp8 dgx-h100 prefill seq4096", 1024, dgx}};
}

// This process's CPU time (user + system), seconds.
double cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + ts.tv_nsec * 1e-9;
}

}  // namespace

nlohmann::json bare_kernel_rate(uint64_t activations) {
  constexpr int kMethods = 16;
  uint64_t count = 0;
  std::vector<std::unique_ptr<Ticker>> tickers;
  // One period for all: the methods run in the same evaluation phase, so the kernel's cost per
  // time step is shared (the fastest of the variants measured in docs/performance.md, so the
  // strictest reference for the ratio).
  constexpr double kPeriodNs = 10.0;
  const double per_ns = kMethods / kPeriodNs;  // activations per simulated ns, all methods together
  for (int i = 0; i < kMethods; ++i) {
    tickers.push_back(std::make_unique<Ticker>(fmt::format("tick{}", i).c_str(),
                                               sc_core::sc_time(kPeriodNs, sc_core::SC_NS), &count));
  }
  auto t0 = std::chrono::steady_clock::now();
  double cpu0 = cpu_s();
  sc_core::sc_start(sc_core::sc_time(double(activations) / per_ns, sc_core::SC_NS));
  double cpu = cpu_s() - cpu0;
  double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return {{"activations", count},
          {"wall_s", wall_s},
          {"cpu_s", cpu},
          {"rate_per_s", double(count) / wall_s},
          {"rate_per_cpu_s", double(count) / cpu}};
}

nlohmann::json run_bench(const BenchOptions& opt) {
  std::vector<Case> cases;
  for (auto& c : bench_cases())
    if (c.name.find(opt.only) != std::string::npos) cases.push_back(c);
  std::vector<std::function<nlohmann::json()>> tasks;
  uint64_t activations = opt.kernel_activations;
  tasks.push_back([activations] { return bare_kernel_rate(activations); });
  for (auto& c : cases) {
    c.doc["chunks"] = opt.chunks ? opt.chunks : c.chunks;
    tasks.push_back([doc = c.doc, name = c.name] {
      Scenario sc = parse_scenario(JsonReader::from_json(doc, name));
      RunOptions ro;
      ro.quiet = true;
      double cpu0 = cpu_s();
      RunOutcome o = run_scenario(sc, ro);
      double cpu = cpu_s() - cpu0;
      return nlohmann::json{{"events", o.events}, {"wall_s", o.wall_s}, {"cpu_s", cpu}, {"sim_us", o.total_ns / 1e3}};
    });
  }
  auto results = run_isolated(tasks, 1);  // one at a time: timings must not share cores
  if (results[0].contains("error")) throw SimError("", "bare kernel", results[0]["error"].get<std::string>());
  nlohmann::json out = {{"kernel", results[0]}, {"scenarios", nlohmann::json::array()}};
  const double kernel_rate = results[0]["rate_per_s"].get<double>();
  const double kernel_cpu_rate = results[0]["rate_per_cpu_s"].get<double>();
  for (size_t i = 0; i < cases.size(); ++i) {
    nlohmann::json r = results[i + 1];
    if (r.contains("error")) throw SimError("", cases[i].name, r["error"].get<std::string>());
    double rate = r["events"].get<double>() / r["wall_s"].get<double>();
    r["scenario"] = cases[i].name;
    r["chunks"] = cases[i].doc["chunks"];
    r["events_per_s"] = rate;
    r["ratio"] = rate / kernel_rate;
    r["events_per_cpu_s"] = r["events"].get<double>() / r["cpu_s"].get<double>();
    r["ratio_cpu"] = r["events_per_cpu_s"].get<double>() / kernel_cpu_rate;
    out["scenarios"].push_back(r);
  }
  return out;
}

}  // namespace rdusim
