// sim/cli/commands.hpp
// The subcommands, one file each (sim/cli/cmd_<name>.cpp). Each declares its options in an
// ArgTable (sim/cli/args.hpp), calls a study or run path with typed inputs, and writes its outputs
// through an OutputSet (sim/core/atomic_file.hpp). Return value: the exit code.
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

// Default process count for studies: the machine's cores.
unsigned default_jobs();
}  // namespace rdusim
