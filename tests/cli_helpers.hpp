// tests/cli_helpers.hpp
// Runs the rdusim binary with an argument vector (fork + execv, no shell), optionally in another
// working directory and its own process group, so tests can pass any path and kill the whole tree.
#pragma once
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <signal.h>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace cli_test {
namespace fs = std::filesystem;

inline std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Proc {
  pid_t pid = -1;
  fs::path out, err;
};

// Starts RDUSIM_BIN args... in `cwd` (empty: this one), stdout/stderr to files, own process group.
inline Proc start(const std::vector<std::string>& args, const fs::path& cwd = {}) {
  static int counter = 0;
  Proc p;
  fs::path base =
      fs::temp_directory_path() / ("rdusim_cli_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
  p.out = base.string() + ".out";
  p.err = base.string() + ".err";
  std::vector<std::string> argv = {RDUSIM_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  p.pid = ::fork();
  if (p.pid == 0) {
    ::setpgid(0, 0);
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(126);
    int o = ::open(p.out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int e = ::open(p.err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(o, 1);
    ::dup2(e, 2);
    std::vector<char*> c;
    for (auto& a : argv) c.push_back(a.data());
    c.push_back(nullptr);
    ::execv(c[0], c.data());
    ::_exit(127);
  }
  ::setpgid(p.pid, p.pid);  // also here: a kill right after start must reach the group
  return p;
}

struct Result {
  int code;  // exit code, or -signal
  std::string out, err;
};

inline Result wait(const Proc& p) {
  int status = 0;
  ::waitpid(p.pid, &status, 0);
  Result r{WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status), slurp(p.out), slurp(p.err)};
  fs::remove(p.out);
  fs::remove(p.err);
  return r;
}

inline Result run(const std::vector<std::string>& args, const fs::path& cwd = {}) { return wait(start(args, cwd)); }

// Every file under `dir` (relative path -> content).
inline std::vector<std::pair<std::string, std::string>> tree(const fs::path& dir) {
  std::vector<std::pair<std::string, std::string>> t;
  if (!fs::exists(dir)) return t;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) t.emplace_back(fs::relative(e.path(), dir).string(), slurp(e.path()));
  std::sort(t.begin(), t.end());
  return t;
}

// Entries of `dir` whose name contains `needle` (temp files and staging folders left behind).
inline std::vector<std::string> leftovers(const fs::path& dir, const std::string& needle) {
  std::vector<std::string> v;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.path().filename().string().find(needle) != std::string::npos) v.push_back(e.path().string());
  return v;
}
}  // namespace cli_test
