// sim/core/atomic_file.cpp
#include "sim/core/atomic_file.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "sim/core/error.hpp"

namespace rdusim {

void write_file_atomic(const std::string& path, const std::string& content) {
  std::filesystem::path p(path);
  if (p.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(p.parent_path(), ec);
  }
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw SimError(path, "", "cannot write output file");
    out << content;
    if (!out.good()) {
      std::remove(tmp.c_str());
      throw SimError(path, "", "write failed");
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw SimError(path, "", "cannot rename temp file into place");
  }
}

}  // namespace rdusim
