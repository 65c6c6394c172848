// sim/cli/cmd_run.cpp
// `rdusim run`: a scenario (file and/or flags) -> summary, stats.json, trace.
#include <algorithm>
#include <iostream>

#include "sim/cli/commands.hpp"
#include "sim/core/atomic_file.hpp"
#include "sim/run/run.hpp"

namespace rdusim {
namespace {

// "--batch 8" -> overlay["batch"] = 8 (numbers stay numbers so the reader type-checks them).
nlohmann::json scalar(const std::string& v) {
  try {
    return nlohmann::json::parse(v);
  } catch (const std::exception&) {
    return v;
  }
}

}  // namespace

int cmd_run(const std::vector<std::string>& args) {
  nlohmann::json doc = nlohmann::json::object();
  std::string file = "<command line>";
  RunOptions opt;
  opt.out_dir = "out";
  static const std::vector<std::string> keys = {"machine", "model", "phase", "batch", "seq", "context", "tp",
                                                "fusion", "orchestration", "scope", "chunks", "dtype_bytes", "composition"};
  nlohmann::json overlay = nlohmann::json::object();
  Overrides machine_set, model_set;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= args.size()) throw SimError("<command line>", a, "expects a value");
      return args[++i];
    };
    if (a == "--out") opt.out_dir = value();
    else if (a == "--trace") opt.trace_path = value();
    else if (a == "--quiet") opt.quiet = true;
    else if (a == "--set") {
      std::string kv = value();
      auto eq = kv.find('=');
      if (eq == std::string::npos) throw SimError("<command line>", "--set", "expects KEY=VALUE, got \"" + kv + "\"");
      std::string key = kv.substr(0, eq);
      if (key.rfind("machine/", 0) == 0) machine_set[key.substr(7)] = scalar(kv.substr(eq + 1));
      else if (key.rfind("model/", 0) == 0) model_set[key.substr(5)] = scalar(kv.substr(eq + 1));
      else {
        overlay[key] = scalar(kv.substr(eq + 1));
        opt.cli_keys.insert(key);
      }
    } else if (a.rfind("--", 0) == 0 && std::find(keys.begin(), keys.end(), a.substr(2)) != keys.end()) {
      overlay[a.substr(2)] = scalar(value());
      opt.cli_keys.insert(a.substr(2));
    } else if (a.rfind("--", 0) != 0 && file == "<command line>") {
      doc = JsonReader::load_file(a).raw();
      file = a;
    } else {
      throw SimError("<command line>", a, "unknown option");
    }
  }
  for (auto it = overlay.begin(); it != overlay.end(); ++it) doc[it.key()] = it.value();
  Scenario sc = parse_scenario(JsonReader::from_json(doc, file));
  sc.machine_overrides = machine_set;
  sc.model_overrides = model_set;
  RunOutcome o = run_scenario(sc, opt);
  if (!opt.out_dir.empty()) write_file_atomic(opt.out_dir + "/stats.json", o.stats.dump(2) + "\n");
  if (!opt.quiet) std::cout << format_summary(o);
  if (!opt.out_dir.empty() && !opt.quiet) std::cout << "  wrote          : " << opt.out_dir << "/stats.json\n";
  if (!opt.trace_path.empty() && !opt.quiet) std::cout << "  wrote          : " << opt.trace_path << "\n";
  return 0;
}


}  // namespace rdusim
