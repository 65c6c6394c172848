// sim/cli/cmd_reproduce.cpp
// `rdusim reproduce`: every experiment -> DIR/{validation,fusion,coe,footprint}.json, DIR/fusion.md
// and DIR/*.png, all replaced together at the end; docs/validation.md only with --doc FILE.
#include <fmt/format.h>

#include <chrono>
#include <iostream>

#include "sim/cli/args.hpp"
#include "sim/cli/commands.hpp"
#include "sim/cli/spawn.hpp"
#include "sim/config/scenario.hpp"
#include "sim/core/atomic_file.hpp"
#include "sim/studies/reproduce.hpp"

namespace rdusim {

int cmd_reproduce(const std::vector<std::string>& args) {
  std::string out_dir = "out", doc, experiments = project_root() + "/configs/experiments";
  uint32_t jobs = default_jobs();
  bool no_plots = false;
  ArgTable t("reproduce", "[--out DIR] [--doc FILE] [--experiments DIR] [--jobs N] [--no-plots]",
             "Runs every experiment of configs/experiments and compares with the paper's figures.");
  t.text("--out", "DIR", "output folder, replaced as a whole at the end", &out_dir);
  t.text("--doc", "FILE", "also write the validation report (the main job: docs/validation.md)", &doc);
  t.text("--experiments", "DIR", "the experiment files (fusion, coe, footprint, paper_values .json)", &experiments);
  t.uint("--jobs", "N", "simulations run at once, one process each", &jobs, 1, 1024);
  t.flag("--no-plots", "skip the plots (scripts/plot_validation.py)", &no_plots);
  if (!t.parse(args)) return 0;

  OutputSet set(out_dir);
  auto t0 = std::chrono::steady_clock::now();
  Reproduction r = run_reproduction({experiments, jobs});
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  set.write("fusion.json", r.fusion.dump(2) + "\n");
  set.write("fusion.md", r.fusion_md);
  if (!r.looping.is_null()) set.write("looping.json", r.looping.dump(2) + "\n");
  set.write("coe.json", r.coe.dump(2) + "\n");
  set.write("coe_breakdown.json", r.coe_breakdown.dump(2) + "\n");
  set.write("coe_experts.json", r.coe_experts.dump(2) + "\n");
  set.write("footprint.json", r.footprint.dump(2) + "\n");
  set.write("validation.json", r.validation.dump(2) + "\n");
  std::string staged_doc = set.redirect(doc);  // a --doc inside DIR is part of the set
  if (!doc.empty() && staged_doc != doc) write_file_atomic(staged_doc, r.validation_md);
  std::cout << r.validation_md;
  std::cout << fmt::format("reproduction simulated in {:.1f} s of wall time ({} parallel processes)\n", wall, jobs);
  if (!no_plots) {
    for (const char* script : {"plot_validation.py", "plot_coe.py"})
      run_program({"/usr/bin/python3", project_root() + "/scripts/" + script, set.staging_dir()}, "plots");
  }
  set.commit();
  if (!doc.empty() && staged_doc == doc) write_file_atomic(doc, r.validation_md);
  std::cout << "wrote " << out_dir << "/validation.json" << (doc.empty() ? "" : ", " + doc) << "\n";
  return 0;
}

}  // namespace rdusim
