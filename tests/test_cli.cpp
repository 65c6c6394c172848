// End to end through the rdusim binary: bad input gives one line + exit 2 + no output file;
// identical inputs give byte-identical stats and trace.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <sys/wait.h>

#include "cli_helpers.hpp"
#include "sim/cli/args.hpp"
#include "sim/core/error.hpp"

namespace fs = std::filesystem;

namespace {
struct Result {
  int code;
  std::string err;
};
Result run(const std::string& args) {
  std::string errfile = fs::temp_directory_path() / ("rdusim_err_" + std::to_string(::getpid()));
  std::string cmd = std::string(RDUSIM_BIN) + " " + args + " > /dev/null 2> " + errfile;
  int status = std::system(cmd.c_str());
  std::ifstream in(errfile);
  std::stringstream ss;
  ss << in.rdbuf();
  fs::remove(errfile);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, ss.str()};
}
std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
fs::path scratch(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("rdusim_test_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}
fs::path write(const fs::path& dir, const std::string& name, const std::string& text) {
  std::ofstream(dir / name) << text;
  return dir / name;
}
std::string machine_with(const std::string& from, const std::string& to) {
  std::string text = slurp(fs::path(RDUSIM_ROOT_DIR) / "configs/machines/sn40l.json");
  auto pos = text.find(from);
  REQUIRE(pos != std::string::npos);
  return text.replace(pos, from.size(), to);
}
// One line on stderr, naming what, exit code 2, and no stats.json written.
void expect_error(const std::string& args, const std::string& needle, const fs::path& out) {
  Result r = run(args + " --out " + out.string());
  INFO(r.err);
  CHECK(r.code == 2);
  CHECK(r.err.find(needle) != std::string::npos);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK_FALSE(fs::exists(out / "stats.json"));
}
}  // namespace

TEST_CASE("malformed JSON is one line naming the file", "[cli]") {
  fs::path d = scratch("malformed");
  fs::path s = write(d, "s.json", "{\"phase\": \"decode\",, }");
  expect_error("run " + s.string(), s.string() + ": malformed JSON", d / "out");
}

TEST_CASE("a missing machine key is one line naming file and path", "[cli]") {
  fs::path d = scratch("missing");
  fs::path m = write(d, "m.json", machine_with("\"latency_ns\": 250,", ""));
  expect_error("run --machine " + m.string(), m.string() + ":/socket/hbm/latency_ns: required key missing", d / "out");
}

TEST_CASE("an unknown machine key is one line naming file and path", "[cli]") {
  fs::path d = scratch("unknown");
  fs::path m = write(d, "m.json", machine_with("\"latency_ns\": 250,", "\"latency_ns\": 250, \"latncy\": 1,"));
  expect_error("run --machine " + m.string(), m.string() + ":/socket/hbm/latncy: unknown key", d / "out");
}

TEST_CASE("a negative bandwidth is one line naming file and path", "[cli]") {
  fs::path d = scratch("negative");
  fs::path m = write(d, "m.json", machine_with("\"bandwidth_gbps\": 1800,", "\"bandwidth_gbps\": -1800,"));
  expect_error("run --machine " + m.string(), m.string() + ":/socket/hbm/bandwidth_gbps: must be positive", d / "out");
}

TEST_CASE("a model that does not fit in HBM is one line naming the capacity key", "[cli]") {
  fs::path d = scratch("nofit");
  expect_error("run --model llama2-70b", "does not fit in HBM", d / "out");
  Result r = run("run --model llama2-70b --out " + (d / "out").string());
  CHECK(r.err.find("/socket/hbm/capacity_gb") != std::string::npos);
}

TEST_CASE("an unknown scenario value and an unknown flag are one-line errors", "[cli]") {
  fs::path d = scratch("flags");
  expect_error("run --fusion half", "<command line>:/fusion: unknown fusion \"half\"", d / "out");
  expect_error("run --bogus 1", "--bogus: unknown option", d / "out");
}

TEST_CASE("two runs give byte-identical stats.json and trace", "[cli]") {
  fs::path d = scratch("determinism");
  for (const char* run_name : {"a", "b"}) {
    Result r = run("run --phase decode --context 2048 --out " + (d / run_name).string() + " --trace " +
                   (d / run_name / "trace.json").string());
    REQUIRE(r.code == 0);
  }
  std::string a = slurp(d / "a" / "stats.json"), b = slurp(d / "b" / "stats.json");
  CHECK(!a.empty());
  CHECK(a == b);
  std::string ta = slurp(d / "a" / "trace.json"), tb = slurp(d / "b" / "trace.json");
  CHECK(ta.size() > 1000);
  CHECK(ta == tb);
}

TEST_CASE("set: overrides a machine key and a typo in its path is a one-line error", "[cli]") {
  fs::path d = scratch("set");
  Result ok = run("run --set machine/socket/hbm/bandwidth_gbps=3600 --batch 2 --out " + (d / "fast").string());
  REQUIRE(ok.code == 0);
  Result base = run("run --batch 2 --out " + (d / "base").string());
  REQUIRE(base.code == 0);
  auto fast = nlohmann::json::parse(slurp(d / "fast" / "stats.json"));
  auto slow = nlohmann::json::parse(slurp(d / "base" / "stats.json"));
  auto total = [](const nlohmann::json& j) { return j["run"]["total_ns"]["value"].get<double>(); };
  CHECK(total(fast) < total(slow));  // twice the HBM bandwidth: a faster decode
  // stats.json's config section holds what the run used: the machine after the override, the
  // scenario as parsed (flags included).
  CHECK(fast["config"]["machine"]["socket"]["hbm"]["bandwidth_gbps"] == 3600);
  CHECK(slow["config"]["machine"]["socket"]["hbm"]["bandwidth_gbps"] != 3600);
  CHECK(fast["config"]["scenario"]["batch"] == 2);
  CHECK(fast["config"]["scenario"]["machine_overrides"]["/socket/hbm/bandwidth_gbps"] == 3600);
  CHECK(fast["config"]["model"]["hidden"].is_number());
  expect_error("run --set machine/socket/hbm/bandwdth=3", "/socket/hbm/bandwdth: --set: no such key", d / "out");
}

// Every leaf below the top-level sections (config aside) is a statistic: value, unit, description.
void check_self_describing(const nlohmann::json& j, const std::string& path, int& leaves) {
  if (j.contains("value")) {
    INFO(path);
    CHECK(j["value"].is_number());
    CHECK(!j["unit"].get<std::string>().empty());
    CHECK(!j["description"].get<std::string>().empty());
    ++leaves;
    return;
  }
  for (auto it = j.begin(); it != j.end(); ++it) check_self_describing(it.value(), path + "." + it.key(), leaves);
}

TEST_CASE("stats.json: every statistic carries its unit and description", "[cli]") {
  fs::path d = scratch("describe");
  REQUIRE(run("run --machine sn40l-8 --tp 2 --out " + d.string()).code == 0);
  auto j = nlohmann::json::parse(slurp(d / "stats.json"));
  int leaves = 0;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.key() != "config") check_self_describing(it.value(), it.key(), leaves);
  }
  CHECK(leaves > 50);  // channels, PCUs, stages and the run's totals of two sockets
  CHECK(j["config"]["scenario"]["tp"] == 2);
  CHECK(j["config"]["machine"]["sockets"] == 8);
}

