// sim/core/atomic_file.cpp
#include "sim/core/atomic_file.hpp"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <set>
#include <signal.h>
#include <unistd.h>

#include "sim/core/error.hpp"

namespace fs = std::filesystem;

namespace rdusim {
namespace {

std::atomic<uint64_t> g_counter{0};

std::string unique_suffix() { return std::to_string(::getpid()) + "-" + std::to_string(g_counter++); }

// "out/" and "./out" -> /abs/out; "", ".", ".." and "/" cannot be replaced as a unit.
fs::path normal_dir(const std::string& dir, const std::string& option) {
  fs::path p = fs::absolute(fs::path(dir)).lexically_normal();
  if (!p.has_filename()) p = p.parent_path();
  std::string name = p.filename().string();
  if (dir.empty() || name.empty() || name == "." || name == ".." || p == p.root_path())
    throw SimError("<command line>", option, "\"" + dir + "\" cannot be an output folder (name a folder to create)");
  // Replacing the working directory or a folder above it would pull the ground from under us.
  std::error_code ec;
  fs::path rel = fs::weakly_canonical(fs::current_path(), ec).lexically_relative(fs::weakly_canonical(p, ec));
  if (!rel.empty() && *rel.begin() != "..")
    throw SimError("<command line>", option, "\"" + dir + "\" holds the working directory: not an output folder");
  return p;
}

// The first entry under `dir` that is not an output-like file, or "" when there is none.
std::string foreign_entry(const fs::path& dir) {
  static const std::set<std::string> kOutput = {".json", ".md", ".png", ".txt", ".csv", ".svg", ".part", ".tmp"};
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_symlink()) return it->path().string();
    if (it->is_directory()) continue;
    if (!it->is_regular_file() || !kOutput.count(it->path().extension().string())) return it->path().string();
  }
  return ec ? dir.string() : "";
}

// ".<name>.rdusim-{new,old}-<pid>-<n>" beside `final` whose process is gone: left by a kill.
void remove_stale(const fs::path& final) {
  std::string prefix = "." + final.filename().string() + ".rdusim-";
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(final.parent_path(), ec)) {
    std::string n = e.path().filename().string();
    if (n.rfind(prefix, 0) != 0 || n.size() < prefix.size() + 5) continue;
    std::string kind = n.substr(prefix.size(), 4);
    if (kind != "new-" && kind != "old-") continue;
    pid_t pid = static_cast<pid_t>(std::atol(n.c_str() + prefix.size() + 4));
    if (pid <= 0 || pid == ::getpid() || ::kill(pid, 0) == 0 || errno != ESRCH) continue;
    std::error_code ec2;
    // A crash between the fallback's two renames: the old set is complete, put it back.
    if (kind == "old-" && !fs::exists(final, ec2))
      fs::rename(e.path(), final, ec2);
    else
      fs::remove_all(e.path(), ec2);
  }
}

}  // namespace

void write_file_atomic(const std::string& path, const std::string& content) {
  fs::path p(path);
  if (p.has_parent_path()) {
    std::error_code ec;
    fs::create_directories(p.parent_path(), ec);
  }
  fs::path tmp = p.parent_path() / ("." + p.filename().string() + "." + unique_suffix() + ".part");
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw SimError(path, "", "cannot write output file");
    out << content;
    out.close();
    if (!out) {
      std::remove(tmp.c_str());
      throw SimError(path, "", "write failed");
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw SimError(path, "", std::string("cannot rename temp file into place: ") + std::strerror(errno));
  }
}

OutputSet::OutputSet(const std::string& final_dir, const std::string& option) : m_final(final_dir), m_option(option) {
  fs::path fin = normal_dir(final_dir, option);
  std::error_code ec;
  fs::create_directories(fin.parent_path(), ec);
  if (ec) throw SimError("<command line>", option, "cannot create " + fin.parent_path().string() + ": " + ec.message());
  remove_stale(fin);
  if (fs::exists(fin, ec)) {
    if (!fs::is_directory(fin, ec)) throw SimError("<command line>", option, final_dir + " exists and is not a folder");
    std::string foreign = foreign_entry(fin);
    if (!foreign.empty())
      throw SimError("<command line>", option,
                     final_dir + " holds " + foreign +
                         ", which is not an rdusim output: not replacing it (choose another folder or remove it)");
  }
  m_abs = fin.string();
  m_staging = (fin.parent_path() / ("." + fin.filename().string() + ".rdusim-new-" + unique_suffix())).string();
  if (!fs::create_directory(m_staging, ec) || ec)
    throw SimError("<command line>", option, "cannot create " + m_staging + ": " + ec.message());
}

OutputSet::~OutputSet() {
  if (m_done) return;
  std::error_code ec;
  fs::remove_all(m_staging, ec);
}

std::string OutputSet::path(const std::string& name) const { return (fs::path(m_staging) / name).string(); }

std::string OutputSet::redirect(const std::string& user_path) const {
  if (user_path.empty()) return user_path;
  fs::path rel = fs::absolute(fs::path(user_path)).lexically_normal().lexically_relative(m_abs);
  if (rel.empty() || *rel.begin() == ".." || rel == ".") return user_path;
  return path(rel.string());
}

void OutputSet::write(const std::string& name, const std::string& content) { write_file_atomic(path(name), content); }

void OutputSet::commit() {
  std::error_code ec;
  if (!fs::exists(m_abs, ec)) {
    if (std::rename(m_staging.c_str(), m_abs.c_str()) != 0)
      throw SimError("<command line>", m_option, "cannot move outputs into " + m_final + ": " + std::strerror(errno));
  } else if (::renameat2(AT_FDCWD, m_staging.c_str(), AT_FDCWD, m_abs.c_str(), RENAME_EXCHANGE) != 0) {
    if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
      throw SimError("<command line>", m_option, "cannot replace " + m_final + ": " + std::strerror(errno));
    fs::path fin(m_abs);
    std::string backup =
        (fin.parent_path() / ("." + fin.filename().string() + ".rdusim-old-" + unique_suffix())).string();
    if (std::rename(m_abs.c_str(), backup.c_str()) != 0)
      throw SimError("<command line>", m_option, "cannot move " + m_final + " aside: " + std::strerror(errno));
    if (std::rename(m_staging.c_str(), m_abs.c_str()) != 0) {
      int err = errno;
      std::rename(backup.c_str(), m_abs.c_str());
      throw SimError("<command line>", m_option, "cannot move outputs into " + m_final + ": " + std::strerror(err));
    }
    m_staging = backup;  // what is left to remove: the old set
  }
  m_done = true;
  fs::remove_all(m_staging, ec);  // after the exchange: the old set, under the staging name
}

}  // namespace rdusim
