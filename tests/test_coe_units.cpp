// Kernel-free tests of the CoE building blocks: composition configs, router graphs and routing,
// the tier allocator, request generation and the machine-footprint arithmetic.
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>

#include "dataflow/mapper.hpp"
#include "memory/tier_allocator.hpp"
#include "sim/config/machine_config.hpp"
#include "sim/config/scenario.hpp"
#include "sim/studies/footprint_study.hpp"
#include "workloads/composition.hpp"
#include "workloads/footprint.hpp"
#include "workloads/random.hpp"
#include "workloads/requests.hpp"
#include "workloads/router.hpp"

using namespace rdusim;

namespace {

std::string models_dir() { return project_root() + "/workloads/models"; }
Composition shipped(const std::string& name) {
  return load_composition_file(project_root() + "/configs/compositions/" + name + ".json", models_dir());
}
std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const SimError& e) {
    return e.one_line();
  }
  return "";
}

// A small valid composition; tests patch it to make each mistake.
nlohmann::json base_doc() {
  return nlohmann::json::parse(R"({
    "name": "t",
    "router": {"model": "llama2-7b", "classifier": "linear"},
    "experts": [{"name": "small", "model": "llama2-7b", "count": 3}, {"name": "big", "model": "llama2-70b"}],
    "categories": [{"name": "a", "count": 3, "expert": "small", "weight": 3.0},
                   {"name": "b", "expert": "big", "weight": 1.0}],
    "fallback": {"expert": "big", "confidence_threshold": 0.25},
    "confidence": {"min": 0.0, "max": 1.0}
  })");
}
Composition parse_doc(const nlohmann::json& doc) {
  return parse_composition(JsonReader::from_json(doc, "c.json"), models_dir());
}
std::string parse_error(const std::function<void(nlohmann::json&)>& patch) {
  nlohmann::json doc = base_doc();
  patch(doc);
  return error_of([&] { parse_doc(doc); });
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Compositions

TEST_CASE("samba-coe-150 is 150 Llama-2-7B experts and a Llama-2-7B router: over 1 T parameters", "[coe]") {
  Composition c = shipped("samba-coe-150");
  CHECK(c.instances.size() == 150);
  CHECK(c.categories.size() == 150);
  CHECK(c.router.classifier == ClassifierKind::kLinear);
  CHECK(c.num_classes() == 150);
  CHECK(c.instances[17].name == "expert/17");
  CHECK(c.categories[17].expert == 17);
  CHECK(c.total_expert_params() == 150ull * 6738415616ull);
  CHECK(c.total_expert_params() + c.router_params() > 1.0e12);
  CHECK(c.expert_bytes(0) == 2ull * 6738415616ull);
  CHECK_FALSE(c.fallback.has_value());
}

TEST_CASE("samba-coe-v0.1 has five Mistral-7B experts behind an e5-mistral kNN router", "[coe]") {
  Composition c = shipped("samba-coe-v0.1");
  CHECK(c.instances.size() == 5);
  CHECK(c.router.model == "e5-mistral-7b");
  CHECK(c.router.classifier == ClassifierKind::kKnn);
  CHECK(c.router.knn_entries >= c.router.knn_top_k);
  CHECK(c.router_embedding_dim() == 4096);
  for (size_t i = 0; i < 5; ++i) CHECK(c.instances[i].model == "mistral-7b");
}

TEST_CASE("coe-paper serves five experts of mixed sizes with a generalist fallback", "[coe]") {
  Composition c = shipped("coe-paper");
  REQUIRE(c.instances.size() == 5);
  REQUIRE(c.fallback.has_value());
  CHECK(c.instances[c.fallback->expert].model == "qwen2-72b");
  CHECK(c.expert_model(0).total_params() < 10e9);
  CHECK(c.expert_model(4).total_params() > 70e9);
  CHECK(c.mean_active_expert_params() > 7e9);
  CHECK(c.mean_active_expert_params() < 73e9);
}

TEST_CASE("category groups map one-to-one onto expert groups and split their weight", "[coe]") {
  Composition c = parse_doc(base_doc());
  REQUIRE(c.instances.size() == 4);
  REQUIRE(c.categories.size() == 4);
  CHECK(c.categories[2].name == "a/2");
  CHECK(c.categories[2].expert == 2);
  CHECK(c.categories[2].weight == 1.0);
  CHECK(c.categories[3].expert == 3);
  CHECK(c.instances[3].name == "big");
  CHECK(c.fallback->expert == 3);
}

TEST_CASE("bad compositions name the file and JSON path", "[coe][config]") {
  CHECK_THAT(parse_error([](auto& d) { d["experts"][0]["model"] = "llama9"; }),
             Catch::StartsWith("c.json:/experts/0/model: unknown model \"llama9\""));
  CHECK_THAT(parse_error([](auto& d) { d["router"]["model"] = "nope"; }),
             Catch::StartsWith("c.json:/router/model: unknown model \"nope\""));
  CHECK(parse_error([](auto& d) { d["categories"][1]["expert"] = "huge"; }) ==
        "c.json:/categories/1/expert: unknown expert \"huge\" (known: small, big)");
  CHECK(parse_error([](auto& d) { d["categories"][1]["instance"] = 1u; }) ==
        "c.json:/categories/1/instance: expert \"big\" has 1 instance(s)");
  CHECK_THAT(parse_error([](auto& d) { d["categories"][0]["weight"] = -1.0; }),
             Catch::StartsWith("c.json:/categories/0/weight: must not be negative"));
  CHECK(parse_error([](auto& d) {
          d["categories"][0]["weight"] = 0.0;
          d["categories"][1]["weight"] = 0.0;
        }) == "c.json:/categories: weights must not all be zero");
  CHECK(parse_error([](auto& d) { d["categories"] = nlohmann::json::array(); }) ==
        "c.json:/categories: must list at least one category");
  CHECK(parse_error([](auto& d) { d["experts"][1]["name"] = "small"; }) ==
        "c.json:/experts/1/name: duplicate expert group \"small\"");
  CHECK(parse_error([](auto& d) { d["experts"][0]["count"] = 0u; }) == "c.json:/experts/0/count: must be at least 1");
  CHECK_THAT(parse_error([](auto& d) { d["experts"][0]["cnt"] = 2u; }),
             Catch::StartsWith("c.json:/experts/0/cnt: unknown key"));
  CHECK(parse_error([](auto& d) { d["router"]["classifier"] = "svm"; }) ==
        "c.json:/router/classifier: unknown \"svm\" (known: linear, knn)");
  CHECK(parse_error([](auto& d) { d["router"]["classifier"] = "knn"; }) == "c.json:/router/knn: required key missing");
  CHECK(parse_error([](auto& d) {
          d["router"]["classifier"] = "knn";
          d["router"]["knn"] = {{"entries", 3u}, {"top_k", 5u}};
        }) == "c.json:/router/knn/entries: must be at least top_k");
  CHECK(parse_error([](auto& d) { d["fallback"]["confidence_threshold"] = 1.5; }) ==
        "c.json:/fallback/confidence_threshold: must be in [0, 1]");
  CHECK(parse_error([](auto& d) {
          d["confidence"]["min"] = 0.9;
          d["confidence"]["max"] = 0.5;
        }) == "c.json:/confidence/min: need 0 <= min < max <= 1");
  CHECK(parse_error([](auto& d) { d.erase("router"); }) == "c.json:/router: required key missing");
  CHECK(error_of([] { load_composition_file("/nonexistent/c.json", models_dir()); }) ==
        "/nonexistent/c.json: cannot open file");
}

// ---------------------------------------------------------------------------------------------
// Router graphs and routing

TEST_CASE("linear router head FLOPs match the closed form", "[coe][router]") {
  Composition c = shipped("samba-coe-150");
  const double b = 8, h = 4096, K = 150;
  GraphTotals t1 = totals(build_router_head(c, {8, 128, 1, 2}));
  CHECK(t1.flops == Approx(5 * b * h + 2 * b * h * K + 5 * b * K));  // norm + GEMM + softmax
  CHECK(t1.weight_bytes == uint64_t((h + h * K) * 2));
  GraphTotals t8 = totals(build_router_head(c, {8, 128, 8, 2}));  // K split over 8 sockets: ceil(150/8) = 19
  CHECK(t8.flops == Approx(5 * b * h + 2 * b * h * 19 + 5 * b * K));
}

TEST_CASE("kNN router head FLOPs match the closed form and its weights are the table", "[coe][router]") {
  Composition c = shipped("samba-coe-v0.1");
  const double b = 1, h = 4096, D = 4096, N = c.router.knn_entries, k = c.router.knn_top_k;
  GraphTotals t = totals(build_router_head(c, {1, 128, 1, 2}));
  CHECK(t.flops == Approx(5 * b * h + 3 * b * D + 2 * b * D * N + b * N + b * k));
  CHECK(t.weight_bytes == uint64_t(h * 2 + D * N * 2));
}

TEST_CASE("router stages are the backbone's prefill plus the classifier", "[coe][router]") {
  Composition c = shipped("samba-coe-150");
  RouterShape s{8, 128, 1, 2};
  auto stages = build_router_stages(c, s);
  REQUIRE(stages.size() == 3);
  CHECK(stages[0].name == "embedding");
  CHECK(stages[1].name == "layer_global");
  CHECK(stages[1].repeat == 32);
  CHECK(stages[2].name == "classifier");
  GraphTotals layer = totals(stages[1].graph);
  CHECK(layer.flops == Approx(totals(build_decoder_layer(c.router_model(), router_prefill_shape(s))).flops));
  // Dominated by 2 FLOPs per parameter per token of the 32 layers: 8 x 128 tokens.
  double dense = 2.0 * 8 * 128 * c.router_model().layer_params();
  CHECK(layer.flops > dense);
  CHECK(layer.flops < 1.2 * dense);
}

TEST_CASE("router graphs map onto an SN40L socket fused and unfused", "[coe][router]") {
  MachineConfig mc = load_machine_file(resolve_config("sn40l", "configs/machines"));
  for (const char* name : {"samba-coe-150", "samba-coe-v0.1", "coe-paper"}) {
    Composition c = shipped(name);
    for (const RouterStage& st : build_router_stages(c, {8, 128, 1, 2})) {
      for (Fusion f : {Fusion::kFused, Fusion::kUnfused}) {
        auto plans = map_graph(st.graph, f, mc.socket, mc.replay, st.name);
        CHECK_FALSE(plans.empty());
        for (const auto& p : plans) CHECK(p.sram_bytes <= mc.socket.pmu.usable_bytes());
      }
    }
  }
}

TEST_CASE("routing is deterministic in (seed, prompt) and follows the mix", "[coe][router]") {
  Composition c = parse_doc(base_doc());
  auto a = route_batch(c, 42, 0, 1000);
  auto b = route_batch(c, 42, 0, 1000);
  bool any_diff = false;
  auto other = route_batch(c, 43, 0, 1000);
  for (size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].expert == b[i].expert);
    CHECK(a[i].confidence == b[i].confidence);
    any_diff |= a[i].category != other[i].category;
  }
  CHECK(any_diff);
  Route late = route_prompt(c, 42, 700);  // order does not matter
  CHECK(late.category == a[700].category);
  CHECK(late.confidence == a[700].confidence);

  c.fallback.reset();
  int big = 0, n = 10000;
  for (const Route& r : route_batch(c, 7, 0, n)) big += c.categories[r.category].name == "b";
  CHECK(big / double(n) == Approx(0.25).margin(0.02));  // weight 1 of 4
}

