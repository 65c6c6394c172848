// End to end through the binaries on the DGX machines: `rdusim run --machine dgx-*` works like on
// the SN40L (same scenario keys, tp up to 8, layer or model scope) and bad input is one line, exit 2.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <sys/wait.h>

namespace fs = std::filesystem;

namespace {
struct Result {
  int code;
  std::string out, err;
};
Result run(const std::string& bin, const std::string& args) {
  std::string base = fs::temp_directory_path() / ("rdusim_gpu_cli_" + std::to_string(::getpid()));
  std::string cmd = bin + " " + args + " > " + base + ".out 2> " + base + ".err";
  int status = std::system(cmd.c_str());
  auto slurp = [](const std::string& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    fs::remove(p);
    return ss.str();
  };
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(base + ".out"), slurp(base + ".err")};
}
}  // namespace

TEST_CASE("rdusim run --machine dgx-h100 takes the SN40L's scenario keys", "[gpu][cli]") {
  fs::path out = fs::temp_directory_path() / ("rdusim_gpu_cli_out_" + std::to_string(::getpid()));
  Result r = run(RDUSIM_BIN,
                 "run --machine dgx-h100 --model llama2-70b --phase prefill --seq 512 --tp 8 --scope layer "
                 "--out " +
                     out.string());
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(r.out.find("kernel by kernel, tp 8 on dgx-h100") != std::string::npos);
  auto stats = nlohmann::json::parse(std::ifstream(out / "stats.json"));
  CHECK(stats["run"]["total_ns"]["value"].get<double>() > 0);
  CHECK(stats["run"]["allreduce_ns"]["value"].get<double>() > 0);
  fs::remove_all(out);
}

TEST_CASE("bad GPU scenarios are one line and exit 2", "[gpu][cli]") {
  Result r = run(RDUSIM_BIN, "run --machine dgx-a100 --tp 9 --quiet --out ''");
  CHECK(r.code == 2);
  CHECK(r.err.find("/tp: tp=9 exceeds the 8 GPU(s)") != std::string::npos);
  r = run(RDUSIM_BIN, "run --machine dgx-a100 --model llama2-70b --quiet --out ''");
  CHECK(r.code == 2);
  CHECK(r.err.find("does not fit in HBM") != std::string::npos);
  r = run(RDUSIM_BIN, "run --machine dgx-a100 --set machine/gpu/sm/count=0 --quiet --out ''");
  CHECK(r.code == 2);
  CHECK(r.err.find("dgx-a100.json:/gpu/sm/count: must be positive") != std::string::npos);
  r = run(RDUSIM_BIN, "switch --machine dgx-a100 --bytes 1e9 --mode pipe");
  CHECK(r.code == 2);
  CHECK(r.err.find("unknown load mode \"pipe\" (known: paper, per-gpu)") != std::string::npos);
}

TEST_CASE("a flag that does not apply to a GPU is one line naming it, exit 2", "[gpu][cli]") {
  auto one_line = [](const Result& r, const std::string& needle) {
    INFO(r.err);
    CHECK(r.code == 2);
    CHECK(r.err.find(needle) != std::string::npos);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  };
  one_line(run(RDUSIM_BIN, "run --machine dgx-a100 --fusion unfused --quiet --out ''"),
           "<command line>:--fusion: \"unfused\" does not apply to dgx-a100");
  one_line(run(RDUSIM_BIN, "run --machine dgx-h100 --orchestration device --quiet --out ''"),
           "<command line>:--orchestration: device orchestration does not apply to dgx-h100");
  one_line(run(RDUSIM_BIN, "run --machine dgx-h100 --fusion fused-ho --quiet --out ''"),
           "<command line>:--fusion: device orchestration does not apply");
  fs::path file = fs::temp_directory_path() / ("rdusim_gpu_cli_sc_" + std::to_string(::getpid()) + ".json");
  std::ofstream(file) << R"({"machine": "dgx-a100", "fusion": "unfused"})";
  one_line(run(RDUSIM_BIN, "run " + file.string() + " --quiet --out ''"),
           file.string() + ":/fusion: \"unfused\" does not apply");
  fs::remove(file);
  // What a GPU does mean is accepted: fused kernels launched by the host.
  CHECK(run(RDUSIM_BIN, "run --machine dgx-a100 --fusion fused-so --quiet --out ''").code == 0);
  CHECK(run(RDUSIM_BIN, "run --machine dgx-a100 --fusion fused --orchestration host --quiet --out ''").code == 0);
}

