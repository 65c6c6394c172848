// Parameter counts derived from the config fields must match the published totals.
#include <catch2/catch.hpp>

#include <filesystem>

#include "sim/config/scenario.hpp"
#include "workloads/model_config.hpp"

using namespace rdusim;

namespace {
ModelConfig model(const std::string& name) { return load_model_file(resolve_config(name, "workloads/models")); }
}  // namespace

TEST_CASE("Llama-2 parameter counts are exact", "[model]") {
  CHECK(model("llama2-7b").total_params() == 6738415616ull);
  CHECK(model("llama2-70b").total_params() == 68976648192ull);
  CHECK(model("llama2-7b").total_params() * 2 == Approx(13.48e9).epsilon(0.001));
}

TEST_CASE("Mixtral-8x7B has 46.7 B parameters, 12.9 B active per token", "[model]") {
  ModelConfig m = model("mixtral-8x7b");
  CHECK(m.total_params() / 1e9 == Approx(46.7).epsilon(0.002));
  CHECK(m.active_params() / 1e9 == Approx(12.9).epsilon(0.002));
}

TEST_CASE("every shipped model config parses and has a plausible size", "[model]") {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(project_root() + "/workloads/models")) {
    ModelConfig m = load_model_file(e.path().string());
    CHECK(m.total_params() > 1e9);
    CHECK(m.kv_bytes_per_token(2) > 0);
    ++n;
  }
  CHECK(n >= 15);
}
