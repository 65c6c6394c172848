// dataflow/gpu_kernel_model.hpp
// The per-kernel efficiency model of a GPU (closed form, no kernel needed): what fraction of the
// SMs' tensor-core peak a GEMM of shape M x N x K reaches. It is a model of how GEMM libraries
// tile the problem, not a constant fitted to one result:
//  - skinny GEMMs (M <= mma_rows: decode) run as split-K / GEMV-style kernels over all SMs; the
//    tensor cores are used at M / mma_rows of their height (the smallest MMA tile);
//  - otherwise the output is cut into cta_tile_m x cta_tile_n CTA tiles (cta_tile_m shrinks to
//    the next multiple of mma_rows for small M) scheduled in waves of one tile per SM: the padding
//    of the edge tiles and the idle SMs of the last wave are lost (tile and wave quantization);
//  - a CTA reaches peak_fraction of its SM's peak (what the best large GEMMs reach).
#pragma once
#include <algorithm>
#include <cstdint>

namespace rdusim {

struct GemmTileParams {
  uint32_t mma_rows = 16;      // smallest tensor-core tile height
  uint32_t cta_tile_m = 128;   // CTA output tile rows
  uint32_t cta_tile_n = 128;   // CTA output tile columns
  double peak_fraction = 0.8;  // fraction of peak a CTA sustains in a large GEMM
};

inline uint64_t ceil_div_u64(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

// Fraction of the SMs' peak (all sms of them) a GEMM of m x n x k reaches; in (0, peak_fraction].
inline double gemm_efficiency(const GemmTileParams& p, uint32_t sms, uint64_t m, uint64_t n, uint64_t k) {
  m = std::max<uint64_t>(m, 1);
  n = std::max<uint64_t>(n, 1);
  if (m <= p.mma_rows) return p.peak_fraction * double(m) / p.mma_rows;
  uint64_t tile_m = std::min<uint64_t>(p.cta_tile_m, ceil_div_u64(m, p.mma_rows) * p.mma_rows);
  uint64_t tiles_m = ceil_div_u64(m, tile_m), tiles_n = ceil_div_u64(n, p.cta_tile_n);
  uint64_t tiles = tiles_m * tiles_n;
  uint64_t waves = ceil_div_u64(tiles, sms);
  double wave_eff = double(tiles) / double(waves * sms);
  double pad_eff = double(m) * double(n) / double(tiles_m * tile_m * tiles_n * p.cta_tile_n);
  return p.peak_fraction * wave_eff * pad_eff;
}

// Attention (FlashAttention-style): one problem per (sequence, KV head); `rows` query rows share
// a K/V tile (the new tokens times the query heads per KV head). Problems are many, so there is no
// wave loss; the rows fill the tensor-core tile height.
inline double attention_efficiency(const GemmTileParams& p, uint64_t rows) {
  rows = std::max<uint64_t>(rows, 1);
  if (rows <= p.mma_rows) return p.peak_fraction * double(rows) / p.mma_rows;
  uint64_t tile_m = std::min<uint64_t>(p.cta_tile_m, ceil_div_u64(rows, p.mma_rows) * p.mma_rows);
  return p.peak_fraction * double(rows) / double(ceil_div_u64(rows, tile_m) * tile_m);
}

}  // namespace rdusim
