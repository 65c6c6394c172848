// sim/run/isolated.cpp
#include "sim/run/isolated.hpp"

#include <cstdio>
#include <map>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/core/error.hpp"

namespace rdusim {
namespace {

void write_all(int fd, const std::string& s) {
  size_t off = 0;
  while (off < s.size()) {
    ssize_t n = ::write(fd, s.data() + off, s.size() - off);
    if (n <= 0) return;
    off += static_cast<size_t>(n);
  }
}

std::string read_all(int fd) {
  std::string out;
  char buf[65536];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  return out;
}

}  // namespace

std::vector<nlohmann::json> run_isolated(const std::vector<std::function<nlohmann::json()>>& tasks, unsigned jobs) {
  std::vector<nlohmann::json> results(tasks.size());
  std::map<pid_t, std::pair<size_t, int>> running;  // pid -> (task, read fd)
  size_t next = 0;
  jobs = jobs == 0 ? 1 : jobs;
  auto reap_one = [&] {
    // Read the oldest child's pipe to EOF first (a full pipe would block the child), then wait.
    auto it = running.begin();
    std::string text = read_all(it->second.second);
    ::close(it->second.second);
    int status = 0;
    ::waitpid(it->first, &status, 0);
    size_t idx = it->second.first;
    try {
      results[idx] = nlohmann::json::parse(text);
    } catch (const std::exception&) {
      results[idx] = {{"error", "run " + std::to_string(idx) + " ended without a result (exit status " +
                                    std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")"}};
    }
    running.erase(it);
  };
  while (next < tasks.size() || !running.empty()) {
    if (next < tasks.size() && running.size() < jobs) {
      int fds[2];
      if (::pipe(fds) != 0) throw SimError("", "", "pipe() failed");
      std::fflush(stdout);
      std::fflush(stderr);
      pid_t pid = ::fork();
      if (pid < 0) throw SimError("", "", "fork() failed");
      if (pid == 0) {
        ::close(fds[0]);
        nlohmann::json r;
        try {
          r = tasks[next]();
        } catch (const SimError& e) {
          r = {{"error", e.one_line()}};
        } catch (const std::exception& e) {
          r = {{"error", std::string("internal error: ") + e.what()}};
        }
        write_all(fds[1], r.dump());
        ::close(fds[1]);
        std::fflush(stdout);
        ::_exit(0);
      }
      ::close(fds[1]);
      running[pid] = {next, fds[0]};
      ++next;
    } else {
      reap_one();
    }
  }
  return results;
}

}  // namespace rdusim
