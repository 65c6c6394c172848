#include <catch2/catch.hpp>

#include "memory/dram_timing.hpp"

using namespace rdusim;

TEST_CASE("transfer time is bytes over bandwidth", "[memory]") {
  CHECK(transfer_ns(4096, 32.0) == Approx(128.0));
  CHECK(transfer_ns(1800000000ull, 1800.0) == Approx(1e6));
}

TEST_CASE("an in-order channel queues behind the bus and adds latency after the last byte", "[memory]") {
  ChannelSlot a = schedule_in_order(0.0, 0.0, 3200, 32.0, 100.0);
  CHECK(a.bus_free_ns == Approx(100.0));
  CHECK(a.done_ns == Approx(200.0));
  ChannelSlot b = schedule_in_order(10.0, a.bus_free_ns, 3200, 32.0, 100.0);
  CHECK(b.bus_free_ns == Approx(200.0));
  CHECK(b.done_ns == Approx(300.0));
  ChannelSlot idle = schedule_in_order(1000.0, a.bus_free_ns, 0, 32.0, 100.0);
  CHECK(idle.done_ns == Approx(1100.0));
}
