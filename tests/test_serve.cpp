// tests/test_serve.cpp
// The serving timeline (sim/studies/serve.hpp). Each TEST_CASE is one process (catch_discover_tests);
// several runs of one case go through run_isolated (one SystemC elaboration per child).
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sys/wait.h>

#include "sim/core/error.hpp"
#include "sim/run/isolated.hpp"
#include "sim/studies/serve.hpp"

using namespace rdusim;

namespace {

ServeOptions small(const std::string& machine) {
  ServeOptions o;
  o.machine = machine;
  o.composition = "samba-coe-v0.1";
  o.batch = 4;
  o.input = 128;
  o.output = 6;
  o.write_files = false;
  return o;
}

std::vector<nlohmann::json> isolated(const std::vector<ServeOptions>& opts) {
  std::vector<std::function<nlohmann::json()>> tasks;
  for (const auto& o : opts) tasks.push_back([o] { return run_serve(o); });
  auto r = run_isolated(tasks, 2);
  for (const auto& x : r) REQUIRE_FALSE(x.contains("error"));
  return r;
}

double step_ns(const nlohmann::json& r, const std::string& prefix, const std::string& suffix) {
  for (auto it = r["steps"].begin(); it != r["steps"].end(); ++it)
    if (it.key().rfind(prefix, 0) == 0 && it.key().size() >= suffix.size() &&
        it.key().compare(it.key().size() - suffix.size(), suffix.size(), suffix) == 0)
      return it.value()["total_ns"].get<double>();
  FAIL("no step " + prefix + "..." + suffix);
  return 0;
}

std::string write_trace(const std::string& name, const std::string& text) {
  std::string p = (std::filesystem::temp_directory_path() / name).string();
  std::ofstream(p) << text;
  return p;
}

}  // namespace

// Independent truth: the batch is served in turn after one router pass, so its total is the
// closed form router + switches + sum over prompts of (prefill + (n - 1) decode steps), each
// decode step at its context bucket (contexts 128 .. 132 all fall in the 64-token bucket [128, 192)).
TEST_CASE("serve: a batch's total is the closed form of its parts on the SN40L and both DGX machines", "[serve]") {
  std::vector<ServeOptions> opts = {small("sn40l-8"), small("dgx-a100"), small("dgx-h100")};
  opts[2].load_mode = "per-gpu";
  auto runs = isolated(opts);
  for (size_t i = 0; i < runs.size(); ++i) {
    const auto& r = runs[i];
    INFO(opts[i].machine);
    uint32_t n = opts[i].output, b = opts[i].batch;
    double router = step_ns(r, "router|b4|s128", "");
    double prefill = step_ns(r, "prefill|", "|b1|s128"), decode = step_ns(r, "decode|", "|b1|c128");
    double sw = step_ns(r, "switch|" + opts[i].load_mode + "|", "");
    double closed = router + r["switches"].get<double>() * sw + b * (prefill + (n - 1) * decode);
    CHECK(r["total_ms"].get<double>() * 1e6 == Approx(closed).epsilon(1e-9));
    CHECK(r["accounting"]["decode_steps"].get<uint64_t>() == b * (n - 1));
    CHECK(r["accounting"]["prefill_steps"].get<uint64_t>() == b);
    CHECK(r["requests"].size() == b);
  }
}

// Step reuse against simulating every step in detail: a sample of requests whose decode contexts
// span two 16-token buckets; each request's latency within 1 %.
TEST_CASE("serve: step reuse stays within 1 % of full simulation", "[serve][heavy]") {
  ServeOptions reuse = small("sn40l-8");
  reuse.batch = 2;
  reuse.output = 24;
  reuse.context_bucket_tokens = 16;
  ServeOptions full = reuse;
  full.reuse = false;
  auto runs = isolated({reuse, full});
  const auto &a = runs[0]["requests"], &b = runs[1]["requests"];
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i)
    CHECK(a[i]["latency_ms"].get<double>() == Approx(b[i]["latency_ms"].get<double>()).epsilon(0.01));
  CHECK(runs[0]["total_ms"].get<double>() == Approx(runs[1]["total_ms"].get<double>()).epsilon(0.01));
  CHECK(runs[1]["accounting"]["decode_steps"].get<uint64_t>() == 2 * 23);
}

