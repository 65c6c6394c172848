// workloads/requests.hpp
// The prompts a CoE serves: a batch of identical prompts (paper E2: chatbot 128 -> 20 tokens,
// translation 200 -> 200 tokens, batch 1 or 8), or a stream of requests arriving by a seeded
// Poisson process or as listed in a trace file.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace rdusim {

struct UseCase {
  uint32_t input_tokens = 128;
  uint32_t output_tokens = 20;
};
// NVIDIA's NeMo Llama-2 latency table configurations, used by the SN40L paper (section VI.C).
constexpr UseCase kChatbot{128, 20};
constexpr UseCase kTranslation{200, 200};

struct Request {
  uint64_t id = 0;  // also the prompt index routing is seeded with
  double arrival_us = 0.0;
  uint32_t input_tokens = 0;
  uint32_t output_tokens = 0;
  std::string expert;  // trace files may name the expert (serve --popularity trace); empty otherwise
};

// `batch` prompts of the use case, all arriving at t = 0, ids 0..batch-1.
std::vector<Request> make_batch(uint32_t batch, UseCase use_case);

struct PoissonStreamParams {
  uint64_t seed = 1;
  double rate_per_s = 1.0;  // mean arrivals per second
  uint32_t count = 100;     // requests to generate
  UseCase use_case;
  double start_us = 0.0;  // arrival of a fictitious request 0 (the first gap is drawn from here)
};

// Contract: deterministic in the params on every platform. The generator is
// std::mt19937_64(seed); gap i = -mean * ln(1 - u_i) with u_i = (next 64-bit output >> 11) * 2^-53
// and mean = 1e6 / rate_per_s microseconds (workloads/random.hpp); arrival_i = start_us + sum of gaps.
// Throws SimError when rate_per_s is not positive and finite.
std::vector<Request> poisson_stream(const PoissonStreamParams& p);

// A trace file: a JSON list of {"arrival_us", "input_tokens", "output_tokens"} (an optional "id"
// defaults to the position, an optional "expert" names the expert instance). Contract: arrivals are
// finite, non-negative and non-decreasing, token counts at least 1; errors are
// SimError(path, "/<index>/<key>", message). The JSON loader (load_trace_file, parse_trace) is
// sim/config/requests_loader.hpp.

}  // namespace rdusim
