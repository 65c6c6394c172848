// sim/core/error.hpp
// The one error type of rdusim: where (file and JSON path, or graph node) and what.
// main() prints it on one line as "where: message" and exits 2.
#pragma once
#include <stdexcept>
#include <string>

namespace rdusim {

class SimError : public std::runtime_error {
 public:
  SimError(std::string file, std::string where, const std::string& message)
      : std::runtime_error(message), m_file(std::move(file)), m_where(std::move(where)) {}

  const std::string& file() const { return m_file; }
  const std::string& where() const { return m_where; }
  // "file:/json/path: message", or "node: message" when there is no file.
  std::string one_line() const {
    std::string s = m_file;
    if (!m_where.empty()) s += (s.empty() ? "" : ":") + m_where;
    return s + ": " + what();
  }

 private:
  std::string m_file;
  std::string m_where;
};

}  // namespace rdusim
