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
  // The general case, one output plane at a time. Each input plane, zero-padded, is split by phase
  // (y mod U, x mod U) into U x U planes of Hq x Lq (Hq = ceil((H + 2 pad) / U), Lq likewise), so that
  // output (e, f) reads, with filter tap (r, s), element (e + r/U, f + s/U) of phase plane (r mod U, s mod U).
  // The output plane is kept Lq wide (columns F..Lq-1 are discarded): one tap is then a single contiguous
  // loop over E x Lq elements (it vectorises), instead of E loops over short rows of F. A discarded column
  // sums as many products as a kept one, so it is as far from overflow.
  // Only the phases a filter tap reads are kept: r mod U < min(U, R) and s mod U < min(U, S) (all U x U
  // planes took c x U^2 x Hq x Lq bytes: 4.2 GB for a 1-MAC layer of stride 65536 on a 65536-wide row; found
  // by helper-58).
  const std::size_t U = l.u;
  const std::size_t PR = std::min<std::size_t>(U, l.r), PS = std::min<std::size_t>(U, l.s);  // phases read
  const std::size_t Hq = (std::size_t{l.h} + 2 * l.pad + U - 1) / U, Lq = (std::size_t{l.w} + 2 * l.pad + U - 1) / U;
  const std::size_t phase_plane = Hq * Lq, channel_planes = PR * PS * phase_plane;
  // A tap reads up to (S-1)/U elements past the end of its phase plane (into discarded columns): slack.
  std::vector<std::int8_t> phased(std::size_t{l.c} * channel_planes + (l.s - 1) / U, 0);
  std::vector<std::int32_t> wide(std::size_t{E} * Lq);
  for (std::uint32_t n = 0; n < l.n; ++n)
    for (std::uint32_t g = 0; g < l.g; ++g) {
      for (std::uint32_t c = 0; c < l.c; ++c) {
        const std::int8_t* plane = I + (std::size_t{n} * l.g * l.c + std::size_t{g} * l.c + c) * l.h * l.w;
        std::int8_t* to = phased.data() + std::size_t{c} * channel_planes;
        for (std::size_t y = 0; y < l.h; ++y) {
          const std::size_t py = y + l.pad;  // in the padded plane
          if (py % U >= PR) continue;  // a row no filter row reads
          const std::int8_t* from = plane + y * l.w;  // from[px - pad]: padded column px >= pad
          for (std::size_t p = 0; p < PS; ++p) {  // padded columns px = p + q*U: phase p, position q
            std::int8_t* row = to + ((py % U) * PS + p) * phase_plane + (py / U) * Lq;
            const std::size_t q_first = l.pad > p ? (l.pad - p + U - 1) / U : 0;  // the first px >= pad
            for (std::size_t q = q_first; p + q * U < l.w + l.pad; ++q) row[q] = from[p + q * U - l.pad];
          }
        }
      }
      for (std::uint32_t m = 0; m < l.m; ++m) {
        std::fill(wide.begin(), wide.end(), 0);
        const std::int8_t* wts = W + (std::size_t{g} * l.m + m) * l.c * l.r * l.s;
        for (std::uint32_t c = 0; c < l.c; ++c)
          for (std::uint32_t r = 0; r < l.r; ++r)
            for (std::uint32_t s = 0; s < l.s; ++s) {
              const std::int32_t wv = wts[(std::size_t{c} * l.r + r) * l.s + s];
              if (wv == 0) continue;
              const std::int8_t* in = phased.data() + std::size_t{c} * channel_planes +
                                      ((r % U) * PS + s % U) * phase_plane + (r / U) * Lq + s / U;
              for (std::size_t i = 0; i < wide.size(); ++i) wide[i] += wv * in[i];
            }
        std::int32_t* o = O + ((std::size_t{n} * l.g * l.m + std::size_t{g} * l.m + m) * E) * F;
        for (std::size_t e = 0; e < E; ++e) std::copy_n(wide.data() + e * Lq, F, o + e * F);
      }
    }
  return out;
}

}  // namespace eyesim::workloads
