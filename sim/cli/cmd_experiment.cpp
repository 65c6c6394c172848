// sim/cli/cmd_experiment.cpp
// `rdusim experiment FILE`: the fusion study -> DIR/fusion.{json,md}.
#include <iostream>

#include "sim/cli/args.hpp"
#include "sim/cli/commands.hpp"
#include "sim/core/atomic_file.hpp"
#include "sim/studies/fusion_study.hpp"

namespace rdusim {

int cmd_experiment(const std::vector<std::string>& args) {
  std::string path, out_dir = "out";
  uint32_t jobs = default_jobs();
  ArgTable t("experiment", "FILE [--out DIR] [--jobs N]", "Runs an experiment file (configs/experiments/fusion.json).");
  t.positional("FILE", "the experiment", &path, true);
  t.text("--out", "DIR", "output folder, replaced as a whole at the end", &out_dir);
  t.uint("--jobs", "N", "simulations run at once, one process each", &jobs, 1, 1024);
  if (!t.parse(args)) return 0;
  FusionStudy st = load_fusion_study(path);
  OutputSet set(out_dir);
  nlohmann::json result = run_fusion_study(st, jobs);
  std::vector<std::string> order;
  for (const auto& b : st.benchmarks) order.push_back(b.name);
  std::string md = fusion_markdown(result, order);
  set.write("fusion.json", result.dump(2) + "\n");
  set.write("fusion.md", md);
  set.commit();
  std::cout << "fusion study on " << st.machine << " (tp " << st.tp << "), whole models:\n" << md;
  std::cout << "wrote " << out_dir << "/fusion.json and " << out_dir << "/fusion.md\n";
  return 0;
}

}  // namespace rdusim
