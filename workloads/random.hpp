// workloads/random.hpp
// Draws that are identical on every platform: std::mt19937_64 (fully specified by the standard)
// turned into uniforms and exponentials here, never through std::*_distribution, whose outputs
// are implementation-defined.
#pragma once
#include <cmath>
#include <cstdint>
#include <random>

namespace rdusim {

// SplitMix64 (Steele, Lea, Flood 2014): mixes a seed and an index into an independent stream seed.
constexpr uint64_t splitmix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// The RNG of one item (a prompt, a request) of a seeded run: independent of the order items are drawn in.
inline std::mt19937_64 item_rng(uint64_t seed, uint64_t index) {
  return std::mt19937_64(splitmix64(seed ^ splitmix64(index)));
}

// Uniform on [0, 1): the top 53 bits of one 64-bit output, times 2^-53 (exact in a double).
inline double uniform01(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

// Exponential with the given mean by inversion: -mean * ln(1 - u), u = uniform01 (1 - u is in (0, 1]).
inline double exponential(std::mt19937_64& rng, double mean) { return -mean * std::log1p(-uniform01(rng)); }

}  // namespace rdusim