TEST_CASE("a prompt below the confidence threshold falls back to the generalist", "[coe][router]") {
  Composition c = parse_doc(base_doc());
  int fallbacks = 0, n = 10000;
  for (const Route& r : route_batch(c, 3, 0, n)) {
    CHECK(r.fallback == (r.confidence < 0.25));
    if (r.fallback)
      CHECK(r.expert == c.fallback->expert);
    else
      CHECK(r.expert == c.categories[r.category].expert);
    fallbacks += r.fallback;
  }
  CHECK(fallbacks / double(n) == Approx(0.25).margin(0.02));  // (threshold - min) / (max - min)
  c.fallback->confidence_threshold = 0.0;
  for (const Route& r : route_batch(c, 3, 0, 100)) CHECK_FALSE(r.fallback);
}

TEST_CASE("zero-weight categories are never drawn", "[coe][router]") {
  nlohmann::json d = base_doc();
  d["categories"][1]["weight"] = 0.0;
  Composition c = parse_doc(d);
  c.fallback.reset();
  for (const Route& r : route_batch(c, 5, 0, 2000)) CHECK(r.expert < 3);
}

// ---------------------------------------------------------------------------------------------
// Tier allocator

namespace {
constexpr uint64_t kGB = 1000000000ull;
TierAllocatorParams hbm_ddr(uint64_t hbm_gb, uint64_t ddr_gb) {
  TierAllocatorParams p;
  p.fast = {"hbm", hbm_gb * kGB};
  p.home = {"ddr", ddr_gb * kGB};
  p.source = "c.json";
  return p;
}
std::vector<ExpertSize> experts(std::initializer_list<uint64_t> gbs) {
  std::vector<ExpertSize> out;
  for (uint64_t g : gbs) out.push_back({"e" + std::to_string(out.size()), g * kGB});
  return out;
}
}  // namespace

