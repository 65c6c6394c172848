// sim/cli/commands.hpp
// The subcommands, one file each.
#pragma once
#include <string>
#include <vector>

namespace rdusim {
int cmd_run(const std::vector<std::string>& args);
int cmd_bench(const std::vector<std::string>& args);
int cmd_experiment(const std::vector<std::string>& args);
int cmd_reproduce(const std::vector<std::string>& args);
int cmd_switch(const std::vector<std::string>& args);
int cmd_serve(const std::vector<std::string>& args);
}  // namespace rdusim
