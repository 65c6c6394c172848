// sim/cli/spawn.hpp
// Runs a program with an argument vector (posix_spawn + waitpid): no shell, so no word splitting
// or metacharacters in paths.
#pragma once
#include <string>
#include <vector>

namespace rdusim {
// argv[0] is the program's path. Throws SimError(where, ...) with the last line the program wrote
// on stderr when it cannot start, exits non-zero or dies of a signal.
void run_program(const std::vector<std::string>& argv, const std::string& where);
}  // namespace rdusim