TEST_CASE("a resident expert costs no copy", "[coe][tier]") {
  TierAllocator t(hbm_ddr(100, 1000), {{"router", 20 * kGB}}, experts({30, 30, 30}));
  auto first = t.acquire(1);
  CHECK_FALSE(first.hit);
  CHECK(first.copy_bytes == 30 * kGB);
  auto again = t.acquire(1);
  CHECK(again.hit);
  CHECK(again.copy_bytes == 0);
  CHECK(again.evicted.empty());
  CHECK(t.hits() == 1);
  CHECK(t.misses() == 1);
  CHECK(t.bytes_copied() == 30 * kGB);
  CHECK(t.hit_rate() == Approx(0.5));
}

TEST_CASE("LRU evicts the least recently used expert", "[coe][tier]") {
  // 100 GB HBM - 20 GB pinned = 80 GB region: two 30 GB experts fit, not three.
  TierAllocator t(hbm_ddr(100, 1000), {{"router", 20 * kGB}}, experts({30, 30, 30}));
  t.acquire(0);
  t.acquire(1);
  t.acquire(0);  // 1 is now least recently used
  auto a = t.acquire(2);
  CHECK_FALSE(a.hit);
  REQUIRE(a.evicted.size() == 1);
  CHECK(a.evicted[0] == 1);
  CHECK(t.resident(0));
  CHECK_FALSE(t.resident(1));
  CHECK(t.lru_order() == std::vector<size_t>{0, 2});
  CHECK(t.evictions() == 1);
}