// Batching groups the queued requests of one expert; prefetch hides a switch behind compute.
TEST_CASE("serve: batch policy and prefetch", "[serve]") {
  std::string trace = write_trace("rdusim_serve_batch.json",
                                  R"([{"arrival_us":0,"input_tokens":128,"output_tokens":4,"expert":"coding"},
      {"arrival_us":0,"input_tokens":128,"output_tokens":4,"expert":"math"},
      {"arrival_us":0,"input_tokens":128,"output_tokens":4,"expert":"coding"},
      {"arrival_us":0,"input_tokens":128,"output_tokens":4,"expert":"coding"}])");
  ServeOptions seq = small("sn40l-8");
  seq.requests = trace;
  seq.popularity = Popularity::kTrace;
  ServeOptions bat = seq, pre = seq;
  bat.policy = BatchPolicy::kBatch;
  bat.max_batch = 4;
  pre.prefetch = true;
  auto r = isolated({seq, bat, pre});
  CHECK(r[0]["accounting"]["prefill_steps"].get<int>() == 4);
  CHECK(r[1]["accounting"]["prefill_steps"].get<int>() == 2);  // coding x3, then math
  CHECK(r[1]["total_ms"].get<double>() < r[0]["total_ms"].get<double>());
  CHECK(r[2]["accounting"]["switch_hidden_ms"].get<double>() > 0.0);
  CHECK(r[2]["total_ms"].get<double>() < r[0]["total_ms"].get<double>());
}

// Bad input is rejected before anything runs, naming the file and JSON path or the option.
TEST_CASE("serve: bad input names the file and JSON path or the option", "[serve]") {
  auto err = [](ServeOptions o) -> std::string {
    try {
      run_serve(o);
    } catch (const SimError& e) {
      return e.one_line();
    }
    return "no error";
  };
  ServeOptions o = small("sn40l-8");
  o.requests = write_trace(
      "rdusim_serve_unsorted.json",
      R"([{"arrival_us":5,"input_tokens":8,"output_tokens":2},{"arrival_us":1,"input_tokens":8,"output_tokens":2}])");
  CHECK(err(o).find("rdusim_serve_unsorted.json:/1/arrival_us:") != std::string::npos);
  o.requests = write_trace("rdusim_serve_negative.json", R"([{"arrival_us":-1,"input_tokens":8,"output_tokens":2}])");
  CHECK(err(o).find("rdusim_serve_negative.json:/0/arrival_us:") != std::string::npos);
  o.requests = write_trace("rdusim_serve_expert.json",
                           R"([{"arrival_us":0,"input_tokens":8,"output_tokens":2,"expert":"poetry"}])");
  o.popularity = Popularity::kTrace;
  CHECK(err(o).find("rdusim_serve_expert.json:/0/expert: unknown expert \"poetry\"") != std::string::npos);
  ServeOptions z = small("sn40l-8");
  z.popularity = Popularity::kZipf;
  z.zipf_s = 0.0;
  CHECK(err(z).find("<command line>:--zipf:") != std::string::npos);
  ServeOptions m = small("sn40l-8");
  m.max_batch = 0;
  CHECK(err(m).find("<command line>:--max-batch:") != std::string::npos);
}

// The command line: one line on stderr naming the option or file and JSON path, exit 2, no output.
TEST_CASE("serve: bad input exits 2 with one line and writes nothing", "[serve][cli]") {
  std::string dir = (std::filesystem::temp_directory_path() / "rdusim_serve_bad").string();
  std::filesystem::remove_all(dir);
  std::string trace = write_trace("rdusim_serve_bad_trace.json",
                                  R"([{"arrival_us":3,"input_tokens":8,"output_tokens":2},
                                      {"arrival_us":2,"input_tokens":8,"output_tokens":2}])");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"--max-batch 0", "<command line>:--max-batch: expects an integer in [1, 4096]"},
      {"--zipf 0", "<command line>:--zipf: expects a number in [0.001, 10]"},
      {"--requests " + trace, trace + ":/1/arrival_us: arrivals must not decrease"},
  };
  for (const auto& [args, expect] : cases) {
    std::string err = dir + ".err";
    int rc = std::system(
        (std::string(RDUSIM_BIN) + " serve " + args + " --out " + dir + " 2> " + err + " > /dev/null").c_str());
    std::ifstream in(err);
    std::string line, more;
    std::getline(in, line);
    INFO(args);
    CHECK(WEXITSTATUS(rc) == 2);
    CHECK(line.find(expect) != std::string::npos);
    CHECK_FALSE(std::getline(in, more));
    CHECK_FALSE(std::filesystem::exists(dir));
  }
}
