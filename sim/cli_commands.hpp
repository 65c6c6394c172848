// sim/cli_commands.hpp
// The subcommands beyond `run`, one file each.
#pragma once
#include <string>
#include <vector>

namespace rdusim {
int cmd_bench(const std::vector<std::string>& args);
int cmd_experiment(const std::vector<std::string>& args);
int cmd_reproduce(const std::vector<std::string>& args);
int cmd_switch(const std::vector<std::string>& args);
}  // namespace rdusim