TEST_CASE("a large expert evicts several and pinned regions are never evicted", "[coe][tier]") {
  TierAllocator t(hbm_ddr(100, 1000), {{"router", 14 * kGB}, {"kv", 6 * kGB}}, experts({20, 20, 20, 20, 70}));
  CHECK(t.expert_region_bytes() == 80 * kGB);
  CHECK(t.preload({0, 1, 2, 3}) == 4);
  CHECK(t.misses() == 0);
  auto a = t.acquire(4);
  CHECK(a.evicted == std::vector<size_t>{0, 1, 2, 3});
  CHECK(t.pinned_bytes() == 20 * kGB);
  CHECK(t.fast_used_bytes() == 90 * kGB);
  for (size_t i = 0; i < 200; ++i) {
    t.acquire(i % 5);
    CHECK(t.fast_used_bytes() <= 100 * kGB);
    CHECK(t.pinned_bytes() == 20 * kGB);
  }
}

TEST_CASE("a composition that fits nowhere errors with the missing GB", "[coe][tier]") {
  CHECK(error_of([] {
          TierAllocator(hbm_ddr(100, 50), {}, experts({30, 30}));
        }) == "c.json: all experts need 60.0 GB of ddr but it holds 50.0 GB: 10.0 GB missing");
  CHECK(error_of([] {
          TierAllocator(hbm_ddr(100, 1000), {{"router", 80 * kGB}}, experts({30}));
        }) ==
        "c.json: pinned regions + the largest expert need 110.0 GB of hbm but it holds 100.0 GB: 10.0 GB missing");
  CHECK(error_of([] {
          TierAllocator(hbm_ddr(10, 1000), {{"kv", 12 * kGB}}, experts({1}));
        }) == "c.json: pinned regions need 12.0 GB of hbm but it holds 10.0 GB: 2.0 GB missing");
  auto dgx = hbm_ddr(100, 0);
  dgx.experts_in_fast = true;
  CHECK(error_of([&] {
          TierAllocator(dgx, {{"router", 10 * kGB}}, experts({40, 40, 40}));
        }) == "c.json: pinned regions + all experts need 130.0 GB of hbm but it holds 100.0 GB: 30.0 GB missing");
}