// The leaf keys of one section of stats.json ("run": {"total_ns": {"value", "unit", ...}}).
std::set<std::string> keys_of(const nlohmann::json& section) {
  std::set<std::string> k;
  for (auto it = section.begin(); it != section.end(); ++it) k.insert(it.key());
  return k;
}

TEST_CASE("RDU and GPU runs report the same run.* statistics", "[gpu][cli]") {
  fs::path base = fs::temp_directory_path() / ("rdusim_gpu_cli_keys_" + std::to_string(::getpid()));
  REQUIRE(run(RDUSIM_BIN, "run --machine sn40l-8 --tp 8 --quiet --out " + (base / "rdu").string()).code == 0);
  REQUIRE(run(RDUSIM_BIN, "run --machine dgx-h100 --tp 8 --quiet --out " + (base / "gpu").string()).code == 0);
  auto rdu = nlohmann::json::parse(std::ifstream(base / "rdu" / "stats.json"));
  auto gpu = nlohmann::json::parse(std::ifstream(base / "gpu" / "stats.json"));
  CHECK(keys_of(rdu["run"]) == keys_of(gpu["run"]));
  for (const char* k : {"collective_ns", "allreduce_ns", "pcu_utilization", "hbm_bw_fraction", "roofline_ns"}) {
    INFO(k);
    CHECK(rdu["run"].contains(k));
  }
  // Both ran tp 8 with an all-reduce per layer half: collective time is part of the time.
  for (const auto* j : {&rdu, &gpu}) {
    double c = (*j)["run"]["collective_ns"]["value"].get<double>();
    CHECK(c <= (*j)["run"]["total_ns"]["value"].get<double>());
    CHECK((*j)["run"]["allreduce_ns"]["value"].get<double>() == c);
    double u = (*j)["run"]["pcu_utilization"]["value"].get<double>();
    CHECK(u > 0.0);
    CHECK(u <= 1.0);
  }
  CHECK(gpu["run"]["collective_ns"]["value"].get<double>() > 0);
  fs::remove_all(base);
}

TEST_CASE("rdusim switch reports the paper mode's one-pipe rate", "[gpu][cli]") {
  Result r = run(RDUSIM_BIN, "switch --machine dgx-h100 --mode paper --bytes 64e9 --tp 8 --json");
  REQUIRE(r.code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["ns"].get<double>() == Approx(1e9));
  CHECK(j["gbps"].get<double>() == Approx(64.0));
}

TEST_CASE("the CoE router runs on a DGX (scope router)", "[gpu][cli]") {
  Result r = run(RDUSIM_BIN,
                 "run --machine dgx-h100 --scope router --composition samba-coe-v0.1 --phase prefill "
                 "--seq 64 --batch 2 --tp 8 --out ''");
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(r.out.find("prefill router, batch 2, seq 64, kernel by kernel, tp 8 on dgx-h100") != std::string::npos);
}

TEST_CASE("rdusim switch takes its options from the one table: exact byte counts, bad values exit 2", "[gpu][cli]") {
  // 1.5e9 is the exact integer 1500000000; the paper mode's one pipe is 64 GB/s, so 1.5e9 B = 23.4375 ms.
  Result r = run(RDUSIM_BIN, "switch --machine dgx-h100 --mode paper --bytes 1.5e9 --tp 8 --json");
  REQUIRE(r.code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["bytes"].get<uint64_t>() == 1500000000ull);
  CHECK(j["ns"].get<double>() == Approx(1.5e9 / 64.0));
  for (const char* bad : {"--bytes 12.5", "--bytes -1", "--bytes 0", "--bytes 1e9 --tp 0", "--bytes 1e9 --tp x",
                          "--bytes 1e9 --json=1", "--byte 1e9"}) {
    INFO(bad);
    r = run(RDUSIM_BIN, std::string("switch --machine dgx-a100 ") + bad);
    CHECK(r.code == 2);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK(r.err.find("<command line>:--") != std::string::npos);
  }
  r = run(RDUSIM_BIN, "switch --machine dgx-a100 --bytes 1e9 --tp 9");
  CHECK(r.code == 2);
  CHECK(r.err.find("/gpus: a switch over 9 GPUs needs that many") != std::string::npos);
  r = run(RDUSIM_BIN, "switch --help");
  CHECK(r.code == 0);
  CHECK(r.out.find("--bytes N") != std::string::npos);
}
