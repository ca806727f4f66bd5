// The reference convolution: the oracle of the functional mode (--verify).
#pragma once

#include <cstdint>

#include "workloads/layer_shape.h"
#include "workloads/tensor.h"

namespace eyesim::workloads {

/// Exact int32 sums O[n][g*M+m][e][f] = sum over c, r, s of I * W (zero padding), for every layer kind.
/// int8 x int8 products summed over at most 2^17 terms cannot overflow int32.
Tensor<std::int32_t> reference_conv(const LayerShape& shape, const Tensor<std::int8_t>& iacts,
                                    const Tensor<std::int8_t>& weights);

/// Two's-complement wrap of `v` to `bits` bits: the chip's 20-bit psum accumulator. Addition modulo
/// 2^bits is associative, so wrapping the final sum equals wrapping after every partial sum: the chip's
/// output, whatever its accumulation order, equals wrap_psum(reference).
constexpr std::int32_t wrap_psum(std::int64_t v, unsigned bits = 20) {
  const std::uint64_t mask = (std::uint64_t{1} << bits) - 1;
  const std::uint64_t u = static_cast<std::uint64_t>(v) & mask;
  const std::uint64_t sign = std::uint64_t{1} << (bits - 1);
  return static_cast<std::int32_t>(static_cast<std::int64_t>(u ^ sign) - static_cast<std::int64_t>(sign));
}

}  // namespace eyesim::workloads