TEST_CASE("experts homed in the fast tier always hit", "[coe][tier]") {
  auto dgx = hbm_ddr(640, 0);
  dgx.experts_in_fast = true;
  TierAllocator t(dgx, {{"router", 14 * kGB}}, experts({14, 14, 14}));
  for (size_t i = 0; i < 9; ++i) CHECK(t.acquire(i % 3).hit);
  CHECK(t.bytes_copied() == 0);
  CHECK(t.home_used_bytes() == 0);
}

TEST_CASE("a shipped composition feeds the allocator: samba-coe-150 fits one SN40L node", "[coe][tier]") {
  Composition c = shipped("samba-coe-150");
  TierAllocator t(hbm_ddr(8 * 64, 8 * 1536), {{"router", c.router_params() * c.dtype_bytes}}, expert_sizes(c));
  CHECK(t.num_experts() == 150);
  CHECK(t.home_used_bytes() == 150 * c.expert_bytes(0));
  CHECK(t.expert_region_bytes() / c.expert_bytes(0) == 37);  // (512 - 13.2) GB / 13.48 GB
}

// ---------------------------------------------------------------------------------------------
// Requests

TEST_CASE("the engine and the uniforms are the standard's", "[coe][requests]") {
  std::mt19937_64 rng;  // default seed 5489: the standard fixes the 10000th output
  rng.discard(9999);
  CHECK(rng() == 9981545732273789042ull);
  std::mt19937_64 r2(1);
  for (int i = 0; i < 1000; ++i) {
    double u = uniform01(r2);
    CHECK(u >= 0.0);
    CHECK(u < 1.0);
  }
}

TEST_CASE("batches of the paper's use cases", "[coe][requests]") {
  auto b = make_batch(8, kTranslation);
  REQUIRE(b.size() == 8);
  CHECK(b[7].id == 7);
  CHECK(b[7].input_tokens == 200);
  CHECK(b[7].output_tokens == 200);
  CHECK(make_batch(1, kChatbot)[0].output_tokens == 20);
}

