// Every machine config parses, every number names its source, and bad values are rejected.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
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
    auto doc = load_with_overrides(e.path().string(), {});  // resolves a "base"
    std::vector<std::string> missing;
    check_sources(doc.raw(), "", missing);
    INFO(e.path().string());
    CHECK(missing.empty());
    if (doc.raw().value("kind", "") == "rdu") {
      CHECK_NOTHROW(parse_machine(doc));
      CHECK(doc.read_paths().count("/socket/hbm/latency_ns") == 1);  // every RDU file has a socket
    }
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

TEST_CASE("machine numbers outside their ranges are errors before anything is scheduled", "[config]") {
  auto err = [](const std::string& pointer, const nlohmann::json& v) {
    nlohmann::json j = sn40l();
    j[nlohmann::json::json_pointer(pointer)] = v;
    return error_of([&] { parse_machine(JsonReader::from_json(j, "sn40l.json")); });
  };
  CHECK(err("/socket/hbm/bandwidth_gbps", 1e-8) ==
        "sn40l.json:/socket/hbm/bandwidth_gbps: must be in [0.001, 1000000] (got 1e-08)");
  CHECK(err("/socket/hbm/latency_ns", 1e30) ==
        "sn40l.json:/socket/hbm/latency_ns: must be in [0, 1000000000] (got 1e+30)");
  CHECK(err("/socket/kernel_launch/host_launch_ns", 1e20) ==
        "sn40l.json:/socket/kernel_launch/host_launch_ns: must be in [0, 1000000000] (got 1e+20)");
  CHECK(err("/socket/pcu/count", 4294967297ull) ==
        "sn40l.json:/socket/pcu/count: must be at most 4294967295 (got 4294967297)");
  CHECK(err("/socket/hbm/channels", 100000) == "sn40l.json:/socket/hbm/channels: must be in [1, 4096] (got 100000)");
  CHECK(err("/socket/hbm/arbitration", "fifo") ==
        "sn40l.json:/socket/hbm/arbitration: unknown \"fifo\" (known: priority, round_robin)");
}

TEST_CASE("variant names are checked by their factories and listed when unknown", "[config]") {
  nlohmann::json j = load_with_overrides(resolve_config("sn40l-8", "configs/machines"), {}).raw();
  j["interconnect"]["topology"] = "torus";
  CHECK(error_of([&] { parse_machine(JsonReader::from_json(j, "m.json")); }) ==
        "m.json:/interconnect/topology: unknown \"torus\" (known: full_mesh, ring, switch)");
  j["interconnect"]["topology"] = "ring";
  j["interconnect"]["algorithm"] = "tree";
  CHECK(error_of([&] { parse_machine(JsonReader::from_json(j, "m.json")); }) ==
        "m.json:/interconnect/algorithm: unknown \"tree\" (known: direct, ring)");
}

TEST_CASE("sn40l-8 is the sn40l socket laid under a node file", "[config]") {
  const std::string node = resolve_config("sn40l-8", "configs/machines");
  nlohmann::json resolved = resolved_machine_doc(node);
  CHECK_FALSE(resolved.contains("base"));
  CHECK(resolved["socket"] == sn40l()["socket"]);
  CHECK(resolved["replay"] == sn40l()["replay"]);
  CHECK(resolved["sockets"] == 8);
  MachineConfig m = load_machine_file(node);
  CHECK(m.name == "sn40l-8");
  CHECK(m.file == node);
  CHECK(m.socket.hbm.total_bandwidth_gbps() == Approx(1800.0 * 0.9));  // datasheet x sustained fraction (E1)
  CHECK(m.has_fabric);
  // --set reaches a key the node inherits; the resolved document records it.
  CHECK(resolved_machine_doc(node, {{"/socket/hbm/bandwidth_gbps", 3600}})["socket"]["hbm"]["bandwidth_gbps"] == 3600);
}

namespace {
std::string scratch_dir(const std::string& name) {
  auto d = std::filesystem::temp_directory_path() / ("rdusim_layers_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d.string();
}
void write_json(const std::string& path, const nlohmann::json& j) { std::ofstream(path) << j.dump(2); }
}  // namespace

TEST_CASE("a layered file's errors name the file that supplied the value", "[config]") {
  std::string d = scratch_dir("origin");
  nlohmann::json base = sn40l();
  base["socket"]["hbm"]["channels"] = 0;  // a bad value in the base
  write_json(d + "/base.json", base);
  write_json(d + "/top.json", {{"base", "base"}, {"name", "top"}, {"socket", {{"ddr", {{"latency_ns", -5}}}}}});
  CHECK(error_of([&] { load_machine_file(d + "/top.json"); }) ==
        d + "/base.json:/socket/hbm/channels: must be positive");
  base["socket"]["hbm"]["channels"] = 16;
  write_json(d + "/base.json", base);
  CHECK(error_of([&] {
          load_machine_file(d + "/top.json");
        }).find(d + "/top.json:/socket/ddr/latency_ns: must not be negative") == 0);
  write_json(d + "/top.json", {{"base", "base"}, {"name", "top"}, {"socket", {{"hbm", {{"latency_ns", 90}}}}}});
  MachineConfig m = load_machine_file(d + "/top.json");
  CHECK(m.name == "top");
  CHECK(m.socket.hbm.channel.latency_ns == 90.0);
  CHECK(m.socket.hbm.channels == 16);  // the rest of the object comes from the base
  CHECK(error_of([&] {
          parse_machine(load_with_overrides(d + "/top.json", {{"/socket/hbm/channels", 0}}));
        }) == d + "/top.json:/socket/hbm/channels: must be positive");
}

TEST_CASE("base chains reject cycles, paths and missing files", "[config]") {
  std::string d = scratch_dir("chain");
  write_json(d + "/a.json", {{"base", "b"}, {"name", "a"}});
  write_json(d + "/b.json", {{"base", "a"}, {"name", "b"}});
  CHECK(error_of([&] { load_machine_file(d + "/a.json"); }).find(d + "/b.json:/base: cycle") == 0);
  write_json(d + "/c.json", {{"base", "../c"}});
  CHECK(error_of([&] { load_machine_file(d + "/c.json"); }).find(d + "/c.json:/base: expected a file name") == 0);
  write_json(d + "/e.json", {{"base", "nothere"}});
  CHECK(error_of([&] { load_machine_file(d + "/e.json"); }).find(d + "/e.json:/base: no such file") == 0);
}