TEST_CASE("serve: a CoE batch on one timeline is deterministic and a resident expert skips its switch", "[cli]") {
  fs::path d = scratch("serve");
  for (const char* n : {"a", "b"}) {
    Result r = run("serve --composition samba-coe-v0.1 --batch 6 --output 4 --out " + (d / n).string() + " --trace " +
                   (d / n / "t.json").string());
    REQUIRE(r.code == 0);
  }
  CHECK(slurp(d / "a" / "serve.json") == slurp(d / "b" / "serve.json"));
  CHECK(slurp(d / "a" / "t.json") == slurp(d / "b" / "t.json"));
  auto j = nlohmann::json::parse(slurp(d / "a" / "serve.json"));
  std::map<std::string, int> seen;
  for (const auto& q : j["requests"]) {
    // The first use of an expert misses, every later one hits (5 experts fit in HBM at once).
    CHECK(q["hit"].get<bool>() == (seen[q["expert"].get<std::string>()]++ > 0));
  }
  CHECK(j["switches"].get<int>() == static_cast<int>(seen.size()));
}

// bench, small (no timing checked): a bare-kernel line, a row per selected scenario with its ratio
// to the kernel's rate, and --json with the same numbers; the ratio is events/s over activations/s.
TEST_CASE("bench: prints the bare kernel's rate and each scenario's ratio to it", "[cli]") {
  std::vector<std::string> args = {"bench", "--only", "dgx", "--chunks", "8", "--kernel-activations", "100000"};
  cli_test::Result r = cli_test::run(args);
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(r.out.rfind("bare SystemC kernel: ", 0) == 0);
  CHECK(r.out.find(" ratio ") != std::string::npos);
  CHECK(r.out.find("llama2-70b tp8 dgx-h100 prefill seq4096") != std::string::npos);
  args.push_back("--json");
  r = cli_test::run(args);
  REQUIRE(r.code == 0);
  nlohmann::json j = nlohmann::json::parse(r.out);
  CHECK(j["kernel"]["activations"].get<double>() >= 100000);
  REQUIRE(j["scenarios"].size() == 1);
  const nlohmann::json& s = j["scenarios"][0];
  CHECK(s["chunks"].get<int>() == 8);
  CHECK(s["events"].get<double>() > 0);
  double expect = s["events"].get<double>() / s["wall_s"].get<double>() / j["kernel"]["rate_per_s"].get<double>();
  CHECK(s["ratio"].get<double>() == Approx(expect));
}

