// A direct convolution: loops in the order that keeps the inner loop contiguous.
#include "workloads/reference_conv.h"

#include <algorithm>
#include <vector>

namespace eyesim::workloads {

Tensor<std::int32_t> reference_conv(const LayerShape& l, const Tensor<std::int8_t>& iacts,
                                    const Tensor<std::int8_t>& weights) {
  const std::uint32_t E = l.e(), F = l.f();
  Tensor<std::int32_t> out({l.n, l.g * l.m, E, F});
  const std::int8_t* I = iacts.data();
  const std::int8_t* W = weights.data();
  std::int32_t* O = out.data();
  if (E == 1 && F == 1 && l.pad == 0 && l.r == l.h && l.s == l.w) {
    // A fully connected layer (the filter covers the input): one dot product per output over C x H x W,
    // contiguous in both tensors.
    const std::size_t k = std::size_t{l.c} * l.h * l.w;
    for (std::uint32_t n = 0; n < l.n; ++n)
      for (std::uint32_t g = 0; g < l.g; ++g) {
        const std::int8_t* in = I + (std::size_t{n} * l.g + g) * k;
        for (std::uint32_t m = 0; m < l.m; ++m) {
          const std::int8_t* wt = W + (std::size_t{g} * l.m + m) * k;
          std::int32_t sum = 0;
          for (std::size_t i = 0; i < k; ++i) sum += std::int32_t{in[i]} * std::int32_t{wt[i]};
          O[std::size_t{n} * l.g * l.m + std::size_t{g} * l.m + m] = sum;
        }
      }
    return out;
  }
  if (l.r == 1 && l.s == 1 && l.u == 1 && l.pad == 0) {
    // A pointwise layer: each weight scales a whole input plane into a whole output plane, contiguous.
    const std::size_t plane = std::size_t{l.h} * l.w;
    for (std::uint32_t n = 0; n < l.n; ++n)
      for (std::uint32_t g = 0; g < l.g; ++g)
        for (std::uint32_t m = 0; m < l.m; ++m) {
          std::int32_t* o = O + (std::size_t{n} * l.g * l.m + std::size_t{g} * l.m + m) * plane;
          for (std::uint32_t c = 0; c < l.c; ++c) {
            const std::int32_t wv = W[(std::size_t{g} * l.m + m) * l.c + c];
            if (wv == 0) continue;
            const std::int8_t* in = I + (std::size_t{n} * l.g * l.c + std::size_t{g} * l.c + c) * plane;
            for (std::size_t i = 0; i < plane; ++i) o[i] += wv * in[i];
          }
        }
    return out;
  }
  // At stride U > 1, every input row split by phase (x mod U) into U contiguous rows of x / U: the
  // inputs an output row reads with one filter column are then contiguous (the loop vectorises).
  const std::size_t phase_len = (std::size_t{l.w} + l.u - 1) / l.u;
  std::vector<std::int8_t> phased;
  if (l.u > 1) {
    const std::size_t rows = std::size_t{l.n} * l.g * l.c * l.h;
    phased.assign(rows * l.u * phase_len, 0);
    for (std::size_t row = 0; row < rows; ++row)
      for (std::uint32_t x = 0; x < l.w; ++x) phased[(row * l.u + x % l.u) * phase_len + x / l.u] = I[row * l.w + x];
  }
  for (std::uint32_t n = 0; n < l.n; ++n)
    for (std::uint32_t g = 0; g < l.g; ++g)
      for (std::uint32_t m = 0; m < l.m; ++m) {
        std::int32_t* o = O + ((std::size_t{n} * l.g * l.m + g * l.m + m) * E) * F;
        for (std::uint32_t c = 0; c < l.c; ++c)
          for (std::uint32_t r = 0; r < l.r; ++r)
            for (std::uint32_t s = 0; s < l.s; ++s) {
              const std::int32_t wv = W[(((std::size_t{g} * l.m + m) * l.c + c) * l.r + r) * l.s + s];
              if (wv == 0) continue;
              const std::int8_t* plane = I + (std::size_t{n} * l.g * l.c + g * l.c + c) * l.h * l.w;
              // The output columns whose input column x = f*U + s - pad lies in the row: [f_lo, f_hi).
              const std::int64_t shift = std::int64_t{s} - l.pad;
              const std::int64_t f_lo = shift >= 0 ? 0 : (-shift + l.u - 1) / l.u;
              const std::int64_t f_hi = std::min<std::int64_t>(F, (std::int64_t{l.w} - 1 - shift) / l.u + 1);
              for (std::uint32_t e = 0; e < E; ++e) {
                const std::int64_t y = std::int64_t{e} * l.u + r - l.pad;
                if (y < 0 || y >= l.h) continue;
                const std::int8_t* row = plane + y * l.w;
                std::int32_t* orow = o + std::size_t{e} * F;
                if (l.u == 1) {  // contiguous: the compiler vectorises it
                  for (std::int64_t f = f_lo; f < f_hi; ++f) orow[f] += wv * row[f + shift];
                } else {  // x = f*U + shift = (f + q)*U + p: phase p, position f + q
                  const std::int64_t U = l.u, q = shift >= 0 ? shift / U : -((-shift + U - 1) / U), p = shift - q * U;
                  const std::size_t input_row = (std::size_t{n} * l.g * l.c + g * l.c + c) * l.h + std::size_t(y);
                  const std::int8_t* phase = phased.data() + (input_row * l.u + std::size_t(p)) * phase_len;
                  for (std::int64_t f = f_lo; f < f_hi; ++f) orow[f] += wv * phase[f + q];
                }
              }
            }
      }
  return out;
}

}  // namespace eyesim::workloads
