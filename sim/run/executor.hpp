// sim/run/executor.hpp
// The one top-level process of a run: executes a script (sections in order, DMAs, requests) in
// simulated time. After sc_start() returns, finished() tells a completed run from a deadlock.
#pragma once
#include <exception>
#include <functional>

#include "sim/core/time.hpp"

namespace rdusim {

class Executor : public sc_core::sc_module {
 public:
  Executor(sc_core::sc_module_name name, std::function<void()> script)
      : sc_core::sc_module(name), m_script(std::move(script)) {
    SC_THREAD(main);
  }
  bool finished() const { return m_finished; }
  // Rethrows an exception the script raised (a SimError from a model), if any.
  void rethrow() const {
    if (m_error) std::rethrow_exception(m_error);
  }

 private:
  SC_HAS_PROCESS(Executor);
  void main() {
    try {
      m_script();
      m_finished = true;
    } catch (...) {
      m_error = std::current_exception();
      sc_core::sc_stop();
    }
  }
  std::function<void()> m_script;
  bool m_finished = false;
  std::exception_ptr m_error;
};

}  // namespace rdusim
