// A direct convolution: loops in the order that keeps the inner loop contiguous.
#include "workloads/reference_conv.h"

namespace eyesim::workloads {

Tensor<std::int32_t> reference_conv(const LayerShape& l, const Tensor<std::int8_t>& iacts,
                                    const Tensor<std::int8_t>& weights) {
  const std::uint32_t E = l.e(), F = l.f();
  Tensor<std::int32_t> out({l.n, l.g * l.m, E, F});
  const std::int8_t* I = iacts.data();
  const std::int8_t* W = weights.data();
  std::int32_t* O = out.data();
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
              for (std::uint32_t e = 0; e < E; ++e) {
                const std::int64_t y = std::int64_t{e} * l.u + r - l.pad;
                if (y < 0 || y >= l.h) continue;
                const std::int8_t* row = plane + y * l.w;
                std::int32_t* orow = o + std::size_t{e} * F;
                for (std::uint32_t f = 0; f < F; ++f) {
                  const std::int64_t x = std::int64_t{f} * l.u + s - l.pad;
                  if (x < 0 || x >= l.w) continue;
                  orow[f] += wv * row[x];
                }
              }
            }
      }
  return out;
}

}  // namespace eyesim::workloads
