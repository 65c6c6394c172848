// docs/config.md documents every key the loaders read: each shipped machine, model and
// composition (and a scenario with every key) is parsed, and every JSON pointer its reader
// recorded (JsonReader::read_paths, array indices written <i>) must appear in the first column of
// the table of its section.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "sim/config/composition_loader.hpp"
#include "sim/config/gpu_config.hpp"
#include "sim/config/machine_config.hpp"
#include "sim/config/model_loader.hpp"
#include "sim/config/scenario.hpp"

using namespace rdusim;
namespace fs = std::filesystem;

namespace {

// Section title ("RDU machine (...)" -> its first words) -> the pointers its tables document.
std::map<std::string, std::set<std::string>> documented_keys() {
  std::ifstream in(project_root() + "/docs/config.md");
  REQUIRE(in);
  std::map<std::string, std::set<std::string>> out;
  std::string line, section;
  const std::regex token("`(/[^`]*)`");
  while (std::getline(in, line)) {
    if (line.rfind("## ", 0) == 0) section = line.substr(3);
    if (line.rfind("| `/", 0) != 0) continue;
    std::string first = line.substr(1, line.find('|', 1) - 1);
    for (std::sregex_iterator it(first.begin(), first.end(), token), end; it != end; ++it)
      out[section].insert((*it)[1]);
  }
  return out;
}

const std::set<std::string>& section(const std::string& title_start) {
  static const auto docs = documented_keys();
  for (const auto& [title, keys] : docs)
    if (title.rfind(title_start, 0) == 0) return keys;
  FAIL("docs/config.md has no section \"" << title_start << "\"");
  static const std::set<std::string> none;
  return none;
}

// "/experts/3/name" -> "/experts/<i>/name".
std::string normalise(const std::string& pointer) {
  return std::regex_replace(pointer, std::regex("/[0-9]+(?=/|$)"), "/<i>");
}

std::vector<std::string> undocumented(const JsonReader& r, const std::string& title_start) {
  const auto& keys = section(title_start);
  std::vector<std::string> missing;
  for (const auto& p : r.read_paths())
    if (!keys.count(normalise(p))) missing.push_back(p);
  return missing;
}

std::vector<fs::path> json_files(const std::string& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(project_root() + "/" + dir))
    if (e.path().extension() == ".json") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("normalising a pointer replaces array indices only", "[config][docs]") {
  CHECK(normalise("/experts/12/name") == "/experts/<i>/name");
  CHECK(normalise("/socket/hbm/latency_ns") == "/socket/hbm/latency_ns");
  CHECK(normalise("/3") == "/<i>");
  CHECK(normalise("/gpu/l2_mb") == "/gpu/l2_mb");
}

TEST_CASE("every key read from a machine file is in docs/config.md", "[config][docs]") {
  for (const auto& path : json_files("configs/machines")) {
    JsonReader r = load_with_overrides(path.string(), {});
    INFO(path.string());
    if (machine_kind(r) == "gpu") {
      parse_gpu_machine(r);
      CHECK(undocumented(r, "GPU machine") == std::vector<std::string>{});
    } else {
      parse_machine(r);
      CHECK(undocumented(r, "RDU machine") == std::vector<std::string>{});
    }
  }
}

TEST_CASE("every key read from a model file is in docs/config.md", "[config][docs]") {
  for (const auto& path : json_files("workloads/models")) {
    JsonReader r = JsonReader::load_file(path.string());
    INFO(path.string());
    parse_model(r);
    CHECK(undocumented(r, "Model") == std::vector<std::string>{});
  }
}

TEST_CASE("every key read from a composition is in docs/config.md", "[config][docs]") {
  for (const auto& path : json_files("configs/compositions")) {
    JsonReader r = JsonReader::load_file(path.string());
    INFO(path.string());
    parse_composition(r, project_root() + "/workloads/models");
    CHECK(undocumented(r, "Composition") == std::vector<std::string>{});
  }
}

TEST_CASE("every scenario key is in docs/config.md", "[config][docs]") {
  JsonReader r = JsonReader::from_json(nlohmann::json::parse(R"({"machine": "sn40l", "model": "llama2-7b",
      "phase": "prefill", "batch": 2, "seq": 8, "context": 0, "tp": 1, "dtype_bytes": 2, "fusion": "fused",
      "orchestration": "host", "scope": "layer", "chunks": 0})"),
                                       "s.json");
  parse_scenario(r);
  CHECK(r.read_paths().size() == 12);
  CHECK(undocumented(r, "Scenario") == std::vector<std::string>{});
}
