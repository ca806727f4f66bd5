// The reference convolution: a hand example and a naive formula on random small shapes.
#include <doctest/doctest.h>

#include "core/rng.h"
#include "workloads/reference_conv.h"

namespace eyesim::workloads {
namespace {
std::int32_t naive(const LayerShape& l, const Tensor<std::int8_t>& I, const Tensor<std::int8_t>& W, std::uint32_t n,
                   std::uint32_t g, std::uint32_t m, std::uint32_t e, std::uint32_t f) {
  std::int32_t sum = 0;
  for (std::uint32_t c = 0; c < l.c; ++c)
    for (std::uint32_t r = 0; r < l.r; ++r)
      for (std::uint32_t s = 0; s < l.s; ++s) {
        const int y = int(e * l.u + r) - int(l.pad), x = int(f * l.u + s) - int(l.pad);
        if (y < 0 || x < 0 || y >= int(l.h) || x >= int(l.w)) continue;
        sum += W.at({g, m, c, r, s}) * I.at({n, g * l.c + c, std::uint32_t(y), std::uint32_t(x)});
      }
  return sum;
}
}  // namespace

TEST_SUITE("fast") {
  TEST_CASE("a 3x3 input with a 2x2 filter / by hand") {
    const LayerShape l{.name = "hand", .c = 1, .m = 1, .h = 3, .w = 3, .r = 2, .s = 2};
    Tensor<std::int8_t> I({1, 1, 3, 3}), W({1, 1, 1, 2, 2});
    std::int8_t v = 1;
    for (auto& x : I.values()) x = v++;  // 1..9
    W.at({0, 0, 0, 0, 0}) = 1;
    W.at({0, 0, 0, 1, 1}) = -1;
    const auto O = reference_conv(l, I, W);
    CHECK(O.dims() == std::vector<std::uint32_t>{1, 1, 2, 2});
    CHECK(O.values()[0] == 1 - 5);
    CHECK(O.values()[3] == 5 - 9);
  }

  TEST_CASE("the reference equals a naive formula for strides / padding / groups / depthwise and FC") {
    Rng rng(99);
    const LayerShape shapes[] = {
        {.name = "s2p1", .n = 2, .c = 3, .m = 4, .h = 7, .w = 6, .r = 3, .s = 3, .u = 2, .pad = 1},
        {.name = "grouped", .g = 2, .c = 3, .m = 2, .h = 5, .w = 5, .r = 3, .s = 3, .pad = 1},
        {.name = "dw", .kind = LayerKind::kDepthwise, .g = 5, .h = 6, .w = 6, .r = 3, .s = 3, .u = 2, .pad = 1},
        {.name = "fc", .kind = LayerKind::kFullyConnected, .n = 3, .c = 17, .m = 5},
        {.name = "k4s4", .c = 2, .m = 3, .h = 11, .w = 11, .r = 4, .s = 4, .u = 4},
        // stride 3 with padding: rows split by phase, filter columns before and past the row's start
        {.name = "k5s3p2", .n = 2, .g = 2, .c = 2, .m = 3, .h = 10, .w = 10, .r = 5, .s = 5, .u = 3, .pad = 2},
        // the output planes kept as wide as the padded phase planes: unequal sides, filter and padding
        {.name = "wide", .n = 2, .c = 3, .m = 2, .h = 9, .w = 6, .r = 3, .s = 2, .u = 2, .pad = 1},
        {.name = "k4s3", .c = 2, .m = 2, .h = 8, .w = 13, .r = 2, .s = 4, .u = 3},
        {.name = "same13", .c = 4, .m = 3, .h = 13, .w = 13, .r = 3, .s = 3, .pad = 1},
        // the pointwise and fully connected fast paths (a plane per weight; one dot product per output)
        {.name = "pw", .kind = LayerKind::kPointwise, .n = 2, .g = 2, .c = 4, .m = 3, .h = 5, .w = 4},
        {.name = "fc3x3", .kind = LayerKind::kFullyConnected, .n = 2, .g = 2, .c = 3, .m = 4, .h = 3, .w = 3, .r = 3, .s = 3},
        // strides past the filter: only the phases a tap reads are kept (all U x U of them took c x U^2 planes:
        // a stride of 10^6 asked for 10^12 bytes; helper-58)
        {.name = "k2s5p1", .c = 2, .m = 2, .h = 11, .w = 12, .r = 2, .s = 3, .u = 5, .pad = 1},
        {.name = "s1e6", .c = 1, .m = 2, .h = 1, .w = 1000000, .r = 1, .s = 1, .u = 1000000},
    };
    for (const auto& l : shapes) {
      Tensor<std::int8_t> I({l.n, l.g * l.c, l.h, l.w}), W({l.g, l.m, l.c, l.r, l.s});
      for (auto& x : I.values()) x = static_cast<std::int8_t>(rng.between(-128, 127));
      for (auto& x : W.values()) x = static_cast<std::int8_t>(rng.between(-128, 127));
      const auto O = reference_conv(l, I, W);
      for (std::uint32_t n = 0; n < l.n; ++n)
        for (std::uint32_t g = 0; g < l.g; ++g)
          for (std::uint32_t m = 0; m < l.m; ++m)
            for (std::uint32_t e = 0; e < l.e(); ++e)
              for (std::uint32_t f = 0; f < l.f(); ++f) CHECK(O.at({n, g * l.m + m, e, f}) == naive(l, I, W, n, g, m, e, f));
    }
  }

  TEST_CASE("wrap_psum wraps to two's complement of the accumulator width") {
    CHECK(wrap_psum(0) == 0);
    CHECK(wrap_psum((1 << 19) - 1) == (1 << 19) - 1);
    CHECK(wrap_psum(1 << 19) == -(1 << 19));
    CHECK(wrap_psum(-1) == -1);
    CHECK(wrap_psum(std::int64_t{1} << 20) == 0);
    CHECK(wrap_psum(300, 8) == 44);
    CHECK(wrap_psum(wrap_psum(123456) + wrap_psum(987654)) == wrap_psum(123456 + 987654));
  }
}
}  // namespace eyesim::workloads
