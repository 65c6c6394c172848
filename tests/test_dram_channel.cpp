// DRAM channel and tier against closed forms. One TEST_CASE = one elaboration (own process).
#include <catch2/catch.hpp>

#include "memory/dram_tier.hpp"

using namespace rdusim;

namespace {
DramChannelParams channel(double gbps, double latency) {
  DramChannelParams p;
  p.bandwidth_gbps = gbps;
  p.latency_ns = latency;
  return p;
}
}  // namespace

TEST_CASE("a lone 4 KiB read completes at latency + bytes/bandwidth", "[memory][sc]") {
  RunContext ctx;
  DramChannel ch("ch", channel(32.0, 100.0), ctx);
  double done = -1;
  ch.submit({4096, false, [&] { done = now_ns(); }});
  sc_core::sc_start();
  CHECK(done == Approx(100.0 + 128.0).epsilon(0.01));
}

TEST_CASE("a channel moves N bytes in N/BW + latency, whatever the queue depth", "[memory][sc]") {
  RunContext ctx;
  DramChannelParams p = channel(64.0, 250.0);
  p.queue_depth = 4;
  DramChannel ch("ch", p, ctx);
  const int n = 100;
  const uint64_t bytes = 1 << 20;
  double last = -1;
  int order_errors = 0, seen = 0;
  for (int i = 0; i < n; ++i) {
    ch.submit({bytes, i % 2 == 1, [&, i] {
                 order_errors += (i != seen++);
                 last = now_ns();
               }});
  }
  sc_core::sc_start();
  double expect = n * double(bytes) / 64.0 + 250.0;
  CHECK(last == Approx(expect).epsilon(0.01));
  CHECK(order_errors == 0);
  CHECK(ctx.stats.value("ch.bytes_read") + ctx.stats.value("ch.bytes_written") == Approx(double(n) * bytes));
}

TEST_CASE("a tier of N channels reaches N times the channel bandwidth on large requests", "[memory][sc]") {
  RunContext ctx;
  DramTierParams tp;
  tp.name = "hbm";
  tp.capacity_bytes = 1e12;
  tp.channels = 32;
  tp.channel = channel(1800.0 / 32, 250.0);
  DramTier tier("hbm", tp, ctx);
  const uint64_t total = 512ull << 20;
  double last = 0;
  for (int i = 0; i < 64; ++i) tier.submit(total / 64, false, [&] { last = now_ns(); });
  sc_core::sc_start();
  CHECK(last == Approx(total / 1800.0 + 250.0).epsilon(0.01));
  CHECK(tier.bytes_moved() == total);
}

TEST_CASE("tier capacity accounting is all-or-nothing", "[memory][sc]") {
  RunContext ctx;
  DramTierParams tp;
  tp.name = "hbm";
  tp.capacity_bytes = 100.0;
  tp.channels = 1;
  tp.channel = channel(1.0, 1.0);
  DramTier tier("hbm", tp, ctx);
  CHECK(tier.place("a", 60));
  CHECK_FALSE(tier.place("b", 50));
  CHECK_FALSE(tier.holds("b"));
  tier.remove("a");
  CHECK(tier.place("b", 50));
  CHECK(tier.free_bytes() == Approx(50));
}