TEST_CASE("Poisson arrivals are deterministic in the seed, with the requested mean", "[coe][requests]") {
  PoissonStreamParams p;
  p.seed = 2024;
  p.rate_per_s = 50.0;  // mean gap 20,000 us
  p.count = 10000;
  auto a = poisson_stream(p);
  auto b = poisson_stream(p);
  REQUIRE(a.size() == 10000);
  bool same = true, sorted = true;
  for (size_t i = 0; i < a.size(); ++i) same &= a[i].arrival_us == b[i].arrival_us;
  for (size_t i = 1; i < a.size(); ++i) sorted &= a[i].arrival_us >= a[i - 1].arrival_us;
  CHECK(same);
  CHECK(sorted);
  CHECK(a.back().arrival_us / a.size() == Approx(20000.0).epsilon(0.05));
  p.seed = 2025;
  CHECK(poisson_stream(p)[0].arrival_us != a[0].arrival_us);
  // The first gap is exactly -mean * ln(1 - u) of the first output.
  std::mt19937_64 rng(2024);
  CHECK(a[0].arrival_us == -20000.0 * std::log1p(-double(rng() >> 11) * 0x1.0p-53));
  p.rate_per_s = 0.0;
  CHECK_THAT(error_of([&] { poisson_stream(p); }), Catch::Contains("rate_per_s must be positive"));
}

TEST_CASE("a trace file lists arrivals and mistakes name the entry", "[coe][requests]") {
  auto ok = parse_trace(R"([{"arrival_us": 0, "input_tokens": 128, "output_tokens": 20},
                            {"arrival_us": 1500.5, "input_tokens": 200, "output_tokens": 200}])",
                        "t.json");
  REQUIRE(ok.size() == 2);
  CHECK(ok[1].id == 1);
  CHECK(ok[1].arrival_us == 1500.5);
  CHECK(ok[1].output_tokens == 200);
  CHECK(error_of([] {
          parse_trace(R"([{"arrival_us": 0, "input_tokens": 1, "output_tokens": 1},
                                      {"arrival_us": 5, "output_tokens": 1}])",
                      "t.json");
        }) == "t.json:/1/input_tokens: required key missing");
  CHECK(error_of([] {
          parse_trace(R"([{"arrival_us": 9, "input_tokens": 1, "output_tokens": 1},
                                      {"arrival_us": 5, "input_tokens": 1, "output_tokens": 1}])",
                      "t.json");
        }) == "t.json:/1/arrival_us: arrivals must not decrease (previous request arrives later)");
  CHECK(error_of([] { parse_trace(R"([{"arrival_us": 0, "input_tokens": 0, "output_tokens": 1}])", "t.json"); }) ==
        "t.json:/0/input_tokens: must be at least 1");
  CHECK(error_of([] { parse_trace(R"([7])", "t.json"); }) == "t.json:/0: expected an object");
  CHECK(error_of([] { parse_trace(R"({"arrival_us": 0})", "t.json"); }) == "t.json:/: expected a list of requests");
  CHECK_THAT(error_of([] { parse_trace("[", "t.json"); }), Catch::StartsWith("t.json: malformed JSON"));

  std::string path = (std::filesystem::temp_directory_path() / "rdusim_test_trace.json").string();
  std::ofstream(path) << R"([{"arrival_us": 3, "input_tokens": 4, "output_tokens": 5}])";
  CHECK(load_trace_file(path)[0].input_tokens == 4);
  std::remove(path.c_str());
}

// ---------------------------------------------------------------------------------------------
// Footprint

TEST_CASE("footprint counts match capacity arithmetic exactly", "[coe][footprint]") {
  FootprintParams p;
  p.expert_bytes = 10 * kGB;
  p.router_bytes = 10 * kGB;
  p.max_experts = 100;
  p.sn40l = {1000 * kGB, 100 * kGB, 100 * kGB, 20 * kGB, 2};  // (1000 - 100) / 10 = 90 per node
  p.dgx = {200 * kGB, 500 * kGB, 30 * kGB};                   // (200 - 10 - 30) / 10 = 16 per node
  FootprintResult r = machine_footprint(p);
  CHECK(r.experts_per_sn40l_node == 90);
  CHECK(r.experts_per_dgx_node == 16);
  CHECK(r.experts_per_dgx_node_spill == 50);
  REQUIRE(r.curve.size() == 100);
  CHECK(r.curve[0].sn40l_nodes == 1);
  CHECK(r.curve[0].dgx_nodes == 1);
  CHECK(r.curve[15].dgx_nodes == 1);    // 16 experts
  CHECK(r.curve[16].dgx_nodes == 2);    // 17 experts
  CHECK(r.curve[89].sn40l_nodes == 1);  // 90 experts: ceil(90 / 16) = 6 DGX nodes
  CHECK(r.curve[89].dgx_nodes == 6);
  CHECK(r.curve[90].sn40l_nodes == 2);
  CHECK(r.max_reduction == 6.0);
  CHECK(r.max_reduction_at == 81);  // the first N needing 6 DGX nodes: 5 x 16 + 1
}

