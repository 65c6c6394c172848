// sim/cli/cmd_run.cpp
// `rdusim run`: a scenario (file and/or flags) -> summary, DIR/stats.json, trace.
#include <iostream>
#include <map>
#include <optional>
#include <set>

#include "sim/cli/args.hpp"
#include "sim/cli/commands.hpp"
#include "sim/core/atomic_file.hpp"
#include "sim/run/run.hpp"

namespace rdusim {
namespace {

// "--set batch=8" -> 8 (numbers stay numbers so the reader type-checks them).
// An array or object goes through the JSON reader (depth and size bounds, one-line errors); a
// scalar that is not JSON is taken as a string.
nlohmann::json scalar(const std::string& v) {
  if (!v.empty() && (v.front() == '[' || v.front() == '{')) return JsonReader::parse_text(v, "<command line>:--set");
  try {
    return nlohmann::json::parse(v);
  } catch (const std::exception&) {
    return v;
  }
}

struct RunArgs {
  std::string file, out_dir = "out", trace;
  bool quiet = false;
  std::vector<std::string> sets;
  std::map<std::string, std::string> text;  // scenario keys given as flags
  std::map<std::string, uint32_t> num;
};

struct NumKey {
  const char* key;
  const char* help;
  uint32_t lo, hi;
};
// The same ranges as the scenario loader's (sim/config/ranges.hpp, docs/config.md).
const NumKey kNumKeys[] = {{"batch", "sequences per step", 1, 65536},
                           {"seq", "tokens per sequence (prefill)", 1, 1u << 20},
                           {"context", "tokens already in the KV cache (decode)", 0, 1u << 24},
                           {"tp", "tensor-parallel sockets or GPUs", 1, 4096},
                           {"chunks", "pipeline chunks (0 = the mapper's choice)", 0, 4096},
                           {"dtype_bytes", "bytes per element", 1, 8}};
const std::pair<const char*, const char*> kTextKeys[] = {
    {"machine", "a name in configs/machines or a path"},
    {"model", "a name in workloads/models or a path"},
    {"phase", "prefill | decode"},
    {"fusion", "fused | unfused | unfused-eager | fused-so | fused-ho | fused-ho-looped"},
    {"orchestration", "host | device"},
    {"scope", "layer | model | router"},
    {"composition", "a name in configs/compositions (scope router)"}};

ArgTable run_table(RunArgs& a) {
  ArgTable t("run", "[SCENARIO.json] [--KEY VALUE ...] [--set KEY=VALUE ...] [--out DIR] [--trace FILE] [--quiet]",
             "Runs one scenario; flags override the file's keys.");
  t.positional("SCENARIO.json", "a scenario file", &a.file, false);
  for (const auto& [key, help] : kTextKeys) t.text(std::string("--") + key, "NAME", help, &a.text[key]);
  for (const auto& k : kNumKeys) t.uint(std::string("--") + k.key, "N", k.help, &a.num[k.key], k.lo, k.hi).no_default();
  t.repeated("--set", "KEY=VALUE",
             "a scenario key (batch=8) or a pointer into the machine or model config "
             "(machine/socket/hbm/bandwidth_gbps=3600, model/hidden=8192)",
             &a.sets);
  t.text("--out", "DIR", "output folder, replaced as a whole at the end (\"\" = none)", &a.out_dir);
  t.text("--trace", "FILE", "Perfetto trace (inside DIR: written with the set)", &a.trace);
  t.flag("--quiet", "no summary on stdout", &a.quiet);
  return t;
}

// The scenario: the file (if any), then flags and --set keys over it; `cli_keys` gets the keys
// given on the command line, so an error about them names the option.
Scenario scenario_of(const RunArgs& a, const ArgTable& t, std::set<std::string>& cli_keys) {
  nlohmann::json doc = nlohmann::json::object();
  std::string file = "<command line>";
  if (!a.file.empty()) {
    doc = JsonReader::load_file(a.file).raw();
    file = a.file;
  }
  for (const auto& [key, v] : a.text)
    if (t.given("--" + key)) doc[key] = v, cli_keys.insert(key);
  for (const auto& [key, v] : a.num)
    if (t.given("--" + key)) doc[key] = v, cli_keys.insert(key);
  Overrides machine_set, model_set;
  for (const auto& kv : a.sets) {
    auto eq = kv.find('=');
    if (eq == std::string::npos) throw SimError("<command line>", "--set", "expects KEY=VALUE, got \"" + kv + "\"");
    std::string key = kv.substr(0, eq);
    if (key.rfind("machine/", 0) == 0)
      machine_set[key.substr(7)] = scalar(kv.substr(eq + 1));
    else if (key.rfind("model/", 0) == 0)
      model_set[key.substr(5)] = scalar(kv.substr(eq + 1));
    else
      doc[key] = scalar(kv.substr(eq + 1)), cli_keys.insert(key);
  }
  Scenario sc = parse_scenario(JsonReader::from_json(doc, file));
  sc.machine_overrides = machine_set;
  sc.model_overrides = model_set;
  return sc;
}

}  // namespace

int cmd_run(const std::vector<std::string>& args) {
  RunArgs a;
  ArgTable table = run_table(a);
  if (!table.parse(args)) return 0;
  RunOptions opt;
  Scenario sc = scenario_of(a, table, opt.cli_keys);
  std::optional<OutputSet> set;
  if (!a.out_dir.empty()) set.emplace(a.out_dir);
  opt.out_dir = a.out_dir;
  opt.trace_path = set ? set->redirect(a.trace) : a.trace;
  opt.quiet = a.quiet;
  RunOutcome o = run_scenario(sc, opt);
  if (set) {
    set->write("stats.json", o.stats.dump(2) + "\n");
    set->commit();
  }
  if (!opt.quiet) std::cout << format_summary(o);
  if (!a.out_dir.empty() && !opt.quiet) std::cout << "  wrote          : " << a.out_dir << "/stats.json\n";
  if (!a.trace.empty() && !opt.quiet) std::cout << "  wrote          : " << a.trace << "\n";
  return 0;
}

}  // namespace rdusim
