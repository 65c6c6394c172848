// Hostile input through the rdusim binary (issue 13): every case below must be refused with exit
// code 2, exactly one line on stderr, and no file written (the command runs in an empty scratch
// directory and --out points inside it; the directory must stay empty). Each command runs under
// `timeout` so a hang shows up as exit 124 instead of stalling the suite.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/wait.h>

namespace fs = std::filesystem;

namespace {

struct Scratch {
  fs::path in, work;  // inputs live in `in`; the command runs in `work`, which must stay empty
};

Scratch scratch(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("rdusim_hostile_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d / "in");
  fs::create_directories(d / "work");
  return {d / "in", d / "work"};
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path write(const fs::path& dir, const std::string& name, const std::string& text) {
  std::ofstream(dir / name, std::ios::binary) << text;
  return dir / name;
}

nlohmann::json shipped(const std::string& rel) {
  return nlohmann::json::parse(slurp(fs::path(RDUSIM_ROOT_DIR) / rel), nullptr, true, /*ignore_comments=*/true);
}

std::vector<std::string> files_under(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) out.push_back(e.path().string());
  return out;
}

// Runs `rdusim ARGS` in s.work (ARGS is shell text: quote it), `limit_s` seconds at most.
void expect_refused(const Scratch& s, const std::string& args, int limit_s = 60) {
  fs::path err = s.in / "stderr.txt";
  const std::string bin = args.rfind("env ", 0) == 0 ? "" : std::string(RDUSIM_BIN) + " ";  // "env X=.. BIN .."
  std::string cmd = "cd '" + s.work.string() + "' && timeout -s KILL " + std::to_string(limit_s) + " " + bin + args +
                    " > /dev/null 2> '" + err.string() + "'";
  int status = std::system(cmd.c_str());
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::string text = slurp(err);
  INFO("rdusim " << args);
  INFO("stderr: " << text.substr(0, 2000));
  INFO("exit status " << code << " (124/137: timed out; 134: abort; 136: SIGFPE; 139: SIGSEGV)");
  CHECK(code == 2);
  CHECK(std::count(text.begin(), text.end(), '\n') == 1);
  std::vector<std::string> written = files_under(s.work);
  INFO("written: " << (written.empty() ? std::string("nothing") : written.front()));
  CHECK(written.empty());
}

std::string nested(size_t levels, const std::string& open, const std::string& close, const std::string& core) {
  std::string s;
  s.reserve(levels * (open.size() + close.size()) + core.size());
  for (size_t i = 0; i < levels; ++i) s += open;
  s += core;
  for (size_t i = 0; i < levels; ++i) s += close;
  return s;
}
const size_t kDeep = 100000;

}  // namespace

TEST_CASE("hostile: reproduce --out with shell metacharacters", "[hostile][reproduce]") {
  Scratch s = scratch("inject");
  // Doc goes to the scratch input dir, so an accepted run cannot touch docs/validation.md.
  // No shell sees the name: the folder is made as named, the plots run from an argument vector, and
  // nothing else is created (no INJECTED file).
  std::string cmd = "cd '" + s.work.string() + "' && timeout -s KILL 240 " + std::string(RDUSIM_BIN) +
                    " reproduce --jobs 2 --doc '" + (s.in / "validation.md").string() +
                    "' --out 'o;touch INJECTED' > /dev/null 2> /dev/null";
  int status = std::system(cmd.c_str());
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(fs::exists(s.work / "o;touch INJECTED" / "validation.json"));
  CHECK_FALSE(fs::exists(s.work / "INJECTED"));
  CHECK(files_under(s.work).size() == 1 + files_under(s.work / "o;touch INJECTED").size());
}

TEST_CASE("hostile: run with a scenario nested 10^5 levels deep", "[hostile]") {
  Scratch s = scratch("deep_run");
  fs::path f = write(s.in, "deep.json", nested(kDeep, "{\"a\":", "}", "1"));
  expect_refused(s, "run '" + f.string() + "' --out out");
}

TEST_CASE("hostile: serve --requests with a trace nested 10^5 levels deep", "[hostile]") {
  Scratch s = scratch("deep_trace");
  fs::path f = write(s.in, "deep.json", nested(kDeep, "[", "]", ""));
  expect_refused(s, "serve --requests '" + f.string() + "' --out out");
}

TEST_CASE("hostile: run --set machine= a machine file nested 10^5 levels deep", "[hostile]") {
  Scratch s = scratch("deep_machine");
  fs::path f = write(s.in, "deep.json", nested(kDeep, "{\"socket\":", "}", "{}"));
  expect_refused(s, "run --set 'machine=" + f.string() + "' --out out");
}

TEST_CASE("hostile: switch --tp 0", "[hostile]") {
  Scratch s = scratch("tp0");
  expect_refused(s, "switch --machine sn40l-8 --bytes 1000000 --tp 0");
}

TEST_CASE("hostile: run with HBM bandwidth 1e-8 GB/s (simulated time overflow)", "[hostile]") {
  Scratch s = scratch("bw");
  expect_refused(s, "run --set machine/socket/hbm/bandwidth_gbps=1e-8 --out out");
}

TEST_CASE("hostile: run with HBM latency 1e30 ns (simulated time overflow)", "[hostile]") {
  Scratch s = scratch("lat");
  expect_refused(s, "run --set machine/socket/hbm/latency_ns=1e30 --out out");
}

TEST_CASE("hostile: run with host launch 1e20 ns (simulated time overflow)", "[hostile]") {
  Scratch s = scratch("launch");
  expect_refused(s, "run --set machine/socket/kernel_launch/host_launch_ns=1e20 --out out");
}

TEST_CASE("hostile: serve a request arriving at 1e300 us", "[hostile]") {
  Scratch s = scratch("arrival");
  fs::path f = write(s.in, "trace.json", R"([{"arrival_us": 1e300, "input_tokens": 16, "output_tokens": 2}])");
  expect_refused(s, "serve --requests '" + f.string() + "' --out out");
}

TEST_CASE("hostile: serve --batch abc", "[hostile]") {
  Scratch s = scratch("batch_abc");
  expect_refused(s, "serve --batch abc --out out");
}

TEST_CASE("hostile: serve --poisson 1 --count 1e9", "[hostile]") {
  Scratch s = scratch("count");
  expect_refused(s, "serve --poisson 1 --count 1e9 --out out");
}

TEST_CASE("hostile: switch --bytes -1", "[hostile]") {
  Scratch s = scratch("bytes");
  expect_refused(s, "switch --machine sn40l-8 --bytes -1");
}

TEST_CASE("hostile: serve --poisson 0", "[hostile]") {
  Scratch s = scratch("poisson0");
  expect_refused(s, "serve --poisson 0 --out out");
}

TEST_CASE("hostile: serve --output 0", "[hostile]") {
  Scratch s = scratch("output0");
  expect_refused(s, "serve --output 0 --out out");
}

TEST_CASE("hostile: scenario with batch 4294967297 (over 32 bits)", "[hostile]") {
  Scratch s = scratch("batch32");
  fs::path f = write(s.in, "sc.json", R"({"model": "llama2-7b", "batch": 4294967297})");
  expect_refused(s, "run '" + f.string() + "' --out out");
}

TEST_CASE("hostile: 1e400 in a JSON config", "[hostile]") {
  Scratch s = scratch("1e400");
  fs::path f = write(s.in, "sc.json", R"({"model": "llama2-7b", "context": 1e400})");
  expect_refused(s, "run '" + f.string() + "' --out out");
}

TEST_CASE("hostile: model name of 300 characters", "[hostile]") {
  Scratch s = scratch("longname");
  expect_refused(s, "run --model " + std::string(300, 'm') + " --out out");
}

// coe.json is read only by `reproduce` (from $RDUSIM_ROOT/configs/experiments): the run gets a root
// of its own whose experiments/coe.json says "batches": [8]; the rest links to the real tree.
TEST_CASE("hostile: coe.json with batches [8] only", "[hostile]") {
  Scratch s = scratch("coe_batches");
  fs::path root = s.in / "root", real = RDUSIM_ROOT_DIR;
  fs::create_directories(root / "configs" / "experiments");
  for (const char* d : {"workloads", "scripts", "docs"}) fs::create_directory_symlink(real / d, root / d);
  for (const char* d : {"machines", "compositions", "sweeps"})
    fs::create_directory_symlink(real / "configs" / d, root / "configs" / d);
  for (const auto& e : fs::directory_iterator(real / "configs" / "experiments"))
    fs::copy_file(e.path(), root / "configs" / "experiments" / e.path().filename());
  nlohmann::json j = shipped("configs/experiments/coe.json");
  j["batches"] = {8};
  write(root / "configs" / "experiments", "coe.json", j.dump(2));
  expect_refused(s,
                 "env RDUSIM_ROOT='" + root.string() + "' " + std::string(RDUSIM_BIN) +
                     " reproduce --no-plots --jobs 2 --doc '" + (s.in / "validation.md").string() + "' --out out",
                 240);
}

TEST_CASE("hostile: fusion experiment with an empty benchmark list", "[hostile]") {
  Scratch s = scratch("empty_bench");
  nlohmann::json j = shipped("configs/experiments/fusion.json");
  j["benchmarks"] = nlohmann::json::array();
  fs::path f = write(s.in, "fusion.json", j.dump(2));
  expect_refused(s, "experiment '" + f.string() + "' --jobs 2 --out out");
}

TEST_CASE("hostile: fusion experiment with duplicate benchmark names", "[hostile]") {
  Scratch s = scratch("dup_bench");
  nlohmann::json j = shipped("configs/experiments/fusion.json");
  nlohmann::json b = j["benchmarks"][1];  // llama2-7b.4k.decode: the cheapest, in case it is accepted
  j["benchmarks"] = {b, b};
  fs::path f = write(s.in, "fusion.json", j.dump(2));
  expect_refused(s, "experiment '" + f.string() + "' --jobs 2 --out out", 240);
}

// The two temp-file cases are about what is left on disk rather than about a refused input: a
// stale empty temp file from a run killed between write and rename must neither be taken for
// output nor stop the next run; two runs writing the same output at once must not share one temp
// name. The bad-input half keeps the contract above (the stale file is the only thing there).
TEST_CASE("hostile: a stale empty stats.json.tmp from a SIGKILLed run", "[hostile]") {
  Scratch s = scratch("stale_tmp");
  fs::create_directories(s.in / "out");
  write(s.in / "out", "stats.json.tmp", "");
  fs::path work = s.work;
  s.work = s.in / "out";  // refused run into the directory holding the stale file
  std::string cmd = "cd '" + work.string() + "' && timeout -s KILL 60 " + std::string(RDUSIM_BIN) +
                    " run --batch abc --out '" + s.work.string() + "' > /dev/null 2> /dev/null";
  int status = std::system(cmd.c_str());
  CHECK(WEXITSTATUS(status) == 2);
  CHECK(files_under(s.work).size() == 1);  // only the stale file
  // A good run into the same directory writes a whole stats.json and leaves no temp file of its own.
  cmd = "timeout -s KILL 120 " + std::string(RDUSIM_BIN) + " run --quiet --out '" + s.work.string() + "'";
  REQUIRE(WEXITSTATUS(std::system(cmd.c_str())) == 0);
  CHECK(nlohmann::json::accept(slurp(s.work / "stats.json")));
  for (const auto& f : files_under(s.work)) {
    INFO(f);
    CHECK((fs::path(f).filename() == "stats.json" || fs::path(f).filename() == "stats.json.tmp"));
  }
}

TEST_CASE("hostile: two processes writing the same output do not share one temp name", "[hostile]") {
  Scratch s = scratch("two_writers");
  // Deterministic half: another writer's temp file under the fixed name (here a directory, so it
  // cannot be truncated either) must not stop this run: temp names are unique per process.
  fs::create_directories(s.in / "out" / "stats.json.tmp");
  std::string one = "timeout -s KILL 120 " + std::string(RDUSIM_BIN) + " run --quiet --out '" +
                    (s.in / "out").string() + "' 2> '" + (s.in / "stderr1.txt").string() + "'";
  int status = std::system(one.c_str());
  INFO("stderr: " << slurp(s.in / "stderr1.txt"));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(nlohmann::json::accept(slurp(s.in / "out" / "stats.json")));
  // Racing half: four runs at once into one directory; each succeeds, one whole file, no temp left.
  std::string run = "timeout -s KILL 120 " + std::string(RDUSIM_BIN) + " run --quiet --out '" + s.work.string() + "'";
  std::string cmd = "(";
  for (int i = 0; i < 4; ++i)
    cmd += "(" + run + "; echo $? > '" + (s.in / ("rc" + std::to_string(i))).string() + "') & ";
  cmd += "wait) 2> '" + (s.in / "stderr.txt").string() + "'";
  std::system(cmd.c_str());
  std::string err = slurp(s.in / "stderr.txt");
  INFO("stderr: " << err);
  CHECK(err.empty());
  for (int i = 0; i < 4; ++i) CHECK(slurp(s.in / ("rc" + std::to_string(i))) == "0\n");
  CHECK(nlohmann::json::accept(slurp(s.work / "stats.json")));
  CHECK(files_under(s.work).size() == 1);
}