// ---- The option tables (sim/cli/args.hpp): one parser, one-line errors naming the option. ----
TEST_CASE("every command prints --help from its table and exits 0", "[cli][args]") {
  for (const char* cmd : {"run", "bench", "experiment", "reproduce", "switch", "serve"}) {
    INFO(cmd);
    cli_test::Result r = cli_test::run({cmd, "--help"});
    CHECK(r.code == 0);
    CHECK(r.out.rfind(std::string("usage: rdusim ") + cmd, 0) == 0);
    CHECK(r.out.find("--help") != std::string::npos);
    CHECK(r.err.empty());
  }
  CHECK(cli_test::run({"--help"}).code == 0);
  CHECK(cli_test::run({}).code == 2);
}

TEST_CASE("bad option values are one line naming the option, exit 2", "[cli][args]") {
  struct Bad {
    std::vector<std::string> args;
    std::string needle;
  };
  const std::vector<Bad> cases = {
      {{"serve", "--batch", "abc"}, "<command line>:--batch: expects an integer"},
      {{"serve", "--batch", "1.5"}, "--batch: expects an integer"},
      {{"serve", "--count", "1e9"}, "--count: expects an integer in [1, 10000000], got \"1e9\""},
      {{"serve", "--poisson", "nan"}, "--poisson: expects a number"},
      {{"serve", "--poisson", "0"}, "--poisson: expects a number"},
      {{"serve", "--seed", "-1"}, "--seed: expects an integer"},
      {{"switch", "--bytes", "-1"}, "--bytes: expects an integer"},
      {{"switch", "--bytes", "1e9", "--tp", "0"}, "--tp: expects an integer in [1, 1024]"},
      {{"switch", "--bytes", "99999999999999999999"}, "--bytes: expects an integer"},
      {{"switch", "--tp", "8"}, "--bytes: required"},
      {{"switch", "--bytes"}, "--bytes: expects a value"},
      {{"run", "--batch", "4294967296"}, "--batch: expects an integer in [1, 65536]"},
      {{"run", "--tp", "0"}, "--tp: expects an integer"},
      {{"run", "--bogus", "1"}, "--bogus: unknown option for `rdusim run` (known: --machine,"},
      {{"run", "a.json", "b.json"}, "b.json: unexpected argument"},
      {{"experiment", "--jobs", "0", "x.json"}, "--jobs: expects an integer in [1, 1024]"},
      {{"experiment"}, "experiment: expects FILE"},
      {{"reproduce", "--jobs", "2.5"}, "--jobs: expects an integer"},
      {{"reproduce", "--no-plots=yes"}, "--no-plots: takes no value"},
      {{"bench", "--chunks", "5000"}, "--chunks: expects an integer in [0, 4096]"},
      {{"frobnicate"}, "frobnicate: unknown command (known: run,"},
  };
  for (const auto& c : cases) {
    cli_test::Result r = cli_test::run(c.args);
    INFO(c.args[0] << " " << (c.args.size() > 1 ? c.args[1] : "") << ": " << r.err);
    CHECK(r.code == 2);
    CHECK(r.err.rfind("rdusim: ", 0) == 0);
    CHECK(r.err.find(c.needle) != std::string::npos);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  }
}

