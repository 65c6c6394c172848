// sim/run/all_ranks.hpp
// Runs a script on every tensor-parallel rank at once, from a SystemC thread: ranks 1..n-1 in
// spawned threads, rank 0 in the caller; returns when all are done.
#pragma once
#include <functional>

#include "sim/core/time.hpp"

namespace rdusim {

inline void run_on_all_ranks(uint32_t ranks, const std::function<void(uint32_t)>& script) {
  uint32_t running = ranks;
  sc_core::sc_event done;
  for (uint32_t r = 1; r < ranks; ++r) {
    sc_core::sc_spawn([&, r] {
      script(r);
      if (--running == 0) done.notify();
    });
  }
  script(0);
  if (--running > 0) sc_core::wait(done);
}

}  // namespace rdusim
