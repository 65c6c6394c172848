// Output sets end to end (sim/core/atomic_file.hpp): a command's --out folder is replaced as a
// whole or not at all. The independent truth: after any error or SIGKILL, the folder is
// byte-for-byte the previous set or byte-for-byte the set an uninterrupted run writes; paths are
// passed to the plot script as an argument vector, so shell metacharacters stay characters.
#include <catch2/catch.hpp>

#include <chrono>
#include <random>
#include <thread>

#include "cli_helpers.hpp"

namespace fs = std::filesystem;
using namespace cli_test;

namespace {
fs::path scratch(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("rdusim_outset_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

void put(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

// A cheap reproduction (about a second): one small fusion benchmark and short CoE use cases; the
// machines, composition, batches and output lengths the plots need stay as in the full one.
fs::path small_experiments(const fs::path& dir) {
  fs::path e = dir / "experiments";
  fs::path real = fs::path(RDUSIM_ROOT_DIR) / "configs/experiments";
  fs::create_directories(e);
  fs::copy_file(real / "footprint.json", e / "footprint.json");
  fs::copy_file(real / "paper_values.json", e / "paper_values.json");
  put(e / "fusion.json",
      R"({"experiment": "fusion", "machine": "sn40l-8", "tp": 8, "batch": 1, "benchmarks": [)"
      R"({"name": "llama2-7b.512.decode", "model": "llama2-7b", "phase": "decode", "context": 512}]})");
  put(e / "coe.json",
      R"({"experiment": "coe", "composition": "samba-coe-150", "rdu_machine": "sn40l-8", "rdu_fusion": "fused-ho",)"
      R"( "dgx_machines": ["dgx-a100", "dgx-h100"], "tp": 8, "batches": [1, 8], "use_cases": [)"
      R"({"name": "chatbot", "input_tokens": 16, "output_tokens": 20},)"
      R"({"name": "translation", "input_tokens": 16, "output_tokens": 200}], "seed": 1})");
  return e;
}

const std::vector<std::string> kSet = {"coe.json",    "coe_breakdown.json", "coe_experts.json", "footprint.json",
                                       "fusion.json", "fusion.md",          "validation.json"};

// The set with its wall-clock lines ("wall_s": ...) removed: the rest is deterministic.
std::vector<std::pair<std::string, std::string>> no_wall(std::vector<std::pair<std::string, std::string>> t) {
  for (auto& [name, text] : t) {
    std::stringstream in(text);
    std::string line, kept;
    while (std::getline(in, line))
      if (line.find("\"wall") == std::string::npos) kept += line + "\n";
    text = kept;
  }
  return t;
}

std::vector<std::string> names(const std::vector<std::pair<std::string, std::string>>& t) {
  std::vector<std::string> n;
  for (const auto& [k, v] : t) n.push_back(k);
  return n;
}
}  // namespace

TEST_CASE("reproduce passes --out to the plots as one argument: no shell, spaces work", "[cli][outputs]") {
  fs::path d = scratch("inject");
  fs::path e = small_experiments(d);
  for (const std::string out : {"o;touch INJECTED", "my out"}) {
    INFO(out);
    Result r = run({"reproduce", "--experiments", e.string(), "--jobs", "2", "--out", out}, d);
    INFO(r.err);
    CHECK(r.code == 0);
    CHECK(r.err.empty());
    CHECK_FALSE(fs::exists(d / "INJECTED"));
    CHECK_FALSE(fs::exists("INJECTED"));
    for (const char* f : {"validation.json", "speedup.png", "switching.png", "fusion.png", "footprint.png"})
      CHECK(fs::exists(d / out / f));
  }
  CHECK(leftovers(d, ".part").empty());
  CHECK(leftovers(d, ".tmp").empty());
  CHECK(leftovers(d, ".rdusim-").empty());
}

TEST_CASE("a plot that fails is one line, exit 2, and the previous set stays", "[cli][outputs]") {
  fs::path d = scratch("plotfail");
  fs::path e = small_experiments(d);
  // The plots need both DGX machines: with one, plot_validation.py fails (KeyError).
  std::string coe = slurp(e / "coe.json");
  coe.replace(coe.find(R"(["dgx-a100", "dgx-h100"])"), 24, R"(["dgx-a100"])");
  put(e / "coe.json", coe);
  put(d / "out" / "validation.json", "{\"old\": true}\n");
  auto before = tree(d / "out");
  Result r = run({"reproduce", "--jobs", "2", "--experiments", e.string(), "--out", (d / "out").string()});
  INFO(r.err);
  CHECK(r.code == 2);
  CHECK(r.err.rfind("rdusim: plots: /usr/bin/python3 exited with 1: ", 0) == 0);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK(tree(d / "out") == before);
  CHECK(leftovers(d, ".rdusim-").empty());
}

TEST_CASE("an error during a run leaves the previous output folder byte-identical", "[cli][outputs]") {
  fs::path d = scratch("error");
  put(d / "out" / "stats.json", "previous\n");
  put(d / "out" / "trace.json", "previous trace\n");
  auto before = tree(d / "out");
  // The trace cannot be written (its folder cannot be created): the run fails after simulating.
  Result r = run({"run", "--out", (d / "out").string(), "--trace", "/proc/rdusim-no/t.json"});
  INFO(r.err);
  CHECK(r.code == 2);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK(tree(d / "out") == before);
  CHECK(leftovers(d, ".rdusim-").empty());
  CHECK(leftovers(d, ".part").empty());
  // A successful run replaces the set as a whole: the trace inside --out comes with it.
  r = run({"run", "--out", (d / "out").string(), "--trace", (d / "out" / "trace.json").string()});
  REQUIRE(r.code == 0);
  CHECK(names(tree(d / "out")) == std::vector<std::string>{"stats.json", "trace.json"});
  CHECK(slurp(d / "out" / "trace.json").size() > 1000);
  CHECK(leftovers(d, ".rdusim-").empty());
  // A folder that is not an output set is never replaced.
  put(d / "src" / "main.cpp", "int main() {}\n");
  r = run({"run", "--out", (d / "src").string()});
  CHECK(r.code == 2);
  CHECK(r.err.find("not an rdusim output") != std::string::npos);
  CHECK(slurp(d / "src" / "main.cpp") == "int main() {}\n");
  // Nor is the working directory or one above it, even when it holds only output files.
  fs::create_directories(d / "w" / "sub");
  put(d / "w" / "a.json", "{}\n");
  for (const char* out : {".", "./", "..", "sub/.."}) {
    INFO(out);
    r = run({"run", "--quiet", "--out", out}, d / "w" / "sub");
    CHECK(r.code == 2);
    CHECK(r.err.find("--out: ") != std::string::npos);
  }
  CHECK(slurp(d / "w" / "a.json") == "{}\n");
}

TEST_CASE("SIGKILL at any point leaves --out the complete old set or the complete new set", "[cli][outputs][kill]") {
  fs::path d = scratch("kill");
  fs::path e = small_experiments(d);
  const fs::path out = d / "D";
  const std::vector<std::string> args = {"reproduce",     "--no-plots", "--jobs", "2",
                                         "--experiments", e.string(),   "--out",  out.string()};
  // The new set an uninterrupted run writes (deterministic but for wall times), and how long it
  // takes. Runtime: about 9 such runs (12 kills at uniform points over 1.2 x its time).
  auto t0 = std::chrono::steady_clock::now();
  REQUIRE(run(args).code == 0);
  double full_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto fresh = no_wall(tree(out));
  REQUIRE(names(fresh) == kSet);
  auto reset_old = [&] {
    fs::remove_all(out);
    put(out / "validation.json", "{\"old\": true}\n");
    put(out / "old.md", "old set\n");
  };
  reset_old();
  const auto old = tree(out);
  std::mt19937 rng(20261201);
  std::uniform_real_distribution<double> when(0.0, 1.2 * full_s);
  int saw_old = 0, saw_new = 0;
  const int kRuns = 12;
  for (int i = 0; i < kRuns; ++i) {
    double delay_s = i == 0 ? 0.0 : i == kRuns - 1 ? 3 * full_s : when(rng);
    Proc p = start(args);
    std::this_thread::sleep_for(std::chrono::duration<double>(delay_s));
    ::kill(-p.pid, SIGKILL);  // the whole process group: rdusim and its simulation processes
    wait(p);
    auto now = tree(out);
    INFO("run " << i << " killed after " << delay_s << " s of " << full_s);
    bool is_old = now == old, is_new = no_wall(now) == fresh;
    CHECK((is_old || is_new));
    saw_old += is_old;
    saw_new += is_new;
    if (is_new) reset_old();
  }
  CHECK(saw_old > 0);
  CHECK(saw_new > 0);
  // Stale staging folders of killed runs are removed by the next run on the same folder.
  REQUIRE(run(args).code == 0);
  CHECK(no_wall(tree(out)) == fresh);
  CHECK(leftovers(d, ".rdusim-").empty());
}
