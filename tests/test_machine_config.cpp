// Every machine config parses, every number names its source, and bad values are rejected.
#include <catch2/catch.hpp>

#include <filesystem>
#include <functional>

#include "sim/config/machine_config.hpp"
#include "sim/config/scenario.hpp"

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
nlohmann::json sn40l() { return JsonReader::load_file(resolve_config("sn40l", "configs/machines")).raw(); }

// Every numeric key must have a sibling "_<key>" naming its source.
void check_sources(const nlohmann::json& j, const std::string& path, std::vector<std::string>& missing) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!it.key().empty() && it.key()[0] == '_') continue;
    if (it.value().is_object()) check_sources(it.value(), path + "/" + it.key(), missing);
    if (it.value().is_number() && !j.contains("_" + it.key())) missing.push_back(path + "/" + it.key());
  }
}
}  // namespace

TEST_CASE("every number in every RDU machine config names its source", "[config]") {
  for (const auto& e : std::filesystem::directory_iterator(project_root() + "/configs/machines")) {
    auto doc = JsonReader::load_file(e.path().string());
    std::vector<std::string> missing;
    check_sources(doc.raw(), "", missing);
    INFO(e.path().string());
    CHECK(missing.empty());
    if (doc.raw().value("kind", "") == "rdu") CHECK_NOTHROW(parse_machine(doc));
  }
}

TEST_CASE("the SN40L socket derives FLOPs per cycle from the published peak", "[config]") {
  MachineConfig m = parse_machine(JsonReader::from_json(sn40l(), "sn40l.json"));
  CHECK(m.socket.pcu.peak_tflops() == Approx(638.0));
  // Channels serve the datasheet 1.8 TB/s at the DRAM efficiency E1 (0.9, docs/assumptions.md).
  CHECK(m.socket.hbm.total_bandwidth_gbps() == Approx(1800.0 * 0.9));
  CHECK(m.socket.pmu.total_bytes() == Approx(520e6));
}

TEST_CASE("bad machine values name the file and the JSON path", "[config]") {
  auto with = [](const std::function<void(nlohmann::json&)>& edit) {
    nlohmann::json j = sn40l();
    edit(j);
    return error_of([&] { parse_machine(JsonReader::from_json(j, "sn40l.json")); });
  };
  CHECK(with([](auto& j) {
          j["socket"]["hbm"]["bandwidth_gbps"] = -1800;
        }).find("sn40l.json:/socket/hbm/bandwidth_gbps: must be positive") == 0);
  CHECK(with([](auto& j) { j["socket"]["hbm"].erase("latency_ns"); }) ==
        "sn40l.json:/socket/hbm/latency_ns: required key missing");
  CHECK(with([](auto& j) {
          j["socket"]["hbm"]["queue_dept"] = 3;
        }).find("sn40l.json:/socket/hbm/queue_dept: unknown key") == 0);
  CHECK(with([](auto& j) { j["replay"]["chunks_per_stream"] = 0; }).find("sn40l.json:/replay/chunks_per_stream") == 0);
}
