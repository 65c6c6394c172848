// Credit-based stream buffers: a full buffer stalls its producer, an empty one its consumer.
#include <catch2/catch.hpp>

#include "memory/stream_buffer.hpp"

using namespace rdusim;

namespace {
// Generator -> buffer -> checker, each a spawned thread with its own pace.
struct Bench {
  StreamBuffer buf{"buf", 2};
  std::vector<double> produced, consumed;
  void run(double produce_ns, double consume_ns, int n) {
    sc_core::sc_spawn([=, this] {
      for (int i = 0; i < n; ++i) {
        sc_core::wait(ns(produce_ns));
        buf.reserve();
        buf.commit();
        produced.push_back(now_ns());
      }
    });
    sc_core::sc_spawn([=, this] {
      for (int i = 0; i < n; ++i) {
        buf.wait_committed(i + 1);
        sc_core::wait(ns(consume_ns));
        buf.release(1);
        consumed.push_back(now_ns());
      }
    });
    sc_core::sc_start();
  }
};
}  // namespace

TEST_CASE("a full buffer stalls its producer to the consumer's pace", "[pmu][sc]") {
  Bench b;
  b.run(1.0, 10.0, 20);
  REQUIRE(b.consumed.size() == 20);
  CHECK(b.buf.producer_stall_ns() > 100.0);
  CHECK(b.buf.consumer_stall_ns() == Approx(1.0));  // only the first chunk
  CHECK(b.consumed.back() == Approx(1.0 + 20 * 10.0));
  // The producer can never run more than capacity chunks ahead of the consumer.
  for (int i = 2; i < 20; ++i) CHECK(b.produced[i] >= b.consumed[i - 2] - 1e-6);
}

TEST_CASE("an empty buffer stalls its consumer to the producer's pace", "[pmu][sc]") {
  Bench b;
  b.run(10.0, 1.0, 20);
  REQUIRE(b.consumed.size() == 20);
  CHECK(b.buf.producer_stall_ns() == Approx(0.0));
  CHECK(b.buf.consumer_stall_ns() == Approx(20 * 10.0 - 19 * 1.0).epsilon(0.01));
  CHECK(b.consumed.back() == Approx(20 * 10.0 + 1.0));
}
