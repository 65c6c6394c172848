// The variant families behind interfaces, checked against their contracts without a kernel:
// topologies (routes are chains of existing links), collective algorithms (traffic equals the
// closed form, sends match receives) and DRAM arbiters (which source is admitted next).
#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "interconnect/collective.hpp"
#include "interconnect/fabric.hpp"
#include "interconnect/topology.hpp"
#include "memory/arbiter.hpp"
#include "memory/dram_channel.hpp"

using namespace rdusim;

namespace {
std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const SimError& e) {
    return e.one_line();
  }
  return "";
}
}  // namespace

TEST_CASE("every route is a chain of the topology's links from source to destination", "[fabric]") {
  for (const char* name : {"full_mesh", "ring", "switch"}) {
    auto topo = make_topology(name);
    for (uint32_t n = 2; n <= 9; ++n) {
      std::set<LinkEnds> links;
      for (const auto& l : topo->links(n)) CHECK(links.insert(l.ends).second);  // each link once
      for (uint32_t a = 0; a < n; ++a) {
        for (uint32_t b = 0; b < n; ++b) {
          if (a == b) continue;
          auto r = topo->route(a, b, n);
          INFO(name << " n=" << n << " " << a << "->" << b);
          REQUIRE_FALSE(r.empty());
          CHECK(r.front().first == a);
          CHECK(r.back().second == b);
          for (size_t i = 0; i < r.size(); ++i) {
            CHECK(links.count(r[i]) == 1);
            if (i > 0) CHECK(r[i - 1].second == r[i].first);
          }
          // A ring takes the shorter way round: at most n/2 hops.
          if (std::string(name) == "ring") CHECK(r.size() <= n / 2);
        }
      }
    }
  }
  CHECK(make_topology("full_mesh")->links(8).size() == 56);
  CHECK(make_topology("ring")->links(8).size() == 16);
  CHECK(make_topology("switch")->links(8).size() == 16);
}

TEST_CASE("a collective's transfers carry the closed-form traffic and match the receives", "[fabric]") {
  for (const char* name : {"direct", "ring"}) {
    auto alg = make_collective(name);
    for (auto kind : {CollectiveKind::kAllReduce, CollectiveKind::kReduceScatter, CollectiveKind::kAllGather}) {
      for (uint32_t ranks = 2; ranks <= 8; ++ranks) {
        const uint64_t bytes = 1000003;
        uint64_t total = 0;
        size_t steps = 0;
        std::map<std::pair<size_t, uint32_t>, uint32_t> sent_to;  // (step, rank) -> transfers
        std::map<std::pair<size_t, uint32_t>, uint32_t> expected;
        for (uint32_t rank = 0; rank < ranks; ++rank) {
          auto plan = alg->decompose(kind, rank, ranks, bytes);
          if (rank == 0) steps = plan.size();
          CHECK(plan.size() == steps);
          for (size_t s = 0; s < plan.size(); ++s) {
            expected[{s, rank}] = plan[s].receives;
            for (auto [dst, n] : plan[s].sends) {
              CHECK(dst != rank);
              total += n;
              ++sent_to[{s, dst}];
            }
          }
        }
        INFO(name << " ranks=" << ranks);
        CHECK(total == Fabric::traffic_bytes(kind, ranks, bytes));
        CHECK(sent_to == expected);
      }
    }
  }
  // Ring all-reduce: 2(n-1) steps; direct: one step per phase.
  CHECK(make_collective("ring")->decompose(CollectiveKind::kAllReduce, 0, 8, 64).size() == 14);
  CHECK(make_collective("direct")->decompose(CollectiveKind::kAllReduce, 0, 8, 64).size() == 2);
}

TEST_CASE("arbiters: priority takes the lowest source, round_robin the next after the last", "[memory]") {
  WaitingQueues w;
  for (uint32_t s : {2u, 5u, 9u}) w[s].push_back(MemRequest{});
  auto prio = make_arbiter("priority");
  auto rr = make_arbiter("round_robin");
  std::vector<uint32_t> p, r;
  for (int i = 0; i < 4; ++i) {
    p.push_back(prio->pick(w));
    prio->admitted(p.back());
    r.push_back(rr->pick(w));
    rr->admitted(r.back());
  }
  CHECK(p == std::vector<uint32_t>{2, 2, 2, 2});
  CHECK(r == std::vector<uint32_t>{2, 5, 9, 2});
  CHECK(rr->pick(w) == 5);  // pick alone changes nothing
  CHECK(rr->pick(w) == 5);
}

// A source's waiting requests are stored as runs (one request and the args of the rest): what
// comes out is what went in, in order, whatever the runs look like.
TEST_CASE("a source queue gives back its requests in order, args and callables intact", "[memory]") {
  static std::vector<uint64_t> fired;
  auto note = [](void*, uint64_t arg, uint64_t) { fired.push_back(arg); };
  auto note_at = [](void*, uint64_t arg, uint64_t, double) { fired.push_back(1000 + arg); };
  fired.clear();
  int owned_calls = 0;
  SourceQueue q;
  for (uint64_t j = 0; j < 3; ++j) q.push_back(MemRequest{4096, false, MemDone(note, nullptr, j), 7});
  q.push_back(MemRequest{2048, false, MemDone(note, nullptr, 3), 7});  // other size: a new run
  q.push_back(MemRequest{2048, false, [&] { ++owned_calls; }, 7});     // an owned callable: its own run
  for (uint64_t j = 5; j < 7; ++j) {
    MemRequest r{4096, true, {}, 7};
    r.on_scheduled = MemScheduled{note_at, nullptr, j};
    q.push_back(std::move(r));
  }
  std::vector<uint64_t> bytes;
  while (!q.empty()) {
    uint64_t b = q.front_bytes();
    MemRequest r = q.pop_front();
    CHECK(r.bytes == b);
    bytes.push_back(r.bytes);
    if (r.on_scheduled) r.on_scheduled(r.bytes, 0.0);
    if (r.on_done) r.on_done(r.bytes);
  }
  CHECK(bytes == std::vector<uint64_t>{4096, 4096, 4096, 2048, 2048, 4096, 4096});
  CHECK(fired == std::vector<uint64_t>{0, 1, 2, 3, 1005, 1006});
  CHECK(owned_calls == 1);
}

TEST_CASE("unknown variant names list the known ones", "[fabric][memory]") {
  CHECK(error_of([] { make_topology("torus"); }) == ": unknown \"torus\" (known: full_mesh, ring, switch)");
  CHECK(error_of([] { make_collective("tree"); }) == ": unknown \"tree\" (known: direct, ring)");
  CHECK(error_of([] { make_arbiter("fifo"); }) == ": unknown \"fifo\" (known: priority, round_robin)");
}
