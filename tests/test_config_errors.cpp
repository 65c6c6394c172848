// Config values the simulator cannot honour end as one line on stderr and exit code 2, through
// the rdusim binary: out-of-range numbers (before anything is scheduled), numbers JSON cannot
// hold, too deep or too large JSON, over-long names, and layered machine files.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {
struct Result {
  int code;
  std::string err;
};
Result run(const std::string& args) {
  std::string errfile = fs::temp_directory_path() / ("rdusim_cfgerr_" + std::to_string(::getpid()));
  std::string cmd = "timeout 60 " + std::string(RDUSIM_BIN) + " " + args + " > /dev/null 2> " + errfile;
  int status = std::system(cmd.c_str());
  std::ifstream in(errfile);
  std::stringstream ss;
  ss << in.rdbuf();
  fs::remove(errfile);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, ss.str()};
}
fs::path scratch(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("rdusim_cfgerr_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}
fs::path write(const fs::path& dir, const std::string& name, const std::string& text) {
  std::ofstream(dir / name) << text;
  return dir / name;
}
// One line on stderr containing `needle`, exit code 2 (timeout's 124 if it never finishes).
void expect_error(const std::string& args, const std::string& needle) {
  fs::path out = scratch("out");
  Result r = run(args + " --out " + out.string());
  INFO(args << "\n" << r.err);
  CHECK(r.code == 2);
  CHECK(r.err.find(needle) != std::string::npos);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK_FALSE(fs::exists(out / "stats.json"));
}
}  // namespace

TEST_CASE("a bandwidth that would never finish is rejected at load", "[cli][config]") {
  expect_error("run --set machine/socket/hbm/bandwidth_gbps=1e-8",
               "configs/machines/sn40l.json:/socket/hbm/bandwidth_gbps: must be in [0.001, 1000000] (got 1e-08)");
}

TEST_CASE("a latency beyond SystemC's time range is rejected at load", "[cli][config]") {
  expect_error("run --set machine/socket/hbm/latency_ns=1e30", ":/socket/hbm/latency_ns: must be in [0, 1000000000]");
}

TEST_CASE("a launch cost is range-checked, not clamped", "[cli][config]") {
  expect_error("run --set machine/socket/kernel_launch/host_launch_ns=1e20",
               ":/socket/kernel_launch/host_launch_ns: must be in [0, 1000000000]");
}

TEST_CASE("an inherited key of a layered machine file can be overridden and is checked", "[cli][config]") {
  expect_error("run --machine sn40l-8 --tp 8 --set machine/socket/hbm/bandwidth_gbps=1e-8",
               "sn40l-8.json:/socket/hbm/bandwidth_gbps: must be in [0.001, 1000000]");
}

TEST_CASE("an integer that does not fit its type is an error, not a wrapped value", "[cli][config]") {
  expect_error("run --set batch=4294967297", "<command line>:/batch: must be at most 4294967295 (got 4294967297)");
  expect_error("run --set batch=100000", "<command line>:/batch: must be in [1, 65536] (got 100000)");
  expect_error("run --batch 4294967297", "<command line>:--batch: expects an integer in [1, 65536]");
}

TEST_CASE("1e400 in a JSON file is a one-line error naming the file", "[cli][config]") {
  fs::path d = scratch("overflow");
  fs::path s = write(d, "s.json", R"({"phase": "decode", "context": 1e400})");
  expect_error("run " + s.string(), s.string() + ": malformed JSON: number overflow");
  fs::path m = write(d, "m.json", R"({"kind": "rdu", "x": 1e400})");
  expect_error("run --machine " + m.string(), m.string() + ": malformed JSON: number overflow");
}

TEST_CASE("JSON nested 10^5 deep, even in a comment key, is a one-line error", "[cli][config]") {
  fs::path d = scratch("deep");
  fs::path m = write(d, "m.json",
                     "{\"_comment\": " + std::string(100000, '[') + std::string(100000, ']') + ", \"kind\": \"rdu\"}");
  expect_error("run --machine " + m.string(), m.string() + ": JSON nested deeper than 64 levels");
  fs::path s = write(d, "s.json", "{\"_c\": " + std::string(100000, '{') + "}");
  expect_error("run " + s.string(), s.string() + ": JSON nested deeper than 64 levels");
}

TEST_CASE("a model name longer than the OS allows is a one-line error", "[cli][config]") {
  expect_error("run --model " + std::string(300, 'x'), "cannot open file");
}
