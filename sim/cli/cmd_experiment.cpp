// sim/cli/cmd_experiment.cpp
// `rdusim experiment FILE`: the fusion study -> out/fusion.{json,md}.
#include <iostream>
#include <thread>

#include "sim/cli/commands.hpp"
#include "sim/core/atomic_file.hpp"
#include "sim/studies/fusion_study.hpp"

namespace rdusim {

int cmd_experiment(const std::vector<std::string>& args) {
  std::string path, out_dir = "out";
  unsigned jobs = std::max(1u, std::thread::hardware_concurrency());
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--out" && i + 1 < args.size()) out_dir = args[++i];
    else if (args[i] == "--jobs" && i + 1 < args.size()) jobs = static_cast<unsigned>(std::stoul(args[++i]));
    else if (path.empty() && args[i].rfind("--", 0) != 0) path = args[i];
    else throw SimError("<command line>", args[i], "unknown option (known: --out DIR, --jobs N)");
  }
  if (path.empty()) throw SimError("<command line>", "experiment", "expects an experiment file");
  FusionStudy st = load_fusion_study(path);
  nlohmann::json result = run_fusion_study(st, jobs);
  std::vector<std::string> order;
  for (const auto& b : st.benchmarks) order.push_back(b.name);
  std::string md = fusion_markdown(result, order);
  write_file_atomic(out_dir + "/fusion.json", result.dump(2) + "\n");
  write_file_atomic(out_dir + "/fusion.md", md);
  std::cout << "fusion study on " << st.machine << " (tp " << st.tp << "), whole models:\n" << md;
  std::cout << "wrote " << out_dir << "/fusion.json and " << out_dir << "/fusion.md\n";
  return 0;
}

}  // namespace rdusim
