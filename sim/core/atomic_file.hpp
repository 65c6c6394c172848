// sim/core/atomic_file.hpp
// Writes an output file whole or not at all: a temp file beside it, then rename.
#pragma once
#include <string>

namespace rdusim {
// Throws SimError(path, "", ...) when the file cannot be written.
void write_file_atomic(const std::string& path, const std::string& content);
}  // namespace rdusim
