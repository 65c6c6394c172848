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

// Commits and releases scheduled ahead take effect at their time, with no process running for
// them; the truth is the schedule itself (times chosen exactly representable in picoseconds).
TEST_CASE("a deferred commit is visible exactly at its time, to a waiting and to a run-ahead consumer", "[pmu][sc]") {
  StreamBuffer buf{"buf", 4};
  std::vector<double> seen;
  double known_at_ns = -1.0, known_visible_ns = -1.0;
  sc_core::sc_spawn([&] {
    for (int i = 0; i < 3; ++i) {
      buf.reserve();
      buf.commit_at(sc_core::sc_time_stamp(), 7.5);  // in flight for 7.5 ns
      sc_core::wait(ns(2.0));
    }
  });
  sc_core::sc_spawn([&] {
    for (int i = 1; i <= 2; ++i) {
      buf.wait_committed(i);
      seen.push_back(now_ns());
    }
    // Chunk 3 was sent at 4 ns: it is known at once, before it arrives at 11.5 ns.
    buf.wait_scheduled(3);
    known_at_ns = now_ns();
    sc_core::sc_time at;
    REQUIRE(buf.visible_at(3, at));
    known_visible_ns = to_ns(at);
    CHECK(buf.committed() == 2);  // not visible yet
    buf.wait_committed(3);
    seen.push_back(now_ns());
  });
  sc_core::sc_start();
  REQUIRE(seen.size() == 3);
  CHECK(seen[0] == Approx(7.5).margin(1e-9));
  CHECK(seen[1] == Approx(9.5).margin(1e-9));
  CHECK(seen[2] == Approx(11.5).margin(1e-9));
  CHECK(known_at_ns == Approx(9.5).margin(1e-9));
  CHECK(known_visible_ns == Approx(11.5).margin(1e-9));
  CHECK(buf.committed() == 3);
}

TEST_CASE("a release scheduled ahead frees its credit at its time, for a waiting and a run-ahead producer",
          "[pmu][sc]") {
  StreamBuffer buf{"buf", 1};
  double reserved_ns = -1.0, run_ahead_at_ns = -1.0, run_ahead_now_ns = -1.0;
  sc_core::sc_spawn([&] {
    buf.reserve();
    buf.commit();
    buf.release_at(1, sc_core::sc_time_stamp() + ns(20.0));  // the consumer runs ahead to 20 ns
    buf.reserve();                                           // waits for that release
    reserved_ns = now_ns();
    buf.commit();
    buf.release_at(1, sc_core::sc_time_stamp() + ns(5.0));
    sc_core::sc_time at = sc_core::sc_time_stamp() + ns(1.0);
    REQUIRE(buf.reserve_by(at));  // free by a known release: at moves to it, no waiting
    run_ahead_at_ns = to_ns(at);
    run_ahead_now_ns = now_ns();
  });
  sc_core::sc_start();
  CHECK(reserved_ns == Approx(20.0).margin(1e-9));
  CHECK(run_ahead_at_ns == Approx(25.0).margin(1e-9));
  CHECK(run_ahead_now_ns == Approx(20.0).margin(1e-9));  // the kernel never went to 25 ns
  CHECK(buf.occupancy() == 2);  // so the release at 25 ns has not happened; the credit is held ahead
}

TEST_CASE("a release ahead of chunks that are not even in flight is an error", "[pmu][sc]") {
  StreamBuffer buf{"buf", 2};
  std::string error;
  sc_core::sc_spawn([&] {
    buf.reserve();
    buf.commit_at(sc_core::sc_time_stamp(), 10.0);
    try {
      buf.release_at(1, sc_core::sc_time_stamp() + ns(5.0));  // before the chunk arrives
    } catch (const std::exception& e) {
      error = e.what();
    }
  });
  sc_core::sc_start();
  CHECK(error.find("release of chunks never committed") != std::string::npos);
}