TEST_CASE("integers are exact: no fractions, no signs, no wrap; 1e9 is the integer 10^9", "[cli][args]") {
  using rdusim::parse_uint;
  CHECK(parse_uint("--n", "0", 0, UINT64_MAX) == 0);
  CHECK(parse_uint("--n", "13476831232", 0, UINT64_MAX) == 13476831232ull);
  CHECK(parse_uint("--n", "1e9", 0, UINT64_MAX) == 1000000000ull);
  CHECK(parse_uint("--n", "64E9", 0, UINT64_MAX) == 64000000000ull);
  CHECK(parse_uint("--n", "1.5e3", 0, UINT64_MAX) == 1500);
  CHECK(parse_uint("--n", "10e-1", 0, UINT64_MAX) == 1);
  CHECK(parse_uint("--n", "18446744073709551615", 0, UINT64_MAX) == UINT64_MAX);
  for (const char* bad : {"", "-1", "+1", " 1", "1 ", "1.5", "1e-1", "0x10", "abc", "1e", "e9", ".5e1",
                          "18446744073709551616", "2e19", "1e9999999", "nan", "inf"}) {
    INFO(bad);
    CHECK_THROWS_AS(parse_uint("--n", bad, 0, UINT64_MAX), rdusim::SimError);
  }
  CHECK_THROWS_AS(parse_uint("--n", "9", 1, 8), rdusim::SimError);
  CHECK_THROWS_AS(parse_uint("--n", "0", 1, 8), rdusim::SimError);
  try {
    parse_uint("--batch", "1.5", 1, 8);
  } catch (const rdusim::SimError& e) {
    CHECK(e.one_line() == "<command line>:--batch: expects an integer in [1, 8], got \"1.5\" (a fraction)");
  }
}

TEST_CASE("reals are finite and in range", "[cli][args]") {
  using rdusim::parse_real;
  CHECK(parse_real("--r", "2.5", 0, 10) == 2.5);
  CHECK(parse_real("--r", "1e-3", 0, 10) == 1e-3);
  for (const char* bad : {"", "nan", "inf", "-inf", "1e999", " 1", "1x", "11", "-0.5"}) {
    INFO(bad);
    CHECK_THROWS_AS(parse_real("--r", bad, 0, 10), rdusim::SimError);
  }
}

TEST_CASE("switch: a layered machine file takes its kind from its base", "[cli]") {
  fs::path d = scratch("layered_switch");
  for (const char* f : {"sn40l.json", "sn40l-8.json"})
    fs::copy_file(fs::path(RDUSIM_ROOT_DIR) / "configs/machines" / f, d / f);
  // No "kind": it comes from sn40l-8 -> sn40l. Twice the DDR bandwidth of the node.
  write(d, "fast-ddr.json", R"({"base": "sn40l-8", "name": "fast-ddr", "socket": {"ddr": {"bandwidth_gbps": 400}}})");
  auto time_ns = [&](const std::string& machine) {
    std::string out = (d / "switch.json").string();
    std::string cmd = std::string(RDUSIM_BIN) + " switch --machine " + machine + " --bytes 13e9 --json > " + out;
    REQUIRE(std::system(cmd.c_str()) == 0);
    return nlohmann::json::parse(slurp(out))["ns"].get<double>();
  };
  double base = time_ns((d / "sn40l-8.json").string()), fast = time_ns((d / "fast-ddr.json").string());
  // DDR is the copy's bottleneck (200 GB/s x 0.625 per socket against 1.8 TB/s HBM): twice its
  // bandwidth halves the time, within the DMA's fixed costs.
  CHECK(fast == Approx(base / 2).epsilon(0.01));
}
