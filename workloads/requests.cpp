// workloads/requests.cpp
#include "workloads/requests.hpp"

#include <fmt/format.h>

#include <cmath>

#include "sim/core/error.hpp"
#include "workloads/random.hpp"

namespace rdusim {

std::vector<Request> make_batch(uint32_t batch, UseCase use_case) {
  std::vector<Request> out;
  for (uint32_t i = 0; i < batch; ++i) out.push_back({i, 0.0, use_case.input_tokens, use_case.output_tokens, {}});
  return out;
}

std::vector<Request> poisson_stream(const PoissonStreamParams& p) {
  if (!(std::isfinite(p.rate_per_s) && p.rate_per_s > 0.0)) {
    throw SimError("", "poisson_stream", fmt::format("rate_per_s must be positive (got {})", p.rate_per_s));
  }
  const double mean_us = 1e6 / p.rate_per_s;
  std::mt19937_64 rng(p.seed);
  std::vector<Request> out;
  out.reserve(p.count);
  double t = p.start_us;
  for (uint32_t i = 0; i < p.count; ++i) {
    t += exponential(rng, mean_us);
    out.push_back({i, t, p.use_case.input_tokens, p.use_case.output_tokens, {}});
  }
  return out;
}

}  // namespace rdusim
