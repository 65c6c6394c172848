// The inter-socket fabric: collectives against closed forms, and DMA copies against tier rates.
#include <catch2/catch.hpp>

#include <memory>

#include "dataflow/socket.hpp"
#include "interconnect/fabric.hpp"
#include "sim/config/machine_config.hpp"
#include "sim/config/scenario.hpp"
#include "sim/run/executor.hpp"

using namespace rdusim;

namespace {
// Runs one all-reduce of `bytes` on all ranks at once; returns when the last rank finishes.
double all_reduce_ns(const FabricParams& p, uint64_t bytes) {
  RunContext ctx;
  Fabric f("fabric", p, ctx);
  double last = 0;
  Executor ex("run", [&] {
    uint32_t left = p.endpoints;
    sc_core::sc_event done;
    for (uint32_t r = 0; r < p.endpoints; ++r) {
      sc_core::sc_spawn([&, r] {
        f.collective(CollectiveKind::kAllReduce, r, p.endpoints, bytes, 42);
        last = std::max(last, now_ns());
        if (--left == 0) done.notify();
      });
    }
    sc_core::wait(done);
  });
  sc_core::sc_start();
  REQUIRE(ex.finished());
  return last;
}
}  // namespace

TEST_CASE("a ring all-reduce of N bytes on 8 takes 2(T-1)/T N/BW plus latencies", "[fabric][sc]") {
  FabricParams p;
  p.topology = "ring";
  p.algorithm = "ring";
  p.endpoints = 8;
  p.link = {50.0, 500.0, 100.0};
  const uint64_t n = 64ull << 20;
  double t = all_reduce_ns(p, n);
  const double T = 8;
  // 2(T-1) steps, each moving N/T over one link and paying its latency and per-message overhead.
  double expect =
      2 * (T - 1) / T * n / p.link.bandwidth_gbps + 2 * (T - 1) * (p.link.latency_ns + p.link.per_message_ns);
  CHECK(t == Approx(expect).epsilon(0.02));
}

TEST_CASE("a direct all-reduce on a full mesh moves each shard once per phase", "[fabric][sc]") {
  FabricParams p;
  p.topology = "full_mesh";
  p.algorithm = "direct";
  p.endpoints = 8;
  p.link = {25.0, 1000.0, 200.0};
  const uint64_t n = 8ull << 20;
  double t = all_reduce_ns(p, n);
  double expect = 2 * (double(n) / 8 / p.link.bandwidth_gbps + p.link.latency_ns + p.link.per_message_ns);
  CHECK(t == Approx(expect).epsilon(0.02));
  CHECK(Fabric::traffic_bytes(CollectiveKind::kAllReduce, 8, n) == 2ull * 8 * 7 * (n / 8));
}

TEST_CASE("an expert copy over 8 sockets takes N / aggregate DDR->HBM rate plus latency", "[fabric][dma][sc]") {
  MachineConfig m = load_machine_file(resolve_config("sn40l-8", "configs/machines"));
  RunContext ctx;
  std::vector<std::unique_ptr<Socket>> sockets;
  for (int r = 0; r < 8; ++r)
    sockets.push_back(std::make_unique<Socket>(("rdu" + std::to_string(r)).c_str(), m.socket, ctx));
  const uint64_t n = 13476831232ull;  // a Llama-2-7B expert in BF16
  Executor ex("run", [&] {
    int left = 8;
    sc_core::sc_event done;
    for (int r = 0; r < 8; ++r) {
      sc_core::sc_spawn([&, r] {
        sockets[r]->dma.copy(sockets[r]->ddr, sockets[r]->hbm, n / 8, "expert");
        if (--left == 0) done.notify();
      });
    }
    sc_core::wait(done);
  });
  sc_core::sc_start();
  REQUIRE(ex.finished());
  double rate = 8 * m.socket.ddr.total_bandwidth_gbps();  // DDR is the slower tier
  double expect = double(n) / rate + m.socket.ddr.channel.latency_ns + m.socket.hbm.channel.latency_ns;
  CHECK(now_ns() == Approx(expect).epsilon(0.01));
}

TEST_CASE("a transfer whose delivery lies beyond sc_time's range is a SimError, not a wrapped time", "[fabric][sc]") {
  FabricParams p;
  p.topology = "full_mesh";
  p.endpoints = 2;
  p.link = {25.0, 1e20, 0.0};  // far beyond the config range [0, 1e9] ns: only a backstop can catch it
  RunContext ctx;
  Fabric f("fabric", p, ctx);
  Executor ex("run", [&] { f.transfer(0, 1, 4096, [] {}); });
  sc_core::sc_start();
  CHECK_FALSE(ex.finished());
  std::string err;
  try {
    ex.rethrow();
  } catch (const SimError& e) {
    err = e.one_line();
  }
  CHECK(err.find("simulated time: ") == 0);
  CHECK(err.find("exceeds the simulator's range") != std::string::npos);
}
