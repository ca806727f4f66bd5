// LayerShape: one DNN layer in the notation of the Eyeriss papers (N, G, C, M, H, W, R, S, E, F, U).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace eyesim::workloads {

enum class LayerKind : std::uint8_t { kConv, kDepthwise, kPointwise, kFullyConnected };

std::string_view to_string(LayerKind);
bool parse_layer_kind(std::string_view text, LayerKind& out);

/// Paper notation (Eyeriss v2 RS+ loop nest): I[N][G*C][H][W], W[G][M][C][R][S], O[N][G*M][E][F].
/// C and M are per group; H and W are the unpadded input; a fully connected layer has H=W=R=S=1 with
/// C inputs and M outputs; a depthwise layer has G = channels and C = M = 1.
struct LayerShape {
  std::string name;
  LayerKind kind = LayerKind::kConv;
  std::uint32_t n = 1;  ///< batch
  std::uint32_t g = 1;  ///< groups
  std::uint32_t c = 1;  ///< input channels per group
  std::uint32_t m = 1;  ///< output channels per group
  std::uint32_t h = 1;  ///< input height (unpadded)
  std::uint32_t w = 1;  ///< input width (unpadded)
  std::uint32_t r = 1;  ///< filter height
  std::uint32_t s = 1;  ///< filter width
  std::uint32_t u = 1;  ///< stride, both directions
  std::uint32_t pad = 0;  ///< zero padding on every side

  std::uint32_t e() const { return (h + 2 * pad - r) / u + 1; }  ///< output height
  std::uint32_t f() const { return (w + 2 * pad - s) / u + 1; }  ///< output width
  std::uint64_t macs() const {
    return std::uint64_t{n} * g * m * c * r * s * e() * f();
  }
  std::uint64_t iact_count() const { return std::uint64_t{n} * g * c * h * w; }
  std::uint64_t weight_count() const { return std::uint64_t{g} * m * c * r * s; }
  std::uint64_t oact_count() const { return std::uint64_t{n} * g * m * e() * f(); }
  friend bool operator==(const LayerShape&, const LayerShape&) = default;
};

/// The most elements one operand (input activations, weights or output activations) of one image may
/// have: 2^30, ten times the largest built-in operand (workloads/README.md).
inline constexpr std::uint64_t kMaxOperandElements = std::uint64_t{1} << 30;

/// Every problem with the shape, each naming the layer (empty = valid).
std::vector<std::string> validate(const LayerShape&);

}  // namespace eyesim::workloads