TEST_CASE("7B experts: SN40L DDR vs DGX HBM from the datasheet capacities", "[coe][footprint]") {
  ModelConfig m = load_model_file(models_dir() + "/llama2-7b.json");
  const uint64_t expert = m.total_params() * 2;
  FootprintParams p;
  p.expert_bytes = expert;
  p.sn40l.ddr_bytes = 8 * 1536 * kGB;
  p.sn40l.hbm_bytes = 8 * 64 * kGB;
  p.dgx.hbm_bytes = 8 * 80 * kGB;
  p.dgx.host_dram_bytes = 2000 * kGB;
  FootprintResult r = machine_footprint(p);
  CHECK(r.experts_per_sn40l_node == 8 * 1536 * kGB / expert);
  CHECK(r.experts_per_dgx_node == 8 * 80 * kGB / expert);
  CHECK(r.experts_per_dgx_node == 47);  // "roughly 50 experts fit in a DGX's HBM" (dgx.md)
  uint64_t n = r.experts_per_sn40l_node;
  CHECK(r.max_reduction == double((n + r.experts_per_dgx_node - 1) / r.experts_per_dgx_node));
  CHECK(r.curve.back().dgx_nodes == (1000 + 46) / 47);
  MachineConfig mc = load_machine_file(resolve_config("sn40l", "configs/machines"));  // one socket
  Sn40lNodeCapacity one = sn40l_node_capacity(mc);
  CHECK(one.ddr_bytes == 1536 * kGB);
  CHECK(one.hbm_bytes == 64 * kGB);
  CHECK(serving_bytes(m, 8, 4096, 2) == 8ull * 4096 * (m.kv_bytes_per_token(2) + (4ull * 4096 + 2 * 11008) * 2));
}

TEST_CASE("a node that cannot serve one expert errors with the missing GB", "[coe][footprint]") {
  FootprintParams p;
  p.expert_bytes = 100 * kGB;
  p.router_bytes = 10 * kGB;
  p.sn40l = {1000 * kGB, 100 * kGB, 0, 0, 1};
  p.dgx = {640 * kGB, 0, 0};
  CHECK(error_of([&] { machine_footprint(p); }) ==
        "footprint: SN40L node HBM (router + serving + active experts) needs 110.0 GB but holds 100.0 GB: "
        "10.0 GB missing");
  p.sn40l.hbm_bytes = 512 * kGB;
  p.dgx.serving_bytes = 600 * kGB;
  CHECK(error_of([&] { machine_footprint(p); }) ==
        "footprint: DGX node HBM (router + serving + one expert) needs 710.0 GB but holds 640.0 GB: 70.0 GB missing");
}

TEST_CASE("with_expert_count resizes the one expert group with one equal category per expert", "[coe]") {
  Composition c = shipped("samba-coe-150");
  Composition r = with_expert_count(c, 7);
  REQUIRE(r.instances.size() == 7);
  REQUIRE(r.categories.size() == 7);
  CHECK(r.instances[6].name == "expert/6");
  CHECK(r.expert_bytes(3) == c.expert_bytes(0));
  for (size_t i = 0; i < 7; ++i) CHECK(r.categories[i].expert == i);
  CHECK(error_of([&] { with_expert_count(shipped("coe-paper"), 3); }).find("/experts:") != std::string::npos);
}
